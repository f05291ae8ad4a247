"""``flask grants prune-page-parts --older-than DAYS`` (issue 12): the stored page parts built before the cutoff
and those of inactive users are deleted, the others stay; a pruned page is drawn again on its next view; the
deletion goes batch by batch; a bad number of days is refused."""
from datetime import timedelta

import sqlalchemy as sa

from grants.alliances import cards
from grants.common import utcnow
from grants.reports import pruning

F = cards.PageFragment


def _parts():
    return set(pruning.db.session.execute(sa.select(F.alliance_id, F.viewer_id, F.lang, F.part)).all())


def _view(web, alliance):
    resp = web.get(f"/alliances/{alliance.id}")
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def _age(alliance, viewer, days):
    pruning.db.session.execute(sa.update(F.__table__).where(F.alliance_id == alliance.id, F.viewer_id == viewer.id)
                               .values(built_at=utcnow() - timedelta(days=days)))
    pruning.db.session.commit()


def test_prune_deletes_old_parts_and_those_of_inactive_users(app, db, login, board, officer, admin, alliance,
                                                              make_alliance):
    other = make_alliance()
    for user in (board, officer, admin):
        web = login(user)
        _view(web, alliance)
        _view(web, other)
    _view(login(board), alliance)  # a second view is served, not drawn: nothing more stored
    before = _parts()
    assert {(a, v) for a, v, _l, _p in before} == {(a.id, u.id) for a in (alliance, other)
                                                  for u in (board, officer, admin)}
    _age(alliance, board, 10)  # old
    _age(other, officer, 3)  # just past a three-day cutoff
    _age(other, admin, 1)  # recent: stays
    admin_parts = {p for p in before if p[1] == admin.id}
    officer.active = False  # can no longer sign in: every part of theirs goes, however new
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["grants", "prune-page-parts", "--older-than", "3"])
    assert result.exit_code == 0, result.output
    gone = {p for p in before if (p[0], p[1]) == (alliance.id, board.id) or p[1] == officer.id}
    assert _parts() == before - gone
    assert f"Deleted {len(gone)} stored page parts" in result.output and f"page_fragments: {len(gone)}" in result.output
    assert admin_parts <= _parts()

    # the pruned page is drawn again on the next view, and stored again
    page = _view(login(board), alliance)
    assert alliance.title in page
    assert {(a, v) for a, v, _l, _p in _parts()} >= {(alliance.id, board.id)}

    # --older-than 0: every part built before now
    result = app.test_cli_runner().invoke(args=["grants", "prune-page-parts", "--older-than", "0"])
    assert result.exit_code == 0 and _parts() == set()


def test_prune_goes_batch_by_batch_and_refuses_bad_days(app, db, login, board, alliance):
    web = login(board)
    _view(web, alliance)
    assert web.get(f"/alliances/{alliance.id}?lang=en").status_code == 200  # the English parts too
    n = len(_parts())
    assert n >= 3
    _age(alliance, board, 5)
    commits = []
    deleted = pruning.prune_page_parts(utcnow() - timedelta(days=2), commit=lambda: commits.append(1), batch=1)
    assert deleted["page_fragments"] == n and _parts() == set()
    # one commit per batch, and each table's last (empty) look
    assert len(commits) == n + len(pruning.part_tables())
    assert {"page_fragments", "page_documents", "stored_pages"} <= {t.name for t in pruning.part_tables()}
    for bad in ("-1", "many"):
        result = app.test_cli_runner().invoke(args=["grants", "prune-page-parts", "--older-than", bad])
        assert result.exit_code == 2, result.output
