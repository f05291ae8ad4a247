"""Services of the organisation's own plans: they validate, change, flush and write the audit event; they
never commit (views, API and CLI do).

Rule codes (422): ``assessment_missing`` (no scorecard scored for the association's alliances),
``no_weak_items`` (no item scored 0–1 to strengthen), ``capacity_plan_adopted`` (an adopted plan is not
proposed again), ``capacity_plan_empty`` (nothing to adopt), ``date_in_future``, ``participants_missing``,
``leaders_exceed_participants``, ``amount_obtained_missing``; field errors ``required``/``invalid``."""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import audit
from ..alliances import offers
from ..alliances.catalog import ITEMS
from ..alliances.models import Alliance
from ..common import utcnow
from ..errors import Collector, Forbidden, NotFound, RuleViolation, Violation
from ..extensions import db
from ..money import ZERO
from ..parsing import check_version, fail
from ..schemas.fields import as_body, written
from ..workflows import rules
from ..workflows.organisation import (ACTION_MOVES, CAPACITY_ACTION, CAPACITY_PLAN, FUND_APPLICATION,
                                      FUND_MOVES)
from .models import (CapacityAction, CapacityPlan, FundApplication, StrategicAction, StrategicObjective,
                     StrategicPlan, Training)
from .permissions import can_edit_organisation
from .schemas import (AdoptionIn, CapacityActionEdit, CapacityActionPatch, FundIn,
                      SettleIn, StrategicPlanIn, TrainingIn)

#: the kind of action proposed for a weak item, by its group of the scorecard
KIND_BY_GROUP = {"social": "coaching", "political": "exchange_visit", "economic": "training",
                 "capacity": "training", "gender": "coaching"}
KIND_TITLES = {"training": _l("Training"), "coaching": _l("Coaching"), "exchange_visit": _l("Exchange visit")}
STATE_TITLES = {"pending": _l("Pending"), "in_progress": _l("In progress"), "done": _l("Done"),
                "dropped": _l("Dropped")}
FUND_STATE_TITLES = {"applied": _l("Applied for"), "obtained": _l("Obtained"), "refused": _l("Refused")}


def today():
    return utcnow().date()


def _require_board(association, actor):
    if not can_edit_organisation(actor, association):
        raise Forbidden(_l("Only the association's board keeps its plans and registers."))


def _not_future(value, key, c):
    if value is not None and value > today():
        c.add(rules.DATE_IN_FUTURE, _l("The date cannot be in the future."), key)


def _required(value, key, c):
    """A text the schema let through blank (it is refused here, listed with the other rules)."""
    if not value:
        c.add(rules.REQUIRED, _l("This field is required."), key)
    return value


# -- the strategic plan -------------------------------------------------------------------------------

def strategic_plan_of(association):
    return db.session.execute(sa.select(StrategicPlan).where(
        StrategicPlan.association_id == association.id)).scalar_one_or_none()


def _plan_for(association):
    plan = strategic_plan_of(association)
    if plan is None:
        plan = StrategicPlan(association_id=association.id, period="", review_reference="")
        db.session.add(plan)
    return plan


def _strip(value):
    return (value or "").strip()


def save_strategic_plan(association, body: StrategicPlanIn, actor):
    """Replace the strategic plan with ``body`` (``StrategicPlanIn``: ``period``, ``reviewed_on``,
    ``review_reference``, ``objectives`` ``[{"title", "actions": [{"description", "responsible", "due_on",
    "state"}]}]``, ``version``: the one read, no check when absent; a mapping is read as a form is). The board
    only. Raises ``Forbidden``, ``StaleVersion``, ``ValidationFailed`` / ``RuleViolation`` (``date_in_future``)."""
    body = as_body(StrategicPlanIn, body)
    _require_board(association, actor)
    plan = strategic_plan_of(association)
    if plan is not None:
        check_version(plan, body.version)
    c = Collector()
    period, reference = _strip(body.period), _strip(body.review_reference)
    _not_future(body.reviewed_on, "reviewed_on", c)
    if body.reviewed_on is not None and not reference:
        c.add(rules.REQUIRED, _l("Give the reference of the assembly's minutes (book, page or number)."),
              "review_reference")
    objectives = []
    for i, item in enumerate(body.objectives):
        key = f"objectives.{i}"
        actions = [StrategicAction(position=j + 1,
                                   description=_required(_strip(a.description), f"{key}.actions.{j}.description", c),
                                   responsible=_strip(a.responsible), due_on=a.due_on, state=a.state)
                   for j, a in enumerate(item.actions)]
        objectives.append(StrategicObjective(position=i + 1, title=_required(_strip(item.title), f"{key}.title", c),
                                             actions=actions))
    fail(c)
    plan = _plan_for(association)
    plan.period, plan.reviewed_on, plan.review_reference = period, body.reviewed_on, reference
    plan.objectives = objectives
    plan.updated_by_id = actor.id
    plan.updated_at = utcnow()
    db.session.flush()
    audit.record("strategic_plan", plan.id, "save_strategic_plan", actor, association_id=association.id,
                 data={"objectives": len(objectives), "actions": sum(len(o.actions) for o in objectives),
                       "reviewed_on": body.reviewed_on.isoformat() if body.reviewed_on else None})
    return plan


