"""The home page: "my tasks" per role; and the audit trail for admins and auditors."""
import sqlalchemy as sa
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..alliances.models import Alliance
from ..alliances.permissions import alliance_filter
from ..audit.models import Event
from ..extensions import db
from ..workflows import ALLIANCE
from .pagination import paginate

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    return redirect(url_for("auth.login"))


def _actionable_states(user):
    """States in which some transition is open to a role this user can hold."""
    possible = set(user.roles) | {m.role for m in user.memberships}
    return sorted({s for t in ALLIANCE.transitions if possible.intersection(t.roles) for s in t.sources})


@bp.get("/dashboard")
@login_required
def dashboard():
    states = _actionable_states(current_user)
    tasks = []
    if states:
        rows = db.session.execute(
            sa.select(Alliance).where(alliance_filter(current_user), Alliance.state.in_(states))
            .order_by(Alliance.state_changed_at).limit(50)).scalars().all()
        for alliance in rows:
            actions = ALLIANCE.available(alliance, current_user)
            if actions:
                tasks.append((alliance, actions))
    counts = db.session.execute(
        sa.select(Alliance.state, sa.func.count()).where(alliance_filter(current_user)).group_by(Alliance.state)
    ).all()
    return render_template("main/dashboard.html", tasks=tasks, counts=dict(counts))


@bp.get("/audit")
@login_required
def audit_trail():
    if not current_user.has_role("admin", "auditor"):
        abort(403)
    query = sa.select(Event).order_by(Event.id.desc())
    kind = request.args.get("object_type")
    if kind:
        query = query.where(Event.object_type == kind)
    page = paginate(query)
    return render_template("main/audit.html", page=page, kind=kind, masked=not current_user.has_role("admin"))
