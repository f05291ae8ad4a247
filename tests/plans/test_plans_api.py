"""The plan stage's JSON API: budget lines, financing, tranches, plan sections, indicators, assessments,
cash flow, spreadsheets and documents; access (404 for other alliances, 403 for readers)."""
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from pypdf import PdfReader

from grants.alliances.budget import BudgetLine
from grants.plans.catalog import items_of
from tests.plan_helpers import complete_plan, line, start_plan


@pytest.fixture
def plan(db, alliance, officer, facilitator):
    return start_plan(alliance, officer, facilitator)


def path(alliance, rest=""):
    return f"/alliances/{alliance.id}{rest}"


def test_budget_lines_crud_with_money_as_strings(db, api, plan, facilitator):
    client = api(facilitator)
    resp = client.post(path(plan, "/budget-lines"), json=line(quantity="2.5", unit_cost="1000.00", grant="1750.00",
                                                             cash="250.00", kind="500.00"))
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["total"] == "2500.00" and body["quantity"] == "2.500" and body["grant"] == "1750.00"
    lid = body["id"]
    listed = client.get(path(plan, "/budget-lines")).get_json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == lid and listed["page"] == 1
    resp = client.patch(path(plan, f"/budget-lines/{lid}"), json={"version": body["version"], "quantity": "3",
                                                                  "grant": "2100.00", "counterpart_in_kind": "650.00"})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["total"] == "3000.00"
    stale = client.patch(path(plan, f"/budget-lines/{lid}"), json={"version": body["version"], "unit": "kg"})
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "stale_version"
    assert client.delete(path(plan, f"/budget-lines/{lid}")).status_code == 204
    assert client.get(path(plan, f"/budget-lines/{lid}")).status_code == 404


def test_budget_line_errors_are_clear_4xx(db, api, plan, facilitator):
    client = api(facilitator)
    floats = client.post(path(plan, "/budget-lines"), json={**line(), "unit_cost": 100000.5})
    assert floats.status_code == 400
    mismatch = client.post(path(plan, "/budget-lines"), json=line(kind="1.00"))
    err = mismatch.get_json()["error"]
    assert mismatch.status_code == 422 and err["code"] == "rule_violation"
    assert [d["rule"] for d in err["details"]] == ["split_mismatch"]
    land = client.post(path(plan, "/budget-lines"), json=line(category="land", quantity="1", unit_cost="100.00",
                                                              grant="10.00", cash="90.00", kind="0.00"))
    assert land.status_code == 422 and land.get_json()["error"]["details"][0]["rule"] == "ineligible_category"
    unknown = client.post(path(plan, "/budget-lines"), json=line(category="jewels"))
    assert unknown.status_code == 422 and unknown.get_json()["error"]["details"][0]["field"] == "category"
    missing = client.post(path(plan, "/budget-lines"), json={"category": "inputs"})
    assert missing.status_code == 422
    assert client.get(path(plan, "/budget-lines/abc")).status_code == 404
    assert client.get(path(plan, "/budget-lines/99999999999")).status_code == 404
    assert client.post(path(plan, "/budget-lines"), data="not json", content_type="application/json").status_code == 400
    assert db.session.execute(sa.select(sa.func.count()).select_from(BudgetLine)).scalar() == 0


def test_financing_gives_totals_shares_and_rule_codes(db, api, plan, facilitator, member_user):
    client = api(facilitator)
    client.post(path(plan, "/budget-lines"), json=line(quantity="1", unit_cost="10000.00", grant="7001.00",
                                                       cash="999.00", kind="2000.00"))
    fin = api(member_user).get(path(plan, "/financing")).get_json()
    assert fin["total"] == "10000.00" and fin["totals"]["grant"] == "7001.00" and fin["totals"]["counterpart"] == "2999.00"
    assert fin["shares"]["grant"] == "0.7001" and fin["currency"] == "BOB"
    states = {r["rule"]: r["state"] for r in fin["rules"]}
    assert states["grant_share_exceeded"] == "fail" and states["counterpart_cash_too_low"] == "fail"
    assert states["ineligible_category"] == "ok" and states["split_mismatch"] == "ok"
    assert {v["rule"] for v in fin["violations"]} == {"grant_share_exceeded", "counterpart_share_too_low",
                                                      "counterpart_cash_too_low"}
    assert fin["tranches_match"] is False


