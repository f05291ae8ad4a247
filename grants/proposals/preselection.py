"""Preselection per call: eligible intentions ranked by score against the envelope; the committee's
decisions, each through the workflow engine, written to numbered minutes (acta)."""
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import audit
from ..audit.services import canonical
from ..accounts.models import User, UserRole
from ..alliances import services as alliance_services
from ..alliances.models import Alliance
from ..alliances.permissions import alliance_filter
from ..common import utcnow
from ..errors import DomainError, Forbidden, RuleViolation, ValidationFailed, Violation
from ..extensions import db
from ..money import ZERO
from ..associations.models import Association
from ..schemas.fields import as_body
from ..workflows import rules as rule_codes
from .models import PreselectionMinutes, ProfileRevision
from .schemas import PreselectionIn
from .screening import totals_for

#: the states of intentions that passed screening, shown in the ranking
RANKED_STATES = ("eligible", "preselected", "not_selected")
ACTIONS = ("preselect", "not_select")
#: ``db.session.info`` key set while a bulk decision runs (its minutes are written once, at the end)
BULK = "grants.preselection_bulk"


@dataclass
class Row:
    rank: int
    alliance: Alliance
    score: Decimal
    #: requested grants of this row and those ranked above it, not counting those not selected
    running_total: Decimal | None
    within_envelope: bool


def officer_has_intentions(user, call):
    """An officer takes part in a call where an intention of their regions was submitted."""
    if not user.has_role("officer") or not user.regions:
        return False
    return db.session.execute(sa.select(sa.literal(1)).where(
        Alliance.call_id == call.id, Alliance.state != "draft", Alliance.association_id.in_(
            sa.select(Association.id).where(Association.region.in_(user.regions)))).limit(1)).first() is not None


def can_view(user, call):
    """Admins, auditors, the call's committee, and the officers with intentions of their regions in it."""
    return (user.has_role("admin", "auditor") or call.has_committee_member(user)
            or officer_has_intentions(user, call))


def can_decide(user, call):
    return call.has_committee_member(user)


def ranking(call, user=None):
    """The call's screened intentions by score (highest first; ties: the first submitted first), with
    the running total of requested grants against the envelope. ``user``: only those they may see."""
    query = sa.select(Alliance).where(Alliance.call_id == call.id, Alliance.state.in_(RANKED_STATES))
    if user is not None:
        query = query.where(alliance_filter(user))
    alliances = db.session.execute(query).scalars().all()
    totals = totals_for(alliances)
    first = first_submissions(alliances)
    alliances.sort(key=lambda a: (-totals[a.id], first.get(a.id) or a.created_at, a.id))
    rows, running = [], ZERO
    for i, a in enumerate(alliances, start=1):
        if a.state == "not_selected":
            rows.append(Row(i, a, totals[a.id], None, False))
            continue
        running += a.requested_grant
        rows.append(Row(i, a, totals[a.id], running, running <= call.envelope))
    return rows


def first_submissions(alliances):
    """``{alliance id: when it was first submitted}``."""
    ids = [a.id for a in alliances]
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(ProfileRevision.alliance_id, sa.func.min(ProfileRevision.submitted_at))
                                   .where(ProfileRevision.alliance_id.in_(ids))
                                   .group_by(ProfileRevision.alliance_id)).all())


def committee_members(call):
    """The call's committee: those named, or every active committee member when none is named."""
    query = sa.select(User).where(User.active.is_(True))
    if call.committee_ids:
        query = query.where(User.id.in_(call.committee_ids))
    else:
        query = query.join(UserRole, UserRole.user_id == User.id).where(UserRole.role == "committee")
    return db.session.execute(query.order_by(User.name)).scalars().all()


