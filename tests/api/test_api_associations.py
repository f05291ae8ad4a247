"""API: associations (visibility, masking of the bank account) and members (confidential)."""
import sqlalchemy as sa

from grants.associations.models import Association, Member
from grants.audit.models import Event
from tests.api.test_api_support import assert_error, fields_of

NEW = {"name": "Asociación Nueva", "legal_id": "PJ-77", "tax_id": "777", "level": 1, "municipality": "Sorata",
       "region": "La Paz", "bank_account": "2000123456"}


def _events(db, action):
    return db.session.execute(sa.select(Event).where(Event.action == action).order_by(Event.id)).scalars().all()


# --- associations ---------------------------------------------------------------------------------


def test_list_shows_only_visible_associations(api, association, other_association, officer, other_board,
                                              auditor, member_user):
    ids = lambda user, q="": {a["id"] for a in api(user).get(f"/associations{q}").get_json()["items"]}  # noqa: E731
    assert ids(officer) == {association.id}
    assert ids(other_board) == {other_association.id}
    assert ids(member_user) == {association.id}
    assert ids(auditor) == {association.id, other_association.id}
    assert ids(auditor, "?region=Potos%C3%AD") == {other_association.id}
    assert ids(auditor, f"?q={association.name[-4:]}") == {association.id}
    assert ids(auditor, f"?q={association.tax_id}") == {association.id}


def test_another_associations_object_is_404(api, association, other_association, other_board, other_officer):
    for user in (other_board, other_officer):
        client = api(user)
        assert_error(client.get(f"/associations/{association.id}"), 404, "not_found")
        assert_error(client.patch(f"/associations/{association.id}", json={"version": 1, "name": "X"}), 404)
        assert_error(client.get(f"/associations/{association.id}/members"), 404, "not_found")
        assert_error(client.post(f"/associations/{association.id}/members",
                                 json={"full_name": "X", "national_id": "1", "sex": "F"}), 404)
    assert api(other_board).get(f"/associations/{other_association.id}").status_code == 200


def test_bank_account_masked_unless_editor(api, association, board, officer, admin, auditor, member_user, finance):
    full = association.bank_account
    for user in (board, officer, admin):
        assert api(user).get(f"/associations/{association.id}").get_json()["bank_account"] == full
    for user in (auditor, member_user, finance):
        shown = api(user).get(f"/associations/{association.id}").get_json()["bank_account"]
        assert shown != full and shown.endswith(full[-4:]) and len(shown) == len(full)


def test_create_association_permissions(api, db, admin, officer, other_officer, board):
    resp = api(officer).post("/associations", json=NEW)
    assert resp.status_code == 201, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["region"] == "La Paz" and body["bank_account"] == "2000123456" and body["version"] == 1
    assert db.session.get(Association, body["id"]).legal_id == "PJ-77"
    assert _events(db, "create_association")[-1].object_id == body["id"]
    assert_error(api(other_officer).post("/associations", json=NEW), 403, "forbidden")
    assert_error(api(board).post("/associations", json=NEW), 403, "forbidden")
    assert api(admin).post("/associations", json={**NEW, "region": "Beni"}).status_code == 201


def test_create_association_validation(api, admin, other_association):
    client = api(admin)
    err = assert_error(client.post("/associations", json={"name": "", "municipality": "", "region": "Oruro",
                                                          "founded_year": 1700}), 422, "validation_error")
    assert fields_of(err) == {"name", "municipality", "founded_year"}
    err = assert_error(client.post("/associations", json={**NEW, "level": 4}), 422)
    assert fields_of(err) == {"level"}
    err = assert_error(client.post("/associations", json={**NEW, "parent_id": other_association.id}), 422)
    assert fields_of(err) == {"parent_id"}  # a level-1 parent
    assert_error(client.post("/associations", json={**NEW, "level": "uno"}), 400, "bad_request")
    assert_error(client.post("/associations", json={**NEW, "name": "x" * 201}), 422, "validation_error")


def test_parent_of_another_region_is_unknown_to_officer(api, make_association, officer):
    parent = make_association(region="Potosí")
    parent.level = 2
    err = assert_error(api(officer).post("/associations", json={**NEW, "parent_id": parent.id}), 422)
    assert fields_of(err) == {"parent_id"}


def test_patch_association(api, db, association, board, member_user, officer):
    client = api(board)
    version = association.version
    resp = client.patch(f"/associations/{association.id}", json={"version": version, "phone": "71234567",
                                                                  "legal_id": None})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["phone"] == "71234567" and body["legal_id"] is None and body["version"] == version + 1
    ev = _events(db, "update_association")[-1]
    assert ev.data_dict()["phone"]["to"] == "71234567"
    assert_error(client.patch(f"/associations/{association.id}", json={"version": version, "phone": "1"}), 409,
                 "stale_version")
    db.session.expire_all()
    assert db.session.get(Association, association.id).phone == "71234567"
    assert_error(api(member_user).patch(f"/associations/{association.id}",
                                        json={"version": body["version"], "phone": "1"}), 403, "forbidden")
    # moving the association out of the officer's region is not the board's or that officer's call
    for user in (board, officer):
        assert_error(api(user).patch(f"/associations/{association.id}",
                                     json={"version": body["version"], "region": "Beni"}), 403, "forbidden")
    assert_error(client.patch(f"/associations/{association.id}", json={"phone": "1"}), 422, "validation_error")


