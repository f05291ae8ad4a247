"""API endpoints of the funding stage (API.md): tranche actions, the balance, the agreement and the funding
documents (agreement, tranche request letter, disbursement order). The tranche schedule itself
(``/alliances/{id}/tranches``) belongs to the plan stage's API."""
from datetime import date


from ..alliances import ledger
from ..alliances.api import TrancheFields, load_alliance, visible_rows
from ..alliances.budget import Tranche
from ..alliances.permissions import can_view_alliance
from ..api.core import (Out, api_user, check_version, document, dump, endpoint, in_state, known_action, load,
                        paginate, present, reading)
from ..schemas.types import MoneyStr, UtcDateTime
from ..errors import NotFound
from ..workflows.tranche import TRANCHE
from . import pdf, services
from .schemas import TrancheTransitionIn

TAGS = ("funding",)


class TrancheFlowOut(Out):
    requested_by_id: int | None = None
    requested_at: UtcDateTime | None = None
    approved_by_id: int | None = None
    approved_at: UtcDateTime | None = None
    refused_by_id: int | None = None
    refused_at: UtcDateTime | None = None
    refusal_reason: str | None = None
    disbursed_by_id: int | None = None
    disbursed_at: UtcDateTime | None = None


class FundedTrancheOut(TrancheFields):
    state_title: str
    disbursed_amount: MoneyStr | None = None
    disbursed_on: date | None = None
    #: the bank's reference of the transfer
    reference: str | None = None
    flow: TrancheFlowOut | None = None
    #: the actions this user may take now
    actions: list[str]
    version: int


class BalanceOut(Out):
    alliance_id: int
    currency: str
    grant_approved: MoneyStr
    disbursed: MoneyStr
    to_disburse: MoneyStr
    spent: MoneyStr
    available: MoneyStr
    justified: MoneyStr
    counterpart_committed: MoneyStr
    counterpart_contributed: MoneyStr
    bank_name: str | None = None
    #: masked: only the last four digits
    bank_account_masked: str | None = None


class AgreementOut(Out):
    alliance_id: int
    generated_at: UtcDateTime | None = None
    signed_attachment_id: int | None = None
    signed_sha256: str | None = None
    counterpart_deposit_reference: str | None = None
    signed_by_id: int | None = None
    signed_at: UtcDateTime | None = None
    document: str


def tranche_out(tranche):
    user = api_user()
    return dump(FundedTrancheOut, {
        **{k: getattr(tranche, k) for k in ("id", "alliance_id", "number", "amount", "planned_on", "conditions",
                                            "state", "disbursed_amount", "disbursed_on", "version")},
        "state_title": str(tranche.state_title), "reference": tranche.disbursement_reference,
        "flow": tranche.flow, "actions": [t.name for t in TRANCHE.available(tranche, user)]})


def load_tranche(tranche_id):
    user = api_user()
    return load(Tranche, tranche_id, lambda t: can_view_alliance(user, t.alliance))


@endpoint("/tranches", summary="Tranches this user may see, by state (the officer's and finance queues)",
          response=FundedTrancheOut, paginated=True, tags=TAGS, name="funding_tranches",
          query={"state": ("Only this state", {"type": "string", "enum": list(TRANCHE.states)})})
def list_tranches():
    return paginate(in_state(visible_rows(Tranche), Tranche.state, TRANCHE.states), tranche_out)


reading("/tranches/<int:tranche_id>", summary="One tranche with its course and the actions possible now",
        response=FundedTrancheOut, tags=TAGS, name="funding_tranche", load=load_tranche, answer=tranche_out)


@endpoint("/tranches/<int:tranche_id>/transitions", ["POST"], summary="Take a tranche action",
          body=TrancheTransitionIn, response=FundedTrancheOut, tags=TAGS, name="tranche_transition")
def tranche_transition(tranche_id, body):
    """``request`` (association board), ``approve`` and ``refuse`` with ``reason`` (officer of the region),
    ``disburse`` with ``reference``, ``disbursed_on`` and ``amount`` (finance officer; not the one who
    approved: ``separation_of_duties``). Rules (422): ``tranche_not_justified``,
    ``counterpart_not_proportional``, ``open_observations``, ``alliance_suspended``, ``agreement_not_signed``,
    ``tranche_out_of_order``. Unknown action: 400; wrong state or someone acted first: 409."""
    tranche = load_tranche(tranche_id)
    known_action(body.action, TRANCHE)
    if body.version is not None:
        check_version(tranche, body.version)
    services.tranche_action(tranche, body.action, api_user(), body)
    return tranche_out(load_tranche(tranche_id))


