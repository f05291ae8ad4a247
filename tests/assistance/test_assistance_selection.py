"""Selecting a TA provider: terms of reference, at least three invitations (or a written reason), proposals,
the evaluation weighing technical score and price, the selection written to the minutes, the PDF text."""
import io
from decimal import Decimal

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from grants.assistance import selection as sel
from grants.assistance.pdf import terms_pdf
from grants.audit.models import Event
from grants.errors import RuleViolation, ValidationFailed
from grants.extensions import db
from grants.workflows import rules
from tests.assistance_support import live_ta, provider_for
from tests.execution_support import PDF, upload


@pytest.fixture
def line(alliance, officer, facilitator, board):
    return live_ta(alliance, officer, facilitator, board)


@pytest.fixture
def terms(alliance, line, board):
    t = sel.create_terms(alliance, {"budget_line_id": line.id, "scope": "Manejo sanitario del hato",
                                    "deliverables": "Diagnóstico; plan sanitario; informe final",
                                    "budget": "30000.00", "duration_days": "90",
                                    "profile": "Veterinario con 5 años de experiencia", "technical_weight": "70"},
                         board)
    db.session.commit()
    return t


@pytest.fixture
def providers(board):
    return [provider_for(None, board, name=n) for n in ("Agrotec SRL", "Vet Andes", "Campo Vivo")]


def test_terms_need_a_ta_line_and_fields(alliance, line, board):
    with pytest.raises(ValidationFailed) as exc:
        sel.create_terms(alliance, {"budget_line_id": alliance.budget_lines[0].id, "budget": "x",
                                    "duration_days": "0"}, board)
    # the schema (TermsIn) names every field it refuses; then the service, the line that is not technical assistance
    assert {v.field for v in exc.value.details} >= {"scope", "budget", "duration_days", "profile"}
    with pytest.raises(ValidationFailed) as exc:
        sel.create_terms(alliance, {"budget_line_id": alliance.budget_lines[0].id, "budget": "100.00", "scope": "s",
                                    "deliverables": "d", "profile": "p", "duration_days": "10"}, board)
    assert [(v.rule, v.field) for v in exc.value.details] == [(rules.INVALID, "budget_line_id")]


def test_invitations_too_few_unless_a_reason(terms, providers, board):
    with pytest.raises(RuleViolation) as exc:
        sel.invite(terms, {"provider_ids": [providers[0].id, providers[1].id, providers[1].id]}, board)
    assert exc.value.rules == [rules.INVITATIONS_TOO_FEW]
    db.session.rollback()
    sel.invite(terms, {"provider_ids": [providers[0].id, providers[1].id], "reason": "Solo dos veterinarios en la zona"},
               board)
    db.session.commit()
    assert terms.state == "invited" and len(terms.invitations) == 2


def test_three_invitations_pass(terms, providers, board):
    sel.invite(terms, {"provider_ids": [p.id for p in providers]}, board)
    db.session.commit()
    assert len(terms.invitations) == 3
    assert db.session.execute(sa.select(Event).where(Event.object_type == "ta_terms", Event.action == "invite")
                              ).scalar_one().to_state == "invited"


def test_evaluation_and_selection_to_minutes(terms, providers, board):
    sel.invite(terms, {"provider_ids": [p.id for p in providers]}, board)
    a = sel.record_proposal(terms, {"provider_id": providers[0].id, "price": "30000.00"}, board, upload(PDF, "a.pdf"))
    b = sel.record_proposal(terms, {"provider_id": providers[1].id, "price": "20000.00"}, board)
    c = sel.record_proposal(terms, {"provider_id": providers[2].id, "price": "25000.00"}, board)
    with pytest.raises(ValidationFailed):
        sel.record_proposal(terms, {"provider_id": providers[2].id, "price": "1.00"}, board)  # one proposal per provider
    sel.score(a, {"technical_score": 90}, board)
    sel.score(b, {"technical_score": 60}, board)
    with pytest.raises(RuleViolation):
        sel.select(terms, {"proposal_id": a.id, "justification": "La mejor propuesta técnica"}, board)  # c not scored
    sel.score(c, {"technical_score": 80}, board)
    rows = sel.evaluation(terms)
    # a: price score 66.67, total 0.7*90 + 0.3*66.67 = 83.00; b: 100 -> 72.00; c: 80 -> 80.00
    assert [(r["provider"].name, r["total"]) for r in rows] == [
        ("Agrotec SRL", Decimal("83.00")), ("Campo Vivo", Decimal("80.00")), ("Vet Andes", Decimal("72.00"))]
    with pytest.raises(ValidationFailed):
        sel.select(terms, {"proposal_id": a.id, "justification": " "}, board)
    sel.select(terms, {"proposal_id": a.id, "justification": "La mejor propuesta técnica"}, board)
    db.session.commit()
    assert terms.state == "selected" and "La mejor propuesta técnica" in terms.minutes
    text = "".join(pg.extract_text() for pg in PdfReader(io.BytesIO(terms_pdf(terms))).pages)
    for expected in ("Manejo sanitario del hato", "Agrotec SRL", "Vet Andes", "83.00", "La mejor propuesta técnica"):
        assert expected in text


