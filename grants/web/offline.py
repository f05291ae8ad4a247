"""The installable web app and its offline part: the manifest, the service worker at the site's root scope
(/sw.js, from static/js/sw.js), the offline page, the "waiting to send" page and a fresh CSRF token for the
queued forms (static/js/offline.js sends them when the connection returns, each with its idempotency key:
web/idempotency.py). Nothing here changes how the pages work without JavaScript."""
import os

from flask import Blueprint, current_app, jsonify, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from .i18n import current_language

bp = Blueprint("offline", __name__)

#: the app shell the service worker keeps (static files and the two pages that need no sign-in)
SHELL = ("css/app.css", "js/offline.js", "js/queue.js", "icons/icon-192.png", "icons/pdf.png", "icons/file.png",
         "favicon.ico")


#: the offline script's words as HTML-safe JSON, by language: built once per process and language (they change
#: only with the catalogues), not on every page
_STRINGS = {}


@bp.app_template_global()
def offline_strings():
    """The words of static/js/offline.js in the reader's language, for ``_offline.html`` (every page)."""
    language = current_language()
    found = _STRINGS.get(language)
    if found is None:
        found = _STRINGS[language] = Markup(htmlsafe_json_dumps({
            "waiting": _("%(n)s waiting to send", n="{n}"),
            "saved": _("No connection: saved on this phone. It will be sent when the connection returns."),
            "sent": _("Sent: %(n)s recorded.", n="{n}"),
            "refused": _("%(n)s refused: open “Waiting to send” to correct or discard.", n="{n}"),
            "correcting": _("You are correcting an item that is waiting to send. Save it to send it again."),
            "state_waiting": _("Waiting to send"),
            "state_refused": _("Refused"),
            "send_now": _("Send now"),
            "correct": _("Open to correct"),
            "discard": _("Discard"),
            "discard_confirm": _("Discard this item? It will not be recorded."),
            "empty": _("Nothing is waiting to send."),
            "saved_on": _("Saved on"),
            "refused_status": _("The server refused it (error %(n)s).", n="{n}"),
            "photo": _("photo"),
        }, dumps=current_app.json.dumps))
    return found


def _no_store(resp):
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.get("/sw.js")
def service_worker():
    resp = send_file(os.path.join(current_app.static_folder, "js", "sw.js"), mimetype="text/javascript",
                     max_age=0)
    resp.headers["Service-Worker-Allowed"] = "/"
    resp.headers["Cache-Control"] = "no-cache"
    return resp


@bp.get("/manifest.webmanifest")
def manifest():
    icons = [{"src": url_for("static", filename="icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
             {"src": url_for("static", filename="icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
             {"src": url_for("static", filename="icons/maskable-512.png"), "sizes": "512x512", "type": "image/png",
              "purpose": "maskable"}]

    resp = jsonify({"name": _("Rural alliances"), "short_name": _("Alliances"), "lang": current_language(),
                    "description": _("Grants of rural productive alliances: budget, expenses, reports."),
                    "start_url": "/", "scope": "/", "display": "standalone", "background_color": "#ffffff",
                    "theme_color": "#1f6a3a", "icons": icons})
    resp.mimetype = "application/manifest+json"
    resp.headers["Cache-Control"] = "no-cache"
    return resp


@bp.get("/offline")
def offline_page():
    """Shown by the service worker for a page not kept on the phone; the same for everyone (no user data)."""
    return render_template("offline/offline.html", offline_neutral=True)


@bp.get("/offline/pending")
def pending():
    """The list of what waits on this phone to be sent (drawn by offline.js from the phone's own storage)."""
    return render_template("offline/pending.html", offline_neutral=True)


@bp.get("/offline/token")
def token():
    """A fresh CSRF token for sending the queued forms, and who is signed in (401 when nobody is)."""
    if not current_user.is_authenticated:
        resp = jsonify({"error": {"status": 401, "code": "unauthenticated", "message": _("Please sign in."),
                                  "details": []}})
        resp.status_code = 401
        return _no_store(resp)
    return _no_store(jsonify({"csrf_token": generate_csrf(), "user": str(current_user.id)}))
