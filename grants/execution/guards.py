"""Guards of the accountability report workflow (grants/workflows/report.py)."""
from flask_babel import lazy_gettext as _l

from ..errors import Violation
from ..workflows import guard
from ..workflows import rules
from . import notify  # noqa: F401  (who hears of each report step)


@guard("report_may_move")
def report_may_move(report, actor, data):
    if report.alliance.state not in ("in_execution", "suspended", "closing"):
        return [Violation(rules.ALLIANCE_NOT_IN_EXECUTION, _l("Reports are filed while the alliance is in execution."))]
    return []


@guard("assembly_approval")
def assembly_approval(report, actor, data):
    """The general assembly approved the report: its date and minutes are recorded."""
    if not report.assembly_approved_on or not (report.assembly_sha256 or report.assembly_decision_id):
        return [Violation(rules.ASSEMBLY_APPROVAL_MISSING, _l("Upload the minutes of the assembly that approved the "
                                                          "report, with its date."), "assembly_minutes")]
    return []
