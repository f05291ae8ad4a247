"""The grievance workflow (quejas y reclamos): received → acknowledged → under_investigation → resolved /
dismissed. ``resolve`` needs the public answer (``resolution``), ``dismiss`` its ``reason`` (also public);
``escalate`` hands an open grievance to an admin without changing its state. Only grievance officers and
admins act; roles come from ``grants/grievances/permissions.py``. A grievance never names an alliance or an
association in its audit events: its trail is the grievance office's, not the association's."""
from flask_babel import lazy_gettext as _l

from .engine import Transition as T
from .engine import Workflow

STATES = {"received": _l("Received"), "acknowledged": _l("Acknowledged"),
          "under_investigation": _l("Under investigation"), "resolved": _l("Resolved"), "dismissed": _l("Dismissed")}
OPEN = ("received", "acknowledged", "under_investigation")
CLOSED = ("resolved", "dismissed")
STAFF = ("grievance_officer", "admin")

TRANSITIONS = [
    T("acknowledge", ("received",), "acknowledged", STAFF, _l("Acknowledge receipt")),
    T("investigate", ("received", "acknowledged"), "under_investigation", STAFF, _l("Start the investigation")),
    T("resolve", OPEN, "resolved", STAFF, _l("Resolve"), requires=("resolution",)),
    T("dismiss", OPEN, "dismissed", STAFF, _l("Dismiss"), requires=("reason",)),
    # escalation keeps the state: one transition per open state, each back to itself
    *[T("escalate", (s,), s, STAFF, _l("Escalate to an administrator")) for s in OPEN],
]

GRIEVANCE = Workflow("grievance", STATES, TRANSITIONS)  # roles_of: registered by grants/grievances/permissions.py
