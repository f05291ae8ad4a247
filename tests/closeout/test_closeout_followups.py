"""Life after the grant (issue 16, part 2): the follow-ups of a closed alliance at one, two and three years after its
closing. Rules (not closed, duplicate year, too early, in the future, more women than families), permissions (the
officer of the region and the board record; members read; another association gets 404), the page without
JavaScript, the API, the officer's work list, the alliance page and the survival figures of the portfolio and
the portal (whose stored answer is forgotten when a follow-up is recorded)."""
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from grants.alliances import tasks
from grants.alliances.services import take_action
from grants.closeout import followups
from grants.closeout.models import FollowUp
from grants.errors import Forbidden, RuleViolation, ValidationFailed
from grants.extensions import db as _db
from grants.reports.stored import StoredAnswer
from grants.workflows import rules
from tests.closeout_support import closing, evaluate, refund

TODAY = date.today()


def close_alliance(alliance, officer, facilitator, board, finance, closed_on=None):
    """Closed (evaluated, the unspent grant refunded), on ``closed_on`` (default: a year and ten days ago)."""
    closing(alliance, officer, facilitator, board)
    evaluate(alliance, officer)
    refund(alliance, finance)
    take_action(alliance, "close", officer)
    _db.session.commit()
    alliance.state_changed_at = datetime.combine(closed_on or TODAY - timedelta(days=375), datetime.min.time())
    _db.session.commit()
    return alliance


@pytest.fixture
def closed(alliance, officer, facilitator, board, finance):
    return close_alliance(alliance, officer, facilitator, board, finance)


def data(**kw):
    out = {"year": 1, "kind": "visit", "held_on": (TODAY - timedelta(days=3)).isoformat(), "still_selling": "yes",
           "buyer_kept": "yes", "other_buyers": "Feria de El Alto", "sales_volume": "95.50", "sales_unit": "t",
           "sales_value": "286500.00", "families_active": "24", "women_active": "11",
           "revolving_fund_balance": "41250.00", "loans_open": "3", "loans_outstanding": "9000.00",
           "notes": "El centro de acopio funciona; dos familias dejaron la asociación."}
    out.update(kw)
    return out


def rules_of(exc):
    return sorted(v.rule for v in exc.value.details)


# the rules -------------------------------------------------------------------------------------------------

def test_the_board_records_the_one_year_follow_up_with_exact_money(closed, board, db):
    fu = followups.record_follow_up(closed, data(), board)
    db.session.commit()
    db.session.expire_all()
    row = db.session.get(FollowUp, fu.id)
    assert (row.year, row.kind, row.still_selling, row.buyer_kept) == (1, "visit", True, True)
    assert row.sales_value == Decimal("286500.00") and isinstance(row.sales_value, Decimal)
    assert row.revolving_fund_balance == Decimal("41250.00") and row.loans_outstanding == Decimal("9000.00")
    assert (row.families_active, row.women_active, row.loans_open) == (24, 11, 3)
    assert row.recorded_by_id == board.id
    from grants.audit.models import Event

    event = db.session.execute(sa.select(Event).where(Event.object_type == "follow_up")).scalar_one()
    assert event.action == "record" and event.alliance_id == closed.id


def test_only_after_the_closing(alliance, officer, facilitator, board, db):
    a = closing(alliance, officer, facilitator, board)
    with pytest.raises(RuleViolation) as exc:
        followups.record_follow_up(a, data(), board)
    assert rules_of(exc) == [rules.FOLLOW_UP_NOT_CLOSED]
    assert db.session.execute(sa.select(sa.func.count()).select_from(FollowUp)).scalar() == 0


def test_one_per_year(closed, board, officer, db):
    followups.record_follow_up(closed, data(), board)
    db.session.commit()
    with pytest.raises(RuleViolation) as exc:
        followups.record_follow_up(closed, data(kind="call"), officer)
    assert rules_of(exc) == [rules.FOLLOW_UP_YEAR_RECORDED]


