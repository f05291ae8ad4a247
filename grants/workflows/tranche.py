"""The tranche workflow (DOMAIN.md): planned → requested → approved → disbursed; a refusal returns the
tranche to planned. The association's board requests, the officer of the region approves or refuses, the
finance officer records the transfer. Guards live in ``grants/funding/guards.py``."""
from flask_babel import lazy_gettext as _l

from ..alliances.budget import TRANCHE_STATES
from .engine import Transition as T
from .engine import Workflow

STATES = dict(TRANCHE_STATES)

TRANSITIONS = [
    T("request", ("planned",), "requested", ("board",), _l("Request the tranche"), guards=("tranche_may_move",
                                                                                            "tranche_in_order")),
    T("approve", ("requested",), "approved", ("officer",), _l("Approve the tranche"),
      guards=("tranche_may_move", "tranche_rules")),
    T("refuse", ("requested",), "planned", ("officer",), _l("Refuse the tranche"), comment_required=True,
      guards=("tranche_may_move",)),
    T("disburse", ("approved",), "disbursed", ("finance",), _l("Record the transfer"),
      requires=("reference", "disbursed_on"), guards=("tranche_may_move", "separation_of_duties")),
]


def _roles_of(tranche, user):
    from ..alliances.permissions import roles_toward

    return roles_toward(tranche.alliance, user)


def _context(tranche):
    return {"alliance_id": tranche.alliance_id, "association_id": tranche.alliance.association_id}


TRANCHE = Workflow("tranche", STATES, TRANSITIONS, roles_of=_roles_of, context=_context)
