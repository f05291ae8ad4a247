"""One schema per operation in the funding stage: a tranche action's fields are validated by
``grants.funding.schemas.TrancheActionIn`` on the page and in the API, and ``tranche_action`` takes it."""
import re

import pytest

from grants.extensions import db as _db
from grants.funding.schemas import TrancheActionIn
from grants.funding.services import tranche_action
from tests.funding_support import signed_alliance


@pytest.fixture
def signed(alliance, officer, facilitator, board):
    return signed_alliance(alliance, officer, facilitator, board)


def error_at(html, name):
    return " ".join(re.findall(rf'<p class="error" id="{name}-err">([^<]*)</p>', html))


def test_the_disbursement_page_reads_the_amount_and_the_schema_names_each_field(signed, board, officer, finance,
                                                                               login):
    first = signed.tranches[0]
    tranche_action(first, "request", board)
    tranche_action(first, "approve", officer)
    _db.session.commit()
    page = f"/funding/alliances/{signed.id}/tranches/1"
    resp = login(finance).post(page, data={"action": "disburse", "version": first.version, "reference": "T" * 121,
                                           "disbursed_on": "2026-01-10", "amount": "1.000,50"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and error_at(html, "reference") == "Como máximo 120 caracteres."
    assert first.state == "approved"
    resp = login(finance).post(page, data={"action": "disburse", "version": first.version, "reference": " TRF-8 ",
                                           "disbursed_on": "2026-01-10", "amount": "1.000,50"})
    assert resp.status_code == 302
    _db.session.refresh(first)
    assert first.state == "disbursed" and str(first.disbursed_amount) == "1000.50"
    assert first.disbursement_reference == "TRF-8"


def test_the_service_takes_the_validated_model(signed, board, officer):
    first = signed.tranches[0]
    tranche_action(first, "request", board, TrancheActionIn(comment="  Primer tramo  "))
    assert first.state == "requested"
    with pytest.raises(Exception):
        TrancheActionIn(reference="x" * 121)
