"""The closeout's guards at their boundaries: ``final_report_ready`` (submit_final_report) and
``closeout_settled`` (close), each violation listed with its rule code; refunds never exceed the unspent grant."""
from decimal import Decimal

import pytest

from grants.alliances import ledger
from grants.alliances.services import take_action
from grants.closeout import services
from grants.closeout.models import Refund
from grants.errors import Forbidden, InvalidTransition, RuleViolation
from grants.workflows import rules as rule_codes
from tests.closeout_support import (actuals, closeout_assessments, closing, complete_report, contract, evaluate, expense,
                                    in_execution, refund)


@pytest.fixture
def executing_alliance(alliance, officer, facilitator, board):
    return in_execution(alliance, officer, facilitator, board)


@pytest.fixture
def closing_alliance(alliance, officer, facilitator, board):
    return closing(alliance, officer, facilitator, board)


def _rules(exc):
    return sorted(v.rule for v in exc.value.violations)


# final_report_ready ---------------------------------------------------------------------------------------

def test_submit_without_a_report_lists_every_violation(executing_alliance, board, db):
    with pytest.raises(RuleViolation) as exc:
        take_action(executing_alliance, "submit_final_report", board)
    db.session.rollback()
    rules = _rules(exc)
    n = len(executing_alliance.indicators)
    assert n >= 9
    assert rules.count(rule_codes.FINAL_REPORT_INCOMPLETE) == 2  # narrative and lessons
    assert rules.count(rule_codes.INDICATOR_ACTUAL_MISSING) == n
    assert rules.count(rule_codes.ASSESSMENT_MISSING) == 2  # empowerment and capacity at closeout
    assert rule_codes.NOT_YET_AVAILABLE not in rules
    assert executing_alliance.state == "in_execution"


def test_one_missing_actual_and_one_missing_sex_split_refuse(executing_alliance, board, db):
    complete_report(executing_alliance, board)
    by_sex = next(i for i in executing_alliance.indicators if i.by_sex)
    plain = next(i for i in executing_alliance.indicators if not i.by_sex)
    services.save_final_report(executing_alliance, {"actuals": [
        {"indicator_id": plain.id, "actual": ""},
        {"indicator_id": by_sex.id, "actual": "30.00", "women": "12", "men": ""}]}, board)
    db.session.commit()
    with pytest.raises(RuleViolation) as exc:
        take_action(executing_alliance, "submit_final_report", board)
    db.session.rollback()
    assert _rules(exc) == [rule_codes.INDICATOR_ACTUAL_MISSING, rule_codes.INDICATOR_ACTUAL_MISSING]
    fields = sorted(v.field for v in exc.value.violations)
    assert fields == sorted([f"actuals.{plain.id}", f"actuals.{by_sex.id}"])


def test_incomplete_closeout_assessment_refuses(executing_alliance, board, db):
    services.save_final_report(executing_alliance, {"narrative": "x", "lessons": "y",
                                                    "actuals": actuals(executing_alliance)}, board)
    db.session.commit()
    with pytest.raises(RuleViolation) as exc:
        take_action(executing_alliance, "submit_final_report", board)
    db.session.rollback()
    assert _rules(exc) == [rule_codes.ASSESSMENT_MISSING, rule_codes.ASSESSMENT_MISSING]
    closeout_assessments(executing_alliance, board)
    db.session.commit()
    take_action(executing_alliance, "submit_final_report", board)
    db.session.commit()
    assert executing_alliance.state == "closing"
    assert executing_alliance.final_report.submitted_at is not None
    assert executing_alliance.final_report.submitted_by_id == board.id


def test_only_the_board_submits_and_edits(executing_alliance, board, treasurer, officer, db):
    complete_report(executing_alliance, board)
    with pytest.raises(Forbidden):
        take_action(executing_alliance, "submit_final_report", officer)
    db.session.rollback()
    with pytest.raises(Forbidden):
        services.save_final_report(executing_alliance, {"narrative": "x"}, treasurer)
    db.session.rollback()


def test_final_report_validates_fields(executing_alliance, board, db):
    ind = executing_alliance.indicators[0]
    from grants.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as exc:
        services.save_final_report(executing_alliance, {"sales_value": "-5", "actuals": [
            {"indicator_id": ind.id, "actual": "abc"}, {"indicator_id": 999999, "actual": "1"}]}, board)
    db.session.rollback()
    fields = {d.field for d in exc.value.details}
    assert {"sales_value", f"actuals.{ind.id}.actual", "actuals.1.indicator_id"} <= fields


