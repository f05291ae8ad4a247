"""What one view of the alliance page costs the database and the app (issue 12): each stage's figure is computed
once per page view, reads only the page's alliance, and the figures' SQL is built once, not per request."""
import re

import pytest
import sqlalchemy as sa

from grants.alliances import page
from grants.alliances.models import Alliance
from grants.demo import seed_scale
from tests.statements import statements


def _first(db, state):
    return db.session.execute(sa.select(Alliance).where(Alliance.state == state).order_by(Alliance.id)
                              .limit(1)).scalar()


@pytest.fixture
def probe_figure(db):
    """A page figure that counts how many times the database evaluates it (a SQLite function written in
    Python, or a PostgreSQL temporary function that draws from a temporary sequence)."""
    conn = db.session.connection()
    calls = []
    if conn.dialect.name == "sqlite":
        conn.connection.driver_connection.create_function("h7_probe", 1, lambda x: calls.append(x) or 0)
        fn = sa.func.h7_probe

        def count():
            return len(calls)
    else:
        conn.exec_driver_sql("CREATE TEMP SEQUENCE h7_probe_seq")
        conn.exec_driver_sql("CREATE FUNCTION pg_temp.h7_probe(i integer) RETURNS bigint LANGUAGE sql VOLATILE "
                             "AS 'SELECT nextval(''h7_probe_seq'') * 0'")
        fn = sa.func.pg_temp.h7_probe

        def count():
            return conn.exec_driver_sql("SELECT last_value - 1 + (CASE WHEN is_called THEN 1 ELSE 0 END) "
                                        "FROM h7_probe_seq").scalar()
    page.figure("h7_probe")(lambda: fn(Alliance.id))
    try:
        yield count
    finally:
        page._FIGURES.pop("h7_probe", None)
        page._BUILT[:] = [None, None]


def test_each_figure_is_computed_once_per_page_view(db, login, make_user, probe_figure):
    """The alliance's budget lines and tranches come joined to it (several rows); the figures are read before
    that join multiplies the row, so each is computed once, not once per line and tranche (on the old code: 4
    times for 2 lines and 2 tranches)."""
    seed_scale(12, members=10, details=True, expenses=6)
    db.session.commit()
    alliance = _first(db, "in_execution")
    assert len(alliance.budget_lines) >= 2 and len(alliance.tranches) >= 2
    client = login(make_user(memberships=[(alliance.association, "treasurer")]))
    before = probe_figure()
    resp = client.get(f"/alliances/{alliance.id}")
    assert resp.status_code == 200
    assert probe_figure() - before == 1


def test_no_figure_reads_every_alliance(db):
    """Every figure is correlated on the page's alliance: none reads the alliances table again (on the old code
    the late expenses' reports were a NOT IN over every alliance's submitted reports, hashed on each view)."""
    sql = str(sa.select(*page.columns()).select_from(Alliance).where(Alliance.id == 1)
              .compile(db.engine))
    # the table named outside a column's qualifier (``alliances.id``): once, in the page's own FROM
    assert len(re.findall(r"\balliances\b(?!\.)", sql)) == 1, sql


def test_figures_built_once_a_day(db, monkeypatch):
    """The figures' SQL is built once and reused by every request (the same objects), and built again on a
    new day (a figure may compare with today's date)."""
    from datetime import date, timedelta

    first = page.columns()
    assert [c.name for c in first] == page.names()
    again = page.columns()
    assert all(a is b for a, b in zip(first, again))

    class Tomorrow(date):
        @classmethod
        def today(cls):
            return date.fromordinal(date.today().toordinal()) + timedelta(days=1)

    monkeypatch.setattr(page, "date", Tomorrow)
    later = page.columns()
    assert [c.name for c in later] == page.names()
    assert not any(a is b for a, b in zip(first, later))
    monkeypatch.undo()
    page._BUILT[:] = [None, None]


def test_late_expenses_counted_as_before(db):
    """The late expenses (older than the report period, in no submitted or approved report) counted by the
    page's figure equal a count in Python over the alliance's expenses, at every stage with expenses."""
    from datetime import date, timedelta

    from grants.execution.models import AccountabilityReport, Expense
    from grants.execution.summary import REPORT_DUE_DAYS

    seed_scale(40, members=10, details=True, expenses=8)
    db.session.commit()
    cutoff = date.today() - timedelta(days=REPORT_DUE_DAYS)
    checked = 0
    for state in ("in_execution", "closing", "closed"):
        alliance = _first(db, state)
        assert alliance is not None, state
        reports = {r.id: r.state for r in db.session.execute(sa.select(AccountabilityReport)).scalars()}
        expenses = db.session.execute(sa.select(Expense).where(Expense.alliance_id == alliance.id)).scalars().all()
        expected = sum(1 for e in expenses if e.voided_at is None and e.spent_on < cutoff
                       and (e.report_id is None or reports[e.report_id] not in ("submitted", "approved")))
        row = db.session.execute(sa.select(*page.columns()).select_from(Alliance)
                                 .where(Alliance.id == alliance.id)).one()
        assert dict(zip(page.names(), row))["execution_expenses_late"] == expected, state
        checked += bool(expenses)
    assert checked


def _page_sql(db, client, path):
    with statements(db.engine) as seen:
        resp = client.get(path)
    assert resp.status_code == 200
    return resp.get_data(as_text=True), seen


def test_an_empty_list_sends_nothing_and_a_list_with_rows_is_shown(db, login, make_user):
    """Whether each list of the page has a row comes with the alliance: an empty one (no documents, no revision
    of the intention) sends no statement; once it has a row, the page reads and shows it as before (on the old
    code each list sent its statement, empty or not)."""
    from grants.alliances.models import Attachment

    seed_scale(12, members=10, details=True, expenses=6)
    db.session.commit()
    alliance = _first(db, "in_execution")
    client = login(make_user(memberships=[(alliance.association, "board")]))
    html, seen = _page_sql(db, client, f"/alliances/{alliance.id}")
    assert not [s for s in seen if s.startswith("SELECT attachments.")], seen
    assert not [s for s in seen if s.startswith("SELECT profile_revisions.")], seen
    assert not [s for s in seen if s.startswith("SELECT ta_contracts.")], seen

    db.session.add(Attachment(alliance_id=alliance.id, kind="other", filename="acta-asamblea.pdf",
                              content_type="application/pdf", size=10, sha256="a" * 64))
    db.session.commit()
    html, seen = _page_sql(db, client, f"/alliances/{alliance.id}")
    assert [s for s in seen if s.startswith("SELECT attachments.")], seen
    assert "acta-asamblea.pdf" in html
