"""API: alliances (drafts, edits, visibility), their actions, audit trail and attachments."""
import hashlib
import io

import pytest
import sqlalchemy as sa

from grants.alliances.models import Alliance, AllianceMember, Attachment
from grants.associations.models import Buyer, Member
from grants.audit.models import Event
from grants.errors import Violation
from grants.workflows import engine
from tests.api.test_api_support import PDF, PNG, assert_error, fields_of, rules_of
from tests.statements import statements


@pytest.fixture
def intake_ok(monkeypatch):
    """The intake rules pass (they are another stage's; here only the API is under test)."""
    monkeypatch.setitem(engine._GUARDS, "intake_eligibility", lambda obj, actor, data: [])


def _member_ids(db, association, n=22):
    return list(db.session.execute(sa.select(Member.id).where(Member.association_id == association.id)
                                   .order_by(Member.id).limit(n)).scalars())


def _draft(db, call, association, **extra):
    return {"call_id": call.id, "association_id": association.id, "title": "Quinua orgánica para exportar",
            "product": "Quinua", "buyer": {"name": "Andean Valley S.A.", "tax_id": "555111"},
            "member_ids": _member_ids(db, association), "requested_grant": "250000.00",
            "estimated_counterpart": "110000.50", **extra}


# --- the business intention -----------------------------------------------------------------------


def test_board_drafts_an_alliance(api, db, call, association, board):
    resp = api(board).post("/alliances", json=_draft(db, call, association))
    assert resp.status_code == 201, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["state"] == "draft" and body["version"] == 1
    assert body["code"].startswith(f"{call.program.code}-")
    assert body["requested_grant"] == "250000.00" and body["estimated_counterpart"] == "110000.50"
    assert body["families"] == 22 and body["member_ids"] == _member_ids(db, association)
    assert body["buyer"]["name"] == "Andean Valley S.A." and body["buyer_id"] == body["buyer"]["id"]
    assert body["association_id"] == association.id and body["currency"] == "BOB"
    alliance = db.session.get(Alliance, body["id"])
    assert str(alliance.requested_grant) == "250000.00"
    ev = db.session.execute(sa.select(Event).where(Event.alliance_id == alliance.id)).scalar_one()
    assert (ev.action, ev.to_state) == ("create", "draft")
    # the same buyer (tax id) is found, not registered twice
    api(board).post("/alliances", json=_draft(db, call, association, title="Otra"))
    assert db.session.execute(sa.select(sa.func.count()).select_from(Buyer)).scalar() == 1


def test_draft_validation_and_types(api, db, call, association, other_association, board):
    client = api(board)
    err = assert_error(client.post("/alliances", json=_draft(db, call, association, title=" ", product="",
                                                             requested_grant="abc")), 422, "validation_error")
    assert fields_of(err) == {"requested_grant"}  # a wrong value is found before the service runs
    err = assert_error(client.post("/alliances", json=_draft(db, call, association, title=" ", product="",
                                                             member_ids=_member_ids(db, other_association))),
                       422, "validation_error")
    assert fields_of(err) == {"title", "product", "member_ids"}
    for bad in ({"requested_grant": 250000.5}, {"requested_grant": ["250000.00"]}, {"estimated_counterpart": {}},
                {"member_ids": "1,2"}, {"call_id": "first"}, {"buyer": "PIL"}):
        assert_error(client.post("/alliances", json=_draft(db, call, association, **bad)), 400, "bad_request")
    assert_error(client.post("/alliances", json=_draft(db, call, association, requested_grant="-5.00")), 422)
    err = assert_error(client.post("/alliances", json={}), 422, "validation_error")
    assert {"call_id", "association_id", "title", "product"} <= fields_of(err)


