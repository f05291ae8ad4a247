"""The portfolio: its numbers equal the sums of the underlying records, officers see their regions only,
filters, the breakdown, stage durations from the audit trail, the XLSX export and the API."""
import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from grants.alliances import ledger
from grants.reports import filters, portfolio as pf
from tests.reports_support import A1_PATH, A2_PATH, A3_PATH, expected, expected_durations, world  # noqa: F401

D = Decimal


def _build(user, **kw):
    group = kw.pop("group", "region")
    return pf.build(user, filters.Filters(**kw), group)


def _check_totals(p, exp):
    assert p.alliances == exp["alliances"]
    t = p.totals.get("BOB") or pf.Row(None, "", "BOB")
    for name in ("committed", "disbursed", "justified", "counterpart_planned", "counterpart_contributed"):
        assert getattr(t, name) == exp[name], name
    for name in ("families", "women", "families_reached", "women_reached"):
        assert p.people[name] == exp[name], name


def test_numbers_equal_the_sums_of_the_records(db, world, admin):
    p = _build(admin)
    exp = expected(world)
    assert exp["committed"] == D("220000.00") and exp["justified"] == D("42000.50")
    _check_totals(p, exp)
    assert p.by_state == {"in_execution": 1, "agreement_signed": 1, "draft": 1}
    t = p.totals["BOB"]
    assert t.alliances == 3 and t.funded == 2
    assert t.disbursed_share == D("0.5000")  # 109999.99 / 220000.00
    assert p.people["women"] > 0 and p.people["women"] < p.people["families"]


def test_numbers_agree_with_the_ledger_of_each_alliance(db, world, admin):
    """The same figures through the spine's ledger, alliance by alliance (a second, independent path)."""
    p = _build(admin)
    alliances = [world[k] for k in ("a1", "a2", "a3")]
    for a in alliances:
        db.session.refresh(a)
    assert p.totals["BOB"].disbursed == sum(ledger.disbursed(a) for a in alliances)
    assert p.totals["BOB"].justified == sum(ledger.justified(a) for a in alliances)
    assert p.totals["BOB"].counterpart_contributed == sum(ledger.counterpart_contributed(a) for a in alliances)


def test_results_against_targets(db, world, admin):
    p = _build(admin)
    assert p.indicator_totals == {"indicators": 5, "measured": 3, "on_target": 2,
                                  "on_target_share": D("0.6667")}
    by_code = {i.code: i for i in p.indicators}
    income = by_code["net_income_per_family"]
    assert income.indicators == 3 and income.baseline == D("766.67")  # (1000 + 800 + 500) / 3
    assert income.target == D("1500.00") and income.actual == D("2100.00")  # the latest period, not 1500
    assert (income.measured, income.on_target) == (1, 1)
    assert (by_code["sales_volume"].measured, by_code["sales_volume"].on_target) == (1, 0)
    assert (by_code["custom"].measured, by_code["custom"].on_target) == (1, 1)  # downwards target reached
    assert [i.code for i in p.indicators] == ["net_income_per_family", "sales_volume", "custom"]


def test_stage_durations_from_the_audit_trail(db, world, admin):
    p = _build(admin)
    got = {d.state: (d.stays, d.median_days, d.mean_days) for d in p.durations}
    assert got == expected_durations(A1_PATH, A2_PATH, A3_PATH)
    assert got["submitted"] == (3, 3.0, 2.3)  # stays of 2 (A1), 3 and 1 (A2, returned in between)
    assert "in_execution" not in got  # still there: no stay has ended
    assert [d.state for d in p.durations][:3] == ["draft", "submitted", "returned"]


def test_officers_see_their_regions_only(db, world, officer, other_officer, auditor):
    mine = _build(officer)  # La Paz: A1 and A3
    _check_totals(mine, expected(world, ("a1", "a3")))
    theirs = _build(other_officer)  # Potosí: A2
    _check_totals(theirs, expected(world, ("a2",)))
    assert [r.label for r in mine.rows] == ["La Paz"] and [r.label for r in theirs.rows] == ["Potosí"]
    assert pf.options(officer)["regions"] == ["La Paz"]
    _check_totals(_build(auditor), expected(world))
    # an officer filtering on another region gets nothing, not the other region's numbers
    assert _build(officer, region="Potosí").alliances == 0


