"""Execution pages: the treasurer records with a receipt, a member reads but cannot write, another
association sees nothing, the report goes through its workflow, documents are served."""
import io
from decimal import Decimal

import pytest
import sqlalchemy as sa

from grants.execution import expenses as svc
from grants.execution.models import AccountabilityReport, Contribution, Expense
from grants.extensions import db
from tests.execution_support import JPEG, PDF, TODAY, expense_data, executing


@pytest.fixture
def live(alliance, officer, facilitator, board):
    return executing(alliance, officer, facilitator, board)


def post_expense(client, live, **kw):
    line = live.budget_lines[0]
    data = {k: str(v) for k, v in expense_data(line, **kw).items()}
    data["receipt"] = (io.BytesIO(JPEG), "foto.jpg")
    return client.post(f"/alliances/{live.id}/execution/expenses", data=data, content_type="multipart/form-data")


def test_treasurer_records_with_receipt_and_member_reads(live, treasurer, member_user, login):
    resp = post_expense(login(treasurer), live, amount="1500.00")
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    e = db.session.execute(sa.select(Expense)).scalar_one()
    assert e.amount == Decimal("1500.00") and e.receipt_content_type == "image/jpeg"
    own = login(treasurer).get(f"/alliances/{live.id}/execution/expenses").get_data(as_text=True)
    assert '<strong id="cash-on-hand">Bs 198.500,00</strong>' in own.replace("\xa0", " ")
    member = login(member_user)
    page = member.get(f"/alliances/{live.id}/execution/expenses")
    assert page.status_code == 200 and f'id="expense-{e.id}"' in page.get_data(as_text=True)
    assert 'id="expense-form"' not in page.get_data(as_text=True)
    assert member.get(f"/alliances/{live.id}/execution/expenses/{e.id}/receipt").data == JPEG
    assert post_expense(member, live, number="X").status_code == 403
    assert member.post(f"/alliances/{live.id}/execution/expenses/{e.id}/void", data={"reason": "x"}).status_code == 403
    assert db.session.execute(sa.select(sa.func.count()).select_from(Expense)).scalar() == 1


def test_refused_expense_shows_rule_messages_and_keeps_input(live, treasurer, login):
    resp = post_expense(login(treasurer), live, amount="140000.01", supplier="Proveedor Único")
    assert resp.status_code == 422
    html = resp.get_data(as_text=True).replace("\xa0", " ")
    # the messages, in Spanish, with the amounts as Spanish writes them; never the codes
    assert "le quedan Bs 140.000,00 de esta fuente" in html
    assert "Por encima de Bs 10.000,00, una compra necesita un proceso de compra adjudicado." in html
    assert "line_funds_exceeded" not in html and "procurement_required" not in html
    assert "Proveedor Único" in html
    assert db.session.execute(sa.select(sa.func.count()).select_from(Expense)).scalar() == 0


def test_upload_refused_by_content(live, treasurer, login):
    line = live.budget_lines[0]
    data = {k: str(v) for k, v in expense_data(line).items()}
    data["receipt"] = (io.BytesIO(b"GIF89a not accepted"), "foto.jpg")
    resp = login(treasurer).post(f"/alliances/{live.id}/execution/expenses", data=data,
                                 content_type="multipart/form-data")
    assert resp.status_code == 415


def test_other_association_sees_nothing(live, treasurer, other_board, login):
    e = svc.record_expense(live, expense_data(live.budget_lines[0]), treasurer)
    db.session.commit()
    other = login(other_board)
    for path in ("", "/expenses", f"/expenses/{e.id}", "/contributions", "/reports", f"/expenses/{e.id}/receipt"):
        assert other.get(f"/alliances/{live.id}/execution{path}").status_code == 404, path
    assert post_expense(other, live, number="Z").status_code == 404


def test_overview_bars_and_warnings(live, treasurer, login, program):
    line = live.budget_lines[0]
    program.minor_purchase_limit = Decimal("999999.00")
    svc.record_expense(live, expense_data(line, "18000.00", "counterpart_cash"), treasurer)
    db.session.commit()
    html = login(treasurer).get(f"/alliances/{live.id}/execution").get_data(as_text=True)
    assert f'id="fill-{line.id}-counterpart_cash" data-share="90"' in html
    assert 'data-rule="line_near_limit"' in html and 'data-rule="receipts_missing"' in html
    detail = login(treasurer).get(f"/alliances/{live.id}").get_data(as_text=True)
    assert 'id="execution"' in detail


def test_contribution_in_kind(live, treasurer, login):
    resp = login(treasurer).post(f"/alliances/{live.id}/execution/contributions", data={
        "kind": "in_kind", "in_kind_type": "labour", "description": "Jornales para el galpón",
        "budget_line_id": str(live.budget_lines[1].id), "contributed_on": TODAY, "quantity": "12",
        "unit_value": "80.00", "evidence": (io.BytesIO(PDF), "lista.pdf")}, content_type="multipart/form-data")
    assert resp.status_code == 302, resp.get_data(as_text=True)[:1500]
    c = db.session.execute(sa.select(Contribution)).scalar_one()
    assert c.amount == Decimal("960.00") and c.evidence_content_type == "application/pdf"
    from grants.alliances import ledger

    assert ledger.counterpart_contributed(live) == Decimal("960.00")
    html = login(treasurer).get(f"/alliances/{live.id}/execution").get_data(as_text=True)
    # line 2 plans 60,000.00 in kind: 960.00 is 2 %
    assert f'id="fill-{live.budget_lines[1].id}-counterpart_in_kind" data-share="2"' in html


