"""Guards of the alliance workflow that belong to the spine."""
from flask_babel import lazy_gettext as _l

from ..accounts.models import User
from ..errors import Violation
from ..extensions import db
from ..workflows import guard
from ..workflows import rules
from . import permissions  # noqa: F401  (registers the roles of the spine's workflows)


@guard("facilitator_valid")
def facilitator_valid(alliance, actor, data):
    """``start_plan`` assigns an active user who holds the facilitator role."""
    raw = data.get("facilitator_id")
    user = db.session.get(User, int(raw)) if str(raw or "").strip().isdigit() else None
    if user is None or not user.active or not user.has_role("facilitator"):
        return [Violation(rules.FACILITATOR_INVALID, _l("Choose a facilitator of the program."), "facilitator_id")]
    return []
