"""Reallocation pages (on the execution blueprint): request a move between lines, the officer's decision."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ...errors import DomainError
from ...extensions import db
from ...schemas import from_form
from ...web.forms import show_errors
from ..forms import DecisionForm, ReallocationForm
from ..models import Reallocation
from ..permissions import can_record, can_review
from ..views import _child, _flash_rules, _writer, bp, load_alliance
from . import services as realloc_svc
from .schemas import ReallocationIn


def _reallocations_page(alliance, form, status=200):
    rows = db.session.execute(db.select(Reallocation).where(Reallocation.alliance_id == alliance.id)
                              .order_by(Reallocation.id.desc())).scalars().all()
    return render_template("execution/reallocations.html", alliance=alliance, form=form, rows=rows,
                           decision=DecisionForm(), can_write=can_record(current_user, alliance),
                           can_decide=can_review(current_user, alliance)), status


@bp.route("/reallocations", methods=["GET", "POST"])
@login_required
def reallocations(alliance_id):
    alliance = load_alliance(alliance_id)
    form = ReallocationForm().fill(alliance)
    if request.method == "GET":
        return _reallocations_page(alliance, form)
    _writer(alliance)
    if not form.validate_on_submit():
        return _reallocations_page(alliance, form, 400)
    try:
        body = from_form(ReallocationIn, form.values())
        r = realloc_svc.request_reallocation(alliance, body, current_user)
    except DomainError as exc:
        db.session.rollback()
        alliance = load_alliance(alliance_id)
        show_errors(form, exc)
        _flash_rules(exc)
        return _reallocations_page(alliance, form.fill(alliance), exc.status)
    flash(_l("Reallocation: %(state)s.", state=r.state_title), "success")
    return redirect(url_for(".reallocations", alliance_id=alliance.id))


@bp.post("/reallocations/<int:reallocation_id>")
@login_required
def decide(alliance_id, reallocation_id):
    alliance = load_alliance(alliance_id)
    r = _child(Reallocation, alliance, reallocation_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        realloc_svc.decide_reallocation(r, form.action.data or "", current_user, form.comment.data)
    except DomainError as exc:
        db.session.rollback()
        if exc.status in (403, 404):
            abort(exc.status)
        alliance = load_alliance(alliance_id)
        _flash_rules(exc)
        flash(str(exc.message), "error")
        return _reallocations_page(alliance, ReallocationForm().fill(alliance), exc.status)
    flash(_l("Reallocation: %(state)s.", state=r.state_title), "success")
    return redirect(url_for(".reallocations", alliance_id=alliance.id))
