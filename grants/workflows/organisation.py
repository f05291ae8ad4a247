"""The small state machines of an association's own plans (grants/organisation): the capacity plan (draft →
adopted by the board), an action of a plan (pending, in progress, done, dropped: the board may move it to any
other state) and an application for other funds (applied → obtained or refused; a result may be corrected).
The association's board acts; its roles come from ``grants/organisation/permissions.py`` (``roles_of``)."""
from flask_babel import lazy_gettext as _l

from .engine import Transition as T
from .engine import Workflow

PLAN_STATES = {"draft": _l("Draft"), "adopted": _l("Adopted")}
ACTION_STATES = {"pending": _l("Pending"), "in_progress": _l("In progress"), "done": _l("Done"),
                 "dropped": _l("Dropped")}
FUND_STATES = {"applied": _l("Applied"), "obtained": _l("Obtained"), "refused": _l("Refused")}


def _to_each(states, names, roles, labels):
    """A transition to every state, from every other one (an action's state is the board's to set)."""
    return [T(names[s], tuple(x for x in states if x != s), s, roles, labels[s]) for s in states]


def _context(obj):
    return {"association_id": obj.association_id}


CAPACITY_PLAN = Workflow("capacity_plan", PLAN_STATES, [
    T("adopt_capacity_plan", ("draft",), "adopted", ("board",), _l("Capacity plan adopted by the board")),
], context=_context)

#: the action that moves a plan's action to each state
ACTION_MOVES = {"pending": "reset", "in_progress": "start", "done": "complete", "dropped": "drop"}
CAPACITY_ACTION = Workflow("capacity_action", ACTION_STATES, _to_each(
    ACTION_STATES, ACTION_MOVES, ("board",),
    {"pending": _l("Set back to pending"), "in_progress": _l("Started"), "done": _l("Done"), "dropped": _l("Dropped")}),
    context=lambda action: {"association_id": action.plan.association_id})

#: the action that records each result of an application
FUND_MOVES = {"applied": "reopen", "obtained": "obtain", "refused": "refuse"}
FUND_APPLICATION = Workflow("fund_application", FUND_STATES, _to_each(
    FUND_STATES, FUND_MOVES, ("board",),
    {"applied": _l("Waiting for the answer again"), "obtained": _l("Obtained"), "refused": _l("Refused")}),
    context=_context)
