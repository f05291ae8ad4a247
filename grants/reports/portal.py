"""The public transparency portal's data: funded alliances and aggregates, no personal data at all.

What is published is chosen column by column (never a whole row): the alliance's code, product and
state, its association's name, municipality and region, the program's currency, the call's year, the
number of member families, the budget by source, the grant disbursed, and the standard indicators'
baseline, target and latest actual. Names, ID numbers, phones, households, users, bank accounts, buyer
contacts and file names never leave the database here. A page costs a fixed number of statements."""
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa

from ..alliances.budget import BudgetLine, Tranche
from ..alliances.models import Alliance, AllianceMember
from ..associations.models import Association, Member
from ..closeout import followups
from ..extensions import db
from ..money import ZERO
from ..plans.models import Indicator
from ..programs.models import Call, Program
from ..workflows.alliance import FUNDED
from . import filters as F
from .catalog import code_order
from .portfolio import cents, stored_latest_subquery, to_fixed, to_money

SOURCES = ("grant", "counterpart_cash", "counterpart_in_kind", "other")
FILTERS = ("region", "product", "year")


def funded(f):
    """Funded alliances under the portal's filters (region, year, product): a select of ``Alliance.id``."""
    return F.joined(sa.select(Alliance.id)).where(Alliance.state.in_(FUNDED), *F.conditions(f))


@dataclass
class Result:
    code: str
    baseline: Decimal | None
    target: Decimal | None
    actual: Decimal | None
    period: str | None = None


@dataclass
class Item:
    id: int
    code: str
    association: str
    product: str
    municipality: str
    region: str
    state: str
    currency: str
    year: int
    families: int
    amounts: dict
    disbursed: Decimal
    results: list = field(default_factory=list)

    @property
    def total(self):
        return sum(self.amounts.values(), ZERO)


def _sum_by_alliance(column, *conds, model):
    return (sa.select(sa.func.coalesce(sa.func.sum(column), 0)).where(model.alliance_id == Alliance.id, *conds)
            .correlate(Alliance).scalar_subquery())


def page(f, page_no, per_page):
    """``(items, total)`` of one page of funded alliances, newest call first (3 statements)."""
    ids = funded(f)
    total = db.session.execute(sa.select(sa.func.count()).select_from(ids.subquery())).scalar()
    offset = (page_no - 1) * per_page  # a page past the end runs the same statements and finds nothing
    families = (sa.select(sa.func.count()).where(AllianceMember.alliance_id == Alliance.id)
                .correlate(Alliance).scalar_subquery())
    money = [_sum_by_alliance(cents(getattr(BudgetLine, s)), model=BudgetLine) for s in SOURCES]
    disbursed = _sum_by_alliance(sa.func.coalesce(cents(Tranche.disbursed_amount), cents(Tranche.amount)),
                                 Tranche.state == "disbursed", model=Tranche)
    q = (F.joined(sa.select(Alliance.id, Alliance.code, Association.name, Alliance.product, Association.municipality,
                            Association.region, Alliance.state, Program.currency, F.year_of(Call.opens_at),
                            families, disbursed, *money))
         .where(Alliance.id.in_(ids))
         .order_by(Call.opens_at.desc(), Alliance.code).limit(per_page).offset(offset))
    items = []
    for (aid, code, assoc, product, municipality, region, state, currency, year, fam, paid,
         *amounts) in db.session.execute(q).all():
        items.append(Item(aid, code, assoc, product, municipality, region, state, currency, int(year or 0),
                          int(fam or 0), {s: to_money(a) for s, a in zip(SOURCES, amounts)}, to_money(paid)))
    _attach_results(items)
    return items, total


