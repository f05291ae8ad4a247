"""The financial closeout: grant approved, received, spent and justified, the unspent balance, refunds to the
program and moves to the association's revolving fund (never more than the unspent balance:
``refund_exceeds_balance``; ``revolving_not_allowed``), and the checks of ``close`` (``contracts_open``,
``expenses_unreported``, ``balance_unsettled``, ``evaluation_missing``). Flushes and audits, never commits.
Re-exported by ``services``."""
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import uploads
from ..alliances import ledger, offers, page
from ..alliances.figures import financing
from ..alliances.models import Alliance
from ..errors import Forbidden, InvalidTransition, RuleViolation, Violation
from ..extensions import db
from ..money import ZERO, shown
from ..schemas.fields import as_body
from ..workflows import rules
from .models import Refund
from .schemas import MoveIn, RefundIn
from .services import _audit, can_settle

def moved_to_fund(alliance):
    """Grant money moved to the association's revolving fund (0 without the revolving stage)."""
    moved_from_grant = offers.offered("moved_from_grant")
    if moved_from_grant is None:  # pragma: no cover - the revolving stage is optional
        return ZERO
    return Decimal(moved_from_grant(alliance) or 0)


@page.figure("closeout_refunded")
def _refunded_column(alliance_id=Alliance.id):
    return sa.select(sa.func.coalesce(sa.func.sum(Refund.amount), 0)).where(
        Refund.alliance_id == alliance_id).scalar_subquery()


def refunded(alliance):
    total = page.value(alliance, "closeout_refunded",
                       lambda: db.session.execute(sa.select(_refunded_column(alliance.id))).scalar())
    return Decimal(total or 0).quantize(Decimal("0.01"))


def revolving_allowed(alliance):
    return Decimal(alliance.call.program.revolving_fund_share or 0) > 0


@dataclass
class Figures:
    currency: str
    grant_approved: Decimal
    received: Decimal
    spent: Decimal
    justified: Decimal
    #: received − spent
    unspent: Decimal
    refunded: Decimal
    moved_to_fund: Decimal
    #: unspent − refunded − moved to the fund: 0.00 when the money is settled
    to_settle: Decimal
    counterpart_planned: Decimal
    counterpart_contributed: Decimal
    revolving_allowed: bool

    def as_dict(self):
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def figures(alliance):
    fin = financing(alliance)
    received, spent = ledger.disbursed(alliance), ledger.spent(alliance)
    unspent = received - spent
    back, moved = refunded(alliance), moved_to_fund(alliance)
    return Figures(currency=fin.currency, grant_approved=fin.totals["grant"], received=received, spent=spent,
                   justified=ledger.justified(alliance), unspent=unspent, refunded=back, moved_to_fund=moved,
                   to_settle=unspent - back - moved, counterpart_planned=fin.counterpart,
                   counterpart_contributed=ledger.counterpart_contributed(alliance),
                   revolving_allowed=revolving_allowed(alliance))


def _lock(alliance):
    """Re-read the alliance with its row locked (PostgreSQL) so that two refunds cannot both pass the
    balance check."""
    db.session.execute(sa.select(Alliance.id).where(Alliance.id == alliance.id).with_for_update())
    return alliance


def _balance_violation(alliance, value):
    left = figures(alliance).to_settle
    if value is not None and value > left:
        return Violation(rules.REFUND_EXCEEDS_BALANCE, _l(
            "Only %(left)s of the unspent grant is still to settle; %(amount)s is more.",
            left=shown(left, alliance.call.program.currency), amount=shown(value, alliance.call.program.currency)),
            "amount")
    return None


def _check_settling(alliance, actor, not_closing, not_allowed):
    """A settlement step is taken while the alliance is closing (``InvalidTransition`` with ``not_closing``
    otherwise), by whom ``can_settle`` allows (``Forbidden`` with ``not_allowed``)."""
    if alliance.state != "closing":
        raise InvalidTransition(not_closing)
    if not can_settle(actor, alliance):
        raise Forbidden(not_allowed)


