"""The budget as a spreadsheet, and back: export the lines; read an edited sheet for ``import_lines``.

The first sheet ("budget") has one header row with the API's field names and one row per line;
``total`` is informative (the import computes it again). A second sheet summarises the financing."""
import io
from datetime import date, datetime
from decimal import Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from ..alliances.budget import BUDGET_CATEGORIES, SOURCES
from ..alliances.figures import financing
from ..errors import DomainError, ValidationFailed, Violation
from ..uploads import UnsupportedType, UploadTooLarge

MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMNS = ("category", "description", "unit", "quantity", "unit_cost", *SOURCES, "total")
REQUIRED = ("category", "description", "quantity", "unit_cost")
MAX_ROWS = 2000


def export_budget(alliance):
    """The budget lines and a financing summary as XLSX bytes."""
    wb = Workbook()
    ws = wb.active
    ws.title = "budget"
    ws.append(list(COLUMNS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for line in alliance.budget_lines:
        ws.append([line.category, line.description, line.unit, line.quantity, line.unit_cost,
                   *[getattr(line, s) for s in SOURCES], line.total])
    for col, width in zip("ABCDEFGHIJ", (22, 40, 12, 12, 14, 14, 16, 18, 12, 14)):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=2, min_col=4, max_col=len(COLUMNS)):
        for cell in row:
            cell.number_format = "#,##0.000" if cell.column == 4 else "#,##0.00"
    ws.freeze_panes = "A2"
    valid = DataValidation(type="list", formula1='"' + ",".join(BUDGET_CATEGORIES) + '"', allow_blank=False)
    ws.add_data_validation(valid)
    valid.add(f"A2:A{MAX_ROWS + 1}")

    fin = financing(alliance)
    summary = wb.create_sheet("financing")
    summary.append(["source", "amount", "share"])
    for s in SOURCES:
        summary.append([s, fin.totals[s], fin.shares[s]])
    summary.append(["total", fin.total, Decimal("1") if fin.total else Decimal("0")])
    summary.append([])
    summary.append(["rule", "state", "value", "limit"])
    for r in fin.rules:
        summary.append([r.rule, r.state, r.value, r.limit])
    cats = wb.create_sheet("categories")
    for code, title in BUDGET_CATEGORIES.items():
        cats.append([code, str(title)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cell(value):
    """A cell's value as text the services parse exactly (numbers never pass through float arithmetic)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return format(value, ".15g")
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value).strip()


def _category(raw):
    text = (raw or "").strip()
    if text in BUDGET_CATEGORIES:
        return text
    low = text.lower()
    for code, title in BUDGET_CATEGORIES.items():
        if low in (code.replace("_", " "), str(title).lower()):
            return code
    return text


def read_budget(storage):
    """``[(row_number, {field: text}), ...]`` from an uploaded XLSX. Raises ``ValidationFailed`` (no file,
    missing columns, too many rows), ``UnsupportedType`` (not an XLSX), ``UploadTooLarge``."""
    if storage is None or not getattr(storage, "filename", None):
        raise ValidationFailed(_l("Choose a file."), [Violation("required", _l("Choose a file."), "file")])
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    data = storage.stream.read(limit + 1)
    if len(data) > limit:
        raise UploadTooLarge(_l("The file is too large."), [Violation("too_large", _l("The file is too large."),
                                                                      "file")])
    bad = UnsupportedType(_l("Upload the spreadsheet (XLSX) exported from the budget."),
                          [Violation("unsupported_type", _l("Upload an XLSX spreadsheet."), "file")])
    if not data.startswith(b"PK\x03\x04"):
        raise bad
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        ws = wb["budget"] if "budget" in wb.sheetnames else wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None) or ()
        names = [str(h or "").strip().lower() for h in header]
        missing = [c for c in REQUIRED if c not in names]
        if missing:
            raise ValidationFailed(_l("The sheet lacks the columns: %(cols)s.", cols=", ".join(missing)),
                                   [Violation("required", _l("Missing column: %(col)s", col=c), f"columns.{c}")
                                    for c in missing])
        index = {name: i for i, name in enumerate(names) if name in COLUMNS}
        out = []
        for number, row in enumerate(rows, start=2):
            if row is None or all(v is None or str(v).strip() == "" for v in row):
                continue
            if len(out) >= MAX_ROWS:
                raise ValidationFailed(_l("At most %(n)s lines.", n=MAX_ROWS),
                                       [Violation("invalid", _l("At most %(n)s lines.", n=MAX_ROWS), "file")])
            item = {name: _cell(row[i]) if i < len(row) else None for name, i in index.items() if name != "total"}
            item["category"] = _category(item.get("category"))
            for s in SOURCES:
                if item.get(s) in (None, ""):
                    item[s] = "0"
            out.append((number, item))
        wb.close()
        return out
    except DomainError:
        raise
    except Exception:  # noqa: BLE001  (whatever openpyxl raises on a broken file: it is not our XLSX)
        raise bad from None
