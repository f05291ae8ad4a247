"""Screening by the officer of the region: the workflow as a table, scores and the weighted total,
the queue by age, and access."""
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from grants.common import utcnow
from grants.errors import Forbidden, InvalidTransition, RuleViolation, ValidationFailed
from grants.extensions import db
from grants.proposals import screening
from grants.proposals.models import ScreeningScore
from grants.proposals.schemas import ScreeningIn
from grants.workflows import rules as rule_codes

from tests.proposal_support import act, english, events, ready, score_all, submitted  # noqa: F401

# (from state, action, who, data, scored first) -> new state, or the error and its rules
TABLE = [
    ("submitted", "return_for_info", "officer", {"comment": "Falta la carta firmada"}, False, "returned", None),
    ("submitted", "return_for_info", "officer", {}, False, RuleViolation, ["comment_required"]),
    ("submitted", "declare_eligible", "officer", {}, True, "eligible", None),
    ("submitted", "declare_eligible", "officer", {}, False, RuleViolation, ["screening_incomplete"]),
    ("submitted", "declare_ineligible", "officer", {"comment": "No hay comprador"}, False, "ineligible", None),
    ("submitted", "declare_ineligible", "officer", {}, False, RuleViolation, ["comment_required"]),
    ("submitted", "declare_eligible", "other_officer", {}, True, Forbidden, None),
    ("submitted", "declare_eligible", "board", {}, True, Forbidden, None),
    ("submitted", "return_for_info", "committee", {"comment": "x"}, False, Forbidden, None),
    ("submitted", "declare_eligible", "admin", {}, True, Forbidden, None),
    ("draft", "declare_eligible", "officer", {}, True, InvalidTransition, None),
    ("returned", "declare_eligible", "officer", {}, True, InvalidTransition, None),
    ("returned", "submit", "board", {}, False, "submitted", None),
    ("returned", "submit", "member_user", {}, False, Forbidden, None),
    ("submitted", "submit", "board", {}, False, InvalidTransition, None),
    ("submitted", "withdraw", "board", {"comment": "Ya no vendemos a PIL"}, False, "withdrawn", None),
    ("eligible", "preselect", "committee", {}, False, "preselected", None),
    ("eligible", "not_select", "committee", {}, False, "not_selected", None),
    ("eligible", "preselect", "officer", {}, False, Forbidden, None),
    ("eligible", "preselect", "board", {}, False, Forbidden, None),
    ("submitted", "preselect", "committee", {}, False, InvalidTransition, None),
    ("ineligible", "submit", "board", {}, False, InvalidTransition, None),
]


@pytest.mark.parametrize("state, action, who, data, scored, expected, rules", TABLE,
                         ids=[f"{r[0]}-{r[1]}-{r[2]}" for r in TABLE])
def test_screening_and_preselection_workflow(request, ready, officer, state, action, who, data, scored, expected,
                                            rules):
    actor = request.getfixturevalue(who)
    ready.state = state
    db.session.commit()
    if scored:
        ready.state = "submitted"
        score_all(ready, officer)
        ready.state = state
        db.session.commit()
    before = len(events(ready))
    if isinstance(expected, str):
        act(ready, action, actor, **data)
        db.session.refresh(ready)
        assert ready.state == expected
        assert [e.action for e in events(ready)[before:]] == [action]
        assert events(ready)[-1].from_state == state and events(ready)[-1].to_state == expected
    else:
        with pytest.raises(expected) as err:
            act(ready, action, actor, **data)
        db.session.rollback()
        db.session.refresh(ready)
        assert ready.state == state
        assert len(events(ready)) == before
        if rules:
            assert err.value.rules == rules


def test_screening_incomplete_names_the_missing_criteria(submitted, officer):
    screening.save_scores(submitted, ScreeningIn(scores={"market": 5, "viability": 4}), officer)
    db.session.commit()
    with pytest.raises(RuleViolation) as err:
        act(submitted, "declare_eligible", officer)
    db.session.rollback()
    assert err.value.rules == [rule_codes.SCREENING_INCOMPLETE]
    message = str(err.value.violations[0].message)
    names = {c.code: c.name for c in submitted.call.criteria}
    assert names["organization"] in message and names["market"] not in message


# scores -------------------------------------------------------------------------------------------

