"""Reading a members file (CSV or XLSX) into rows for ``services.import_members``.

The file is checked by size and by content, never by its name: an XLSX is a ZIP (``PK\\x03\\x04``),
anything else must be UTF-8 text (with or without BOM) separated by commas or semicolons. The first
non-empty row holds the column names, in Spanish or English (see ``HEADER_ALIASES``).
"""
import csv
import io
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..errors import ValidationFailed, Violation
from ..uploads import UnsupportedType, UploadTooLarge
from ..workflows import rules
from . import services

XLSX_MAGIC = b"PK\x03\x04"
MAX_ROWS = 5000  # per file; config MEMBER_IMPORT_MAX_ROWS overrides
MAX_COLUMNS = 40
MAX_UNPACKED = 200 * 1024 * 1024  # bytes an XLSX may hold once unzipped

#: the column names written in the template (Spanish, as the associations use them)
TEMPLATE_HEADERS = ("nombre_completo", "ci", "sexo", "anio_nacimiento", "indigena", "hectareas", "telefono")
TEMPLATE_FIELDS = ("full_name", "national_id", "sex", "birth_year", "indigenous", "hectares", "phone")
REQUIRED = ("full_name", "national_id", "sex")

#: service field -> accepted column names, compared without accents, case or punctuation
HEADER_ALIASES = {
    "full_name": ("nombre", "nombre_completo", "nombres", "nombres_y_apellidos", "nombre_y_apellido",
                  "full_name", "fullname", "name", "socio", "socia"),
    "national_id": ("ci", "c_i", "nro_ci", "n_ci", "no_ci", "carnet", "carnet_de_identidad", "cedula",
                    "cedula_de_identidad", "documento", "nro_documento", "dni", "national_id", "id_number"),
    "sex": ("sexo", "sex", "genero", "gender"),
    "birth_year": ("ano_de_nacimiento", "ano_nacimiento", "anio_nacimiento", "anio_de_nacimiento",
                   "birth_year", "year_of_birth", "nacimiento"),
    "indigenous": ("indigena", "indigenous", "pueblo_indigena"),
    "hectares": ("hectareas", "hectares", "ha", "superficie", "superficie_ha"),
    "phone": ("telefono", "celular", "phone", "telephone", "mobile"),
}
_ALIAS = {alias: key for key, aliases in HEADER_ALIASES.items() for alias in aliases}
FIELD_LABELS = {"full_name": _l("Full name"), "national_id": _l("National ID"), "sex": _l("Sex"),
                "birth_year": _l("Birth year"), "indigenous": _l("Indigenous"), "hectares": _l("Hectares"),
                "phone": _l("Phone"), "file": _l("File")}


def normalize_header(name):
    """ "Año de nacimiento" -> "ano_de_nacimiento"; "C.I." -> "c_i"."""
    text = unicodedata.normalize("NFKD", str(name or "")).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


@dataclass
class MemberFile:
    """What was read: the rows for the service and the file's own name of each column used."""

    rows: list
    columns: dict = field(default_factory=dict)  # service field -> header as written in the file
    ignored: list = field(default_factory=list)  # headers that name no known column


def _file_error(message, rule="invalid"):
    return ValidationFailed(message, [Violation(rule, message, "file")])


def read_upload(storage):
    """Read a werkzeug ``FileStorage`` into a ``MemberFile``.

    Raises ``ValidationFailed`` (no file, empty, no header, missing columns, too many rows: 422),
    ``UploadTooLarge`` (413) or ``UnsupportedType`` (415, neither XLSX nor UTF-8 text)."""
    if storage is None or not getattr(storage, "filename", None):
        raise _file_error(_l("Choose a file."), rules.REQUIRED)
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    data = storage.stream.read(limit + 1)
    if len(data) > limit:
        message = _l("The file is larger than %(mb)s MB.", mb=round(limit / (1024 * 1024), 1))
        raise UploadTooLarge(message, [Violation(rules.TOO_LARGE, message, "file")])
    return read_bytes(data)


def read_bytes(data):
    """Like ``read_upload`` for bytes already in memory."""
    if not data or not data.strip(b"\xef\xbb\xbf \t\r\n"):
        raise _file_error(_l("The file is empty."), rules.REQUIRED)
    table = _xlsx_rows(data) if data.startswith(XLSX_MAGIC) else _csv_rows(data)
    try:
        return _to_member_file(table)
    finally:
        table.close()  # a generator: closes the workbook even when reading stopped early


def _unsupported():
    message = _l("Upload a CSV file (UTF-8, separated by commas or semicolons) or an Excel XLSX file.")
    return UnsupportedType(message, [Violation(rules.UNSUPPORTED_TYPE, message, "file")])


def _max_rows():
    return int(current_app.config.get("MEMBER_IMPORT_MAX_ROWS") or MAX_ROWS)


OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old Excel .xls (and .doc)
BINARY_MAGICS = (b"%PDF-", b"\xff\xd8\xff", b"\x89PNG", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")


def _csv_rows(data):
    if data.startswith(OLE2_MAGIC):
        message = _l("Old Excel files (.xls) are not accepted: save the file as XLSX or as CSV UTF-8.")
        raise UnsupportedType(message, [Violation(rules.UNSUPPORTED_TYPE, message, "file")])
    if data.startswith(BINARY_MAGICS) or b"\x00" in data:
        raise _unsupported()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        message = _l("The file is not UTF-8 text. In Excel choose “CSV UTF-8” when saving, "
                     "or upload the XLSX file.")
        raise UnsupportedType(message, [Violation(rules.UNSUPPORTED_TYPE, message, "file")]) from None
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((";", ",", "\t"), key=first.count) if any(d in first for d in ";,\t") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    limit = _max_rows()
    try:
        for number, cells in enumerate(reader, start=1):
            if number > limit + 1:
                raise _too_many(limit)
            yield number, cells[:MAX_COLUMNS]
    except csv.Error:
        raise _file_error(_l("The CSV file could not be read: check the quotes and separators.")) from None


def _too_many(limit):
    return _file_error(_l("The file has more than %(n)s rows; split it in parts.", n=limit))


def _cell(value):
    """An XLSX cell as text or an exact number (never a float)."""
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        return str(Decimal(repr(value)))
    return value


def _xlsx_rows(data):
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _unsupported() from None
    if unpacked > MAX_UNPACKED:  # a "zip bomb" would fill the memory while openpyxl reads it
        raise _file_error(_l("The workbook is too large once unpacked; save it as CSV UTF-8."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it skips
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise _unsupported() from None
    except Exception:  # a damaged archive may fail in many ways inside openpyxl; never a 500
        current_app.logger.warning("unreadable XLSX upload", exc_info=True)
        raise _unsupported() from None
    limit = _max_rows()
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise _file_error(_l("The file is empty."), rules.REQUIRED)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                for number, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
                    if number > limit + 1:
                        raise _too_many(limit)
                    yield number, [_cell(v) for v in cells]
            except ValidationFailed:
                raise
            except Exception:
                current_app.logger.warning("unreadable XLSX sheet", exc_info=True)
                raise _unsupported() from None
    finally:
        book.close()


def _blank(cells):
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in cells)


def _to_member_file(table):
    header = None
    columns = {}  # index -> field
    found = MemberFile(rows=[])
    for number, cells in table:
        if header is None:
            if _blank(cells):
                continue
            header = cells
            violations = []
            for index, name in enumerate(header):
                key = _ALIAS.get(normalize_header(name))
                if key is None:
                    if name not in (None, ""):
                        found.ignored.append(str(name))
                    continue
                if key in found.columns:
                    msg = _l("Two columns mean the same: “%(a)s” and “%(b)s”.", a=found.columns[key], b=name)
                    violations.append(Violation(rules.DUPLICATE, msg, f"row {number}: {key}"))
                    continue
                columns[index] = key
                found.columns[key] = str(name).strip()
            for key in REQUIRED:
                if key not in found.columns:
                    msg = _l("The column “%(name)s” is missing (accepted names: %(names)s).",
                             name=FIELD_LABELS[key], names=", ".join(HEADER_ALIASES[key][:4]))
                    violations.append(Violation(rules.REQUIRED, msg, f"row {number}: {key}"))
            if violations:
                raise ValidationFailed(_l("The first row must name the columns."), violations)
            continue
        if _blank(cells):
            continue
        row = {"_row": number}
        for index, key in columns.items():
            value = cells[index] if index < len(cells) else None
            if isinstance(value, str):
                value = value.strip()
            row[key] = None if value == "" else value
        found.rows.append(row)
    if header is None:
        raise _file_error(_l("The file is empty."), rules.REQUIRED)
    if not found.rows:
        raise _file_error(_l("The file has no rows below the column names."), rules.REQUIRED)
    return found


_ROW_FIELD = re.compile(r"^row (\d+): (\w+)$")


def error_report(exc, member_file=None):
    """The details of an import error as ``[(row number or None, column, message)]``, sorted by row."""
    names = member_file.columns if member_file else {}
    report = []
    for d in getattr(exc, "details", None) or []:
        where = getattr(d, "field", None) or ""
        match = _ROW_FIELD.match(where)
        if match:
            row, key = int(match.group(1)), match.group(2)
        else:
            row, key = None, where
        column = names.get(key) or FIELD_LABELS.get(key) or key
        report.append((row, str(column), str(getattr(d, "message", ""))))
    report.sort(key=lambda item: (item[0] is not None, item[0] or 0))
    return report


def import_upload(association, storage, actor):
    """Read the uploaded file and import every row, or none. Returns ``(members, member_file)``.

    Raises what ``read_upload`` and ``services.import_members`` raise; the ``ValidationFailed`` of a
    wrong row carries ``member_file`` so that the report can name the file's own columns."""
    member_file = read_upload(storage)
    try:
        members = services.import_members(association, member_file.rows, actor)
    except ValidationFailed as exc:
        exc.member_file = member_file
        raise
    return members, member_file


def template_csv():
    """The template: UTF-8 with BOM (Excel opens it right), the Spanish column names, no rows."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(TEMPLATE_HEADERS)
    return "\ufeff" + out.getvalue()


def _safe(value):
    """Keep spreadsheets from running a cell as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def members_csv(members, masked=False):
    """The members as CSV with the template's columns (so the file can be imported again)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(TEMPLATE_HEADERS + ("activo",))
    for m in members:
        d = services.masked_member(m) if masked else {k: getattr(m, k) for k in TEMPLATE_FIELDS + ("active",)}
        writer.writerow([_safe(d["full_name"]), _safe(d["national_id"]), d["sex"], d["birth_year"] or "",
                         "si" if d["indigenous"] else "no", d["hectares"], _safe(d["phone"]),
                         "si" if d["active"] else "no"])
    return "\ufeff" + out.getvalue()
