"""Stored alerts (grants/alliances/alerts.py, table ``alerts``): raised and cleared by the changes that cause
them (an expense, a report submitted, a deliverable accepted, a tranche answered) in the same transaction; open
on their day as time passes without any write; ``flask grants refresh-alerts`` recounts what no session saw;
the stored rows equal a full recount; the pages read them in a number of statements that does not grow with the
alliances."""
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from grants.alliances import alerts
from grants.alliances.alerts import StoredAlert, add_months
from grants.alliances.budget import Tranche
from grants.alliances.models import Alliance
from grants.assistance import services as ta_svc
from grants.execution import expenses as expense_svc
from grants.execution import reports as report_svc
from grants.extensions import db
from grants.funding.models import TrancheFlow
from grants.funding.schemas import TrancheActionIn
from grants.funding.services import tranche_action
from grants.monitoring.alerting import alerts_page
from grants.workflows import rules
from tests.assistance_support import contract_data, live_ta, provider_for
from tests.execution_support import PDF, expense_data, upload
from tests.monitoring_support import executing
from tests.monitoring.test_monitoring_alerts import _alerting_alliance, _statements
from tests.statements import statements

TODAY = LONG_AGO = None  # set for each test by _today (a run may cross midnight: tests/midnight.py)


@pytest.fixture(autouse=True)
def _today():
    """Today, on the day the test runs (not the day the module was imported)."""
    global TODAY, LONG_AGO
    TODAY = date.today()
    LONG_AGO = TODAY - timedelta(days=200)


@pytest.fixture
def live(alliance, officer, facilitator, board):
    """In execution, its first transfer 200 days ago: report_missing and low_execution are open."""
    executing(alliance, officer, facilitator, board)
    alliance.tranches[0].disbursed_on = LONG_AGO
    db.session.commit()
    return alliance


def stored(alliance_id=None, today=None):
    """``{code: [refs]}`` of the stored rows open on ``today`` (None: today) (read from the table only)."""
    today = today or TODAY
    query = sa.select(StoredAlert.code, StoredAlert.ref).where(StoredAlert.due <= today)
    if alliance_id is not None:
        query = query.where(StoredAlert.alliance_id == alliance_id)
    out = {}
    for code, ref in db.session.execute(query.order_by(StoredAlert.code, StoredAlert.ref)).all():
        out.setdefault(code, []).append(ref)
    return out


def table_rows():
    return sorted((r.alliance_id, r.code, r.ref, r.since, r.due, r.data)
                  for r in db.session.execute(sa.select(StoredAlert)).scalars())


def recount():
    every = db.session.execute(sa.select(Alliance.id, Alliance.state)).all()
    return sorted((a.alliance_id, a.code, a.ref, a.since, a.due, a.detail) for a in alerts.compute(every))


def request_second(alliance, on):
    t = alliance.tranches[1]
    t.state = "requested"
    db.session.add(TrancheFlow(tranche_id=t.id, requested_at=datetime.combine(on, datetime.min.time())
                               + timedelta(hours=15)))
    db.session.commit()
    return t


def test_stored_on_commit_and_forgotten_on_rollback(live):
    assert set(stored(live.id)) == {"report_missing", "low_execution"}
    assert table_rows() == recount()
    live.state = "suspended"  # report_missing and low_execution watch alliances in execution only
    db.session.flush()
    db.session.rollback()
    assert set(stored(live.id)) == {"report_missing", "low_execution"}
    assert not db.session.info.get("alerts_pending")
    live.state = "suspended"
    db.session.commit()
    assert stored(live.id) == {}
    assert table_rows() == recount()


def test_an_expense_clears_and_its_void_raises_low_execution(alliance, officer, facilitator, board, treasurer):
    live = executing(alliance, officer, facilitator, board, disbursed="20000.00")
    live.tranches[0].disbursed_on = LONG_AGO
    db.session.commit()
    assert "low_execution" in stored(live.id)
    line = live.budget_lines[0]
    e = expense_svc.record_expense(live, expense_data(line, "9999.99", number="F-1"), treasurer)
    db.session.commit()
    assert "low_execution" in stored(live.id)  # 49.99 % spent
    row = db.session.execute(sa.select(StoredAlert).where(StoredAlert.code == "low_execution")).scalar_one()
    assert row.data["spent"] == "9999.99"
    assert "50.0" in str(row.to_alert().message) or "49.9" in str(row.to_alert().message)
    small = expense_svc.record_expense(live, expense_data(line, "0.01", number="F-2"), treasurer)
    db.session.commit()
    assert "low_execution" not in stored(live.id)  # exactly 50 %
    expense_svc.void_expense(small, treasurer, "Factura duplicada")
    db.session.commit()
    assert "low_execution" in stored(live.id)
    assert e.id and table_rows() == recount()


