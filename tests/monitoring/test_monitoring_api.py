"""The monitoring API: indicator values (shapes, 422 rule codes, 400 on wrong types, permissions), visits,
photos (415 on another type, served only to insiders) and the follow-up action transitions."""
import io
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from grants.errors import ValidationFailed
from grants.extensions import db
from grants.monitoring.models import IndicatorValue
from grants.monitoring.schemas import read_visit
from tests.monitoring_support import JPEG, PDF, PNG, executing, indicator, last_month, next_month, this_month

TODAY = date.today()


@pytest.fixture
def live(alliance, officer, facilitator, board):
    return executing(alliance, officer, facilitator, board)


def values_url(alliance, ind):
    return f"/alliances/{alliance.id}/indicators/{ind.id}/values"


def rules(resp):
    return sorted(d["rule"] for d in resp.get_json()["error"]["details"])


def test_record_and_list_values(live, api, board, member_user):
    fam = indicator(live, "families")
    resp = api(board).post(values_url(live, fam), json={"period": last_month(), "value": "30", "women": 14,
                                                        "men": 16})
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["value"] == "30.00" and body["women"] == 14 and body["men"] == 16 and body["version"] == 1
    assert body["period"] == last_month() and body["indicator_id"] == fam.id
    again = api(board).post(values_url(live, fam), json={"period": last_month(), "value": 31, "women": 15,
                                                         "men": 16})
    assert again.status_code == 201 and again.get_json()["id"] == body["id"] and again.get_json()["value"] == "31.00"
    listed = api(member_user).get(values_url(live, fam)).get_json()
    assert listed["total"] == 1 and listed["items"][0]["value"] == "31.00"


def test_value_422_codes(live, api, treasurer):
    fam = indicator(live, "families")
    resp = api(treasurer).post(values_url(live, fam), json={"period": next_month(), "value": "5", "women": 1,
                                                            "men": 1})
    assert resp.status_code == 422
    assert resp.get_json()["error"]["code"] == "rule_violation"
    assert rules(resp) == ["period_in_future", "sex_split_mismatch"]
    resp = api(treasurer).post(values_url(live, fam), json={"period": this_month(), "value": "2"})
    assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "validation_error"
    assert rules(resp) == ["required", "required"]
    resp = api(treasurer).post(values_url(live, indicator(live, "yield")), json={"period": "2026-3", "value": "x"})
    assert resp.status_code == 422 and rules(resp) == ["invalid", "invalid"]
    live.state = "closed"
    db.session.commit()
    resp = api(treasurer).post(values_url(live, indicator(live, "yield")), json={"period": this_month(),
                                                                               "value": "2"})
    assert resp.status_code == 422 and rules(resp) == ["alliance_not_in_execution"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IndicatorValue)) == 0


@pytest.mark.parametrize("body", [{"period": 202601, "value": "1"}, {"period": "2026-01", "value": 1.5},
                                  {"period": "2026-01", "value": "1", "women": "many", "men": 1},
                                  {"period": "2026-01", "value": "1", "extra": True}, [1, 2]])
def test_value_wrong_types_are_4xx(live, api, board, body):
    resp = api(board).post(values_url(live, indicator(live, "yield")), json=body)
    assert resp.status_code in (400, 422), resp.get_json()


def test_value_permissions(live, api, member_user, auditor, other_board, other_officer, officer):
    ind = indicator(live, "yield")
    data = {"period": this_month(), "value": "3"}
    for outsider in (other_board, other_officer):
        assert api(outsider).get(values_url(live, ind)).status_code == 404
        assert api(outsider).post(values_url(live, ind), json=data).status_code == 404
    for reader in (member_user, auditor):
        assert api(reader).get(values_url(live, ind)).status_code == 200
        assert api(reader).post(values_url(live, ind), json=data).status_code == 403
    assert api(officer).post(f"/alliances/{live.id}/indicators/999999/values", json=data).status_code == 404
    assert api(officer).post(values_url(live, ind), json=data).status_code == 201


def visit_body(**kw):
    body = {"visited_on": TODAY.isoformat(), "place": "Achacachi", "participants": 20, "findings": "Avance bueno",
            "rating": "satisfactory", "actions": [{"description": "Cercar el terreno",
                                                   "due_on": (TODAY + timedelta(days=15)).isoformat()}]}
    body.update(kw)
    return body


