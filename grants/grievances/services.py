"""The grievance rules. Services validate, change, flush and write the audit event; they never commit.

Confidentiality: the audit events of a grievance carry only its id and state (no text, no reporter, no
contact, no alliance or association: the trail of a grievance never shows in an alliance's history); the
filing is recorded without an actor, so the trail does not name who filed it.

Rule codes (422, all listed at once): ``required``, ``invalid``, ``too_long`` (fields),
``grievance_target_unknown`` (no alliance with that code, no association with that id),
``grievance_already_escalated``, ``supervision_needs_alliance``; a refused transition raises the engine's
``InvalidTransition`` (409) or ``Forbidden`` (403)."""
import secrets
from datetime import date, timedelta

import sqlalchemy as sa
from blinker import Namespace
from flask_babel import lazy_gettext as _l

from .. import audit
from ..alliances.models import Alliance
from ..associations.models import Association
from ..common import utcnow
from ..errors import Collector, Forbidden, RuleViolation, ValidationFailed, Violation
from ..extensions import db
from ..programs.models import RULES, Call, Program
from ..uploads import read_checked, store
from ..workflows import rules
from ..workflows.grievance import CLOSED, GRIEVANCE
from .models import CATEGORIES, Grievance

#: sent after a grievance is filed or changes state (the public portal forgets its stored answer)
grievance_changed = Namespace().signal("grievance-changed")

#: tracking codes: no 0/O, 1/I/L, easy to read aloud and type on a phone
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_CHARS = 12
DESCRIPTION_MAX = 5000
CONTACT_MAX = 200
FIELD_RULES = ("required", "invalid", "too_long")


