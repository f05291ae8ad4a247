"""The work waiting for one person: a registry of *sources* each stage fills in its own ``tasks.py``.

A source is ``fn(user, today) -> list[Task]`` registered with ``@source("code")``. It answers for every
alliance the user may see in a constant number of queries (no query per alliance), and returns nothing at
all, without a query, when the user holds none of the roles it serves. A task is work this person is
expected to do, never something they merely may do (no "Suspend"). ``collect(user)`` runs every source and
returns the tasks sorted: overdue first, then by due date (or by how long they wait). On an alliance's page,
``collect(user, alliance=a)`` gathers that alliance's only: every source adds ``tasks.scope()`` to its query
(``Alliance.id == a.id`` then, ``true`` on the home page), and a source registered with ``states=`` is not
asked when the alliance is in none of them. A source reads its rows with ``tasks.rows(query)`` (or
``tasks.scalars(query)``): on an alliance's page every source's query is first asked, all in ONE statement,
whether it finds anything (``EXISTS``), and only the sources that do are run. Nothing here writes::

    from grants.alliances import tasks

    @tasks.source("deliverable_to_accept")           # states=(...): only alliances in these states
    def to_accept(user, today):
        if not user.association_ids("board"):
            return []
        rows = tasks.rows(sa.select(...).where(..., tasks.scope()))
        return [tasks.Task("deliverable_to_accept", _l("Accept or reject ..."), url, alliance=a, since=...)]
"""
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from ..associations.models import Association
from ..extensions import db
from ..programs.models import Call, CallCommittee, Program
from .models import Alliance
from .permissions import alliance_filter

_SOURCES = {}
#: the alliance states in which each source can find work (absent: any state)
_STATES = {}
#: the id of the one alliance ``collect`` gathers the tasks of (None: every alliance)
_SCOPE = ContextVar("tasks_scope", default=None)
#: True while ``collect`` asks the sources for their queries instead of their rows (an alliance's page)
_PROBING = ContextVar("tasks_probing", default=False)


#: on the home, the alliances the next ``scalars`` of a source gets without a statement (read with other sources'
#: in one, ``_home``)
_READY = ContextVar("tasks_ready", default=None)


class _Probed(Exception):
    """Raised by ``rows``/``scalars`` while probing: carries the source's query, not run (``batchable``: asked by
    ``scalars``, it selects alliances alone and is cut at a LIMIT)."""

    def __init__(self, query, batchable=False):
        super().__init__("probed")
        self.query = query
        self.batchable = batchable

#: a task due within this many days counts as "due soon"
SOON_DAYS = 14
#: how many tasks the home page shows (the total is always counted)
LIMIT = 30

OVERDUE, SOON, WAITING, LATER = 0, 1, 2, 3


@dataclass
class Task:
    code: str
    #: a lazy string (flask_babel.lazy_gettext): what to do, in the reader's language
    title: object
    #: the page holding the form that does it
    url: str
    #: the alliance it concerns (None for work across alliances, e.g. a call's preselection)
    alliance: object = None
    #: the day by which it is due, when there is one
    due: date = None
    #: since when it waits (for work without a due date)
    since: date = None
    #: a short detail (supplier and amount, deliverable, ...)
    detail: str = ""
    #: an amount to show beside the detail (Decimal), in ``currency``
    amount: object = None
    currency: str = None
    urgency: int = WAITING

    @property
    def day(self):
        return self.due or self.since


def as_date(value):
    """A date from a date or a datetime (None stays None)."""
    if isinstance(value, datetime):
        return value.date()
    return value


def source(code, states=None, beyond=(), unstamped=()):
    """Register ``fn(user, today) -> list[Task]`` as the source of tasks ``code``. ``states``: the alliance
    states in which it can find work (its query requires one of them), so the page of an alliance in another
    state does not ask it; ``()`` for a source whose tasks concern no single alliance (a call's).

    For the stored home (grants/web/main.py, grants/alliances/stored.py): ``beyond``, the global roles for which
    it reads alliances that the user's regions and associations do not place (a buyer's deliveries, a
    committee's calls); ``unstamped``, the roles for which it reads rows that no stamp follows (a grievance
    without an alliance)."""

    def deco(fn):
        _SOURCES[code] = fn
        if states is not None:
            _STATES[code] = frozenset(states)
        _BEYOND.update(beyond)
        _UNSTAMPED.update(unstamped)
        return fn

    return deco


