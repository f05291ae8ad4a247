"""The portfolio: alliances by state, time spent in each state, money, people and results, totalled and
broken down by program, call, region or product.

Everything comes from a fixed set of aggregate statements over the alliances in scope (one per figure
family), whatever the number of alliances: no per-alliance Python loop and no ledger provider calls.
The definitions mirror the spine's ledger (grants/alliances/ledger.py) and the execution stage's providers:

- committed: grant of the budget lines of funded alliances (agreement signed and later, ``FUNDED``);
- disbursed: recorded amount of disbursed tranches;
- justified: grant expenses (not voided) in approved accountability reports;
- counterpart planned: cash + in kind of the budget lines of funded alliances; contributed: counterpart
  cash expenses + contributions (cash and in kind), not voided;
- families / women: distinct member families of the alliances (and of the funded ones: "reached");
- results: each indicator's latest value (latest period) against its target.
"""
import time
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app

from ..alliances.budget import BudgetLine, Tranche
from ..alliances.models import Alliance, AllianceMember
from ..associations.models import Association, Member
from ..audit.models import Event
from ..closeout import followups
from ..common import utcnow
from ..execution.models import AccountabilityReport, Contribution, Expense
from ..extensions import db
from ..money import ZERO, share
from ..monitoring.models import IndicatorValue
from ..plans.models import Indicator
from ..programs.models import Call, Program
from ..workflows.alliance import FUNDED, STATES
from . import filters as F
from .catalog import indicator_order
from .cells import CELL_MONEY, INDICATOR_FIGURES, PortfolioCell, PortfolioIndicatorCell
from .totals import AllianceStay, AllianceTotals, IndicatorLatest, StageDuration, duration_figures

CENT = Decimal("0.01")
#: the money figures of a row, in the order of the tables and the XLSX
MONEY = ("committed", "disbursed", "justified", "counterpart_planned", "counterpart_contributed")


def cents(column):
    """A Money column as raw integer cents (sums stay exact and typed on every database)."""
    return sa.type_coerce(column, sa.BigInteger)


def to_money(raw):
    return (Decimal(int(raw or 0)) / 100).quantize(CENT)


def to_fixed(raw):
    return None if raw is None else (Decimal(int(raw)) / 100).quantize(CENT)


def sees_portfolio(user):
    return user.is_authenticated and user.has_role("admin", "auditor", "officer")


def visibility(user):
    """Admins and auditors see every alliance; an officer those of the regions assigned."""
    if user.has_role("admin", "auditor"):
        return sa.true()
    if user.has_role("officer") and user.regions:
        return Association.region.in_(list(user.regions))
    return sa.false()


GROUP_COLUMNS = {
    "region": (Association.region, Association.region),
    "program": (Program.id, Program.name),
    "call": (Call.id, Call.title),
    "product": (Alliance.product, Alliance.product),
}


def scope(user, f, group="region"):
    """The alliances in scope as a subquery: ``aid``, ``state``, ``grp``, ``label``, ``currency``."""
    key, label = GROUP_COLUMNS[group]
    q = F.joined(sa.select(Alliance.id.label("aid"), Alliance.state.label("state"), key.label("grp"),
                           label.label("label"), Program.currency.label("currency")))
    return q.where(visibility(user), *F.conditions(f)).subquery("scope")


