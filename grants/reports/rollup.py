"""The second level's roll-up: a level-2 or level-3 association sees its member associations summed — member
families and women, money by source, alliances by state and results (the standard indicators) — on a page
(``/associations/<id>/rollup``) and through the API (``GET /api/v1/associations/{id}/rollup``).

Whatever the number of member associations, the figures take a constant number of grouped statements (no
query per association or alliance). The group is the association itself (its own alliances, drawn from its
base associations' families) and every association below it (children, and grandchildren for a level 3).

- families / women: the active members registered in each association (women: ``sex`` F);
- families_in_alliances: distinct member families taking part in the group's alliances;
- money: the budget of the funded alliances (agreement signed onward) by source and currency: grant,
  counterpart cash, counterpart in kind, other; and the grant disbursed;
- alliances by state: every alliance of the group;
- results: per standard indicator, the alliances measuring it and the sum of baseline, target and latest
  value of those that add up (families, sales volume and value); the mean for the others (shares, prices).
"""
import io
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, send_file
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from pydantic import BaseModel

from ..alliances.budget import BudgetLine
from ..alliances.catalog import STANDARD_INDICATORS
from ..alliances.models import Alliance, AllianceMember
from ..api.core import Out, api_user, endpoint, load
from ..schemas.types import MoneyStr
from ..associations.levels import member_association_ids
from ..associations.models import Association, Member
from ..associations.permissions import can_view_association
from ..common import get_or_404
from ..errors import NotFound
from ..extensions import db
from ..money import CENT, ZERO
from ..monitoring.models import IndicatorValue
from ..plans.models import Indicator
from ..programs.models import Call, Program
from ..web.forms import loaded
from ..web.xlsx import sheet, to_bytes, workbook
from ..workflows.alliance import FUNDED, STATES
from .catalog import code_order
from .totals import AllianceTotals

SOURCES = ("grant", "counterpart_cash", "counterpart_in_kind", "other")
SOURCE_TITLES = {"grant": _l("Grant"), "counterpart_cash": _l("Counterpart in cash"),
                 "counterpart_in_kind": _l("Counterpart in kind"), "other": _l("Other sources")}
#: standard indicators whose values add up across alliances; the others are averaged
ADDITIVE = ("families", "sales_volume", "sales_value")


def cents(column):
    return sa.type_coerce(column, sa.BigInteger)


def to_money(raw):
    return (Decimal(int(raw or 0)) / 100).quantize(CENT)


@dataclass
class Row:
    association: Association
    families: int = 0
    women: int = 0
    alliances: int = 0
    funded: int = 0
    #: currency -> source -> Decimal
    money: dict = field(default_factory=dict)


@dataclass
class Result:
    code: str
    alliances: int
    baseline: Decimal | None
    target: Decimal | None
    latest: Decimal | None
    measured: int
    additive: bool

    @property
    def title(self):
        return STANDARD_INDICATORS.get(self.code, (self.code,))[0]

    @property
    def unit(self):
        return STANDARD_INDICATORS.get(self.code, ("", ""))[1]


@dataclass
class Rollup:
    association: Association
    rows: list
    families: int
    women: int
    families_in_alliances: int
    women_in_alliances: int
    by_state: dict
    #: currency -> {source: Decimal, "total": Decimal, "disbursed": Decimal}
    money: dict
    results: list


def is_second_level(association):
    return association is not None and association.level in (2, 3)


