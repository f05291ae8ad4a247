"""The API's plumbing. Each domain declares its endpoints with ``@endpoint``, which routes them on
the blueprint, validates the body with a pydantic model and records them for the OpenAPI document."""
import functools
import json
import re

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, g, jsonify, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from pydantic import ValidationError
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from ..accounts.services import token_lookup
from ..accounts.throttling import limit_api
from ..errors import DomainError, Forbidden, NotFound, StaleVersion, error_response
from ..extensions import csrf, db
from ..common import get_or_404, utcnow
from ..schemas import Model, Out, Patch  # noqa: F401 (the API's modules take their bases from here)
from ..schemas.types import MAX_INT
from ..uploads import send_stored

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
limit_api(bp)  # requests per token, signed-in user or address (429 ``throttled``)

#: every endpoint, for the OpenAPI document: dicts with path, method, summary, models, ...
REGISTRY = []

HTTP_CODES = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_type",
              422: "validation_error", 429: "throttled", 500: "server_error", 503: "unavailable"}
#: pydantic error types that mean "wrong type" (400) rather than "bad value" (422)
TYPE_ERRORS = re.compile(r"(_type|_parsing|model_attributes_type|json_invalid|int_from_float)$")


class ApiError(Exception):
    def __init__(self, status, code, message, details=None):
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details or []


def handle_exception(exc):
    """Translate any exception raised under ``/api`` into the error shape; never a bare 500."""
    db.session.rollback()
    if isinstance(exc, ApiError):
        return error_response(exc.status, exc.code, exc.message, exc.details)
    if isinstance(exc, DomainError):
        return error_response(exc.status, exc.code, exc.message or _default_message(exc.status), exc.details)
    if isinstance(exc, ValidationError):
        return _validation_response(exc)
    if isinstance(exc, HTTPException):
        status = exc.code or 500
        resp = error_response(status, HTTP_CODES.get(status, "error"), exc.description or exc.name)
        for key, value in exc.get_headers():  # e.g. the ``Allow`` a 405 must carry
            if key.lower() != "content-type":
                resp.headers[key] = value
        return resp
    # safety nets: the database refused what a service let through
    if isinstance(exc, StaleDataError):
        return error_response(409, "stale_version",
                              _l("Someone changed this object meanwhile. Reload it and try again."))
    if isinstance(exc, IntegrityError):
        current_app.logger.warning("API integrity error: %s", exc)
        return error_response(409, "conflict", _l("The change conflicts with data already stored."))
    if isinstance(exc, DataError):
        current_app.logger.warning("API data error: %s", exc)
        return error_response(422, "validation_error", _l("A value is out of range or too long."))
    current_app.logger.exception("API error")
    return error_response(500, "server_error", _l("Something went wrong on our side."))


def _default_message(status):
    return {403: _l("You may not do this."), 404: _l("Not found."), 409: _l("Conflict.")}.get(
        status, _l("The request was refused."))


def _validation_response(exc):
    details, type_error = [], False
    for err in exc.errors(include_url=False, include_context=False, include_input=False):
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
    g.api_token = None
    token = _bearer()
    if token is not None:
        row = token_lookup(token)
        if row is None:
            raise ApiError(401, "unauthenticated", _l("The token is missing, expired or revoked."))
        g.api_token = row
        g.api_user = row.user
        # the token's user is ``current_user`` for this request only (their language, no session)
        g._login_user = row.user
        return None
    g.api_user = current_user if current_user.is_authenticated else None
    if g.api_user is not None and request.method not in ("GET", "HEAD", "OPTIONS"):
        csrf.protect()
    return None


def api_user():
    return g.get("api_user")


def _check_text(value, depth=0):
    """Refuse strings a database cannot store (NUL, lone surrogates) and absurd nesting."""
    if depth > 20:
        raise ApiError(400, "bad_request", _l("The body is nested too deeply."))
    if isinstance(value, str):
        if "\x00" in value:
            raise ApiError(400, "bad_request", _l("Text may not contain NUL characters."))
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ApiError(400, "bad_request", _l("Text is not valid Unicode.")) from None
    elif isinstance(value, dict):
        for k, v in value.items():
            _check_text(k, depth + 1)
            _check_text(v, depth + 1)
    elif isinstance(value, list):
        for v in value:
            _check_text(v, depth + 1)


