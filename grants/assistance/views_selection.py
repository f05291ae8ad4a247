"""Selection pages under /alliances/<id>/assistance/selection: terms of reference, invitations, proposals,
the evaluation table and the selection written to the minutes (the association's board)."""
from flask import Response, abort, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..common import get_or_404
from ..extensions import db
from ..schemas import from_form
from ..schemas.fields import form_values
from ..web.forms import form_action, loaded, options, success
from . import pdf
from . import selection as sel
from .forms import InviteForm, ProposalForm, ScoreForm, SelectForm, TermsForm
from .models import Provider, TermsOfReference
from .permissions import can_manage
from .schemas import InvitationsIn, ProposalIn, ScoreIn, SelectionIn, TermsIn
from .views import bp, load_alliance

PREFIX = "/alliances/<int:alliance_id>/assistance/selection"


def _terms(alliance, terms_id):
    return get_or_404(TermsOfReference, terms_id, lambda t: t.alliance_id == alliance.id)


def load_terms(alliance_id, terms_id):
    """The alliance (``load_alliance``) and its terms of reference ``terms_id`` (another alliance's: 404)."""
    alliance = load_alliance(alliance_id)
    return alliance, _terms(alliance, terms_id)


def _index_page(alliance, form, status=200):
    rows = db.session.execute(db.select(TermsOfReference).where(TermsOfReference.alliance_id == alliance.id)
                              .order_by(TermsOfReference.id)).scalars().all()
    return render_template("assistance/selection.html", alliance=alliance, form=form, terms_list=rows,
                           can_manage=can_manage(current_user, alliance)), status


@bp.route(PREFIX, methods=["GET", "POST"])
@loaded(load_alliance)
def selection(alliance):
    form = TermsForm().fill(alliance)
    if request.method == "GET":
        return _index_page(alliance, form)
    return form_action(form, lambda: sel.create_terms(alliance, from_form(TermsIn, request.form), current_user),
                       lambda status: _index_page(alliance, form.fill(alliance), status),
                       lambda t: success(_l("Terms of reference saved."),
                                         url_for(".terms", alliance_id=alliance.id, terms_id=t.id)),
                       allowed=can_manage(current_user, alliance))


def _terms_page(alliance, t, status=200, **forms):
    providers = db.session.execute(db.select(Provider).order_by(Provider.name)).scalars().all()
    invited = {i.provider_id for i in t.invitations}
    proposal_form = forms.pop("proposal_form", None) or ProposalForm()
    proposal_form.provider_id.choices = options([(str(i.provider_id), i.provider.name) for i in t.invitations])
    select_form = forms.pop("select_form", None) or SelectForm()
    select_form.proposal_id.choices = options([(str(p.id), p.provider.name) for p in t.proposals])
    return render_template("assistance/terms.html", alliance=alliance, t=t, providers=providers, invited=invited,
                           rows=sel.evaluation(t), can_manage=can_manage(current_user, alliance),
                           invite_form=forms.pop("invite_form", None) or InviteForm(), proposal_form=proposal_form,
                           score_form=forms.pop("score_form", None) or ScoreForm(), select_form=select_form), status


bp.add_url_rule(PREFIX + "/<int:terms_id>", "terms", loaded(load_terms)(_terms_page))


@bp.get(PREFIX + "/<int:terms_id>/pdf")
@login_required
def terms_pdf(alliance_id, terms_id):
    alliance = load_alliance(alliance_id)
    t = _terms(alliance, terms_id)
    return Response(pdf.terms_pdf(t), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="terms-of-reference-{t.id}.pdf"'})


def _act(alliance, t, form_name, form, call, message):
    """A write of the board on the terms ``t`` from their page: the page again with the form, or back to it."""
    return form_action(form, lambda: call(t), lambda status: _terms_page(alliance, t, status, **{form_name: form}),
                       lambda result: success(message, url_for(".terms", alliance_id=alliance.id, terms_id=t.id)),
                       allowed=can_manage(current_user, alliance), invalid=lambda: abort(400))


@bp.post(PREFIX + "/<int:terms_id>/invite")
@loaded(load_terms)
def invite(alliance, t):
    form = InviteForm()
    return _act(alliance, t, "invite_form", form,
                lambda t: sel.invite(t, from_form(InvitationsIn, request.form), current_user), _l("Providers invited."))


@bp.post(PREFIX + "/<int:terms_id>/proposals")
@loaded(load_terms)
def proposal(alliance, t):
    form = ProposalForm()
    return _act(alliance, t, "proposal_form", form,
                lambda t: sel.record_proposal(t, from_form(ProposalIn, form_values(form)), current_user,
                                              request.files.get("file")), _l("Proposal recorded."))


@bp.post(PREFIX + "/<int:terms_id>/proposals/<int:proposal_id>/score")
@loaded(load_terms, "alliance_id", "terms_id")
def score(alliance, t, proposal_id):
    form = ScoreForm()

    def call(t):
        p = next((p for p in t.proposals if p.id == proposal_id), None)
        if p is None:
            abort(404)
        sel.score(p, from_form(ScoreIn, request.form), current_user)

    return _act(alliance, t, "score_form", form, call, _l("Score saved."))


@bp.post(PREFIX + "/<int:terms_id>/select")
@loaded(load_terms)
def select(alliance, t):
    form = SelectForm()
    return _act(alliance, t, "select_form", form,
                lambda t: sel.select(t, from_form(SelectionIn, request.form), current_user),
                _l("Provider selected; the minutes are written."))

