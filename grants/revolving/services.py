"""The revolving fund's rules. Services take model objects, validate, change, flush, write the audit event and
never commit.

Rule codes (422): ``fund_insufficient`` (a loan above the fund's balance), ``member_not_in_association``
(the member is not (an active) member of the fund's association), ``repayment_exceeds_loan`` (more than the
loan's outstanding amount), ``revolving_not_allowed`` (no program of the association, or not the alliance's
program, has a ``revolving_fund_share`` above 0), ``invalid`` / ``required`` (field errors).

Concurrency: every movement first locks the fund's row (``SELECT ... FOR UPDATE``) and re-reads the balance,
so two loans at once are checked one after the other and never overdraw the fund."""
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import audit
from ..alliances import ledger, offers, page
from ..alliances.models import Alliance
from ..associations.models import Member
from ..common import owned, utcnow
from ..errors import Collector, RuleViolation, ValidationFailed, Violation
from ..extensions import db
from ..money import ZERO, amount_hint, shown
from ..programs.models import Call, Program
from ..workflows import rules as rule_codes
from ..workflows.alliance import FUNDED
from ..workflows.loan import LOAN
from ..schemas.fields import as_body
from .models import Loan, Movement, RevolvingFund
from .schemas import DepositIn, LoanIn, LoanRepaymentIn, RepaymentIn, WriteOffIn

CENT = Decimal("0.01")
FIELD_RULES = ("invalid", "required")


def _dec(raw):
    return Decimal(raw or 0).quantize(CENT)


def _raise(c, rules=False):
    """Business rules (or ``rules``: a state that refuses the operation) make a ``RuleViolation`` listing the
    field errors too; field errors alone a ``ValidationFailed``."""
    if not c.violations:
        return
    if rules or any(v.rule not in FIELD_RULES for v in c.violations):
        raise RuleViolation(c.violations)
    raise ValidationFailed(_l("Some fields need attention."), c.violations)


# -- the fund row -------------------------------------------------------------------------------------------

def find_fund(association):
    return db.session.execute(sa.select(RevolvingFund).where(
        RevolvingFund.association_id == association.id)).scalar_one_or_none()


def lock_fund(association):
    """The association's fund with its row locked until the transaction ends (created on first use)."""
    fund = db.session.execute(sa.select(RevolvingFund).where(RevolvingFund.association_id == association.id)
                              .with_for_update().execution_options(populate_existing=True)).scalar_one_or_none()
    if fund is None:
        from sqlalchemy.exc import IntegrityError

        try:
            with db.session.begin_nested():
                db.session.add(RevolvingFund(association_id=association.id, balance=ZERO))
        except IntegrityError:  # created at the same moment by another request: use that one
            pass
        fund = db.session.execute(sa.select(RevolvingFund).where(RevolvingFund.association_id == association.id)
                                  .with_for_update().execution_options(populate_existing=True)).scalar_one()
    return fund


def _move(fund, kind, amount, actor, occurred_on, **links):
    if kind == "loan":
        fund.balance = fund.balance - amount
    else:
        fund.balance = fund.balance + amount
    if fund.balance < 0:  # the services check first; this is the last line of defence
        raise RuleViolation([_insufficient(fund.balance + amount)])
    mv = Movement(fund_id=fund.id, association_id=fund.association_id, kind=kind, amount=amount,
                  balance_after=fund.balance, occurred_on=occurred_on, recorded_by_id=getattr(actor, "id", None),
                  **links)
    db.session.add(mv)
    db.session.flush()
    return mv


def _insufficient(balance):
    return Violation(rule_codes.FUND_INSUFFICIENT, _l("The fund has only %(balance)s available.", balance=shown(balance)), "amount")


# -- which alliances feed a fund ----------------------------------------------------------------------------

def share_of(alliance):
    return Decimal(alliance.program.revolving_fund_share or 0)


def fund_alliances(association):
    """The association's funded alliances whose program has a revolving fund share above 0."""
    return db.session.execute(
        sa.select(Alliance).join(Call, Alliance.call_id == Call.id).join(Program, Call.program_id == Program.id)
        .where(Alliance.association_id == association.id, Alliance.state.in_(FUNDED),
               Program.revolving_fund_share > 0).order_by(Alliance.id)).scalars().all()


