"""The alliance page's stored cards: its rendered content kept in the database, refreshed by the changes that
move it (issue 12: the page's cost was Python, building ORM objects and drawing 12-24 KiB of Jinja).

What is stored (``page_fragments``): the HTML of the page's content (the glance, the money, the alerts, every
stage's card, the intention, the documents, the members, the history) per alliance, viewer, language and
*part*. The viewer is the user: the cards show each viewer's own links and flags (may edit, may screen, may
review, names masked or not), so one viewer's stored cards are never served to another. What is personal to the
request stays outside: the viewer's next step and other actions (the transition forms, with the alliance's
version) are drawn on each view and put in at ``NEXT_STEP``; the CSRF token of the forms inside the stored part
is stored as ``CSRF`` and replaced by the request's own; the flashes are in the page's shell.

When a stored part is good (``page_stamps``): a row per alliance holds a stamp that every flush which changes
something of that alliance bumps IN THE SAME TRANSACTION (the after_flush listener below: any object with an
``alliance_id``, the alliance itself, an object hanging on one of them: a deliverable, a quotation, a tranche's
flow, a visit's photo...); a change to an association's own rows (its name, a member, a board membership:
anything with an ``association_id``) bumps that association's alliances. Row 0 is the shared stamp: a change
to what many alliances show (a call, a program, a buyer, a provider, a user's name or roles, any table this
module does not know) bumps it. A stored part is served only when it was drawn at both stamps as they are now, on the same day (the
cards compare dates with today), by the same code (``release()``: a hash of the templates, catalogues and
sources) and for the same variant of the request. A reader that drew its part from a snapshot older than a
concurrent change stores it with the old stamp: nobody is served it. Nothing is cached in the process: every
worker and host shares the same rows.

Writes that bypass the ORM's flush (bulk seeds, restores, raw SQL) do not bump: call ``bump(ids)`` or
``bump_all()`` after them.
"""
import hashlib
import os
from datetime import date

import sqlalchemy as sa
from flask import request
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..common import utcnow
from ..extensions import db
from .models import Alliance

#: where the stored content gets the viewer's next step, drawn on each view
NEXT_STEP = "<!--grants:next-step-->"
#: what the request's CSRF token is stored as (a "<" no escaped text can hold)
CSRF = "<grants-csrf-token>"
#: the shared stamp's row (no alliance has the id 0)
SHARED = 0

#: tables whose rows no alliance page shows: their changes bump nothing (sessions, counters, caches, the reports'
#: own stored figures, notifications, idempotency keys, tokens, and this module's tables)
QUIET_TABLES = frozenset({
    "page_fragments", "page_stamps", "user_sessions", "rate_limits", "notifications", "idempotency_keys",
    "api_tokens", "stored_answers", "alliance_cells", "alliance_totals", "alliance_stays", "indicator_latest",
    "stage_durations", "portfolio_cells", "portfolio_indicator_cells"})
#: a user's columns no card shows (a password change, the language chosen: the language is part of the key)
QUIET_USER_COLUMNS = frozenset({"password_hash", "locale", "phone", "email"})


class PageStamp(db.Model):
    """The stamp of an alliance's stored page parts (``alliance_id`` 0: the stamp shared by every alliance)."""

    __tablename__ = "page_stamps"

    alliance_id = sa.Column(sa.Integer, primary_key=True, autoincrement=False)
    stamp = sa.Column(sa.Integer, nullable=False, default=0)


class PageFragment(db.Model):
    """A stored part of an alliance's page, drawn for one viewer in one language at the stamps it names."""

    __tablename__ = "page_fragments"

    alliance_id = sa.Column(sa.Integer, sa.ForeignKey("alliances.id", ondelete="CASCADE"), primary_key=True)
    viewer_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    lang = sa.Column(sa.String(16), primary_key=True)
    part = sa.Column(sa.String(20), primary_key=True)
    #: the alliance's stamp and the shared stamp it was drawn at
    stamp = sa.Column(sa.Integer, nullable=False)
    shared = sa.Column(sa.Integer, nullable=False)
    #: the day, the code and the request's variant it was drawn for (``variant()``)
    variant = sa.Column(sa.String(64), nullable=False)
    html = sa.Column(sa.Text, nullable=False)
    built_at = sa.Column(sa.DateTime, nullable=False)


_RELEASE = []


def release():
    """A hash of what draws the page (the templates, the translation catalogues, the Python sources), computed
    once per process: a part drawn by other code is never served."""
    if not _RELEASE:
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        digest = hashlib.sha256()
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if name.endswith((".py", ".html", ".po", ".txt", ".svg")):
                    path = os.path.join(folder, name)
                    digest.update(path[len(root):].encode())
                    with open(path, "rb") as fh:
                        digest.update(fh.read())
        _RELEASE.append(digest.hexdigest()[:16])
    return _RELEASE[0]


