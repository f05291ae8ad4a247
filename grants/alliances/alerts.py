"""Alerts on alliances: a registry of *sources* each stage fills in its own module.

A source is ``fn(alliances: list[Alliance], today: date) -> list[Alert]`` registered with
``@source("code")``; it must answer for the whole list in a constant number of queries (no N+1).
``collect(alliances, today=None)`` runs every source and returns the alerts, sorted. Nothing here writes::

    from grants.alliances import alerts

    @alerts.source("deliverable_overdue")
    def overdue(alliances, today):
        return [alerts.Alert("deliverable_overdue", a.id, _l("..."), since=d.due_on) for ...]
"""
from dataclasses import dataclass, field
from datetime import date
from ..extensions import db
from ..programs.models import Call, Program

_SOURCES = {}


@dataclass
class Alert:
    code: str
    alliance_id: int
    #: a lazy string (flask_babel.lazy_gettext), rendered in the reader's language
    message: object
    #: since when the condition holds
    since: date
    detail: dict = field(default_factory=dict)


def source(code):
    """Register ``fn(alliances, today) -> list[Alert]`` as the source of alerts ``code``."""

    def deco(fn):
        _SOURCES[code] = fn
        return fn

    return deco


def codes():
    """The codes of the registered sources, sorted."""
    return sorted(_SOURCES)


def collect(alliances, today=None, only=None):
    """Every alert on ``alliances`` (a list), sorted by ``since`` then alliance. ``only``: a code or None."""
    alliances = list(alliances)
    if not alliances:
        return []
    today = today or date.today()
    found = []
    for code, fn in sorted(_SOURCES.items()):
        if only and code != only:
            continue
        found.extend(fn(alliances, today) or [])
    found.sort(key=lambda a: (a.since, a.alliance_id, a.code))
    return found


def add_months(day, months):
    """``day`` plus ``months`` calendar months (the last day of the month when it is shorter)."""
    import calendar

    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def program_rules(alliance_ids, *columns):
    """``{alliance_id: row}`` with the given Program columns for each alliance, in one query."""
    import sqlalchemy as sa

    from .models import Alliance

    rows = db.session.execute(sa.select(Alliance.id, *columns).join(Call, Call.id == Alliance.call_id)
                              .join(Program, Program.id == Call.program_id)
                              .where(Alliance.id.in_(list(alliance_ids)))).all()
    return {r[0]: r for r in rows}
