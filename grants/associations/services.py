"""Associations, members (personal data: every change audited) and buyers."""
from flask_babel import lazy_gettext as _l

from .. import audit
from ..errors import Collector, ValidationFailed
from ..extensions import db
from ..money import to_decimal
from .models import SEXES, Association, Buyer, Member

ASSOCIATION_FIELDS = ("name", "legal_id", "tax_id", "level", "parent_id", "municipality", "region",
                      "founded_year", "bank_name", "bank_account", "phone", "email")
MEMBER_FIELDS = ("full_name", "national_id", "sex", "birth_year", "indigenous", "hectares", "phone", "active")
BUYER_FIELDS = ("name", "tax_id", "contact_name", "email", "phone", "city")


def _fail(c):
    if c.violations:
        raise ValidationFailed(_l("Some fields need attention."), c.violations)


def _text(data, key):
    value = data.get(key)
    return str(value).strip() if value is not None else None


def _set_association(assoc, data, c, creating):
    for key in ("name", "municipality", "region"):
        if creating or key in data:
            value = _text(data, key) or ""
            if not value:
                c.add("required", _l("This field is required."), key)
            setattr(assoc, key, value)
    for key in ("legal_id", "tax_id", "bank_name", "bank_account", "phone", "email"):
        if key in data:
            setattr(assoc, key, _text(data, key) or None)
    if creating or "level" in data:
        try:
            assoc.level = int(data.get("level") or 1)
            if assoc.level not in (1, 2, 3):
                raise ValueError
        except (TypeError, ValueError):
            c.add("invalid", _l("The level is 1 (base), 2 or 3."), "level")
    if "founded_year" in data:
        raw = data.get("founded_year")
        try:
            assoc.founded_year = int(raw) if raw not in (None, "") else None
            if assoc.founded_year is not None and not 1900 <= assoc.founded_year <= 2100:
                raise ValueError
        except (TypeError, ValueError):
            c.add("invalid", _l("Enter a year such as 2004."), "founded_year")
    if "parent_id" in data:
        raw = data.get("parent_id")
        if raw in (None, "", 0, "0"):
            assoc.parent = None
        else:
            parent = db.session.get(Association, int(raw)) if str(raw).isdigit() else None
            if parent is None or parent is assoc:
                c.add("invalid", _l("Choose an existing parent association."), "parent_id")
            elif parent.level <= (assoc.level or 1):
                c.add("invalid", _l("The parent must be of a higher level (2 or 3)."), "parent_id")
            else:
                assoc.parent = parent


def association_snapshot(a):
    return {k: getattr(a, k) for k in ASSOCIATION_FIELDS}


def create_association(data, actor):
    """Register an association. Raises ``ValidationFailed``."""
    c = Collector()
    assoc = Association()
    _set_association(assoc, data, c, creating=True)
    _fail(c)
    db.session.add(assoc)
    db.session.flush()
    audit.record("association", assoc.id, "create_association", actor, association_id=assoc.id,
                 data=association_snapshot(assoc))
    return assoc


def update_association(assoc, data, actor):
    c = Collector()
    before = association_snapshot(assoc)
    with db.session.no_autoflush:
        _set_association(assoc, data, c, creating=False)
    _fail(c)
    db.session.flush()
    after = association_snapshot(assoc)
    changes = {k: {"from": before[k], "to": after[k]} for k in after if before[k] != after[k]}
    audit.record("association", assoc.id, "update_association", actor, association_id=assoc.id, data=changes)
    return assoc


def _set_member(member, data, c, creating, prefix=""):
    def err(rule, msg, key):
        c.add(rule, msg, prefix + key)

    for key in ("full_name", "national_id"):
        if creating or key in data:
            value = _text(data, key) or ""
            if not value:
                err("required", _l("This field is required."), key)
            setattr(member, key, value[:200])
    if creating or "sex" in data:
        sex = (_text(data, "sex") or "").upper()[:1]
        sex = {"H": "M", "V": "M"}.get(sex, sex)  # hombre / varón
        if sex not in SEXES:
            err("invalid", _l("Sex is F, M or X."), "sex")
        member.sex = sex
    if "birth_year" in data:
        raw = data.get("birth_year")
        try:
            member.birth_year = int(raw) if raw not in (None, "") else None
            if member.birth_year is not None and not 1900 <= member.birth_year <= 2030:
                raise ValueError
        except (TypeError, ValueError):
            err("invalid", _l("Enter a birth year such as 1975."), "birth_year")
    if "indigenous" in data:
        raw = data.get("indigenous")
        member.indigenous = raw is True or str(raw).strip().lower() in ("1", "true", "y", "yes", "si", "sí", "on", "x")
    elif creating:
        member.indigenous = False
    if creating or "hectares" in data:
        raw = data.get("hectares")
        try:
            member.hectares = to_decimal(str(raw).replace(",", ".") if raw not in (None, "") else "0")
            if member.hectares < 0:
                raise ValueError
        except (TypeError, ValueError):
            err("invalid", _l("Enter the hectares as a number such as 2.5."), "hectares")
    for key in ("phone",):
        if key in data:
            setattr(member, key, _text(data, key) or None)
    if "active" in data and data["active"] is not None:
        member.active = bool(data["active"])


