"""The grievance office's work waiting (grants/alliances/tasks.py), one query: each open grievance, due on its
acknowledgement date while received, else on its resolution date (overdue ones come first). Only for
grievance officers and admins; the title names the category, never the reporter."""
import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from ..alliances import tasks
from ..extensions import db
from ..workflows.grievance import OPEN
from .models import Grievance
from .permissions import is_staff


@tasks.source("grievance_to_answer")
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