def fund_allowed(association):
    """True when a program of the association allows a revolving fund (or the fund already holds money)."""
    if fund_alliances(association):
        return True
    fund = find_fund(association)
    return fund is not None and db.session.execute(
        sa.select(sa.func.count(Movement.id)).where(Movement.fund_id == fund.id)).scalar() > 0


def _not_allowed(c):
    c.add(rule_codes.REVOLVING_NOT_ALLOWED, _l("No program of this association has a revolving fund."))


# -- the contract with closeout -----------------------------------------------------------------------------

@offers.provide("deposit_from_grant")
def deposit_from_grant(alliance, amount, actor, moved_on=None, reference=None):
    """Move unspent grant of ``alliance`` into its association's fund (at closeout): ``amount``, ``moved_on``
    (today when empty) and ``reference`` are read by ``DepositIn``. Raises ``RuleViolation``
    (``revolving_not_allowed`` when the alliance's program has no fund share, ``invalid`` for an amount <= 0).
    Returns the movement. Flushes, never commits."""
    body = as_body(DepositIn, {"amount": amount, "moved_on": moved_on, "reference": reference})
    c = Collector()
    if share_of(alliance) <= 0:
        c.add(rule_codes.REVOLVING_NOT_ALLOWED, _l("The alliance's program has no revolving fund."), "amount")
    if body.amount <= 0:
        c.add(rule_codes.INVALID, _l("Enter an amount greater than zero, such as %(example)s.",
                                     example=amount_hint()), "amount")
    if c.violations:
        raise RuleViolation(c.violations)
    day = body.moved_on or date.today()
    fund = lock_fund(alliance.association)
    mv = _move(fund, "deposit", body.amount, actor, day, alliance_id=alliance.id, reference=body.reference or None)
    audit.record("revolving_movement", mv.id, "deposit_from_grant", actor, alliance_id=alliance.id,
                 association_id=alliance.association_id,
                 data={"amount": body.amount, "moved_on": day, "balance_after": mv.balance_after})
    return mv


@offers.provide("moved_from_grant")
def moved_from_grant(alliance):
    """The total of ``alliance``'s grant moved into the fund (the alliance page reads it with the alliance)."""
    return _dec(page.value(alliance, "revolving_moved_from_grant",
                           lambda: db.session.execute(sa.select(_moved_column(alliance.id))).scalar()))


@page.figure("revolving_moved_from_grant")
def _moved_column(alliance_id=Alliance.id):
    return sa.select(sa.func.coalesce(sa.func.sum(Movement.amount), 0)).where(
        Movement.alliance_id == alliance_id, Movement.kind == "deposit").scalar_subquery()


# -- repayments and loans -----------------------------------------------------------------------------------

def _member(c, association, ident, active=False):
    member = db.session.get(Member, ident)
    if member is None or member.association_id != association.id or (active and not member.active):
        c.add(rule_codes.MEMBER_NOT_IN_ASSOCIATION, _l("The member does not belong to this association."), "member_id")
        return None
    return member


def _alliance(c, association, ident):
    alliance = owned(c, Alliance, ident, rule_codes.INVALID, _l("Choose an alliance of this association."),
                     "alliance_id", association_id=association.id)
    if alliance is not None and share_of(alliance) <= 0:
        c.add(rule_codes.REVOLVING_NOT_ALLOWED, _l("The alliance's program has no revolving fund."), "alliance_id")
    return alliance


def _loan(c, association, ident):
    return owned(c, Loan, ident, rule_codes.INVALID, _l("Choose a loan of this association."), "loan_id",
                 association_id=association.id)


def _lock_loan(loan):
    return db.session.execute(sa.select(Loan).where(Loan.id == loan.id).with_for_update(of=Loan)
                              .execution_options(populate_existing=True)).scalar_one()


