"""Association, member and buyer pages: who sees what (404 for what one may not see), masking of
personal data, forms that keep typed values, and an audit event for every member change."""
import re

import pytest
import sqlalchemy as sa

from grants.associations import services
from grants.associations.models import Association, Buyer, Member
from grants.audit.models import Event


@pytest.fixture
def web(login, db):
    """A signed-in client whose pages are in English (the assertions read English text)."""
    def make(user):
        user.locale = "en"
        db.session.commit()
        return login(user)

    return make


@pytest.fixture
def maria(db, admin, association):
    m = services.add_member(association, {"full_name": "María Quispe Mamani", "national_id": "4567123",
                                          "sex": "F", "birth_year": "1978", "hectares": "3.5"}, admin)
    db.session.commit()
    return m


def events(db, action):
    return db.session.execute(sa.select(Event).where(Event.action == action).order_by(Event.id)).scalars().all()


def count_members(db, association):
    return db.session.execute(sa.select(sa.func.count()).select_from(Member)
                              .where(Member.association_id == association.id)).scalar()


def text(resp):
    return resp.get_data(as_text=True)


# ---- access -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["", "/edit", "/members", "/members/new", "/members/import",
                                  "/members/export.csv"])
def test_outsiders_get_404(web, association, other_board, other_officer, committee, path):
    for user in (other_board, other_officer, committee):
        assert web(user).get(f"/associations/{association.id}{path}").status_code == 404, user.name


def test_outsiders_get_404_on_a_member(web, association, maria, other_board, other_officer):
    for user in (other_board, other_officer):
        c = web(user)
        assert c.get(f"/associations/{association.id}/members/{maria.id}/edit").status_code == 404
        assert c.post(f"/associations/{association.id}/members/{maria.id}/remove").status_code == 404
    assert db_member_exists(maria)


def db_member_exists(member):
    from grants.extensions import db

    return db.session.get(Member, member.id) is not None


def test_unknown_or_malformed_ids(web, admin, association):
    c = web(admin)
    assert c.get("/associations/999999").status_code == 404
    assert c.get("/associations/abc").status_code == 404
    assert c.get(f"/associations/{association.id}/members/999999/edit").status_code == 404
    assert c.get("/associations/buyers/424242").status_code == 404
    assert c.get("/associations/?page=abc&level=9&region=Nowhere").status_code == 200


def test_list_shows_only_visible_associations(web, association, other_association, officer, board, auditor):
    assert association.name in text(web(officer).get("/associations/"))
    assert other_association.name not in text(web(officer).get("/associations/"))
    page = text(web(board).get("/associations/"))
    assert association.name in page and other_association.name not in page
    page = text(web(auditor).get("/associations/"))
    assert association.name in page and other_association.name in page


def test_list_filters_search_and_masked_account(web, admin, association, other_association):
    c = web(admin)
    page = text(c.get("/associations/?region=Potosí"))
    assert other_association.name in page and association.name not in page
    page = text(c.get(f"/associations/?q={association.legal_id.lower()}"))
    assert association.name in page and other_association.name not in page
    assert association.bank_account not in page and association.bank_account_masked in page
    assert other_association.name not in text(c.get("/associations/?level=2"))


def test_list_is_paginated(web, admin, make_association):
    for _ in range(27):
        make_association()
    c = web(admin)
    first, second = text(c.get("/associations/")), text(c.get("/associations/?page=2"))
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    names = re.compile(r"Asociación de Productores \d+")
    assert len(set(names.findall(first))) == 25 and len(set(names.findall(second))) == 2


def test_detail_shows_facts_board_and_alliances(web, officer, association, board, treasurer, alliance):
    page = text(web(officer).get(f"/associations/{association.id}"))
    for fact in (association.legal_id, association.tax_id, association.municipality, association.region,
                 association.bank_account, board.name, treasurer.name, alliance.code):
        assert fact in page
    assert f"/alliances/{alliance.id}" in page


@pytest.mark.parametrize("who,full", [("admin", True), ("officer", True), ("board", True), ("auditor", False),
                                      ("member_user", False), ("treasurer", False), ("finance", False)])
def test_bank_account_full_only_for_admin_officer_board(request, web, association, who, full):
    page = text(web(request.getfixturevalue(who)).get(f"/associations/{association.id}"))
    assert (association.bank_account in page) == full
    assert association.bank_account_masked in page or full


# ---- member data by role ------------------------------------------------------------------------------