def test_the_window_opens_sixty_days_before_the_anniversary(alliance, officer, facilitator, board, finance, db):
    closed_on = date(TODAY.year - 1, TODAY.month, 1)
    a = close_alliance(alliance, officer, facilitator, board, finance, closed_on=closed_on)
    opens = followups.add_years(closed_on, 1) - timedelta(days=60)
    assert opens <= TODAY
    with pytest.raises(RuleViolation) as exc:
        followups.record_follow_up(a, data(held_on=(opens - timedelta(days=1)).isoformat()), board)
    assert rules_of(exc) == [rules.FOLLOW_UP_TOO_EARLY]
    message = str(exc.value.details[0].message)
    assert followups.add_years(closed_on, 1).isoformat() in message and opens.isoformat() in message
    # year 2 is far from due
    with pytest.raises(RuleViolation) as exc:
        followups.record_follow_up(a, data(year=2, held_on=TODAY.isoformat()), board)
    assert rules_of(exc) == [rules.FOLLOW_UP_TOO_EARLY]
    fu = followups.record_follow_up(a, data(held_on=opens.isoformat()), board)
    assert fu.held_on == opens


def test_every_problem_at_once_and_nothing_written(closed, officer, db):
    with pytest.raises(RuleViolation) as exc:
        followups.record_follow_up(closed, data(held_on=(TODAY + timedelta(days=1)).isoformat(), women_active="30",
                                                families_active="20", sales_value="12,5.3", kind=""), officer)
    assert rules_of(exc) == [rules.FOLLOW_UP_IN_FUTURE, rules.FOLLOW_UP_WOMEN_EXCEED_FAMILIES, rules.INVALID, rules.REQUIRED]
    with pytest.raises(ValidationFailed) as exc:
        followups.record_follow_up(closed, data(still_selling="", families_active="-1", year="4"), officer)
    assert {v.field for v in exc.value.details} == {"still_selling", "families_active", "year"}
    db.session.rollback()
    assert db.session.execute(sa.select(sa.func.count()).select_from(FollowUp)).scalar() == 0


def test_who_records(closed, treasurer, member_user, other_board, other_officer, auditor, admin, officer):
    for user in (treasurer, member_user, other_board, other_officer, auditor, admin):
        with pytest.raises(Forbidden):
            followups.record_follow_up(closed, data(), user)
    assert followups.record_follow_up(closed, data(), officer).recorded_by_id == officer.id


def test_leap_day_anniversaries():
    assert followups.add_years(date(2024, 2, 29), 1) == date(2025, 3, 1)
    assert followups.add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)
    assert followups.sub_years(date(2028, 2, 29), 1) == date(2027, 2, 28)
    # consistent: the day the follow-up becomes due is the first day the cutoff includes the closing
    for closed_on in (date(2024, 2, 29), date(2024, 3, 1), date(2024, 2, 28)):
        due = followups.add_years(closed_on, 1)
        assert followups.sub_years(due, 1) >= closed_on > followups.sub_years(due - timedelta(days=1), 1)


# the page --------------------------------------------------------------------------------------------------

def test_the_board_records_a_follow_up_on_the_page(closed, login, board, db):
    web = login(board)
    html = web.get(f"/alliances/{closed.id}/follow-ups").get_data(as_text=True)
    assert 'id="follow-up-form"' in html and 'data-state="due"' in html
    assert '<option selected value="1">' in html or 'value="1" selected' in html
    resp = web.post(f"/alliances/{closed.id}/follow-ups", data=data(sales_value="286.500,00"))
    assert resp.status_code == 302 and resp.headers["Location"].endswith("#follow-up-1")
    html = web.get(resp.headers["Location"]).get_data(as_text=True)
    assert 'id="follow-up-1"' in html and "Bs 286.500,00" in html and "Feria de El Alto" in html
    assert 'data-state="recorded"' in html
    # the alliance page shows the follow-up with the alliance's results
    html = web.get(f"/alliances/{closed.id}").get_data(as_text=True)
    section = html.split('id="closeout-follow-ups"')[1].split("</details>")[0]
    assert 'id="closeout-follow-up-1"' in section and "Bs 286.500,00" in section and "Sí" in section
    assert "registró el seguimiento del año 1 después del cierre" in html  # the alliance's history, in words


