"""Stored pages over many alliances (issue 12): a list's content (HTML inside the shell, or a JSON body) kept in
the database per endpoint, viewer and language, and served while nothing it shows has moved.

A page over many alliances needs a validator for its *scope* (``scope_stamps``): a row per scope key,
``region:<association region>`` and ``association:<id>``, that the flushes which move an alliance, an
association or one of their records bump IN THE SAME TRANSACTION (``_keep_scopes``, called by cards.py's
after_flush listener with the alliances it found moved): the region and the association of each moved alliance,
the association (and its region) of each association-level change (an association without alliances too), both
regions when an association moves from one to another. What cannot be placed (a deleted alliance or
association) bumps cards.py's shared stamp (``page_stamps`` row 0), which every validator includes, as does
everything shared (a call, a program, a buyer, a user's roles or regions).

A viewer's scope (``scope_of``): everything for the global readers, committee members and facilitators (the sum
over every row), else their regions (officers) and their associations. The validator is ``sum(stamp)`` over the
scope's rows: every committed bump raises it (a max would not). The scope's keys go in the variant: a viewer
given a region with no row yet still gets a page of their own.

What is stored (``stored_pages``): ONE row per endpoint, viewer and language (the query string, the day, the
code release and the scope are in the variant, so the table stays bounded by users x pages x languages), with
the validator and shared stamp it was drawn at. The probe is one statement (``read``). The request's CSRF token
is stored as ``cards.CSRF`` and put back on serve.

In a view::

    content = stored.page("alliances.index", lambda: render_template(...))   # Markup, served or drawn
"""
import hashlib

import sqlalchemy as sa
from flask import request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from ..associations.models import Association
from ..associations.permissions import GLOBAL_READERS
from ..common import utcnow
from ..extensions import db
from ..web.edge import write_on_read
from . import cards
from .models import Alliance

#: the scope that sums every row (the global readers' lists)
EVERYTHING = ("*",)
#: the roles whose lists reach over every region (the committees' calls, the facilitators' alliances)
_WIDE_ROLES = (*GLOBAL_READERS, "committee", "facilitator")


class ScopeStamp(db.Model):
    """The stamp of a scope of alliances: ``region:<region>`` or ``association:<id>``."""

    __tablename__ = "scope_stamps"

    scope = sa.Column(sa.String(100), primary_key=True)
    stamp = sa.Column(sa.Integer, nullable=False, default=0)


class StoredPage(db.Model):
    """A page's content over many alliances, drawn for one viewer in one language (the last variant asked)."""

    __tablename__ = "stored_pages"

    endpoint = sa.Column(sa.String(80), primary_key=True)
    viewer_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    lang = sa.Column(sa.String(16), primary_key=True)
    #: the day, the code, the scope and the request's variant it was drawn for
    variant = sa.Column(sa.String(64), nullable=False)
    #: the sum of the scope's stamps and the shared stamp it was drawn at
    validator = sa.Column(sa.BigInteger, nullable=False)
    shared = sa.Column(sa.Integer, nullable=False)
    body = sa.Column(sa.Text, nullable=False)
    built_at = sa.Column(sa.DateTime, nullable=False)


def region_key(region):
    return f"region:{region}"


def association_key(association_id):
    return f"association:{association_id}"


def scope_of(user):
    """The scope keys of ``user``'s lists (sorted), or ``EVERYTHING``."""
    if user.has_role(*_WIDE_ROLES):
        return EVERYTHING
    keys = {association_key(ident) for ident in user.association_ids()}
    if user.has_role("officer"):
        keys.update(region_key(region) for region in user.regions)
    return tuple(sorted(keys))


def _validator(everything):
    t = ScopeStamp.__table__
    total = sa.select(sa.func.coalesce(sa.func.sum(t.c.stamp), 0))
    if not everything:
        total = total.where(t.c.scope.in_(sa.bindparam("scopes", expanding=True)))
    return total.scalar_subquery()


#: the probe statement of each kind of scope, built once (every value of a request is a bound parameter)
_PROBES = {}


def _probe(everything):
    statement = _PROBES.get(everything)
    if statement is None:
        s = StoredPage
        current = sa.select(_validator(everything).label("validator"),
                            cards._stamp_of(cards.SHARED).label("shared")).subquery("current")
        body = (sa.select(s.body).where(s.endpoint == sa.bindparam("endpoint"), s.viewer_id == sa.bindparam("viewer"),
                                        s.lang == sa.bindparam("lang"), s.variant == sa.bindparam("variant"),
                                        s.validator == current.c.validator, s.shared == current.c.shared)
                .scalar_subquery())
        statement = _PROBES[everything] = sa.select(body.label("body"), current.c.validator, current.c.shared)
    return statement


