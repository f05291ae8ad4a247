"""The public figures of the grievance channel (the portal): counts by category, by state and by region, and the
median days from receipt to closing (resolved or dismissed). No text, no code, no reporter: three grouped
counts and one column of durations."""
from statistics import median

import sqlalchemy as sa

from ..extensions import db
from ..workflows.grievance import CLOSED, STATES
from .models import CATEGORIES, Grievance


def public_counts():
    """``{"total", "by_category": {code: n}, "by_state": {code: n}, "by_region": {region: n},
    "median_days_to_resolve": float or None}`` (every category and state listed, 0 included)."""
    out = {"by_category": {c: 0 for c in CATEGORIES}, "by_state": {s: 0 for s in STATES}, "by_region": {}}
    for key, column in (("by_category", Grievance.category), ("by_state", Grievance.state),
                        ("by_region", Grievance.region)):
        for value, n in db.session.execute(sa.select(column, sa.func.count()).group_by(column)).all():
            out[key][value if value is not None else ""] = int(n)
    out["by_region"] = dict(sorted(out["by_region"].items()))
    out["total"] = sum(out["by_state"].values())
    rows = db.session.execute(sa.select(Grievance.received_at, Grievance.closed_at).where(
        Grievance.state.in_(CLOSED), Grievance.closed_at.is_not(None))).all()
    days = [(closed - received).total_seconds() / 86400 for received, closed in rows]
    out["median_days_to_resolve"] = round(median(days), 1) if days else None
    return out
