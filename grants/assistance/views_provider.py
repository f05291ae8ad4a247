"""A TA provider's own pages: its contracts and the invitations it may answer with its own proposal
(price and file), on the same blueprint as the other assistance pages."""
from flask import abort, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..common import find
from ..extensions import db
from ..schemas import from_form
from ..schemas.fields import form_values
from ..web.forms import form_action, loaded, success
from . import selection as sel
from .forms import OwnProposalForm
from .models import Contract, Invitation, Provider, TermsOfReference
from .permissions import contract_filter
from .schemas import ProposalIn
from .views import bp


def _own_invitations(state, limit):
    """``(invitation, terms)`` of the signed-in provider whose terms are in ``state``, newest first."""
    if not current_user.has_role("ta_provider"):
        return []
    return db.session.execute(
        db.select(Invitation, TermsOfReference).join(Provider, Provider.id == Invitation.provider_id)
        .join(TermsOfReference, TermsOfReference.id == Invitation.terms_id)
        .where(Provider.user_id == current_user.id, TermsOfReference.state == state)
        .order_by(Invitation.id.desc()).limit(limit)).all()


def _invitations():
    """The open invitations of the signed-in provider, with their terms and its own proposal, if sent."""
    return [(i, t, next((p for p in t.proposals if p.provider_id == i.provider_id), None))
            for i, t in _own_invitations("invited", 100)]


def _results():
    """The selections decided among the signed-in provider's invitations: its own proposal and what the
    program publishes (the selected provider and price); never the other proposals (sealed bids)."""
    return [(i, t, sel.provider_view(t, i.provider)) for i, t in _own_invitations("selected", 50)]


def _page(status=200, form=None, form_for=None):
    contracts = db.session.execute(db.select(Contract).where(contract_filter(current_user))
                                   .order_by(Contract.id.desc()).limit(200)).scalars().all()
    return render_template("assistance/contracts.html", contracts=contracts, invitations=_invitations(),
                           results=_results(), form=form or OwnProposalForm(), form_for=form_for), status


bp.add_url_rule("/ta-contracts", "my_contracts", loaded(None)(_page))


def _own(invitation_id):
    """The invitation of the provider the user is; anyone else (or another provider's invitation): 404."""
    invitation = find(Invitation, invitation_id)
    if invitation is None or not current_user.has_role("ta_provider") or invitation.provider.user_id != current_user.id:
        abort(404)
    return invitation


@bp.post("/ta-invitations/<int:invitation_id>/proposal")
@loaded(_own)
def send_proposal(invitation):
    """The invited provider sends its own proposal."""
    form = OwnProposalForm()
    terms = db.session.get(TermsOfReference, invitation.terms_id)
    return form_action(form, lambda: sel.record_proposal(
                           terms, from_form(ProposalIn, form_values(form), provider_id=invitation.provider_id),
                           current_user, request.files.get("file")),
                       lambda status: _page(status, form, invitation.id),
                       lambda result: success(_l("Your proposal was sent to the association."), url_for(".my_contracts")))
