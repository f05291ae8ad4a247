"""API endpoints of the revolving fund (API.md additions): the summary, loans and their repayments, member
repayments, the movements. Access follows the association (not an alliance): another association's fund is
404; the association's members read the totals; borrowers' names only where member data may be seen (masked
for auditors, ``null`` otherwise). Rules (422, all listed): ``fund_insufficient``,
``member_not_in_association``, ``repayment_exceeds_loan``, ``revolving_not_allowed``, ``invalid``."""
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from pydantic import Field

from ..api.core import Out, api_user, bool_arg, dump, endpoint, in_state, load, paginate, require
from ..schemas.types import MoneyStr, RatioStr, UtcDateTime
from ..associations.models import Association
from ..associations.services import mask_name
from . import services
from .models import Loan, Movement
from .permissions import can_record, can_view_fund, can_write_off, names_mode
from .schemas import LoanIn, LoanRepaymentIn, RepaymentIn, WriteOffIn

TAGS = ("revolving",)
STATES = ("open", "repaid", "written_off")


class MovementOut(Out):
    id: int
    association_id: int
    kind: str
    amount: MoneyStr
    balance_after: MoneyStr
    occurred_on: date
    alliance_id: int | None = None
    member_id: int | None = Field(None, description="null where member data may not be seen")
    member_name: str | None = Field(None, description="masked for auditors; null where member data may not be seen")
    loan_id: int | None = None
    reference: str | None = None
    note: str | None = None
    created_at: UtcDateTime


class LoanOut(Out):
    id: int
    association_id: int
    member_id: int | None = None
    member_name: str | None = None
    amount: MoneyStr
    interest_rate: RatioStr
    amount_due: MoneyStr
    repaid: MoneyStr
    outstanding: MoneyStr
    lent_on: date
    due_on: date
    overdue: bool
    purpose: str
    state: str
    write_off_reason: str | None = None
    written_off_at: UtcDateTime | None = None
    version: int


class AllianceShareOut(Out):
    alliance_id: int
    code: str
    share: RatioStr
    grant_received: MoneyStr
    expected: MoneyStr
    repaid: MoneyStr
    pending: MoneyStr
    moved_from_grant: MoneyStr


class SummaryOut(Out):
    association_id: int
    allowed: bool
    balance: MoneyStr
    deposits: MoneyStr
    repayments: MoneyStr
    loan_repayments: MoneyStr
    lent: MoneyStr
    loans_open: int
    loans_outstanding: MoneyStr
    loans_overdue: int
    overdue_amount: MoneyStr
    written_off: MoneyStr
    alliances: list[AllianceShareOut]


def load_association(association_id):
    return load(Association, association_id, lambda a: can_view_fund(api_user(), a))


def _person(association):
    mode = names_mode(api_user(), association)

    def person(member):
        if member is None or mode == "hidden":
            return None, None
        return member.id, (member.full_name if mode == "full" else mask_name(member.full_name))

    return person


def movement_out(mv, person):
    member_id, name = person(mv.member)
    data = {k: getattr(mv, k) for k in MovementOut.model_fields if hasattr(mv, k)}
    return dump(MovementOut, {**data, "member_id": member_id, "member_name": name})


def loan_out(loan, person):
    member_id, name = person(loan.member)
    data = {k: getattr(loan, k) for k in LoanOut.model_fields if hasattr(loan, k)}
    return dump(LoanOut, {**data, "member_id": member_id, "member_name": name,
                          "overdue": loan.is_overdue(date.today())})


def _recorder(association):
    require(can_record(api_user(), association), _l("Only the association's treasurer records the fund."))


@endpoint("/associations/<int:association_id>/revolving-fund", summary="The association's revolving fund",
          response=SummaryOut, tags=TAGS, name="revolving_fund")
def get_fund(association_id):
    """Balance, deposits, repayments, loans outstanding and overdue, and per alliance the expected repayment
    (``revolving_fund_share`` × grant received) against what was repaid."""
    association = load_association(association_id)
    return dump(SummaryOut, services.fund_summary(association))


@endpoint("/associations/<int:association_id>/revolving-fund/movements", summary="Movements of the fund",
          response=MovementOut, paginated=True, tags=TAGS, name="revolving_movements",
          query={"kind": "deposit, repayment or loan"})
