"""Reallocation pages (on the execution blueprint): request a move between lines, the officer's decision."""
from flask import render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ...extensions import db
from ...schemas import from_form
from ...web.forms import success
from ..forms import DecisionForm, ReallocationForm
from ..models import Reallocation
from ..permissions import can_record, can_review
from ..views import _child, answer, bad_request, bp, load_alliance, write
from . import services as realloc_svc
from .schemas import ReallocationIn


def _reallocations_page(alliance, form=None):
    def page(status=200):
        rows = db.session.execute(db.select(Reallocation).where(Reallocation.alliance_id == alliance.id)
                                  .order_by(Reallocation.id.desc())).scalars().all()
        return render_template("execution/reallocations.html", alliance=alliance,
                               form=ReallocationForm().fill(alliance) if form is None else form, rows=rows,
                               decision=DecisionForm(), can_write=can_record(current_user, alliance),
                               can_decide=can_review(current_user, alliance)), status
    return page


def _listed(alliance, r):
    return success(_l("Reallocation: %(state)s.", state=r.state_title),
                   url_for(".reallocations", alliance_id=alliance.id))


@bp.route("/reallocations", methods=["GET", "POST"])
@login_required
def reallocations(alliance_id):
    alliance = load_alliance(alliance_id)
    form = ReallocationForm().fill(alliance)
    return write(alliance, form, lambda: realloc_svc.request_reallocation(
                     alliance, from_form(ReallocationIn, form.values()), current_user),
                 _reallocations_page(alliance, form), lambda r: _listed(alliance, r))


@bp.post("/reallocations/<int:reallocation_id>")
@login_required
def decide(alliance_id, reallocation_id):
    """The officer's approve or refuse (the service checks who may); the rows' forms have no field to show a
    refusal at: it is flashed."""
    alliance = load_alliance(alliance_id)
    r = _child(Reallocation, alliance, reallocation_id)
    form = DecisionForm()
    return write(alliance, form, lambda: realloc_svc.decide_reallocation(r, form.action.data or "", current_user,
                                                                         form.comment.data),
                 _reallocations_page(alliance), lambda result: _listed(alliance, r), any_role=True,
                 invalid=bad_request, on_error=answer(403, 404, flashed=True))
