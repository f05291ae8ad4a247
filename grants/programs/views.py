"""Program pages (admin) and call pages (list and detail for everyone signed in; editing for admins)."""
import sqlalchemy as sa
from flask import Blueprint, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..accounts.models import User, UserRole
from ..accounts.views import admin_required
from ..common import get_or_404, utcnow
from ..errors import StaleVersion, ValidationFailed
from ..extensions import db
from ..web.forms import form_action, loaded, options, success
from ..web.pagination import paginate
from . import services
from .forms import CallForm, ProgramForm, rule_sentences
from .models import DEFAULT_CRITERIA, Call, Program

bp = Blueprint("programs", __name__, url_prefix="/programs")

BLANK_CRITERIA_ROWS = 3


def _unchanged(obj):
    """``StaleVersion`` (409, its message flashed) when the form was filled from an older version of ``obj``."""
    sent = request.form.get("version")
    if sent and sent != str(obj.version):
        raise StaleVersion(_l("Someone changed this meanwhile. Look at it again before you save."))


def _form_status():
    """An invalid form answers 422; the empty form of a GET, 200."""
    return 422 if request.method == "POST" else 200


# ---- programs ----------------------------------------------------------------------------------------------

@bp.get("/")
@admin_required
def index():
    counts = sa.select(Call.program_id, sa.func.count().label("n")).group_by(Call.program_id).subquery()
    query = (sa.select(Program, sa.func.coalesce(counts.c.n, 0))
             .outerjoin(counts, counts.c.program_id == Program.id).order_by(Program.code))
    page = paginate(query, scalars=False)
    return render_template("programs/index.html", page=page)


def _program(program_id):
    return get_or_404(Program, program_id)


def _call(call_id):
    return get_or_404(Call, call_id)


@bp.get("/<int:program_id>")
@admin_required
@loaded(_program)
def detail(program):
    # the calls with their regions in three statements (not three per call)
    db.session.execute(sa.select(Call).options(*Call.listed()).where(Call.program_id == program.id)).scalars().all()
    return render_template("programs/detail.html", program=program, rules=rule_sentences(program), now=utcnow())


def _rule_errors(exc):
    """Errors of ``rules.<name>`` go to the rule's own input."""
    details = []
    for v in exc.details:
        field = v.field or ""
        if field.startswith("rules."):
            v = type(v)(v.rule, v.message, field[len("rules."):])
        details.append(v)
    return ValidationFailed(exc.message, details)


def _program_write(form, program, call, done):
    return form_action(form, call, lambda status: (render_template("programs/form.html", form=form, program=program),
                                                   status),
                       done, invalid_status=_form_status(), on_error=_rule_errors)


def _created(p):
    return success(_l("The program %(code)s was created.", code=p.code), url_for(".detail", program_id=p.id))


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def new():
    form = ProgramForm()
    if request.method == "GET":
        form.fill_from(None)
        form.currency.data = "BOB"
    return _program_write(form, None, lambda: services.create_program(form.data_for_service(), current_user), _created)


@bp.route("/<int:program_id>/edit", methods=["GET", "POST"])
@admin_required
@loaded(_program)
def edit(program):
    form = ProgramForm(obj=program if request.method == "GET" else None)
    if request.method == "GET":
        form.fill_from(program)

    def call():
        _unchanged(program)
        services.update_program(program, form.data_for_service(), current_user)

    return _program_write(form, program, call, lambda result: success(_l("Changes saved."),
                                                                      url_for(".detail", program_id=program.id)))


# ---- calls -------------------------------------------------------------------------------------------------

@bp.get("/calls")
@login_required
def calls():
    now = utcnow()
    # open calls first (closing soonest first), then those still to open, then the closed ones (latest first)
    group = sa.case((sa.and_(Call.opens_at <= now, Call.closes_at > now), 0), (Call.opens_at > now, 1), else_=2)
    sort = sa.case((Call.closes_at <= now, sa.null()), (Call.opens_at > now, Call.opens_at), else_=Call.closes_at)
    query = sa.select(Call).options(*Call.listed()).order_by(group, sort, Call.closes_at.desc(), Call.id.desc())
    program_id = request.args.get("program_id", "")
    if program_id.isdigit():
        query = query.where(Call.program_id == int(program_id))
    page = paginate(query)
    return render_template("programs/calls.html", page=page, now=now)


