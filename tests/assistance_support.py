"""Helpers for the assistance tests: an alliance in execution with a technical assistance line (grant 30,000),
a provider with an account, and a contract of two deliverables (10,000 + 20,000)."""
from datetime import date, timedelta
from decimal import Decimal

from grants.alliances.budget import BudgetLine
from grants.assistance import services as svc
from grants.extensions import db
from tests.execution_support import executing

TA_GRANT = Decimal("30000.00")


def ta_line(alliance, grant=TA_GRANT):
    line = BudgetLine(alliance_id=alliance.id, position=9, category="technical_assistance",
                      description="Asistencia técnica en manejo de ganado", unit="global", quantity=1,
                      unit_cost=grant, total=grant, grant=grant)
    db.session.add(line)
    db.session.commit()
    return line


def live_ta(alliance, officer, facilitator, board):
    executing(alliance, officer, facilitator, board)
    return ta_line(alliance)


def provider_for(user, actor, name="Agrotec SRL"):
    p = svc.create_provider({"name": name, "tax_id": "1020304", "email": "agrotec@example.org",
                             "user_id": user.id if user else None}, actor)
    db.session.commit()
    return p


def contract_data(provider, line, amounts=("10000.00", "20000.00"), amount=None, due=None):
    due = due or date.today() + timedelta(days=30)
    items = [{"description": f"Informe {i + 1}", "due_on": due.isoformat(), "amount": a}
             for i, a in enumerate(amounts)]
    total = amount if amount is not None else str(sum(Decimal(a) for a in amounts))
    return {"provider_id": provider.id, "budget_line_id": line.id, "amount": total,
            "starts_on": date.today().isoformat(), "ends_on": (date.today() + timedelta(days=90)).isoformat(),
            "deliverables": items}


def pay_data(deliverable, amount, number="AT-1"):
    return {"budget_line_id": deliverable.contract.budget_line_id, "spent_on": date.today().isoformat(),
            "amount": amount, "source": "grant", "supplier": deliverable.contract.provider.name,
            "document_type": "invoice", "document_number": number, "deliverable_id": deliverable.id}
