"""Who hears of each accountability report step, in the app and by e-mail:

- ``submit``: the officers of the association's region (a report to review);
- ``approve`` / ``observe``: the association's board and treasurer (with the observations)."""
from flask_babel import lazy_gettext as _l

from ..notifications.recipients import association_users, region_officers
from ..notifications.services import notify
from ..workflows import transition_applied


@transition_applied.connect
def report_moved(workflow, obj=None, transition=None, actor=None, data=None, **_kw):
    if getattr(workflow, "name", None) != "accountability_report" or obj is None or transition is None:
        return
    alliance = obj.alliance
    link = f"/alliances/{alliance.id}/execution/reports/{obj.id}"
    args = dict(code=alliance.code, start=obj.period_start.isoformat(), end=obj.period_end.isoformat(),
                association=alliance.association.name)
    if transition.name == "submit":
        notify(region_officers(alliance.association.region),
               _l("%(code)s: accountability report to review", **args),
               _l("%(association)s submitted its accountability report for %(start)s – %(end)s. Approve it or "
                  "write your observations.", **args), link)
    elif transition.name == "approve":
        notify(association_users(alliance.association_id), _l("%(code)s: accountability report approved", **args),
               _l("The accountability report for %(start)s – %(end)s was approved.", **args), link)
    elif transition.name == "observe":
        notify(association_users(alliance.association_id), _l("%(code)s: accountability report observed", **args),
               _l("The officer observed the report for %(start)s – %(end)s: %(observations)s", observations=(
                   data or {}).get("observations") or "—", **args), link)
