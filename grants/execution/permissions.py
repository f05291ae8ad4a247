"""Who may see and do what in the execution of an alliance. Deny by default.

Every member of the association reads (social control); its treasurer and board write; the officer of
the region reviews reports; global readers (admin, finance, auditor) read."""
from ..alliances.permissions import roles_toward

WRITERS = {"treasurer", "board"}


def can_view_execution(user, alliance):
    return bool(roles_toward(alliance, user))


def can_record(user, alliance):
    """Record and correct expenses and contributions, prepare reports."""
    return bool(roles_toward(alliance, user) & WRITERS)


def can_review(user, alliance):
    return "officer" in roles_toward(alliance, user)
