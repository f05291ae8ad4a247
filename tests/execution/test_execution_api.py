"""Execution API: expenses (JSON and multipart), corrections and voids, contributions, reports and their
workflow as a table, the statement PDF, access."""
import io
from decimal import Decimal

import pytest
import sqlalchemy as sa

from grants.audit.models import Event
from grants.execution import expenses as svc
from grants.execution import reports as report_svc
from grants.execution.models import AccountabilityReport, Expense
from grants.extensions import db
from tests.execution_support import JPEG, PDF, TODAY, expense_data, executing, upload


@pytest.fixture
def live(alliance, officer, facilitator, board):
    return executing(alliance, officer, facilitator, board)


def body(line, **kw):
    return {k: v for k, v in expense_data(line, **kw).items()}


def test_record_json_and_multipart(live, treasurer, api):
    client = api(treasurer)
    line = live.budget_lines[0]
    resp = client.post(f"/alliances/{live.id}/expenses", json=body(line, amount="100.00"))
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["amount"] == "100.00"
    data = {k: str(v) for k, v in body(line, amount="250.50", number="F-2").items()}
    data["receipt"] = (io.BytesIO(JPEG), "recibo.jpg")
    resp = client.post(f"/alliances/{live.id}/expenses", data=data, content_type="multipart/form-data")
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["receipt_sha256"]
    listed = client.get(f"/alliances/{live.id}/expenses").get_json()
    assert listed["total"] == 2


def test_rules_listed_with_codes(live, treasurer, api):
    resp = api(treasurer).post(f"/alliances/{live.id}/expenses", json=body(live.budget_lines[0], amount="140000.01"))
    assert resp.status_code == 422
    rules = sorted(d["rule"] for d in resp.get_json()["error"]["details"])
    assert rules == ["line_funds_exceeded", "procurement_required"]


def test_bad_input_is_4xx(live, treasurer, api):
    client = api(treasurer)
    assert client.post(f"/alliances/{live.id}/expenses", json={"amount": "x"}).status_code in (400, 422)
    assert client.post(f"/alliances/{live.id}/expenses", json=body(live.budget_lines[0], source="loan")
                       ).status_code == 422
    assert client.get("/expenses/abc").status_code == 404
    assert client.delete("/expenses/99999?reason=x").status_code == 404


def test_member_reads_but_cannot_write_other_sees_nothing(live, treasurer, member_user, other_board, api):
    e = svc.record_expense(live, expense_data(live.budget_lines[0]), treasurer)
    db.session.commit()
    member = api(member_user)
    assert member.get(f"/alliances/{live.id}/expenses").status_code == 200
    assert member.post(f"/alliances/{live.id}/expenses", json=body(live.budget_lines[0], number="M")
                       ).status_code == 403
    assert member.patch(f"/expenses/{e.id}", json={"version": e.version, "amount": "1.00"}).status_code == 403
    other = api(other_board)
    assert other.get(f"/alliances/{live.id}/expenses").status_code == 404
    assert other.get(f"/expenses/{e.id}").status_code == 404
    assert other.post(f"/alliances/{live.id}/contributions", json={}).status_code in (400, 404, 422)


def test_patch_and_void(live, treasurer, api):
    e = svc.record_expense(live, expense_data(live.budget_lines[0]), treasurer)
    db.session.commit()
    client = api(treasurer)
    resp = client.patch(f"/expenses/{e.id}", json={"version": e.version, "amount": "900.00"})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["amount"] == "900.00"
    assert client.patch(f"/expenses/{e.id}", json={"version": 1, "amount": "800.00"}).status_code == 409
    resp = client.delete(f"/expenses/{e.id}?reason=Duplicado")
    assert resp.status_code == 200 and resp.get_json()["voided_at"]


def test_contribution_cash(live, treasurer, api):
    resp = api(treasurer).post(f"/alliances/{live.id}/contributions", json={
        "kind": "cash", "description": "Aporte de socios", "amount": "5000.00", "contributed_on": TODAY})
    assert resp.status_code == 201, resp.get_json()
    assert api(treasurer).get(f"/alliances/{live.id}/balance").get_json()["counterpart_contributed"] == "5000.00"


def _report(live, treasurer, minutes=True):
    r = report_svc.create_report(live, {"period_start": "2020-01-01", "period_end": TODAY}, treasurer)
    if minutes:
        report_svc.record_assembly_approval(r, TODAY, upload(PDF, "acta.pdf"), treasurer)
    db.session.commit()
    return r


# (state, action, persona, expected status, state after)
TABLE = [
    ("draft", "submit", "treasurer", 200, "submitted"),
    ("draft", "submit", "board", 200, "submitted"),
    ("draft", "submit", "member_user", 403, "draft"),
    ("draft", "submit", "officer", 403, "draft"),
    ("draft", "approve", "officer", 409, "draft"),
    ("submitted", "approve", "officer", 200, "approved"),
    ("submitted", "approve", "treasurer", 403, "submitted"),
    ("submitted", "approve", "other_officer", 404, "submitted"),
    ("submitted", "observe", "officer", 200, "observed"),
    ("submitted", "submit", "treasurer", 409, "submitted"),
    ("observed", "reopen", "treasurer", 200, "draft"),
    ("observed", "approve", "officer", 409, "observed"),
    ("approved", "observe", "officer", 409, "approved"),
]


