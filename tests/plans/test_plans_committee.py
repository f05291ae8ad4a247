"""Appraisal, the blind committee review, the quorum, the minutes and the plan's revisions."""
import io

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from grants.alliances.services import take_action
from grants.audit.models import Event
from grants.extensions import db as _db
from grants.errors import RuleViolation, ValidationFailed
from grants.plans import review
from grants.plans.catalog import CHECKLIST
from grants.plans.models import CommitteeMinutes, PlanRevision, Review
from grants.plans.schemas import AppraisalIn, ReviewIn
from tests.plan_helpers import complete_plan, patch, start_plan
from grants.workflows import rules


@pytest.fixture
def members(make_user, committee):
    return [committee, make_user(roles=["committee"], name="Cecilia Comité"),
            make_user(roles=["committee"], name="Ciro Comité")]


@pytest.fixture
def submitted(db, alliance, officer, facilitator, board):
    start_plan(alliance, officer, facilitator)
    complete_plan(alliance, facilitator)
    take_action(alliance, "submit_plan", board)
    db.session.commit()
    return alliance


def appraise(alliance, officer):
    take_action(alliance, "start_appraisal", officer)
    review.save_appraisal(alliance, AppraisalIn(checklist={k: {"answer": "yes"} for k in CHECKLIST},
                                                opinion="El plan es viable."), officer)
    take_action(alliance, "send_to_committee", officer)
    _db.session.commit()


def scores(alliance, n):
    return {c.code: n for c in alliance.call.criteria}


def body(alliance, n=4, recommendation="approve", **extra):
    return {"declares_no_conflict": True, "scores": scores(alliance, n), "recommendation": recommendation, **extra}


def test_send_to_committee_needs_a_complete_appraisal(db, submitted, officer):
    take_action(submitted, "start_appraisal", officer)
    db.session.commit()
    with pytest.raises(RuleViolation) as exc:
        take_action(submitted, "send_to_committee", officer)
    assert set(exc.value.rules) == {rules.APPRAISAL_INCOMPLETE}
    assert len(exc.value.violations) == len(CHECKLIST) + 1
    db.session.rollback()
    review.save_appraisal(submitted, AppraisalIn(checklist={"buyer_commitment": {"answer": "yes"}}), officer)
    db.session.commit()
    with pytest.raises(RuleViolation) as exc:
        take_action(submitted, "send_to_committee", officer)
    assert len(exc.value.violations) == len(CHECKLIST)  # 8 items and the opinion still missing
    db.session.rollback()
    with pytest.raises(ValidationFailed) as exc:  # an observation needs its note
        review.save_appraisal(submitted, AppraisalIn(checklist={"budget_reasonable": {"answer": "observed"}}), officer)
    assert exc.value.details[0].field == "checklist.budget_reasonable.note"
    db.session.rollback()
    assert submitted.state == "under_appraisal"


def test_the_officer_returns_the_plan_with_observations_and_the_next_submission_says_what_changed(
        db, api, submitted, officer, facilitator, board):
    from grants.plans import budget

    take_action(submitted, "start_appraisal", officer)
    take_action(submitted, "return_plan", officer, {"comment": "Revisar el costo del galpón."})
    db.session.commit()
    assert submitted.state == "plan_in_preparation"
    event = db.session.execute(sa.select(Event).where(Event.action == "return_plan")).scalar_one()
    assert event.comment == "Revisar el costo del galpón."
    galpon = submitted.budget_lines[1]
    budget.update_line(galpon, patch(galpon, {"unit_cost": "280000.00", "grant": "196000.00", "counterpart_cash": "28000.00",
                                "counterpart_in_kind": "56000.00"}), facilitator)
    budget.update_tranche(submitted.tranches[1], patch(submitted.tranches[1], {"amount": "136000.00"}), facilitator)
    db.session.commit()
    take_action(submitted, "submit_plan", board)
    db.session.commit()
    revisions = db.session.execute(sa.select(PlanRevision).order_by(PlanRevision.number)).scalars().all()
    assert [r.number for r in revisions] == [1, 2] and submitted.plan.round == 2
    changes = {(c["what"], c["item"]): (c["from"], c["to"]) for c in revisions[1].change_list}
    assert changes[("financing", "grant")] == ("350000.00", "336000.00")
    assert changes[("budget_line", "Galpón de acopio: unit_cost")] == ("300000.00", "280000.00")
    listed = api(board).get(f"/alliances/{submitted.id}/plan/revisions").get_json()
    assert listed["total"] == 2


