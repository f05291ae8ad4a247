"""A technical-assistance contract: active → closed by the association board once every deliverable is
accepted and paid, rating the provider. Roles come from ``grants/assistance/permissions.py``."""
from flask_babel import lazy_gettext as _l

from .engine import Transition as T
from .engine import Workflow

STATES = {"active": _l("Active"), "closed": _l("Closed")}

TRANSITIONS = [
    T("close", ("active",), "closed", ("board",), _l("Closed")),
]


def _context(contract):
    return {"alliance_id": contract.alliance_id, "association_id": contract.alliance.association_id}


TA_CONTRACT = Workflow("ta_contract", STATES, TRANSITIONS, context=_context)  # roles_of: grants/assistance/permissions.py