def test_visits_api(live, api, officer, board, member_user, other_board, auditor):
    url = f"/alliances/{live.id}/visits"
    assert api(board).post(url, json=visit_body()).status_code == 403
    assert api(auditor).post(url, json=visit_body()).status_code == 403
    resp = api(officer).post(url, json=visit_body(rating="excellent", visited_on=(TODAY + timedelta(days=2))
                                                  .isoformat()))
    assert resp.status_code == 422 and rules(resp) == ["invalid", "visit_in_future"]
    resp = api(officer).post(url, json=visit_body())
    assert resp.status_code == 201
    v = resp.get_json()
    assert v["rating"] == "satisfactory" and v["photos"] == [] and len(v["actions"]) == 1
    assert v["actions"][0]["state"] == "open"
    photos = f"{url}/{v['id']}/photos"
    resp = api(officer).post(photos, data={"file": (io.BytesIO(PDF), "foto.jpg")}, content_type="multipart/form-data")
    assert resp.status_code == 415 and resp.get_json()["error"]["code"] == "unsupported_type"
    resp = api(officer).post(photos, data={"file": (io.BytesIO(PNG), "f.png"), "caption": "Cerco"},
                             content_type="multipart/form-data")
    assert resp.status_code == 201 and resp.get_json()["content_type"] == "image/png"
    pid = resp.get_json()["id"]
    assert api(board).post(photos, data={"file": (io.BytesIO(JPEG), "f.jpg")},
                           content_type="multipart/form-data").status_code == 403
    got = api(member_user).get(f"{photos}/{pid}")
    assert got.status_code == 200 and got.data == PNG
    assert api(other_board).get(f"{photos}/{pid}").status_code == 404
    assert api(other_board).get(f"{url}/{v['id']}").status_code == 404
    one = api(member_user).get(f"{url}/{v['id']}").get_json()
    assert one["photos"][0]["caption"] == "Cerco"
    listed = api(auditor).get(url).get_json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == v["id"]


def test_follow_up_api(live, api, officer, board, treasurer, other_board):
    v = api(officer).post(f"/alliances/{live.id}/visits", json=visit_body()).get_json()
    aid = v["actions"][0]["id"]
    url = f"/follow-up-actions/{aid}/transitions"
    assert api(board).get(f"/follow-up-actions/{aid}").get_json()["actions"] == ["answer"]
    assert api(other_board).post(url, json={"action": "answer", "answer": "x"}).status_code == 404
    assert api(treasurer).post(url, json={"action": "answer", "answer": "x"}).status_code == 403
    assert api(board).post(url, json={"action": "fly"}).status_code == 400
    assert api(officer).post(url, json={"action": "close"}).status_code == 409
    resp = api(board).post(url, json={"action": "answer"})
    assert resp.status_code == 422 and rules(resp) == ["required"]
    resp = api(board).post(url, data={"action": "answer", "answer": "Cercado",
                                      "evidence": (io.BytesIO(JPEG), "cerco.jpg")},
                           content_type="multipart/form-data")
    assert resp.status_code == 200 and resp.get_json()["state"] == "answered"
    assert resp.get_json()["evidence_filename"] == "cerco.jpg"
    assert api(board).get(f"/follow-up-actions/{aid}/evidence").data == JPEG
    resp = api(officer).post(url, json={"action": "reopen"})
    assert resp.status_code == 422 and rules(resp) == ["comment_required"]
    resp = api(officer).post(url, json={"action": "reopen", "comment": "Falta la puerta"})
    assert resp.status_code == 200 and resp.get_json()["state"] == "open"
    assert resp.get_json()["officer_comment"] == "Falta la puerta"
    assert api(officer).post(url, json={"action": "close"}).status_code == 409
    api(board).post(url, json={"action": "answer", "answer": "Puerta puesta"})
    resp = api(officer).post(url, json={"action": "close"})
    assert resp.status_code == 200 and resp.get_json()["state"] == "closed"
    assert resp.get_json()["actions"] == []


def test_openapi_lists_monitoring(api, board):
    doc = api(board).get("/openapi.json").get_json()
    for path in ("/alliances/{alliance_id}/indicators/{indicator_id}/values", "/alliances/{alliance_id}/visits",
                 "/follow-up-actions/{action_id}/transitions", "/alerts", "/alliances/{alliance_id}/alerts"):
        assert path in doc["paths"], path


def test_one_schema_for_the_api_and_the_pages(client, live, login, officer):
    """One schema per operation (issue 14): the API documents the value's period as YYYY-MM and a visit's rows as
    ``ActionIn`` from the same models the pages read; a row's wrong date is refused at that row's field."""
    doc = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert doc["ValueIn"]["properties"]["period"]["pattern"] == r"^\d{4}-(0[1-9]|1[0-2])$"
    assert "ActionIn" in str(doc["VisitIn"]["properties"]["actions"])
    with pytest.raises(ValidationFailed) as exc:
        read_visit({"visited_on": date.today().isoformat(), "place": "Achacachi", "findings": "Bien",
                    "rating": "satisfactory", "actions": [{}, {"description": "Pintar", "due_on": "2026-99-01"}]})
    assert [(v.rule, v.field) for v in exc.value.details] == [("invalid", "actions.1.due_on")]
    resp = login(officer).post(f"/alliances/{live.id}/monitoring/visits", data={
        "visited_on": date.today().isoformat(), "place": "Achacachi", "findings": "Bien", "rating": "satisfactory",
        "actions-0-description": "", "actions-0-due_on": "", "actions-2-description": " ", "actions-2-due_on": "",
        "actions-1-description": "Pintar el galpón", "actions-1-due_on": "2026-99-01"})
    text = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "Pintar el galpón" in text
    assert "Escriba una fecha, por ejemplo 2026-03-31." in text
    assert text.count("Escriba una fecha, por ejemplo 2026-03-31.") == 1  # row 1 only: the blank rows are skipped
