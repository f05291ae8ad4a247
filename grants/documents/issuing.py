"""Issuing a PDF: every document the system renders is registered and stamped with the code a reader checks.

What is hashed. A PDF cannot carry the hash of its own bytes, so issuing is two steps:

1. the document is rendered (reportlab, ``invariant``: the same content gives the same bytes); the SHA-256 of
   these bytes is the document's **code**;
2. a verification band is stamped on every page of it (pypdf merges an overlay drawn with reportlab): the code
   in full, ``SHA-256 <code>``, and a QR code (segno) of ``<site>/verify/<code>``. The stamped bytes are the
   issued file; their own SHA-256 (``file_sha256``) names it in the uploads store.

``/verify/<code>`` answers for either hash: the code printed on paper (read by a phone's camera from the QR) and
the SHA-256 of a downloaded file (``sha256sum convenio.pdf``). Rendering the same content again gives the same
code: the stored file is served again and the register does not grow. A different content of the same document
(same kind, alliance, reference and language) is a newer version and marks the older ones superseded."""
import hashlib
import io

import segno
import sqlalchemy as sa
from flask import current_app, has_request_context, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from pypdf import PdfReader, PdfWriter
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdfcanvas

from .. import uploads
from ..common import utcnow
from ..extensions import db
from ..web.edge import write_on_read
from .models import IssuedDocument

#: kind -> its title, in words (the verification page and the API's ``kind_title``)
KINDS = {
    "profile": _l("Business intention (profile)"),
    "preselection-minutes": _l("Preselection minutes"),
    "plan": _l("Alliance plan"),
    "committee-minutes": _l("Committee minutes"),
    "agreement": _l("Agreement of productive alliance"),
    "tranche-request": _l("Tranche request"),
    "disbursement-order": _l("Disbursement order"),
    "accountability": _l("Accountability report"),
    "ta-contract": _l("Technical assistance contract"),
    "ta-terms": _l("Terms of reference for technical assistance"),
    "closeout": _l("Closeout report"),
    "document": _l("Document"),
}
#: the height of the band at the foot of every page that the stamp draws on (the layout keeps it free)
BAND = 22 * mm
QR_SIZE = 17 * mm


def digest(data):
    return hashlib.sha256(data).hexdigest()


def verify_url(code):
    """The absolute address of the verification page: ``PUBLIC_URL`` when set, else the request's own site."""
    base = current_app.config.get("PUBLIC_URL")
    if not base and has_request_context():
        base = request.host_url
    return f"{(base or 'http://localhost/').rstrip('/')}/verify/{code}"