def test_prefill_from_monitoring_latest_values(executing_alliance, board, db):
    from grants.monitoring.models import IndicatorValue

    ind = next(i for i in executing_alliance.indicators if i.by_sex)
    for period, value in (("2027-01", "30.00"), ("2027-06", "35.00")):
        db.session.add(IndicatorValue(alliance_id=executing_alliance.id, indicator_id=ind.id, period=period,
                                      value=Decimal(value), women=20, men=15))
    db.session.commit()
    row = next(r for r in services.actuals_table(executing_alliance) if r["indicator"].id == ind.id)
    assert row["actual"] == Decimal("35.00") and row["women"] == 20 and row["men"] == 15 and not row["saved"]


# closeout_settled -----------------------------------------------------------------------------------------

def _close_rules(alliance, officer, db):
    with pytest.raises(RuleViolation) as exc:
        take_action(alliance, "close", officer)
    db.session.rollback()
    return _rules(exc)


def test_close_lists_every_failing_check(closing_alliance, officer, board, db):
    contract(closing_alliance, board)
    expense(closing_alliance, board)
    rules = _close_rules(closing_alliance, officer, db)
    assert rules == [rule_codes.BALANCE_UNSETTLED, rule_codes.CONTRACTS_OPEN, rule_codes.EVALUATION_MISSING, rule_codes.EXPENSES_UNREPORTED]
    assert closing_alliance.state == "closing"


def test_close_passes_when_settled(closing_alliance, officer, finance, db):
    evaluate(closing_alliance, officer)
    refund(closing_alliance, finance, "200000.00")
    take_action(closing_alliance, "close", officer)
    db.session.commit()
    assert closing_alliance.state == "closed"


def test_one_unreported_expense_refuses_and_reported_passes(closing_alliance, officer, finance, board, db):
    evaluate(closing_alliance, officer)
    e = expense(closing_alliance, board, "1000.00")
    refund(closing_alliance, finance, "199000.00")
    assert ledger.unreported_expenses(closing_alliance) == 1
    assert _close_rules(closing_alliance, officer, db) == [rule_codes.EXPENSES_UNREPORTED]
    expense(closing_alliance, board, "0.00", reported=True, number="F-2")  # an approved report exists
    from grants.execution.models import AccountabilityReport

    report = db.session.execute(db.select(AccountabilityReport)).scalars().one()
    e.report_id = report.id
    db.session.commit()
    assert ledger.unreported_expenses(closing_alliance) == 0
    take_action(closing_alliance, "close", officer)
    db.session.commit()
    assert closing_alliance.state == "closed"


def test_voided_expense_is_not_unreported(closing_alliance, board):
    from grants.common import utcnow

    e = expense(closing_alliance, board, "500.00")
    e.voided_at = utcnow()
    from grants.extensions import db as _db

    _db.session.commit()
    assert ledger.unreported_expenses(closing_alliance) == 0


def test_balance_off_by_a_cent_refuses_and_exact_passes(closing_alliance, officer, finance, db):
    evaluate(closing_alliance, officer)
    refund(closing_alliance, finance, "199999.99")
    assert services.figures(closing_alliance).to_settle == Decimal("0.01")
    assert _close_rules(closing_alliance, officer, db) == [rule_codes.BALANCE_UNSETTLED]
    refund(closing_alliance, finance, "0.01", reference="DEV-2")
    take_action(closing_alliance, "close", officer)
    db.session.commit()
    assert closing_alliance.state == "closed"


def test_one_open_contract_refuses_and_closed_passes(closing_alliance, officer, finance, board, db):
    evaluate(closing_alliance, officer)
    refund(closing_alliance, finance)
    c = contract(closing_alliance, board)
    assert ledger.open_contracts(closing_alliance) == 1
    assert _close_rules(closing_alliance, officer, db) == [rule_codes.CONTRACTS_OPEN]
    c.state = "closed"
    db.session.commit()
    take_action(closing_alliance, "close", officer)
    db.session.commit()
    assert closing_alliance.state == "closed"