@endpoint("/alliances/<int:alliance_id>/balance", summary="The alliance's money: grant approved, disbursed, "
          "spent, available; counterpart committed and contributed", response=BalanceOut, tags=TAGS,
          name="funding_balance")
def get_balance(alliance_id):
    alliance = load_alliance(alliance_id)
    bal = ledger.balance(alliance)
    return dump(BalanceOut, {**bal.as_dict(), "alliance_id": alliance.id,
                             "bank_name": alliance.association.bank_name,
                             "bank_account_masked": alliance.association.bank_account_masked or None})


@endpoint("/alliances/<int:alliance_id>/agreement", summary="The agreement: generation, signed copy and its "
          "SHA-256, counterpart deposit", response=AgreementOut, tags=TAGS, name="funding_agreement")
def get_agreement(alliance_id):
    """404 before the committee's approval."""
    alliance = load_alliance(alliance_id)
    if not services.agreement_available(alliance):
        raise NotFound()
    ag = alliance.agreement
    signed = alliance.attachment_of("signed_agreement")
    return dump(AgreementOut, {
        "alliance_id": alliance.id, "generated_at": ag.generated_at if ag else None,
        "signed_attachment_id": signed.id if signed else None, "signed_sha256": signed.sha256 if signed else None,
        "counterpart_deposit_reference": ag.counterpart_deposit_reference if ag else None,
        "signed_by_id": ag.signed_by_id if ag else None, "signed_at": ag.signed_at if ag else None,
        "document": f"/api/v1/alliances/{alliance.id}/documents/agreement"})


# documents --------------------------------------------------------------------------------------------------

def _tranche_of(alliance_id, number):
    """The alliance's tranche ``number`` (404 when the alliance is not visible or has no such tranche)."""
    found = next((t for t in load_alliance(alliance_id).tranches if t.number == number), None)
    if found is None:
        raise NotFound()
    return found


def _kept(load, build, name, filename):
    """The ``load``, ``pdf`` and ``filename`` of a document kept per alliance state as ``name(**ids)`` (as the
    pages keep it, ``pdf.kept``): the document as kept read first, then ``load(**ids)`` (its 404), then the
    kept bytes, or ``build(obj)`` kept now."""
    def first(**ids):
        # beyond an INTEGER column PostgreSQL would refuse the parameter: ``load`` answers 404
        row = pdf.probe(ids["alliance_id"], None, name(**ids)) if 0 < ids["alliance_id"] < 2 ** 31 else None
        return row, load(**ids), ids

    def body(found):
        row, obj, ids = found
        if row is None:  # the alliance was not there when the probe read (created since): built, not kept
            return build(obj)
        return pdf.kept(row, ids["alliance_id"], name(**ids), lambda: obj, build)[1]

    return {"load": first, "pdf": body, "filename": lambda found: filename(found[1])}


document("/alliances/<int:alliance_id>/documents/agreement", summary="The agreement (convenio) as a PDF",
         name="agreement_document", **_kept(present(load_alliance, services.agreement_available), pdf.agreement_pdf,
                                            lambda alliance_id: "agreement",
                                            lambda alliance: f"{alliance.code}-convenio.pdf"),
         description="404 before the committee's approval.")
document("/alliances/<int:alliance_id>/documents/disbursement-order-<int:number>",
         summary="The disbursement order of tranche {number} as a PDF", name="disbursement_order_document",
         **_kept(present(_tranche_of, lambda tranche: tranche.state == "disbursed"), pdf.disbursement_order_pdf,
                 lambda alliance_id, number: f"order-{number}",
                 lambda tranche: f"{tranche.alliance.code}-orden-{tranche.number}.pdf"),
         description="404 until the tranche is disbursed.")
document("/alliances/<int:alliance_id>/documents/tranche-request-<int:number>",
         summary="The board's request letter of tranche {number} as a PDF", name="tranche_request_document",
         **_kept(present(_tranche_of, lambda t: t.flow is not None and t.flow.requested_at is not None),
                 pdf.request_letter_pdf, lambda alliance_id, number: f"request-{number}",
                 lambda tranche: f"{tranche.alliance.code}-solicitud-{tranche.number}.pdf"),
         description="404 until the tranche is requested.")
