"""The revolving fund pages: who reads and writes, borrowers' names by role (masked for auditors), forms that
keep what was typed on errors, the alliance's section, use after the alliance is closed."""
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from grants.extensions import db
from grants.revolving import services
from grants.revolving.models import Loan, Movement
from tests.revolving_support import TODAY, fund_alliance, fund_program, lend, members_of, repay  # noqa: F401


def url(association, rest=""):
    return f"/associations/{association.id}/revolving-fund{rest}"


def filled(fund_alliance, association, treasurer, admin, amount="1000.00"):
    services.deposit_from_grant(fund_alliance, amount, admin, TODAY)
    db.session.commit()
    m = members_of(association)
    loan = lend(association, m[0], "300.00", treasurer)
    return m, loan


def test_members_read_totals_without_names(app, login, fund_alliance, association, treasurer, admin, member_user):
    m, loan = filled(fund_alliance, association, treasurer, admin)
    resp = login(member_user).get(url(association))
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    balance = page.split('id="fund-balance">')[1].split("</dd>")[0]
    assert "700,00" in balance or "700.00" in balance
    assert m[0].full_name not in page
    assert 'id="repayment-form"' not in page and 'id="loan-form"' not in page


def test_names_by_role(app, login, fund_alliance, association, treasurer, admin, board, officer, auditor, finance):
    m, loan = filled(fund_alliance, association, treasurer, admin)
    name = m[0].full_name
    for user in (board, officer, admin, treasurer):
        assert name in login(user).get(url(association)).get_data(as_text=True), user.name
        assert name in login(user).get(url(association, f"/loans/{loan.id}")).get_data(as_text=True)
    page = login(auditor).get(url(association)).get_data(as_text=True)
    assert name not in page and "S. " in page  # initials only
    page = login(finance).get(url(association)).get_data(as_text=True)
    assert name not in page


def test_another_association_is_404(app, login, fund_alliance, association, treasurer, admin, other_board,
                                    other_officer, facilitator):
    m, loan = filled(fund_alliance, association, treasurer, admin)
    for user in (other_board, other_officer, facilitator):
        client = login(user)
        assert client.get(url(association)).status_code == 404
        assert client.get(url(association, f"/loans/{loan.id}")).status_code == 404
        assert client.post(url(association, "/loans"), data={}).status_code == 404
    assert login(admin).get("/associations/99999/revolving-fund").status_code == 404
    assert login(admin).get(url(association, "/loans/99999")).status_code == 404


def test_only_the_treasurer_records_only_the_board_writes_off(app, login, fund_alliance, association, treasurer,
                                                             admin, board, officer, member_user):
    m, loan = filled(fund_alliance, association, treasurer, admin)
    data = {"repayment-member_id": m[1].id, "repayment-amount": "5.00", "repayment-paid_on": TODAY.isoformat(),
            "repayment-reference": "R-9"}
    for user in (board, officer, admin, member_user):
        assert login(user).post(url(association, "/repayments"), data=data).status_code == 403
        assert login(user).post(url(association, f"/loans/{loan.id}"),
                                data={"amount": "1", "paid_on": TODAY.isoformat(), "reference": "x"}).status_code == 403
    for user in (treasurer, officer, admin, member_user):
        assert login(user).post(url(association, f"/loans/{loan.id}/write-off"),
                                data={"reason": "x"}).status_code == 403
    assert db.session.execute(sa.select(sa.func.count(Movement.id))).scalar() == 2


