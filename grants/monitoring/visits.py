"""Supervision visits of the officer of the region: date, place, participants, findings, a rating of progress,
photos (JPEG or PNG, checked by content) and follow-up actions that the association board answers and the
officer closes or reopens (workflows/follow_up.py). Services flush and audit; they never commit."""
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import audit, uploads
from ..common import utcnow
from ..errors import Collector
from ..extensions import db
from ..schemas.fields import as_body
from ..workflows import rules
from ..workflows.follow_up import FOLLOW_UP
from .models import RATINGS, FollowUpAction, Visit, VisitPhoto
from .schemas import ActionTransitionIn, PhotoIn, read_visit
from .services import raise_all, state_violations
from .notify import action_answered, visit_recorded

PHOTO_TYPES = ("image/jpeg", "image/png")
MAX_PHOTOS = 30


def _ctx(alliance):
    return {"alliance_id": alliance.id, "association_id": alliance.association_id}


def visit_violations(body, today=None):
    """``(fields, actions, violations)`` of ``body`` (a ``VisitIn``: each field's shape checked): the rules listed
    together, the visit not in the future, the rating among the choices, each follow-up action complete (an empty
    row is skipped) and due on or after the visit, at its row (``actions.<i>.<field>``)."""
    today = today or date.today()
    c = Collector()
    visited_on = body.visited_on
    if visited_on > today:
        c.add(rules.VISIT_IN_FUTURE, _l("The visit cannot be in the future."), "visited_on")
    if body.rating not in RATINGS:
        c.add(rules.INVALID, _l("Choose a rating of progress."), "rating")
    actions = []
    for i, row in enumerate(body.actions):
        desc, due = row.description or "", row.due_on
        if not desc and due is None:
            continue  # an empty row of the form
        field = f"actions.{i}"
        if not desc:
            c.add(rules.REQUIRED, _l("This field is required."), f"{field}.description")
        if due is None:
            c.add(rules.REQUIRED, _l("Enter a date such as 2027-03-01."), f"{field}.due_on")
        elif due < visited_on:
            c.add(rules.DUE_BEFORE_VISIT, _l("The due date cannot be before the visit."), f"{field}.due_on")
        actions.append((desc, due))
    return dict(visited_on=visited_on, place=body.place, participants=body.participants, findings=body.findings,
                rating=body.rating), actions, c.violations


def record_visit(alliance, body, actor, photos=(), today=None):
    """Record a visit (``body``: a ``VisitIn``, or a mapping read as a form) with its follow-up actions
    (``actions``: ``[{"description", "due_on"}]``) and optional photos; the association's board and treasurer
    are notified when there are actions."""
    fields, actions, violations = visit_violations(read_visit(body), today)
    violations = state_violations(alliance) + violations
    photos = [p for p in photos or [] if p is not None and getattr(p, "filename", None)]
    if len(photos) > MAX_PHOTOS:
        c = Collector()
        c.add(rules.INVALID, _l("At most %(n)s photos.", n=MAX_PHOTOS), "photos")
        violations += c.violations
    raise_all(violations)
    checked = [_checked_photo(p) for p in photos]  # 413/415 before anything is written
    visit = Visit(alliance_id=alliance.id, officer_id=actor.id if actor else None, **fields)
    db.session.add(visit)
    db.session.flush()
    for desc, due in actions:
        db.session.add(FollowUpAction(visit_id=visit.id, alliance_id=alliance.id, description=desc, due_on=due,
                                      state="open"))
    db.session.flush()
    audit.record("supervision_visit", visit.id, "record", actor, data={
        **fields, "actions": [{"description": d, "due_on": due} for d, due in actions]}, **_ctx(alliance))
    for item in checked:
        _store_photo(visit, item, actor, "")
    if actions:

        visit_recorded(visit)
    return visit


def _checked_photo(storage):
    return uploads.read_checked(storage, allowed=PHOTO_TYPES, field="photo")


def _store_photo(visit, checked, actor, caption):
    data, ctype, name = checked
    digest = uploads.store(data)
    photo = VisitPhoto(visit_id=visit.id, filename=name, content_type=ctype, size=len(data), sha256=digest,
                       caption=caption[:200], uploaded_by_id=actor.id if actor else None)
    db.session.add(photo)
    db.session.flush()
    audit.record("visit_photo", photo.id, "add_attachment", actor, data={"visit_id": visit.id, "sha256": digest,
                                                                  "filename": name, "content_type": ctype},
                 **_ctx(visit.alliance))
    return photo


def add_photo(visit, storage, actor, body=None):
    """Add a JPEG or PNG photo to a visit (415 for any other content, whatever its name); ``body``: a ``PhotoIn``
    (or the caption's text)."""
    body = as_body(PhotoIn, body if isinstance(body, PhotoIn) else {"caption": body})
    raise_all(state_violations(visit.alliance))
    c = Collector()
    caption = body.caption or ""
    if len(visit.photos) >= MAX_PHOTOS:
        c.add(rules.TOO_MANY_PHOTOS, _l("At most %(n)s photos.", n=MAX_PHOTOS), "photo")
    raise_all(c.violations)
    return _store_photo(visit, _checked_photo(storage), actor, caption)


def act(action, body, actor, answer=None, comment=None, evidence=None):
    """``body.action`` (``body``: an ``ActionTransitionIn``; or the action's name with ``answer`` and ``comment``
    as keywords, read as a form): ``answer`` (the board, with ``answer`` text and an optional evidence file),
    ``close`` (the officer, optional comment) or ``reopen`` (the officer, with a comment) through the follow-up
    workflow."""
    if not isinstance(body, ActionTransitionIn):
        body = as_body(ActionTransitionIn, {"action": body, "answer": answer, "comment": comment})
    name = body.action
    raise_all(state_violations(action.alliance))
    stored = None
    if name == "answer" and evidence is not None and getattr(evidence, "filename", None):
        data, ctype, fname = uploads.read_checked(evidence, field="evidence")
        stored = (uploads.store(data), fname, ctype)
    answer, comment = body.answer or "", body.comment or ""
    data = {"answer": answer} if name == "answer" else {}

    def effect(obj, t, data):
        if t.name == "answer":
            obj.answer, obj.answered_at = answer, utcnow()
            obj.answered_by_id = actor.id if actor else None
            if stored:
                obj.evidence_sha256, obj.evidence_filename, obj.evidence_content_type = stored
            return {"evidence_sha256": obj.evidence_sha256}
        obj.officer_comment = comment or None
        obj.closed_at = utcnow() if t.name == "close" else None
        return None

    FOLLOW_UP.apply(action, name, actor, comment=comment or None, data=data, effect=effect)
    db.session.flush()
    if name == "answer":

        action_answered(action)
    return action


def overdue_actions(alliance_ids, today=None):
    """Open follow-up actions past their due date, in one query (for the alliance page)."""
    today = today or date.today()
    return db.session.scalars(sa.select(FollowUpAction).where(
        FollowUpAction.alliance_id.in_(list(alliance_ids)), FollowUpAction.state == "open",
        FollowUpAction.due_on < today).order_by(FollowUpAction.due_on)).all()


def default_due(today=None):
    return (today or date.today()) + timedelta(days=30)