def plan_as_data(plan):
    """The plan as ``save_strategic_plan`` reads it (for the pages' forms that add or change one thing)."""
    if plan is None:
        return {"period": "", "reviewed_on": None, "review_reference": "", "objectives": []}
    return {"period": plan.period, "reviewed_on": plan.reviewed_on, "review_reference": plan.review_reference,
            "objectives": [{"title": o.title, "actions": [
                {"description": a.description, "responsible": a.responsible, "due_on": a.due_on, "state": a.state}
                for a in o.actions]} for o in plan.objectives]}


# -- the capacity-strengthening plan ----------------------------------------------------------------

def capacity_plan_of(association):
    return db.session.execute(sa.select(CapacityPlan).where(
        CapacityPlan.association_id == association.id)).scalar_one_or_none()


def latest_scores(association):
    """The latest scored scorecard of the association, by kind: ``(alliance, {code: score})`` of the most
    recent alliance with an assessment (the closeout score before the baseline). ``(None, {})`` when none."""
    assessment_of = offers.offered("assessment_of")
    if assessment_of is None:
        return None, {}
    alliances = db.session.execute(sa.select(Alliance).where(Alliance.association_id == association.id)
                                   .order_by(Alliance.id.desc()).limit(20)).scalars()
    for alliance in alliances:
        scores, found = {}, False
        for kind in ("capacity", "empowerment"):
            for moment in ("closeout", "baseline"):
                assessment = assessment_of(alliance, kind, moment)
                if assessment is not None and assessment.items:
                    scores.update(assessment.scores())
                    found = True
                    break
        if found:
            return alliance, scores
    return None, {}


def propose_capacity_plan(association, actor):
    """Propose one action (training, coaching or exchange visit) for each item of the association's latest
    assessment scored 0 or 1, as a draft the board edits and adopts. Replaces an earlier draft.
    Raises ``Forbidden``, ``RuleViolation`` (``assessment_missing``, ``no_weak_items``,
    ``capacity_plan_adopted``)."""
    _require_board(association, actor)
    plan = capacity_plan_of(association)
    if plan is not None and plan.state == "adopted":
        raise RuleViolation([Violation(rules.CAPACITY_PLAN_ADOPTED, _l(
            "The capacity plan is already adopted: record its trainings, or change its actions one by one."))])
    alliance, scores = latest_scores(association)
    if alliance is None:
        raise RuleViolation([Violation(rules.ASSESSMENT_MISSING, _l(
            "No alliance of the association has its scorecard scored yet: score it first."))])
    weak = sorted(((ITEMS[code][0], code, score) for code, score in scores.items()
                   if code in ITEMS and score <= 1))
    if not weak:
        raise RuleViolation([Violation(rules.NO_WEAK_ITEMS, _l(
            "No item of the scorecard is scored 0 or 1: there is nothing urgent to strengthen."))])
    if plan is None:
        plan = CapacityPlan(association_id=association.id, state="draft")
        db.session.add(plan)
    plan.source_alliance_id = alliance.id
    plan.actions = [CapacityAction(position=i + 1, item_code=code, score=score,
                                   kind=KIND_BY_GROUP.get(ITEMS[code][1], "training"),
                                   description=str(_l("Strengthen: %(item)s", item=ITEMS[code][2]))[:500],
                                   responsible="", state="pending")
                    for i, (_n, code, score) in enumerate(weak)]
    plan.updated_at = utcnow()
    db.session.flush()
    audit.record("capacity_plan", plan.id, "propose_capacity_plan", actor, association_id=association.id,
                 alliance_id=alliance.id, data={"items": [code for _n, code, _s in weak]})
    return plan


