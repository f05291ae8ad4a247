"""The financing rules at their boundaries, the line rules, the tranche schedule and the ``plan_rules``
guard on ``submit_plan`` (grants/alliances/figures.py, grants/plans/budget.py, grants/plans/guards.py)."""
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from grants.alliances.budget import BudgetLine
from grants.alliances.figures import financing, financing_violations, tranche_violations
from grants.alliances.services import take_action
from grants.audit.models import Event
from grants.errors import RuleViolation
from grants.plans import budget
from grants.plans.models import PlanRevision
from grants.workflows import rules as rule_codes
from tests.plan_helpers import complete_plan, line_in, patch, start_plan, tranche_in


@pytest.fixture
def plan(db, alliance, officer, facilitator):
    return start_plan(alliance, officer, facilitator)


def rules(alliance):
    return sorted(v.rule for v in financing_violations(alliance))


def one_line(alliance, actor, total, grant, cash, kind, other="0.00", category="equipment"):
    budget.add_line(alliance, line_in(category, "Línea", "1", total, grant, cash, kind, other), actor)


def test_grant_share_at_70_00_passes_and_at_70_01_fails(db, plan, facilitator):
    one_line(plan, facilitator, "10000.00", "7000.00", "1000.00", "2000.00")
    assert rules(plan) == []
    assert financing(plan).shares["grant"] == D("0.7000")
    assert financing(plan).rule("grant_share_exceeded").state == "ok"
    # one more unit of grant (the counterpart then drops below 30 % too: both limits add up to 100 %)
    budget.update_line(plan.budget_lines[0], patch(plan.budget_lines[0], {"grant": "7001.00", "counterpart_in_kind": "1999.00"}), facilitator)
    assert rule_codes.GRANT_SHARE_EXCEEDED in rules(plan)
    check = financing(plan).rule("grant_share_exceeded")
    assert check.state == "fail" and check.value == D("0.7001") and check.limit == D("0.70")


def test_grant_share_just_above_the_limit_fails_even_when_it_rounds_to_70_00(db, plan, facilitator):
    # 70.004 % rounds to 70.00 % but is more than 70 %: the rule is checked exactly, the figure rounded up
    one_line(plan, facilitator, "100000.00", "70004.00", "10000.00", "19996.00")
    check = financing(plan).rule("grant_share_exceeded")
    assert check.state == "fail" and check.value == D("0.7001")


def test_counterpart_share_at_30_00_passes_and_at_29_99_fails(db, plan, facilitator):
    one_line(plan, facilitator, "10000.00", "7000.00", "1000.00", "2000.00")
    assert rule_codes.COUNTERPART_SHARE_TOO_LOW not in rules(plan)
    budget.update_line(plan.budget_lines[0], patch(plan.budget_lines[0], {"counterpart_in_kind": "1999.00", "other": "1.00"}), facilitator)
    assert rules(plan) == [rule_codes.COUNTERPART_SHARE_TOO_LOW]
    assert financing(plan).rule("counterpart_share_too_low").value == D("0.2999")


def test_counterpart_cash_at_10_00_passes_and_at_9_99_fails(db, plan, facilitator):
    one_line(plan, facilitator, "10000.00", "7000.00", "1000.00", "2000.00")
    assert rule_codes.COUNTERPART_CASH_TOO_LOW not in rules(plan)
    budget.update_line(plan.budget_lines[0], patch(plan.budget_lines[0], {"counterpart_cash": "999.00", "counterpart_in_kind": "2001.00"}),
                       facilitator)
    assert rules(plan) == [rule_codes.COUNTERPART_CASH_TOO_LOW]


def test_grant_per_family_at_the_cap_passes_and_a_cent_more_fails(db, plan, facilitator):
    # 25 families × 14,000.00 = 350,000.00
    one_line(plan, facilitator, "600000.00", "350000.00", "100000.00", "150000.00")
    assert rules(plan) == []
    budget.update_line(plan.budget_lines[0], patch(plan.budget_lines[0], {"unit_cost": "600000.01", "grant": "350000.01"}), facilitator)
    assert rules(plan) == [rule_codes.GRANT_CAP_PER_FAMILY_EXCEEDED]
    assert financing(plan).rule("grant_cap_per_family_exceeded").value == D("14000.01")


def test_the_grant_never_pays_land(db, plan, facilitator):
    with pytest.raises(RuleViolation) as exc:
        one_line(plan, facilitator, "1000.00", "100.00", "900.00", "0.00", category="land")
    assert exc.value.rules == [rule_codes.INELIGIBLE_CATEGORY]
    db.session.rollback()
    one_line(plan, facilitator, "1000.00", "0.00", "1000.00", "0.00", category="land")
    assert rule_codes.INELIGIBLE_CATEGORY not in rules(plan)
    # a line stored otherwise (e.g. by an older version) is still caught by the financing rules
    plan.budget_lines[0].grant, plan.budget_lines[0].counterpart_cash = D("100.00"), D("900.00")
    assert rule_codes.INELIGIBLE_CATEGORY in rules(plan)


