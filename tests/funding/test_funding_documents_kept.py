"""The funding stage's PDFs kept per alliance state (grants/alliances/cards.py ``page_documents``, issue 12): the
agreement is built once, then served as kept (two statements) with its ETag, 304 when the client has it; every
change that moves it gives a new PDF (its text shows the change); each language has its own; a viewer not allowed
gets 404 (even with the right ETag); the API serves the same kept bytes; the tranche letters share it."""
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask import g

from grants.accounts.models import User
from grants.alliances import cards
from grants.associations.models import Association
from grants.documents.models import IssuedDocument
from grants.extensions import db as _db
from grants.funding import services as funding
from tests.funding_support import approved_alliance, pdf_text, signed_alliance
from tests.statements import statements
from tests.stored_support import drop_memberships, new_release, next_day


@pytest.fixture
def approved(alliance, officer, facilitator, board):
    return approved_alliance(alliance, officer, facilitator, board)


def _path(alliance):
    return f"/funding/alliances/{alliance.id}/agreement.pdf"


def _get(client, path, etag=None, status=200):
    g.pop("_ledger_memo", None)  # the tests push one app context for every request: no figure of an earlier GET
    resp = client.get(path, headers={"If-None-Match": f'"{etag}"'} if etag else {})
    assert resp.status_code == status, (resp.status_code, resp.get_data(as_text=True)[:500])
    return resp


def _kept(alliance):
    d = cards.PageDocument
    return _db.session.execute(sa.select(d.name, d.lang, d.etag).where(d.alliance_id == alliance.id)
                               .order_by(d.name, d.lang)).all()


def _issued():
    return _db.session.execute(sa.select(sa.func.count()).select_from(IssuedDocument)).scalar()


def _sent(seen):
    return [s[:160] for s in seen if not s.startswith(("SAVEPOINT", "RELEASE"))]


def test_built_once_then_served_as_kept_with_its_etag_and_304(db, login, officer, approved):
    web = login(officer)
    first = _get(web, _path(approved))
    etag = first.headers["ETag"].strip('"')
    assert first.mimetype == "application/pdf" and first.data.startswith(b"%PDF")
    assert first.headers["Cache-Control"] == "no-store"  # the house's rule for a signed-in user stays
    assert f'filename="{approved.code}-convenio.pdf"' in first.headers["Content-Disposition"]
    assert [(r.name, r.lang) for r in _kept(approved)] == [("agreement", "es")]
    assert _kept(approved)[0].etag == etag
    issued = _issued()
    path = _path(approved)
    with statements(db.engine) as seen:
        again = _get(web, path)
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    assert len(_sent(seen)) == 2, "\n".join(_sent(seen))  # the session's user, the kept document: nothing built
    with statements(db.engine) as seen:
        cached = _get(web, path, etag=etag, status=304)
    assert cached.data == b"" and cached.headers["ETag"] == f'"{etag}"'
    assert len(_sent(seen)) == 2, "\n".join(_sent(seen))
    assert _issued() == issued  # served as kept: not built, not issued again
    # a stale ETag gets the document
    assert _get(web, path, etag="0" * 64).data == first.data


def test_the_probe_does_not_read_the_body_the_client_has(db, app, login, officer, approved):
    etag = _get(login(officer), _path(approved)).headers["ETag"].strip('"')
    with app.test_request_context("/"):
        known = cards.read_document(approved.id, officer, "agreement", etag)
        unknown = cards.read_document(approved.id, officer, "agreement", "")
    assert known.allowed == "" and known.etag == etag and known.body is None
    assert unknown.etag == etag and unknown.body.startswith(b"%PDF")


def test_what_is_served_is_the_kept_row(db, login, officer, approved):
    """Edited behind the app's back (no stamp moves), the kept bytes are what is served."""
    web = login(officer)
    _get(web, _path(approved))
    db.session.execute(sa.update(cards.PageDocument.__table__).values(body=b"%PDF-1.4 kept"))
    db.session.commit()
    assert _get(web, _path(approved)).data == b"%PDF-1.4 kept"


@pytest.mark.parametrize("change, shown", [
    ("title", "Miel de Caranavi para exportar"),
    ("association", "Asociación Renombrada de Apicultores"),
    ("board_name", "Bernarda Renombrada"),
    ("tranche", "Conditions changed by the committee"),
    ("program", "Programa Renombrado"),
])
def test_a_change_that_moves_the_agreement_gives_a_new_pdf(db, login, officer, board, approved, change, shown):
    web = login(officer)
    before = _get(web, _path(approved))
    assert shown not in pdf_text(before.data)
    if change == "title":
        approved.title = shown
    elif change == "association":
        db.session.get(Association, approved.association_id).name = shown
    elif change == "board_name":
        db.session.get(User, board.id).name = shown
    elif change == "tranche":
        approved.tranches[0].conditions = shown
    else:
        approved.call.program.name = shown
    db.session.commit()
    after = _get(web, _path(approved), etag=before.headers["ETag"].strip('"'))  # the old ETag: a new PDF
    assert after.headers["ETag"] != before.headers["ETag"]
    assert shown in " ".join(pdf_text(after.data).split())


def test_the_signature_gives_a_new_pdf(db, login, officer, alliance, facilitator, board):
    web = login(officer)
    approved = approved_alliance(alliance, officer, facilitator, board)
    assert "DEP-0001" not in pdf_text(_get(web, _path(approved)).data)
    signed_alliance_from(approved, officer)
    assert "DEP-0001" in pdf_text(_get(web, _path(approved)).data)


