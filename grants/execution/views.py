"""Execution pages under /alliances/<id>/execution: the blueprint, at a glance, and what the pages of each part
(expenses, contributions, reports, procurement, reallocations: their ``views.py``) share.

Every member of the association reads (social control); its treasurer and board write; the officer of
the region approves or observes reports. Another association's alliance answers 404."""
from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from ..alliances.models import Alliance
from ..common import get_or_404
from ..web.forms import flash_violations
from .permissions import can_record, can_view_execution
from .summary import glance

bp = Blueprint("execution", __name__, url_prefix="/alliances/<int:alliance_id>/execution")
EXECUTING = ("in_execution", "suspended", "closing", "closed")


def load_alliance(alliance_id):
    return get_or_404(Alliance, alliance_id, lambda a: can_view_execution(current_user, a))


def _child(model, alliance, ident):
    return get_or_404(model, ident, lambda obj: obj.alliance_id == alliance.id)


def _writer(alliance):
    if not can_record(current_user, alliance):
        abort(403)


def _flash_rules(exc):
    flash_violations(exc)  # once each, without codes; nothing more after show_errors


@bp.app_context_processor
def execution_helpers():
    def section(alliance):
        if alliance.state not in EXECUTING:
            return None
        return {"glance": glance(alliance), "can_record": can_record(current_user, alliance)}

    return {"execution_section": section}


@bp.get("")
@login_required
def overview(alliance_id):
    alliance = load_alliance(alliance_id)
    return render_template("execution/overview.html", alliance=alliance, g_=glance(alliance),
                           can_write=can_record(current_user, alliance))


# each part's pages register on ``bp`` (their modules import it from here)
from .expenses import views as expense_views  # noqa: E402,F401
from .contributions import views as contribution_views  # noqa: E402,F401
from .reports import views as report_views  # noqa: E402,F401
from .procurement import views as procurement_views  # noqa: E402,F401
from .reallocations import views as reallocation_views  # noqa: E402,F401
