"""Who hears of monitoring, in the app and by e-mail (grants/notifications ``notify``):

- a visit recorded with follow-up actions: the association's board and treasurer;
- a follow-up action answered: the officer who recorded the visit (or the officers of the region)."""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..accounts.models import Membership, OfficerRegion, User, UserRole
from ..extensions import db
from ..notifications.services import notify


def association_users(association_id, roles=("board", "treasurer")):
    return db.session.execute(sa.select(User).join(Membership, Membership.user_id == User.id).where(
        Membership.association_id == association_id, Membership.role.in_(roles), User.active.is_(True))
        .order_by(User.id)).scalars().unique().all()


def region_officers(region):
    return db.session.execute(sa.select(User).join(UserRole, UserRole.user_id == User.id)
                              .join(OfficerRegion, OfficerRegion.user_id == User.id).where(
        UserRole.role == "officer", OfficerRegion.region == region, User.active.is_(True))
        .order_by(User.id)).scalars().unique().all()


def visit_recorded(visit):
    alliance = visit.alliance
    args = dict(code=alliance.code, day=visit.visited_on.isoformat(), n=len(visit.actions))
    notify(association_users(alliance.association_id),
           _l("%(code)s: supervision visit with follow-up actions", **args),
           _l("The officer visited the alliance on %(day)s and asks for %(n)s follow-up actions. Answer each one "
              "with what was done.", **args),
           f"/alliances/{alliance.id}/monitoring/visits/{visit.id}")


def action_answered(action):
    visit = action.visit
    alliance = action.alliance
    officers = [visit.officer] if visit.officer is not None and visit.officer.active else []
    if not officers:
        officers = region_officers(alliance.association.region)
    args = dict(code=alliance.code, association=alliance.association.name)
    notify(officers, _l("%(code)s: follow-up action answered", **args),
           _l("%(association)s answered a follow-up action of your visit. Close it or reopen it with a comment.",
              **args), f"/alliances/{alliance.id}/monitoring/visits/{visit.id}")
