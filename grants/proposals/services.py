"""The business intention: editing the profile, revisions at each submission and what changed."""
import json
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import audit
from ..audit.services import canonical
from ..alliances import services as alliance_services
from ..alliances.permissions import can_edit_alliance
from ..common import utcnow
from ..errors import Collector, Forbidden, StaleVersion, ValidationFailed
from ..extensions import db
from ..money import ZERO, to_decimal
from ..workflows import rules
from .models import Profile, ProfileRevision

#: text fields of the profile and their longest length
TEXT_FIELDS = {"location": 200, "business_idea": 5000, "market_opportunity": 5000, "current_production": 5000,
               "loi_unit": 30, "loi_quality": 2000, "loi_delivery": 2000}
#: exact amounts (two places, never negative)
AMOUNT_FIELDS = ("current_sales", "estimated_investment", "loi_volume", "loi_price")
DATE_FIELDS = ("loi_signed_on",)
PROFILE_FIELDS = (*TEXT_FIELDS, *AMOUNT_FIELDS, *DATE_FIELDS)
#: files a board may attach with the profile
PROFILE_FILES = ("buyer_letter", "legal_status")

LABELS = {
    "title": _l("Title"), "product": _l("Product"), "buyer": _l("Buyer"), "families": _l("Families"),
    "requested_grant": _l("Requested grant"), "estimated_counterpart": _l("Estimated counterpart"),
    "location": _l("Location"), "business_idea": _l("Business idea"),
    "market_opportunity": _l("Market opportunity"), "current_production": _l("Current production and sales"),
    "current_sales": _l("Current sales per year"), "estimated_investment": _l("Estimated investment"),
    "loi_volume": _l("Volume the buyer will buy"), "loi_unit": _l("Unit"), "loi_price": _l("Price per unit"),
    "loi_quality": _l("Quality required"), "loi_delivery": _l("Delivery schedule"),
    "loi_signed_on": _l("Letter signed on"), "members": _l("Member families"), "attachments": _l("Documents"),
}


def _parse_date(raw):
    if raw in (None, ""):
        return None
    if isinstance(raw, date):
        return raw
    return date.fromisoformat(str(raw).strip())


def profile_values(profile):
    """The profile's fields as a plain dict (empty values when there is no profile yet)."""
    if profile is None:
        return {k: "" if k in TEXT_FIELDS else (ZERO if k in AMOUNT_FIELDS else None) for k in PROFILE_FIELDS}
    return {k: getattr(profile, k) for k in PROFILE_FIELDS}


def _set_fields(profile, data, c):
    for key, limit in TEXT_FIELDS.items():
        if key in data:
            value = str(data.get(key) or "").strip()
            if len(value) > limit:
                c.add(rules.TOO_LONG, _l("At most %(n)s characters.", n=limit), key)
                continue
            setattr(profile, key, value)
    for key in AMOUNT_FIELDS:
        if key in data:
            raw = data.get(key)
            try:
                value = to_decimal(raw if raw not in (None, "") else "0")
                if value < 0:
                    raise ValueError
                setattr(profile, key, value)
            except (ValueError, TypeError):
                c.add(rules.INVALID, _l("Enter an amount such as 1250.00 (no negative numbers)."), key)
    for key in DATE_FIELDS:
        if key in data:
            try:
                setattr(profile, key, _parse_date(data.get(key)))
            except (ValueError, TypeError):
                c.add(rules.INVALID, _l("Enter a date such as 2026-03-15."), key)


