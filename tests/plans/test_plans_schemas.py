"""One schema per operation in the plan stage: a budget line and a tranche are validated by the same model
(``grants.plans.schemas``) on the page, in the API and in the spreadsheet import; the services get the model."""
import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from grants.alliances.budget import BudgetLine, Tranche
from grants.plans import budget
from grants.errors import ValidationFailed
from grants.plans.schemas import BudgetLineIn
from tests.plan_helpers import line, line_in, start_plan


@pytest.fixture
def plan(db, alliance, officer, facilitator):
    return start_plan(alliance, officer, facilitator)


CATEGORY_ES = "Elija una de las categorías del presupuesto."


def form_line(**over):
    data = {"category": "equipment", "description": "Tanque de frío", "unit": "unidad", "quantity": "2",
            "unit_cost": "100000.00", "grant": "140000.00", "counterpart_cash": "20000.00",
            "counterpart_in_kind": "40000.00", "other": "0.00"}
    data.update(over)
    return data


def count(model):
    from grants.extensions import db

    return db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar()


def error_at(html, name):
    """The error messages shown at the field ``name`` of a page's form (``render_field``)."""
    return " ".join(re.findall(rf'<p class="error" id="{name}-err">([^<]*)</p>', html))


def test_a_blank_required_field_is_named_at_its_field_and_nothing_is_lost(db, login, plan, facilitator):
    """Blank is "not given": the schema says the description is required, in the reader's language, and the
    page keeps every other value typed (before, WTForms answered 400 with its own English-only check)."""
    web = login(facilitator)
    resp = web.post(f"/alliances/{plan.id}/plan/budget", data=form_line(description="   ", unit_cost="100.000,00"))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "Este dato es obligatorio." in error_at(html, "description") and 'value="100.000,00"' in html and 'value="40000.00"' in html
    assert count(BudgetLine) == 0


def test_the_page_reads_spanish_amounts_and_the_schema_checks_the_rest(db, login, plan, facilitator):
    web = login(facilitator)
    resp = web.post(f"/alliances/{plan.id}/plan/budget",
                    data=form_line(quantity="2,5", unit_cost="1.000,00", grant="1.750,00", counterpart_cash="250,00",
                                   counterpart_in_kind="500", description="x" * 301))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and error_at(html, "description") == "Como máximo 300 caracteres."
    resp = web.post(f"/alliances/{plan.id}/plan/budget",
                    data=form_line(quantity="2,5", unit_cost="1.000,00", grant="1.750,00", counterpart_cash="250,00",
                                   counterpart_in_kind="500"))
    assert resp.status_code == 302
    row = db.session.execute(sa.select(BudgetLine)).scalar_one()
    assert str(row.quantity) == "2.500" and str(row.total) == "2500.00" and str(row.grant) == "1750.00"


def test_the_page_and_the_api_refuse_the_same_fields(db, login, api, plan, facilitator):
    bad = {"quantity": "1e5", "unit_cost": "doce", "category": "equipment", "description": "x"}
    page = login(facilitator).post(f"/alliances/{plan.id}/plan/budget", data=form_line(**bad, grant="0",
                                                                                        counterpart_cash="0",
                                                                                        counterpart_in_kind="0"))
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert "3 decimales" in error_at(html, "quantity") and error_at(html, "unit_cost")
    resp = api(facilitator).post(f"/alliances/{plan.id}/budget-lines", json={**line(), **bad})
    assert resp.status_code == 422
    assert {d["field"] for d in resp.get_json()["error"]["details"]} == {"quantity", "unit_cost"}
    assert count(BudgetLine) == 0


