"""The plan stage's guards on the alliance workflow, and what happens with its transitions:

- ``plan_rules`` (``submit_plan``): every financing rule, the tranche schedule and the plan's completeness;
- ``appraisal_complete`` (``send_to_committee``): the checklist answered and the opinion written;
- ``quorum_met`` (``approve``, ``reject``, ``return_plan`` from the committee): enough reviews are in.

After ``start_plan`` the plan exists with the standard indicators; after ``submit_plan`` the submission is
kept as a revision; after the committee's decision its minutes are written. All in the transition's
own transaction.
"""
from ..workflows import guard, transition_applied
from .review import appraisal_violations, quorum_violations, record_minutes
from .revisions import record_submission
from .services import ensure_plan, plan_violations

COMMITTEE_DECISIONS = ("approve", "reject", "return_plan")


@guard("plan_rules")
def plan_rules(alliance, actor, data):
    return plan_violations(alliance)


@guard("appraisal_complete")
def appraisal_complete(alliance, actor, data):
    return appraisal_violations(alliance)


@guard("quorum_met")
def quorum_met(alliance, actor, data):
    return quorum_violations(alliance)


@transition_applied.connect
def _after_transition(workflow, obj=None, transition=None, actor=None, data=None, from_state=None, **_kw):
    if getattr(workflow, "name", None) != "alliance" or transition is None:
        return
    if transition.name == "start_plan":
        ensure_plan(obj)
    elif transition.name == "submit_plan":
        record_submission(obj, actor)
    elif transition.name in COMMITTEE_DECISIONS and from_state == "committee_review":
        record_minutes(obj, transition.name, actor, (data or {}).get("comment"))
