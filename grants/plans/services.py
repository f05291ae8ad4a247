"""Services of the plan: its text sections, indicators, empowerment and capacity assessments, the cash
flow, and the rules a plan must meet to be submitted. None commits."""
from decimal import Decimal

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from .. import audit
from ..alliances import offers
from ..alliances.catalog import group_indexes  # noqa: F401  (public here too: plans views, API and PDF)
from ..alliances.figures import financing_violations, tranche_violations
from ..errors import Collector, Forbidden, NotFound, Violation
from ..extensions import db
from ..common import utcnow
from ..workflows import rules
from .budget import require_editor
from .catalog import ENVIRONMENTAL_CATEGORIES, KINDS, MOMENTS, SECTIONS, STANDARD_INDICATORS, items_of
from .finance import analyse
from .models import Assessment, AssessmentItem, CashFlowYear, Indicator, Plan
from ..parsing import check_version, fail
from .permissions import can_edit_closeout_assessment
from .schemas import (AssessmentIn, CashFlowIn, IndicatorIn, IndicatorPatch, IndicatorValues, PlanPatch, PlanSections,
                      written)

MONEY_FIELDS = ("without_revenue", "without_cost", "with_revenue", "with_cost", "with_investment")


def ensure_plan(alliance):
    """The alliance's plan, created with the standard indicators when it does not exist yet."""
    plan = alliance.plan
    if plan is None:
        plan = Plan(alliance_id=alliance.id, round=0, **{name: "" for name in SECTIONS})
        db.session.add(plan)
        alliance.plan = plan
        existing = {i.code for i in alliance.indicators}
        for position, (code, (name, unit, by_sex)) in enumerate(STANDARD_INDICATORS.items(), start=1):
            if code not in existing:
                with force_locale("en"):
                    name, unit = str(name), str(unit)
                alliance.indicators.append(Indicator(code=code, name=name, unit=unit, by_sex=by_sex,
                                                     standard=True, position=position))
        db.session.flush()
    return plan


def _audit(alliance, object_type, object_id, action, actor, data):
    audit.record(object_type, object_id, action, actor, alliance_id=alliance.id,
                 association_id=alliance.association_id, data=data)


def update_sections(alliance, body: PlanPatch | PlanSections, actor):
    """Save the text sections the body gives (the API's ``PlanPatch``: those sent; the page's ``PlanSections``:
    all) and the ``environmental_category`` (1–4; 0 or none: not classified). Raises ``Forbidden``,
    ``StaleVersion``."""
    require_editor(alliance, actor)
    plan = ensure_plan(alliance)
    check_version(plan, body.version)
    fields = written(body)
    changed = {}
    for name in SECTIONS:
        if name in fields:
            value = fields[name] or ""
            if value != (getattr(plan, name) or ""):
                changed[name] = {"from": len(getattr(plan, name) or ""), "to": len(value)}
                setattr(plan, name, value)
    if "environmental_category" in fields:
        value = fields["environmental_category"] or None
        if value != plan.environmental_category:
            changed["environmental_category"] = {"from": plan.environmental_category, "to": value}
            plan.environmental_category = value
    if changed:
        db.session.flush()
        # sections are long texts: the event names what changed and the lengths, not the texts
        _audit(alliance, "plan", plan.id, "update_plan", actor, changed)
    return plan


# -- indicators ---------------------------------------------------------------------------------------

def _indicator_fields(indicator, fields):
    """The standard indicators keep their name, unit and counting by sex: only baseline and target change."""
    for key in ("name", "unit", "by_sex"):
        if key in fields and not indicator.standard:
            setattr(indicator, key, fields[key] if fields[key] is not None else "")
    for key in ("baseline", "target"):
        if key in fields:
            setattr(indicator, key, fields[key])


def add_indicator(alliance, body: IndicatorIn, actor):
    """A custom indicator. Raises ``Forbidden``, ``ValidationFailed`` (a code already used)."""
    require_editor(alliance, actor)
    ensure_plan(alliance)
    c = Collector()
    code = body.code.lower().replace(" ", "_")
    if any(i.code == code for i in alliance.indicators):
        c.add(rules.INVALID, _l("Another indicator already has this code."), "code")
    indicator = Indicator(code=code, standard=False, by_sex=False, unit="",
                          position=max((i.position for i in alliance.indicators), default=0) + 1)
    _indicator_fields(indicator, written(body))
    fail(c)
    alliance.indicators.append(indicator)
    db.session.flush()
    _audit(alliance, "indicator", indicator.id, "create_indicator", actor,
           {"code": code, "name": indicator.name, "baseline": indicator.baseline, "target": indicator.target})
    return indicator


