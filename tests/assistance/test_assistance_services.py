"""Technical assistance services: contract amount and deliverables at their boundaries, the deliverable
workflow as a table, payments against accepted deliverables, closing with a rating, audit events."""
from decimal import Decimal

import pytest
import sqlalchemy as sa

from grants.assistance import services as svc
from grants.audit.models import Event
from grants.errors import Forbidden, InvalidTransition, RuleViolation, ValidationFailed
from grants.execution import expenses as expense_svc
from grants.extensions import db
from grants.workflows import rules
from tests.assistance_support import contract_data, live_ta, pay_data, provider_for
from tests.execution_support import PDF, upload


@pytest.fixture
def line(alliance, officer, facilitator, board):
    return live_ta(alliance, officer, facilitator, board)


@pytest.fixture
def provider(ta_provider, board):
    return provider_for(ta_provider, board)


@pytest.fixture
def contract(alliance, line, provider, board):
    c = svc.create_contract(alliance, contract_data(provider, line), board)
    db.session.commit()
    return c


def rules_of(exc):
    return sorted(v.rule for v in exc.value.violations)


def events(object_type, action=None):
    q = sa.select(Event).where(Event.object_type == object_type)
    if action:
        q = q.where(Event.action == action)
    return db.session.execute(q).scalars().all()


def test_contract_amount_at_the_line_boundary(alliance, line, provider, board):
    with pytest.raises(RuleViolation) as exc:
        svc.create_contract(alliance, contract_data(provider, line, ("10000.00", "20000.01")), board)
    assert rules_of(exc) == [rules.CONTRACT_AMOUNT_EXCEEDED]
    c = svc.create_contract(alliance, contract_data(provider, line, ("10000.00", "20000.00")), board)
    assert c.amount == Decimal("30000.00") and [d.state for d in c.deliverables] == ["pending", "pending"]
    # the line is now committed: another contract of one cent does not fit
    with pytest.raises(RuleViolation) as exc:
        svc.create_contract(alliance, contract_data(provider, line, ("0.01",)), board)
    assert rules_of(exc) == [rules.CONTRACT_AMOUNT_EXCEEDED]
    assert len(events("ta_contract", "create")) == 1


def test_deliverables_must_sum_exactly(alliance, line, provider, board):
    with pytest.raises(RuleViolation) as exc:
        svc.create_contract(alliance, contract_data(provider, line, ("1000.00", "2000.00"), amount="3000.01"), board)
    assert rules_of(exc) == [rules.DELIVERABLES_MISMATCH]
    with pytest.raises(RuleViolation) as exc:
        svc.create_contract(alliance, contract_data(provider, line, ("1000.00", "2000.00"), amount="2999.99"), board)
    assert rules_of(exc) == [rules.DELIVERABLES_MISMATCH]
    assert svc.create_contract(alliance, contract_data(provider, line, ("1000.00", "2000.00"), amount="3000.00"),
                               board).amount == Decimal("3000.00")


def test_contract_needs_a_ta_line_and_fields(alliance, line, provider, board):
    data = contract_data(provider, line)
    data["budget_line_id"] = alliance.budget_lines[0].id  # equipment
    with pytest.raises(ValidationFailed) as exc:
        svc.create_contract(alliance, data, board)
    assert {v.field for v in exc.value.details} == {"budget_line_id"}
    data["deliverables"] = []
    with pytest.raises(ValidationFailed) as exc:
        svc.create_contract(alliance, data, board)
    assert [(v.rule, v.field) for v in exc.value.details] == [(rules.INVALID, "deliverables")]


# (from state, action, actor fixture, comment, expected state or exception)
TABLE = [
    ("pending", "submit", "ta_provider", None, "submitted"),
    ("pending", "submit", "board", None, "submitted"),
    ("pending", "submit", "member_user", None, Forbidden),
    ("pending", "accept", "board", None, InvalidTransition),
    ("submitted", "accept", "board", None, "accepted"),
    ("submitted", "accept", "ta_provider", None, Forbidden),
    ("submitted", "accept", "treasurer", None, Forbidden),
    ("submitted", "reject", "board", "Falta el anexo", "rejected"),
    ("submitted", "reject", "board", None, RuleViolation),
    ("rejected", "submit", "ta_provider", None, "submitted"),
    ("accepted", "submit", "ta_provider", None, InvalidTransition),
    ("accepted", "reject", "board", "x", InvalidTransition),
]


