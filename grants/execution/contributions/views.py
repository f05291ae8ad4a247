"""Counterpart contribution pages (on the execution blueprint): the list and the form, the evidence, void."""
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ...web.forms import loaded
from ...web.idempotency import idempotent
from ..forms import ContributionForm, VoidForm
from ..models import Contribution
from ..views import (bad_request, bp, child, file_pages, listed, listing, load_alliance, record, void_body,
                     write)
from . import services as contrib_svc
from .schemas import ContributionIn


def _contributions_page(alliance, form=None, void_form=None, void_for=None):
    """The list and the form (``page(status)``); ``void_form`` posted for contribution ``void_for``."""
    return listing(alliance, "execution/contributions.html", Contribution, Contribution.contributed_on.desc(),
                   Contribution.id.desc(), rows="items", paged=True, context=lambda: {
                       "form": ContributionForm().fill(alliance) if form is None else form, "void_form": void_form,
                       "void_for": void_for})


@bp.route("/contributions", methods=["GET", "POST"])
@loaded(load_alliance)
@idempotent
def contributions(alliance):
    return record(alliance, ContributionForm, contrib_svc.record_contribution, ContributionIn, _contributions_page,
                  lambda c: listed(alliance, ".contributions", _l("Contribution recorded.")), file="evidence")


file_pages("/contributions/<int:contribution_id>/evidence", Contribution, "evidence", "evidence")


@bp.post("/contributions/<int:contribution_id>/void")
@loaded(child(Contribution))
def void_contribution(alliance, item):
    form = VoidForm()
    return write(alliance, form, lambda: contrib_svc.void_contribution(item, current_user, void_body(form)),
                 _contributions_page(alliance, void_form=form, void_for=item.id),
                 lambda c: listed(alliance, ".contributions", _l("The contribution was voided.")),
                 invalid=bad_request)
