"""Procurement pages (on the execution blueprint): open, quotations with their files, award / close / cancel."""
from flask import abort, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ...extensions import db
from ...schemas import from_form
from ...web.forms import loaded, options, stored, success
from ...workflows.procurement import PROCUREMENT
from ..forms import ProcurementActionForm, ProcurementForm, QuotationForm, decision_options
from ..models import Procurement, Quotation
from ..permissions import can_record
from ..views import answer, bp, child, listing, load_alliance, record, write
from . import services as proc_svc
from .schemas import ProcurementIn, QuotationIn


def _procurements_page(alliance, form):
    """The list and the form (``page(status)``)."""
    return listing(alliance, "execution/procurements.html", Procurement, Procurement.id.desc(),
                   context=lambda: {"form": form})


def _shown(p):
    return url_for(".procurement", alliance_id=p.alliance_id, procurement_id=p.id)


@bp.route("/procurements", methods=["GET", "POST"])
@loaded(load_alliance)
def procurements(alliance):
    return record(alliance, ProcurementForm, proc_svc.create_procurement, ProcurementIn, _procurements_page,
                  lambda p: redirect(_shown(p)), file="file")


def _procurement_page(alliance, p, qform=None, aform=None):
    """One procurement with its quotation form and its action form (``page(status)``)."""
    def page(status=200):
        action_form = ProcurementActionForm() if aform is None else aform
        action_form.quotation_id.choices = options([(str(q.id), f"{q.supplier} · {q.amount}") for q in p.quotations])
        action_form.assembly_decision_id.choices = decision_options(alliance)
        return render_template("execution/procurement.html", alliance=alliance, p=p,
                               qform=QuotationForm() if qform is None else qform, aform=action_form,
                               actions=PROCUREMENT.available(p, current_user),
                               can_write=can_record(current_user, alliance)), status
    return page


@bp.route("/procurements/<int:procurement_id>", methods=["GET", "POST"])
@loaded(child(Procurement))
def procurement(alliance, p):
    """GET: the procurement; POST: an action (award, close, cancel; the workflow checks who may)."""
    aform = ProcurementActionForm()
    aform.quotation_id.choices = []  # the page lists the quotations; the service checks the one sent

    def act():
        data = {"quotation_id": aform.quotation_id.data, "justification": aform.justification.data,
                "comment": aform.comment.data, "assembly_decision_id": aform.assembly_decision_id.data}
        return proc_svc.procurement_action(p, aform.action.data or "", current_user, data, request.files.get("file"))

    return write(alliance, aform, act, _procurement_page(alliance, p, aform=aform),
                 lambda result: success(_l("The procurement is now “%(state)s”.", state=p.state_title), _shown(p)),
                 any_role=True, on_error=answer(404))


@bp.post("/procurements/<int:procurement_id>/quotations")
@loaded(child(Procurement))
def quotation(alliance, p):
    qform = QuotationForm()
    return write(alliance, qform, lambda: proc_svc.add_quotation(
                     p, from_form(QuotationIn, {"supplier": qform.supplier.data, "amount": qform.amount.data}),
                     request.files.get("file"), current_user),
                 _procurement_page(alliance, p, qform=qform), lambda q: success(_l("Quotation added."), _shown(p)))


@bp.get("/procurements/<int:procurement_id>/quotations/<int:quotation_id>/file")
@loaded(child(Procurement), "alliance_id", "procurement_id")
def quotation_file(alliance, p, quotation_id):
    q = db.session.get(Quotation, quotation_id) if quotation_id < 2**31 else None
    if q is None or q.procurement_id != p.id:
        abort(404)
    return stored(q, "file")
