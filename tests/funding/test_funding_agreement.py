"""The agreement: the PDF generated from the approved plan, the signed copy, ``sign_agreement`` and
``start_execution`` with their guards, and the funding section of the alliance page."""
import io
from decimal import Decimal

import pytest
import sqlalchemy as sa

from grants.alliances.services import take_action
from grants.audit.models import Event
from grants.errors import RuleViolation
from grants.funding.models import Agreement
from grants.workflows import rules
from tests.funding_support import PDF_BYTES, approved_alliance, pdf_text, signed_alliance, upload_pdf


@pytest.fixture
def approved(alliance, officer, facilitator, board):
    return approved_alliance(alliance, officer, facilitator, board)


def test_agreement_pdf_has_parties_financing_tranches_and_signatures(approved, api, board):
    resp = api(board).get(f"/alliances/{approved.id}/documents/agreement")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    text = pdf_text(resp.data)
    assert approved.association.name in text
    assert approved.call.program.name in text
    assert "PIL Andina S.A." in text
    assert "Agreement of productive alliance" in text or "Convenio" in text
    # financing by source with shares: grant 350,000 of 500,000 = 70 %
    assert "350.000,00" in text and "70" in text
    # the tranche schedule with its conditions
    assert "200.000,00" in text and "150.000,00" in text and "70 % del primer tramo justificado" in text
    assert "For the buyer" in text or "Por el comprador" in text or "comprador" in text.lower()


def test_agreement_is_not_available_before_approval(alliance, api, board):
    assert api(board).get(f"/alliances/{alliance.id}/documents/agreement").status_code == 404
    assert api(board).get(f"/alliances/{alliance.id}/agreement").status_code == 404


def test_agreement_of_another_association_is_404(approved, api, other_board):
    assert api(other_board).get(f"/alliances/{approved.id}/documents/agreement").status_code == 404


def test_sign_agreement_needs_the_signed_copy(approved, officer, db):
    with pytest.raises(RuleViolation) as exc:
        take_action(approved, "sign_agreement", officer, {"counterpart_deposit_reference": "DEP-1"})
    assert exc.value.rules == [rules.SIGNED_AGREEMENT_MISSING]
    db.session.rollback()
    assert approved.state == "approved"


def test_sign_agreement_needs_the_deposit_reference(approved, officer, api):
    upload_pdf(approved, officer)
    resp = api(officer).post(f"/alliances/{approved.id}/transitions", json={"action": "sign_agreement"})
    assert resp.status_code == 422
    assert [d["field"] for d in resp.get_json()["error"]["details"]] == ["counterpart_deposit_reference"]


def test_signed_copy_must_be_a_pdf(approved, officer, login, db):
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 64
    web = login(officer)
    resp = web.post(f"/funding/alliances/{approved.id}/signed-agreement",
                    data={"file": (io.BytesIO(png), "scan.png")}, content_type="multipart/form-data")
    assert resp.status_code == 303
    assert approved.attachment_of("signed_agreement") is None


def test_sign_agreement_records_copy_reference_and_signer(approved, officer, api, db):
    att = upload_pdf(approved, officer)
    resp = api(officer).post(f"/alliances/{approved.id}/transitions",
                             json={"action": "sign_agreement", "counterpart_deposit_reference": "DEP-7788"})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["state"] == "agreement_signed"
    ag = db.session.execute(sa.select(Agreement).where(Agreement.alliance_id == approved.id)).scalar_one()
    assert ag.signed_attachment_id == att.id and ag.counterpart_deposit_reference == "DEP-7788"
    assert ag.signed_by_id == officer.id and ag.signed_at is not None
    body = api(officer).get(f"/alliances/{approved.id}/agreement").get_json()
    assert body["signed_sha256"] == att.sha256 and len(att.sha256) == 64
    events = db.session.execute(sa.select(Event).where(Event.alliance_id == approved.id,
                                                       Event.action == "sign_agreement")).scalars().all()
    assert len(events) == 1 and events[0].to_state == "agreement_signed"


def test_board_uploads_signed_copy_through_the_page_and_sees_its_hash(approved, board, login):
    web = login(board)
    resp = web.post(f"/funding/alliances/{approved.id}/signed-agreement",
                    data={"file": (io.BytesIO(PDF_BYTES), "firmado.pdf")}, content_type="multipart/form-data")
    assert resp.status_code == 302
    att = approved.attachment_of("signed_agreement")
    assert att is not None and att.content_type == "application/pdf"
    page = web.get(f"/alliances/{approved.id}").get_data(as_text=True)
    assert 'id="funding"' in page and att.sha256 in page


def test_member_cannot_upload_signed_copy(approved, member_user, login):
    web = login(member_user)
    resp = web.post(f"/funding/alliances/{approved.id}/signed-agreement",
                    data={"file": (io.BytesIO(PDF_BYTES), "firmado.pdf")}, content_type="multipart/form-data")
    assert resp.status_code == 303
    assert approved.attachment_of("signed_agreement") is None


def test_start_execution_follows_the_first_transfer(alliance, officer, facilitator, board, finance, db):
    from grants.funding.schemas import TrancheActionIn
    from grants.funding.services import tranche_action

    signed_alliance(alliance, officer, facilitator, board)
    with pytest.raises(RuleViolation) as exc:
        take_action(alliance, "start_execution", officer)
    assert exc.value.rules == [rules.FIRST_TRANSFER_MISSING]
    db.session.rollback()
    first = alliance.tranches[0]
    tranche_action(first, "request", board)
    tranche_action(first, "approve", officer)
    tranche_action(first, "disburse", finance, TrancheActionIn(**{"reference": "TRF-1", "disbursed_on": "2026-01-15"}))
    db.session.commit()
    take_action(alliance, "start_execution", officer)
    db.session.commit()
    assert alliance.state == "in_execution"


def test_balance_shows_approved_grant_and_zero_spent(approved, api, member_user):
    body = api(member_user).get(f"/alliances/{approved.id}/balance").get_json()
    assert body["grant_approved"] == "350000.00" and body["disbursed"] == "0.00"
    assert body["spent"] == "0.00" and body["available"] == "0.00"
    assert body["counterpart_committed"] == "150000.00" and body["counterpart_contributed"] == "0.00"
    assert body["bank_account_masked"].endswith(approved.association.bank_account[-4:])
    assert approved.association.bank_account not in str(body)
    assert Decimal(body["to_disburse"]) == Decimal("350000.00")


def test_alliance_page_masks_the_account(approved, member_user, login):
    page = login(member_user).get(f"/alliances/{approved.id}").get_data(as_text=True)
    assert approved.association.bank_account_masked in page
    assert approved.association.bank_account not in page
