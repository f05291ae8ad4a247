"""The business intention: profile editing (web and API), revisions at each submission, the diff,
the profile PDF, and who may do what."""
import io

import pytest
import sqlalchemy as sa

from grants.audit.models import Event
from grants.extensions import db
from grants.proposals.models import Profile, ProfileRevision

from tests.proposal_support import PDF, act, attach, english, events, pdf_text, ready, submitted  # noqa: F401

FORM = {"location": "Comunidad Belén, Achacachi", "business_idea": "Centro de acopio con tanque de frío",
        "market_opportunity": "PIL compra toda la leche fría", "current_production": "3.000 litros por día",
        "current_sales": "450000.00", "estimated_investment": "500000,50", "loi_volume": "900000",
        "loi_unit": "litros", "loi_price": "3.80", "loi_quality": "Leche fría a 4 °C, acidez 0,16",
        "loi_delivery": "Diaria, de enero a diciembre", "loi_signed_on": "2026-02-10"}


def test_the_board_completes_the_profile_on_the_page(login, alliance, board):
    client = login(board)
    assert client.get(f"/alliances/{alliance.id}/profile").status_code == 200
    data = {**FORM, "buyer_letter": (io.BytesIO(PDF), "carta-pil.pdf")}
    resp = client.post(f"/alliances/{alliance.id}/profile", data=data, content_type="multipart/form-data")
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    prof = db.session.execute(sa.select(Profile).where(Profile.alliance_id == alliance.id)).scalar_one()
    assert prof.location == FORM["location"]
    assert str(prof.estimated_investment) == "500000.50"
    assert str(prof.loi_price) == "3.80" and str(prof.loi_volume) == "900000.00"
    assert prof.loi_signed_on.isoformat() == "2026-02-10"
    db.session.refresh(alliance)
    assert alliance.attachment_of("buyer_letter").filename == "carta-pil.pdf"
    assert [e.action for e in events(alliance)][-2:] == ["create_profile", "add_attachment"]
    page = client.get(f"/alliances/{alliance.id}").get_data(as_text=True)
    assert "Centro de acopio con tanque de frío" in page and "litros" in page
    assert 'class="ok" id="precheck"' in page  # every automatic check passes


def test_bad_input_keeps_what_was_typed(login, alliance, board):
    english(board)
    client = login(board)
    resp = client.post(f"/alliances/{alliance.id}/profile", data={**FORM, "loi_price": "tres"})
    assert resp.status_code == 422
    text = resp.get_data(as_text=True)
    assert "Centro de acopio con tanque de frío" in text and "Write the amount like 1,250.50" in text
    assert db.session.execute(sa.select(Profile)).first() is None


def test_an_upload_that_is_not_a_document_is_refused_and_nothing_saved(login, alliance, board):
    client = login(board)
    data = {**FORM, "buyer_letter": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "carta.exe")}
    resp = client.post(f"/alliances/{alliance.id}/profile", data=data, content_type="multipart/form-data")
    assert resp.status_code == 415
    assert db.session.execute(sa.select(Profile)).first() is None
    assert alliance.attachments == []


def test_stale_version_on_the_page(login, alliance, board):
    client = login(board)
    client.post(f"/alliances/{alliance.id}/profile", data=FORM)
    resp = client.post(f"/alliances/{alliance.id}/profile", data={**FORM, "version": "99", "location": "Otra"})
    assert resp.status_code == 409
    assert db.session.execute(sa.select(Profile.location)).scalar() == FORM["location"]


@pytest.mark.parametrize("who, status", [("treasurer", 403), ("member_user", 403), ("officer", 403),
                                         ("other_board", 404), ("other_officer", 404)])
def test_who_may_edit_the_profile_on_the_page(request, login, alliance, who, status):
    client = login(request.getfixturevalue(who))
    assert client.get(f"/alliances/{alliance.id}/profile").status_code == status
    assert client.post(f"/alliances/{alliance.id}/profile", data=FORM).status_code == status


def test_the_profile_is_locked_once_submitted(login, submitted, board, api):
    assert login(board).get(f"/alliances/{submitted.id}/profile").status_code == 403
    resp = api(board).put(f"/alliances/{submitted.id}/profile", json={"location": "X"})
    assert resp.status_code == 403


# API ------------------------------------------------------------------------------------------------

