"""Who may see and do what with associations, their members and buyers. Deny by default.

They live with the associations (below the spine); ``grants.alliances.permissions`` re-exports them."""
import sqlalchemy as sa

from .models import Association

GLOBAL_READERS = ("admin", "auditor", "finance")


def can_view_association(user, association):
    if user.has_role(*GLOBAL_READERS) or user.association_roles(association.id):
        return True
    return user.has_role("officer") and user.covers_region(association.region)


def association_filter(user):
    if user.has_role(*GLOBAL_READERS):
        return sa.true()
    conds = []
    if user.association_ids():
        conds.append(Association.id.in_(user.association_ids()))
    if user.has_role("officer") and user.regions:
        conds.append(Association.region.in_(user.regions))
    return sa.or_(*conds) if conds else sa.false()


def can_create_association(user, region=None):
    if user.has_role("admin"):
        return True
    return user.has_role("officer") and (region is None or user.covers_region(region))


def can_edit_association(user, association):
    """Admins, the officer of its region and its board keep the registry up to date."""
    if user.has_role("admin") or "board" in user.association_roles(association.id):
        return True
    return user.has_role("officer") and user.covers_region(association.region)


def can_view_members(user, association):
    """Members' personal data: the association's board, the officer of its region, admins;
    auditors see it masked (``members_masked``)."""
    return can_edit_association(user, association) or user.has_role("auditor")


def members_masked(user, association):
    return not can_edit_association(user, association)


def can_manage_buyers(user):
    return user.has_role("admin", "officer") or bool(user.association_ids("board"))


def can_manage_members(user, association):
    """Add, edit, remove and import members: its board, the officer of its region, admins."""
    return can_edit_association(user, association)


def can_view_buyers(user):
    """Buyers are firms, not personal data: whoever manages them, global readers, committee and facilitators."""
    return can_manage_buyers(user) or user.has_role(*GLOBAL_READERS, "committee", "facilitator")


def can_view_assemblies(user, association):
    """The assembly register: its board and other roles in it, the officer of its region, admins, auditors and
    finance (global readers). Needs ``can_view_association`` first (else 404)."""
    return can_edit_association(user, association) or bool(user.association_roles(association.id)) \
        or user.has_role(*GLOBAL_READERS)


def can_register_assembly(user, association):
    """Registering an assembly: its board, the officer of its region, admins (auditors only read)."""
    return can_edit_association(user, association)
