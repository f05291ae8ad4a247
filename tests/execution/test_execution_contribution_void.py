"""Voiding a counterpart contribution recorded by mistake: with a reason, until it is in a submitted
report; it stays on record, no longer counts, and the trail says who and why (API and page)."""
import pytest
import sqlalchemy as sa

from grants.audit.models import Event
from grants.execution import reports as report_svc
from grants.execution.models import Contribution
from grants.extensions import db
from tests.execution_support import PDF, TODAY, executing, upload


@pytest.fixture
def live(alliance, officer, facilitator, board):
    return executing(alliance, officer, facilitator, board)


def _contribution(client, live, amount="5000.00"):
    resp = client.post(f"/alliances/{live.id}/contributions", json={
        "kind": "cash", "description": "Aporte de socios", "amount": amount, "contributed_on": TODAY})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def test_void_through_the_api(live, treasurer, member_user, api):
    client = api(treasurer)
    c = _contribution(client, live)
    _contribution(client, live, "1000.00")
    assert client.delete(f"/contributions/{c['id']}").status_code == 422  # a reason is required
    assert api(member_user).delete(f"/contributions/{c['id']}?reason=x").status_code == 403
    assert client.delete(f"/contributions/{c['id']}?reason=x&version=99").status_code == 409
    resp = client.delete(f"/contributions/{c['id']}?reason=Registrado dos veces&version={c['version']}")
    assert resp.status_code == 200 and resp.get_json()["void_reason"] == "Registrado dos veces"
    assert client.get(f"/alliances/{live.id}/balance").get_json()["counterpart_contributed"] == "1000.00"
    again = client.delete(f"/contributions/{c['id']}?reason=otra vez")
    assert again.status_code == 422 and again.get_json()["error"]["details"][0]["rule"] == "contribution_voided"
    event = db.session.execute(sa.select(Event).where(Event.object_type == "contribution",
                                                      Event.action == "void")).scalar_one()
    assert event.comment == "Registrado dos veces" and event.actor_id == treasurer.id


def test_no_void_once_in_a_submitted_report(live, treasurer, api):
    client = api(treasurer)
    c = _contribution(client, live)
    r = report_svc.create_report(live, {"period_start": "2020-01-01", "period_end": TODAY}, treasurer)
    report_svc.record_assembly_approval(r, TODAY, upload(PDF, "acta.pdf"), treasurer)
    db.session.commit()
    assert client.post(f"/accountability-reports/{r.id}/transitions", json={"action": "submit"}).status_code == 200
    resp = client.delete(f"/contributions/{c['id']}?reason=error")
    assert resp.status_code == 422 and resp.get_json()["error"]["details"][0]["rule"] == "report_locked"
    assert db.session.get(Contribution, c["id"]).voided_at is None


def test_void_from_the_page_keeps_the_row_struck(live, treasurer, api, login):
    c = _contribution(api(treasurer), live)
    web = login(treasurer)
    page = web.get(f"/alliances/{live.id}/execution/contributions").get_data(as_text=True)
    assert f'id="void-contribution-{c["id"]}"' in page
    missing = web.post(f"/alliances/{live.id}/execution/contributions/{c['id']}/void", data={"reason": ""})
    assert missing.status_code == 422
    resp = web.post(f"/alliances/{live.id}/execution/contributions/{c['id']}/void",
                    data={"reason": "Monto equivocado", "version": str(c["version"])})
    assert resp.status_code == 302
    page = web.get(f"/alliances/{live.id}/execution/contributions").get_data(as_text=True)
    assert 'data-voided="1"' in page and "Monto equivocado" in page
    assert f'id="void-contribution-{c["id"]}"' not in page