def test_only_the_board_drafts_and_other_associations_do_not_leak(api, db, call, association, officer,
                                                                   other_board):
    assert_error(api(officer).post("/alliances", json=_draft(db, call, association)), 403, "forbidden")
    err = assert_error(api(other_board).post("/alliances", json=_draft(db, call, association)), 422)
    assert fields_of(err) == {"association_id"}  # the same answer as for an association that does not exist
    err = assert_error(api(other_board).post("/alliances", json=_draft(db, call, association,
                                                                       association_id=424242)), 422)
    assert fields_of(err) == {"association_id"}
    assert db.session.execute(sa.select(sa.func.count()).select_from(Alliance)).scalar() == 0


def test_list_and_filters(api, db, make_alliance, make_call, association, other_association, other_board,
                          board, auditor, officer):
    mine = make_alliance()
    second_call = make_call()
    other_call = make_alliance(the_call=second_call, title="Café especial")
    theirs = make_alliance(assoc=other_association, actor=other_board)
    ids = lambda user, q="": [a["id"] for a in api(user).get(f"/alliances{q}").get_json()["items"]]  # noqa: E731
    assert set(ids(board)) == {mine.id, other_call.id}
    assert set(ids(officer)) == {mine.id, other_call.id}
    assert ids(other_board) == [theirs.id]
    assert set(ids(auditor)) == {mine.id, other_call.id, theirs.id}
    assert ids(auditor, f"?call_id={second_call.id}") == [other_call.id]
    assert ids(auditor, f"?association_id={other_association.id}") == [theirs.id]
    assert ids(auditor, "?q=caf%C3%A9") == [other_call.id]
    assert ids(auditor, f"?q={theirs.code}") == [theirs.id]
    assert ids(auditor, "?state=submitted") == []
    assert len(ids(auditor, "?state=draft")) == 3
    assert_error(api(auditor).get("/alliances?state=flying"), 400, "bad_request")
    assert_error(api(auditor).get("/alliances?call_id=x"), 400, "bad_request")
    assert_error(api(auditor).get("/alliances?per_page=101"), 400, "bad_request")
    assert api(auditor).get("/alliances?per_page=2").get_json()["total"] == 3


def test_the_list_gives_member_ids_without_loading_a_link_object(api, db, make_alliance, other_association,
                                                                 other_board, auditor):
    """The list's member_ids come from one statement of plain ids for the page (issue 12: 1,500 link objects
    for a page of 50 at national scale), the same ids as each alliance's own answer."""
    made = [make_alliance(families=n) for n in (21, 23)] + [make_alliance(assoc=other_association, actor=other_board)]
    loaded = []

    def on_load(target, _context):
        loaded.append(target)

    sa.event.listen(AllianceMember, "load", on_load)
    try:
        client = api(auditor)
        with statements(db.engine) as seen:
            items = client.get("/alliances?per_page=2&page=1").get_json()["items"]
            second = client.get("/alliances?per_page=2&page=2").get_json()["items"]
    finally:
        sa.event.remove(AllianceMember, "load", on_load)
    assert loaded == [], len(loaded)
    assert [i["id"] for i in items + second] == [a.id for a in reversed(made)]
    for item in items + second:
        one = client.get(f"/alliances/{item['id']}").get_json()
        assert item["member_ids"] == one["member_ids"] and item["families"] == len(one["member_ids"]) > 0
    links = [q for q in seen if q.startswith("SELECT alliance_members.alliance_id, alliance_members.member_id")]
    assert len(links) == 2, links  # one statement of plain ids per page


def test_another_associations_alliance_is_404(api, alliance, other_board, other_officer):
    for user in (other_board, other_officer):
        client = api(user)
        for path in ("", "/transitions", "/events", "/attachments"):
            assert_error(client.get(f"/alliances/{alliance.id}{path}"), 404, "not_found")
        assert_error(client.patch(f"/alliances/{alliance.id}", json={"version": 1, "title": "X"}), 404)
        assert_error(client.post(f"/alliances/{alliance.id}/transitions", json={"action": "withdraw",
                                                                                "comment": "x"}), 404)
    assert_error(api(other_board).get("/alliances/0"), 404, "not_found")


