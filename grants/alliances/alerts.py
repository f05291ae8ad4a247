"""Alerts on alliances: a registry of *sources* each stage fills in its own module, and the table of open
alerts (``alerts``) the pages read.

A source is ``fn(alliances) -> list[Alert]`` registered with ``@source("code", message=fn)``: for the given
alliances (objects or rows with ``id`` and ``state``) it returns every alert the data holds *or will hold as
time passes*, each with ``since`` (shown) and ``due`` (the first day the alert is open); it must answer for the
whole list in a constant number of queries (no N+1). ``message(detail, today)`` renders the text in the
reader's language. A stage also names the models whose changes raise or clear its alerts with
``watch(Model, alliance_ids_of)``; the stages never import each other::

    from grants.alliances import alerts

    @alerts.source("deliverable_overdue", message=lambda d, today: _l("...", due=d["due_on"]))
    def overdue(alliances):
        return [alerts.Alert("deliverable_overdue", a_id, since=d.due_on, due=d.due_on + ONE_DAY, ...) ...]

    alerts.watch(Deliverable, lambda d: [d.contract.alliance_id])

Stored alerts. Every change to a watched model (an ``after_flush`` of the session) and every workflow
transition (``transition_applied``) marks its alliances; before the transaction commits (or before a read in
the same transaction) ``refresh(ids)`` recomputes their alerts and makes the ``alerts`` rows equal to them, in
the same transaction. Time passing needs no write: a row is stored as soon as the data makes it *due* on some
day, and readers show the rows with ``due <= today`` (``open_alerts``), so an alert that depends only on the
calendar (a report due after N months, a deliverable overdue, a tranche unanswered) appears on its day without
recomputing. ``flask grants refresh-alerts`` (daily from cron) recounts every alliance: it repairs what no
session saw (bulk imports, SQL by hand, a program's rules changed).

``collect(alliances, today)`` is the full recount without the table (tests, comparison)."""
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..common import utcnow
from ..extensions import db
from ..programs.models import Call, Program
from ..workflows import transition_applied
from . import cards
from .budget import Tranche
from .models import Alliance

_SOURCES = {}
_MESSAGES = {}
_WATCHED_MODELS = {}
ONE_DAY = timedelta(days=1)
#: the alliances refreshed per batch of statements (IN lists stay short on every database)
CHUNK = 500
_PENDING = "alerts_pending"


@dataclass
class Alert:
    code: str
    alliance_id: int
    #: since when the condition holds (shown)
    since: date
    #: the first day the alert is open (``since`` or the day after); before it the row waits for its day
    due: date
    detail: dict = field(default_factory=dict)
    #: tells apart two alerts of one code on one alliance (the deliverable, the tranche); "" when there is one
    ref: str = ""
    #: the day the alert is read on (the message may count days); None: today
    today: date | None = field(default=None, compare=False, repr=False)

    @property
    def message(self):
        """A lazy string (flask_babel.lazy_gettext), rendered in the reader's language."""
        return _MESSAGES[self.code](self.detail, self.today or date.today())

    def key(self):
        return (self.alliance_id, self.code, self.ref)


class StoredAlert(db.Model):
    """An alert the data raises on an alliance, open from ``due`` on; kept equal to the sources' answer by
    ``refresh`` (never edited by hand)."""

    __tablename__ = "alerts"
    __table_args__ = (sa.UniqueConstraint("alliance_id", "code", "ref"),
                      sa.Index("ix_alerts_due_since", "due", "since"))

    id = sa.Column(sa.Integer, primary_key=True)
    alliance_id = sa.Column(sa.Integer, sa.ForeignKey("alliances.id", ondelete="CASCADE"), nullable=False,
                            index=True)
    code = sa.Column(sa.String(40), nullable=False, index=True)
    #: tells apart two alerts of one code on one alliance (a deliverable or tranche id); "" when there is one
    ref = sa.Column(sa.String(40), nullable=False, default="")
    #: since when the condition holds (shown)
    since = sa.Column(sa.Date, nullable=False)
    #: the first day the alert is open: readers show the rows with due <= today
    due = sa.Column(sa.Date, nullable=False)
    #: the source's detail (amounts as strings, dates as ISO strings)
    data = sa.Column(sa.JSON, nullable=False, default=dict)
    #: when this alert was first stored
    raised_at = sa.Column(sa.DateTime, nullable=False)
    #: when its data last changed
    refreshed_at = sa.Column(sa.DateTime, nullable=False)

    def to_alert(self, today=None):
        return Alert(self.code, self.alliance_id, self.since, self.due, dict(self.data or {}), self.ref,
                     today=today)


