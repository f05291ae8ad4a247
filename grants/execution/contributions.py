"""Counterpart contributions: cash, or in kind (labour days × a daily value, materials, use of land or
equipment), with an evidence file, against the plan's counterpart by line."""
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import audit
from ..common import utcnow
from ..errors import Collector, RuleViolation, StaleVersion, Violation
from ..extensions import db
from ..money import to_decimal
from ..workflows import rules
from .common import line_of, parse_amount, parse_date, parse_text, raise_fields, require_in_execution, stored_file
from .models import CONTRIBUTION_KINDS, IN_KIND_TYPES, Contribution


def record_contribution(alliance, data, actor, evidence=None):
    """Record a contribution. ``data``: ``kind`` (cash / in_kind), ``in_kind_type``, ``description``,
    ``contributed_on``, ``budget_line_id`` (optional), and either ``amount`` or ``quantity`` × ``unit_value``.
    Raises ``ValidationFailed``, ``RuleViolation`` (alliance state), upload errors. Never commits."""
    require_in_execution(alliance)
    c = Collector()
    kind = str(data.get("kind") or "")
    if kind not in CONTRIBUTION_KINDS:
        c.add(rules.INVALID, _l("Choose cash or in kind."), "kind")
    in_kind_type = str(data.get("in_kind_type") or "") or None
    if kind == "in_kind" and in_kind_type not in IN_KIND_TYPES:
        c.add(rules.REQUIRED, _l("Choose what was contributed in kind."), "in_kind_type")
    if kind == "cash":
        in_kind_type = None
    description = parse_text(c, data.get("description"), "description", 300)
    day = parse_date(c, data.get("contributed_on"), "contributed_on")
    line = line_of(c, alliance, data.get("budget_line_id"), required=False)
    quantity = unit_value = None
    if data.get("quantity") not in (None, "") or data.get("unit_value") not in (None, ""):
        try:
            quantity = to_decimal(data.get("quantity"), 3)
            if quantity <= 0 or quantity > 10**9:
                raise ValueError
        except (ValueError, TypeError):
            c.add(rules.INVALID, _l("Enter a quantity greater than zero."), "quantity")
        unit_value = parse_amount(c, data.get("unit_value"), "unit_value")
        amount = (quantity * unit_value).quantize(Decimal("0.01")) if quantity and unit_value else None
    else:
        amount = parse_amount(c, data.get("amount"))
    raise_fields(c)
    stored = stored_file(evidence, "evidence")
    item = Contribution(alliance_id=alliance.id, kind=kind, in_kind_type=in_kind_type, description=description,
                        contributed_on=day, budget_line_id=line.id if line else None, quantity=quantity,
                        unit_value=unit_value, amount=amount, created_by_id=actor.id)
    if stored:
        item.evidence_sha256, item.evidence_filename, item.evidence_content_type = stored
    db.session.add(item)
    db.session.flush()
    audit.record("contribution", item.id, "record", actor, alliance_id=alliance.id,
                 association_id=alliance.association_id,
                 data={"kind": kind, "in_kind_type": in_kind_type, "amount": amount, "quantity": quantity,
                       "unit_value": unit_value, "budget_line_id": item.budget_line_id,
                       "evidence_sha256": item.evidence_sha256})
    return item


def void_contribution(item, actor, reason, version=None):
    """Void a contribution recorded by mistake (it stays on record, no longer counts), until it is in a
    submitted report. Raises ``StaleVersion``, ``RuleViolation`` (``contribution_voided``, ``report_locked``),
    ``ValidationFailed`` (no reason). Never commits."""
    alliance = item.alliance
    require_in_execution(alliance)
    if version is not None and int(version) != item.version:
        raise StaleVersion(_l("Someone changed this contribution meanwhile. Reload it and try again."))
    if item.voided_at is not None:
        raise RuleViolation([Violation(rules.CONTRIBUTION_VOIDED, _l("This contribution was voided."))])
    if item.locked:
        raise RuleViolation([Violation(rules.REPORT_LOCKED, _l("This contribution is in a submitted report: it can no "
                                                           "longer change."))])
    c = Collector()
    reason = parse_text(c, reason, "reason", 2000)
    raise_fields(c)
    item.voided_at = utcnow()
    item.void_reason = reason
    db.session.flush()
    audit.record("contribution", item.id, "void", actor, comment=reason, data={"amount": item.amount},
                 alliance_id=alliance.id, association_id=alliance.association_id)
    return item


def contributed(alliance_id):
    q = sa.select(sa.func.coalesce(sa.func.sum(Contribution.amount), 0)).where(
        Contribution.alliance_id == alliance_id, Contribution.voided_at.is_(None))
    return Decimal(db.session.execute(q).scalar() or 0)