# --- members --------------------------------------------------------------------------------------


def test_board_lists_members_and_the_read_is_audited(api, db, association, board):
    body = api(board).get(f"/associations/{association.id}/members?per_page=10").get_json()
    assert body["total"] == 25 and len(body["items"]) == 10
    first = body["items"][0]
    assert first["masked"] is False and first["national_id"].count("-") == 1
    assert first["hectares"] == "2.50" and first["sex"] in ("F", "M")
    ev = _events(db, "view_members")[-1]
    assert ev.actor_id == board.id and ev.association_id == association.id
    assert ev.data_dict()["member_ids"] == [m["id"] for m in body["items"]]


def test_auditor_sees_members_masked(api, db, association, auditor):
    real = db.session.execute(sa.select(Member).where(Member.association_id == association.id)
                              .order_by(Member.full_name, Member.id)).scalars().first()
    client = api(auditor)
    item = client.get(f"/associations/{association.id}/members").get_json()["items"][0]
    assert item["masked"] is True and item["id"] == real.id
    assert item["full_name"] != real.full_name and item["full_name"][0] == real.full_name[0]
    assert item["national_id"] != real.national_id and item["national_id"].endswith(real.national_id[-2:])
    assert item["sex"] == real.sex and item["hectares"] == "3.00"  # rounded, as the page shows it
    assert item["birth_year"] is None and item["phone"] is None
    single = client.get(f"/associations/{association.id}/members/{real.id}").get_json()
    assert single["masked"] is True and single["national_id"] == item["national_id"]
    assert _events(db, "view_members") == []  # nothing personal was read
    assert_error(client.get(f"/associations/{association.id}/members?q=Socia"), 403, "forbidden")
    assert_error(client.post(f"/associations/{association.id}/members",
                             json={"full_name": "X", "national_id": "1", "sex": "F"}), 403, "forbidden")


def test_members_are_confidential(api, association, member_user, treasurer, finance):
    for user in (member_user, treasurer, finance):
        assert_error(api(user).get(f"/associations/{association.id}/members"), 403, "forbidden")


def test_add_update_remove_member(api, db, association, board, make_alliance):
    client = api(board)
    base = f"/associations/{association.id}/members"
    resp = client.post(base, json={"full_name": "Juana Mamani", "national_id": "4455667", "sex": "F",
                                   "birth_year": 1980, "indigenous": True, "hectares": "3.75"})
    assert resp.status_code == 201, resp.get_data(as_text=True)
    member = resp.get_json()
    assert member["hectares"] == "3.75" and member["indigenous"] is True and member["version"] == 1
    assert _events(db, "add_member")[-1].object_id == member["id"]
    err = assert_error(client.post(base, json={"full_name": "Otra", "national_id": "4455667", "sex": "F"}), 422)
    assert fields_of(err) == {"national_id"}
    err = assert_error(client.post(base, json={"full_name": "", "national_id": "", "sex": "Q"}), 422)
    assert "sex" in fields_of(err)
    assert_error(client.post(base, json={"full_name": "A", "national_id": "9", "sex": "F", "hectares": 2.5}), 400)
    assert_error(client.post(base, json={"full_name": "A", "national_id": "9", "sex": "F", "birth_year": "old"}),
                 400)

    url = f"{base}/{member['id']}"
    resp = client.patch(url, json={"version": 1, "hectares": "4.00", "phone": "700"})
    assert resp.status_code == 200 and resp.get_json()["hectares"] == "4.00"
    assert_error(client.patch(url, json={"version": 1, "hectares": "5.00"}), 409, "stale_version")
    db.session.expire_all()
    assert str(db.session.get(Member, member["id"]).hectares) == "4.00"

    resp = client.delete(url)
    assert resp.status_code == 200 and resp.get_json() == {"id": member["id"], "result": "deleted"}
    assert db.session.get(Member, member["id"]) is None
    assert_error(client.delete(url), 404, "not_found")

    # a member who takes part in an alliance is kept, inactive
    alliance = make_alliance(families=20)
    taking_part = alliance.member_ids[0]
    resp = client.delete(f"{base}/{taking_part}")
    assert resp.get_json() == {"id": taking_part, "result": "deactivated"}
    db.session.expire_all()
    assert db.session.get(Member, taking_part).active is False
    active = client.get(f"{base}?active=true&per_page=100").get_json()
    assert taking_part not in {m["id"] for m in active["items"]} and active["total"] == 24


def test_member_of_another_association_is_404(api, db, association, other_association, board):
    foreign = db.session.execute(sa.select(Member.id).where(Member.association_id == other_association.id)).scalar()
    client = api(board)
    assert_error(client.get(f"/associations/{association.id}/members/{foreign}"), 404, "not_found")
    assert_error(client.patch(f"/associations/{association.id}/members/{foreign}",
                              json={"version": 1, "phone": "1"}), 404, "not_found")
    assert_error(client.delete(f"/associations/{association.id}/members/{foreign}"), 404, "not_found")
    assert db.session.get(Member, foreign) is not None
