"""The input models of the revolving fund (issue 14: one schema per operation): a member's repayment
(``RepaymentIn``), a loan (``LoanIn``), a repayment of one loan (``LoanRepaymentIn``), a write-off
(``WriteOffIn``) and the closeout's move of unspent grant into the fund (``DepositIn``, through the spine's
offers).

Each is the one definition of its input: the API validates the body against it, the pages their form
(``grants.schemas.from_form``), and the services receive it and check what needs the database (the member, the
alliance and the loan are the association's, the fund's balance, the loan's state and what is left on it)."""
from datetime import date
from typing import Annotated

from flask_babel import gettext
from pydantic import Field, ValidationError, WrapValidator, field_validator
from pydantic_core import PydanticCustomError

from ..schemas import Model
from ..schemas.fields import PastDate, PositiveAmount, optional_text, required_text
from ..schemas.types import Id, MoneyStr, ShareStr


def _share_message(value, handler):
    """A share between 0 and 1, with the treasurer's message (a value of a wrong JSON type stays a 400)."""
    try:
        return handler(value)
    except ValidationError as exc:
        if any(err["type"].endswith("_type") for err in exc.errors()):
            raise
        raise PydanticCustomError("value_error", gettext(
            "Enter the interest as a share between 0 and 1, such as 0.05.")) from None


#: a flat interest for the whole term: "0.05"
InterestRate = Annotated[ShareStr, WrapValidator(_share_message)]


class RepaymentIn(Model):
    """A member pays money into the fund, optionally against a loan or an alliance's grant share."""

    member_id: Id
    amount: PositiveAmount
    paid_on: PastDate
    reference: required_text(100) = Field(description="the receipt's reference")
    loan_id: Id | None = None
    alliance_id: Id | None = Field(None, description="the alliance whose grant share this repays")
    note: optional_text(300) | None = None


class LoanIn(Model):
    """Lend from the fund to an active member: the due date is not before the loan's."""

    member_id: Id
    amount: PositiveAmount
    lent_on: PastDate
    due_on: date
    purpose: required_text(300)
    interest_rate: InterestRate | None = Field(None, description="flat share of the amount for the whole term")

    @field_validator("due_on")
    @classmethod
    def _due_after_lent(cls, due_on, info):
        lent_on = info.data.get("lent_on")
        if lent_on is not None and due_on < lent_on:
            raise PydanticCustomError("value_error", gettext("The due date cannot be before the loan date."))
        return due_on


class LoanRepaymentIn(Model):
    """A repayment of one loan (its borrower)."""

    amount: PositiveAmount
    paid_on: PastDate
    reference: required_text(100)
    note: optional_text(300) | None = None


class WriteOffIn(Model):
    """The board writes off what is left of an open loan, with a reason."""

    reason: required_text(1000)


class DepositIn(Model):
    """Unspent grant moved into the fund at closeout (not a form: the closeout stage calls the spine's offer).
    The amount above zero is a rule listed with the fund's own (``revolving_not_allowed``)."""

    amount: MoneyStr
    moved_on: date | None = None
    reference: optional_text(100) | None = None
