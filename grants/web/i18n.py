"""Language and formats: Spanish by default, English complete; the user picks."""
from decimal import Decimal

from flask import current_app, g, has_request_context, request, session
from flask_babel import format_date, format_datetime, format_decimal, get_locale, get_translations
from flask_login import current_user

from ..money import register_formatters


def compile_catalogs(app):
    """Compile each ``messages.po`` into ``messages.mo`` when the .mo is missing or older, so that the
    app speaks Spanish however it was started. A read-only install keeps what it has."""
    import os

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    root = os.path.join(app.root_path, "translations")
    if not os.path.isdir(root):
        return
    for lang in os.listdir(root):
        po = os.path.join(root, lang, "LC_MESSAGES", "messages.po")
        mo = po[:-2] + "mo"
        if not os.path.exists(po):
            continue
        if os.path.exists(mo) and os.path.getmtime(mo) >= os.path.getmtime(po):
            continue
        try:
            with open(po, "rb") as fh:
                catalog = read_po(fh, locale=lang)
            tmp = mo + ".tmp"
            with open(tmp, "wb") as fh:
                write_mo(fh, catalog)
            os.replace(tmp, mo)
        except OSError:  # pragma: no cover - read-only installation
            app.logger.warning("could not compile %s", po)


def select_locale():
    langs = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    asked = request.args.get("lang")
    if asked in langs:
        session["lang"] = asked
        return asked
    # the signed-in user's choice; a session without a user (the public portal, the sign-in page) loads none
    user = g.get("_login_user")
    if user is None and "_user_id" in session:
        user = current_user._get_current_object()
    if user is not None and user.is_authenticated and user.locale in langs:
        return user.locale
    if session.get("lang") in langs:
        return session["lang"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def translations():
    """The translations of the current locale, looked up once per request and locale: Flask-Babel builds the
    locale's name and looks up its cache on every string, and a page has a hundred. Kept on ``g`` with the
    locale they belong to (``force_locale``, e.g. a mail in its reader's language, changes the locale: they are
    looked up again); the catalogues themselves stay in Flask-Babel's per-process cache."""
    locale = get_locale()
    found = g.get("_grants_translations")
    if found is None or found[0] is not locale:
        found = (locale, get_translations())
        g._grants_translations = found
    return found[1]


def forget_translations():
    """The language may change (a test's next request in the same app context): look it up again."""
    g.pop("_grants_translations", None)


def install_template_gettext(app):
    """The templates' ``_``, ``gettext``, ``ngettext``, ``pgettext`` and ``npgettext`` through ``translations()``
    (the same strings as Flask-Babel's, without its per-string lookups)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n))


def select_timezone():
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def money(value, currency=None):
    """``Bs 1.250,00`` in Spanish, ``Bs 1,250.00`` in English; exact (Decimal in, text out)."""
    if value is None:
        return ""
    symbol = {"BOB": "Bs", "COP": "$", "PEN": "S/", "HNL": "L", "USD": "US$"}.get(currency or "", currency or "")
    text = format_decimal(Decimal(value), format="#,##0.00")
    return f"{symbol} {text}".strip()


def number(value, places=0):
    if value is None:
        return ""
    return format_decimal(Decimal(value), format="#,##0" + ("." + "0" * places if places else ""))


def percent(value):
    """A share such as Decimal('0.7000') as ``70,00 %``."""
    if value is None:
        return ""
    return format_decimal(Decimal(value) * 100, format="#,##0.00") + " %"


def date(value):
    return format_date(value, "medium") if value else ""


def datetime(value):
    return format_datetime(value, "short") if value else ""


def current_language():
    return str(get_locale() or "es")


register_formatters(money, percent)
