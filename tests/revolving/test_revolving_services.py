"""The revolving fund's services: exact balance arithmetic, each rule at its boundary, the contract with
closeout, loans, repayments, write-offs, the summary, audit events, use after the alliance is closed."""
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from grants.audit.models import Event
from grants.errors import RuleViolation, ValidationFailed
from grants.extensions import db
from grants.revolving import services
from grants.revolving.models import Loan, Movement, RevolvingFund
from grants.workflows import rules
from tests.revolving_support import TODAY, fund_alliance, fund_program, funded, lend, members_of, repay  # noqa: F401


def rules_of(exc):
    return [d.rule for d in exc.value.details]


def events(action):
    return db.session.execute(sa.select(Event).where(Event.action == action).order_by(Event.id)).scalars().all()


def test_deposit_from_grant_and_moved_from_grant(fund_alliance, admin):
    mv = services.deposit_from_grant(fund_alliance, "1234.56", admin, TODAY)
    services.deposit_from_grant(fund_alliance, Decimal("0.44"), admin, TODAY.isoformat())
    db.session.commit()
    assert mv.kind == "deposit" and mv.alliance_id == fund_alliance.id
    assert services.moved_from_grant(fund_alliance) == Decimal("1235.00")
    fund = db.session.execute(sa.select(RevolvingFund)).scalar_one()
    assert fund.association_id == fund_alliance.association_id and fund.balance == Decimal("1235.00")
    ev = events("deposit_from_grant")
    assert len(ev) == 2 and ev[0].alliance_id == fund_alliance.id and ev[0].data_dict()["amount"] == "1234.56"


def test_deposit_refused_without_share_or_positive_amount(alliance, admin):
    with pytest.raises(RuleViolation) as exc:
        services.deposit_from_grant(alliance, "0", admin, TODAY)
    assert sorted(rules_of(exc)) == [rules.INVALID, rules.REVOLVING_NOT_ALLOWED]
    assert services.moved_from_grant(alliance) == Decimal("0.00")
    assert db.session.execute(sa.select(sa.func.count(Movement.id))).scalar() == 0


def test_deposit_refuses_negative_amount(fund_alliance, admin):
    with pytest.raises(RuleViolation) as exc:
        services.deposit_from_grant(fund_alliance, "-5.00", admin, TODAY)
    assert rules_of(exc) == [rules.INVALID]


def test_balance_arithmetic_is_exact(fund_alliance, association, treasurer, admin):
    m = members_of(association)
    for _ in range(10):
        repay(association, m[0], "0.10", treasurer)
    assert services.fund_summary(association)["balance"] == Decimal("1.00")
    services.deposit_from_grant(fund_alliance, "1000.33", admin, TODAY)
    loan = lend(association, m[1], "500.11", treasurer)
    repay(association, m[1], "100.01", treasurer, loan_id=loan.id)
    s = services.fund_summary(association)
    assert s["balance"] == Decimal("601.23")  # 1.00 + 1000.33 - 500.11 + 100.01
    assert s["deposits"] == Decimal("1000.33") and s["repayments"] == Decimal("101.01")
    assert s["lent"] == Decimal("500.11") and s["loans_outstanding"] == Decimal("400.10")
    balances = db.session.execute(sa.select(Movement.balance_after).order_by(Movement.id)).scalars().all()
    assert balances[-3:] == [Decimal("1001.33"), Decimal("501.22"), Decimal("601.23")]


def test_loan_equal_to_balance_passes_a_cent_more_is_refused(fund_alliance, association, treasurer, admin):
    services.deposit_from_grant(fund_alliance, "1000.00", admin, TODAY)
    db.session.commit()
    m = members_of(association)
    with pytest.raises(RuleViolation) as exc:
        lend(association, m[0], "1000.01", treasurer)
    assert rules_of(exc) == [rules.FUND_INSUFFICIENT]
    db.session.rollback()
    loan = lend(association, m[0], "1000.00", treasurer)
    assert loan.state == "open" and services.fund_summary(association)["balance"] == Decimal("0.00")
    with pytest.raises(RuleViolation) as exc:
        lend(association, m[1], "0.01", treasurer)
    assert rules_of(exc) == [rules.FUND_INSUFFICIENT]
    ev = events("record_loan")
    assert len(ev) == 1 and ev[0].association_id == association.id and "full_name" not in ev[0].data


