"""A TA provider answers an invitation from its own page (/ta-contracts): price and file, once; another
provider's invitation is a 404; a bad price keeps what was typed."""
import pytest
import sqlalchemy as sa

from grants.assistance import selection as sel
from grants.assistance.models import Proposal
from grants.extensions import db
from tests.assistance_support import live_ta, provider_for



@pytest.fixture
def invited(alliance, officer, facilitator, board, ta_provider):
    line = live_ta(alliance, officer, facilitator, board)
    t = sel.create_terms(alliance, {"budget_line_id": line.id, "scope": "Manejo sanitario del hato",
                                    "deliverables": "Diagnóstico; informe final", "budget": "30000.00",
                                    "duration_days": "90", "profile": "Veterinario", "technical_weight": "70"}, board)
    own = provider_for(ta_provider, board, name="Agrotec SRL")
    others = [provider_for(None, board, name=n) for n in ("Vet Andes", "Campo Vivo")]
    sel.invite(t, {"provider_ids": [own.id] + [p.id for p in others]}, board)
    db.session.commit()
    return t, [i for i in t.invitations if i.provider_id == own.id][0], others


def test_provider_sends_its_own_proposal_with_a_file(db, login, invited, ta_provider):
    t, invitation, _others = invited
    web = login(ta_provider)
    page = web.get("/ta-contracts?lang=en").get_data(as_text=True)
    assert f'id="own-proposal-{invitation.id}"' in page and "Manejo sanitario del hato" in page
    resp = web.post(f"/ta-invitations/{invitation.id}/proposal",
                    data={"price": "28500.00", "file": (__import__("io").BytesIO(b"%PDF-1.4\n%%EOF\n"), "p.pdf")},
                    content_type="multipart/form-data")
    assert resp.status_code == 302
    p = db.session.execute(sa.select(Proposal)).scalar_one()
    assert p.provider_id == invitation.provider_id and str(p.price) == "28500.00" and p.file_sha256
    page = web.get("/ta-contracts").get_data(as_text=True)
    assert f'id="proposal-sent-{invitation.id}"' in page and f'id="own-proposal-{invitation.id}"' not in page
    again = web.post(f"/ta-invitations/{invitation.id}/proposal", data={"price": "1.00"})
    assert again.status_code == 422 and db.session.execute(sa.select(sa.func.count(Proposal.id))).scalar() == 1


def test_bad_price_keeps_what_was_typed(db, login, invited, ta_provider):
    _t, invitation, _others = invited
    resp = login(ta_provider).post(f"/ta-invitations/{invitation.id}/proposal", data={"price": "veinte mil"})
    assert resp.status_code == 422
    assert 'value="veinte mil"' in resp.get_data(as_text=True)
    assert db.session.execute(sa.select(sa.func.count(Proposal.id))).scalar() == 0


def test_another_providers_invitation_is_not_found(db, login, invited, board, make_user):
    _t, _invitation, others = invited
    stranger = make_user(roles=("ta_provider",))
    other_inv = [i for i in _t.invitations if i.provider_id == others[0].id][0]
    assert login(stranger).post(f"/ta-invitations/{other_inv.id}/proposal", data={"price": "1.00"}).status_code == 404
    assert login(board).post(f"/ta-invitations/{other_inv.id}/proposal", data={"price": "1.00"}).status_code == 404
    assert db.session.execute(sa.select(sa.func.count(Proposal.id))).scalar() == 0