def _duplicate_id(association, national_id, member=None):
    other = db.session.execute(db.select(Member).where(Member.association_id == association.id,
                                                       Member.national_id == national_id)).scalar()
    return other is not None and other is not member


def member_snapshot(m):
    return {k: getattr(m, k) for k in MEMBER_FIELDS}


def add_member(association, data, actor):
    """Add a member family. Raises ``ValidationFailed`` (including a duplicate national id)."""
    c = Collector()
    member = Member(association_id=association.id, active=True)
    _set_member(member, data, c, creating=True)
    if member.national_id and _duplicate_id(association, member.national_id):
        c.add("duplicate", _l("A member with this ID number is already registered."), "national_id")
    _fail(c)
    db.session.add(member)
    db.session.flush()
    audit.record("member", member.id, "add_member", actor, association_id=association.id,
                 data=member_snapshot(member))
    return member


def update_member(member, data, actor):
    c = Collector()
    before = member_snapshot(member)
    with db.session.no_autoflush:
        _set_member(member, data, c, creating=False)
        if member.national_id and _duplicate_id(member.association, member.national_id, member):
            c.add("duplicate", _l("A member with this ID number is already registered."), "national_id")
    _fail(c)
    db.session.flush()
    after = member_snapshot(member)
    audit.record("member", member.id, "update_member", actor, association_id=member.association_id,
                 data={k: {"from": before[k], "to": after[k]} for k in after if before[k] != after[k]})
    return member


def remove_member(member, actor):
    """Delete a member; one who takes part in an alliance is only marked inactive."""
    from ..alliances.models import AllianceMember

    linked = db.session.execute(db.select(AllianceMember).where(AllianceMember.member_id == member.id)
                                .limit(1)).scalar()
    data = member_snapshot(member)
    if linked is not None:
        member.active = False
        db.session.flush()
        audit.record("member", member.id, "deactivate_member", actor, association_id=member.association_id,
                     data=data)
        return "deactivated"
    audit.record("member", member.id, "remove_member", actor, association_id=member.association_id, data=data)
    db.session.delete(member)
    db.session.flush()
    return "deleted"


def import_members(association, rows, actor):
    """Add many members at once: every row is checked first and nothing is added when any row is
    wrong. ``rows`` is a list of dicts (header names as in ``MEMBER_FIELDS``). Returns the members.

    Raises ``ValidationFailed`` whose details name the row (``row 3: national_id``)."""
    c = Collector()
    seen = {}
    built = []
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        member = Member(association_id=association.id, active=True)
        _set_member(member, row, c, creating=True, prefix=f"row {number}: ")
        nid = member.national_id
        if nid:
            if nid in seen:
                c.add("duplicate", _l("The same ID number is on row %(row)s.", row=seen[nid]),
                      f"row {number}: national_id")
            elif _duplicate_id(association, nid):
                c.add("duplicate", _l("A member with this ID number is already registered."),
                      f"row {number}: national_id")
            seen.setdefault(nid, number)
        built.append(member)
    if not rows:
        c.add("required", _l("The file has no rows."), "file")
    _fail(c)
    for member in built:
        db.session.add(member)
    db.session.flush()
    audit.record("association", association.id, "import_members", actor, association_id=association.id,
                 data={"count": len(built), "member_ids": [m.id for m in built]})
    return built


def create_buyer(data, actor):
    c = Collector()
    buyer = Buyer()
    name = _text(data, "name") or ""
    if not name:
        c.add("required", _l("This field is required."), "name")
    buyer.name = name
    for key in BUYER_FIELDS[1:]:
        if key in data:
            setattr(buyer, key, _text(data, key) or None)
    if buyer.tax_id and db.session.execute(db.select(Buyer).where(Buyer.tax_id == buyer.tax_id)).scalar():
        c.add("duplicate", _l("A buyer with this tax ID is already registered."), "tax_id")
    _fail(c)
    db.session.add(buyer)
    db.session.flush()
    audit.record("buyer", buyer.id, "create_buyer", actor, data={k: getattr(buyer, k) for k in BUYER_FIELDS})
    return buyer
