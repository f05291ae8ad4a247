"""Sealed bids in the TA selection: until the selection an invited provider sees only its own proposal (API
and page), never the others' prices, scores or who else was invited; after it, what the program publishes
(the selected provider and its price). The board and the officer keep seeing the whole evaluation."""
import io

import pytest

from tests.assistance_support import live_ta, provider_for
from tests.execution_support import PDF

TERMS = {"scope": "Manejo sanitario del hato lechero", "deliverables": "Plan sanitario; 4 informes trimestrales",
         "budget": "30000.00", "duration_days": 365, "profile": "Médico veterinario", "technical_weight": 70}
MINE, RIVAL, THIRD = "28000.00", "25000.00", "29500.00"


@pytest.fixture
def bids(db, api, alliance, officer, facilitator, board, ta_provider, make_user):
    """Three invited providers, two with their own account, each with a proposal."""
    line = live_ta(alliance, officer, facilitator, board)
    client = api(board)
    terms = client.post(f"/alliances/{alliance.id}/ta-terms", json={**TERMS, "budget_line_id": line.id}).get_json()
    rival_user = make_user(roles=["ta_provider"], name="Rival Técnico")
    mine = provider_for(ta_provider, board, name="Veterinaria Illimani")
    rival = provider_for(rival_user, board, name="Agrotec SRL")
    third = provider_for(None, board, name="Servicios Pecuarios Andinos")
    assert client.post(f"/ta-terms/{terms['id']}/invitations",
                       json={"provider_ids": [mine.id, rival.id, third.id]}).status_code == 200
    for user, price in ((ta_provider, MINE), (rival_user, RIVAL)):
        resp = api(user).post(f"/ta-terms/{terms['id']}/proposals",
                              data={"price": price, "file": (io.BytesIO(PDF), "propuesta.pdf")},
                              content_type="multipart/form-data")
        assert resp.status_code == 201, resp.get_json()
    assert client.post(f"/ta-terms/{terms['id']}/proposals",
                       json={"provider_id": third.id, "price": THIRD}).status_code == 201
    return {"terms_id": terms["id"], "mine": mine, "rival": rival, "third": third, "rival_user": rival_user}


def _score_and_select(api, board, terms_id, winner):
    client = api(board)
    body = client.get(f"/ta-terms/{terms_id}").get_json()
    for p in body["proposals"]:
        assert client.post(f"/ta-terms/{terms_id}/proposals/{p['id']}/score",
                           json={"technical_score": 80}).status_code == 200
    chosen = next(p for p in body["proposals"] if p["provider_id"] == winner.id)
    resp = client.post(f"/ta-terms/{terms_id}/selection", json={"proposal_id": chosen["id"],
                                                                "justification": "Menor precio, igual puntaje"})
    assert resp.status_code == 200, resp.get_json()
    return chosen


def test_before_the_selection_a_provider_sees_only_its_own_proposal(api, bids, ta_provider):
    resp = api(ta_provider).get(f"/ta-terms/{bids['terms_id']}")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["sealed"] is True and body["state"] == "invited"
    assert [(p["provider_id"], p["price"]) for p in body["proposals"]] == [(bids["mine"].id, MINE)]
    own = body["proposals"][0]
    assert own["file_sha256"] and own["price_score"] is None and own["total"] is None
    assert body["invited_provider_ids"] == [bids["mine"].id]
    assert body["selected_proposal_id"] is None and body["minutes"] is None
    text = resp.get_data(as_text=True)
    for secret in (RIVAL, THIRD, "Agrotec", "Servicios Pecuarios"):
        assert secret not in text
    # sending its proposal answers with the same sealed view (the rival sent first)
    rival = api(bids["rival_user"]).get(f"/ta-terms/{bids['terms_id']}").get_json()
    assert [p["price"] for p in rival["proposals"]] == [RIVAL]


def test_before_the_selection_the_provider_page_shows_only_its_own_price(login, bids, ta_provider):
    html = login(ta_provider).get("/ta-contracts").get_data(as_text=True)
    assert "28.000,00" in html
    for secret in ("25.000,00", "29.500,00", "Agrotec", "Servicios Pecuarios"):
        assert secret not in html
    assert 'id="selection-results"' not in html


def test_board_and_officer_see_every_proposal(api, bids, board, officer):
    for user in (board, officer):
        body = api(user).get(f"/ta-terms/{bids['terms_id']}").get_json()
        assert body["sealed"] is False
        assert sorted(p["price"] for p in body["proposals"]) == sorted([MINE, RIVAL, THIRD])
        assert len(body["invited_provider_ids"]) == 3 and all(p["price_score"] for p in body["proposals"])


def test_after_the_selection_the_winner_and_its_price_are_published(api, login, bids, board, ta_provider):
    chosen = _score_and_select(api, board, bids["terms_id"], bids["rival"])
    body = api(ta_provider).get(f"/ta-terms/{bids['terms_id']}").get_json()
    assert body["sealed"] is True and body["state"] == "selected"
    assert body["selected_proposal_id"] == chosen["id"]
    shown = {p["provider_id"]: p for p in body["proposals"]}
    assert set(shown) == {bids["mine"].id, bids["rival"].id}
    assert shown[bids["rival"].id]["provider_name"] == "Agrotec SRL" and shown[bids["rival"].id]["price"] == RIVAL
    assert shown[bids["rival"].id]["file_sha256"] is None and shown[bids["rival"].id]["technical_score"] is None
    assert shown[bids["mine"].id]["technical_score"] == 80  # its own score, once decided
    assert body["minutes"] is None and body["justification"] is None
    assert THIRD not in str(body) and "Servicios Pecuarios" not in str(body)
    html = login(ta_provider).get("/ta-contracts").get_data(as_text=True)
    assert 'id="selection-results"' in html
    assert "Agrotec SRL" in html and "25.000,00" in html and "28.000,00" in html
    assert "29.500,00" not in html and "Servicios Pecuarios" not in html
    # the winner sees itself selected
    win = login(bids["rival_user"]).get("/ta-contracts").get_data(as_text=True)
    assert "Agrotec SRL" in win and "usted" in win
    # the board still has the whole evaluation and the minutes
    full = api(board).get(f"/ta-terms/{bids['terms_id']}").get_json()
    assert len(full["proposals"]) == 3 and "Servicios Pecuarios Andinos" in full["minutes"]


def test_a_provider_cannot_open_the_board_pages(login, bids, ta_provider, alliance):
    web = login(ta_provider)
    assert web.get(f"/alliances/{alliance.id}/assistance/selection").status_code == 404
    assert web.get(f"/alliances/{alliance.id}/assistance/selection/{bids['terms_id']}").status_code == 404
    assert web.get(f"/alliances/{alliance.id}/assistance/selection/{bids['terms_id']}/pdf").status_code == 404
