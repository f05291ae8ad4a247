"""Alerts: each source at its boundary (with ``today`` given), the alerts page and the alliance page, the API,
and the number of SQL statements of /monitoring/alerts, which must not grow with the alliances (no N+1)."""
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from grants.alliances import alerts
from grants.alliances.alerts import add_months
from grants.alliances.budget import Tranche
from grants.assistance import services as ta_svc
from grants.execution.models import AccountabilityReport, Expense
from grants.extensions import db
from grants.funding.models import TrancheFlow
from grants.workflows import rules
from tests.assistance_support import contract_data, live_ta, provider_for
from tests.monitoring_support import executing
from tests.statements import statements

TODAY = date.today()


@pytest.fixture
def live(alliance, officer, facilitator, board):
    return executing(alliance, officer, facilitator, board)


def codes(alliance, today, code=None):
    return [a.code for a in alerts.collect([alliance], today) if code is None or a.code == code]


def request_second(alliance, on):
    t = alliance.tranches[1]
    t.state = "requested"
    db.session.add(TrancheFlow(tranche_id=t.id, requested_at=datetime.combine(on, datetime.min.time())
                               + timedelta(hours=15)))
    db.session.commit()
    return t


def add_expense(alliance, amount, source="grant"):
    line = alliance.budget_lines[0]
    db.session.add(Expense(alliance_id=alliance.id, budget_line_id=line.id, spent_on=TODAY, amount=Decimal(amount),
                           source=source, supplier="Ferretería", document_type="invoice",
                           document_number=f"F-{amount}"))
    db.session.commit()


def test_registry_has_every_stage_source():
    assert set(alerts.codes()) >= {rules.REPORT_MISSING, rules.LOW_EXECUTION, rules.DELIVERABLE_OVERDUE, rules.TRANCHE_UNANSWERED}
    assert alerts.collect([]) == []


def test_add_months():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 8, 15), 6) == date(2027, 2, 15)
    assert add_months(date(2026, 12, 1), 12) == date(2027, 12, 1)


def test_tranche_unanswered_boundary(live):
    requested = TODAY - timedelta(days=40)
    request_second(live, requested)
    days = live.call.program.tranche_response_days
    assert codes(live, requested + timedelta(days=days), rules.TRANCHE_UNANSWERED) == []
    found = [a for a in alerts.collect([live], requested + timedelta(days=days + 1))
             if a.code == "tranche_unanswered"]
    assert len(found) == 1 and found[0].detail["number"] == 2 and found[0].alliance_id == live.id
    assert found[0].since == requested + timedelta(days=days)
    live.tranches[1].state = "approved"
    db.session.commit()
    assert codes(live, requested + timedelta(days=days + 1), rules.TRANCHE_UNANSWERED) == []


def test_report_missing_boundary(live):
    first = live.tranches[0].disbursed_on
    months = live.call.program.report_period_months
    due = add_months(first, months)
    assert codes(live, due, rules.REPORT_MISSING) == []
    assert codes(live, due + timedelta(days=1), rules.REPORT_MISSING) == [rules.REPORT_MISSING]
    # a draft does not count; a submitted report that ends within the period does
    report = AccountabilityReport(alliance_id=live.id, period_start=first, period_end=add_months(first, 5),
                                  state="draft")
    db.session.add(report)
    db.session.commit()
    assert codes(live, due + timedelta(days=1), rules.REPORT_MISSING) == [rules.REPORT_MISSING]
    report.state = "submitted"
    db.session.commit()
    assert codes(live, due + timedelta(days=1), rules.REPORT_MISSING) == []
    next_due = add_months(add_months(first, 5), months)
    assert codes(live, next_due, rules.REPORT_MISSING) == []
    assert codes(live, next_due + timedelta(days=1), rules.REPORT_MISSING) == [rules.REPORT_MISSING]
    live.state = "suspended"
    db.session.commit()
    assert codes(live, next_due + timedelta(days=1), rules.REPORT_MISSING) == []


