"""The monitoring stage's work waiting (grants/alliances/tasks.py), each source in one query:

- ``follow_up_due``: the association's board answers each open follow-up action of a supervision visit by its
  due date;
- ``follow_up_to_close``: the officer of the region closes (or reopens) each answered follow-up action."""
import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from ..alliances import tasks
from ..alliances.models import Alliance
from .models import FollowUpAction


def _rows(*conds):
    return tasks.rows(
        sa.select(FollowUpAction, Alliance).join(Alliance, Alliance.id == FollowUpAction.alliance_id)
        .where(*conds, tasks.scope()).order_by(FollowUpAction.due_on, FollowUpAction.id).limit(tasks.LIMIT))


def _url(action):
    return url_for("monitoring.visit", alliance_id=action.alliance_id, visit_id=action.visit_id) + \
        f"#action-{action.id}"


@tasks.source("follow_up_due")
def follow_up_due(user, today):
    if not user.association_ids("board"):
        return []
    rows = _rows(Alliance.association_id.in_(sorted(user.association_ids("board"))), FollowUpAction.state == "open")
    return [tasks.Task("follow_up_due", _l("Answer the follow-up action of the supervision visit"), _url(act),
                       alliance=a, due=act.due_on, detail=act.description) for act, a in rows]


@tasks.source("follow_up_to_close")
def follow_up_to_close(user, today):
    if not user.has_role("officer"):
        return []
    rows = _rows(tasks.officer_filter(user), FollowUpAction.state == "answered")
    return [tasks.Task("follow_up_to_close", _l("Review the answer to a follow-up action"), _url(act), alliance=a,
                       since=act.answered_at or act.updated_at, detail=act.description) for act, a in rows]