def update_capacity_action(association, action_id, body, actor):
    """Change one action of the capacity plan: ``body`` a ``CapacityActionPatch`` (the fields given change) or a
    ``CapacityActionEdit`` (the page: the whole action; a mapping is read as one). A blank kind or state stays.
    Raises ``Forbidden``, ``NotFound``, ``ValidationFailed``."""
    if not isinstance(body, CapacityActionPatch):
        body = as_body(CapacityActionEdit, body)
    _require_board(association, actor)
    plan = capacity_plan_of(association)
    action = next((a for a in (plan.actions if plan else []) if a.id == action_id), None)
    if action is None:
        raise NotFound(_l("Not found."))
    values = written(body, partial=(CapacityActionPatch,))
    c = Collector()
    kind = values.get("kind") or action.kind
    description = _required(values.get("description", action.description), "description", c)
    responsible = values.get("responsible", action.responsible)
    due_on = values.get("due_on", action.due_on)
    state = values.get("state") or action.state
    fail(c)
    action.kind, action.description, action.responsible, action.due_on = kind, description, responsible, due_on
    if state != action.state:
        CAPACITY_ACTION.apply(action, ACTION_MOVES[state], actor)
    plan.updated_at = utcnow()
    db.session.flush()
    audit.record("capacity_plan", plan.id, "update_capacity_action", actor, association_id=association.id,
                 data={"action_id": action.id, "state": state})
    return action


def adopt_capacity_plan(association, actor, body=None):
    """The board adopts the plan (``body``: ``AdoptionIn``, the date of its decision, today when absent; a date
    alone is read as its ``adopted_on``). Raises ``Forbidden``, ``ValidationFailed``, ``RuleViolation``
    (``capacity_plan_empty``, ``capacity_plan_adopted``, ``date_in_future``)."""
    if not isinstance(body, AdoptionIn):
        body = as_body(AdoptionIn, {"adopted_on": body})
    _require_board(association, actor)
    plan = capacity_plan_of(association)
    c = Collector()
    if plan is None or not plan.actions:
        c.add(rules.CAPACITY_PLAN_EMPTY, _l("Propose the plan from the assessment before adopting it."))
    elif plan.state == "adopted":
        c.add(rules.CAPACITY_PLAN_ADOPTED, _l("The capacity plan is already adopted."))
    when = body.adopted_on or today()
    _not_future(when, "adopted_on", c)
    fail(c)

    def effect(obj, _t, _data):
        obj.adopted_on, obj.adopted_by_id = when, actor.id

    CAPACITY_PLAN.apply(plan, "adopt_capacity_plan", actor, data={"adopted_on": when.isoformat()}, effect=effect)
    db.session.flush()
    return plan


# -- registers --------------------------------------------------------------------------------------

def record_training(association, body: TrainingIn, actor):
    """Register a training held (``TrainingIn``: ``topic``, ``held_on``, ``women``, ``men``, ``women_leaders``,
    ``youth_leaders``, ``capacity_action_id`` (optional), ``notes``; a mapping is read as a form is). Raises
    ``Forbidden``, ``ValidationFailed``, ``RuleViolation`` (``date_in_future``, ``participants_missing``,
    ``leaders_exceed_participants``)."""
    body = as_body(TrainingIn, body)
    _require_board(association, actor)
    c = Collector()
    topic = _required(body.topic, "topic", c)
    _not_future(body.held_on, "held_on", c)
    counts = {k: getattr(body, k) for k in ("women", "men", "women_leaders", "youth_leaders")}
    if not c.violations and counts["women"] + counts["men"] == 0:
        c.add(rules.PARTICIPANTS_MISSING, _l("Give how many women and men took part."), "women")
    if counts["women_leaders"] > counts["women"]:
        c.add(rules.LEADERS_EXCEED_PARTICIPANTS,
              _l("More women took a leadership role than women took part."), "women_leaders")
    if counts["youth_leaders"] > counts["women"] + counts["men"]:
        c.add(rules.LEADERS_EXCEED_PARTICIPANTS,
              _l("More young people took a leadership role than people took part."), "youth_leaders")
    action = None
    if body.capacity_action_id is not None:
        plan = capacity_plan_of(association)
        action = next((a for a in (plan.actions if plan else []) if a.id == body.capacity_action_id), None)
        if action is None:
            c.add(rules.INVALID, _l("Choose an action of the association's capacity plan."), "capacity_action_id")
    fail(c)
    training = Training(association_id=association.id, topic=topic, held_on=body.held_on, notes=body.notes,
                        capacity_action_id=action.id if action else None, recorded_by_id=actor.id, **counts)
    db.session.add(training)
    db.session.flush()
    audit.record("training", training.id, "record_training", actor, association_id=association.id,
                 data={"held_on": body.held_on.isoformat(), **counts})
    return training


