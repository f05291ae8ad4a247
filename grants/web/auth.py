"""Sign in and out, change password, language. Every write here is a POST answered with a redirect: the
request edge (``edge.py``) commits it; a refused sign-in (401) or password (422) keeps nothing."""
from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField
from wtforms.validators import DataRequired, EqualTo

from ..accounts import services
from ..accounts.forms import LoginForm
from ..accounts.throttling import sign_in_limits
from ..errors import DomainError
from ..extensions import db
from .forms import show_errors
from .shell import LANGUAGE_CHOICES

bp = Blueprint("auth", __name__)


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password"), validators=[DataRequired()])
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("new_password", message=_l("The passwords differ."))])


class LanguageForm(FlaskForm):
    lang = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)


def _safe_next(target):
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("main.dashboard")


@bp.route("/login", methods=["GET", "POST"])
@sign_in_limits  # failed sign-ins per address and per address + account (429 from the limiter)
def login():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("main.dashboard"))
    # a POST signs in whoever typed their password, even over a stale session (a shared phone, an old tab)
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            services.end_session(session.get("sid"))  # whoever was signed in on this browser before
            session.clear()
            _sign_in(user)  # the edge commits the new session with the redirect
            return redirect(_safe_next(request.args.get("next")))
        db.session.rollback()  # nothing to keep; the limiter counts the failure (the 401) on its own
        flash(_l("The e-mail or the password is not right."), "error")
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


def _sign_in(user):
    """Start a server-side session for this browser and put its id in the (signed) cookie."""
    session["sid"] = services.start_session(user)
    login_user(user)
    session.permanent = True


@bp.post("/logout")
@login_required
def logout():
    services.end_session(session.get("sid"))  # the edge commits it with the redirect
    logout_user()
    session.clear()
    flash(_l("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.new_password.data)
        except DomainError as exc:
            db.session.rollback()
            show_errors(form, exc)
            return render_template("auth/password.html", form=form), 422
        _sign_in(current_user._get_current_object())  # the other sessions and the tokens have ended
        flash(_l("Your password has been changed. Your other sessions and your API tokens have ended."),
              "success")
        return redirect(url_for("main.dashboard"))
    return render_template("auth/password.html", form=form), (400 if request.method == "POST" else 200)


class ConfirmForm(FlaskForm):
    """A button that changes something: the CSRF token and nothing else."""


@bp.get("/account/tokens")
@login_required
def tokens():
    """The user's API tokens that still work and the number of browsers signed in, with buttons to end them."""
    rows = db.session.execute(services.list_tokens(current_user)).scalars().all()
    return render_template("accounts/tokens.html", tokens=rows, form=ConfirmForm(),
                           sessions=services.count_sessions(current_user))


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id):
    form = ConfirmForm()
    if not form.validate_on_submit():
        return redirect(url_for(".tokens"))
    row = services.find_live_token(current_user, token_id)
    if row is None:  # another user's token, or one already revoked or expired
        abort(404)
    services.revoke_token(row)
    flash(_l("The token was revoked: it no longer works."), "success")
    return redirect(url_for(".tokens"))


@bp.post("/account/sessions/end")
@login_required
def end_other_sessions():
    """Sign out every other browser and revoke every token; this browser stays signed in."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        return redirect(url_for(".tokens"))
    user = current_user._get_current_object()
    services.sign_out_everywhere(user)
    _sign_in(user)
    flash(_l("Your other sessions and your API tokens have ended."), "success")
    return redirect(url_for(".tokens"))


@bp.post("/language")
def language():
    form = LanguageForm()
    if form.validate_on_submit():
        lang = form.lang.data
        session["lang"] = lang
        if current_user.is_authenticated:
            services.set_locale(current_user, lang)
    back = request.referrer or ""
    host = request.host_url
    return redirect(back if back.startswith(host) else url_for("main.dashboard"))