def test_member_of_another_association_is_refused(fund_alliance, association, other_association, treasurer, admin):
    services.deposit_from_grant(fund_alliance, "1000.00", admin, TODAY)
    db.session.commit()
    outsider = members_of(other_association)[0]
    with pytest.raises(RuleViolation) as exc:
        lend(association, outsider, "10.00", treasurer)
    assert rules_of(exc) == [rules.MEMBER_NOT_IN_ASSOCIATION]
    db.session.rollback()
    with pytest.raises(RuleViolation) as exc:
        repay(association, outsider, "10.00", treasurer)
    assert rules_of(exc) == [rules.MEMBER_NOT_IN_ASSOCIATION]


def test_inactive_member_gets_no_loan_but_may_repay(fund_alliance, association, treasurer, admin):
    services.deposit_from_grant(fund_alliance, "1000.00", admin, TODAY)
    m = members_of(association)[0]
    m.active = False
    db.session.commit()
    with pytest.raises(RuleViolation) as exc:
        lend(association, m, "10.00", treasurer)
    assert rules_of(exc) == [rules.MEMBER_NOT_IN_ASSOCIATION]
    db.session.rollback()
    assert repay(association, m, "10.00", treasurer).amount == Decimal("10.00")


def test_repayment_equal_to_outstanding_passes_a_cent_more_is_refused(fund_alliance, association, treasurer, admin):
    services.deposit_from_grant(fund_alliance, "1000.00", admin, TODAY)
    db.session.commit()
    m = members_of(association)[0]
    loan = lend(association, m, "200.00", treasurer, interest_rate="0.05")
    assert loan.amount_due == Decimal("210.00")
    repay(association, m, "10.00", treasurer, loan_id=loan.id)
    with pytest.raises(RuleViolation) as exc:
        services.record_loan_repayment(loan, {"amount": "200.01", "paid_on": TODAY.isoformat(),
                                              "reference": "R-2"}, treasurer)
    assert rules_of(exc) == [rules.REPAYMENT_EXCEEDS_LOAN]
    db.session.rollback()
    loan = db.session.get(Loan, loan.id)
    services.record_loan_repayment(loan, {"amount": "200.00", "paid_on": TODAY.isoformat(), "reference": "R-3"},
                                   treasurer)
    db.session.commit()
    assert loan.state == "repaid" and loan.repaid == Decimal("210.00") and loan.outstanding == Decimal("0.00")
    assert services.fund_summary(association)["balance"] == Decimal("1010.00")
    assert [e.to_state for e in events("repaid")] == ["repaid"]
    with pytest.raises(RuleViolation) as exc:
        repay(association, m, "1.00", treasurer, loan_id=loan.id)
    assert rules_of(exc) == [rules.INVALID]


def test_loan_repayment_by_another_member_is_refused(fund_alliance, association, treasurer, admin):
    services.deposit_from_grant(fund_alliance, "1000.00", admin, TODAY)
    db.session.commit()
    m = members_of(association)
    loan = lend(association, m[0], "100.00", treasurer)
    with pytest.raises(RuleViolation) as exc:
        repay(association, m[1], "1.00", treasurer, loan_id=loan.id)
    assert rules_of(exc) == [rules.INVALID]


def test_revolving_not_allowed_without_a_fund_program(alliance, association, treasurer):
    m = members_of(association)[0]
    funded(alliance)  # a program with revolving_fund_share 0
    with pytest.raises(RuleViolation) as exc:
        repay(association, m, "10.00", treasurer)
    assert rules_of(exc) == [rules.REVOLVING_NOT_ALLOWED]
    db.session.rollback()
    with pytest.raises(RuleViolation) as exc:
        repay(association, m, "10.00", treasurer, alliance_id=alliance.id)
    assert rules_of(exc) == [rules.REVOLVING_NOT_ALLOWED]
    db.session.rollback()
    with pytest.raises(RuleViolation) as exc:
        lend(association, m, "10.00", treasurer)
    assert sorted(rules_of(exc)) == [rules.FUND_INSUFFICIENT, rules.REVOLVING_NOT_ALLOWED]


