"""Funding pages: the agreement (PDF, signed copy), a tranche with its actions and documents, and the queues of
the officer (requested tranches) and the finance officer (approved tranches to pay). The alliance page shows
the funding section (``funding/_alliance_section.html``) through ``funding_summary``."""
import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..alliances import cards, ledger
from ..alliances.budget import Tranche
from ..alliances.models import Alliance
from ..alliances.permissions import alliance_filter, can_view_alliance, roles_toward
from ..schemas.fields import form_values
from ..common import get_or_404
from ..errors import DomainError
from ..extensions import db
from ..schemas import from_form
from ..web.edge import write_on_read
from ..web.forms import download, flash_violations, loaded, show_errors
from ..web.pagination import paginate
from ..workflows.tranche import TRANCHE
from . import guards, pdf, services
from .forms import SignedAgreementForm, TrancheActionForm
from .schemas import TrancheActionIn

bp = Blueprint("funding", __name__, url_prefix="/funding")


def load_alliance(alliance_id):
    alliance = get_or_404(Alliance, alliance_id)
    if not can_view_alliance(current_user, alliance):
        abort(404)
    return alliance


def load_tranche(alliance_id, number):
    """Tranche ``number`` of the alliance (404 when either is missing or the alliance is not visible)."""
    alliance = load_alliance(alliance_id)
    tranche = next((t for t in alliance.tranches if t.number == number), None)
    if tranche is None:
        abort(404)
    return tranche


def summary(alliance):
    """What the alliance page shows of the funding stage (None before the approval)."""
    if not services.agreement_available(alliance):
        return None
    roles = roles_toward(alliance, current_user)
    return {"balance": ledger.balance(alliance), "agreement": alliance.agreement,
            "signed": alliance.attachment_of("signed_agreement"),
            "can_upload": services.can_upload_signed(current_user, alliance), "upload_form": SignedAgreementForm(),
            "show_account": bool(roles & {"board", "treasurer", "officer", "finance", "admin"}),
            "blocked": guards.may_move_violations(alliance)}


@bp.app_context_processor
def funding_helpers():
    return {"funding_summary": summary}


# the agreement -------------------------------------------------------------------------------------------

def _document(path, endpoint, load, available, build, name, filename):
    """A PDF of the funding stage (``build(obj)``) of the object ``load`` finds (404 until it is
    ``available(obj)``), kept per alliance state as the document ``name(**args)`` (``pdf.kept``) and shown as
    ``filename(code, **args)``: served as kept with its ETag, 304 when the client has it already.

    One statement when nothing moved: the viewer's marker (allowed at the alliance's stamps as they are now: a
    viewer who loses the right moves a stamp, as for the stored pages) and the document as kept. Else ``load``
    (its 404) and the check, then the PDF built once and kept."""
    @login_required
    def view(alliance_id, **args):
        if not 0 < alliance_id < 2 ** 31:  # beyond an INTEGER column: PostgreSQL would refuse the parameter
            abort(404)
        doc = name(**args)
        row = pdf.probe(alliance_id, current_user, doc, request.if_none_match)
        if row is None:
            abort(404)
        obj = None
        if row.allowed is None:
            obj = load(alliance_id, **args)
            if not available(obj):
                abort(404)
            cards.allow(alliance_id, current_user, doc, row.stored_stamp, row.stored_shared)
            write_on_read()  # the edge commits the marker after the answer (a failed commit still answers)
        etag, body = pdf.kept(row, alliance_id, doc, lambda: obj or load(alliance_id, **args), build)
        if etag in request.if_none_match:
            answer = Response(status=304)
        else:
            answer = download(body, filename(row.code, **args))
        # the house's ``no-store`` for a signed-in user stays (grants/web/security.py: a shared phone keeps no
        # agreement): a client that keeps the file itself asks with its ETag and gets 304
        answer.set_etag(etag)
        return answer

    bp.add_url_rule(path, endpoint, view, methods=["GET"])


