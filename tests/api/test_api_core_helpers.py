"""The API's shared skeletons (grants/api/core.py: ``reading``, ``listing``, ``removal``, ``child_of``,
``present``, ``document``, ``in_state``, ``known_action``), each through real endpoints that are declared
with it: what they answer when all is well and when something is off."""
import io
import re

import pytest
from pypdf import PdfReader

from tests.plan_helpers import start_plan


@pytest.fixture
def plan(db, alliance, officer, facilitator):
    return start_plan(alliance, officer, facilitator)


@pytest.fixture
def tranches(api, plan, board):
    client = api(board)
    made = [client.post(f"/alliances/{plan.id}/tranches", json={"amount": amount, "planned_on": on}).get_json()
            for amount, on in (("1000.00", "2027-02-01"), ("500.00", "2027-08-01"))]
    assert [t["number"] for t in made] == [1, 2]
    return made


def test_listing_pages_the_rows_of_the_alliance(api, plan, board, tranches):
    client = api(board)
    second = client.get(f"/alliances/{plan.id}/tranches?page=2&per_page=1").get_json()
    assert second["total"] == 2 and second["page"] == 2 and second["per_page"] == 1
    assert [t["amount"] for t in second["items"]] == ["500.00"]
    assert client.get(f"/alliances/{plan.id}/tranches?page=3&per_page=1").get_json()["items"] == []
    bad = client.get(f"/alliances/{plan.id}/tranches?page=0")
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "bad_request"
    assert client.get("/alliances/99999999/tranches").status_code == 404


def test_a_row_answers_only_under_its_own_alliance(db, api, plan, make_alliance, make_call, officer, board,
                                                   tranches):
    other = make_alliance(the_call=make_call())
    client = api(officer)  # sees both alliances of the region
    tid = tranches[0]["id"]
    own = client.get(f"/alliances/{plan.id}/tranches/{tid}")
    assert own.status_code == 200 and own.get_json()["amount"] == "1000.00"
    assert client.get(f"/alliances/{other.id}/tranches").get_json()["total"] == 0
    elsewhere = client.get(f"/alliances/{other.id}/tranches/{tid}")
    assert elsewhere.status_code == 404 and elsewhere.get_json()["error"]["code"] == "not_found"
    gone = api(board).delete(f"/alliances/{other.id}/tranches/{tid}?version={tranches[0]['version']}")
    assert gone.status_code == 404
    assert client.get(f"/alliances/{plan.id}/tranches/{tid}").status_code == 200


def test_removal_checks_the_version_then_answers_204(api, plan, board, tranches):
    client = api(board)
    t = tranches[1]
    stale = client.delete(f"/alliances/{plan.id}/tranches/{t['id']}?version={t['version'] + 1}")
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "stale_version"
    assert client.get(f"/alliances/{plan.id}/tranches/{t['id']}").status_code == 200
    done = client.delete(f"/alliances/{plan.id}/tranches/{t['id']}?version={t['version']}")
    assert done.status_code == 204 and done.data == b""
    assert client.get(f"/alliances/{plan.id}/tranches/{t['id']}").status_code == 404


def test_queues_take_a_known_state_only(api, plan, officer, tranches):
    client = api(officer)
    planned = client.get("/tranches?state=planned").get_json()
    assert {t["id"] for t in planned["items"]} == {t["id"] for t in tranches}
    assert client.get("/tranches?state=disbursed").get_json()["total"] == 0
    for url in ("/tranches?state=flying", "/accountability-reports?state=flying"):
        bad = client.get(url)
        assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "bad_request", url
        assert "flying" in bad.get_json()["error"]["message"]


def test_an_unknown_action_is_400_and_changes_nothing(api, plan, board, tranches):
    client = api(board)
    tid = tranches[0]["id"]
    bad = client.post(f"/tranches/{tid}/transitions", json={"action": "fly"})
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "bad_request"
    assert "fly" in bad.get_json()["error"]["message"]
    assert client.get(f"/tranches/{tid}").get_json()["state"] == "planned"
    alliance = client.post(f"/alliances/{plan.id}/transitions", json={"action": "fly"})
    assert alliance.status_code == 400
    assert client.get(f"/alliances/{plan.id}").get_json()["state"] == "plan_in_preparation"


def test_documents_answer_404_until_they_exist(api, plan, facilitator, tranches):
    client = api(facilitator)
    for kind in ("agreement", "disbursement-order-1", "tranche-request-1", "closeout", "disbursement-order-9"):
        resp = client.get(f"/alliances/{plan.id}/documents/{kind}")
        assert resp.status_code == 404 and resp.get_json()["error"]["code"] == "not_found", kind
    resp = client.get(f"/alliances/{plan.id}/documents/plan")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert resp.headers["Content-Disposition"] == f'inline; filename="{plan.code}-plan.pdf"'
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(resp.data)).pages)
    assert plan.code in text


def test_every_read_takes_the_ids_of_its_path_by_name(app, api, admin, plan):
    """The loaders given to ``reading``, ``listing`` and ``document`` are called with the path's ids by name
    (``load_procurement(pid)`` answered 500 to ``GET /procurements/{id}``): every GET answers below 500."""
    client = api(admin)
    rules = [r.rule for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1/") and "GET" in r.methods
             and r.arguments]
    assert len(rules) > 50
    for rule in rules:
        path = re.sub(r"<int:[a-z_]+>", "1", re.sub(r"<(?:string:)?[a-z_]+>", "x", rule))[len("/api/v1"):]
        resp = client.get(path)
        assert resp.status_code < 500, (rule, resp.get_data(as_text=True)[:300])