def test_field_errors_are_listed_together(fund_alliance, association, treasurer, admin):
    services.deposit_from_grant(fund_alliance, "1000.00", admin, TODAY)
    with pytest.raises(ValidationFailed) as exc:
        services.record_repayment(association, {"member_id": "x", "amount": "abc", "paid_on": "tomorrow"},
                                  treasurer)
    assert {(d.rule, d.field) for d in exc.value.details} == {
        ("invalid", "member_id"), ("invalid", "amount"), ("invalid", "paid_on"), ("required", "reference")}
    with pytest.raises(ValidationFailed) as exc:
        services.record_loan(association, {"member_id": members_of(association)[0].id, "amount": "5",
                                           "lent_on": TODAY.isoformat(),
                                           "due_on": (TODAY - timedelta(days=1)).isoformat(),
                                           "purpose": "x", "interest_rate": "2"}, treasurer)
    assert {d.field for d in exc.value.details} == {"due_on", "interest_rate"}


def test_write_off(fund_alliance, association, treasurer, board, admin):
    services.deposit_from_grant(fund_alliance, "1000.00", admin, TODAY)
    db.session.commit()
    loan = lend(association, members_of(association)[0], "300.00", treasurer)
    with pytest.raises(ValidationFailed):
        services.write_off_loan(loan, "  ", board)
    services.write_off_loan(loan, "La helada destruyó la cosecha", board)
    db.session.commit()
    assert loan.state == "written_off" and loan.written_off_by_id == board.id
    s = services.fund_summary(association)
    assert s["balance"] == Decimal("700.00") and s["loans_outstanding"] == Decimal("0.00")
    assert s["written_off"] == Decimal("300.00")
    ev = events("write_off")
    assert ev[0].comment == "La helada destruyó la cosecha" and ev[0].to_state == "written_off"
    with pytest.raises(RuleViolation):
        services.write_off_loan(loan, "otra vez", board)


def test_summary_per_alliance_and_overdue(fund_alliance, association, treasurer, admin):
    m = members_of(association)
    repay(association, m[0], "2500.00", treasurer, alliance_id=fund_alliance.id)
    repay(association, m[1], "0.01", treasurer, alliance_id=fund_alliance.id)
    services.deposit_from_grant(fund_alliance, "700.00", admin, TODAY)
    loan = lend(association, m[2], "100.00", treasurer)
    loan.lent_on = TODAY - timedelta(days=30)
    loan.due_on = TODAY - timedelta(days=1)
    db.session.commit()
    s = services.fund_summary(association)
    (row,) = s["alliances"]
    assert row["expected"] == Decimal("10000.00")  # 0.10 × 100,000 received
    assert row["repaid"] == Decimal("2500.01") and row["pending"] == Decimal("7499.99")
    assert row["moved_from_grant"] == Decimal("700.00")
    assert s["loans_overdue"] == 1 and s["overdue_amount"] == Decimal("100.00")
    assert s["balance"] == Decimal("3100.01")


def test_fund_keeps_working_after_the_alliance_is_closed(fund_alliance, association, treasurer, admin):
    services.deposit_from_grant(fund_alliance, "500.00", admin, TODAY)
    fund_alliance.state = "closed"
    db.session.commit()
    m = members_of(association)
    loan = lend(association, m[0], "400.00", treasurer)
    repay(association, m[0], "400.00", treasurer, loan_id=loan.id)
    repay(association, m[1], "50.00", treasurer, alliance_id=fund_alliance.id)
    s = services.fund_summary(association)
    assert s["balance"] == Decimal("550.00") and s["alliances"][0]["repaid"] == Decimal("50.00")
