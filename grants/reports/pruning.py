"""Pruning the stored page parts (issue 12): ``flask --app wsgi grants prune-page-parts --older-than DAYS``.

The pages drawn once and kept in the database (the alliance page's ``page_fragments``, one row per alliance,
viewer, language and part; the other stored parts shaped like it) are rewritten in place when they are drawn
again, but a row is never deleted by the app: a viewer who stopped reading an alliance, or left, keeps theirs.
A part is served only on the day it was drawn (its variant holds the day), so a part built before yesterday is
dead weight; so is every part of a user who can no longer sign in (``users.active`` false). Deleting a part
is always safe: the next view draws it again.

Which tables: those named in ``PART_TABLES``, and every table with a ``built_at`` and a ``viewer_id`` column
(the shape of ``page_fragments``), so that a new kind of stored part is pruned without a change here. Rows are
deleted in batches of ``BATCH`` by primary key, each batch committed by the caller (``commit``), so that a
national table is never locked in one long statement."""
import sqlalchemy as sa

from ..extensions import db

#: stored part tables pruned by their ``built_at`` (and ``viewer_id`` when they have one), besides those found
#: by their shape
PART_TABLES = ("page_fragments", "page_documents")
#: rows deleted per statement (a composite key of four columns stays under every database's parameter limit)
BATCH = 2000


def part_tables():
    """The stored part tables of the schema, by name."""
    found = []
    for name, table in sorted(db.metadata.tables.items()):
        cols = table.c
        if "built_at" in cols and (name in PART_TABLES or "viewer_id" in cols):
            found.append(table)
    return found


def _dead(table, cutoff):
    """Built before ``cutoff``, or drawn for a user who can no longer sign in."""
    cond = table.c.built_at < cutoff
    if "viewer_id" in table.c:
        users = db.metadata.tables["users"]
        cond = sa.or_(cond, table.c.viewer_id.in_(sa.select(users.c.id).where(users.c.active.is_(False))))
    return cond


def prune_batch(table, cutoff, limit=BATCH):
    """Delete up to ``limit`` dead parts of ``table`` (see ``_dead``); returns how many. Never commits."""
    key = list(table.primary_key.columns)
    rows = db.session.execute(sa.select(*key).where(_dead(table, cutoff)).limit(limit)).all()
    if not rows:
        return 0
    if len(key) == 1:
        db.session.execute(table.delete().where(key[0].in_([r[0] for r in rows])))
    else:
        db.session.execute(table.delete().where(sa.tuple_(*key).in_([tuple(r) for r in rows])))
    return len(rows)


def prune_page_parts(cutoff, commit=lambda: None, batch=BATCH):
    """Delete every stored page part built before ``cutoff`` (a naive UTC datetime) or drawn for an inactive
    user, ``batch`` rows at a time, calling ``commit()`` after each batch; returns ``{table name: rows
    deleted}``."""
    deleted = {}
    for table in part_tables():
        total = 0
        while True:
            n = prune_batch(table, cutoff, batch)
            commit()
            total += n
            if n < batch:
                break
        deleted[table.name] = total
    return deleted
