"""Small shared helpers for models: UTC time, the versioned mixin, check-constraint builders."""
from datetime import datetime, timezone

import sqlalchemy as sa

from .errors import NotFound
from .extensions import db


def utcnow():
    """Naive UTC now (stored without zone on every database)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def in_check(column, values):
    """SQL text for ``column IN (...)``, for a CheckConstraint on an enumerated column (the column
    name quoted: some, such as ``grant``, are reserved words in PostgreSQL)."""
    quoted = ", ".join("'%s'" % v for v in values)
    return f'"{column}" IN ({quoted})'


def non_negative(*columns):
    """CheckConstraints ``col >= 0`` for money columns."""
    return tuple(sa.CheckConstraint(f'"{c}" >= 0', name=f"{c}_non_negative") for c in columns)


def basis_points(**names):
    """CheckConstraints ``column BETWEEN 0 AND 10000`` for shares kept in basis points, each named as given:
    ``basis_points(discount_rate="discount_rate_range")``."""
    return tuple(sa.CheckConstraint(f"{c} BETWEEN 0 AND 10000", name=n) for c, n in names.items())


class Versioned:
    """An integer ``version`` bumped on every UPDATE; SQLAlchemy refuses a write over a stale row."""

    version = sa.Column(sa.Integer, nullable=False, default=1)

    @sa.orm.declared_attr.directive
    def __mapper_args__(cls):  # noqa: N805
        return {"version_id_col": cls.version}


class Timestamped:
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    updated_at = sa.Column(sa.DateTime, nullable=False, default=utcnow, onupdate=utcnow)


def _alliance_key(**options):
    """A mixin: an integer ``id`` and the ``alliance_id`` of the row (deleted with the alliance); both come
    first in the table, as they did when each model wrote them out."""

    class AllianceKey:
        id = sa.orm.mapped_column(sa.Integer, primary_key=True, sort_order=-2)
        alliance_id = sa.orm.mapped_column(sa.Integer, sa.ForeignKey("alliances.id", ondelete="CASCADE"),
                                           nullable=False, sort_order=-1, **options)

    return AllianceKey


class AllianceOwned(_alliance_key(index=True)):
    """Many rows per alliance, looked up by ``alliance_id`` (indexed)."""


class OnePerAlliance(_alliance_key(unique=True)):
    """At most one row per alliance (``alliance_id`` unique)."""


class AllianceRow(_alliance_key()):
    """Many rows per alliance, in a table whose own index starts with ``alliance_id``."""


def title_property(titles, attribute="state"):
    """A read-only property: the title in ``titles`` of the object's ``attribute`` (the value itself when
    ``titles`` does not know it). ``state_title = title_property(STATES)``."""
    return property(lambda self: titles.get(getattr(self, attribute), getattr(self, attribute)))


def file_columns(nullable=True):
    """The columns of an attached file, in this order: its SHA-256 (the name in the file store), its name and
    its content type. ``receipt_sha256, receipt_filename, receipt_content_type = file_columns()``."""
    return (sa.Column(sa.String(64), nullable=nullable), sa.Column(sa.String(200), nullable=nullable),
            sa.Column(sa.String(60), nullable=nullable))


#: the largest id an INTEGER primary key holds (a larger one in a URL is a 404, never a database error)
MAX_ID = 2**31 - 1


def find(model, ident):
    """The object with primary key ``ident``, or None (also for a non-integer or out-of-range id)."""
    try:
        ident = int(ident)
    except (TypeError, ValueError):
        return None
    return db.session.get(model, ident) if 0 < ident <= MAX_ID else None


def owned(c, model, ident, rule, message, field, **owner):
    """The row ``ident`` of ``model`` whose columns equal ``owner`` (``alliance_id=alliance.id``). None when
    ``ident`` is None (nothing chosen); None and the violation ``rule``/``message`` at ``field`` in the collector
    ``c`` when there is no such row or it is another's."""
    if ident is None:
        return None
    obj = find(model, ident)
    if obj is None or any(getattr(obj, name) != value for name, value in owner.items()):
        c.add(rule, message, field)
        return None
    return obj


def get_or_404(model, ident, visible=None):
    """The object with primary key ``ident``, or ``NotFound`` when there is none or ``visible(obj)`` is false
    (another association's object answers 404, so that its existence does not leak)."""
    obj = find(model, ident)
    if obj is None or (visible is not None and not visible(obj)):
        raise NotFound()
    return obj


class Providers:
    """Functions a lower layer declares and a higher one provides at import (a port of the layers): the
    higher module decorates its function with ``provide(name)``; the lower one calls ``providers[name]``."""

    def __init__(self, owner):
        self.owner = owner
        self._fns = {}

    def provide(self, name):
        """Decorator: register the function behind ``name``."""
        def register(fn):
            self._fns[name] = fn
            return fn
        return register

    def __getitem__(self, name):
        try:
            return self._fns[name]
        except KeyError:
            raise LookupError(f"{self.owner}: nothing provides {name!r}; create_app imports the module that "
                              "does") from None