def parse_body(model, *, partial=False):
    """Validate the JSON body (or the form fields of a multipart request) against ``model``."""
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        raw = {k: v for k, v in request.form.items() if k != "csrf_token"}
    else:
        data = request.get_data(cache=True)
        if not data.strip():
            raw = {}
        else:
            try:
                raw = json.loads(data)
            except (ValueError, RecursionError):
                raise ApiError(400, "bad_request", _l("The body is not valid JSON.")) from None
    if not isinstance(raw, dict):
        raise ApiError(400, "bad_request", _l("The body must be a JSON object."))
    _check_text(raw)
    # ``client``: the money types take only strict strings ("1250.00") from a request (types.py)
    return model.model_validate(raw, context={"client": True})


def _method_status(method, status):
    return 200 if method == "GET" else status


def endpoint(path, methods=("GET",), *, summary, body=None, response=None, auth=True, paginated=False,
             query=None, multipart=None, status=200, tags=("api",), name=None, description=None,
             content_type=None, many=False):
    """Declare one API operation.

    ``body``: pydantic model of the request (passed to the view as ``body``); ``response``: pydantic
    model of one item (documented; ``paginated`` wraps it in the list shape, ``many`` in a plain
    array); ``query``: dict of query parameter name -> description (or ``(description, schema)``);
    ``multipart``: dict of file field -> description; ``status``: the success status of the write
    (a handler returning a dict or list gets it); ``content_type``: a non-JSON answer (a file)."""
    methods = tuple(m.upper() for m in methods)

    def deco(fn):
        @functools.wraps(fn)
        def view(**kwargs):
            if auth and api_user() is None:
                raise ApiError(401, "unauthenticated", _l("Sign in with a token first."))
            if body is not None and request.method in ("POST", "PUT", "PATCH"):
                kwargs["body"] = parse_body(body)
            result = fn(**kwargs)
            db.session.commit()  # the one commit of an API call: the handler returned without an error
            if isinstance(result, (dict, list)):
                return jsonify(result), _method_status(request.method, status)
            return result

        endpoint_name = name or fn.__name__
        bp.add_url_rule(path, endpoint=endpoint_name, view_func=view, methods=list(methods))
        for method in methods:
            REGISTRY.append(dict(path=path, method=method.lower(), summary=summary, body=body, response=response,
                                 auth=auth, paginated=paginated, many=many, query=query or {},
                                 multipart=multipart or {}, status=_method_status(method, status), tags=tags,
                                 description=description or (fn.__doc__ or "").strip() or None,
                                 content_type=content_type, operation_id=f"{endpoint_name}_{method.lower()}"))
        return view

    return deco


def operation(path, methods, *, name, load, call=None, answer=None, answer_loaded=None, description=None,
              **declared):
    """Declare an API write whose handler is the skeleton every write repeats, so that it is written once:
    ``load(**ids)`` the object the path names (404 when missing or not visible to the user), ``call(obj, body,
    user)`` one service with the body ``endpoint`` validated (the service checks the rules and permissions),
    then answer ``answer(what the service returned)`` or ``answer_loaded(obj)``. ``endpoint`` commits.
    Without ``call`` it is a read: ``answer(obj)`` (``reading``).
    ``name`` is the endpoint's name (and operation id); ``declared`` the rest of ``endpoint``'s arguments."""
    if (answer is None) == (answer_loaded is None):
        raise TypeError("operation() takes one of answer and answer_loaded")

    def handler(body=None, **ids):
        obj = load(**ids)
        result = obj if call is None else call(obj, body, api_user())
        return answer(result) if answer is not None else answer_loaded(obj)

    handler.__name__ = handler.__qualname__ = name
    return endpoint(path, methods, name=name, description=description, **declared)(handler)


def removal(path, *, name, load, call, **declared):
    """Declare a DELETE: ``load(**ids)`` the row (404 when missing or not visible), ``call(obj, user,
    version=<the query's version>)`` the service (409 ``stale_version`` when stale), then 204."""
    def handler(**ids):
        call(load(**ids), api_user(), version=request.args.get("version"))
        return no_content()

    handler.__name__ = handler.__qualname__ = name
    return endpoint(path, ["DELETE"], name=name, status=204, **declared,
                    query={"version": ("The version read (optional; stale: 409)", {"type": "integer"})})(handler)


