"""API: programs with their rules, and calls (window, envelope, criteria, committee, regions)."""
from datetime import timedelta

import sqlalchemy as sa

from grants.audit.models import Event
from grants.common import utcnow
from grants.programs.models import RULES, Call, Program
from tests.api.test_api_support import assert_error, fields_of

DEFAULT_RULES = {
    "max_grant_share": "0.70", "min_counterpart_share": "0.30", "min_counterpart_cash_share": "0.10",
    "grant_cap_per_family": "14000.00", "min_families": 20, "max_families": 60,
    "minor_purchase_limit": "10000.00", "min_quotations": 3, "tranche_justified_share": "0.70",
    "free_reallocation_share": "0.10", "discount_rate": "0.12", "committee_quorum": 3,
    "one_open_alliance_per_call": True, "revolving_fund_share": "0.00",
    "report_period_months": 6, "tranche_response_days": 15, "low_execution_share": "0.50",
    "grievance_ack_days": 5, "grievance_resolve_days": 30,  # issue 15
}
DEFAULT_RULES["buyer_noncompliance_share"] = "0.20"  # issue 15: the buyer as a party


def _iso(days):
    return (utcnow() + timedelta(days=days)).replace(microsecond=0).isoformat()


# --- programs -------------------------------------------------------------------------------------


def test_create_program_with_defaults_and_money_as_strings(api, db, admin):
    resp = api(admin).post("/programs", json={"code": "PAR4", "name": "Alianzas Rurales IV", "currency": "bob",
                                              "rules": {"grant_cap_per_family": "7000000.00",
                                                        "max_grant_share": "0.65", "min_families": 25,
                                                        "one_open_alliance_per_call": False}})
    assert resp.status_code == 201, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["currency"] == "BOB" and body["version"] == 1
    expected = {**DEFAULT_RULES, "grant_cap_per_family": "7000000.00", "max_grant_share": "0.65",
                "min_families": 25, "one_open_alliance_per_call": False}
    assert body["rules"] == expected
    assert set(body["rules"]) == set(RULES)  # every rule, no more
    program = db.session.get(Program, body["id"])
    assert str(program.grant_cap_per_family) == "7000000.00" and str(program.max_grant_share) == "0.6500"
    assert db.session.execute(sa.select(Event).where(Event.action == "create_program")).scalar() is not None


def test_program_rule_errors_list_every_rule(api, admin):
    client = api(admin)
    err = assert_error(client.post("/programs", json={"code": "X", "name": "X", "currency": "BOB", "rules": {
        "max_grant_share": "1.50", "min_counterpart_share": "-0.1", "grant_cap_per_family": "1.234",
        "min_quotations": 0}}), 422, "validation_error")
    assert fields_of(err) == {"rules.max_grant_share", "rules.min_counterpart_share",
                              "rules.grant_cap_per_family", "rules.min_quotations"}
    err = assert_error(client.post("/programs", json={"code": "X", "name": "X", "currency": "BOB", "rules": {
        "min_families": 70, "max_families": 60}}), 422, "validation_error")
    assert fields_of(err) == {"rules.min_families"}
    err = assert_error(client.post("/programs", json={"code": "X", "name": "X", "currency": "BOB",
                                                      "rules": {"no_such_rule": 1}}), 422)
    assert fields_of(err) == {"rules.no_such_rule"}
    # floats, lists and booleans where money or shares go are the wrong type: 400
    for bad in ({"grant_cap_per_family": 7000.5}, {"max_grant_share": 0.7}, {"minor_purchase_limit": ["1"]},
                {"min_families": True}, {"one_open_alliance_per_call": "maybe"}):
        assert_error(client.post("/programs", json={"code": "X", "name": "X", "currency": "BOB", "rules": bad}),
                     400, "bad_request")
    err = assert_error(client.post("/programs", json={"code": "", "name": "", "currency": "BOLIVIANOS"}), 422)
    assert {"code", "name", "currency"} <= fields_of(err)


def test_program_code_is_unique(api, admin, program):
    err = assert_error(api(admin).post("/programs", json={"code": program.code, "name": "N", "currency": "BOB"}),
                       422, "validation_error")
    assert fields_of(err) == {"code"}


def test_everyone_signed_in_reads_programs_only_admin_writes(api, board, auditor, program):
    for user in (board, auditor):
        client = api(user)
        body = client.get("/programs").get_json()
        assert [p["code"] for p in body["items"]] == [program.code]
        assert client.get(f"/programs/{program.id}").get_json()["rules"]["max_grant_share"] == "0.70"
        assert_error(client.post("/programs", json={"code": "Z", "name": "Z", "currency": "BOB"}), 403, "forbidden")
        assert_error(client.patch(f"/programs/{program.id}", json={"version": 1, "name": "Z"}), 403, "forbidden")
    assert_error(api(board).get("/programs/424242"), 404, "not_found")


def test_patch_program_rules_with_version(api, db, admin, program):
    client = api(admin)
    version = program.version
    resp = client.patch(f"/programs/{program.id}", json={"version": version,
                                                         "rules": {"min_counterpart_cash_share": "0.30"}})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["rules"]["min_counterpart_cash_share"] == "0.30" and body["version"] == version + 1
    assert body["rules"]["max_grant_share"] == "0.70"  # untouched
    stale = client.patch(f"/programs/{program.id}", json={"version": version, "name": "Otro"})
    assert_error(stale, 409, "stale_version")
    db.session.expire_all()
    assert db.session.get(Program, program.id).name != "Otro"
    ev = db.session.execute(sa.select(Event).where(Event.action == "update_program")).scalar_one()
    assert ev.data_dict()["rules"] == {"min_counterpart_cash_share": {"from": "0.1000", "to": "0.3000"}}


