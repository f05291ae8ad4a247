"""Counterpart contributions: cash, or in kind (labour days × a daily value, materials, use of land or
equipment), with an evidence file, against the plan's counterpart by line."""
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ... import audit
from ...errors import Collector, RuleViolation, StaleVersion, Violation
from ...extensions import db
from ...workflows import rules
from ..common import line_of, mark_voided, raise_fields, require_in_execution, stored_file
from ..models import Contribution
from ...schemas.fields import as_body
from ..schemas import VoidIn
from .schemas import ContributionIn


def record_contribution(alliance, body: ContributionIn, actor, evidence=None):
    """Record a contribution. ``body``: a ``ContributionIn`` (or a mapping read as a form is): ``kind`` (cash /
    in_kind), ``in_kind_type``, ``description``, ``contributed_on``, ``budget_line_id`` (optional), and either
    ``amount`` or ``quantity`` × ``unit_value``.
    Raises ``ValidationFailed``, ``RuleViolation`` (alliance state), upload errors. Never commits."""
    require_in_execution(alliance)
    body = as_body(ContributionIn, body)
    c = Collector()
    line = line_of(c, alliance, body.budget_line_id, required=False)
    raise_fields(c)
    stored = stored_file(evidence, "evidence")
    amount = body.total
    item = Contribution(alliance_id=alliance.id, kind=body.kind, in_kind_type=body.in_kind_type,
                        description=body.description, contributed_on=body.contributed_on,
                        budget_line_id=line.id if line else None, quantity=body.quantity,
                        unit_value=body.unit_value, amount=amount, created_by_id=actor.id)
    if stored:
        item.evidence_sha256, item.evidence_filename, item.evidence_content_type = stored
    db.session.add(item)
    db.session.flush()
    audit.record("contribution", item.id, "record", actor, alliance_id=alliance.id,
                 association_id=alliance.association_id,
                 data={"kind": item.kind, "in_kind_type": item.in_kind_type, "amount": amount,
                       "quantity": item.quantity, "unit_value": item.unit_value, "budget_line_id": item.budget_line_id,
                       "evidence_sha256": item.evidence_sha256})
    return item


def void_contribution(item, actor, body: VoidIn, version=None):
    """Void a contribution recorded by mistake (it stays on record, no longer counts), until it is in a
    submitted report; ``body``: a ``VoidIn`` (or the reason's text, with ``version``). Raises ``StaleVersion``,
    ``RuleViolation`` (``contribution_voided``, ``report_locked``), ``ValidationFailed`` (no reason). Never
    commits."""
    alliance = item.alliance
    require_in_execution(alliance)
    if not isinstance(body, VoidIn):
        body = as_body(VoidIn, {"reason": body, "version": version})
    if body.version is not None and body.version != item.version:
        raise StaleVersion(_l("Someone changed this contribution meanwhile. Reload it and try again."))
    if item.voided_at is not None:
        raise RuleViolation([Violation(rules.CONTRIBUTION_VOIDED, _l("This contribution was voided."))])
    if item.locked:
        raise RuleViolation([Violation(rules.REPORT_LOCKED, _l("This contribution is in a submitted report: it can no "
                                                           "longer change."))])
    return mark_voided(item, "contribution", actor, body.reason)


def contributed(alliance_id):
    q = sa.select(sa.func.coalesce(sa.func.sum(Contribution.amount), 0)).where(
        Contribution.alliance_id == alliance_id, Contribution.voided_at.is_(None))
    return Decimal(db.session.execute(q).scalar() or 0)