def test_treasurer_records_a_repayment_and_a_loan(app, login, fund_alliance, association, treasurer, admin):
    services.deposit_from_grant(fund_alliance, "500.00", admin, TODAY)
    db.session.commit()
    m = members_of(association)
    client = login(treasurer)
    page = client.get(url(association)).get_data(as_text=True)
    assert 'id="repayment-form"' in page and 'id="loan-form"' in page
    resp = client.post(url(association, "/repayments"), data={
        "repayment-member_id": m[1].id, "repayment-amount": "20.50", "repayment-paid_on": TODAY.isoformat(),
        "repayment-reference": "REC-7", "repayment-alliance_id": fund_alliance.id})
    assert resp.status_code == 302
    resp = client.post(url(association, "/loans"), data={
        "loan-member_id": m[2].id, "loan-amount": "520.50", "loan-lent_on": TODAY.isoformat(),
        "loan-due_on": (TODAY + timedelta(days=90)).isoformat(), "loan-purpose": "Fertilizante"})
    assert resp.status_code == 302
    loan = db.session.execute(sa.select(Loan)).scalar_one()
    assert loan.amount == Decimal("520.50") and loan.member_id == m[2].id
    assert services.fund_summary(association)["balance"] == Decimal("0.00")
    resp = client.post(url(association, f"/loans/{loan.id}"),
                       data={"amount": "20.50", "paid_on": TODAY.isoformat(), "reference": "REC-8"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(Loan, loan.id).repaid == Decimal("20.50")


def test_refused_loan_keeps_the_input(app, login, fund_alliance, association, treasurer, admin):
    services.deposit_from_grant(fund_alliance, "100.00", admin, TODAY)
    db.session.commit()
    m = members_of(association)
    resp = login(treasurer).post(url(association, "/loans"), data={
        "loan-member_id": m[2].id, "loan-amount": "100.01", "loan-lent_on": TODAY.isoformat(),
        "loan-due_on": (TODAY + timedelta(days=90)).isoformat(), "loan-purpose": "Compra de ovejas"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert 'value="100.01"' in page and 'value="Compra de ovejas"' in page
    assert "100,00" in page or "100.00" in page  # the message names the balance
    assert db.session.execute(sa.select(sa.func.count(Loan.id))).scalar() == 0
    resp = login(treasurer).post(url(association, "/repayments"), data={
        "repayment-member_id": "", "repayment-amount": "abc", "repayment-reference": "REC-1"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and 'value="abc"' in page and 'value="REC-1"' in page


def test_board_writes_off(app, login, fund_alliance, association, treasurer, admin, board):
    m, loan = filled(fund_alliance, association, treasurer, admin)
    client = login(board)
    assert client.post(url(association, f"/loans/{loan.id}/write-off"), data={"reason": ""}).status_code == 422
    resp = client.post(url(association, f"/loans/{loan.id}/write-off"), data={"reason": "Sequía"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(Loan, loan.id).state == "written_off"
    page = client.get(url(association, f"/loans/{loan.id}")).get_data(as_text=True)
    assert "Sequía" in page and 'id="write-off-form"' not in page


def test_overdue_loans_are_marked(app, login, fund_alliance, association, treasurer, admin, board):
    m, loan = filled(fund_alliance, association, treasurer, admin)
    loan.lent_on = TODAY - timedelta(days=60)
    loan.due_on = TODAY - timedelta(days=1)
    db.session.commit()
    page = login(board).get(url(association)).get_data(as_text=True)
    assert f'id="loan-{loan.id}" data-overdue="1"' in page


def test_fund_works_after_the_alliance_is_closed(app, login, fund_alliance, association, treasurer, admin,
                                                 member_user):
    m, loan = filled(fund_alliance, association, treasurer, admin)
    fund_alliance.state = "closed"
    db.session.commit()
    resp = login(treasurer).post(url(association, f"/loans/{loan.id}"),
                                 data={"amount": "300.00", "paid_on": TODAY.isoformat(), "reference": "REC-2"})
    assert resp.status_code == 302
    assert login(member_user).get(url(association)).status_code == 200
    page = login(member_user).get(f"/alliances/{fund_alliance.id}").get_data(as_text=True)
    assert 'id="revolving"' in page and 'id="revolving-expected"' in page


def test_alliance_section_and_association_link(app, login, fund_alliance, association, treasurer, board, alliance):
    repay(association, members_of(association)[0], "250.00", treasurer, alliance_id=fund_alliance.id)
    page = login(board).get(f"/alliances/{fund_alliance.id}").get_data(as_text=True)
    assert 'id="revolving"' in page
    expected = page.split('id="revolving-expected">')[1].split("<")[0]
    repaid = page.split('id="revolving-repaid">')[1].split("<")[0]
    assert expected.endswith("10.000,00")  # 10 % of 100,000.00
    assert repaid.endswith("250,00")
    other = login(board).get(f"/alliances/{alliance.id}").get_data(as_text=True)
    assert 'id="revolving"' not in other  # a program without a fund
    page = login(board).get(f"/associations/{association.id}").get_data(as_text=True)
    assert f'href="/associations/{association.id}/revolving-fund"' in page


def test_page_without_fund_program(app, login, association, board):
    page = login(board).get(url(association)).get_data(as_text=True)
    assert 'id="fund-not-allowed"' in page


def test_movements_paginate(app, login, fund_alliance, association, treasurer):
    m = members_of(association)
    for i in range(app.config["PER_PAGE"] + 2):
        services.record_repayment(association, {"member_id": m[0].id, "amount": "1.00",
                                                "paid_on": TODAY.isoformat(), "reference": f"R-{i}"}, treasurer)
    db.session.commit()
    client = login(treasurer)
    page2 = client.get(url(association, "?page=2")).get_data(as_text=True)
    assert page2.count('id="movement-') == 2
