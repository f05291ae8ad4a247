"""One schema per operation (issue 14): the pydantic model of an input is its only definition.

The API validates a request body against it (``grants.api.core.parse_body``: strict, JSON types); a page
validates its form against the same model with ``from_form`` (form text: empty means "not given", an amount
may be written "1250,50"); the service receives the validated model and checks only the business rules.

At the ground of the layers: any stage, the API and the pages may use it. Field types (money, shares, ids,
moments) are in ``grants.schemas.types``."""
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, ValidationError

from ..errors import ValidationFailed, Violation
from .types import Id


def _optional_not_null(schema, cls):
    """A PATCH field that may be left out but not sent as null: no ``"default": null`` in its schema."""
    for prop in schema.get("properties", {}).values():
        if "default" in prop and prop["default"] is None and not _allows_null(prop):
            del prop["default"]


def _allows_null(prop):
    kinds = prop.get("type")
    if kinds == "null" or (isinstance(kinds, list) and "null" in kinds):
        return True
    return any(_allows_null(p) for p in prop.get("anyOf", []) + prop.get("oneOf", []))


class Model(BaseModel):
    """Base for inputs: unknown fields are refused. A field declared ``x: T = None`` may be left out but
    not sent as null (null is a wrong type: 400); ``x: T | None = None`` accepts null."""

    model_config = {"extra": "forbid", "json_schema_extra": _optional_not_null}

    def given(self):
        """The fields the client or the form actually sent, as a dict (for a correction: what to change)."""
        return {name: getattr(self, name) for name in self.model_fields_set}


class Patch(Model):
    """Base for corrections (PATCH): the ``version`` the client read is required."""

    version: Id


class Out(BaseModel):
    model_config = {"from_attributes": True}


def _is_list(model, name):
    annotation = model.model_fields[name].annotation
    return getattr(annotation, "__origin__", None) in (list, tuple, set) or annotation in (list, tuple, set)


def form_data(model, form, files=None):
    """The fields of ``model`` found in ``form`` (a ``MultiDict`` or dict of text): blank text means the
    field was not given; list fields take every value; other form fields (csrf_token, submit) are left out."""
    data = {}
    for name in model.model_fields:
        if _is_list(model, name) and hasattr(form, "getlist"):
            values = [v.strip() if isinstance(v, str) else v for v in form.getlist(name)]
            values = [v for v in values if v not in ("", None)]
            if values:
                data[name] = values
            continue
        value = form.get(name)
        if isinstance(value, str):
            value = value.strip()
        if value not in ("", None):
            data[name] = value
    for name, file in (files or {}).items():
        if name in model.model_fields and file is not None and getattr(file, "filename", None):
            data[name] = file
    return data


def _message(err):
    """A message a treasurer understands, in the reader's language, for one pydantic error."""
    kind, ctx = err.get("type", ""), err.get("ctx") or {}
    if kind == "missing":
        return "required", _l("This field is required.")
    if kind.startswith("decimal_"):
        return "invalid", err.get("msg") or _l("Enter an amount of 0 or more such as 1250.00.")
    if kind == "string_too_long":
        return "invalid", _l("At most %(n)s characters.", n=ctx.get("max_length"))
    if kind == "string_too_short":
        return "required", _l("This field is required.")
    if kind.startswith(("int_", "greater_than", "less_than")):
        return "invalid", _l("Enter a whole number from %(a)s to %(b)s.", a=ctx.get("ge", ctx.get("gt", 0)),
                             b=ctx.get("le", ctx.get("lt", 2**31 - 1)))
    if kind.startswith(("date_", "datetime_")):
        return "invalid", _l("Enter a date such as 2026-03-31.")
    if kind == "value_error" and err.get("msg"):
        return "invalid", err["msg"].removeprefix("Value error, ")
    return "invalid", _l("This value is not valid.")


def violations(exc: ValidationError):
    """Each pydantic error of ``exc`` as a ``Violation`` at its field (rule ``required`` or ``invalid``)."""
    found = []
    for err in exc.errors(include_url=False, include_input=False):
        field = ".".join(str(p) for p in err.get("loc", ()) if not isinstance(p, int)) or None
        rule, message = _message(err)
        found.append(Violation(rule, message, field))
    return found


def from_form(model, form, files=None, **extra):
    """Validate a page's form against ``model`` (the operation's schema); ``extra`` adds values the page
    knows (ids from the URL). Raises ``ValidationFailed`` with every field's message, as the services'
    field checks did, so that ``grants.web.forms.show_errors`` puts each at its field."""
    data = form_data(model, form, files)
    data.update({k: v for k, v in extra.items() if v is not None})
    try:
        return model.model_validate(data, context={"form": True})
    except ValidationError as exc:
        raise ValidationFailed(_l("Some fields need attention."), violations(exc)) from None

__all__ = ["Model", "Patch", "Out", "from_form", "form_data", "violations"]
