"""A revolving-fund loan (DOMAIN.md, revolving fund): open → repaid when the repayments reach what is due,
or open → written off by the board with a reason. The treasurer records repayments; the repayment that
settles the loan takes ``repaid``. Roles come from ``grants/revolving/permissions.py`` (``roles_of``): the
loan belongs to its association, not to an alliance."""
from flask_babel import lazy_gettext as _l

from .engine import Transition as T
from .engine import Workflow

STATES = {"open": _l("Open"), "repaid": _l("Repaid"), "written_off": _l("Written off")}

TRANSITIONS = [
    T("repaid", ("open",), "repaid", ("treasurer",), _l("Loan repaid")),
    T("write_off", ("open",), "written_off", ("board",), _l("Loan written off"), comment_required=True),
]


def _context(loan):
    return {"association_id": loan.association_id}


LOAN = Workflow("revolving_loan", STATES, TRANSITIONS, context=_context)  # roles_of: grants/revolving/permissions.py