def test_a_report_submitted_clears_report_missing(live, treasurer):
    assert "report_missing" in stored(live.id)
    r = report_svc.create_report(live, {"period_start": LONG_AGO.isoformat(), "period_end": TODAY.isoformat()},
                                 treasurer)
    report_svc.record_assembly_approval(r, TODAY, upload(PDF, "acta.pdf"), treasurer)
    db.session.commit()
    assert "report_missing" in stored(live.id)  # a draft does not count
    report_svc.report_action(r, "submit", treasurer)
    db.session.commit()
    assert "report_missing" not in stored(live.id)
    # the next report is due one period after this one: stored now, open on its day
    months = live.call.program.report_period_months
    due = add_months(TODAY, months)
    assert "report_missing" not in stored(live.id, due)
    assert stored(live.id, due + timedelta(days=1))["report_missing"] == [""]
    assert [a.code for a in alerts.open_alerts([live.id], due + timedelta(days=1))].count(rules.REPORT_MISSING) == 1
    assert table_rows() == recount()


def test_a_deliverable_accepted_clears_its_alert(alliance, officer, facilitator, board, ta_provider):
    line = live_ta(alliance, officer, facilitator, board)
    provider = provider_for(ta_provider, board)
    due = TODAY + timedelta(days=20)
    contract = ta_svc.create_contract(alliance, contract_data(provider, line, due=due), board)
    db.session.commit()
    after = due + timedelta(days=1)
    assert "deliverable_overdue" not in stored(alliance.id, due)
    assert sorted(stored(alliance.id, after)["deliverable_overdue"]) == sorted(
        str(d.id) for d in contract.deliverables)
    first = contract.deliverables[0]
    ta_svc.transition(first, "submit", ta_provider, note="Informe", file=upload(PDF, "informe.pdf"))
    db.session.commit()
    assert len(stored(alliance.id, after)["deliverable_overdue"]) == 2  # submitted is not accepted
    ta_svc.transition(first, "accept", board)
    db.session.commit()
    assert stored(alliance.id, after)["deliverable_overdue"] == [str(contract.deliverables[1].id)]
    assert table_rows() == recount()


def test_a_tranche_answered_clears_tranche_unanswered(live, officer, api):
    days = live.call.program.tranche_response_days
    t = request_second(live, TODAY - timedelta(days=days + 1))
    assert stored(live.id)["tranche_unanswered"] == [str(t.id)]
    item = next(i for i in api(officer).get("/alerts").get_json()["items"] if i["code"] == "tranche_unanswered")
    assert str(days + 1) in item["message"]  # the days are counted on the day it is read
    tranche_action(t, "refuse", officer, TrancheActionIn(**{"reason": "Falta la rendición del primer desembolso"}))
    db.session.commit()
    assert "tranche_unanswered" not in stored(live.id)
    assert api(officer).get("/alerts?code=tranche_unanswered").get_json()["total"] == 0
    assert table_rows() == recount()


