"""Preselection per call: ranking by score with the running total against the envelope, the
committee's decisions (one at a time or in bulk) and their minutes (PDF); the exports."""
import csv
import hashlib
import io
from decimal import Decimal

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from grants.audit.models import Event
from grants.extensions import db
from grants.proposals import preselection, screening
from grants.proposals.exports import COLUMNS
from grants.proposals.models import PreselectionMinutes
from grants.proposals.schemas import ScreeningIn

from tests.proposal_support import act, attach, events, pdf_text

KEYS = [key for key, _label in COLUMNS]


@pytest.fixture
def three(make_association, make_user, make_alliance, call, officer):
    """Three eligible intentions of La Paz in the call, scored 100, 60 and 60 (the 60s: first submitted first)."""
    call.program.grant_cap_per_family = Decimal("40000.00")  # up to 1,000,000.00 for 25 families
    db.session.commit()
    out = []
    for i, (grant, points) in enumerate((("900000.00", 5), ("700000.00", 3), ("600000.00", 3))):
        assoc = make_association(members=25)
        boss = make_user(memberships=[(assoc, "board")])
        a = make_alliance(assoc=assoc, actor=boss, requested_grant=grant, estimated_counterpart="400000.00")
        attach(a, boss)
        act(a, "submit", boss)
        screening.save_scores(a, ScreeningIn(scores={c.code: points for c in call.criteria}), officer)
        act(a, "declare_eligible", officer)
        out.append(a)
    return out


def test_ranking_by_score_with_running_total(three, call, committee):
    # envelope 2,000,000.00: 900k + 700k = 1.6M fits; + 600k = 2.2M does not
    rows = preselection.ranking(call, committee)
    assert [(r.rank, r.alliance.id, r.score) for r in rows] == [
        (1, three[0].id, Decimal("100.00")), (2, three[1].id, Decimal("60.00")), (3, three[2].id, Decimal("60.00"))]
    assert [r.running_total for r in rows] == [Decimal("900000.00"), Decimal("1600000.00"), Decimal("2200000.00")]
    assert [r.within_envelope for r in rows] == [True, True, False]


def test_running_total_at_the_envelope_exactly(three, call, committee, admin):
    from grants.programs import services as programs

    programs.update_call(call, {"envelope": "2200000.00"}, admin)
    db.session.commit()
    assert [r.within_envelope for r in preselection.ranking(call, committee)] == [True, True, True]
    programs.update_call(call, {"envelope": "2199999.99"}, admin)
    db.session.commit()
    assert [r.within_envelope for r in preselection.ranking(call, committee)] == [True, True, False]


def test_not_selected_leave_the_running_total(three, call, committee):
    act(three[1], "not_select", committee)
    rows = preselection.ranking(call, committee)
    assert [r.running_total for r in rows] == [Decimal("900000.00"), None, Decimal("1500000.00")]
    assert rows[2].within_envelope


def test_bulk_preselection_through_the_api_writes_minutes(three, call, committee, make_user, api):
    other = make_user(roles=["committee"], name="Ramiro Revisor")
    client = api(committee)
    got = client.get(f"/calls/{call.id}/preselection").get_json()
    assert got["can_decide"] is True and got["envelope"] == "2000000.00"
    assert [i["running_total"] for i in got["items"]] == ["900000.00", "1600000.00", "2200000.00"]
    resp = client.post(f"/calls/{call.id}/preselection", json={
        "decisions": [{"alliance_id": three[0].id, "action": "preselect"},
                      {"alliance_id": three[1].id, "action": "preselect"},
                      {"alliance_id": three[2].id, "action": "not_select"}],
        "comment": "Sesión ordinaria del comité"})
    assert resp.status_code == 201, resp.get_json()
    out = resp.get_json()
    assert out["number"] == 1 and sorted(out["alliance_ids"]) == sorted(a.id for a in three)
    for a, state in zip(three, ("preselected", "preselected", "not_selected")):
        db.session.refresh(a)
        assert a.state == state
        assert len(events(a, "preselect" if state == "preselected" else "not_select")) == 1
    minutes = db.session.execute(sa.select(PreselectionMinutes)).scalars().all()
    assert len(minutes) == 1
    content = minutes[0].data()
    assert content["committee"] == ["Carmen Comité", "Ramiro Revisor"] and other
    assert content["preselected_total"] == "1600000.00"
    ev = db.session.execute(sa.select(Event).where(Event.action == "preselection_minutes")).scalar_one()
    assert ev.data_dict()["sha256"] == hashlib.sha256(minutes[0].content.encode()).hexdigest()
    doc = client.get(out["document"].replace("/api/v1", ""))
    assert doc.status_code == 200
    text = pdf_text(doc.data)
    for expected in (three[0].code, three[2].code, "Carmen Comité", "Ramiro Revisor", "100", "Sesión ordinaria",
                     call.title):
        assert expected in text, expected
    listed = client.get(f"/calls/{call.id}/preselection-minutes").get_json()
    assert listed["total"] == 1 and listed["items"][0]["number"] == 1


