"""API: the plan's sections, indicators, empowerment and capacity assessments, cash flow and revisions."""
from ..api.core import Model, Out, api_user, dump, endpoint, listing, operation, present, reading, rows_of
from ..schemas.types import AmountStr, UtcDateTime
from ..errors import NotFound
from . import services
from .api import TAGS, load_alliance, of_alliance
from .catalog import KINDS, MOMENTS, SECTIONS, items_of
from .models import Indicator, PlanRevision
from .permissions import can_edit_plan, plan_started
from .schemas import AssessmentIn, CashFlowIn, IndicatorIn, IndicatorPatch, PlanPatch

# the plan --------------------------------------------------------------------------------------------


class ViolationOut(Model):
    rule: str
    field: str | None = None
    message: str


class PlanOut(Model):
    alliance_id: int
    state: str
    facilitator_id: int | None = None
    editable: bool
    version: int
    round: int
    submitted_at: UtcDateTime | None = None
    sections: dict[str, str]
    environmental_category: int | None = None
    #: every rule the plan breaks now (empty: it may be submitted)
    violations: list[ViolationOut]


def plan_out(alliance):
    plan = services.ensure_plan(alliance)
    return PlanOut.model_validate({
        "alliance_id": alliance.id, "state": alliance.state, "facilitator_id": alliance.facilitator_id,
        "editable": can_edit_plan(api_user(), alliance), "version": plan.version, "round": plan.round,
        "submitted_at": plan.submitted_at, "sections": {name: getattr(plan, name) or "" for name in SECTIONS},
        "environmental_category": plan.environmental_category,
        "violations": [v.as_dict() for v in services.plan_violations(alliance)],
    }).model_dump(mode="json")


_started = present(load_alliance, plan_started)

reading("/alliances/<int:alliance_id>/plan", summary="The alliance plan: sections and the rules it breaks now",
        response=PlanOut, tags=TAGS, name="plan_get", load=_started, answer=plan_out,
        description="404 until the officer starts the plan (``start_plan``).")


operation("/alliances/<int:alliance_id>/plan", ["PATCH"], summary="Write the plan's sections (facilitator, board)",
          body=PlanPatch, response=PlanOut, tags=TAGS, name="plan_patch", load=_started,
          call=services.update_sections, answer_loaded=plan_out)


class RevisionOut(Out):
    number: int
    submitted_at: UtcDateTime
    submitted_by_id: int | None = None
    changes: list[dict]


listing("/alliances/<int:alliance_id>/plan/revisions", summary="Every submission of the plan, with what changed",
        response=RevisionOut, tags=TAGS, name="plan_revisions", load=_started,
        rows=lambda alliance: rows_of(PlanRevision, alliance, PlanRevision.number),
        answer=lambda r: dump(RevisionOut, {"number": r.number, "submitted_at": r.submitted_at,
                                            "submitted_by_id": r.submitted_by_id, "changes": r.change_list}))


# indicators -------------------------------------------------------------------------------------------

class IndicatorOut(Out):
    id: int
    code: str
    name: str
    unit: str
    baseline: AmountStr | None = None
    target: AmountStr | None = None
    by_sex: bool
    standard: bool
    version: int


_indicator = of_alliance(Indicator)


def _indicator_out(i):
    return dump(IndicatorOut, {"id": i.id, "code": i.code, "name": str(i.title), "unit": str(i.unit_title),
                               "baseline": i.baseline, "target": i.target, "by_sex": i.by_sex,
                               "standard": i.standard, "version": i.version})


listing("/alliances/<int:alliance_id>/indicators", summary="Indicators with baseline and target (the standard set "
        "and custom ones)", response=IndicatorOut, tags=TAGS, name="plan_indicators", load=load_alliance,
        rows=lambda alliance: rows_of(Indicator, alliance, Indicator.position, Indicator.id), answer=_indicator_out)


operation("/alliances/<int:alliance_id>/indicators", ["POST"], summary="Add a custom indicator", body=IndicatorIn,
          response=IndicatorOut, status=201, tags=TAGS, name="plan_add_indicator", load=_started,
          call=services.add_indicator, answer=_indicator_out)
