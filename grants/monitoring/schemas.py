"""The input models of monitoring (issue 14: one schema per operation): an indicator's value for a period
(``ValueIn``), a supervision visit with its follow-up actions (``VisitIn``, ``ActionIn``), a photo's caption
(``PhotoIn``), an answer, close or reopen of a follow-up action (``ActionTransitionIn``).

Each is the one definition of its input: the API validates the body against it, the pages their form
(``grants.schemas.from_form``; a visit's rows with ``read_visit``, which keeps each row's index in the field),
and the services receive it. The models check the shape of each field (present, a period YYYY-MM, a number, a
date, a length); what the refusal lists together with the business rules stays in the services: the period not
in the future (``period_in_future``), the counts by sex (``sex_split_mismatch``), the visit not in the future
(``visit_in_future``), the rating among the choices, a row's due date after the visit (``due_before_visit``)."""
import re
from datetime import date
from decimal import Decimal
from typing import Annotated

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from pydantic import BeforeValidator, Field, ValidationError, WithJsonSchema
from pydantic_core import PydanticCustomError

from ..errors import ValidationFailed
from ..money import to_decimal
from ..schemas import Model, form_data, violations
from ..schemas.fields import optional_text, required_text, whole
from ..schemas.types import SmallInt

PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$", re.ASCII)
MAX_VALUE = 10**12
#: how many follow-up actions a visit may carry
MAX_ACTIONS = 20


def _refuse(info, message):
    """A value of the right type that is not valid: rule ``invalid`` in the API (the code its clients read for a
    field error of these inputs); in a form, the message at its field (``grants.schemas.violations``)."""
    client = info is not None and isinstance(info.context, dict) and info.context.get("client")
    raise PydanticCustomError("invalid" if client else "value_error", str(message))


def _period(value, info):
    if not isinstance(value, str):
        raise PydanticCustomError("string_type", "Input should be a valid string")
    value = value.strip()
    m = PERIOD.match(value)
    if not m or int(m.group(1)) < 1990:
        _refuse(info, gettext("Enter the period as YYYY-MM, such as 2027-03."))
    return value


def _measure(value, info):
    """A figure such as "125.50" (or a whole number); negative figures are allowed (a change, a loss)."""
    if isinstance(value, (bool, float, list, dict)) or value is None:
        raise PydanticCustomError("decimal_type", "Input should be a valid decimal")
    try:
        number = to_decimal(value if not isinstance(value, int) else str(value))
        if abs(number) >= MAX_VALUE:
            raise ValueError
    except (TypeError, ValueError):
        _refuse(info, gettext("Enter a number such as 125.50."))
    return number


#: a month: "2027-03"
Period = Annotated[str, BeforeValidator(_period),
                   WithJsonSchema({"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$", "maxLength": 20,
                                   "description": "YYYY-MM, not in the future", "examples": ["2027-03"]})]
#: an indicator's figure: "125.50" or a whole number
Measure = Annotated[Decimal, BeforeValidator(_measure),
                    WithJsonSchema({"anyOf": [{"type": "string", "maxLength": 30}, {"type": "integer"}],
                                    "description": 'a decimal string such as "125.50" (or a whole number)'})]


class ValueIn(Model):
    """Record (or update) an indicator's value for a period. For an indicator by sex, ``women`` and ``men`` are
    required and add up to ``value`` (the service's rules)."""

    period: Period
    value: Measure
    women: SmallInt | None = None
    men: SmallInt | None = None
    note: optional_text(2000) | None = None


class ActionIn(Model):
    """A follow-up action of a visit; a row of the page left empty is skipped, a half-filled one is refused at
    its field (the service, with the row's index)."""

    description: optional_text(2000) | None = None
    due_on: date | None = None


class VisitIn(Model):
    """Record a supervision visit (``rating``: satisfactory, needs_attention or critical)."""

    visited_on: date
    place: required_text(200)
    participants: whole(0, 100000) = 0
    findings: required_text(10000)
    rating: required_text(20) = Field(description="satisfactory, needs_attention or critical")
    actions: list[ActionIn] = Field([], max_length=MAX_ACTIONS)


class PhotoIn(Model):
    caption: optional_text(200) | None = None


class ActionTransitionIn(Model):
    """``answer`` (the board, with ``answer``), ``close`` (the officer), ``reopen`` (the officer, with
    ``comment``)."""

    action: required_text(60) = Field(description="answer, close, reopen")
    answer: optional_text(5000) | None = None
    comment: optional_text(5000) | None = None


def read_visit(values):
    """``values`` (a page's form, or a mapping read as one) as a ``VisitIn``; raises ``ValidationFailed`` with each
    message at its field, a row's at ``actions.<i>.<field>`` (the page puts it at that row)."""
    if isinstance(values, VisitIn):
        return values
    data = form_data(VisitIn, values)
    if isinstance(data.get("actions"), list):  # a row's blank cell is not given, as a field of the form
        data["actions"] = [{k: v.strip() if isinstance(v, str) else v for k, v in row.items()
                            if not (v is None or (isinstance(v, str) and not v.strip()))}
                           if isinstance(row, dict) else row for row in data["actions"]]
    try:
        return VisitIn.model_validate(data, context={"form": True})
    except ValidationError as exc:
        found = violations(exc)
        for v, err in zip(found, exc.errors(include_url=False, include_input=False)):
            v.field = ".".join(str(p) for p in err.get("loc", ())) or None
        raise ValidationFailed(_l("Some fields need attention."), found) from None