def test_the_minutes_pdf_is_regenerated_identically(three, call, committee, login):
    preselection.decide(call, [(three[0].id, "preselect")], committee)
    db.session.commit()
    client = login(committee)
    first = client.get(f"/calls/{call.id}/preselection/minutes/1.pdf")
    assert first.status_code == 200
    act(three[1], "preselect", committee)  # later decisions do not change earlier minutes
    second = client.get(f"/calls/{call.id}/preselection/minutes/1.pdf")
    assert first.data == second.data
    assert client.get(f"/calls/{call.id}/preselection/minutes/9.pdf").status_code == 404


def test_a_single_decision_through_the_transition_also_writes_minutes(three, call, committee, api):
    resp = api(committee).post(f"/alliances/{three[0].id}/transitions", json={"action": "preselect"})
    assert resp.status_code == 200, resp.get_json()
    minutes = db.session.execute(sa.select(PreselectionMinutes)).scalar_one()
    assert minutes.alliance_ids == str(three[0].id)
    assert [d["action"] for d in minutes.data()["decided"]] == ["preselect"]
    # the transition is the one event of a single decision
    assert [e.action for e in db.session.execute(sa.select(Event).order_by(Event.id.desc()).limit(1)).scalars()] \
        == ["preselect"]


def test_bulk_is_all_or_nothing_and_lists_every_refusal(three, call, committee, api):
    act(three[1], "preselect", committee)
    before = db.session.execute(sa.select(sa.func.count()).select_from(PreselectionMinutes)).scalar()
    resp = api(committee).post(f"/calls/{call.id}/preselection", json={"decisions": [
        {"alliance_id": three[0].id, "action": "preselect"},
        {"alliance_id": three[1].id, "action": "preselect"},
        {"alliance_id": three[2].id, "action": "not_select"}]})
    assert resp.status_code == 422
    details = resp.get_json()["error"]["details"]
    assert [(d["rule"], d["field"]) for d in details] == [("invalid_transition", "decisions.1")]
    assert three[1].code in details[0]["message"]
    for a in (three[0], three[2]):
        db.session.refresh(a)
        assert a.state == "eligible"
    assert db.session.execute(sa.select(sa.func.count()).select_from(PreselectionMinutes)).scalar() == before


@pytest.mark.parametrize("body, status", [
    ({"decisions": []}, 422),
    ({"decisions": [{"alliance_id": 1, "action": "approve"}]}, 422),
    ({"decisions": [{"alliance_id": "x", "action": "preselect"}]}, 400),
    ({"decisions": "all"}, 400),
    ({}, 422),
])
def test_bulk_refuses_malformed_bodies(three, call, committee, api, body, status):
    assert api(committee).post(f"/calls/{call.id}/preselection", json=body).status_code == status


def test_bulk_refuses_alliances_of_another_call(three, call, make_call, make_alliance, committee, api):
    elsewhere = make_alliance(the_call=make_call())
    elsewhere.state = "eligible"
    db.session.commit()
    resp = api(committee).post(f"/calls/{call.id}/preselection", json={"decisions": [
        {"alliance_id": elsewhere.id, "action": "preselect"}, {"alliance_id": 999999, "action": "preselect"}]})
    assert resp.status_code == 422
    assert [d["field"] for d in resp.get_json()["error"]["details"]] == ["decisions.0", "decisions.1"]


