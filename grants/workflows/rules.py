"""The catalogue of rule codes: every code a rule, a guard, a check, an alert or an error of the app may
raise or return, with the message a treasurer understands (English msgid here, Spanish in the catalogue
``translations/es``). Pages show the message, never the code; the API keeps the code as it is.

Services raise by constant: ``c.add(rules.LINE_FUNDS_EXCEEDED, ...)`` with ``from ..workflows import rules``
(``scripts/codemods/rule_constants.py`` rewrites a literal code into its constant). Only the modules below
``grants.workflows`` in the import-linter layers (errors, money, parsing, uploads, accounts, api ...) keep
literals: they may not import this module. ``tests/test_rule_catalogue.py`` walks ``grants/`` and fails on a
literal code elsewhere, on any code raised or returned that is not listed here, and on any message not
translated.
"""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Rule:
    """One rule code and its general message (a service's own message may say more, e.g. the amounts)."""

    code: str
    message: object


AGREEMENT_NOT_SIGNED = "agreement_not_signed"
ALLIANCE_NOT_ACTIVE = "alliance_not_active"
ALLIANCE_NOT_IN_EXECUTION = "alliance_not_in_execution"
ALLIANCE_SUSPENDED = "alliance_suspended"
APPRAISAL_INCOMPLETE = "appraisal_incomplete"
ASSEMBLY_APPROVAL_MISSING = "assembly_approval_missing"
ASSESSMENT_MISSING = "assessment_missing"
BAD_REQUEST = "bad_request"
BALANCE_UNSETTLED = "balance_unsettled"
BUDGET_EMPTY = "budget_empty"
BUYER_LETTER_MISSING = "buyer_letter_missing"
CALL_CLOSED = "call_closed"
CASH_FLOW_MISSING = "cash_flow_missing"
COMMENT_REQUIRED = "comment_required"
CONFLICT = "conflict"
CONFLICT_NOT_DECLARED = "conflict_not_declared"
CONTRACT_AMOUNT_EXCEEDED = "contract_amount_exceeded"
CONTRACTS_OPEN = "contracts_open"
CONTRIBUTION_VOIDED = "contribution_voided"
COUNTERPART_CASH_TOO_LOW = "counterpart_cash_too_low"
COUNTERPART_NOT_PROPORTIONAL = "counterpart_not_proportional"
COUNTERPART_SHARE_TOO_LOW = "counterpart_share_too_low"
DELIVERABLE_AMOUNT_EXCEEDED = "deliverable_amount_exceeded"
DELIVERABLE_NOT_ACCEPTED = "deliverable_not_accepted"
DELIVERABLE_OVERDUE = "deliverable_overdue"
DELIVERABLES_MISMATCH = "deliverables_mismatch"
DUE_BEFORE_VISIT = "due_before_visit"
DUPLICATE = "duplicate"
DUPLICATE_DOCUMENT = "duplicate_document"
EVALUATION_MISSING = "evaluation_missing"
EXPENSES_UNREPORTED = "expenses_unreported"
FACILITATOR_INVALID = "facilitator_invalid"
FAMILIES_OUT_OF_RANGE = "families_out_of_range"
FINAL_REPORT_INCOMPLETE = "final_report_incomplete"
FIRST_TRANSFER_MISSING = "first_transfer_missing"
FORBIDDEN = "forbidden"
FUND_INSUFFICIENT = "fund_insufficient"
GRANT_CAP_PER_FAMILY_EXCEEDED = "grant_cap_per_family_exceeded"
GRANT_CASH_EXCEEDED = "grant_cash_exceeded"
GRANT_SHARE_EXCEEDED = "grant_share_exceeded"
INDICATOR_ACTUAL_MISSING = "indicator_actual_missing"
INDICATOR_INCOMPLETE = "indicator_incomplete"
INELIGIBLE_CATEGORY = "ineligible_category"
IDEMPOTENCY_IN_PROGRESS = "idempotency_in_progress"
IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
INVALID = "invalid"
INVALID_TRANSITION = "invalid_transition"
INVITATIONS_TOO_FEW = "invitations_too_few"
JUSTIFICATION_REQUIRED = "justification_required"
LEGAL_STATUS_MISSING = "legal_status_missing"
LINE_FUNDS_EXCEEDED = "line_funds_exceeded"
LINE_NEAR_LIMIT = "line_near_limit"
LOW_EXECUTION = "low_execution"
MEMBER_NOT_IN_ASSOCIATION = "member_not_in_association"
METHOD_NOT_ALLOWED = "method_not_allowed"
NOT_FOUND = "not_found"
NOT_YET_AVAILABLE = "not_yet_available"
OPEN_ALLIANCE_EXISTS = "open_alliance_exists"
OPEN_OBSERVATIONS = "open_observations"
PASSWORD_TOO_COMMON = "password_too_common"
PERIOD_IN_FUTURE = "period_in_future"
PERIOD_OVERLAPS = "period_overlaps"
PLAN_INCOMPLETE = "plan_incomplete"
PROCUREMENT_REQUIRED = "procurement_required"
PROVIDER_NOT_SELECTED = "provider_not_selected"
QUORUM_NOT_MET = "quorum_not_met"
QUOTATIONS_MISSING = "quotations_missing"
REALLOCATION_BREAKS_RULES = "reallocation_breaks_rules"
RECEIPTS_MISSING = "receipts_missing"
REFUND_EXCEEDS_BALANCE = "refund_exceeds_balance"
REGION_NOT_COVERED = "region_not_covered"
REPAYMENT_EXCEEDS_LOAN = "repayment_exceeds_loan"
REPORT_LOCKED = "report_locked"
REPORT_MISSING = "report_missing"
REPORT_OVERDUE = "report_overdue"
REQUIRED = "required"
REVIEW_ALREADY_SUBMITTED = "review_already_submitted"
REVOLVING_NOT_ALLOWED = "revolving_not_allowed"
RULE_VIOLATION = "rule_violation"
SCORE_OUT_OF_RANGE = "score_out_of_range"
SCREENING_INCOMPLETE = "screening_incomplete"
SELECTION_ALREADY_CONTRACTED = "selection_already_contracted"
SELECTION_MISSING = "selection_missing"
SEPARATION_OF_DUTIES = "separation_of_duties"
SERVER_ERROR = "server_error"
SEX_SPLIT_MISMATCH = "sex_split_mismatch"
SIGNED_AGREEMENT_MISSING = "signed_agreement_missing"
SIGNED_AGREEMENT_NOT_PDF = "signed_agreement_not_pdf"
SPLIT_MISMATCH = "split_mismatch"
STALE_VERSION = "stale_version"
THROTTLED = "throttled"
TOO_LARGE = "too_large"
TOO_LONG = "too_long"
TOO_MANY_PHOTOS = "too_many_photos"
TRANCHE_NOT_JUSTIFIED = "tranche_not_justified"
TRANCHE_OUT_OF_ORDER = "tranche_out_of_order"
TRANCHE_UNANSWERED = "tranche_unanswered"
TRANCHES_MISMATCH = "tranches_mismatch"
UNAUTHENTICATED = "unauthenticated"
UNSUPPORTED_TYPE = "unsupported_type"
VALIDATION_ERROR = "validation_error"
VISIT_IN_FUTURE = "visit_in_future"
# open data (issue 17)
IATI_ORG_REF_INVALID = "iati_org_ref_invalid"
OCID_PREFIX_INVALID = "ocid_prefix_invalid"
DAC_SECTOR_INVALID = "dac_sector_invalid"
LICENCE_UNKNOWN = "licence_unknown"

