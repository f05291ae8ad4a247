"""The grievance alert on the alliance a grievance is about (grants/alliances/alerts.py): ``grievance_overdue``,
an open grievance not acknowledged within the program's ``grievance_ack_days``, or not resolved within
``grievance_resolve_days`` (open the day after the deadline). It says neither what the grievance says nor who
filed it; the alliance itself is never changed or blocked by it. (The supervision a grievance officer asks for
is a task of the region's officer, grants/grievances/tasks.py, not an alert: alerts show to everyone who sees
the alliance, its board included.)"""
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..alliances import alerts
from ..extensions import db
from ..workflows import rules
from ..workflows.grievance import OPEN
from .models import Grievance


def _overdue_message(d, today):
    due = date.fromisoformat(d["due_on"])
    if d.get("step") == "acknowledge":
        return _l("A grievance about this alliance was not acknowledged by the grievance office by %(day)s "
                  "(%(days)s days late).", day=d["due_on"], days=(today - due).days)
    return _l("A grievance about this alliance was not resolved by the grievance office by %(day)s "
              "(%(days)s days late).", day=d["due_on"], days=(today - due).days)


@alerts.source(rules.GRIEVANCE_OVERDUE, message=_overdue_message)
def grievance_overdue(alliances):
    ids = [a.id for a in alliances]
    if not ids:
        return []
    rows = db.session.execute(sa.select(Grievance.id, Grievance.alliance_id, Grievance.state, Grievance.ack_due_on,
                                        Grievance.resolve_due_on)
                              .where(Grievance.alliance_id.in_(ids), Grievance.state.in_(OPEN))
                              .order_by(Grievance.id)).all()
    out = []
    for gid, aid, state, ack_due, resolve_due in rows:
        step, due = ("acknowledge", ack_due) if state == "received" and ack_due < resolve_due else ("resolve", resolve_due)
        out.append(alerts.Alert(rules.GRIEVANCE_OVERDUE, aid, since=due, due=due + alerts.ONE_DAY, ref=str(gid),
                                detail={"step": step, "due_on": due.isoformat()}))
        if step == "acknowledge":  # once acknowledged late, the resolution may still be late too
            out.append(alerts.Alert(rules.GRIEVANCE_OVERDUE, aid, since=resolve_due, due=resolve_due + alerts.ONE_DAY,
                                    ref=f"{gid}r", detail={"step": "resolve", "due_on": resolve_due.isoformat()}))
    return out


alerts.watch(Grievance, lambda g: [g.alliance_id] if g.alliance_id else [])
