"""Automatic eligibility at submission: every rule at its boundary, all violations at once."""
from datetime import timedelta
from decimal import Decimal

import pytest

from grants.errors import RuleViolation
from grants.extensions import db
from grants.proposals.guards import check_intake
from grants.workflows import rules

from tests.proposal_support import act, attach, english, events, ready, rules_of  # noqa: F401

ALL_INTAKE = ["buyer_letter_missing", "call_closed", "counterpart_share_too_low", "families_out_of_range",
              "grant_cap_per_family_exceeded", "legal_status_missing", "open_alliance_exists"]


def codes(alliance, now=None):
    return sorted(v.rule for v in check_intake(alliance, now))


def test_a_complete_intention_passes_and_is_submitted(ready, board):
    assert codes(ready) == []
    act(ready, "submit", board)
    assert ready.state == "submitted"
    assert len(events(ready, "submit")) == 1


# call_closed ---------------------------------------------------------------------------------------

def test_call_window_boundaries(ready):
    call = ready.call
    assert rules.CALL_CLOSED in codes(ready, now=call.closes_at)  # closes_at itself is outside
    assert rules.CALL_CLOSED not in codes(ready, now=call.closes_at - timedelta(microseconds=1))
    assert rules.CALL_CLOSED not in codes(ready, now=call.opens_at)  # opens_at itself is inside
    assert rules.CALL_CLOSED in codes(ready, now=call.opens_at - timedelta(microseconds=1))


def test_a_closed_call_refuses_submission_and_says_so(make_call, make_alliance, board, api):
    closed = make_call(opens=-20, closes=-1)
    alliance = make_alliance(the_call=closed)
    attach(alliance, board)
    resp = api(board).post(f"/alliances/{alliance.id}/transitions", json={"action": "submit"})
    assert resp.status_code == 422
    assert rules_of(resp) == [rules.CALL_CLOSED]
    detail = resp.get_json()["error"]["details"][0]
    assert closed.title in detail["message"] and detail["field"] == "call_id"
    db.session.refresh(alliance)
    assert alliance.state == "draft"


def test_a_draft_of_a_closed_call_can_still_be_saved(make_call, make_alliance, board, api):
    closed = make_call(opens=-20, closes=-1)
    alliance = make_alliance(the_call=closed)
    resp = api(board).put(f"/alliances/{alliance.id}/profile", json={"location": "Achacachi"})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["location"] == "Achacachi"


# legal_status_missing --------------------------------------------------------------------------------

@pytest.mark.parametrize("legal_id, broken", [("PJ-77", False), ("", True), ("   ", True), (None, True)])
def test_legal_status(ready, legal_id, broken):
    ready.association.legal_id = legal_id
    db.session.commit()
    assert (rules.LEGAL_STATUS_MISSING in codes(ready)) is broken


# families_out_of_range ---------------------------------------------------------------------------------

@pytest.mark.parametrize("families, broken", [(2, True), (3, False), (5, False), (6, True)])
def test_families_range(make_program, make_call, make_association, make_user, make_alliance, families, broken):
    program = make_program(min_families=3, max_families=5)
    the_call = make_call(prog=program)
    assoc = make_association(members=6)
    boss = make_user(memberships=[(assoc, "board")])
    alliance = make_alliance(assoc=assoc, actor=boss, the_call=the_call, families=families,
                             requested_grant="1000.00", estimated_counterpart="1000.00")
    assert alliance.families == families
    found = codes(alliance)
    assert ("families_out_of_range" in found) is broken


def test_default_families_range_is_20_to_60(make_association, make_user, make_alliance):
    assoc = make_association(members=61)
    boss = make_user(memberships=[(assoc, "board")])
    for n, broken in ((19, True), (20, False), (60, False), (61, True)):
        a = make_alliance(assoc=assoc, actor=boss, families=n, requested_grant="1000.00",
                          estimated_counterpart="1000.00")
        assert (rules.FAMILIES_OUT_OF_RANGE in codes(a)) is broken, n


# grant_cap_per_family_exceeded ---------------------------------------------------------------------------

@pytest.mark.parametrize("grant, broken", [("350000.00", False), ("350000.01", True), ("0.00", False)])
def test_grant_cap_per_family(make_alliance, grant, broken):
    # 25 families x BOB 14,000 = 350,000.00 exactly
    alliance = make_alliance(requested_grant=grant, estimated_counterpart="200000.00")
    assert alliance.call.program.grant_cap_per_family == Decimal("14000.00")
    assert (rules.GRANT_CAP_PER_FAMILY_EXCEEDED in codes(alliance)) is broken


def test_grant_cap_uses_the_real_count_of_families(make_alliance):
    alliance = make_alliance(families=24, requested_grant="336000.00", estimated_counterpart="200000.00")
    assert codes(alliance) == [rules.BUYER_LETTER_MISSING]
    alliance = make_alliance(families=24, requested_grant="336000.01", estimated_counterpart="200000.00")
    assert rules.GRANT_CAP_PER_FAMILY_EXCEEDED in codes(alliance)


