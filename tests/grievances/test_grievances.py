"""Grievances (issue 15): filing by anyone, tracking by code, the workflow, the deadlines and their alerts, the
supervision flag that never touches the alliance, the portal's counts, and the reporter's confidentiality in
every output (pages, API, XLSX, the audit trail)."""
import io
import json
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from grants.alliances import alerts, tasks
from grants.audit.models import Event
from grants.errors import Forbidden, InvalidTransition, RuleViolation
from grants.grievances import services
from grants.grievances.models import Grievance
from grants.grievances.xlsx import grievances_xlsx
from grants.workflows import rules as rule_codes
from grants.workflows.grievance import GRIEVANCE

SECRET_NAME = "Rosa Denunciante Quispe"
SECRET_CONTACT = "rosa.secreta@example.org 71234567"
SECRET_TEXT = "El presidente reparte los insumos solo a sus parientes"
CODE_RE = re.compile(r"QR-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}")


@pytest.fixture
def reporter(make_user, association):
    return make_user(memberships=[(association, "member")], name=SECRET_NAME)


def _file(db, actor=None, **data):
    base = {"category": "favoritism", "description": SECRET_TEXT, "anonymous": False, "contact": SECRET_CONTACT}
    g = services.file_grievance({**base, **data}, actor)
    db.session.commit()
    return g


# -- filing and tracking --------------------------------------------------------------------------------------

