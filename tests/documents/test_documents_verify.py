"""Issued documents and ``/verify/<code>``: every PDF carries the code of its content and a QR to the public
verification page; the page and the API name the document, and a newer version marks the older not current."""
import hashlib
import io
import re

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from grants.documents.models import IssuedDocument
from tests.funding_support import approved_alliance, pdf_text

CODE = re.compile(r"SHA-256 ([0-9a-f]{64})")


@pytest.fixture
def approved(alliance, officer, facilitator, board):
    return approved_alliance(alliance, officer, facilitator, board)


def printed_codes(data):
    """The code printed at the foot of each page."""
    return [CODE.search(page.extract_text()).group(1) for page in PdfReader(io.BytesIO(data)).pages]


def test_agreement_round_trip_from_the_printed_code(approved, login, client, api, board, db):
    resp = login(board).get(f"/funding/alliances/{approved.id}/agreement.pdf")
    assert resp.status_code == 200, resp.status_code
    codes = printed_codes(resp.data)
    code = codes[0]
    assert set(codes) == {code}  # every page carries the same code
    assert f"/verify/{code}" in pdf_text(resp.data)  # the address the QR code holds, printed in words too
    db.session.rollback()  # the request committed the register (nothing is left pending in the session)
    row = db.session.execute(sa.select(IssuedDocument).where(IssuedDocument.sha256 == code)).scalar_one()
    assert (row.kind, row.alliance_id, row.alliance_code, row.language) == ("agreement", approved.id, approved.code, "es")
    assert row.file_sha256 == hashlib.sha256(resp.data).hexdigest() and row.pages == len(codes)

    page = client.get(f"/verify/{code}")  # nobody signed in
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Convenio de alianza productiva" in html and approved.code in html
    assert 'data-current="yes"' in html and "versión vigente" in html
    assert approved.association.name not in html and board.name not in html  # nothing personal
    # the SHA-256 of the downloaded file answers too
    assert client.get(f"/verify/{hashlib.sha256(resp.data).hexdigest()}").status_code == 200

    body = api().get(f"/verify/{code}").get_json()
    assert body["kind"] == "agreement" and body["alliance_code"] == approved.code and body["current"] is True
    assert body["kind_title"] == "Convenio de alianza productiva" and body["issued_at"].endswith("Z")
    assert set(body) >= {"sha256", "kind", "alliance_code", "issued_at", "current"}


def test_same_content_same_code_and_a_newer_version_marks_the_old_not_current(approved, login, client, api,
                                                                              board, db):
    web = login(board)
    first = web.get(f"/funding/alliances/{approved.id}/agreement.pdf").data
    again = web.get(f"/funding/alliances/{approved.id}/agreement.pdf").data
    old = printed_codes(first)[0]
    assert printed_codes(again)[0] == old and again == first  # the same content is the same issued document
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IssuedDocument)) == 1

    approved.title = approved.title + " (revisado)"
    db.session.commit()
    newer = web.get(f"/funding/alliances/{approved.id}/agreement.pdf").data
    new = printed_codes(newer)[0]
    assert new != old
    html = client.get(f"/verify/{old}").get_data(as_text=True)
    assert 'data-current="no"' in html and "versión más reciente" in html
    assert api().get(f"/verify/{old}").get_json()["current"] is False
    assert api().get(f"/verify/{new}").get_json()["current"] is True
    # another language is another document, not a newer version of the Spanish one
    english = api(board).get(f"/alliances/{approved.id}/documents/agreement", headers={"Accept-Language": "en"})
    assert english.status_code == 200
    assert api().get(f"/verify/{new}").get_json()["current"] is True


def test_unknown_or_malformed_codes_are_a_clear_404(client, api):
    for code in ("0" * 64, "xyz", "A" * 80):
        resp = client.get(f"/verify/{code}")
        assert resp.status_code == 404
        assert "Ningún documento con este código" in resp.get_data(as_text=True)
    body = api().get(f"/verify/{'0' * 64}")
    assert body.status_code == 404 and body.get_json()["error"]["code"] == "not_found"



def test_the_printed_address_is_the_configured_public_one(approved, app, login, board):
    app.config["PUBLIC_URL"] = "https://alianzas.example.org/"
    try:
        data = login(board).get(f"/funding/alliances/{approved.id}/agreement.pdf").data
    finally:
        app.config["PUBLIC_URL"] = None
    code = printed_codes(data)[0]
    assert f"https://alianzas.example.org/verify/{code}" in pdf_text(data)


def test_a_call_level_document_is_issued_without_an_alliance(app, db):
    from flask_babel import refresh

    from grants.documents import build, p

    with app.test_request_context("/?lang=en"):
        refresh()
        data = build([p("Minutes")], "Minutes", kind="preselection-minutes", reference="7-1")
    refresh()
    row = db.session.execute(sa.select(IssuedDocument)).scalar_one()
    assert (row.alliance_id, row.alliance_code, row.reference, row.language) == (None, None, "7-1", "en")
    assert printed_codes(data) == [row.sha256]