def variant(*extra):
    """The request's variant of a stored part: the day, the code, the script root and ``extra`` (what else of
    the request the part shows, e.g. the history's raw view)."""
    # the local day and the UTC day: a card may compare with either (a day's end differs by the offset)
    key = "|".join([date.today().isoformat(), utcnow().date().isoformat(), release(), request.script_root,
                    *map(str, extra)])
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _stamp_of(alliance_id):
    return sa.func.coalesce(sa.select(PageStamp.stamp).where(PageStamp.alliance_id == alliance_id)
                            .scalar_subquery(), 0)


#: the probe statement of each tuple of part names, built once (SQL expressions are immutable; every value of
#: a request is a bound parameter)
_PROBES = {}


def _probe(names):
    statement = _PROBES.get(names)
    if statement is None:
        # the alliance's stamp by the bound id, not by ``Alliance.id``: nested two levels down (inside a part's
        # subquery) the latter would not correlate and would read any alliance's stamp
        stamp, shared = _stamp_of(sa.bindparam("alliance_id")), _stamp_of(SHARED)
        f = PageFragment
        found = [sa.select(f.html).where(f.alliance_id == Alliance.id, f.viewer_id == sa.bindparam("viewer"),
                                         f.lang == sa.bindparam("lang"), f.part == part,
                                         f.variant == sa.bindparam(f"variant_{part}"), f.stamp == stamp,
                                         f.shared == shared).scalar_subquery().label(f"stored_{part}")
                 for part in names]
        statement = _PROBES[names] = (sa.select(Alliance.code, *found, stamp.label("stored_stamp"),
                                                shared.label("stored_shared"))
                                      .where(Alliance.id == sa.bindparam("alliance_id")))
    return statement


def read(alliance_id, user, parts):
    """One statement: ``(code, *each stored part of parts or None, stamp, shared)`` of the alliance (None when
    there is no such alliance): for each ``(part, extra)`` of ``parts``, ``user``'s part in the request's
    language if it is good (drawn at the stamps as they are now, for this day, code and variant), else None."""
    params = {"alliance_id": alliance_id, "viewer": user.id, "lang": lang(),
              **{f"variant_{part}": variant(*extra) for part, extra in parts}}
    return db.session.execute(_probe(tuple(part for part, _extra in parts)), params).first()


def lang():
    return str(get_locale() or "es")


def store(alliance_id, user, parts, stamp, shared):
    """Keep each ``(part, extra, html)`` of ``parts`` (drawn at ``stamp``/``shared``) as ``user``'s: one upsert,
    written with the request's transaction (the page edge commits it). The request's CSRF token is stored as
    ``CSRF``."""
    if not parts:
        return
    token, now, language = generate_csrf(), utcnow(), lang()
    rows = [{"alliance_id": alliance_id, "viewer_id": user.id, "lang": language, "part": part, "stamp": stamp,
             "shared": shared, "variant": variant(*extra), "html": str(html).replace(token, CSRF), "built_at": now}
            for part, extra, html in parts]
    table = PageFragment.__table__
    _upsert(table, rows, ["alliance_id", "viewer_id", "lang", "part"],
            lambda stmt: {k: stmt.excluded[k] for k in ("stamp", "shared", "variant", "html", "built_at")},
            db.session)


def serve(html):
    """A stored part as it is served: the request's CSRF token put in."""
    return Markup(html.replace(CSRF, generate_csrf()))


def _upsert(table, values, keys, update, executor):
    """INSERT ``values`` (a row or a list of rows) into ``table``, or on a conflict on ``keys`` UPDATE ``update``
    (a dict, or ``fn(statement) -> dict``), in one statement (PostgreSQL and SQLite)."""
    dialect = executor.get_bind().dialect.name if hasattr(executor, "get_bind") else executor.dialect.name
    stmt = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table).values(values)
    executor.execute(stmt.on_conflict_do_update(index_elements=keys, set_=update(stmt) if callable(update)
                                                else update))


def _bump(conn, ids):
    """Raise the stamp of each of ``ids`` (``SHARED`` included) by one, in ``conn``'s transaction (sorted: two
    writers lock the rows in the same order)."""
    table = PageStamp.__table__
    _upsert(table, [{"alliance_id": ident, "stamp": 1} for ident in sorted(ids)], ["alliance_id"],
            {"stamp": table.c.stamp + 1}, conn)


