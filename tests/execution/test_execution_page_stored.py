"""The execution page's stored content (grants/alliances/cards.py, issue 12): a second view is served from the
database in two statements; every kind of change that moves the page draws it again (an expense, a contribution,
a report, a tranche, a procurement, a member, the program's currency, the day, the code); one viewer never gets
another's content; each language has its own; a viewer who loses the right gets 404, not the stored page."""
import io
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask import g

from grants.accounts.models import User
from grants.alliances import cards
from grants.associations.models import Member
from grants.execution import expenses as svc
from grants.execution.models import AccountabilityReport, Procurement
from grants.execution.views import OVERVIEW
from grants.extensions import db as _db
from tests.execution_support import PDF, TODAY, expense_data, executing
from tests.statements import statements
from tests.stored_support import drop_memberships, new_release, next_day

MARK = "CONTENIDO-GUARDADO"


@pytest.fixture
def live(alliance, officer, facilitator, board):
    return executing(alliance, officer, facilitator, board)


def _page(client, alliance, status=200):
    # the tests push one app context for every request: the ledger's figures of an earlier GET would stay in ``g``
    g.pop("_ledger_memo", None)
    resp = client.get(f"/alliances/{alliance.id}/execution")
    assert resp.status_code == status, resp.status_code
    return resp.get_data(as_text=True).replace("\xa0", " ")


def _rows(alliance, user=None):
    f = cards.PageFragment
    query = sa.select(f.viewer_id, f.lang, f.html).where(f.alliance_id == alliance.id, f.part == OVERVIEW)
    if user is not None:
        query = query.where(f.viewer_id == user.id)
    return _db.session.execute(query.order_by(f.viewer_id, f.lang)).all()


def _mark(db, alliance):
    """Edit the stored content behind the app's back (no stamp moves): while the mark shows, the page is the
    stored one; once a change moves the page, it is drawn again and the mark is gone."""
    f = cards.PageFragment
    db.session.execute(sa.update(f.__table__).where(f.alliance_id == alliance.id, f.part == OVERVIEW)
                       .values(html=sa.func.replace(f.html, "</h1>", f"{MARK}</h1>")))
    db.session.commit()


def _stored_then(db, client, alliance):
    """The page drawn and stored, then marked: it is served as stored (the mark shows)."""
    _page(client, alliance)
    _mark(db, alliance)
    assert MARK in _page(client, alliance)


def test_a_second_view_is_served_from_the_stored_content_in_two_statements(db, login, treasurer, live):
    web = login(treasurer)
    first = _page(web, live)
    assert [(r.viewer_id, r.lang) for r in _rows(live)] == [(treasurer.id, "es")]
    assert "Ejecución" in first and f"{live.code}" in first and MARK not in first
    _mark(db, live)
    path, code = f"/alliances/{live.id}/execution", live.code  # read before the count (the commit expired them)
    with statements(db.engine) as seen:
        second = web.get(path).get_data(as_text=True)
    assert MARK in second
    sent = [s[:200] for s in seen if not s.startswith(("SAVEPOINT", "RELEASE"))]
    assert len(sent) == 2, "\n".join(sent)  # the session's user, the stored row
    # the shell is the request's: the title names the alliance
    assert f"<title>Ejecución · {code}" in second


def test_an_expense_draws_it_again(db, login, treasurer, live):
    web = login(treasurer)
    _stored_then(db, web, live)
    line = live.budget_lines[0]
    data = {k: str(v) for k, v in expense_data(line, "7000.00").items()}
    resp = web.post(f"/alliances/{live.id}/execution/expenses", data=data, content_type="multipart/form-data")
    assert resp.status_code == 302, resp.get_data(as_text=True)[:1500]
    html = _page(web, live)
    assert MARK not in html
    # line 1 plans 140,000.00 of grant: 7,000.00 is 5 %
    assert f'id="fill-{line.id}-grant" data-share="5"' in html
    assert 'id="balance-spent">Bs 7.000,00' in html


def test_a_contribution_draws_it_again(db, login, treasurer, live):
    web = login(treasurer)
    _stored_then(db, web, live)
    resp = web.post(f"/alliances/{live.id}/execution/contributions", data={
        "kind": "in_kind", "in_kind_type": "labour", "description": "Jornales para el galpón",
        "budget_line_id": str(live.budget_lines[1].id), "contributed_on": TODAY, "quantity": "12",
        "unit_value": "80.00", "evidence": (io.BytesIO(PDF), "lista.pdf")}, content_type="multipart/form-data")
    assert resp.status_code == 302, resp.get_data(as_text=True)[:1500]
    html = _page(web, live)
    assert MARK not in html
    assert 'id="balance-contributed">Bs 960,00' in html


