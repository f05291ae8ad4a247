"""Work waiting from grievances (grants/alliances/tasks.py), one query each:

- ``grievance_to_answer``: for grievance officers and admins, each open grievance, due on its acknowledgement
  date while received, else on its resolution date (overdue ones come first); the detail names the category,
  never the reporter;
- ``supervision_requested``: for the officer of the region, each alliance a grievance officer asked to
  supervise, linked to the alliance's supervision visits; nothing of the grievance (no text, no reporter, no
  code). A task, not an alert: only that officer sees it, never the association's board."""
import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from ..alliances import tasks
from ..alliances.models import Alliance
from ..extensions import db
from ..workflows.grievance import OPEN
from .models import Grievance
from .permissions import STAFF, is_staff


@tasks.source("grievance_to_answer", states=(), unstamped=STAFF)  # the office's, no alliance's
def grievance_to_answer(user, today):
    if not is_staff(user):
        return []
    rows = db.session.execute(sa.select(Grievance).where(Grievance.state.in_(OPEN))
                              .order_by(Grievance.resolve_due_on, Grievance.id).limit(tasks.LIMIT)).scalars().all()
    out = []
    for g in rows:
        if g.state == "received":
            title, due = _l("Acknowledge the grievance %(code)s", code=g.tracking_code), g.ack_due_on
        else:
            title, due = _l("Resolve the grievance %(code)s", code=g.tracking_code), g.resolve_due_on
        out.append(tasks.Task("grievance_to_answer", title, url_for("grievances.detail", grievance_id=g.id),
                              due=due, detail=str(g.category_title)))
    return out


@tasks.source("supervision_requested")
def supervision_requested(user, today):
    if not user.has_role("officer"):
        return []
    rows = tasks.rows(
        sa.select(Alliance, sa.func.min(Grievance.supervision_flagged_at))
        .join(Grievance, Grievance.alliance_id == Alliance.id)
        .where(tasks.scope(), tasks.officer_filter(user), Grievance.supervision_flagged_at.is_not(None))
        .group_by(Alliance.id).order_by(Alliance.id).limit(tasks.LIMIT))
    return [tasks.Task("supervision_requested", _l("Supervise the alliance: the grievance office asks for it"),
                       url_for("alliances.detail", alliance_id=a.id), alliance=a, since=since)
            for a, since in rows]
