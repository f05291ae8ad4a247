"""Who is told: the users the stages' ``notify`` calls address (active accounts only, in id order). One
definition for every stage's ``notify.py``."""
import sqlalchemy as sa

from ..accounts.models import Membership, OfficerRegion, User, UserRole
from ..extensions import db


def association_users(association_id, roles=("board", "treasurer")):
    """The active users holding one of ``roles`` in the association."""
    return db.session.execute(sa.select(User).join(Membership, Membership.user_id == User.id).where(
        Membership.association_id == association_id, Membership.role.in_(roles), User.active.is_(True))
        .order_by(User.id)).scalars().unique().all()


def region_officers(region):
    """The active program officers of ``region``."""
    return db.session.execute(sa.select(User).join(UserRole, UserRole.user_id == User.id)
                              .join(OfficerRegion, OfficerRegion.user_id == User.id).where(
        UserRole.role == "officer", OfficerRegion.region == region, User.active.is_(True))
        .order_by(User.id)).scalars().unique().all()


def finance_officers():
    """Every active finance officer."""
    return db.session.execute(sa.select(User).join(UserRole, UserRole.user_id == User.id).where(
        UserRole.role == "finance", User.active.is_(True)).order_by(User.id)).scalars().unique().all()
