"""What the execution stage's input models share (issue 14: one schema per operation): field types (text,
choices, a past date, an amount above zero), cross-field errors at their fields, ``as_body`` and ``VoidIn``;
each operation's model is in its subpackage's ``schemas.py``. Each is the ONE definition of
its operation's input: the API validates a request body against it, a page validates its form against it
(``grants.schemas.from_form``), and the service receives the validated model and checks only the business
rules (funds, procurement, duplicates, locks, states) and what needs the database (a line of this
alliance)."""
from decimal import Decimal
from typing import Annotated

from flask_babel import gettext
from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from ..money import to_decimal
from ..schemas import Model
from ..schemas.fields import required_text
from ..schemas.types import Id


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



class VoidIn(Model):
    """Void an expense or a contribution: why (required); ``version``: the one read."""

    reason: required_text(2000)
    version: Id | None = None