def test_other_alliances_are_not_found_and_readers_may_not_write(db, api, plan, make_user, other_board, member_user,
                                                                 other_officer):
    stranger = make_user(roles=["facilitator"])
    for who in (stranger, other_board, other_officer):
        client = api(who)
        for rest in ("/budget-lines", "/financing", "/tranches", "/indicators", "/assessments", "/cash-flow", "/plan",
                     "/reviews", "/appraisal", "/documents/plan"):
            assert client.get(path(plan, rest)).status_code == 404, (who.name, rest)
        assert client.post(path(plan, "/budget-lines"), json=line()).status_code == 404
    reader = api(member_user)
    assert reader.get(path(plan, "/budget-lines")).status_code == 200
    resp = reader.post(path(plan, "/budget-lines"), json=line())
    assert resp.status_code == 403 and resp.get_json()["error"]["code"] == "forbidden"
    assert api().get(path(plan, "/financing")).status_code == 401


def test_tranches_are_planned_here_and_numbered(db, api, plan, board):
    client = api(board)
    first = client.post(path(plan, "/tranches"), json={"amount": "1000.00", "planned_on": "2027-02-01",
                                                        "conditions": "Convenio firmado"})
    assert first.status_code == 201 and first.get_json()["number"] == 1 and first.get_json()["state"] == "planned"
    second = client.post(path(plan, "/tranches"), json={"amount": "500.00", "planned_on": "2027-08-01"})
    assert second.get_json()["number"] == 2
    refused = client.post(path(plan, "/tranches"), json={"amount": "500.00", "planned_on": "2027-08-01",
                                                          "state": "disbursed"})
    assert refused.status_code == 422
    clash = client.post(path(plan, "/tranches"), json={"number": 1, "amount": "5.00", "planned_on": "2027-08-01"})
    assert clash.status_code == 422
    bad_date = client.post(path(plan, "/tranches"), json={"amount": "5.00", "planned_on": "el lunes"})
    assert bad_date.status_code == 400
    listed = client.get(path(plan, "/tranches")).get_json()
    assert [t["amount"] for t in listed["items"]] == ["1000.00", "500.00"]


def test_plan_sections_indicators_assessments_and_cash_flow(db, api, plan, facilitator):
    client = api(facilitator)
    got = client.get(path(plan, "/plan")).get_json()
    assert got["editable"] is True and got["round"] == 0 and "plan_incomplete" in {v["rule"] for v in got["violations"]}
    resp = client.patch(path(plan, "/plan"), json={"version": got["version"], "executive_summary": "Leche fresca",
                                                   "environmental_category": 3})
    assert resp.status_code == 200 and resp.get_json()["sections"]["executive_summary"] == "Leche fresca"
    assert client.patch(path(plan, "/plan"), json={"environmental_category": 7}).status_code == 422

    indicators = client.get(path(plan, "/indicators")).get_json()["items"]
    assert {i["code"] for i in indicators} >= {"net_income_per_family", "families", "women_share", "youth_share",
                                                "indigenous_share", "price_received", "yield", "sales_volume"}
    first = indicators[0]
    resp = client.patch(path(plan, f"/indicators/{first['id']}"), json={"version": first["version"],
                                                                        "baseline": "1200.00", "target": "2400.00"})
    assert resp.status_code == 200 and resp.get_json()["target"] == "2400.00"
    custom = client.post(path(plan, "/indicators"), json={"code": "milk_fat", "name": "Grasa de la leche", "unit": "%",
                                                           "baseline": "3.10", "target": "3.50"})
    assert custom.status_code == 201 and custom.get_json()["standard"] is False

    items = [{"code": code, "score": 3, "evidence": "actas de asamblea"}
             for _n, code, _g, _t, _e in items_of("capacity")]
    resp = client.put(path(plan, "/assessments/capacity/baseline"), json={"items": items})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["indexes"] == {"capacity": "3.00"}
    partial = client.put(path(plan, "/assessments/empowerment/baseline"), json={"items": items[:1]})
    assert partial.status_code == 422
    no_evidence = client.put(path(plan, "/assessments/capacity/baseline"),
                             json={"items": [{**i, "evidence": ""} for i in items]})
    assert no_evidence.status_code == 422
    assert client.put(path(plan, "/assessments/joy/baseline"), json={"items": items}).status_code == 404
    closeout = client.put(path(plan, "/assessments/capacity/closeout"), json={"items": items})
    assert closeout.status_code == 403
    assert len(client.get(path(plan, "/assessments")).get_json()) == 4

    flow = {"years": [{"year": 0, "with_investment": "1000.00"}, {"year": 1, "with_revenue": "500.00"},
                      {"year": 2, "with_revenue": "500.00"}, {"year": 3, "with_revenue": "500.00"}]}
    resp = client.put(path(plan, "/cash-flow"), json=flow)
    assert resp.status_code == 200
    result = client.get(path(plan, "/cash-flow")).get_json()
    assert result["discount_rate"] == "0.1200" and result["irr_exists"] is True
    assert result["irr"] == "0.233752" and result["payback_years"] == "2.00"
    assert result["npv"] == "200.92"  # -1000 + 500 × (1/1.12 + 1/1.2544 + 1/1.404928)
    gains = client.put(path(plan, "/cash-flow"), json={"years": [{"year": 1, "with_revenue": "10.00"}]}).get_json()
    assert gains["irr"] is None and gains["irr_reason"] == "no_sign_change"
    twice = client.put(path(plan, "/cash-flow"), json={"years": [{"year": 1}, {"year": 1}]})
    assert twice.status_code == 422


