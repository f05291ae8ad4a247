"""Services of the funding stage: the agreement and its signed copy, and the tranche actions.

A tranche action locks the tranche's row (``SELECT ... FOR UPDATE`` on PostgreSQL) and re-reads it before
checking its state, so that two finance officers recording the same transfer, or an approval racing a
refusal, end with exactly one outcome; the loser gets ``InvalidTransition`` (409). The ``version`` column
makes a stale UPDATE fail too (``StaleDataError``), which is turned into ``StaleVersion`` (409).
"""
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from ..alliances.budget import Tranche
from ..alliances.permissions import roles_toward
from ..alliances.services import add_attachment
from ..common import utcnow
from ..errors import Collector, Forbidden, InvalidTransition, StaleVersion, ValidationFailed, Violation
from ..extensions import db
from ..money import shown
from ..workflows import rules
from ..workflows.tranche import TRANCHE
from .models import Agreement, TrancheFlow
from .schemas import TrancheActionIn

#: alliance states in which the agreement exists (approved or later, including the ends after it)
AGREEMENT_STATES = ("approved", "agreement_signed", "in_execution", "suspended", "closing", "closed", "cancelled")


def agreement_available(alliance):
    return alliance.state in AGREEMENT_STATES


def ensure_agreement(alliance):
    """The alliance's agreement row, created (``generated_at`` now) when missing. Flushes, never commits."""
    agreement = alliance.agreement
    if agreement is None:
        agreement = Agreement(alliance=alliance, generated_at=utcnow())
        db.session.add(agreement)
        db.session.flush()
    return agreement


def can_upload_signed(user, alliance):
    return alliance.state == "approved" and bool(roles_toward(alliance, user) & {"officer", "board"})


def upload_signed_agreement(alliance, storage, actor):
    """Store the signed copy (PDF) as an attachment of kind ``signed_agreement`` and link it to the agreement.

    Raises ``InvalidTransition`` (not approved), ``Forbidden`` (not the officer or the board),
    ``ValidationFailed`` (no file; not a PDF: ``signed_agreement_not_pdf``), ``UploadTooLarge``."""
    if alliance.state != "approved":
        raise InvalidTransition(_l("The signed copy is uploaded while the alliance is approved and not yet signed."))
    if not can_upload_signed(actor, alliance):
        raise Forbidden(_l("Only the officer or the association's board upload the signed agreement."))
    att = add_attachment(alliance, "signed_agreement", storage, actor)
    if att.content_type != "application/pdf":
        raise ValidationFailed(_l("The signed agreement must be a PDF."), [
            Violation(rules.SIGNED_AGREEMENT_NOT_PDF, _l("The signed agreement must be a PDF."), "file")])
    agreement = ensure_agreement(alliance)
    agreement.signed_attachment_id = att.id
    db.session.flush()
    return att


def record_signature(alliance, actor, reference):
    """After ``sign_agreement`` (same transaction): the signed copy, the deposit reference, who and when."""
    agreement = ensure_agreement(alliance)
    att = alliance.attachment_of("signed_agreement")
    agreement.signed_attachment_id = att.id if att else agreement.signed_attachment_id
    agreement.counterpart_deposit_reference = (reference or "").strip()[:200] or None
    agreement.signed_by_id = getattr(actor, "id", None)
    agreement.signed_at = utcnow()
    db.session.flush()


# tranches ------------------------------------------------------------------------------------------------

def lock_tranche(tranche_id):
    """Re-read the tranche with its row locked until the transaction ends (PostgreSQL; SQLite serialises
    writers anyway). ``populate_existing`` replaces what the session held with what the database says."""
    return db.session.execute(
        sa.select(Tranche).where(Tranche.id == tranche_id).with_for_update()
        .execution_options(populate_existing=True)).scalar_one()


def _flow(tranche):
    if tranche.flow is None:
        tranche.flow = TrancheFlow()
    return tranche.flow


def _transfer_data(tranche, data):
    """Check the transfer's ``amount`` (default: the tranche's; more than zero, at most the tranche) and
    ``disbursed_on`` (required, not in the future); the schema validated their form."""
    c = Collector()
    amount = data.get("amount")
    amount = tranche.amount if amount is None else amount
    if amount <= 0 or amount > tranche.amount:
        c.add(rules.INVALID, _l("The amount transferred is more than zero and at most the tranche (%(amount)s).",
                            amount=shown(tranche.amount, tranche.alliance.call.program.currency)), "amount")
    day = data.get("disbursed_on")
    if day is None:
        c.add(rules.INVALID, _l("Enter the date of the transfer, such as 2027-03-01."), "disbursed_on")
    elif day > date.today():
        c.add(rules.INVALID, _l("The transfer cannot be dated in the future."), "disbursed_on")
    if c.violations:
        raise ValidationFailed(_l("Some fields need attention."), c.violations)
    return amount, day, data.get("reference") or ""


def tranche_action(tranche, action, actor, body: TrancheActionIn | None = None):
    """Take ``action`` (``request``, ``approve``, ``refuse`` with ``reason``, ``disburse`` with ``reference``,
    ``disbursed_on`` and ``amount``) on ``tranche`` through the tranche workflow, with what ``body`` carries;
    one audit event.

    Raises ``InvalidTransition`` (409: unknown action, wrong state, or someone else acted first),
    ``StaleVersion`` (409), ``Forbidden`` (role), ``RuleViolation`` (422 with the rule codes),
    ``ValidationFailed`` (the transfer's amount or date). Nothing is committed."""
    body = body if body is not None else TrancheActionIn()
    data = {k: v for k, v in body.given().items() if v is not None and k not in ("action", "version")}
    if action not in TRANCHE.by_name:
        raise InvalidTransition(_l("Unknown action: %(action)s", action=str(action)[:60]))
    tranche = lock_tranche(tranche.id)
    if body.version is not None and body.version != tranche.version:
        raise StaleVersion(_l("Someone changed this tranche meanwhile. Reload it and try again."))
    if action == "refuse" and not str(data.get("comment") or "").strip():
        data["comment"] = data.get("reason")
    comment = data.pop("comment", None)
    transfer = {}

    def effect(obj, transition, payload):
        flow, now = _flow(obj), utcnow()
        if transition.name == "request":
            flow.requested_by_id, flow.requested_at = actor.id, now
            flow.approved_by_id = flow.approved_at = None
        elif transition.name == "approve":
            flow.approved_by_id, flow.approved_at = actor.id, now
        elif transition.name == "refuse":
            flow.refused_by_id, flow.refused_at = actor.id, now
            flow.refusal_reason = str(payload.get("comment") or "").strip()
            flow.approved_by_id = flow.approved_at = None
        elif transition.name == "disburse":
            amount, day, reference = transfer["values"]
            obj.disbursed_amount, obj.disbursed_on, obj.disbursement_reference = amount, day, reference
            flow.disbursed_by_id, flow.disbursed_at = actor.id, now
            return {"amount": amount, "disbursed_on": day, "reference": reference}
        return {"amount": obj.amount, "number": obj.number}

    if action == "disburse":
        TRANCHE.check(tranche, action, actor, {**data, "comment": comment})  # role, state, rules first
        transfer["values"] = _transfer_data(tranche, data)
    try:
        t = TRANCHE.apply(tranche, action, actor, comment=comment, data=data, effect=effect)
        db.session.flush()
    except StaleDataError:  # the caller rolls back, as on any DomainError
        raise StaleVersion(_l("Someone changed this tranche meanwhile. Reload it and try again.")) from None
    return t


def available_actions(tranche, user):
    return TRANCHE.available(tranche, user)