# --- calls ----------------------------------------------------------------------------------------


def _call_body(program, **extra):
    return {"program_id": program.id, "title": "Convocatoria 2026", "opens_at": _iso(-1), "closes_at": _iso(30),
            "envelope": "2500000.00", **extra}


def test_create_call_with_default_criteria(api, db, admin, program):
    resp = api(admin).post("/calls", json=_call_body(program))
    assert resp.status_code == 201, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["envelope"] == "2500000.00" and body["is_open"] is True
    assert [c["code"] for c in body["criteria"]] == ["market", "viability", "organization", "inclusion",
                                                     "environment"]
    assert sum(c["weight"] for c in body["criteria"]) == 100
    assert body["committee_ids"] == [] and body["regions"] == []
    assert body["opens_at"].endswith("Z")
    call = db.session.get(Call, body["id"])
    assert len(call.criteria) == 5 and str(call.envelope) == "2500000.00"


def test_create_call_with_criteria_committee_regions(api, admin, program, committee):
    criteria = [{"code": "market", "name": "Mercado", "weight": 60, "max": 10},
                {"code": "people", "name": "Inclusión", "weight": 40}]
    resp = api(admin).post("/calls", json=_call_body(program, criteria=criteria, committee_ids=[committee.id],
                                                     regions=["Potosí", "La Paz"],
                                                     opens_at="2026-01-01T08:00:00-04:00",
                                                     closes_at="2026-02-01T00:00:00Z"))
    assert resp.status_code == 201, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["criteria"] == [{"code": "market", "name": "Mercado", "weight": 60, "max": 10},
                                {"code": "people", "name": "Inclusión", "weight": 40, "max": 5}]
    assert body["committee_ids"] == [committee.id] and body["regions"] == ["La Paz", "Potosí"]
    assert body["opens_at"] == "2026-01-01T12:00:00Z"  # converted to UTC
    assert body["is_open"] is False


def test_call_validation(api, admin, program, officer):
    client = api(admin)
    err = assert_error(client.post("/calls", json=_call_body(program, opens_at=_iso(5), closes_at=_iso(1),
                                                             criteria=[{"code": "a", "name": "A", "weight": 50}],
                                                             committee_ids=[officer.id])), 422)
    assert fields_of(err) == {"closes_at", "criteria", "committee_ids"}
    err = assert_error(client.post("/calls", json=_call_body(program, program_id=999999)), 422)
    assert fields_of(err) == {"program_id"}
    assert_error(client.post("/calls", json=_call_body(program, envelope=2500000.5)), 400, "bad_request")
    assert_error(client.post("/calls", json=_call_body(program, envelope=["1"])), 400, "bad_request")
    assert_error(client.post("/calls", json=_call_body(program, envelope="-1.00")), 422, "validation_error")
    assert_error(client.post("/calls", json=_call_body(program, opens_at="next monday")), 400, "bad_request")
    err = assert_error(client.post("/calls", json={"title": "T"}), 422, "validation_error")
    assert {"program_id", "opens_at", "closes_at", "envelope"} <= fields_of(err)


def test_list_calls_filters(api, board, make_program, make_call, program):
    open_call = make_call()
    closed = make_call(opens=-60, closes=-30)
    other = make_call(prog=make_program())
    client = api(board)
    assert {c["id"] for c in client.get("/calls").get_json()["items"]} == {open_call.id, closed.id, other.id}
    assert {c["id"] for c in client.get("/calls?open=true").get_json()["items"]} == {open_call.id, other.id}
    assert {c["id"] for c in client.get("/calls?open=false").get_json()["items"]} == {closed.id}
    body = client.get(f"/calls?program_id={program.id}").get_json()
    assert {c["id"] for c in body["items"]} == {open_call.id, closed.id} and body["total"] == 2
    assert client.get(f"/calls/{closed.id}").get_json()["is_open"] is False
    assert_error(client.get("/calls?open=perhaps"), 400, "bad_request")
    assert_error(client.get("/calls?program_id=abc"), 400, "bad_request")
    assert_error(client.get("/calls?program_id=99999999999999999999"), 400, "bad_request")
    assert_error(client.get("/calls/0"), 404, "not_found")


def test_patch_call(api, db, admin, board, call):
    client = api(admin)
    version = call.version
    resp = client.patch(f"/calls/{call.id}", json={"version": version, "envelope": "3000000.00",
                                                   "regions": ["Oruro"]})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["envelope"] == "3000000.00" and body["regions"] == ["Oruro"]
    assert body["version"] == version + 1
    # a change of regions only still moves the version
    again = client.patch(f"/calls/{call.id}", json={"version": body["version"], "regions": []})
    assert again.status_code == 200 and again.get_json()["version"] == body["version"] + 1
    assert_error(client.patch(f"/calls/{call.id}", json={"version": body["version"], "envelope": "1.00"}), 409,
                 "stale_version")
    db.session.expire_all()
    assert str(db.session.get(Call, call.id).envelope) == "3000000.00"
    assert_error(api(board).patch(f"/calls/{call.id}", json={"version": 3, "title": "X"}), 403, "forbidden")
