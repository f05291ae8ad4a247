"""The business intention's models: the inputs of its operations, one model each (issue 14: the API's body, the
pages' forms and the services use the same), and the API's answers."""
from datetime import date
from decimal import Decimal
from typing import Literal

from flask_babel import gettext
from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from ..schemas.fields import optional_text
from ..schemas import Model, Out
from ..schemas.types import AmountStr, Id, RatioStr, UtcDateTime

#: the letter of intent's fields in the API (nested) and on the page and in the profile (flat, ``loi_``)
LOI_FIELDS = {"volume": "loi_volume", "unit": "loi_unit", "price": "loi_price", "quality": "loi_quality",
              "delivery_schedule": "loi_delivery", "signed_on": "loi_signed_on"}


class LetterOfIntent(Model):
    volume: AmountStr | None = None
    unit: optional_text(30) | None = None
    price: AmountStr | None = None
    quality: optional_text(2000) | None = None
    delivery_schedule: optional_text(2000) | None = None
    signed_on: date | None = None


class ProfileIn(Model):
    """Fields left out stay as they are (null: empty, or zero for an amount). ``version``: the profile's,
    required once it exists."""

    version: int | None = None
    location: optional_text(200) | None = None
    business_idea: optional_text(5000) | None = None
    market_opportunity: optional_text(5000) | None = None
    current_production: optional_text(5000) | None = None
    current_sales: AmountStr | None = None
    estimated_investment: AmountStr | None = None
    letter_of_intent: LetterOfIntent | None = None

    def profile_fields(self):
        """The profile's columns this body writes (the letter's fields flat, as ``loi_*``)."""
        out = {k: v for k, v in self.given().items() if k not in ("version", "letter_of_intent")}
        if self.letter_of_intent is not None:
            out.update({LOI_FIELDS[k]: v for k, v in self.letter_of_intent.given().items()})
        return out


class ProfileEdit(Model):
    """The business intention's page: the whole profile again, flat as the form is (a blank text is
    cleared, a blank amount is zero, a blank date none), with the version the page read."""

    version: Id | None = None
    location: optional_text(200) = ""
    business_idea: optional_text(5000) = ""
    market_opportunity: optional_text(5000) = ""
    current_production: optional_text(5000) = ""
    current_sales: AmountStr = Decimal("0.00")
    estimated_investment: AmountStr = Decimal("0.00")
    loi_volume: AmountStr = Decimal("0.00")
    loi_unit: optional_text(30) = ""
    loi_price: AmountStr = Decimal("0.00")
    loi_quality: optional_text(2000) = ""
    loi_delivery: optional_text(2000) = ""
    loi_signed_on: date | None = None

    def profile_fields(self):
        return {name: getattr(self, name) for name in type(self).model_fields if name != "version"}


class BuyerOut(Out):
    id: int
    name: str
    tax_id: str | None = None


class AttachmentRef(Out):
    id: int
    kind: str
    filename: str
    sha256: str


class LetterOfIntentOut(Out):
    volume: AmountStr
    unit: str
    price: AmountStr
    quality: str
    delivery_schedule: str
    signed_on: date | None = None
    attached: bool


class ProfileOut(Out):
    alliance_id: int
    code: str
    state: str
    #: 0 while the board has not saved a profile yet
    version: int
    editable: bool
    title: str
    product: str
    buyer: BuyerOut | None = None
    families: int
    requested_grant: AmountStr
    estimated_counterpart: AmountStr
    counterpart_share: RatioStr
    location: str
    business_idea: str
    market_opportunity: str
    current_production: str
    current_sales: AmountStr
    estimated_investment: AmountStr
    letter_of_intent: LetterOfIntentOut
    attachments: list[AttachmentRef]


class CheckOut(Out):
    rule: str
    field: str | None = None
    message: str


class EligibilityOut(Out):
    alliance_id: int
    eligible: bool
    violations: list[CheckOut]


class CriterionScore(Out):
    code: str
    name: str
    weight: int
    max: int
    score: int | None = None
    comment: str | None = None
    officer: str | None = None
    scored_at: UtcDateTime | None = None


class ScreeningOut(Out):
    alliance_id: int
    state: str
    #: out of 100: the sum of weight × score / max, as a string with two decimals
    total: str
    complete: bool
    criteria: list[CriterionScore]


class ScreeningIn(Model):
    """``scores``: criterion code -> whole number from 0 to the criterion's max (others are kept); the
    call's criteria and their maxima are checked by the service (``score_out_of_range``)."""

    scores: dict[str, int] = {}
    comments: dict[str, optional_text(2000) | None] | None = None


class FieldChange(Out):
    model_config = {"from_attributes": True, "populate_by_name": True, "serialize_by_alias": True}

    field: str
    label: str
    from_: object = Field(None, alias="from")
    to: object = None


class ChangesOut(Out):
    fields: list[FieldChange]
    members_added: list[int]
    members_removed: list[int]
    attachments_added: list[dict]
    attachments_removed: list[dict]


class RevisionOut(Out):
    number: int
    submitted_at: UtcDateTime
    submitted_by: str | None = None
    snapshot: dict
    #: what changed since the previous submission (null for the first)
    changes: ChangesOut | None = None


class QueueItem(Out):
    id: int
    code: str
    title: str
    association: str
    region: str
    call_id: int
    families: int
    requested_grant: AmountStr
    submitted_at: UtcDateTime
    age_days: int
    submissions: int


class RankedOut(Out):
    rank: int
    alliance_id: int
    code: str
    title: str
    association: str
    region: str
    families: int
    score: str
    requested_grant: AmountStr
    running_total: AmountStr | None = None
    within_envelope: bool
    state: str


class PreselectionOut(Out):
    call_id: int
    currency: str
    envelope: AmountStr
    preselected_total: AmountStr
    can_decide: bool
    items: list[RankedOut]


class Decision(Model):
    alliance_id: Id
    action: Literal["preselect", "not_select"]


class PreselectionIn(Model):
    """The committee's decisions in one session (the API's body; the page's ticked intentions and its button).
    Whether each intention is of the call, seen by the actor, and named once, is the service's
    (grants/proposals/preselection.py)."""

    decisions: list[Decision] = Field(min_length=1, max_length=500)
    comment: str | None = Field(None, max_length=2000)

    @field_validator("decisions", mode="before")
    @classmethod
    def _chosen(cls, value):
        if isinstance(value, list) and not value:
            raise PydanticCustomError("value_error", gettext("Choose at least one intention."))
        return value


class MinutesOut(Out):
    id: int
    call_id: int
    number: int
    created_at: UtcDateTime
    created_by: str | None = None
    alliance_ids: list[int]
    comment: str | None = None
    document: str
