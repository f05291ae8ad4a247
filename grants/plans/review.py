"""Services: the officer's appraisal, the committee's blind reviews, the quorum and the minutes (acta)."""
import json
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import audit
from ..alliances import page
from ..alliances.figures import financing
from ..alliances.models import Alliance
from ..common import utcnow
from ..errors import Collector, Forbidden, Violation
from ..extensions import db
from ..workflows import rules
from .catalog import CHECKLIST, RECOMMENDATIONS
from .models import Appraisal, CommitteeMinutes, Review
from ..parsing import check_version, fail
from .permissions import can_appraise, can_review, can_see_all_reviews, can_view_plan, is_committee_member
from .schemas import AppraisalIn, ReviewIn
from .services import ensure_plan


def current_round(alliance):
    plan = alliance.plan
    return plan.round if plan is not None else 0


# -- appraisal ----------------------------------------------------------------------------------------

def appraisal_of(alliance, round_=None):
    round_ = current_round(alliance) if round_ is None else round_
    return db.session.execute(sa.select(Appraisal).where(Appraisal.alliance_id == alliance.id,
                                                         Appraisal.round == round_)).scalar()


def save_appraisal(alliance, body: AppraisalIn, actor):
    """The officer records the checklist (``{code: {"answer": yes/observed/na, "note"}}``) and the written
    technical opinion of the current submission; a partial save is allowed, ``send_to_committee`` needs
    it complete. Raises ``Forbidden``, ``StaleVersion``, ``ValidationFailed`` (an unknown item, an
    observation without its note)."""
    if not can_appraise(actor, alliance):
        raise Forbidden(_l("Only the officer of the region appraises the plan, while it is under appraisal."))
    ensure_plan(alliance)
    appraisal = appraisal_of(alliance)
    if appraisal is not None:
        check_version(appraisal, body.version)
    c = Collector()
    answers = dict(appraisal.answers) if appraisal else {}
    for code, item in body.checklist.items():
        if code not in CHECKLIST:
            c.add(rules.INVALID, _l("Unknown checklist item: %(code)s", code=str(code)[:60]), f"checklist.{code}")
            continue
        if item.answer == "":
            answers.pop(code, None)
            continue
        if item.answer == "observed" and not item.note:
            c.add(rules.REQUIRED, _l("Write the observation."), f"checklist.{code}.note")
        answers[code] = {"answer": item.answer, "note": item.note}
    opinion = body.opinion if body.opinion is not None else (appraisal.opinion if appraisal else "")
    fail(c)
    if appraisal is None:
        appraisal = Appraisal(alliance_id=alliance.id, round=current_round(alliance), officer_id=actor.id)
        db.session.add(appraisal)
    appraisal.officer_id = actor.id
    appraisal.checklist = json.dumps({k: answers[k] for k in CHECKLIST if k in answers}, ensure_ascii=False)
    appraisal.opinion = opinion
    appraisal.updated_at = utcnow()
    db.session.flush()
    audit.record("appraisal", appraisal.id, "save_appraisal", actor, alliance_id=alliance.id,
                 association_id=alliance.association_id,
                 data={"round": appraisal.round, "answers": {k: v["answer"] for k, v in answers.items()},
                       "opinion_length": len(opinion)})
    return appraisal


def appraisal_violations(alliance):
    """``appraisal_incomplete`` for every unanswered checklist item and a missing opinion."""
    appraisal = appraisal_of(alliance)
    answers = appraisal.answers if appraisal else {}
    out = [Violation(rules.APPRAISAL_INCOMPLETE, _l("Answer the checklist item: %(q)s", q=q), f"checklist.{code}")
           for code, q in CHECKLIST.items() if code not in answers]
    if appraisal is None or not (appraisal.opinion or "").strip():
        out.append(Violation(rules.APPRAISAL_INCOMPLETE, _l("Write the technical opinion."), "opinion"))
    return out


# -- committee reviews --------------------------------------------------------------------------------

def reviews_of(alliance, round_=None):
    round_ = current_round(alliance) if round_ is None else round_
    return db.session.execute(sa.select(Review).where(Review.alliance_id == alliance.id, Review.round == round_)
                              .order_by(Review.submitted_at, Review.id)).scalars().all()


def own_review(alliance, user, round_=None):
    return next((r for r in reviews_of(alliance, round_) if r.member_id == user.id), None)


def visible_reviews(alliance, user, round_=None):
    """``(reviews this user may read, their own review or None)``: blind until one's own is in."""
    reviews = reviews_of(alliance, round_)
    own = next((r for r in reviews if r.member_id == user.id), None)
    if can_see_all_reviews(user, alliance, own is not None):
        return reviews, own
    return ([own] if own else []), own