def test_board_sees_member_data_and_the_read_is_audited(web, board, association, maria, db):
    c = web(board)
    page = text(c.get(f"/associations/{association.id}/members"))
    assert "María Quispe Mamani" in page and "4567123" in page and "1978" in page
    ev = events(db, "view_members")
    assert len(ev) == 1 and ev[0].actor_id == board.id and maria.id in ev[0].data_dict()["member_ids"]
    page = text(c.get(f"/associations/{association.id}/members?q=quispe"))
    assert "4567123" in page and not re.search(r"Socia \d+-\d+", page)
    assert events(db, "view_members")[-1].data_dict()["member_ids"] == [maria.id]
    c.get(f"/associations/{association.id}/members/{maria.id}/edit")
    assert events(db, "view_members")[-1].data_dict() == {"member_ids": [maria.id]}


def test_detail_page_shows_counts_not_people(web, board, association, maria):
    page = text(web(board).get(f"/associations/{association.id}"))
    assert "Quispe" not in page and "4567123" not in page
    assert ("Members", "26") in re.findall(r"<dt>(\w+)</dt><dd>(\d+)</dd>", page)


def test_auditor_sees_masked_data(web, auditor, association, maria, db):
    page = text(web(auditor).get(f"/associations/{association.id}/members"))
    assert "M. Q. M." in page and "•••••123" in page and "1970s" in page
    assert "4567123" not in page and "Quispe" not in page and "1978" not in page
    assert events(db, "view_members") == []  # nothing personal was read
    page = text(web(auditor).get(f"/associations/{association.id}"))
    assert "4567123" not in page and "Quispe" not in page
    # a masked reader cannot probe names through the search
    page = text(web(auditor).get(f"/associations/{association.id}/members?q=zzz"))
    assert "M. Q. M." in page


@pytest.mark.parametrize("who", ["member_user", "treasurer", "finance"])
def test_others_see_counts_only(request, web, association, maria, who):
    for path in ("", "/members"):
        page = text(web(request.getfixturevalue(who)).get(f"/associations/{association.id}{path}"))
        assert "Quispe" not in page and "M. Q. M." not in page and not re.search(r"Socia \d+-\d+", page)
        assert not re.search(r"\b4567123\b", page) and "•••••123" not in page
        counts = re.findall(r"<dt>(\w+)</dt><dd>(\d+)</dd>", page)
        assert ("Members", "26") in counts and ("Women", "14") in counts and ("Men", "12") in counts
    c = web(request.getfixturevalue(who))
    assert c.get(f"/associations/{association.id}/members/export.csv").status_code == 403
    assert c.get(f"/associations/{association.id}/members/new").status_code == 403
    assert c.post(f"/associations/{association.id}/members/{maria.id}/remove").status_code == 403


def test_members_list_is_paginated(web, officer, association, maria):
    c = web(officer)
    first = text(c.get(f"/associations/{association.id}/members"))
    second = text(c.get(f"/associations/{association.id}/members?page=2"))
    ids = re.compile(r"\d+-\d{4}")
    assert len(ids.findall(first)) + len(ids.findall(second)) == 25 and "Page 2 of 2" in second


# ---- association forms ----------------------------------------------------------------------------------

def new_association(**extra):
    return {"name": "Asociación Flor de Quinua", "legal_id": "PJ-2020-15", "tax_id": "4455667",
            "level": "1", "parent_id": "", "municipality": "Salinas", "region": "La Paz", "founded_year": "2004",
            "bank_name": "BancoSol", "bank_account": "2233445566", **extra}


def test_officer_creates_in_own_region(web, officer, db):
    resp = web(officer).post("/associations/new", data=new_association())
    assert resp.status_code == 302
    a = db.session.execute(sa.select(Association).where(Association.name == "Asociación Flor de Quinua")).scalar()
    assert a.region == "La Paz" and a.founded_year == 2004 and a.bank_account == "2233445566"
    assert events(db, "create_association")[-1].object_id == a.id


def test_officer_cannot_create_elsewhere_and_keeps_values(web, officer, db):
    resp = web(officer).post("/associations/new", data=new_association(region="Potosí"))
    page = text(resp)
    assert resp.status_code == 422
    assert "You may only register associations in your regions" in page
    assert 'value="Asociación Flor de Quinua"' in page and 'value="2233445566"' in page
    assert db.session.execute(sa.select(sa.func.count()).select_from(Association)).scalar() == 0


def test_create_validation_keeps_typed_values(web, admin, db):
    resp = web(admin).post("/associations/new", data=new_association(municipality="", founded_year="dos mil"))
    page = text(resp)
    assert resp.status_code == 422 and page.count('class="error"') >= 2
    assert 'value="PJ-2020-15"' in page and 'value="dos mil"' in page


