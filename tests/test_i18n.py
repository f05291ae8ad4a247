"""Spanish is complete: every message in the code and templates has a Spanish translation."""
import os

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PO = os.path.join(ROOT, "grants", "translations", "es", "LC_MESSAGES", "messages.po")
METHODS = [("**/translations/**", "ignore"), ("**.py", "python"), ("**/templates/**.html", "jinja2")]


def source_messages():
    found = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            os.path.join(ROOT, "grants"), METHODS, keywords={**DEFAULT_KEYWORDS, "_l": None}, options_map={"**/templates/**.html": {"extensions": "jinja2.ext.do"}}):
        key = message if isinstance(message, str) else message[0]
        found.setdefault(key, f"{filename}:{lineno}")
    return found


def test_every_message_has_a_spanish_translation():
    with open(PO, "rb") as fh:
        catalog = read_po(fh, locale="es")
    missing = []
    for msgid, where in sorted(source_messages().items()):
        entry = catalog.get(msgid)
        text = entry.string if entry is not None else None
        if isinstance(text, (tuple, list)):
            text = text[0]
        if not text or (entry is not None and entry.fuzzy):
            missing.append(f"{where}: {msgid!r}")
    assert not missing, f"{len(missing)} messages without Spanish:\n" + "\n".join(missing[:60])


def test_spanish_plurals_have_both_forms():
    """A plural message has its singular and its plural in Spanish ("34 familia" was a bug)."""
    with open(PO, "rb") as fh:
        catalog = read_po(fh, locale="es")
    same = [m.id for m in catalog if m.id and not isinstance(m.id, str) and len(set(m.string)) < 2]
    assert not same, same


def test_spanish_is_the_default_and_english_is_offered(app):
    assert app.config["BABEL_DEFAULT_LOCALE"] == "es"
    assert set(app.config["LANGUAGES"]) == {"es", "en"}


def test_pages_speak_the_users_language(login, make_user):
    es = make_user(roles=["auditor"], locale="es")
    en = make_user(roles=["auditor"], locale="en")
    assert "Mis tareas" in login(es).get("/dashboard").get_data(as_text=True)
    assert "My tasks" in login(en).get("/dashboard").get_data(as_text=True)


def test_money_is_formatted_for_the_locale(app):
    from decimal import Decimal

    from flask_babel import force_locale

    from grants.web.i18n import money

    with app.test_request_context():
        with force_locale("es"):
            assert money(Decimal("1250.5"), "BOB") == "Bs 1.250,50"
        with force_locale("en"):
            assert money(Decimal("1250.5"), "BOB") == "Bs 1,250.50"


def test_catalogues_are_well_formed():
    """Every entry has its msgid and msgstr (a merge that drops a line breaks the next entry)."""
    import glob

    for path in glob.glob("grants/translations/*/LC_MESSAGES/messages.po"):
        with open(path, "rb") as fh:
            read_po(fh, abort_invalid=True)
