"""Probes for load balancers and the answer when the database cannot be reached.

``/healthz``: the process answers (no database, no session, no template): ``ok``.
``/readyz``: the database answers ``SELECT 1``: 200 ``ready``, or 503 with ``Retry-After``.

While the database is down every page and API call answers 503 with ``Retry-After`` and a short
message in the user's language, built without the database: no ``current_user``, no template (the
context processors read the database), the language from ``?lang``, the session or Accept-Language.

A pooled connection is tested (``SELECT 1``) before a request gets it only when it sat idle in the pool for
``DB_PING_IDLE_SECONDS`` or more (0: before every use), not on every request: a busy worker hands its connections
on within milliseconds, and the round trip cost every page (the portal's stored answer: half its database time).
A connection the database dropped while idle (a restart, a firewall's idle timeout) is replaced before use; one
dropped while the worker was busy fails its request with the 503 below, and the pool then replaces them all."""
import time

from flask import Blueprint, Response, current_app, jsonify, request, session, url_for
from flask_babel import force_locale, gettext
from markupsafe import escape
from sqlalchemy import exc as sa_exc
from sqlalchemy import event, text

from ..extensions import db

bp = Blueprint("health", __name__)

#: what a database that cannot be reached raises (connection refused or dropped, file unreadable,
#: pool exhausted); constraint and data errors are not among them
UNAVAILABLE_ERRORS = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)
#: seconds a client should wait before trying again (``RETRY_AFTER_SECONDS`` in the config)
RETRY_AFTER = 30


def register(app):
    """The probes and the 503 handler (more specific than the catch-all ``Exception`` handlers)."""
    app.register_blueprint(bp)
    for error in UNAVAILABLE_ERRORS:
        app.register_error_handler(error, unavailable)
    with app.app_context():
        if db.engine.dialect.name != "sqlite":  # a file: nothing to drop it
            ping_when_idle(db.engine, float(app.config.get("DB_PING_IDLE_SECONDS", 0)))


#: ``connection record .info`` key: when the connection was last connected or given back to the pool
_USED = "grants_used_at"


def ping_when_idle(engine, idle_seconds):
    """Test a connection of ``engine``'s pool before it is handed out only when it sat idle ``idle_seconds`` or
    more: a dead one is discarded and the pool connects again (``DisconnectionError``); a fresh one is not tested."""
    if getattr(engine, "_grants_ping_when_idle", False):
        return
    engine._grants_ping_when_idle = True

    @event.listens_for(engine, "connect")
    def fresh(_dbapi_connection, record):
        record.info[_USED] = None  # just connected: nothing to test

    @event.listens_for(engine, "checkin")
    def used(_dbapi_connection, record):
        record.info[_USED] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def test_if_idle(dbapi_connection, record, _proxy):
        since = record.info.get(_USED, 0.0)
        if since is None or time.monotonic() - since < idle_seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # noqa: BLE001 - whatever the driver says: this connection is not to be used
            raise sa_exc.DisconnectionError(f"idle connection failed its test: {_first_line(error)}") from error


@bp.get("/healthz")
def healthz():
    return Response("ok\n", mimetype="text/plain", headers={"Cache-Control": "no-store"})


@bp.get("/readyz")
def readyz():
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except UNAVAILABLE_ERRORS as error:
        current_app.logger.warning("readyz: database unreachable: %s", _first_line(error))
        return Response("unavailable\n", status=503, mimetype="text/plain",
                        headers={"Retry-After": str(_retry_after()), "Cache-Control": "no-store"})
    return Response("ready\n", mimetype="text/plain", headers={"Cache-Control": "no-store"})


def _retry_after():
    return int(current_app.config.get("RETRY_AFTER_SECONDS", RETRY_AFTER))


def _first_line(error):
    return str(getattr(error, "orig", None) or error).strip().splitlines()[0][:200] if str(error).strip() else ""


def _language():
    """The user's language without the database: ``?lang``, the session's choice, Accept-Language."""
    langs = current_app.config["LANGUAGES"]
    asked = request.args.get("lang")
    if asked in langs:
        return asked
    try:
        chosen = session.get("lang")
    except Exception:  # pragma: no cover - an unreadable session cookie is simply ignored
        chosen = None
    if chosen in langs:
        return chosen
    return request.accept_languages.best_match(langs) or current_app.config["BABEL_DEFAULT_LOCALE"]


def unavailable(error):
    """503 with ``Retry-After``: the JSON error shape (code ``unavailable``) under ``/api``, else a
    minimal page. Touches nothing that needs the database."""
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection is gone; the pool replaces it later
        pass
    current_app.logger.error("database unavailable (%s %s): %s", request.method, request.path, _first_line(error))
    lang = _language()
    with force_locale(lang):
        title = gettext("Service temporarily unavailable")
        message = gettext("The system cannot reach its database right now. Please try again in a minute.")
    headers = {"Retry-After": str(_retry_after()), "Cache-Control": "no-store"}
    if request.path.startswith("/api/"):
        resp = jsonify({"error": {"status": 503, "code": "unavailable", "message": message, "details": []}})
        resp.status_code = 503
        resp.headers.update(headers)
        return resp
    page = (
        f'<!doctype html>\n<html lang="{escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n"
        f'<link rel="stylesheet" href="{escape(url_for("static", filename="css/app.css"))}">\n</head>\n<body>\n'
        f'<main><section class="card error-page">\n<h1>{escape(title)}</h1>\n'
        f"<p>{escape(message)}</p>\n<p class=\"muted\">503</p>\n</section></main>\n</body>\n</html>\n")
    return Response(page, status=503, mimetype="text/html", headers=headers)
