"""Helpers for the closeout tests: an alliance in execution with indicators and baseline assessments, a complete
final report, the alliance brought to ``closing``, expenses and contracts to test the checks of ``close``."""
from datetime import date, timedelta
from decimal import Decimal

from grants.alliances.services import take_action
from grants.assistance.models import Contract, Provider
from grants.closeout import services
from grants.execution.models import AccountabilityReport, Expense
from grants.extensions import db
from grants.plans.catalog import items_of
from grants.plans.schemas import AssessmentIn
from grants.plans.services import save_assessment
from tests.execution_support import executing
from tests.plan_helpers import fill_assessments, fill_indicators


def in_execution(alliance, officer, facilitator, board):
    """In execution (tranche 1 of 200,000.00 disbursed), indicators with baseline 10 and target 20, the baseline
    assessments scored 2 everywhere."""
    executing(alliance, officer, facilitator, board)
    alliance.state = "plan_in_preparation"
    fill_indicators(alliance, facilitator)
    fill_assessments(alliance, facilitator)
    alliance.state = "in_execution"
    db.session.commit()
    return alliance


def actuals(alliance, value="18.00"):
    return [{"indicator_id": ind.id, "actual": value, "women": 12 if ind.by_sex else None,
             "men": 10 if ind.by_sex else None} for ind in alliance.indicators]


def closeout_assessments(alliance, actor, score=3):
    for kind in ("empowerment", "capacity"):
        items = [{"code": code, "score": score, "evidence": "actas de asamblea"}
                 for _n, code, _g, _t, _e in items_of(kind)]
        save_assessment(alliance, kind, "closeout", AssessmentIn(items=items), actor)


def complete_report(alliance, board):
    services.save_final_report(alliance, {
        "narrative": "Vendimos 180 t de leche a PIL Andina.", "lessons": "El acopio colectivo mejora el precio.",
        "sales_volume": "180.00", "sales_unit": "t", "sales_value": "540000.00", "actuals": actuals(alliance)},
        board)
    closeout_assessments(alliance, board)
    db.session.commit()


def closing(alliance, officer, facilitator, board):
    """In execution, the final report complete, then ``submit_final_report``: closing, 200,000.00 unspent."""
    in_execution(alliance, officer, facilitator, board)
    complete_report(alliance, board)
    take_action(alliance, "submit_final_report", board)
    db.session.commit()
    return alliance


def evaluate(alliance, officer, rating="satisfactory"):
    services.save_evaluation(alliance, {"rating": rating, "findings": "Cumplió el plan.",
                                        "recommendations": "Seguir con el fondo."}, officer)
    db.session.commit()


def refund(alliance, actor, amount="200000.00", reference="DEV-1"):
    r = services.record_refund(alliance, {"amount": amount, "reference": reference,
                                          "refunded_on": date.today().isoformat()}, actor)
    db.session.commit()
    return r


def expense(alliance, actor, amount="1000.00", reported=False, number="F-1"):
    """A grant expense on the first budget line (as if recorded during execution); ``reported`` puts it in an
    approved accountability report."""
    line = alliance.budget_lines[0]
    e = Expense(alliance_id=alliance.id, budget_line_id=line.id, spent_on=date.today(), amount=Decimal(amount),
                source="grant", supplier="Ferretería Illimani", document_type="invoice", document_number=number,
                created_by_id=actor.id)
    db.session.add(e)
    if reported:
        report = AccountabilityReport(alliance_id=alliance.id, period_start=date.today() - timedelta(days=30),
                                      period_end=date.today(), state="approved", created_by_id=actor.id)
        db.session.add(report)
        db.session.flush()
        e.report_id = report.id
    db.session.commit()
    return e


def contract(alliance, actor, state="active"):
    provider = Provider(name="Agrotec SRL", tax_id="1020304", email="agrotec@example.org")
    db.session.add(provider)
    db.session.flush()
    c = Contract(alliance_id=alliance.id, provider_id=provider.id, budget_line_id=alliance.budget_lines[0].id,
                 amount=Decimal("1000.00"), starts_on=date.today(), ends_on=date.today() + timedelta(days=30),
                 state=state, created_by_id=actor.id)
    db.session.add(c)
    db.session.commit()
    return c
