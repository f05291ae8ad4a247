"""The inputs of the organisation's own plans and registers, one model per operation (issue 14): replace the
strategic plan (``StrategicPlanIn``), change one action of the capacity plan (``CapacityActionPatch`` in the
API, ``CapacityActionEdit`` on the page: the whole action as its form shows it), adopt the capacity plan
(``AdoptionIn``), register a training (``TrainingIn``), register an application for other funds (``FundIn``)
and record its result (``SettleIn``). The API validates its body against them, the pages their forms
(``from_form``); the services (grants/organisation/services.py) receive the validated model and check the
rules: a title or description left blank (listed with the others), dates not in the future, participants and
leadership roles, the amount obtained, the capacity plan's action."""
from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from ..schemas import Model
from ..schemas.fields import optional_text, whole
from ..schemas.types import AmountStr, Id
from .models import ACTION_STATES, CAPACITY_KINDS, FUND_STATES

MAX_OBJECTIVES = 30
MAX_ACTIONS = 50
#: the most people one training may count in each column
MAX_PEOPLE = 100000


class ActionIO(BaseModel):
    description: str = Field(max_length=500)
    responsible: str = Field("", max_length=200)
    due_on: date | None = None
    state: Literal[ACTION_STATES] = "pending"


class ObjectiveIO(BaseModel):
    title: str = Field(max_length=300)
    actions: list[ActionIO] = Field(default_factory=list, max_length=MAX_ACTIONS)


class StrategicPlanIn(Model):
    period: str = Field("", max_length=40)
    reviewed_on: date | None = Field(None, description="the assembly that reviewed the plan")
    review_reference: str = Field("", max_length=200, description="the minutes: book, page or number")
    objectives: list[ObjectiveIO] = Field(default_factory=list, max_length=MAX_OBJECTIVES)
    version: int | None = Field(None, ge=0, description="the version read; 0 or absent for a new plan")


class CapacityActionPatch(Model):
    """The API's correction: the fields given change, the others stay."""

    kind: Literal[CAPACITY_KINDS] = None
    description: optional_text(500) = None
    responsible: optional_text(200) = None
    due_on: date | None = None
    state: Literal[ACTION_STATES] = None


class CapacityActionEdit(Model):
    """The page's form: the whole action again (a blank responsible or date is cleared; a blank kind or state
    stays as it is)."""

    kind: Literal[CAPACITY_KINDS] | None = None
    description: optional_text(500) = ""
    responsible: optional_text(200) = ""
    due_on: date | None = None
    state: Literal[ACTION_STATES] | None = None


class AdoptionIn(Model):
    adopted_on: date | None = Field(None, description="the date of the board's decision (today when absent)")


class TrainingIn(Model):
    topic: optional_text(300)
    held_on: date
    women: whole(0, MAX_PEOPLE) = 0
    men: whole(0, MAX_PEOPLE) = 0
    women_leaders: whole(0, MAX_PEOPLE) = Field(0, description="leadership roles taken by women")
    youth_leaders: whole(0, MAX_PEOPLE) = Field(0, description="leadership roles taken by youth")
    capacity_action_id: Id | None = None
    notes: optional_text(500) = ""


class FundIn(Model):
    source: optional_text(200)
    purpose: optional_text(300) = ""
    applied_on: date
    amount_requested: AmountStr
    state: Literal[FUND_STATES] = "applied"
    amount_obtained: AmountStr | None = None


class SettleIn(Model):
    """The result of an application (a blank state stays as it is)."""

    state: Literal[FUND_STATES] | None = None
    amount_obtained: AmountStr | None = None
