"""Who may do what with grievances: filing is open to everyone; reading the list and the details, acting on
them and seeing the reporter's identity and contact belong to grievance officers and admins only. Everyone
else (the regional officer, the association's board, auditors) sees "reserved" where a reporter would be."""
from .. import workflows

STAFF = ("grievance_officer", "admin")


def is_staff(user):
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(*STAFF)


def can_list(user):
    return is_staff(user)


def can_see_reporter(user):
    return is_staff(user)


def roles_of(_grievance, user):
    return {r for r in STAFF if user.has_role(r)}


workflows.GRIEVANCE.roles_of = roles_of
