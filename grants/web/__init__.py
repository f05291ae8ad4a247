"""The web pages: blueprints, error pages, template helpers, the request's single commit."""
from flask import render_template, request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..errors import DomainError
from ..extensions import db, login_manager
from ..workflows import rules
from . import i18n


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed session cookie, its serializer made once per secret key instead of on every request.

    The pages the service worker keeps for offline use (``NEUTRAL_ENDPOINTS``: the same for everyone) never set
    or delete the cookie: the worker fetches them in the background with the cookie of the moment, and an answer
    arriving after the sign-in's would put the signed-out session back (the phone was sent back to sign in)."""

    _made = None

    def save_session(self, app, session, response):
        if request.endpoint in NEUTRAL_ENDPOINTS:
            return None
        return super().save_session(app, session, response)

    def get_signing_serializer(self, app):
        key = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        made = self._made
        if made is None or made[0] != key:
            made = self._made = (key, super().get_signing_serializer(app))
        return made[1]


#: the pages kept by the service worker (grants/web/offline.py): their answers leave the session cookie alone
NEUTRAL_ENDPOINTS = frozenset({"offline.offline_page", "offline.pending"})


def register(app):
    app.session_interface = SessionCookies()  # issue 12: the cookie's serializer is not rebuilt per request
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(user_id):
        # the cookie's user only while its server-side session lives (sign-out and password changes end it)
        from flask import session

        from ..accounts.services import session_user
        from ..notifications.services import unread_column

        # the menu's unread notifications in the user's own statement (one statement less on every page); the
        # expression is built once (it is immutable), not on every request
        if not _unread:
            _unread.append(unread_column())
        return session_user(user_id, session.get("sid"), extra={"unread_notifications": _unread[0]})

    _unread = []

    from ..accounts.views import bp as accounts_bp
    from ..alliances.views import bp as alliances_bp
    from ..associations.views import bp as associations_bp
    from ..programs.views import bp as programs_bp
    from .auth import bp as auth_bp
    from .main import bp as main_bp
    from ..notifications.views import bp as notifications_bp
    from ..proposals.views import bp as proposals_bp
    from ..plans.views import bp as plans_bp
    from ..funding.views import bp as funding_bp
    from ..execution.views import bp as execution_bp
    from ..assistance.views import bp as assistance_bp
    from ..execution.queue import bp as accountability_bp
    from ..revolving.views import bp as revolving_bp
    from ..closeout.views import bp as closeout_bp
    from ..monitoring.views import bp as monitoring_bp
    from ..reports.views import bp as reports_bp
    from ..sales.views import bp as sales_bp  # issue 15: deliveries to the buyer
    from ..grievances.views import bp as grievances_bp

    app.register_blueprint(grievances_bp)  # grievances: the public form and tracking, the grievance office

    for blueprint in (auth_bp, main_bp, accounts_bp, programs_bp, associations_bp, alliances_bp, proposals_bp,
                      notifications_bp, plans_bp, funding_bp, execution_bp, accountability_bp, assistance_bp, closeout_bp,
                      revolving_bp, monitoring_bp, reports_bp):
        app.register_blueprint(blueprint)
    from ..opendata.views import bp as opendata_bp  # open data: IATI, OCDS, CSV (issue 17)

    from ..reports.tables_csv import bp as portal_csv_bp  # the portal's tables as CSV (issue 17)

    app.register_blueprint(opendata_bp)
    app.register_blueprint(portal_csv_bp)

    from ..organisation.views import bp as organisation_bp  # the organisation's own plans (h6)
    from ..reports.rollup import bp as rollup_bp  # the second level's roll-up (h6)

    app.register_blueprint(organisation_bp)
    app.register_blueprint(rollup_bp)

    app.register_blueprint(sales_bp)
    from .offline import bp as offline_bp  # the installable app: manifest, /sw.js, offline and waiting pages

    app.register_blueprint(offline_bp)

    app.jinja_env.filters.update(money=i18n.money, number=i18n.number, percent=i18n.percent,
                                 date=i18n.date, datetime=i18n.datetime)
    from ..audit.labels import action_label
    from .forms import choice_label

    app.jinja_env.globals.update(current_language=i18n.current_language, choice_label=choice_label,
                                 action_label=action_label)
    app.jinja_env.add_extension("jinja2.ext.do")
    from . import shell  # the signed-in menu, drawn once per roles, count and language (issue 12)

    app.jinja_env.globals.update(nav_menu=shell.nav_menu, LANGUAGE_CHOICES=shell.LANGUAGE_CHOICES)
    i18n.install_template_gettext(app)  # the templates' strings: translations looked up once per request
    from .security import register as register_security  # HSTS, no-store for signed-in users, ProxyFix

    register_security(app)

    from ..workflows.rules import message as rule_message

    app.jinja_env.globals.update(rule_message=rule_message)  # a rule code's message, never the code

    from ..workflows.alliance import STATES

    from flask import request as _request

    app.jinja_env.globals.update(STATE_TITLES=STATES, LANGUAGES=app.config["LANGUAGES"], request=_request)

    @app.after_request
    def security_headers(resp):
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("X-Frame-Options", "DENY")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        resp.headers.setdefault("Content-Security-Policy",
                                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                                "frame-ancestors 'none'; form-action 'self'")
        return resp

    from .edge import register as register_edge

    register_edge(app)  # after_request: a page's write commits once, at the edge (runs before the headers)

    @app.before_request
    def pages_take_forms_only():
        # the pages take HTML forms; JSON goes to /api/v1 (Flask-WTF would try to read it as a form)
        from flask import abort

        if request.method != "GET" and request.is_json and not wants_json():
            abort(415)

    @app.before_request
    def fresh_login_state():
        # the signed-in user is resolved per request, even when a request runs inside an outer app
        # context (tests, CLI): Flask-Login caches it on ``g``, which lives as long as the app context
        from flask import g
        from flask_babel import refresh

        g.pop("_login_user", None)
        g.pop(app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)  # so is the form token (its session's)
        refresh()  # and so is the language (Flask-Babel caches it on the context too)
        i18n.forget_translations()  # and the templates' translations (i18n.translations)

    @app.teardown_request
    def rollback_leftovers(exc):
        # the views commit once at the edge; whatever was not committed is discarded
        if exc is not None:
            db.session.rollback()

    def wants_json():
        return request.path.startswith("/api/")

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        if wants_json():
            from ..api.core import error_response

            return error_response(400, rules.BAD_REQUEST, exc.description)
        return render_template("errors/error.html", status=400,
                               message=_l("The form expired or was sent twice. Go back, reload and try again.")), 400

    @app.errorhandler(HTTPException)
    def http_error(exc):
        db.session.rollback()
        if wants_json():
            from ..api.core import handle_exception

            return handle_exception(exc)
        status = exc.code or 500
        return render_template("errors/error.html", status=status, message=None), status

    @app.errorhandler(DomainError)
    def domain_error(exc):
        db.session.rollback()
        if wants_json():
            from ..api.core import handle_exception

            return handle_exception(exc)
        status = exc.status
        if status == 404:
            return render_template("errors/error.html", status=404, message=None), 404
        return render_template("errors/error.html", status=status, message=exc.message, details=exc.details), status

    @app.errorhandler(Exception)
    def unexpected(exc):
        db.session.rollback()
        if wants_json():
            from ..api.core import handle_exception

            return handle_exception(exc)
        app.logger.exception("Unhandled error")
        return render_template("errors/error.html", status=500, message=None), 500
