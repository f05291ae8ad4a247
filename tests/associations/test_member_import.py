"""Member import from CSV and XLSX: all rows or none, a per-row report, files checked by content."""
import io
import re
import zipfile
from decimal import Decimal

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from grants.associations import importing
from grants.associations.models import Member
from grants.audit.models import Event
from grants.errors import ValidationFailed
from grants.workflows import rules


@pytest.fixture
def web(login, db):
    def make(user):
        user.locale = "en"
        db.session.commit()
        return login(user)

    return make


@pytest.fixture
def board_client(web, board):
    return web(board)


def members_of(db, association):
    return db.session.execute(sa.select(Member).where(Member.association_id == association.id)
                              .order_by(Member.id)).scalars().all()


def upload(client, association, data, filename="socios.csv"):
    return client.post(f"/associations/{association.id}/members/import",
                       data={"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


def report_rows(page):
    """(row, column, message) triples of the error table."""
    cells = re.findall(r'<td data-label="Row">([^<]*)</td>\s*<td data-label="Column">([^<]*)</td>\s*'
                       r'<td data-label="Problem">([^<]*)</td>', page)
    return [(row, col, msg) for row, col, msg in cells]


def xlsx_bytes(rows):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD_CSV = ("\ufeffNombre completo,CI,Sexo,Año de nacimiento,Indígena,Hectáreas,Teléfono\r\n"
            "María Quispe Mamani,4567123,F,1978,sí,\"2,5\",70011223\r\n"
            "Pedro Mamani,4567124,hombre,1980,no,3,\r\n"
            "\r\n"
            "Rosa Choque,4567125,mujer,,,,\r\n")


def _last_event_id(db):  # the fixture's association registers its 25 members by an import of its own
    return db.session.execute(sa.select(sa.func.max(Event.id))).scalar() or 0


def test_good_csv_with_bom_and_spanish_headers(db, board_client, association, board):
    before = _last_event_id(db)
    resp = upload(board_client, association, GOOD_CSV.encode("utf-8"))
    assert resp.status_code == 302
    new = {m.national_id: m for m in members_of(db, association)[25:]}
    assert set(new) == {"4567123", "4567124", "4567125"}
    maria = new["4567123"]
    assert (maria.full_name, maria.sex, maria.birth_year, maria.indigenous, maria.hectares, maria.phone) == \
        ("María Quispe Mamani", "F", 1978, True, Decimal("2.50"), "70011223")
    assert (new["4567124"].sex, new["4567125"].sex, new["4567125"].hectares) == ("M", "F", Decimal("0.00"))
    events = db.session.execute(sa.select(Event).where(Event.action == "import_members",
                                                       Event.id > before)).scalars().all()
    assert len(events) == 1 and events[0].actor_id == board.id and events[0].data_dict()["count"] == 3
    page = board_client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "3 members were imported." in page


def test_semicolon_csv_english_headers_without_bom(db, web, officer, association):
    body = "full_name;national_id;sex;birth_year;indigenous;hectares;phone;notes\n" \
           "Ana Flores;8800123;F;1990;yes;1,25;;first\n"
    resp = upload(web(officer), association, body.encode("utf-8"))
    assert resp.status_code == 302
    ana = members_of(db, association)[-1]
    assert (ana.full_name, ana.national_id, ana.indigenous, ana.hectares) == ("Ana Flores", "8800123", True,
                                                                              Decimal("1.25"))


def test_good_xlsx(db, web, admin, association):
    data = xlsx_bytes([["full_name", "national_id", "sex", "birth_year", "indigenous", "hectares"],
                       ["Julia Poma", 6600123, "F", 1975, True, 2.75],
                       [None, None, None, None, None, None],
                       ["Mario Poma", "6600124", "M", 1969.0, "no", 4]])
    assert data.startswith(b"PK\x03\x04")
    resp = upload(web(admin), association, data, "socios.xlsx")
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    julia, mario = members_of(db, association)[-2:]
    assert (julia.national_id, julia.birth_year, julia.indigenous, julia.hectares) == ("6600123", 1975, True,
                                                                                       Decimal("2.75"))
    assert (mario.national_id, mario.birth_year, mario.indigenous, mario.hectares) == ("6600124", 1969, False,
                                                                                       Decimal("4.00"))


def test_xlsx_with_a_bad_row_reports_its_number(db, board_client, association):
    data = xlsx_bytes([["nombre", "ci", "sexo"], ["Ana", "1", "F"], ["Luis", "2", "Z"]])
    resp = upload(board_client, association, data, "x.xlsx")
    assert resp.status_code == 422
    assert ("3", "sexo", "Sex is F (woman), M (man) or X (other).") in report_rows(resp.get_data(as_text=True))
    assert len(members_of(db, association)) == 25


def test_bad_row_and_duplicate_id_import_nothing(db, board_client, association):
    existing = members_of(db, association)[0].national_id
    body = ("nombre,ci,sexo,anio_nacimiento,hectareas\n"
            "Ana Flores,9100001,F,1980,2\n"         # row 2: fine
            "Luis Quispe,9100002,F,mil,2\n"         # row 3: bad year
            "Eva Flores,9100001,F,1981,1\n"         # row 4: same ID as row 2
            f"Rita Mamani,{existing},F,1982,-3\n")  # row 5: registered ID and negative hectares
    before = _last_event_id(db)
    resp = upload(board_client, association, body.encode())
    assert resp.status_code == 422
    rows = report_rows(resp.get_data(as_text=True))
    assert ("3", "anio_nacimiento", "Enter a birth year such as 1975.") in rows
    assert ("4", "ci", "The same ID number is on row 2.") in rows
    assert ("5", "ci", "A member with this ID number is already registered.") in rows
    assert ("5", "hectareas", "Enter the hectares as a number such as 2.5.") in rows
    assert len(rows) == 4
    assert len(members_of(db, association)) == 25
    assert db.session.execute(sa.select(Event).where(Event.action == "import_members",
                                                     Event.id > before)).first() is None


def test_missing_required_column(db, board_client, association):
    resp = upload(board_client, association, b"nombre,sexo\nAna,F\n")
    assert resp.status_code == 422
    assert any(row == "1" and "is missing" in msg for row, _col, msg in report_rows(resp.get_data(as_text=True)))
    assert len(members_of(db, association)) == 25


@pytest.mark.parametrize("data,status", [
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", 415),                      # a PDF
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 415),                          # an image
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, 415),              # old Excel .xls
    ("nombre;ci;sexo\nJosé Peña;1;M\n".encode("latin-1"), 415),            # not UTF-8
    (b"\x00\x01\x02binary", 415),
    (b"PK\x03\x04 this is not really a zip", 415),
    (b"", 422),                                                           # empty
    (b"\xef\xbb\xbf\r\n  \n", 422),                                         # only a BOM and blank lines
    (b"nombre,ci,sexo\r\n", 422),                                           # header, no rows
])
def test_wrong_or_empty_files_are_4xx(db, board_client, association, data, status):
    resp = upload(board_client, association, data, "socios.csv")
    assert resp.status_code == status
    assert len(members_of(db, association)) == 25


