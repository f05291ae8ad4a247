"""The funding stage's guards, on the alliance workflow and on the tranche workflow.

Alliance: ``agreement_ready`` (``sign_agreement``: the signed copy is uploaded as a PDF; rule
``signed_agreement_missing``), ``first_transfer_made`` (``start_execution``: ``first_transfer_missing``).
Tranche: ``tranche_may_move`` (``alliance_suspended``, ``agreement_not_signed``, ``alliance_not_active``),
``tranche_in_order`` (``tranche_out_of_order``), ``tranche_rules`` (``tranche_not_justified``,
``counterpart_not_proportional``, ``open_observations``), ``separation_of_duties``.
Imported once at app start (``grants/__init__.py``); also connects what follows the transitions.
"""
from decimal import ROUND_FLOOR, Decimal

from flask_babel import lazy_gettext as _l

from ..alliances import ledger
from ..alliances.figures import financing
from ..errors import Violation
from ..workflows import guard, transition_applied
from ..money import shown, shown_percent
from ..workflows import rules
from . import notify, services

#: alliance states in which tranches move
ACTIVE = ("agreement_signed", "in_execution")
BEFORE_AGREEMENT = ("draft", "submitted", "returned", "eligible", "preselected", "plan_in_preparation",
                    "plan_submitted", "under_appraisal", "committee_review", "approved")


def _pct(value):
    """A share as "45,50 %" in the reader's language (rounded down to hundredths of a percent)."""
    return shown_percent((Decimal(value) * 100).quantize(Decimal("0.01"), rounding=ROUND_FLOOR) / 100)


@guard("agreement_ready")
def agreement_ready(alliance, actor, data):
    att = alliance.attachment_of("signed_agreement")
    if att is None or att.content_type != "application/pdf":
        return [Violation(rules.SIGNED_AGREEMENT_MISSING,
                          _l("Upload the agreement signed by the parties (PDF) before signing it here."),
                          "signed_agreement")]
    return []


@guard("first_transfer_made")
def first_transfer_made(alliance, actor, data):
    if not any(t.state == "disbursed" for t in alliance.tranches):
        return [Violation(rules.FIRST_TRANSFER_MISSING,
                          _l("Execution starts after the first tranche has been transferred."), "tranches")]
    return []


def may_move_violations(alliance):
    if alliance.state == "suspended":
        return [Violation(rules.ALLIANCE_SUSPENDED, _l("The alliance is suspended: no tranche moves until it "
                                                   "is resumed."))]
    if alliance.state in BEFORE_AGREEMENT:
        return [Violation(rules.AGREEMENT_NOT_SIGNED, _l("Tranches move only after the agreement is signed."))]
    if alliance.state not in ACTIVE:
        return [Violation(rules.ALLIANCE_NOT_ACTIVE, _l("The alliance is no longer in execution."))]
    return []


@guard("tranche_may_move")
def tranche_may_move(tranche, actor, data):
    return may_move_violations(tranche.alliance)


@guard("tranche_in_order")
def tranche_in_order(tranche, actor, data):
    earlier = [t for t in tranche.alliance.tranches if t.number < tranche.number and t.state != "disbursed"]
    if earlier:
        return [Violation(rules.TRANCHE_OUT_OF_ORDER, _l("Tranche %(n)s must be transferred first.",
                                                     n=earlier[0].number))]
    return []


def rule_violations(alliance):
    """What refuses the approval of a further tranche of ``alliance`` now (empty when it may pass)."""
    out = []
    program = alliance.call.program
    paid = ledger.disbursed(alliance)
    if paid > 0:
        needed = Decimal(program.tranche_justified_share)
        justified = ledger.justified(alliance)
        if justified < needed * paid:
            out.append(Violation(rules.TRANCHE_NOT_JUSTIFIED, _l(
                "Only %(share)s of the money disbursed so far (%(paid)s) is justified by approved expenses; the "
                "program asks for at least %(limit)s.", share=_pct(justified / paid), paid=shown(paid, program.currency),
                limit=_pct(needed)), "justified"))
        fin = financing(alliance)
        grant, committed = fin.totals["grant"], fin.counterpart
        contributed = ledger.counterpart_contributed(alliance)
        # contributed / committed >= disbursed / grant, by cross-multiplication (exact)
        if grant > 0 and committed > 0 and contributed * grant < committed * paid:
            out.append(Violation(rules.COUNTERPART_NOT_PROPORTIONAL, _l(
                "The counterpart contributed (%(contributed)s of %(committed)s) is behind the grant disbursed "
                "(%(paid)s of %(grant)s).", contributed=shown(contributed, program.currency),
                committed=shown(committed, program.currency), paid=shown(paid, program.currency),
                grant=shown(grant, program.currency)),
                "counterpart"))
    count = ledger.open_observations(alliance)
    if count:
        out.append(Violation(rules.OPEN_OBSERVATIONS, _l(
            "%(n)s observation(s) on the accountability reports are still open.", n=count)))
    return out


@guard("tranche_rules")
def tranche_rules(tranche, actor, data):
    return rule_violations(tranche.alliance)


@guard("separation_of_duties")
def separation_of_duties(tranche, actor, data):
    flow = tranche.flow
    if flow is not None and actor is not None and flow.approved_by_id == actor.id:
        return [Violation(rules.SEPARATION_OF_DUTIES, _l("You approved this tranche: another finance officer "
                                                     "records the transfer."))]
    return []


@transition_applied.connect
def _after_transition(workflow, obj=None, transition=None, actor=None, data=None, from_state=None, **_kw):
    name = getattr(workflow, "name", None)
    if transition is None or obj is None:
        return
    if name == "alliance":
        if transition.name == "approve":
            services.ensure_agreement(obj)
        elif transition.name == "sign_agreement":
            services.record_signature(obj, actor, (data or {}).get("counterpart_deposit_reference"))
    elif name == "tranche":
        notify.tranche_moved(obj, transition, actor, data or {})
