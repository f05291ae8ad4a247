"""API endpoints of the execution stage (API.md): what they share here; the endpoints of expenses, contributions,
accountability reports and their statement, procurement and reallocations are in each part's ``api.py``. Multipart bodies carry the receipt in ``receipt``, the evidence in ``evidence`` and the
assembly's minutes in ``file``; JSON bodies work too, without a file."""
from flask_babel import lazy_gettext as _l

from ..api.core import api_user, require
from .permissions import can_record, can_view_execution

TAGS = ("execution",)
DENIED = _l("Only the association's treasurer or board record the execution.")


def _visible(obj):
    return can_view_execution(api_user(), obj.alliance)


def _writer(alliance):
    require(can_record(api_user(), alliance), DENIED)


# each part's endpoints (their modules import the helpers above from here)
from .expenses import api as expense_api  # noqa: E402,F401
from .contributions import api as contribution_api  # noqa: E402,F401
from .reports import api as report_api  # noqa: E402,F401
from .procurement import api as procurement_api  # noqa: E402,F401
from .reallocations import api as reallocation_api  # noqa: E402,F401
