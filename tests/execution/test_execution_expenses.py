"""Expenses: every rule at its boundary, corrections and voids with their audit, uploads checked by content."""
from decimal import Decimal

import pytest
import sqlalchemy as sa

from grants.alliances import ledger
from grants.audit.models import Event
from grants.errors import RuleViolation, StaleVersion, ValidationFailed
from grants.execution import expenses as svc
from grants.execution.models import Expense
from grants.extensions import db
from grants.uploads import UnsupportedType, UploadTooLarge
from grants.workflows import rules
from tests.execution_support import PDF, expense_data, executing, upload


@pytest.fixture
def live(alliance, officer, facilitator, board):
    return executing(alliance, officer, facilitator, board)


@pytest.fixture
def line1(live):
    return live.budget_lines[0]


def rules_of(exc):
    return sorted(v.rule for v in exc.value.violations)


def events(action, object_type="expense"):
    return db.session.execute(sa.select(Event).where(Event.object_type == object_type, Event.action == action)
                              ).scalars().all()


def test_record_with_receipt_writes_an_event(live, line1, treasurer):
    e = svc.record_expense(live, expense_data(line1, "2500.50"), treasurer, upload())
    db.session.commit()
    assert e.amount == Decimal("2500.50") and e.receipt_content_type == "image/jpeg"
    assert len(events("record")) == 1
    assert ledger.spent(live) == Decimal("2500.50")
    assert ledger.balance(live).available == Decimal("200000.00") - Decimal("2500.50")


def test_line_funds_boundary(live, line1, treasurer, program):
    # counterpart cash on line 1 is 20,000.00: the exact amount passes, one cent more fails
    program.minor_purchase_limit = Decimal("999999.00")
    svc.record_expense(live, expense_data(line1, "19999.99", "counterpart_cash", "A"), treasurer)
    with pytest.raises(RuleViolation) as exc:
        svc.record_expense(live, expense_data(line1, "0.02", "counterpart_cash", "B"), treasurer)
    assert rules_of(exc) == [rules.LINE_FUNDS_EXCEEDED]
    svc.record_expense(live, expense_data(line1, "0.01", "counterpart_cash", "C"), treasurer)
    assert svc.available(line1, "counterpart_cash") == 0


def test_grant_cash_boundary(alliance, officer, facilitator, board, treasurer, program):
    live = executing(alliance, officer, facilitator, board, disbursed="5000.00")
    line1 = live.budget_lines[0]
    svc.record_expense(live, expense_data(line1, "4000.00", number="A"), treasurer)
    with pytest.raises(RuleViolation) as exc:
        svc.record_expense(live, expense_data(line1, "1000.01", number="B"), treasurer)
    assert rules_of(exc) == [rules.GRANT_CASH_EXCEEDED]
    svc.record_expense(live, expense_data(line1, "1000.00", number="C"), treasurer)


def test_procurement_boundary_and_all_rules_at_once(live, line1, treasurer):
    limit = live.program.minor_purchase_limit  # 10,000.00
    svc.record_expense(live, expense_data(line1, str(limit), number="A"), treasurer)
    with pytest.raises(RuleViolation) as exc:
        svc.record_expense(live, expense_data(line1, str(limit + Decimal("0.01")), number="B"), treasurer)
    assert rules_of(exc) == [rules.PROCUREMENT_REQUIRED]
    with pytest.raises(RuleViolation) as exc:
        svc.record_expense(live, expense_data(line1, "130000.01", number="A"), treasurer)
    assert rules_of(exc) == [rules.DUPLICATE_DOCUMENT, rules.LINE_FUNDS_EXCEEDED, rules.PROCUREMENT_REQUIRED]


def test_duplicate_document_ignores_voided_and_case(live, line1, treasurer):
    e = svc.record_expense(live, expense_data(line1, number="77"), treasurer)
    with pytest.raises(RuleViolation) as exc:
        svc.record_expense(live, expense_data(line1, number="77", supplier="FERRETERÍA ILLIMANI "), treasurer)
    assert rules_of(exc) == [rules.DUPLICATE_DOCUMENT]
    svc.void_expense(e, treasurer, "Registrado dos veces")
    svc.record_expense(live, expense_data(line1, number="77"), treasurer)
    assert len(events("void")) == 1


