"""The workflow engine as tables: (state, action, role) -> new state and one event, or a refusal
with the state unchanged."""
import pytest
import sqlalchemy as sa

from grants.audit.models import Event
from grants.errors import Forbidden, InvalidTransition, RuleViolation, Violation
from grants.workflows import ALLIANCE, Transition, Workflow, guard
from grants.workflows import rules
from grants.workflows.alliance import STATES

# Who may take each action from which states: written by hand from DOMAIN.md and API.md ("Who acts"),
# independently of the declaration in grants/workflows/alliance.py.
BEFORE_AGREEMENT = {"draft", "submitted", "returned", "eligible", "preselected", "plan_in_preparation",
                    "plan_submitted", "under_appraisal", "committee_review", "approved"}
EXPECTED = {
    "submit": ({"draft", "returned"}, {"board"}),
    "withdraw": (BEFORE_AGREEMENT, {"board"}),
    "return_for_info": ({"submitted"}, {"officer"}),
    "declare_eligible": ({"submitted"}, {"officer"}),
    "declare_ineligible": ({"submitted"}, {"officer"}),
    "preselect": ({"eligible"}, {"committee"}),
    "not_select": ({"eligible"}, {"committee"}),
    "start_plan": ({"preselected"}, {"officer"}),
    "submit_plan": ({"plan_in_preparation"}, {"board", "facilitator"}),
    "start_appraisal": ({"plan_submitted"}, {"officer"}),
    "send_to_committee": ({"under_appraisal"}, {"officer"}),
    "return_plan": ({"under_appraisal", "committee_review"}, {"officer", "committee"}),
    "approve": ({"committee_review"}, {"officer", "committee"}),
    "reject": ({"committee_review"}, {"officer", "committee"}),
    "sign_agreement": ({"approved"}, {"officer"}),
    "start_execution": ({"agreement_signed"}, {"officer"}),
    "suspend": ({"in_execution"}, {"officer", "admin"}),
    "resume": ({"suspended"}, {"officer", "admin"}),
    "submit_final_report": ({"in_execution"}, {"board"}),
    "close": ({"closing"}, {"officer"}),
    "cancel": ({"agreement_signed", "in_execution", "suspended", "closing"}, {"officer", "admin"}),
}
TARGET = {"submit": "submitted", "withdraw": "withdrawn", "return_for_info": "returned",
          "declare_eligible": "eligible", "declare_ineligible": "ineligible", "preselect": "preselected",
          "not_select": "not_selected", "start_plan": "plan_in_preparation", "submit_plan": "plan_submitted",
          "start_appraisal": "under_appraisal", "send_to_committee": "committee_review",
          "return_plan": "plan_in_preparation", "approve": "approved", "reject": "rejected",
          "sign_agreement": "agreement_signed", "start_execution": "in_execution", "suspend": "suspended",
          "resume": "in_execution", "submit_final_report": "closing", "close": "closed", "cancel": "cancelled"}
ROLES = ("board", "treasurer", "member", "officer", "finance", "committee", "facilitator", "admin", "auditor",
         "ta_provider")


def test_the_declaration_has_every_state_and_action_of_the_contract():
    assert set(STATES) == {
        "draft", "submitted", "returned", "eligible", "ineligible", "preselected", "not_selected",
        "plan_in_preparation", "plan_submitted", "under_appraisal", "committee_review", "approved", "rejected",
        "agreement_signed", "in_execution", "suspended", "closing", "closed", "withdrawn", "cancelled"}
    assert set(ALLIANCE.actions) == set(EXPECTED)
    for t in ALLIANCE.transitions:
        assert t.target == TARGET[t.name]


class Obj:
    id = 1
    association_id = None

    def __init__(self, state):
        self.state = state


class Actor:
    is_authenticated = True
    id = None
    name = "tester"


def table_workflow(role):
    """The alliance declaration with roles resolved to ``role`` and without guards (tested apart)."""
    transitions = [Transition(t.name, t.sources, t.target, t.roles, t.label, (), t.requires, t.comment_required)
                   for t in ALLIANCE.transitions]
    return Workflow("table", STATES, transitions, roles_of=lambda obj, user: {role})


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_state_and_role_table(action):
    sources, roles = EXPECTED[action]
    for role in ROLES:
        wf = table_workflow(role)
        for state in STATES:
            obj = Obj(state)
            if state not in sources:
                with pytest.raises(InvalidTransition):
                    wf.check(obj, action, Actor(), {"comment": "x", "reason": "x", "facilitator_id": "1",
                                                    "counterpart_deposit_reference": "x"})
            elif role not in roles:
                with pytest.raises(Forbidden):
                    wf.check(obj, action, Actor(), {"comment": "x", "reason": "x", "facilitator_id": "1",
                                                    "counterpart_deposit_reference": "x"})
            else:
                t = wf.check(obj, action, Actor(), {"comment": "x", "reason": "x", "facilitator_id": "1",
                                                    "counterpart_deposit_reference": "x"})
                assert t.target == TARGET[action]
            assert obj.state == state


def test_unknown_action_is_an_invalid_transition():
    with pytest.raises(InvalidTransition):
        table_workflow("board").check(Obj("draft"), "pay_everyone", Actor())