def test_errors_keep_what_was_typed(closed, login, officer, db):
    resp = login(officer).post(f"/alliances/{closed.id}/follow-ups",
                               data=data(notes="Notas que no se pierden", women_active="40", families_active="20"))
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "Notas que no se pierden" in html and 'value="40"' in html
    assert "Las mujeres activas (40) no pueden ser más que las familias activas (20)." in html
    assert "follow_up_women_exceed_families" not in html
    assert db.session.execute(sa.select(sa.func.count()).select_from(FollowUp)).scalar() == 0


def test_members_read_outsiders_get_404(closed, login, board, member_user, treasurer, other_board, other_officer,
                                        db):
    followups.record_follow_up(closed, data(), board)
    db.session.commit()
    for user in (member_user, treasurer):
        web = login(user)
        html = web.get(f"/alliances/{closed.id}/follow-ups").get_data(as_text=True)
        assert 'id="follow-up-1"' in html and 'id="follow-up-form"' not in html
        assert web.post(f"/alliances/{closed.id}/follow-ups", data=data(year="2")).status_code == 403
    for user in (other_board, other_officer):
        web = login(user)
        assert web.get(f"/alliances/{closed.id}/follow-ups").status_code == 404
        assert web.post(f"/alliances/{closed.id}/follow-ups", data=data(year="2")).status_code == 404
    assert db.session.execute(sa.select(sa.func.count()).select_from(FollowUp)).scalar() == 1


def test_before_the_closing_the_page_explains_and_offers_no_form(alliance, login, board):
    html = login(board).get(f"/alliances/{alliance.id}/follow-ups").get_data(as_text=True)
    assert 'id="follow-ups-not-yet"' in html and 'id="follow-up-form"' not in html


# the API ---------------------------------------------------------------------------------------------------

def api_body(**kw):
    body = {"year": 1, "kind": "call", "held_on": (TODAY - timedelta(days=2)).isoformat(), "still_selling": True,
            "buyer_kept": False, "other_buyers": "Intermediarios de la feria", "sales_value": "120000.00",
            "families_active": 20, "women_active": 9, "revolving_fund_balance": "30000.00", "loans_open": 2}
    body.update(kw)
    return body


def test_api_records_and_lists(closed, api, officer, member_user, db):
    resp = api(officer).post(f"/alliances/{closed.id}/follow-ups", json=api_body())
    assert resp.status_code == 201, resp.get_json()
    out = resp.get_json()
    assert out["year"] == 1 and out["sales_value"] == "120000.00" and out["still_selling"] is True
    assert out["revolving_fund_balance"] == "30000.00" and out["loans_outstanding"] is None
    listed = api(member_user).get(f"/alliances/{closed.id}/follow-ups").get_json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == out["id"]
    schedule = api(member_user).get(f"/alliances/{closed.id}/follow-ups/schedule").get_json()
    assert schedule["closed_on"] == (TODAY - timedelta(days=375)).isoformat() and schedule["window_days"] == 60
    assert [s["state"] for s in schedule["years"]] == ["recorded", "later", "later"]
    assert schedule["years"][0]["follow_up_id"] == out["id"]


def test_api_rules_and_permissions(closed, alliance, api, board, member_user, other_board, db):
    resp = api(board).post(f"/alliances/{closed.id}/follow-ups", json=api_body(year=2, women_active=21))
    assert resp.status_code == 422
    assert sorted(d["rule"] for d in resp.get_json()["error"]["details"]) == [
        "follow_up_too_early", "follow_up_women_exceed_families"]
    assert api(member_user).post(f"/alliances/{closed.id}/follow-ups", json=api_body()).status_code == 403
    assert api(other_board).post(f"/alliances/{closed.id}/follow-ups", json=api_body()).status_code == 404
    assert api(other_board).get(f"/alliances/{closed.id}/follow-ups").status_code == 404
    assert api(board).post(f"/alliances/{closed.id}/follow-ups",
                           json=api_body(sales_value=1250.5)).status_code == 400  # never a float
    assert api(board).post(f"/alliances/{closed.id}/follow-ups", json=api_body()).status_code == 201
    resp = api(board).post(f"/alliances/{closed.id}/follow-ups", json=api_body())
    assert resp.status_code == 422 and resp.get_json()["error"]["details"][0]["rule"] == "follow_up_year_recorded"