RULES = {rule.code: rule for rule in (
    Rule(AGREEMENT_NOT_SIGNED, _l("Tranches move only after the agreement is signed.")),
    Rule(ALLIANCE_NOT_ACTIVE, _l("The alliance is no longer in execution.")),
    Rule(ALLIANCE_NOT_IN_EXECUTION, _l("This is recorded only while the alliance is in execution.")),
    Rule(ALLIANCE_SUSPENDED, _l("The alliance is suspended: nothing moves until it resumes.")),
    Rule(APPRAISAL_INCOMPLETE,
         _l("The appraisal is not complete: answer the checklist and write the technical opinion.")),
    Rule(ASSEMBLY_APPROVAL_MISSING, _l("The general assembly's approval (minutes with their date) is missing.")),
    Rule(ASSESSMENT_MISSING, _l("An empowerment or capacity assessment is not scored yet.")),
    Rule(BAD_REQUEST, _l("The request could not be read.")),
    Rule(BALANCE_UNSETTLED, _l("Unspent grant money is not yet refunded or moved to the revolving fund.")),
    Rule(BUDGET_EMPTY, _l("The budget has no lines with a cost yet.")),
    Rule(BUYER_LETTER_MISSING, _l("The buyer's signed letter of intent is missing.")),
    Rule(CALL_CLOSED, _l("The call is not open.")),
    Rule(CASH_FLOW_MISSING, _l("The cash flow without and with the project is missing.")),
    Rule(COMMENT_REQUIRED, _l("Write a comment that explains the decision.")),
    Rule(CONFLICT, _l("The change conflicts with data already stored.")),
    Rule(CONFLICT_NOT_DECLARED, _l("Declare that you have no conflict of interest, or abstain.")),
    Rule(CONTRACT_AMOUNT_EXCEEDED, _l("The contract is worth more than the budget line has available.")),
    Rule(CONTRACTS_OPEN, _l("Some technical assistance contracts are not closed yet.")),
    Rule(CONTRIBUTION_VOIDED, _l("This contribution was voided.")),
    Rule(COUNTERPART_CASH_TOO_LOW, _l("The counterpart in cash is below the program's minimum share.")),
    Rule(COUNTERPART_NOT_PROPORTIONAL, _l("The counterpart contributed is behind the grant disbursed.")),
    Rule(COUNTERPART_SHARE_TOO_LOW, _l("The counterpart (cash and in kind) is below the program's minimum share.")),
    Rule(DELIVERABLE_AMOUNT_EXCEEDED, _l("The payment is more than what is left to pay on the deliverable.")),
    Rule(DELIVERABLE_NOT_ACCEPTED, _l("Only an accepted deliverable can be paid.")),
    Rule(DELIVERABLE_OVERDUE, _l("A deliverable of technical assistance is overdue.")),
    Rule(DELIVERABLES_MISMATCH, _l("The deliverables' payments do not add up to the contract amount.")),
    Rule(DUE_BEFORE_VISIT, _l("The due date cannot be before the visit.")),
    Rule(DUPLICATE, _l("This is already registered.")),
    Rule(DUPLICATE_DOCUMENT, _l("This supplier's document is already recorded.")),
    Rule(EVALUATION_MISSING, _l("The officer has not evaluated the alliance yet.")),
    Rule(EXPENSES_UNREPORTED, _l("Some expenses are not in an approved accountability report.")),
    Rule(FACILITATOR_INVALID, _l("Choose a facilitator of the program.")),
    Rule(FAMILIES_OUT_OF_RANGE, _l("The number of families taking part is outside what the program allows.")),
    Rule(FINAL_REPORT_INCOMPLETE, _l("The final report is not complete.")),
    Rule(FIRST_TRANSFER_MISSING, _l("Execution starts after the first tranche has been transferred.")),
    Rule(FORBIDDEN, _l("You may not do this.")),
    Rule(FUND_INSUFFICIENT, _l("The revolving fund does not have that much money available.")),
    Rule(GRANT_CAP_PER_FAMILY_EXCEEDED, _l("The grant per family is above the program's limit.")),
    Rule(GRANT_CASH_EXCEEDED, _l("More grant money would be spent than has been received.")),
    Rule(GRANT_SHARE_EXCEEDED, _l("The grant is a larger share of the total than the program allows.")),
    Rule(INDICATOR_ACTUAL_MISSING, _l("An indicator has no final value yet.")),
    Rule(INDICATOR_INCOMPLETE, _l("An indicator needs a baseline and a target.")),
    Rule(INELIGIBLE_CATEGORY, _l("The grant may not pay for this category: use other sources.")),
    Rule(INVALID, _l("This value is not valid.")),
    Rule(INVALID_TRANSITION, _l("This step is not possible in the current state.")),
    Rule(INVITATIONS_TOO_FEW, _l("Too few providers were invited; invite more or write why.")),
    Rule(JUSTIFICATION_REQUIRED, _l("The award is not the lowest quotation: write why.")),
    Rule(LEGAL_STATUS_MISSING, _l("The association has no legal status number registered.")),
    Rule(LINE_FUNDS_EXCEEDED, _l("The budget line does not have that much money left for this source.")),
    Rule(LINE_NEAR_LIMIT, _l("A budget line has used almost all of its money.")),
    Rule(LOW_EXECUTION, _l("Little of the grant received has been spent.")),
    Rule(MEMBER_NOT_IN_ASSOCIATION, _l("The member does not belong to this association.")),
    Rule(METHOD_NOT_ALLOWED, _l("This method is not allowed here.")),
    Rule(NOT_FOUND, _l("Not found.")),
    Rule(NOT_YET_AVAILABLE, _l("This step is not available yet in this installation.")),
    Rule(OPEN_ALLIANCE_EXISTS, _l("The association already has another open alliance in this call.")),
    Rule(OPEN_OBSERVATIONS, _l("Observations on the accountability reports are still open.")),
    Rule(PERIOD_IN_FUTURE, _l("The period cannot be in the future.")),
    Rule(PERIOD_OVERLAPS, _l("Another report already covers part of this period.")),
    Rule(PLAN_INCOMPLETE, _l("The plan is not complete.")),
    Rule(PROCUREMENT_REQUIRED, _l("This purchase needs an awarded procurement.")),
    Rule(PROVIDER_NOT_SELECTED, _l("This provider is not the one selected.")),
    Rule(QUORUM_NOT_MET, _l("Not enough committee members have reviewed yet.")),
    Rule(QUOTATIONS_MISSING, _l("The procurement needs more quotations with their files.")),
    Rule(REALLOCATION_BREAKS_RULES, _l("After the move the budget would break the program's rules.")),
    Rule(RECEIPTS_MISSING, _l("Some expenses have no receipt yet.")),
    Rule(REFUND_EXCEEDS_BALANCE, _l("The amount is more than the unspent grant still to settle.")),
    Rule(REGION_NOT_COVERED, _l("The region is not covered.")),
    Rule(REPAYMENT_EXCEEDS_LOAN, _l("The repayment is more than what is left to repay on the loan.")),
    Rule(REPORT_LOCKED, _l("A submitted accountability report covers this: it can no longer change.")),
    Rule(REPORT_MISSING, _l("No accountability report within the program's report period.")),
    Rule(REPORT_OVERDUE, _l("Some old expenses are in no submitted report.")),
    Rule(REQUIRED, _l("This field is required.")),
    Rule(REVIEW_ALREADY_SUBMITTED, _l("You already submitted your review of this plan.")),
    Rule(REVOLVING_NOT_ALLOWED, _l("The program does not put any part of the grant into a revolving fund.")),
    Rule(RULE_VIOLATION, _l("The operation breaks one or more rules.")),
    Rule(SCORE_OUT_OF_RANGE, _l("The score is outside the allowed range.")),
    Rule(SCREENING_INCOMPLETE, _l("Score every criterion of the call first.")),
    Rule(SELECTION_ALREADY_CONTRACTED, _l("This selection already has its contract.")),
    Rule(SELECTION_MISSING, _l("No provider is selected yet.")),
    Rule(SEPARATION_OF_DUTIES, _l("Whoever approved the tranche may not record its transfer.")),
    Rule(SERVER_ERROR, _l("Something went wrong on our side.")),
    Rule(SEX_SPLIT_MISMATCH, _l("The value must equal women plus men.")),
    Rule(SIGNED_AGREEMENT_MISSING, _l("Upload the agreement signed by the parties (PDF).")),
    Rule(SIGNED_AGREEMENT_NOT_PDF, _l("The signed agreement must be a PDF.")),
    Rule(SPLIT_MISMATCH, _l("The sources of a line do not add up to the line's total.")),
    Rule(STALE_VERSION, _l("Someone else changed this in the meantime: reload and try again.")),
    Rule(THROTTLED, _l("Too many attempts: wait a moment and try again.")),
    Rule(TOO_LARGE, _l("The file is too large.")),
    Rule(TOO_LONG, _l("The text is too long.")),
    Rule(TOO_MANY_PHOTOS, _l("Too many photos.")),
    Rule(TRANCHE_NOT_JUSTIFIED, _l("Not enough of the money disbursed is justified by approved expenses.")),
    Rule(TRANCHE_OUT_OF_ORDER, _l("An earlier tranche must be transferred first.")),
    Rule(TRANCHE_UNANSWERED, _l("A tranche request has waited too long for an answer.")),
    Rule(TRANCHES_MISMATCH, _l("The tranches do not add up to the grant.")),
    Rule(UNAUTHENTICATED, _l("Sign in first.")),
    Rule(UNSUPPORTED_TYPE, _l("This kind of file is not accepted.")),
    Rule(VALIDATION_ERROR, _l("Some fields need attention.")),
    Rule(VISIT_IN_FUTURE, _l("The visit cannot be in the future.")),
    Rule(PASSWORD_TOO_COMMON, _l("This password is among the most common ones and easy to guess. Choose another one, "
                                 "for example a phrase of a few words.")),
    Rule(IDEMPOTENCY_IN_PROGRESS, _l("This request is still being processed. Try again in a moment.")),
    Rule(IDEMPOTENCY_KEY_REUSED, _l("This idempotency key was already used for another request. Send a new key.")),
    # open data (issue 17): the program's open-data settings
    Rule(IATI_ORG_REF_INVALID, _l("The IATI organisation identifier must be 3 to 80 letters, digits, dots, "
                                    "hyphens or underscores, such as BO-NIT-1234567.")),
    Rule(OCID_PREFIX_INVALID, _l("The OCDS prefix is 'ocds-' followed by the six letters or digits the Open "
                                   "Contracting Partnership registered for the program.")),
    Rule(DAC_SECTOR_INVALID, _l("Write one product word, '=' and a five-digit DAC sector code per line, such "
                                  "as leche=31163.")),
    Rule(LICENCE_UNKNOWN, _l("Choose one of the licences offered.")),
)}

