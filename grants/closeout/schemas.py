"""The input models of the closeout stage (issue 14: one schema per operation): the final report
(``FinalReportIn`` with its ``ActualIn`` rows), the officer's evaluation (``EvaluationIn``), a refund
(``RefundIn``), a move to the revolving fund (``MoveIn``) and a follow-up after the closing (``FollowUpIn``).
The API validates its body against them; the pages and the demo pass their form as a mapping, read with the
same model.

Where a refusal lists the field errors together with the business rules (a follow-up: a day in the future beside
a number that is not one; the final report: an unknown indicator beside an actual that is not a number), the
service reads the mapping with ``read`` (or ``read_final_report``): the values that are valid and each field's
error, so that it can add its rules and refuse once."""
import functools
from datetime import date
from typing import Annotated, Optional

from flask_babel import lazy_gettext as _l
from pydantic import BeforeValidator, Field, ValidationError, WithJsonSchema, create_model, model_validator
from pydantic_core import PydanticCustomError

from ..errors import Violation
from ..schemas import Model, form_data, violations
from ..schemas.fields import PastDate, PositiveAmount, choice, optional_text, required_text, whole
from ..schemas.types import MAX_INT, AmountStr, Id, SmallInt, no_bool
from ..workflows import rules
from .followups_models import KINDS
from .models import RATINGS

TEXT_LIMIT = 20000
#: a version as an answer gives it: 0 before the first save (the object does not exist yet)
Version = Annotated[int, Field(ge=0, le=MAX_INT), BeforeValidator(no_bool)]

_YES = ("yes", "true", "1", "si", "sí", "on")
_NO = ("no", "false", "0", "off")


def _yes_no(value):
    """A yes or no: a boolean (the API) or the page's "yes"/"no" (also "sí", "true", "1", ...)."""
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _YES:
            return True
        if text in _NO:
            return False
        raise PydanticCustomError("value_error", str(_l("Answer yes or no.")))
    return value


YesNo = Annotated[bool, BeforeValidator(_yes_no), WithJsonSchema({"type": "boolean"})]
Rating = choice(RATINGS, _l("Choose one of the six ratings."))
Kind = choice(KINDS, _l("Say whether it was a visit or a phone call."))


def _blank_is_not_given(data, info):
    """In a form's row (a table of the page, a mapping of the demo) an empty cell is a value not given."""
    form = isinstance(info.context, dict) and info.context.get("form")
    if form and isinstance(data, dict):
        return {k: v for k, v in data.items() if not (isinstance(v, str) and not v.strip()) and v is not None}
    return data


# the final report ------------------------------------------------------------------------------------------

class ActualIn(Model):
    """An indicator's actual value at the end (``women`` and ``men`` only count for indicators by sex)."""

    indicator_id: Id
    actual: AmountStr | None = None
    #: only for indicators that count people (``by_sex``)
    women: SmallInt | None = None
    men: SmallInt | None = None

    @model_validator(mode="before")
    @classmethod
    def _blanks(cls, data, info):
        return _blank_is_not_given(data, info)


class FinalReportIn(Model):
    """Only the fields sent change; the report may stay incomplete until ``submit_final_report``."""

    narrative: optional_text(TEXT_LIMIT) | None = None
    lessons: optional_text(TEXT_LIMIT) | None = None
    sales_volume: AmountStr | None = None
    sales_unit: optional_text(60) | None = None
    sales_value: AmountStr | None = None
    actuals: list[ActualIn] | None = Field(None, max_length=500)
    #: when given, a stale one gives 409 ``stale_version`` (0: the report was not saved yet)
    version: Version | None = None


