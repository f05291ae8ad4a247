"""The execution pages' writes on the one page edge (grants.web.forms.form_action): what a refusal answers on
each kind of page. A refusal rolls back, keeps what was typed and shows each message once: at its field where
the page shows the posted form, flashed where it does not (a reallocation's buttons, a spreadsheet)."""
import io
from datetime import date

import pytest
import sqlalchemy as sa

from grants.execution import expenses as expense_svc
from grants.execution.models import AccountabilityReport, Expense, Procurement, Reallocation
from grants.extensions import db
from tests.execution.test_execution_bulk import xlsx
from tests.execution_support import PDF, executing, expense_data


@pytest.fixture
def live(alliance, officer, facilitator, board):
    return executing(alliance, officer, facilitator, board)


def count(model):
    return db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar()


def test_a_refused_import_lists_the_summary_then_each_wrong_row(live, treasurer, login):
    client = login(treasurer)
    today = date.today()
    bad = xlsx([[1, today, "100.00", "grant", "A", "invoice", "1", ""],
                [1, today, "-5", "grant", "B", "invoice", "2", ""],
                [1, today, "abc", "grant", "C", "invoice", "3", ""]])
    resp = client.post(f"/alliances/{live.id}/execution/expenses/import", data={"file": (io.BytesIO(bad), "g.xlsx")},
                       content_type="multipart/form-data")
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/execution/expenses#import-form")
    assert count(Expense) == 0
    page = client.get(f"/alliances/{live.id}/execution/expenses").get_data(as_text=True)
    summary, row3, row4 = page.find("No se importó nada"), page.find("Fila 3:"), page.find("Fila 4:")
    assert -1 < summary < row3 < row4, page[:3000]
    assert "row 3" not in page  # the row, never the field's code


def test_an_import_without_the_csrf_token_is_400_and_records_nothing(live, treasurer, login, app):
    client = login(treasurer)
    good = xlsx([[1, date.today(), "100.00", "grant", "A", "invoice", "1", ""]])
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        resp = client.post(f"/alliances/{live.id}/execution/expenses/import",
                           data={"file": (io.BytesIO(good), "g.xlsx")}, content_type="multipart/form-data")
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert resp.status_code == 400 and count(Expense) == 0


def pending_reallocation(live, treasurer, login):
    line, other = live.budget_lines[0], live.budget_lines[1]
    resp = login(treasurer).post(f"/alliances/{live.id}/execution/reallocations", data={
        "from_line_id": str(line.id), "to_line_id": str(other.id), "source": "grant", "amount": "30000.00",
        "justification": "Más galpón"})
    assert resp.status_code == 302
    r = db.session.execute(sa.select(Reallocation)).scalar_one()
    assert r.state == "pending"
    return r


def test_a_refused_decision_is_flashed_once_on_the_list(live, treasurer, officer, member_user, login):
    r = pending_reallocation(live, treasurer, login)
    url = f"/alliances/{live.id}/execution/reallocations/{r.id}"
    resp = login(officer).post(url, data={"action": "refuse", "comment": "  "})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert page.count("Escriba un comentario que explique la decisión.") == 1, page
    assert page.count("La operación no cumple una o más reglas.") == 1
    assert f'id="reallocation-{r.id}"' in page  # the list, its buttons again
    db.session.expire_all()
    assert r.state == "pending"
    assert login(member_user).post(url, data={"action": "approve"}).status_code == 403
    assert login(officer).post(url, data={"action": "approve"}).status_code == 302
    resp = login(officer).post(url, data={"action": "approve"})
    assert resp.status_code == 409
    assert "Solo se puede decidir una reasignación que espera al técnico." in resp.get_data(as_text=True)


def test_a_void_refused_shows_at_its_field_and_keeps_the_expense(live, treasurer, login, app):
    e = expense_svc.record_expense(live, expense_data(live.budget_lines[0]), treasurer)
    db.session.commit()
    client = login(treasurer)
    url = f"/alliances/{live.id}/execution/expenses/{e.id}/void"
    resp = client.post(url, data={"reason": "", "version": str(e.version)})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and f"/execution/expenses/{e.id}/void" in page
    db.session.expire_all()
    assert e.voided_at is None
    resp = client.post(url, data={"reason": "Duplicado", "version": str(e.version + 7)})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 409 and "Alguien modificó este gasto mientras tanto" in page and "Duplicado" in page
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post(url, data={"reason": "Duplicado", "version": str(e.version)}).status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    resp = client.post(url, data={"reason": "Duplicado", "version": str(e.version)})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/alliances/{live.id}/execution/expenses")
    db.session.expire_all()
    assert e.voided_at is not None and e.void_reason == "Duplicado"


def test_a_stale_correction_keeps_what_was_typed(live, treasurer, login):
    line = live.budget_lines[0]
    e = expense_svc.record_expense(live, expense_data(line), treasurer)
    db.session.commit()
    data = {k: str(v) for k, v in expense_data(line, supplier="Proveedor corregido").items()}
    resp = login(treasurer).post(f"/alliances/{live.id}/execution/expenses/{e.id}",
                                 data={**data, "version": str(e.version + 3)})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 409 and "Alguien modificó este gasto mientras tanto" in page
    assert 'value="Proveedor corregido"' in page
    db.session.expire_all()
    assert e.supplier == "Ferretería Illimani"


def test_procurement_refusals_stay_on_the_procurement(live, board, member_user, login):
    b = login(board)
    line = live.budget_lines[0]
    assert b.post(f"/alliances/{live.id}/execution/procurements", data={
        "description": "Tanque", "budget_line_id": str(line.id), "method": "minor",
        "estimated_amount": "9000.00"}).status_code == 302
    p = db.session.execute(sa.select(Procurement)).scalar_one()
    base = f"/alliances/{live.id}/execution/procurements/{p.id}"
    resp = b.post(base, data={"action": "award", "quotation_id": "12345"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and page.count("Elija una de las cotizaciones.") == 1
    assert login(member_user).post(base + "/quotations", data={"supplier": "Uno", "amount": "1.00"}).status_code == 403
    resp = b.post(base + "/quotations", data={"supplier": "Uno", "amount": "8900.00"})
    assert resp.status_code == 422 and 'value="Uno"' in resp.get_data(as_text=True)
    resp = b.post(base + "/quotations", data={"supplier": "Uno", "amount": "8900.00", "file": (io.BytesIO(PDF), "q.pdf")},
                  content_type="multipart/form-data")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(base)
    db.session.expire_all()
    assert p.state == "open" and len(p.quotations) == 1


def test_report_refusals_stay_on_the_report(live, treasurer, member_user, login):
    client = login(treasurer)
    today = date.today().isoformat()
    resp = client.post(f"/alliances/{live.id}/execution/reports", data={"period_start": today, "period_end": "x"})
    assert resp.status_code in (400, 422) and count(AccountabilityReport) == 0
    resp = client.post(f"/alliances/{live.id}/execution/reports", data={"period_start": today, "period_end": today})
    r = db.session.execute(sa.select(AccountabilityReport)).scalar_one()
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/execution/reports/{r.id}")
    base = f"/alliances/{live.id}/execution/reports/{r.id}"
    assert login(member_user).post(base + "/assembly", data={"assembly_approved_on": today}).status_code == 403
    resp = client.post(base + "/assembly", data={"assembly_approved_on": today})
    assert resp.status_code == 422 and f'value="{today}"' in resp.get_data(as_text=True)
    resp = client.post(base, data={"action": "nonsense", "version": str(r.version)})
    assert resp.status_code == 409
    db.session.expire_all()
    assert r.state == "draft" and r.assembly_approved_on is None
