"""What the exports read, in chunks of alliances (a fixed number of statements per chunk, whatever its size):
only published columns, never a member, a user, a phone, a bank account or a file name."""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from ..alliances.budget import BudgetLine, Tranche
from ..alliances.models import Alliance, AllianceMember
from ..associations.models import Association, Buyer, Member
from ..audit.models import Event
from ..closeout.models import Refund
from ..execution.models import Contribution, Expense
from ..extensions import db
from ..money import cents, to_fixed, to_money
from ..monitoring.models import IndicatorValue
from ..plans.models import Indicator
from ..programs.models import Call, Program
from ..workflows.alliance import FUNDED
from .models import OpenDataSettings
from .settings import settings_for

CHUNK = 200


def published_ids():
    """Alliances published as IATI activities: funded (agreement signed or later), and cancelled ones whose
    agreement had been signed, by code."""
    signed = sa.select(Event.alliance_id).where(Event.to_state == "agreement_signed",
                                                Event.object_type == "alliance")
    return (sa.select(Alliance.id).where(sa.or_(Alliance.state.in_(FUNDED),
                                                sa.and_(Alliance.state == "cancelled", Alliance.id.in_(signed))))
            .order_by(Alliance.code))


def chunks(select_ids, size=CHUNK):
    """The ids of ``select_ids`` in lists of ``size`` (keyset pages: memory stays the size of one chunk)."""
    ids = [i for (i,) in db.session.execute(select_ids).all()]  # ints only: 10,000 alliances are 80 kB
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


@dataclass
class Result:
    code: str
    name: str
    unit: str
    by_sex: bool
    baseline: object
    target: object
    actual: object = None
    period: str | None = None
    women: int | None = None
    men: int | None = None


@dataclass
class Activity:
    id: int
    code: str
    title: str
    product: str
    state: str
    association: str
    association_tax_id: str | None
    municipality: str
    region: str
    buyer: str | None
    program_id: int
    program_code: str
    program_name: str
    currency: str
    settings: object
    families: int = 0
    women: int = 0
    budget: dict = field(default_factory=dict)
    tranches: list = field(default_factory=list)      # (number, amount, disbursed_on)
    planned: list = field(default_factory=list)       # planned_on of every tranche
    refunds: list = field(default_factory=list)       # (amount, refunded_on)
    counterpart: list = field(default_factory=list)   # (kind, year, amount, last date)
    signed_on: date | None = None
    ended_on: date | None = None
    results: list = field(default_factory=list)
    documents: list = field(default_factory=list)


def _sums(model, cols, ids, *where, group=()):
    q = sa.select(model.alliance_id, *group, *[sa.func.coalesce(sa.func.sum(cents(c)), 0) for c in cols]).where(
        model.alliance_id.in_(ids), *where).group_by(model.alliance_id, *group)
    return db.session.execute(q).all()


def activities(ids, settings_cache):
    """``Activity`` objects of the alliances ``ids`` (one chunk), in code order (9 statements)."""
    rows = db.session.execute(
        sa.select(Alliance.id, Alliance.code, Alliance.title, Alliance.product, Alliance.state, Association.name,
                  Association.tax_id, Association.municipality, Association.region, Buyer.name, Program.id,
                  Program.code, Program.name, Program.currency)
        .join(Association, Association.id == Alliance.association_id).join(Call, Call.id == Alliance.call_id)
        .join(Program, Program.id == Call.program_id).outerjoin(Buyer, Buyer.id == Alliance.buyer_id)
        .where(Alliance.id.in_(ids)).order_by(Alliance.code)).all()
    out = {}
    for (aid, code, title, product, state, assoc, tax_id, municipality, region, buyer, pid, pcode, pname,
         currency) in rows:
        if pid not in settings_cache:
            program = db.session.get(Program, pid)
            settings_cache[pid] = settings_for(program, db.session.get(OpenDataSettings, pid))
        out[aid] = Activity(aid, code, title, product, state, assoc, tax_id, municipality, region, buyer, pid,
                            pcode, pname, currency, settings_cache[pid])
    sources = ("grant", "counterpart_cash", "counterpart_in_kind", "other")
    for aid, *amounts in _sums(BudgetLine, [getattr(BudgetLine, s) for s in sources], ids):
        out[aid].budget = {s: to_money(a) for s, a in zip(sources, amounts)}
    for aid, number, amount, paid, on, planned, state in db.session.execute(
            sa.select(Tranche.alliance_id, Tranche.number, cents(Tranche.amount), cents(Tranche.disbursed_amount),
                      Tranche.disbursed_on, Tranche.planned_on, Tranche.state)
            .where(Tranche.alliance_id.in_(ids)).order_by(Tranche.alliance_id, Tranche.number)).all():
        out[aid].planned.append(planned)
        if state == "disbursed" and on is not None:
            out[aid].tranches.append((number, to_money(paid if paid is not None else amount), on))
    for aid, amount, on in db.session.execute(
            sa.select(Refund.alliance_id, cents(Refund.amount), Refund.refunded_on)
            .where(Refund.alliance_id.in_(ids)).order_by(Refund.alliance_id, Refund.refunded_on, Refund.id)).all():
        out[aid].refunds.append((to_money(amount), on))
    _counterpart(out, ids)
    _dates(out, ids)
    _people(out, ids)
    _results(out, ids)
    return [out[aid] for aid in sorted(out, key=lambda a: out[a].code)]