def record_refund(alliance, body, actor, proof=None):
    """Record unspent grant money returned to the program (``RefundIn``, or a mapping read as a form):
    ``amount`` (> 0, at most what is still to settle: ``refund_exceeds_balance``), ``reference`` (the bank's),
    ``refunded_on`` (not in the future) and an optional ``proof`` file (PDF, JPEG or PNG). Raises
    ``InvalidTransition`` (not closing), ``Forbidden``, ``ValidationFailed``, ``RuleViolation``,
    ``UploadTooLarge``, ``UnsupportedType``."""
    _check_settling(alliance, actor, _l("Refunds are recorded while the alliance is closing."),
                    _l("The finance officer or the officer of the region records refunds."))
    body = as_body(RefundIn, body)
    alliance = _lock(alliance)
    value, when, reference = body.amount, body.refunded_on, body.reference
    over = _balance_violation(alliance, value)
    if over:
        raise RuleViolation([over])
    stored = None
    if proof is not None and getattr(proof, "filename", None):
        content, ctype, name = uploads.read_checked(proof, field="proof")
        stored = (uploads.store(content), ctype, name)
    refund = Refund(alliance_id=alliance.id, amount=value, reference=reference, refunded_on=when,
                    recorded_by_id=actor.id)
    if stored:
        refund.proof_sha256, refund.proof_content_type, refund.proof_filename = stored
    db.session.add(refund)
    db.session.flush()
    _audit(alliance, "refund", refund.id, "record_refund", actor,
           {"amount": value, "reference": reference, "refunded_on": when,
            "proof_sha256": refund.proof_sha256})
    return refund


def move_to_fund(alliance, body, actor):
    """Move unspent grant money (``MoveIn``, or a mapping read as a form: ``amount``, ``moved_on``) into the
    association's revolving fund through the revolving stage. Rules: ``revolving_not_allowed`` (the program's
    ``revolving_fund_share`` is 0), ``refund_exceeds_balance`` (more than what is still to settle)."""
    _check_settling(alliance, actor, _l("The unspent grant is settled while the alliance is closing."),
                    _l("The finance officer or the officer of the region settles the unspent grant."))
    body = as_body(MoveIn, body)
    alliance = _lock(alliance)
    value, when = body.amount, body.moved_on
    problems = []
    if not revolving_allowed(alliance):
        problems.append(Violation(rules.REVOLVING_NOT_ALLOWED, _l(
            "The program does not put any part of the grant into a revolving fund."), "amount"))
    over = _balance_violation(alliance, value)
    if over:
        problems.append(over)
    if problems:
        raise RuleViolation(problems)
    deposit_from_grant = offers.offered("deposit_from_grant")
    if deposit_from_grant is None:  # pragma: no cover - the revolving stage is optional
        raise RuleViolation([Violation(rules.REVOLVING_NOT_ALLOWED, _l(
            "The revolving fund is not available in this installation."), "amount")])
    movement = deposit_from_grant(alliance, value, actor, when)
    db.session.flush()
    return movement


# the checks of the close -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Check:
    rule: str
    label: object
    ok: bool
    message: object

    @property
    def state(self):
        return "ok" if self.ok else "fail"

    def as_dict(self):
        return {"rule": self.rule, "label": str(self.label), "state": self.state, "message": str(self.message)}


def closing_checks(alliance, figs=None):
    """Every check of ``close``, passed or not, with its rule code."""
    figs = figs or figures(alliance)
    contracts, unreported = ledger.open_contracts(alliance), ledger.unreported_expenses(alliance)
    cur = figs.currency
    return [
        Check(rules.CONTRACTS_OPEN, _l("Technical assistance contracts closed"), contracts == 0,
              _l("%(n)s technical assistance contract(s) are not closed yet.", n=contracts) if contracts else
              _l("Every technical assistance contract is closed.")),
        Check(rules.EXPENSES_UNREPORTED, _l("Every expense in an approved accountability report"), unreported == 0,
              _l("%(n)s expense(s) are not in an approved accountability report.", n=unreported) if unreported else
              _l("Every expense is in an approved accountability report.")),
        Check(rules.BALANCE_UNSETTLED, _l("Unspent grant refunded or moved to the revolving fund"),
              figs.to_settle == 0,
              _l("%(amount)s of unspent grant is not refunded or moved to the revolving fund yet.",
                 amount=shown(figs.to_settle, cur)) if figs.to_settle else
              _l("The unspent grant is settled.")),
        Check(rules.EVALUATION_MISSING, _l("The officer's evaluation"), alliance.evaluation is not None,
              _l("The officer has not evaluated the alliance yet.") if alliance.evaluation is None else
              _l("The officer evaluated the alliance.")),
    ]


def closeout_violations(alliance):
    return [Violation(c.rule, c.message) for c in closing_checks(alliance) if not c.ok]
