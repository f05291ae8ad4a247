"""The templates' strings follow the request's language, and ``force_locale`` inside a request (a mail in its
reader's language) even after the page's strings were looked up (grants/web/i18n.py ``translations``)."""
from flask import render_template_string
from flask_babel import force_locale


def test_template_strings_follow_the_language_and_force_locale(app):
    page = "{{ _('Menu') }}|{{ ngettext('%(num)s day', '%(num)s days', 2) }}"
    with app.test_request_context("/?lang=es"):
        assert render_template_string(page).startswith("Menú|")
        with force_locale("en"):
            assert render_template_string(page).startswith("Menu|")
        assert render_template_string(page).startswith("Menú|")


def test_pages_in_each_language_one_after_the_other(client):
    for lang, word in (("es", "Ingresar"), ("en", "Sign in"), ("es", "Ingresar")):
        html = client.get(f"/login?lang={lang}").get_data(as_text=True)
        assert f'<html lang="{lang}">' in html and f"<h1>{word}</h1>" in html
