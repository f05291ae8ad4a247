"""The closeout through the API: final report, evaluation, closeout figures and checks, refunds, the PDF; the
transitions through /alliances/{id}/transitions; permissions and 4xx codes."""
import io
from datetime import date, timedelta

import pytest

from grants.closeout.models import Refund
from tests.closeout_support import actuals, closeout_assessments, closing, in_execution
from tests.funding_support import pdf_text

PDF = b"%PDF-1.4\n% bank slip\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def executing_alliance(alliance, officer, facilitator, board):
    return in_execution(alliance, officer, facilitator, board)


@pytest.fixture
def closing_alliance(alliance, officer, facilitator, board):
    return closing(alliance, officer, facilitator, board)


def _rules(resp):
    return sorted(d["rule"] for d in resp.get_json()["error"]["details"])


def test_final_report_through_the_api_then_submit(executing_alliance, api, board, db):
    a = executing_alliance
    client = api(board)
    resp = client.get(f"/alliances/{a.id}/final-report")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["version"] == 0 and body["narrative"] == ""
    assert len(body["actuals"]) == len(a.indicators)
    assert {p["kind"] for p in body["assessments"]} == {"empowerment", "capacity"}
    assert "final_report_incomplete" in {v["rule"] for v in body["violations"]}
    # submit refused with every rule
    resp = client.post(f"/alliances/{a.id}/transitions", json={"action": "submit_final_report"})
    assert resp.status_code == 422
    rules = set(_rules(resp))
    assert rules == {"final_report_incomplete", "indicator_actual_missing", "assessment_missing"}
    resp = client.put(f"/alliances/{a.id}/final-report", json={
        "narrative": "Resultados", "lessons": "Lecciones", "sales_volume": "180.00", "sales_unit": "t",
        "sales_value": "540000.00", "actuals": actuals(a)})
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["version"] >= 1 and body["sales_value"] == "540000.00"
    assert all(x["saved"] and x["actual"] == "18.00" for x in body["actuals"])
    assert {v["rule"] for v in body["violations"]} == {"assessment_missing"}
    closeout_assessments(a, board)
    db.session.commit()
    resp = client.post(f"/alliances/{a.id}/transitions", json={"action": "submit_final_report"})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["state"] == "closing"


def test_final_report_stale_version_and_bad_values(executing_alliance, api, board):
    a = executing_alliance
    client = api(board)
    assert client.put(f"/alliances/{a.id}/final-report", json={"narrative": "uno"}).status_code == 200
    resp = client.put(f"/alliances/{a.id}/final-report", json={"narrative": "dos", "version": 99})
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "stale_version"
    resp = client.put(f"/alliances/{a.id}/final-report", json={"sales_value": 12.5})
    assert resp.status_code == 400
    resp = client.put(f"/alliances/{a.id}/final-report", json={"actuals": [{"indicator_id": 999999, "actual": "1"}]})
    assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "validation_error"
    resp = client.put(f"/alliances/{a.id}/final-report", json={"actuals": "x"})
    assert resp.status_code in (400, 422)
    resp = client.put(f"/alliances/{a.id}/final-report", data="not json", content_type="application/json")
    assert resp.status_code == 400


def test_final_report_permissions(executing_alliance, api, member_user, treasurer, other_board, officer):
    a = executing_alliance
    assert api(other_board).get(f"/alliances/{a.id}/final-report").status_code == 404
    assert api(other_board).put(f"/alliances/{a.id}/final-report", json={"narrative": "x"}).status_code == 404
    assert api(member_user).get(f"/alliances/{a.id}/final-report").status_code == 200
    for user in (member_user, treasurer, officer):
        resp = api(user).put(f"/alliances/{a.id}/final-report", json={"narrative": "x"})
        assert resp.status_code == 403, user.email
    assert api().get(f"/alliances/{a.id}/final-report").status_code == 401
    assert api(member_user).get("/alliances/999999/final-report").status_code == 404


