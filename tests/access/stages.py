"""Who sees what at each stage (issue 14, item 5), the expectations of tests/access/test_pages_by_stage.py: every
page under /alliances/<id>/... (and the funding stage's /funding/alliances/<id>/...) × every state of the alliance
workflow × every persona, with the expected status written down below. No cell accepts "anything".

How an expectation is read, for one page, one state, one persona:

1. anonymous: 302 to the login page, whatever the state;
2. who does not see the alliance (``sees``: the program's staff, the association's members, the committee once the
   intention left the draft, the facilitator once assigned to the plan): 404, the alliance does not exist for them
   (another association's board, an officer of another region, a TA provider or grievance officer with nothing of
   theirs, the buyer except on its deliveries);
3. a state in which the page has nothing to show (its stage's record does not exist yet, or the URL names another
   alliance's record): 404 for everyone who sees the alliance;
4. there, its ``readers`` get 200 and the other viewers 403 (they see the alliance but may not do this).
"""
import re

from tests.access.world import ANON, PERSONAS, STATES

# -- who sees an alliance (grants/alliances/permissions.py roles_toward) -------------------------------------------
ALWAYS = {"admin", "officer", "finance", "auditor", "board", "treasurer", "member_user"}
#: the facilitator is assigned with ``start_plan`` (the world's alliances that never reached a plan have none)
FACILITATED = STATES[STATES.index("plan_in_preparation"):]


def sees(persona, state):
    if persona in ALWAYS:
        return True
    if persona == "committee":  # a call that names no committee is every committee member's, once submitted
        return state != "draft"
    return persona == "facilitator" and state in FACILITATED


# -- the states in which a page has something to show ---------------------------------------------------------------
EVERY = STATES
#: the plan exists from ``start_plan`` (grants/plans/permissions.py PLAN_STATES; a withdrawn intention had none)
PLANNED = FACILITATED
#: the agreement is generated on approval
AGREED = ("approved", "agreement_signed", "in_execution", "suspended", "cancelled", "closing", "closed")
#: the first tranche was disbursed, the world's alliance has its expense, contribution, report (submitted with the
#: assembly's minutes), procurement, TA contract and visit (a cancelled alliance keeps them on record)
EXECUTED = ("in_execution", "suspended", "cancelled", "closing", "closed")
#: the closeout page: from execution to the closing (not for a cancelled alliance)
CLOSEOUT = ("in_execution", "suspended", "closing", "closed")
#: the final report was submitted: the closeout report and the refunds recorded while closing
CLOSING = ("closing", "closed")
#: pages of a record the world does not have (their stage's own tests open a real one): 404 in every state
NOTHING = ()

# -- who reads a page where it exists (everyone else who sees the alliance: 403) -------------------------------------
VIEWERS = None  # everyone who sees the alliance


def board_while_editable(persona, state):
    """The business intention: its board while it is a draft or returned for information."""
    return persona == "board" and state in ("draft", "returned")


def plan_editors(persona, state):
    """A budget line or tranche form: the board and the facilitator while the plan is in preparation."""
    return persona in ("board", "facilitator") and state == "plan_in_preparation"


def screeners(persona, state):
    """The screening sheet: the officer of the region, admins and auditors (the association does not see its
    scores being written; finance and the committee have no part in it)."""
    return persona in ("officer", "admin", "auditor")


