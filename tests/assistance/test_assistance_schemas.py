"""One schema per operation in technical assistance (issue 14): the API and the pages validate each input against
the same model in grants/assistance/schemas.py, and the services take it (a mapping is read as a form)."""
import pytest

from grants.api.core import REGISTRY
from grants.assistance import schemas
from grants.assistance import selection as sel
from grants.assistance import services as svc
from grants.errors import ValidationFailed
from grants.extensions import db
from grants.schemas import from_form
from grants.workflows import rules
from tests.assistance_support import contract_data, live_ta, provider_for

TERMS = {"scope": "Manejo sanitario del hato lechero", "deliverables": "Plan sanitario; 4 informes trimestrales",
         "budget": "30000.00", "duration_days": 365, "profile": "Médico veterinario con 5 años de experiencia"}


@pytest.fixture
def line(alliance, officer, facilitator, board):
    return live_ta(alliance, officer, facilitator, board)


@pytest.mark.parametrize("name,model", [
    ("create_ta_provider", "ProviderIn"), ("create_ta_contract", "ContractIn"),
    ("deliverable_transition", "DeliverableActionIn"), ("create_ta_terms", "TermsIn"),
    ("invite_ta_providers", "InvitationsIn"), ("add_ta_proposal", "ProposalIn"), ("score_ta_proposal", "ScoreIn"),
    ("select_ta_proposal", "SelectionIn")])
def test_the_api_validates_with_the_operations_schema(app, name, model):
    bodies = {e["body"] for e in REGISTRY if e["operation_id"] == f"{name}_post"}
    assert bodies == {getattr(schemas, model)}


def test_a_long_invitation_reason_passes_the_api_as_it_passes_the_page(db, api, alliance, line, board):
    """The API's own model allowed 2,000 characters where the page allowed 5,000: one model now, one limit."""
    client = api(board)
    terms = client.post(f"/alliances/{alliance.id}/ta-terms", json={**TERMS, "budget_line_id": line.id}).get_json()
    two = [provider_for(None, board, name=n).id for n in ("Agrotec SRL", "Vet Andes")]
    reason = "Solo dos proveedores en la zona. " * 90  # 2,970 characters
    resp = client.post(f"/ta-terms/{terms['id']}/invitations", json={"provider_ids": two, "reason": reason})
    assert resp.status_code == 200, resp.get_json()
    resp = client.post(f"/ta-terms/{terms['id']}/invitations", json={"provider_ids": two, "reason": "x" * 5001})
    assert resp.status_code == 422
    assert [d["field"] for d in resp.get_json()["error"]["details"]] == ["reason"]


def test_contract_fields_are_refused_at_their_fields(db, api, alliance, line, board):
    provider = provider_for(None, board)
    data = contract_data(provider, line)
    data["starts_on"], data["ends_on"] = data["ends_on"], data["starts_on"]
    resp = api(board).post(f"/alliances/{alliance.id}/ta-contracts", json={**data, "deliverables": []})
    assert resp.status_code == 422
    assert sorted(d["field"] for d in resp.get_json()["error"]["details"]) == ["deliverables", "ends_on"]
    with pytest.raises(ValidationFailed) as exc:
        svc.create_contract(alliance, data, board)
    assert [(v.rule, v.field) for v in exc.value.details] == [(rules.INVALID, "ends_on")]


def test_a_provider_of_the_registry_and_an_account_with_the_role(db, board, member_user):
    with pytest.raises(ValidationFailed) as exc:
        svc.create_provider({"name": " ", "email": "agrotec.example.org"}, board)
    assert {(v.rule, v.field) for v in exc.value.details} == {(rules.REQUIRED, "name"), (rules.INVALID, "email")}
    with pytest.raises(ValidationFailed) as exc:
        svc.create_provider({"name": "Agrotec", "user_id": member_user.id}, board)
    assert [(v.rule, v.field) for v in exc.value.details] == [(rules.INVALID, "user_id")]
    p = svc.create_provider(schemas.ProviderIn(name=" Agrotec SRL "), board)
    assert (p.name, p.tax_id, p.email, p.user_id) == ("Agrotec SRL", "", "", None)


@pytest.mark.parametrize("quality", ["0", "6", "abc", True, 2.5])
def test_a_rating_is_one_to_five(app, quality):
    with pytest.raises(ValidationFailed) as exc:
        from_form(schemas.CloseIn, {"quality": quality, "timeliness": "4"})
    assert [(v.rule, v.field) for v in exc.value.details] == [(rules.INVALID, "quality")]
    assert from_form(schemas.CloseIn, {"quality": "5", "timeliness": 1}).quality == 5


def test_the_close_page_refuses_a_rating_out_of_range_and_changes_nothing(db, alliance, line, board, login):
    contract = svc.create_contract(alliance, contract_data(provider_for(None, board), line), board)
    db.session.commit()
    resp = login(board).post(f"/ta-contracts/{contract.id}/close", data={"quality": "9", "timeliness": "4"})
    assert resp.status_code == 422
    db.session.refresh(contract)
    assert contract.state == "active" and contract.quality is None


def test_the_selection_services_take_their_models(db, alliance, line, board):
    terms = sel.create_terms(alliance, schemas.TermsIn(budget_line_id=line.id, **TERMS), board)
    providers = [provider_for(None, board, name=n) for n in ("Agrotec SRL", "Vet Andes", "Campo Vivo")]
    sel.invite(terms, schemas.InvitationsIn(provider_ids=[p.id for p in providers]), board)
    proposal = sel.record_proposal(terms, schemas.ProposalIn(provider_id=providers[0].id, price="20000.00"), board)
    sel.score(proposal, schemas.ScoreIn(technical_score=80), board)
    with pytest.raises(ValidationFailed) as exc:
        sel.select(terms, {"proposal_id": proposal.id + 1000, "justification": "La mejor"}, board)
    assert [(v.rule, v.field) for v in exc.value.details] == [(rules.INVALID, "proposal_id")]
    with pytest.raises(ValidationFailed) as exc:
        sel.record_proposal(terms, {"provider_id": providers[1].id, "price": "0.00"}, board)
    assert [v.field for v in exc.value.details] == ["price"]
