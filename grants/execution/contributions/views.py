"""Counterpart contribution pages (on the execution blueprint): the list and the form, the evidence, void."""
from flask import request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ...schemas import from_form
from ...web.forms import success
from ...web.idempotency import idempotent
from ..forms import ContributionForm, VoidForm
from ..models import Contribution
from ..views import _child, bad_request, bp, listing, load_alliance, load_child, stored, void_body, write
from . import services as contrib_svc
from .schemas import ContributionIn


def _contributions_page(alliance, form=None, void_form=None, void_for=None):
    """The list and the form (``page(status)``); ``void_form`` posted for contribution ``void_for``."""
    return listing(alliance, "execution/contributions.html", Contribution, Contribution.contributed_on.desc(),
                   Contribution.id.desc(), rows="items", paged=True, context=lambda: {
                       "form": ContributionForm().fill(alliance) if form is None else form, "void_form": void_form,
                       "void_for": void_for})


def _listed(alliance, message):
    return success(message, url_for(".contributions", alliance_id=alliance.id))


@bp.route("/contributions", methods=["GET", "POST"])
@login_required
@idempotent
def contributions(alliance_id):
    alliance = load_alliance(alliance_id)
    form = ContributionForm().fill(alliance)
    return write(alliance, form, lambda: contrib_svc.record_contribution(
                     alliance, from_form(ContributionIn, form.values()), current_user, request.files.get("evidence")),
                 _contributions_page(alliance, form), lambda c: _listed(alliance, _l("Contribution recorded.")))


@bp.get("/contributions/<int:contribution_id>/evidence")
@login_required
def evidence(alliance_id, contribution_id):
    return stored(_child(Contribution, load_alliance(alliance_id), contribution_id), "evidence")


@bp.get("/contributions/<int:contribution_id>/evidence/thumbnail")
@login_required
def evidence_thumbnail(alliance_id, contribution_id):
    return stored(_child(Contribution, load_alliance(alliance_id), contribution_id), "evidence", thumbnail=True)


@bp.post("/contributions/<int:contribution_id>/void")
@login_required
def void_contribution(alliance_id, contribution_id):
    alliance, item = load_child(Contribution, alliance_id, contribution_id)
    form = VoidForm()
    return write(alliance, form, lambda: contrib_svc.void_contribution(item, current_user, void_body(form)),
                 _contributions_page(alliance, void_form=form, void_for=contribution_id),
                 lambda c: _listed(alliance, _l("The contribution was voided.")), invalid=bad_request)
