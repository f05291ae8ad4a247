"""The request edge of the pages (grants/web/edge.py): a page's write commits once, after its view answers a
success or a redirect; an error answer keeps nothing; a commit the database refuses answers 409, not 500."""
import pytest
import sqlalchemy as sa
from flask import redirect, request

import config
from grants import create_app
from grants.extensions import db as _db
from grants.programs.models import Program
from grants.web.edge import write_on_read

from tests.conftest import PASSWORD  # noqa: F401  (the suite's settings)

pytestmark = pytest.mark.committing


@pytest.fixture
def probe(app, db):
    """A second app on the suite's database with probe pages; its connections closed after the test."""
    made = _probe_app(app)
    yield made
    with made.app_context():
        _db.session.remove()
        _db.engine.dispose()


def _probe_app(app):
    """A second app on the suite's database with three probe pages (routes can't be added to a running app)."""

    class Cfg(config.TestConfig):
        DATABASE_URL = app.config["SQLALCHEMY_DATABASE_URI"]
        UPLOAD_FOLDER = app.config["UPLOAD_FOLDER"]

    probe = create_app(Cfg)

    def add(code):
        _db.session.add(Program(code=code, name=f"Programa {code}", currency="BOB"))

    @probe.post("/_probe/redirect/<code>")
    def write_and_redirect(code):
        add(code)
        return redirect("/")

    @probe.post("/_probe/refuse/<code>")
    def write_and_refuse(code):
        add(code)
        _db.session.flush()
        return "no", 422

    @probe.get("/_probe/read/<code>")
    def write_on_a_read(code):
        add(code)
        return "ok"

    @probe.get("/_probe/read-that-writes/<code>")
    def read_that_says_it_writes(code):
        add(code)
        write_on_read(essential=request.args.get("essential") == "1")
        return "ok", int(request.args.get("status", 200))

    return probe


def _codes(probe):
    with probe.app_context():
        return set(_db.session.execute(sa.select(Program.code)).scalars())


def test_a_write_answered_with_a_redirect_is_committed_at_the_edge(probe):
    assert probe.test_client().post("/_probe/redirect/P-1").status_code == 302
    assert "P-1" in _codes(probe)


def test_an_error_answer_keeps_nothing(probe):
    assert probe.test_client().post("/_probe/refuse/P-2").status_code == 422
    assert "P-2" not in _codes(probe)


def test_a_read_never_writes(probe):
    assert probe.test_client().get("/_probe/read/P-3").status_code == 200
    assert "P-3" not in _codes(probe)


def test_a_commit_the_database_refuses_answers_409_not_500(probe):
    client = probe.test_client()
    assert client.post("/_probe/redirect/P-4").status_code == 302
    again = client.post("/_probe/redirect/P-4")  # the same code: the unique constraint refuses it at commit
    assert again.status_code == 409
    assert "Someone changed" in again.get_data(as_text=True) or "modific" in again.get_data(as_text=True)
    assert again.headers.get("X-Content-Type-Options") == "nosniff"  # the headers still apply
    assert _codes(probe) >= {"P-4"}


def test_a_read_that_says_it_writes_is_committed_at_the_edge(probe):
    assert probe.test_client().get("/_probe/read-that-writes/P-5").status_code == 200
    assert "P-5" in _codes(probe)


def test_a_read_that_says_it_writes_but_fails_keeps_nothing(probe):
    assert probe.test_client().get("/_probe/read-that-writes/P-6?status=404").status_code == 404
    assert "P-6" not in _codes(probe)


def test_a_reads_optional_write_refused_at_commit_still_answers(probe):
    client = probe.test_client()
    assert client.get("/_probe/read-that-writes/P-7").status_code == 200
    again = client.get("/_probe/read-that-writes/P-7")  # refused at commit: the page is given all the same
    assert again.status_code == 200 and again.get_data(as_text=True) == "ok"


def test_a_reads_essential_write_refused_at_commit_answers_409(probe):
    client = probe.test_client()
    assert client.get("/_probe/read-that-writes/P-8?essential=1").status_code == 200
    again = client.get("/_probe/read-that-writes/P-8?essential=1")  # e.g. an export whose audit cannot be kept
    assert again.status_code == 409
    assert again.get_data(as_text=True) != "ok"
