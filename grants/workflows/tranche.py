"""The tranche workflow (DOMAIN.md): planned → requested → approved → disbursed; a refusal returns the
tranche to planned. The association's board requests, the officer of the region approves or refuses, the
finance officer records the transfer. Guards live in ``grants/funding/guards.py``."""
from flask_babel import lazy_gettext as _l

from .engine import Transition as T
from .engine import Workflow

STATES = {
    "planned": _l("Planned"),
    "requested": _l("Requested"),
    "approved": _l("Approved"),
    "disbursed": _l("Disbursed"),
}

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


def _context(tranche):
    return {"alliance_id": tranche.alliance_id, "association_id": tranche.alliance.association_id}


TRANCHE = Workflow("tranche", STATES, TRANSITIONS, context=_context)  # roles_of: registered by grants/alliances/permissions.py
