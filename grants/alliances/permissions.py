"""Who may see and do what with alliances. Deny by default. (Associations, members and buyers:
``grants/associations/permissions.py``, re-exported here.)"""
import sqlalchemy as sa

from .. import workflows
from ..associations.permissions import (GLOBAL_READERS, association_filter, can_create_association,  # noqa: F401
                                       can_edit_association, can_manage_buyers, can_manage_members,
                                       can_view_association, can_view_buyers, can_view_members, members_masked)
from ..associations import hooks as association_hooks
from ..associations.models import Association
from ..extensions import db
from ..programs.models import Call, CallCommittee
from .models import Alliance, AllianceMember


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








def can_create_alliance(user, association):
    return "board" in user.association_roles(association.id)





# The workflow layer knows no domain: the spine registers who holds which role towards the objects of the
# workflows whose roles are those towards their alliance (the deliverable's come from grants/assistance).
def _roles_toward_alliance_of(obj, user):
    return roles_toward(obj.alliance, user)


workflows.ALLIANCE.roles_of = roles_toward
for _workflow in (workflows.TRANCHE, workflows.REPORT, workflows.PROCUREMENT, workflows.FOLLOW_UP, workflows.REALLOCATION):
    _workflow.roles_of = _roles_toward_alliance_of


# What the association and buyer pages list from the spine (grants/associations/hooks.py).
@association_hooks.provide("alliances_of_association")
def _alliances_of_association(association, user):
    return db.session.execute(
        sa.select(Alliance).where(Alliance.association_id == association.id, alliance_filter(user))
        .order_by(Alliance.id.desc()).limit(50)).scalars().all()


@association_hooks.provide("alliances_of_buyer")
def _alliances_of_buyer(buyer, user):
    return db.session.execute(
        sa.select(Alliance).where(Alliance.buyer_id == buyer.id, alliance_filter(user))
        .order_by(Alliance.id.desc()).limit(200)).scalars().all()


@association_hooks.provide("member_in_alliance")
def _member_in_alliance(member):
    return db.session.execute(sa.select(AllianceMember.alliance_id).where(AllianceMember.member_id == member.id)
                              .limit(1)).scalar() is not None