@pytest.mark.parametrize("start,action,who,comment,expected", TABLE)
def test_deliverable_workflow_table(request, contract, start, action, who, comment, expected):
    d = contract.deliverables[0]
    d.state = start
    d.file_sha256 = "0" * 64 if start != "pending" else None
    db.session.commit()
    actor = request.getfixturevalue(who)
    f = upload(PDF, "informe.pdf") if action == "submit" else None
    if isinstance(expected, str):
        svc.transition(d, action, actor, comment=comment, note="Listo", file=f)
        db.session.commit()
        assert d.state == expected
        ev = events("deliverable", action)
        assert len(ev) == 1 and ev[0].from_state == start and ev[0].to_state == expected
        assert ev[0].alliance_id == contract.alliance_id and ev[0].association_id == contract.alliance.association_id
    else:
        with pytest.raises(expected):
            svc.transition(d, action, actor, comment=comment, file=f)
        db.session.rollback()
        assert events("deliverable") == []


def test_submit_needs_a_file(contract, ta_provider):
    with pytest.raises(RuleViolation) as exc:
        svc.transition(contract.deliverables[0], "submit", ta_provider, note="sin archivo")
    assert rules_of(exc) == [rules.REQUIRED]


def accept(d, provider_user, board):
    svc.transition(d, "submit", provider_user, note="Informe", file=upload(PDF, "informe.pdf"))
    svc.transition(d, "accept", board)
    db.session.commit()


def test_payment_rules_at_their_boundaries(contract, ta_provider, board, treasurer):
    d = contract.deliverables[0]  # 10,000.00, above the minor purchase limit: no procurement needed
    with pytest.raises(RuleViolation) as exc:
        expense_svc.record_expense(contract.alliance, pay_data(d, "100.00"), treasurer)
    assert rules_of(exc) == [rules.DELIVERABLE_NOT_ACCEPTED]
    db.session.rollback()
    accept(d, ta_provider, board)
    expense_svc.record_expense(contract.alliance, pay_data(d, "4000.00", "A"), treasurer)
    db.session.commit()
    with pytest.raises(RuleViolation) as exc:
        expense_svc.record_expense(contract.alliance, pay_data(d, "6000.01", "B"), treasurer)
    assert rules_of(exc) == [rules.DELIVERABLE_AMOUNT_EXCEEDED]
    db.session.rollback()
    e = expense_svc.record_expense(contract.alliance, pay_data(d, "6000.00", "C"), treasurer)
    db.session.commit()
    assert e.deliverable_id == d.id and e.procurement_id is None
    assert svc.paid_on_deliverable(d.id) == Decimal("10000.00")


def test_payment_in_one_go_exactly_the_amount(contract, ta_provider, board, treasurer):
    d = contract.deliverables[1]  # 20,000.00
    accept(d, ta_provider, board)
    with pytest.raises(RuleViolation) as exc:
        expense_svc.record_expense(contract.alliance, pay_data(d, "20000.01"), treasurer)
    assert rules_of(exc) == [rules.DELIVERABLE_AMOUNT_EXCEEDED]
    db.session.rollback()
    expense_svc.record_expense(contract.alliance, pay_data(d, "20000.00"), treasurer)


def test_unknown_or_foreign_deliverable_is_refused(contract, treasurer):
    data = pay_data(contract.deliverables[0], "10.00")
    data["deliverable_id"] = 999999
    with pytest.raises(RuleViolation) as exc:
        expense_svc.record_expense(contract.alliance, data, treasurer)
    assert rules_of(exc) == [rules.INVALID]


def test_close_needs_everything_accepted_and_paid_then_rates(contract, ta_provider, board, treasurer):
    with pytest.raises(RuleViolation) as exc:
        svc.close_contract(contract, {"quality": 5, "timeliness": 4}, board)
    assert rules_of(exc) == ["contract_not_finished"]
    for i, d in enumerate(contract.deliverables):
        accept(d, ta_provider, board)
        expense_svc.record_expense(contract.alliance, pay_data(d, str(d.amount), f"P{i}"), treasurer)
    with pytest.raises(ValidationFailed):
        svc.close_contract(contract, {"quality": 6, "timeliness": 4}, board)
    svc.close_contract(contract, {"quality": 5, "timeliness": 4, "comment": "Buen trabajo"}, board)
    db.session.commit()
    assert contract.state == "closed" and contract.provider.average("quality") == 5
    assert len(events("ta_contract", "close")) == 1
