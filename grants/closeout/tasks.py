"""The closeout stage's work waiting (grants/alliances/tasks.py), in one query:

- ``closeout_to_close``: the officer of the region evaluates, settles and closes each alliance whose board
  submitted the final report."""
import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from ..alliances import tasks
from ..alliances.models import Alliance


@tasks.source("closeout_to_close", states=("closing",))
def closeout_to_close(user, today):
    if not user.has_role("officer"):
        return []
    rows = tasks.scalars(sa.select(Alliance).where(tasks.officer_filter(user), Alliance.state == "closing",
                                                   tasks.scope())
                         .order_by(Alliance.state_changed_at).limit(tasks.LIMIT))
    return [tasks.Task("closeout_to_close", _l("Evaluate, settle and close the alliance"),
                       url_for("closeout.page", alliance_id=a.id), alliance=a, since=a.state_changed_at)
            for a in rows]

from . import followups_tasks  # noqa: E402,F401  (work waiting: follow-ups after the closing)
