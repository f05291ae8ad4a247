"""Who may see and do what with an alliance's plan. Deny by default; callers answer 404 when
``can_view_plan`` is false (no leak) and 403 when the user may see but not act."""
from ..alliances.permissions import roles_toward

#: states in which a plan exists (it started with ``start_plan``)
PLAN_STATES = ("plan_in_preparation", "plan_submitted", "under_appraisal", "committee_review", "approved",
               "rejected", "agreement_signed", "in_execution", "suspended", "closing", "closed", "cancelled",
               "withdrawn")
REVIEWERS_SEE_ALL = ("officer", "admin", "auditor")


def can_view_plan(user, alliance):
    """Whoever may see the alliance may read its plan (members too: social control)."""
    return bool(roles_toward(alliance, user))


def plan_started(alliance):
    """The plan exists, or the alliance is in a state that comes after ``start_plan``."""
    if getattr(alliance, "plan", None) is not None:
        return True
    return alliance.state in PLAN_STATES and alliance.state not in ("withdrawn", "cancelled")


def can_edit_plan(user, alliance):
    """The assigned facilitator and the association's board, while the plan is in preparation."""
    if alliance.state != "plan_in_preparation":
        return False
    return bool(roles_toward(alliance, user) & {"facilitator", "board"})


def can_edit_closeout_assessment(user, alliance):
    """At closeout the board and the officer of the region score the association again."""
    if alliance.state not in ("in_execution", "closing"):
        return False
    return bool(roles_toward(alliance, user) & {"board", "officer"})


def can_appraise(user, alliance):
    """The officer of the region, while the plan is under appraisal."""
    return alliance.state == "under_appraisal" and "officer" in roles_toward(alliance, user)


def is_committee_member(user, alliance):
    return alliance.call.has_committee_member(user)


def can_review(user, alliance):
    """A committee member of the call, while the plan is before the committee."""
    return alliance.state == "committee_review" and is_committee_member(user, alliance)


def can_see_all_reviews(user, alliance, submitted_own):
    """Blind review: a committee member sees the others' reviews only after submitting their own.
    The officer, admins and auditors see them; the association sees them once the committee decided."""
    roles = roles_toward(alliance, user)
    if is_committee_member(user, alliance):
        return submitted_own or alliance.state != "committee_review"
    if roles & set(REVIEWERS_SEE_ALL):
        return True
    return bool(roles) and alliance.state not in ("plan_submitted", "under_appraisal", "committee_review")
