"""Receipt and evidence thumbnails: a small JPEG made with Pillow (kept on disk next to the upload), an icon for
a PDF or a picture that cannot be read, the same permission checks as the file (another association: 404), and
"what was bought" shown in the lists and the detail."""
import io
import os

import pytest
import sqlalchemy as sa
from PIL import Image

from grants import uploads
from grants.execution.models import Contribution, Expense
from grants.extensions import db
from tests.execution_support import JPEG, PDF, TODAY, expense_data, executing


@pytest.fixture
def live(alliance, officer, facilitator, board):
    return executing(alliance, officer, facilitator, board)


def photo(width=2400, height=1800, fmt="JPEG", mode="RGB"):
    buf = io.BytesIO()
    Image.new(mode, (width, height), (200, 120, 40) if mode == "RGB" else (200, 120, 40, 128)).save(buf, fmt)
    return buf.getvalue()


def record(client, live, data_bytes, name, **kw):
    data = {k: str(v) for k, v in expense_data(live.budget_lines[0], **kw).items()}
    data["receipt"] = (io.BytesIO(data_bytes), name)
    resp = client.post(f"/alliances/{live.id}/execution/expenses", data=data, content_type="multipart/form-data")
    assert resp.status_code == 302, resp.get_data(as_text=True)[:1000]
    return db.session.execute(sa.select(Expense).order_by(Expense.id.desc())).scalars().first()


def test_photo_thumbnail_is_small_jpeg_cached_next_to_the_upload(app, live, treasurer, member_user, login):
    web = login(treasurer)
    e = record(web, live, photo(), "recibo.jpg", description="Alambre de púas, 10 rollos")
    url = f"/alliances/{live.id}/execution/expenses/{e.id}/receipt/thumbnail"
    resp = login(member_user).get(url)  # a member reads (social control), as for the file
    assert resp.status_code == 200 and resp.mimetype == "image/jpeg"
    thumb = Image.open(io.BytesIO(resp.data))
    assert max(thumb.size) == uploads.THUMB_SIZE and thumb.size == (240, 180)
    assert len(resp.data) < 20_000 and "private" in resp.headers["Cache-Control"]
    with app.test_request_context():
        cached = uploads.thumbnail_path(e.receipt_sha256)
        assert os.path.dirname(cached) == os.path.dirname(uploads.path_for(e.receipt_sha256))
    assert os.path.exists(cached)
    assert web.get(url).data == resp.data  # served from the disk the second time


def test_png_with_transparency_and_pdf_and_unreadable(live, treasurer, login):
    web = login(treasurer)
    png = record(web, live, photo(300, 900, "PNG", "RGBA"), "foto.png", number="F-2")
    resp = web.get(f"/alliances/{live.id}/execution/expenses/{png.id}/receipt/thumbnail")
    assert resp.mimetype == "image/jpeg" and Image.open(io.BytesIO(resp.data)).size == (80, 240)
    pdf = record(web, live, PDF, "factura.pdf", number="F-3")
    resp = web.get(f"/alliances/{live.id}/execution/expenses/{pdf.id}/receipt/thumbnail")
    with open(os.path.join(os.path.dirname(uploads.__file__), "static", "icons", "pdf.png"), "rb") as fh:
        assert resp.status_code == 200 and resp.mimetype == "image/png" and resp.data == fh.read()
    # starts like a JPEG (accepted by its content check) but is not a picture: an icon, never a 500
    broken = record(web, live, JPEG, "roto.jpg", number="F-4")
    resp = web.get(f"/alliances/{live.id}/execution/expenses/{broken.id}/receipt/thumbnail")
    assert resp.status_code == 200 and resp.mimetype == "image/png"


def test_same_permission_checks_as_the_file(live, treasurer, other_board, login, client):
    e = record(login(treasurer), live, photo(), "recibo.jpg")
    url = f"/alliances/{live.id}/execution/expenses/{e.id}/receipt/thumbnail"
    assert login(other_board).get(url).status_code == 404
    assert login(other_board).get(f"/alliances/{live.id}/execution/expenses/{e.id}/receipt").status_code == 404
    assert client.get(url).status_code == 302  # to the sign-in page
    no_receipt = record(login(treasurer), live, PDF, "f.pdf", number="F-8")
    no_receipt.receipt_sha256 = None
    db.session.commit()
    assert login(treasurer).get(f"/alliances/{live.id}/execution/expenses/{no_receipt.id}/receipt/thumbnail"
                                ).status_code == 404
    assert login(treasurer).get(f"/alliances/{live.id}/execution/expenses/999999/receipt/thumbnail").status_code == 404


