"""The revolving fund API: shapes (money as strings), 422 with rule codes, permissions, 404 for another
association, names masked for auditors and hidden for members, malformed input as 4xx."""
from datetime import timedelta

import sqlalchemy as sa

from grants.extensions import db
from grants.revolving import services
from grants.revolving.models import Loan, Movement
from tests.revolving_support import TODAY, fund_alliance, fund_program, lend, members_of  # noqa: F401


def base(association):
    return f"/associations/{association.id}/revolving-fund"


def loan_body(member, amount="100.00", **kw):
    return {"member_id": member.id, "amount": amount, "lent_on": TODAY.isoformat(),
            "due_on": (TODAY + timedelta(days=30)).isoformat(), "purpose": "Semilla", **kw}


def test_summary_shape(api, fund_alliance, association, treasurer, admin, member_user):
    services.deposit_from_grant(fund_alliance, "1000.00", admin, TODAY)
    db.session.commit()
    lend(association, members_of(association)[0], "250.50", treasurer)
    resp = api(member_user).get(base(association))
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["balance"] == "749.50" and body["deposits"] == "1000.00" and body["lent"] == "250.50"
    assert body["loans_open"] == 1 and body["loans_outstanding"] == "250.50" and body["allowed"] is True
    (row,) = body["alliances"]
    assert row == {"alliance_id": fund_alliance.id, "code": fund_alliance.code, "share": "0.10",
                   "grant_received": "100000.00", "expected": "10000.00", "repaid": "0.00", "pending": "10000.00",
                   "moved_from_grant": "1000.00"}


def test_loans_and_repayments_through_the_api(api, fund_alliance, association, treasurer, admin):
    services.deposit_from_grant(fund_alliance, "1000.00", admin, TODAY)
    db.session.commit()
    m = members_of(association)
    client = api(treasurer)
    resp = client.post(base(association) + "/loans", json=loan_body(m[0], "200.00", interest_rate="0.05"))
    assert resp.status_code == 201, resp.get_json()
    loan = resp.get_json()
    assert loan["amount"] == "200.00" and loan["amount_due"] == "210.00" and loan["state"] == "open"
    assert loan["member_name"] == m[0].full_name and loan["interest_rate"] == "0.05"
    path = f"{base(association)}/loans/{loan['id']}/repayments"
    resp = client.post(path, json={"amount": "210.01", "paid_on": TODAY.isoformat(), "reference": "R-1"})
    assert resp.status_code == 422
    assert [d["rule"] for d in resp.get_json()["error"]["details"]] == ["repayment_exceeds_loan"]
    resp = client.post(path, json={"amount": "210.00", "paid_on": TODAY.isoformat(), "reference": "R-1"})
    assert resp.status_code == 201 and resp.get_json()["balance_after"] == "1010.00"
    assert client.get(f"{base(association)}/loans/{loan['id']}").get_json()["state"] == "repaid"
    resp = client.post(base(association) + "/repayments",
                       json={"member_id": m[1].id, "amount": "15.00", "paid_on": TODAY.isoformat(),
                             "reference": "R-2", "alliance_id": fund_alliance.id})
    assert resp.status_code == 201 and resp.get_json()["alliance_id"] == fund_alliance.id
    listing = client.get(base(association) + "/repayments").get_json()
    assert listing["total"] == 2 and listing["page"] == 1 and listing["items"][1]["amount"] == "15.00"
    loans = client.get(base(association) + "/loans?state=repaid").get_json()
    assert loans["total"] == 1
    assert client.get(base(association) + "/movements?kind=loan").get_json()["total"] == 1


def test_rule_codes_in_422(api, fund_alliance, association, other_association, treasurer, admin):
    services.deposit_from_grant(fund_alliance, "100.00", admin, TODAY)
    db.session.commit()
    client = api(treasurer)
    resp = client.post(base(association) + "/loans", json=loan_body(members_of(association)[0], "100.01"))
    err = resp.get_json()["error"]
    assert resp.status_code == 422 and err["code"] == "rule_violation"
    assert [d["rule"] for d in err["details"]] == ["fund_insufficient"]
    resp = client.post(base(association) + "/loans", json=loan_body(members_of(other_association)[0], "100.01"))
    assert sorted(d["rule"] for d in resp.get_json()["error"]["details"]) == [
        "fund_insufficient", "member_not_in_association"]
    resp = client.post(base(association) + "/loans", json=loan_body(members_of(association)[0], "100.00"))
    assert resp.status_code == 201
    assert db.session.execute(sa.select(sa.func.count(Loan.id))).scalar() == 1


def test_revolving_not_allowed(api, association, treasurer, alliance):
    resp = api(treasurer).post(base(association) + "/repayments",
                               json={"member_id": members_of(association)[0].id, "amount": "1.00",
                                     "paid_on": TODAY.isoformat(), "reference": "R"})
    assert resp.status_code == 422
    assert [d["rule"] for d in resp.get_json()["error"]["details"]] == ["revolving_not_allowed"]