def test_report_workflow_through_the_pages(live, treasurer, officer, member_user, login):
    e = svc.record_expense(live, expense_data(live.budget_lines[0], "3000.00"), treasurer)
    db.session.commit()
    t = login(treasurer)
    resp = t.post(f"/alliances/{live.id}/execution/reports", data={"period_start": "2020-01-01", "period_end": TODAY})
    assert resp.status_code == 302
    r = db.session.execute(sa.select(AccountabilityReport)).scalar_one()
    base = f"/alliances/{live.id}/execution/reports/{r.id}"
    resp = t.post(base, data={"action": "submit", "version": str(r.version)})
    assert resp.status_code == 422 and "Suba el acta de la asamblea" in resp.get_data(as_text=True)
    resp = t.post(base + "/assembly", data={"assembly_approved_on": TODAY,
                                            "assembly_minutes": (io.BytesIO(PDF), "acta.pdf")},
                  content_type="multipart/form-data")
    assert resp.status_code == 302
    db.session.expire_all()
    assert t.post(base, data={"action": "submit", "version": str(r.version)}).status_code == 302
    db.session.expire_all()
    assert r.state == "submitted" and e.report_id == r.id
    # locked
    resp = t.post(f"/alliances/{live.id}/execution/expenses/{e.id}/void",
                  data={"reason": "x", "version": str(e.version)})
    assert resp.status_code == 422 and "report_locked" in resp.get_data(as_text=True)
    assert login(member_user).post(base, data={"action": "approve"}).status_code == 403
    assert login(officer).post(base, data={"action": "approve", "version": str(r.version)}).status_code == 302
    db.session.expire_all()
    assert r.state == "approved"
    from grants.alliances import ledger

    assert ledger.justified(live) == Decimal("3000.00")
    pdf = login(member_user).get(base + "/statement.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    xlsx = login(member_user).get(base + "/statement.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert login(member_user).get(base + "/minutes").data == PDF


def test_procurement_and_reallocation_pages(live, board, treasurer, officer, member_user, login):
    b = login(board)
    line = live.budget_lines[0]
    resp = b.post(f"/alliances/{live.id}/execution/procurements", data={
        "description": "Tanque", "budget_line_id": str(line.id), "method": "minor", "estimated_amount": "15000.00"})
    assert resp.status_code == 422 and "la compra necesita comparación de precios" in resp.get_data(as_text=True)
    resp = b.post(f"/alliances/{live.id}/execution/procurements", data={
        "description": "Tanque", "budget_line_id": str(line.id), "method": "minor", "estimated_amount": "9000.00"})
    assert resp.status_code == 302
    from grants.execution.models import Procurement, Reallocation

    p = db.session.execute(sa.select(Procurement)).scalar_one()
    base = f"/alliances/{live.id}/execution/procurements/{p.id}"
    resp = b.post(base + "/quotations", data={"supplier": "Uno", "amount": "8900.00",
                                             "file": (io.BytesIO(PDF), "q.pdf")}, content_type="multipart/form-data")
    assert resp.status_code == 302
    db.session.expire_all()
    qid = p.quotations[0].id
    assert login(member_user).get(base).status_code == 200
    assert b.post(base, data={"action": "award", "quotation_id": str(qid)}).status_code == 302
    db.session.expire_all()
    assert p.state == "awarded"
    r = login(treasurer).post(f"/alliances/{live.id}/execution/reallocations", data={
        "from_line_id": str(line.id), "to_line_id": str(live.budget_lines[1].id), "source": "grant",
        "amount": "30000.00", "justification": "Más galpón"})
    assert r.status_code == 302
    realloc = db.session.execute(sa.select(Reallocation)).scalar_one()
    assert realloc.state == "pending"
    page = login(officer).get(f"/alliances/{live.id}/execution/reallocations").get_data(as_text=True)
    assert f'id="approve-{realloc.id}"' in page
    assert login(officer).post(f"/alliances/{live.id}/execution/reallocations/{realloc.id}",
                               data={"action": "approve"}).status_code == 302
    db.session.expire_all()
    assert realloc.state == "applied"


def test_forms_need_the_csrf_token(live, treasurer, login, app):
    client = login(treasurer)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        resp = post_expense(client, live)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert resp.status_code == 400
    assert db.session.execute(sa.select(sa.func.count()).select_from(Expense)).scalar() == 0


def test_huge_and_unknown_ids_are_404(live, treasurer, login):
    client = login(treasurer)
    for path in (f"/alliances/{2**40}/execution", f"/alliances/{live.id}/execution/expenses/{2**40}",
                 f"/alliances/{live.id}/execution/reports/99999", f"/alliances/{live.id}/execution/procurements/"
                 f"{2**40}/quotations/{2**40}/file", f"/alliances/{live.id}/execution/contributions/7/evidence"):
        assert client.get(path).status_code == 404, path


def test_expenses_list_is_paged(live, treasurer, login, app):
    for i in range(app.config["PER_PAGE"] + 1):
        svc.record_expense(live, expense_data(live.budget_lines[0], "1.00", number=f"N-{i}"), treasurer)
    db.session.commit()
    client = login(treasurer)
    first = client.get(f"/alliances/{live.id}/execution/expenses").get_data(as_text=True)
    second = client.get(f"/alliances/{live.id}/execution/expenses?page=2").get_data(as_text=True)
    assert first.count('<tr id="expense-') == app.config["PER_PAGE"] and 'class="pager"' in first
    assert second.count('<tr id="expense-') == 1
