"""Every submission of the plan is kept: a snapshot, and what changed since the previous one."""
import json

import sqlalchemy as sa

from ..alliances.budget import SOURCES
from ..alliances.figures import financing
from ..audit.services import canonical
from ..common import utcnow
from ..extensions import db
from .catalog import SECTIONS
from .models import PlanRevision
from .services import analysis, assessment_of, ensure_plan


def _s(value):
    return None if value is None else str(value)


def snapshot(alliance):
    """The plan as it stands, as plain JSON data (money as strings)."""
    plan = ensure_plan(alliance)
    fin = financing(alliance)
    result = analysis(alliance)
    assessments = {}
    for kind in ("empowerment", "capacity"):
        a = assessment_of(alliance, kind, "baseline")
        assessments[kind] = {i.code: i.score for i in a.items} if a else {}
    return {
        "sections": {name: getattr(plan, name) or "" for name in SECTIONS},
        "environmental_category": plan.environmental_category,
        "budget_lines": [{"id": line.id, "category": line.category, "description": line.description,
                          "unit": line.unit, "quantity": _s(line.quantity), "unit_cost": _s(line.unit_cost),
                          "total": _s(line.total), **{s: _s(getattr(line, s)) for s in SOURCES}}
                         for line in alliance.budget_lines],
        "financing": {"total": _s(fin.total), **{s: _s(v) for s, v in fin.totals.items()},
                      "shares": {k: _s(v) for k, v in fin.shares.items()}},
        "tranches": [{"number": t.number, "amount": _s(t.amount), "planned_on": _s(t.planned_on),
                      "conditions": t.conditions} for t in alliance.tranches],
        "indicators": [{"code": i.code, "name": i.name, "unit": i.unit, "baseline": _s(i.baseline),
                        "target": _s(i.target)} for i in alliance.indicators],
        "cash_flow": result.as_dict(),
        "assessments": assessments,
    }


def _changes(old, new):
    """What changed from snapshot ``old`` to ``new``: ``[{"what", "item", "from", "to"}]``."""
    out = []
    if old is None:
        return [{"what": "plan", "item": "first submission", "from": None, "to": None}]

    def add(what, item, a, b):
        out.append({"what": what, "item": item, "from": a, "to": b})

    for name, value in new["sections"].items():
        before = old.get("sections", {}).get(name, "")
        if before != value:
            add("section", name, before[:120], value[:120])
    if old.get("environmental_category") != new["environmental_category"]:
        add("environmental_category", "environmental_category", old.get("environmental_category"),
            new["environmental_category"])
    old_lines = {line["id"]: line for line in old.get("budget_lines", [])}
    new_lines = {line["id"]: line for line in new["budget_lines"]}
    for lid, line in new_lines.items():
        if lid not in old_lines:
            add("budget_line_added", line["description"], None, line["total"])
            continue
        for key, value in line.items():
            if old_lines[lid].get(key) != value:
                add("budget_line", f'{line["description"]}: {key}', old_lines[lid].get(key), value)
    for lid, line in old_lines.items():
        if lid not in new_lines:
            add("budget_line_removed", line["description"], line["total"], None)
    for key in ("total", *SOURCES):
        if old.get("financing", {}).get(key) != new["financing"][key]:
            add("financing", key, old.get("financing", {}).get(key), new["financing"][key])
    old_t = {t["number"]: t for t in old.get("tranches", [])}
    new_t = {t["number"]: t for t in new["tranches"]}
    for number in sorted(set(old_t) | set(new_t)):
        if old_t.get(number) != new_t.get(number):
            add("tranche", number, (old_t.get(number) or {}).get("amount"), (new_t.get(number) or {}).get("amount"))
    old_i = {i["code"]: i for i in old.get("indicators", [])}
    for ind in new["indicators"]:
        before = old_i.get(ind["code"], {})
        for key in ("baseline", "target"):
            if before.get(key) != ind[key]:
                add("indicator", f'{ind["code"]}: {key}', before.get(key), ind[key])
    for key in ("npv", "irr", "benefit_cost_ratio", "payback_years"):
        if old.get("cash_flow", {}).get(key) != new["cash_flow"][key]:
            add("cash_flow", key, old.get("cash_flow", {}).get(key), new["cash_flow"][key])
    for kind, scores in new["assessments"].items():
        before = old.get("assessments", {}).get(kind, {})
        for code, score in scores.items():
            if before.get(code) != score:
                add("assessment", f"{kind}: {code}", before.get(code), score)
    return out


def latest(alliance):
    return db.session.execute(sa.select(PlanRevision).where(PlanRevision.alliance_id == alliance.id)
                              .order_by(PlanRevision.number.desc()).limit(1)).scalar()


def record_submission(alliance, actor):
    """Open a new round: keep the submitted plan as revision ``round`` with what changed."""
    plan = ensure_plan(alliance)
    previous = latest(alliance)
    data = snapshot(alliance)
    plan.round = (plan.round or 0) + 1
    plan.submitted_at = utcnow()
    revision = PlanRevision(alliance_id=alliance.id, number=plan.round, submitted_by_id=getattr(actor, "id", None),
                            snapshot=canonical(data),
                            changes=json.dumps(_changes(previous.data if previous else None, data),
                                               ensure_ascii=False))
    db.session.add(revision)
    db.session.flush()
    return revision
