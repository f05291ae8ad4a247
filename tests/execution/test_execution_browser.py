"""On a 360 px phone, in Spanish: the treasurer records an expense with a photo of the receipt (the camera
input), prepares the accountability report with the assembly's minutes and submits it; the officer approves
it. Elements are found by name and id, not by text."""
import os
import tempfile
from datetime import date

import pytest
import sqlalchemy as sa

from grants.execution.models import AccountabilityReport, Expense
from grants.extensions import db as _db
from tests.browser import fits, sign_in
from tests.execution_support import JPEG, PDF, executing

pytestmark = pytest.mark.browser


def test_expense_with_photo_and_report_approved_on_a_phone(db, phone, alliance, officer, facilitator, board,
                                                           treasurer):
    executing(alliance, officer, facilitator, board)
    aid, line_id = alliance.id, alliance.budget_lines[0].id
    folder = tempfile.mkdtemp()
    photo, minutes = os.path.join(folder, "recibo.jpg"), os.path.join(folder, "acta.pdf")
    with open(photo, "wb") as fh:
        fh.write(JPEG)
    with open(minutes, "wb") as fh:
        fh.write(PDF)
    today = date.today().isoformat()

    sign_in(phone, treasurer.email)
    phone.goto(f"/alliances/{aid}")
    phone.click("#execution-expenses-link")
    assert phone.get_attribute("#receipt", "capture") == "environment"
    assert "image/*" in phone.get_attribute("#receipt", "accept")
    phone.select_option("select[name=budget_line_id]", str(line_id))
    phone.fill("input[name=spent_on]", today)
    phone.fill("input[name=amount]", "1250.50")
    phone.select_option("select[name=source]", "grant")
    phone.fill("input[name=supplier]", "Ferretería Illimani")
    phone.select_option("select[name=document_type]", "invoice")
    phone.fill("input[name=document_number]", "F-00123")
    phone.set_input_files("#receipt", photo)
    assert fits(phone)
    phone.click("#save-expense")
    phone.wait_for_selector("table#expenses")
    e = _db.session.execute(sa.select(Expense)).scalar_one()
    assert str(e.amount) == "1250.50" and e.receipt_sha256
    assert phone.locator(f"#receipt-{e.id}").is_visible()
    assert fits(phone)

    phone.click("#nav-reports")
    phone.fill("input[name=period_start]", "2020-01-01")
    phone.fill("input[name=period_end]", today)
    phone.click("#create-report")
    phone.wait_for_selector("#report-state[data-state=draft]")
    phone.fill("input[name=assembly_approved_on]", today)
    phone.set_input_files("#assembly_minutes", minutes)
    phone.click("#save-assembly")
    phone.wait_for_selector("#assembly a")
    assert phone.locator(f"#report-expense-{e.id}").is_visible()
    assert fits(phone)
    phone.click("#action-submit")
    phone.wait_for_selector("#report-state[data-state=submitted]")

    for page in ("procurements", "reallocations", "contributions"):  # the treasurer's forms fit too
        phone.goto(f"/alliances/{aid}/execution/{page}")
        assert phone.locator("main form[enctype], main form#reallocation-form").count() >= 1, page
        assert fits(phone), page

    phone.context.clear_cookies()
    sign_in(phone, officer.email)
    rid = _db.session.execute(sa.select(AccountabilityReport.id)).scalar_one()
    phone.goto(f"/alliances/{aid}/execution/reports/{rid}")
    assert phone.locator("#form-observe textarea[name=observations]").is_visible()
    phone.click("#action-approve")
    phone.wait_for_selector("#report-state[data-state=approved]")
    assert fits(phone)
    phone.goto(f"/alliances/{aid}/execution")
    assert phone.text_content("#balance-justified").strip().replace("\xa0", " ").endswith("1.250,50")
    assert fits(phone)
    for page in ("procurements", "reallocations", "contributions", "expenses", "reports"):
        phone.goto(f"/alliances/{aid}/execution/{page}")
        assert fits(phone), page


def test_price_comparison_with_three_quotations_on_a_phone(db, phone, alliance, officer, facilitator, board):
    """The board compares three quotations, each with its file, and awards the lowest."""
    from grants.execution.models import Procurement

    executing(alliance, officer, facilitator, board)
    aid, line_id = alliance.id, alliance.budget_lines[0].id
    folder = tempfile.mkdtemp()
    files = []
    for n in range(3):
        path = os.path.join(folder, f"cotizacion-{n}.pdf")
        with open(path, "wb") as fh:
            fh.write(PDF)
        files.append(path)

    sign_in(phone, board.email)
    phone.goto(f"/alliances/{aid}/execution/procurements")
    phone.fill("input[name=description]", "Tanque de enfriamiento de 2.000 litros")
    phone.select_option("select[name=budget_line_id]", str(line_id))
    phone.select_option("select[name=method]", "comparison")
    phone.fill("input[name=estimated_amount]", "45000.00")
    assert fits(phone)
    phone.click("#open-procurement")
    phone.wait_for_selector("#procurement-state[data-state=open]")
    for (supplier, amount), path in zip((("Frío Andino", "44800.00"), ("Metalúrgica Oruro", "43950.00"),
                                         ("Lácteos Técnicos", "46100.00")), files):
        phone.fill("input[name=supplier]", supplier)
        phone.fill("input[name=amount]", amount)
        phone.set_input_files("#quotation-file", path)
        phone.click("#add-quotation")
        phone.wait_for_selector(f"#quotations tr:has-text('{supplier}')")
    assert phone.locator("#quotations tr[id^=quotation-]").count() == 3
    assert fits(phone)
    proc = _db.session.execute(sa.select(Procurement)).scalar_one()
    lowest = min(proc.quotations, key=lambda q: q.amount)
    phone.select_option("select[name=quotation_id]", str(lowest.id))
    phone.click("#action-award")
    phone.wait_for_selector("#procurement-state[data-state=awarded]")
    assert "Metalúrgica Oruro" in phone.inner_text("#awarded")
    _db.session.expire_all()
    proc = _db.session.execute(sa.select(Procurement)).scalar_one()
    assert proc.state == "awarded" and len(proc.quotations) == 3
    assert all(q.file_sha256 for q in proc.quotations)