def test_not_available_before_execution(alliance, api, board):
    for path in ("final-report", "closeout", "evaluation", "documents/closeout"):
        assert api(board).get(f"/alliances/{alliance.id}/{path}").status_code == 404, path


def test_closeout_figures_and_checks(closing_alliance, api, member_user):
    a = closing_alliance
    resp = api(member_user).get(f"/alliances/{a.id}/closeout")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["received"] == "200000.00" and body["spent"] == "0.00" and body["unspent"] == "200000.00"
    assert body["to_settle"] == "200000.00" and body["refunded"] == "0.00" and body["moved_to_fund"] == "0.00"
    assert body["grant_approved"] == "350000.00" and body["counterpart_planned"] == "150000.00"
    checks = {c["rule"]: c["state"] for c in body["checks"]}
    assert checks == {"contracts_open": "ok", "expenses_unreported": "ok", "balance_unsettled": "fail",
                      "evaluation_missing": "fail"}
    assert body["final_report_submitted"] is True and body["evaluated"] is False
    assert body["document"].endswith("/documents/closeout")


def test_evaluation_api(closing_alliance, api, officer, other_officer, board, member_user):
    a = closing_alliance
    assert api(officer).get(f"/alliances/{a.id}/evaluation").status_code == 404
    resp = api(board).put(f"/alliances/{a.id}/evaluation", json={"rating": "satisfactory", "findings": "x"})
    assert resp.status_code == 403
    assert api(other_officer).put(f"/alliances/{a.id}/evaluation",
                                  json={"rating": "satisfactory", "findings": "x"}).status_code == 404
    resp = api(officer).put(f"/alliances/{a.id}/evaluation", json={"rating": "great", "findings": ""})
    assert resp.status_code == 422
    assert {d["field"] for d in resp.get_json()["error"]["details"]} == {"rating", "findings"}
    resp = api(officer).put(f"/alliances/{a.id}/evaluation", json={"rating": "moderately_satisfactory",
                                                                    "findings": "Cumplió", "recommendations": "Más"})
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["rating"] == "moderately_satisfactory" and body["officer_id"] == officer.id and body["version"] == 1
    resp = api(officer).put(f"/alliances/{a.id}/evaluation", json={"rating": "satisfactory", "findings": "y",
                                                                    "version": 5})
    assert resp.status_code == 409
    assert api(member_user).get(f"/alliances/{a.id}/evaluation").get_json()["findings"] == "Cumplió"


def test_refunds_api(closing_alliance, api, finance, officer, board, treasurer, member_user, other_board, db):
    a = closing_alliance
    path = f"/alliances/{a.id}/refunds"
    today = date.today().isoformat()
    for user in (board, treasurer, member_user):
        assert api(user).post(path, json={"amount": "10.00", "reference": "X", "refunded_on": today}
                              ).status_code == 403
    assert api(other_board).post(path, json={"amount": "10.00", "reference": "X", "refunded_on": today}
                                 ).status_code == 404
    resp = api(finance).post(path, json={"amount": "200000.01", "reference": "DEV-1", "refunded_on": today})
    assert resp.status_code == 422 and _rules(resp) == ["refund_exceeds_balance"]
    resp = api(finance).post(path, json={"amount": "0.00", "reference": "", "refunded_on":
                                         (date.today() + timedelta(days=2)).isoformat()})
    assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "validation_error"
    assert {d["field"] for d in resp.get_json()["error"]["details"]} == {"amount", "reference", "refunded_on"}
    assert api(finance).post(path, json={"amount": 10.5, "reference": "x", "refunded_on": today}).status_code == 400
    assert api(finance).post(path, json={"reference": "x"}).status_code == 422
    resp = api(finance).post(path, data={"amount": "150000.00", "reference": "DEV-1", "refunded_on": today,
                                         "proof": (io.BytesIO(PDF), "boleta.pdf")},
                             content_type="multipart/form-data")
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["amount"] == "150000.00" and body["reference"] == "DEV-1" and body["refunded_on"] == today
    assert body["proof_sha256"] and len(body["proof_sha256"]) == 64
    resp = api(officer).post(path, data={"amount": "1.00", "reference": "DEV-2", "refunded_on": today,
                                         "proof": (io.BytesIO(b"MZ not a pdf"), "virus.exe")},
                             content_type="multipart/form-data")
    assert resp.status_code == 415
    resp = api(officer).post(path, json={"amount": "50000.00", "reference": "DEV-2", "refunded_on": today})
    assert resp.status_code == 201
    listing = api(member_user).get(path).get_json()
    assert listing["total"] == 2 and [r["amount"] for r in listing["items"]] == ["150000.00", "50000.00"]
    assert db.session.query(Refund).count() == 2
    assert api(member_user).get(f"/alliances/{a.id}/closeout").get_json()["to_settle"] == "0.00"


