"""The access tests share one world per module (tests/access/world.py): building it walks twenty alliances through
their lifecycle, too slow to repeat for every test. So here ``db`` does not empty the database after each test
(the tests only read: GET requests); the module's ``world`` fixture empties it when the module ends."""
import pytest

from grants.extensions import db as _db
from tests.access.world import build
from tests.conftest import _truncate


@pytest.fixture(autouse=True)
def db(app):
    """An app context for each test; the database is the module's world (emptied by ``world``)."""
    with app.app_context():
        yield _db
        _db.session.rollback()
        _db.session.remove()


@pytest.fixture(scope="module")
def world(app):
    with app.app_context():
        try:
            built = build(app)
        except BaseException:
            _db.session.rollback()
            _truncate()
            raise
        _db.session.remove()
    yield built
    with app.app_context():
        _db.session.rollback()
        _truncate()
        _db.session.remove()