def test_budget_spreadsheet_round_trip_and_all_or_nothing_import(db, api, plan, facilitator):
    complete_plan(plan, facilitator)
    client = api(facilitator)
    resp = client.get(path(plan, "/budget-lines/export"))
    assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
    wb = load_workbook(io.BytesIO(resp.data))
    ws = wb["budget"]
    assert [c.value for c in ws[1]][:5] == ["category", "description", "unit", "quantity", "unit_cost"]
    assert ws.max_row == 3
    ws.append(["training", "Curso de ordeño", "taller", 4, 250.5, 701.4, 100.6, 200, 0, None])
    out = io.BytesIO()
    wb.save(out)
    resp = client.post(path(plan, "/budget-lines/import"), data={"file": (io.BytesIO(out.getvalue()), "b.xlsx")},
                       content_type="multipart/form-data")
    assert resp.status_code == 201, resp.get_json()
    assert [x["total"] for x in resp.get_json()] == ["200000.00", "300000.00", "1002.00"]
    # a wrong row: nothing is imported, every row's error is listed
    ws.append(["land", "Terreno", "ha", 1, 100, 100, 0, 0, 0, None])
    ws.append(["inputs", "", "kg", "dos", 10, 0, 0, 0, 0, None])
    out = io.BytesIO()
    wb.save(out)
    resp = client.post(path(plan, "/budget-lines/import"), data={"file": (io.BytesIO(out.getvalue()), "b.xlsx")},
                       content_type="multipart/form-data")
    assert resp.status_code == 422
    fields = {d["field"] for d in resp.get_json()["error"]["details"]}
    assert {"rows.5.grant", "rows.6.description", "rows.6.quantity"} <= fields
    assert db.session.execute(sa.select(sa.func.count()).select_from(BudgetLine)).scalar() == 3
    not_xlsx = client.post(path(plan, "/budget-lines/import"), data={"file": (io.BytesIO(b"%PDF-1.4 x"), "b.xlsx")},
                           content_type="multipart/form-data")
    assert not_xlsx.status_code == 415