operation("/alliances/<int:alliance_id>/indicators/<int:indicator_id>", ["PATCH"], summary="Set an indicator's "
          "baseline and target", body=IndicatorPatch, response=IndicatorOut, tags=TAGS, name="plan_change_indicator",
          load=_indicator, call=services.update_indicator, answer=_indicator_out)


# assessments ------------------------------------------------------------------------------------------

class AssessmentItemOut(Model):
    number: int
    code: str
    group: str
    title: str
    score: int | None = None
    evidence: str = ""


class AssessmentOut(Model):
    kind: str
    moment: str
    #: mean score of each group, 0.00–4.00
    indexes: dict[str, str]
    assessed_by_id: int | None = None
    updated_at: UtcDateTime | None = None
    version: int
    items: list[AssessmentItemOut]


def assessment_out(alliance, kind, moment, row=None):
    row = row or services.assessment_of(alliance, kind, moment)
    scored = {i.code: i for i in row.items} if row else {}
    items = [{"number": n, "code": code, "group": group, "title": str(title),
              "score": scored[code].score if code in scored else None,
              "evidence": scored[code].evidence if code in scored else ""} for n, code, group, title, _e in items_of(kind)]
    return AssessmentOut.model_validate({
        "kind": kind, "moment": moment, "indexes": {k: str(v) for k, v in services.group_indexes(row).items()},
        "assessed_by_id": row.assessed_by_id if row else None, "updated_at": row.updated_at if row else None,
        "version": row.version if row else 0, "items": items}).model_dump(mode="json")


@endpoint("/alliances/<int:alliance_id>/assessments", summary="Empowerment and capacity assessments (baseline, "
          "closeout)", response=AssessmentOut, many=True, tags=TAGS, name="plan_assessments")
def list_assessments(alliance_id):
    """Always the four (kind × moment); items not scored yet have ``score`` null."""
    alliance = load_alliance(alliance_id)
    return [assessment_out(alliance, kind, moment) for kind in KINDS for moment in MOMENTS]


@endpoint("/alliances/<int:alliance_id>/assessments/<kind>/<moment>", ["PUT"], summary="Score an assessment "
          "(every item 0–4, evidence from 1 up)", body=AssessmentIn, response=AssessmentOut, tags=TAGS,
          name="plan_put_assessment")
def put_assessment(alliance_id, kind, moment, body):
    """``kind``: empowerment or capacity; ``moment``: baseline (facilitator and board, with the plan) or
    closeout (board or officer, during execution and closing)."""
    alliance = load_alliance(alliance_id)
    if kind not in KINDS or moment not in MOMENTS:
        raise NotFound()
    row = services.save_assessment(alliance, kind, moment, body, api_user())
    return assessment_out(alliance, kind, moment, row)

# cash flow --------------------------------------------------------------------------------------------


class CashFlowOut(Model):
    discount_rate: str
    years: list[dict[str, str | int | None]]
    npv: str | None = None
    irr: str | None = None
    irr_exists: bool
    #: why there is no IRR: no_cash_flow, no_sign_change, not_found
    irr_reason: str | None = None
    #: several_possible when the flows change sign more than once
    irr_note: str | None = None
    benefit_cost_ratio: str | None = None
    payback_years: str | None = None


@endpoint("/alliances/<int:alliance_id>/cash-flow", summary="Cash flow without and with the project; NPV, IRR, "
          "benefit/cost, payback", response=CashFlowOut, tags=TAGS, name="plan_cash_flow")
def get_cash_flow(alliance_id):
    """Exact (Decimal). NPV at the program's discount rate; IRR by bisection to 0.00001 %; ``irr`` null
    with ``irr_reason`` when it does not exist."""
    return services.analysis(load_alliance(alliance_id)).as_dict()


operation("/alliances/<int:alliance_id>/cash-flow", ["PUT"], summary="Replace the cash flow (facilitator, board)",
          body=CashFlowIn, response=CashFlowOut, tags=TAGS, name="plan_put_cash_flow", load=load_alliance,
          call=services.save_cash_flow, answer=lambda result: result.as_dict())
