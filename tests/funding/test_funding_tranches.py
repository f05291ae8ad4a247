"""Tranches: request, approve, refuse, disburse through the API and the pages, with their rules: the justified
share at its boundary, counterpart in proportion, open observations, suspension, separation of duties, order;
access; audit events; notifications; the request letter and the disbursement order."""
from decimal import Decimal

import pytest
import sqlalchemy as sa

from grants.alliances.services import take_action
from grants.audit.models import Event
from grants.extensions import db as _db
from grants.funding.schemas import TrancheActionIn
from grants.funding.services import tranche_action
from grants.notifications.models import Notification
from grants.workflows import rules as rule_codes
from tests.funding_support import Figures, pdf_text, signed_alliance


@pytest.fixture
def signed(alliance, officer, facilitator, board):
    return signed_alliance(alliance, officer, facilitator, board)


@pytest.fixture
def figures(monkeypatch):
    return Figures().install(monkeypatch)


def act(client, tranche, action, **data):
    return client.post(f"/tranches/{tranche.id}/transitions", json={"action": action, **data})


def rules(resp):
    return [d["rule"] for d in resp.get_json()["error"]["details"]]


def pay_first(signed, board, officer, finance):
    first = signed.tranches[0]
    tranche_action(first, "request", board)
    tranche_action(first, "approve", officer)
    tranche_action(first, "disburse", finance, TrancheActionIn(**{"reference": "TRF-1", "disbursed_on": "2026-01-15"}))
    _db.session.commit()
    take_action(signed, "start_execution", officer)
    _db.session.commit()
    return first


def tranche_events(tranche):
    return _db.session.execute(sa.select(Event).where(Event.object_type == "tranche", Event.object_id == tranche.id,
                                                   Event.action.in_(("request", "approve", "refuse", "disburse")))
                               .order_by(Event.id)).scalars().all()


def test_first_tranche_end_to_end_through_the_api(signed, api, board, officer, finance, db):
    first = signed.tranches[0]
    resp = act(api(board), first, "request")
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["state"] == "requested"
    resp = act(api(officer), first, "approve")
    assert resp.status_code == 200 and resp.get_json()["state"] == "approved"
    resp = act(api(finance), first, "disburse", reference="TRF-2026-001", disbursed_on="2026-01-20",
               amount="200000.00")
    body = resp.get_json()
    assert resp.status_code == 200, body
    assert body["state"] == "disbursed" and body["disbursed_amount"] == "200000.00"
    assert body["reference"] == "TRF-2026-001" and body["disbursed_on"] == "2026-01-20"
    assert body["flow"]["approved_by_id"] == officer.id and body["flow"]["disbursed_by_id"] == finance.id
    events = tranche_events(first)
    assert [(e.action, e.from_state, e.to_state) for e in events] == [
        ("request", "planned", "requested"), ("approve", "requested", "approved"),
        ("disburse", "approved", "disbursed")]
    assert all(e.alliance_id == signed.id and e.association_id == signed.association_id for e in events)
    bal = api(board).get(f"/alliances/{signed.id}/balance").get_json()
    assert bal["disbursed"] == "200000.00" and bal["available"] == "200000.00" and bal["to_disburse"] == "150000.00"
    # documents: the request letter and the disbursement order
    letter = api(board).get(f"/alliances/{signed.id}/documents/tranche-request-1")
    assert letter.status_code == 200 and "200.000,00" in pdf_text(letter.data)
    order = api(finance).get(f"/alliances/{signed.id}/documents/disbursement-order-1")
    text = pdf_text(order.data)
    assert order.status_code == 200
    assert "TRF-2026-001" in text and signed.association.bank_account in text and officer.name in text
    assert finance.name in text
    assert api(board).get(f"/alliances/{signed.id}/documents/disbursement-order-2").status_code == 404