def test_a_split_that_does_not_sum_is_refused_and_names_the_rule(db, plan, facilitator):
    with pytest.raises(RuleViolation) as exc:
        budget.add_line(plan, line_in(quantity="2", unit_cost="100000.00", grant="140000.00", cash="20000.00",
                                   kind="39999.99"), facilitator)
    assert exc.value.rules == [rule_codes.SPLIT_MISMATCH]
    db.session.rollback()
    assert db.session.execute(sa.select(sa.func.count()).select_from(BudgetLine)).scalar() == 0


def test_quantity_times_unit_cost_rounds_half_up_to_cents(db, plan, facilitator):
    # 2.345 × 10.01 = 23.47345 -> 23.47 ; 0.005 × 1.00 = 0.005 -> 0.01
    row = budget.add_line(plan, line_in(quantity="2.345", unit_cost="10.01", grant="16.43", cash="2.35", kind="4.69"),
                          facilitator)
    assert row.total == D("23.47")
    row = budget.add_line(plan, line_in(quantity="0.005", unit_cost="1.00", grant="0.00", cash="0.01", kind="0.00"),
                          facilitator)
    assert row.total == D("0.01")


def test_an_empty_budget_breaks_a_rule_of_its_own(db, plan):
    assert rules(plan) == [rule_codes.BUDGET_EMPTY]
    assert financing(plan).rule("grant_share_exceeded").state == "pending"


def test_tranches_must_sum_exactly_to_the_grant(db, plan, facilitator):
    one_line(plan, facilitator, "10000.00", "7000.00", "1000.00", "2000.00")
    budget.add_tranche(plan, tranche_in({"amount": "4000.00", "planned_on": "2027-01-15"}), facilitator)
    assert [v.rule for v in tranche_violations(plan)] == [rule_codes.TRANCHES_MISMATCH]
    t = budget.add_tranche(plan, tranche_in({"amount": "2999.99", "planned_on": "2027-06-15"}), facilitator)
    assert [v.rule for v in tranche_violations(plan)] == [rule_codes.TRANCHES_MISMATCH]
    budget.update_tranche(t, patch(t, {"amount": "3000.00"}), facilitator)
    assert tranche_violations(plan) == [] and [x.number for x in plan.tranches] == [1, 2]


def test_every_change_of_money_is_audited(db, plan, facilitator):
    row = budget.add_line(plan, line_in(), facilitator)
    budget.update_line(row, patch(row, {"grant": "130000.00", "counterpart_cash": "30000.00"}), facilitator)
    budget.delete_line(row, facilitator)
    actions = db.session.execute(sa.select(Event.action).where(Event.object_type == "budget_line")
                                 .order_by(Event.id)).scalars().all()
    assert actions == ["create_budget_line", "update_budget_line", "delete_budget_line"]
    change = db.session.execute(sa.select(Event).where(Event.action == "update_budget_line")).scalar_one()
    assert '"grant":{"from":"140000.00","to":"130000.00"}' in change.data


def test_submit_plan_lists_every_broken_rule_and_leaves_the_state(db, plan, board, facilitator):
    budget.add_line(plan, line_in(quantity="1", unit_cost="10000.00", grant="8000.00", cash="500.00", kind="1500.00"),
                    facilitator)
    db.session.commit()
    with pytest.raises(RuleViolation) as exc:
        take_action(plan, "submit_plan", board)
    codes = set(exc.value.rules)
    assert {rule_codes.GRANT_SHARE_EXCEEDED, rule_codes.COUNTERPART_SHARE_TOO_LOW, rule_codes.COUNTERPART_CASH_TOO_LOW, rule_codes.TRANCHES_MISMATCH,
            rule_codes.PLAN_INCOMPLETE, rule_codes.CASH_FLOW_MISSING, rule_codes.INDICATOR_INCOMPLETE, rule_codes.ASSESSMENT_MISSING} <= codes
    db.session.rollback()
    assert plan.state == "plan_in_preparation"


def test_a_complete_plan_is_submitted_and_kept_as_a_revision(db, plan, board, facilitator):
    complete_plan(plan, facilitator)
    take_action(plan, "submit_plan", facilitator)
    db.session.commit()
    assert plan.state == "plan_submitted" and plan.plan.round == 1
    rev = db.session.execute(sa.select(PlanRevision)).scalar_one()
    assert rev.number == 1 and rev.data["financing"]["grant"] == "350000.00"
    assert rev.change_list[0]["what"] == "plan"


def test_only_the_assigned_facilitator_and_the_board_edit_the_plan(db, plan, make_user, officer, member_user):
    from grants.errors import Forbidden

    stranger = make_user(roles=["facilitator"])
    for who in (stranger, officer, member_user):
        with pytest.raises(Forbidden):
            budget.add_line(plan, line_in(), who)