def _fund_fields(body, c):
    source = _required(body.source, "source", c)
    _not_future(body.applied_on, "applied_on", c)
    obtained = body.amount_obtained if body.state == "obtained" else None
    if body.state == "obtained" and obtained is None:
        c.add(rules.AMOUNT_OBTAINED_MISSING, _l("Give the amount obtained."), "amount_obtained")
    return dict(source=source, purpose=body.purpose, applied_on=body.applied_on,
                amount_requested=body.amount_requested, state=body.state, amount_obtained=obtained)


def record_fund(association, body: FundIn, actor):
    """Register an application for other funds (``FundIn``: ``source``, ``purpose``, ``applied_on``,
    ``amount_requested``, ``state`` (applied/obtained/refused), ``amount_obtained`` (when obtained); a mapping
    is read as a form is). Raises ``Forbidden``, ``ValidationFailed``, ``RuleViolation`` (``date_in_future``,
    ``amount_obtained_missing``)."""
    body = as_body(FundIn, body)
    _require_board(association, actor)
    c = Collector()
    fields = _fund_fields(body, c)
    fail(c)
    fund = FundApplication(association_id=association.id, recorded_by_id=actor.id, **fields)
    db.session.add(fund)
    db.session.flush()
    audit.record("fund_application", fund.id, "record_fund", actor, association_id=association.id,
                 data={"state": fund.state, "amount_requested": str(fund.amount_requested)})
    return fund


def settle_fund(association, fund, body: SettleIn, actor):
    """Record the result of an application (``SettleIn``): ``state`` obtained (with ``amount_obtained``) or
    refused; a blank state stays. Raises ``Forbidden``, ``ValidationFailed``, ``RuleViolation``
    (``amount_obtained_missing``)."""
    body = as_body(SettleIn, body)
    _require_board(association, actor)
    c = Collector()
    state = body.state or fund.state
    obtained = body.amount_obtained
    if state == "obtained" and obtained is None:
        c.add(rules.AMOUNT_OBTAINED_MISSING, _l("Give the amount obtained."), "amount_obtained")
    fail(c)
    fund.amount_obtained = obtained if state == "obtained" else None
    data = {"amount_obtained": str(fund.amount_obtained) if fund.amount_obtained is not None else None}
    if state != fund.state:
        FUND_APPLICATION.apply(fund, FUND_MOVES[state], actor, data=data)
    else:  # the same result, its amount corrected
        audit.record("fund_application", fund.id, "settle_fund", actor, association_id=association.id,
                     from_state=state, to_state=state, data=data)
    db.session.flush()
    return fund


# -- ASOCAM's indicators ---------------------------------------------------------------------------

def indicators(association):
    """The figures that feed ASOCAM's economic, social and political indicators (a few grouped statements):
    economic: other funds applied for and obtained; social: trainings and participants by sex;
    political: leadership roles taken by women and youth, the strategic plan reviewed in assembly and its
    actions done."""
    aid = association.id
    funds = db.session.execute(sa.select(FundApplication.state, sa.func.count(FundApplication.id))
                               .where(FundApplication.association_id == aid)
                               .group_by(FundApplication.state)).all()
    obtained_rows = db.session.execute(sa.select(FundApplication.amount_obtained, FundApplication.source).where(
        FundApplication.association_id == aid, FundApplication.state == "obtained")).all()
    t = db.session.execute(sa.select(
        sa.func.count(Training.id), sa.func.coalesce(sa.func.sum(Training.women), 0),
        sa.func.coalesce(sa.func.sum(Training.men), 0), sa.func.coalesce(sa.func.sum(Training.women_leaders), 0),
        sa.func.coalesce(sa.func.sum(Training.youth_leaders), 0)).where(Training.association_id == aid)).one()
    plan = strategic_plan_of(association)
    actions = [a for o in (plan.objectives if plan else []) for a in o.actions]
    by_state = dict(funds)
    participants = int(t[1]) + int(t[2])
    return {
        "economic": {"funds_applied": sum(by_state.values()), "funds_obtained": by_state.get("obtained", 0),
                     "amount_obtained": sum((r[0] or ZERO for r in obtained_rows), ZERO),
                     "sources_obtained": len({r[1].strip().lower() for r in obtained_rows})},
        "social": {"trainings": int(t[0]), "women": int(t[1]), "men": int(t[2]), "participants": participants},
        "political": {"women_leaders": int(t[3]), "youth_leaders": int(t[4]),
                      "plan_reviewed_on": plan.reviewed_on if plan else None,
                      "actions": len(actions), "actions_done": sum(1 for a in actions if a.state == "done")},
    }