def test_weighted_total_out_of_100(submitted, officer):
    # default criteria: market 30, viability 25, organization 20, inclusion 15, environment 10; max 5 each
    screening.save_scores(submitted, ScreeningIn(scores={"market": 5, "viability": 4, "organization": 3, "inclusion": 2,
                                      "environment": 0}), officer)
    db.session.commit()
    assert screening.total_of(submitted) == Decimal("30") + Decimal("20") + Decimal("12") + Decimal("6")
    sheet = screening.screening_sheet(submitted)
    assert sheet["complete"] and sheet["total"] == Decimal("68.00")
    ev = events(submitted, "score_screening")[-1]
    assert ev.data_dict()["total"] == "68.00" and ev.data_dict()["scores"]["market"] == {"from": None, "to": 5}


def test_weighted_total_with_uneven_maxima(make_call, make_alliance, board, officer):
    the_call = make_call()
    from grants.programs import services as programs

    programs.update_call(the_call, {"criteria": [{"code": "a", "name": "A", "weight": 70, "max": 3},
                                                 {"code": "b", "name": "B", "weight": 30, "max": 7}]}, officer)
    db.session.commit()
    alliance = make_alliance(the_call=the_call)
    alliance.state = "submitted"
    db.session.commit()
    screening.save_scores(alliance, ScreeningIn(scores={"a": 1, "b": 3}), officer)
    # 70 x 1/3 + 30 x 3/7 = 23.333... + 12.857... = 36.19
    assert screening.total_of(alliance) == Decimal("36.19")


@pytest.mark.parametrize("scores, field, rule", [
    ({"market": 6}, "scores.market", "score_out_of_range"),
    ({"market": -1}, "scores.market", "score_out_of_range"),
    ({"nope": 1}, "scores.nope", "invalid"),
])
def test_scores_out_of_range_are_refused(submitted, officer, scores, field, rule):
    with pytest.raises(ValidationFailed) as err:
        screening.save_scores(submitted, ScreeningIn(scores=scores), officer)
    db.session.rollback()
    assert [(v.rule, v.field) for v in err.value.details] == [(rule, field)]
    assert db.session.execute(sa.select(ScreeningScore)).first() is None


def test_scores_at_the_limits_are_accepted(submitted, officer):
    screening.save_scores(submitted, ScreeningIn(scores={"market": 0, "viability": 5}), officer)
    db.session.commit()
    assert {r.criterion_code: r.score for r in db.session.execute(sa.select(ScreeningScore)).scalars()} == \
        {"market": 0, "viability": 5}


@pytest.mark.parametrize("who, error", [("other_officer", Forbidden), ("board", Forbidden),
                                        ("committee", Forbidden), ("admin", Forbidden)])
def test_only_the_officer_of_the_region_scores(request, submitted, who, error):
    with pytest.raises(error):
        screening.save_scores(submitted, ScreeningIn(scores={"market": 3}), request.getfixturevalue(who))


def test_scores_only_while_submitted(ready, officer):
    with pytest.raises(InvalidTransition):
        screening.save_scores(ready, ScreeningIn(scores={"market": 3}), officer)


def test_api_screening(submitted, officer, api):
    client = api(officer)
    got = client.get(f"/alliances/{submitted.id}/screening").get_json()
    assert got["complete"] is False and got["total"] == "0.00" and len(got["criteria"]) == 5
    resp = client.put(f"/alliances/{submitted.id}/screening",
                      json={"scores": {"market": 5, "viability": 5}, "comments": {"market": "Carta sólida"}})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["total"] == "55.00"
    assert resp.get_json()["criteria"][0]["comment"] == "Carta sólida"
    refused = client.post(f"/alliances/{submitted.id}/transitions", json={"action": "declare_eligible"})
    assert refused.status_code == 422
    assert [d["rule"] for d in refused.get_json()["error"]["details"]] == ["screening_incomplete"]
    bad = client.put(f"/alliances/{submitted.id}/screening", json={"scores": {"market": 9}})
    assert bad.status_code == 422 and bad.get_json()["error"]["details"][0]["rule"] == "score_out_of_range"
    assert client.put(f"/alliances/{submitted.id}/screening", json={"scores": {"market": 2.5}}).status_code == 400
    assert client.put(f"/alliances/{submitted.id}/screening", json={"scores": "x"}).status_code == 400
    client.put(f"/alliances/{submitted.id}/screening",
               json={"scores": {"organization": 4, "inclusion": 3, "environment": 2}})
    ok = client.post(f"/alliances/{submitted.id}/transitions", json={"action": "declare_eligible"})
    assert ok.status_code == 200, ok.get_json()
    assert ok.get_json()["state"] == "eligible"
    late = client.put(f"/alliances/{submitted.id}/screening", json={"scores": {"market": 1}})
    assert late.status_code == 409