def test_anonymous_filing_by_page_without_sign_in_gives_a_code_to_follow(db, client, association):
    resp = client.post("/grievances/new", data={"category": "misuse_of_funds", "description": "Faltan 20 bolsas",
                                                 "association_id": str(association.id), "anonymous": "y"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/grievances/filed")
    page = client.get("/grievances/filed").get_data(as_text=True)
    code = CODE_RE.search(page).group(0)
    g = db.session.execute(sa.select(Grievance)).scalar_one()
    assert g.tracking_code == code and g.anonymous and g.reporter_id is None
    assert g.association_id == association.id and g.region == association.region
    track = client.get(f"/grievances/track/{code.lower().replace('-', ' ')}")  # as typed on a phone
    assert track.status_code == 200 and "Recibido" in track.get_data(as_text=True)
    assert client.get(f"/grievances/track?code={code}").status_code == 302
    assert code not in client.get("/grievances/filed", follow_redirects=True).get_data(as_text=True)  # once


def test_a_signed_in_member_who_asks_for_anonymity_is_not_recorded(db, login, reporter, grievance_officer):
    web = login(reporter)
    assert web.post("/grievances/new", data={"category": "exclusion", "description": "x", "anonymous": "y",
                                             "contact": ""}).status_code == 302
    named = web.post("/grievances/new", data={"category": "exclusion", "description": "y"})  # box unticked
    assert named.status_code == 302
    rows = db.session.execute(sa.select(Grievance).order_by(Grievance.id)).scalars().all()
    assert [(g.anonymous, g.reporter_id) for g in rows] == [(True, None), (False, reporter.id)]
    office = login(grievance_officer).get(f"/grievances/{rows[0].id}").get_data(as_text=True)
    assert SECRET_NAME not in office and "anónimo" in office


def test_the_form_keeps_what_was_typed_and_names_every_problem(db, client):
    resp = client.post("/grievances/new", data={"category": "", "description": "", "contact": "099 111",
                                                 "alliance_code": "NO-EXISTE"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "099 111" in page and "NO-EXISTE" in page
    assert "Elija de qué trata la queja." in page and "Ninguna alianza tiene este código" in page
    assert db.session.execute(sa.select(sa.func.count(Grievance.id))).scalar() == 0


def test_tracking_codes_are_random_not_sequential(db):
    codes = [_file(db).tracking_code for _ in range(5)]
    assert len(set(codes)) == 5 and all(CODE_RE.fullmatch(c) for c in codes)
    assert services.normalize_code("qr 1111 1111 1111") is None  # 1 is not in the alphabet: no lookup at all


def test_an_attachment_is_checked_by_its_content(db, client):
    fake = (io.BytesIO(b"MZ\x90\x00 not an image"), "foto.png")
    resp = client.post("/grievances/new", data={"category": "other", "description": "x", "attachment": fake},
                       content_type="multipart/form-data")
    assert resp.status_code == 415
    assert db.session.execute(sa.select(sa.func.count(Grievance.id))).scalar() == 0
    png = (io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"0" * 40), "foto.png")
    resp = client.post("/grievances/new", data={"category": "other", "description": "x", "attachment": png},
                       content_type="multipart/form-data")
    assert resp.status_code == 302
    assert db.session.execute(sa.select(Grievance.attachment_type)).scalar_one() == "image/png"


def test_api_files_without_a_token_and_tracks_without_the_reporter(db, api, alliance):
    resp = api().post("/grievances", json={"category": "exclusion", "description": SECRET_TEXT,
                                           "alliance_code": alliance.code, "anonymous": True,
                                           "contact": SECRET_CONTACT})
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert set(body) == {"tracking_code", "state"} and body["state"] == "received"
    track = api().get(f"/grievances/track/{body['tracking_code']}")
    assert track.status_code == 200
    text = track.get_data(as_text=True)
    assert track.get_json()["state"] == "received"
    for secret in (SECRET_CONTACT, SECRET_TEXT, "reporter"):
        assert secret not in text
    assert api().get("/grievances/track/QR-2222-2222-2222").status_code == 404


def test_api_refuses_bad_input_with_every_rule(db, api):
    resp = api().post("/grievances", json={"category": "gossip", "description": " ", "association_id": 999999})
    assert resp.status_code == 422
    rules = {d["rule"] for d in resp.get_json()["error"]["details"]}
    assert {"invalid", "required", "grievance_target_unknown"} <= rules
    assert api().post("/grievances", data="{", content_type="application/json").status_code == 400


@pytest.mark.committing  # the throttle counts in its own connection (DatabaseStorage)
def test_filing_is_throttled_per_connection(app, db, client):
    app.config["THROTTLING"] = True
    app.config["THROTTLE_GRIEVANCE"] = "3 per 10 minutes"
    try:
        statuses = [client.post("/api/v1/grievances", json={"category": "other", "description": f"n{i}"}).status_code
                    for i in range(3)]
        page = client.post("/grievances/new", data={"category": "other", "description": "otra"})
        api_again = client.post("/api/v1/grievances", json={"category": "other", "description": "más"})
    finally:
        app.config["THROTTLING"] = False
        app.config["THROTTLE_GRIEVANCE"] = "5 per 10 minutes;20 per day"
    assert statuses == [201, 201, 201]
    assert page.status_code == 429 and api_again.status_code == 429
    assert api_again.get_json()["error"]["code"] == "throttled"
    assert db.session.execute(sa.select(sa.func.count(Grievance.id))).scalar() == 3


# -- the workflow ---------------------------------------------------------------------------------------------

WORKFLOW = [
    # (state, action, persona, data, expected state or exception)
    ("received", "acknowledge", "grievance_officer", {}, "acknowledged"),
    ("received", "acknowledge", "admin", {}, "acknowledged"),
    ("received", "investigate", "grievance_officer", {}, "under_investigation"),
    ("acknowledged", "investigate", "grievance_officer", {}, "under_investigation"),
    ("under_investigation", "resolve", "grievance_officer", {"resolution": "Se repartió de nuevo"}, "resolved"),
    ("acknowledged", "dismiss", "grievance_officer", {"reason": "No hay pruebas"}, "dismissed"),
    ("received", "escalate", "grievance_officer", {}, "received"),
    ("under_investigation", "resolve", "grievance_officer", {}, RuleViolation),  # resolution required
    ("received", "dismiss", "grievance_officer", {}, RuleViolation),  # reason required
    ("resolved", "acknowledge", "grievance_officer", {}, InvalidTransition),
    ("dismissed", "resolve", "admin", {"resolution": "x"}, InvalidTransition),
    ("received", "acknowledge", "officer", {}, Forbidden),
    ("received", "acknowledge", "auditor", {}, Forbidden),
    ("received", "acknowledge", "board", {}, Forbidden),
    ("received", "fly", "grievance_officer", {}, InvalidTransition),
]


@pytest.mark.parametrize("state,action,persona,data,expected", WORKFLOW)
def test_workflow_table(db, request, state, action, persona, data, expected):
    g = _file(db)
    g.state = state
    db.session.commit()
    actor = request.getfixturevalue(persona)
    before = db.session.execute(sa.select(sa.func.count(Event.id))).scalar()
    if isinstance(expected, str):
        services.transition(g, action, actor, data)
        db.session.commit()
        assert g.state == expected
        events = db.session.execute(sa.select(Event).where(Event.id > 0).order_by(Event.id.desc())).scalars().all()
        assert len(events) == before + 1
        assert json.loads(events[0].data) == {"grievance_id": g.id, "state": expected}
    else:
        with pytest.raises(expected):
            services.transition(g, action, actor, data)
        db.session.rollback()
        db.session.refresh(g)
        assert g.state == state
        assert db.session.execute(sa.select(sa.func.count(Event.id))).scalar() == before


def test_escalation_flags_once_and_the_public_answer_is_shown_by_code(db, client, grievance_officer):
    g = _file(db)
    services.transition(g, "escalate", grievance_officer)
    db.session.commit()
    assert g.escalated and g.state == "received"
    assert "escalate" not in {t.name for t in services.available(g, grievance_officer)}
    with pytest.raises(RuleViolation) as exc:
        services.transition(g, "escalate", grievance_officer)
    assert exc.value.details[0].rule == rule_codes.GRIEVANCE_ALREADY_ESCALATED
    db.session.rollback()
    services.transition(g, "resolve", grievance_officer, {"resolution": "La directiva repuso los insumos."})
    db.session.commit()
    page = client.get(f"/grievances/track/{g.tracking_code}").get_data(as_text=True)
    assert "Resuelto" in page and "La directiva repuso los insumos." in page


def test_the_office_acts_from_its_pages(db, login, grievance_officer):
    g = _file(db)
    web = login(grievance_officer)
    assert web.post(f"/grievances/{g.id}/transitions", data={"action": "acknowledge"}).status_code == 302
    web.post(f"/grievances/{g.id}/transitions", data={"action": "resolve", "resolution": ""})  # refused: kept
    db.session.refresh(g)
    assert g.state == "acknowledged"
    web.post(f"/grievances/{g.id}/transitions", data={"action": "resolve", "resolution": "Atendida"})
    db.session.refresh(g)
    assert g.state == "resolved" and g.public_answer == "Atendida"


def test_api_list_detail_and_transitions(db, api, grievance_officer, officer, board, auditor, reporter):
    g = _file(db, reporter)
    office = api(grievance_officer)
    listed = office.get("/grievances?state=received").get_json()
    assert listed["total"] == 1 and listed["items"][0]["reporter_name"] == SECRET_NAME
    assert office.get("/grievances?state=nonsense").status_code == 400
    detail = office.get(f"/grievances/{g.id}").get_json()
    assert detail["contact"] == SECRET_CONTACT and "acknowledge" in detail["actions"]
    resp = office.post(f"/grievances/{g.id}/transitions", json={"action": "acknowledge"})
    assert resp.status_code == 200 and resp.get_json()["state"] == "acknowledged"
    resp = office.post(f"/grievances/{g.id}/transitions", json={"action": "acknowledge"})
    assert resp.status_code == 409
    resp = office.post(f"/grievances/{g.id}/transitions", json={"action": "dismiss"})
    assert resp.status_code == 422 and resp.get_json()["error"]["details"][0]["field"] == "reason"
    for user in (officer, board, auditor):
        assert api(user).get("/grievances").status_code == 403
        assert api(user).get(f"/grievances/{g.id}").status_code == 404
        assert api(user).post(f"/grievances/{g.id}/transitions", json={"action": "acknowledge"}).status_code == 404
    assert api().get("/grievances").status_code == 401


# -- confidentiality in every output -----------------------------------------------------------------------------

def test_the_reporter_is_seen_only_by_the_grievance_office(db, login, grievance_officer, admin, officer, board,
                                                            auditor, member_user, reporter, alliance):
    g = _file(db, reporter, alliance_code=alliance.code)
    assert g.reporter_id == reporter.id
    for user in (grievance_officer, admin):
        page = login(user).get(f"/grievances/{g.id}").get_data(as_text=True)
        assert SECRET_NAME in page and SECRET_CONTACT in page
    for user in (officer, board, auditor, member_user):
        web = login(user)
        assert web.get(f"/grievances/{g.id}").status_code == 404
        assert web.get("/grievances").status_code == 403
        assert web.get("/grievances/export.xlsx").status_code == 403
        for path in ("/audit?object_type=grievance", "/audit?raw=1&object_type=grievance", f"/alliances/{alliance.id}",
                     "/", "/dashboard"):
            resp = web.get(path)
            text = resp.get_data(as_text=True)
            assert SECRET_NAME not in text and SECRET_CONTACT not in text and SECRET_TEXT not in text, (user, path)


def test_the_audit_trail_holds_no_reporter_text_or_place(db, login, auditor, reporter, grievance_officer, alliance):
    g = _file(db, reporter, alliance_code=alliance.code)
    services.transition(g, "resolve", grievance_officer, {"resolution": "Respuesta pública"})
    services.flag_supervision(g, grievance_officer)
    db.session.commit()
    events = db.session.execute(sa.select(Event).where(Event.object_type == "grievance").order_by(Event.id)).scalars().all()
    assert [e.action for e in events] == ["file", "resolve", "flag_supervision"]
    assert events[0].actor_id is None and events[0].actor_name is None
    for e in events:
        assert e.alliance_id is None and e.association_id is None and e.comment is None
        assert set(json.loads(e.data)) == {"grievance_id", "state"}
        assert reporter.id != e.actor_id
    for path in ("/audit?object_type=grievance", "/audit?raw=1&object_type=grievance"):
        page = login(auditor).get(path).get_data(as_text=True)
        assert "una queja" in page
        assert SECRET_NAME not in page and SECRET_CONTACT not in page and SECRET_TEXT not in page
    assert alliance.id not in {e.alliance_id for e in events}


def test_the_xlsx_has_the_reporter_column_only_for_the_office(db, login, grievance_officer, reporter, officer):
    _file(db, reporter)
    _file(db, None, anonymous=True, contact=None)
    resp = login(grievance_officer).get("/grievances/export.xlsx")
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.data)).active
    header = [c.value for c in ws[1]]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert "Denunciante" in header and len(rows) == 2
    assert SECRET_NAME in rows[0] and SECRET_CONTACT in rows[0]
    rows_db = db.session.execute(sa.select(Grievance).order_by(Grievance.id)).scalars().all()
    ws = load_workbook(io.BytesIO(grievances_xlsx(rows_db, with_reporter=False))).active
    cells = {str(c.value) for r in ws.iter_rows() for c in r}
    assert SECRET_NAME not in cells and SECRET_CONTACT not in cells and "Reporter" not in cells


def test_a_spreadsheet_formula_in_a_description_stays_text(db, grievance_officer):
    _file(db, description="=HYPERLINK(\"http://x\")")
    rows = db.session.execute(sa.select(Grievance)).scalars().all()
    ws = load_workbook(io.BytesIO(grievances_xlsx(rows, with_reporter=True))).active
    assert ws.cell(row=2, column=15).value.startswith("'=")


# -- deadlines, alerts, tasks, retaliation ------------------------------------------------------------------------

def test_deadlines_come_from_the_program_rules(db, make_program, make_call, make_alliance, admin):
    program = make_program(grievance_ack_days=2, grievance_resolve_days=10)
    alliance = make_alliance(the_call=make_call(prog=program))
    g = services.file_grievance({"category": "other", "description": "x", "alliance_code": alliance.code}, None,
                                today=date(2026, 3, 1))
    assert (g.ack_due_on, g.resolve_due_on) == (date(2026, 3, 3), date(2026, 3, 11))
    g2 = services.file_grievance({"category": "other", "description": "x"}, None, today=date(2026, 3, 1))
    assert g2.resolve_due_on > g2.ack_due_on


def test_overdue_grievances_raise_alerts_on_their_alliance_and_clear(db, alliance, grievance_officer):
    g = _file(db, alliance_code=alliance.code)
    ack, resolve = g.ack_due_on, g.resolve_due_on
    assert alerts.open_alerts([alliance.id], today=ack) == []  # on the deadline itself: no alert yet
    late = alerts.open_alerts([alliance.id], today=ack + timedelta(days=1))
    assert [a.code for a in late] == [rule_codes.GRIEVANCE_OVERDUE]
    message = str(late[0].message)
    assert SECRET_TEXT not in message and "acusada de recibo" in message
    services.transition(g, "acknowledge", grievance_officer)
    db.session.commit()
    assert alerts.open_alerts([alliance.id], today=ack + timedelta(days=1)) == []
    assert [a.code for a in alerts.open_alerts([alliance.id], today=resolve + timedelta(days=1))] == [
        rule_codes.GRIEVANCE_OVERDUE]
    services.transition(g, "resolve", grievance_officer, {"resolution": "ok"})
    db.session.commit()
    assert alerts.open_alerts([alliance.id], today=resolve + timedelta(days=5)) == []


def test_the_office_sees_its_work_on_the_home_page(app, db, grievance_officer, officer, login):
    g = _file(db)
    with app.test_request_context():
        found, total = tasks.collect(grievance_officer, today=g.ack_due_on + timedelta(days=1))
        assert tasks.collect(officer)[1] == 0
    assert total == 1 and found[0].code == "grievance_to_answer" and found[0].urgency == tasks.OVERDUE
    assert g.tracking_code in login(grievance_officer).get("/dashboard").get_data(as_text=True)


def test_a_grievance_never_changes_its_alliance_and_the_flag_is_a_task_of_the_regional_officer_only(
        app, db, alliance, grievance_officer, login, officer, other_officer, board, api):
    state, version = alliance.state, alliance.version
    g = _file(db, alliance_code=alliance.code)
    for action, data in (("acknowledge", {}), ("investigate", {}), ("dismiss", {"reason": "sin pruebas"})):
        services.transition(g, action, grievance_officer, data)
        db.session.commit()
    resp = api(grievance_officer).put(f"/grievances/{g.id}/supervision", json={"flagged": True})
    assert resp.status_code == 200 and resp.get_json()["supervision_flagged_at"]
    db.session.refresh(alliance)
    assert (alliance.state, alliance.version) == (state, version)
    assert alerts.open_alerts([alliance.id]) == []  # nothing the board would see on the alliance page
    with app.test_request_context():
        found, total = tasks.collect(officer)
        for user in (other_officer, board):
            assert "supervision_requested" not in {t.code for t in tasks.collect(user)[0]}
    assert total == 1 and found[0].code == "supervision_requested" and found[0].alliance.id == alliance.id
    assert SECRET_TEXT not in str(found[0].title) and g.tracking_code not in str(found[0].title) + found[0].detail
    home = login(officer).get("/dashboard").get_data(as_text=True)
    assert "lo pide la oficina de quejas" in home and SECRET_TEXT not in home
    assert "oficina de quejas" not in login(board).get(f"/alliances/{alliance.id}").get_data(as_text=True)
    other = _file(db)
    resp = api(grievance_officer).put(f"/grievances/{other.id}/supervision", json={"flagged": True})
    assert resp.status_code == 422 and resp.get_json()["error"]["details"][0]["rule"] == "supervision_needs_alliance"
    assert api(officer).put(f"/grievances/{g.id}/supervision", json={"flagged": False}).status_code == 404
    resp = login(grievance_officer).post(f"/grievances/{g.id}/supervision", data={"on": "0"})
    assert resp.status_code == 302
    with app.test_request_context():
        assert tasks.collect(officer)[1] == 0


# -- the portal ---------------------------------------------------------------------------------------------

def test_the_portal_counts_grievances_without_any_text(app, db, client, grievance_officer, association):
    app.config["PORTAL_CACHE_SECONDS"] = 300
    try:
        before = client.get("/api/v1/portal").get_json()["grievances"]
        assert before["total"] == 0
        g = _file(db, association_id=association.id)
        _file(db, category="exclusion")
        services.transition(g, "resolve", grievance_officer, {"resolution": "Respuesta"})
        db.session.commit()
        body = client.get("/api/v1/portal").get_json()["grievances"]  # the stored answer was forgotten
        page = client.get("/portal").get_data(as_text=True)
    finally:
        app.config["PORTAL_CACHE_SECONDS"] = 0
    assert body["total"] == 2
    assert body["by_category"]["favoritism"] == 1 and body["by_category"]["exclusion"] == 1
    assert body["by_state"]["resolved"] == 1 and body["by_state"]["received"] == 1
    assert body["by_region"][association.region] == 1
    assert body["median_days_to_resolve"] is not None
    assert "Quejas recibidas: 2" in page and 'id="portal-file-grievance"' in page
    for secret in (SECRET_TEXT, SECRET_CONTACT, "Respuesta", g.tracking_code):
        assert secret not in page and secret not in json.dumps(body)


def test_links_to_the_form_from_sign_in_and_the_association(db, client, login, board, association):
    assert 'href="/grievances/new"' in client.get("/login").get_data(as_text=True)
    page = login(board).get(f"/associations/{association.id}").get_data(as_text=True)
    assert f"/grievances/new?association_id={association.id}" in page
    form = client.get(f"/grievances/new?association_id={association.id}").get_data(as_text=True)
    assert association.name in form


def test_workflow_declares_every_action(db):
    assert set(GRIEVANCE.actions) == {"acknowledge", "investigate", "resolve", "dismiss", "escalate"}
