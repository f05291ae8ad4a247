"""Technical assistance pages: the alliance's contracts (/alliances/<id>/assistance), one contract with its
deliverables (/ta-contracts/<id>: submit, accept or reject, pay, close and rate), the provider's own
contracts (/ta-contracts) and the registry of providers (/ta-providers). Not visible: 404."""
from datetime import date

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..alliances import expenses as expense_svc
from ..alliances.expenses import can_record
from ..alliances import page
from ..alliances.models import Alliance
from ..common import get_or_404
from ..extensions import db
from ..schemas import from_form
from ..money import shown
from ..web.forms import form_action, loaded, stored, success
from ..workflows.deliverable import DELIVERABLE
from . import pdf
from . import services as svc
from .forms import CloseForm, ContractForm, DecisionForm, PayForm, ProviderForm, SubmitForm
from .models import Contract, Deliverable, Provider
from .permissions import can_keep_registry, can_manage, can_see_registry, can_view_contract, can_view_ta
from .schemas import CloseIn, ContractIn, DeliverableActionIn, ProviderIn

bp = Blueprint("assistance", __name__)
SHOWN = ("in_execution", "suspended", "closing", "closed")


def load_alliance(alliance_id):
    return get_or_404(Alliance, alliance_id, lambda a: can_view_ta(current_user, a))


def load_contract(contract_id):
    return get_or_404(Contract, contract_id, lambda c: can_view_contract(current_user, c))


def load_deliverable(deliverable_id):
    return get_or_404(Deliverable, deliverable_id, lambda d: can_view_contract(current_user, d.contract))


@bp.app_context_processor
def assistance_helpers():
    def section(alliance):
        if alliance.state not in SHOWN:
            return None
        contracts = []
        if page.value(alliance, "assistance_contracts", lambda: True):  # none: no statement (page.py)
            contracts = db.session.execute(db.select(Contract).where(Contract.alliance_id == alliance.id)
                                           .order_by(Contract.id)).scalars().all()
        return {"contracts": contracts, "overdue": [d for c in contracts for d in c.overdue],
                "can_manage": can_manage(current_user, alliance)}

    return {"assistance_section": section}


@page.figure("assistance_contracts")
def _has_contracts():
    return db.exists().where(Contract.alliance_id == Alliance.id)


def _alliance_page(alliance, form, status=200):
    contracts = db.session.execute(db.select(Contract).where(Contract.alliance_id == alliance.id)
                                   .order_by(Contract.id)).scalars().all()
    return render_template("assistance/alliance.html", alliance=alliance, form=form, contracts=contracts,
                           can_manage=can_manage(current_user, alliance)), status


@bp.route("/alliances/<int:alliance_id>/assistance", methods=["GET", "POST"])
@loaded(load_alliance)
def alliance_contracts(alliance):
    form = ContractForm().fill(alliance)
    if request.method == "GET":
        # from a selection: the chosen provider, the line and the price, ready to complete
        for key in ("provider_id", "budget_line_id", "amount", "terms_id"):
            value = (request.args.get(key) or "").strip()[:30]
            if value:
                getattr(form, key).data = value
        return _alliance_page(alliance, form)
    return form_action(form, lambda: svc.create_contract(alliance, from_form(ContractIn, form.values()), current_user),
                       lambda status: _alliance_page(alliance, form.fill(alliance), status),
                       lambda c: success(_l("Contract saved with %(n)s deliverables.", n=len(c.deliverables)),
                                         url_for(".contract", contract_id=c.id)),
                       allowed=can_manage(current_user, alliance))


def _contract_page(contract, status=200, **forms):
    alliance = contract.alliance
    pays = {d.id: svc.paid_on_deliverable(d.id) for d in contract.deliverables}
    defaults = dict(submit_form=SubmitForm(), decision_form=DecisionForm(), pay_form=PayForm().fill(),
                    close_form=CloseForm(), failed=None)
    defaults.update(forms)
    return render_template("assistance/contract.html", contract=contract, alliance=alliance, paid=pays,
                           actions={d.id: [t.name for t in DELIVERABLE.available(d, current_user)]
                                    for d in contract.deliverables},
                           can_manage=can_manage(current_user, alliance), can_pay=can_record(current_user, alliance),
                           today=date.today().isoformat(), **defaults), status


