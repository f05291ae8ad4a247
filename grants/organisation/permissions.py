"""Who may see and change an association's own plans and registers. Deny by default.

Whoever may see the association reads them (its board, treasurer and members, the officer of its region,
admins, auditors, finance); its board writes them. Another association's plans answer 404."""
from ..associations.permissions import can_view_association
from ..workflows.organisation import CAPACITY_ACTION, CAPACITY_PLAN, FUND_APPLICATION


def can_view_organisation(user, association):
    return bool(user.is_authenticated) and can_view_association(user, association)


def can_edit_organisation(user, association):
    """The association's board keeps its plans and registers."""
    return bool(user.is_authenticated) and "board" in user.association_roles(association.id)


# the workflow layer knows no stage: the stage says who holds which role towards its objects
CAPACITY_PLAN.roles_of = FUND_APPLICATION.roles_of = (
    lambda obj, user: set(user.association_roles(obj.association_id)))
CAPACITY_ACTION.roles_of = lambda action, user: set(user.association_roles(action.plan.association_id))