def list_movements(association_id):
    association = load_association(association_id)
    q = in_state(sa.select(Movement).where(Movement.association_id == association.id), Movement.kind,
                 ("deposit", "repayment", "loan"), name="kind")
    person = _person(association)
    return paginate(q.order_by(Movement.id), lambda mv: movement_out(mv, person))


@endpoint("/associations/<int:association_id>/revolving-fund/repayments", summary="Member repayments",
          response=MovementOut, paginated=True, tags=TAGS, name="revolving_repayments")
def list_repayments(association_id):
    association = load_association(association_id)
    person = _person(association)
    q = sa.select(Movement).where(Movement.association_id == association.id, Movement.kind == "repayment")
    return paginate(q.order_by(Movement.id), lambda mv: movement_out(mv, person))


@endpoint("/associations/<int:association_id>/revolving-fund/repayments", ["POST"],
          summary="Record a member's repayment into the fund", body=RepaymentIn, response=MovementOut, status=201,
          tags=TAGS, name="record_revolving_repayment")
def record_repayment(association_id, body):
    """Treasurer only (403). Rules: ``member_not_in_association``, ``repayment_exceeds_loan`` (with
    ``loan_id``), ``revolving_not_allowed``, ``invalid``."""
    association = load_association(association_id)
    _recorder(association)
    mv = services.record_repayment(association, body, api_user())
    return movement_out(mv, _person(association))


@endpoint("/associations/<int:association_id>/revolving-fund/loans", summary="Loans from the fund",
          response=LoanOut, paginated=True, tags=TAGS, name="revolving_loans",
          query={"state": "open, repaid or written_off", "overdue": "true: only open loans past their due date"})
def list_loans(association_id):
    association = load_association(association_id)
    q = in_state(sa.select(Loan).where(Loan.association_id == association.id), Loan.state, STATES)
    if bool_arg("overdue"):
        q = q.where(Loan.state == "open", Loan.due_on < date.today())
    person = _person(association)
    return paginate(q.order_by(Loan.id), lambda ln: loan_out(ln, person))


@endpoint("/associations/<int:association_id>/revolving-fund/loans", ["POST"], summary="Lend to a member",
          body=LoanIn, response=LoanOut, status=201, tags=TAGS, name="record_revolving_loan")
def record_loan(association_id, body):
    """Treasurer only (403). Rules: ``fund_insufficient`` (above the balance), ``member_not_in_association``,
    ``revolving_not_allowed``, ``invalid``."""
    association = load_association(association_id)
    _recorder(association)
    loan = services.record_loan(association, body, api_user())
    return loan_out(loan, _person(association))


def load_loan(association, loan_id):
    return load(Loan, loan_id, lambda ln: ln.association_id == association.id)


@endpoint("/associations/<int:association_id>/revolving-fund/loans/<int:loan_id>", summary="One loan",
          response=LoanOut, tags=TAGS, name="revolving_loan")
def get_loan(association_id, loan_id):
    association = load_association(association_id)
    return loan_out(load_loan(association, loan_id), _person(association))


@endpoint("/associations/<int:association_id>/revolving-fund/loans/<int:loan_id>/repayments", ["POST"],
          summary="Record a repayment of a loan", body=LoanRepaymentIn, response=MovementOut, status=201,
          tags=TAGS, name="record_revolving_loan_repayment")
def record_loan_repayment(association_id, loan_id, body):
    """Treasurer only (403). Rules: ``repayment_exceeds_loan``, ``invalid`` (the loan is not open)."""
    association = load_association(association_id)
    loan = load_loan(association, loan_id)
    _recorder(association)
    mv = services.record_loan_repayment(loan, body, api_user())
    return movement_out(mv, _person(association))


@endpoint("/associations/<int:association_id>/revolving-fund/loans/<int:loan_id>/write-off", ["POST"],
          summary="Write off an open loan", body=WriteOffIn, response=LoanOut, tags=TAGS,
          name="write_off_revolving_loan")
def write_off(association_id, loan_id, body):
    """The association's board only (403), with a reason. Rule: ``invalid`` (the loan is not open)."""
    association = load_association(association_id)
    loan = load_loan(association, loan_id)
    require(can_write_off(api_user(), association), _l("Only the association's board writes off loans."))
    services.write_off_loan(loan, body, api_user())
    return loan_out(loan, _person(association))