def reading(path, *, name, load, answer, **declared):
    """Declare the GET of one object: ``load(**ids)`` it (404 when missing or not visible), ``answer(obj)``."""
    return operation(path, ["GET"], name=name, load=load, answer=answer, **declared)


def listing(path, *, name, load, rows, answer, **declared):
    """Declare the GET of a paginated list under the object the path names: ``load(**ids)`` it (404 when
    missing or not visible), ``rows(obj)`` the select of its rows in order, ``answer(row)`` each item."""
    return reading(path, name=name, load=lambda **ids: rows(load(**ids)), answer=lambda rows: paginate(rows, answer),
                   paginated=True, **declared)


def rows_of(model, parent, *order, key="alliance_id"):
    """The select of the ``model`` rows of ``parent`` (through the column ``key``) in ``order``."""
    return sa.select(model).where(getattr(model, key) == parent.id).order_by(*order)


def in_state(select, column, states, name="state"):
    """``select`` narrowed to ``column`` equal to the query parameter ``name`` (one of ``states``, 400
    otherwise); unchanged when the parameter is empty."""
    value = choice_arg(name, states)
    return select if value is None else select.where(column == value)


def known_action(action, workflow):
    """400 ``bad_request`` unless ``action`` is one of ``workflow``'s transitions."""
    if action not in workflow.by_name:
        raise ApiError(400, "bad_request", _l("Unknown action: %(action)s", action=action[:60]))


def page_args():
    """``(page, per_page)`` from the query string; 400 when malformed or out of bounds."""
    try:
        page = int(request.args.get("page", 1))
        per_page = int(request.args.get("per_page", 50))
    except ValueError:
        raise ApiError(400, "bad_request", _l("page and per_page must be whole numbers.")) from None
    if not 1 <= page <= MAX_INT or not 1 <= per_page <= 100:
        raise ApiError(400, "bad_request", _l("page starts at 1; per_page is between 1 and 100."))
    return page, per_page


def paginate(select, serialize):
    """Run ``select`` one page at a time: ``{"items", "page", "per_page", "total"}``."""
    page, per_page = page_args()
    total = db.session.execute(sa.select(sa.func.count()).select_from(select.order_by(None).subquery())).scalar()
    offset = (page - 1) * per_page
    rows = [] if offset >= total else db.session.execute(select.limit(per_page).offset(offset)).scalars().all()
    return {"items": [serialize(r) for r in rows], "page": page, "per_page": per_page, "total": total}


def search(select, *columns, name="q"):
    """``select`` narrowed to the rows where one of ``columns`` contains the query parameter ``name``
    (case-insensitive; ``%`` and ``_`` taken literally); unchanged when the parameter is empty."""
    q = text_arg(name)
    if not q:
        return select
    q = q.lower()
    return select.where(sa.or_(*(sa.func.lower(col).contains(q, autoescape=True) for col in columns)))


def int_arg(name):
    """An optional integer query parameter; 400 when malformed."""
    raw = request.args.get(name)
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not -MAX_INT <= value <= MAX_INT:
        raise ApiError(400, "bad_request", _l("%(name)s must be a whole number.", name=name))
    return value


def bool_arg(name):
    """An optional boolean query parameter (``true``/``false``, ``1``/``0``); 400 when malformed."""
    raw = (request.args.get(name) or "").strip().lower()
    if raw == "":
        return None
    if raw in ("true", "1", "yes"):
        return True
    if raw in ("false", "0", "no"):
        return False
    raise ApiError(400, "bad_request", _l("%(name)s must be true or false.", name=name))


def choice_arg(name, allowed):
    """An optional query parameter among ``allowed``; 400 otherwise."""
    raw = request.args.get(name)
    if raw in (None, ""):
        return None
    if raw not in allowed:
        raise ApiError(400, "bad_request", _l("Unknown value for %(name)s: %(value)s", name=name, value=raw[:60]))
    return raw


def text_arg(name, limit=200):
    raw = (request.args.get(name) or "").strip()
    return raw[:limit] or None


def dump(model, obj):
    """Serialise ``obj`` through the pydantic output ``model`` (money as strings, dates ISO)."""
    return model.model_validate(obj, from_attributes=True).model_dump(mode="json")


