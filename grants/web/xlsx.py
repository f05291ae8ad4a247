"""Spreadsheets (openpyxl) as every export writes them: one sheet per table, its header in bold, amounts with
two decimals, text that a spreadsheet would run as a formula written as plain text where asked."""
import io

from openpyxl import Workbook
from openpyxl.styles import Font

MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def plain_text(value):
    """Text cells that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``) are written as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def sheet(wb, title, header, rows, *, first=False, cell=None, decimals=True):
    """A sheet of ``wb`` (its first one when ``first``) titled ``title`` (31 characters at most): the header
    in bold, then ``rows`` (each value through ``cell`` when given); numbers that are not whole show two
    decimals (``decimals``)."""
    ws = wb.active if first else wb.create_sheet()
    ws.title = str(title)[:31]
    ws.append([str(h) for h in header])
    for c in ws[1]:
        c.font = Font(bold=True)
    for row in rows:
        ws.append([cell(v) for v in row] if cell is not None else list(row))
    if decimals:
        for row in ws.iter_rows(min_row=2):
            for c in row:
                if c.data_type == "n" and c.value is not None and not isinstance(c.value, int):
                    c.number_format = "#,##0.00"
    return ws


def workbook():
    return Workbook()


def to_bytes(wb):
    """The workbook as the bytes of an .xlsx file."""
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