def test_service_errors_show_on_the_form(web, admin, association, db):
    parent = services.create_association({"name": "Central Norte", "municipality": "X", "region": "La Paz",
                                          "level": 3}, admin)
    db.session.commit()
    # a level-3 association cannot sit under a level-3 parent: the service says so, the form keeps the values
    resp = web(admin).post("/associations/new", data=new_association(level="3", parent_id=str(parent.id)))
    assert resp.status_code == 422
    page = text(resp)
    assert "The parent must be of a higher level" in page and 'value="Asociación Flor de Quinua"' in page


def test_nobody_else_creates(web, board, auditor, member_user):
    for user in (board, auditor, member_user):
        assert web(user).get("/associations/new").status_code == 403
        assert web(user).post("/associations/new", data=new_association()).status_code == 403


def test_board_edits_own_association(web, board, association, db):
    c = web(board)
    assert c.get(f"/associations/{association.id}/edit").status_code == 200
    data = new_association(name=association.name, region=association.region, phone="71234567",
                           version=str(association.version))
    resp = c.post(f"/associations/{association.id}/edit", data=data)
    assert resp.status_code == 302
    assert db.session.get(Association, association.id).phone == "71234567"
    assert events(db, "update_association")[-1].object_id == association.id


def test_board_cannot_move_association_and_stale_version(web, board, association, db):
    c = web(board)
    resp = c.post(f"/associations/{association.id}/edit", data=new_association(region="Potosí"))
    assert resp.status_code == 422 and 'value="Potosí"' in text(resp)
    assert db.session.get(Association, association.id).region == "La Paz"
    resp = c.post(f"/associations/{association.id}/edit", data=new_association(version="0"))
    assert resp.status_code == 409
    assert db.session.get(Association, association.id).name != "Asociación Flor de Quinua"


def test_edit_refused_to_readers(web, association, auditor, member_user, treasurer):
    for user in (auditor, member_user, treasurer):
        assert web(user).get(f"/associations/{association.id}/edit").status_code == 403


# ---- member forms: every change audited ----------------------------------------------------------------

MEMBER = {"full_name": "Juana Condori", "national_id": "7654321", "sex": "F", "birth_year": "1985",
          "indigenous": "y", "hectares": "1,5", "phone": ""}


def test_board_adds_member(web, board, association, db):
    resp = web(board).post(f"/associations/{association.id}/members/new", data=MEMBER)
    assert resp.status_code == 302
    m = db.session.execute(sa.select(Member).where(Member.national_id == "7654321")).scalar()
    assert m.association_id == association.id and m.indigenous and str(m.hectares) == "1.50"
    ev = events(db, "add_member")[-1]
    assert ev.object_id == m.id and ev.actor_id == board.id


def test_add_member_errors_keep_values(web, officer, association, db):
    c = web(officer)
    resp = c.post(f"/associations/{association.id}/members/new", data={**MEMBER, "full_name": "", "birth_year": "85"})
    assert resp.status_code == 422 and 'value="7654321"' in text(resp)
    existing = db.session.execute(sa.select(Member.national_id).where(Member.association_id == association.id)).scalar()
    resp = c.post(f"/associations/{association.id}/members/new", data={**MEMBER, "national_id": existing})
    page = text(resp)
    assert resp.status_code == 422 and "already registered" in page and 'value="Juana Condori"' in page
    assert count_members(db, association) == 25


def test_edit_member_writes_event(web, admin, association, maria, db):
    c = web(admin)
    page = text(c.get(f"/associations/{association.id}/members/{maria.id}/edit"))
    assert 'value="4567123"' in page
    data = {"full_name": "María Quispe Mamani", "national_id": "4567123", "sex": "F", "birth_year": "1979",
            "hectares": "3.50", "active": "y", "version": str(maria.version)}
    assert c.post(f"/associations/{association.id}/members/{maria.id}/edit", data=data).status_code == 302
    assert db.session.get(Member, maria.id).birth_year == 1979
    ev = events(db, "update_member")[-1]
    assert ev.object_id == maria.id and ev.data_dict()["birth_year"] == {"from": 1978, "to": 1979}
    # a stale form changes nothing
    resp = c.post(f"/associations/{association.id}/members/{maria.id}/edit", data={**data, "birth_year": "1990"})
    assert resp.status_code == 409 and db.session.get(Member, maria.id).birth_year == 1979


def test_remove_member_deletes_or_deactivates(web, board, association, alliance, maria, db):
    c = web(board)
    assert c.post(f"/associations/{association.id}/members/{maria.id}/remove").status_code == 302
    assert db.session.get(Member, maria.id) is None
    assert events(db, "remove_member")[-1].object_id == maria.id
    linked = alliance.member_ids[0]
    assert c.post(f"/associations/{association.id}/members/{linked}/remove").status_code == 302
    assert db.session.get(Member, linked).active is False
    assert events(db, "deactivate_member")[-1].object_id == linked


