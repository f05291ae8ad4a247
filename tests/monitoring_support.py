"""Helpers for the monitoring tests: an alliance in execution with its standard indicators (``families`` counts
people by sex), and shortcuts to find an indicator and to record a visit."""
from datetime import date, timedelta

from grants.extensions import db
from grants.monitoring import visits as visit_svc
from tests.execution_support import JPEG, PDF, PNG, executing, upload  # noqa: F401

TODAY = date.today()


def this_month(today=None):
    today = today or date.today()
    return f"{today.year:04d}-{today.month:02d}"


def next_month(today=None):
    today = today or date.today()
    y, m = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return f"{y:04d}-{m:02d}"


def last_month(today=None):
    today = today or date.today()
    y, m = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
    return f"{y:04d}-{m:02d}"


def indicator(alliance, code):
    return next(i for i in alliance.indicators if i.code == code)


def visit_data(actions=1, **kw):
    data = {"visited_on": TODAY.isoformat(), "place": "Comunidad Achacachi", "participants": "18",
            "findings": "El galpón está construido; falta el bebedero.", "rating": "needs_attention",
            "actions": [{"description": f"Instalar el bebedero {i + 1}",
                         "due_on": (TODAY + timedelta(days=30)).isoformat()} for i in range(actions)]}
    data.update(kw)
    return data


def make_visit(alliance, officer, actions=1, photos=()):
    v = visit_svc.record_visit(alliance, visit_data(actions), officer, photos=list(photos))
    db.session.commit()
    return v
