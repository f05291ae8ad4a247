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
from ..money import xlsx_money_format
from ..uploads import UnsupportedType, UploadTooLarge
from ..workflows import rules

MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMNS = ("category", "description", "unit", "quantity", "unit_cost", *SOURCES, "total")
REQUIRED = ("category", "description", "quantity", "unit_cost")
MAX_ROWS = 2000
#: the column titles a person reads (the pages' export, in the user's language); the import takes these, in
#: Spanish or English, as well as the field names the API's export writes
HEADERS = {"category": _l("Category"), "description": _l("Description"), "unit": _l("Unit"),
           "quantity": _l("Quantity"), "unit_cost": _l("Unit cost"), "grant": _l("Grant"),
           "counterpart_cash": _l("Counterpart in cash"), "counterpart_in_kind": _l("Counterpart in kind"),
           "other": _l("Other sources"), "total": _l("Total")}


def _header_aliases():
    """Every header the import accepts, lower case, to its field name."""
    from flask_babel import force_locale

    aliases = {c: c for c in COLUMNS}
    for lang in ("es", "en"):
        with force_locale(lang):
            aliases.update({str(title).strip().lower(): c for c, title in HEADERS.items()})
    return aliases


def export_budget(alliance, titles=False):
    """The budget lines and a financing summary as XLSX bytes. ``titles``: the column titles, sources and
    rules in the user's language (the pages' export); otherwise the API's field names and codes."""
    wb = Workbook()
    ws = wb.active
    ws.title = "budget"
    ws.append([str(HEADERS[c]) for c in COLUMNS] if titles else list(COLUMNS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for line in alliance.budget_lines:
        ws.append([str(BUDGET_CATEGORIES.get(line.category, line.category)) if titles else line.category,
                   line.description, line.unit, line.quantity, line.unit_cost,
                   *[getattr(line, s) for s in SOURCES], line.total])
    for col, width in zip("ABCDEFGHIJ", (22, 40, 12, 12, 14, 14, 16, 18, 12, 14)):
        ws.column_dimensions[col].width = width
    money_format = xlsx_money_format(alliance.call.program.currency) if titles else "#,##0.00"
    for row in ws.iter_rows(min_row=2, min_col=4, max_col=len(COLUMNS)):
        for cell in row:
            cell.number_format = "#,##0.000" if cell.column == 4 else money_format
    ws.freeze_panes = "A2"
    choices = [str(t) for t in BUDGET_CATEGORIES.values()] if titles else list(BUDGET_CATEGORIES)
    valid = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=False)
    ws.add_data_validation(valid)
    valid.add(f"A2:A{MAX_ROWS + 1}")

    fin = financing(alliance)
    summary = wb.create_sheet("financing")
    if titles:
        states = {"ok": _l("Met"), "fail": _l("Not met"), "pending": _l("Pending")}
        def put(values, formats):
            summary.append(values)
            for cell, number_format in zip(summary[summary.max_row], formats):
                if number_format and cell.value is not None:
                    cell.number_format = number_format

        summary.append([str(_l("Source")), str(_l("Amount")), str(_l("Share"))])
        for s in SOURCES:
            put([str(HEADERS[s]), fin.totals[s], fin.shares[s]], (None, money_format, "0.00 %"))
        put([str(_l("Total")), fin.total, Decimal("1") if fin.total else Decimal("0")], (None, money_format, "0.00 %"))
        summary.append([])
        summary.append([str(_l("Rule")), str(_l("State")), str(_l("Value")), str(_l("Limit"))])
        for r in fin.rules:
            kind = {"share": "0.00 %", "money": money_format}.get(r.kind)
            put([str(r.label), str(states[r.state]), r.value, r.limit], (None, None, kind, kind))
        for col, w in zip("ABCD", (44, 18, 14, 14)):
            summary.column_dimensions[col].width = w
    else:
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


def _category_aliases():
    """Every way the import accepts a category (its code, with spaces, its title in Spanish or English)."""
    from flask_babel import force_locale

    aliases = {code.replace("_", " "): code for code in BUDGET_CATEGORIES}
    for lang in ("es", "en"):
        with force_locale(lang):
            aliases.update({str(title).lower(): code for code, title in BUDGET_CATEGORIES.items()})
    return aliases


def _category(raw, aliases=None):
    text = (raw or "").strip()
    if text in BUDGET_CATEGORIES:
        return text
    return (aliases if aliases is not None else _category_aliases()).get(text.lower(), text)


def read_budget(storage):
    """``[(row_number, {field: text}), ...]`` from an uploaded XLSX. Raises ``ValidationFailed`` (no file,
    missing columns, too many rows), ``UnsupportedType`` (not an XLSX), ``UploadTooLarge``."""
    if storage is None or not getattr(storage, "filename", None):
        raise ValidationFailed(_l("Choose a file."), [Violation(rules.REQUIRED, _l("Choose a file."), "file")])
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    data = storage.stream.read(limit + 1)
    if len(data) > limit:
        raise UploadTooLarge(_l("The file is too large."), [Violation(rules.TOO_LARGE, _l("The file is too large."),
                                                                      "file")])
    bad = UnsupportedType(_l("Upload the spreadsheet (XLSX) exported from the budget."),
                          [Violation(rules.UNSUPPORTED_TYPE, _l("Upload an XLSX spreadsheet."), "file")])
    if not data.startswith(b"PK\x03\x04"):
        raise bad
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        ws = wb["budget"] if "budget" in wb.sheetnames else wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None) or ()
        aliases = _header_aliases()
        names = [aliases.get(str(h or "").strip().lower(), str(h or "").strip().lower()) for h in header]
        missing = [c for c in REQUIRED if c not in names]
        if missing:
            raise ValidationFailed(_l("The sheet lacks the columns: %(cols)s.",
                                      cols=", ".join(str(HEADERS[c]) for c in missing)),
                                   [Violation(rules.REQUIRED, _l("Missing column: %(col)s", col=str(HEADERS[c])),
                                              f"columns.{c}")
                                    for c in missing])
        index = {name: i for i, name in enumerate(names) if name in COLUMNS}
        categories = _category_aliases()
        out = []
        for number, row in enumerate(rows, start=2):
            if row is None or all(v is None or str(v).strip() == "" for v in row):
                continue
            if len(out) >= MAX_ROWS:
                raise ValidationFailed(_l("At most %(n)s lines.", n=MAX_ROWS),
                                       [Violation(rules.INVALID, _l("At most %(n)s lines.", n=MAX_ROWS), "file")])
            item = {name: _cell(row[i]) if i < len(row) else None for name, i in index.items() if name != "total"}
            item["category"] = _category(item.get("category"), categories)
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