def test_plan_pdf_has_sections_budget_financing_cash_flow_and_indicators(db, api, plan, facilitator):
    complete_plan(plan, facilitator)
    resp = api(facilitator).get(path(plan, "/documents/plan"))
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(resp.data)).pages)
    for expected in ("Tanque de frío", "Galpón de acopio", "Texto de executive_summary", "70,00 %", "350.000,00",
                     "Porcentaje de subvención en el total", "Flujo de caja", "Indicadores", "Cronograma de tramos",
                     "Social: 2,00"):
        assert expected in text, expected
    assert "grant_share_exceeded" not in text  # the rule's name, not its code
    assert api(facilitator).get(path(plan, "/documents/committee-minutes")).status_code == 404


def test_the_openapi_document_lists_the_plan_endpoints(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    for p in ("/alliances/{alliance_id}/budget-lines", "/alliances/{alliance_id}/budget-lines/{line_id}",
              "/alliances/{alliance_id}/financing", "/alliances/{alliance_id}/reviews",
              "/alliances/{alliance_id}/tranches", "/alliances/{alliance_id}/indicators",
              "/alliances/{alliance_id}/assessments/{kind}/{moment}", "/alliances/{alliance_id}/cash-flow",
              "/alliances/{alliance_id}/appraisal", "/alliances/{alliance_id}/documents/plan",
              "/alliances/{alliance_id}/documents/committee-minutes"):
        assert p in doc["paths"], p
    schema = doc["components"]["schemas"]["BudgetLineIn"]
    assert schema["properties"]["grant"]["type"] == "string"


def test_malformed_requests_give_clear_4xx_never_500(db, api, login, plan, facilitator):
    client, a = api(facilitator), plan.id
    too_big = client.post(f"/alliances/{a}/budget-lines", json=line(quantity="999999999999",
                                                                    unit_cost="999999999999.00"))
    assert too_big.status_code == 422
    assert client.put(f"/alliances/{a}/assessments/capacity/baseline", json={"items": "x"}).status_code == 400
    assert client.put(f"/alliances/{a}/cash-flow", json={"years": [{"year": 99}]}).status_code == 422
    assert client.put(f"/alliances/{a}/cash-flow", json={"years": [{"year": 1, "with_cost": "-5.00"}]}).status_code == 422
    assert client.patch(f"/alliances/{a}/plan", json={"executive_summary": 5}).status_code == 400
    assert client.put(f"/alliances/{a}/appraisal", json={"checklist": {"x": {"answer": "yes"}}}).status_code == 403
    assert client.post(f"/alliances/{a}/tranches", json={"amount": "0.00", "planned_on": "2027-01-01"}).status_code == 422
    assert client.patch(f"/alliances/{a}/tranches/1", json={"version": 1}).status_code == 404
    assert client.get(f"/alliances/{a}/documents/committee-minutes?round=abc").status_code == 400
    web = login(facilitator)
    for page in ("/plan/assessments/xyz", "/plan/budget/99999", "/plan/tranches/5", "/plan/minutes.pdf?round=abc"):
        assert web.get(f"/alliances/{a}{page}").status_code == 404, page
    for page in ("/plan/cash-flow?years=abc", "/plan/cash-flow?years=-5", "/plan/cash-flow?years=900"):
        assert web.get(f"/alliances/{a}{page}").status_code == 200, page
    assert web.post(f"/alliances/{a}/plan/cash-flow", data={"years": "abc"}).status_code == 400
    assert web.post(f"/alliances/{a}/plan/budget", data={"category": "x"}).status_code == 400
    assert web.post(f"/alliances/{a}/plan/budget/import", data={}).status_code == 422
    exponent = web.post(f"/alliances/{a}/plan/budget", data={"category": "equipment", "description": "x",
                                                             "quantity": "1e5", "unit_cost": "1", "grant": "NaN"})
    assert exponent.status_code == 422
    assert db.session.execute(sa.select(sa.func.count()).select_from(BudgetLine)).scalar() == 0


@pytest.mark.parametrize("text", ["1e5", "-1", "1.005", " ", "1,000.00", "Infinity", "0x10"])
def test_amounts_are_plain_decimals(text):
    from grants.parsing import decimal_in

    with pytest.raises(ValueError):
        decimal_in(text)


def test_a_decimal_comma_is_accepted():
    from grants.parsing import decimal_in

    assert str(decimal_in("1000,5")) == "1000.50" and str(decimal_in("2.345", 3)) == "2.345"