def test_filters(db, world, admin, program, call):
    _check_totals(_build(admin, region="Potosí"), expected(world, ("a2",)))
    _check_totals(_build(admin, state="in_execution"), expected(world, ("a1",)))
    _check_totals(_build(admin, product="Quinua"), expected(world, ("a3",)))
    _check_totals(_build(admin, program=program.id, call=call.id, year=call.opens_at.year), expected(world))
    assert _build(admin, year=call.opens_at.year - 1).alliances == 0
    assert _build(admin, program=program.id + 999).alliances == 0
    draft = _build(admin, state="draft")
    assert draft.alliances == 1 and draft.totals["BOB"].committed == 0 and draft.people["families_reached"] == 0


def test_breakdown_groups(db, world, admin, program, call):
    by_region = {r.label: r for r in _build(admin).rows}
    assert set(by_region) == {"La Paz", "Potosí"}
    assert by_region["La Paz"].committed == D("140000.00") and by_region["Potosí"].disbursed == D("39999.99")
    assert by_region["La Paz"].alliances == 2 and by_region["La Paz"].funded == 1
    assert (by_region["La Paz"].indicators_measured, by_region["La Paz"].indicators_on_target) == (3, 2)
    by_product = {r.label: r for r in _build(admin, group="product").rows}
    assert set(by_product) == {"Leche", "Quinua"} and by_product["Quinua"].committed == 0
    (prog,) = _build(admin, group="program").rows
    assert prog.label == program.name and prog.key == program.id and prog.alliances == 3
    (c,) = _build(admin, group="call").rows
    assert c.label == call.title and c.justified == D("42000.50")


def test_portfolio_page_and_access(db, world, login, admin, officer, auditor, board, finance, client):
    page = login(officer).get("/portfolio")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # charts drawn on the server: the only scripts are the app's offline queue (base.html), none for the charts
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert "<svg" in html and scripts and all('id="offline-strings"' in s or "/static/js/" in s for s in scripts)
    assert not re.search(r"<script[^>]*src=\"(?!/static/js/(queue|offline)\.js)", html)
    assert "140.000,00" in html  # La Paz's committed grant, Spanish format
    assert "80.000,00" not in html  # Potosí is not the officer's
    assert login(auditor).get("/portfolio?group=product&state=in_execution").status_code == 200
    assert login(admin).get("/portfolio?program=abc&year=zz&group=nope&state=bogus").status_code == 200
    for user in (board, finance):
        assert login(user).get("/portfolio").status_code == 403
        assert login(user).get("/portfolio.xlsx").status_code == 403
    resp = client.get("/portfolio")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    nav = login(officer).get("/dashboard").get_data(as_text=True)
    assert 'id="nav-portfolio"' in nav
    assert 'id="nav-portfolio"' not in login(board).get("/dashboard").get_data(as_text=True)


def test_xlsx_holds_the_same_numbers(db, world, login, admin):
    resp = login(admin).get("/portfolio.xlsx?group=region")
    assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
    wb = load_workbook(io.BytesIO(resp.data))
    assert wb.sheetnames == ["totals", "states", "durations", "breakdown", "results"]
    exp = expected(world)
    totals = [row for row in wb["totals"].iter_rows(min_row=2, values_only=True)]
    bob = totals[0]
    assert bob[0] == "BOB" and bob[1] == 3 and bob[2] == 2
    assert [D(str(v)).quantize(D("0.01")) for v in bob[3:8]] == [
        exp["committed"], exp["disbursed"], exp["justified"], exp["counterpart_planned"],
        exp["counterpart_contributed"]]
    labels = {row[0]: row[1] for row in totals[2:] if row and row[0]}
    assert exp["families"] in labels.values() and exp["women_reached"] in labels.values()
    states = {row[0]: row[2] for row in wb["states"].iter_rows(min_row=2, values_only=True)}
    assert states == {"in_execution": 1, "agreement_signed": 1, "draft": 1}
    durations = {row[0]: (row[2], row[3], row[4]) for row in wb["durations"].iter_rows(min_row=2, values_only=True)}
    assert durations == expected_durations(A1_PATH, A2_PATH, A3_PATH)
    breakdown = {row[0]: row for row in wb["breakdown"].iter_rows(min_row=2, values_only=True)}
    assert D(str(breakdown["Potosí"][5])).quantize(D("0.01")) == D("39999.99")
    results = {row[0]: row for row in wb["results"].iter_rows(min_row=2, values_only=True)}
    assert results["net_income_per_family"][7:] == (1, 1)


