"""Procurement pages (on the execution blueprint): open, quotations with their files, award / close / cancel."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ... import uploads
from ...errors import DomainError
from ...extensions import db
from ...schemas import from_form
from ...web.forms import options, show_errors
from ...workflows.procurement import PROCUREMENT
from ..forms import ProcurementActionForm, ProcurementForm, QuotationForm, decision_options
from ..models import Procurement, Quotation
from ..permissions import can_record
from ..views import _child, _flash_rules, _writer, bp, load_alliance
from . import services as proc_svc
from .schemas import ProcurementIn, QuotationIn


def _procurements_page(alliance, form, status=200):
    rows = db.session.execute(db.select(Procurement).where(Procurement.alliance_id == alliance.id)
                              .order_by(Procurement.id.desc())).scalars().all()
    return render_template("execution/procurements.html", alliance=alliance, form=form, rows=rows,
                           can_write=can_record(current_user, alliance)), status


@bp.route("/procurements", methods=["GET", "POST"])
@login_required
def procurements(alliance_id):
    alliance = load_alliance(alliance_id)
    form = ProcurementForm().fill(alliance)
    if request.method == "GET":
        return _procurements_page(alliance, form)
    _writer(alliance)
    if not form.validate_on_submit():
        return _procurements_page(alliance, form, 400)
    try:
        body = from_form(ProcurementIn, form.values())
        p = proc_svc.create_procurement(alliance, body, current_user, request.files.get("file"))
    except DomainError as exc:
        db.session.rollback()
        alliance = load_alliance(alliance_id)
        show_errors(form, exc)
        _flash_rules(exc)
        return _procurements_page(alliance, form.fill(alliance), exc.status)
    return redirect(url_for(".procurement", alliance_id=alliance.id, procurement_id=p.id))


def _procurement_page(alliance, p, qform, aform, status=200):
    aform.quotation_id.choices = options([(str(q.id), f"{q.supplier} · {q.amount}") for q in p.quotations])
    aform.assembly_decision_id.choices = decision_options(alliance)
    return render_template("execution/procurement.html", alliance=alliance, p=p, qform=qform, aform=aform,
                           actions=PROCUREMENT.available(p, current_user),
                           can_write=can_record(current_user, alliance)), status


@bp.route("/procurements/<int:procurement_id>", methods=["GET", "POST"])
@login_required
def procurement(alliance_id, procurement_id):
    """GET: the procurement; POST: an action (award, close, cancel)."""
    alliance = load_alliance(alliance_id)
    p = _child(Procurement, alliance, procurement_id)
    aform = ProcurementActionForm()
    if request.method == "GET":
        return _procurement_page(alliance, p, QuotationForm(), aform)
    aform.quotation_id.choices = []
    if not aform.validate_on_submit():
        return _procurement_page(alliance, p, QuotationForm(), aform, 400)
    data = {"quotation_id": aform.quotation_id.data, "justification": aform.justification.data,
            "comment": aform.comment.data, "assembly_decision_id": aform.assembly_decision_id.data}
    try:
        proc_svc.procurement_action(p, aform.action.data or "", current_user, data, request.files.get("file"))
    except DomainError as exc:
        db.session.rollback()
        if exc.status == 404:
            abort(404)
        p = _child(Procurement, load_alliance(alliance_id), procurement_id)
        show_errors(aform, exc)
        _flash_rules(exc)
        return _procurement_page(p.alliance, p, QuotationForm(), aform, exc.status)
    flash(_l("The procurement is now “%(state)s”.", state=p.state_title), "success")
    return redirect(url_for(".procurement", alliance_id=alliance.id, procurement_id=p.id))


@bp.post("/procurements/<int:procurement_id>/quotations")
@login_required
def quotation(alliance_id, procurement_id):
    alliance = load_alliance(alliance_id)
    p = _child(Procurement, alliance, procurement_id)
    _writer(alliance)
    qform = QuotationForm()
    if not qform.validate_on_submit():
        return _procurement_page(alliance, p, qform, ProcurementActionForm(), 400)
    try:
        body = from_form(QuotationIn, {"supplier": qform.supplier.data, "amount": qform.amount.data})
        proc_svc.add_quotation(p, body, request.files.get("file"), current_user)
    except DomainError as exc:
        db.session.rollback()
        p = _child(Procurement, load_alliance(alliance_id), procurement_id)
        show_errors(qform, exc)
        _flash_rules(exc)
        return _procurement_page(p.alliance, p, qform, ProcurementActionForm(), exc.status)
    flash(_l("Quotation added."), "success")
    return redirect(url_for(".procurement", alliance_id=alliance.id, procurement_id=p.id))


@bp.get("/procurements/<int:procurement_id>/quotations/<int:quotation_id>/file")
@login_required
def quotation_file(alliance_id, procurement_id, quotation_id):
    p = _child(Procurement, load_alliance(alliance_id), procurement_id)
    q = db.session.get(Quotation, quotation_id) if quotation_id < 2**31 else None
    if q is None or q.procurement_id != p.id or not q.file_sha256:
        abort(404)
    return uploads.send_stored(q.file_sha256, q.file_content_type, q.file_filename, as_attachment=False)
