"""Associations, members (personal data: every change audited) and buyers."""
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import audit
from ..accounts import hooks as account_hooks
from ..errors import Collector, ValidationFailed
from ..extensions import db
from ..workflows import rules
from . import hooks
from .models import Association, Buyer, Member
from .schemas import AssociationChange, AssociationIn, BuyerIn, MemberChange, MemberIn, passed, read

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


#: longest text each column takes (PostgreSQL refuses longer strings)
MAX_LENGTHS = {"name": 200, "legal_id": 60, "tax_id": 40, "municipality": 120, "region": 80, "bank_name": 120,
               "bank_account": 60, "phone": 40, "email": 200, "full_name": 200, "national_id": 40,
               "contact_name": 200, "city": 120}


def _too_long(c, key, value, prefix=""):
    limit = MAX_LENGTHS.get(key)
    if value and limit and len(value) > limit:
        c.add(rules.INVALID, _l("At most %(n)s characters.", n=limit), prefix + key)
        return True
    return False


def _association_values(data, c, creating):
    """The values an association takes from ``data`` (an ``AssociationIn``/``AssociationChange`` or a mapping
    read with it), each field error added to ``c``; a change's blank fields: the name, municipality and region
    refused, the level 1, the others cleared."""
    if hasattr(data, "items"):  # a page's "no parent" may be 0
        data = {k: None if k == "parent_id" and v in (0, "0") else v for k, v in data.items()}
    body = read(AssociationIn if creating else AssociationChange, data, c)
    if body is None:
        values = {}
    elif creating:
        values = {k: getattr(body, k) for k in ASSOCIATION_FIELDS}
    else:
        values = body.given()
        values.pop("version", None)
    if not creating and not isinstance(data, AssociationChange):
        for key in ASSOCIATION_FIELDS:
            if key in data and _blank(data[key]):
                if key in ("name", "municipality", "region"):
                    c.add(rules.REQUIRED, _l("This field is required."), key)
                else:
                    values[key] = 1 if key == "level" else None
    return values


def _set_association(assoc, data, c, creating):
    values = _association_values(data, c, creating)
    if c.violations:
        return
    for key, value in values.items():
        if key != "parent_id":
            setattr(assoc, key, value)
    if "parent_id" in values:
        if values["parent_id"] is None:
            assoc.parent = None
        else:
            parent = db.session.get(Association, values["parent_id"])
            if parent is None or parent is assoc:
                c.add(rules.INVALID, _l("Choose an existing parent association."), "parent_id")
            elif parent.level <= (assoc.level or 1):
                c.add(rules.INVALID, _l("The parent must be of a higher level (2 or 3)."), "parent_id")
            else:
                assoc.parent = parent
    elif "level" in values and assoc.parent is not None and assoc.parent.level <= (assoc.level or 1):
        c.add(rules.INVALID, _l("The parent must be of a higher level (2 or 3)."), "parent_id")


def association_snapshot(a):
    return {k: getattr(a, k) for k in ASSOCIATION_FIELDS}


def _changes(before, after):
    """The ``{"from", "to"}`` of each key of two snapshots whose value changed (the data of an update's event)."""
    return {k: {"from": before[k], "to": after[k]} for k in after if before[k] != after[k]}


def _added(obj, object_type, action, actor, snapshot, association_id=None):
    """Add the new ``obj``, flush (it gets its id) and write its event with its ``snapshot``; ``association_id``
    None: the object is the association itself."""
    db.session.add(obj)
    db.session.flush()
    audit.record(object_type, obj.id, action, actor, association_id=association_id or obj.id, data=snapshot(obj))
    return obj


def create_association(data, actor):
    """Register an association. Raises ``ValidationFailed``."""
    c = Collector()
    assoc = Association()
    _set_association(assoc, data, c, creating=True)
    _fail(c)
    return _added(assoc, "association", "create_association", actor, association_snapshot)


def update_association(assoc, data, actor):
    """Change the keys present in ``data``. Raises ``ValidationFailed``."""
    c = Collector()
    before = association_snapshot(assoc)
    with db.session.no_autoflush:
        _set_association(assoc, data, c, creating=False)
    _fail(c)
    db.session.flush()
    audit.record("association", assoc.id, "update_association", actor, association_id=assoc.id,
                 data=_changes(before, association_snapshot(assoc)))
    return assoc


