"""Execution pages under /alliances/<id>/execution: the blueprint, at a glance, and what the pages of each part
(expenses, contributions, reports, procurement, reallocations: their ``views.py``) share.

Every member of the association reads (social control); its treasurer and board write; the officer of
the region approves or observes reports. Another association's alliance answers 404."""
import functools

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user, login_required

from ..alliances import cards
from ..alliances.models import Alliance
from ..common import get_or_404
from ..errors import DomainError, Violation
from ..extensions import db
from ..schemas import from_form
from ..web.edge import write_on_read
from ..web.forms import form_action, loaded, stored, success
from ..web.pagination import paginate
from .permissions import can_record, can_view_execution
from .schemas import VoidIn
from .summary import counted, glance

bp = Blueprint("execution", __name__, url_prefix="/alliances/<int:alliance_id>/execution")
EXECUTING = ("in_execution", "suspended", "closing", "closed")
#: the execution page's stored part (``alliances/cards.py``'s ``page_fragments.part``)
OVERVIEW = "execution"


def load_alliance(alliance_id):
    return get_or_404(Alliance, alliance_id, lambda a: can_view_execution(current_user, a))


def _child(model, alliance, ident):
    return get_or_404(model, ident, lambda obj: obj.alliance_id == alliance.id)


def load_child(model, alliance_id, ident):
    """The alliance (404 unless the user may see its execution) and its ``model`` object ``ident`` (another
    alliance's: 404)."""
    alliance = load_alliance(alliance_id)
    return alliance, _child(model, alliance, ident)


def child(model):
    """The load (for ``loaded``) of the alliance's ``model`` object: ``(alliance, object)``, else 404."""
    return functools.partial(load_child, model)


def file_pages(path, model, name, endpoint, thumbnail=True):
    """The pages of the file ``name`` of the alliance's ``model`` objects (``stored``): ``path`` (``endpoint``)
    and, with ``thumbnail``, its thumbnail (``path``/thumbnail, ``endpoint``_thumbnail)."""
    bp.add_url_rule(path, endpoint, loaded(child(model))(lambda alliance, obj: stored(obj, name)), methods=["GET"])
    if thumbnail:
        bp.add_url_rule(f"{path}/thumbnail", f"{endpoint}_thumbnail",
                        loaded(child(model))(lambda alliance, obj: stored(obj, name, thumbnail=True)), methods=["GET"])


def listing(alliance, template, model, *order, rows="rows", paged=False, context=dict):
    """The ``page(status)`` of one of the alliance's lists: ``template`` with its ``model`` rows in ``order`` (as
    ``rows``; with ``paged``, one page of them and the pager as ``page``), whether the user records the execution
    (``can_write``) and ``context()`` (the forms, made when the page is shown)."""
    def page(status=200):
        select = db.select(model).where(model.alliance_id == alliance.id).order_by(*order)
        if paged:
            pager = paginate(select)
            found = {rows: pager.items, "page": pager}
        else:
            found = {rows: db.session.execute(select).scalars().all()}
        return render_template(template, alliance=alliance, **found, **context(),
                               can_write=can_record(current_user, alliance)), status
    return page


# The one write skeleton of the execution pages (grants.web.forms.form_action)


def listed(alliance, endpoint, message):
    """Back to the alliance's list ``endpoint`` with ``message`` as the success (a write from that list)."""
    return success(message, url_for(endpoint, alliance_id=alliance.id))


def record(alliance, form_class, service, schema, page, done, file=None):
    """A new record of the alliance from the page of its list (``write``): the form ``form_class`` (filled with
    the alliance's choices), ``service(alliance, body, user[, the uploaded file])`` with the form read as
    ``schema``; ``page(alliance, form)`` the list and the form."""
    form = form_class().fill(alliance)
    files = (request.files.get(file),) if file else ()
    return write(alliance, form, lambda: service(alliance, from_form(schema, form.values()), current_user, *files),
                 page(alliance, form), done)


