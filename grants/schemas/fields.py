"""Field types and helpers every operation's input model shares (issue 14: one schema per operation), at the
ground so that any stage may use them: text (required or optional) with a length, bounded whole numbers,
choices with the treasurer's message, a past date, an amount above zero, cross-field errors at their
fields; and, for the pages, the HTML attributes a field takes from its schema and the form's values.
Money, ids and moments are in ``grants.schemas.types``."""
from collections.abc import Mapping
from datetime import date
from typing import Annotated, Literal

from flask_babel import gettext
from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from ..money import amount_hint
from . import Patch, from_form
from . import form_data as _form_data, violations as _violations
from .types import AmountStr, no_bool


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

def required_text(max_length):
    """Text that must be given: spaces around are dropped; blank is "This field is required."."""
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)]


def optional_text(max_length):
    """Free text: spaces around it dropped, at most ``max_length`` characters."""
    return Annotated[str, StringConstraints(strip_whitespace=True, max_length=max_length)]


def whole(low, high):
    """A whole number from ``low`` to ``high`` (never a bool)."""
    return Annotated[int, Field(ge=low, le=high), BeforeValidator(no_bool)]


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


# for the pages ------------------------------------------------------------------------------------------

def html_attrs(model, name):
    """The HTML attributes a page's field takes from the operation's schema: ``required`` and ``maxlength``
    (the browser helps; the schema decides)."""
    field = model.model_fields[name]
    out = {"required": True} if field.is_required() else {}
    for meta in field.metadata:
        if getattr(meta, "max_length", None):
            out["maxlength"] = meta.max_length
    return out


def form_values(form):
    """What a page's WTForms form holds, field by field, for ``grants.schemas.from_form``: amounts as the
    ``MoneyField`` read them in the reader's language, the rest as typed (the schema validates it all)."""
    return {name: field.data for name, field in form._fields.items() if name != "csrf_token"}


def written(body, partial=(Patch,)):
    """What a body writes, as values (never ``model_dump``, which gives the amounts as text): a correction
    (an instance of ``partial``) the fields it was given; a whole object (a page's form) every field but
    ``version``."""
    if isinstance(body, partial):
        return body.given()
    return {name: getattr(body, name) for name in type(body).model_fields if name != "version"}


# for the services that list field errors with the checks needing the database (h3) -----------------------

def read(model, data, c, prefix=""):
    """``data`` as a validated ``model`` (a model passes as it is; a mapping is read as a form is), or None
    after adding each of its errors to the collector ``c`` at its field (``prefix`` before it; an item of a
    list at ``name-N-key``, as the page's rows are named), so that the service lists them with the checks
    that need the database."""
    if isinstance(data, model):
        return data
    try:
        return model.model_validate(_form_data(model, data), context={"form": True})
    except ValidationError as exc:
        for err, v in zip(exc.errors(include_url=False, include_input=False), _violations(exc)):
            loc = [str(p) for p in err.get("loc", ())]
            c.add(v.rule, v.message, prefix + ("-".join(loc) if len(loc) > 1 and loc[1].isdigit() else v.field))
        return None


def passed(data, c, key, prefix=""):
    """What ``data`` gives for ``key`` (text, stripped; None when blank) when the model failed on other fields:
    None when ``key`` itself had an error."""
    raw = data.get(key) if hasattr(data, "get") else None
    if raw is None or any(v.field == prefix + key for v in c.violations):
        return None
    return str(raw).strip() or None