def save_profile(alliance, data, actor, version=None, files=None):
    """Create or update the profile of a draft or returned business intention, and attach the files
    in ``files`` (``{"buyer_letter": FileStorage, "legal_status": FileStorage}``, empty ones skipped).

    Raises ``Forbidden`` (not the board, or not editable now), ``StaleVersion`` (``version`` is not the
    profile's), ``ValidationFailed`` (field errors, all listed), ``UploadTooLarge``, ``UnsupportedType``."""
    if not can_edit_alliance(actor, alliance):
        raise Forbidden(_l("The business intention can only be edited by the association's board while it is "
                           "a draft or returned."))
    profile = alliance.profile
    creating = profile is None
    if not creating and version not in (None, "") and str(version) != str(profile.version):
        raise StaleVersion(_l("Someone changed this business intention meanwhile. Reload it and try again."))
    before = profile_values(profile)
    c = Collector()
    with db.session.no_autoflush:
        if creating:
            profile = Profile(alliance=alliance)
            for key in PROFILE_FIELDS:
                setattr(profile, key, "" if key in TEXT_FIELDS else (None if key in DATE_FIELDS else ZERO))
        _set_fields(profile, data, c)
        if c.violations:
            if creating:
                alliance.profile = None
                if profile in db.session:
                    db.session.expunge(profile)
            raise ValidationFailed(_l("Some fields need attention."), c.violations)
    db.session.add(profile)
    db.session.flush()
    after = profile_values(profile)
    changes = {k: {"from": before[k], "to": after[k]} for k in PROFILE_FIELDS if before[k] != after[k]}
    if creating or changes:
        audit.record("profile", profile.id, "create_profile" if creating else "update_profile", actor,
                     alliance_id=alliance.id, association_id=alliance.association_id, data=changes)
    for kind in PROFILE_FILES:
        storage = (files or {}).get(kind)
        if storage is not None and getattr(storage, "filename", ""):
            alliance_services.add_attachment(alliance, kind, storage, actor)
    return profile


# -- revisions -------------------------------------------------------------------------------------

def intention_snapshot(alliance):
    """Everything the board submits, as plain JSON-ready values."""
    buyer = alliance.buyer
    values = profile_values(alliance.profile)
    return json.loads(canonical({
        "alliance": {"title": alliance.title, "product": alliance.product,
                     "buyer": {"id": buyer.id, "name": buyer.name, "tax_id": buyer.tax_id} if buyer else None,
                     "requested_grant": alliance.requested_grant,
                     "estimated_counterpart": alliance.estimated_counterpart, "families": alliance.families},
        "profile": {k: (v if v is not None else "") for k, v in values.items()},
        "member_ids": alliance.member_ids,
        "attachments": [{"kind": a.kind, "filename": a.filename, "sha256": a.sha256} for a in alliance.attachments],
    }))


def record_revision(alliance, actor):
    """Keep what is being submitted as the next numbered revision (called on every ``submit``)."""
    last = db.session.execute(sa.select(sa.func.max(ProfileRevision.number))
                              .where(ProfileRevision.alliance_id == alliance.id)).scalar() or 0
    rev = ProfileRevision(alliance_id=alliance.id, number=last + 1, submitted_at=utcnow(),
                          submitted_by_id=getattr(actor, "id", None),
                          snapshot=canonical(intention_snapshot(alliance)))
    db.session.add(rev)
    db.session.flush()
    return rev


def revisions(alliance):
    return db.session.execute(sa.select(ProfileRevision).where(ProfileRevision.alliance_id == alliance.id)
                              .order_by(ProfileRevision.number)).scalars().all()


def diff(old, new):
    """What changed between two snapshots: ``{"fields": [{field, label, from, to}], "members_added",
    "members_removed", "attachments_added", "attachments_removed"}``."""
    fields = []
    for section in ("alliance", "profile"):
        a, b = old.get(section) or {}, new.get(section) or {}
        for key in list(b) + [k for k in a if k not in b]:
            va, vb = a.get(key), b.get(key)
            if key == "buyer":
                va, vb = (va or {}).get("name"), (vb or {}).get("name")
            if va != vb:
                fields.append({"field": key, "label": str(LABELS.get(key, key)), "from": va, "to": vb})
    ma, mb = set(old.get("member_ids") or []), set(new.get("member_ids") or [])
    aa = {x["sha256"]: x for x in old.get("attachments") or []}
    ab = {x["sha256"]: x for x in new.get("attachments") or []}
    return {"fields": fields, "members_added": sorted(mb - ma), "members_removed": sorted(ma - mb),
            "attachments_added": [ab[h] for h in ab if h not in aa],
            "attachments_removed": [aa[h] for h in aa if h not in ab]}


def is_empty(change):
    return not any(change[k] for k in ("fields", "members_added", "members_removed", "attachments_added",
                                       "attachments_removed"))


def latest_changes(alliance, revs=None):
    """``(previous, last, diff)`` between the last two submissions, or None before a resubmission."""
    revs = revs if revs is not None else revisions(alliance)
    if len(revs) < 2:
        return None
    prev, last = revs[-2], revs[-1]
    return prev, last, diff(prev.data(), last.data())
