"""The procurement workflow (DOMAIN.md): open → awarded → closed | cancelled. The association's board awards
(and cancels); the board or treasurer closes once paid. Guards live in ``grants/execution/procurement.py``."""
from flask_babel import lazy_gettext as _l

from .engine import Transition as T
from .engine import Workflow

STATES = {"open": _l("Open for quotations"), "awarded": _l("Awarded"), "closed": _l("Closed"), "cancelled": _l("Cancelled")}

TRANSITIONS = [
    T("award", ("open",), "awarded", ("board",), _l("Award"), requires=("quotation_id",),
      guards=("procurement_award",)),
    T("close", ("awarded",), "closed", ("board", "treasurer"), _l("Close")),
    T("cancel", ("open", "awarded"), "cancelled", ("board",), _l("Cancel"), comment_required=True),
]


def _context(procurement):
    return {"alliance_id": procurement.alliance_id, "association_id": procurement.alliance.association_id}


PROCUREMENT = Workflow("procurement", STATES, TRANSITIONS, context=_context)  # roles_of: registered by grants/alliances/permissions.py
