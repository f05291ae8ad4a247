"""Helpers for the plan-stage tests: bring an alliance to a plan in preparation, fill a complete plan."""
from grants.alliances.budget import BudgetLine
from grants.alliances.services import take_action
from grants.extensions import db
from grants.plans import budget, services
from grants.plans.catalog import SECTIONS, items_of
from grants.plans.schemas import (AssessmentIn, BudgetLineIn, BudgetLinePatch, CashFlowIn, IndicatorPatch, PlanPatch,
                                  TrancheIn, TranchePatch)


def start_plan(alliance, officer, facilitator):
    """Preselected (the earlier stages are another helper's), then ``start_plan`` through the workflow."""
    alliance.state = "preselected"
    db.session.commit()
    take_action(alliance, "start_plan", officer, {"facilitator_id": facilitator.id})
    db.session.commit()
    return alliance


def line(category="equipment", description="Tanque de frío", quantity="2", unit_cost="100000.00", grant="140000.00",
         cash="20000.00", kind="40000.00", other="0.00", unit="unidad"):
    return {"category": category, "description": description, "unit": unit, "quantity": quantity,
            "unit_cost": unit_cost, "grant": grant, "counterpart_cash": cash, "counterpart_in_kind": kind,
            "other": other}


def line_in(*args, **kw):
    """A budget line as the service takes it: ``line``'s values validated by ``BudgetLineIn``."""
    return BudgetLineIn(**line(*args, **kw))


def tranche_in(data):
    return TrancheIn(**data)


def patch(obj, data):
    """A correction of a budget line or a tranche, with the version it has now."""
    model = BudgetLinePatch if isinstance(obj, BudgetLine) else TranchePatch
    return model(version=obj.version, **data)


def fill_sections(alliance, actor):
    data = {name: f"Texto de {name}" for name in SECTIONS}
    data["environmental_category"] = 3
    services.update_sections(alliance, PlanPatch(**data), actor)


def fill_indicators(alliance, actor):
    for ind in alliance.indicators:
        services.update_indicator(ind, IndicatorPatch(version=ind.version, baseline="10.00", target="20.00"), actor)


def fill_assessments(alliance, actor, moment="baseline"):
    for kind in ("empowerment", "capacity"):
        items = [{"code": code, "score": 2, "evidence": "actas"} for _n, code, _g, _t, _e in items_of(kind)]
        services.save_assessment(alliance, kind, moment, AssessmentIn(items=items), actor)


def fill_cash_flow(alliance, actor):
    years = [{"year": 0, "with_investment": "500000.00"}] + [
        {"year": y, "without_revenue": "100000.00", "without_cost": "60000.00", "with_revenue": "300000.00",
         "with_cost": "120000.00"} for y in range(1, 6)]
    return services.save_cash_flow(alliance, CashFlowIn(years=years), actor)


def fill_budget(alliance, actor):
    """Total 500,000.00: grant 350,000 (70 %), cash 50,000 (10 %), in kind 100,000 (20 %)."""
    budget.add_line(alliance, line_in(), actor)  # 200,000: 140,000 / 20,000 / 40,000
    budget.add_line(alliance, line_in("infrastructure", "Galpón de acopio", "1", "300000.00", "210000.00", "30000.00",
                                   "60000.00"), actor)


def fill_tranches(alliance, actor):
    budget.add_tranche(alliance, tranche_in({"amount": "200000.00", "planned_on": "2027-03-01",
                                  "conditions": "Convenio firmado"}), actor)
    budget.add_tranche(alliance, tranche_in({"amount": "150000.00", "planned_on": "2027-09-01",
                                  "conditions": "70 % del primer tramo justificado"}), actor)


def complete_plan(alliance, actor):
    fill_sections(alliance, actor)
    fill_budget(alliance, actor)
    fill_tranches(alliance, actor)
    fill_indicators(alliance, actor)
    fill_assessments(alliance, actor)
    fill_cash_flow(alliance, actor)
    db.session.commit()
