"""Creating and editing alliances, their member families and attachments, and taking actions."""
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import audit, uploads
from ..associations.models import Association, Buyer, Member
from ..common import utcnow
from ..errors import Collector, Forbidden, StaleVersion, ValidationFailed, Violation
from ..extensions import db
from ..programs.models import Call
from ..schemas.fields import as_body
from ..workflows import ALLIANCE
from ..associations.levels import member_source_ids
from ..associations.services import create_buyer
from ..workflows import rules
from .models import ATTACHMENT_KINDS, Alliance, AllianceMember, Attachment
from .permissions import can_create_alliance, can_edit_alliance, can_view_association
from .schemas import AllianceCreate, AlliancePatch

def _fail(c):
    if c.violations:
        raise ValidationFailed(_l("Some fields need attention."), c.violations)


def next_code(call):
    """``<PROGRAM>-<YEAR>-<NNNN>``, numbered within the program and year of the call."""
    prefix = f"{call.program.code}-{call.opens_at.year}-"
    last = db.session.execute(
        sa.select(Alliance.code).where(Alliance.code.like(prefix + "%")).order_by(Alliance.code.desc()).limit(1)
    ).scalar()
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


def _resolve_buyer(body, c, actor):
    """``buyer_id`` of a registered buyer, or ``buyer`` ``{name, tax_id}`` found or registered."""
    if body.buyer_id is not None:
        buyer = db.session.get(Buyer, body.buyer_id)
        if buyer is None:
            c.add(rules.INVALID, _l("Choose a registered buyer."), "buyer_id")
        return buyer
    spec = body.buyer
    if spec is not None and spec.name.strip():
        tax_id = (spec.tax_id or "").strip() or None
        if tax_id:
            found = db.session.execute(sa.select(Buyer).where(Buyer.tax_id == tax_id)).scalar()
            if found:
                return found

        return create_buyer({"name": spec.name, "tax_id": tax_id}, actor)
    return None


def _set_fields(alliance, body, c, actor, creating):
    """Write what ``body`` gives (everything when ``creating``): the schema checked each value; a title or
    product left blank is refused here, in one refusal with the buyer and the members."""
    given = body.model_fields_set
    for key in ("title", "product"):
        if creating or key in given:
            value = getattr(body, key) or ""
            if not value:
                c.add(rules.REQUIRED, _l("This field is required."), key)
            setattr(alliance, key, value)
    for key in ("requested_grant", "estimated_counterpart"):
        if creating or key in given:
            value = getattr(body, key)
            setattr(alliance, key, value if value is not None else Decimal("0.00"))
    if "buyer_id" in given or "buyer" in given:
        buyer = _resolve_buyer(body, c, actor)
        if buyer is not None or body.buyer_id is None:
            alliance.buyer = buyer
    if "member_ids" in given:
        _set_members(alliance, body.member_ids or [], c)


def _set_members(alliance, member_ids, c):
    ids = sorted(set(member_ids))
    found = set(db.session.execute(
        sa.select(Member.id).where(Member.id.in_(ids),
                                   Member.association_id.in_(member_source_ids(alliance.association)),
                                   Member.active.is_(True))).scalars()) if ids else set()
    if found != set(ids):
        c.add(rules.INVALID, _l("Only active members of the association can take part."), "member_ids")
        return
    current = {link.member_id: link for link in alliance.member_links}
    alliance.member_links = [current.get(i) or AllianceMember(member_id=i) for i in ids]


def snapshot(alliance):
    return {
        "title": alliance.title,
        "product": alliance.product,
        "buyer_id": alliance.buyer.id if alliance.buyer else None,
        "requested_grant": alliance.requested_grant,
        "estimated_counterpart": alliance.estimated_counterpart,
        "member_ids": alliance.member_ids,
    }


