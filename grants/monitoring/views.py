"""Monitoring pages of an alliance: indicator values by period (/alliances/<id>/monitoring/indicators),
supervision visits with photos and follow-up actions (/alliances/<id>/monitoring/visits[/<vid>]). The alerts
page (/monitoring/alerts) is in views_alerts.py. An alliance the user may not see: 404."""
from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import selectinload

from .. import uploads
from ..alliances import page
from ..alliances.models import Alliance
from ..common import get_or_404
from ..extensions import db
from ..schemas import from_form
from ..schemas.fields import form_values
from ..web.forms import form_action, loaded, success
from ..web.idempotency import idempotent
from ..workflows.follow_up import FOLLOW_UP
from . import services as svc
from . import visits as visit_svc
from .alerting import ALERT_TITLES, alliance_alerts
from .forms import ActionForm, PhotoForm, ValueForm, VisitForm
from .models import FollowUpAction, Visit, VisitPhoto
from .permissions import MONITORED, SHOWN, can_answer, can_record_values, can_view, can_visit
from .schemas import ActionTransitionIn, PhotoIn, ValueIn, read_visit

bp = Blueprint("monitoring", __name__)


def load_alliance(alliance_id):
    return get_or_404(Alliance, alliance_id, lambda a: can_view(current_user, a))


def load_visit(alliance, visit_id):
    visit = get_or_404(Visit, visit_id)
    if visit.alliance_id != alliance.id:
        abort(404)
    return visit


def _with_visit(alliance_id, visit_id):
    """The alliance (``load_alliance``) and its visit ``visit_id`` (another alliance's: 404)."""
    alliance = load_alliance(alliance_id)
    return alliance, load_visit(alliance, visit_id)


@bp.app_context_processor
def monitoring_helpers():
    def section(alliance):
        if alliance.state not in SHOWN or not can_view(current_user, alliance):
            return None
        return {"alerts": alliance_alerts(alliance), "overdue": visit_svc.overdue_actions([alliance.id]),
                "visits": page.value(alliance, "monitoring_visits",
                                     lambda: db.session.execute(db.select(_visits_column(alliance.id))).scalar())}

    return {"monitoring_section": section, "ALERT_TITLES": ALERT_TITLES}


@page.figure("monitoring_visits")
def _visits_column(alliance_id=Alliance.id):
    """How many supervision visits the alliance had (the alliance page's monitoring card)."""
    return db.select(db.func.count()).select_from(Visit).where(Visit.alliance_id == alliance_id).scalar_subquery()


# indicator values -------------------------------------------------------------------------------------

def _indicators_page(alliance, form, status=200):
    values = svc.values_by_indicator(alliance)
    rows = []
    for ind in alliance.indicators:
        series = values.get(ind.id, [])
        latest = series[-1] if series else None
        pct = svc.progress(ind, latest)
        rows.append({"indicator": ind, "series": series, "latest": latest, "progress": pct,
                     "bar": None if pct is None else max(0, min(100, int(pct)))})
    return render_template("monitoring/indicators.html", alliance=alliance, rows=rows, form=form,
                           can_record=can_record_values(current_user, alliance) and alliance.state in MONITORED,
                           period=svc.current_period()), status


@bp.route("/alliances/<int:alliance_id>/monitoring/indicators", methods=["GET", "POST"])
@loaded(load_alliance)
@idempotent
def indicators(alliance):
    form = ValueForm().fill(alliance.indicators)
    if request.method == "GET":
        wanted = (request.args.get("indicator") or "").strip()[:12]
        if wanted:
            form.indicator_id.data = wanted
        return _indicators_page(alliance, form)
    if not can_record_values(current_user, alliance):
        abort(403)
    if not form.validate_on_submit():
        return _indicators_page(alliance, form, 400)
    ind = next((i for i in alliance.indicators if str(i.id) == (form.indicator_id.data or "")), None)
    if ind is None:
        form.indicator_id.errors = [_l("Choose an indicator of this alliance.")]
        return _indicators_page(alliance, form, 422)
    return form_action(form, lambda: svc.record_value(alliance, ind, from_form(ValueIn, form.values()), current_user),
                       lambda status: _indicators_page(alliance, form.fill(alliance.indicators), status),
                       lambda value: success(_l("Value recorded for %(period)s.", period=form.period.data),
                                             url_for(".indicators", alliance_id=alliance.id) + f"#indicator-{ind.id}"),
                       validate=False)  # validated above, before the indicator is looked up


# visits -----------------------------------------------------------------------------------------------

def _visits_page(alliance, form, status=200):
    visits = db.session.execute(db.select(Visit).where(Visit.alliance_id == alliance.id)
                                .options(selectinload(Visit.actions))
                                .order_by(Visit.visited_on.desc(), Visit.id.desc())).scalars().all()
    return render_template("monitoring/visits.html", alliance=alliance, visits=visits, form=form,
                           can_visit=can_visit(current_user, alliance) and alliance.state in MONITORED,
                           default_due=visit_svc.default_due().isoformat()), status


