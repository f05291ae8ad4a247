"""Helpers of the stored pages' tests (grants/alliances/stored.py): a viewer's stored row, a marker written into it
behind the app's back (a view that shows the marker was served from the row), and a committed change."""
import sqlalchemy as sa

from grants.alliances import stored
from grants.extensions import db


def stored_row(user, endpoint, lang="es"):
    """``(body, validator, variant)`` of ``user``'s stored ``endpoint`` in ``lang``, or None."""
    s = stored.StoredPage
    return db.session.execute(sa.select(s.body, s.validator, s.variant).where(
        s.endpoint == endpoint, s.viewer_id == user.id, s.lang == lang)).first()


def mark(user, endpoint, text, marker):
    """Replace ``text`` by ``marker`` in ``user``'s stored ``endpoint`` (no stamp moves)."""
    s = stored.StoredPage
    db.session.execute(sa.update(s.__table__).where(s.endpoint == endpoint, s.viewer_id == user.id)
                       .values(body=sa.func.replace(s.body, text, marker)))
    db.session.commit()


def change(model, ident, **values):
    """Set ``values`` on the ``model`` row ``ident`` through the ORM and commit (the flush bumps the stamps)."""
    obj = db.session.get(model, ident)
    for key, value in values.items():
        setattr(obj, key, value)
    db.session.commit()
