"""Bulk entry from XLSX: per-row errors, nothing imported when any row is wrong; rows count against each other."""
import io
from datetime import date

import sqlalchemy as sa
from openpyxl import Workbook

from grants.execution.models import Expense
from grants.extensions import db
from tests.execution_support import executing

HEAD = ["line", "date", "amount", "source", "supplier", "document_type", "document_number", "description"]


def xlsx(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(HEAD)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def post(client, live, data):
    return client.post(f"/alliances/{live.id}/expenses/import", data={"file": (io.BytesIO(data), "gastos.xlsx")},
                       content_type="multipart/form-data")


def count():
    return db.session.execute(sa.select(sa.func.count()).select_from(Expense)).scalar()


def test_all_rows_or_none(alliance, officer, facilitator, board, treasurer, api):
    live = executing(alliance, officer, facilitator, board)
    today = date.today()
    good = [1, today, "1500.00", "grant", "Ferretería", "invoice", "F-1", "Clavos"],\
        [1, today.isoformat(), 2500, "counterpart_cash", "Aserradero", "receipt", "R-9", ""]
    client = api(treasurer)
    bad = xlsx([*good, [9, today, "10.00", "grant", "X", "invoice", "F-2", ""],
                [1, "ayer", "9000.00", "loan", "", "invoice", "F-3", ""],
                [1, today, "10000.00", "counterpart_cash", "Y", "invoice", "F-4", ""],
                [1, today, "10000.00", "counterpart_cash", "Y", "invoice", "F-5", ""],
                [1, today, "100.00", "grant", "Ferretería", "invoice", "F-1", ""]])
    resp = post(client, live, bad)
    assert resp.status_code == 422, resp.get_json()
    details = resp.get_json()["error"]["details"]
    fields = {d["field"] for d in details}
    assert "row 4: budget_line_id" in fields and "row 5: spent_on" in fields and "row 5: source" in fields
    assert [d["rule"] for d in details if d["field"] == "row 7: amount"] == ["line_funds_exceeded"]
    assert any(d["rule"] == "duplicate_document" and d["field"].startswith("row 8") for d in details)
    assert not any(d["field"].startswith(("row 2", "row 3", "row 6")) for d in details)
    assert count() == 0
    resp = post(client, live, xlsx(list(good)))
    assert resp.status_code == 201, resp.get_json()
    assert [e["amount"] for e in resp.get_json()] == ["1500.00", "2500.00"]
    assert count() == 2
    assert post(client, live, b"not a spreadsheet").status_code == 422


def test_import_page_all_or_nothing(alliance, officer, facilitator, board, treasurer, member_user, login):
    live = executing(alliance, officer, facilitator, board)
    today = date.today()
    client = login(treasurer)
    page = client.get(f"/alliances/{live.id}/execution/expenses").get_data(as_text=True)
    assert 'id="import-form"' in page
    bad = xlsx([[1, today, "100.00", "grant", "A", "invoice", "1", ""],
                [1, today, "-5", "grant", "B", "invoice", "2", ""]])
    resp = client.post(f"/alliances/{live.id}/execution/expenses/import",
                       data={"file": (io.BytesIO(bad), "g.xlsx")}, content_type="multipart/form-data")
    assert resp.status_code == 303 and count() == 0
    good = xlsx([[1, today, "100.00", "grant", "A", "invoice", "1", ""]])
    resp = client.post(f"/alliances/{live.id}/execution/expenses/import",
                       data={"file": (io.BytesIO(good), "g.xlsx")}, content_type="multipart/form-data")
    assert resp.status_code == 302 and count() == 1
    assert login(member_user).post(f"/alliances/{live.id}/execution/expenses/import",
                                   data={"file": (io.BytesIO(good), "g.xlsx")},
                                   content_type="multipart/form-data").status_code == 403