def test_permissions(api, fund_alliance, association, treasurer, admin, board, officer, member_user, auditor,
                     other_board, other_officer, facilitator):
    services.deposit_from_grant(fund_alliance, "1000.00", admin, TODAY)
    db.session.commit()
    m = members_of(association)
    loan = lend(association, m[0], "100.00", treasurer)
    for user in (board, officer, admin, member_user, auditor):
        assert api(user).get(base(association)).status_code == 200
        assert api(user).post(base(association) + "/loans", json=loan_body(m[1])).status_code == 403
    for user in (other_board, other_officer, facilitator):
        assert api(user).get(base(association)).status_code == 404
        assert api(user).get(base(association) + "/loans").status_code == 404
        assert api(user).post(base(association) + "/loans", json=loan_body(m[1])).status_code == 404
    assert api().get(base(association)).status_code == 401
    write_off = f"{base(association)}/loans/{loan.id}/write-off"
    assert api(treasurer).post(write_off, json={"reason": "x"}).status_code == 403
    resp = api(board).post(write_off, json={"reason": "Helada"})
    assert resp.status_code == 200 and resp.get_json()["state"] == "written_off"
    assert api(board).post(write_off, json={"reason": "Helada"}).status_code == 422


def test_names_masked_for_auditors_hidden_for_members(api, fund_alliance, association, treasurer, admin, auditor,
                                                      member_user, officer):
    services.deposit_from_grant(fund_alliance, "1000.00", admin, TODAY)
    db.session.commit()
    m = members_of(association)[0]
    lend(association, m, "100.00", treasurer)
    (item,) = api(auditor).get(base(association) + "/loans").get_json()["items"]
    assert item["member_name"] == "S. " + m.full_name.split()[1][0] + "." and m.full_name not in str(item)
    (item,) = api(member_user).get(base(association) + "/loans").get_json()["items"]
    assert item["member_name"] is None and item["member_id"] is None and item["amount"] == "100.00"
    moves = api(member_user).get(base(association) + "/movements").get_json()["items"]
    assert all(mv["member_name"] is None for mv in moves)
    (item,) = api(officer).get(base(association) + "/loans").get_json()["items"]
    assert item["member_name"] == m.full_name


def test_malformed_input_is_4xx(api, fund_alliance, association, treasurer):
    client = api(treasurer)
    assert client.post(base(association) + "/loans", json={"member_id": "x"}).status_code in (400, 422)
    assert client.post(base(association) + "/loans", json={**loan_body(members_of(association)[0]),
                                                           "amount": 12.5}).status_code == 400
    assert client.post(base(association) + "/loans", data="{nope", content_type="application/json"
                       ).status_code == 400
    assert client.get(base(association) + "/loans?state=bogus").status_code == 400
    assert client.get(base(association) + "/loans?page=0").status_code == 400
    assert client.get(f"{base(association)}/loans/99999999999").status_code == 404
    assert client.get("/associations/0/revolving-fund").status_code == 404
    assert db.session.execute(sa.select(sa.func.count(Movement.id))).scalar() == 0


def test_api_after_the_alliance_is_closed(api, fund_alliance, association, treasurer, admin):
    services.deposit_from_grant(fund_alliance, "300.00", admin, TODAY)
    fund_alliance.state = "closed"
    db.session.commit()
    resp = api(treasurer).post(base(association) + "/loans", json=loan_body(members_of(association)[0], "300.00"))
    assert resp.status_code == 201
    assert api(treasurer).get(base(association)).get_json()["balance"] == "0.00"


def test_the_page_and_the_api_read_a_loan_with_one_schema(api, login, fund_alliance, association, treasurer, admin):
    """One schema per operation (issue 14): ``LoanIn`` checks the due date against the loan's and the interest's
    range, so the API and the page refuse the same loan at the same fields (the API used to name only the
    interest), in the treasurer's words, and nothing is lent."""
    services.deposit_from_grant(fund_alliance, "1000.00", admin, TODAY)
    db.session.commit()
    member = members_of(association)[0]
    body = loan_body(member, due_on=(TODAY - timedelta(days=1)).isoformat(), interest_rate="2")
    resp = api(treasurer).post(base(association) + "/loans", json=body)
    assert resp.status_code == 422
    assert sorted(d["field"] for d in resp.get_json()["error"]["details"]) == ["due_on", "interest_rate"]
    page = login(treasurer).post(base(association) + "/loans", data={f"loan-{k}": v for k, v in body.items()})
    text = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "La fecha de vencimiento no puede ser anterior" in text and "entre 0 y 1" in text
    assert db.session.execute(sa.select(sa.func.count(Loan.id))).scalar() == 0