def test_low_execution_boundary(live):
    last = live.tranches[0].disbursed_on
    since = add_months(last, live.call.program.report_period_months)
    # 200,000 received, nothing spent: not yet one report period after the transfer
    assert codes(live, since - timedelta(days=1), rules.LOW_EXECUTION) == []
    found = [a for a in alerts.collect([live], since) if a.code == "low_execution"]
    assert len(found) == 1 and found[0].detail["received"] == "200000.00" and found[0].detail["spent"] == "0.00"
    add_expense(live, "99999.99")
    assert codes(live, since, rules.LOW_EXECUTION) == [rules.LOW_EXECUTION]
    add_expense(live, "0.01")  # exactly 50 %: not below the share
    assert codes(live, since, rules.LOW_EXECUTION) == []
    add_expense(live, "5000.00", source="counterpart_cash")  # counterpart does not count as grant spent
    assert codes(live, since, rules.LOW_EXECUTION) == []


def test_deliverable_overdue_boundary(alliance, officer, facilitator, board, ta_provider):
    line = live_ta(alliance, officer, facilitator, board)
    provider = provider_for(ta_provider, board)
    due = TODAY + timedelta(days=20)
    contract = ta_svc.create_contract(alliance, contract_data(provider, line, due=due), board)
    db.session.commit()
    assert codes(alliance, due, rules.DELIVERABLE_OVERDUE) == []
    found = [a for a in alerts.collect([alliance], due + timedelta(days=1)) if a.code == "deliverable_overdue"]
    assert len(found) == 2 and {a.detail["deliverable_id"] for a in found} == {d.id for d in contract.deliverables}
    contract.deliverables[0].state = "accepted"
    db.session.commit()
    assert codes(alliance, due + timedelta(days=1), rules.DELIVERABLE_OVERDUE) == [rules.DELIVERABLE_OVERDUE]


# pages and API ----------------------------------------------------------------------------------------

def test_alerts_page_and_filters(live, login, officer, other_officer, admin, auditor, board):
    request_second(live, TODAY - timedelta(days=30))
    for user in (officer, admin, auditor):
        resp = login(user).get("/monitoring/alerts")
        html = resp.get_data(as_text=True)
        assert resp.status_code == 200 and 'data-code="tranche_unanswered"' in html
        assert f'href="/alliances/{live.id}"' in html
    assert 'data-code=' not in login(other_officer).get("/monitoring/alerts").get_data(as_text=True)
    assert login(board).get("/monitoring/alerts").status_code == 403
    html = login(officer).get("/monitoring/alerts?code=report_missing").get_data(as_text=True)
    assert 'data-code="tranche_unanswered"' not in html
    html = login(admin).get("/monitoring/alerts?region=Potos%C3%AD").get_data(as_text=True)
    assert 'data-code="tranche_unanswered"' not in html  # no alliance of Potosí
    html = login(admin).get("/monitoring/alerts?region=La+Paz&code=tranche_unanswered&page=x").get_data(as_text=True)
    assert 'data-code="tranche_unanswered"' in html
    detail = login(board).get(f"/alliances/{live.id}").get_data(as_text=True)
    assert 'data-rule="tranche_unanswered"' in detail


