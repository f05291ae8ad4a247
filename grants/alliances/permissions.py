"""Who may see and do what with alliances, associations and member data. Deny by default."""
import sqlalchemy as sa

from .. import workflows
from ..associations.models import Association

GLOBAL_READERS = ("admin", "auditor", "finance")


def roles_toward(alliance, user):
    """The roles ``user`` holds towards ``alliance`` (for the workflow engine and the pages)."""
    roles = set(user.association_roles(alliance.association_id))
    for role in ("admin", "finance", "auditor"):
        if user.has_role(role):
            roles.add(role)
    if user.has_role("officer") and user.covers_region(alliance.association.region):
        roles.add("officer")
    if alliance.call.has_committee_member(user) and alliance.state != "draft":
        roles.add("committee")
    if user.has_role("facilitator") and alliance.facilitator_id == user.id:
        roles.add("facilitator")
    return roles


def can_view_alliance(user, alliance):
    return bool(roles_toward(alliance, user))


def can_edit_alliance(user, alliance):
    """The board edits the business intention while it is a draft or returned."""
    return alliance.state in ("draft", "returned") and "board" in user.association_roles(alliance.association_id)


def alliance_filter(user):
    """A SQL condition selecting the alliances ``user`` may see (for lists)."""
    from ..programs.models import Call, CallCommittee
    from .models import Alliance

    if user.has_role(*GLOBAL_READERS):
        return sa.true()
    conds = []
    own = user.association_ids()
    if own:
        conds.append(Alliance.association_id.in_(own))
    if user.has_role("officer") and user.regions:
        conds.append(Alliance.association_id.in_(
            sa.select(Association.id).where(Association.region.in_(user.regions))))
    if user.has_role("facilitator"):
        conds.append(Alliance.facilitator_id == user.id)
    if user.has_role("committee"):
        assigned = sa.select(CallCommittee.call_id).where(CallCommittee.user_id == user.id)
        open_calls = sa.select(Call.id).where(~sa.exists().where(CallCommittee.call_id == Call.id))
        conds.append(sa.and_(Alliance.state != "draft",
                             sa.or_(Alliance.call_id.in_(assigned), Alliance.call_id.in_(open_calls))))
    return sa.or_(*conds) if conds else sa.false()


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


def can_create_alliance(user, association):
    return "board" in user.association_roles(association.id)


def can_manage_buyers(user):
    return user.has_role("admin", "officer") or bool(user.association_ids("board"))


def can_manage_members(user, association):
    """Add, edit, remove and import members: its board, the officer of its region, admins."""
    return can_edit_association(user, association)


def can_view_buyers(user):
    """Buyers are firms, not personal data: whoever manages them, global readers, committee and facilitators."""
    return can_manage_buyers(user) or user.has_role(*GLOBAL_READERS, "committee", "facilitator")


# The workflow layer knows no domain: the spine registers who holds which role towards the objects of the
# workflows whose roles are those towards their alliance (the deliverable's come from grants/assistance).
def _roles_toward_alliance_of(obj, user):
    return roles_toward(obj.alliance, user)


workflows.ALLIANCE.roles_of = roles_toward
for _workflow in (workflows.TRANCHE, workflows.REPORT, workflows.PROCUREMENT, workflows.FOLLOW_UP):
    _workflow.roles_of = _roles_toward_alliance_of