def source(code, message):
    """Register ``fn(alliances) -> list[Alert]`` as the source of alerts ``code``; ``message(detail, today)``
    renders one alert's text."""

    def deco(fn):
        _SOURCES[code] = fn
        _MESSAGES[code] = message
        return fn

    return deco


def watch(model, alliance_ids_of):
    """Changes to ``model`` (added, changed, deleted) refresh the alerts of ``alliance_ids_of(obj)`` (an
    iterable of alliance ids; it may query)."""
    _WATCHED_MODELS[model] = alliance_ids_of


def codes():
    """The codes of the registered sources, sorted."""
    return sorted(_SOURCES)


def compute(alliances, only=None):
    """Every alert ``alliances`` hold or will hold as time passes (whatever ``due``), unsorted."""
    alliances = list(alliances)
    if not alliances:
        return []
    found = []
    for code, fn in sorted(_SOURCES.items()):
        if only and code != only:
            continue
        found.extend(fn(alliances) or [])
    return found


def _order(alert):
    return (alert.since, alert.alliance_id, alert.code)


def collect(alliances, today=None, only=None):
    """Every open alert on ``alliances`` (a list) on ``today``, sorted by ``since`` then alliance, computed from
    the data (not the table). ``only``: a code or None."""
    today = today or date.today()
    found = [a for a in compute(alliances, only) if a.due <= today]
    for a in found:
        a.today = today
    found.sort(key=_order)
    return found


# the stored table -------------------------------------------------------------------------------------

def _now():

    return utcnow().replace(microsecond=0)


def refresh(alliance_ids, session=None, each_chunk=None):
    """Make the stored alerts of ``alliance_ids`` equal to what the sources compute now. Returns
    ``(raised, cleared)`` counts. The alliances' rows are locked first (``FOR UPDATE`` on PostgreSQL: two
    transactions refreshing one alliance take turns, so neither stores a row twice). Writes with the session's
    connection; never commits (``each_chunk()``, when given, is called after each batch: the CLI commits there)."""

    session = session or db.session
    ids = sorted({int(i) for i in alliance_ids if i is not None})
    raised = cleared = 0
    table = StoredAlert.__table__
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        alliances = session.execute(sa.select(Alliance.id, Alliance.state).where(Alliance.id.in_(chunk))
                                    .order_by(Alliance.id).with_for_update()).all()
        fresh = {a.key(): a for a in compute(alliances)}
        stored = {(r.alliance_id, r.code, r.ref): r for r in session.execute(sa.select(
            table.c.id, table.c.alliance_id, table.c.code, table.c.ref, table.c.since, table.c.due,
            table.c.data).where(table.c.alliance_id.in_(chunk))).all()}
        gone = [r.id for k, r in stored.items() if k not in fresh]
        now = _now()
        new = [{"alliance_id": a.alliance_id, "code": a.code, "ref": a.ref, "since": a.since, "due": a.due,
                "data": a.detail, "raised_at": now, "refreshed_at": now} for k, a in fresh.items() if k not in stored]
        changed = [{"row_id": stored[k].id, "since": a.since, "due": a.due, "data": a.detail, "refreshed_at": now}
                   for k, a in fresh.items() if k in stored and (stored[k].since, stored[k].due, stored[k].data)
                   != (a.since, a.due, a.detail)]
        if gone:
            session.execute(table.delete().where(table.c.id.in_(gone)))
        if new:
            session.execute(table.insert(), new)
        if changed:
            session.execute(table.update().where(table.c.id == sa.bindparam("row_id")).values(
                since=sa.bindparam("since"), due=sa.bindparam("due"), data=sa.bindparam("data"),
                refreshed_at=sa.bindparam("refreshed_at")), changed)
        raised, cleared = raised + len(new), cleared + len(gone)
        cards.bump({k[0] for k in set(stored) ^ set(fresh)}  # the alliance pages show their alerts
                   | {r.alliance_id for r in stored.values() if r.id in {c["row_id"] for c in changed}}, session)
        if each_chunk is not None:
            each_chunk()
    return raised, cleared