def test_every_guard_named_by_the_declaration_is_either_registered_or_refuses(app):
    from grants.workflows import guard_names

    named = {g for t in ALLIANCE.transitions for g in t.guards}
    registered = guard_names()
    assert "facilitator_valid" in registered
    wf = Workflow("g", {"a": "A", "b": "B"},
                  [Transition("go", ("a",), "b", ("x",), "Go", guards=("no_such_guard_anywhere",))],
                  roles_of=lambda o, u: {"x"})
    with pytest.raises(RuleViolation) as err:
        wf.check(Obj("a"), "go", Actor())
    assert err.value.rules == [rules.NOT_YET_AVAILABLE]
    assert named  # the declaration names guards at all


def test_guards_are_all_run_and_every_violation_listed():
    @guard("test_two_problems")
    def two(obj, actor, data):
        return [Violation("first_rule", "one"), Violation("second_rule", "two")]

    @guard("test_third_problem")
    def third(obj, actor, data):
        return [Violation("third_rule", "three")]

    wf = Workflow("g", {"a": "A", "b": "B"},
                  [Transition("go", ("a",), "b", ("x",), "Go", guards=("test_two_problems", "test_third_problem"),
                              requires=("reason",), comment_required=True)],
                  roles_of=lambda o, u: {"x"})
    obj = Obj("a")
    with pytest.raises(RuleViolation) as err:
        wf.check(obj, "go", Actor(), {})
    assert err.value.rules == [rules.REQUIRED, rules.COMMENT_REQUIRED, "first_rule", "second_rule", "third_rule"]
    assert obj.state == "a"


def _event_count(db):
    return db.session.execute(sa.select(sa.func.count()).select_from(Event)).scalar()


@pytest.mark.parametrize("state,action,persona,data,target", [
    ("submitted", "return_for_info", "officer", {"comment": "Falta la carta del comprador"}, "returned"),
    ("submitted", "declare_ineligible", "officer", {"comment": "No cumple"}, "ineligible"),
    ("eligible", "preselect", "committee", {}, "preselected"),
    ("eligible", "not_select", "committee", {}, "not_selected"),
    ("draft", "withdraw", "board", {"comment": "Ya no"}, "withdrawn"),
    ("in_execution", "suspend", "officer", {"reason": "Sin rendición"}, "suspended"),
    ("suspended", "resume", "admin", {}, "in_execution"),
    ("closing", "cancel", "officer", {"reason": "Abandono"}, "cancelled"),
])
def test_apply_changes_state_and_writes_exactly_one_event(db, alliance, request, state, action, persona, data,
                                                          target):
    from grants.alliances.services import take_action

    actor = request.getfixturevalue(persona)
    alliance.state = state
    db.session.commit()
    before = _event_count(db)
    take_action(alliance, action, actor, dict(data))
    db.session.commit()
    assert alliance.state == target
    assert _event_count(db) == before + 1
    ev = db.session.execute(sa.select(Event).order_by(Event.id.desc()).limit(1)).scalar()
    assert (ev.action, ev.from_state, ev.to_state, ev.actor_id) == (action, state, target, actor.id)
    assert ev.alliance_id == alliance.id
    assert ev.comment == data.get("comment")


@pytest.mark.parametrize("state,action,persona,data,error", [
    ("submitted", "return_for_info", "other_officer", {"comment": "x"}, Forbidden),
    ("submitted", "return_for_info", "board", {"comment": "x"}, Forbidden),
    ("submitted", "return_for_info", "officer", {}, RuleViolation),
    ("draft", "declare_eligible", "officer", {}, InvalidTransition),
    ("eligible", "preselect", "officer", {}, Forbidden),
    ("eligible", "preselect", "auditor", {}, Forbidden),
    ("draft", "withdraw", "member_user", {"comment": "x"}, Forbidden),
    ("draft", "withdraw", "treasurer", {"comment": "x"}, Forbidden),
    ("draft", "withdraw", "other_board", {"comment": "x"}, Forbidden),
    ("in_execution", "withdraw", "board", {"comment": "x"}, InvalidTransition),
    ("in_execution", "suspend", "officer", {}, RuleViolation),
    ("preselected", "start_plan", "officer", {"facilitator_id": "999999"}, RuleViolation),
])
def test_refusals_leave_everything_unchanged(db, alliance, request, state, action, persona, data, error):
    from grants.alliances.services import take_action

    actor = request.getfixturevalue(persona)
    alliance.state = state
    db.session.commit()
    version, before = alliance.version, _event_count(db)
    with pytest.raises(error):
        take_action(alliance, action, actor, dict(data))
    db.session.rollback()
    db.session.refresh(alliance)
    assert alliance.state == state and alliance.version == version
    assert _event_count(db) == before


def test_start_plan_assigns_the_facilitator(db, alliance, officer, facilitator):
    from grants.alliances.services import take_action

    alliance.state = "preselected"
    db.session.commit()
    take_action(alliance, "start_plan", officer, {"facilitator_id": str(facilitator.id)})
    db.session.commit()
    assert alliance.state == "plan_in_preparation" and alliance.facilitator_id == facilitator.id
    # the facilitator now holds the facilitator role towards this alliance, and only this one
    assert "facilitator" in ALLIANCE.roles_of(alliance, facilitator)


def test_available_lists_what_the_user_may_do_now(db, alliance, board, officer, member_user):
    assert [t.name for t in ALLIANCE.available(alliance, board)] == ["submit", "withdraw"]
    assert ALLIANCE.available(alliance, officer) == []
    assert ALLIANCE.available(alliance, member_user) == []
    alliance.state = "submitted"
    assert {t.name for t in ALLIANCE.available(alliance, officer)} == {
        "return_for_info", "declare_eligible", "declare_ineligible"}
