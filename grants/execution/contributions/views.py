"""Counterpart contribution pages (on the execution blueprint): the list and the form, the evidence, void."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ... import uploads
from ...errors import DomainError
from ...extensions import db
from ...schemas import from_form
from ...web.forms import show_errors
from ...web.idempotency import idempotent
from ...web.pagination import paginate
from ..forms import ContributionForm, VoidForm
from ..models import Contribution
from ..permissions import can_record
from ..schemas import VoidIn
from ..views import _child, _flash_rules, _writer, bp, load_alliance
from . import services as contrib_svc
from .schemas import ContributionIn


def _contributions_page(alliance, form, status=200, void_form=None, void_for=None):
    page = paginate(db.select(Contribution).where(Contribution.alliance_id == alliance.id)
                    .order_by(Contribution.contributed_on.desc(), Contribution.id.desc()))
    return render_template("execution/contributions.html", alliance=alliance, form=form, items=page.items, page=page,
                           can_write=can_record(current_user, alliance), void_form=void_form,
                           void_for=void_for), status


@bp.route("/contributions", methods=["GET", "POST"])
@login_required
@idempotent
def contributions(alliance_id):
    alliance = load_alliance(alliance_id)
    form = ContributionForm().fill(alliance)
    if request.method == "GET":
        return _contributions_page(alliance, form)
    _writer(alliance)
    if not form.validate_on_submit():
        return _contributions_page(alliance, form, 400)
    try:
        body = from_form(ContributionIn, form.values())
        contrib_svc.record_contribution(alliance, body, current_user, request.files.get("evidence"))
    except DomainError as exc:
        db.session.rollback()
        alliance = load_alliance(alliance_id)
        show_errors(form, exc)
        _flash_rules(exc)
        return _contributions_page(alliance, form.fill(alliance), exc.status)
    flash(_l("Contribution recorded."), "success")
    return redirect(url_for(".contributions", alliance_id=alliance.id))


@bp.get("/contributions/<int:contribution_id>/evidence")
@login_required
def evidence(alliance_id, contribution_id):
    c = _child(Contribution, load_alliance(alliance_id), contribution_id)
    if not c.evidence_sha256:
        abort(404)
    return uploads.send_stored(c.evidence_sha256, c.evidence_content_type, c.evidence_filename, as_attachment=False)


@bp.get("/contributions/<int:contribution_id>/evidence/thumbnail")
@login_required
def evidence_thumbnail(alliance_id, contribution_id):
    c = _child(Contribution, load_alliance(alliance_id), contribution_id)
    if not c.evidence_sha256:
        abort(404)
    return uploads.send_thumbnail(c.evidence_sha256, c.evidence_content_type)


@bp.post("/contributions/<int:contribution_id>/void")
@login_required
def void_contribution(alliance_id, contribution_id):
    alliance = load_alliance(alliance_id)
    item = _child(Contribution, alliance, contribution_id)
    _writer(alliance)
    form = VoidForm()
    if not form.validate_on_submit():
        abort(400)
    version = form.version.data if (form.version.data or "").isdigit() else None
    try:
        body = from_form(VoidIn, {"reason": form.reason.data}, version=version)
        contrib_svc.void_contribution(item, current_user, body)
    except DomainError as exc:
        db.session.rollback()
        alliance = load_alliance(alliance_id)
        show_errors(form, exc)
        _flash_rules(exc)
        return _contributions_page(alliance, ContributionForm().fill(alliance), exc.status, form, contribution_id)
    flash(_l("The contribution was voided."), "success")
    return redirect(url_for(".contributions", alliance_id=alliance_id))