#: what a blank field of a change means: the required ones are refused, the others take this value
_BLANK_MEANS = {"birth_year": None, "phone": None, "hectares": Decimal("0.00"), "indigenous": False}


def _blank(value):
    return value is None or isinstance(value, str) and not value.strip()


def _member_values(data, c, creating, prefix=""):
    """The values a member takes from ``data`` (a ``MemberIn``/``MemberChange`` or a mapping read with it),
    each field error added to ``c`` at ``prefix + field``; a change's blank fields as ``_BLANK_MEANS`` says."""
    if not isinstance(data, MemberChange) and hasattr(data, "items"):  # a spreadsheet's cell may be a number
        data = {k: str(v) if k in ("full_name", "national_id", "phone") and isinstance(v, int)
                and not isinstance(v, bool) else v for k, v in data.items()}
    body = read(MemberIn if creating else MemberChange, data, c, prefix)
    if creating:
        return {k: getattr(body, k) for k in MEMBER_FIELDS if k != "active"} if body is not None else {}
    values = body.given() if body is not None else {}
    values.pop("version", None)
    if not isinstance(data, MemberChange):
        for key in MEMBER_FIELDS:
            if key in data and _blank(data[key]) and key != "active":
                if key in _BLANK_MEANS:
                    values[key] = _BLANK_MEANS[key]
                else:
                    c.add(rules.REQUIRED, _l("This field is required."), prefix + key)
    return values


def _duplicate_id(association, national_id, member=None):
    other = db.session.execute(db.select(Member).where(Member.association_id == association.id,
                                                       Member.national_id == national_id)).scalar()
    return other is not None and other is not member


def member_snapshot(m):
    return {k: getattr(m, k) for k in MEMBER_FIELDS}


def add_member(association, data, actor):
    """Add a member family. Raises ``ValidationFailed`` (including a duplicate national id)."""
    c = Collector()
    values = _member_values(data, c, creating=True)
    member = Member(association_id=association.id, active=True, **values)
    if member.national_id and _duplicate_id(association, member.national_id):
        c.add(rules.DUPLICATE, _l("A member with this ID number is already registered."), "national_id")
    _fail(c)
    return _added(member, "member", "add_member", actor, member_snapshot, association.id)


def update_member(member, data, actor):
    """Change the keys present in ``data``. Raises ``ValidationFailed`` (including a duplicate national id)."""
    c = Collector()
    before = member_snapshot(member)
    values = _member_values(data, c, creating=False)
    with db.session.no_autoflush:
        if not c.violations:
            for key, value in values.items():
                if key != "active" or value is not None:
                    setattr(member, key, value)
        if member.national_id and _duplicate_id(member.association, member.national_id, member):
            c.add(rules.DUPLICATE, _l("A member with this ID number is already registered."), "national_id")
    _fail(c)
    db.session.flush()
    audit.record("member", member.id, "update_member", actor, association_id=member.association_id,
                 data=_changes(before, member_snapshot(member)))
    return member


