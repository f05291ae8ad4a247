"""Who may see and do what with technical assistance. Deny by default.

Every member of the association reads its contracts (social control); its board writes; the provider with
its own account sees only its own contracts and submits their deliverables; global readers and the officer
of the region read. Boards, officers and admins keep the registry of providers."""
import sqlalchemy as sa

from ..alliances.permissions import alliance_filter, roles_toward
from ..alliances.models import Alliance
from ..workflows.deliverable import DELIVERABLE
from ..workflows.ta_contract import TA_CONTRACT
from ..workflows.ta_terms import TA_TERMS
from .models import Contract, Provider


def roles_toward_contract(contract, user):
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    roles = set(roles_toward(contract.alliance, user))
    if user.has_role("ta_provider") and contract.provider.user_id == user.id:
        roles.add("ta_provider")
    return roles


def can_view_contract(user, contract):
    return bool(roles_toward_contract(contract, user))


def can_manage(user, alliance):
    """Contract TA, accept deliverables, close contracts: the association's board."""
    return "board" in roles_toward(alliance, user)


def can_view_ta(user, alliance):
    return bool(roles_toward(alliance, user))


def can_keep_registry(user):
    return user.has_role("admin", "officer") or bool(user.association_ids("board"))


def can_see_registry(user):
    return can_keep_registry(user) or user.has_role("finance", "auditor", "committee", "facilitator")


def contract_filter(user):
    """A SQL condition selecting the contracts ``user`` may see."""

    conds = [Contract.alliance_id.in_(sa.select(Alliance.id).where(alliance_filter(user)))]
    if user.has_role("ta_provider"):
        conds.append(Contract.provider_id.in_(sa.select(Provider.id).where(Provider.user_id == user.id)))
    return sa.or_(*conds)


def _deliverable_roles(deliverable, user):
    return roles_toward_contract(deliverable.contract, user)


def _terms_roles(terms, user):
    return roles_toward(terms.alliance, user)


# the workflow layer knows no stage: the stage registers its roles
DELIVERABLE.roles_of = _deliverable_roles
TA_TERMS.roles_of = _terms_roles
TA_CONTRACT.roles_of = roles_toward_contract