def _loan_rules(c, loan, amount, member=None):
    """Check a repayment against ``loan``; True when the loan's state or borrower refuses it."""
    refused = loan.state != "open" or (member is not None and member.id != loan.member_id)
    if loan.state != "open":
        c.add(rule_codes.INVALID, _l("The loan is %(state)s: it takes no more repayments.", state=loan.state_title),
              "loan_id")
    elif amount is not None and amount > loan.amount_due - loan.repaid:
        c.add(rule_codes.REPAYMENT_EXCEEDS_LOAN, _l("Only %(left)s is left to repay on this loan.",
                                           left=shown(loan.amount_due - loan.repaid)), "amount")
    if member is not None and member.id != loan.member_id:
        c.add(rule_codes.INVALID, _l("The loan belongs to another member."), "loan_id")
    return refused


def record_repayment(association, body, actor):
    """A member pays money into the fund. ``body``: a ``RepaymentIn`` (or a mapping read as a form):
    ``member_id``, ``amount``, ``paid_on``, ``reference`` (the receipt), optional ``loan_id``, ``alliance_id``
    (the alliance whose share it repays) and ``note``."""
    body = as_body(RepaymentIn, body)
    c = Collector()
    member = _member(c, association, body.member_id)
    alliance = _alliance(c, association, body.alliance_id)
    loan = _loan(c, association, body.loan_id)
    if loan is None and alliance is None and not fund_allowed(association):
        _not_allowed(c)
    fund = lock_fund(association) if not c.violations else None
    refused = False
    if loan is not None:
        loan = _lock_loan(loan)
        refused = _loan_rules(c, loan, body.amount, member)
    _raise(c, rules=refused)
    return _repay(fund, member, body.amount, body.paid_on, body.reference, body.note or None, actor,
                  alliance=alliance, loan=loan)


def _repay(fund, member, amount, day, reference, note, actor, alliance=None, loan=None):
    mv = _move(fund, "repayment", amount, actor, day, member_id=member.id, reference=reference, note=note,
               alliance_id=alliance.id if alliance else None, loan_id=loan.id if loan else None)
    data = {"member_id": member.id, "amount": amount, "paid_on": day, "reference": reference,
            "alliance_id": mv.alliance_id, "loan_id": mv.loan_id, "balance_after": mv.balance_after}
    if loan is not None:
        loan.repaid = loan.repaid + amount
        db.session.flush()
        if loan.repaid >= loan.amount_due:
            LOAN.apply(loan, "repaid", actor, effect=lambda obj, _t, _d: {"repaid": obj.repaid})
        data.update(loan_repaid=loan.repaid, loan_state=loan.state)
    audit.record("revolving_movement", mv.id, "record_repayment", actor, association_id=fund.association_id,
                 alliance_id=mv.alliance_id, data=data)
    return mv


def record_loan_repayment(loan, body, actor):
    """A repayment of ``loan``. ``body``: a ``LoanRepaymentIn`` (or a mapping read as a form): ``amount``,
    ``paid_on``, ``reference``, optional ``note``."""
    body = as_body(LoanRepaymentIn, body)
    association = loan.member.association
    c = Collector()
    fund = lock_fund(association)
    loan = _lock_loan(loan)
    _raise(c, rules=_loan_rules(c, loan, body.amount))
    return _repay(fund, loan.member, body.amount, body.paid_on, body.reference, body.note or None, actor, loan=loan)