def remove_member(member, actor):
    """Delete a member; one who takes part in an alliance is only marked inactive."""
    data = member_snapshot(member)
    if hooks.member_in_alliance(member):
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
    wrong. ``rows`` is a list of dicts (header names as in ``MEMBER_FIELDS``); a row may carry its
    line number in the file under ``"_row"`` (default: its position + 1, row 1 being the header).
    Returns the members; writes one ``import_members`` event naming them.

    Raises ``ValidationFailed`` whose details name the row (``row 3: national_id``)."""
    c = Collector()
    seen = {}
    built = []
    existing = set(db.session.execute(sa.select(Member.national_id)
                                      .where(Member.association_id == association.id)).scalars())
    for position, row in enumerate(rows, start=2):  # row 1 is the header
        number = row.get("_row", position)
        data = {k: v for k, v in row.items() if k in MEMBER_FIELDS and k != "active"}
        values = _member_values(data, c, creating=True, prefix=f"row {number}: ")
        if not values:  # its errors are in ``c``; its ID number still counts against the others
            values = {"national_id": passed(data, c, "national_id", f"row {number}: ")}
        member = Member(association_id=association.id, active=True, **values)
        nid = member.national_id
        if nid:
            if nid in seen:
                c.add(rules.DUPLICATE, _l("The same ID number is on row %(row)s.", row=seen[nid]),
                      f"row {number}: national_id")
            elif nid in existing:
                c.add(rules.DUPLICATE, _l("A member with this ID number is already registered."),
                      f"row {number}: national_id")
            seen.setdefault(nid, number)
        built.append(member)
    if not rows:
        c.add(rules.REQUIRED, _l("The file has no rows."), "file")
    _fail(c)
    db.session.add_all(built)
    db.session.flush()
    audit.record("association", association.id, "import_members", actor, association_id=association.id,
                 data={"count": len(built), "member_ids": [m.id for m in built]})
    return built


def member_counts(association):
    """Active members by sex and indigenous: ``{"total", "women", "men", "other", "indigenous", "inactive"}``."""
    rows = db.session.execute(
        sa.select(Member.active, Member.sex, Member.indigenous, sa.func.count())
        .where(Member.association_id == association.id)
        .group_by(Member.active, Member.sex, Member.indigenous)).all()
    counts = {"total": 0, "women": 0, "men": 0, "other": 0, "indigenous": 0, "inactive": 0}
    for active, sex, indigenous, n in rows:
        if not active:
            counts["inactive"] += n
            continue
        counts["total"] += n
        counts[{"F": "women", "M": "men"}.get(sex, "other")] += n
        if indigenous:
            counts["indigenous"] += n
    return counts


def mask_name(name):
    """Initials only: "María Quispe Mamani" -> "M. Q. M." (for auditors)."""
    return " ".join(part[0].upper() + "." for part in (name or "").split() if part)


def mask_national_id(national_id):
    """The last three characters behind a fixed mask: "4567123" -> "•••••123"."""
    text = national_id or ""
    return "•••••" + text[-3:] if len(text) > 3 else "•••••"


def birth_decade(birth_year):
    """1974 -> "1970s" (what a masked reader sees of a birth year)."""
    return f"{birth_year // 10 * 10}s" if birth_year else None


def rounded_hectares(hectares):
    """Hectares to the nearest whole one (what a masked reader sees): Decimal("2.37") -> Decimal("2")."""
    return None if hectares is None else Decimal(hectares).quantize(Decimal("1"), rounding=ROUND_HALF_UP)


def masked_member(m):
    """The fields an auditor may see of a member: identity masked, birth year as its decade, hectares
    rounded to whole hectares (the page, the CSV export and the API show the same)."""
    return {"id": m.id, "full_name": mask_name(m.full_name), "national_id": mask_national_id(m.national_id),
            "sex": m.sex, "birth_year": birth_decade(m.birth_year),
            "indigenous": m.indigenous, "hectares": rounded_hectares(m.hectares), "phone": None, "active": m.active}


def create_buyer(data, actor):
    """Register a buyer: ``data`` is a ``BuyerIn`` (grants/associations/schemas.py) or a mapping read with it.
    Raises ``ValidationFailed`` listing together the name missing, a tax ID taken and any text too long."""
    c = Collector()
    body = read(BuyerIn, data, c)
    values = ({k: getattr(body, k) for k in BUYER_FIELDS} if body is not None
              else {k: passed(data, c, k) for k in BUYER_FIELDS})
    if not values["name"] and not any(v.field == "name" for v in c.violations):
        c.add(rules.REQUIRED, _l("This field is required."), "name")
    if values["tax_id"] and db.session.execute(db.select(Buyer).where(Buyer.tax_id == values["tax_id"])).scalar():
        c.add(rules.DUPLICATE, _l("A buyer with this tax ID is already registered."), "tax_id")
    _fail(c)
    buyer = Buyer(**{k: values[k] or None for k in BUYER_FIELDS[1:]}, name=values["name"])
    db.session.add(buyer)
    db.session.flush()
    audit.record("buyer", buyer.id, "create_buyer", actor, data={k: getattr(buyer, k) for k in BUYER_FIELDS})
    return buyer


# What the accounts read of the associations (grants/accounts/hooks.py).
@account_hooks.provide("association_exists")
def _association_exists(association_id):
    return db.session.get(Association, association_id) is not None


@account_hooks.provide("associations_by_name")
def _associations_by_name():
    return db.session.execute(sa.select(Association).order_by(Association.name)).scalars().all()


@account_hooks.provide("association_regions")
def _association_regions():
    return set(db.session.execute(sa.select(Association.region).distinct()).scalars())
