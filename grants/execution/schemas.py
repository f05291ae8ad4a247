"""What the execution stage's input models share (issue 14: one schema per operation): field types (text,
choices, a past date, an amount above zero), cross-field errors at their fields, ``as_body`` and ``VoidIn``;
each operation's model is in its subpackage's ``schemas.py``. Each is the ONE definition of
its operation's input: the API validates a request body against it, a page validates its form against it
(``grants.schemas.from_form``), and the service receives the validated model and checks only the business
rules (funds, procurement, duplicates, locks, states) and what needs the database (a line of this
alliance)."""
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from flask_babel import gettext
from pydantic import AfterValidator, BeforeValidator, StringConstraints, ValidationError, WithJsonSchema
from pydantic_core import InitErrorDetails, PydanticCustomError

from ..money import amount_hint, to_decimal
from ..schemas import Model, from_form
from ..schemas.types import AmountStr, Id


def as_body(model, data):
    """``data`` as a validated ``model``: a model passes as it is; a mapping (the demo, the spreadsheet
    import, the spine's callers) is read as a form is (``from_form``: blank = not given, errors at their
    fields as ``ValidationFailed``)."""
    if isinstance(data, model):
        return data
    if not isinstance(data, Mapping):
        raise TypeError(f"{model.__name__} or a mapping expected")
    return from_form(model, data)


def refuse(model, errors):
    """Raise, from a ``model_validator``, the errors of a cross-field check each at its field:
    ``errors`` maps a field to its message (pydantic passes a ``ValidationError`` through with its
    locations, so that ``from_form`` and the API show each at its field)."""
    raise ValidationError.from_exception_data(model.__name__, [
        InitErrorDetails(type=PydanticCustomError("value_error", str(message)), loc=(field,), input=None)
        for field, message in errors.items()])


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


def _quantity(value, info):
    """Days or units: text such as "12" or "2.5" (a number from our own objects), above zero, three
    decimals at most; the API documents it as text."""
    client = isinstance(info.context, dict) and info.context.get("client")
    if (client and not isinstance(value, str)) or isinstance(value, (bool, float, list, dict)):
        raise PydanticCustomError("string_type", "Input should be a valid string")
    try:
        text = str(value).strip().replace(",", ".") if isinstance(value, str) and "." not in value else value
        quantity = to_decimal(text, 3)
        if quantity <= 0 or quantity > 10**9 or len(str(value)) > 20:
            raise ValueError
    except (ValueError, TypeError):
        raise PydanticCustomError("value_error", gettext("Enter a quantity greater than zero.")) from None
    return quantity


#: days or units of a contribution in kind: "12", "2.5"
Quantity = Annotated[Decimal, BeforeValidator(_quantity),
                     WithJsonSchema({"type": "string", "maxLength": 20, "examples": ["12"],
                                     "description": "in kind: days or units"})]

#: a day that has come (an expense is recorded once paid)
PastDate = Annotated[date, AfterValidator(_not_future)]
#: money above zero: "1250.00"
PositiveAmount = Annotated[AmountStr, AfterValidator(_positive)]


class VoidIn(Model):
    """Void an expense or a contribution: why (required); ``version``: the one read."""

    reason: text(2000)
    version: Id | None = None
