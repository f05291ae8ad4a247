"""Assistance API: providers, contracts with their deliverables, the deliverable transitions (multipart
submit), payments through the expenses endpoint, access (a provider sees only its own contracts)."""
import io

import pytest

from grants.extensions import db
from tests.assistance_support import contract_data, live_ta, pay_data, provider_for
from tests.execution_support import PDF


@pytest.fixture
def line(alliance, officer, facilitator, board):
    return live_ta(alliance, officer, facilitator, board)


def test_provider_registry(board, member_user, ta_provider, api):
    resp = api(board).post("/ta-providers", json={"name": "Agrotec SRL", "tax_id": "1020304",
                                                  "email": "a@example.org", "user_id": ta_provider.id})
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["user_id"] == ta_provider.id
    assert api(board).post("/ta-providers", json={"name": "X", "user_id": member_user.id}).status_code == 422
    assert api(member_user).post("/ta-providers", json={"name": "Y"}).status_code == 403
    assert api(board).get("/ta-providers").get_json()["total"] == 1


def test_contract_flow_to_payment(alliance, line, board, treasurer, ta_provider, api):
    p = provider_for(ta_provider, board)
    resp = api(board).post(f"/alliances/{alliance.id}/ta-contracts", json=contract_data(p, line))
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert [d["state"] for d in body["deliverables"]] == ["pending", "pending"]
    assert body["amount"] == "30000.00"
    d1 = body["deliverables"][0]["id"]
    # the provider submits with a file (multipart)
    resp = api(ta_provider).post(f"/deliverables/{d1}/transitions", data={
        "action": "submit", "note": "Informe de diagnóstico", "file": (io.BytesIO(PDF), "informe.pdf")},
        content_type="multipart/form-data")
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["state"] == "submitted" and resp.get_json()["file_sha256"]
    assert api(ta_provider).post(f"/deliverables/{d1}/transitions", json={"action": "accept"}).status_code == 403
    assert api(board).post(f"/deliverables/{d1}/transitions", json={"action": "fly"}).status_code == 400
    assert api(board).post(f"/deliverables/{d1}/transitions", json={"action": "reject"}).status_code == 422
    assert api(board).post(f"/deliverables/{d1}/transitions", json={"action": "accept"}).get_json()["state"] \
        == "accepted"
    from grants.assistance.models import Deliverable

    d = db.session.get(Deliverable, d1)
    data = {k: str(v) for k, v in pay_data(d, "10000.01").items()}
    resp = api(treasurer).post(f"/alliances/{alliance.id}/expenses", json=data)
    assert resp.status_code == 422
    assert [x["rule"] for x in resp.get_json()["error"]["details"]] == ["deliverable_amount_exceeded"]
    data["amount"] = "10000.00"
    resp = api(treasurer).post(f"/alliances/{alliance.id}/expenses", json=data)
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["deliverable_id"] == d1


def test_contract_rules_by_api(alliance, line, board, ta_provider, api):
    p = provider_for(ta_provider, board)
    resp = api(board).post(f"/alliances/{alliance.id}/ta-contracts",
                           json=contract_data(p, line, ("10000.00", "20000.01")))
    assert resp.status_code == 422
    assert sorted(x["rule"] for x in resp.get_json()["error"]["details"]) == ["contract_amount_exceeded"]
    resp = api(board).post(f"/alliances/{alliance.id}/ta-contracts", json=contract_data(p, line, amount="5.00"))
    assert sorted(x["rule"] for x in resp.get_json()["error"]["details"]) == ["deliverables_mismatch"]
    assert api(board).post(f"/alliances/{alliance.id}/ta-contracts", json={"amount": 1.5}).status_code == 400
    assert api(board).post("/deliverables/abc/transitions", json={"action": "submit"}).status_code == 404


def test_access(alliance, line, board, member_user, other_board, ta_provider, make_user, api):
    p = provider_for(ta_provider, board)
    resp = api(board).post(f"/alliances/{alliance.id}/ta-contracts", json=contract_data(p, line))
    cid = resp.get_json()["id"]
    did = resp.get_json()["deliverables"][0]["id"]
    assert api(member_user).post(f"/alliances/{alliance.id}/ta-contracts",
                                 json=contract_data(p, line)).status_code == 403
    assert api(member_user).get("/ta-contracts").get_json()["total"] == 1
    assert api(ta_provider).get("/ta-contracts").get_json()["total"] == 1
    assert api(ta_provider).get(f"/ta-contracts/{cid}").status_code == 200
    stranger = make_user(roles=["ta_provider"], name="Otro Técnico")
    assert api(stranger).get("/ta-contracts").get_json()["total"] == 0
    assert api(stranger).get(f"/ta-contracts/{cid}").status_code == 404
    assert api(stranger).post(f"/deliverables/{did}/transitions", json={"action": "submit"}).status_code == 404
    assert api(other_board).get("/ta-contracts").get_json()["total"] == 0
    assert api(other_board).get(f"/ta-contracts/{cid}").status_code == 404
    assert api(other_board).get(f"/alliances/{alliance.id}/ta-contracts").status_code == 404
