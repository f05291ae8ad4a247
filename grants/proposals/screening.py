"""Screening by the officer of the region: the queue, the scores on the call's criteria, the total."""
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import audit
from ..alliances.models import Alliance
from ..alliances.permissions import roles_toward
from ..associations.models import Association
from ..common import utcnow
from ..errors import Forbidden, InvalidTransition, ValidationFailed, Violation
from ..extensions import db
from ..programs.models import CallCriterion
from ..workflows import rules
from .models import ScreeningScore
from .schemas import ScreeningIn

TWO = Decimal("0.01")


def can_screen(user, alliance):
    """The officer of the alliance's region, while the intention is submitted."""
    return alliance.state == "submitted" and "officer" in roles_toward(alliance, user)


def scores_of(alliance):
    """``{criterion code: ScreeningScore}`` of the alliance."""
    rows = db.session.execute(sa.select(ScreeningScore).where(ScreeningScore.alliance_id == alliance.id)).scalars()
    return {r.criterion_code: r for r in rows}


def weighted_total(criteria, points):
    """Out of 100: the sum of ``weight × score / max`` over the criteria (missing scores count 0)."""
    total = Decimal(0)
    for c in criteria:
        score = points.get(c.code)
        if score is not None and c.max:
            total += Decimal(c.weight) * Decimal(score) / Decimal(c.max)
    return total.quantize(TWO)


def total_of(alliance, rows=None):
    rows = scores_of(alliance) if rows is None else rows
    return weighted_total(alliance.call.criteria, {code: r.score for code, r in rows.items()})


def totals_for(alliances):
    """``{alliance id: total}`` for many alliances, in one query."""
    ids = [a.id for a in alliances]
    points = {}
    if ids:
        for aid, code, score in db.session.execute(sa.select(
                ScreeningScore.alliance_id, ScreeningScore.criterion_code, ScreeningScore.score)
                .where(ScreeningScore.alliance_id.in_(ids))):
            points.setdefault(aid, {})[code] = score
    return {a.id: weighted_total(a.call.criteria, points.get(a.id, {})) for a in alliances}


def sheet_if_any(alliance):
    """The screening sheet, or None when the call has no criteria: the call's criteria, this alliance's scores
    and their officers in ONE statement (the alliance page's card), which also fills the call's ``criteria``."""
    pairs = db.session.execute(
        sa.select(CallCriterion, ScreeningScore)
        .outerjoin(ScreeningScore, sa.and_(ScreeningScore.alliance_id == alliance.id,
                                           ScreeningScore.criterion_code == CallCriterion.code))
        .where(CallCriterion.call_id == alliance.call_id).order_by(CallCriterion.position, CallCriterion.id)
        .options(sa.orm.joinedload(ScreeningScore.officer))).all()
    call = alliance.call
    if "criteria" in sa.inspect(call).unloaded:
        sa.orm.attributes.set_committed_value(call, "criteria", [c for c, _s in pairs])
    if not call.criteria:
        return None
    return screening_sheet(alliance, {s.criterion_code: s for _c, s in pairs if s is not None})


def screening_sheet(alliance, rows=None):
    """The call's criteria with this alliance's scores: dicts for pages, API and PDF (``rows``: the scores
    by criterion code, when already read)."""
    rows = scores_of(alliance) if rows is None else rows
    items = []
    for c in alliance.call.criteria:
        r = rows.get(c.code)
        items.append({"code": c.code, "name": c.name, "weight": c.weight, "max": c.max,
                      "score": r.score if r else None, "comment": r.comment if r else None,
                      "officer": r.officer.name if r and r.officer else None,
                      "scored_at": r.scored_at if r else None})
    return {"criteria": items, "total": total_of(alliance, rows),
            "complete": all(i["score"] is not None for i in items)}


def save_scores(alliance, body: ScreeningIn, actor):
    """Record the officer's scores (``body.scores``: ``{criterion code: 0..max}``; those not given are kept)
    and comments.

    Raises ``InvalidTransition`` (409: the intention is not being screened), ``Forbidden`` (not the
    officer of the region), ``ValidationFailed`` (unknown criterion, ``score_out_of_range``)."""
    if alliance.state != "submitted":
        raise InvalidTransition(_l("Scores can only be given while the intention is submitted for screening."))
    if "officer" not in roles_toward(alliance, actor):
        raise Forbidden(_l("Only the program officer of the region screens this intention."))
    criteria = {c.code: c for c in alliance.call.criteria}
    comments = body.comments or {}
    problems, parsed = [], {}
    for code, value in body.scores.items():
        crit = criteria.get(code)
        if crit is None:
            problems.append(Violation(rules.INVALID, _l("This call has no criterion “%(code)s”.", code=code),
                                      f"scores.{code}"))
            continue
        if not 0 <= value <= crit.max:
            problems.append(Violation(rules.SCORE_OUT_OF_RANGE, _l(
                "Give “%(name)s” a whole number from 0 to %(max)s.", name=crit.name, max=crit.max),
                f"scores.{code}"))
            continue
        parsed[code] = value
    for code in comments:
        if code not in criteria:
            problems.append(Violation(rules.INVALID, _l("This call has no criterion “%(code)s”.", code=code),
                                      f"comments.{code}"))
    if problems:
        raise ValidationFailed(_l("Some scores need attention."), problems)
    rows = scores_of(alliance)
    changes = {}
    for code in sorted(set(parsed) | {k for k in comments if k in criteria}):
        row = rows.get(code)
        if code not in parsed and row is None:
            continue  # a comment without a score waits for the score
        new_score = parsed.get(code, row.score if row else None)
        # a comment sent as null or blank clears it (it was stored as the text "None")
        new_comment = (comments[code] or None) if code in comments else (row.comment if row else None)
        if row is None:
            row = ScreeningScore(alliance_id=alliance.id, criterion_code=code)
            db.session.add(row)
            rows[code] = row
        elif row.score == new_score and row.comment == new_comment:
            continue
        changes[code] = {"from": row.score, "to": new_score}
        row.score, row.comment, row.officer_id, row.scored_at = new_score, new_comment, actor.id, utcnow()
    db.session.flush()
    if changes:
        audit.record("alliance", alliance.id, "score_screening", actor, alliance_id=alliance.id,
                     association_id=alliance.association_id,
                     data={"scores": changes, "total": total_of(alliance, rows)})
    return rows


def queue(user):
    """Submitted intentions ``user`` screens (the officer's regions; all for admins), oldest first."""
    query = sa.select(Alliance).where(Alliance.state == "submitted")
    if not user.has_role("admin", "auditor"):
        if not user.has_role("officer") or not user.regions:
            return query.where(sa.false())
        query = query.where(Alliance.association_id.in_(
            sa.select(Association.id).where(Association.region.in_(user.regions))))
    return query.order_by(Alliance.state_changed_at, Alliance.id)


def age_days(alliance, now=None):
    return max(0, ((now or utcnow()) - alliance.state_changed_at).days)