def test_patch_alliance_with_version(api, db, alliance, board, officer, intake_ok):
    client = api(board)
    version = alliance.version
    keep = alliance.member_ids[:20]
    resp = client.patch(f"/alliances/{alliance.id}", json={"version": version, "requested_grant": "200000.00",
                                                           "member_ids": keep})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["requested_grant"] == "200000.00" and body["families"] == 20 and body["version"] == version + 1
    # only the members change: the version still moves
    again = client.patch(f"/alliances/{alliance.id}", json={"version": body["version"], "member_ids": keep[:19]})
    assert again.status_code == 200 and again.get_json()["version"] == body["version"] + 1
    assert_error(client.patch(f"/alliances/{alliance.id}", json={"version": version, "title": "Viejo"}), 409,
                 "stale_version")
    db.session.expire_all()
    assert db.session.get(Alliance, alliance.id).title == "Leche fresca para PIL"
    assert_error(client.patch(f"/alliances/{alliance.id}", json={"title": "Sin versión"}), 422)
    assert_error(client.patch(f"/alliances/{alliance.id}", json={"version": 3, "families": 5}), 422)  # read only
    assert_error(api(officer).patch(f"/alliances/{alliance.id}", json={"version": 3, "title": "X"}), 403)
    # once submitted, the intention is no longer editable
    v = again.get_json()["version"]
    assert client.post(f"/alliances/{alliance.id}/transitions", json={"action": "submit"}).status_code == 200
    assert_error(client.patch(f"/alliances/{alliance.id}", json={"version": v + 1, "title": "X"}), 403, "forbidden")


# --- actions --------------------------------------------------------------------------------------


def test_available_transitions_by_role(api, alliance, board, officer, auditor):
    body = api(board).get(f"/alliances/{alliance.id}/transitions").get_json()
    assert {t["action"] for t in body} == {"submit", "withdraw"}
    submit = next(t for t in body if t["action"] == "submit")
    assert submit["target"] == "submitted" and submit["label"] and submit["requires"] == []
    assert next(t for t in body if t["action"] == "withdraw")["comment_required"] is True
    assert api(officer).get(f"/alliances/{alliance.id}/transitions").get_json() == []
    assert api(auditor).get(f"/alliances/{alliance.id}/transitions").get_json() == []


def test_submit_then_screen(api, db, alliance, board, officer, intake_ok, monkeypatch):
    resp = api(board).post(f"/alliances/{alliance.id}/transitions",
                           json={"action": "submit", "comment": "Lista", "version": alliance.version})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.get_json()["state"] == "submitted"
    ev = db.session.execute(sa.select(Event).where(Event.alliance_id == alliance.id, Event.action == "submit")
                            ).scalar_one()
    assert (ev.from_state, ev.to_state, ev.comment, ev.actor_id) == ("draft", "submitted", "Lista", board.id)
    officer_actions = {t["action"] for t in api(officer).get(f"/alliances/{alliance.id}/transitions").get_json()}
    assert officer_actions == {"return_for_info", "declare_eligible", "declare_ineligible"}
    resp = api(officer).post(f"/alliances/{alliance.id}/transitions",
                             json={"action": "return_for_info", "comment": "Falta la carta del comprador"})
    assert resp.status_code == 200 and resp.get_json()["state"] == "returned"


def test_rule_violations_list_every_rule_and_change_nothing(api, db, alliance, board, monkeypatch):
    def intake(obj, actor, data):
        return [Violation("families_out_of_range", "Too few families", "member_ids"),
                Violation("buyer_letter_missing", "Attach the buyer's letter", "attachments"),
                Violation("legal_status_missing", "No legal status", None)]

    monkeypatch.setitem(engine._GUARDS, "intake_eligibility", intake)
    version = alliance.version
    resp = api(board).post(f"/alliances/{alliance.id}/transitions", json={"action": "submit"})
    err = assert_error(resp, 422, "rule_violation")
    assert rules_of(err) == {"families_out_of_range", "buyer_letter_missing", "legal_status_missing"}
    assert {"field": "member_ids", "rule": "families_out_of_range"}.items() <= err["details"][0].items()
    db.session.expire_all()
    fresh = db.session.get(Alliance, alliance.id)
    assert fresh.state == "draft" and fresh.version == version
    assert db.session.execute(sa.select(Event).where(Event.action == "submit")).scalar() is None