def test_only_invited_providers_propose(terms, providers, board):
    sel.invite(terms, {"provider_ids": [p.id for p in providers[:2]], "reason": "Dos en la zona"}, board)
    with pytest.raises(ValidationFailed):
        sel.record_proposal(terms, {"provider_id": providers[2].id, "price": "100.00"}, board)


def test_selection_pages(alliance, line, board, member_user, other_board, providers, login):
    client = login(board)
    base = f"/alliances/{alliance.id}/assistance/selection"
    assert client.post(base, data={"budget_line_id": str(line.id), "budget": "x"}).status_code == 422
    resp = client.post(base, data={"budget_line_id": str(line.id), "scope": "Sanidad animal", "deliverables": "Informe",
                                   "budget": "30000.00", "duration_days": "60", "profile": "Veterinario",
                                   "technical_weight": "70"})
    assert resp.status_code == 302
    from grants.assistance.models import TermsOfReference

    t = db.session.execute(sa.select(TermsOfReference)).scalar_one()
    url = f"{base}/{t.id}"
    resp = client.post(url + "/invite", data={"provider_ids": [str(providers[0].id)]})
    assert resp.status_code == 422
    assert client.post(url + "/invite", data={"provider_ids": [str(p.id) for p in providers]}).status_code == 302
    assert client.post(url + "/proposals", data={"provider_id": str(providers[0].id), "price": "28000.00"}
                       ).status_code == 302
    pid = db.session.get(TermsOfReference, t.id).proposals[0].id
    assert client.post(f"{url}/proposals/{pid}/score", data={"technical_score": "101"}).status_code == 422
    assert client.post(f"{url}/proposals/{pid}/score", data={"technical_score": "85"}).status_code == 302
    assert client.post(url + "/select", data={"proposal_id": str(pid), "justification": ""}).status_code == 422
    assert client.post(url + "/select", data={"proposal_id": str(pid), "justification": "Única propuesta"}
                       ).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert 'id="minutes"' in page and "Única propuesta" in page and 'id="contract-selected"' in page
    form = client.get(f"/alliances/{alliance.id}/assistance?provider_id={providers[0].id}&amount=28000.00"
                      ).get_data(as_text=True)
    assert 'value="28000,00"' in form and f'<option selected value="{providers[0].id}">' in form  # as Spanish writes it
    assert client.get(url + "/pdf").mimetype == "application/pdf"
    assert login(member_user).get(url).status_code == 200
    assert login(member_user).post(url + "/select", data={"proposal_id": str(pid)}).status_code == 403
    assert login(other_board).get(url).status_code == 404


def test_invited_provider_sees_its_invitation(terms, board, ta_provider, make_user, login):
    mine = provider_for(ta_provider, board, name="Mi Consultora")
    others = [provider_for(None, board, name=n) for n in ("B", "C")]
    sel.invite(terms, {"provider_ids": [mine.id] + [p.id for p in others]}, board)
    db.session.commit()
    assert 'id="invitation-' in login(ta_provider).get("/ta-contracts").get_data(as_text=True)
    stranger = make_user(roles=["ta_provider"], name="Otro")
    assert 'id="invitation-' not in login(stranger).get("/ta-contracts").get_data(as_text=True)


def test_contract_carries_out_the_selection_once(terms, providers, line, alliance, board, login):
    """A contract linked to terms of reference must be with the selected provider, only after the selection,
    and only once; the contract page links back to the terms and their minutes."""
    from grants.assistance import services as svc
    from tests.assistance_support import contract_data

    sel.invite(terms, {"provider_ids": [p.id for p in providers]}, board)
    proposals = [sel.record_proposal(terms, {"provider_id": p.id, "price": price}, board) for p, price in
                 zip(providers, ("30000.00", "20000.00", "25000.00"))]
    data = {**contract_data(providers[0], line), "terms_id": terms.id}
    with pytest.raises(RuleViolation) as exc:
        svc.create_contract(alliance, data, board)
    assert rules.SELECTION_MISSING in exc.value.rules
    for p, s in zip(proposals, (90, 60, 80)):
        sel.score(p, {"technical_score": s}, board)
    sel.select(terms, {"proposal_id": proposals[0].id, "justification": "La mejor propuesta técnica"}, board)
    with pytest.raises(RuleViolation) as exc:
        svc.create_contract(alliance, {**contract_data(providers[1], line), "terms_id": terms.id}, board)
    assert exc.value.rules == [rules.PROVIDER_NOT_SELECTED]
    with pytest.raises(ValidationFailed):
        svc.create_contract(alliance, {**data, "terms_id": "999999"}, board)
    contract = svc.create_contract(alliance, data, board)
    db.session.commit()
    assert contract.terms_id == terms.id
    with pytest.raises(RuleViolation) as exc:
        svc.create_contract(alliance, data, board)
    assert rules.SELECTION_ALREADY_CONTRACTED in exc.value.rules
    db.session.rollback()
    page = login(board).get(f"/ta-contracts/{contract.id}").get_data(as_text=True)
    assert f'/assistance/selection/{terms.id}"' in page and 'id="contract-terms"' in page
    event = db.session.execute(sa.select(Event).where(Event.object_type == "ta_contract")).scalar_one()
    assert event.data_dict()["terms_id"] == terms.id
