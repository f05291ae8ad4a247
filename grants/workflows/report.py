"""The accountability report workflow (DOMAIN.md): draft → submitted → approved | observed; observed goes
back to draft. The association's treasurer or board submits (with the assembly's approval), the officer of
the region approves or observes. Guards live in ``grants/execution/guards.py``."""
from flask_babel import lazy_gettext as _l

from .engine import Transition as T
from .engine import Workflow

STATES = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "approved": _l("Approved"),
    "observed": _l("Observed"),
}

TRANSITIONS = [
    T("submit", ("draft",), "submitted", ("treasurer", "board"), _l("Submit the report"),
      guards=("report_may_move", "assembly_approval")),
    T("approve", ("submitted",), "approved", ("officer",), _l("Approve the report")),
    T("observe", ("submitted",), "observed", ("officer",), _l("Observe the report"), requires=("observations",)),
    T("reopen", ("observed",), "draft", ("treasurer", "board"), _l("Back to draft to correct it")),
]


def _context(report):
    return {"alliance_id": report.alliance_id, "association_id": report.alliance.association_id}


REPORT = Workflow("accountability_report", STATES, TRANSITIONS, context=_context)  # roles_of: registered by grants/alliances/permissions.py