bp.add_url_rule("/ta-contracts/<int:contract_id>", "contract", loaded(load_contract)(_contract_page))


@bp.get("/ta-contracts/<int:contract_id>/pdf")
@login_required
def contract_pdf(contract_id):
    c = load_contract(contract_id)
    return Response(pdf.contract_pdf(c), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="ta-contract-{c.id}.pdf"'})


def _deliverable_action(d, form, call, message, form_name, allowed=True, invalid=None):
    """A write on one deliverable from the contract page: the contract page again with the error, or back to it."""
    return form_action(form, call, lambda status: _contract_page(d.contract, status, failed=d.id, **{form_name: form}),
                       lambda result: success(message(), url_for(".contract", contract_id=d.contract_id)),
                       allowed=allowed, invalid=invalid or (lambda: abort(400)))


@bp.post("/ta-deliverables/<int:deliverable_id>/submit")
@loaded(load_deliverable)
def submit(d):
    form = SubmitForm()

    def call():
        body = from_form(DeliverableActionIn, request.form, action="submit")
        return svc.transition(d, body.action, current_user, note=body.note, file=request.files.get("file"))

    return _deliverable_action(d, form, call,
                               lambda: _l("Deliverable submitted."), "submit_form")


@bp.post("/ta-deliverables/<int:deliverable_id>/decide")
@loaded(load_deliverable)
def decide(d):
    form = DecisionForm()
    if form.action.data not in ("accept", "reject"):
        abort(400)

    def call():
        body = from_form(DeliverableActionIn, request.form)
        return svc.transition(d, body.action, current_user, comment=body.comment)

    return _deliverable_action(d, form, call,
                               lambda: _l("Deliverable accepted.") if d.state == "accepted"
                               else _l("Deliverable rejected."), "decision_form")


@bp.post("/ta-deliverables/<int:deliverable_id>/pay")
@loaded(load_deliverable)
def pay(d):
    alliance = d.contract.alliance
    if not can_record(current_user, alliance):
        abort(403)
    form = PayForm().fill()
    paid = []

    def call():
        data = {"budget_line_id": d.contract.budget_line_id, "spent_on": (form.spent_on.data or "").strip(),
                "amount": (form.amount.data or "").strip(), "source": "grant", "supplier": d.contract.provider.name,
                "document_type": form.document_type.data,
                "document_number": (form.document_number.data or "").strip(),
                "description": str(_l("Technical assistance: %(d)s", d=d.description))[:300], "deliverable_id": d.id}
        paid.append(expense_svc.record_expense(alliance, data, current_user, request.files.get("receipt")))

    return _deliverable_action(d, form, call, lambda: _l(
        "Payment recorded: %(amount)s.", amount=shown(paid[0].amount, paid[0].alliance.call.program.currency)),
        "pay_form")


bp.add_url_rule("/ta-deliverables/<int:deliverable_id>/file", "deliverable_file",
                loaded(load_deliverable)(lambda d: stored(d, "file")))


@bp.post("/ta-contracts/<int:contract_id>/close")
@loaded(load_contract)
def close(c):
    form = CloseForm()
    return form_action(form, lambda: svc.close_contract(c, from_form(CloseIn, request.form), current_user),
                       lambda status: _contract_page(c, status, close_form=form),
                       lambda result: success(_l("Contract closed and the provider rated."),
                                              url_for(".contract", contract_id=c.id)),
                       allowed=can_manage(current_user, c.alliance), invalid=lambda: abort(400))


@bp.route("/ta-providers", methods=["GET", "POST"])
@login_required
def providers():
    if not can_see_registry(current_user):
        abort(403)
    form = ProviderForm().fill()

    def page(status=200):
        rows = db.session.execute(db.select(Provider).order_by(Provider.name).limit(500)).scalars().all()
        return render_template("assistance/providers.html", providers=rows, form=form,
                               can_write=can_keep_registry(current_user)), status

    if request.method == "GET":
        return page()
    return form_action(form, lambda: svc.create_provider(from_form(ProviderIn, request.form), current_user), page,
                       lambda p: success(_l("Provider added: %(name)s.", name=p.name), url_for(".providers")),
                       allowed=can_keep_registry(current_user))
from . import views_selection  # noqa: E402,F401  (the selection pages, on the same blueprint)
from . import views_provider  # noqa: E402,F401  (the provider's own contracts and invitations)