def rollup(association):
    """The roll-up of ``association`` (level 2 or 3). Raises ``NotFound`` for a base association."""
    if not is_second_level(association):
        raise NotFound(_l("Only an association of associations (level 2 or 3) has a roll-up."))
    ids = [association.id, *member_association_ids(association)]
    assocs = {a.id: a for a in db.session.execute(sa.select(Association).where(Association.id.in_(ids))).scalars()}
    rows = {i: Row(assocs[i]) for i in ids if i in assocs}

    for aid, families, women in db.session.execute(
            sa.select(Member.association_id, sa.func.count(Member.id),
                      sa.func.count(Member.id).filter(Member.sex == "F"))
            .where(Member.association_id.in_(ids), Member.active.is_(True)).group_by(Member.association_id)):
        rows[aid].families, rows[aid].women = families, women

    by_state = {}
    for aid, state, n in db.session.execute(
            sa.select(Alliance.association_id, Alliance.state, sa.func.count(Alliance.id))
            .where(Alliance.association_id.in_(ids)).group_by(Alliance.association_id, Alliance.state)):
        rows[aid].alliances += n
        if state in FUNDED:
            rows[aid].funded += n
        by_state[state] = by_state.get(state, 0) + n

    money = {}
    funded = sa.and_(Alliance.association_id.in_(ids), Alliance.state.in_(FUNDED))
    for aid, currency, *sums in db.session.execute(
            sa.select(Alliance.association_id, Program.currency,
                      *(sa.func.coalesce(sa.func.sum(cents(getattr(BudgetLine, s))), 0) for s in SOURCES))
            .join(Alliance, Alliance.id == BudgetLine.alliance_id).join(Call, Call.id == Alliance.call_id)
            .join(Program, Program.id == Call.program_id).where(funded)
            .group_by(Alliance.association_id, Program.currency)):
        values = {s: to_money(v) for s, v in zip(SOURCES, sums)}
        rows[aid].money[currency] = values
        total = money.setdefault(currency, {**{s: ZERO for s in SOURCES}, "total": ZERO, "disbursed": ZERO})
        for s in SOURCES:
            total[s] += values[s]
        total["total"] += sum(values.values(), ZERO)
    for currency, disbursed in db.session.execute(
            sa.select(Program.currency, sa.func.coalesce(sa.func.sum(AllianceTotals.disbursed), 0))
            .join(Alliance, Alliance.id == AllianceTotals.alliance_id).join(Call, Call.id == Alliance.call_id)
            .join(Program, Program.id == Call.program_id).where(funded).group_by(Program.currency)):
        total = money.setdefault(currency, {**{s: ZERO for s in SOURCES}, "total": ZERO, "disbursed": ZERO})
        total["disbursed"] = to_money(disbursed)

    in_alliances = db.session.execute(
        sa.select(sa.func.count(sa.distinct(Member.id)),
                  sa.func.count(sa.distinct(Member.id)).filter(Member.sex == "F"))
        .select_from(AllianceMember).join(Member, Member.id == AllianceMember.member_id)
        .join(Alliance, Alliance.id == AllianceMember.alliance_id).where(Alliance.association_id.in_(ids))).one()

    return Rollup(association=association, rows=[rows[i] for i in ids if i in rows],
                  families=sum(r.families for r in rows.values()), women=sum(r.women for r in rows.values()),
                  families_in_alliances=in_alliances[0], women_in_alliances=in_alliances[1],
                  by_state={s: by_state[s] for s in STATES if s in by_state}, money=money,
                  results=_results(ids))


def _results(ids):
    """Per standard indicator of the group's alliances: baseline, target and the latest value, in one
    statement (the latest value of each indicator is the one of its latest period)."""
    latest_period = (sa.select(IndicatorValue.indicator_id, sa.func.max(IndicatorValue.period).label("period"))
                     .group_by(IndicatorValue.indicator_id).subquery())
    latest = (sa.select(IndicatorValue.indicator_id, IndicatorValue.value)
              .join(latest_period, sa.and_(latest_period.c.indicator_id == IndicatorValue.indicator_id,
                                           latest_period.c.period == IndicatorValue.period)).subquery())
    rows = db.session.execute(
        sa.select(Indicator.code, sa.func.count(Indicator.id),
                  sa.func.sum(sa.type_coerce(Indicator.baseline, sa.BigInteger)),
                  sa.func.count(Indicator.baseline),
                  sa.func.sum(sa.type_coerce(Indicator.target, sa.BigInteger)), sa.func.count(Indicator.target),
                  sa.func.sum(sa.type_coerce(latest.c.value, sa.BigInteger)), sa.func.count(latest.c.value))
        .join(Alliance, Alliance.id == Indicator.alliance_id)
        .outerjoin(latest, latest.c.indicator_id == Indicator.id)
        .where(Alliance.association_id.in_(ids), Indicator.standard.is_(True))
        .group_by(Indicator.code)).all()
    results = []
    for code, n, b_sum, b_n, t_sum, t_n, v_sum, v_n in rows:
        additive = code in ADDITIVE

        def figure(total, count):
            if not count:
                return None
            value = to_money(total)
            return value if additive else (value / count).quantize(CENT)

        results.append(Result(code=code, alliances=n, baseline=figure(b_sum, b_n), target=figure(t_sum, t_n),
                              latest=figure(v_sum, v_n), measured=v_n, additive=additive))
    results.sort(key=lambda r: code_order(r.code))
    return results