def test_real_intake_rules_are_all_listed(api, db, make_association, make_user, make_alliance):
    """End to end with the intake rules of the contract: every broken rule at once, by its code."""
    assoc = make_association(legal_id=None, members=25)
    president = make_user(memberships=[(assoc, "board")])
    alliance = make_alliance(assoc=assoc, actor=president, families=5)
    client = api(president)
    url = f"/alliances/{alliance.id}/transitions"
    err = assert_error(client.post(url, json={"action": "submit"}), 422, "rule_violation")
    assert {"legal_status_missing", "families_out_of_range", "buyer_letter_missing"} <= rules_of(err)
    assert _upload(client, alliance, PDF, kind="buyer_letter").status_code == 201
    err = assert_error(client.post(url, json={"action": "submit"}), 422, "rule_violation")
    assert "buyer_letter_missing" not in rules_of(err)
    assert {"legal_status_missing", "families_out_of_range"} <= rules_of(err)
    assert db.session.get(Alliance, alliance.id).state == "draft"


def test_required_comment_is_a_rule_violation(api, db, alliance, board):
    err = assert_error(api(board).post(f"/alliances/{alliance.id}/transitions", json={"action": "withdraw"}), 422,
                       "rule_violation")
    assert rules_of(err) == {"comment_required"} and fields_of(err) == {"comment"}
    resp = api(board).post(f"/alliances/{alliance.id}/transitions",
                           json={"action": "withdraw", "comment": "La asamblea decidió no seguir"})
    assert resp.status_code == 200 and resp.get_json()["state"] == "withdrawn"


def test_action_errors(api, db, alliance, board, officer, committee):
    url = f"/alliances/{alliance.id}/transitions"
    assert_error(api(board).post(url, json={"action": "fly"}), 400, "bad_request")
    assert_error(api(board).post(url, json={"comment": "no action"}), 422, "validation_error")
    assert_error(api(board).post(url, json={"action": ["submit"]}), 400, "bad_request")
    assert_error(api(board).post(url, json={"action": "withdraw", "comment": "x", "extra": {"a": 1}}), 400)
    assert_error(api(board).post(url, json={"action": "start_plan", "facilitator_id": "someone"}), 400)
    assert_error(api(board).post(url, json={"action": "approve"}), 409, "invalid_transition")
    assert_error(api(board).post(url, json={"action": "withdraw", "comment": "x", "version": 99}), 409,
                 "stale_version")
    assert_error(api(officer).post(url, json={"action": "submit"}), 403, "forbidden")
    assert db.session.get(Alliance, alliance.id).state == "draft"


def test_cancel_needs_a_reason_beside_the_action(api, db, alliance, officer):
    alliance.state = "in_execution"
    db.session.commit()
    url = f"/alliances/{alliance.id}/transitions"
    err = assert_error(api(officer).post(url, json={"action": "cancel"}), 422, "rule_violation")
    assert fields_of(err) == {"reason"}
    resp = api(officer).post(url, json={"action": "cancel", "reason": "Desvío de fondos"})
    assert resp.status_code == 200 and resp.get_json()["state"] == "cancelled"
    ev = db.session.execute(sa.select(Event).where(Event.action == "cancel")).scalar_one()
    assert ev.data_dict() == {"reason": "Desvío de fondos"}