def test_lists_and_detail_show_what_was_bought_and_thumbnails(live, treasurer, login):
    web = login(treasurer)
    e = record(web, live, photo(), "recibo.jpg", description="Alambre de púas, 10 rollos")
    listing = web.get(f"/alliances/{live.id}/execution/expenses").get_data(as_text=True)
    assert f'id="what-{e.id}">Alambre de púas, 10 rollos<' in listing
    thumb = f"/alliances/{live.id}/execution/expenses/{e.id}/receipt/thumbnail?v={e.receipt_sha256[:12]}"
    assert f'src="{thumb}"' in listing
    assert f'href="/alliances/{live.id}/execution/expenses/{e.id}/receipt"' in listing  # opens full size
    detail = web.get(f"/alliances/{live.id}/execution/expenses/{e.id}").get_data(as_text=True)
    assert 'id="expense-what">Alambre de púas, 10 rollos<' in detail and f'src="{thumb}"' in detail
    assert "Qué se compró" in detail


def test_contribution_evidence_thumbnail(live, treasurer, other_board, login):
    web = login(treasurer)
    data = {"kind": "cash", "description": "Aporte de socios", "contributed_on": TODAY, "amount": "500.00",
            "evidence": (io.BytesIO(photo(1000, 1000)), "deposito.jpg")}
    assert web.post(f"/alliances/{live.id}/execution/contributions", data=data,
                    content_type="multipart/form-data").status_code == 302
    c = db.session.execute(sa.select(Contribution)).scalar_one()
    url = f"/alliances/{live.id}/execution/contributions/{c.id}/evidence/thumbnail"
    resp = web.get(url)
    assert resp.mimetype == "image/jpeg" and Image.open(io.BytesIO(resp.data)).size == (240, 240)
    assert f'src="{url}?v={c.evidence_sha256[:12]}"' in web.get(
        f"/alliances/{live.id}/execution/contributions").get_data(as_text=True)
    assert login(other_board).get(url).status_code == 404


def test_visit_photos_shown_as_thumbnails(live, officer, board, other_board, login):
    from tests.monitoring_support import make_visit, upload

    v = make_visit(live, officer, photos=[upload(photo(1600, 1200), "galpon.jpg")])
    p = v.photos[0]
    url = f"/alliances/{live.id}/monitoring/visits/{v.id}/photos/{p.id}/thumbnail"
    resp = login(board).get(url)
    assert resp.mimetype == "image/jpeg" and Image.open(io.BytesIO(resp.data)).size == (240, 180)
    page = login(board).get(f"/alliances/{live.id}/monitoring/visits/{v.id}").get_data(as_text=True)
    assert f'src="{url}?v={p.sha256[:12]}"' in page  # the page no longer loads the full photo
    assert f'href="/alliances/{live.id}/monitoring/visits/{v.id}/photos/{p.id}"' in page  # which opens full size
    assert login(other_board).get(url).status_code == 404


def test_accountability_statement_pdf_says_what_was_bought(live, treasurer, login):
    from pypdf import PdfReader

    from grants.execution import reports as report_svc

    web = login(treasurer)
    record(web, live, PDF, "factura.pdf", description="Alambre de púas, 10 rollos")
    r = report_svc.create_report(live, {"period_start": "2020-01-01", "period_end": TODAY}, treasurer)
    db.session.commit()
    resp = web.get(f"/alliances/{live.id}/execution/reports/{r.id}/statement.pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(resp.data)).pages)
    assert "Proveedor / qué se compró" in text and "Alambre de púas, 10 rollos" in text
    page = web.get(f"/alliances/{live.id}/execution/reports/{r.id}").get_data(as_text=True)
    assert "Alambre de púas, 10 rollos" in page
