"""The home page: "my tasks" per role; and the audit trail for admins and auditors."""
import sqlalchemy as sa
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from ..alliances import stored, tasks
from ..alliances.models import Alliance
from ..alliances.permissions import GLOBAL_READERS, alliance_filter
from ..audit.models import Event
from ..extensions import db
from ..reports.cells import PortfolioCell
from . import history
from .pagination import paginate

bp = Blueprint("main", __name__)


@bp.app_context_processor
def history_helpers():
    """Events as sentences (grants/web/history.py) for the audit trail and the alliance's history."""
    return {"history_sentence": history.sentence, "history_details": history.details, "history_raw": history.raw}


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    return redirect(url_for("auth.login"))


@bp.get("/dashboard")
@login_required
def dashboard():
    """The work waiting for this person, most urgent first (grants/alliances/tasks.py), and the alliances
    they can see by state."""
    return render_template("main/dashboard.html", content=home_content(current_user))


def home_content(user):
    """The home's content (main/_dashboard.html) of ``user``: the tasks and the counts, stored per viewer and
    language (grants/alliances/stored.py) and served while nothing of the user's scope moved (the day, the code
    and the scope are in its variant; the user's own name, roles and regions bump the shared stamp). Not stored
    when a task source reads rows no stamp follows (a grievance office's grievances: ``tasks.reach``), nor when
    it reads alliances beyond the user's regions and associations (a buyer's, a TA provider's) and the user's
    scope is not every alliance."""
    def draw():
        waiting, total = tasks.collect(user)
        return render_template("main/_dashboard.html", tasks=waiting, total=total, counts=state_counts(user))

    reach = tasks.reach(user)
    if reach == tasks.UNSTAMPED or (reach == tasks.EVERYWHERE and stored.scope_of(user) != stored.EVERYTHING):
        return Markup(draw())
    return stored.page("main.dashboard", draw, user=user)


def state_counts(user):
    """``{state: n}`` of the alliances ``user`` may see (``alliance_filter``). When that is every alliance or
    whole regions (an officer who is nothing else), the portfolio's stored cells add it up (a few hundred rows,
    kept in the transaction of each change: grants/reports/cells.py) instead of counting the alliances."""
    if user.has_role(*GLOBAL_READERS):
        regions = None
    elif (user.has_role("officer") and user.regions and not user.association_ids()
          and not user.has_role("facilitator", "committee")):
        regions = sorted(user.regions)
    else:
        return dict(db.session.execute(sa.select(Alliance.state, sa.func.count()).where(alliance_filter(user))
                                       .group_by(Alliance.state)).all())
    q = sa.select(PortfolioCell.state, sa.func.sum(PortfolioCell.alliances)).group_by(PortfolioCell.state)
    if regions is not None:
        q = q.where(PortfolioCell.region.in_(regions))
    return {state: int(n) for state, n in db.session.execute(q).all() if n}


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
    return render_template("main/audit.html", page=page, kind=kind, masked=not current_user.has_role("admin"),
                           context=history.context_of(page.items), raw=request.args.get("raw") == "1")