# counterpart_share_too_low -------------------------------------------------------------------------------

@pytest.mark.parametrize("grant, counterpart, broken", [
    ("70000.00", "30000.00", False),   # exactly 30 %
    ("70000.00", "29999.99", True),    # one cent short
    ("70000.01", "30000.00", True),    # one cent more grant
    ("0.00", "0.00", True),            # nothing at all
    ("0.00", "100.00", False),
])
def test_counterpart_share(make_alliance, grant, counterpart, broken):
    alliance = make_alliance(requested_grant=grant, estimated_counterpart=counterpart)
    assert (rules.COUNTERPART_SHARE_TOO_LOW in codes(alliance)) is broken


def test_counterpart_share_follows_the_program(make_program, make_call, make_alliance):
    program = make_program(min_counterpart_share="0.25")
    the_call = make_call(prog=program)
    assert rules.COUNTERPART_SHARE_TOO_LOW not in codes(make_alliance(the_call=the_call, requested_grant="75000.00",
                                                                  estimated_counterpart="25000.00"))
    assert rules.COUNTERPART_SHARE_TOO_LOW in codes(make_alliance(the_call=the_call, requested_grant="75000.00",
                                                              estimated_counterpart="24999.99"))


# buyer_letter_missing -----------------------------------------------------------------------------------

def test_buyer_letter(alliance, board):
    assert rules.BUYER_LETTER_MISSING in codes(alliance)
    attach(alliance, board, kind="other")
    assert rules.BUYER_LETTER_MISSING in codes(alliance)
    attach(alliance, board, kind="buyer_letter")
    assert rules.BUYER_LETTER_MISSING not in codes(alliance)


# open_alliance_exists ------------------------------------------------------------------------------------

def test_another_open_alliance_in_the_same_call_blocks(ready, make_alliance, board):
    other = make_alliance()
    found = check_intake(ready)
    assert [v.rule for v in found] == [rules.OPEN_ALLIANCE_EXISTS]
    assert other.code in str(found[0].message)


@pytest.mark.parametrize("state, broken", [("draft", True), ("submitted", True), ("eligible", True),
                                           ("withdrawn", False), ("ineligible", False), ("not_selected", False),
                                           ("rejected", False), ("closed", False), ("cancelled", False)])
def test_which_other_alliances_count_as_open(ready, make_alliance, state, broken):
    other = make_alliance()
    other.state = state
    db.session.commit()
    assert (rules.OPEN_ALLIANCE_EXISTS in codes(ready)) is broken


def test_an_alliance_in_another_call_does_not_count(ready, make_call, make_alliance):
    make_alliance(the_call=make_call())
    assert codes(ready) == []


def test_the_rule_can_be_switched_off_per_program(make_program, make_call, make_alliance, board):
    program = make_program(one_open_alliance_per_call="false")
    the_call = make_call(prog=program)
    first = make_alliance(the_call=the_call)
    make_alliance(the_call=the_call)
    attach(first, board)
    assert codes(first) == []


# all at once ---------------------------------------------------------------------------------------------

def test_every_violation_is_listed_at_once(make_call, make_alliance, association, board, api):
    closed = make_call(opens=-20, closes=-1)
    alliance = make_alliance(the_call=closed, families=10, requested_grant="150000.00",
                             estimated_counterpart="100.00")
    make_alliance(the_call=closed)
    association.legal_id = None
    db.session.commit()
    resp = api(board).post(f"/alliances/{alliance.id}/transitions", json={"action": "submit"})
    assert resp.status_code == 422
    assert resp.get_json()["error"]["code"] == "rule_violation"
    assert rules_of(resp) == ALL_INTAKE
    for d in resp.get_json()["error"]["details"]:
        assert d["message"] and d["rule"] not in d["message"]
    db.session.refresh(alliance)
    assert alliance.state == "draft" and events(alliance, "submit") == []


def test_submission_is_refused_in_the_service_with_the_state_untouched(alliance, board):
    with pytest.raises(RuleViolation) as err:
        act(alliance, "submit", board)
    db.session.rollback()
    assert err.value.rules == [rules.BUYER_LETTER_MISSING]
    db.session.refresh(alliance)
    assert alliance.state == "draft"


def test_the_web_page_lists_the_violations(login, alliance, board):
    english(board)
    client = login(board)
    page = client.get(f"/alliances/{alliance.id}").get_data(as_text=True)
    assert "buyer_letter_missing" in page  # the pre-check before submitting
    resp = client.post(f"/alliances/{alliance.id}/transition", data={"action": "submit"}, follow_redirects=True)
    text = resp.get_data(as_text=True)
    assert "buyer_letter_missing" in text and "signed letter of intent" in text
    db.session.refresh(alliance)
    assert alliance.state == "draft"


def test_eligibility_endpoint_reports_the_checks(alliance, board, api):
    resp = api(board).get(f"/alliances/{alliance.id}/eligibility")
    assert resp.status_code == 200
    assert resp.get_json()["eligible"] is False
    assert [v["rule"] for v in resp.get_json()["violations"]] == ["buyer_letter_missing"]