def read(endpoint, user, extra=()):
    """One statement: ``(body or None, validator, shared, variant)``: ``user``'s stored ``endpoint`` in the request's
    language if it was drawn at the validator and shared stamp as they are now, for this day, code, scope, query
    string and ``extra``."""
    scopes = scope_of(user)
    everything = scopes == EVERYTHING
    key = variant(scopes, extra)
    params = {"endpoint": endpoint, "viewer": user.id, "lang": cards.lang(), "variant": key}
    if not everything:
        params["scopes"] = list(scopes)
    body, validator, shared = db.session.execute(_probe(everything), params).one()
    return body, validator, shared, key


def variant(scopes, extra=()):
    """The request's variant: cards.py's (the day, the code, the script root) plus the scope, the query string and
    ``extra``."""
    scope = hashlib.sha256("\n".join(scopes).encode()).hexdigest()[:16]
    return cards.variant(scope, request.query_string.decode("latin-1"), *extra)


def store(endpoint, user, body, validator, shared, key):
    """Keep ``body`` as ``user``'s ``endpoint`` (one upsert in the request's transaction: the page edge commits it);
    the request's CSRF token is stored as ``cards.CSRF``."""
    row = {"endpoint": endpoint, "viewer_id": user.id, "lang": cards.lang(), "variant": key,
           "validator": validator, "shared": shared, "body": str(body).replace(generate_csrf(), cards.CSRF),
           "built_at": utcnow()}
    cards._upsert(StoredPage.__table__, row, ["endpoint", "viewer_id", "lang"],
                  lambda stmt: {k: stmt.excluded[k] for k in ("variant", "validator", "shared", "body", "built_at")},
                  db.session)


def body(endpoint, draw, extra=(), user=None):
    """``user``'s (the current user's) ``endpoint`` as text: the stored one if still good, else ``draw()`` (a str)
    stored in the request's transaction."""
    user = user or current_user
    text, validator, shared, key = read(endpoint, user, extra)
    if text is None:
        text = str(draw())
        store(endpoint, user, text, validator, shared, key)
        write_on_read()  # the edge commits the stored page after the answer
        return text
    return text


def page(endpoint, draw, extra=(), user=None):
    """``body()`` as HTML with the request's CSRF token put in (``cards.serve``)."""
    return cards.serve(body(endpoint, draw, extra, user))


def bump(scopes, session=None):
    """Make the stored pages of ``scopes`` (keys) stale (after a write that bypassed the ORM's flush)."""
    if scopes:
        _bump((session or db.session).connection(), set(scopes))


def _bump(conn, keys):
    table = ScopeStamp.__table__
    cards._upsert(table, [{"scope": key, "stamp": 1} for key in sorted(keys)], ["scope"],
                  {"stamp": table.c.stamp + 1}, conn)


def _keep_scopes(session, conn, ids, associations):
    """cards.py's after_flush hook: bump the scopes of the alliances ``ids`` and of the ``associations`` a flush
    moved; what cannot be placed bumps the shared stamp."""
    keys, shared = set(), False
    alliances = {ident for ident in ids if ident != cards.SHARED}
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, Association):  # an association that leaves a region: its old region's lists show it
            hist = sa.inspect(obj).attrs.region.history
            keys.update(region_key(region) for region in (*hist.deleted, *hist.unchanged) if region is not None)
    if alliances:
        rows = conn.execute(sa.select(Alliance.id, Association.region, Alliance.association_id)
                            .join(Association, Association.id == Alliance.association_id)
                            .where(Alliance.id.in_(alliances))).all()
        shared = len(rows) < len(alliances)  # a deleted alliance: which lists showed it is not known here
        for _ident, region, association_id in rows:
            keys.update((region_key(region), association_key(association_id)))
    if associations:
        rows = conn.execute(sa.select(Association.id, Association.region)
                            .where(Association.id.in_(associations))).all()
        shared = shared or len(rows) < len(associations)
        for association_id, region in rows:
            keys.update((region_key(region), association_key(association_id)))
    if keys:
        _bump(conn, keys)
    if shared and cards.SHARED not in ids:
        cards._bump(conn, {cards.SHARED})


cards.ON_BUMP.append(_keep_scopes)
