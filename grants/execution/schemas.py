"""The execution stage's input models (issue 14: one schema per operation). Each is the ONE definition of
its operation's input: the API validates a request body against it, a page validates its form against it
(``grants.schemas.from_form``), and the service receives the validated model and checks only the business
rules (funds, procurement, duplicates, locks, states) and what needs the database (a line of this
alliance)."""
from collections.abc import Mapping
from datetime import date
from typing import Annotated, Literal

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from pydantic import AfterValidator, BeforeValidator, StringConstraints
from pydantic_core import PydanticCustomError

from ..money import amount_hint
from ..schemas import Model, Patch, from_form
from ..schemas.types import AmountStr, Id
from .models import DOCUMENT_TYPES, EXPENSE_SOURCES


def as_body(model, data):
    """``data`` as a validated ``model``: a model passes as it is; a mapping (the demo, the spreadsheet
    import, the spine's callers) is read as a form is (``from_form``: blank = not given, errors at their
    fields as ``ValidationFailed``)."""
    if isinstance(data, model):
        return data
    if not isinstance(data, Mapping):
        raise TypeError(f"{model.__name__} or a mapping expected")
    return from_form(model, data)


# field types -------------------------------------------------------------------------------------------

def text(max_length):
    """Required text: spaces around are dropped; blank is "This field is required."."""
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)]


def optional_text(max_length):
    return Annotated[str, StringConstraints(strip_whitespace=True, max_length=max_length)]


def choice(values, message):
    """One of ``values`` (a dict of the models' choices), documented as an enum; another text is refused
    with ``message`` (what the treasurer reads); a value that is not text is a wrong type (400 in the API)."""

    def check(value):
        if not isinstance(value, str):
            raise PydanticCustomError("string_type", "Input should be a valid string")
        if value not in values:
            raise PydanticCustomError("value_error", str(message))
        return value

    return Annotated[Literal[tuple(values)], BeforeValidator(check)]


def _not_future(day):
    if day > date.today():
        raise PydanticCustomError("value_error", gettext("The date cannot be in the future."))
    return day


def _positive(value):
    if value <= 0:
        raise PydanticCustomError("value_error", gettext("Enter an amount greater than zero, such as %(example)s.",
                                                         example=amount_hint()))
    return value


#: a day that has come (an expense is recorded once paid)
PastDate = Annotated[date, AfterValidator(_not_future)]
#: money above zero: "1250.00"
PositiveAmount = Annotated[AmountStr, AfterValidator(_positive)]

Source = choice(EXPENSE_SOURCES, _l("Choose where the money comes from."))
DocumentType = choice(DOCUMENT_TYPES, _l("Choose the type of document."))


# expenses ----------------------------------------------------------------------------------------------

class ExpenseIn(Model):
    """Record an expense. Whether the line and the procurement are this alliance's, and every money rule,
    are the service's (grants/execution/expenses.py)."""

    budget_line_id: Id
    spent_on: PastDate
    amount: PositiveAmount
    source: Source
    supplier: text(200)
    document_type: DocumentType
    document_number: text(60)
    description: optional_text(300) | None = None
    procurement_id: Id | None = None
    deliverable_id: Id | None = None


class ExpensePatch(Patch):
    """Correct an expense: only the fields given change (``version``: the one read)."""

    budget_line_id: Id = None
    spent_on: PastDate = None
    amount: PositiveAmount = None
    source: Source = None
    supplier: text(200) = None
    document_type: DocumentType = None
    document_number: text(60) = None
    description: optional_text(300) = None
    procurement_id: Id | None = None
    deliverable_id: Id | None = None


class VoidIn(Model):
    """Void an expense or a contribution: why (required); ``version``: the one read."""

    reason: text(2000)
    version: Id | None = None