def test_api_profile_round_trip(alliance, board, api):
    client = api(board)
    got = client.get(f"/alliances/{alliance.id}/profile").get_json()
    assert got["version"] == 0 and got["editable"] is True and got["families"] == 25
    assert got["requested_grant"] == "280000.00" and got["counterpart_share"] == "0.3171"
    body = {"location": "Achacachi", "estimated_investment": "500000.00", "current_sales": "12.5",
            "letter_of_intent": {"volume": "900000", "unit": "litros", "price": "3.80", "signed_on": "2026-02-10",
                                 "delivery_schedule": "Diaria"}}
    resp = client.put(f"/alliances/{alliance.id}/profile", json=body)
    assert resp.status_code == 200, resp.get_json()
    out = resp.get_json()
    assert out["version"] == 1 and out["current_sales"] == "12.50"
    assert out["letter_of_intent"] == {"volume": "900000.00", "unit": "litros", "price": "3.80", "quality": "",
                                       "delivery_schedule": "Diaria", "signed_on": "2026-02-10", "attached": False}
    # a second write must name the version it read
    assert client.put(f"/alliances/{alliance.id}/profile", json={"location": "B"}).status_code == 409
    stale = client.put(f"/alliances/{alliance.id}/profile", json={"location": "B", "version": 7})
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "stale_version"
    ok = client.put(f"/alliances/{alliance.id}/profile", json={"location": "B", "version": 1})
    assert ok.status_code == 200 and ok.get_json()["version"] == 2
    assert ok.get_json()["estimated_investment"] == "500000.00"  # left out: kept
    ev = db.session.execute(sa.select(Event).where(Event.action == "update_profile")).scalar_one()
    assert ev.data_dict() == {"location": {"from": "Achacachi", "to": "B"}}


@pytest.mark.parametrize("body, status", [
    ({"estimated_investment": 12.5}, 400),           # money as a number with a fraction
    ({"estimated_investment": "-1.00"}, 422),
    ({"estimated_investment": "abc"}, 422),
    ({"location": "x" * 201}, 422),
    ({"letter_of_intent": {"signed_on": "ayer"}}, 400),
    ({"unknown": 1}, 422),
    ({"location": ["a"]}, 400),
])
def test_api_profile_refuses_bad_input(alliance, board, api, body, status):
    resp = api(board).put(f"/alliances/{alliance.id}/profile", json=body)
    assert resp.status_code == status, resp.get_json()
    assert db.session.execute(sa.select(Profile)).first() is None


def test_api_profile_garbage(alliance, board, api):
    client = api(board)
    assert client.put(f"/alliances/{alliance.id}/profile", data="{nope", content_type="application/json") \
        .status_code == 400
    assert client.get("/alliances/999999/profile").status_code == 404
    assert client.get("/alliances/abc/profile").status_code == 404


@pytest.mark.parametrize("who, get, put", [("board", 200, 200), ("treasurer", 200, 403), ("member_user", 200, 403),
                                           ("officer", 200, 403), ("auditor", 200, 403),
                                           ("other_board", 404, 404), ("other_officer", 404, 404),
                                           ("committee", 404, 404)])
def test_api_profile_access(request, alliance, api, who, get, put):
    client = api(request.getfixturevalue(who))
    assert client.get(f"/alliances/{alliance.id}/profile").status_code == get
    assert client.put(f"/alliances/{alliance.id}/profile", json={"location": "X"}).status_code == put


# revisions ------------------------------------------------------------------------------------------

