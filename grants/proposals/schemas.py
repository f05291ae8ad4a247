"""Request and response models of the business-intention API (see api.py)."""
from datetime import date
from typing import Literal

from pydantic import Field

from ..api.core import Model, Out
from ..schemas.types import AmountStr, Id, RatioStr, UtcDateTime

class LetterOfIntent(Model):
    volume: AmountStr | None = None
    unit: str | None = Field(None, max_length=30)
    price: AmountStr | None = None
    quality: str | None = Field(None, max_length=2000)
    delivery_schedule: str | None = Field(None, max_length=2000)
    signed_on: date | None = None


class ProfileIn(Model):
    """Fields left out stay as they are. ``version``: the profile's, required once it exists."""

    version: int | None = None
    location: str | None = Field(None, max_length=200)
    business_idea: str | None = Field(None, max_length=5000)
    market_opportunity: str | None = Field(None, max_length=5000)
    current_production: str | None = Field(None, max_length=5000)
    current_sales: AmountStr | None = None
    estimated_investment: AmountStr | None = None
    letter_of_intent: LetterOfIntent | None = None


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
    """``scores``: criterion code -> whole number from 0 to the criterion's max (others are kept)."""

    scores: dict[str, int] = {}
    comments: dict[str, str | None] | None = None


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
    decisions: list[Decision] = Field(min_length=1, max_length=500)
    comment: str | None = Field(None, max_length=2000)


class MinutesOut(Out):
    id: int
    call_id: int
    number: int
    created_at: UtcDateTime
    created_by: str | None = None
    alliance_ids: list[int]
    comment: str | None = None
    document: str