def update_indicator(indicator, body: IndicatorPatch, actor):
    """Baseline and target (and, for custom ones, name and unit). Raises ``Forbidden``, ``StaleVersion``."""
    alliance = indicator.alliance
    require_editor(alliance, actor)
    check_version(indicator, body.version)
    before = {"name": indicator.name, "unit": indicator.unit, "baseline": indicator.baseline,
              "target": indicator.target}
    _indicator_fields(indicator, written(body))
    db.session.flush()
    after = {"name": indicator.name, "unit": indicator.unit, "baseline": indicator.baseline,
             "target": indicator.target}
    changes = {k: {"from": before[k], "to": after[k]} for k in after if before[k] != after[k]}
    if changes:
        _audit(alliance, "indicator", indicator.id, "update_indicator", actor, {"code": indicator.code, **changes})
    return indicator


def update_indicators(alliance, values: dict[int, IndicatorValues], actor):
    """Baselines and targets of several indicators at once (``{indicator_id: IndicatorValues}``; another
    alliance's ids are ignored). Raises ``Forbidden``."""
    require_editor(alliance, actor)
    by_id = {i.id: i for i in alliance.indicators}
    parsed = {ident: written(item) for ident, item in values.items() if ident in by_id}
    changes = {}
    for ident, new in parsed.items():
        indicator = by_id[ident]
        for key, value in new.items():
            if getattr(indicator, key) != value:
                changes.setdefault(indicator.code, {})[key] = {"from": getattr(indicator, key), "to": value}
                setattr(indicator, key, value)
    if changes:
        db.session.flush()
        _audit(alliance, "alliance", alliance.id, "update_indicators", actor, changes)
    return changes


def delete_indicator(indicator, actor):
    """Remove a custom indicator (the standard set stays). Raises ``Forbidden``."""
    alliance = indicator.alliance
    require_editor(alliance, actor)
    if indicator.standard:
        raise Forbidden(_l("The standard indicators cannot be removed; give them a baseline and a target."))
    alliance.indicators.remove(indicator)
    db.session.flush()
    _audit(alliance, "indicator", indicator.id, "delete_indicator", actor, {"code": indicator.code})


# -- assessments --------------------------------------------------------------------------------------

@offers.provide("assessment_of")
def assessment_of(alliance, kind, moment):
    return db.session.execute(db.select(Assessment).where(
        Assessment.alliance_id == alliance.id, Assessment.kind == kind, Assessment.moment == moment)).scalar()


def save_assessment(alliance, kind, moment, body: AssessmentIn, actor):
    """Score every item of the ``kind`` scorecard 0–4 with evidence (required from 1 up) for ``moment``.

    ``body.items``: each ``code``, ``score`` and ``evidence``, validated. The baseline is edited with the
    plan; the closeout score by the board or the officer during execution and closing. Raises ``NotFound``
    (unknown kind or moment), ``Forbidden``, ``ValidationFailed`` (an unknown or repeated item, evidence
    missing, an item not scored)."""
    if kind not in KINDS or moment not in MOMENTS:
        raise NotFound(_l("Not found."))
    if moment == "baseline":
        require_editor(alliance, actor)
    elif not can_edit_closeout_assessment(actor, alliance):
        raise Forbidden(_l("The closeout assessment is scored by the board or the officer during execution "
                           "and closing."))
    c = Collector()
    expected = {code for _n, code, _g, _t, _e in items_of(kind)}
    given = {}
    for i, item in enumerate(body.items):
        code, score, evidence = item.code, item.score, item.evidence
        if code not in expected:
            c.add(rules.INVALID, _l("Unknown item: %(code)s", code=code[:60]), f"items.{i}.code")
            continue
        if code in given:
            c.add(rules.INVALID, _l("The item %(code)s is scored twice.", code=code), f"items.{code}")
            continue
        if score > 0 and not evidence:
            c.add(rules.REQUIRED, _l("Name the evidence for a score above 0."), f"items.{code}.evidence")
        given[code] = (score, evidence)
    for code in sorted(expected - set(given)):
        c.add(rules.REQUIRED, _l("Score this item (0 to 4)."), f"items.{code}.score")
    fail(c)
    if moment == "baseline":
        ensure_plan(alliance)
    assessment = assessment_of(alliance, kind, moment)
    before = assessment.scores() if assessment else {}
    if assessment is None:
        assessment = Assessment(alliance_id=alliance.id, kind=kind, moment=moment)
        db.session.add(assessment)
    assessment.assessed_by_id = actor.id
    current = {i.code: i for i in assessment.items}
    for code, (score, evidence) in given.items():
        row = current.get(code)
        if row is None:
            assessment.items.append(AssessmentItem(code=code, score=score, evidence=evidence))
        else:
            row.score, row.evidence = score, evidence

    assessment.updated_at = utcnow()
    db.session.flush()
    after = assessment.scores()
    _audit(alliance, "assessment", assessment.id, "save_assessment", actor,
           {"kind": kind, "moment": moment,
            "scores": {k: {"from": before.get(k), "to": v} for k, v in after.items() if before.get(k) != v}})
    return assessment


