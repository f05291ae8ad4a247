"""One schema per operation (issue 14) in the execution stage: the API, the pages and the services read an
expense through the same models (grants/execution/schemas.py); the services check the business rules only."""
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from grants.errors import RuleViolation, ValidationFailed
from grants.execution import contributions as contrib_svc
from grants.execution import expenses as svc
from grants.execution import reports as report_svc
from grants.execution.models import CONTRIBUTION_KINDS, DOCUMENT_TYPES, EXPENSE_SOURCES, Contribution, Expense
from grants.execution.contributions.schemas import ContributionIn
from grants.execution.expenses.schemas import ExpenseIn, ExpensePatch
from grants.execution.reports.schemas import ReportIn
from grants.execution.schemas import VoidIn
from grants.extensions import db
from grants.workflows import rules
from tests.execution_support import JPEG, TODAY, expense_data, executing


@pytest.fixture
def live(alliance, officer, facilitator, board):
    return executing(alliance, officer, facilitator, board)


def test_the_models_document_the_choices_the_service_checked(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    for name in ("ExpenseIn", "ExpensePatch"):
        props = schemas[name]["properties"]
        assert props["source"]["enum"] == list(EXPENSE_SOURCES), name
        assert props["document_type"]["enum"] == list(DOCUMENT_TYPES), name
    assert "version" in schemas["ExpensePatch"]["required"]


def test_the_service_takes_the_validated_model(live, treasurer):
    line = live.budget_lines[0]
    body = ExpenseIn(budget_line_id=line.id, spent_on=date.today(), amount="1250.50", source="grant",
                     supplier="  Ferretería Illimani ", document_type="invoice", document_number="F-9")
    e = svc.record_expense(live, body, treasurer)
    assert e.amount == Decimal("1250.50") and e.supplier == "Ferretería Illimani" and e.description == ""
    # a correction changes only what it gives; the business rules still run without the expense itself
    svc.update_expense(e, ExpensePatch(version=e.version, amount="2000.00"), treasurer)
    assert e.amount == Decimal("2000.00") and e.supplier == "Ferretería Illimani"
    with pytest.raises(RuleViolation) as exc:
        svc.update_expense(e, ExpensePatch(version=e.version, amount="140000.01"), treasurer)
    assert rules.LINE_FUNDS_EXCEEDED in [v.rule for v in exc.value.violations]
    svc.void_expense(e, treasurer, VoidIn(reason="Registrado dos veces", version=e.version))
    assert e.voided_at is not None and e.void_reason == "Registrado dos veces"


def test_a_mapping_is_read_as_a_form_with_every_field_error_at_once(live, treasurer):
    line = live.budget_lines[0]
    future = (date.today() + timedelta(days=2)).isoformat()
    data = expense_data(line, amount="0", source="cash", supplier="   ", spent_on=future)
    with pytest.raises(ValidationFailed) as exc:
        svc.record_expense(live, data, treasurer)
    fields = sorted(v.field for v in exc.value.details)
    assert fields == ["amount", "source", "spent_on", "supplier"]
    assert db.session.execute(sa.select(sa.func.count(Expense.id))).scalar() == 0


def test_page_reports_the_models_checks_at_their_fields_and_keeps_the_input(live, treasurer, login):
    line = live.budget_lines[0]
    future = (date.today() + timedelta(days=3)).isoformat()
    data = {k: str(v) for k, v in expense_data(line, amount="1250,50", supplier="S" * 201).items()}
    data.update(spent_on=future, document_number="  ", receipt=(io.BytesIO(JPEG), "foto.jpg"))
    resp = login(treasurer).post(f"/alliances/{live.id}/execution/expenses", data=data,
                                 content_type="multipart/form-data")
    html = resp.get_data(as_text=True)
    # the lengths were the form's (400, WTForms' own message); now the model's, with every other field's
    assert resp.status_code == 422, html[:2000]
    assert "Como máximo 200 caracteres." in html
    assert "La fecha no puede ser futura." in html
    assert "Este dato es obligatorio." in html
    assert f'value="{future}"' in html and 'value="1250,50"' in html
    assert db.session.execute(sa.select(sa.func.count(Expense.id))).scalar() == 0


def test_api_and_page_refuse_a_future_date_with_the_same_message(live, treasurer, api, login):
    line = live.budget_lines[0]
    future = (date.today() + timedelta(days=1)).isoformat()
    resp = api(treasurer).post(f"/alliances/{live.id}/expenses", json=expense_data(line, spent_on=future),
                               headers={"Accept-Language": "es"})
    assert resp.status_code == 422
    [detail] = resp.get_json()["error"]["details"]
    assert detail["field"] == "spent_on"
    page = login(treasurer).post(f"/alliances/{live.id}/execution/expenses",
                                 data={k: str(v) for k, v in expense_data(line, spent_on=future).items()})
    assert page.status_code == 422 and detail["message"] in page.get_data(as_text=True)
    assert TODAY < future


def test_contribution_completeness_is_the_models_each_error_at_its_field(live, treasurer, login, client):
    props = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["ContributionIn"]["properties"]
    assert props["kind"]["enum"] == list(CONTRIBUTION_KINDS)
    assert {"type": "string", "maxLength": 20}.items() <= props["quantity"]["anyOf"][0].items()
    body = ContributionIn(kind="in_kind", in_kind_type="labour", description="Jornales", quantity="12",
                          unit_value="150.00", contributed_on=date.today())
    item = contrib_svc.record_contribution(live, body, treasurer)
    assert item.amount == Decimal("1800.00") and item.quantity == Decimal("12")
    with pytest.raises(ValidationFailed) as exc:
        contrib_svc.record_contribution(live, {"kind": "in_kind", "description": "Jornales", "quantity": "3",
                                               "contributed_on": TODAY}, treasurer)
    assert sorted(d.field for d in exc.value.details) == ["in_kind_type", "unit_value"]
    resp = login(treasurer).post(f"/alliances/{live.id}/execution/contributions", data={
        "kind": "cash", "description": "Aporte de socios", "contributed_on": TODAY})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and 'id="amount-err"' in html and "Escriba un monto mayor que cero" in html
    assert db.session.execute(sa.select(sa.func.count(Contribution.id))).scalar() == 1


def test_report_period_and_assembly_date_are_the_models(live, treasurer, api, login):
    with pytest.raises(ValidationFailed) as exc:
        report_svc.create_report(live, {"period_start": "2026-03-01", "period_end": "2026-02-01"}, treasurer)
    assert [d.field for d in exc.value.details] == ["period_end"]
    future = (date.today() + timedelta(days=5)).isoformat()
    resp = api(treasurer).post(f"/alliances/{live.id}/accountability-reports", json={
        "period_start": "2020-01-01", "period_end": TODAY, "assembly_approved_on": future})
    assert resp.status_code == 422
    assert [d["field"] for d in resp.get_json()["error"]["details"]] == ["assembly_approved_on"]
    page = login(treasurer).post(f"/alliances/{live.id}/execution/reports",
                                 data={"period_start": "2020-02-01", "period_end": "2020-01-01"})
    assert page.status_code == 422 and "El periodo debe terminar después de empezar." in page.get_data(as_text=True)
    r = report_svc.create_report(live, ReportIn(period_start=date(2020, 1, 1), period_end=date.today()), treasurer)
    assert r.state == "draft"


def test_procurement_and_reallocation_inputs_are_the_models(live, board, treasurer, api, client):
    from grants.execution import procurement as proc_svc
    from grants.execution import reallocations as realloc_svc
    from grants.execution.models import PROCUREMENT_METHODS, REALLOCATION_SOURCES
    from grants.execution.procurement.schemas import ProcurementIn, QuotationIn
    from grants.execution.reallocations.schemas import ReallocationIn
    from tests.execution_support import PDF, upload

    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert schemas["ProcurementIn"]["properties"]["method"]["enum"] == list(PROCUREMENT_METHODS)
    assert schemas["ReallocationIn"]["properties"]["source"]["enum"] == list(REALLOCATION_SOURCES)
    line1, line2 = live.budget_lines
    with pytest.raises(ValidationFailed) as exc:
        proc_svc.create_procurement(live, {"description": "Reparación", "budget_line_id": line1.id,
                                           "method": "direct", "estimated_amount": "15000,00"}, board)
    assert [d.field for d in exc.value.details] == ["direct_reason"]
    p = proc_svc.create_procurement(live, ProcurementIn(description="Tanque", budget_line_id=line1.id, method="minor",
                                                        estimated_amount="900.00", direct_reason="emergency"), board)
    assert p.direct_reason is None  # only a direct contracting has a reason
    q = proc_svc.add_quotation(p, QuotationIn(supplier=" Único ", amount="900.00"), upload(PDF, "q.pdf"), board)
    assert q.supplier == "Único" and q.amount == Decimal("900.00")
    with pytest.raises(ValidationFailed) as exc:
        realloc_svc.request_reallocation(live, {"from_line_id": line1.id, "to_line_id": line1.id, "amount": "10",
                                                "justification": "Cambio"}, treasurer)
    assert [d.field for d in exc.value.details] == ["to_line_id"]
    resp = api(treasurer).post(f"/alliances/{live.id}/reallocations", json={
        "from_line_id": line1.id, "to_line_id": line2.id, "amount": "0", "justification": "  "})
    assert resp.status_code == 422
    assert sorted(d["field"] for d in resp.get_json()["error"]["details"]) == ["amount", "justification"]
    r = realloc_svc.request_reallocation(live, ReallocationIn(from_line_id=line1.id, to_line_id=line2.id,
                                                              amount="100.00", justification="Ajuste"), treasurer)
    assert r.source == "grant" and r.state == "applied"