def test_notifications_at_each_step(signed, board, officer, finance, treasurer, db):
    first = signed.tranches[0]

    def count(user):
        return db.session.execute(sa.select(sa.func.count()).select_from(Notification)
                                  .where(Notification.user_id == user.id)).scalar()

    before = {u.id: count(u) for u in (board, officer, finance, treasurer)}
    tranche_action(first, "request", board)
    db.session.commit()
    assert count(officer) == before[officer.id] + 1
    tranche_action(first, "approve", officer)
    db.session.commit()
    assert count(finance) == before[finance.id] + 1
    assert count(treasurer) == before[treasurer.id] + 2  # the request as a receipt, then the approval
    tranche_action(first, "disburse", finance, TrancheActionIn(**{"reference": "TRF-9", "disbursed_on": "2026-01-15"}))
    db.session.commit()
    assert count(officer) == before[officer.id] + 2
    assert count(board) == before[board.id] + 3
    note = db.session.execute(sa.select(Notification).where(Notification.user_id == board.id)
                              .order_by(Notification.id.desc())).scalars().first()
    assert "TRF-9" in note.body


@pytest.mark.parametrize("justified, passes", [("139980.00", False), ("140000.00", True)])
def test_next_tranche_needs_70_percent_justified(signed, board, officer, finance, figures, api, justified, passes):
    """200,000 disbursed: 139,980 justified is 69.99 % (refused), 140,000 is 70.00 % (passes)."""
    pay_first(signed, board, officer, finance)
    figures.justified = Decimal(justified)
    figures.contributed = Decimal("150000.00")
    second = signed.tranches[1]
    assert act(api(board), second, "request").status_code == 200
    resp = act(api(officer), second, "approve")
    if passes:
        assert resp.status_code == 200, resp.get_json()
        assert resp.get_json()["state"] == "approved"
    else:
        assert resp.status_code == 422 and rules(resp) == ["tranche_not_justified"]
        _db.session.expire_all()
        assert second.state == "requested"
        assert [e.action for e in tranche_events(second)] == ["request"]


def test_justified_share_follows_the_program(signed, board, officer, finance, figures, api):
    signed.call.program.tranche_justified_share = Decimal("0.50")
    _db.session.commit()
    pay_first(signed, board, officer, finance)
    figures.justified, figures.contributed = Decimal("100000.00"), Decimal("150000.00")
    second = signed.tranches[1]
    act(api(board), second, "request")
    assert act(api(officer), second, "approve").status_code == 200


def test_counterpart_must_be_proportional_and_no_observation_open(signed, board, officer, finance, figures, api):
    pay_first(signed, board, officer, finance)
    # 200,000 of 350,000 disbursed (57.14 %): the counterpart of 150,000 needs 85,714.29 contributed
    figures.justified, figures.contributed, figures.observations = Decimal("200000.00"), Decimal("85714.00"), 2
    second = signed.tranches[1]
    act(api(board), second, "request")
    resp = act(api(officer), second, "approve")
    assert resp.status_code == 422
    assert rules(resp) == [rule_codes.COUNTERPART_NOT_PROPORTIONAL, rule_codes.OPEN_OBSERVATIONS]
    figures.contributed, figures.observations = Decimal("85714.29"), 0
    assert act(api(officer), second, "approve").status_code == 200


def test_without_execution_data_the_second_tranche_is_refused(signed, board, officer, finance, api):
    """No expenses approved yet (the execution stage provides them): nothing is justified."""
    pay_first(signed, board, officer, finance)
    second = signed.tranches[1]
    act(api(board), second, "request")
    resp = act(api(officer), second, "approve")
    assert resp.status_code == 422
    assert rule_codes.TRANCHE_NOT_JUSTIFIED in rules(resp) and rule_codes.COUNTERPART_NOT_PROPORTIONAL in rules(resp)


def test_separation_of_duties(signed, board, make_user, finance, api, db):
    both = make_user(roles=["officer", "finance"], regions=["La Paz"], name="Doble Rol")
    first = signed.tranches[0]
    act(api(board), first, "request")
    assert act(api(both), first, "approve").status_code == 200
    resp = act(api(both), first, "disburse", reference="TRF-1", disbursed_on="2026-01-15")
    assert resp.status_code == 422 and rules(resp) == ["separation_of_duties"]
    _db.session.expire_all()
    assert first.state == "approved"
    resp = act(api(finance), first, "disburse", reference="TRF-1", disbursed_on="2026-01-15")
    assert resp.status_code == 200