def decide(call, body, actor, comment=None):
    """Apply the committee's decisions (``body``: the validated ``PreselectionIn``; a list of
    ``(alliance_id, "preselect" | "not_select")`` with ``comment`` is read as such a body), each through the
    workflow engine (one audit event per alliance), then write one minutes record.

    All or nothing: raises ``Forbidden`` (not on the call's committee), ``ValidationFailed`` (nothing
    chosen, an unknown action or alliance, an alliance twice) or ``RuleViolation`` listing every
    alliance whose decision was refused and why; the caller rolls back."""
    if not isinstance(body, PreselectionIn):
        body = as_body(PreselectionIn, {"decisions": [{"alliance_id": a, "action": x} for a, x in body],
                                        "comment": comment})
    if not can_decide(actor, call):
        raise Forbidden(_l("Only members of the call's committee decide the preselection."))
    problems, chosen, seen = [], [], set()
    for i, decision in enumerate(body.decisions):
        field = f"decisions.{i}"
        alliance = db.session.get(Alliance, decision.alliance_id)
        if alliance is None or alliance.call_id != call.id or not db.session.execute(
                sa.select(sa.literal(1)).where(Alliance.id == alliance.id, alliance_filter(actor))).first():
            problems.append(Violation(rule_codes.INVALID, _l("This intention is not part of the call."), field))
        elif alliance.id in seen:
            problems.append(Violation(rule_codes.INVALID, _l("The same intention appears twice."), field))
        else:
            seen.add(alliance.id)
            chosen.append((alliance, decision.action))
    if problems:
        raise ValidationFailed(_l("Some decisions need attention."), problems)
    comment = body.comment or None
    refused = []
    db.session.info[BULK] = True
    try:
        for i, (alliance, action) in enumerate(chosen):
            try:
                alliance_services.take_action(alliance, action, actor, {"comment": comment} if comment else {})
            except DomainError as exc:
                rules = [v.rule for v in getattr(exc, "details", [])] or [exc.code]
                for rule in rules:
                    refused.append(Violation(rule, _l("%(code)s: %(why)s", code=alliance.code, why=str(exc.message)),
                                             f"decisions.{i}"))
    finally:
        db.session.info.pop(BULK, None)
    if refused:
        raise RuleViolation(refused, _l("No decision was recorded: some intentions cannot take it."))
    return write_minutes(call, chosen, actor, comment)


def minutes_content(call, decided, actor, comment, when):
    decided_ids = {a.id for a, _action in decided}
    program = call.program
    rows = ranking(call)
    return {
        "call": {"id": call.id, "title": call.title, "program_code": program.code, "program_name": program.name,
                 "currency": program.currency},
        "envelope": call.envelope,
        "written_at": when,
        "actor": {"id": actor.id, "name": actor.name},
        "committee": [u.name for u in committee_members(call)],
        "comment": comment or "",
        "decided": [{"alliance_id": a.id, "code": a.code, "action": action} for a, action in decided],
        "ranking": [{"rank": r.rank, "alliance_id": r.alliance.id, "code": r.alliance.code, "title": r.alliance.title,
                     "association": r.alliance.association.name, "region": r.alliance.association.region,
                     "families": r.alliance.families, "score": r.score, "requested_grant": r.alliance.requested_grant,
                     "running_total": r.running_total, "within_envelope": r.within_envelope,
                     "state": r.alliance.state, "decided_now": r.alliance.id in decided_ids} for r in rows],
        "preselected_total": sum((r.alliance.requested_grant for r in rows if r.alliance.state == "preselected"),
                                 ZERO),
    }


def write_minutes(call, decided, actor, comment=None, record_event=True):
    """Record who decided what, when, with the ranking at that moment (the PDF is drawn from it).

    ``record_event``: also write a ``preselection_minutes`` audit event with the SHA-256 of the content
    (a committee session); a single decision taken through the workflow is already its own event."""
    number = (db.session.execute(sa.select(sa.func.max(PreselectionMinutes.number))
                                 .where(PreselectionMinutes.call_id == call.id)).scalar() or 0) + 1
    when = utcnow().replace(microsecond=0)
    content = minutes_content(call, decided, actor, comment, when)
    row = PreselectionMinutes(call_id=call.id, number=number, created_at=when, created_by_id=actor.id,
                              alliance_ids=",".join(str(a.id) for a, _x in decided), comment=comment or None,
                              content=canonical(content))
    db.session.add(row)
    db.session.flush()
    if record_event:
        audit.record("call", call.id, "preselection_minutes", actor, comment=comment or None,
                     data={"number": number, "minutes_id": row.id,
                           "sha256": hashlib.sha256(row.content.encode("utf-8")).hexdigest(),
                           "decisions": [{"alliance_id": a.id, "action": action} for a, action in decided]})
    return row


def minutes_of(call):
    return db.session.execute(sa.select(PreselectionMinutes).where(PreselectionMinutes.call_id == call.id)
                              .order_by(PreselectionMinutes.number.desc())).scalars().all()


def find_minutes(call, number=None):
    query = sa.select(PreselectionMinutes).where(PreselectionMinutes.call_id == call.id)
    if number is not None:
        query = query.where(PreselectionMinutes.number == number)
    return db.session.execute(query.order_by(PreselectionMinutes.number.desc()).limit(1)).scalar()


def parse_content(minutes):
    return json.loads(minutes.content)
