"""The repeated parts of a page view, written once (grants/web/forms.py): ``loaded`` (signed in, the objects the URL
names loaded, the access check), ``download``, ``stored``, ``matching`` and ``QueryForm``, on the real database."""
import pytest
import sqlalchemy as sa
from flask import request
from flask_login import login_user
from werkzeug.exceptions import Forbidden, NotFound
from wtforms import StringField

from grants import uploads
from grants.assistance.models import Provider
from grants.common import get_or_404
from grants.errors import NotFound as Missing
from grants.extensions import db
from grants.web.forms import PDF, QueryForm, download, loaded, matching, stored


def _provider(provider_id):
    return get_or_404(Provider, provider_id)


def _named(name):
    p = Provider(name=name)
    db.session.add(p)
    db.session.flush()
    return p


@loaded(_provider, allowed=lambda user, p: p.name != "Hidden")
def _show(p, **rest):
    return ("shown", p.name, rest)


def _pair(first_id, second_id):
    return _provider(first_id), _provider(second_id)


@loaded(_pair, "first_id", "second_id")
def _both(first, second, page):
    return (first.name, second.name, page)


def test_anonymous_is_sent_to_sign_in_and_nothing_is_loaded(app):
    loads = []

    @loaded(lambda provider_id: loads.append(provider_id))
    def view(_p):
        pytest.fail("not for anonymous users")

    with app.test_request_context("/x"):
        answer = view(provider_id=1)
        assert answer.status_code in (302, 401)
    assert loads == []


def test_the_view_gets_the_loaded_object_instead_of_the_id(app, admin):
    p = _named("Agroandina")
    with app.test_request_context("/x"):
        login_user(admin)
        assert _show(provider_id=p.id) == ("shown", "Agroandina", {})


def test_a_missing_object_is_404_and_a_refused_check_403(app, admin):
    hidden = _named("Hidden")
    with app.test_request_context("/x"):
        login_user(admin)
        with pytest.raises(Missing):  # answered 404 by the app's error handler
            _show(provider_id=hidden.id + 1000)
        with pytest.raises(Forbidden):
            _show(provider_id=hidden.id)


def test_named_ids_are_loaded_and_the_other_arguments_kept(app, admin):
    a, b = _named("A"), _named("B")
    with app.test_request_context("/x"):
        login_user(admin)
        assert _both(first_id=a.id, second_id=b.id, page=3) == ("A", "B", 3)


def test_a_check_without_object(app, officer):
    @loaded(None, allowed=lambda user: user.has_role("admin"))
    def admins_only():
        return "in"

    @loaded(None)
    def anyone():
        return "in"

    with app.test_request_context("/x"):
        login_user(officer)
        with pytest.raises(Forbidden):
            admins_only()
        assert anyone() == "in"


def test_download_names_the_file_inline_or_as_attachment(app):
    with app.test_request_context("/x"):
        shown = download(b"%PDF-1.4", "acta-1.pdf")
        saved = download(b"a,b\n", "socios.csv", "text/csv", inline=False)
    assert shown.mimetype == PDF and shown.get_data() == b"%PDF-1.4"
    assert shown.headers["Content-Disposition"] == 'inline; filename="acta-1.pdf"'
    assert saved.mimetype == "text/csv"
    assert saved.headers["Content-Disposition"] == 'attachment; filename="socios.csv"'


class _Row:
    def __init__(self, sha256, content_type="application/pdf", filename="receipt.pdf"):
        self.receipt_sha256, self.receipt_content_type, self.receipt_filename = sha256, content_type, filename


def test_stored_is_404_without_a_file_and_serves_the_one_stored(app):
    digest = uploads.store(b"%PDF-1.4 stored")
    with app.test_request_context("/x"):
        with pytest.raises(NotFound):
            stored(_Row(None), "receipt")
        answer = stored(_Row(digest), "receipt")
        answer.direct_passthrough = False
        assert answer.get_data() == b"%PDF-1.4 stored"
        assert answer.headers["Content-Disposition"].startswith("inline")
        saved = stored(_Row(digest), "receipt", as_attachment=True)
        assert saved.headers["Content-Disposition"].startswith("attachment")


def test_matching_narrows_by_any_column_case_aside_and_escapes_wildcards(app):
    for name in ("Agro Andina", "Semillas del Sur", "100% Quinua", "Cafe_Norte"):
        _named(name)

    def names(text):
        query = matching(sa.select(Provider.name).order_by(Provider.name), text, Provider.name, Provider.email)
        return db.session.execute(query).scalars().all()

    assert names("andina") == ["Agro Andina"]
    assert names("  SUR ") == ["Semillas del Sur"]
    assert names("100%") == ["100% Quinua"]
    assert names("%") == ["100% Quinua"]  # a literal percent, not "everything"
    assert names("e_N") == ["Cafe_Norte"]
    assert len(names("")) == 4


def test_a_query_form_reads_the_url_without_a_token(app, csrf_on):
    class Search(QueryForm):
        q = StringField("Search")

    with app.test_request_context("/x?q=papa"):
        form = Search(request.args)
        assert form.validate()
        assert form.q.data == "papa"