def test_no_evaluation_refuses(closing_alliance, officer, finance, db):
    refund(closing_alliance, finance)
    assert _close_rules(closing_alliance, officer, db) == [rule_codes.EVALUATION_MISSING]


def test_only_the_officer_of_the_region_closes_and_evaluates(closing_alliance, other_officer, finance, db):
    with pytest.raises(Forbidden):
        services.save_evaluation(closing_alliance, {"rating": "satisfactory", "findings": "x"}, other_officer)
    db.session.rollback()
    with pytest.raises(Forbidden):
        take_action(closing_alliance, "close", finance)
    db.session.rollback()


def test_evaluation_rating_is_one_of_six(closing_alliance, officer, db):
    from grants.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as exc:
        services.save_evaluation(closing_alliance, {"rating": "excellent", "findings": ""}, officer)
    db.session.rollback()
    assert {d.field for d in exc.value.details} == {"rating", "findings"}


# refunds ----------------------------------------------------------------------------------------------------

def test_refund_never_exceeds_the_unspent_balance(closing_alliance, finance, db):
    with pytest.raises(RuleViolation) as exc:
        refund(closing_alliance, finance, "200000.01")
    db.session.rollback()
    assert _rules(exc) == [rule_codes.REFUND_EXCEEDS_BALANCE]
    refund(closing_alliance, finance, "150000.00")
    with pytest.raises(RuleViolation):
        refund(closing_alliance, finance, "50000.01", reference="DEV-2")
    db.session.rollback()
    assert db.session.query(Refund).count() == 1


def test_refund_only_while_closing(executing_alliance, finance, db):
    with pytest.raises(InvalidTransition):
        refund(executing_alliance, finance, "10.00")
    db.session.rollback()


def test_refund_roles(closing_alliance, board, treasurer, officer, db):
    for user in (board, treasurer):
        with pytest.raises(Forbidden):
            refund(closing_alliance, user, "10.00")
        db.session.rollback()
    r = refund(closing_alliance, officer, "10.00")
    from grants.audit.models import Event

    ev = db.session.execute(db.select(Event).where(Event.object_type == "refund", Event.object_id == r.id)
                            ).scalars().one()
    assert ev.action == "record_refund" and ev.alliance_id == closing_alliance.id


def test_move_to_fund_needs_a_revolving_program(closing_alliance, officer, db):
    with pytest.raises(RuleViolation) as exc:
        services.move_to_fund(closing_alliance, {"amount": "100.00", "moved_on": "2026-01-01"}, officer)
    db.session.rollback()
    assert _rules(exc) == [rule_codes.REVOLVING_NOT_ALLOWED]


def test_move_to_fund_counts_against_the_balance(closing_alliance, officer, finance, db):
    program = closing_alliance.call.program
    program.revolving_fund_share = Decimal("0.30")
    db.session.commit()
    with pytest.raises(RuleViolation) as exc:
        services.move_to_fund(closing_alliance, {"amount": "200000.01", "moved_on": "2026-01-01"}, officer)
    db.session.rollback()
    assert _rules(exc) == [rule_codes.REFUND_EXCEEDS_BALANCE]
    services.move_to_fund(closing_alliance, {"amount": "60000.00", "moved_on": "2026-01-01"}, officer)
    db.session.commit()
    figs = services.figures(closing_alliance)
    assert figs.moved_to_fund == Decimal("60000.00") and figs.to_settle == Decimal("140000.00")
    with pytest.raises(RuleViolation) as exc:
        refund(closing_alliance, finance, "140000.01")
    db.session.rollback()
    refund(closing_alliance, finance, "140000.00")
    evaluate(closing_alliance, officer)
    take_action(closing_alliance, "close", officer)
    db.session.commit()
    assert closing_alliance.state == "closed"


def test_notifications_on_submit_and_close(closing_alliance, officer, finance, db):
    from grants.notifications.models import Notification

    notes = db.session.execute(db.select(Notification).where(Notification.user_id == officer.id)).scalars().all()
    assert any(closing_alliance.code in n.subject for n in notes)
    evaluate(closing_alliance, officer)
    refund(closing_alliance, finance)
    before = len(notes)
    take_action(closing_alliance, "close", officer)
    db.session.commit()
    notes = db.session.execute(db.select(Notification).where(Notification.user_id == officer.id)).scalars().all()
    assert len(notes) == before + 1
