"""The closeout stage's guards on the alliance workflow, and what follows its transitions:

- ``final_report_ready`` (``submit_final_report``): ``final_report_incomplete``, ``indicator_actual_missing``,
  ``assessment_missing``;
- ``closeout_settled`` (``close``): ``contracts_open``, ``expenses_unreported``, ``balance_unsettled``,
  ``evaluation_missing``.

After ``submit_final_report`` the report records who submitted it, and the officers of the region hear of it;
after ``close`` the officers of the region and the association's treasurer hear of it (the board hears of the
officer's decisions through the proposals stage's hook). Imported once at app start (``grants/__init__.py``).
"""
from ..workflows import guard, transition_applied
from . import notify, services


@guard("final_report_ready")
def final_report_ready(alliance, actor, data):
    return services.final_report_violations(alliance)


@guard("closeout_settled")
def closeout_settled(alliance, actor, data):
    return services.closeout_violations(alliance)


@transition_applied.connect
def _after_transition(workflow, obj=None, transition=None, actor=None, data=None, from_state=None, **_kw):
    if getattr(workflow, "name", None) != "alliance" or transition is None or obj is None:
        return

    if transition.name == "submit_final_report":
        services.record_submission(obj, actor)
        notify.final_report_submitted(obj, actor)
    elif transition.name == "close":
        notify.closed(obj, actor)
