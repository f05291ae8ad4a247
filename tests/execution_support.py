"""Helpers for the execution tests: an alliance in execution with two budget lines and a disbursed tranche,
files that look like a photo and a PDF, and shortcuts to record expenses."""
import io
from datetime import date

from werkzeug.datastructures import FileStorage

from grants.extensions import db
from tests.funding_support import approved_alliance

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
PDF = b"%PDF-1.4\n% minutes\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TODAY = date.today().isoformat()


def executing(alliance, officer, facilitator, board, disbursed="200000.00"):
    """Budget 500,000: line 1 (equipment) grant 140,000 / cash 20,000; line 2 (infrastructure) grant 210,000 /
    cash 30,000. Tranche 1 disbursed (``disbursed``), the alliance in execution."""
    approved_alliance(alliance, officer, facilitator, board)
    first = alliance.tranches[0]
    first.state = "disbursed"
    first.disbursed_amount = disbursed
    first.disbursed_on = date.today()
    first.disbursement_reference = "TRF-1"
    alliance.state = "in_execution"
    db.session.commit()
    return alliance


def upload(data=JPEG, name="recibo.jpg"):
    return FileStorage(io.BytesIO(data), filename=name)


def expense_data(line, amount="1000.00", source="grant", number="F-1", supplier="Ferretería Illimani", **kw):
    return {"budget_line_id": line.id, "spent_on": TODAY, "amount": amount, "source": source,
            "supplier": supplier, "document_type": "invoice", "document_number": number, **kw}