# -- the page ---------------------------------------------------------------------------------------

bp = Blueprint("rollup", __name__, url_prefix="/associations")


def _load(association_id):
    """A second-level association the user may see (404 otherwise: its existence does not leak)."""
    association = get_or_404(Association, association_id, lambda a: can_view_association(current_user, a))
    if not is_second_level(association):
        abort(404)
    return association


@bp.get("/<int:association_id>/rollup")
@loaded(_load)
def page(association):
    return render_template("organisation/rollup.html", r=rollup(association), sources=SOURCE_TITLES,
                           states=STATES)


@bp.get("/<int:association_id>/rollup.xlsx")
@loaded(_load)
def page_xlsx(association):
    """The roll-up as a spreadsheet: one sheet per association row, money by source, results."""
    r = rollup(association)
    wb = workbook()
    sheet(wb, _l("Associations"), [_l("Association"), _l("Families"), _l("Women"), _l("Alliances"), _l("Funded"),
                                   _l("Currency"), *SOURCE_TITLES.values()],
          [[row.association.name, row.families, row.women, row.alliances, row.funded, currency,
            *(m[source] for source in SOURCES)]
           for row in r.rows for currency, m in (row.money.items() or [("", {s: None for s in SOURCES})])], first=True)
    sheet(wb, _l("Money"), [_l("Currency"), *SOURCE_TITLES.values(), _l("Total"), _l("Disbursed")],
          [[currency, *(m[s] for s in SOURCES), m["total"], m["disbursed"]] for currency, m in r.money.items()])
    sheet(wb, _l("Results"), [_l("Indicator"), _l("Alliances"), _l("Baseline"), _l("Target"), _l("Latest value")],
          [[str(x.title), x.alliances, x.baseline, x.target, x.latest] for x in r.results])
    return send_file(io.BytesIO(to_bytes(wb)), as_attachment=True, download_name=f"rollup-{association.id}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# -- the API ----------------------------------------------------------------------------------------

class RollupRowOut(BaseModel):
    association_id: int
    name: str
    level: int
    families: int
    women: int
    alliances: int
    funded: int
    #: currency -> {source: "1250.00"}
    money: dict[str, dict[str, MoneyStr]]


class RollupMoneyOut(BaseModel):
    grant: MoneyStr
    counterpart_cash: MoneyStr
    counterpart_in_kind: MoneyStr
    other: MoneyStr
    total: MoneyStr
    disbursed: MoneyStr


class RollupResultOut(BaseModel):
    code: str
    name: str
    unit: str
    alliances: int
    measured: int
    #: sums for indicators that add up (families, sales), means for the others
    aggregation: str
    baseline: MoneyStr | None = None
    target: MoneyStr | None = None
    latest: MoneyStr | None = None


class RollupOut(Out):
    association_id: int
    level: int
    member_associations: int
    families: int
    women: int
    families_in_alliances: int
    women_in_alliances: int
    alliances_by_state: dict[str, int]
    money: dict[str, RollupMoneyOut]
    results: list[RollupResultOut]
    associations: list[RollupRowOut]


def rollup_as_dict(r):
    return RollupOut(
        association_id=r.association.id, level=r.association.level, member_associations=len(r.rows) - 1,
        families=r.families, women=r.women, families_in_alliances=r.families_in_alliances,
        women_in_alliances=r.women_in_alliances, alliances_by_state=r.by_state,
        money={c: RollupMoneyOut(**v) for c, v in r.money.items()},
        results=[RollupResultOut(code=x.code, name=str(x.title), unit=str(x.unit), alliances=x.alliances,
                                 measured=x.measured, aggregation="sum" if x.additive else "mean",
                                 baseline=x.baseline, target=x.target, latest=x.latest) for x in r.results],
        associations=[RollupRowOut(association_id=row.association.id, name=row.association.name,
                                   level=row.association.level, families=row.families, women=row.women,
                                   alliances=row.alliances, funded=row.funded, money=row.money)
                      for row in r.rows]).model_dump(mode="json")


@endpoint("/associations/<int:association_id>/rollup", summary="The roll-up of a level-2 or level-3 association",
          response=RollupOut, tags=("associations",), name="association_rollup")
def api_rollup(association_id):
    """Its member associations' families, women, money by source (funded alliances), alliances by state and
    results, summed. 404 for a base association or one the user may not see."""
    association = load(Association, association_id, lambda a: can_view_association(api_user(), a))
    return rollup_as_dict(rollup(association))