def test_state_of_the_alliance(live, line1, treasurer):
    live.state = "suspended"
    with pytest.raises(RuleViolation) as exc:
        svc.record_expense(live, expense_data(line1), treasurer)
    assert rules_of(exc) == [rules.ALLIANCE_SUSPENDED]
    live.state = "agreement_signed"
    with pytest.raises(RuleViolation) as exc:
        svc.record_expense(live, expense_data(line1), treasurer)
    assert rules_of(exc) == [rules.ALLIANCE_NOT_IN_EXECUTION]


def test_correct_checks_without_itself_and_audits(live, line1, treasurer, program):
    program.minor_purchase_limit = Decimal("999999.00")
    e = svc.record_expense(live, expense_data(line1, "20000.00", "counterpart_cash"), treasurer)
    db.session.commit()
    svc.update_expense(e, {"amount": "19000.00", "supplier": "Otra"}, treasurer, version=e.version)
    db.session.commit()
    assert e.amount == Decimal("19000.00")
    ev = events("correct")
    assert len(ev) == 1 and "amount" in ev[0].data_dict()["changes"]
    with pytest.raises(RuleViolation) as exc:
        svc.update_expense(e, {"amount": "20000.01"}, treasurer)
    assert rules_of(exc) == [rules.LINE_FUNDS_EXCEEDED]
    with pytest.raises(StaleVersion):
        svc.update_expense(e, {"amount": "1.00"}, treasurer, version=e.version - 1)


def test_validation_errors_listed(live, treasurer):
    with pytest.raises(ValidationFailed) as exc:
        svc.record_expense(live, {"amount": "abc", "source": "loan", "spent_on": "2999-01-01"}, treasurer)
    fields = {v.field for v in exc.value.details}
    assert {"budget_line_id", "amount", "source", "supplier", "document_type", "document_number",
            "spent_on"} <= fields


def test_receipt_checked_by_content_not_name(live, line1, treasurer, app):
    with pytest.raises(UnsupportedType):
        svc.record_expense(live, expense_data(line1), treasurer, upload(b"MZ\x90\x00 not an image", "foto.jpg"))
    e = svc.record_expense(live, expense_data(line1, number="P"), treasurer, upload(PDF, "scan.jpg"))
    assert e.receipt_content_type == "application/pdf"
    big = b"%PDF-" + b"0" * app.config["UPLOAD_MAX_BYTES"]
    with pytest.raises(UploadTooLarge):
        svc.record_expense(live, expense_data(line1, number="Q"), treasurer, upload(big, "big.pdf"))
    assert db.session.execute(sa.select(sa.func.count()).select_from(Expense)).scalar() == 1


def test_unknown_procurement_is_a_field_error(live, line1, treasurer):
    with pytest.raises(ValidationFailed) as exc:
        svc.record_expense(live, expense_data(line1, procurement_id=str(2**40)), treasurer)
    assert [v.field for v in exc.value.details] == ["procurement_id"]


def test_a_submitted_period_is_closed(live, line1, treasurer):
    from grants.execution import reports

    r = reports.create_report(live, {"period_start": "2020-01-01", "period_end": "2020-12-31"}, treasurer)
    reports.record_assembly_approval(r, "2021-01-10", upload(PDF, "acta.pdf"), treasurer)
    svc.record_expense(live, expense_data(line1, spent_on="2020-12-31", number="OLD-1"), treasurer)
    reports.report_action(r, "submit", treasurer)
    with pytest.raises(RuleViolation) as exc:
        svc.record_expense(live, expense_data(line1, spent_on="2020-12-31", number="LATE"), treasurer)
    assert rules_of(exc) == [rules.REPORT_LOCKED]
    svc.record_expense(live, expense_data(line1, spent_on="2021-01-01", number="NEW"), treasurer)