def test_time_passing_needs_no_write_and_refresh_alerts_recounts(app, live, officer):
    """A tranche requested today: nothing open until the answer window is over, then open without a write.
    Rows written behind the session's back (bulk SQL) are stored by ``flask grants refresh-alerts``."""
    days = live.call.program.tranche_response_days
    request_second(live, TODAY)
    before = table_rows()
    late = TODAY + timedelta(days=days + 1)
    assert "tranche_unanswered" not in stored(live.id, TODAY + timedelta(days=days))
    found, total, _alliances = alerts_page(officer, code="tranche_unanswered", today=late)
    assert total == 1 and found[0].since == TODAY + timedelta(days=days)
    assert str(days + 1) in str(found[0].message)
    assert table_rows() == before  # nothing written to see it
    # a bulk import no session saw: a tranche requested long ago on another alliance, and a program rule changed
    # by SQL
    other = db.session.execute(sa.select(Tranche).where(Tranche.alliance_id == live.id, Tranche.number == 3)
                               ).scalar_one_or_none()
    if other is None:
        long_ago = datetime(2020, 1, 1)
        db.session.execute(sa.insert(Tranche), [{"alliance_id": live.id, "number": 3, "amount": Decimal("10.00"),
                                                  "planned_on": TODAY, "state": "requested", "version": 1,
                                                  "updated_at": long_ago, "created_at": long_ago}])
    else:
        db.session.execute(sa.update(Tranche).where(Tranche.id == other.id).values(
            state="requested", updated_at=datetime(2020, 1, 1)))
    db.session.execute(sa.update(StoredAlert).where(StoredAlert.code == "low_execution").values(
        due=TODAY + timedelta(days=900)))
    db.session.commit()
    assert table_rows() != recount()
    result = app.test_cli_runner().invoke(args=["grants", "refresh-alerts"])
    assert result.exit_code == 0, result.output
    assert "raised" in result.output
    db.session.expire_all()
    assert table_rows() == recount()
    assert len(stored(live.id)["tranche_unanswered"]) == 1 and "low_execution" in stored(live.id)


def test_a_program_rule_change_refreshes_its_alliances(live):
    program = live.call.program
    first = live.tranches[0].disbursed_on
    program.report_period_months = 12  # 200 days ago is within a year
    db.session.commit()
    assert "report_missing" not in stored(live.id)
    row = db.session.execute(sa.select(StoredAlert).where(StoredAlert.code == "report_missing")).scalar_one()
    assert row.since == add_months(first, 12)
    assert table_rows() == recount()


def test_pages_read_stored_rows_as_before(live, login, officer, board):
    html = login(officer).get("/monitoring/alerts").get_data(as_text=True)
    assert html.count('class="alert-row"') == 2 and 'data-code="report_missing"' in html
    db.session.execute(sa.delete(StoredAlert))  # the table is what the pages read
    db.session.commit()
    assert 'class="alert-row"' not in login(officer).get("/monitoring/alerts").get_data(as_text=True)
    assert 'data-rule="report_missing"' not in login(board).get(f"/alliances/{live.id}").get_data(as_text=True)
    alerts.refresh_all()
    db.session.commit()
    assert 'data-rule="report_missing"' in login(board).get(f"/alliances/{live.id}").get_data(as_text=True)


def test_alerts_api_statements_do_not_grow(db, api, admin, make_association, make_alliance, make_user):
    client = api(admin)
    for n in range(2):
        _alerting_alliance(make_association, make_alliance, make_user, n)
    assert table_rows() == recount()
    small = _api_statements(db, client)
    for n in range(2, 8):
        _alerting_alliance(make_association, make_alliance, make_user, n)
    large = _api_statements(db, client)
    assert small[0]["total"] == 8 and large[0]["total"] == 32
    assert len(large[1]) == len(small[1]), "\n".join(s[:160] for s in large[1])
    page2 = client.get("/alerts?per_page=10&page=4").get_json()
    assert page2["total"] == 32 and len(page2["items"]) == 2
    assert table_rows() == recount()


def _api_statements(db, client):
    client.get("/alerts")
    with statements(db.engine) as seen:
        body = client.get("/alerts").get_json()
    return body, seen


def test_alerts_page_two_sizes_read_only_the_table(db, login, admin, make_association, make_alliance, make_user):
    client = login(admin)
    for n in range(3):
        _alerting_alliance(make_association, make_alliance, make_user, n)
    small = _statements(db, client, "/monitoring/alerts")
    for n in range(3, 12):
        _alerting_alliance(make_association, make_alliance, make_user, n)
    large = _statements(db, client, "/monitoring/alerts")
    assert small[1].count('class="alert-row"') == 12 and large[1].count('class="alert-row"') == 48
    assert len(large[2]) == len(small[2])
    # no source table is read to draw the page
    for table in ("tranches", "expenses", "ta_deliverables", "accountability_reports"):
        assert not any(f"FROM {table}" in s for s in large[2]), table
