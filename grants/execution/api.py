"""API endpoints of the execution stage (API.md): what they share here; the endpoints of expenses, contributions,
accountability reports and their statement, procurement and reallocations are in each part's ``api.py``. Multipart bodies carry the receipt in ``receipt``, the evidence in ``evidence`` and the
assembly's minutes in ``file``; JSON bodies work too, without a file."""
from flask import request
from flask_babel import lazy_gettext as _l

from ..api.core import ApiError, api_user, require
from ..schemas.fields import as_body
from ..workflows import rules
from .permissions import can_record, can_view_execution
from .schemas import VoidIn

TAGS = ("execution",)
DENIED = _l("Only the association's treasurer or board record the execution.")


def _visible(obj):
    return can_view_execution(api_user(), obj.alliance)


def _writer(alliance):
    require(can_record(api_user(), alliance), DENIED)


def recorded(alliance, write, out, denied=DENIED):
    """One write of the association's treasurer or board on ``alliance`` (403 ``forbidden``, ``denied``, for anyone
    else): ``write(user)`` called once, its result answered by ``out`` (the endpoint commits)."""
    require(can_record(api_user(), alliance), denied)
    return out(write(api_user()))


def void_query():
    """The ``VoidIn`` of a DELETE: query ``reason`` (required) and ``version`` (400 unless a whole number)."""
    raw = request.args.get("version")
    version = int(raw) if raw and raw.isdigit() and len(raw) < 10 else None
    if raw and version is None:
        raise ApiError(400, rules.BAD_REQUEST, _l("version must be a whole number."))
    return as_body(VoidIn, {"reason": request.args.get("reason"), "version": version})


# each part's endpoints (their modules import the helpers above from here)
from .expenses import api as expense_api  # noqa: E402,F401
from .contributions import api as contribution_api  # noqa: E402,F401
from .reports import api as report_api  # noqa: E402,F401
from .procurement import api as procurement_api  # noqa: E402,F401
from .reallocations import api as reallocation_api  # noqa: E402,F401
