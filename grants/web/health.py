"""Probes for load balancers and the answer when the database cannot be reached.

``/healthz``: the process answers (no database, no session, no template): ``ok``.
``/readyz``: the database answers ``SELECT 1``: 200 ``ready``, or 503 with ``Retry-After``.

While the database is down every page and API call answers 503 with ``Retry-After`` and a short
message in the user's language, built without the database: no ``current_user``, no template (the
context processors read the database), the language from ``?lang``, the session or Accept-Language."""
from flask import Blueprint, Response, current_app, jsonify, request, session, url_for
from flask_babel import force_locale, gettext
from markupsafe import escape
from sqlalchemy import exc as sa_exc
from sqlalchemy import text

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