#: the roles of ``source(beyond=...)`` and ``source(unstamped=...)``
_BEYOND, _UNSTAMPED = set(), set()
#: ``reach(user)``: the user's tasks are all on the alliances of their regions and associations; some are on
#: alliances beyond them (only a scope of every alliance follows them); some are on rows no stamp follows
SCOPED, EVERYWHERE, UNSTAMPED = "scoped", "everywhere", "unstamped"


def reach(user):
    """Where ``user``'s tasks may come from (``SCOPED``, ``EVERYWHERE`` or ``UNSTAMPED``), by the roles the
    sources declare: what a stored home must be validated by, if it can be stored at all."""
    if _UNSTAMPED and user.has_role(*sorted(_UNSTAMPED)):
        return UNSTAMPED
    if _BEYOND and user.has_role(*sorted(_BEYOND)):
        return EVERYWHERE
    return SCOPED


def scope():
    """The SQL condition a source adds to its query: the one alliance whose page gathers the tasks, or
    ``true`` on the home page (without it a source would read, and cut at ``LIMIT``, every alliance's)."""
    alliance_id = _SCOPE.get()
    return sa.true() if alliance_id is None else Alliance.id == alliance_id


#: a task prints its rows' own columns (an alliance's id, code, title, state; a delivery's or a tranche's): the
#: relations every entity of a source's rows would join eagerly elsewhere (an alliance's call, program,
#: association and buyer; a delivery's alliance again, with all of those; an expense's budget line) are not
#: joined (with them, the database joined every candidate alliance of an officer's regions to four tables before
#: keeping the first ``LIMIT``, and each row built four more objects). Built per query from its entities.


def _lean(query):
    """``query`` without the eager loads of the entities it selects (see above): ``lazyload("*")`` on each."""
    lean = [sa.orm.Load(d["entity"]).lazyload("*") for d in query.column_descriptions
            if d.get("entity") is not None and d.get("expr") is d.get("entity")]
    return query.options(*lean) if lean else query


def rows(query):
    """The rows of a source's query (``db.session.execute(query).all()``). While ``collect`` probes the
    sources of an alliance's page, the query is handed back unrun, to be asked with the others in one
    ``EXISTS`` statement; a source whose query finds nothing then has no task and is not run."""
    if _PROBING.get():
        raise _Probed(query)
    return db.session.execute(_lean(query)).all()


def scalars(query):
    """Like ``rows``, the first column of each row (``.scalars().all()``). On the home, a query of alliances alone
    cut at a LIMIT is read with the other sources' such queries in one statement (``_home``)."""
    ready = _READY.get()
    if ready is not None:
        _READY.set(None)
        return ready
    if _PROBING.get():
        raise _Probed(query, [d.get("entity") for d in query.column_descriptions] == [Alliance]
                      and query._limit_clause is not None)
    return db.session.execute(_lean(query)).scalars().all()


def _queries(user, today, chosen):
    """The first pass of ``_probe`` and ``_home``: ``(tasks, [(fn, query, batchable)])``, the tasks of the sources
    that returned without reading (the user holds none of their roles, or they read alone) and the query each
    other source gave unrun (not the exception: its traceback would keep the sources' frames, and the objects
    they hold, alive past the request)."""
    found, probed = [], []
    token = _PROBING.set(True)
    try:
        for _code, fn in chosen:
            try:
                found.extend(fn(user, today) or [])
            except _Probed as p:
                probed.append((fn, p.query, p.batchable))
    finally:
        _PROBING.reset(token)
    return found, probed


def _home(user, today, chosen):
    """Run the sources ``chosen`` (``[(code, fn)]``) of the home. Each first gives its query unrun (as on an
    alliance's page); those that read alliances alone, cut at a LIMIT (an officer's intentions to screen, plans to
    appraise, alliances to close; a board's intentions and plans), are asked in ONE statement: each query chooses
    its alliances' ids, all of them are joined to the alliances once, and each source is run again with its own
    (``_READY``). The others run as they are. A source that returns without reading is taken at its word."""
    found, probed = _queries(user, today, chosen)
    plain = [(fn, query) for fn, query, batchable in probed if not batchable]
    batched = [(fn, query) for fn, query, batchable in probed if batchable]
    if len(batched) < 2:
        plain, batched = plain + batched, []
    for fn, _query in plain:
        found.extend(fn(user, today) or [])
    if batched:
        parts = [q.with_only_columns(Alliance.id).subquery(f"part{i}") for i, (_fn, q) in enumerate(batched)]
        ids = sa.union_all(*(sa.select(part.c.id, sa.literal(i).label("part")) for i, part in enumerate(parts)))
        ids = ids.subquery("batched")
        got = {}
        for alliance, i in db.session.execute(_lean(sa.select(Alliance, ids.c.part)
                                                    .join(ids, ids.c.id == Alliance.id))).all():
            got.setdefault(i, []).append(alliance)
        for i, (fn, _query) in enumerate(batched):
            ready = _READY.set(got.get(i, []))
            try:
                found.extend(fn(user, today) or [])
            finally:
                _READY.reset(ready)
    return found