def test_api_portfolio(db, world, api, admin, officer, board, program):
    resp = api(admin).get("/portfolio")
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    exp = expected(world)
    (bob,) = body["totals"]
    assert bob["currency"] == "BOB" and bob["committed"] == str(exp["committed"])
    assert bob["disbursed"] == "109999.99" and bob["justified"] == "42000.50"
    assert bob["counterpart_contributed"] == str(exp["counterpart_contributed"])
    assert body["people"]["families"] == exp["families"] and body["alliances"] == 3
    assert {s["state"]: s["alliances"] for s in body["by_state"]} == {"in_execution": 1, "agreement_signed": 1,
                                                                       "draft": 1}
    assert body["results"]["on_target"] == 2 and body["results"]["measured"] == 3
    assert {d["state"]: d["median_days"] for d in body["durations"]}["submitted"] == 3.0
    assert {r["label"] for r in body["breakdown"]} == {"La Paz", "Potosí"}
    assert all(isinstance(r["committed"], str) for r in body["breakdown"])
    mine = api(officer).get(f"/portfolio?group=program&program={program.id}").get_json()
    assert mine["alliances"] == 2 and mine["breakdown"][0]["key"] == str(program.id)
    assert mine["filters"] == {"program": program.id}
    assert api(board).get("/portfolio").status_code == 403
    assert api().get("/portfolio").status_code == 401
    for bad in ("program=abc", "state=flying", "year=12", "group=colour", "call=-1"):
        r = api(admin).get(f"/portfolio?{bad}")
        assert r.status_code == 400 and r.get_json()["error"]["code"] == "bad_request", bad


def test_openapi_documents_the_reports(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["paths"]["/portfolio"]["get"]["security"]
    assert doc["paths"]["/portal"]["get"]["security"] == []
    names = {p["name"] for p in doc["paths"]["/portfolio"]["get"]["parameters"]}
    assert {"program", "call", "region", "product", "state", "year", "group"} <= names
    committed = doc["components"]["schemas"]["MoneyFiguresOut"]["properties"]["committed"]
    assert committed["type"] == "string" and "pattern" in committed


@pytest.mark.parametrize("group", filters.GROUPS)
def test_empty_portfolio(db, admin, group):
    p = _build(admin, group=group)
    assert p.alliances == 0 and p.rows == [] and p.durations == [] and p.totals == {}
    assert p.indicator_totals["on_target_share"] == 0


def test_portfolio_is_reused_for_the_cache_time_and_says_when_it_was_counted(app, officer, admin, login):
    """With PORTFOLIO_CACHE_SECONDS the same visibility, filters and grouping get the same counted portfolio
    (its time shown); another visibility or grouping is counted on its own; 0 counts every time."""
    from grants.reports import portfolio as pf
    from grants.reports.filters import Filters

    pf._CACHE.clear()
    app.config["PORTFOLIO_CACHE_SECONDS"] = 60
    try:
        first = pf.cached(admin, Filters(), "region")
        assert pf.cached(admin, Filters(), "region") is first
        assert pf.cached(admin, Filters(), "product") is not first
        assert pf.cached(officer, Filters(), "region") is not first
        assert 'id="computed-at"' in login(admin).get("/portfolio").get_data(as_text=True)
    finally:
        app.config["PORTFOLIO_CACHE_SECONDS"] = 0
        pf._CACHE.clear()
    assert pf.cached(admin, Filters(), "region") is not pf.cached(admin, Filters(), "region")
