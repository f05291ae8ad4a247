"""Helpers shared by the API tests (imported by the other test_api_* modules), and tests of the
API's plumbing itself: the error shape, body parsing, pagination bounds, the money types."""
from decimal import Decimal

import pytest
from pydantic import ValidationError

from grants.api.core import Model, operation
from grants.schemas.types import AmountStr, MoneyStr, RatioStr, fmt_ratio

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def assert_error(resp, status, code=None):
    """The response is the API's error shape with ``status`` (and ``code``); returns the error."""
    assert resp.status_code == status, (resp.status_code, resp.get_data(as_text=True)[:800])
    assert resp.mimetype == "application/json"
    body = resp.get_json()
    assert set(body) == {"error"}
    err = body["error"]
    assert set(err) == {"status", "code", "message", "details"}
    assert err["status"] == status
    if code is not None:
        assert err["code"] == code, err
    assert isinstance(err["message"], str) and err["message"]
    assert isinstance(err["details"], list)
    for d in err["details"]:
        assert {"rule", "field", "message"} <= set(d)
    return err


def rules_of(err):
    return {d["rule"] for d in err["details"]}


def fields_of(err):
    return {d["field"] for d in err["details"]}


# --- the money types ------------------------------------------------------------------------------


class Amounts(Model):
    money: MoneyStr = None
    amount: AmountStr = None
    ratio: RatioStr = None


@pytest.mark.parametrize("raw, expected", [("1250.00", "1250.00"), ("1250", "1250.00"), (" 7.5 ", "7.50"),
                                           (1250, "1250.00"), ("-3.10", "-3.10"), ("0.1", "0.10")])
def test_money_parses_exactly_and_dumps_as_string(raw, expected):
    m = Amounts.model_validate({"money": raw})
    assert m.money == Decimal(expected)
    assert m.model_dump(mode="json")["money"] == expected


@pytest.mark.parametrize("raw, kind", [
    (12.5, "decimal_string_type"), ([1], "decimal_string_type"), ({"a": 1}, "decimal_string_type"),
    (True, "decimal_string_type"), (None, "decimal_string_type"), ("12,50", "decimal_invalid"),
    ("1e3", "decimal_invalid"), ("NaN", "decimal_invalid"), ("", "decimal_invalid"),
    ("1.005", "decimal_places"), ("9" * 20, "decimal_too_large")])
def test_money_refuses_floats_lists_and_inexact_values(raw, kind):
    with pytest.raises(ValidationError) as info:
        Amounts.model_validate({"money": raw})
    assert info.value.errors()[0]["type"] == kind


def test_amount_refuses_negative_and_ratio_keeps_four_places():
    with pytest.raises(ValidationError) as info:
        Amounts.model_validate({"amount": "-1.00"})
    assert info.value.errors()[0]["type"] == "decimal_negative"
    assert Amounts.model_validate({"ratio": "0.125"}).model_dump(mode="json")["ratio"] == "0.125"
    assert Amounts.model_validate({"ratio": "0.7"}).model_dump(mode="json")["ratio"] == "0.70"
    with pytest.raises(ValidationError):
        Amounts.model_validate({"ratio": "0.12345"})
    assert fmt_ratio(Decimal("1")) == "1.00" and fmt_ratio(Decimal("0.0001")) == "0.0001"


# --- the plumbing through real requests ------------------------------------------------------------


def test_unknown_api_path_and_method_use_the_error_shape(api, admin):
    client = api(admin)
    assert_error(client.get("/nothing-here"), 404, "not_found")
    assert_error(client.put("/programs"), 405, "method_not_allowed")
    assert_error(client.get("/programs/abc"), 404, "not_found")
    assert_error(client.get("/programs/99999999999999999999999"), 404, "not_found")


@pytest.mark.parametrize("data, content_type", [
    ("{not json", "application/json"), ("[1, 2]", "application/json"), ('"text"', "application/json"),
    ("[" * 50000 + "]" * 50000, "application/json"), ('{"code": "A\\u0000B"}', "application/json"),
    ('{"code": "\\ud800"}', "application/json"), (b"\xff\xfe{}", "application/json"), ("code=x", "text/plain")])
def test_malformed_bodies_are_400(api, admin, data, content_type):
    resp = api(admin).post("/programs", data=data, content_type=content_type)
    assert_error(resp, 400, "bad_request")


def test_wrong_types_are_400_and_bad_values_422(api, admin):
    client = api(admin)
    err = assert_error(client.post("/programs", json={"code": ["P"], "name": 3, "currency": "BOB"}), 400,
                       "bad_request")
    assert {"code", "name"} <= fields_of(err)
    err = assert_error(client.post("/programs", json={"name": "Sin código"}), 422, "validation_error")
    assert {"code", "currency"} <= fields_of(err) and rules_of(err) == {"missing"}
    err = assert_error(client.post("/programs", json={"code": "P", "name": "N", "currency": "BOB", "colour": 1}),
                       422, "validation_error")
    assert rules_of(err) == {"extra_forbidden"}


@pytest.mark.parametrize("query", ["per_page=101", "per_page=0", "page=0", "page=-1", "page=x", "per_page=1.5",
                                   "page=99999999999999999999"])
def test_pagination_bounds_are_400(api, admin, query):
    assert_error(api(admin).get(f"/programs?{query}"), 400, "bad_request")


def test_pagination_shape_and_pages(api, admin, make_program):
    for _ in range(3):
        make_program()
    client = api(admin)
    body = client.get("/programs?per_page=2").get_json()
    assert set(body) == {"items", "page", "per_page", "total"}
    assert (body["page"], body["per_page"], body["total"], len(body["items"])) == (1, 2, 3, 2)
    second = client.get("/programs?per_page=2&page=2").get_json()
    assert len(second["items"]) == 1 and second["items"][0]["id"] not in {p["id"] for p in body["items"]}
    beyond = client.get("/programs?per_page=100&page=5").get_json()
    assert beyond["items"] == [] and beyond["total"] == 3
    assert client.get("/programs").get_json()["per_page"] == 50


def test_an_operation_answers_one_way():
    """``operation`` needs exactly one of ``answer`` (the service's result) and ``answer_loaded`` (the object)."""
    common = dict(name="never_routed", load=dict, call=lambda obj, body, user: obj, summary="-")
    with pytest.raises(TypeError):
        operation("/never", ["POST"], **common)
    with pytest.raises(TypeError):
        operation("/never", ["POST"], answer=dict, answer_loaded=dict, **common)