def test_a_report_and_its_approval_draw_it_again(db, login, treasurer, officer, live):
    svc.record_expense(live, expense_data(live.budget_lines[0], "3000.00"), treasurer)
    db.session.commit()
    web = login(treasurer)
    _stored_then(db, web, live)
    resp = web.post(f"/alliances/{live.id}/execution/reports", data={"period_start": "2020-01-01",
                                                                     "period_end": TODAY})
    assert resp.status_code == 302
    assert MARK not in _page(web, live)
    report = db.session.execute(sa.select(AccountabilityReport)).scalar_one()
    base = f"/alliances/{live.id}/execution/reports/{report.id}"
    assert web.post(base + "/assembly", data={"assembly_approved_on": TODAY,
                                              "assembly_minutes": (io.BytesIO(PDF), "acta.pdf")},
                    content_type="multipart/form-data").status_code == 302
    db.session.expire_all()
    assert web.post(base, data={"action": "submit", "version": str(report.version)}).status_code == 302
    db.session.expire_all()
    assert 'id="balance-justified">Bs 0,00' in _page(web, live)
    _mark(db, live)
    assert login(officer).post(base, data={"action": "approve", "version": str(report.version)}).status_code == 302
    html = _page(web, live)
    assert MARK not in html
    assert 'id="balance-justified">Bs 3.000,00' in html


def test_a_tranche_draws_it_again(db, login, treasurer, live):
    web = login(treasurer)
    _stored_then(db, web, live)
    assert "Bs 200.000,00" in _page(web, live)
    second = live.tranches[1]
    second.state, second.disbursed_amount, second.disbursed_on = "disbursed", Decimal("50000.00"), date.today()
    second.disbursement_reference = "TRF-2"
    db.session.commit()
    html = _page(web, live)
    assert MARK not in html and "Bs 250.000,00" in html


def test_a_procurement_draws_it_again(db, login, board, treasurer, live):
    web = login(treasurer)
    _stored_then(db, web, live)
    resp = login(board).post(f"/alliances/{live.id}/execution/procurements", data={
        "description": "Tanque", "budget_line_id": str(live.budget_lines[0].id), "method": "minor",
        "estimated_amount": "9000.00"})
    assert resp.status_code == 302
    assert db.session.execute(sa.select(Procurement)).scalar_one()
    assert MARK not in _page(web, live)


def test_a_member_of_the_association_draws_it_again(db, login, treasurer, live, association):
    web = login(treasurer)
    _stored_then(db, web, live)
    db.session.add(Member(association_id=association.id, full_name="Nueva Socia", national_id="99887766",
                          sex="F"))
    db.session.commit()
    assert MARK not in _page(web, live)


def test_the_programs_currency_draws_it_again(db, login, treasurer, live, program):
    """A change many alliances show (their program) moves the shared stamp."""
    web = login(treasurer)
    _stored_then(db, web, live)
    program.currency = "USD"
    db.session.commit()
    html = _page(web, live)
    assert MARK not in html and "Bs 200.000,00" not in html and "200.000,00" in html


def test_a_new_day_and_new_code_draw_it_again(db, login, treasurer, live, monkeypatch):
    """The page counts the expenses late for a report against today: a part of yesterday is never served."""
    web = login(treasurer)
    _stored_then(db, web, live)
    next_day(monkeypatch)
    assert MARK not in _page(web, live)
    monkeypatch.undo()
    _stored_then(db, web, live)
    new_release(monkeypatch)
    assert MARK not in _page(web, live)


def test_one_viewer_never_gets_another_viewers_content(db, login, treasurer, member_user, officer, live):
    """The treasurer records (the button to record an expense), a member and the officer only read; each has
    a row of their own, drawn and then served from storage."""
    clients = {u: login(u) for u in (treasurer, member_user, officer)}
    for _round in range(2):
        pages = {u: _page(c, live) for u, c in clients.items()}
        assert 'id="new-expense"' in pages[treasurer]
        assert 'id="new-expense"' not in pages[member_user] and 'id="new-expense"' not in pages[officer]
    assert {r.viewer_id for r in _rows(live)} == {treasurer.id, member_user.id, officer.id}


def test_another_association_gets_404_even_when_the_page_is_stored(db, login, treasurer, other_board, live):
    _page(login(treasurer), live)
    _page(login(other_board), live, status=404)
    assert web_missing(login(treasurer)) == 404


def web_missing(client):
    return client.get(f"/alliances/{2 ** 31 - 1}/execution").status_code


def test_a_viewer_who_loses_the_right_gets_404_not_the_stored_page(db, login, treasurer, live):
    web = login(treasurer)
    _page(web, live)
    drop_memberships(treasurer)
    _page(web, live, status=404)


def test_each_language_has_its_own_content(db, login, treasurer, live):
    web = login(treasurer)
    assert "Resumen de la ejecución" in _page(web, live)
    db.session.get(User, treasurer.id).locale = "en"  # a column the page does not show: no stamp moves
    db.session.commit()
    html = _page(web, live)
    assert "Execution at a glance" in html and "Resumen de la ejecución" not in html
    assert {r.lang for r in _rows(live, treasurer)} == {"es", "en"}
    db.session.get(User, treasurer.id).locale = "es"
    db.session.commit()
    assert "Resumen de la ejecución" in _page(web, live)