def _counterpart(out, ids):
    """Counterpart contributed, by kind and year: contributions (cash, in kind) and counterpart cash expenses,
    not voided; dated by the last day of the group."""
    year = sa.func.extract("year", Contribution.contributed_on)
    q = (sa.select(Contribution.alliance_id, Contribution.kind, year, sa.func.sum(cents(Contribution.amount)),
                   sa.func.max(Contribution.contributed_on))
         .where(Contribution.alliance_id.in_(ids), Contribution.voided_at.is_(None))
         .group_by(Contribution.alliance_id, Contribution.kind, year))
    groups = defaultdict(lambda: [0, None])
    for aid, kind, y, amount, last in db.session.execute(q).all():
        g = groups[(aid, kind, int(y))]
        g[0] += int(amount or 0)
        g[1] = max(filter(None, (g[1], last)))
    year = sa.func.extract("year", Expense.spent_on)
    q = (sa.select(Expense.alliance_id, year, sa.func.sum(cents(Expense.amount)), sa.func.max(Expense.spent_on))
         .where(Expense.alliance_id.in_(ids), Expense.voided_at.is_(None), Expense.source == "counterpart_cash")
         .group_by(Expense.alliance_id, year))
    for aid, y, amount, last in db.session.execute(q).all():
        g = groups[(aid, "cash", int(y))]
        g[0] += int(amount or 0)
        g[1] = max(filter(None, (g[1], last)))
    for (aid, kind, y), (amount, last) in sorted(groups.items()):
        if amount:
            out[aid].counterpart.append((kind, y, to_money(amount), last))


def _dates(out, ids):
    """The agreement's signature (first move to ``agreement_signed``) and the end (last move to ``closed`` or
    ``cancelled``), from the audit trail."""
    q = (sa.select(Event.alliance_id, Event.to_state, sa.func.min(Event.created_at), sa.func.max(Event.created_at))
         .where(Event.alliance_id.in_(ids), Event.object_type == "alliance",
                Event.to_state.in_(("agreement_signed", "closed", "cancelled")))
         .group_by(Event.alliance_id, Event.to_state))
    for aid, to_state, first, last in db.session.execute(q).all():
        if to_state == "agreement_signed":
            out[aid].signed_on = first.date()
        elif to_state == out[aid].state:
            out[aid].ended_on = last.date()


def _people(out, ids):
    q = (sa.select(AllianceMember.alliance_id, sa.func.count(), sa.func.count(sa.case((Member.sex == "F", 1))))
         .join(Member, Member.id == AllianceMember.member_id).where(AllianceMember.alliance_id.in_(ids))
         .group_by(AllianceMember.alliance_id))
    for aid, families, women in db.session.execute(q).all():
        out[aid].families, out[aid].women = int(families), int(women or 0)


def _results(out, ids):
    """The standard indicators with baseline, target and the latest value (with women and men)."""
    ranked = (sa.select(IndicatorValue.indicator_id, cents(IndicatorValue.value).label("value"),
                        IndicatorValue.period, IndicatorValue.women, IndicatorValue.men,
                        sa.func.row_number().over(partition_by=IndicatorValue.indicator_id,
                                                  order_by=IndicatorValue.period.desc()).label("rn"))
              .where(IndicatorValue.alliance_id.in_(ids)).subquery("ranked"))
    latest = sa.select(ranked).where(ranked.c.rn == 1).subquery("latest")
    q = (sa.select(Indicator.alliance_id, Indicator.code, Indicator.name, Indicator.unit, Indicator.by_sex,
                   cents(Indicator.baseline), cents(Indicator.target), latest.c.value, latest.c.period,
                   latest.c.women, latest.c.men)
         .outerjoin(latest, latest.c.indicator_id == Indicator.id)
         .where(Indicator.alliance_id.in_(ids), Indicator.standard.is_(True))
         .order_by(Indicator.alliance_id, Indicator.position, Indicator.id))
    for aid, code, name, unit, by_sex, base, target, value, period, women, men in db.session.execute(q).all():
        out[aid].results.append(Result(code, name, unit, bool(by_sex), to_fixed(base), to_fixed(target),
                                       to_fixed(value), period, women, men))
