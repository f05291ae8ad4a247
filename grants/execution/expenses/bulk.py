"""Bulk entry of expenses from a spreadsheet: all rows or none.

Columns (first row = headers, in this order): line (its position in the budget), date (YYYY-MM-DD or a date
cell), amount, source (grant / counterpart_cash), supplier, document_type, document_number, description.
Each row goes through ``record_expense`` in turn (so the rows count against each other); when any row is
wrong, every error is reported with its row number and the caller rolls back: nothing is imported."""
import io
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from ...errors import DomainError, RuleViolation, ValidationFailed, Violation
from ..common import require_in_execution
from .services import record_expense
from ...workflows import rules

COLUMNS = ("line", "date", "amount", "source", "supplier", "document_type", "document_number", "description")
MAX_ROWS = 2000


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):  # a number typed in a cell: exact to the cent through its text
        return format(Decimal(repr(value)), "f")
    return str(value).strip()


def read_rows(data):
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001  (any unreadable file is the user's error, not ours)
        raise ValidationFailed(_l("The file is not a readable XLSX spreadsheet."),
                               [Violation(rules.INVALID, _l("The file is not a readable XLSX spreadsheet."), "file")])
    rows = []
    for i, row in enumerate(wb.active.iter_rows(values_only=True), start=1):
        if i == 1:
            continue
        cells = [_cell(v) for v in (row or ())][:len(COLUMNS)]
        if not any(cells):
            continue
        rows.append((i, dict(zip(COLUMNS, cells + [""] * (len(COLUMNS) - len(cells))))))
        if len(rows) > MAX_ROWS:
            raise ValidationFailed(_l("At most %(n)s rows at once.", n=MAX_ROWS),
                                   [Violation(rules.INVALID, _l("At most %(n)s rows at once.", n=MAX_ROWS), "file")])
    wb.close()
    return rows


def import_expenses(alliance, storage, actor):
    """Record every row of the spreadsheet, or raise ``RuleViolation`` listing each row's errors (fields as
    ``row 3: amount``). Returns the expenses recorded. Never commits: the caller rolls back on error."""
    require_in_execution(alliance)
    if storage is None or not getattr(storage, "filename", None):
        raise ValidationFailed(_l("Choose a file."), [Violation(rules.REQUIRED, _l("Choose a file."), "file")])
    rows = read_rows(storage.stream.read(5 * 1024 * 1024 + 1))
    if not rows:
        raise ValidationFailed(_l("The spreadsheet has no rows."), [Violation(rules.REQUIRED, _l("The spreadsheet has "
                                                                                            "no rows."), "file")])
    by_position = {str(line.position): line.id for line in alliance.budget_lines}
    done, errors = [], []
    for number, row in rows:
        data = {"budget_line_id": by_position.get(row["line"].split(".")[0], 0), "spent_on": row["date"],
                "amount": row["amount"], "source": row["source"], "supplier": row["supplier"],
                "document_type": row["document_type"], "document_number": row["document_number"],
                "description": row["description"]}
        try:
            done.append(record_expense(alliance, data, actor))
        except DomainError as exc:
            for d in exc.details:
                message = _l("Choose a line of the budget.") if d.field == "budget_line_id" else d.message
                errors.append(Violation(d.rule, message, f"row {number}: {d.field or ''}".rstrip(": ")))
    if errors:
        raise RuleViolation(errors, _l("Nothing was imported: %(n)s errors.", n=len(errors)))
    return done