def _qr(canvas, data, x, y, size):
    """Draw the QR code of ``data`` with its lower left corner at (x, y), ``size`` wide (quiet zone included)."""
    matrix = segno.make(data, error="m").matrix
    n = len(matrix) + 4  # two modules of quiet zone on each side
    unit = size / n
    canvas.setFillColor(colors.white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(colors.black)
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                canvas.rect(x + (start + 2) * unit, y + size - (r + 3) * unit, (c - start) * unit, unit,
                            stroke=0, fill=1)
            else:
                c += 1


def stamp(content, code, issued_at):
    """``content`` with the verification band drawn on each of its pages; returns ``(bytes, pages)``."""
    reader = PdfReader(io.BytesIO(content))
    url = verify_url(code)
    buf = io.BytesIO()
    canvas = pdfcanvas.Canvas(buf, invariant=1)
    issued = issued_at.strftime("%Y-%m-%d %H:%M UTC")
    for page in reader.pages:
        width = float(page.mediabox.width)
        canvas.setPageSize((width, float(page.mediabox.height)))
        _qr(canvas, url, width - 18 * mm - QR_SIZE, 3 * mm, QR_SIZE)
        room = width - 36 * mm - QR_SIZE - 3 * mm
        canvas.setFillColor(colors.HexColor("#333333"))
        line = str(_l("Check this document at %(url)s", url=url))
        size = 6.5
        while size > 4.5 and canvas.stringWidth(line, "Helvetica", size) > room:
            size -= 0.25
        canvas.setFont("Helvetica", size)
        canvas.drawString(18 * mm, 12 * mm, line)
        canvas.setFont("Courier", 6.5)
        canvas.drawString(18 * mm, 8.5 * mm, f"SHA-256 {code}")
        canvas.setFont("Helvetica", 6.5)
        canvas.drawString(18 * mm, 5 * mm, str(_l("Issued %(when)s", when=issued)))
        canvas.showPage()
    canvas.save()
    overlay = PdfReader(io.BytesIO(buf.getvalue()))
    writer = PdfWriter(clone_from=reader)
    for page, band in zip(writer.pages, overlay.pages):
        page.merge_page(band)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(reader.pages)


def _language():
    locale = get_locale()
    return str(locale.language) if locale else current_app.config.get("BABEL_DEFAULT_LOCALE", "es")


def _read(row):
    try:
        with open(uploads.path_for(row.file_sha256), "rb") as fh:
            return fh.read()
    except OSError:
        return None


def _supersede_others(row, now):
    db.session.execute(sa.update(IssuedDocument).where(
        IssuedDocument.kind == row.kind, IssuedDocument.reference == row.reference,
        IssuedDocument.language == row.language, IssuedDocument.id != row.id,
        IssuedDocument.superseded.is_(False),
        IssuedDocument.alliance_id.is_(None) if row.alliance_id is None
        else IssuedDocument.alliance_id == row.alliance_id,
    ).values(superseded=True, superseded_at=now).execution_options(synchronize_session=False))


def issue(content, kind, alliance=None, reference=""):
    """Register and stamp the rendered ``content`` (PDF bytes) of a document of ``kind`` (KINDS) about
    ``alliance`` (or None); return the bytes to hand out. Flushes; the request commits (see views.py)."""
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    code = digest(content)
    now = utcnow()
    row = db.session.execute(sa.select(IssuedDocument).where(IssuedDocument.sha256 == code)).scalar_one_or_none()
    if row is None:
        row = IssuedDocument(kind=kind, alliance_id=alliance.id if alliance is not None else None,
                             alliance_code=alliance.code if alliance is not None else None,
                             reference=str(reference or "")[:80], language=_language(), sha256=code,
                             issued_at=now.replace(microsecond=0))
        data, row.pages = stamp(content, code, row.issued_at)
        row.file_sha256 = uploads.store(data)
        try:
            with db.session.begin_nested():
                db.session.add(row)
                db.session.flush()
        except sa.exc.IntegrityError:  # the same content issued at the same moment by another request
            row = db.session.execute(sa.select(IssuedDocument).where(IssuedDocument.sha256 == code)).scalar_one()
            data = _read(row) or data
        _supersede_others(row, now)
    else:
        data = _read(row)
        if data is None:  # the store lost the file: stamp it again as it was issued
            data, _pages = stamp(content, code, row.issued_at)
            row.file_sha256 = uploads.store(data)
        if row.superseded:  # an older content is the document's content again: it is the current version
            row.superseded, row.superseded_at = False, None
            _supersede_others(row, now)
        db.session.flush()
    if has_request_context():
        write_on_read()  # the edge commits the register's entry (the API's endpoint, under /api)
    return data


def find(code):
    """The issued document whose printed code, or whose file's SHA-256, is ``code`` (hex); None if none."""
    code = (code or "").strip().lower()
    if len(code) != 64 or any(ch not in "0123456789abcdef" for ch in code):
        return None
    return db.session.execute(sa.select(IssuedDocument).where(
        sa.or_(IssuedDocument.sha256 == code, IssuedDocument.file_sha256 == code))
        .order_by(IssuedDocument.id).limit(1)).scalar_one_or_none()


def newer_version(row):
    """The current version of the same document, when ``row`` is superseded."""
    if not row.superseded:
        return None
    q = sa.select(IssuedDocument).where(
        IssuedDocument.kind == row.kind, IssuedDocument.reference == row.reference,
        IssuedDocument.language == row.language, IssuedDocument.superseded.is_(False),
        IssuedDocument.alliance_id.is_(None) if row.alliance_id is None
        else IssuedDocument.alliance_id == row.alliance_id)
    return db.session.execute(q.order_by(IssuedDocument.id.desc()).limit(1)).scalar_one_or_none()


def public(row):
    """What anyone may know of an issued document: nothing personal."""
    newer = newer_version(row)
    return {"sha256": row.sha256, "file_sha256": row.file_sha256, "kind": row.kind,
            "kind_title": str(KINDS.get(row.kind, row.kind)), "alliance_code": row.alliance_code,
            "reference": row.reference, "language": row.language, "pages": row.pages,
            "issued_at": row.issued_at.isoformat() + "Z", "current": not row.superseded,
            "superseded_at": row.superseded_at.isoformat() + "Z" if row.superseded_at else None,
            "newer_version_issued_at": newer.issued_at.isoformat() + "Z" if newer else None}
