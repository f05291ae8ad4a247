"""Procurement by the association: the method follows the program's thresholds.

* ``minor`` below ``minor_purchase_limit``: one quotation;
* ``comparison`` from the limit: at least ``min_quotations`` quotations with their files
  (``quotations_missing``); the award goes to the lowest or carries a written justification
  (``justification_required``);
* ``direct`` only for a single supplier, an emergency or a repeat order, with the general assembly's
  approval uploaded or a registered assembly decision chosen (``assembly_decision_id``; else
  ``assembly_approval_missing``).

The workflow is data (grants/workflows/procurement.py): open → awarded → closed | cancelled."""
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from ... import audit
from ...errors import Collector, InvalidTransition, Violation
from ...extensions import db
from ...workflows import guard
from ...workflows import rules
from ...workflows.procurement import PROCUREMENT
from ...money import shown
from ...associations.assemblies import decision_for
from ..common import line_of, raise_fields, require_in_execution, stored_file
from ..models import Procurement, Quotation
from ...schemas.fields import as_body
from .schemas import ProcurementIn, QuotationIn


def create_procurement(alliance, body: ProcurementIn, actor, assembly=None):
    """Open a procurement (``body``: a ``ProcurementIn``, or a mapping read as a form is). Raises
    ``ValidationFailed`` (fields; ``method_not_allowed`` when a minor purchase is estimated at or above the
    limit), ``RuleViolation`` (state), upload errors."""
    require_in_execution(alliance)
    body = as_body(ProcurementIn, body)
    c = Collector()
    line = line_of(c, alliance, body.budget_line_id)
    method, estimated = body.method, body.estimated_amount
    limit = Decimal(alliance.program.minor_purchase_limit or 0)
    if method == "minor" and estimated > limit:
        c.add(rules.METHOD_NOT_ALLOWED, _l("Above %(limit)s the purchase needs a price comparison.",
                                            limit=shown(limit, alliance.program.currency)),
              "method")
    decision = decision_for(alliance.association_id, body.assembly_decision_id, "direct_contracting", c) \
        if body.assembly_decision_id else None
    raise_fields(c)
    stored = stored_file(assembly, "file") if method == "direct" else None
    p = Procurement(alliance_id=alliance.id, budget_line_id=line.id, description=body.description, method=method,
                    estimated_amount=estimated, direct_reason=body.direct_reason, state="open",
                    created_by_id=actor.id, assembly_decision_id=decision and decision.id)
    if stored:
        p.assembly_sha256, p.assembly_filename, p.assembly_content_type = stored
    db.session.add(p)
    db.session.flush()
    audit.record("procurement", p.id, "open", actor, to_state="open", alliance_id=alliance.id,
                 association_id=alliance.association_id,
                 data={"method": method, "estimated_amount": estimated, "budget_line_id": line.id,
                       "direct_reason": p.direct_reason, "assembly_sha256": p.assembly_sha256,
                       "assembly_decision_id": p.assembly_decision_id})
    return p


def add_quotation(procurement, body: QuotationIn, storage, actor):
    """A supplier's quotation (``body``: a ``QuotationIn``, or a mapping read as a form is) with its file
    (required). Only while the procurement is open."""
    if procurement.state != "open":
        raise InvalidTransition(_l("Quotations are added while the procurement is open."))
    body = as_body(QuotationIn, body)
    c = Collector()
    if storage is None or not getattr(storage, "filename", None):
        c.add(rules.REQUIRED, _l("Upload the quotation (photo or PDF)."), "file")
    raise_fields(c)
    sha, name, ctype = stored_file(storage, "file")
    q = Quotation(procurement=procurement, supplier=body.supplier, amount=body.amount, file_sha256=sha,
                  file_filename=name, file_content_type=ctype, created_by_id=actor.id)
    db.session.add(q)
    db.session.flush()
    alliance = procurement.alliance
    audit.record("procurement", procurement.id, "add_quotation", actor, alliance_id=alliance.id,
                 association_id=alliance.association_id,
                 data={"quotation_id": q.id, "supplier": body.supplier, "amount": body.amount, "sha256": sha})
    return q


def _chosen(procurement, data):
    try:
        qid = int(data.get("quotation_id"))
    except (TypeError, ValueError):
        return None
    return next((q for q in procurement.quotations if q.id == qid), None)


@guard("procurement_award")
def award_rules(procurement, actor, data):
    out = []
    chosen = _chosen(procurement, data)
    if chosen is None:
        out.append(Violation(rules.INVALID, _l("Choose one of the quotations."), "quotation_id"))
    with_files = [q for q in procurement.quotations if q.file_sha256]
    program = procurement.alliance.program
    needed = int(program.min_quotations or 1) if procurement.method == "comparison" else 1
    if len(with_files) < needed:
        out.append(Violation(rules.QUOTATIONS_MISSING, _l("This procurement needs at least %(n)s quotations with "
                                                      "their files.", n=needed), "quotations"))
    if procurement.method == "direct" and not procurement.assembly_sha256 and not procurement.assembly_decision_id:
        out.append(Violation(rules.ASSEMBLY_APPROVAL_MISSING, _l("Direct contracting needs the general assembly's "
                                                             "approval: choose its decision in the assembly register "
                                                             "or upload the minutes."), "file"))
    if chosen is not None and procurement.method == "comparison":
        lowest = min(q.amount for q in procurement.quotations)
        if chosen.amount > lowest and not str(data.get("justification") or "").strip():
            out.append(Violation(rules.JUSTIFICATION_REQUIRED, _l("The award is not the lowest quotation: write why."),
                                 "justification"))
    return out


def procurement_action(procurement, action, actor, data=None, assembly=None):
    """``award`` (``quotation_id``, ``justification``; a direct one may carry the assembly's minutes), ``close``,
    ``cancel`` (with ``comment``). Raises ``InvalidTransition``, ``Forbidden``, ``RuleViolation``."""
    data = {k: v for k, v in dict(data or {}).items() if v not in (None, "")}
    if action not in PROCUREMENT.by_name:
        raise InvalidTransition(_l("Unknown action: %(action)s", action=str(action)[:60]))
    if action == "award" and procurement.method == "direct" and assembly is not None \
            and getattr(assembly, "filename", None):
        sha, name, ctype = stored_file(assembly, "file")
        procurement.assembly_sha256, procurement.assembly_filename, procurement.assembly_content_type = sha, name, ctype
    if action == "award" and procurement.method == "direct" and data.get("assembly_decision_id"):
        c = Collector()
        decision = decision_for(procurement.alliance.association_id, data.pop("assembly_decision_id"),
                                "direct_contracting", c)
        c.raise_if_any()
        procurement.assembly_decision_id = decision.id
    comment = data.pop("comment", None) or data.get("reason")

    def effect(obj, transition, payload):
        if transition.name == "award":
            chosen = _chosen(obj, payload)
            obj.awarded_quotation_id = chosen.id
            obj.justification = str(payload.get("justification") or "").strip() or None
            return {"supplier": chosen.supplier, "amount": chosen.amount}
        return None

    t = PROCUREMENT.apply(procurement, action, actor, comment=comment, data=data, effect=effect)
    db.session.flush()
    return t
