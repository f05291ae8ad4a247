"""Technical assistance services: the registry of providers, contracts with their deliverables, the
deliverable workflow, closing and rating. Services validate, change, flush and audit; they never commit.

Rules: ``contract_amount_exceeded`` (the contract above the line's available grant money, read through the
execution stage's ``line_figures``), ``deliverables_mismatch`` (the deliverables' amounts do not sum exactly to
the contract), ``deliverable_not_accepted`` and ``deliverable_amount_exceeded`` (payments, in ``guards.py``),
``contract_not_finished`` (closing with deliverables not accepted or not paid)."""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import audit
from ..alliances import expenses as expense_interface
from ..accounts.models import User
from ..common import owned, utcnow
from ..alliances.budget import BudgetLine
from ..errors import Collector, RuleViolation, ValidationFailed, Violation
from ..alliances.inputs import lock_line, require_in_execution, stored_file
from ..extensions import db
from ..money import ZERO, shown
from ..workflows import rules as rule_codes
from ..workflows.deliverable import DELIVERABLE
from ..workflows.ta_contract import TA_CONTRACT
from ..schemas.fields import as_body
from .models import Contract, Deliverable, Provider, TermsOfReference
from .schemas import CloseIn, ContractIn, ProviderIn


def _cur(line):
    return line.alliance.call.program.currency


def _ctx(alliance):
    return {"alliance_id": alliance.id, "association_id": alliance.association_id}


def fields_refused(c):
    """Raise the field errors found with the database (an id that is not of the registry or of this alliance)."""
    if c.violations:
        raise ValidationFailed(_l("Some fields need attention."), c.violations)


def ta_line_of(c, alliance, line_id):
    """The alliance's technical assistance line ``line_id`` (its error at ``budget_line_id`` otherwise)."""
    line = db.session.get(BudgetLine, line_id)
    if line is None or line.alliance_id != alliance.id:
        c.add(rule_codes.INVALID, _l("Choose a line of the budget."), "budget_line_id")
        return None
    if line.category != "technical_assistance":
        c.add(rule_codes.INVALID, _l("Choose a technical assistance line of the budget."), "budget_line_id")
    return line


def create_provider(body, actor):
    """Add a provider to the registry (``ProviderIn``, or a mapping read as a form). Raises ``ValidationFailed``
    (the fields; ``user_id`` not an account with the ``ta_provider`` role)."""
    body = as_body(ProviderIn, body)
    c = Collector()
    user = None
    if body.user_id is not None:
        user = db.session.get(User, body.user_id)
        if user is None or not user.has_role("ta_provider"):
            c.add(rule_codes.INVALID, _l("Choose an account with the technical assistance provider role."), "user_id")
            user = None
    fields_refused(c)
    tax_id, email, phone = body.tax_id or "", body.email or "", body.phone or ""
    provider = Provider(name=body.name, tax_id=tax_id, email=email, phone=phone, user_id=user.id if user else None,
                        created_by_id=actor.id)
    db.session.add(provider)
    db.session.flush()
    audit.record("ta_provider", provider.id, "create", actor,
                 data={"name": body.name, "tax_id": tax_id, "email": email, "phone": phone,
                       "user_id": provider.user_id})
    return provider


def available_grant(line):
    """The line's grant money not yet spent (execution's figures) less what active TA contracts commit."""
    figures = next((f for f in expense_interface.line_figures(line.alliance) if f["line"].id == line.id), None)
    free = figures["sources"]["grant"]["available"] if figures else ZERO
    committed = ZERO
    for contract in db.session.execute(sa.select(Contract).where(Contract.budget_line_id == line.id,
                                                                  Contract.state == "active")).scalars():
        paid = paid_on_contract(contract)
        committed += contract.amount - paid
    return free - committed


def paid_on_deliverable(deliverable_id, exclude_id=None):
    """What the live expenses paying this deliverable sum to (the execution stage keeps the expenses)."""
    return expense_interface.paid_on_deliverable(deliverable_id, exclude_id)


def paid_on_contract(contract):
    return sum((paid_on_deliverable(d.id) for d in contract.deliverables), ZERO)


def _selection_of(c, alliance, terms_id):
    """The alliance's terms of reference a contract carries out (optional); ``None`` when not given."""
    return owned(c, TermsOfReference, terms_id, rule_codes.INVALID,
                 _l("These terms of reference are not of this alliance."), "terms_id", alliance_id=alliance.id)


def _check_selection(rules, terms, provider):
    """A contract that carries out a selection is with the selected provider, once."""
    chosen = next((p for p in terms.proposals if p.id == terms.selected_proposal_id), None)
    if terms.state != "selected" or chosen is None:
        rules.add(rule_codes.SELECTION_MISSING, _l("No provider is selected yet on these terms of reference."), "terms_id")
    elif provider is not None and chosen.provider_id != provider.id:
        rules.add(rule_codes.PROVIDER_NOT_SELECTED, _l("The provider selected on these terms of reference is %(name)s.",
                                              name=chosen.provider.name), "provider_id")
    taken = db.session.execute(sa.select(Contract.id).where(Contract.terms_id == terms.id)).scalar()
    if taken is not None:
        rules.add(rule_codes.SELECTION_ALREADY_CONTRACTED, _l("This selection already has its contract."), "terms_id")


