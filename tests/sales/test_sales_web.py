"""Deliveries to the buyer on the pages and in the API (API.md "Voice, the buyer..."): the association records,
the buyer's own account confirms, disputes and records the payment, members read the confirmed totals on the
alliance page, another buyer gets 404, an officer links an account to a buyer. Without JavaScript."""
from datetime import timedelta

import sqlalchemy as sa

from grants.extensions import db
from grants.sales.models import BuyerAccount, Delivery
from tests.sales_support import TODAY, buyer_user, deliver, delivery_data, other_buyer_user, selling  # noqa: F401


def rules(resp):
    return sorted(d["rule"] for d in resp.get_json()["error"]["details"])


def test_the_association_records_and_the_buyer_confirms_on_the_pages(selling, login, board, buyer_user, member_user):
    web = login(board)
    page = web.get(f"/alliances/{selling.id}/deliveries")
    assert page.status_code == 200 and 'value="kg"' in page.get_data(as_text=True)
    bad = web.post(f"/alliances/{selling.id}/deliveries", data={
        "delivered_on": TODAY.isoformat(), "quantity": "100", "unit": "kg", "unit_price": "5", "amount": "600"})
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "debe ser igual a la cantidad por el precio unitario" in text and 'value="600"' in text
    assert "delivery_amount_mismatch" not in text
    ok = web.post(f"/alliances/{selling.id}/deliveries", data={
        "delivered_on": TODAY.isoformat(), "quantity": "100", "unit": "kg", "quality": "Primera",
        "unit_price": "5", "amount": ""})
    assert ok.status_code == 302
    d = db.session.execute(sa.select(Delivery)).scalar_one()
    assert d.amount == 500 and ok.headers["Location"].endswith(f"/deliveries/{d.id}")
    assert "confirm-delivery" not in web.get(f"/deliveries/{d.id}").get_data(as_text=True)
    assert web.post(f"/deliveries/{d.id}/transitions", data={"action": "confirm"}).status_code == 403

    buyer = login(buyer_user)
    assert buyer.get("/my-deliveries").headers["Location"].endswith(f"/buyers/{selling.buyer_id}/deliveries")
    listed = buyer.get(f"/buyers/{selling.buyer_id}/deliveries").get_data(as_text=True)
    assert f"delivery-{d.id}" in listed and selling.code in listed
    detail = buyer.get(f"/deliveries/{d.id}").get_data(as_text=True)
    assert "confirm-delivery" in detail and "dispute-delivery" in detail
    done = buyer.post(f"/deliveries/{d.id}/transitions", data={"action": "confirm", "paid_on": TODAY.isoformat(),
                                                               "paid_amount": "500"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Delivery, d.id).state == "confirmed"
    assert db.session.get(Delivery, d.id).paid_amount == 500

    alliance_page = login(member_user).get(f"/alliances/{selling.id}").get_data(as_text=True)
    assert 'id="sales-totals"' in alliance_page and ">100 kg<" in alliance_page


def test_a_dispute_needs_a_reason_on_the_page(selling, login, board, buyer_user):
    d = deliver(selling, board)
    buyer = login(buyer_user)
    resp = buyer.post(f"/deliveries/{d.id}/transitions", data={"action": "dispute", "reason": ""})
    assert resp.status_code == 422 and db.session.get(Delivery, d.id).state == "recorded"
    resp = buyer.post(f"/deliveries/{d.id}/transitions", data={"action": "dispute", "reason": "Faltan 10 kg"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(Delivery, d.id).state == "disputed"
    page = login(board).get(f"/deliveries/{d.id}").get_data(as_text=True)
    assert "Faltan 10 kg" in page and "resend-delivery" in page and "save-correction" in page


def test_another_buyer_sees_nothing(selling, login, board, buyer_user, other_buyer_user, other_board):
    d = deliver(selling, board)
    other = login(other_buyer_user)
    for url in (f"/deliveries/{d.id}", f"/buyers/{selling.buyer_id}/deliveries",
                f"/alliances/{selling.id}/deliveries"):
        assert other.get(url).status_code == 404, url
    assert other.post(f"/deliveries/{d.id}/transitions", data={"action": "confirm"}).status_code == 404
    assert login(other_board).get(f"/deliveries/{d.id}").status_code == 404
    assert login(buyer_user).get(f"/alliances/{selling.id}/deliveries").status_code == 200
    assert login(buyer_user).get(f"/alliances/{selling.id}").status_code == 404  # the rest of the alliance: no


def test_an_officer_links_an_account(selling, login, officer, make_user, board):
    user = make_user(roles=["buyer"], name="Carla Compras")
    web = login(officer)
    page = web.get(f"/buyers/{selling.buyer_id}/accounts").get_data(as_text=True)
    assert "Carla Compras" in page
    assert web.post(f"/buyers/{selling.buyer_id}/accounts", data={"user_id": str(user.id)}).status_code == 302
    assert db.session.get(BuyerAccount, user.id).buyer_id == selling.buyer_id
    assert login(board).get(f"/buyers/{selling.buyer_id}/accounts").status_code == 403
    assert web.post(f"/buyers/{selling.buyer_id}/accounts/{user.id}/unlink").status_code == 302
    assert db.session.get(BuyerAccount, user.id) is None


# the API ------------------------------------------------------------------------------------------------------

def test_api_record_confirm_pay_per_contract(selling, api, board, buyer_user, treasurer, member_user):
    url = f"/alliances/{selling.id}/deliveries"
    body = {"delivered_on": TODAY.isoformat(), "quantity": "100.00", "unit": "kg", "quality": "Primera",
            "unit_price": "5.00", "amount": "500.00"}
    created = api(board).post(url, json=body)
    assert created.status_code == 201, created.get_json()
    d = created.get_json()
    assert (d["state"], d["amount"], d["unit_price"], d["quantity"], d["buyer_id"]) == (
        "recorded", "500.00", "5.00", "100.00", selling.buyer_id)
    wrong = api(treasurer).post(url, json={**body, "amount": "499.00"})
    assert wrong.status_code == 422 and rules(wrong) == ["delivery_amount_mismatch"]
    assert api(board).post(url, json={**body, "amount": 500}).status_code in (400, 422)  # money is a string
    assert api(member_user).post(url, json=body).status_code == 403

    actions = api(buyer_user).get(f"/deliveries/{d['id']}/transitions").get_json()
    assert [a["action"] for a in actions] == ["confirm", "dispute"]
    assert api(board).get(f"/deliveries/{d['id']}/transitions").get_json() == []
    assert api(board).post(f"/deliveries/{d['id']}/transitions", json={"action": "confirm"}).status_code == 403
    assert api(buyer_user).post(f"/deliveries/{d['id']}/transitions", json={"action": "fly"}).status_code == 400
    assert api(buyer_user).post(f"/deliveries/{d['id']}/payment", json={
        "paid_on": TODAY.isoformat(), "paid_amount": "100.00"}).status_code == 422
    done = api(buyer_user).post(f"/deliveries/{d['id']}/transitions", json={"action": "confirm"})
    assert done.status_code == 200 and done.get_json()["state"] == "confirmed"
    again = api(buyer_user).post(f"/deliveries/{d['id']}/transitions", json={"action": "dispute", "reason": "x"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "invalid_transition"
    paid = api(buyer_user).post(f"/deliveries/{d['id']}/payment", json={"paid_on": TODAY.isoformat(),
                                                                         "paid_amount": "500.00"})
    assert paid.status_code == 200 and paid.get_json()["paid_amount"] == "500.00"
    assert api(board).post(f"/deliveries/{d['id']}/payment", json={"paid_on": TODAY.isoformat(),
                                                                    "paid_amount": "500.00"}).status_code == 403
    sales = api(member_user).get(f"/alliances/{selling.id}/sales").get_json()
    assert (sales["volume"], sales["value"], sales["price_received"], sales["paid"]) == (
        "100.00", "500.00", "5.00", "500.00")
    listed = api(buyer_user).get(f"/buyers/{selling.buyer_id}/deliveries").get_json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == d["id"]


def test_api_dispute_correct_resend(selling, api, board, buyer_user):
    d = deliver(selling, board)
    resp = api(buyer_user).post(f"/deliveries/{d.id}/transitions", json={"action": "dispute"})
    assert resp.status_code == 422 and rules(resp) == ["required"]
    assert api(buyer_user).post(f"/deliveries/{d.id}/transitions", json={
        "action": "dispute", "reason": "Faltan 10 kg"}).get_json()["state"] == "disputed"
    current = api(board).get(f"/deliveries/{d.id}").get_json()
    stale = api(board).patch(f"/deliveries/{d.id}", json={**delivery_data(quantity="90.00"), "version": 0})
    assert stale.status_code == 409
    fixed = api(board).patch(f"/deliveries/{d.id}", json={**delivery_data(quantity="90.00"),
                                                          "version": current["version"]})
    assert fixed.status_code == 200 and fixed.get_json()["amount"] == "450.00"
    assert api(board).post(f"/deliveries/{d.id}/transitions", json={"action": "resend"}).get_json()["state"] == \
        "recorded"


def test_api_another_buyer_gets_404(selling, api, board, buyer_user, other_buyer_user):
    d = deliver(selling, board)
    other = api(other_buyer_user)
    assert other.get(f"/deliveries/{d.id}").status_code == 404
    assert other.get(f"/buyers/{selling.buyer_id}/deliveries").status_code == 404
    assert other.get(f"/alliances/{selling.id}/deliveries").status_code == 404
    assert other.post(f"/deliveries/{d.id}/transitions", json={"action": "confirm"}).status_code == 404
    assert api(buyer_user).get(f"/deliveries/{d.id}").status_code == 200


def test_api_links_accounts(selling, api, officer, board, make_user):
    buyer_role = make_user(roles=["buyer"])
    plain = make_user()
    url = f"/buyers/{selling.buyer_id}/accounts"
    assert api(board).post(url, json={"user_id": buyer_role.id}).status_code == 403
    wrong = api(officer).post(url, json={"user_id": plain.id})
    assert wrong.status_code == 422 and rules(wrong) == ["buyer_role_missing"]
    assert api(officer).post(url, json={"user_id": buyer_role.id}).status_code == 201
    assert [a["user_id"] for a in api(officer).get(url).get_json()] == [buyer_role.id]
    assert api(officer).delete(f"{url}/{buyer_role.id}").status_code == 204


def test_the_alert_reads_as_words_on_the_alliance_and_alerts_pages(selling, login, officer, board):
    from grants.alliances import alerts

    selling.tranches[0].disbursed_on = alerts.add_months(TODAY, -6)  # nothing confirmed six months in: behind
    db.session.commit()
    alerts.refresh([selling.id])
    db.session.commit()
    web = login(officer)
    for url in (f"/alliances/{selling.id}", "/monitoring/alerts"):
        text = web.get(url).get_data(as_text=True)
        assert "Comprador atrasado respecto a la carta de intención" in text, url
        assert ">buyer_noncompliance<" not in text and "El comprador confirmó 0.00 toneladas" not in text
        assert "El comprador confirmó 0.00 kg de los 600.00 kg esperados" in text, url


def test_confirmed_sales_suggest_the_final_reports_figures(selling, login, board, buyer_user):
    from grants.sales import services

    d = deliver(selling, board, quantity="100.00", unit_price="5.00")
    page = login(board).get(f"/alliances/{selling.id}/closeout").get_data(as_text=True)
    assert 'value="500.00"' not in page  # recorded, not confirmed: nothing suggested
    services.act(d, "confirm", buyer_user)
    db.session.commit()
    page = login(board).get(f"/alliances/{selling.id}/closeout").get_data(as_text=True)
    assert 'value="500.00"' in page and 'value="100.00"' in page


def test_the_pages_validate_with_the_operations_schema(selling, login, officer, board):
    """One schema per operation (issue 14): the link page reads its form with ``LinkIn`` (no account chosen is
    "required" at the field, not a missing role) and the delivery form with ``DeliveryIn``: an unreadable
    quantity and a future day are each at their field, nothing is recorded."""
    web = login(officer)
    resp = web.post(f"/buyers/{selling.buyer_id}/accounts", data={"user_id": ""})
    text = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "Este dato es obligatorio." in text
    assert "Primero asigne a la cuenta el rol de comprador." not in text and "buyer_role_missing" not in text
    resp = login(board).post(f"/alliances/{selling.id}/deliveries", data={
        "delivered_on": (TODAY + timedelta(days=3)).isoformat(), "quantity": "diez", "unit": "kg",
        "unit_price": "5"})
    assert resp.status_code == 422 and 'value="diez"' in resp.get_data(as_text=True)
    assert db.session.execute(sa.select(sa.func.count(Delivery.id))).scalar() == 0
