"""The portfolio's stage durations: median and mean days the alliances spent in each state, from the stored
stays (or program figures) and, for the tests' recount, from the audit events."""
from dataclasses import dataclass

import sqlalchemy as sa

from ..audit.models import Event
from ..extensions import db
from ..workflows.alliance import STATES
from .totals import AllianceStay, StageDuration, duration_figures


@dataclass
class Duration:
    state: str
    stays: int
    mean_days: float
    median_days: float


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
