"""The TA selection through the API: terms, invitations (three, or a reason), proposals recorded by the board
or sent by the invited provider itself, scores and the selection written to minutes; access."""
import io

import pytest

from tests.assistance_support import live_ta, provider_for
from tests.execution_support import PDF

TERMS = {"scope": "Manejo sanitario del hato lechero", "deliverables": "Plan sanitario; 4 informes trimestrales",
         "budget": "30000.00", "duration_days": 365, "profile": "Médico veterinario con 5 años de experiencia",
         "technical_weight": 70}


@pytest.fixture
def line(alliance, officer, facilitator, board):
    return live_ta(alliance, officer, facilitator, board)


def test_selection_end_to_end_through_the_api(db, api, alliance, line, board, ta_provider, make_user):
    client = api(board)
    resp = client.post(f"/alliances/{alliance.id}/ta-terms", json={**TERMS, "budget_line_id": line.id})
    assert resp.status_code == 201, resp.get_json()
    terms = resp.get_json()
    own = provider_for(ta_provider, board, name="Veterinaria Illimani")
    others = [provider_for(None, board, name=n) for n in ("Agrotec SRL", "Servicios Pecuarios Andinos")]
    few = client.post(f"/ta-terms/{terms['id']}/invitations", json={"provider_ids": [own.id, others[0].id]})
    assert few.status_code == 422
    assert [d["rule"] for d in few.get_json()["error"]["details"]] == ["invitations_too_few"]
    resp = client.post(f"/ta-terms/{terms['id']}/invitations", json={"provider_ids": [own.id] + [p.id for p in others]})
    assert resp.status_code == 200 and len(resp.get_json()["invited_provider_ids"]) == 3

    # the invited provider sends its own proposal, with its file
    mine = api(ta_provider).post(f"/ta-terms/{terms['id']}/proposals",
                                 data={"price": "28000.00", "file": (io.BytesIO(PDF), "propuesta.pdf")},
                                 content_type="multipart/form-data")
    assert mine.status_code == 201, mine.get_json()
    sent = mine.get_json()["proposals"][0]
    assert sent["provider_id"] == own.id and sent["file_sha256"]
    # the board records the others
    for provider, price in zip(others, ("25000.00", "30000.00")):
        assert client.post(f"/ta-terms/{terms['id']}/proposals",
                           json={"provider_id": provider.id, "price": price}).status_code == 201
    body = client.get(f"/ta-terms/{terms['id']}").get_json()
    for proposal, points in zip(body["proposals"], (90, 60, 70)):
        assert client.post(f"/ta-terms/{terms['id']}/proposals/{proposal['id']}/score",
                           json={"technical_score": points}).status_code == 200
    body = client.get(f"/ta-terms/{terms['id']}").get_json()
    best = max(body["proposals"], key=lambda p: float(p["total"]))
    assert best["provider_id"] == own.id  # 0.7 × 90 + 0.3 × (25000/28000 × 100) = 89.79
    assert best["total"] == "89.79"
    resp = client.post(f"/ta-terms/{terms['id']}/selection",
                       json={"proposal_id": best["id"], "justification": "Mejor puntaje técnico y precio razonable"})
    assert resp.status_code == 200
    done = resp.get_json()
    assert done["state"] == "selected" and done["selected_proposal_id"] == best["id"]
    assert "Veterinaria Illimani" in done["minutes"]


def test_selection_access(db, api, alliance, line, board, member_user, other_board, ta_provider):
    client = api(board)
    terms = client.post(f"/alliances/{alliance.id}/ta-terms", json={**TERMS, "budget_line_id": line.id}).get_json()
    assert api(member_user).get(f"/ta-terms/{terms['id']}").status_code == 200  # social control: members read
    assert api(member_user).post(f"/alliances/{alliance.id}/ta-terms",
                                 json={**TERMS, "budget_line_id": line.id}).status_code == 403
    assert api(other_board).get(f"/ta-terms/{terms['id']}").status_code == 404
    assert api(other_board).get(f"/alliances/{alliance.id}/ta-terms").status_code == 404
    # a provider who was not invited sees nothing and cannot propose
    assert api(ta_provider).get(f"/ta-terms/{terms['id']}").status_code == 404
    assert api(ta_provider).post(f"/ta-terms/{terms['id']}/proposals", json={"price": "1.00"}).status_code == 404
    assert client.get("/ta-terms/999999").status_code == 404
    assert client.post(f"/ta-terms/{terms['id']}/proposals", json={"price": "1.00"}).status_code == 422
