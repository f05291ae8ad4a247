"""Who hears of monitoring, in the app and by e-mail (grants/notifications ``notify``):

- a visit recorded with follow-up actions: the association's board and treasurer;
- a follow-up action answered: the officer who recorded the visit (or the officers of the region)."""
from flask_babel import lazy_gettext as _l

from ..notifications.recipients import association_users, region_officers
from ..notifications.services import notify


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