def new_tracking_code():
    """``QR-XXXX-XXXX-XXXX``: 12 random characters of 31 (about 59 bits, from ``secrets``)."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_CHARS))
    return "QR-" + "-".join(raw[i:i + 4] for i in range(0, CODE_CHARS, 4))


def normalize_code(raw):
    """The stored form of a code as a person may type it (lower case, spaces, without dashes)."""
    text = "".join(ch for ch in str(raw or "").upper() if ch.isalnum())
    if text.startswith("QR"):
        text = text[2:]
    if len(text) != CODE_CHARS or any(ch not in ALPHABET for ch in text):
        return None
    return "QR-" + "-".join(text[i:i + 4] for i in range(0, CODE_CHARS, 4))


def find_by_code(raw):
    code = normalize_code(raw)
    if code is None:
        return None
    return db.session.execute(sa.select(Grievance).where(Grievance.tracking_code == code)).scalar_one_or_none()


def _raise(c):
    if not c.violations:
        return
    if any(v.rule not in FIELD_RULES for v in c.violations):
        raise RuleViolation(c.violations)
    raise ValidationFailed(_l("Some fields need attention."), c.violations)


def _text(c, raw, field, limit, required):
    if raw is not None and not isinstance(raw, str):
        c.add(rules.INVALID, _l("This value is not valid."), field)
        return ""
    text = (raw or "").strip()
    if required and not text:
        c.add(rules.REQUIRED, _l("This field is required."), field)
    elif len(text) > limit:
        c.add(rules.TOO_LONG, _l("At most %(n)s characters.", n=limit), field)
    return text[:limit]


def _bool(raw):
    if isinstance(raw, bool):
        return raw
    return str(raw or "").strip().lower() in ("1", "true", "yes", "on", "y")


def rules_for(alliance=None, association=None):
    """``(ack_days, resolve_days)`` from the program of the alliance (or of the association's latest
    alliance, or the first program); the defaults of ``RULES`` when there is no program at all."""
    program = None
    if alliance is not None:
        program = alliance.program
    elif association is not None:
        program = db.session.execute(
            sa.select(Program).join(Call, Call.program_id == Program.id).join(Alliance, Alliance.call_id == Call.id)
            .where(Alliance.association_id == association.id).order_by(Alliance.id.desc()).limit(1)).scalar()
    if program is None:
        program = db.session.execute(sa.select(Program).order_by(Program.id).limit(1)).scalar()
    if program is None:
        return RULES["grievance_ack_days"][1], RULES["grievance_resolve_days"][1]
    return program.grievance_ack_days, program.grievance_resolve_days


def file_grievance(data, actor=None, upload=None, today=None):
    """File a grievance. ``data``: ``category``, ``description``, ``alliance_code`` or ``association_id``
    (optional), ``anonymous`` (bool), ``contact`` (optional). ``actor``: the signed-in user or None; kept as
    the reporter only when not anonymous. ``upload``: an optional werkzeug FileStorage (PDF, JPEG, PNG,
    checked by content: 413 ``too_large``, 415 ``unsupported_type``).

    Raises ``ValidationFailed`` (``required``, ``invalid``, ``too_long``) or ``RuleViolation``
    (``grievance_target_unknown``), listing every problem."""
    c = Collector()
    category = str(data.get("category") or "").strip()
    if not category:
        c.add(rules.REQUIRED, _l("Choose what the grievance is about."), "category")
    elif category not in CATEGORIES:
        c.add(rules.INVALID, _l("Choose one of the listed kinds of grievance."), "category")
    description = _text(c, data.get("description"), "description", DESCRIPTION_MAX, True)
    contact = _text(c, data.get("contact"), "contact", CONTACT_MAX, False) or None
    alliance = association = None
    code = _text(c, data.get("alliance_code"), "alliance_code", 40, False)
    if code:
        alliance = db.session.execute(sa.select(Alliance).where(Alliance.code == code)).scalar_one_or_none()
        if alliance is None:
            c.add(rules.GRIEVANCE_TARGET_UNKNOWN, _l("No alliance has this code. Check it, or leave it empty."),
                  "alliance_code")
        else:
            association = alliance.association
    raw_assoc = data.get("association_id")
    if raw_assoc not in (None, "") and alliance is None:
        try:
            ident = int(str(raw_assoc).strip())
        except (TypeError, ValueError):
            ident = 0
        association = db.session.get(Association, ident) if 0 < ident < 2**31 else None
        if association is None:
            c.add(rules.GRIEVANCE_TARGET_UNKNOWN, _l("No association has this number."), "association_id")
    file_data = None
    if upload is not None and getattr(upload, "filename", None):
        file_data = read_checked(upload, field="attachment")  # 413/415 at once: nothing stored
    _raise(c)
    anonymous = _bool(data.get("anonymous"))
    signed_in = actor is not None and getattr(actor, "is_authenticated", False)
    now = utcnow()
    day = today or date.today()
    ack_days, resolve_days = rules_for(alliance, association)
    g = Grievance(tracking_code=new_tracking_code(), category=category, description=description,
                  alliance_id=alliance.id if alliance else None, association_id=association.id if association else None,
                  region=association.region if association else None, anonymous=anonymous or not signed_in,
                  reporter_id=actor.id if signed_in and not anonymous else None, contact=contact, state="received",
                  received_at=now, ack_due_on=day + timedelta(days=int(ack_days)),
                  resolve_due_on=day + timedelta(days=int(resolve_days)))
    while db.session.execute(sa.select(Grievance.id).where(Grievance.tracking_code == g.tracking_code)).first():
        g.tracking_code = new_tracking_code()  # about never; kept so that a code is never shared
    if file_data is not None:
        content, ctype, name = file_data
        g.attachment_sha256, g.attachment_type, g.attachment_name = store(content), ctype, name
    db.session.add(g)
    db.session.flush()
    # no actor, no text, no place: the trail says only that grievance N was received
    audit.record("grievance", g.id, "file", None, to_state="received", data={"grievance_id": g.id, "state": "received"})
    grievance_changed.send(g)
    return g


def transition(g, action, actor, data=None):
    """Take ``action`` on grievance ``g`` (the engine checks state and role and requires ``resolution`` for
    ``resolve``, ``reason`` for ``dismiss``). The alliance it is about is never touched. Raises
    ``InvalidTransition``, ``Forbidden``, ``RuleViolation`` (``required``, ``grievance_already_escalated``)."""
    data = {k: (v.strip() if isinstance(v, str) else v) for k, v in (data or {}).items()}
    for key in ("resolution", "reason"):
        if isinstance(data.get(key), str) and len(data[key]) > DESCRIPTION_MAX:
            raise ValidationFailed(_l("Some fields need attention."),
                                   [Violation(rules.TOO_LONG, _l("At most %(n)s characters.", n=DESCRIPTION_MAX), key)])
    t = GRIEVANCE.check(g, action, actor, data)
    if action == "escalate" and g.escalated_at is not None:
        raise RuleViolation([Violation(rules.GRIEVANCE_ALREADY_ESCALATED,
                                       _l("This grievance is already with an administrator."))])
    now = utcnow()

    def effect(g, _t, _data):
        _stamp(g, action, data, actor, now)

    # the event keeps the id and the state only (no comment, no answer: the trail is read by auditors)
    kept = {k: data[k] for k in ("resolution", "reason") if k in data}
    GRIEVANCE.apply(g, action, actor, data=kept, effect=effect, event_data={"grievance_id": g.id, "state": t.target})
    db.session.flush()
    grievance_changed.send(g)
    return t


def _stamp(g, action, data, actor, now):
    """The dates and the public answer a step of the grievance writes."""
    if action == "acknowledge":
        g.acknowledged_at = now
    elif action == "investigate":
        g.investigation_at = now
        g.acknowledged_at = g.acknowledged_at or now
    elif action == "resolve":
        g.public_answer = data["resolution"]
        g.closed_at = now
    elif action == "dismiss":
        g.public_answer = data["reason"]
        g.closed_at = now
    elif action == "escalate":
        g.escalated_at, g.escalated_by_id = now, actor.id


def flag_supervision(g, actor, on=True):
    """Ask (or stop asking) the regional officer to supervise the alliance the grievance is about: a task on that
    officer's home page that says nothing of the grievance's text or reporter (grievances/tasks.py). The
    alliance itself is not changed.
    Raises ``Forbidden`` (not a grievance officer or admin), ``RuleViolation`` (``supervision_needs_alliance``)."""
    if not actor.has_role("grievance_officer", "admin"):
        raise Forbidden(_l("Your role does not allow this action."))
    if g.alliance_id is None:
        raise RuleViolation([Violation(rules.SUPERVISION_NEEDS_ALLIANCE,
                                       _l("This grievance is not about an alliance: there is nothing to supervise."))])
    if on == (g.supervision_flagged_at is not None):
        return g
    g.supervision_flagged_at = utcnow() if on else None
    g.supervision_flagged_by_id = actor.id if on else None
    db.session.flush()
    audit.record("grievance", g.id, "flag_supervision" if on else "unflag_supervision", actor,
                 data={"grievance_id": g.id, "state": g.state})
    return g


def available(g, user):
    """The actions ``user`` may take on ``g`` now (``escalate`` only once)."""
    return [t for t in GRIEVANCE.available(g, user) if not (t.name == "escalate" and g.escalated_at is not None)]


def days_to_close(g):
    if g.closed_at is None:
        return None
    return (g.closed_at - g.received_at).total_seconds() / 86400


def is_overdue(g, today=None):
    today = today or date.today()
    if g.state in CLOSED:
        return False
    if g.state == "received" and g.ack_due_on < today:
        return True
    return g.resolve_due_on < today
