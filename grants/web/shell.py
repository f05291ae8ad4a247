"""The frame of every signed-in page (issue 12: what every page pays): the menu is drawn once per process for
each combination of what it depends on -- the user's global roles, whether they belong to an association and
sit on a board, the unread count, the language and the site's root (``request.script_root``) -- and kept on the
app. A pure function of that key: two users with the same key get the same bytes, and nothing a user may not
see can reach another (no user data is in the drawing but the count, which is in the key). ``base.html`` calls
``nav_menu(current_user, unread)``."""
from flask import current_app, request

from .forms import options
from .i18n import current_language

#: the language menu of every page (the form is posted to ``auth.language``: ``auth.LanguageForm``)
LANGUAGE_CHOICES = options([("es", "Español"), ("en", "English")])

#: ``app.extensions`` key of the drawn menus
MENUS = "grants_nav_menus"
#: at most this many drawings are kept (the roles' combinations x 2 x 2 x counts x languages); then all are dropped
KEEP = 2048


def nav_menu(user, unread):
    """The signed-in menu of ``user`` (HTML) with ``unread`` notifications."""
    app = current_app._get_current_object()
    roles = frozenset(r.role for r in user.role_rows)
    member = bool(user.memberships)
    board = member and any(m.role == "board" for m in user.memberships)
    key = (roles, member, board, int(unread or 0), current_language(), request.script_root)
    drawn = app.extensions.setdefault(MENUS, {})
    html = drawn.get(key)
    if html is None:
        html = app.jinja_env.get_template("_nav.html").module.menu(roles, member, board, key[3])
        if app.jinja_env.auto_reload:  # a template being edited: draw it every time
            return html
        if len(drawn) >= KEEP:
            drawn.clear()
        drawn[key] = html
    return html