def test_a_tranche_page_names_a_bad_number_and_keeps_the_amount(db, login, plan, board):
    web = login(board)
    resp = web.post(f"/alliances/{plan.id}/plan/tranches", data={"number": "primero", "amount": "1.000,50",
                                                                  "planned_on": "2027-03-01"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "número entero" in error_at(html, "number") and 'value="1.000,50"' in html
    resp = web.post(f"/alliances/{plan.id}/plan/tranches", data={"number": "2", "amount": "1.000,50",
                                                                  "planned_on": "2027-03-01"})
    assert resp.status_code == 302
    tranche = db.session.execute(sa.select(Tranche)).scalar_one()
    assert tranche.number == 2 and str(tranche.amount) == "1000.50"
    # the edit page sends the whole tranche again: a cleared condition is cleared
    resp = web.post(f"/alliances/{plan.id}/plan/tranches/{tranche.id}",
                    data={"number": "2", "amount": "900", "planned_on": "2027-04-01", "conditions": "",
                          "version": str(tranche.version)})
    assert resp.status_code == 302
    db.session.expire_all()
    assert str(tranche.amount) == "900.00" and tranche.conditions == ""


def test_the_spreadsheet_rows_are_read_by_the_same_schema(db, login, plan, facilitator):
    wb = Workbook()
    ws = wb.active
    ws.title = "budget"
    ws.append(["category", "description", "unit", "quantity", "unit_cost", "grant", "counterpart_cash",
               "counterpart_in_kind", "other"])
    ws.append(["equipment", "Tanque", "u", "1,5", 100, 105, 15, 30, 0])
    ws.append(["joyas", "x" * 301, "u", 1, 100, 70, 10, 20, 0])
    out = io.BytesIO()
    wb.save(out)
    resp = login(facilitator).post(f"/alliances/{plan.id}/plan/budget/import",
                                   data={"file": (io.BytesIO(out.getvalue()), "presupuesto.xlsx")},
                                   content_type="multipart/form-data")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "Fila 3: " + CATEGORY_ES in html
    assert "Fila 3: Como máximo 300 caracteres." in html and "Fila 2" not in html
    assert count(BudgetLine) == 0


def test_the_service_takes_the_validated_model(db, plan, facilitator):
    row = budget.add_line(plan, line_in(quantity="1", unit_cost="10.00", grant="7.00", cash="1.00", kind="2.00"),
                          facilitator)
    assert str(row.total) == "10.00"
    with pytest.raises(Exception):
        BudgetLineIn(**line(category="joyas"))


def test_the_sections_page_sends_every_section_and_a_blank_one_is_cleared(db, login, api, plan, facilitator):
    from grants.plans.catalog import SECTIONS

    web = login(facilitator)
    data = {name: f"Texto {name}" for name in SECTIONS}
    data.update(environmental_category="3", version="1")
    assert web.post(f"/alliances/{plan.id}/plan/sections", data=data).status_code == 302
    data.update(objectives="", environmental_category="", version=str(plan.plan.version))
    assert web.post(f"/alliances/{plan.id}/plan/sections", data=data).status_code == 302
    db.session.expire_all()
    assert plan.plan.objectives == "" and plan.plan.environmental_category is None
    assert plan.plan.market_analysis == "Texto market_analysis"
    # the API changes only what it sends; a category above 4 is refused by the schema, 0 clears it
    client = api(facilitator)
    assert client.patch(f"/alliances/{plan.id}/plan", json={"environmental_category": 5}).status_code == 422
    resp = client.patch(f"/alliances/{plan.id}/plan", json={"environmental_category": 2, "objectives": " Leche "})
    assert resp.status_code == 200 and resp.get_json()["environmental_category"] == 2
    assert resp.get_json()["sections"]["objectives"] == "Leche"
    assert resp.get_json()["sections"]["market_analysis"] == "Texto market_analysis"


def test_grid_pages_validate_each_row_with_the_item_schema(db, login, plan, board):
    from grants.plans.catalog import items_of

    web = login(board)
    base = f"/alliances/{plan.id}/plan"
    first = plan.indicators[0]
    resp = web.post(base + "/indicators", data={f"baseline-{first.id}": "-3", f"target-{first.id}": "10"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and 'value="-3"' in html and "negativo" in html
    form = {f"score_{code}": "2" for _n, code, _g, _t, _e in items_of("capacity")}
    form.update({f"evidence_{code}": "plan anual" for _n, code, _g, _t, _e in items_of("capacity")})
    first_code = items_of("capacity")[0][1]
    form[f"score_{first_code}"] = ""
    resp = web.post(base + "/assessments/capacity", data=form)
    assert resp.status_code == 422
    assert error_at(resp.get_data(as_text=True), f"score_{first_code}") == "Este dato es obligatorio."
    resp = web.post(base + "/cash-flow", data={"years": "2", "y0-with_investment": "1000", "y1-with_revenue": "-5"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and 'value="-5"' in html and "negativo" in html
    resp = web.post(base + "/cash-flow", data={"years": "2", "y0-with_investment": "1000,50", "y1-with_revenue": "5"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert str(plan.cash_flow[0].with_investment) == "1000.50" and str(plan.cash_flow[1].with_cost) == "0.00"


def test_the_appraisal_is_validated_by_its_schema(db, api, plan, facilitator, board, officer):
    from grants.alliances.services import take_action
    from grants.plans import review
    from grants.plans.schemas import AppraisalIn
    from tests.plan_helpers import complete_plan

    complete_plan(plan, facilitator)
    take_action(plan, "submit_plan", board)
    take_action(plan, "start_appraisal", officer)
    db.session.commit()
    client = api(officer)
    bad = client.put(f"/alliances/{plan.id}/appraisal", json={"checklist": {"buyer_commitment": {"answer": "quizás"}}})
    assert bad.status_code == 422
    assert [d["field"] for d in bad.get_json()["error"]["details"]] == ["checklist.buyer_commitment.answer"]
    ok = client.put(f"/alliances/{plan.id}/appraisal", json={"checklist": {"buyer_commitment": {"answer": " yes "}},
                                                            "opinion": "  Viable  "})
    assert ok.status_code == 200 and ok.get_json()["opinion"] == "Viable"
    with pytest.raises(ValidationFailed) as exc:  # the service keeps the rule: an observation needs its note
        review.save_appraisal(plan, AppraisalIn(checklist={"budget_reasonable": {"answer": "observed"}}), officer)
    assert exc.value.details[0].field == "checklist.budget_reasonable.note"