def refresh_all(session=None, each_chunk=None):
    """Recount the alerts of every alliance (``flask grants refresh-alerts``). Returns ``(alliances, raised,
    cleared)``; rows of alliances that no longer exist go with them (foreign key cascade)."""

    session = session or db.session
    ids = session.execute(sa.select(Alliance.id).order_by(Alliance.id)).scalars().all()
    raised, cleared = refresh(ids, session, each_chunk)
    return len(ids), raised, cleared


def mark(alliance_ids, session=None):
    """Refresh the alerts of ``alliance_ids`` before this transaction commits (or before the next read)."""
    session = session or db.session
    pending = session.info.setdefault(_PENDING, set())
    pending.update(i for i in alliance_ids if i is not None)


def refresh_pending(session=None):
    """Refresh the alliances marked in this transaction (a read calls it first, so it sees its own changes)."""
    session = session or db.session
    session.flush()  # the changes not flushed yet mark their alliances now (nothing to do when clean)
    ids = session.info.pop(_PENDING, None)
    if ids:
        refresh(ids, session)


def open_alerts(alliance_ids, today=None):
    """The stored open alerts (``due <= today``) of a few alliances, sorted like ``collect``: one statement."""
    today = today or date.today()
    refresh_pending()
    ids = list(alliance_ids)
    if not ids:
        return []
    rows = db.session.execute(sa.select(StoredAlert).where(StoredAlert.alliance_id.in_(ids),
                                                           StoredAlert.due <= today)
                              .order_by(StoredAlert.since, StoredAlert.alliance_id, StoredAlert.code,
                                        StoredAlert.id)).scalars().all()
    return [r.to_alert(today) for r in rows]


# the hooks ---------------------------------------------------------------------------------------------

def _after_flush(session, _context):
    if not _WATCHED_MODELS:
        return
    touched = set()
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        fn = _WATCHED_MODELS.get(type(obj))
        if fn is not None:
            touched.update(fn(obj) or ())
    if touched:
        mark(touched, session)


def _before_commit(session):
    refresh_pending(session)


def _forget(session, *_args):
    session.info.pop(_PENDING, None)


def _on_transition(_workflow, obj=None, **_kw):

    if isinstance(obj, Alliance):
        mark([obj.id])
    elif getattr(obj, "alliance_id", None) is not None:
        mark([obj.alliance_id])


def install():
    """Register the hooks (once per process; create_app calls it)."""


    if sa.event.contains(Session, "after_flush", _after_flush):
        return
    sa.event.listen(Session, "after_flush", _after_flush)
    sa.event.listen(Session, "before_commit", _before_commit)
    sa.event.listen(Session, "after_rollback", _forget)
    sa.event.listen(Session, "after_soft_rollback", _forget)
    transition_applied.connect(_on_transition)
    # the spine's own models: the alliance's state, its tranches
    watch(Alliance, lambda a: [a.id])
    watch(Tranche, lambda t: [t.alliance_id])
    watch(Program, _program_alliances)  # its rules: report period, low execution share, answer days


def _program_alliances(program):

    if program.id is None:
        return []
    return db.session.execute(sa.select(Alliance.id).join(Call, Call.id == Alliance.call_id).where(
        Call.program_id == program.id)).scalars().all()


def add_months(day, months):
    """``day`` plus ``months`` calendar months (the last day of the month when it is shorter)."""
    import calendar

    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def program_rules(alliance_ids, *columns):
    """``{alliance_id: row}`` with the given Program columns for each alliance, in one query."""

    rows = db.session.execute(sa.select(Alliance.id, *columns).join(Call, Call.id == Alliance.call_id)
                              .join(Program, Program.id == Call.program_id)
                              .where(Alliance.id.in_(list(alliance_ids)))).all()
    return {r[0]: r for r in rows}