@pytest.mark.parametrize("who, get, post", [("committee", 200, 201), ("officer", 200, 403), ("admin", 200, 403),
                                            ("auditor", 200, 403), ("board", 403, 403),
                                            ("other_officer", 403, 403)])
def test_preselection_access(request, three, call, api, who, get, post):
    client = api(request.getfixturevalue(who))
    resp = client.get(f"/calls/{call.id}/preselection")
    assert resp.status_code == get
    body = {"decisions": [{"alliance_id": three[0].id, "action": "preselect"}]}
    assert client.post(f"/calls/{call.id}/preselection", json=body).status_code == post


def test_a_committee_member_not_named_on_the_call(three, call, make_user, admin, api, login):
    from grants.programs import services as programs

    named = make_user(roles=["committee"], name="Nora Nombrada")
    outsider = make_user(roles=["committee"], name="Otto Externo")
    programs.update_call(call, {"committee_ids": [named.id]}, admin)
    db.session.commit()
    assert api(outsider).get(f"/calls/{call.id}/preselection").status_code == 403
    assert login(outsider).get(f"/calls/{call.id}/preselection").status_code == 403
    assert api(named).get(f"/calls/{call.id}/preselection").status_code == 200


def test_the_page_ranks_and_decides_in_bulk(three, call, committee, login):
    client = login(committee)
    page = client.get(f"/calls/{call.id}/preselection").get_data(as_text=True)
    assert page.index(three[0].code) < page.index(three[1].code) < page.index(three[2].code)
    assert '<tr class="over">' in page  # the third goes over the envelope
    resp = client.post(f"/calls/{call.id}/preselection", data={
        "alliance_ids": [str(three[0].id), str(three[1].id)], "decision": "preselect", "comment": "Acta 1"})
    assert resp.status_code == 302
    for a in three[:2]:
        db.session.refresh(a)
        assert a.state == "preselected"
    page = client.get(f"/calls/{call.id}/preselection").get_data(as_text=True)
    assert f"/calls/{call.id}/preselection/minutes/1.pdf" in page
    empty = client.post(f"/calls/{call.id}/preselection", data={"decision": "preselect"})
    assert empty.status_code == 422


def test_the_page_refuses_a_non_committee_decision(three, call, officer, login):
    client = login(officer)
    assert client.get(f"/calls/{call.id}/preselection").status_code == 200
    resp = client.post(f"/calls/{call.id}/preselection", data={"alliance_ids": [str(three[0].id)],
                                                              "decision": "preselect"})
    assert resp.status_code == 403
    db.session.refresh(three[0])
    assert three[0].state == "eligible"
    assert client.get("/preselection").status_code == 200


# exports ------------------------------------------------------------------------------------------

def test_csv_and_xlsx_exports_for_officers(three, call, officer, login, api):
    client = login(officer)
    resp = client.get(f"/calls/{call.id}/intentions.csv")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    lines = list(csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(lines[0]) == len(KEYS)  # a header row in the officer's language
    rows = [dict(zip(KEYS, line)) for line in lines[1:]]
    assert [r["code"] for r in rows] == sorted(a.code for a in three)
    first = next(r for r in rows if r["code"] == three[0].code)
    assert first["requested_grant"] == "900000.00" and first["score"] == "100.00"
    assert first["families"] == "25" and first["state_code"] == "eligible" and first["submissions"] == "1"
    assert first["counterpart_share"] == "0.3077"

    resp = api(officer).get(f"/calls/{call.id}/intentions.xlsx")
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.data)).active
    assert len([c.value for c in ws[1]]) == len(KEYS)
    values = {row[KEYS.index("code")]: row for row in ws.iter_rows(min_row=2, values_only=True)}
    assert set(values) == {a.code for a in three}
    row = values[three[1].code]
    assert Decimal(str(row[KEYS.index("requested_grant")])) == Decimal("700000.00")
    assert Decimal(str(row[KEYS.index("estimated_counterpart")])) == Decimal("400000.00")
    assert row[KEYS.index("association")] == three[1].association.name
    assert row[KEYS.index("families")] == 25
    logged = db.session.execute(sa.select(Event).where(Event.action == "export_intentions")).scalars().all()
    assert [e.data_dict()["format"] for e in logged] == ["csv", "xlsx"]