def signed_alliance_from(approved, officer):
    from grants.alliances.services import take_action
    from tests.funding_support import upload_pdf

    upload_pdf(approved, officer)
    take_action(approved, "sign_agreement", officer, {"counterpart_deposit_reference": "DEP-0001"})
    _db.session.commit()


def test_each_language_has_its_own_pdf(db, login, officer, approved):
    web = login(officer)
    spanish = _get(web, _path(approved))
    assert "Convenio" in pdf_text(spanish.data)
    db.session.get(User, officer.id).locale = "en"  # a column no page shows: no stamp moves
    db.session.commit()
    english = _get(web, _path(approved), etag=spanish.headers["ETag"].strip('"'))
    assert "Agreement of productive alliance" in pdf_text(english.data)
    assert english.headers["ETag"] != spanish.headers["ETag"]
    assert [(r.name, r.lang) for r in _kept(approved)] == [("agreement", "en"), ("agreement", "es")]


def test_a_viewer_not_allowed_gets_404_even_with_the_etag(db, login, officer, other_board, approved):
    etag = _get(login(officer), _path(approved)).headers["ETag"].strip('"')
    other = login(other_board)
    _get(other, _path(approved), status=404)
    _get(other, _path(approved), etag=etag, status=404)
    _get(other, f"/funding/alliances/{2 ** 31 - 1}/agreement.pdf", status=404)
    _get(other, f"/funding/alliances/{2 ** 40}/agreement.pdf", status=404)


def test_a_viewer_who_loses_the_right_gets_404_not_the_kept_pdf(db, login, board, approved):
    web = login(board)
    etag = _get(web, _path(approved)).headers["ETag"].strip('"')
    _get(web, _path(approved), etag=etag, status=304)
    drop_memberships(board)
    _get(web, _path(approved), status=404)
    _get(web, _path(approved), etag=etag, status=404)


def test_not_there_before_the_approval_even_when_kept(db, login, board, approved):
    web = login(board)
    _get(web, _path(approved))
    approved.state = "plan_submitted"
    db.session.commit()
    _get(web, _path(approved), status=404)


def test_a_new_day_and_new_code_build_it_again(db, login, officer, approved, monkeypatch):
    web = login(officer)
    first = _get(web, _path(approved))
    db.session.execute(sa.update(cards.PageDocument.__table__).values(body=b"%PDF-1.4 kept"))
    db.session.commit()
    next_day(monkeypatch)
    assert _get(web, _path(approved)).data == first.data  # built again: the same content, the same issued file
    monkeypatch.undo()
    db.session.execute(sa.update(cards.PageDocument.__table__).values(body=b"%PDF-1.4 kept"))
    db.session.commit()
    new_release(monkeypatch)
    assert _get(web, _path(approved)).data == first.data


def test_the_api_serves_the_same_kept_pdf(db, api, login, officer, board, approved):
    page = _get(login(officer), _path(approved))
    resp = api(board).get(f"/alliances/{approved.id}/documents/agreement")
    assert resp.status_code == 200 and resp.data == page.data
    db.session.execute(sa.update(cards.PageDocument.__table__).values(body=b"%PDF-1.4 kept"))
    db.session.commit()
    assert api(board).get(f"/alliances/{approved.id}/documents/agreement").data == b"%PDF-1.4 kept"
    approved.title = "Leche fresca y queso para PIL"
    db.session.commit()
    resp = api(board).get(f"/alliances/{approved.id}/documents/agreement")
    assert "Leche fresca y queso para PIL" in " ".join(pdf_text(resp.data).split())
    for missing in (2 ** 31 - 1, 2 ** 40):
        assert api(board).get(f"/alliances/{missing}/documents/agreement").status_code == 404
        assert api(board).get(f"/alliances/{missing}/documents/tranche-request-1").status_code == 404


def test_the_tranche_letters_are_kept_too(db, login, api, officer, finance, board, alliance, facilitator):
    signed = signed_alliance(alliance, officer, facilitator, board)
    first = signed.tranches[0]
    funding.tranche_action(first, "request", board)
    db.session.commit()
    web = login(board)
    path = f"/funding/alliances/{signed.id}/tranches/1/request.pdf"
    letter = _get(web, path)
    assert f'filename="{signed.code}-solicitud-1.pdf"' in letter.headers["Content-Disposition"]
    _get(web, path, etag=letter.headers["ETag"].strip('"'), status=304)
    assert ("request-1", "es") in {(r.name, r.lang) for r in _kept(signed)}
    _get(web, f"/funding/alliances/{signed.id}/tranches/1/order.pdf", status=404)  # not paid yet
    signed.association.bank_name = "Banco Renombrado"
    db.session.commit()
    assert "Banco Renombrado" in pdf_text(_get(web, path, etag=letter.headers["ETag"].strip('"')).data)
    assert api(board).get(f"/alliances/{signed.id}/documents/tranche-request-1").data == _get(web, path).data
    funding.tranche_action(first, "approve", officer)
    db.session.commit()
    funding.tranche_action(first, "disburse", finance, _disburse("TRF-88"))
    db.session.commit()
    order = _get(login(finance), f"/funding/alliances/{signed.id}/tranches/1/order.pdf")
    assert "TRF-88" in pdf_text(order.data)
    assert f'filename="{signed.code}-orden-1.pdf"' in order.headers["Content-Disposition"]


def _disburse(reference):
    from grants.funding.schemas import TrancheActionIn

    return TrancheActionIn(reference=reference, disbursed_on=date.today(), amount=Decimal("200000.00"))