@bp.get("/calls/<int:call_id>")
@loaded(_call)
def call_detail(call):
    committee = []
    show_committee = bool(current_user.roles)  # staff; association users see the criteria only
    if show_committee and call.committee_ids:
        committee = db.session.execute(sa.select(User).where(User.id.in_(call.committee_ids))
                                       .order_by(User.name)).scalars().all()
    return render_template("programs/call_detail.html", call=call, now=utcnow(), committee=committee,
                           show_committee=show_committee)


def _call_choices(form, call=None):
    programs = db.session.execute(sa.select(Program).order_by(Program.code)).scalars().all()
    form.program_id.choices = options([("", _l("— choose —"))] + [(str(p.id), f"{p.code} · {p.name}")
                                                                  for p in programs])
    members = db.session.execute(sa.select(User).join(UserRole, UserRole.user_id == User.id)
                                 .where(UserRole.role == "committee").order_by(User.name)).scalars().all()
    ids = {u.id for u in members}
    # someone who left the committee still shows while named on this call, so that they can be removed
    extra = [u for u in (db.session.get(User, i) for i in (call.committee_ids if call else [])) if u and u.id not in ids]
    form.committee_ids.choices = options((str(u.id), u.name) for u in members + extra)


def _default_criteria():
    spanish = str(get_locale() or "es").startswith("es")
    return [{"code": code, "name": es if spanish else en, "weight": str(w), "max": "5"}
            for code, en, es, w in DEFAULT_CRITERIA]


def _call_write(form, call, write, done):
    """The call form's write: an invalid form, or one without criteria, answers 422; criteria errors go to their
    row (``criteria.<i>`` counts the filled rows only) or above the rows."""
    if not form.validate_on_submit() or _criteria_present(form):
        return _render_call_form(form, call, 422, _criteria_present(form))
    criteria_errors = []

    def refused(exc):
        rows = form.filled_criteria()
        details = []
        for v in exc.details:
            field = v.field or ""
            if field.startswith("criteria."):
                index = field.split(".", 1)[1]
                if index.isdigit() and int(index) < len(rows):
                    rows[int(index)].form.code.errors = list(rows[int(index)].form.code.errors) + [str(v.message)]
                else:
                    criteria_errors.append(str(v.message))
            elif field == "criteria":
                criteria_errors.append(str(v.message))
            else:
                details.append(v)
        return ValidationFailed(exc.message, details)

    return form_action(form, write, lambda status: _render_call_form(form, call, status, criteria_errors), done,
                       on_error=refused, validate=False)


def _render_call_form(form, call, status=200, criteria_errors=()):
    total = 0
    for row in form.filled_criteria():
        value = (row.form.weight.data or "").strip()
        total += int(value) if value.isdigit() else 0
    return render_template("programs/call_form.html", form=form, call=call, criteria_errors=list(criteria_errors),
                           weight_total=total), status


def _criteria_present(form):
    if not form.filled_criteria():
        return [str(_l("Give at least one scoring criterion."))]
    return []


def _call_created(c):
    return success(_l("The call “%(title)s” was created.", title=c.title), url_for(".call_detail", call_id=c.id))


@bp.route("/calls/new", methods=["GET", "POST"])
@admin_required
def new_call():
    form = CallForm()
    _call_choices(form)
    if request.method == "GET":
        for row in _default_criteria():
            form.criteria.append_entry(row)
        for _i in range(BLANK_CRITERIA_ROWS):
            form.criteria.append_entry()
        asked = request.args.get("program_id", "")
        if asked.isdigit():
            form.program_id.data = asked
        return _render_call_form(form, None)
    return _call_write(form, None, lambda: services.create_call(form.data_for_service(), current_user), _call_created)


@bp.route("/calls/<int:call_id>/edit", methods=["GET", "POST"])
@admin_required
@loaded(_call)
def edit_call(call):
    form = CallForm()
    _call_choices(form, call)
    if request.method == "GET":
        form.fill_from(call)
        for c in call.criteria:
            form.criteria.append_entry({"code": c.code, "name": c.name, "weight": str(c.weight), "max": str(c.max)})
        for _i in range(BLANK_CRITERIA_ROWS):
            form.criteria.append_entry()
        return _render_call_form(form, call)

    def write():
        _unchanged(call)
        services.update_call(call, form.data_for_service(), current_user)

    return _call_write(form, call, write, lambda result: success(_l("Changes saved."),
                                                                 url_for(".call_detail", call_id=call.id)))
