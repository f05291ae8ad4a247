"""The business intention's work waiting (grants/alliances/tasks.py), each source in one query:

- ``intention_to_complete``: the association's board completes and submits a draft (or returned) intention;
- ``intention_to_screen``: the officer of the region screens and scores each submitted intention;
- ``intention_to_preselect``: a committee member ranks the eligible intentions of a call (one task a call)."""
import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from ..alliances import tasks
from ..alliances.models import Alliance
from ..extensions import db
from ..programs.models import Call


@tasks.source("intention_to_complete", states=("draft", "returned"))
def intention_to_complete(user, today):
    if not user.association_ids("board"):
        return []
    rows = tasks.scalars(tasks.visible_alliances(user, ("draft", "returned"), ("board",)).where(tasks.scope())
                         .order_by(Alliance.state_changed_at).limit(tasks.LIMIT))
    return [tasks.Task("intention_to_complete", _l("Answer the officer and submit the intention again")
                       if a.state == "returned" else _l("Complete and submit the business intention"),
                       url_for("proposals.edit_profile", alliance_id=a.id), alliance=a, since=a.state_changed_at)
            for a in rows]


@tasks.source("intention_to_screen", states=("submitted",))
def intention_to_screen(user, today):
    if not user.has_role("officer"):
        return []
    rows = tasks.scalars(sa.select(Alliance).where(tasks.officer_filter(user), Alliance.state == "submitted",
                                                   tasks.scope())
                         .order_by(Alliance.state_changed_at).limit(tasks.LIMIT))
    return [tasks.Task("intention_to_screen", _l("Screen and score the business intention"),
                       url_for("proposals.screen", alliance_id=a.id), alliance=a, since=a.state_changed_at)
            for a in rows]


@tasks.source("intention_to_preselect", states=(), beyond=("committee",))
def intention_to_preselect(user, today):
    if not user.has_role("committee"):
        return []
    rows = db.session.execute(
        sa.select(Call, sa.func.count(Alliance.id), sa.func.min(Alliance.state_changed_at))
        .join(Alliance, Alliance.call_id == Call.id)
        .where(tasks.committee_filter(user), Alliance.state == "eligible")
        .group_by(Call.id).order_by(sa.func.min(Alliance.state_changed_at))).all()
    return [tasks.Task("intention_to_preselect", _l("Preselect the eligible intentions of the call"),
                       url_for("proposals.call_preselection", call_id=c.id), since=since,
                       detail=_l("%(call)s: %(n)s intentions", call=c.title, n=n)) for c, n, since in rows]