def test_member_of_another_association_is_404(web, board, association, other_association, db):
    stranger = db.session.execute(sa.select(Member).where(Member.association_id == other_association.id)).scalar()
    c = web(board)
    assert c.get(f"/associations/{association.id}/members/{stranger.id}/edit").status_code == 404
    assert c.post(f"/associations/{association.id}/members/{stranger.id}/remove").status_code == 404
    assert db.session.get(Member, stranger.id) is not None


def test_auditor_cannot_change_members(web, auditor, association, maria):
    c = web(auditor)
    assert c.get(f"/associations/{association.id}/members/new").status_code == 403
    assert c.post(f"/associations/{association.id}/members/new", data=MEMBER).status_code == 403
    assert c.post(f"/associations/{association.id}/members/{maria.id}/remove").status_code == 403


def test_csrf_is_required(request, web, board, association, db):
    c = web(board)
    request.getfixturevalue("csrf_on")  # after signing in
    resp = c.post(f"/associations/{association.id}/members/new", data=MEMBER)
    assert resp.status_code == 400 and count_members(db, association) == 25


# ---- export --------------------------------------------------------------------------------------------

def test_export_is_logged_and_full_for_board(web, board, association, maria, db):
    resp = web(board).get(f"/associations/{association.id}/members/export.csv")
    body = resp.get_data().decode("utf-8-sig")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert body.splitlines()[0].startswith("nombre_completo,ci,sexo")
    assert "María Quispe Mamani,4567123,F,1978" in body and len(body.splitlines()) == 27
    ev = events(db, "export_members")
    assert len(ev) == 1 and ev[0].actor_id == board.id and ev[0].data_dict()["count"] == 26


def test_export_is_masked_for_auditor(web, auditor, association, maria, db):
    body = web(auditor).get(f"/associations/{association.id}/members/export.csv").get_data().decode("utf-8-sig")
    assert "4567123" not in body and "M. Q. M.,•••••123" in body
    assert events(db, "export_members")[-1].data_dict()["masked"] is True


def test_export_neutralises_formulas(web, admin, association, db):
    services.add_member(association, {"full_name": "=HYPERLINK(\"x\")", "national_id": "+123", "sex": "M"}, admin)
    db.session.commit()
    body = web(admin).get(f"/associations/{association.id}/members/export.csv").get_data().decode("utf-8-sig")
    assert "'=HYPERLINK" in body and "'+123" in body


# ---- buyers --------------------------------------------------------------------------------------------

def test_buyers_list_create_detail(web, board, association, alliance, db):
    c = web(board)
    page = text(c.get("/associations/buyers"))
    assert "PIL Andina S.A." in page
    resp = c.post("/associations/buyers/new", data={"name": "Irupana S.A.", "tax_id": "998877", "city": "La Paz"})
    assert resp.status_code == 302
    buyer = db.session.execute(sa.select(Buyer).where(Buyer.tax_id == "998877")).scalar()
    assert events(db, "create_buyer")[-1].object_id == buyer.id
    page = text(c.get(f"/associations/buyers/{alliance.buyer_id}"))
    assert alliance.code in page and f"/alliances/{alliance.id}" in page


def test_buyer_duplicate_keeps_values(web, officer, alliance):
    resp = web(officer).post("/associations/buyers/new", data={"name": "Otra PIL", "tax_id": "1020304050"})
    assert resp.status_code == 422
    page = text(resp)
    assert "already registered" in page and 'value="Otra PIL"' in page


def test_buyer_detail_hides_alliances_one_may_not_see(web, other_board, alliance):
    page = text(web(other_board).get(f"/associations/buyers/{alliance.buyer_id}"))
    assert "PIL Andina S.A." in page and alliance.code not in page


def test_buyers_refused_to_plain_members(web, member_user, auditor, alliance):
    c = web(member_user)
    assert c.get("/associations/buyers").status_code == 403
    assert c.get(f"/associations/buyers/{alliance.buyer_id}").status_code == 404
    assert c.post("/associations/buyers/new", data={"name": "X"}).status_code == 403
    assert web(auditor).get("/associations/buyers").status_code == 200
    assert web(auditor).get("/associations/buyers/new").status_code == 403


@pytest.mark.committing
def test_reading_and_exporting_members_is_audited_by_the_edges_commit(web, board, association, maria, db):
    """Member pages and the CSV are GETs that write their audit event: the request edge commits it, not the view."""
    c = web(board)
    assert c.get(f"/associations/{association.id}/members").status_code == 200
    assert c.get(f"/associations/{association.id}/members/export.csv").status_code == 200
    db.session.rollback()  # the test's session sees only what the requests committed
    assert len(events(db, "view_members")) == 1 and len(events(db, "export_members")) == 1