def _attach_results(items):
    """The standard indicators of the page's alliances with their latest value (1 statement)."""
    ids = [i.id for i in items]
    latest = stored_latest_subquery()
    q = (sa.select(Indicator.alliance_id, Indicator.code, cents(Indicator.baseline), cents(Indicator.target),
                   latest.c.value)
         .outerjoin(latest, latest.c.indicator_id == Indicator.id)
         .where(Indicator.alliance_id.in_(ids), Indicator.standard.is_(True))
         .order_by(Indicator.alliance_id, Indicator.position, Indicator.id))
    by_id = {i.id: i for i in items}
    for aid, code, base, target, value in db.session.execute(q).all():
        by_id[aid].results.append(Result(code, to_fixed(base), to_fixed(target), to_fixed(value)))
    for item in items:
        item.results.sort(key=lambda r: code_order(r.code))


@dataclass
class Aggregate:
    key: object
    currency: str
    alliances: int = 0
    families: int = 0
    women: int = 0
    grant: Decimal = ZERO
    counterpart: Decimal = ZERO
    other: Decimal = ZERO
    disbursed: Decimal = ZERO


def aggregates(f):
    """Funded alliances, families, women, budget by source and disbursed grant by region and by year
    (one statement each per figure family: 6 statements)."""
    year = F.year_of(Call.opens_at)
    out = {}
    for name, key in (("region", Association.region), ("year", year)):
        base = F.joined(sa.select(Alliance.id.label("aid"), key.label("k"), Program.currency.label("cur"))).where(
            Alliance.state.in_(FUNDED), *F.conditions(f)).subquery(f"agg_{name}")
        rows = {}
        for k, cur, n in db.session.execute(sa.select(base.c.k, base.c.cur, sa.func.count())
                                            .group_by(base.c.k, base.c.cur)).all():
            rows[(k, cur)] = Aggregate(int(k) if name == "year" else k, cur, alliances=n)
        q = (sa.select(base.c.k, base.c.cur, sa.func.sum(cents(BudgetLine.grant)),
                       sa.func.sum(cents(BudgetLine.counterpart_cash) + cents(BudgetLine.counterpart_in_kind)),
                       sa.func.sum(cents(BudgetLine.other)))
             .join(base, base.c.aid == BudgetLine.alliance_id).group_by(base.c.k, base.c.cur))
        for k, cur, grant, counterpart, other in db.session.execute(q).all():
            agg = rows[(k, cur)]
            agg.grant, agg.counterpart, agg.other = to_money(grant), to_money(counterpart), to_money(other)
        q = (sa.select(base.c.k, base.c.cur,
                       sa.func.sum(sa.func.coalesce(cents(Tranche.disbursed_amount), cents(Tranche.amount))))
             .join(base, base.c.aid == Tranche.alliance_id).where(Tranche.state == "disbursed")
             .group_by(base.c.k, base.c.cur))
        for k, cur, paid in db.session.execute(q).all():
            rows[(k, cur)].disbursed = to_money(paid)
        mid = AllianceMember.member_id
        q = (sa.select(base.c.k, base.c.cur, sa.func.count(sa.distinct(mid)),
                       sa.func.count(sa.distinct(sa.case((Member.sex == "F", mid)))))
             .select_from(AllianceMember).join(base, base.c.aid == AllianceMember.alliance_id)
             .join(Member, Member.id == mid).group_by(base.c.k, base.c.cur))
        for k, cur, fam, women in db.session.execute(q).all():
            rows[(k, cur)].families, rows[(k, cur)].women = int(fam), int(women or 0)
        reverse = name == "year"
        out[name] = sorted(rows.values(), key=lambda a: (a.key, a.currency), reverse=reverse)
    return out


def options():
    """Regions, years and products that have funded alliances (1 statement)."""
    year = F.year_of(Call.opens_at)
    rows = db.session.execute(F.joined(sa.select(Association.region, year, Alliance.product))
                              .where(Alliance.state.in_(FUNDED)).distinct()).all()
    return {"regions": sorted({r for r, _y, _p in rows}), "years": sorted({int(y) for _r, y, _p in rows}, reverse=True),
            "products": sorted({p for _r, _y, p in rows})}


def survival(f):
    """Survival of the business at +1, +2, +3 years after the closing over the portal's funded alliances (closed
    ones due for each year, their follow-ups recorded and those still selling; 2 statements)."""
    return followups.survival(funded(f))
