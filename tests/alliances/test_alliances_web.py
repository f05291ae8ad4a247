import io

import sqlalchemy as sa

from grants.alliances.models import Alliance, Attachment
from grants.audit.models import Event

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _form(call, association, members, **over):
    data = {"association_id": association.id, "call_id": call.id, "title": "Quinua orgánica para exportación",
            "product": "Quinua", "buyer_id": "0", "buyer_name": "Irupana S.A.", "buyer_tax_id": "998877",
            "requested_grant": "300000.00", "estimated_counterpart": "140000,50",
            "member_ids": [m.id for m in members]}
    data.update(over)
    return data


def _members(db, association):
    from grants.associations.models import Member

    return db.session.execute(sa.select(Member).where(Member.association_id == association.id)).scalars().all()


def test_board_creates_a_draft_in_the_browser_form(db, login, board, call, association):
    web = login(board)
    page = web.get("/alliances/new")
    assert page.status_code == 200 and "Quinua" not in page.get_data(as_text=True)
    members = _members(db, association)[:21]
    resp = web.post("/alliances/new", data=_form(call, association, members))
    assert resp.status_code == 302
    alliance = db.session.execute(sa.select(Alliance)).scalar_one()
    assert alliance.state == "draft" and alliance.families == 21
    assert str(alliance.estimated_counterpart) == "140000.50"
    assert alliance.buyer.name == "Irupana S.A."
    assert alliance.code.endswith("-0001")
    detail = web.get(resp.headers["Location"]).get_data(as_text=True)
    assert alliance.code in detail and "Quinua" in detail


def test_errors_keep_what_was_typed(db, login, board, call, association):
    web = login(board)
    resp = web.post("/alliances/new", data=_form(call, association, [], requested_grant="doscientos mil",
                                                  title="Miel de Caranavi"))
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert 'value="Miel de Caranavi"' in html and 'value="doscientos mil"' in html
    assert db.session.execute(sa.select(sa.func.count()).select_from(Alliance)).scalar() == 0


def test_member_of_another_association_is_refused(db, login, board, call, association, other_association):
    web = login(board)
    resp = web.post("/alliances/new", data=_form(call, association, _members(db, other_association)[:3]))
    assert resp.status_code in (400, 422)
    assert db.session.execute(sa.select(sa.func.count()).select_from(Alliance)).scalar() == 0


def test_only_board_members_may_create(login, member_user, officer):
    assert login(member_user).get("/alliances/new").status_code == 403
    assert login(officer).get("/alliances/new").status_code == 403


def test_detail_is_404_for_those_who_may_not_see_it(login, alliance, other_board, other_officer, ta_provider,
                                                   board, officer, auditor, member_user):
    for user in (other_board, other_officer, ta_provider):
        assert login(user).get(f"/alliances/{alliance.id}").status_code == 404
    for user in (board, officer, auditor, member_user):
        assert login(user).get(f"/alliances/{alliance.id}").status_code == 200
    assert login(board).get("/alliances/999999").status_code == 404


def test_list_shows_only_visible_alliances(login, make_alliance, other_association, other_board, board):
    mine = make_alliance()
    theirs = make_alliance(assoc=other_association, actor=other_board)
    html = login(board).get("/alliances/").get_data(as_text=True)
    assert mine.code in html and theirs.code not in html
    html = login(board).get("/alliances/?state=draft&q=leche").get_data(as_text=True)
    assert mine.code in html


def test_edit_with_a_stale_version_changes_nothing(db, login, board, alliance, call, association):
    web = login(board)
    data = _form(call, association, _members(db, association)[:20], title="Nuevo título", version="99")
    resp = web.post(f"/alliances/{alliance.id}/edit", data=data)
    assert resp.status_code == 409
    db.session.refresh(alliance)
    assert alliance.title != "Nuevo título"
    data["version"] = str(alliance.version)
    assert web.post(f"/alliances/{alliance.id}/edit", data=data).status_code == 302
    db.session.refresh(alliance)
    assert alliance.title == "Nuevo título" and alliance.families == 20


def test_edit_is_refused_once_submitted(db, login, board, alliance):
    alliance.state = "submitted"
    db.session.commit()
    assert login(board).get(f"/alliances/{alliance.id}/edit").status_code == 403


def test_transition_button_records_the_decision(db, login, officer, alliance):
    alliance.state = "submitted"
    db.session.commit()
    web = login(officer)
    html = web.get(f"/alliances/{alliance.id}").get_data(as_text=True)
    assert 'value="return_for_info"' in html
    resp = web.post(f"/alliances/{alliance.id}/transition", data={"action": "return_for_info", "comment": "Falta NIT",
                                                                  "version": str(alliance.version)})
    assert resp.status_code == 302
    db.session.refresh(alliance)
    assert alliance.state == "returned"
    page = web.get(f"/alliances/{alliance.id}").get_data(as_text=True)
    assert "Falta NIT" in page


def test_refused_transition_explains_why_and_changes_nothing(db, login, officer, alliance):
    alliance.state = "submitted"
    db.session.commit()
    web = login(officer)
    resp = web.post(f"/alliances/{alliance.id}/transition", data={"action": "return_for_info"},
                    follow_redirects=True)
    assert resp.status_code == 200 and "Escriba un comentario que explique la decisión." in resp.get_data(as_text=True)
    assert "comment_required" not in resp.get_data(as_text=True)
    resp = web.post(f"/alliances/{alliance.id}/transition", data={"action": "no_such_action"}, follow_redirects=True)
    assert resp.status_code == 200
    db.session.refresh(alliance)
    assert alliance.state == "submitted"