# h5, follow-ups after closeout (grants/closeout/followups.py) ------------------------------------------------
FOLLOW_UP_IN_FUTURE = "follow_up_in_future"
FOLLOW_UP_NOT_CLOSED = "follow_up_not_closed"
FOLLOW_UP_TOO_EARLY = "follow_up_too_early"
FOLLOW_UP_WOMEN_EXCEED_FAMILIES = "follow_up_women_exceed_families"
FOLLOW_UP_YEAR_RECORDED = "follow_up_year_recorded"
RULES.update({rule.code: rule for rule in (
    Rule(FOLLOW_UP_IN_FUTURE, _l("The day of the visit or the call cannot be after today.")),
    Rule(FOLLOW_UP_NOT_CLOSED, _l("Follow-ups are recorded once the alliance is closed.")),
    Rule(FOLLOW_UP_TOO_EARLY, _l("It is too early for this year's follow-up: it can be recorded from 60 days "
                                 "before its due date.")),
    Rule(FOLLOW_UP_WOMEN_EXCEED_FAMILIES, _l("There cannot be more active women than active families.")),
    Rule(FOLLOW_UP_YEAR_RECORDED, _l("The follow-up of this year is already recorded.")),
)})

# sales to the buyer (h2, issue 15: the buyer as a party) ---------------------------------------------------
ALLIANCE_WITHOUT_BUYER = "alliance_without_buyer"
BUYER_NONCOMPLIANCE = "buyer_noncompliance"
BUYER_ROLE_MISSING = "buyer_role_missing"
DELIVERY_AMOUNT_MISMATCH = "delivery_amount_mismatch"
DELIVERY_NOT_CONFIRMED = "delivery_not_confirmed"
DELIVERY_NOT_EDITABLE = "delivery_not_editable"
DELIVERY_UNIT_MISMATCH = "delivery_unit_mismatch"
PAYMENT_EXCEEDS_AMOUNT = "payment_exceeds_amount"
RULES.update({rule.code: rule for rule in (
    Rule(ALLIANCE_WITHOUT_BUYER, _l("The alliance has no buyer: register the buyer of the letter of intent first.")),
    Rule(BUYER_NONCOMPLIANCE, _l("The buyer is behind the letter of intent: confirmed volume or payments fall short "
                                 "of the agreed schedule.")),
    Rule(BUYER_ROLE_MISSING, _l("Only an account with the buyer role can act for a buyer.")),
    Rule(DELIVERY_AMOUNT_MISMATCH, _l("The amount must equal the quantity times the unit price.")),
    Rule(DELIVERY_NOT_CONFIRMED, _l("The buyer records the payment of a delivery once it is confirmed.")),
    Rule(DELIVERY_NOT_EDITABLE, _l("A confirmed delivery can no longer be changed.")),
    Rule(DELIVERY_UNIT_MISMATCH, _l("Deliveries are recorded in the unit of the buyer's letter of intent.")),
    Rule(PAYMENT_EXCEEDS_AMOUNT, _l("The payment cannot be more than the amount of the delivery.")),
)})