def test_events_are_the_audit_trail(api, alliance, board, auditor, intake_ok):
    api(board).post(f"/alliances/{alliance.id}/transitions", json={"action": "submit", "comment": "Va"})
    body = api(auditor).get(f"/alliances/{alliance.id}/events").get_json()
    assert body["total"] == 2
    assert [e["action"] for e in body["items"]] == ["create", "submit"]
    submit = body["items"][1]
    assert (submit["from_state"], submit["to_state"], submit["comment"]) == ("draft", "submitted", "Va")
    assert submit["actor_id"] == board.id and len(submit["hash"]) == 64 and submit["created_at"].endswith("Z")
    assert body["items"][0]["data"]["code"] == alliance.code
    assert api(auditor).get(f"/alliances/{alliance.id}/events?per_page=1&page=2").get_json()["items"][0][
        "action"] == "submit"


# --- attachments ----------------------------------------------------------------------------------


def test_upload_list_download(api, db, alliance, board, auditor):
    client = api(board)
    resp = client.post(f"/alliances/{alliance.id}/attachments",
                       data={"kind": "buyer_letter", "file": (io.BytesIO(PDF), "carta.pdf")},
                       content_type="multipart/form-data")
    assert resp.status_code == 201, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest() and body["content_type"] == "application/pdf"
    assert (body["kind"], body["filename"], body["size"]) == ("buyer_letter", "carta.pdf", len(PDF))
    assert db.session.execute(sa.select(Event).where(Event.action == "add_attachment")).scalar().alliance_id == \
        alliance.id
    listing = api(auditor).get(f"/alliances/{alliance.id}/attachments").get_json()
    assert [a["id"] for a in listing["items"]] == [body["id"]] and listing["total"] == 1
    download = api(auditor).get(f"/alliances/{alliance.id}/attachments/{body['id']}")
    try:
        assert download.status_code == 200 and download.data == PDF
        assert download.mimetype == "application/pdf"
        assert "carta.pdf" in download.headers["Content-Disposition"]
    finally:
        download.close()


def _upload(client, alliance, content, name="doc.pdf", kind="legal_status"):
    return client.post(f"/alliances/{alliance.id}/attachments",
                       data={"kind": kind, "file": (io.BytesIO(content), name)}, content_type="multipart/form-data")


def test_upload_checks_type_by_content_and_size(api, app, db, alliance, board, monkeypatch):
    client = api(board)
    err = assert_error(_upload(client, alliance, b"MZ\x90\x00 not a pdf", name="virus.pdf"), 415, "unsupported_type")
    assert rules_of(err) == {"unsupported_type"}
    assert_error(_upload(client, alliance, b"<html>hi</html>", name="page.png"), 415, "unsupported_type")
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 1024)
    assert_error(_upload(client, alliance, PDF + b"0" * 2048), 413, "too_large")
    assert _upload(client, alliance, PNG, name="foto.png").status_code == 201
    assert_error(_upload(client, alliance, PDF, kind="selfie"), 422, "validation_error")
    assert_error(client.post(f"/alliances/{alliance.id}/attachments", data={"kind": "other"},
                             content_type="multipart/form-data"), 422, "validation_error")
    assert_error(_upload(client, alliance, b""), 422, "validation_error")
    assert db.session.execute(sa.select(sa.func.count()).select_from(Attachment)).scalar() == 1


def test_upload_permissions_and_foreign_attachment(api, db, alliance, make_alliance, other_association,
                                                   other_board, member_user, auditor, board):
    assert_error(_upload(api(member_user), alliance, PDF), 403, "forbidden")
    assert_error(_upload(api(auditor), alliance, PDF), 403, "forbidden")
    assert_error(_upload(api(other_board), alliance, PDF), 404, "not_found")
    theirs = make_alliance(assoc=other_association, actor=other_board)
    att = _upload(api(other_board), theirs, PDF).get_json()
    # an attachment of another alliance is not found under this one
    assert_error(api(board).get(f"/alliances/{alliance.id}/attachments/{att['id']}"), 404, "not_found")
    assert_error(api(board).get(f"/alliances/{theirs.id}/attachments/{att['id']}"), 404, "not_found")
    assert_error(api(board).get(f"/alliances/{alliance.id}/attachments/999999"), 404, "not_found")
