"""The terms of reference of a technical-assistance selection (DOMAIN.md): draft → invited (providers
invited; more may be invited later) → selected (one scored proposal chosen, the minutes frozen). The
association board acts. Roles come from ``grants/assistance/permissions.py`` (``roles_of``)."""
from flask_babel import lazy_gettext as _l

from .engine import Transition as T
from .engine import Workflow

STATES = {"draft": _l("Draft"), "invited": _l("Providers invited"), "selected": _l("Provider selected")}

TRANSITIONS = [
    T("invite", ("draft", "invited"), "invited", ("board",), _l("Providers invited")),
    T("select", ("invited",), "selected", ("board",), _l("Provider selected")),
]


def _context(terms):
    return {"alliance_id": terms.alliance_id, "association_id": terms.alliance.association_id}


TA_TERMS = Workflow("ta_terms", STATES, TRANSITIONS, context=_context)  # roles_of: grants/assistance/permissions.py
