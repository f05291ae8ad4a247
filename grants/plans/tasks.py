"""The plan stage's work waiting (grants/alliances/tasks.py), each source in one query:

- ``plan_to_prepare``: the board and the assigned facilitator prepare and submit the plan;
- ``plan_to_appraise``: the officer of the region starts and completes the appraisal of a submitted plan;
- ``plan_to_review``: a committee member writes their review of each plan before the committee, in the
  current round, until they have submitted it."""
import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from ..alliances import tasks
from ..alliances.models import Alliance
from .models import Plan, Review


def _alliances(query):
    return tasks.scalars(query.where(tasks.scope()).order_by(Alliance.state_changed_at).limit(tasks.LIMIT))


@tasks.source("plan_to_prepare", states=("plan_in_preparation",), beyond=("facilitator",))
def plan_to_prepare(user, today):
    conds = []
    if user.association_ids("board"):
        conds.append(Alliance.association_id.in_(sorted(user.association_ids("board"))))
    if user.has_role("facilitator"):
        conds.append(Alliance.facilitator_id == user.id)
    if not conds:
        return []
    rows = _alliances(sa.select(Alliance).where(sa.or_(*conds), Alliance.state == "plan_in_preparation"))
    return [tasks.Task("plan_to_prepare", _l("Prepare and submit the alliance plan"),
                       url_for("plans.overview", alliance_id=a.id), alliance=a, since=a.state_changed_at)
            for a in rows]


@tasks.source("plan_to_appraise", states=("plan_submitted", "under_appraisal"))
def plan_to_appraise(user, today):
    if not user.has_role("officer"):
        return []
    rows = _alliances(sa.select(Alliance).where(tasks.officer_filter(user),
                                                Alliance.state.in_(("plan_submitted", "under_appraisal"))))
    return [tasks.Task("plan_to_appraise", _l("Start the appraisal of the plan") if a.state == "plan_submitted"
                       else _l("Complete the appraisal of the plan"),
                       url_for("alliances.detail", alliance_id=a.id) if a.state == "plan_submitted"
                       else url_for("plans.appraisal", alliance_id=a.id), alliance=a, since=a.state_changed_at)
            for a in rows]


@tasks.source("plan_to_review", states=("committee_review",), beyond=("committee",))
def plan_to_review(user, today):
    if not user.has_role("committee"):
        return []
    reviewed = sa.exists().where(Review.alliance_id == Alliance.id, Review.member_id == user.id,
                                 Review.round == Plan.round)
    rows = _alliances(sa.select(Alliance).join(Plan, Plan.alliance_id == Alliance.id)
                      .where(tasks.committee_filter(user), Alliance.state == "committee_review", ~reviewed))
    return [tasks.Task("plan_to_review", _l("Write your review of the plan"),
                       url_for("plans.reviews", alliance_id=a.id), alliance=a, since=a.state_changed_at)
            for a in rows]
