"""The API's plumbing. Each domain declares its endpoints with ``@endpoint``, which routes them on
the blueprint, validates the body with a pydantic model and records them for the OpenAPI document."""
import functools
import re

from flask import Blueprint, current_app, g, jsonify, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import HTTPException

from ..errors import DomainError
from ..extensions import csrf, db

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

#: every endpoint, for the OpenAPI document: dicts with path, method, summary, models, ...
REGISTRY = []

HTTP_CODES = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_type",
              422: "validation_error", 429: "throttled", 500: "server_error"}
#: pydantic error types that mean "wrong type" (400) rather than "bad value" (422)
TYPE_ERRORS = re.compile(r"(_type|_parsing|model_attributes_type|json_invalid)$")


class ApiError(Exception):
    def __init__(self, status, code, message, details=None):
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details or []


def error_response(status, code, message, details=None):
    body = {"error": {"status": status, "code": code, "message": str(message),
                      "details": [d.as_dict() if hasattr(d, "as_dict") else d for d in details or []]}}
    resp = jsonify(body)
    resp.status_code = status
    return resp


def handle_exception(exc):
    """Translate any exception raised under ``/api`` into the error shape; never a bare 500."""
    db.session.rollback()
    if isinstance(exc, ApiError):
        return error_response(exc.status, exc.code, exc.message, exc.details)
    if isinstance(exc, DomainError):
        return error_response(exc.status, exc.code, exc.message or exc.code, exc.details)
    if isinstance(exc, ValidationError):
        return _validation_response(exc)
    if isinstance(exc, HTTPException):
        status = exc.code or 500
        return error_response(status, HTTP_CODES.get(status, "error"), exc.description or exc.name)
    current_app.logger.exception("API error")
    return error_response(500, "server_error", _l("Something went wrong on our side."))


def _validation_response(exc):
    details, type_error = [], False
    for err in exc.errors(include_url=False):
        field = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or None
        if TYPE_ERRORS.search(err.get("type", "")):
            type_error = True
        details.append({"rule": err.get("type", "invalid"), "field": field, "message": err.get("msg", "")})
    if type_error:
        return error_response(400, "bad_request", _l("Some fields have the wrong type."), details)
    return error_response(422, "validation_error", _l("Some fields need attention."), details)


def _bearer():
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return None


@bp.before_request
def authenticate():
    """Bearer tokens need no CSRF token; a cookie session on the API always does."""
    from ..accounts.services import token_lookup

    g.api_token = None
    token = _bearer()
    if token is not None:
        row = token_lookup(token)
        if row is None:
            raise ApiError(401, "unauthenticated", _l("The token is missing, expired or revoked."))
        g.api_token = row
        g.api_user = row.user
        return None
    g.api_user = current_user if current_user.is_authenticated else None
    if g.api_user is not None and request.method not in ("GET", "HEAD", "OPTIONS"):
        csrf.protect()
    return None


def api_user():
    return g.get("api_user")


def parse_body(model, *, partial=False):
    """Validate the JSON body (or the form fields of a multipart request) against ``model``."""
    if request.mimetype == "multipart/form-data" or request.mimetype == "application/x-www-form-urlencoded":
        raw = {k: v for k, v in request.form.items()}
    else:
        raw = request.get_json(silent=True)
        if raw is None and request.get_data():
            raise ApiError(400, "bad_request", _l("The body is not valid JSON."))
        if raw is None:
            raw = {}
    if not isinstance(raw, dict):
        raise ApiError(400, "bad_request", _l("The body must be a JSON object."))
    return model.model_validate(raw)


def endpoint(path, methods=("GET",), *, summary, body=None, response=None, auth=True, paginated=False,
             query=None, multipart=None, status=200, tags=("api",), name=None, description=None):
    """Declare one API operation.

    ``body``: pydantic model of the request (passed to the view as ``body``); ``response``: pydantic
    model of one item (documented; ``paginated`` wraps it in the list shape); ``query``: dict of query
    parameter name -> description; ``multipart``: dict of file field -> description."""
    methods = tuple(methods)

    def deco(fn):
        @functools.wraps(fn)
        def view(**kwargs):
            if auth and api_user() is None:
                raise ApiError(401, "unauthenticated", _l("Sign in with a token first."))
            if body is not None and request.method in ("POST", "PUT", "PATCH"):
                kwargs["body"] = parse_body(body)
            return fn(**kwargs)

        endpoint_name = name or fn.__name__
        bp.add_url_rule(path, endpoint=endpoint_name, view_func=view, methods=list(methods))
        for method in methods:
            REGISTRY.append(dict(path=path, method=method.lower(), summary=summary, body=body, response=response,
                                 auth=auth, paginated=paginated, query=query or {}, multipart=multipart or {},
                                 status=status if method != "GET" else 200, tags=tags, description=description,
                                 operation_id=f"{endpoint_name}_{method.lower()}"))
        return view

    return deco


def paginate(select, serialize):
    """Run ``select`` one page at a time: ``{"items", "page", "per_page", "total"}``."""
    import sqlalchemy as sa

    try:
        page = int(request.args.get("page", 1))
        per_page = int(request.args.get("per_page", 50))
    except ValueError:
        raise ApiError(400, "bad_request", _l("page and per_page must be whole numbers.")) from None
    if page < 1 or not 1 <= per_page <= 100:
        raise ApiError(400, "bad_request", _l("page starts at 1; per_page is between 1 and 100."))
    total = db.session.execute(sa.select(sa.func.count()).select_from(select.order_by(None).subquery())).scalar()
    rows = db.session.execute(select.limit(per_page).offset((page - 1) * per_page)).scalars().all()
    return {"items": [serialize(r) for r in rows], "page": page, "per_page": per_page, "total": total}


def int_arg(name):
    """An optional integer query parameter; 400 when malformed."""
    raw = request.args.get(name)
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError:
        raise ApiError(400, "bad_request", _l("%(name)s must be a whole number.", name=name)) from None


def dump(model, obj):
    """Serialise ``obj`` through the pydantic output ``model`` (money as strings, dates ISO)."""
    return model.model_validate(obj, from_attributes=True).model_dump(mode="json")


def check_version(obj, sent):
    """409 ``stale_version`` when the client's ``version`` is not the object's."""
    from ..errors import StaleVersion

    if sent is None or int(sent) != obj.version:
        raise StaleVersion(_l("Someone changed this object meanwhile. Reload it and try again."))


class Model(BaseModel):
    """Base for request bodies: unknown fields are refused."""

    model_config = {"extra": "forbid"}


class Out(BaseModel):
    model_config = {"from_attributes": True}