def weighted_score(criteria, scores):
    """Σ weight × score / max, out of 100, to 2 places."""
    total = sum((Decimal(c.weight) * Decimal(scores.get(c.code, 0)) / Decimal(c.max) for c in criteria), Decimal(0))
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def submit_review(alliance, body: ReviewIn, actor):
    """A committee member of the call declares no conflict of interest, scores every criterion of the call
    (whole numbers 0..max) and recommends ``approve``, ``reject`` or ``revise`` (with a comment for the
    last two). One review per member and submission; final once submitted.

    Raises ``Forbidden`` (not a committee member of the call, or not before the committee) and
    ``RuleViolation`` (``conflict_not_declared``, ``review_already_submitted``, with any field errors)."""
    if not can_review(actor, alliance):
        raise Forbidden(_l("Only the committee members of the call review the plan, while it is before the "
                           "committee."))
    c = Collector()
    if own_review(alliance, actor) is not None:
        c.add(rules.REVIEW_ALREADY_SUBMITTED, _l("You already submitted your review of this plan."), "scores")
    if body.declares_no_conflict is not True:
        c.add(rules.CONFLICT_NOT_DECLARED, _l("Declare that you have no conflict of interest with this alliance, or "
                                          "abstain from reviewing it."), "declares_no_conflict")
    criteria = alliance.call.criteria
    raw = body.scores
    scores = {}
    if raw is None:
        c.add(rules.REQUIRED, _l("Score every criterion."), "scores")
        raw = {}
    codes = {cr.code for cr in criteria}
    for code in raw:
        if code not in codes:
            c.add(rules.INVALID, _l("Unknown criterion: %(code)s", code=str(code)[:60]), f"scores.{code}")
    for cr in criteria:
        value = raw.get(cr.code)
        if value is None or value == "":
            c.add(rules.REQUIRED, _l("Score “%(name)s” (0 to %(max)s).", name=cr.name, max=cr.max), f"scores.{cr.code}")
            continue
        if not 0 <= value <= cr.max:
            c.add(rules.INVALID, _l("Score “%(name)s” with a whole number from 0 to %(max)s.", name=cr.name, max=cr.max),
                  f"scores.{cr.code}")
            continue
        scores[cr.code] = value
    recommendation = body.recommendation or ""
    if recommendation not in RECOMMENDATIONS:
        c.add(rules.INVALID, _l("Recommend approve, reject or revise."), "recommendation")
    comment = body.comment
    if recommendation in ("reject", "revise") and not comment:
        c.add(rules.COMMENT_REQUIRED, _l("Explain why you recommend to reject or revise."), "comment")
    fail(c)
    review = Review(alliance_id=alliance.id, round=current_round(alliance), member_id=actor.id,
                    declares_no_conflict=True, scores=json.dumps(scores), total_score=weighted_score(criteria, scores),
                    recommendation=recommendation, comment=comment, submitted_at=utcnow())
    db.session.add(review)
    db.session.flush()
    # the event shows that a member reviewed, not how: the others must not see the scores before theirs
    audit.record("review", review.id, "submit_review", actor, alliance_id=alliance.id,
                 association_id=alliance.association_id, data={"round": review.round})
    return review


def quorum_violations(alliance):
    """``quorum_not_met`` while fewer members reviewed the current submission than the program's quorum."""
    if alliance.state != "committee_review":
        return []
    quorum = alliance.call.program.committee_quorum
    count = len(reviews_of(alliance))
    if count < quorum:
        return [Violation(rules.QUORUM_NOT_MET, _l("%(n)s of the %(q)s reviews the committee needs are in.", n=count,
                                                q=quorum), "reviews")]
    return []


# -- minutes ------------------------------------------------------------------------------------------

@page.figure("plans_minutes")
def _has_minutes():
    return sa.exists().where(CommitteeMinutes.alliance_id == Alliance.id)


def minutes_of(alliance, round_=None):
    if round_ is None and not page.value(alliance, "plans_minutes", lambda: True):
        return None  # the alliance page's first statement found none (page.py)
    query = sa.select(CommitteeMinutes).where(CommitteeMinutes.alliance_id == alliance.id)
    if round_ is not None:
        query = query.where(CommitteeMinutes.round == round_)
    return db.session.execute(query.order_by(CommitteeMinutes.round.desc()).limit(1)).scalar()


def record_minutes(alliance, decision, actor, comment=None):
    """Write the minutes of the committee's decision (``approve``, ``reject``, ``return_plan``) on the
    current submission: members, their scores and recommendations, the average, the quorum."""
    round_ = current_round(alliance)
    reviews = reviews_of(alliance, round_)
    criteria = [cr.as_dict() for cr in alliance.call.criteria]
    fin = financing(alliance)
    average = (sum((r.total_score for r in reviews), Decimal(0)) / len(reviews)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP) if reviews else None
    content = {
        "alliance": {"code": alliance.code, "title": alliance.title, "association": alliance.association.name,
                     "call": alliance.call.title, "program": alliance.call.program.code,
                     "families": alliance.families},
        "financing": {"total": str(fin.total), "grant": str(fin.totals["grant"]),
                      "counterpart": str(fin.counterpart), "currency": fin.currency},
        "criteria": criteria,
        "reviews": [{"member": r.member.name, "member_id": r.member_id, "scores": r.score_map,
                     "total_score": str(r.total_score), "recommendation": r.recommendation, "comment": r.comment,
                     "submitted_at": r.submitted_at.isoformat(timespec="seconds")} for r in reviews],
        "average_score": None if average is None else str(average),
        "quorum": alliance.call.program.committee_quorum,
        "recommendations": {k: sum(1 for r in reviews if r.recommendation == k) for k in RECOMMENDATIONS},
        "decided_by": getattr(actor, "name", None),
    }
    minutes = CommitteeMinutes(alliance_id=alliance.id, round=round_, decision=decision,
                               decided_by_id=getattr(actor, "id", None), decided_at=utcnow(), comment=comment or "",
                               content=json.dumps(content, ensure_ascii=False))
    db.session.add(minutes)
    db.session.flush()
    return minutes


def can_read_minutes(user, alliance):
    return can_view_plan(user, alliance) or is_committee_member(user, alliance)