def create_alliance(body: AllianceCreate, actor):
    """A board member creates a draft alliance for their association in a call. ``body``: the validated
    ``AllianceCreate`` (a mapping is read as a form is: the demo, the tests). An association the actor may
    not see is refused as an unknown one (no leak).

    Raises ``ValidationFailed`` (fields), ``Forbidden`` (not on the association's board)."""
    body = as_body(AllianceCreate, body)
    c = Collector()
    assoc = db.session.get(Association, body.association_id)
    call = db.session.get(Call, body.call_id)
    if assoc is None or not can_view_association(actor, assoc):
        assoc = None
        c.add(rules.REQUIRED, _l("Choose your association."), "association_id")
    elif not can_create_alliance(actor, assoc):
        raise Forbidden(_l("Only the association's board can create an alliance."))
    if call is None:
        c.add(rules.REQUIRED, _l("Choose a call."), "call_id")
    elif assoc is not None and not call.covers_region(assoc.region):
        c.add(rules.INVALID, _l("This call does not cover the association's region."), "call_id")
    _fail(c)
    alliance = Alliance(call=call, association=assoc, state="draft", created_by_id=actor.id,
                        state_changed_at=utcnow())
    with db.session.no_autoflush:
        _set_fields(alliance, body, c, actor, creating=True)
    if c.violations:
        if alliance in db.session:
            db.session.expunge(alliance)
        _fail(c)
    alliance.code = next_code(call)
    db.session.add(alliance)
    db.session.flush()
    audit.record("alliance", alliance.id, "create", actor, to_state="draft", alliance_id=alliance.id,
                 association_id=assoc.id, data={"code": alliance.code, **snapshot(alliance)})
    return alliance


def update_alliance(alliance, body: AlliancePatch, actor, version=None):
    """Edit a draft or returned business intention: the fields ``body`` gives change; its ``version`` must
    be current. A mapping is read as a form is, with ``version`` (or the alliance's own) beside it.

    Raises ``StaleVersion`` (409), ``Forbidden``, ``ValidationFailed``."""
    if not isinstance(body, AlliancePatch):
        body = as_body(AlliancePatch, {**body, "version": version if version not in (None, "") else alliance.version})
    if body.version != alliance.version:
        raise StaleVersion(_l("Someone changed this alliance meanwhile. Reload it and try again."))
    if not can_edit_alliance(actor, alliance):
        raise Forbidden(_l("The business intention can only be edited by the board while it is a draft "
                           "or returned."))
    c = Collector()
    before = snapshot(alliance)
    with db.session.no_autoflush:
        _set_fields(alliance, body, c, actor, creating=False)
    _fail(c)
    db.session.flush()
    after = snapshot(alliance)
    changes = {k: {"from": before[k], "to": after[k]} for k in after if before[k] != after[k]}
    audit.record("alliance", alliance.id, "update", actor, alliance_id=alliance.id,
                 association_id=alliance.association_id, data=changes)
    return alliance


def take_action(alliance, action, actor, data=None):
    """Apply a workflow action (see ``workflows/alliance.py``). Raises ``InvalidTransition``,
    ``Forbidden`` or ``RuleViolation`` and leaves the alliance unchanged."""
    data = dict(data or {})

    def effect(obj, transition, payload):
        obj.state_changed_at = utcnow()
        if transition.name == "start_plan":
            obj.facilitator_id = int(payload["facilitator_id"])
        return None

    return ALLIANCE.apply(alliance, action, actor, comment=data.pop("comment", None), data=data, effect=effect)


def add_attachment(alliance, kind, storage, actor):
    """Store an uploaded file for the alliance. Raises ``ValidationFailed``, ``UploadTooLarge`` (413),
    ``UnsupportedType`` (415)."""
    if kind not in ATTACHMENT_KINDS:
        raise ValidationFailed(_l("Unknown kind of document."), [Violation(rules.INVALID, _l("Unknown kind of document."),
                                                                             "kind")])
    data, ctype, name = uploads.read_checked(storage)
    digest = uploads.store(data)
    att = Attachment(alliance=alliance, kind=kind, filename=name, content_type=ctype, size=len(data),
                     sha256=digest, uploaded_by_id=actor.id)
    db.session.add(att)
    db.session.flush()
    audit.record("attachment", att.id, "add_attachment", actor, alliance_id=alliance.id,
                 association_id=alliance.association_id,
                 data={"kind": kind, "filename": name, "sha256": digest, "size": len(data)})
    return att


def can_upload(user, alliance):
    roles = ALLIANCE.roles_of(alliance, user)
    return bool(roles & {"board", "treasurer", "officer", "facilitator"})
