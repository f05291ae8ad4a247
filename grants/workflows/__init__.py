"""State machines as data, and the one engine that applies them."""
from ..audit.labels import register_workflows
from .alliance import ALLIANCE  # noqa: F401
from .deliverable import DELIVERABLE  # noqa: F401
from .follow_up import FOLLOW_UP  # noqa: F401
from .loan import LOAN  # noqa: F401
from .grievance import GRIEVANCE  # noqa: F401
from .engine import Transition, Workflow, guard, guard_names, transition_applied  # noqa: F401
from .procurement import PROCUREMENT  # noqa: F401
from .reallocation import REALLOCATION  # noqa: F401
from .report import REPORT  # noqa: F401
from .ta_contract import TA_CONTRACT  # noqa: F401
from .ta_terms import TA_TERMS  # noqa: F401
from .tranche import TRANCHE  # noqa: F401

WORKFLOWS = {"alliance": ALLIANCE, "tranche": TRANCHE, "accountability_report": REPORT,
             "procurement": PROCUREMENT, "deliverable": DELIVERABLE}
WORKFLOWS["follow_up_action"] = FOLLOW_UP
WORKFLOWS.update({"revolving_loan": LOAN, "ta_terms": TA_TERMS, "ta_contract": TA_CONTRACT,
                  "reallocation": REALLOCATION})
from .delivery import DELIVERY  # noqa: E402  (issue 15: deliveries to the buyer)
WORKFLOWS["delivery"] = DELIVERY
WORKFLOWS["grievance"] = GRIEVANCE
register_workflows(WORKFLOWS)  # the audit trail labels a workflow event with its transition's label
from .organisation import CAPACITY_ACTION, CAPACITY_PLAN, FUND_APPLICATION  # noqa: E402  (grants/organisation)
WORKFLOWS.update({"capacity_plan": CAPACITY_PLAN, "capacity_action": CAPACITY_ACTION,
                  "fund_application": FUND_APPLICATION})
