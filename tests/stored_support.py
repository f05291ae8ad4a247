"""Helpers for the tests of stored page parts and kept documents (grants/alliances/cards.py)."""
from datetime import date, timedelta

import sqlalchemy as sa

from grants.accounts.models import Membership
from grants.alliances import cards
from grants.extensions import db


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