def test_api_refuses_before_the_closing(alliance, api, board):
    resp = api(board).post(f"/alliances/{alliance.id}/follow-ups", json=api_body())
    assert resp.status_code == 422
    assert [d["rule"] for d in resp.get_json()["error"]["details"]] == ["follow_up_not_closed"]


def test_openapi_documents_follow_ups(api):
    doc = api().get("/openapi.json").get_json()
    assert {"get", "post"} <= set(doc["paths"]["/alliances/{alliance_id}/follow-ups"])
    assert "/alliances/{alliance_id}/follow-ups/schedule" in doc["paths"]


# the officer's work list -----------------------------------------------------------------------------------

def _due(user, db):
    from flask import current_app

    with current_app.test_request_context("/"):
        found, _total = tasks.collect(db.session.get(type(user), user.id))
    return [t for t in found if t.code == "closeout_follow_up_due"]


def test_the_officer_sees_the_due_follow_up_until_it_is_recorded(closed, officer, other_officer, board, login, db):
    due = _due(officer, db)
    assert len(due) == 1 and due[0].alliance.id == closed.id
    assert due[0].due == followups.add_years(TODAY - timedelta(days=375), 1)
    assert due[0].urgency == tasks.OVERDUE
    assert _due(other_officer, db) == [] and _due(board, db) == []
    html = login(officer).get("/dashboard").get_data(as_text=True)
    assert f"/alliances/{closed.id}/follow-ups" in html and "Registrar el seguimiento del año 1" in html
    followups.record_follow_up(closed, data(), board)
    db.session.commit()
    assert _due(officer, db) == []


def test_no_task_before_the_window_opens(alliance, officer, facilitator, board, finance, db):
    close_alliance(alliance, officer, facilitator, board, finance, closed_on=TODAY - timedelta(days=200))
    assert _due(officer, db) == []


# survival on the portfolio and the portal ------------------------------------------------------------------

def test_survival_counts_alliances_due_and_still_selling(make_alliance, officer, facilitator, board, finance,
                                                         admin, login, client, api, db):
    """Three closed alliances: two past their first anniversary (one still selling, one not), one closed three
    years ago with only its year-2 follow-up (not selling), plus one closed last month (due for nothing)."""
    made = []
    for days in (375, 400, 3 * 366 + 5, 30):
        a = make_alliance()  # the previous one is closed: no other open alliance in the call
        made.append(close_alliance(a, officer, facilitator, board, finance, closed_on=TODAY - timedelta(days=days)))
    one, two, old, recent = made
    followups.record_follow_up(one, data(), board)
    followups.record_follow_up(two, data(still_selling="no", buyer_kept="no"), board)
    followups.record_follow_up(old, data(year=2, still_selling="no"), board)
    db.session.commit()
    rows = followups.survival(sa.select(sa.literal_column("id")).select_from(sa.table("alliances")))
    by_year = {s.year: s for s in rows}
    assert (by_year[1].due, by_year[1].recorded, by_year[1].still_selling) == (3, 2, 1)
    assert (by_year[2].due, by_year[2].recorded, by_year[2].still_selling) == (1, 1, 0)
    assert (by_year[3].due, by_year[3].recorded, by_year[3].still_selling) == (1, 0, 0)
    assert by_year[1].share == Decimal("0.3333")
    # the portfolio (page and API)
    html = login(admin).get("/portfolio").get_data(as_text=True)
    row = html.split('id="survival-1"')[1].split("</tr>")[0]
    cells = _cells(row)
    assert cells[:4] == ["+1 año", "3", "2", "1"] and cells[4].startswith("33")
    results = api(admin).get("/portfolio").get_json()["results"]
    assert results["survival"][0] == {"year": 1, "due": 3, "recorded": 2, "still_selling": 1, "share": "0.3333"}
    # the portal (page and API): public, no login
    html = client.get("/portal").get_data(as_text=True)
    assert 'id="portal-survival-1"' in html
    survival = client.get("/api/v1/portal").get_json()["aggregates"]["survival"]
    assert [(s["year"], s["due"], s["recorded"], s["still_selling"]) for s in survival] == [
        (1, 3, 2, 1), (2, 1, 1, 0), (3, 1, 0, 0)]


