"""Field types the stages' input models share (issue 14, one schema per operation), on the spine so that
every stage may use them: text with a length, required text, bounded whole numbers; and the HTML attributes
a page's field takes from its schema. Money, ids and moments are in ``grants.schemas.types``."""
from typing import Annotated

from pydantic import BeforeValidator, Field, StringConstraints

from ..schemas import Patch
from ..schemas.types import no_bool


def text(limit):
    """Free text: spaces around it dropped, at most ``limit`` characters."""
    return Annotated[str, StringConstraints(strip_whitespace=True, max_length=limit)]


def required_text(limit):
    """Text that must be given (blank is missing): at most ``limit`` characters."""
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=limit)]


def whole(low, high):
    """A whole number from ``low`` to ``high`` (never a bool)."""
    return Annotated[int, Field(ge=low, le=high), BeforeValidator(no_bool)]


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
