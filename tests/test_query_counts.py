"""The main list pages send as many SQL statements with 30 alliances as with 5 (no N+1 queries).

A regression test, not a timing test: benchmarks/queries_per_page.py measures the same at scale.
"""
import pytest
import sqlalchemy as sa

from grants.demo import seed_scale

PAGES = ("/alliances/", "/associations/", "/dashboard")


def _statements(db, client, page):
    """(status, statements) of one GET after a warm-up GET of the same page."""
    client.get(page)
    seen = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(" ".join(statement.split()))

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        resp = client.get(page)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return resp.status_code, seen


def _grow(db, n):
    seed_scale(n, members=24)
    db.session.commit()
    db.session.expire_all()


@pytest.mark.parametrize("page", PAGES)
def test_statements_do_not_grow_with_alliances(db, login, admin, officer, page):
    clients = {"admin": login(admin), "officer": login(officer)}
    _grow(db, 5)
    small = {who: _statements(db, c, page) for who, c in clients.items()}
    _grow(db, 25)
    large = {who: _statements(db, c, page) for who, c in clients.items()}
    for who in clients:
        assert small[who][0] == 200, (who, small[who][0])
        assert large[who][0] == 200, (who, large[who][0])
        assert len(large[who][1]) == len(small[who][1]), (
            f"{page} as {who}: {len(small[who][1])} statements with 5 alliances, {len(large[who][1])} with 30:\n"
            + "\n".join(s[:160] for s in large[who][1]))


# --- reports: the portfolio and the portal (issue 8) ----------------------------------------------------

REPORT_PAGES = ("/portfolio", "/portfolio.xlsx", "/portal", "/portal?page=2", "/api/v1/portfolio?group=call",
                "/api/v1/portal")


def _with_details(db, n):
    seed_scale(n, members=30, details=True)
    db.session.commit()
    db.session.expire_all()


@pytest.mark.parametrize("page", REPORT_PAGES)
def test_report_statements_do_not_grow_with_alliances(db, login, admin, officer, page):
    clients = {"admin": login(admin), "officer": login(officer)}
    _with_details(db, 6)
    small = {who: _statements(db, c, page) for who, c in clients.items()}
    _with_details(db, 45)
    large = {who: _statements(db, c, page) for who, c in clients.items()}
    for who in clients:
        assert small[who][0] == 200, (who, small[who][0])
        assert large[who][0] == 200, (who, large[who][0])
        assert len(large[who][1]) == len(small[who][1]), (
            f"{page} as {who}: {len(small[who][1])} statements with 6 alliances, {len(large[who][1])} with 51:\n"
            + "\n".join(s[:160] for s in large[who][1]))