def bump(alliance_ids, session=None):
    """Make the stored parts of ``alliance_ids`` stale (after a write that bypassed the ORM's flush)."""
    if alliance_ids:
        _bump((session or db.session).connection(), set(alliance_ids))


def bump_all(session=None):
    """Make every stored part stale."""
    _bump((session or db.session).connection(), {SHARED})


#: a lookup of ``moved``: the alliances of an association (its name, members and board show on them alone)
ASSOCIATION = "association"

#: what else a flush's stamps move: ``hook(session, conn, ids, association_ids)`` after the bump (stored.py's scopes)
ON_BUMP = []

#: the owners of the objects without an alliance_id (``_owner_tables``)
_OWNERS = {}


def _owner_tables():
    """{mapper: [(local FK column, the table it points to)]} of the mappers without an ``alliance_id`` whose
    many-to-one relation points to a table with one (built on first use, once every model is mapped)."""
    if not _OWNERS:
        for mapper in db.Model.registry.mappers:
            if "alliance_id" in mapper.columns or mapper.class_ is Alliance:
                continue
            links = []
            for rel in mapper.relationships:
                if rel.uselist or rel.direction.name != "MANYTOONE":
                    continue
                target = rel.mapper.local_table
                if "alliance_id" in target.c and len(rel.local_columns) == 1:
                    col = next(iter(rel.local_columns))
                    links.append((mapper.get_property_by_column(col).key, target))
            _OWNERS[mapper] = links
        _OWNERS["built"] = True
    return _OWNERS


def moved(session):
    """(the alliances whose stored parts a flush made stale, whether it moved something shared)."""
    ids, shared, lookups = set(), False, []
    owners = None
    for obj in (*session.new, *session.dirty, *session.deleted):
        mapper = sa.inspect(obj).mapper
        table = mapper.local_table
        if getattr(table, "name", None) in QUIET_TABLES:
            continue
        if obj in session.dirty and not session.is_modified(obj, include_collections=False):
            continue
        if isinstance(obj, Alliance):
            if obj.id is not None:
                ids.add(obj.id)
            continue
        state = sa.inspect(obj)
        if "alliance_id" in mapper.columns:
            if "alliance_id" in state.unloaded:
                if obj in session.deleted:  # its row is gone: which alliance it was is not known here
                    shared = True
                    continue
                obj.alliance_id  # loads it (expired since the last commit)
            hist = state.attrs.alliance_id.history
            ids.update(v for v in (*hist.added, *hist.unchanged, *hist.deleted) if v is not None)
            continue
        if mapper.class_.__name__ == "Association" or "association_id" in mapper.columns:
            # an association's own rows (its name, its members, its board): only its alliances show them
            key = "id" if mapper.class_.__name__ == "Association" else "association_id"
            if key in state.unloaded:
                if obj in session.deleted:
                    shared = True
                    continue
                getattr(obj, key)  # loads it (expired since the last commit)
            hist = state.attrs[key].history
            lookups.extend((ASSOCIATION, v) for v in (*hist.added, *hist.unchanged, *hist.deleted) if v is not None)
            continue
        if mapper.class_.__name__ == "User" and obj in session.dirty:
            changed = {a.key for a in state.attrs if a.history.has_changes()}
            if changed <= QUIET_USER_COLUMNS:
                continue
        owners = owners or _owner_tables()
        links = owners.get(mapper) or []
        if links:
            if any(key in state.unloaded for key, _target in links):
                if obj in session.deleted:  # its row is gone: which alliance it hung on is not known here
                    shared = True
                    continue
                for key, _target in links:
                    getattr(obj, key)  # loads it (expired since the last commit)
            for key, target in links:
                hist = state.attrs[key].history
                lookups.extend((target, v) for v in (*hist.added, *hist.unchanged, *hist.deleted)
                               if v is not None)
            continue
        shared = True
    return ids, shared, lookups


@event.listens_for(Session, "after_flush")
def _keep_stamps(session, _flush_context):
    ids, shared, lookups = moved(session)
    if not (ids or shared or lookups):
        return
    conn = session.connection()
    associations = {ident for target, ident in lookups if target is ASSOCIATION}
    if associations:
        ids.update(conn.execute(sa.select(Alliance.id).where(Alliance.association_id.in_(associations))).scalars())
    for target, ident in lookups:
        if target is ASSOCIATION:
            continue
        pk = next(iter(target.primary_key.columns))
        found = conn.execute(sa.select(target.c.alliance_id).where(pk == ident)).scalar()
        if found is not None:
            ids.add(found)
    if shared:
        ids.add(SHARED)
    if ids:
        _bump(conn, ids)
    for hook in ON_BUMP:
        hook(session, conn, ids, associations)
