"""Reallocations: within the free share applied at once (boundary), above it the officer decides; the
financing rules still hold after the move."""
from decimal import Decimal

import pytest

from grants.errors import Forbidden, RuleViolation
from grants.execution import expenses as expense_svc
from grants.execution import reallocations as svc
from grants.extensions import db
from grants.workflows import rules
from tests.execution_support import expense_data, executing


@pytest.fixture
def live(alliance, officer, facilitator, board):
    return executing(alliance, officer, facilitator, board)


def move(live, amount, source="grant", **kw):
    a, b = live.budget_lines
    return {"from_line_id": a.id, "to_line_id": b.id, "amount": amount, "source": source,
            "justification": "Precio del galpón subió", **kw}


def test_free_share_boundary(live, treasurer):
    a, b = live.budget_lines  # line 1 total 200,000: 10 % = 20,000.00
    r = svc.request_reallocation(live, move(live, "20000.00"), treasurer)
    assert r.state == "applied"
    assert a.grant == Decimal("120000.00") and b.grant == Decimal("230000.00")
    assert a.total == Decimal("180000.00") and b.total == Decimal("320000.00")
    r2 = svc.request_reallocation(live, move(live, "18000.01"), treasurer)  # 10 % of 180,000 is 18,000.00
    assert r2.state == "pending" and a.grant == Decimal("120000.00")


def test_officer_approves_or_refuses(live, treasurer, officer, member_user):
    r = svc.request_reallocation(live, move(live, "30000.00"), treasurer)
    assert r.state == "pending"
    with pytest.raises(Forbidden):
        svc.decide_reallocation(r, "approve", member_user)
    with pytest.raises(RuleViolation):
        svc.decide_reallocation(r, "refuse", officer)
    svc.decide_reallocation(r, "approve", officer)
    assert r.state == "applied" and live.budget_lines[0].grant == Decimal("110000.00")


def test_cannot_move_what_is_spent_or_break_rules(live, treasurer, program):
    program.minor_purchase_limit = Decimal("999999.00")
    expense_svc.record_expense(live, expense_data(live.budget_lines[0], "15000.00", "counterpart_cash"), treasurer)
    with pytest.raises(RuleViolation) as exc:
        svc.request_reallocation(live, move(live, "5000.01", "counterpart_cash"), treasurer)
    assert [v.rule for v in exc.value.violations] == [rules.LINE_FUNDS_EXCEEDED]
    # moving in-kind counterpart from the lines into... the program's minimum cash share is unaffected, but
    # the grant moved onto a land line breaks ineligible_category
    line = live.budget_lines[1]
    line.category = "land"
    line.grant = Decimal("0.00")
    line.counterpart_in_kind = Decimal("270000.00")
    db.session.flush()
    with pytest.raises(RuleViolation) as exc:
        svc.request_reallocation(live, move(live, "100.00"), treasurer)
    assert [v.rule for v in exc.value.violations] == [rules.REALLOCATION_BREAKS_RULES]


def test_api(live, treasurer, officer, member_user, api):
    resp = api(treasurer).post(f"/alliances/{live.id}/reallocations", json=move(live, "25000.00"))
    assert resp.status_code == 201 and resp.get_json()["state"] == "pending"
    rid = resp.get_json()["id"]
    assert api(member_user).post(f"/alliances/{live.id}/reallocations", json=move(live, "1.00")).status_code == 403
    resp = api(officer).post(f"/reallocations/{rid}/transitions", json={"action": "approve"})
    assert resp.status_code == 200 and resp.get_json()["state"] == "applied"
    assert api(officer).post(f"/reallocations/{rid}/transitions", json={"action": "approve"}).status_code == 409
