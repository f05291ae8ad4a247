"""One schema per operation in the closeout (issue 14): the API validates each body with the model in
grants/closeout/schemas.py, the pages and the demo pass their form read with the same model; where a refusal
lists field errors beside business rules, the service reads the mapping with ``read`` and refuses once."""
from datetime import date, timedelta

import pytest

from grants.api.core import REGISTRY
from grants.closeout import schemas, services
from grants.errors import ValidationFailed
from grants.workflows import rules
from tests.closeout_support import closing, in_execution


@pytest.fixture
def executing_alliance(alliance, officer, facilitator, board):
    return in_execution(alliance, officer, facilitator, board)


@pytest.mark.parametrize("name,model", [
    ("closeout_save_final_report_put", "FinalReportIn"), ("closeout_save_evaluation_put", "EvaluationIn"),
    ("closeout_record_refund_post", "RefundIn"), ("closeout_move_to_fund_post", "MoveIn"),
    ("closeout_record_follow_up_post", "FollowUpIn")])
def test_the_api_validates_with_the_operations_schema(app, name, model):
    assert {e["body"] for e in REGISTRY if e["operation_id"] == name} == {getattr(schemas, model)}


def test_the_version_an_answer_gives_may_be_sent_back_even_zero(executing_alliance, api, board):
    """API.md: every ``version`` an answer gives may be sent back as it is, 0 included (the final report not saved
    yet); the API's own model took only 1 and above (422)."""
    client = api(board)
    path = f"/alliances/{executing_alliance.id}/final-report"
    assert client.get(path).get_json()["version"] == 0
    resp = client.put(path, json={"narrative": "Vendimos leche", "version": 0})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["narrative"] == "Vendimos leche" and resp.get_json()["version"] >= 1
    resp = client.put(path, json={"narrative": "otra vez", "version": 0})  # read before the first save: stale now
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "stale_version"
    assert client.put(path, json={"lessons": "x", "version": -1}).status_code == 422


def test_evaluation_version_zero_before_the_first_evaluation(alliance, officer, facilitator, board, api):
    a = closing(alliance, officer, facilitator, board)
    resp = api(officer).put(f"/alliances/{a.id}/evaluation",
                            json={"rating": "satisfactory", "findings": "Cumplió el plan", "version": 0})
    assert resp.status_code == 200, resp.get_json()


def test_a_blank_field_of_the_page_clears_it_the_api_leaves_what_it_does_not_send(executing_alliance, board, login,
                                                                                  api, db):
    a = executing_alliance
    services.save_final_report(a, schemas.FinalReportIn(narrative="Vendimos", lessons="Acopio"), board)
    db.session.commit()
    # the API: only the fields sent change
    assert api(board).put(f"/alliances/{a.id}/final-report", json={"lessons": "Precio"}).status_code == 200
    db.session.expire_all()
    assert (a.final_report.narrative, a.final_report.lessons) == ("Vendimos", "Precio")
    # the page sends the whole form: a field left blank is cleared
    data = {"narrative": "", "lessons": "Precio", "sales_volume": "", "sales_unit": "", "sales_value": "",
            "version": str(a.final_report.version)}
    resp = login(board).post(f"/alliances/{a.id}/closeout/final-report", data=data)
    assert resp.status_code == 302
    db.session.expire_all()
    assert (a.final_report.narrative, a.final_report.lessons) == ("", "Precio")


def test_read_keeps_the_valid_values_and_each_wrong_field(app):
    today = date.today()
    body, found = schemas.read(schemas.FollowUpIn, {
        "year": "2", "kind": "walk", "held_on": (today + timedelta(days=1)).isoformat(), "still_selling": "sí",
        "families_active": "20", "women_active": "x", "sales_value": "1.250,50"})
    assert {(v.rule, v.field) for v in found} == {(rules.INVALID, "kind"), (rules.INVALID, "women_active"),
                                                  (rules.INVALID, "sales_value")}
    assert (body.year, body.kind, body.still_selling, body.families_active, body.women_active) == (2, None, True, 20,
                                                                                                    None)
    assert body.held_on == today + timedelta(days=1)  # a day after today is a rule of the service, not a field error
    ok, none = schemas.read(schemas.FollowUpIn, {"year": 1, "kind": "call", "held_on": today.isoformat(),
                                                 "still_selling": "no", "families_active": 3, "women_active": "1"})
    assert none == [] and isinstance(ok, schemas.FollowUpIn) and ok.still_selling is False


def test_refund_and_move_fields(alliance, officer, facilitator, board, finance):
    a = closing(alliance, officer, facilitator, board)
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    with pytest.raises(ValidationFailed) as exc:
        services.record_refund(a, {"amount": "0", "reference": " ", "refunded_on": tomorrow}, finance)
    assert {(v.rule, v.field) for v in exc.value.details} == {
        (rules.INVALID, "amount"), (rules.REQUIRED, "reference"), (rules.INVALID, "refunded_on")}
    with pytest.raises(ValidationFailed) as exc:
        services.move_to_fund(a, {"amount": "abc"}, finance)
    assert {(v.rule, v.field) for v in exc.value.details} == {(rules.INVALID, "amount"), (rules.REQUIRED, "moved_on")}