def read_final_report(data):
    """A mapping (the page's form, the demo) read with ``FinalReportIn``: ``(body, violations)``. Each key given
    counts as sent (a blank one clears its field, as on the page); each actual row is read with ``ActualIn`` and
    its errors are named ``actuals.<indicator id>.<field>`` (where the page shows them), a row without a valid
    indicator ``actuals.<n>.indicator_id``. A ``FinalReportIn`` passes as it is."""
    if isinstance(data, FinalReportIn):
        return data, []
    top = {k: v for k, v in data.items() if k != "actuals"}
    body, found = read(FinalReportIn, top)
    bad = {(v.field or "").split(".")[0] for v in found}
    sent = {k: getattr(body, k) for k in top if k in FinalReportIn.model_fields and k not in bad}
    rows = None
    if "actuals" in data and data["actuals"] is not None:
        rows = []
        raw = data["actuals"]
        if not isinstance(raw, (list, tuple)):
            found.append(Violation(rules.INVALID, _l("The actuals are a list of indicators with their values."),
                                   "actuals"))
            raw = []
        for i, item in enumerate(raw):
            row, errors = _actual_row(i, item)
            found.extend(errors)
            rows.append(row)  # None where the row is wrong: the others keep their place (``actuals.<n>``)
        sent["actuals"] = rows
    return body.model_copy(update=sent), found


def _actual_row(i, item):
    if not isinstance(item, dict):
        return None, [Violation(rules.INVALID, _l("Each actual needs an indicator and a value."), f"actuals.{i}")]
    try:
        return ActualIn.model_validate(item, context={"form": True}), []
    except ValidationError as exc:
        found = violations(exc)
    ident = item.get("indicator_id")
    if any(v.field == "indicator_id" for v in found):
        return None, [Violation(v.rule, v.message, f"actuals.{i}.{v.field}") for v in found]
    return None, [Violation(v.rule, v.message, f"actuals.{ident}.{v.field}") for v in found]


# the evaluation and the money ------------------------------------------------------------------------------

class EvaluationIn(Model):
    """The officer's evaluation of the alliance."""

    rating: Rating = Field(description=", ".join(RATINGS))
    findings: required_text(TEXT_LIMIT)
    recommendations: optional_text(TEXT_LIMIT) | None = None
    #: when given, a stale one gives 409 ``stale_version`` (0: not evaluated yet)
    version: Version | None = None


class RefundIn(Model):
    """Unspent grant returned to the program (the proof file beside it)."""

    amount: PositiveAmount
    reference: required_text(120)
    refunded_on: PastDate


class MoveIn(Model):
    """Unspent grant moved into the association's revolving fund."""

    amount: PositiveAmount
    moved_on: PastDate


# the follow-ups after the closing --------------------------------------------------------------------------

class FollowUpIn(Model):
    """A follow-up of a closed alliance (the officer of the region or the association's board). A day after
    today is the rule ``follow_up_in_future`` (the service's, beside the other rules)."""

    year: whole(1, 3) = Field(description="1, 2 or 3: the years after the closing")
    kind: Kind = Field(description="visit, call")
    held_on: date
    still_selling: YesNo
    buyer_kept: YesNo | None = None
    other_buyers: optional_text(300) | None = None
    sales_volume: AmountStr | None = None
    sales_unit: optional_text(60) | None = None
    sales_value: AmountStr | None = None
    families_active: whole(0, 100000)
    women_active: whole(0, 100000)
    revolving_fund_balance: AmountStr | None = None
    loans_open: whole(0, 100000) | None = None
    loans_outstanding: AmountStr | None = None
    notes: optional_text(10000) | None = None


# reading a mapping with a model, its errors kept for the service's one refusal -------------------------------

@functools.cache
def _lenient(model):
    """``model`` with every field optional: the values of a mapping whose other fields are wrong."""
    fields = {name: (Optional[Annotated[(f.annotation, *f.metadata)] if f.metadata else f.annotation], None)
              for name, f in model.model_fields.items()}
    return create_model(f"{model.__name__}Read", __base__=Model, **fields)


def read(model, data):
    """``data`` read as a form with ``model``: ``(values, violations)``: the valid fields' values (a field that is
    wrong or not given is None) and each wrong field's error (``required`` or ``invalid``, at its field), so that a
    service lists them with its business rules in one refusal. An instance of ``model`` passes as it is."""
    if isinstance(data, model):
        return data, []
    clean = form_data(model, data)
    try:
        return model.model_validate(clean, context={"form": True}), []
    except ValidationError as exc:
        found = violations(exc)
    bad = {(v.field or "").split(".")[0] for v in found}
    values = _lenient(model).model_validate({k: v for k, v in clean.items() if k not in bad}, context={"form": True})
    return values, found