def record_loan(association, body, actor):
    """Lend from the fund to a member. ``body``: a ``LoanIn`` (or a mapping read as a form): ``member_id``,
    ``amount``, ``lent_on``, ``due_on``, ``purpose``, optional ``interest_rate`` (a flat share of the amount for
    the whole term, e.g. "0.05")."""
    body = as_body(LoanIn, body)
    c = Collector()
    member = _member(c, association, body.member_id, active=True)
    amount, lent_on, due_on, purpose = body.amount, body.lent_on, body.due_on, body.purpose
    rate = body.interest_rate if body.interest_rate is not None else Decimal("0.0000")
    if not fund_allowed(association):
        _not_allowed(c)
    fund = lock_fund(association)
    if amount > fund.balance:
        c.violations.append(_insufficient(fund.balance))
    _raise(c)
    due = (amount + amount * rate).quantize(CENT, rounding=ROUND_HALF_UP)
    loan = Loan(fund_id=fund.id, association_id=association.id, member_id=member.id, amount=amount,
                interest_rate=rate, amount_due=due, repaid=ZERO, lent_on=lent_on, due_on=due_on, purpose=purpose,
                state="open", created_by_id=actor.id)
    db.session.add(loan)
    db.session.flush()
    mv = _move(fund, "loan", amount, actor, lent_on, member_id=member.id, loan_id=loan.id)
    audit.record("revolving_loan", loan.id, "record_loan", actor, to_state="open", association_id=association.id,
                 data={"member_id": member.id, "amount": amount, "interest_rate": rate, "amount_due": due,
                       "lent_on": lent_on, "due_on": due_on, "purpose": purpose, "movement_id": mv.id,
                       "balance_after": mv.balance_after})
    return loan


def write_off_loan(loan, body, actor):
    """The board writes off what is left of an open loan, with a reason (``body``: a ``WriteOffIn``, or the
    reason's text). No money moves."""
    body = as_body(WriteOffIn, body if isinstance(body, WriteOffIn) else {"reason": body})
    text = body.reason
    c = Collector()
    if loan.state != "open":
        c.add(rule_codes.INVALID, _l("Only an open loan can be written off."), "loan_id")
    _raise(c, rules=True)
    left = loan.amount_due - loan.repaid

    def effect(obj, _t, _data):
        obj.written_off_at, obj.written_off_by_id, obj.write_off_reason = utcnow(), actor.id, text
        return {"written_off": left}

    LOAN.apply(loan, "write_off", actor, comment=text, effect=effect)
    db.session.flush()
    return loan


# -- the summary --------------------------------------------------------------------------------------------

def _sum(*conds):
    return _dec(db.session.execute(sa.select(sa.func.coalesce(sa.func.sum(Movement.amount), 0)).where(*conds))
                .scalar())


def alliance_share(alliance):
    """Expected repayment (share × grant received) against what members repaid for ``alliance``."""
    share = share_of(alliance)
    received = ledger.disbursed(alliance)
    expected = (share * received).quantize(CENT, rounding=ROUND_HALF_UP)
    repaid = _sum(Movement.alliance_id == alliance.id, Movement.kind == "repayment")
    return {"alliance_id": alliance.id, "code": alliance.code, "title": alliance.title, "state": alliance.state,
            "share": share, "grant_received": received, "expected": expected, "repaid": repaid,
            "pending": max(expected - repaid, ZERO), "moved_from_grant": moved_from_grant(alliance)}


def fund_summary(association, today=None):
    """The fund at a glance: balance, totals by kind, loans outstanding and overdue, per alliance shares."""
    today = today or date.today()
    fund = find_fund(association)
    where = (Movement.association_id == association.id,)
    loans = db.session.execute(sa.select(Loan).where(Loan.association_id == association.id,
                                                     Loan.state == "open")).scalars().all()
    overdue = [ln for ln in loans if ln.is_overdue(today)]
    lent = _sum(*where, Movement.kind == "loan")
    written = db.session.execute(sa.select(Loan.amount_due, Loan.repaid).where(
        Loan.association_id == association.id, Loan.state == "written_off")).all()
    return {
        "association_id": association.id,
        "allowed": fund_allowed(association),
        "balance": fund.balance if fund is not None else ZERO,
        "deposits": _sum(*where, Movement.kind == "deposit"),
        "repayments": _sum(*where, Movement.kind == "repayment"),
        "loan_repayments": _sum(*where, Movement.kind == "repayment", Movement.loan_id.is_not(None)),
        "lent": lent,
        "loans_open": len(loans),
        "loans_outstanding": sum((ln.amount_due - ln.repaid for ln in loans), ZERO),
        "loans_overdue": len(overdue),
        "overdue_amount": sum((ln.amount_due - ln.repaid for ln in overdue), ZERO),
        "written_off": sum((due - repaid for due, repaid in written), ZERO),
        "alliances": [alliance_share(a) for a in fund_alliances(association)],
    }
