"""What follows each alliance transition: a revision at every submission, minutes for a single
preselection decision, and the notifications (connected once, at import)."""
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..notifications.recipients import association_users, region_officers
from ..notifications.services import notify
from ..web.i18n import money
from ..workflows.engine import transition_applied
from ..workflows.alliance import STATES
from . import preselection, services

#: transitions the association takes itself: they are not decisions on its intention
OWN_ACTIONS = ("submit", "withdraw", "submit_plan", "submit_final_report")


def _notify_officers(alliance, from_state):
    assoc = alliance.association
    cur = alliance.call.program.currency
    if from_state == "returned":
        subject = _l("%(code)s was resubmitted for screening", code=alliance.code)
        body = _l("%(association)s resubmitted the business intention “%(title)s” after your request for more "
                  "information. Look at what changed and continue the screening.",
                  association=assoc.name, title=alliance.title)
    else:
        subject = _l("New business intention in %(region)s: %(code)s", region=assoc.region, code=alliance.code)
        body = _l("%(association)s (%(municipality)s) submitted the business intention “%(title)s”: "
                  "%(families)s families, requested grant %(grant)s. It waits for your screening.",
                  association=assoc.name, municipality=assoc.municipality, title=alliance.title,
                  families=alliance.families, grant=money(alliance.requested_grant, cur))
    notify(region_officers(assoc.region), subject, body, f"/alliances/{alliance.id}")


def _notify_board(alliance, transition, actor, comment):
    state = STATES.get(transition.target, transition.target)
    subject = _l("%(code)s: %(state)s", code=alliance.code, state=state)
    body = _l("%(who)s took the decision “%(label)s” on your business intention “%(title)s”. "
              "It is now “%(state)s”.", who=getattr(actor, "name", None) or _l("The program"),
              label=transition.label, title=alliance.title, state=state)
    if comment:
        body = _l("%(body)s\n\nComment: %(comment)s", body=body, comment=comment)
    notify(association_users(alliance.association_id, ("board",)), subject, body, f"/alliances/{alliance.id}")


def on_transition(workflow, obj=None, transition=None, actor=None, data=None, from_state=None, **_kw):
    if getattr(workflow, "name", None) != "alliance" or obj is None:
        return

    data = data or {}
    if transition.name == "submit":
        services.record_revision(obj, actor)
        _notify_officers(obj, from_state)
    if transition.name in preselection.ACTIONS and not db.session.info.get(preselection.BULK):
        preselection.write_minutes(obj.call, [(obj, transition.name)], actor, data.get("comment"), record_event=False)
    if transition.name not in OWN_ACTIONS and not (
            actor is not None and "board" in actor.association_roles(obj.association_id)):
        _notify_board(obj, transition, actor, data.get("comment"))


transition_applied.connect(on_transition)