@pytest.mark.parametrize("who, action, status", [
    ("board", "approve", 403), ("finance", "approve", 403), ("member_user", "request", 403),
    ("officer", "request", 403), ("treasurer", "approve", 403), ("other_board", "request", 404),
    ("other_officer", "approve", 404), ("auditor", "approve", 403)])
def test_access(signed, request, board, api, who, action, status):
    first = signed.tranches[0]
    if action == "approve":
        act(api(board), first, "request")
    user = request.getfixturevalue(who)
    resp = act(api(user), first, action)
    assert resp.status_code == status, resp.get_json()


def test_refuse_needs_a_reason_and_returns_to_planned(signed, board, officer, api):
    first = signed.tranches[0]
    act(api(board), first, "request")
    resp = act(api(officer), first, "refuse")
    assert resp.status_code == 422 and rules(resp) == ["comment_required"]
    resp = act(api(officer), first, "refuse", reason="Falta el depósito de contraparte")
    body = resp.get_json()
    assert resp.status_code == 200 and body["state"] == "planned"
    assert body["flow"]["refusal_reason"] == "Falta el depósito de contraparte"
    ev = tranche_events(first)[-1]
    assert ev.action == "refuse" and ev.comment == "Falta el depósito de contraparte"
    assert act(api(board), first, "request").status_code == 200


def test_no_tranche_moves_while_suspended(signed, board, officer, finance, figures, api):
    pay_first(signed, board, officer, finance)
    figures.justified, figures.contributed = Decimal("200000.00"), Decimal("150000.00")
    second = signed.tranches[1]
    act(api(board), second, "request")
    take_action(signed, "suspend", officer, {"reason": "Visita: obras paradas"})
    _db.session.commit()
    resp = act(api(officer), second, "approve")
    assert resp.status_code == 422 and rules(resp) == ["alliance_suspended"]
    take_action(signed, "resume", officer)
    _db.session.commit()
    assert act(api(officer), second, "approve").status_code == 200


def test_tranches_go_in_order_and_not_before_the_agreement(alliance, officer, facilitator, board, api):
    from tests.funding_support import approved_alliance

    approved_alliance(alliance, officer, facilitator, board)
    resp = act(api(board), alliance.tranches[0], "request")
    assert resp.status_code == 422 and rules(resp) == ["agreement_not_signed"]
    alliance.state = "agreement_signed"
    _db.session.commit()
    resp = act(api(board), alliance.tranches[1], "request")
    assert resp.status_code == 422 and rules(resp) == ["tranche_out_of_order"]


def test_disburse_validates_the_transfer(signed, board, officer, finance, api):
    first = signed.tranches[0]
    act(api(board), first, "request")
    act(api(officer), first, "approve")
    resp = act(api(finance), first, "disburse")
    assert resp.status_code == 422 and {d["field"] for d in resp.get_json()["error"]["details"]} == {
        "reference", "disbursed_on"}
    resp = act(api(finance), first, "disburse", reference="T", disbursed_on="2026-01-15", amount="200000.01")
    assert resp.status_code == 422 and resp.get_json()["error"]["details"][0]["field"] == "amount"
    resp = act(api(finance), first, "disburse", reference="T", disbursed_on="2999-01-01")
    assert resp.status_code == 422
    resp = act(api(finance), first, "disburse", reference="T", disbursed_on="2026-01-15", amount=12.5)
    assert resp.status_code == 400
    assert act(api(finance), first, "fly").status_code == 400
    assert act(api(finance), first, "approve").status_code == 409  # wrong state for anyone
    assert api(finance).post("/tranches/abc/transitions", json={}).status_code == 404
    assert api(finance).post("/tranches/999999/transitions", json={"action": "approve"}).status_code == 404


def test_stale_version_is_409(signed, board, api):
    first = signed.tranches[0]
    resp = act(api(board), first, "request", version=first.version + 5)
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "stale_version"