def test_exports_leave_out_drafts_other_regions_and_quote_formulas(three, call, make_alliance, other_association,
                                                                  other_board, officer, login):
    make_alliance(assoc=other_association, actor=other_board).state = "submitted"
    draft = make_alliance()
    three[0].title = "=HYPERLINK(\"http://evil\")"
    db.session.commit()
    text = login(officer).get(f"/calls/{call.id}/intentions.csv").get_data(as_text=True)
    assert draft.code not in text and other_association.name not in text
    assert "'=HYPERLINK" in text


@pytest.mark.parametrize("who, status", [("board", 403), ("committee", 403), ("member_user", 403),
                                         ("other_officer", 403), ("auditor", 200), ("admin", 200)])
def test_export_access(request, three, call, login, api, who, status):
    user = request.getfixturevalue(who)
    assert login(user).get(f"/calls/{call.id}/intentions.xlsx").status_code == status
    assert api(user).get(f"/calls/{call.id}/intentions.csv").status_code == status
    assert api(user).get("/calls/999999/intentions.csv").status_code == 404


def test_an_officer_sees_the_call_once_an_intention_of_their_region_is_in_it(three, call, make_alliance,
                                                                            other_association, other_board,
                                                                            other_officer, api):
    client = api(other_officer)
    assert client.get(f"/calls/{call.id}/preselection").status_code == 403
    theirs = make_alliance(assoc=other_association, actor=other_board)
    assert client.get(f"/calls/{call.id}/preselection").status_code == 403  # a draft is not yet theirs
    theirs.state = "eligible"
    db.session.commit()
    got = client.get(f"/calls/{call.id}/preselection").get_json()
    assert [i["code"] for i in got["items"]] == [theirs.code]  # only the intentions of their own regions
    rows = client.get(f"/calls/{call.id}/intentions.csv").get_data(as_text=True)
    assert theirs.code in rows and three[0].code not in rows


def test_nothing_chosen_is_explained_the_same_on_the_page_and_in_the_api(three, call, committee, api, login):
    """One schema (``PreselectionIn``) for both: an empty choice says what to do, at ``decisions``."""
    resp = api(committee).post(f"/calls/{call.id}/preselection", json={"decisions": []})
    assert resp.status_code == 422
    details = resp.get_json()["error"]["details"]
    assert [(d["field"], d["message"]) for d in details] == [("decisions", "Elija al menos una intención.")]
    page = login(committee).post(f"/calls/{call.id}/preselection", data={"decision": "preselect"})
    assert page.status_code == 422 and "Elija al menos una intención." in page.get_data(as_text=True)


def test_the_page_refuses_an_id_no_intention_can_have(three, call, committee, login):
    """An id beyond an INTEGER column is a field error (PostgreSQL refused the query with a 500 before)."""
    client = login(committee)
    resp = client.post(f"/calls/{call.id}/preselection", data={"alliance_ids": [str(three[0].id), "99999999999"],
                                                              "decision": "preselect"})
    assert resp.status_code == 422
    db.session.refresh(three[0])
    assert three[0].state == "eligible"


@pytest.mark.committing
def test_an_export_is_audited_by_the_edges_commit(three, call, officer, login):
    """The export is a GET that writes its audit event: the request edge commits it, not the view."""
    db.session.commit()
    assert login(officer).get(f"/calls/{call.id}/intentions.csv").status_code == 200
    db.session.rollback()  # the test's session sees only what the request committed
    logged = db.session.execute(sa.select(Event).where(Event.action == "export_intentions")).scalars().all()
    assert len(logged) == 1