# -- cash flow ----------------------------------------------------------------------------------------

def save_cash_flow(alliance, body: CashFlowIn, actor):
    """Replace the cash flow with ``body.years`` (year 0 to 50, each once; an amount not given is zero).
    Raises ``Forbidden``, ``ValidationFailed`` (a year given twice)."""
    require_editor(alliance, actor)
    ensure_plan(alliance)
    c = Collector()
    rows, seen = [], set()
    for i, item in enumerate(body.years):
        if item.year in seen:
            c.add(rules.INVALID, _l("Year %(y)s appears twice.", y=item.year), f"years.{i}.year")
        seen.add(item.year)
        rows.append(CashFlowYear(year=item.year, **{k: getattr(item, k) if getattr(item, k) is not None
                                                    else Decimal("0.00") for k in MONEY_FIELDS}))
    fail(c)
    for old in list(alliance.cash_flow):
        alliance.cash_flow.remove(old)
    db.session.flush()
    alliance.cash_flow.extend(sorted(rows, key=lambda r: r.year))
    db.session.flush()
    result = analyse(alliance.cash_flow, alliance.call.program.discount_rate)
    _audit(alliance, "alliance", alliance.id, "update_cash_flow", actor,
           {"years": len(rows), "npv": result.npv, "irr": result.irr, "benefit_cost_ratio": result.bc_ratio,
            "payback_years": result.payback})
    return result


def analysis(alliance):
    return analyse(alliance.cash_flow, alliance.call.program.discount_rate)


# -- the rules of submission --------------------------------------------------------------------------

def completeness_violations(alliance):
    """What a plan must contain before it is submitted: the required sections, the environmental
    category, a cash flow, indicators with baseline and target, the baseline assessments."""
    out = []
    plan = alliance.plan
    for name, (title, required) in SECTIONS.items():
        if required and not (getattr(plan, name, "") or "").strip():
            out.append(Violation(rules.PLAN_INCOMPLETE, _l("Write the section “%(title)s”.", title=title), name))
    if plan is None or plan.environmental_category not in ENVIRONMENTAL_CATEGORIES:
        out.append(Violation(rules.PLAN_INCOMPLETE, _l("Choose the environmental category (1 to 4)."),
                             "environmental_category"))
    if not alliance.cash_flow:
        out.append(Violation(rules.CASH_FLOW_MISSING, _l("Enter the cash flow without and with the project."),
                             "cash_flow"))
    for ind in alliance.indicators:
        if ind.baseline is None or ind.target is None:
            out.append(Violation(rules.INDICATOR_INCOMPLETE,
                                 _l("Give the indicator “%(name)s” a baseline and a target.", name=ind.title),
                                 f"indicators.{ind.code}"))
    for kind, title in KINDS.items():
        a = assessment_of(alliance, kind, "baseline")
        if a is None or {code for _n, code, _g, _t, _e in items_of(kind)} - set(a.scores()):
            out.append(Violation(rules.ASSESSMENT_MISSING,
                                 _l("Score the baseline assessment “%(title)s”.", title=title),
                                 f"assessments.{kind}"))
    return out


def plan_violations(alliance):
    """Every rule the plan breaks (empty when it may be submitted): the financing rules, the tranche
    schedule and the completeness of the plan."""
    return [*financing_violations(alliance), *tranche_violations(alliance), *completeness_violations(alliance)]
