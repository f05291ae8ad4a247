"""The alliance workflow, from business intention to closeout (DOMAIN.md, API.md), as data."""
from flask_babel import lazy_gettext as _l

from .engine import Transition as T
from .engine import Workflow

STATES = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "returned": _l("Returned for information"),
    "eligible": _l("Eligible"),
    "ineligible": _l("Ineligible"),
    "preselected": _l("Preselected"),
    "not_selected": _l("Not selected"),
    "plan_in_preparation": _l("Plan in preparation"),
    "plan_submitted": _l("Plan submitted"),
    "under_appraisal": _l("Under appraisal"),
    "committee_review": _l("Committee review"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "agreement_signed": _l("Agreement signed"),
    "in_execution": _l("In execution"),
    "suspended": _l("Suspended"),
    "closing": _l("Closing"),
    "closed": _l("Closed"),
    "withdrawn": _l("Withdrawn"),
    "cancelled": _l("Cancelled"),
}

#: states in which the association may still withdraw (before the agreement)
BEFORE_AGREEMENT = ("draft", "submitted", "returned", "eligible", "preselected", "plan_in_preparation",
                    "plan_submitted", "under_appraisal", "committee_review", "approved")
#: states after the agreement in which the program may cancel
AFTER_AGREEMENT = ("agreement_signed", "in_execution", "suspended", "closing")
#: states that end an alliance: it no longer counts as open in its call
FINISHED = ("ineligible", "not_selected", "rejected", "closed", "cancelled", "withdrawn")
#: states in which the alliance was funded (for portfolio and portal)
FUNDED = ("agreement_signed", "in_execution", "suspended", "closing", "closed")

OFFICER = ("officer",)
PROGRAM = ("officer", "admin")

TRANSITIONS = [
    T("submit", ("draft", "returned"), "submitted", ("board",), _l("Submit"), guards=("intake_eligibility",)),
    T("withdraw", BEFORE_AGREEMENT, "withdrawn", ("board",), _l("Withdraw"), comment_required=True),
    T("return_for_info", ("submitted",), "returned", OFFICER, _l("Return for more information"),
      comment_required=True),
    T("declare_eligible", ("submitted",), "eligible", OFFICER, _l("Declare eligible"),
      guards=("screening_scored",)),
    T("declare_ineligible", ("submitted",), "ineligible", OFFICER, _l("Declare ineligible"), comment_required=True),
    T("preselect", ("eligible",), "preselected", ("committee",), _l("Preselect")),
    T("not_select", ("eligible",), "not_selected", ("committee",), _l("Do not select")),
    T("start_plan", ("preselected",), "plan_in_preparation", OFFICER, _l("Start the plan"),
      requires=("facilitator_id",), guards=("facilitator_valid",)),
    T("submit_plan", ("plan_in_preparation",), "plan_submitted", ("board", "facilitator"), _l("Submit the plan"),
      guards=("plan_rules",)),
    T("start_appraisal", ("plan_submitted",), "under_appraisal", OFFICER, _l("Start appraisal")),
    T("send_to_committee", ("under_appraisal",), "committee_review", OFFICER, _l("Send to committee"),
      guards=("appraisal_complete",)),
    # quorum_met only counts while the plan is before the committee (the officer returns it freely in appraisal)
    T("return_plan", ("under_appraisal", "committee_review"), "plan_in_preparation", ("officer", "committee"),
      _l("Return the plan"), comment_required=True, guards=("quorum_met",)),
    T("approve", ("committee_review",), "approved", ("officer", "committee"), _l("Approve"),
      guards=("quorum_met",)),
    T("reject", ("committee_review",), "rejected", ("officer", "committee"), _l("Reject"),
      guards=("quorum_met",), comment_required=True),
    T("sign_agreement", ("approved",), "agreement_signed", OFFICER, _l("Sign the agreement"),
      requires=("counterpart_deposit_reference",), guards=("agreement_ready",)),
    T("start_execution", ("agreement_signed",), "in_execution", OFFICER, _l("Start execution"),
      guards=("first_transfer_made",)),
    T("suspend", ("in_execution",), "suspended", PROGRAM, _l("Suspend"), requires=("reason",)),
    T("resume", ("suspended",), "in_execution", PROGRAM, _l("Resume")),
    T("submit_final_report", ("in_execution",), "closing", ("board",), _l("Submit the final report"),
      guards=("final_report_ready",)),
    T("close", ("closing",), "closed", OFFICER, _l("Close"), guards=("closeout_settled",)),
    T("cancel", AFTER_AGREEMENT, "cancelled", PROGRAM, _l("Cancel"), requires=("reason",)),
]


def _context(alliance):
    return {"alliance_id": alliance.id, "association_id": alliance.association_id}


ALLIANCE = Workflow("alliance", STATES, TRANSITIONS, context=_context)  # roles_of: registered by grants/alliances/permissions.py
