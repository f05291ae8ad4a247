"""A reallocation between budget lines (DOMAIN.md): created ``applied`` when it stays within the program's
free share, else ``pending`` until the officer of the region approves it (applied, the rules checked again)
or refuses it with a comment. Roles come from ``grants/alliances/permissions.py`` (towards its alliance)."""
from flask_babel import lazy_gettext as _l

from .engine import Transition as T
from .engine import Workflow

STATES = {"pending": _l("Waiting for the officer"), "applied": _l("Applied"), "refused": _l("Refused")}

TRANSITIONS = [
    T("approve", ("pending",), "applied", ("officer",), _l("Approve")),
    T("refuse", ("pending",), "refused", ("officer",), _l("Refuse"), comment_required=True),
]


def _context(r):
    return {"alliance_id": r.alliance_id, "association_id": r.alliance.association_id}


REALLOCATION = Workflow("reallocation", STATES, TRANSITIONS, context=_context)  # roles_of: grants/alliances/permissions.py
