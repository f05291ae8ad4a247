"""The follow-up action workflow of a supervision visit: open → answered → closed; an answered action may be
reopened (with a comment) and answered again. The association board answers; the officer of the region closes
or reopens. Roles come from ``grants/alliances/permissions.py`` (``roles_toward`` the action's alliance)."""
from flask_babel import lazy_gettext as _l

from .engine import Transition as T
from .engine import Workflow

STATES = {"open": _l("Awaiting the answer"), "answered": _l("Answered, to review"), "closed": _l("Closed")}

TRANSITIONS = [
    T("answer", ("open",), "answered", ("board",), _l("Answer"), requires=("answer",)),
    T("close", ("answered",), "closed", ("officer",), _l("Close")),
    T("reopen", ("answered",), "open", ("officer",), _l("Reopen"), comment_required=True),
]


def _context(action):
    return {"alliance_id": action.alliance_id, "association_id": action.alliance.association_id}


FOLLOW_UP = Workflow("follow_up_action", STATES, TRANSITIONS, context=_context)  # roles_of: registered by grants/alliances/permissions.py