def create_contract(alliance, body, actor):
    """The board contracts a provider for an alliance in execution: ``ContractIn`` (or a mapping read as a
    form): ``provider_id``, ``budget_line_id``, ``amount``, ``starts_on``, ``ends_on``, ``deliverables``
    [{description, due_on, amount}], optionally ``terms_id`` (the selection it carries out). Raises
    ``ValidationFailed``, ``RuleViolation`` (``contract_amount_exceeded``, ``deliverables_mismatch``,
    ``selection_missing``, ``provider_not_selected``, ``selection_already_contracted``)."""
    body = as_body(ContractIn, body)
    require_in_execution(alliance)
    c = Collector()
    provider = db.session.get(Provider, body.provider_id)
    if provider is None:
        c.add(rule_codes.INVALID, _l("Choose a provider of the registry."), "provider_id")
    line = ta_line_of(c, alliance, body.budget_line_id)
    terms = _selection_of(c, alliance, body.terms_id)
    fields_refused(c)
    amount, starts_on, ends_on = body.amount, body.starts_on, body.ends_on
    items = [dict(position=i + 1, description=d.description, due_on=d.due_on, amount=d.amount)
             for i, d in enumerate(body.deliverables)]
    line = lock_line(line.id)  # contracts against one line are checked one after the other
    rules = Collector()
    free = available_grant(line)
    if amount > free:
        rules.add(rule_codes.CONTRACT_AMOUNT_EXCEEDED, _l("The line “%(line)s” has %(free)s of grant money available.",
                                                 line=line.description, free=shown(free, _cur(line))), "amount")
    total = sum((i["amount"] for i in items), ZERO)
    if terms is not None:
        _check_selection(rules, terms, provider)
    if total != amount:
        rules.add(rule_codes.DELIVERABLES_MISMATCH, _l("The deliverables add up to %(total)s, not %(amount)s.",
                                              total=shown(total, _cur(line)), amount=shown(amount, _cur(line))),
                  "deliverables")
    if rules.violations:
        raise RuleViolation(rules.violations)
    contract = Contract(alliance_id=alliance.id, provider_id=provider.id, budget_line_id=line.id, amount=amount,
                        terms_id=terms.id if terms is not None else None,
                        starts_on=starts_on, ends_on=ends_on, created_by_id=actor.id,
                        deliverables=[Deliverable(**i) for i in items])
    db.session.add(contract)
    db.session.flush()
    audit.record("ta_contract", contract.id, "create", actor,
                 data={"provider_id": provider.id, "budget_line_id": line.id, "amount": amount,
                       "terms_id": contract.terms_id,
                       "starts_on": starts_on, "ends_on": ends_on,
                       "deliverables": [{"description": i["description"], "due_on": i["due_on"],
                                         "amount": i["amount"]} for i in items]}, **_ctx(alliance))
    return contract


def transition(deliverable, action, actor, comment=None, note=None, file=None):
    """Apply ``submit`` (with the file and a note), ``accept`` or ``reject`` (comment) through the engine."""
    require_in_execution(deliverable.contract.alliance)
    if deliverable.contract.state != "active":
        raise RuleViolation([_v("contract_closed", _l("The contract is closed."))])
    stored = stored_file(file, "file") if action == "submit" else None
    data = {"has_file": bool(stored or deliverable.file_sha256)} if action == "submit" else {}

    def effect(obj, t, data):
        if t.name == "submit":
            if stored:
                obj.file_sha256, obj.file_filename, obj.file_content_type = stored
            obj.note = (note or "").strip()[:5000] or None
            obj.submitted_at = utcnow()
            return {"file_sha256": obj.file_sha256, "note": obj.note}
        obj.decided_at = utcnow()
        obj.comment = (comment or "").strip() or None
        return None

    DELIVERABLE.apply(deliverable, action, actor, comment=comment, data=data, effect=effect)
    db.session.flush()
    return deliverable


def _v(rule, message, field=None):
    return Violation(rule, message, field)


def close_contract(contract, body, actor):
    """Close a contract whose deliverables are all accepted and paid, rating the provider (``CloseIn``, or a
    mapping: ``quality``, ``timeliness`` 1–5, ``comment``). Raises ``ValidationFailed``, ``RuleViolation``
    (``contract_closed``, ``contract_not_finished``)."""
    body = as_body(CloseIn, body)
    scores = {"quality": body.quality, "timeliness": body.timeliness}
    if contract.state != "active":
        raise RuleViolation([_v("contract_closed", _l("The contract is closed."))])
    unfinished = [d for d in contract.deliverables
                  if d.state != "accepted" or paid_on_deliverable(d.id) < d.amount]
    if unfinished:
        raise RuleViolation([_v("contract_not_finished", _l(
            "Every deliverable must be accepted and paid before the contract closes (%(n)s left).",
            n=len(unfinished)))])
    contract.quality, contract.timeliness = scores["quality"], scores["timeliness"]
    contract.rating_comment = body.comment or None
    contract.closed_at = utcnow()
    TA_CONTRACT.apply(contract, "close", actor, comment=contract.rating_comment, data=scores)
    db.session.flush()
    return contract
