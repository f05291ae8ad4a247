"""API endpoints of the organisation's own plans (API.md: ``/associations/{id}/strategic-plan``; the rest
added): the strategic plan (GET, PUT), the capacity plan (GET; POST ``proposal`` and ``adoption``; PATCH an
action), the trainings register and the register of other funds (GET, POST), ASOCAM's indicators (GET).
Whoever may see the association reads; its board writes (403 otherwise); another association is 404.
Rules (422, all listed): ``assessment_missing``, ``no_weak_items``, ``capacity_plan_adopted``,
``capacity_plan_empty``, ``date_in_future``, ``participants_missing``, ``leaders_exceed_participants``,
``amount_obtained_missing``, ``invalid``, ``required``."""
from datetime import date

from pydantic import BaseModel

from ..api.core import Out, api_user, endpoint, load, page_args
from ..schemas.types import MoneyStr, UtcDateTime
from ..associations.models import Association
from ..errors import NotFound
from ..extensions import db
from . import services
from .models import FundApplication, Training
from .schemas import AdoptionIn, CapacityActionPatch, FundIn, ObjectiveIO, StrategicPlanIn, TrainingIn
from .permissions import can_view_organisation

TAGS = ("organisation",)


def _load(association_id):
    return load(Association, association_id, lambda a: can_view_organisation(api_user(), a))


# -- the strategic plan ---------------------------------------------------------------------------

class StrategicPlanOut(Out):
    association_id: int
    period: str
    reviewed_on: date | None = None
    review_reference: str
    objectives: list[ObjectiveIO]
    version: int
    updated_at: UtcDateTime | None = None


def _plan_out(association, plan):
    data = services.plan_as_data(plan)
    return StrategicPlanOut(association_id=association.id, version=plan.version if plan else 0,
                            updated_at=plan.updated_at if plan else None, **data).model_dump(mode="json")


@endpoint("/associations/<int:association_id>/strategic-plan", summary="The association's strategic plan",
          response=StrategicPlanOut, tags=TAGS, name="get_strategic_plan")
def get_strategic_plan(association_id):
    association = _load(association_id)
    return _plan_out(association, services.strategic_plan_of(association))


@endpoint("/associations/<int:association_id>/strategic-plan", ["PUT"], summary="Replace the strategic plan",
          body=StrategicPlanIn, response=StrategicPlanOut, tags=TAGS, name="put_strategic_plan")
def put_strategic_plan(association_id, body):
    """The association's board. A stale ``version`` gives 409 ``stale_version``."""
    association = _load(association_id)
    if body.version is None and services.strategic_plan_of(association) is not None:
        body = body.model_copy(update={"version": -1})  # the plan exists: the client must say which version it read
    services.save_strategic_plan(association, body, api_user())
    return _plan_out(association, services.strategic_plan_of(association))


# -- the capacity plan -----------------------------------------------------------------------------

class CapacityActionOut(Out):
    id: int
    item_code: str
    score: int | None = None
    kind: str
    description: str
    responsible: str
    due_on: date | None = None
    state: str


class CapacityPlanOut(Out):
    association_id: int
    state: str
    source_alliance_id: int | None = None
    adopted_on: date | None = None
    actions: list[CapacityActionOut]
    version: int


def _capacity_out(association):
    plan = services.capacity_plan_of(association)
    if plan is None:
        raise NotFound("Not found.")
    return CapacityPlanOut.model_validate(plan, from_attributes=True).model_dump(mode="json")


@endpoint("/associations/<int:association_id>/capacity-plan", summary="The capacity-strengthening plan",
          response=CapacityPlanOut, tags=TAGS, name="get_capacity_plan")
def get_capacity_plan(association_id):
    """404 while none was proposed."""
    return _capacity_out(_load(association_id))


@endpoint("/associations/<int:association_id>/capacity-plan/proposal", ["POST"],
          summary="Propose the capacity plan from the items of the latest assessment scored 0–1",
          response=CapacityPlanOut, status=201, tags=TAGS, name="propose_capacity_plan")