def write(alliance, form, call, page, done, *, any_role=False, **options):
    """An execution page and its write: a GET shows ``page()``; a POST is ``form_action``: 403 unless the user
    records the execution of ``alliance`` (its treasurer or board; ``any_role``: the workflow checks the role of
    each action), the form validated, ``call()`` once, ``done(result)``, a refusal shown on ``page(status)``."""
    if request.method == "GET":
        return page()
    return form_action(form, call, page, done, allowed=any_role or can_record(current_user, alliance), **options)


def bad_request():
    """``invalid`` of a form with nothing to show (hidden fields, a CSRF token): 400."""
    abort(400)


def answer(*statuses, flashed=False):
    """``on_error`` of ``form_action``: a refusal with one of ``statuses`` answers as such (``abort``); the others
    go on the page, at their fields, or all flashed (``flashed``: the page shows no field of the posted form)."""
    def on_error(exc):
        if exc.status in statuses:
            abort(exc.status)
        return flash_all(exc) if flashed else None
    return on_error


def flash_all(exc, messages=None):
    """The refusal ``exc`` with no message at a field: its ``messages`` (the summary and each detail's), all
    flashed, in order, each once."""
    if messages is None:
        messages = [exc.message, *(d.message for d in exc.details)]
    return DomainError("", [Violation(exc.code, m) for m in messages if str(m or "")])


def sent_version(form):
    """The ``version`` the form was read at (a hidden field), when it is a number."""
    return form.version.data if (form.version.data or "").isdigit() else None


def void_body(form):
    """The ``VoidIn`` of a void form (an expense's, a contribution's): the reason and the version read."""
    return from_form(VoidIn, {"reason": form.reason.data}, version=sent_version(form))


@bp.app_context_processor
def execution_helpers():
    def section(alliance):
        if alliance.state not in EXECUTING:
            return None
        return {"glance": glance(alliance), "can_record": can_record(current_user, alliance)}

    return {"execution_section": section}


@bp.get("")
@login_required
def overview(alliance_id):
    """The execution at a glance: its content stored for this viewer (``alliances/cards.py``), served as stored
    while nothing moved it, else drawn and stored in the same transaction. A part is stored only after the viewer
    was allowed to see the execution (``load_alliance``), and whatever decides that bumps a stamp: a stored part
    still good is a permission still good."""
    if not 0 < alliance_id < 2 ** 31:  # beyond an INTEGER column: PostgreSQL would refuse the parameter
        abort(404)
    row = cards.read(alliance_id, current_user, [(OVERVIEW, ())])
    if row is None:
        abort(404)
    code, content, stamp, shared = row
    if content is None:
        # the alliance, its budget lines and tranches and the warnings' two counts in one statement
        row = db.session.execute(sa.select(Alliance, *counted()).where(Alliance.id == alliance_id)
                                 .options(sa.orm.joinedload(Alliance.budget_lines),
                                          sa.orm.joinedload(Alliance.tranches)).limit(1)).unique().first()
        if row is None or not can_view_execution(current_user, row[0]):
            abort(404)
        alliance = row[0]
        content = render_template("execution/_overview.html", alliance=alliance, g_=glance(alliance, row[1:]),
                                  can_write=can_record(current_user, alliance))
        cards.store(alliance.id, current_user, [(OVERVIEW, (), content)], stamp, shared)
        write_on_read()  # the edge commits the stored part after the answer (a failed commit still answers)
    return render_template("execution/overview.html", code=code, content=cards.serve(content))


# each part's pages register on ``bp`` (their modules import it from here)
from .expenses import views as expense_views  # noqa: E402,F401
from .contributions import views as contribution_views  # noqa: E402,F401
from .reports import views as report_views  # noqa: E402,F401
from .procurement import views as procurement_views  # noqa: E402,F401
from .reallocations import views as reallocation_views  # noqa: E402,F401
