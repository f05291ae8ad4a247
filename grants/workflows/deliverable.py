"""The TA deliverable workflow (DOMAIN.md): pending → submitted → accepted | rejected; a rejected deliverable
can be submitted again. The provider submits (or the board records it on the provider's behalf); the
association board accepts or rejects (with a comment). Roles come from ``grants/assistance/permissions.py``, which registers them here (``roles_of``)."""
from flask_babel import lazy_gettext as _l

from .engine import Transition as T
from .engine import Workflow

STATES = {"pending": _l("Pending"), "submitted": _l("Submitted"), "accepted": _l("Accepted"),
          "rejected": _l("Rejected")}

TRANSITIONS = [
    T("submit", ("pending", "rejected"), "submitted", ("ta_provider", "board"), _l("Submit"),
      guards=("deliverable_file",)),
    T("accept", ("submitted",), "accepted", ("board",), _l("Accept")),
    T("reject", ("submitted",), "rejected", ("board",), _l("Reject"), comment_required=True),
]


def _context(deliverable):
    alliance = deliverable.contract.alliance
    return {"alliance_id": alliance.id, "association_id": alliance.association_id}


DELIVERABLE = Workflow("deliverable", STATES, TRANSITIONS, context=_context)
