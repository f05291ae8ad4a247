"""Page-at-a-time lists (grants/web/pagination.py): with ``key``, the page's rows are chosen first and only they
are joined to what the entity loads eagerly; the same pages, in the same order, as without it."""
import sqlalchemy as sa

from grants.alliances.models import Alliance
from grants.web.pagination import paginate
from tests.statements import statements


def test_key_gives_the_same_pages_and_joins_only_the_page_s_rows(db, app, make_alliance, other_association,
                                                                 other_board):
    made = [make_alliance() for _ in range(3)] + [make_alliance(assoc=other_association, actor=other_board)
                                                  for _ in range(2)]
    made[1].state = made[3].state = "submitted"
    db.session.flush()
    queries = (sa.select(Alliance).order_by(Alliance.id.desc()),
               sa.select(Alliance).where(Alliance.state == "draft").order_by(Alliance.state_changed_at, Alliance.id),
               sa.select(Alliance).where(Alliance.association_id == other_association.id).order_by(Alliance.id))
    for query in queries:
        for page_no in (1, 2, 3, 9):
            with app.test_request_context(f"/?page={page_no}"):
                plain = paginate(query, per_page=2)
                with statements(db.engine) as seen:
                    keyed = paginate(query, per_page=2, key=Alliance.id)
            assert [a.id for a in keyed.items] == [a.id for a in plain.items], (query, page_no)
            assert (keyed.total, keyed.page, keyed.pages) == (plain.total, plain.page, plain.pages)
            # the eager joins (associations AS associations_1) are outside the subquery that chooses the page
            items = seen[-1]
            assert "associations AS associations_1" in items and "IN (SELECT alliances.id" in items, items
            assert items.index("LIMIT") > items.index("IN (SELECT alliances.id"), items