def test_reviews_are_blind_until_one_submits(db, api, submitted, officer, members, board):
    appraise(submitted, officer)
    first, second, _third = (api(m) for m in members)
    resp = first.post(f"/alliances/{submitted.id}/reviews", json=body(submitted, 5, comment="Muy buen plan"))
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["total_score"] == "100.00"
    before = second.get(f"/alliances/{submitted.id}/reviews").get_json()
    assert before["items"] == [] and before["blind"] is True and before["submitted"] == 1
    assert before["may_review"] is True
    # the audit trail does not give the scores away either
    event = db.session.execute(sa.select(Event).where(Event.action == "submit_review")).scalar_one()
    assert "5" not in event.data and "approve" not in event.data
    assert api(board).get(f"/alliances/{submitted.id}/reviews").get_json()["items"] == []
    resp = second.post(f"/alliances/{submitted.id}/reviews", json=body(submitted, 3, "revise", comment="Ajustar"))
    assert resp.status_code == 201
    after = second.get(f"/alliances/{submitted.id}/reviews").get_json()
    assert after["blind"] is False and {r["total_score"] for r in after["items"]} == {"100.00", "60.00"}
    assert api(officer).get(f"/alliances/{submitted.id}/reviews").get_json()["total"] == 2
    again = second.post(f"/alliances/{submitted.id}/reviews", json=body(submitted))
    assert again.status_code == 422 and again.get_json()["error"]["details"][0]["rule"] == "review_already_submitted"


def test_a_review_needs_no_conflict_declared_and_every_criterion(db, api, submitted, officer, members, make_user):
    appraise(submitted, officer)
    client = api(members[0])
    resp = client.post(f"/alliances/{submitted.id}/reviews", json={**body(submitted), "declares_no_conflict": False})
    assert resp.status_code == 422
    assert [d["rule"] for d in resp.get_json()["error"]["details"]] == ["conflict_not_declared"]
    partial = body(submitted)
    partial["scores"].pop("market")
    partial["scores"]["viability"] = 9
    resp = client.post(f"/alliances/{submitted.id}/reviews", json={**partial, "recommendation": "reject"})
    fields = {d["field"]: d["rule"] for d in resp.get_json()["error"]["details"]}
    assert fields == {"scores.market": "required", "scores.viability": "invalid", "comment": "comment_required"}
    assert db.session.execute(sa.select(sa.func.count()).select_from(Review)).scalar() == 0
    # not a committee member, or before the committee
    outsider = make_user(roles=["officer"], regions=["La Paz"])
    assert api(outsider).post(f"/alliances/{submitted.id}/reviews", json=body(submitted)).status_code == 403


def test_committee_members_of_another_call_do_not_see_the_plan(db, api, submitted, officer, make_user, make_call,
                                                               members):
    appraise(submitted, officer)
    assigned = make_user(roles=["committee"])
    submitted.call.committee_rows = []
    from grants.programs.models import CallCommittee

    submitted.call.committee_rows.append(CallCommittee(user_id=assigned.id))
    db.session.commit()
    resp = api(members[0]).post(f"/alliances/{submitted.id}/reviews", json=body(submitted))
    assert resp.status_code == 404
    assert api(assigned).post(f"/alliances/{submitted.id}/reviews", json=body(submitted)).status_code == 201


def test_quorum_then_approval_with_minutes(db, api, submitted, officer, members, facilitator):
    appraise(submitted, officer)
    for m in members[:2]:
        review.submit_review(submitted, ReviewIn(**body(submitted, 4)), m)
    db.session.commit()
    with pytest.raises(RuleViolation) as exc:
        take_action(submitted, "approve", officer)
    assert exc.value.rules == [rules.QUORUM_NOT_MET]
    db.session.rollback()
    with pytest.raises(RuleViolation) as exc:
        take_action(submitted, "return_plan", members[0], {"comment": "Que lo revisen"})
    assert exc.value.rules == [rules.QUORUM_NOT_MET]
    db.session.rollback()
    review.submit_review(submitted, ReviewIn(**body(submitted, 2, "reject", comment="Mercado débil")), members[2])
    db.session.commit()
    events = db.session.execute(sa.select(sa.func.count()).select_from(Event)).scalar()
    take_action(submitted, "approve", members[1], {"comment": "Aprobado por mayoría"})
    db.session.commit()
    assert submitted.state == "approved"
    # the decision is one event; its minutes are written with it
    assert db.session.execute(sa.select(sa.func.count()).select_from(Event)).scalar() == events + 1
    minutes = db.session.execute(sa.select(CommitteeMinutes)).scalar_one()
    assert minutes.decision == "approve" and minutes.round == 1
    assert minutes.data["average_score"] == "66.67"  # (80 + 80 + 40) / 3
    assert minutes.data["recommendations"] == {"approve": 2, "reject": 1, "revise": 0}
    resp = api(facilitator).get(f"/alliances/{submitted.id}/documents/committee-minutes?lang=en")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(resp.data)).pages)
    for expected in ("Carmen Comité", "Cecilia Comité", "Ciro Comité", "66.67", "Approved", "Aprobado por mayoría",
                     "Mercado débil"):
        assert expected in text, expected
    # after the decision the association sees the reviews
    assert api(facilitator).get(f"/alliances/{submitted.id}/reviews").get_json()["total"] == 3


def test_the_committee_may_reject_or_return_with_minutes(db, submitted, officer, members):
    appraise(submitted, officer)
    for m in members:
        review.submit_review(submitted, ReviewIn(**body(submitted, 1, "revise", comment="Falta mercado")), m)
    db.session.commit()
    take_action(submitted, "return_plan", officer, {"comment": "Revisar el análisis de mercado"})
    db.session.commit()
    assert submitted.state == "plan_in_preparation"
    minutes = review.minutes_of(submitted)
    assert minutes.decision == "return_plan" and minutes.comment == "Revisar el análisis de mercado"