#: messages that read the same in Spanish and English (none yet)
SAME_IN_BOTH = frozenset()


def message(code):
    """The message of ``code`` in the user's language; an unknown code gives a general message, never the
    code itself."""
    rule = RULES.get(code)
    return rule.message if rule is not None else _l("The operation breaks one or more rules.")

# h3: the assembly register (grants/associations/assemblies.py) -------------------------------------------
ASSEMBLY_ALREADY_REGISTERED = "assembly_already_registered"
ASSEMBLY_DECISION_INVALID = "assembly_decision_invalid"
ASSEMBLY_QUORUM_NOT_MET = "assembly_quorum_not_met"
ASSEMBLY_DECISION_NOT_ADOPTED = "assembly_decision_not_adopted"
RULES.update({rule.code: rule for rule in (
    Rule(ASSEMBLY_ALREADY_REGISTERED, _l("This assembly is already in the register: it is registered once.")),
    Rule(ASSEMBLY_DECISION_INVALID, _l("The assembly decision chosen is not one of this association's decisions "
                                       "of the kind needed.")),
    Rule(ASSEMBLY_QUORUM_NOT_MET, _l("The assembly had no quorum: its decisions do not bind the association.")),
    Rule(ASSEMBLY_DECISION_NOT_ADOPTED, _l("The assembly did not adopt this decision.")),
)})


