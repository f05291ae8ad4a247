"""The user's notifications page, and the unread count for the header."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..extensions import db
from ..web.pagination import paginate
from . import services

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.app_context_processor
def unread_notifications():
    def count():
        if not current_user or not current_user.is_authenticated:
            return 0
        return services.unread_count(current_user)

    return {"unread_notifications": count}


@bp.get("/")
@login_required
def index():
    """List the user's notifications; those shown are marked read (still highlighted this once)."""
    page = paginate(services.for_user(current_user))
    fresh = {n.id for n in page.items if n.read_at is None}
    if fresh:
        services.mark_read(current_user, fresh)
        db.session.commit()
    return render_template("notifications/index.html", page=page, fresh=fresh)


@bp.post("/read")
@login_required
def read_all():
    count = services.mark_read(current_user)
    db.session.commit()
    flash(_l("%(n)s notifications marked as read.", n=count), "success")
    return redirect(request.referrer if (request.referrer or "").startswith(request.host_url)
                    else url_for(".index"))
