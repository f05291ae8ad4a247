"""Page-at-a-time lists for the web pages (two queries per page, whatever the data size)."""
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app, request

from ..extensions import db


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self):
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self):
        return self.page > 1

    @property
    def has_next(self):
        return self.page < self.pages


def paginate(select, per_page=None, scalars=True, key=None):
    """One page of ``select`` (its ``page`` from the query string) and the total. ``key``: the primary key of the
    one entity ``select`` lists (``Alliance.id``): the page's keys are chosen first, over the select's own
    filters and order, and only those rows are loaded with what the entity joins eagerly (its call, program,
    association, buyer), instead of joining every row that matches before keeping a page of them."""
    per_page = per_page or current_app.config["PER_PAGE"]
    try:
        page = max(1, int(request.args.get("page", 1)))
    except ValueError:
        page = 1
    total = db.session.execute(sa.select(sa.func.count()).select_from(select.order_by(None).subquery())).scalar()
    if key is not None:
        chosen = select.with_only_columns(key).limit(per_page).offset((page - 1) * per_page)
        result = db.session.execute(select.where(key.in_(chosen)))
    else:
        result = db.session.execute(select.limit(per_page).offset((page - 1) * per_page))
    items = result.scalars().all() if scalars else result.all()
    return Page(items, page, per_page, total)