@bp.route("/alliances/<int:alliance_id>/monitoring/visits", methods=["GET", "POST"])
@loaded(load_alliance)
def visits(alliance):
    form = VisitForm().fill()
    if request.method == "GET":
        return _visits_page(alliance, form)
    return form_action(form, lambda: visit_svc.record_visit(alliance, read_visit(form.values()), current_user,
                                                            photos=request.files.getlist("photos")),
                       lambda status: _visits_page(alliance, form, status),
                       lambda v: success(_l("Visit recorded with %(n)s follow-up actions.", n=len(v.actions)),
                                         url_for(".visit", alliance_id=alliance.id, visit_id=v.id)),
                       allowed=can_visit(current_user, alliance), on_error=lambda exc: _row_errors(form, exc))


def _row_errors(form, exc):
    """Attach ``actions.<i>.<field>`` errors to the rows of the form."""
    for d in getattr(exc, "details", []) or []:
        parts = (getattr(d, "field", None) or "").split(".")
        if len(parts) == 3 and parts[0] == "actions" and parts[1].isdigit() and int(parts[1]) < len(form.actions):
            field = getattr(form.actions[int(parts[1])].form, parts[2], None)
            if field is not None:
                field.errors = list(field.errors or []) + [str(d.message)]


def _visit_page(alliance, visit, status=200, failed=None, action_form=None, photo_form=None):
    return render_template("monitoring/visit.html", alliance=alliance, visit=visit,
                           photo_form=photo_form or PhotoForm(), action_form=action_form or ActionForm(),
                           failed=failed, can_visit=can_visit(current_user, alliance) and alliance.state in MONITORED,
                           actions={a.id: [t.name for t in FOLLOW_UP.available(a, current_user)]
                                    for a in visit.actions} if alliance.state in MONITORED else {}), status


bp.add_url_rule("/alliances/<int:alliance_id>/monitoring/visits/<int:visit_id>", "visit",
                loaded(_with_visit)(_visit_page))


@bp.post("/alliances/<int:alliance_id>/monitoring/visits/<int:visit_id>/photos")
@loaded(_with_visit)
def add_photo(alliance, v):
    form = PhotoForm()
    return form_action(form, lambda: visit_svc.add_photo(v, request.files.get("photo"), current_user,
                                                         from_form(PhotoIn, {"caption": form.caption.data})),
                       lambda status: _visit_page(alliance, v, status, failed="photo", photo_form=form),
                       lambda photo: success(_l("Photo added."),
                                             url_for(".visit", alliance_id=alliance.id, visit_id=v.id) + "#photos"),
                       allowed=can_visit(current_user, alliance),
                       invalid=lambda: _visit_page(alliance, v, 400, photo_form=form))


def _load_photo(alliance_id, visit_id, photo_id):
    visit = load_visit(load_alliance(alliance_id), visit_id)
    return get_or_404(VisitPhoto, photo_id, lambda p: p.visit_id == visit.id)


@bp.get("/alliances/<int:alliance_id>/monitoring/visits/<int:visit_id>/photos/<int:photo_id>")
@loaded(_load_photo)
def photo(p):
    return uploads.send_stored(p.sha256, p.content_type, p.filename, as_attachment=False)


bp.add_url_rule("/alliances/<int:alliance_id>/monitoring/visits/<int:visit_id>/photos/<int:photo_id>/thumbnail",
                "photo_thumbnail", loaded(_load_photo)(lambda p: uploads.send_thumbnail(p.sha256, p.content_type)))


def load_action(alliance_id, action_id):
    """The alliance (``load_alliance``) and its follow-up action ``action_id`` (another alliance's: 404)."""
    alliance = load_alliance(alliance_id)
    a = get_or_404(FollowUpAction, action_id)
    if a.alliance_id != alliance.id:
        abort(404)
    return alliance, a


@bp.post("/alliances/<int:alliance_id>/monitoring/actions/<int:action_id>")
@loaded(load_action)
def act(alliance, a):
    name = request.form.get("action", "")
    if name not in FOLLOW_UP.by_name:
        abort(400)
    if not (can_answer if name == "answer" else can_visit)(current_user, alliance):
        abort(403)
    form = ActionForm()
    return form_action(form, lambda: visit_svc.act(a, from_form(ActionTransitionIn, form_values(form), action=name),
                                                   current_user, evidence=request.files.get("evidence")),
                       lambda status: _visit_page(alliance, a.visit, status, failed=a.id, action_form=form),
                       lambda result: success({"answer": _l("Answer sent to the officer."), "close": _l("Action closed."),
                                               "reopen": _l("Action reopened.")}[name],
                                              url_for(".visit", alliance_id=alliance.id, visit_id=a.visit_id)
                                              + f"#action-{a.id}"))


@bp.get("/alliances/<int:alliance_id>/monitoring/actions/<int:action_id>/evidence")
@loaded(load_action)
def evidence(alliance, a):
    if not a.evidence_sha256:
        abort(404)
    return uploads.send_stored(a.evidence_sha256, a.evidence_content_type, a.evidence_filename or "evidence")


from . import views_alerts  # noqa: E402,F401  (the alerts page)