@pytest.mark.parametrize("state,action,persona,status,after", TABLE)
def test_report_workflow_table(live, treasurer, request, api, state, action, persona, status, after):
    r = _report(live, treasurer)
    r.state = state
    db.session.commit()
    client = api(request.getfixturevalue(persona))
    count = sa.select(sa.func.count()).select_from(Event).where(Event.object_type == "accountability_report")
    before = db.session.execute(count).scalar()
    payload = {"action": action}
    if action == "observe":
        payload["observations"] = "Falta la factura del tanque"
    resp = client.post(f"/accountability-reports/{r.id}/transitions", json=payload)
    assert resp.status_code == status, resp.get_json()
    db.session.expire_all()
    assert r.state == after
    after_count = db.session.execute(count).scalar()
    assert after_count - before == (1 if status == 200 else 0)


def test_observe_requires_observations_and_counts_open(live, treasurer, officer, api):
    from grants.alliances import ledger

    r = _report(live, treasurer)
    report_svc.report_action(r, "submit", treasurer)
    db.session.commit()
    resp = api(officer).post(f"/accountability-reports/{r.id}/transitions", json={"action": "observe"})
    assert resp.status_code == 422 and resp.get_json()["error"]["details"][0]["field"] == "observations"
    resp = api(officer).post(f"/accountability-reports/{r.id}/transitions",
                             json={"action": "observe", "observations": "Falta acta"})
    assert resp.status_code == 200
    assert ledger.open_observations(live) == 1
    report_svc.report_action(r, "reopen", treasurer)
    assert ledger.open_observations(live) == 1  # reopened, not yet submitted again
    report_svc.report_action(r, "submit", treasurer)
    assert ledger.open_observations(live) == 0


def test_submit_without_assembly_then_with_minutes_multipart(live, treasurer, api):
    e = svc.record_expense(live, expense_data(live.budget_lines[0], "700.00"), treasurer)
    r = _report(live, treasurer, minutes=False)
    client = api(treasurer)
    resp = client.post(f"/accountability-reports/{r.id}/transitions", json={"action": "submit"})
    assert resp.status_code == 422
    assert [d["rule"] for d in resp.get_json()["error"]["details"]] == ["assembly_approval_missing"]
    resp = client.post(f"/accountability-reports/{r.id}/transitions", data={
        "action": "submit", "assembly_approved_on": TODAY, "file": (io.BytesIO(PDF), "acta.pdf")},
        content_type="multipart/form-data")
    assert resp.status_code == 200, resp.get_json()
    out = resp.get_json()
    assert out["state"] == "submitted" and out["expense_ids"] == [e.id]
    assert out["totals"]["totals"]["grant"]["period"] == "700.00"
    resp = client.patch(f"/expenses/{e.id}", json={"version": db.session.get(Expense, e.id).version,
                                                   "amount": "1.00"})
    assert resp.status_code == 422 and resp.get_json()["error"]["details"][0]["rule"] == "report_locked"
    doc = client.get(f"/alliances/{live.id}/documents/accountability-{r.id}")
    assert doc.status_code == 200 and doc.data.startswith(b"%PDF")
    assert client.get(f"/alliances/{live.id}/documents/accountability-99999").status_code == 404


def test_periods_do_not_overlap(live, treasurer, api):
    client = api(treasurer)
    assert client.post(f"/alliances/{live.id}/accountability-reports",
                       json={"period_start": "2026-01-01", "period_end": "2026-03-31"}).status_code == 201
    resp = client.post(f"/alliances/{live.id}/accountability-reports",
                       json={"period_start": "2026-03-31", "period_end": "2026-06-30"})
    assert resp.status_code == 422
    assert resp.get_json()["error"]["details"][0]["rule"] == "period_overlaps"
    assert db.session.execute(sa.select(sa.func.count()).select_from(AccountabilityReport)).scalar() == 1
    assert Decimal("1")


def test_receipt_served_to_members_only(live, treasurer, member_user, other_board, api):
    e = svc.record_expense(live, expense_data(live.budget_lines[0]), treasurer, upload(JPEG, "r.jpg"))
    bare = svc.record_expense(live, expense_data(live.budget_lines[0], number="F-9"), treasurer)
    db.session.commit()
    resp = api(member_user).get(f"/expenses/{e.id}/receipt")
    assert resp.status_code == 200 and resp.data == JPEG and resp.mimetype == "image/jpeg"
    assert api(other_board).get(f"/expenses/{e.id}/receipt").status_code == 404
    assert api(member_user).get(f"/expenses/{bare.id}/receipt").status_code == 404


def test_submit_notifies_the_officer_and_observe_the_association(live, treasurer, officer, board):
    from grants.notifications.models import Notification

    r = _report(live, treasurer)
    report_svc.report_action(r, "submit", treasurer)
    report_svc.report_action(r, "observe", officer, {"observations": "Falta la factura 12"})
    db.session.commit()
    rows = db.session.execute(sa.select(Notification)).scalars().all()
    assert {n.user_id for n in rows} >= {officer.id, board.id, treasurer.id}
    assert any("Falta la factura 12" in (n.body or "") for n in rows if n.user_id == board.id)


def test_officer_queue(live, treasurer, officer, other_officer, api):
    r = _report(live, treasurer)
    report_svc.report_action(r, "submit", treasurer)
    db.session.commit()
    mine = api(officer).get("/accountability-reports?state=submitted").get_json()
    assert [x["id"] for x in mine["items"]] == [r.id] and mine["items"][0]["actions"] == ["approve", "observe"]
    assert api(other_officer).get("/accountability-reports?state=submitted").get_json()["total"] == 0
    assert api(officer).get("/accountability-reports?state=nonsense").status_code == 400
