"""The execution stage's input models (issue 14: one schema per operation). Each is the ONE definition of
its operation's input: the API validates a request body against it, a page validates its form against it
(``grants.schemas.from_form``), and the service receives the validated model and checks only the business
rules (funds, procurement, duplicates, locks, states) and what needs the database (a line of this
alliance)."""
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints, ValidationError, WithJsonSchema, \
    model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from ..money import amount_hint, to_decimal
from ..schemas import Model, Patch, from_form
from ..schemas.types import AmountStr, Id
from .models import (CONTRIBUTION_KINDS, DIRECT_REASONS, DOCUMENT_TYPES, EXPENSE_SOURCES, IN_KIND_TYPES,
                     PROCUREMENT_METHODS, REALLOCATION_SOURCES)


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

Source = choice(EXPENSE_SOURCES, _l("Choose where the money comes from."))
DocumentType = choice(DOCUMENT_TYPES, _l("Choose the type of document."))
ContributionKind = choice(CONTRIBUTION_KINDS, _l("Choose cash or in kind."))
InKindType = choice(IN_KIND_TYPES, _l("Choose what was contributed in kind."))
ReallocationSource = choice(REALLOCATION_SOURCES, _l("Choose the source of money to move."))
Method = choice(PROCUREMENT_METHODS, _l("Choose minor, comparison or direct."))
DirectReason = choice(DIRECT_REASONS, _l("Direct contracting is only for a single supplier, an emergency or a "
                                         "repeat order."))


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


# contributions -----------------------------------------------------------------------------------------

class ContributionIn(Model):
    """Record a counterpart contribution: cash, or in kind (with what it was); the amount, or ``quantity`` ×
    ``unit_value`` (labour days × the daily value). Whether the line is this alliance's is the service's."""

    kind: ContributionKind
    in_kind_type: InKindType | None = None
    description: text(300)
    amount: PositiveAmount | None = None
    quantity: Quantity | None = None
    unit_value: PositiveAmount | None = None
    contributed_on: PastDate
    budget_line_id: Id | None = None

    @model_validator(mode="after")
    def _complete(self):
        errors = {}
        if self.kind == "in_kind" and self.in_kind_type is None:
            errors["in_kind_type"] = _l("Choose what was contributed in kind.")
        if self.kind == "cash":
            self.in_kind_type = None
        example = amount_hint()
        if self.quantity is not None or self.unit_value is not None:
            if self.quantity is None:
                errors["quantity"] = _l("Enter a quantity greater than zero.")
            if self.unit_value is None:
                errors["unit_value"] = _l("Enter an amount greater than zero, such as %(example)s.", example=example)
        elif self.amount is None:
            errors["amount"] = _l("Enter an amount greater than zero, such as %(example)s.", example=example)
        if errors:
            refuse(type(self), errors)
        return self

    @property
    def total(self):
        """The amount, or quantity × unit value to the cent."""
        if self.quantity is not None and self.unit_value is not None:
            return (self.quantity * self.unit_value).quantize(Decimal("0.01"))
        return self.amount


# accountability reports --------------------------------------------------------------------------------

class ReportIn(Model):
    """Prepare an accountability report for a period (overlaps are the service's: ``period_overlaps``)."""

    period_start: date
    period_end: date
    assembly_approved_on: PastDate | None = None
    #: or the decision of the association's assembly register that approved it (its date is the assembly's)
    assembly_decision_id: Id | None = None

    @model_validator(mode="after")
    def _ordered(self):
        if self.period_end < self.period_start:
            refuse(type(self), {"period_end": _l("The period ends after it starts.")})
        return self


class AssemblyApprovalIn(Model):
    """The assembly's approval of a report: its date (with the minutes' file), or a decision of the register."""

    assembly_approved_on: PastDate | None = None
    assembly_decision_id: Id | None = None


class ReportTransitionIn(Model):
    """A report action through the workflow (grants/workflows/report.py); an unknown action is 400."""

    action: str = Field(min_length=1, max_length=60, description="submit, approve, observe, reopen")
    observations: str | None = Field(None, max_length=5000)
    comment: str | None = Field(None, max_length=5000)
    #: ``submit`` may carry the assembly's approval (multipart: the minutes in ``file``)
    assembly_approved_on: PastDate | None = None
    #: ``submit`` may point to the assembly register's decision instead of a minutes file
    assembly_decision_id: Id | None = None
    version: Id | None = None


# procurement -------------------------------------------------------------------------------------------

class ProcurementIn(Model):
    """Open a procurement. The method against the program's limit (``method_not_allowed``) and the assembly
    decision are the service's."""

    description: text(300)
    budget_line_id: Id
    method: Method
    estimated_amount: PositiveAmount
    direct_reason: DirectReason | None = None
    #: direct contracting: the registered assembly decision that approved it (instead of the minutes file)
    assembly_decision_id: Id | None = None

    @model_validator(mode="after")
    def _direct_has_a_reason(self):
        if self.method != "direct":
            self.direct_reason = self.assembly_decision_id = None
        elif self.direct_reason is None:
            refuse(type(self), {"direct_reason": _l("Direct contracting is only for a single supplier, an emergency "
                                                    "or a repeat order.")})
        return self


class QuotationIn(Model):
    """A supplier's quotation (its file, required, is the service's)."""

    supplier: text(200)
    amount: PositiveAmount


class ProcurementTransitionIn(Model):
    """Award, close or cancel a procurement through its workflow (grants/workflows/procurement.py)."""

    action: str = Field(min_length=1, max_length=60, description="award, close, cancel")
    quotation_id: Id | None = None
    justification: str | None = Field(None, max_length=5000)
    comment: str | None = Field(None, max_length=5000)
    reason: str | None = Field(None, max_length=5000)
    #: award of a direct contracting: the registered assembly decision that approved it
    assembly_decision_id: Id | None = None


# reallocations -----------------------------------------------------------------------------------------

class ReallocationIn(Model):
    """Move ``amount`` of ``source`` from one line to another. The lines being this alliance's, the free share,
    the funds left and the financing rules are the service's."""

    from_line_id: Id
    to_line_id: Id
    amount: PositiveAmount
    justification: text(5000)
    source: ReallocationSource = Field("grant", description="grant, counterpart_cash or counterpart_in_kind")

    @model_validator(mode="after")
    def _two_lines(self):
        if self.from_line_id == self.to_line_id:
            refuse(type(self), {"to_line_id": _l("Choose two different lines.")})
        return self


class ReallocationDecisionIn(Model):
    """The officer's ``approve`` or ``refuse`` (with a comment)."""

    action: str = Field(min_length=1, max_length=20, description="approve or refuse")
    comment: str | None = Field(None, max_length=5000)
