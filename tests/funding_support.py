"""Helpers for the funding-stage tests: an approved alliance with its budget and tranche schedule, a signed
agreement, PDF text, and a test-only way to inject the execution stage's figures into the ledger."""
import io

from grants.alliances import ledger
from grants.alliances.services import take_action
from grants.extensions import db
from grants.funding import services as funding
from tests.plan_helpers import fill_budget, fill_tranches, start_plan

PDF_BYTES = b"%PDF-1.4\n% signed agreement scan\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def approved_alliance(alliance, officer, facilitator, board):
    """Budget 500,000 (grant 350,000: tranches 200,000 + 150,000), brought to ``approved`` (the committee's
    decision belongs to the plan stage's tests) with its agreement generated."""
    start_plan(alliance, officer, facilitator)
    fill_budget(alliance, facilitator)
    fill_tranches(alliance, facilitator)
    alliance.state = "approved"
    funding.ensure_agreement(alliance)
    db.session.commit()
    return alliance


def upload_pdf(alliance, actor, name="convenio-firmado.pdf"):
    from werkzeug.datastructures import FileStorage

    att = funding.upload_signed_agreement(alliance, FileStorage(io.BytesIO(PDF_BYTES), filename=name), actor)
    db.session.commit()
    return att


def signed_alliance(alliance, officer, facilitator, board):
    approved_alliance(alliance, officer, facilitator, board)
    upload_pdf(alliance, officer)
    take_action(alliance, "sign_agreement", officer, {"counterpart_deposit_reference": "DEP-0001"})
    db.session.commit()
    return alliance


def pdf_text(data):
    from pypdf import PdfReader

    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


class Figures:
    """Test-only providers for the ledger (the execution stage does not exist yet): set ``justified``,
    ``contributed`` and ``observations`` and they are read by the tranche rules."""

    def __init__(self):
        self.justified = None
        self.contributed = None
        self.observations = 0

    def install(self, monkeypatch):
        monkeypatch.setitem(ledger._PROVIDERS, "justified", [lambda a: self.justified or 0])
        monkeypatch.setitem(ledger._PROVIDERS, "counterpart_contributed", [lambda a: self.contributed or 0])
        monkeypatch.setitem(ledger._PROVIDERS, "open_observations", [lambda a: self.observations])
        return self