# -- the organisation's own plans and the second level (h6) --------------------------------------------
AMOUNT_OBTAINED_MISSING = "amount_obtained_missing"
CAPACITY_PLAN_ADOPTED = "capacity_plan_adopted"
CAPACITY_PLAN_EMPTY = "capacity_plan_empty"
DATE_IN_FUTURE = "date_in_future"
LEADERS_EXCEED_PARTICIPANTS = "leaders_exceed_participants"
NO_WEAK_ITEMS = "no_weak_items"
PARTICIPANTS_MISSING = "participants_missing"
RULES.update({rule.code: rule for rule in (
    Rule(AMOUNT_OBTAINED_MISSING, _l("Give the amount obtained.")),
    Rule(CAPACITY_PLAN_ADOPTED, _l("The capacity plan is already adopted.")),
    Rule(CAPACITY_PLAN_EMPTY, _l("Propose the plan from the assessment before adopting it.")),
    Rule(DATE_IN_FUTURE, _l("The date cannot be in the future.")),
    Rule(LEADERS_EXCEED_PARTICIPANTS, _l("More people took a leadership role than took part.")),
    Rule(NO_WEAK_ITEMS, _l("No item of the scorecard is scored 0 or 1: there is nothing urgent to strengthen.")),
    Rule(PARTICIPANTS_MISSING, _l("Give how many women and men took part.")),
)})



# grievances (issue 15, h1): the filing's and the grievance office's rules, and the alerts on an alliance
GRIEVANCE_TARGET_UNKNOWN = "grievance_target_unknown"
GRIEVANCE_ALREADY_ESCALATED = "grievance_already_escalated"
SUPERVISION_NEEDS_ALLIANCE = "supervision_needs_alliance"
GRIEVANCE_OVERDUE = "grievance_overdue"
RULES.update({rule.code: rule for rule in (
    Rule(GRIEVANCE_TARGET_UNKNOWN, _l("No alliance or association matches what was given. Check it, or leave it empty.")),
    Rule(GRIEVANCE_ALREADY_ESCALATED, _l("This grievance is already with an administrator.")),
    Rule(SUPERVISION_NEEDS_ALLIANCE, _l("This grievance is not about an alliance: there is nothing to supervise.")),
    Rule(GRIEVANCE_OVERDUE, _l("A grievance about this alliance has not been answered in time by the grievance office.")),
)})
