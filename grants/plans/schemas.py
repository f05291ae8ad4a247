"""The inputs of the plan stage, one model per operation (issue 14): the API validates its JSON body against
them, the pages their forms (``grants.schemas.from_form``), the spreadsheet import each row; the services
(``budget``, ``services``) receive the validated model and check only the business rules."""
from datetime import date
from decimal import Decimal
from typing import Annotated

from flask_babel import gettext
from pydantic import (AfterValidator, BeforeValidator, Field, PlainSerializer, StringConstraints, WithJsonSchema,
                      create_model)
from pydantic_core import PydanticCustomError

from ..alliances.budget import BUDGET_CATEGORIES
from ..schemas.fields import optional_text, required_text, whole
from ..schemas.fields import written as _written
from ..parsing import decimal_in
from ..schemas import Model, Patch
from ..schemas.types import AmountStr, Id
from .catalog import CHECKLIST_ANSWERS, SECTIONS


def _quantity(value):
    """A quantity: a string (or whole number) with at most three decimals; never a float."""
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise PydanticCustomError("decimal_string_type", 'Send quantities as strings such as "12.5".')
    try:
        return decimal_in(value if isinstance(value, (str, Decimal)) else str(value), 3)
    except ValueError:
        raise PydanticCustomError("decimal_invalid",
                                  gettext("Enter a number of 0 or more with at most %(n)s decimals.", n=3)) from None


#: a quantity with up to three decimals, as a string: "12.5", "0.250"
QuantityStr = Annotated[Decimal, BeforeValidator(_quantity),
                        PlainSerializer(lambda d: str(Decimal(d).quantize(Decimal("0.001"))), return_type=str),
                        WithJsonSchema({"type": "string", "pattern": r"^\d+(\.\d{1,3})?$", "examples": ["12.500"]})]


def _category(value):
    if value not in BUDGET_CATEGORIES:
        raise PydanticCustomError("value_error", gettext("Choose one of the budget categories."))
    return value


#: one of the budget categories (``land`` is never paid by the grant: a business rule of the service)
Category = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_category),
                     WithJsonSchema({"type": "string", "enum": list(BUDGET_CATEGORIES)})]


# budget lines -----------------------------------------------------------------------------------------

class BudgetLineIn(Model):
    category: Category = Field(description="infrastructure, equipment, inputs, technical_assistance, training, "
                                           "working_capital, administration or land (never paid by the grant)")
    description: required_text(300)
    unit: optional_text(40) = ""
    quantity: QuantityStr
    unit_cost: AmountStr
    grant: AmountStr = Decimal("0.00")
    counterpart_cash: AmountStr = Decimal("0.00")
    counterpart_in_kind: AmountStr = Decimal("0.00")
    other: AmountStr = Decimal("0.00")
    position: whole(1, 100000) | None = None


class BudgetLineEdit(BudgetLineIn):
    """The budget page's form of a line being changed: the whole line again (a blank source is zero), with
    the version the page read."""

    version: Id | None = None


class BudgetLinePatch(Patch):
    category: Category = None
    description: required_text(300) = None
    unit: optional_text(40) = None
    quantity: QuantityStr = None
    unit_cost: AmountStr = None
    grant: AmountStr | None = None
    counterpart_cash: AmountStr | None = None
    counterpart_in_kind: AmountStr | None = None
    other: AmountStr | None = None
    position: whole(1, 100000) | None = None


# tranches ---------------------------------------------------------------------------------------------

class TrancheIn(Model):
    number: whole(1, 100) | None = None
    amount: AmountStr
    planned_on: date
    conditions: optional_text(2000) = ""
    #: only ``planned`` here; the funding stage moves tranches on
    state: str | None = None


class TrancheEdit(TrancheIn):
    """The tranche page's form of a tranche being changed, with the version the page read."""

    version: Id | None = None


class TranchePatch(Patch):
    number: whole(1, 100) | None = None
    amount: AmountStr = None
    planned_on: date = None
    conditions: optional_text(2000) | None = None


def written(body):
    """What a body writes (``grants.schemas.fields.written``): the plan's sections from the API are a correction."""
    return _written(body, (Patch, PlanPatch))


# the plan's sections ----------------------------------------------------------------------------------

#: 1 (full impact study) to 4 (none required); 0 or null: not classified yet
EnvironmentalCategory = whole(0, 4)

PlanPatch = create_model(
    "PlanPatch", __base__=Model, __doc__="Sections left out stay as they are. ``version``: the plan's, as read "
                                         "(optional).",
    version=(int | None, None), environmental_category=(EnvironmentalCategory | None, None),
    **{name: (optional_text(20000) | None, None) for name in SECTIONS})

PlanSections = create_model(
    "PlanSections", __base__=Model, __doc__="The sections page: every section (a blank one is cleared) and the "
                                            "environmental category, with the version the page read.",
    version=(Id | None, None), environmental_category=(EnvironmentalCategory | None, None),
    **{name: (optional_text(20000), "") for name in SECTIONS})


# indicators -------------------------------------------------------------------------------------------

class IndicatorIn(Model):
    code: required_text(60)
    name: required_text(200)
    unit: optional_text(60) = ""
    baseline: AmountStr | None = None
    target: AmountStr | None = None
    by_sex: bool = False


class IndicatorPatch(Patch):
    name: required_text(200) = None
    unit: optional_text(60) | None = None
    baseline: AmountStr | None = None
    target: AmountStr | None = None


class IndicatorValues(Model):
    """One row of the indicators page: baseline and target (blank clears them)."""

    baseline: AmountStr | None = None
    target: AmountStr | None = None


# assessments ------------------------------------------------------------------------------------------

class AssessmentItemIn(Model):
    code: required_text(60)
    #: 0 (nothing yet) to 4 (fully in place)
    score: whole(0, 4)
    evidence: optional_text(2000) = ""


class AssessmentIn(Model):
    items: list[AssessmentItemIn] = Field(max_length=100)


# cash flow --------------------------------------------------------------------------------------------

class CashFlowYearIn(Model):
    #: 0 (the investment year) to 50
    year: whole(0, 50)
    without_revenue: AmountStr | None = None
    without_cost: AmountStr | None = None
    with_revenue: AmountStr | None = None
    with_cost: AmountStr | None = None
    with_investment: AmountStr | None = None


class CashFlowIn(Model):
    years: list[CashFlowYearIn] = Field(max_length=51)


# appraisal and committee reviews ----------------------------------------------------------------------

def _answer(value):
    if value not in ("", *CHECKLIST_ANSWERS):
        raise PydanticCustomError("value_error", gettext("Answer yes, observed or na."))
    return value


class ChecklistAnswerIn(Model):
    #: yes, observed (write the observation in ``note``) or na; empty clears the answer
    answer: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20), AfterValidator(_answer),
                      WithJsonSchema({"type": "string", "enum": ["", *CHECKLIST_ANSWERS]})]
    note: optional_text(2000) = ""


class AppraisalIn(Model):
    """A partial save is kept: the items left out keep their answer; ``opinion`` left out stays."""

    version: int | None = None
    checklist: dict[str, ChecklistAnswerIn] = Field(default_factory=dict)
    opinion: optional_text(20000) | None = None


class ReviewIn(Model):
    #: must be true (``conflict_not_declared``)
    declares_no_conflict: bool | None = None
    #: criterion code -> whole score from 0 to the criterion's max (the call's criteria: checked by the service)
    scores: dict[str, int] | None = None
    #: approve, reject or revise
    recommendation: optional_text(20) | None = None
    comment: optional_text(5000) = ""
