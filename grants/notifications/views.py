"""The user's notifications page, and the unread count for the header."""
from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from ..web.edge import write_on_read
from ..web.pagination import paginate
from . import services

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.app_context_processor
def unread_notifications():
    def count():
        if not current_user or not current_user.is_authenticated:
            return 0
        # read with the user (the web's user loader), else counted now
        read = request.environ.get("grants.session_figures", {}).get("unread_notifications")
        return read if read is not None else services.unread_count(current_user)

    return {"unread_notifications": count}


@bp.get("/")
@login_required
def index():
    """List the user's notifications; those shown are marked read (still highlighted this once)."""
    page = paginate(services.for_user(current_user))
    fresh = {n.id for n in page.items if n.read_at is None}
    if fresh:
        services.mark_read(current_user, fresh)
        write_on_read()  # the edge commits it; should it fail, the page is shown all the same
    return render_template("notifications/index.html", page=page, fresh=fresh)