def _cells(row):
    import re

    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_an_early_follow_up_counts_its_alliance_as_due(alliance, officer, facilitator, board, finance, db):
    a = close_alliance(alliance, officer, facilitator, board, finance, closed_on=TODAY - timedelta(days=330))
    followups.record_follow_up(a, data(), board)
    db.session.commit()
    one = followups.survival(sa.select(sa.literal(a.id)))[0]
    assert (one.due, one.recorded, one.still_selling) == (1, 1, 1)


def test_recording_a_follow_up_forgets_the_stored_portal(closed, app, client, board, db):
    app.config["PORTAL_CACHE_SECONDS"] = 300
    try:
        before = client.get("/api/v1/portal").get_json()["aggregates"]["survival"][0]
        assert db.session.execute(sa.select(sa.func.count()).select_from(StoredAnswer)).scalar() == 1
        followups.record_follow_up(closed, data(), board)
        db.session.commit()
        assert db.session.execute(sa.select(sa.func.count()).select_from(StoredAnswer)).scalar() == 0
        after = client.get("/api/v1/portal").get_json()["aggregates"]["survival"][0]
        assert (before["recorded"], after["recorded"], after["still_selling"]) == (0, 1, 1)
    finally:
        app.config["PORTAL_CACHE_SECONDS"] = 0


def test_a_simultaneous_second_record_of_the_same_year_is_a_rule_not_a_500(closed, board, officer, db):
    """Another session recorded year 1 after this one read the alliance: the unique constraint answers, named."""
    from sqlalchemy.orm.attributes import set_committed_value

    followups.record_follow_up(closed, data(), board)
    db.session.commit()
    stale = db.session.get(type(closed), closed.id)
    set_committed_value(stale, "follow_ups", [])  # what this request read before the other one committed
    with pytest.raises(RuleViolation) as exc:
        followups.record_follow_up(stale, data(kind="call"), officer)
    assert rules_of(exc) == [rules.FOLLOW_UP_YEAR_RECORDED]
    db.session.rollback()
    assert db.session.execute(sa.select(sa.func.count()).select_from(FollowUp)).scalar() == 1


def test_the_officer_s_follow_ups_read_only_the_alliances_shown(make_alliance, officer, db, monkeypatch):
    """The source chooses in SQL the closed alliances with a year waiting, the first LIMIT of them (issue 12: it read
    every closed alliance of the officer's regions, about 1,250 at national scale, to show 30)."""
    from grants.alliances.models import Alliance

    made = [make_alliance() for _ in range(3)]
    for i, a in enumerate(made):
        a.state = "closed"
        a.state_changed_at = datetime.combine(TODAY - timedelta(days=400 - i), datetime.min.time())
    db.session.commit()
    monkeypatch.setattr(tasks, "LIMIT", 1)
    officer_id, made_ids = officer.id, [a.id for a in made]
    db.session.expunge_all()
    officer = db.session.get(type(officer), officer_id)
    officer.regions, officer.has_role("officer")
    loaded = []

    def on_load(target, _context):
        loaded.append(target.id)

    sa.event.listen(Alliance, "load", on_load)
    try:
        due = _due(officer, db)
    finally:
        sa.event.remove(Alliance, "load", on_load)
    assert [t.alliance.id for t in due] == [made_ids[0]]
    assert made_ids[1] not in loaded and made_ids[2] not in loaded, loaded
