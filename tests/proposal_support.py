"""Helpers and fixtures shared by the business-intention tests (imported by tests/test_proposals_*.py)."""
import io
import json

import pytest
from werkzeug.datastructures import FileStorage

from grants.alliances import services as alliance_services
from grants.audit.models import Event
from grants.extensions import db
from grants.proposals import screening
from grants.proposals.schemas import ScreeningIn

PDF = b"%PDF-1.4\n% a tiny letter of intent\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(kind="buyer_letter", name="carta.pdf", data=PDF):
    return FileStorage(stream=io.BytesIO(data), filename=name, content_type="application/pdf")


def attach(alliance, actor, kind="buyer_letter", name=None, data=PDF):
    att = alliance_services.add_attachment(alliance, kind, upload(kind, name or f"{kind}.pdf", data), actor)
    db.session.commit()
    return att


def rules_of(resp):
    body = resp.get_json()
    return sorted({d["rule"] for d in body["error"]["details"]})


def events(alliance, action=None):
    q = db.select(Event).where(Event.alliance_id == alliance.id)
    if action:
        q = q.where(Event.action == action)
    return db.session.execute(q.order_by(Event.id)).scalars().all()


def score_all(alliance, officer, value=None):
    """Score every criterion of the call (``value`` or the max) as the officer."""
    screening.save_scores(alliance, ScreeningIn(scores={c.code: (c.max if value is None else value)
                                                        for c in alliance.call.criteria}), officer)
    db.session.commit()


def act(alliance, action, actor, **data):
    t = alliance_services.take_action(alliance, action, actor, data)
    db.session.commit()
    return t


@pytest.fixture
def ready(alliance, board):
    """A draft that passes every intake check: 25 families, BOB 280,000 + 130,000, buyer letter attached."""
    attach(alliance, board)
    return alliance


@pytest.fixture
def submitted(ready, board):
    act(ready, "submit", board)
    return ready


@pytest.fixture
def eligible(submitted, officer):
    score_all(submitted, officer)
    act(submitted, "declare_eligible", officer)
    return submitted


def pdf_text(data):
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def as_json(resp):
    return json.loads(resp.get_data(as_text=True))


def english(*users):
    """Switch users to English, for assertions on the English source texts (Spanish comes later)."""
    for user in users:
        user.locale = "en"
    db.session.commit()
