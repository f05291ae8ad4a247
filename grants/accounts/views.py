"""User administration pages (admin only): list with filters, create, edit."""
from functools import wraps

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..common import get_or_404
from ..errors import StaleVersion, ValidationFailed
from ..web.forms import form_action, success
from ..web.pagination import paginate
from . import hooks, services
from .forms import (ASSOCIATION_ROLE_LABELS, BLANK_MEMBERSHIP_ROWS, ROLE_LABELS, UserFilterForm, UserForm)
from .models import Membership, User, UserRole

bp = Blueprint("accounts", __name__, url_prefix="/admin/users")


def admin_required(view):
    """Signed in (else the login page) and an administrator (else 403)."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.has_role("admin"):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


@bp.app_context_processor
def role_labels():
    return {"ROLE_LABELS": ROLE_LABELS, "ASSOCIATION_ROLE_LABELS": ASSOCIATION_ROLE_LABELS}


@bp.get("/")
@admin_required
def index():
    form = UserFilterForm(request.args)
    query = sa.select(User).order_by(sa.func.lower(User.name), User.id)
    role = form.role.data or ""
    if role in ROLE_LABELS:
        query = query.where(sa.exists().where(UserRole.user_id == User.id, UserRole.role == role))
    elif role.startswith("assoc:") and role[6:] in ASSOCIATION_ROLE_LABELS:
        query = query.where(sa.exists().where(Membership.user_id == User.id, Membership.role == role[6:]))
    q = (form.q.data or "").strip().lower()[:100]
    if q:
        like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(sa.or_(sa.func.lower(User.name).like(like, escape="\\"),
                                   sa.func.lower(User.email).like(like, escape="\\")))
    page = paginate(query)
    return render_template("accounts/index.html", page=page, form=form)


def _known_regions(user=None):
    """Regions that exist among associations, plus those the user already covers."""
    regions = set(hooks.association_regions())
    if user is not None:
        regions.update(user.regions)
    return sorted(r for r in regions if r)


def _prepare(form, user=None):
    """Choices of the selects and checkboxes; on a first GET, existing rows plus blank ones."""
    if request.method == "GET":
        for _i in range(BLANK_MEMBERSHIP_ROWS):
            form.memberships.append_entry()
    associations = hooks.associations_by_name()
    form.set_choices(associations, _known_regions(user))


def _membership_errors(exc):
    """Split the violations about memberships (shown above the rows) from the field ones."""
    mine = [str(v.message) for v in exc.details if (v.field or "").split(".")[0] == "memberships"]
    rest = [v for v in exc.details if (v.field or "").split(".")[0] != "memberships"]
    return mine, ValidationFailed(exc.message, rest)


def _not_locking_out(form, user):
    """An administrator may not deactivate themself nor drop their own admin role."""
    if user.id != current_user.id:
        return True
    if not form.active.data:
        form.active.errors = [_l("You cannot deactivate your own account.")]
        return False
    if "admin" not in (form.roles.data or []):
        form.roles.errors = [_l("You cannot remove your own administrator role.")]
        return False
    return True


def _render(form, user, status=200, membership_errors=()):
    return render_template("accounts/form.html", form=form, user=user,
                           membership_errors=list(membership_errors)), status


def _write(form, user, call, done, validate=True):
    """The account form's write: the violations about memberships shown above the rows, the others at their
    fields; an invalid form answers 422 (the empty form of a GET, 200)."""
    membership_errors = []

    def refused(exc):
        mine, rest = _membership_errors(exc)
        membership_errors.extend(mine)
        return rest

    return form_action(form, call, lambda status: _render(form, user, status, membership_errors), done,
                       invalid_status=422 if request.method == "POST" else 200, on_error=refused, validate=validate)


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def new():
    form = UserForm()
    _prepare(form)
    return _write(form, None, lambda: services.create_user(form.data_for_service(), current_user),
                  lambda user: success(_l("The account of %(name)s was created.", name=user.name), url_for(".index")))


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@admin_required
def edit(user_id):
    user = get_or_404(User, user_id)
    if request.method == "GET":
        form = UserForm(data={
            "name": user.name, "email": user.email, "active": user.active, "locale": user.locale,
            "phone": user.phone, "roles": user.roles, "regions": user.regions,
            "memberships": [{"association_id": str(m.association_id), "role": m.role, "title": m.title or ""}
                            for m in sorted(user.memberships, key=lambda m: (m.association.name, m.role))],
        })
    else:
        form = UserForm()
    _prepare(form, user)
    if not (form.validate_on_submit() and _not_locking_out(form, user)):
        return _render(form, user, 422 if request.method == "POST" else 200)

    def call():
        if request.form.get("version") and request.form.get("version") != str(user.version):
            raise StaleVersion(_l("Someone changed this account meanwhile. Look at it again before you save."))
        services.update_user(user, form.data_for_service(editing=True), current_user)

    def saved(_result):
        if user.id == current_user.id:  # a change of one's own roles ends one's sessions: keep this browser in
            services.end_session(session.get("sid"))
            session["sid"] = services.start_session(user)
        return success(_l("Changes saved."), url_for(".index"))

    return _write(form, user, call, saved, validate=False)
