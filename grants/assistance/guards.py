"""The assistance stage's guards and hooks: a deliverable is submitted with its file; a payment is tied to an
accepted deliverable of the alliance, charged to the contract's line, and never above the deliverable's amount."""
from flask_babel import lazy_gettext as _l

from ..errors import Violation
from ..alliances.expenses import deliverable_check
from ..extensions import db
from ..workflows import guard
from ..money import shown
from ..workflows import rules
from .models import Deliverable
from .services import paid_on_deliverable


@guard("deliverable_file")
def deliverable_file(deliverable, actor, data):
    if not data.get("has_file"):
        return [Violation(rules.REQUIRED, _l("Attach the deliverable's file."), "file")]
    return []


@deliverable_check
def payment_of_deliverable(alliance, line, deliverable_id, amount, exclude_id=None):
    d = db.session.get(Deliverable, deliverable_id)
    if d is None or d.contract.alliance_id != alliance.id:
        return [Violation(rules.INVALID, _l("Choose a deliverable of this alliance."), "deliverable_id")]
    out = []
    if d.state != "accepted":
        out.append(Violation(rules.DELIVERABLE_NOT_ACCEPTED,
                             _l("Only an accepted deliverable can be paid."), "deliverable_id"))
    if d.contract.budget_line_id != line.id:
        out.append(Violation(rules.INVALID, _l("Pay the deliverable from its contract's budget line."),
                             "budget_line_id"))
    paid = paid_on_deliverable(d.id, exclude_id)
    if paid + amount > d.amount:
        out.append(Violation(rules.DELIVERABLE_AMOUNT_EXCEEDED,
                             _l("The deliverable is worth %(amount)s and %(paid)s is already paid.",
                                amount=shown(d.amount, alliance.call.program.currency),
                                paid=shown(paid, alliance.call.program.currency)), "amount"))
    return out