def propose_capacity_plan(association_id):
    association = _load(association_id)
    services.propose_capacity_plan(association, api_user())
    return _capacity_out(association)


@endpoint("/associations/<int:association_id>/capacity-plan/actions/<int:action_id>", ["PATCH"],
          summary="Change one action of the capacity plan", body=CapacityActionPatch, response=CapacityPlanOut,
          tags=TAGS, name="update_capacity_action")
def update_capacity_action(association_id, action_id, body):
    association = _load(association_id)
    services.update_capacity_action(association, action_id, body, api_user())
    return _capacity_out(association)


@endpoint("/associations/<int:association_id>/capacity-plan/adoption", ["POST"],
          summary="The board adopts the capacity plan", body=AdoptionIn, response=CapacityPlanOut, status=201,
          tags=TAGS, name="adopt_capacity_plan")
def adopt_capacity_plan(association_id, body):
    association = _load(association_id)
    services.adopt_capacity_plan(association, api_user(), body)
    return _capacity_out(association)


# -- registers ------------------------------------------------------------------------------------

class TrainingOut(Out):
    id: int
    association_id: int
    topic: str
    held_on: date
    women: int
    men: int
    women_leaders: int
    youth_leaders: int
    capacity_action_id: int | None = None
    notes: str


class FundOut(Out):
    id: int
    association_id: int
    source: str
    purpose: str
    applied_on: date
    amount_requested: MoneyStr
    state: str
    amount_obtained: MoneyStr | None = None
    version: int


def _list(model, association, order, out):
    page, per_page = page_args()
    query = db.select(model).where(model.association_id == association.id)
    total = db.session.execute(db.select(db.func.count()).select_from(query.subquery())).scalar()
    rows = db.session.execute(query.order_by(*order).limit(per_page).offset((page - 1) * per_page)).scalars()
    return {"items": [out.model_validate(r, from_attributes=True).model_dump(mode="json") for r in rows],
            "page": page, "per_page": per_page, "total": total}


@endpoint("/associations/<int:association_id>/trainings", summary="The trainings held", response=TrainingOut,
          paginated=True, tags=TAGS, name="list_trainings")
def list_trainings(association_id):
    return _list(Training, _load(association_id), (Training.held_on.desc(), Training.id.desc()), TrainingOut)


@endpoint("/associations/<int:association_id>/trainings", ["POST"], summary="Register a training held",
          body=TrainingIn, response=TrainingOut, status=201, tags=TAGS, name="record_training")
def record_training(association_id, body):
    training = services.record_training(_load(association_id), body, api_user())
    return TrainingOut.model_validate(training, from_attributes=True).model_dump(mode="json")


@endpoint("/associations/<int:association_id>/funds", summary="Other funds applied for and obtained",
          response=FundOut, paginated=True, tags=TAGS, name="list_funds")
def list_funds(association_id):
    return _list(FundApplication, _load(association_id),
                 (FundApplication.applied_on.desc(), FundApplication.id.desc()), FundOut)


@endpoint("/associations/<int:association_id>/funds", ["POST"], summary="Register an application for other funds",
          body=FundIn, response=FundOut, status=201, tags=TAGS, name="record_fund")
def record_fund(association_id, body):
    fund = services.record_fund(_load(association_id), body, api_user())
    return FundOut.model_validate(fund, from_attributes=True).model_dump(mode="json")


class IndicatorsOut(BaseModel):
    economic: dict
    social: dict
    political: dict


@endpoint("/associations/<int:association_id>/organisation-indicators",
          summary="ASOCAM's economic, social and political indicators of the association", response=IndicatorsOut,
          tags=TAGS, name="organisation_indicators")
def organisation_indicators(association_id):
    ind = services.indicators(_load(association_id))
    ind["economic"]["amount_obtained"] = f'{ind["economic"]["amount_obtained"]:.2f}'
    reviewed = ind["political"]["plan_reviewed_on"]
    ind["political"]["plan_reviewed_on"] = reviewed.isoformat() if reviewed else None
    return ind
