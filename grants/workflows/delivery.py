"""The workflow of a delivery to the buyer (issue 15): the association records it (``recorded``); the buyer's own
account confirms it (``confirmed``) or disputes it with a reason (``disputed``); a disputed delivery is corrected
by the association and sent again (``resend`` → ``recorded``). Roles come from ``grants/sales/permissions.py``
(``buyer`` only for the account linked to the delivery's buyer; ``board`` and ``treasurer`` of the association)."""
from flask_babel import lazy_gettext as _l

from .engine import Transition as T
from .engine import Workflow

STATES = {"recorded": _l("Awaiting the buyer"), "confirmed": _l("Confirmed by the buyer"),
          "disputed": _l("Disputed by the buyer")}

TRANSITIONS = [
    T("confirm", ("recorded",), "confirmed", ("buyer",), _l("Confirm the delivery")),
    T("dispute", ("recorded",), "disputed", ("buyer",), _l("Dispute the delivery"), requires=("reason",)),
    T("resend", ("disputed",), "recorded", ("board", "treasurer"), _l("Send it again to the buyer")),
]


def _context(delivery):
    return {"alliance_id": delivery.alliance_id, "association_id": delivery.alliance.association_id}


DELIVERY = Workflow("delivery", STATES, TRANSITIONS, context=_context)  # roles_of: grants/sales/permissions.py