@dataclass
class Row:
    """One row of the breakdown (a group in one currency), or the totals of one currency."""

    key: object
    label: str
    currency: str
    alliances: int = 0
    funded: int = 0
    committed: Decimal = ZERO
    disbursed: Decimal = ZERO
    justified: Decimal = ZERO
    counterpart_planned: Decimal = ZERO
    counterpart_contributed: Decimal = ZERO
    families: int = 0
    women: int = 0
    families_reached: int = 0
    women_reached: int = 0
    indicators_measured: int = 0
    indicators_on_target: int = 0

    @property
    def disbursed_share(self):
        return share(self.disbursed, self.committed)

    @property
    def justified_share(self):
        return share(self.justified, self.disbursed)

    @property
    def women_share(self):
        return share(self.women, self.families)

    @property
    def on_target_share(self):
        return share(self.indicators_on_target, self.indicators_measured)

    def add(self, other):
        for name in ("alliances", "funded", *MONEY, "indicators_measured", "indicators_on_target"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Duration:
    state: str
    stays: int
    mean_days: float
    median_days: float


@dataclass
class IndicatorResult:
    code: str
    standard: bool
    indicators: int = 0
    baseline_sum: Decimal = ZERO
    baselines: int = 0
    target_sum: Decimal = ZERO
    targets: int = 0
    actual_sum: Decimal = ZERO
    actuals: int = 0
    measured: int = 0
    on_target: int = 0

    @staticmethod
    def _avg(total, n):
        return (total / n).quantize(CENT) if n else None

    @property
    def baseline(self):
        return self._avg(self.baseline_sum, self.baselines)

    @property
    def target(self):
        return self._avg(self.target_sum, self.targets)

    @property
    def actual(self):
        return self._avg(self.actual_sum, self.actuals)

    @property
    def on_target_share(self):
        return share(self.on_target, self.measured)


@dataclass
class Portfolio:
    filters: F.Filters
    group: str
    by_state: dict
    rows: list
    #: currency -> Row of totals
    totals: dict
    people: dict
    durations: list
    indicators: list
    indicator_totals: dict = field(default_factory=dict)
    #: when the figures were counted (a cached portfolio says how old it is)
    computed_at: object = field(default_factory=utcnow)
    #: survival of the business at +1, +2, +3 years after the closing (closeout/followups.py ``Survival``)
    survival: list = field(default_factory=list)

    @property
    def alliances(self):
        return sum(self.by_state.values())


def _states(sc):
    """Alliances per group, currency and state, with the sums of their stored totals (``alliance_totals``, one
    row per alliance, kept current by grants/reports/totals.py): one statement, whose cost depends on the
    number of alliances only. Families and women are the families attributed to the alliances (see totals.py).
    ``build`` counts the budget and the families reached of the funded states only."""
    T = AllianceTotals

    def total(col):
        return sa.func.coalesce(sa.func.sum(col), 0)

    q = (sa.select(sc.c.grp, sc.c.label, sc.c.currency, sc.c.state, sa.func.count(), total(T.grant_budget),
                   total(T.counterpart_budget), total(T.disbursed), total(T.justified),
                   total(T.counterpart_contributed), total(T.families_first), total(T.women_first))
         .select_from(sc).outerjoin(T, T.alliance_id == sc.c.aid)
         .group_by(sc.c.grp, sc.c.label, sc.c.currency, sc.c.state))
    return db.session.execute(q).all()


def _cell_where(table, user, f):
    """The conditions of ``visibility`` and ``filters.conditions`` over a table of cells joined with its call."""
    conds = []
    if not user.has_role("admin", "auditor"):
        conds.append(table.c.region.in_(list(user.regions)) if user.has_role("officer") and user.regions
                     else sa.false())
    if f.program is not None:
        conds.append(Call.program_id == f.program)
    for name in ("call", "region", "product", "state"):
        value = getattr(f, name)
        if value is not None:
            conds.append(table.c["call_id" if name == "call" else name] == value)
    if f.year is not None:
        conds.append(Call.opens_at >= datetime(f.year, 1, 1))
        conds.append(Call.opens_at < datetime(f.year + 1, 1, 1))
    return conds


def _cell_group(table, group):
    return {"region": (table.c.region, table.c.region), "program": (Program.id, Program.name),
            "call": (Call.id, Call.title), "product": (table.c.product, table.c.product)}[group]


def _stored_states(user, f, group):
    """``_states`` from the stored cells (``portfolio_cells``, a few hundred rows kept by totals.py): the same
    rows, whatever the number of alliances, members and expenses."""
    C = PortfolioCell.__table__
    key, label = _cell_group(C, group)
    q = (sa.select(key, label, Program.currency, C.c.state, sa.func.sum(C.c.alliances),
                   *[sa.func.coalesce(sa.func.sum(C.c[k]), 0) for k in CELL_MONEY])
         .join(Call, Call.id == C.c.call_id).join(Program, Program.id == Call.program_id)
         .where(C.c.alliances > 0, *_cell_where(C, user, f)).group_by(key, label, Program.currency, C.c.state))
    return db.session.execute(q).all()


def _stored_indicators(user, f, group):
    """``_indicators`` from the stored cells (``portfolio_indicator_cells``)."""
    C = PortfolioIndicatorCell.__table__
    key, _label = _cell_group(C, group)
    q = (sa.select(key, Program.currency, C.c.standard, C.c.code,
                   *[sa.func.sum(C.c[k]) for k in INDICATOR_FIGURES])
         .join(Call, Call.id == C.c.call_id).join(Program, Program.id == Call.program_id)
         .where(C.c.indicators > 0, *_cell_where(C, user, f))
         .group_by(key, Program.currency, C.c.standard, C.c.code))
    return db.session.execute(q).all()


def _budget(sc):
    q = (sa.select(sc.c.grp, sc.c.currency, sa.func.sum(cents(BudgetLine.grant)),
                   sa.func.sum(cents(BudgetLine.counterpart_cash) + cents(BudgetLine.counterpart_in_kind)))
         .join(sc, sc.c.aid == BudgetLine.alliance_id).where(sc.c.state.in_(FUNDED))
         .group_by(sc.c.grp, sc.c.currency))
    return db.session.execute(q).all()


def _disbursed(sc):
    amount = sa.func.coalesce(cents(Tranche.disbursed_amount), cents(Tranche.amount))
    q = (sa.select(sc.c.grp, sc.c.currency, sa.func.sum(amount))
         .join(sc, sc.c.aid == Tranche.alliance_id).where(Tranche.state == "disbursed")
         .group_by(sc.c.grp, sc.c.currency))
    return db.session.execute(q).all()


def _expenses(sc):
    justified = sa.case((sa.and_(Expense.source == "grant", AccountabilityReport.state == "approved"),
                         cents(Expense.amount)), else_=0)
    counterpart = sa.case((Expense.source == "counterpart_cash", cents(Expense.amount)), else_=0)
    q = (sa.select(sc.c.grp, sc.c.currency, sa.func.sum(justified), sa.func.sum(counterpart))
         .join(sc, sc.c.aid == Expense.alliance_id)
         .outerjoin(AccountabilityReport, AccountabilityReport.id == Expense.report_id)
         .where(Expense.voided_at.is_(None)).group_by(sc.c.grp, sc.c.currency))
    return db.session.execute(q).all()


def _contributions(sc):
    q = (sa.select(sc.c.grp, sc.c.currency, sa.func.sum(cents(Contribution.amount)))
         .join(sc, sc.c.aid == Contribution.alliance_id).where(Contribution.voided_at.is_(None))
         .group_by(sc.c.grp, sc.c.currency))
    return db.session.execute(q).all()


def _people(sc):
    """Distinct families and women per group, and (part 0) over the whole scope, in one statement: each
    member family is first reduced to one row per group (funded in any of its alliances there), then
    counted with its sex; no COUNT(DISTINCT ...) over the member links."""
    funded = sa.case((sc.c.state.in_(FUNDED), 1), else_=0)
    mid = AllianceMember.member_id
    links = sa.select(AllianceMember).join(sc, sc.c.aid == AllianceMember.alliance_id)

    def counted(inner, *keys):
        woman = sa.case((Member.sex == "F", 1), else_=0)
        return (sa.select(*keys, sa.func.count(), sa.func.sum(woman), sa.func.sum(inner.c.f),
                          sa.func.sum(inner.c.f * woman))
                .select_from(inner).join(Member, Member.id == inner.c.mid))

    per_group = (links.with_only_columns(sc.c.grp.label("grp"), sc.c.currency.label("cur"), mid.label("mid"),
                                         sa.func.max(funded).label("f"))
                 .group_by(sc.c.grp, sc.c.currency, mid).subquery("per_group"))
    per_member = (links.with_only_columns(mid.label("mid"), sa.func.max(funded).label("f"))
                  .group_by(mid).subquery("per_member"))
    groups = counted(per_group, sa.literal(1).label("part"), per_group.c.grp, per_group.c.cur).group_by(
        per_group.c.grp, per_group.c.cur)
    total = counted(per_member, sa.literal(0).label("part"), sa.null(), sa.null())
    return db.session.execute(sa.union_all(groups, total)).all()


def stored_latest_subquery():
    """``indicator_id``, ``value`` of each measured indicator's latest period, as stored (``indicator_latest``,
    kept by grants/reports/totals.py); ``latest_value_subquery`` counts the same from the values."""
    L = IndicatorLatest

    return sa.select(L.indicator_id, L.value).subquery("latest")


def latest_value_subquery(alliance_ids):
    """``indicator_id``, ``value`` of each indicator's latest period (window function), for the alliances
    selected by ``alliance_ids`` (a select of ids): the recount of what ``stored_latest_subquery`` reads."""
    ranked = (sa.select(IndicatorValue.indicator_id, cents(IndicatorValue.value).label("value"),
                        sa.func.row_number().over(partition_by=IndicatorValue.indicator_id,
                                                  order_by=IndicatorValue.period.desc()).label("rn"))
              .where(IndicatorValue.alliance_id.in_(alliance_ids)).subquery("ranked"))
    return sa.select(ranked.c.indicator_id, ranked.c.value).where(ranked.c.rn == 1).subquery("latest")


def on_target_case(value, baseline, target):
    """1 when ``value`` reached ``target`` (upwards, or downwards when the target is below the baseline)."""
    down = sa.and_(baseline.is_not(None), target < baseline)
    return sa.case((sa.and_(value.is_not(None), target.is_not(None),
                            sa.or_(sa.and_(down, value <= target), sa.and_(~down, value >= target))), 1), else_=0)


def _indicators(sc, latest=None):
    latest = stored_latest_subquery() if latest is None else latest
    base, target, value = cents(Indicator.baseline), cents(Indicator.target), latest.c.value
    q = (sa.select(sc.c.grp, sc.c.currency, Indicator.standard, Indicator.code, sa.func.count(),
                   sa.func.count(base), sa.func.sum(base), sa.func.count(target), sa.func.sum(target),
                   sa.func.count(value), sa.func.sum(value),
                   sa.func.sum(sa.case((sa.and_(value.is_not(None), target.is_not(None)), 1), else_=0)),
                   sa.func.sum(on_target_case(value, base, target)))
         .select_from(Indicator).join(sc, sc.c.aid == Indicator.alliance_id)
         .outerjoin(latest, latest.c.indicator_id == Indicator.id)
         .group_by(sc.c.grp, sc.c.currency, Indicator.standard, Indicator.code))
    return db.session.execute(q).all()


def _days(later, earlier):
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.extract("epoch", later - earlier) / 86400.0
    return sa.func.julianday(later) - sa.func.julianday(earlier)


def durations(sc, everything=False):
    """Median and mean days spent in each state, over the stays that ended (the alliance left the state).
    ``everything`` (every alliance in scope: an admin's or auditor's unfiltered portfolio): the stored
    program figures (``stage_durations``, a row per state). Otherwise from the stored stays of the scope
    (``alliance_stays``, kept from the audit events' ``to_state`` and times by grants/reports/totals.py): one
    statement, PERCENTILE_CONT on PostgreSQL, ROW_NUMBER and COUNT for the median on SQLite.
    ``recount_durations`` is the same from the audit events."""
    S, D = AllianceStay, StageDuration

    if everything:
        return _duration_rows(db.session.execute(
            sa.select(D.state, D.stays, D.mean_days, D.median_days).where(D.stays > 0)).all())
    stays = (sa.select(S.state.label("state"), S.days.label("days"))
             .where(S.days.is_not(None), S.alliance_id.in_(sa.select(sc.c.aid))).subquery("stays"))
    return _duration_rows(db.session.execute(duration_figures(stays, db.session.get_bind().dialect.name)).all())


def _median_query(stays):

    return duration_figures(stays, "sqlite")


def _duration_rows(rows):
    order = list(STATES)
    out = [Duration(state, int(n), round(float(mean or 0), 1), round(float(median or 0), 1))
           for state, n, mean, median in rows]
    return sorted(out, key=lambda d: order.index(d.state) if d.state in order else 99)


def recount_durations(sc):
    """The stage durations counted from the audit events (window functions; what the stored stays equal)."""
    ev = (sa.select(Event.to_state.label("state"), Event.created_at.label("entered"),
                    sa.func.lead(Event.created_at).over(partition_by=Event.object_id,
                                                        order_by=(Event.created_at, Event.id)).label("left"))
          .where(Event.object_type == "alliance", Event.to_state.is_not(None),
                 Event.object_id.in_(sa.select(sc.c.aid)))
          .subquery("ev"))
    stays = (sa.select(ev.c.state, _days(ev.c.left, ev.c.entered).label("days"))
             .where(ev.c.left.is_not(None)).subquery("stays"))
    return _duration_rows(db.session.execute(_median_query(stays)).all())


def build(user, f, group="region", stored=True):
    """The portfolio of ``user`` under filters ``f`` (a ``Filters``), broken down by ``group``. The alliances,
    money and indicator figures come from the stored cells (``stored``; False: counted over the alliances in
    scope, the recount the tests compare them with)."""
    sc = scope(user, f, group)
    rows, by_state, raw = {}, {}, {}
    people = {"families": 0, "women": 0, "families_reached": 0, "women_reached": 0}
    for grp, label, currency, state, n, grant, counterpart, disbursed, justified, contributed, fam, women \
            in (_stored_states(user, f, group) if stored else _states(sc)):
        n = int(n)
        row = rows.setdefault((grp, currency), Row(grp, str(label), currency))
        row.alliances += n
        by_state[state] = by_state.get(state, 0) + n
        sums = raw.setdefault((grp, currency), dict.fromkeys(MONEY, 0))
        funded = state in FUNDED
        if funded:
            row.funded += n
            sums["committed"] += int(grant)
            sums["counterpart_planned"] += int(counterpart)
        sums["disbursed"] += int(disbursed)
        sums["justified"] += int(justified)
        sums["counterpart_contributed"] += int(contributed)
        values = {"families": int(fam), "women": int(women), "families_reached": int(fam) if funded else 0,
                  "women_reached": int(women) if funded else 0}
        for k, v in values.items():
            setattr(row, k, getattr(row, k) + v)
            people[k] += v
    for key, sums in raw.items():
        for name, cents_ in sums.items():
            setattr(rows[key], name, to_money(cents_))

    def row_of(grp, currency):
        return rows.setdefault((grp, currency), Row(grp, str(grp), currency))

    if f.as_dict():
        # a filtered view: the attributed counts would miss the families attributed to alliances outside the
        # view, so the distinct families of the (smaller) scope are counted exactly, as before
        for part, grp, currency, fam, women, reached, women_reached in _people(sc):
            values = {"families": int(fam or 0), "women": int(women or 0), "families_reached": int(reached or 0),
                      "women_reached": int(women_reached or 0)}
            if part == 0:
                people = values
            else:
                r = row_of(grp, currency)
                for k, v in values.items():
                    setattr(r, k, v)
    people["women_share"] = share(people["women"], people["families"])
    people["women_reached_share"] = share(people["women_reached"], people["families_reached"])
    indicators = {}
    for (grp, currency, standard, code, n, nb, sb, nt, st, nv, sv, measured, on_target) in (
            _stored_indicators(user, f, group) if stored else _indicators(sc)):
        n, nb, nt, nv = int(n), int(nb), int(nt), int(nv)
        r = row_of(grp, currency)
        r.indicators_measured += int(measured or 0)
        r.indicators_on_target += int(on_target or 0)
        ind = indicators.setdefault((bool(standard), code if standard else "custom"),
                                    IndicatorResult(code if standard else "custom", bool(standard)))
        ind.indicators += n
        ind.baselines += nb
        ind.baseline_sum += to_money(sb)
        ind.targets += nt
        ind.target_sum += to_money(st)
        ind.actuals += nv
        ind.actual_sum += to_money(sv)
        ind.measured += int(measured or 0)
        ind.on_target += int(on_target or 0)
    totals = {}
    for r in rows.values():
        t = totals.setdefault(r.currency, Row(None, "", r.currency))
        t.add(r)
    ordered = sorted(rows.values(), key=lambda r: (str(r.label).lower(), r.currency))

    ind_list = sorted(indicators.values(), key=indicator_order)
    measured = sum(i.measured for i in ind_list)
    on_target = sum(i.on_target for i in ind_list)
    return Portfolio(filters=f, group=group, by_state=by_state, rows=ordered, totals=totals, people=people,
                     durations=durations(sc, everything=user.has_role("admin", "auditor") and not f.as_dict()),
                     indicators=ind_list,
                     indicator_totals={"indicators": sum(i.indicators for i in ind_list), "measured": measured,
                                       "on_target": on_target, "on_target_share": share(on_target, measured)},
                     survival=followups.survival(sa.select(sc.c.aid)))


def options(user, extra=None):
    """Choices of the filters for ``user``: programs, calls, regions, products and years (5 statements)."""
    vis = visibility(user)
    programs = db.session.execute(sa.select(Program.id, Program.name).order_by(Program.name)).all()
    calls = db.session.execute(sa.select(Call.id, Call.title).order_by(Call.opens_at.desc())).all()
    regions = db.session.execute(sa.select(Association.region).where(vis).distinct()
                                 .order_by(Association.region)).scalars().all()
    C = PortfolioCell.__table__  # the products from the stored cells, not from every alliance
    products = db.session.execute(
        sa.select(C.c.product).where(C.c.alliances > 0, *_cell_where(C, user, F.Filters()))
        .distinct().order_by(C.c.product)).scalars().all()
    years = db.session.execute(sa.select(F.year_of(Call.opens_at)).distinct()
                               .order_by(F.year_of(Call.opens_at).desc())).scalars().all()
    return {"programs": programs, "calls": calls, "regions": regions, "products": products,
            "years": [int(y) for y in years if y is not None]}


_CACHE = {}
_CACHE_MAX = 256


def cached(user, f, group="region"):
    """``build``, reused for ``PORTFOLIO_CACHE_SECONDS`` (0: never) by everyone with the same visibility,
    filters and grouping: over a whole program of 10,000 alliances the counting takes a second or two,
    and the people who read the portfolio come back to it again and again. The page shows its time."""
    ttl = current_app.config.get("PORTFOLIO_CACHE_SECONDS") or 0
    if ttl <= 0:
        return build(user, f, group)
    if user.has_role("admin", "auditor"):
        seen = "all"
    elif user.has_role("officer"):
        seen = tuple(sorted(user.regions))
    else:
        seen = None
    key = (seen, f, group)
    now = time.monotonic()
    hit = _CACHE.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    result = build(user, f, group)
    if len(_CACHE) >= _CACHE_MAX:
        _CACHE.clear()
    _CACHE[key] = (now + ttl, result)
    return result