PAGES = {
    # the alliance itself and its intention (proposals)
    "alliances.detail": (EVERY, VIEWERS),
    "alliances.download": (EVERY, VIEWERS),  # the buyer's letter attached to every intention
    "alliances.edit": (EVERY, board_while_editable),
    "proposals.edit_profile": (EVERY, board_while_editable),
    "proposals.profile_pdf": (EVERY, VIEWERS),
    "proposals.revisions": (EVERY, VIEWERS),
    "proposals.screen": (EVERY, screeners),
    # the plan
    "plans.overview": (PLANNED, VIEWERS),
    "plans.sections": (PLANNED, VIEWERS),
    "plans.budget": (PLANNED, VIEWERS),
    "plans.export_budget": (PLANNED, VIEWERS),
    "plans.edit_line": (PLANNED, plan_editors),
    "plans.tranches": (PLANNED, VIEWERS),
    "plans.edit_tranche": (PLANNED, plan_editors),
    "plans.indicators": (PLANNED, VIEWERS),
    "plans.assessment": (PLANNED, VIEWERS),
    "plans.cash_flow": (PLANNED, VIEWERS),
    "plans.document": (PLANNED, VIEWERS),
    "plans.appraisal": (PLANNED, VIEWERS),  # read by all; written by the officer while under appraisal
    "plans.reviews": (PLANNED, VIEWERS),  # blind review hides the scores, not the page
    "plans.revisions": (PLANNED, VIEWERS),
    "plans.minutes_document": (NOTHING, VIEWERS),  # the world's committee never met: no minutes
    # funding
    "funding.agreement": (AGREED, VIEWERS),
    "funding.tranche": (PLANNED, VIEWERS),  # the schedule's tranche 1, from the plan on
    "funding.disbursement_order": (EXECUTED, VIEWERS),  # only a disbursed tranche has an order
    "funding.request_letter": (NOTHING, VIEWERS),  # no tranche of the world was requested by its board
    # execution: the lists answer in every state (empty before the agreement); a record only where it exists
    "execution.overview": (EVERY, VIEWERS),
    "execution.expenses": (EVERY, VIEWERS),
    "execution.contributions": (EVERY, VIEWERS),
    "execution.procurements": (EVERY, VIEWERS),
    "execution.reallocations": (EVERY, VIEWERS),
    "execution.reports": (EVERY, VIEWERS),
    "execution.expense": (EXECUTED, VIEWERS),
    "execution.receipt": (EXECUTED, VIEWERS),
    "execution.receipt_thumbnail": (EXECUTED, VIEWERS),
    "execution.evidence": (EXECUTED, VIEWERS),
    "execution.evidence_thumbnail": (EXECUTED, VIEWERS),
    "execution.procurement": (EXECUTED, VIEWERS),
    "execution.quotation_file": (EXECUTED, VIEWERS),
    "execution.report": (EXECUTED, VIEWERS),
    "execution.report_pdf": (EXECUTED, VIEWERS),
    "execution.report_xlsx": (EXECUTED, VIEWERS),
    "execution.minutes": (EXECUTED, VIEWERS),  # the assembly's minutes of the submitted report
    # technical assistance
    "assistance.alliance_contracts": (EVERY, VIEWERS),
    "assistance.selection": (EVERY, VIEWERS),
    "assistance.terms": (NOTHING, VIEWERS),  # the world contracted directly: no terms of reference
    "assistance.terms_pdf": (NOTHING, VIEWERS),
    # monitoring
    "monitoring.indicators": (EVERY, VIEWERS),
    "monitoring.visits": (EVERY, VIEWERS),
    "monitoring.visit": (EXECUTED, VIEWERS),
    "monitoring.photo": (EXECUTED, VIEWERS),
    "monitoring.photo_thumbnail": (EXECUTED, VIEWERS),
    "monitoring.evidence": (NOTHING, VIEWERS),  # no follow-up action of the world was answered with evidence
    # closeout and after
    "closeout.page": (CLOSEOUT, VIEWERS),
    "closeout.document": (CLOSING, VIEWERS),
    "closeout.refund_proof": (CLOSING, VIEWERS),
    "closeout.follow_ups": (EVERY, VIEWERS),  # the form only once closed; the page for whoever sees the alliance
    # sales to the buyer: the buyer's own account reads its alliances' deliveries, whatever their state
    "sales.alliance_deliveries": (EVERY, VIEWERS),
}
#: who sees a page beyond the alliance's viewers
ALSO_SEES = {"sales.alliance_deliveries": {"buyer"}}


def expected(endpoint, state, persona):
    states, readers = PAGES[endpoint]
    if persona == ANON:
        return 302
    if not (sees(persona, state) or persona in ALSO_SEES.get(endpoint, ())):
        return 404
    if state not in states:
        return 404
    if readers is VIEWERS or readers(persona, state):
        return 200
    return 403


def alliance_pages(app):
    return [rule for rule in app.url_map.iter_rules()
            if "GET" in rule.methods and "<int:alliance_id>" in rule.rule and not rule.rule.startswith("/api/")]


def url(rule, ids):
    path = rule.rule
    for arg in rule.arguments:
        path = re.sub(r"<(?:[a-z_]+(?:\([^)]*\))?:)?%s>" % arg, str(ids[arg]), path)
    return path


#: the personas asked for every page in every state: those whose rights change with the state (the board edits
#: its intention while a draft or returned, and the plan while in preparation; the committee sees an alliance once
#: submitted; the facilitator once assigned) and the anonymous visitor (a redirect costs little)
EVERY_STATE = (ANON, "board", "committee", "facilitator")


def states_to_ask(persona):
    """The states to GET every page in for ``persona``: all of them for ``EVERY_STATE``; for the others (whose
    view of an alliance does not depend on its state) the first state of each class of states in which every page
    expects the same status of each of them (the 20 states make 6 classes): a request costs about 10 ms, and the
    whole grid, 17,400 of them, would take minutes."""
    if persona in EVERY_STATE:
        return STATES
    others = [p for p in PERSONAS if p not in EVERY_STATE]
    seen, states = set(), []
    for state in STATES:
        column = tuple(expected(endpoint, state, p) for endpoint in sorted(PAGES) for p in others)
        if column not in seen:
            seen.add(column)
            states.append(state)
    return tuple(states)