def test_attachments_are_checked_by_content_and_served_only_to_those_allowed(db, login, board, other_board, alliance):
    web = login(board)
    resp = web.post(f"/alliances/{alliance.id}/attachments",
                    data={"kind": "buyer_letter", "file": (io.BytesIO(PDF), "carta.pdf")},
                    content_type="multipart/form-data")
    assert resp.status_code == 302
    att = db.session.execute(sa.select(Attachment)).scalar_one()
    assert att.content_type == "application/pdf" and len(att.sha256) == 64
    # a text file renamed to .pdf is refused
    resp = web.post(f"/alliances/{alliance.id}/attachments",
                    data={"kind": "other", "file": (io.BytesIO(b"hello, not a pdf"), "fake.pdf")},
                    content_type="multipart/form-data", follow_redirects=True)
    assert resp.status_code == 200 and db.session.execute(sa.select(sa.func.count()).select_from(Attachment)).scalar() == 1
    # a PNG named .txt is accepted as a PNG
    web.post(f"/alliances/{alliance.id}/attachments", data={"kind": "other", "file": (io.BytesIO(PNG), "x.txt")},
             content_type="multipart/form-data")
    png = db.session.execute(sa.select(Attachment).where(Attachment.kind == "other")).scalar_one()
    assert png.content_type == "image/png"
    with web.get(f"/alliances/{alliance.id}/attachments/{att.id}") as got:
        assert got.status_code == 200 and got.data == PDF
    assert login(other_board).get(f"/alliances/{alliance.id}/attachments/{att.id}").status_code == 404
    assert db.session.execute(sa.select(sa.func.count()).select_from(Event)
                              .where(Event.action == "add_attachment")).scalar() == 2


def test_too_large_upload_is_a_clear_refusal(app, db, login, board, alliance):
    web = login(board)
    old = app.config["UPLOAD_MAX_BYTES"]
    app.config["UPLOAD_MAX_BYTES"] = 1000
    try:
        resp = web.post(f"/alliances/{alliance.id}/attachments",
                        data={"kind": "other", "file": (io.BytesIO(PDF + b"0" * 2000), "big.pdf")},
                        content_type="multipart/form-data", follow_redirects=True)
    finally:
        app.config["UPLOAD_MAX_BYTES"] = old
    assert resp.status_code == 200
    assert db.session.execute(sa.select(sa.func.count()).select_from(Attachment)).scalar() == 0


def test_edit_with_an_unreadable_version_is_a_field_error_not_a_crash(db, login, board, alliance, call,
                                                                      association):
    """The page's form is validated by the operation's schema (``AlliancePatch``): a version that is not a
    number is refused at its field, and nothing changes (it was a ``ValueError`` in the service: a 500)."""
    web = login(board)
    data = _form(call, association, _members(db, association)[:20], title="Nuevo título", version="abc")
    resp = web.post(f"/alliances/{alliance.id}/edit", data=data)
    assert resp.status_code == 422
    db.session.refresh(alliance)
    assert alliance.title != "Nuevo título"


def test_edit_choosing_no_buyer_clears_it_and_a_blank_title_is_refused(db, login, board, alliance, call,
                                                                       association):
    web = login(board)
    assert alliance.buyer is not None
    data = _form(call, association, _members(db, association)[:20], buyer_name="", buyer_tax_id="",
                 version=str(alliance.version))
    assert web.post(f"/alliances/{alliance.id}/edit", data=data).status_code == 302
    db.session.refresh(alliance)
    assert alliance.buyer is None and alliance.families == 20
    data.update(version=str(alliance.version), title="Otro", product="   ")
    resp = web.post(f"/alliances/{alliance.id}/edit", data=data)
    assert resp.status_code in (400, 422)
    db.session.refresh(alliance)
    assert alliance.title != "Otro"


def test_refused_buttons_flash_why_on_the_alliance_page(app, db, login, officer, board, alliance):
    """Issue 14: the transition and attachment buttons write through the one button edge: a refusal is rolled
    back and its message flashed on the alliance page; nothing changes."""
    alliance.state = "submitted"
    db.session.commit()
    web = login(officer)
    html = web.post(f"/alliances/{alliance.id}/transition", data={"action": "no_such_action"},
                    follow_redirects=True).get_data(as_text=True)
    assert "Acción desconocida: no_such_action" in html
    html = web.post(f"/alliances/{alliance.id}/transition", data={"action": "submit"},
                    follow_redirects=True).get_data(as_text=True)
    assert "Esta acción no es posible en el estado" in html
    web = login(board)
    resp = web.post(f"/alliances/{alliance.id}/attachments",
                    data={"kind": "other", "file": (io.BytesIO(b"hello, not a pdf"), "fake.pdf")},
                    content_type="multipart/form-data", follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and html.count("Solo se aceptan archivos PDF, JPEG o PNG.") == 1
    old = app.config["UPLOAD_MAX_BYTES"]
    app.config["UPLOAD_MAX_BYTES"] = 2 * 1024 * 1024
    try:
        resp = web.post(f"/alliances/{alliance.id}/attachments",
                        data={"kind": "other", "file": (io.BytesIO(PDF + b"0" * 3 * 1024 * 1024), "big.pdf")},
                        content_type="multipart/form-data", follow_redirects=True)
    finally:
        app.config["UPLOAD_MAX_BYTES"] = old
    assert "El archivo pesa más de 2 MB." in resp.get_data(as_text=True)
    db.session.refresh(alliance)
    assert alliance.state == "submitted" and not alliance.attachments
