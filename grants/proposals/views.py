"""Pages of the business intention: profile form, screening with scores, revisions, the officer's
queue, the preselection per call, and the documents (profile PDF, minutes PDF, CSV and XLSX)."""
import re
from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l, ngettext
from flask_login import current_user, login_required
from markupsafe import Markup, escape

from ..alliances import page, stored
from ..alliances.models import Alliance
from ..alliances.permissions import can_edit_alliance, can_view_alliance, can_view_members, members_masked
from ..schemas.fields import form_values
from ..common import get_or_404, utcnow
from ..errors import DomainError
from ..extensions import db
from ..programs.models import Call
from ..schemas import from_form
from ..web.edge import write_on_read
from ..web.forms import download, flash_violations, loaded, show_errors
from ..web.pagination import paginate
from ..workflows import ALLIANCE
from ..associations.models import Member
from ..associations.levels import member_source_ids
from ..associations.services import mask_name
from . import exports, guards, pdf, preselection, screening, services
from .forms import PreselectionForm, ProfileForm, screening_form
from .models import ProfileRevision
from .schemas import PreselectionIn, ProfileEdit, ScreeningIn

bp = Blueprint("proposals", __name__)


def load(alliance_id):
    """The alliance, or 404 when it does not exist or the user may not see it (no leak)."""
    alliance = get_or_404(Alliance, alliance_id)
    if not can_view_alliance(current_user, alliance):
        abort(404)
    return alliance


@page.figure("proposals_revisions")
def _has_revisions():
    return db.exists().where(ProfileRevision.alliance_id == Alliance.id)


def section_context(alliance):
    """What the alliance page shows of the business intention (see proposals/_alliance_section.html)."""
    # the page's first statement says whether there is any revision (page.py): none, no statement
    revs = services.revisions(alliance) if page.value(alliance, "proposals_revisions", lambda: True) else []
    editable = can_edit_alliance(current_user, alliance)
    changes = services.latest_changes(alliance, revs)
    return {
        "profile": alliance.profile,
        "checks": guards.check_intake(alliance) if editable else None,
        "sheet": screening.sheet_if_any(alliance),  # criteria and scores in one statement
        "revisions": revs,
        "changes": changes,
        "can_edit_profile": editable,
        "can_screen": screening.can_screen(current_user, alliance),
        "show_members": can_view_members(current_user, alliance.association),
        "member_names": _member_names(alliance) if changes else {},  # only the changes name members
    }


def _member_names(alliance):
    if not can_view_members(current_user, alliance.association):
        return {}

    rows = db.session.execute(db.select(Member.id, Member.full_name)
                              .where(Member.association_id.in_(member_source_ids(alliance.association)))).all()
    if members_masked(current_user, alliance.association):  # auditors: initials only

        return {mid: mask_name(name) for mid, name in rows}
    return dict(rows)


@bp.app_context_processor
def proposal_helpers():
    return {"proposal_context": section_context}


@bp.route("/alliances/<int:alliance_id>/profile", methods=["GET", "POST"])
@loaded(load, allowed=can_edit_alliance)
def edit_profile(alliance):
    form = ProfileForm()
    if request.method == "GET":
        form.fill(alliance.profile)
    if form.validate_on_submit():
        files = {k: request.files.get(k) for k in services.PROFILE_FILES}
        try:
            services.save_profile(alliance, from_form(ProfileEdit, form_values(form)), current_user, files=files)
        except DomainError as exc:
            db.session.rollback()
            show_errors(form, exc)
            return render_template("proposals/profile_form.html", form=form, alliance=alliance), exc.status
        flash(_l("The business intention was saved. Submit it when it is complete."), "success")
        return redirect(url_for("alliances.detail", alliance_id=alliance.id) + "#intention")
    status = 422 if request.method == "POST" else 200
    return render_template("proposals/profile_form.html", form=form, alliance=alliance), status


@bp.route("/alliances/<int:alliance_id>/screening", methods=["GET", "POST"])
@loaded(load)
def screen(alliance):
    if "officer" not in ALLIANCE.roles_of(alliance, current_user) and not current_user.has_role("admin", "auditor"):
        abort(403)
    criteria = alliance.call.criteria
    sheet = screening.screening_sheet(alliance)
    can_score = screening.can_screen(current_user, alliance)
    form = screening_form(criteria, request.form if request.method == "POST" else None, sheet)
    if request.method == "POST":
        if not can_score:
            abort(403)
        if form.validate():
            scores = {c.code: getattr(form, f"score_{c.code}").data for c in criteria}
            comments = {c.code: getattr(form, f"comment_{c.code}").data or "" for c in criteria}
            try:
                screening.save_scores(alliance, from_form(ScreeningIn, {"scores": scores, "comments": comments}),
                                      current_user)
            except DomainError as exc:
                db.session.rollback()
                show_errors(form, exc)
                return _screen_page(alliance, form, sheet, can_score, exc.status)
            flash(_l("Scores saved: %(total)s of 100.", total=screening.total_of(alliance)), "success")
            return redirect(url_for(".screen", alliance_id=alliance.id))
        return _screen_page(alliance, form, sheet, can_score, 422)
    return _screen_page(alliance, form, sheet, can_score)


