"""Helpers of the tests of stored things: the stored pages (grants/alliances/stored.py: a viewer's stored row, a
marker written into it behind the app's back, a committed change) and the stored page parts and kept documents
(grants/alliances/cards.py: another day, another release, memberships dropped)."""
from datetime import date, timedelta

import sqlalchemy as sa

from grants.accounts.models import Membership
from grants.alliances import cards, stored
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



class Tomorrow(date):
    @classmethod
    def today(cls):
        return date.today() + timedelta(days=1)


def next_day(monkeypatch):
    """The stored parts' day is tomorrow's (``monkeypatch.undo()`` brings today back)."""
    monkeypatch.setattr(cards, "date", Tomorrow)


def new_release(monkeypatch):
    """Another code release (``cards.release()``)."""
    monkeypatch.setattr(cards, "_RELEASE", ["another-release"])


def drop_memberships(user):
    """Remove every membership of ``user`` through the ORM (its flush bumps the association's alliances), and
    commit."""
    for m in db.session.execute(sa.select(Membership).where(Membership.user_id == user.id)).scalars():
        db.session.delete(m)
    db.session.commit()
