"""API: money and shares in a request body are strings of ASCII digits with at most two (shares: four)
decimals, a leading minus only where a negative value makes sense, and nothing else: integers, padded
strings, leading zeros and non-ASCII digits are a 422 validation_error naming the field, in the
user's language. The answers keep writing "1250.00"."""
from decimal import Decimal

import pytest
from pydantic import ValidationError

from grants.api.core import Model
from grants.schemas.types import AmountStr, MoneyStr, ShareStr
from tests.api.test_api_support import assert_error, fields_of, rules_of

BAD_AMOUNTS = [
    (1250, "decimal_not_string"),            # a JSON integer
    (0, "decimal_not_string"),
    (" 1250.00", "decimal_invalid"),         # padding
    ("1250.00 ", "decimal_invalid"),
    ("1250.00\n", "decimal_invalid"),
    ("\t7", "decimal_invalid"),
    ("001250.00", "decimal_invalid"),        # zero padding
    ("١٢٥٠.٠٠", "decimal_invalid"),          # Arabic-Indic digits
    ("１２５０", "decimal_invalid"),             # full-width digits
    ("1250.", "decimal_invalid"),
    (".50", "decimal_invalid"),
    ("+1250.00", "decimal_invalid"),
    ("1,250.00", "decimal_invalid"),
    ("1_250", "decimal_invalid"),
    ("1e3", "decimal_invalid"),
    ("", "decimal_invalid"),
    ("1250.005", "decimal_places"),
    ("-5.00", "decimal_negative"),           # an amount that must be positive
    ("-0", "decimal_negative"),
]


def _program(rules):
    return {"code": "PSTRICT", "name": "Programa estricto", "currency": "BOB", "rules": rules}


@pytest.mark.parametrize("raw, rule", BAD_AMOUNTS)
def test_money_in_a_request_is_a_strict_string(api, admin, raw, rule):
    err = assert_error(api(admin).post("/programs", json=_program({"grant_cap_per_family": raw})),
                       422, "validation_error")
    assert fields_of(err) == {"rules.grant_cap_per_family"}
    assert rules_of(err) == {rule}


@pytest.mark.parametrize("raw", [1, " 0.70", "0.700000", "٠.٧", "00.70", "-0.10", ".7"])
def test_shares_in_a_request_are_strict_strings(api, admin, raw):
    err = assert_error(api(admin).post("/programs", json=_program({"max_grant_share": raw})), 422, "validation_error")
    assert fields_of(err) == {"rules.max_grant_share"}


@pytest.mark.parametrize("raw, stored", [("14000.00", "14000.00"), ("14000", "14000.00"), ("14000.5", "14000.50"),
                                         ("0", "0.00"), ("0.05", "0.05"), ("999999999999.99", "999999999999.99")])
def test_well_written_amounts_are_accepted_and_answered_with_two_decimals(api, admin, raw, stored):
    resp = api(admin).post("/programs", json=_program({"grant_cap_per_family": raw, "max_grant_share": "0.7"}))
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["rules"]["grant_cap_per_family"] == stored
    assert resp.get_json()["rules"]["max_grant_share"] == "0.70"


def test_top_level_amount_of_an_alliance_names_its_field(api, board, call, association):
    body = {"call_id": call.id, "association_id": association.id, "title": "Quinua orgánica", "product": "quinua",
            "requested_grant": 250000, "estimated_counterpart": "١٠٠٠٠٠.٠٠"}
    err = assert_error(api(board).post("/alliances", json=body), 422, "validation_error")
    assert fields_of(err) == {"requested_grant", "estimated_counterpart"}


def test_messages_in_the_users_language(api, make_user):
    english = make_user(roles=["admin"], locale="en")
    spanish = make_user(roles=["admin"], locale="es")
    err = assert_error(api(english).post("/programs", json=_program({"grant_cap_per_family": " 1"})), 422)
    assert "without spaces or leading zeros" in err["details"][0]["message"]
    err = assert_error(api(spanish).post("/programs", json=_program({"grant_cap_per_family": " 1"})), 422)
    assert "sin espacios ni ceros a la izquierda" in err["details"][0]["message"]
    err = assert_error(api(spanish).post("/programs", json=_program({"grant_cap_per_family": "1.234"})), 422)
    assert err["details"][0]["message"] == "Como máximo 2 decimales."


def test_floats_lists_and_booleans_stay_a_wrong_type(api, admin):
    for bad in (1250.5, ["1"], True, {"a": 1}):
        assert_error(api(admin).post("/programs", json=_program({"grant_cap_per_family": bad})), 400, "bad_request")


class Amounts(Model):
    money: MoneyStr = None
    amount: AmountStr = None
    share: ShareStr = None


def test_a_signed_money_field_takes_a_leading_minus_from_a_client():
    client = {"client": True}
    assert Amounts.model_validate({"money": "-3.10"}, context=client).money == Decimal("-3.10")
    for raw in ("+3.10", "- 3.10", "--3", "-03.10"):
        with pytest.raises(ValidationError) as info:
            Amounts.model_validate({"money": raw}, context=client)
        assert info.value.errors()[0]["type"] == "decimal_invalid"


def test_our_own_values_still_serialise():
    """The answers' models read our own Decimals and integers (e.g. a sum of nothing is 0)."""
    dumped = Amounts.model_validate({"money": Decimal("-3.1"), "amount": 0, "share": Decimal("0.7")}).model_dump(
        mode="json")
    assert dumped == {"money": "-3.10", "amount": "0.00", "share": "0.70"}


def test_the_documented_patterns_match_what_is_accepted(client):
    import re

    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    cap = schemas["ProgramRules"]["properties"]["grant_cap_per_family"]["pattern"]
    share = schemas["ProgramRules"]["properties"]["max_grant_share"]["pattern"]
    for raw in ("14000.00", "0", "0.5", "999999999999.99"):
        assert re.search(cap, raw, re.ASCII), raw
    for raw, _rule in BAD_AMOUNTS:
        if isinstance(raw, str) and raw != "1250.00\n":  # "$" in Python also matches before a final newline
            assert not re.search(cap, raw, re.ASCII), raw
    for raw in ("0.70", "1", "1.0000", "0.1234"):
        assert re.search(share, raw, re.ASCII), raw
    for raw in ("1.01", "0.12345", "2", "-0.1", "00.7"):
        assert not re.search(share, raw, re.ASCII), raw