def test_alerts_api(live, api, officer, other_officer, board, auditor):
    request_second(live, TODAY - timedelta(days=30))
    body = api(officer).get("/alerts").get_json()
    assert body["total"] == 1 and body["page"] == 1
    item = body["items"][0]
    assert item["code"] == "tranche_unanswered" and item["alliance_id"] == live.id and item["region"] == "La Paz"
    assert item["since"] == (TODAY - timedelta(days=30 - live.call.program.tranche_response_days)).isoformat()
    assert api(officer).get("/alerts?code=low_execution").get_json()["total"] == 0
    assert api(officer).get("/alerts?region=Potos%C3%AD").get_json()["total"] == 0
    assert api(officer).get("/alerts?code=nonsense").status_code == 400
    assert api(officer).get("/alerts?per_page=1000").status_code == 400
    assert api(other_officer).get("/alerts").get_json()["total"] == 0
    assert api(board).get("/alerts").status_code == 403
    assert api(auditor).get("/alerts").get_json()["total"] == 1
    mine = api(board).get(f"/alliances/{live.id}/alerts").get_json()
    assert [i["code"] for i in mine["items"]] == ["tranche_unanswered"]
    assert api(other_officer).get(f"/alliances/{live.id}/alerts").status_code == 404


# no N+1 -----------------------------------------------------------------------------------------------

def _statements(db, client, page):
    client.get(page)
    with statements(db.engine) as seen:
        resp = client.get(page)
    return resp.status_code, resp.get_data(as_text=True), seen


def _alerting_alliance(make_association, make_alliance, make_user, n):
    """An alliance in execution raising every alert: a transfer long ago, a tranche requested long ago, an
    overdue deliverable (rows written directly: the stages' own tests cover their services)."""
    from grants.alliances.budget import BudgetLine
    from grants.assistance.models import Contract, Deliverable, Provider

    assoc = make_association(region="La Paz", name=f"Asociación alerta {n}")
    alliance = make_alliance(assoc=assoc, actor=make_user(memberships=[(assoc, "board")]))
    long_ago = TODAY - timedelta(days=400)
    line = BudgetLine(alliance_id=alliance.id, position=1, category="technical_assistance", description="AT",
                      unit="global", quantity=1, unit_cost=Decimal("1000"), total=Decimal("1000"),
                      grant=Decimal("1000"))
    db.session.add(line)
    db.session.add_all([
        Tranche(alliance_id=alliance.id, number=1, amount=Decimal("1000"), planned_on=long_ago, state="disbursed",
                disbursed_amount=Decimal("1000"), disbursed_on=long_ago),
        Tranche(alliance_id=alliance.id, number=2, amount=Decimal("1000"), planned_on=long_ago, state="requested")])
    db.session.flush()
    db.session.add(TrancheFlow(tranche_id=alliance.tranches[1].id, requested_at=datetime(2020, 1, 1)))
    provider = Provider(name=f"Proveedor {n}")
    db.session.add(provider)
    db.session.flush()
    contract = Contract(alliance_id=alliance.id, provider_id=provider.id, budget_line_id=line.id,
                        amount=Decimal("1000"), starts_on=long_ago, ends_on=TODAY, state="active")
    db.session.add(contract)
    db.session.flush()
    db.session.add(Deliverable(contract_id=contract.id, position=1, description="Informe", due_on=long_ago,
                               amount=Decimal("1000")))
    alliance.state = "in_execution"
    db.session.commit()
    return alliance


def test_alerts_page_statements_do_not_grow(db, login, admin, officer, make_association, make_alliance, make_user):
    clients = {"admin": login(admin), "officer": login(officer)}
    for n in range(2):
        _alerting_alliance(make_association, make_alliance, make_user, n)
    small = {who: _statements(db, c, "/monitoring/alerts") for who, c in clients.items()}
    for n in range(2, 8):
        _alerting_alliance(make_association, make_alliance, make_user, n)
    large = {who: _statements(db, c, "/monitoring/alerts") for who, c in clients.items()}
    for who in clients:
        assert small[who][0] == 200 and large[who][0] == 200
        assert small[who][1].count('class="alert-row"') == 8  # 2 alliances × 4 alerts
        assert large[who][1].count('class="alert-row"') == 32
        assert len(large[who][2]) == len(small[who][2]), (
            f"{who}: {len(small[who][2])} statements with 2 alliances, {len(large[who][2])} with 8:\n"
            + "\n".join(s[:160] for s in large[who][2]))