def test_zip_that_is_not_a_workbook(db, board_client, association):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hola.txt", "no soy una hoja de cálculo")
    resp = upload(board_client, association, out.getvalue(), "socios.xlsx")
    assert resp.status_code == 415
    assert "CSV" in resp.get_data(as_text=True)


def test_no_file_chosen(db, board_client, association):
    resp = board_client.post(f"/associations/{association.id}/members/import", data={},
                             content_type="multipart/form-data")
    assert resp.status_code == 422


def test_too_large_and_too_many_rows(app, db, board_client, association):
    body = "nombre,ci,sexo\n" + "".join(f"Socia {i},X{i},F\n" for i in range(6))
    old = app.config["UPLOAD_MAX_BYTES"], app.config.get("MEMBER_IMPORT_MAX_ROWS")
    try:
        app.config["UPLOAD_MAX_BYTES"] = 40
        assert upload(board_client, association, body.encode()).status_code == 413
        app.config["UPLOAD_MAX_BYTES"] = old[0]
        app.config["MEMBER_IMPORT_MAX_ROWS"] = 5
        resp = upload(board_client, association, body.encode())
        assert resp.status_code == 422 and "more than 5 rows" in resp.get_data(as_text=True)
    finally:
        app.config["UPLOAD_MAX_BYTES"], app.config["MEMBER_IMPORT_MAX_ROWS"] = old
    assert len(members_of(db, association)) == 25


def test_who_may_import(db, web, association, auditor, member_user, treasurer, other_board, other_officer):
    body = b"nombre,ci,sexo\nAna,1,F\n"
    for user in (auditor, member_user, treasurer):
        c = web(user)
        assert c.get(f"/associations/{association.id}/members/import").status_code == 403
        assert upload(c, association, body).status_code == 403
    for user in (other_board, other_officer):
        assert upload(web(user), association, body).status_code == 404
    assert len(members_of(db, association)) == 25


def test_template_download_and_round_trip(db, web, admin, board, association, other_association):
    c = web(admin)
    resp = c.get("/associations/import-template.csv")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    raw = resp.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8-sig").strip() == ",".join(importing.TEMPLATE_HEADERS)
    filled = raw + "Lucía Ticona,5500123,F,1992,si,1.5,\r\n".encode()
    assert upload(c, association, filled).status_code == 302
    assert members_of(db, association)[-1].full_name == "Lucía Ticona"
    # an export of one association can be imported into another (its extra "activo" column is ignored)
    exported = web(board).get(f"/associations/{association.id}/members/export.csv").get_data()
    resp = upload(c, other_association, exported)
    assert resp.status_code == 302
    assert len(members_of(db, other_association)) == 22 + 26
    page = c.get(resp.headers["Location"]).get_data(as_text=True)
    assert "These columns were not used: activo." in page


def test_header_names_are_normalised():
    assert importing.normalize_header("  Año de Nacimiento ") == "ano_de_nacimiento"
    assert importing.normalize_header("C.I.") == "c_i"
    found = importing.read_bytes("\ufeffNOMBRE COMPLETO;Carnet;GÉNERO\nAna;12;F\n".encode())
    assert found.columns == {"full_name": "NOMBRE COMPLETO", "national_id": "Carnet", "sex": "GÉNERO"}
    assert found.rows == [{"_row": 2, "full_name": "Ana", "national_id": "12", "sex": "F"}]


def test_duplicate_columns_are_refused():
    with pytest.raises(ValidationFailed) as exc:
        importing.read_bytes(b"nombre,ci,carnet,sexo\nAna,1,1,F\n")
    assert [v.rule for v in exc.value.details] == [rules.DUPLICATE]


def test_workbook_too_large_once_unpacked(db, board_client, association, monkeypatch):
    monkeypatch.setattr(importing, "MAX_UNPACKED", 1000)
    data = xlsx_bytes([["nombre", "ci", "sexo"], ["Ana", "1", "F"]])
    resp = upload(board_client, association, data, "x.xlsx")
    assert resp.status_code == 422 and "too large once unpacked" in resp.get_data(as_text=True)
    assert len(members_of(db, association)) == 25
