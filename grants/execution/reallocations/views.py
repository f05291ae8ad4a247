"""Reallocation pages (on the execution blueprint): request a move between lines, the officer's decision."""
from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ...web.forms import loaded, success
from ..forms import DecisionForm, ReallocationForm
from ..models import Reallocation
from ..permissions import can_review
from ..views import answer, bad_request, bp, child, listing, load_alliance, record, write
from . import services as realloc_svc
from .schemas import ReallocationIn


def _reallocations_page(alliance, form=None):
    """The list with the officer's buttons and the form (``page(status)``)."""
    return listing(alliance, "execution/reallocations.html", Reallocation, Reallocation.id.desc(), context=lambda: {
        "form": ReallocationForm().fill(alliance) if form is None else form, "decision": DecisionForm(),
        "can_decide": can_review(current_user, alliance)})


def _listed(alliance, r):
    return success(_l("Reallocation: %(state)s.", state=r.state_title),
                   url_for(".reallocations", alliance_id=alliance.id))


@bp.route("/reallocations", methods=["GET", "POST"])
@loaded(load_alliance)
def reallocations(alliance):
    return record(alliance, ReallocationForm, realloc_svc.request_reallocation, ReallocationIn, _reallocations_page,
                  lambda r: _listed(alliance, r))


@bp.post("/reallocations/<int:reallocation_id>")
@loaded(child(Reallocation))
def decide(alliance, r):
    """The officer's approve or refuse (the service checks who may); the rows' forms have no field to show a
    refusal at: it is flashed."""
    form = DecisionForm()
    return write(alliance, form, lambda: realloc_svc.decide_reallocation(r, form.action.data or "", current_user,
                                                                         form.comment.data),
                 _reallocations_page(alliance), lambda result: _listed(alliance, r), any_role=True,
                 invalid=bad_request, on_error=answer(403, 404, flashed=True))
