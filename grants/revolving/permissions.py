"""Who may see and do what with an association's revolving fund. Access follows the association, never an
alliance: the fund outlives every alliance.

- read the totals: whoever may see the association (its board, treasurer and members — social control —,
  the officer of its region, admins, auditors, finance);
- see borrowers' names: where member personal data may be seen (board, officer of the region, admins) and the
  treasurer, who records the loans; masked (initials) for auditors; hidden for everyone else;
- record repayments and loans: the treasurer; write off a loan: the board."""
from ..alliances.permissions import can_view_association, can_view_members, members_masked
from ..workflows.loan import LOAN


def can_view_fund(user, association):
    return bool(user.is_authenticated) and can_view_association(user, association)


def is_treasurer(user, association):
    return "treasurer" in user.association_roles(association.id)


def can_record(user, association):
    return is_treasurer(user, association)


def can_write_off(user, association):
    return "board" in user.association_roles(association.id)


def names_mode(user, association):
    """``"full"``, ``"masked"`` (auditors) or ``"hidden"``: how borrowers' names are shown to ``user``."""
    if is_treasurer(user, association):
        return "full"
    if can_view_members(user, association):
        return "masked" if members_masked(user, association) else "full"
    return "hidden"


def _loan_roles(loan, user):
    """The roles ``user`` holds towards a loan: those in its association (the engine's ``roles_of``)."""
    return set(user.association_roles(loan.association_id))


LOAN.roles_of = _loan_roles  # the workflow layer knows no stage: the stage registers its roles
