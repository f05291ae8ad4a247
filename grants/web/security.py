"""Transport and caching headers, and the reverse proxy's forwarded headers.

- ``Strict-Transport-Security`` in production only: never in debug or testing, and only on a request
  that arrived over HTTPS (as the proxy reports it, see ``PROXY_FIX``) or when ``HSTS_ALWAYS`` says the
  site is only ever served over HTTPS. ``HSTS_SECONDS`` (default one year; 0 turns it off).
- ``Cache-Control: no-store`` on every answer to a signed-in user (pages, and the API called with a
  token or a session), so that a shared phone's browser or a proxy never keeps a page with personal or
  money data. Static files and answers that set their own ``Cache-Control`` (the public portal) keep
  theirs; anonymous pages are not touched.
- ``PROXY_FIX``: how many proxies set each ``X-Forwarded-*`` header (``{"x_for": 1, "x_proto": 1,
  "x_host": 1}``; empty: the app is reached directly and trusts none of them). With it, ``request.is_secure``
  and ``url_for(_external=True)`` see the client's scheme and host, and the login throttle its address.
"""
from flask import current_app, g, request
from flask_login import AnonymousUserMixin, current_user
from werkzeug.middleware.proxy_fix import ProxyFix

#: the ProxyFix arguments a configured proxy may set
PROXY_FIX_KEYS = ("x_for", "x_proto", "x_host", "x_port", "x_prefix")


def _signed_in():
    if getattr(g, "api_user", None) is not None:  # the API, with a token or a session
        return True
    user = g.get("_login_user")  # the user Flask-Login loaded for this request, if the request asked for one
    if user is not None:
        # decided by what was loaded: the edge may have committed since, and asking the expired user again would
        # read its row, roles, regions and memberships once more (4 statements) just to set a header
        return not isinstance(user, AnonymousUserMixin)
    return bool(current_user and current_user.is_authenticated)


def _hsts_applies(app):
    if app.debug or app.testing or not app.config.get("HSTS_SECONDS"):
        return False
    return request.is_secure or bool(app.config.get("HSTS_ALWAYS"))


def add_headers(resp):
    app = current_app
    if _hsts_applies(app):
        resp.headers.setdefault("Strict-Transport-Security", f"max-age={int(app.config['HSTS_SECONDS'])}; "
                                                             "includeSubDomains")
    if request.endpoint == "static" or "Cache-Control" in resp.headers:
        return resp
    if _signed_in():
        resp.headers["Cache-Control"] = "no-store"
        resp.headers["Pragma"] = "no-cache"  # HTTP/1.0 caches
    return resp


def register(app):
    proxy = app.config.get("PROXY_FIX") or {}
    if isinstance(proxy, int):  # GRANTS_PROXY_FIX=1: one proxy sets X-Forwarded-For, -Proto and -Host
        proxy = {"x_for": proxy, "x_proto": proxy, "x_host": proxy} if proxy > 0 else {}
    unknown = set(proxy) - set(PROXY_FIX_KEYS)
    if unknown:
        raise ValueError(f"PROXY_FIX: unknown keys {sorted(unknown)}; use {PROXY_FIX_KEYS}")
    if proxy:
        app.wsgi_app = ProxyFix(app.wsgi_app, **{k: int(v) for k, v in proxy.items()})
    app.after_request(add_headers)