def test_tranche_list_filters_by_state_and_visibility(signed, board, officer, other_board, finance, api):
    act(api(board), signed.tranches[0], "request")
    items = api(officer).get("/tranches?state=requested").get_json()["items"]
    assert [t["number"] for t in items] == [1] and items[0]["actions"] == ["approve", "refuse"]
    assert api(other_board).get("/tranches").get_json()["total"] == 0
    assert api(finance).get("/tranches?state=bogus").status_code == 400


def test_pages_queue_and_actions(signed, board, officer, finance, login, db):
    first = signed.tranches[0]
    web = login(board)
    resp = web.post(f"/funding/alliances/{signed.id}/tranches/1", data={"action": "request", "version": first.version})
    assert resp.status_code == 302
    queue = login(officer).get("/funding/requests").get_data(as_text=True)
    assert f"open-tranche-{first.id}" in queue
    assert login(board).get("/funding/requests").status_code == 403
    off = login(officer)
    page = off.get(f"/funding/alliances/{signed.id}/tranches/1").get_data(as_text=True)
    assert 'id="action-approve"' in page and 'id="action-refuse"' in page
    _db.session.refresh(first)
    resp = off.post(f"/funding/alliances/{signed.id}/tranches/1", data={"action": "approve", "version": first.version})
    assert resp.status_code == 302
    queue = login(finance).get("/funding/disbursements").get_data(as_text=True)
    assert f"open-tranche-{first.id}" in queue
    fin = login(finance)
    _db.session.refresh(first)
    resp = fin.post(f"/funding/alliances/{signed.id}/tranches/1", data={"action": "disburse", "version": first.version,
                                                            "reference": "", "disbursed_on": "ayer"})
    assert resp.status_code == 422
    body = resp.get_data(as_text=True)
    assert 'value="ayer"' in body  # the form keeps what was typed
    resp = fin.post(f"/funding/alliances/{signed.id}/tranches/1", data={"action": "disburse", "version": first.version,
                                                            "reference": "TRF-77", "disbursed_on": "2026-01-10"})
    assert resp.status_code == 302
    _db.session.refresh(first)
    assert first.state == "disbursed" and first.disbursement_reference == "TRF-77"
    order = fin.get(f"/funding/alliances/{signed.id}/tranches/1/order.pdf")
    assert order.status_code == 200 and "TRF-77" in pdf_text(order.data)
    assert login(board).get(f"/funding/alliances/{signed.id}/tranches/1/request.pdf").status_code == 200


def test_other_association_cannot_see_tranche_pages(signed, other_board, board, login):
    web = login(other_board)
    assert web.get(f"/funding/alliances/{signed.id}/tranches/1").status_code == 404
    assert web.get(f"/funding/alliances/{signed.id}/agreement.pdf").status_code == 404
    assert web.post(f"/funding/alliances/{signed.id}/tranches/1", data={"action": "request"}).status_code == 404
    own = login(board)
    assert own.get(f"/funding/alliances/{signed.id}/tranches/1").status_code == 200
    assert own.get(f"/funding/alliances/{signed.id}/tranches/9").status_code == 404
    assert own.get(f"/funding/alliances/{signed.id}/tranches/1/order.pdf").status_code == 404  # not paid yet


def test_refusal_by_page_needs_a_reason(signed, board, officer, login):
    tranche_action(signed.tranches[0], "request", board)
    _db.session.commit()
    web = login(officer)
    resp = web.post(f"/funding/alliances/{signed.id}/tranches/1", data={"action": "refuse", "reason": ""})
    assert resp.status_code == 422
    _db.session.expire_all()
    assert signed.tranches[0].state == "requested"
    resp = web.post(f"/funding/alliances/{signed.id}/tranches/1", data={"action": "refuse",
                                                                       "reason": "Cuenta bancaria sin verificar"})
    assert resp.status_code == 302
    page = web.get(f"/funding/alliances/{signed.id}/tranches/1").get_data(as_text=True)
    assert "Cuenta bancaria sin verificar" in page and 'data-state="planned"' in page