@pytest.mark.parametrize("who, get, put", [("officer", 200, 200), ("other_officer", 404, 404),
                                           ("other_board", 404, 404), ("board", 200, 403),
                                           ("member_user", 200, 403), ("auditor", 200, 403)])
def test_api_screening_access(request, submitted, api, who, get, put):
    client = api(request.getfixturevalue(who))
    assert client.get(f"/alliances/{submitted.id}/screening").status_code == get
    assert client.put(f"/alliances/{submitted.id}/screening", json={"scores": {"market": 1}}).status_code == put


# the page -----------------------------------------------------------------------------------------

def test_officer_scores_on_the_page_then_declares_eligible(submitted, officer, login):
    english(officer)
    client = login(officer)
    page = client.get(f"/alliances/{submitted.id}/screening")
    assert page.status_code == 200 and "Every automatic check passes" in page.get_data(as_text=True)
    form = {f"score_{c.code}": str(c.max) for c in submitted.call.criteria}
    form["score_environment"] = "9"
    bad = client.post(f"/alliances/{submitted.id}/screening", data=form)
    assert bad.status_code == 422 and "From 0 to 5" in bad.get_data(as_text=True)
    form["score_environment"] = "1"
    form["comment_market"] = "Comprador serio"
    assert client.post(f"/alliances/{submitted.id}/screening", data=form).status_code == 302
    assert screening.total_of(submitted) == Decimal("92.00")
    resp = client.post(f"/alliances/{submitted.id}/transition", data={"action": "declare_eligible"})
    assert resp.status_code == 302
    db.session.refresh(submitted)
    assert submitted.state == "eligible"
    detail = client.get(f"/alliances/{submitted.id}").get_data(as_text=True)
    assert "Comprador serio" in detail and "92" in detail


@pytest.mark.parametrize("who, status", [("other_officer", 404), ("other_board", 404), ("board", 403),
                                         ("committee", 403), ("member_user", 403)])
def test_screening_page_access(request, submitted, login, who, status):
    client = login(request.getfixturevalue(who))
    assert client.get(f"/alliances/{submitted.id}/screening").status_code == status
    assert client.post(f"/alliances/{submitted.id}/screening", data={"score_market": "1"}).status_code == status


# queue ----------------------------------------------------------------------------------------------

def test_queue_oldest_first_only_my_region(make_alliance, make_call, make_user, other_association, other_board,
                                           board, officer, other_officer, login, api):
    a1 = make_alliance()
    a2 = make_alliance(the_call=make_call())
    a3 = make_alliance(assoc=other_association, actor=other_board)
    draft = make_alliance(the_call=make_call())
    now = utcnow()
    for a, days in ((a1, 3), (a2, 12), (a3, 20)):
        a.state, a.state_changed_at = "submitted", now - timedelta(days=days, hours=1)
    english(officer)
    page = login(officer).get("/screening")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert text.index(a2.code) < text.index(a1.code)
    assert a3.code not in text and draft.code not in text
    assert "12 days" in text and "3 days" in text
    items = api(officer).get("/screening-queue").get_json()["items"]
    assert [(i["code"], i["age_days"]) for i in items] == [(a2.code, 12), (a1.code, 3)]
    assert [i["code"] for i in api(other_officer).get("/screening-queue").get_json()["items"]] == [a3.code]
    assert login(board).get("/screening").status_code == 403
    assert api(board).get("/screening-queue").status_code == 403


def test_a_score_that_is_not_a_whole_number_is_refused_by_the_schema(submitted, officer):
    """The type is the schema's (``ScreeningIn``); the service checks each criterion's range."""
    from pydantic import ValidationError

    for bad in ("tres", 2.5):
        with pytest.raises(ValidationError):
            ScreeningIn(scores={"market": bad})


def test_a_comment_sent_as_null_clears_it_instead_of_storing_none(submitted, officer, api):
    client = api(officer)
    assert client.put(f"/alliances/{submitted.id}/screening",
                      json={"scores": {"market": 4}, "comments": {"market": "Carta sólida"}}).status_code == 200
    resp = client.put(f"/alliances/{submitted.id}/screening", json={"comments": {"market": None}})
    assert resp.status_code == 200
    assert resp.get_json()["criteria"][0]["comment"] is None
    assert db.session.execute(sa.select(ScreeningScore.comment)).scalar() is None
