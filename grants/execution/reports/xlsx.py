"""The accountability statement as a spreadsheet (openpyxl): balances, expenses, contributions."""
import io

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook

from ...money import xlsx_money_format
from ..models import EXPENSE_SOURCES
from .services import balances, items


def report_xlsx(report):
    expenses, contributions = items(report)
    bal = balances(report, expenses, contributions)
    wb = Workbook()
    ws = wb.active
    ws.title = "balances"
    ws.append([str(_l("Line")), str(_l("Description")), str(_l("Source")), str(_l("Planned")), str(_l("Before")),
               str(_l("This period")), str(_l("Balance"))])
    for line in bal["lines"]:
        for src, cell in line["sources"].items():
            ws.append([line["position"], line["description"], str(EXPENSE_SOURCES[src]), cell["planned"],
                       cell["before"], cell["period"], cell["balance"]])
    ws = wb.create_sheet("expenses")
    ws.append([str(_l("Date")), str(_l("Line")), str(_l("Source")), str(_l("Supplier")), str(_l("Document")),
               str(_l("Number")), str(_l("Amount")), str(_l("Receipt SHA-256"))])
    for e in expenses:
        ws.append([e.spent_on, e.budget_line.position, str(e.source_title), e.supplier, str(e.document_type_title),
                   e.document_number, e.amount, e.receipt_sha256 or ""])
    ws = wb.create_sheet("contributions")
    ws.append([str(_l("Date")), str(_l("Kind")), str(_l("Description")), str(_l("Amount"))])
    for c in contributions:
        ws.append([c.contributed_on, str(c.kind_title), c.description, c.amount])
    money_format = xlsx_money_format(report.alliance.call.program.currency)
    for sheet in wb.worksheets:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if cell.data_type == "n" and not isinstance(cell.value, int):
                    cell.number_format = money_format
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