_document("/alliances/<int:alliance_id>/agreement.pdf", "agreement", load_alliance, services.agreement_available,
          pdf.agreement_pdf, lambda: "agreement", lambda code: f"{code}-convenio.pdf")


@bp.post("/alliances/<int:alliance_id>/signed-agreement")
@loaded(load_alliance)
def upload_signed(alliance):
    form = SignedAgreementForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        att = services.upload_signed_agreement(alliance, request.files.get("file"), current_user)
    except DomainError as exc:
        db.session.rollback()
        if exc.status == 404:
            abort(404)
        flash_violations(exc)
        return redirect(url_for("alliances.detail", alliance_id=alliance.id, _anchor="funding")), 303
    flash(_l("The signed agreement was uploaded (SHA-256 %(sha)s).", sha=att.sha256[:16] + "…"), "success")
    return redirect(url_for("alliances.detail", alliance_id=alliance.id, _anchor="funding"))


# a tranche -----------------------------------------------------------------------------------------------

def _tranche_page(tranche, form, status=200):
    alliance = tranche.alliance
    actions = TRANCHE.available(tranche, current_user)
    precheck = guards.rule_violations(alliance) if tranche.state == "requested" else []
    return render_template("funding/tranche.html", tranche=tranche, alliance=alliance, actions=actions, form=form,
                           precheck=precheck, blocked=guards.may_move_violations(alliance),
                           balance=ledger.balance(alliance)), status


@bp.route("/alliances/<int:alliance_id>/tranches/<int:number>", methods=["GET", "POST"])
@loaded(load_tranche)
def tranche(tranche):
    alliance_id, number = tranche.alliance_id, tranche.number
    form = TrancheActionForm()
    if request.method == "GET":
        return _tranche_page(tranche, form)
    if not form.validate_on_submit():
        return _tranche_page(tranche, form, 400)
    action = form.action.data or ""
    try:
        body = from_form(TrancheActionIn, form_values(form), comment=form.reason.data or None)
        t = services.tranche_action(tranche, action, current_user, body)
    except DomainError as exc:
        db.session.rollback()
        if exc.status == 404:
            abort(404)
        tranche = load_tranche(alliance_id, number)
        show_errors(form, exc)
        return _tranche_page(tranche, form, exc.status)
    flash(_l("Done: %(label)s. The tranche is now “%(state)s”.", label=t.label, state=TRANCHE.title(t.target)),
          "success")
    return redirect(url_for(".tranche", alliance_id=alliance_id, number=number))


_document("/alliances/<int:alliance_id>/tranches/<int:number>/request.pdf", "request_letter", load_tranche,
          lambda t: t.flow is not None and t.flow.requested_at is not None, pdf.request_letter_pdf,
          lambda number: f"request-{number}", lambda code, number: f"{code}-solicitud-{number}.pdf")
_document("/alliances/<int:alliance_id>/tranches/<int:number>/order.pdf", "disbursement_order", load_tranche,
          lambda t: t.state == "disbursed", pdf.disbursement_order_pdf,
          lambda number: f"order-{number}", lambda code, number: f"{code}-orden-{number}.pdf")


# queues --------------------------------------------------------------------------------------------------

def _queue(state, title, role):
    if not current_user.has_role(role, "admin", "auditor"):
        abort(403)
    query = (sa.select(Tranche).join(Alliance, Alliance.id == Tranche.alliance_id)
             .where(Tranche.state == state, alliance_filter(current_user)).order_by(Tranche.updated_at, Tranche.id))
    return render_template("funding/queue.html", page=paginate(query), title=title, state=state)


@bp.get("/disbursements")
@login_required
def disbursements():
    """The finance officer's queue: approved tranches waiting for their transfer."""
    return _queue("approved", _l("Transfers to record"), "finance")


@bp.get("/requests")
@login_required
def requests():
    """The officer's queue: tranches requested in the officer's regions."""
    return _queue("requested", _l("Tranche requests to decide"), "officer")
