"""Assistance pages: the board contracts a provider, the provider submits, the board accepts, the treasurer
pays, the board closes and rates; access (a provider sees only its own contracts), the contract PDF text,
overdue deliverables flagged."""
import io
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from grants.assistance import services as svc
from grants.assistance.models import Contract, Provider
from grants.audit.models import Event
from grants.execution.models import Expense
from grants.extensions import db
from tests.assistance_support import contract_data, live_ta, provider_for
from tests.execution_support import PDF


@pytest.fixture
def line(alliance, officer, facilitator, board):
    return live_ta(alliance, officer, facilitator, board)


def form_of(data):
    out = {k: str(v) for k, v in data.items() if k != "deliverables"}
    for i, d in enumerate(data["deliverables"]):
        for k, v in d.items():
            out[f"deliverables-{i}-{k}"] = v
    return out


def test_provider_registry_page(board, member_user, ta_provider, login):
    client = login(board)
    resp = client.post("/ta-providers", data={"name": "Agrotec SRL", "tax_id": "1020304", "email": "a@example.org",
                                              "user_id": str(ta_provider.id)})
    assert resp.status_code == 302
    assert db.session.execute(sa.select(Provider)).scalar_one().user_id == ta_provider.id
    assert "Agrotec SRL" in client.get("/ta-providers").get_data(as_text=True)
    assert client.post("/ta-providers", data={"name": ""}).status_code == 422
    assert login(member_user).post("/ta-providers", data={"name": "X"}).status_code == 403


def test_contract_to_first_paid_deliverable(alliance, line, board, treasurer, ta_provider, login):
    p = provider_for(ta_provider, board)
    client = login(board)
    bad = form_of(contract_data(p, line, amount="30000.01"))
    resp = client.post(f"/alliances/{alliance.id}/assistance", data=bad)
    assert resp.status_code == 422 and "10000.00" in resp.get_data(as_text=True)  # the form keeps what was typed
    resp = client.post(f"/alliances/{alliance.id}/assistance", data=form_of(contract_data(p, line)))
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    c = db.session.execute(sa.select(Contract)).scalar_one()
    d1 = c.deliverables[0]
    page = client.get(f"/alliances/{alliance.id}").get_data(as_text=True)
    assert f"ta-contract-link-{c.id}" in page
    prov = login(ta_provider)
    assert f"open-contract-{c.id}" in prov.get("/ta-contracts").get_data(as_text=True)
    resp = prov.post(f"/ta-deliverables/{d1.id}/submit", data={"note": "Diagnóstico",
                                                               "file": (io.BytesIO(PDF), "informe.pdf")},
                     content_type="multipart/form-data")
    assert resp.status_code == 302
    assert prov.post(f"/ta-deliverables/{d1.id}/decide", data={"action": "accept"}).status_code == 403
    assert client.post(f"/ta-deliverables/{d1.id}/decide", data={"action": "reject"}).status_code == 422
    assert client.post(f"/ta-deliverables/{d1.id}/decide", data={"action": "accept"}).status_code == 302
    assert login(treasurer).post(f"/ta-deliverables/{d1.id}/pay", data={
        "amount": "10000.01", "spent_on": date.today().isoformat(), "document_type": "invoice",
        "document_number": "AT-1"}).status_code == 422
    resp = login(treasurer).post(f"/ta-deliverables/{d1.id}/pay", data={
        "amount": "10000.00", "spent_on": date.today().isoformat(), "document_type": "invoice",
        "document_number": "AT-1"})
    assert resp.status_code == 302
    e = db.session.execute(sa.select(Expense)).scalar_one()
    assert e.deliverable_id == d1.id and e.amount == 10000
    actions = [ev.action for ev in db.session.execute(sa.select(Event).where(
        Event.object_type == "deliverable").order_by(Event.id)).scalars()]
    assert actions == ["submit", "accept"]


def test_access_to_contract_pages(alliance, line, board, ta_provider, member_user, other_board, make_user, login):
    p = provider_for(ta_provider, board)
    c = svc.create_contract(alliance, contract_data(p, line), board)
    d = c.deliverables[0]
    from tests.execution_support import upload

    svc.transition(d, "submit", ta_provider, file=upload(PDF, "i.pdf"))
    db.session.commit()
    assert login(ta_provider).get(f"/ta-contracts/{c.id}").status_code == 200
    assert login(member_user).get(f"/ta-contracts/{c.id}").status_code == 200
    assert login(member_user).post(f"/alliances/{alliance.id}/assistance",
                                   data=form_of(contract_data(p, line))).status_code == 403
    assert login(member_user).post(f"/ta-deliverables/{d.id}/decide", data={"action": "accept"}).status_code == 403
    stranger = make_user(roles=["ta_provider"], name="Otro Técnico")
    for user in (stranger, other_board):
        client = login(user)
        assert client.get(f"/ta-contracts/{c.id}").status_code == 404
        assert client.get(f"/ta-contracts/{c.id}/pdf").status_code == 404
        assert client.post(f"/ta-deliverables/{d.id}/submit", data={}).status_code == 404
        assert f"open-contract-{c.id}" not in client.get("/ta-contracts").get_data(as_text=True)
    assert login(ta_provider).get(f"/alliances/{alliance.id}/assistance").status_code == 404


def test_contract_pdf_text(alliance, line, board, ta_provider, login):
    p = provider_for(ta_provider, board, name="Agrotec Ñandú SRL")
    c = svc.create_contract(alliance, contract_data(p, line), board)
    db.session.commit()
    resp = login(board).get(f"/ta-contracts/{c.id}/pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(resp.data)).pages)
    for expected in ("Agrotec Ñandú SRL", "Informe 1", "Informe 2", alliance.association.name, "1020304"):
        assert expected in text


def test_overdue_deliverables_are_flagged(alliance, line, board, ta_provider, login):
    p = provider_for(ta_provider, board)
    c = svc.create_contract(alliance, contract_data(p, line, due=date.today() - timedelta(days=1)), board)
    db.session.commit()
    client = login(board)
    assert 'id="ta-overdue"' in client.get(f"/ta-contracts/{c.id}").get_data(as_text=True)
    assert 'id="ta-overdue"' in client.get(f"/alliances/{alliance.id}").get_data(as_text=True)


def test_close_and_rate_on_the_page(alliance, line, board, treasurer, ta_provider, login):
    from grants.execution import expenses as expense_svc
    from tests.assistance_support import pay_data
    from tests.execution_support import upload

    p = provider_for(ta_provider, board)
    c = svc.create_contract(alliance, contract_data(p, line, ("500.00",)), board)
    d = c.deliverables[0]
    svc.transition(d, "submit", ta_provider, file=upload(PDF, "i.pdf"))
    svc.transition(d, "accept", board)
    db.session.commit()
    client = login(board)
    assert client.post(f"/ta-contracts/{c.id}/close", data={"quality": "5", "timeliness": "4"}).status_code == 422
    expense_svc.record_expense(alliance, pay_data(d, "500.00"), treasurer)
    db.session.commit()
    assert client.post(f"/ta-contracts/{c.id}/close", data={"quality": "5", "timeliness": "4"}).status_code == 302
    assert db.session.get(Contract, c.id).state == "closed"