def test_each_submission_is_a_revision_and_the_officer_sees_what_changed(ready, board, officer, api, login,
                                                                       make_user, association):
    act(ready, "submit", board)
    act(ready, "return_for_info", officer, comment="Falta el precio en la carta")
    client = api(board)
    client.put(f"/alliances/{ready.id}/profile", json={"letter_of_intent": {"price": "3.90"}})
    patched = client.patch(f"/alliances/{ready.id}", json={"version": ready.version,
                                                           "requested_grant": "270000.00"})
    assert patched.status_code == 200, patched.get_json()
    attach(ready, board, name="carta-firmada.pdf", data=PDF + b"%signed")
    act(ready, "submit", board)
    revs = db.session.execute(sa.select(ProfileRevision).order_by(ProfileRevision.number)).scalars().all()
    assert [r.number for r in revs] == [1, 2]
    assert revs[0].data()["alliance"]["requested_grant"] == "280000.00"
    assert revs[1].data()["profile"]["loi_price"] == "3.90"

    resp = api(officer).get(f"/alliances/{ready.id}/revisions")
    assert resp.status_code == 200
    items = resp.get_json()["items"]
    assert resp.get_json()["total"] == 2 and items[0]["changes"] is None
    changes = items[1]["changes"]
    fields = {f["field"]: (f["from"], f["to"]) for f in changes["fields"]}
    assert fields == {"requested_grant": ("280000.00", "270000.00"), "loi_price": ("0.00", "3.90")}
    assert [a["filename"] for a in changes["attachments_added"]] == ["carta-firmada.pdf"]

    page = login(officer).get(f"/alliances/{ready.id}/screening").get_data(as_text=True)
    assert 'id="changes"' in page and "270000.00" in page and "carta-firmada.pdf" in page
    detail = login(officer).get(f"/alliances/{ready.id}").get_data(as_text=True)
    assert 'id="changes"' in detail
    assert login(board).get(f"/alliances/{ready.id}/revisions").status_code == 200


def test_member_changes_show_names_only_to_those_who_may_see_them(ready, board, officer, committee, api, login):
    act(ready, "submit", board)
    act(ready, "return_for_info", officer, comment="Revisen las familias")
    dropped = ready.member_links[0].member
    resp = api(board).patch(f"/alliances/{ready.id}", json={"version": ready.version,
                                                            "member_ids": ready.member_ids[1:]})
    assert resp.status_code == 200, resp.get_json()
    act(ready, "submit", board)
    page = login(officer).get(f"/alliances/{ready.id}/screening").get_data(as_text=True)
    assert dropped.full_name in page
    changes = api(officer).get(f"/alliances/{ready.id}/revisions").get_json()["items"][1]["changes"]
    assert changes["members_removed"] == [dropped.id]
    assert {f["field"]: f["to"] for f in changes["fields"]}["families"] == 24
    ready.state = "eligible"
    db.session.commit()
    seen = api(committee).get(f"/alliances/{ready.id}/revisions").get_json()["items"][1]
    assert seen["changes"]["members_removed"] == [] and seen["snapshot"]["member_ids"] == []
    assert dropped.full_name not in login(committee).get(f"/alliances/{ready.id}").get_data(as_text=True)


# PDF ------------------------------------------------------------------------------------------------

def test_profile_pdf_for_the_board_to_print_and_sign(ready, board, login, api, association):
    api(board).put(f"/alliances/{ready.id}/profile", json={
        "location": "Comunidad Ñuñoa, Achacachi", "business_idea": "¿Acopio? ¡Sí! Leche fría",
        "letter_of_intent": {"volume": "900000", "unit": "litros", "price": "3.80"}})
    resp = login(board).get(f"/alliances/{ready.id}/profile.pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    text = pdf_text(resp.data)
    for expected in (ready.code, association.name, "Comunidad Ñuñoa", "¿Acopio? ¡Sí! Leche fría", "PIL Andina",
                     "litros", "Bernarda Presidenta", ready.member_links[0].member.full_name):
        assert expected in text, expected
    via_api = api(board).get(f"/alliances/{ready.id}/documents/profile")
    assert via_api.status_code == 200 and via_api.data.startswith(b"%PDF")


def test_profile_pdf_hides_member_names_from_those_who_may_not_see_them(submitted, committee, login):
    submitted.state = "eligible"
    db.session.commit()
    text = pdf_text(login(committee).get(f"/alliances/{submitted.id}/profile.pdf").data)
    assert submitted.code in text
    assert submitted.member_links[0].member.full_name not in text


def test_profile_pdf_of_another_association_is_not_found(ready, other_board, api, login):
    assert login(other_board).get(f"/alliances/{ready.id}/profile.pdf").status_code == 404
    assert api(other_board).get(f"/alliances/{ready.id}/documents/profile").status_code == 404


def test_the_forms_need_the_csrf_token(app, login, alliance, board):
    client = login(board)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post(f"/alliances/{alliance.id}/profile", data=FORM).status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert db.session.execute(sa.select(Profile)).first() is None
    page = client.get(f"/alliances/{alliance.id}/profile").get_data(as_text=True)
    assert 'name="csrf_token"' in page
