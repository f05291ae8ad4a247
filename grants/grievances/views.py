"""Grievance pages. Public (no sign-in): the form (``/grievances/new``, prefilled with ``association_id`` or
``alliance_code`` from the query string), the receipt with the tracking code, and the tracking page. For
grievance officers and admins: the list with filters, its XLSX export, the detail with the actions and the
supervision flag, the attachment. Anyone else gets 403 on the list and 404 on a grievance (no leak)."""
import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..associations.models import Association
from ..common import find, get_or_404
from ..extensions import db
from ..uploads import send_stored
from ..web.forms import XLSX, button_action, download, form_action, loaded
from ..web.pagination import paginate
from ..workflows.grievance import STATES
from . import services
from .forms import FilterForm, GrievanceForm, TrackForm
from .limits import filing_limit
from .models import CATEGORIES, Grievance
from .permissions import can_list, can_see_reporter, is_staff
from .xlsx import grievances_xlsx

bp = Blueprint("grievances", __name__, url_prefix="/grievances")
#: the receipt page shows the code of the grievance just filed, from this session only, once
_JUST_FILED = "grievance_just_filed"


def _association(raw):
    return find(Association, raw)


@bp.route("/new", methods=["GET", "POST"])
@filing_limit
def new():
    form = GrievanceForm().fill()
    if request.method == "GET":
        form.association_id.data = request.args.get("association_id", "")[:12]
        form.alliance_code.data = request.args.get("alliance_code", "")[:40]
    association = _association(form.association_id.data)

    def page(status=200):
        return render_template("grievances/new.html", form=form, association=association), status

    def filed(g):
        session[_JUST_FILED] = g.tracking_code
        return redirect(url_for("grievances.filed"))

    if request.method == "GET":
        return page()
    return form_action(form, lambda: services.file_grievance(form.values(), current_user,
                                                             request.files.get("attachment")),
                       page, filed, invalid_status=422)


@bp.get("/filed")
def filed():
    code = session.pop(_JUST_FILED, None)  # shown once: the next person on a shared phone does not see it
    if not code:
        return redirect(url_for("grievances.track_form"))
    return render_template("grievances/filed.html", code=code)


@bp.get("/track")
def track_form():
    form = TrackForm(request.args)
    if form.code.data:
        g = services.find_by_code(form.code.data)
        if g is not None:
            return redirect(url_for("grievances.track", code=g.tracking_code))
        flash(_l("No grievance has this code. Check it and try again."), "error")
        return render_template("grievances/track_form.html", form=form), 404
    return render_template("grievances/track_form.html", form=form)


@bp.get("/track/<code>")
def track(code):
    g = services.find_by_code(code[:40])
    if g is None:
        abort(404)
    return render_template("grievances/track.html", g=g)


# the grievance office -------------------------------------------------------------------------------------

def _filters():
    form = FilterForm(request.args)
    regions = db.session.execute(sa.select(Grievance.region).where(Grievance.region.is_not(None)).distinct()
                                 .order_by(Grievance.region)).scalars().all()
    form.fill(regions)
    conds = []
    if form.state.data in STATES:
        conds.append(Grievance.state == form.state.data)
    if form.category.data in CATEGORIES:
        conds.append(Grievance.category == form.category.data)
    if form.region.data:
        conds.append(Grievance.region == form.region.data[:100])
    return form, conds


@bp.get("")
@loaded(None, allowed=can_list)
def index():
    form, conds = _filters()
    page = paginate(sa.select(Grievance).where(*conds).order_by(Grievance.received_at.desc(), Grievance.id.desc()))
    return render_template("grievances/index.html", page=page, form=form, overdue=services.is_overdue)


@bp.get("/export.xlsx")
@loaded(None, allowed=can_list)
def export():
    _form, conds = _filters()
    rows = db.session.execute(sa.select(Grievance).where(*conds).order_by(Grievance.id)).scalars().all()
    body = grievances_xlsx(rows, with_reporter=can_see_reporter(current_user))
    return download(body, "grievances.xlsx", XLSX, inline=False)


def load(grievance_id):
    """The grievance, or 404 for anyone but the grievance office (its existence does not leak)."""
    return get_or_404(Grievance, grievance_id, lambda _g: is_staff(current_user))


@bp.get("/<int:grievance_id>")
@loaded(load)
def detail(g):
    return render_template("grievances/detail.html", g=g, actions=services.available(g, current_user),
                           overdue=services.is_overdue(g), see_reporter=can_see_reporter(current_user))


@bp.post("/<int:grievance_id>/transitions")
@loaded(load)
def transition(g):
    action = request.form.get("action", "")[:40]
    data = {k: request.form.get(k, "") for k in ("resolution", "reason") if k in request.form}
    return button_action(lambda: services.transition(g, action, current_user, data),
                         url_for("grievances.detail", grievance_id=g.id),
                         lambda t: _l("Done: %(label)s.", label=t.label))


@bp.post("/<int:grievance_id>/supervision")
@loaded(load)
def supervision(g):
    return button_action(lambda: services.flag_supervision(g, current_user, on=request.form.get("on") != "0"),
                         url_for("grievances.detail", grievance_id=g.id),
                         _l("The supervision request was saved."))


@bp.get("/<int:grievance_id>/attachment")
@loaded(load)
def attachment(g):
    if not g.attachment_sha256:
        abort(404)
    return send_stored(g.attachment_sha256, g.attachment_type, g.attachment_name)
