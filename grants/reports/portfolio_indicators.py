"""The portfolio's results: each indicator's latest value against its target, by standard indicator code
(custom indicators together), from the stored cells or, for the tests' recount, over the alliances in scope."""
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from ..extensions import db
from ..money import CENT, ZERO, cents, share_property
from ..monitoring.models import IndicatorValue
from ..plans.models import Indicator
from ..programs.models import Call, Program
from .cells import INDICATOR_FIGURES, PortfolioIndicatorCell
from .portfolio_scope import _cell_group, _cell_where
from .totals import IndicatorLatest


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

    on_target_share = share_property("on_target", "measured")


def stored_indicators_query(user, f, group):
    """``_indicators`` from the stored cells (``portfolio_indicator_cells``), as a select (portfolio.py runs it
    with the money rows' in one statement)."""
    C = PortfolioIndicatorCell.__table__
    key, _label = _cell_group(C, group)
    return (sa.select(key, Program.currency, C.c.standard, C.c.code, *[sa.func.sum(C.c[k]) for k in INDICATOR_FIGURES])
            .join(Call, Call.id == C.c.call_id).join(Program, Program.id == Call.program_id)
            .where(C.c.indicators > 0, *_cell_where(C, user, f))
            .group_by(key, Program.currency, C.c.standard, C.c.code))


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