def test_close_through_the_api(closing_alliance, api, officer, finance):
    a = closing_alliance
    resp = api(officer).post(f"/alliances/{a.id}/transitions", json={"action": "close"})
    assert resp.status_code == 422 and _rules(resp) == ["balance_unsettled", "evaluation_missing"]
    api(finance).post(f"/alliances/{a.id}/refunds", json={"amount": "200000.00", "reference": "DEV-1",
                                                          "refunded_on": date.today().isoformat()})
    api(officer).put(f"/alliances/{a.id}/evaluation", json={"rating": "highly_satisfactory", "findings": "Bien"})
    resp = api(officer).post(f"/alliances/{a.id}/transitions", json={"action": "close"})
    assert resp.status_code == 200 and resp.get_json()["state"] == "closed"
    resp = api(officer).post(f"/alliances/{a.id}/refunds", json={"amount": "1.00", "reference": "x",
                                                                  "refunded_on": date.today().isoformat()})
    assert resp.status_code == 409


def test_move_to_fund_api(closing_alliance, api, officer):
    resp = api(officer).post(f"/alliances/{closing_alliance.id}/closeout/revolving-fund",
                             json={"amount": "100.00", "moved_on": date.today().isoformat()})
    assert resp.status_code == 422 and _rules(resp) == ["revolving_not_allowed"]


def test_closeout_pdf(closing_alliance, api, officer, finance, member_user, other_board):
    a = closing_alliance
    api(finance).post(f"/alliances/{a.id}/refunds", json={"amount": "200000.00", "reference": "DEV-777",
                                                          "refunded_on": date.today().isoformat()})
    api(officer).put(f"/alliances/{a.id}/evaluation", json={"rating": "satisfactory",
                                                             "findings": "Hallazgo principal del técnico"})
    assert api(other_board).get(f"/alliances/{a.id}/documents/closeout").status_code == 404
    resp = api(member_user).get(f"/alliances/{a.id}/documents/closeout")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    text = pdf_text(resp.data)
    assert a.code in text and a.association.name in text
    assert "200.000,00" in text and "350.000,00" in text  # received and approved
    assert "DEV-777" in text
    assert "Vendimos 180 t de leche" in text
    assert "Hallazgo principal del técnico" in text
    assert "Satisfactorio" in text or "Satisfactory" in text
    ind = a.indicators[0]
    assert str(ind.title) in text or ind.code in text
    assert "18,00" in text  # the actual (baseline 10,00, target 20,00)
    assert "2,00" in text and "3,00" in text and "+1,00" in text  # group indexes before, after, change
    assert "Línea de base" in text or "Baseline" in text


def test_openapi_documents_closeout(api):
    doc = api().get("/openapi.json").get_json()
    for path in ("/alliances/{alliance_id}/final-report", "/alliances/{alliance_id}/evaluation",
                 "/alliances/{alliance_id}/closeout", "/alliances/{alliance_id}/refunds",
                 "/alliances/{alliance_id}/documents/closeout"):
        assert path in doc["paths"], path