def check_version(obj, sent):
    """409 ``stale_version`` when the client's ``version`` is not the object's."""
    try:
        ok = sent is not None and int(sent) == obj.version
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise StaleVersion(_l("Someone changed this object meanwhile. Reload it and try again."))


def changes(body, *exclude):
    """The fields a PATCH ``body`` sent, without its ``version`` (and ``exclude``), for the service."""
    return body.model_dump(exclude_unset=True, exclude={"version", *exclude})


def changing(obj, body):
    """``obj`` about to be changed by a PATCH ``body``: 409 ``stale_version`` unless ``body.version`` is
    the object's, then ``touch(obj)``. Returns the fields sent (``changes(body)``)."""
    check_version(obj, body.version)
    touch(obj)
    return changes(body)


def touch(obj):
    """Mark ``obj``'s row as changed, so that its ``version`` moves even when only related rows
    (roles, regions, criteria) change."""
    if hasattr(obj, "updated_at"):
        obj.updated_at = utcnow()


def load(model, ident, visible=None):
    """The object with id ``ident``, or 404 ``not_found`` when it does not exist or ``visible(obj)``
    is false (another association's object answers 404 so that its existence does not leak)."""
    return get_or_404(model, ident, visible)


def load_one(model, *roles):
    """A ``load`` for ``operation`` and handlers: ``(<the path's one id>=ident)`` -> the ``model`` row (404 when
    missing), after ``require_role(*roles)`` when roles are given (403)."""
    def load_row(**ids):
        if roles:
            require_role(*roles)
        (ident,) = ids.values()
        return load(model, ident)

    return load_row


def child_of(load_parent, model, parent="alliance_id"):
    """A ``load`` for one ``model`` row under the object ``load_parent`` loads: ``(<parent>=pid, <row's id>=ident)``
    -> the row (404 when missing, under another parent, or when the parent is not visible)."""
    def load_row(**ids):
        owner = load_parent(ids.pop(parent))
        (ident,) = ids.values()
        return load(model, ident, lambda row: getattr(row, parent) == owner.id)

    return load_row


def present(load, there):
    """``load`` answering 404 also while ``there(obj)`` is false (what does not exist yet: a plan before it
    starts, a closeout before execution, a document before it can be printed)."""
    def load_present(*ident, **ids):
        obj = load(*ident, **ids)
        if not there(obj):
            raise NotFound()
        return obj

    return load_present


def permitted(load, allowed, message):
    """``load`` answering also 403 ``forbidden`` with ``message`` unless ``allowed(user, obj)``."""
    def load_permitted(*ident, **ids):
        obj = load(*ident, **ids)
        require(allowed(api_user(), obj), message)
        return obj

    return load_permitted


def require(allowed, message=None):
    """403 ``forbidden`` unless ``allowed``."""
    if not allowed:
        raise Forbidden(message or _l("You may not do this."))


def require_role(*roles):
    require(api_user().has_role(*roles), _l("This needs one of these roles: %(roles)s", roles=", ".join(roles)))


def file_response(data, mimetype, filename, inline=True):
    """A file as the answer: shown in the browser (``inline``) or saved (``attachment``) as ``filename``."""
    kind = "inline" if inline else "attachment"
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f'{kind}; filename="{filename}"'})


def pdf_response(data, filename):
    """A PDF shown in the browser as ``filename``."""
    return file_response(data, "application/pdf", filename)


def document(path, *, name, load, pdf, filename, **declared):
    """Declare the GET of a PDF document: ``load(**ids)`` what it prints (404 when missing, not visible or
    not there yet), ``pdf(obj)`` its bytes, ``filename(obj)`` its name."""
    return reading(path, name=name, load=load, answer=lambda obj: pdf_response(pdf(obj), filename(obj)),
                   content_type="application/pdf", **{"tags": ("documents",), **declared})


def stored_file(obj, prefix, *, fallback=None, as_attachment=False):
    """The file ``obj`` keeps in its ``<prefix>_sha256``, ``_content_type`` and ``_filename`` columns (``fallback``
    when it has no name); 404 when it has none."""
    digest = getattr(obj, f"{prefix}_sha256")
    if not digest:
        raise NotFound()
    return send_stored(digest, getattr(obj, f"{prefix}_content_type"), getattr(obj, f"{prefix}_filename") or fallback,
                       as_attachment=as_attachment)


def no_content():
    return Response(status=204)
