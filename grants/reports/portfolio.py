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

This module puts the figures together (``build``, ``cached``, ``options``); they are counted in
portfolio_scope.py (who sees what, the scope), portfolio_money.py (money and people),
portfolio_indicators.py (results) and portfolio_durations.py (stage durations), and importable from here.
"""
import time
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app

from ..alliances.models import Alliance
from ..associations.models import Association
from ..closeout import followups
from ..common import utcnow
from ..extensions import db
from ..money import CENT, cents, share, to_fixed, to_money
from ..programs.models import Call, Program
from ..workflows.alliance import FUNDED
from . import filters as F
from .catalog import indicator_order
from .cells import PortfolioCell
from .portfolio_durations import Duration, durations, recount_durations
from .portfolio_indicators import (IndicatorResult, _indicators, latest_value_subquery, on_target_case,
                                   stored_indicators_query, stored_latest_subquery)
from .portfolio_money import (MONEY, Row, _budget, _contributions, _disbursed, _expenses, _people, _states,
                              stored_states_query)
from .portfolio_scope import GROUP_COLUMNS, _cell_where, scope, sees_portfolio, visibility

#: the names other modules and the tests import from here
__all__ = ["CENT", "GROUP_COLUMNS", "MONEY", "Duration", "IndicatorResult", "Portfolio", "Row", "build", "cached",
           "cents", "durations", "latest_value_subquery", "on_target_case", "options", "recount_durations", "scope",
           "sees_portfolio", "stored_latest_subquery", "to_fixed", "to_money", "visibility", "_budget",
           "_contributions", "_disbursed", "_expenses", "_indicators", "_people"]


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


def _stored_figures(user, f, group):
    """The rows of ``stored_states_query`` and of ``stored_indicators_query`` read in ONE statement (UNION ALL,
    each part padded to the same columns: ``part, key, label, currency, state or code, standard, 9 figures``),
    given back in their own shapes: ``(state rows, indicator rows)``."""
    s = stored_states_query(user, f, group).subquery("money")
    i = stored_indicators_query(user, f, group).subquery("results")
    sc, ic = list(s.c), list(i.c)
    money = sa.select(sa.literal(0).label("part"), sc[0].label("key"), sa.cast(sc[1], sa.String).label("label"),
                      sc[2].label("currency"), sc[3].label("name"), sa.cast(sa.null(), sa.Boolean).label("standard"),
                      *[c.label(f"v{n}") for n, c in enumerate(sc[4:])],
                      sa.cast(sa.null(), sa.BigInteger).label("v8"))
    results = sa.select(sa.literal(1), ic[0], sa.cast(sa.null(), sa.String), ic[1], ic[3], ic[2], *ic[4:])
    states, indicators = [], []
    for row in db.session.execute(sa.union_all(money, results)).all():
        if row[0] == 0:
            states.append((row[1], row[2], row[3], row[4], *row[6:14]))
        else:
            indicators.append((row[1], row[3], row[5], row[4], *row[6:15]))
    return states, indicators


def build(user, f, group="region", stored=True):
    """The portfolio of ``user`` under filters ``f`` (a ``Filters``), broken down by ``group``. The alliances,
    money and indicator figures come from the stored cells (``stored``; False: counted over the alliances in
    scope, the recount the tests compare them with)."""
    sc = scope(user, f, group)
    stored_states, stored_indicators = _stored_figures(user, f, group) if stored else (None, None)
    rows, by_state, raw = {}, {}, {}
    people = {"families": 0, "women": 0, "families_reached": 0, "women_reached": 0}
    for grp, label, currency, state, n, grant, counterpart, disbursed, justified, contributed, fam, women \
            in (stored_states if stored else _states(sc)):
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
            stored_indicators if stored else _indicators(sc)):
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
    everything = user.has_role("admin", "auditor") and not f.as_dict()
    # the closed alliances of the scope: the state narrows the scope's join to them (an index scan) instead of
    # joining every alliance in scope; every alliance is in an unfiltered admin's scope (its call, program and
    # association are required), so there the join goes
    closed = (sa.select(Alliance.id).where(Alliance.state == "closed") if everything
              else sa.select(sc.c.aid).where(sc.c.state == "closed"))
    return Portfolio(filters=f, group=group, by_state=by_state, rows=ordered, totals=totals, people=people,
                     durations=durations(sc, everything=everything),
                     indicators=ind_list,
                     indicator_totals={"indicators": sum(i.indicators for i in ind_list), "measured": measured,
                                       "on_target": on_target, "on_target_share": share(on_target, measured)},
                     survival=followups.survival(closed))


def options(user, extra=None):
    """Choices of the filters for ``user``: programs, calls, regions, products and years, in one statement (a
    UNION ALL of the five lists, each numbered in its own order by the database)."""
    vis = visibility(user)
    C = PortfolioCell.__table__  # the products from the stored cells, not from every alliance
    year = F.year_of(Call.opens_at)

    def part(kind, key, text, order):
        return sa.select(sa.literal(kind).label("kind"), sa.func.row_number().over(order_by=order).label("n"),
                         sa.cast(key, sa.Integer).label("key"), sa.cast(text, sa.String).label("text"))

    parts = [part(0, Program.id, Program.name, Program.name),
             part(1, Call.id, Call.title, Call.opens_at.desc()),
             part(2, sa.null(), Association.region, Association.region).where(vis).group_by(Association.region),
             part(3, sa.null(), C.c.product, C.c.product).where(C.c.alliances > 0, *_cell_where(C, user, F.Filters()))
             .group_by(C.c.product),
             part(4, year, sa.null(), year.desc()).where(Call.opens_at.is_not(None)).group_by(year)]
    out = {"programs": [], "calls": [], "regions": [], "products": [], "years": []}
    for kind, _n, key, text in db.session.execute(sa.union_all(*parts).order_by("kind", "n")).all():
        if kind == 0:
            out["programs"].append((key, text))
        elif kind == 1:
            out["calls"].append((key, text))
        elif kind == 2:
            out["regions"].append(text)
        elif kind == 3:
            out["products"].append(text)
        else:
            out["years"].append(int(key))
    return out


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