def _screen_page(alliance, form, sheet, can_score, status=200):
    revs = services.revisions(alliance)
    return render_template("proposals/screening.html", alliance=alliance, form=form, sheet=sheet,
                           can_score=can_score, checks=guards.check_intake(alliance),
                           changes=services.latest_changes(alliance, revs), revisions=revs,
                           actions=ALLIANCE.available(alliance, current_user),
                           member_names=_member_names(alliance)), status


@bp.get("/alliances/<int:alliance_id>/revisions")
@loaded(load)
def revisions(alliance):
    revs = services.revisions(alliance)
    pairs = [(revs[i], services.diff(revs[i - 1].data(), revs[i].data()) if i else None) for i in range(len(revs))]
    return render_template("proposals/revisions.html", alliance=alliance, pairs=list(reversed(pairs)),
                           member_names=_member_names(alliance))


@bp.get("/alliances/<int:alliance_id>/profile.pdf")
@loaded(load)
def profile_pdf(alliance):
    data = pdf.profile_pdf(alliance, with_names=can_view_members(current_user, alliance.association),
                           masked=members_masked(current_user, alliance.association))
    return download(data, f"perfil-{alliance.code}.pdf")


@bp.get("/screening")
@login_required
def queue():
    if not current_user.has_role("officer", "admin", "auditor"):
        abort(403)
    content = stored.page("proposals.queue", _draw_queue)  # stored for this viewer (alliances/stored.py)
    return render_template("stored_page.html", title=_l("Screening"), content=_put_ages(content))


def _draw_queue():
    page = paginate(screening.queue(current_user), key=Alliance.id)  # the page's intentions, then their joins
    return render_template("proposals/queue.html", layout="alliances/_stored.html", page=page)


#: where the stored queue shows how long an intention has waited: its age is drawn on each view (it grows by the
#: hour of the intention's submission, not at a day's start)
_AGE = re.compile(r'<grants-age since="([0-9T:.\-]+)">')


def _put_ages(content):
    now = utcnow()

    def age(match):
        days = max(0, (now - datetime.fromisoformat(match.group(1))).days)
        late = " late" if days > 14 else ""
        return f'<span class="age{late}">{escape(ngettext("%(num)s day", "%(num)s days", days))}</span>'

    return Markup(_AGE.sub(age, str(content)))


def _load_call(call_id):
    call = get_or_404(Call, call_id)
    if not preselection.can_view(current_user, call):
        abort(403)
    return call


@bp.get("/preselection")
@login_required
def calls():
    """The calls with intentions to rank, for committee members and officers."""
    import sqlalchemy as sa

    if not (current_user.has_role("officer", "admin", "auditor", "committee")):
        abort(403)
    rows = db.session.execute(
        sa.select(Call, sa.func.count(Alliance.id)).join(Alliance, Alliance.call_id == Call.id)
        .where(Alliance.state.in_(preselection.RANKED_STATES)).group_by(Call.id)
        .order_by(Call.closes_at.desc())).all()
    rows = [(c, n) for c, n in rows if preselection.can_view(current_user, c)]
    return render_template("proposals/calls.html", rows=rows)


@bp.route("/calls/<int:call_id>/preselection", methods=["GET", "POST"])
@loaded(_load_call)
def call_preselection(call):
    form = PreselectionForm()
    can_decide = preselection.can_decide(current_user, call)
    if request.method == "POST":
        if not can_decide:
            abort(403)
        action = request.form.get("decision", "")
        ids = request.form.getlist("alliance_ids")
        if form.validate_on_submit():
            try:
                body = from_form(PreselectionIn, {"decisions": [{"alliance_id": i, "action": action} for i in ids],
                                                  "comment": form.comment.data})
                minutes = preselection.decide(call, body, current_user)
            except DomainError as exc:
                db.session.rollback()
                flash_violations(exc)
                return _preselection_page(call, form, can_decide, exc.status)
            flash(_l("Decision recorded in minutes no. %(n)s.", n=minutes.number), "success")
            return redirect(url_for(".call_preselection", call_id=call.id))
        return _preselection_page(call, form, can_decide, 400)
    return _preselection_page(call, form, can_decide)


def _preselection_page(call, form, can_decide, status=200):
    rows = preselection.ranking(call, current_user)
    return render_template("proposals/preselection.html", call=call, rows=rows, form=form, can_decide=can_decide,
                           minutes=preselection.minutes_of(call),
                           can_export=exports.can_export(current_user, call)), status


@bp.get("/calls/<int:call_id>/preselection/minutes/<int:number>.pdf")
@loaded(_load_call, "call_id")
def minutes_pdf(call, number):
    minutes = preselection.find_minutes(call, number)
    if minutes is None:
        abort(404)
    return download(pdf.minutes_pdf(minutes), f"acta-preseleccion-{call.id}-{number}.pdf")


@bp.get("/calls/<int:call_id>/intentions.<any(csv, xlsx):fmt>")
@loaded(lambda call_id: get_or_404(Call, call_id), "call_id", allowed=exports.can_export)
def export(call, fmt):
    body, mimetype, filename = exports.export(call, current_user, fmt)
    write_on_read(essential=True)  # the export is logged in the audit trail: the edge commits it, or no file
    return download(body, filename, mimetype, inline=False)
