"""The officer's queue of accountability reports to review (rendiciones de cuentas), oldest first."""
import sqlalchemy as sa
from flask import Blueprint, abort, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from ..alliances import stored
from ..alliances.models import Alliance
from ..alliances.permissions import alliance_filter
from ..web.pagination import paginate
from ..workflows.report import REPORT
from .models import AccountabilityReport

bp = Blueprint("accountability", __name__, url_prefix="/accountability-reports")


@bp.get("/")
@login_required
def queue():
    if not current_user.has_role("officer", "admin", "auditor"):
        abort(403)
    content = stored.page("accountability.queue", _draw)  # stored for this viewer (alliances/stored.py)
    return render_template("stored_page.html", title=_l("Accountability reports"), content=content)


def _draw():
    state = request.args.get("state", "submitted")
    if state not in REPORT.states:
        state = "submitted"
    query = (sa.select(AccountabilityReport).join(Alliance, Alliance.id == AccountabilityReport.alliance_id)
             .where(AccountabilityReport.state == state, alliance_filter(current_user))
             .options(joinedload(AccountabilityReport.alliance))
             .order_by(AccountabilityReport.submitted_at, AccountabilityReport.id))
    return render_template("execution/report_queue.html", layout="alliances/_stored.html", page=paginate(query),
                           state=state, states=REPORT.states)
