"""Supervision visits of the officer of the region: date, place, participants, findings, a rating of progress,
photos (JPEG or PNG, checked by content) and follow-up actions that the association board answers and the
officer closes or reopens (workflows/follow_up.py). Services flush and audit; they never commit."""
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import audit, uploads
from ..alliances.inputs import parse_text
from ..common import utcnow
from ..errors import Collector
from ..extensions import db
from ..workflows import rules
from ..workflows.follow_up import FOLLOW_UP
from .models import RATINGS, FollowUpAction, Visit, VisitPhoto
from .services import raise_all, state_violations
from .notify import action_answered, visit_recorded

PHOTO_TYPES = ("image/jpeg", "image/png")
MAX_ACTIONS = 20
MAX_PHOTOS = 30


def _ctx(alliance):
    return {"alliance_id": alliance.id, "association_id": alliance.association_id}


def _date(c, raw, field, required=True):
    if raw in (None, ""):
        if required:
            c.add(rules.REQUIRED, _l("Enter a date such as 2027-03-01."), field)
        return None
    try:
        return raw if isinstance(raw, date) else date.fromisoformat(str(raw).strip())
    except ValueError:
        c.add(rules.INVALID, _l("Enter a date such as 2027-03-01."), field)
        return None


def parse_visit(data, today=None):
    today = today or date.today()
    c = Collector()
    visited_on = _date(c, data.get("visited_on"), "visited_on")
    if visited_on and visited_on > today:
        c.add(rules.VISIT_IN_FUTURE, _l("The visit cannot be in the future."), "visited_on")
    place = parse_text(c, data.get("place"), "place", 200)
    participants = 0
    raw = data.get("participants")
    try:
        if isinstance(raw, (bool, float)):
            raise ValueError
        participants = int(str(raw).strip()) if raw not in (None, "") else 0
        if not 0 <= participants <= 100000:
            raise ValueError
    except (TypeError, ValueError):
        c.add(rules.INVALID, _l("Enter a whole number, 0 or more."), "participants")
    findings = parse_text(c, data.get("findings"), "findings", 10000)
    rating = str(data.get("rating") or "").strip()
    if rating not in RATINGS:
        c.add(rules.REQUIRED if not rating else rules.INVALID, _l("Choose a rating of progress."), "rating")
    actions = []
    rows = data.get("actions") or []
    if len(rows) > MAX_ACTIONS:
        c.add(rules.INVALID, _l("At most %(n)s actions.", n=MAX_ACTIONS), "actions")
        rows = []
    for i, row in enumerate(rows):
        row = row or {}
        desc, due = str(row.get("description") or "").strip(), row.get("due_on")
        if not desc and due in (None, ""):
            continue  # an empty row of the form
        field = f"actions.{i}"
        desc = parse_text(c, desc, f"{field}.description", 2000)
        due = _date(c, due, f"{field}.due_on")
        if due and visited_on and due < visited_on:
            c.add(rules.DUE_BEFORE_VISIT, _l("The due date cannot be before the visit."), f"{field}.due_on")
        actions.append((desc, due))
    return dict(visited_on=visited_on, place=place, participants=participants, findings=findings,
                rating=rating), actions, c.violations


def record_visit(alliance, data, actor, photos=(), today=None):
    """Record a visit with its follow-up actions (``data["actions"]``: ``[{"description", "due_on"}]``) and
    optional photos; the association's board and treasurer are notified when there are actions."""
    fields, actions, violations = parse_visit(data, today)
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


def add_photo(visit, storage, actor, caption=""):
    """Add a JPEG or PNG photo to a visit (415 for any other content, whatever its name)."""
    raise_all(state_violations(visit.alliance))
    c = Collector()
    caption = parse_text(c, caption, "caption", 200, required=False)
    if len(visit.photos) >= MAX_PHOTOS:
        c.add(rules.TOO_MANY_PHOTOS, _l("At most %(n)s photos.", n=MAX_PHOTOS), "photo")
    raise_all(c.violations)
    return _store_photo(visit, _checked_photo(storage), actor, caption)


def act(action, name, actor, answer=None, comment=None, evidence=None):
    """``answer`` (the board, with ``answer`` text and an optional evidence file), ``close`` (the officer,
    optional comment) or ``reopen`` (the officer, with a comment) through the follow-up workflow."""
    raise_all(state_violations(action.alliance))
    stored = None
    if name == "answer" and evidence is not None and getattr(evidence, "filename", None):
        data, ctype, fname = uploads.read_checked(evidence, field="evidence")
        stored = (uploads.store(data), fname, ctype)
    answer = str(answer or "").strip()[:5000]
    comment = str(comment or "").strip()[:5000]
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
