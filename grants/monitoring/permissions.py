"""Who may see and do what in monitoring. Deny by default; whoever may see the alliance reads its monitoring.

- indicator values: the association's board and treasurer, and the officer of the region record them;
- supervision visits and their photos: the officer of the region records them;
- follow-up actions: the board answers, the officer closes or reopens (the workflow in workflows/follow_up.py);
- alerts across alliances: officers (their regions), admins and auditors."""
from ..alliances.permissions import roles_toward

#: alliance states in which values, visits and answers are recorded
MONITORED = ("in_execution", "suspended", "closing")
#: alliance states whose page shows the monitoring section
SHOWN = ("agreement_signed", "in_execution", "suspended", "closing", "closed")


def _roles(user, alliance):
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    return roles_toward(alliance, user)


def can_view(user, alliance):
    return bool(_roles(user, alliance))


def can_record_values(user, alliance):
    return bool(_roles(user, alliance) & {"board", "treasurer", "officer"})


def can_visit(user, alliance):
    return "officer" in _roles(user, alliance)


def can_answer(user, alliance):
    return "board" in _roles(user, alliance)


def can_see_alerts(user):
    return user is not None and getattr(user, "is_authenticated", False) and user.has_role(
        "officer", "admin", "auditor")