def _probe(user, today, chosen):
    """Run the sources ``chosen`` (``[(code, fn)]``) of one alliance's page in two passes: first each gives
    its query (``rows``/``scalars`` raise ``_Probed``), all asked in one statement whether they find a row;
    then only the sources whose query found one run for real. A source that returns without reading
    (the user holds none of its roles) is taken at its word."""
    found, probed = _queries(user, today, chosen)
    if probed:
        hits = db.session.execute(sa.select(*(query.exists().label(f"p{i}")
                                               for i, (_fn, query, _b) in enumerate(probed)))).one()
        for (fn, _query, _b), hit in zip(probed, hits):
            if hit:
                found.extend(fn(user, today) or [])
    return found


def codes():
    """The codes of the registered sources, sorted."""
    return sorted(_SOURCES)


def _urgency(task, today):
    if task.due is not None:
        if task.due < today:
            return OVERDUE
        return SOON if task.due <= today + timedelta(days=SOON_DAYS) else LATER
    return WAITING


def collect(user, today=None, limit=LIMIT, alliance_id=None, alliance=None):
    """``(tasks, total)``: the first ``limit`` tasks waiting for ``user``, most urgent first, and how many
    there are in all; with ``alliance`` (or ``alliance_id``), only those on that alliance: each source reads
    that alliance only (``scope()``), and with ``alliance`` the sources that cannot find work in its state
    are not asked."""
    if not getattr(user, "is_authenticated", False):
        return [], 0
    today = today or date.today()
    if alliance is not None:
        alliance_id = alliance.id
    chosen = [(code, fn) for code, fn in sorted(_SOURCES.items())
              if alliance is None or code not in _STATES or alliance.state in _STATES[code]]
    found = []
    token = _SCOPE.set(alliance_id)
    try:
        if alliance_id is not None:
            found = _probe(user, today, chosen)
        else:
            found = _home(user, today, chosen)
    finally:
        _SCOPE.reset(token)
    if alliance_id is not None:
        found = [t for t in found if t.alliance is not None and t.alliance.id == alliance_id]
    for t in found:
        t.due, t.since = as_date(t.due), as_date(t.since)
        t.urgency = _urgency(t, today)
    found.sort(key=lambda t: (t.urgency, t.day or today, t.alliance.id if t.alliance is not None else 0, t.code))
    return found[:limit], len(found)


def visible_alliances(user, states, roles=None):
    """A select of the alliances ``user`` may see in ``states``; with ``roles`` (association roles), only
    those of associations where the user holds one of them."""


    query = sa.select(Alliance).where(alliance_filter(user), Alliance.state.in_(list(states)))
    if roles is not None:
        query = query.where(Alliance.association_id.in_(sorted(user.association_ids(*roles)) or [-1]))
    return query


def officer_filter(user):
    """The SQL condition for the alliances of the regions a program officer covers (``false`` otherwise)."""


    if not user.has_role("officer") or not user.regions:
        return sa.false()
    return Alliance.association_id.in_(sa.select(Association.id).where(Association.region.in_(user.regions)))


def committee_filter(user):
    """The SQL condition for the alliances before a committee ``user`` sits on (every call that names no
    committee, and the calls that name them); ``false`` for anyone else."""


    if not user.has_role("committee"):
        return sa.false()
    assigned = sa.select(CallCommittee.call_id).where(CallCommittee.user_id == user.id)
    open_calls = sa.select(Call.id).where(~sa.exists().where(CallCommittee.call_id == Call.id))
    return sa.or_(Alliance.call_id.in_(assigned), Alliance.call_id.in_(open_calls))


def with_currency(query):
    """``query`` (which selects from ``Alliance``) with the program's currency added as its last column, by
    joins: no query per alliance to format an amount."""

    return (query.add_columns(Program.currency).join(Call, Call.id == Alliance.call_id)
            .join(Program, Program.id == Call.program_id))
