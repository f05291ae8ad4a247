"""The demo's clock: its story is a list of steps, each on the day it happened, run in time order.

``Timeline.at(days_ago, fn, *args)`` schedules ``fn(*args)``; ``run()`` calls the steps oldest first (in the
order they were scheduled within a day), each inside ``audit_clock`` at that day, so that the audit trail is
written in time order with real past dates (stage durations are not zero) and its hash chain still verifies.
A step may schedule further steps (on its own day or later); they join the queue in order.

While a step runs, the times the services stamp with "now" (``created_at``, ``updated_at``,
``state_changed_at``, a tranche's ``requested_at``, a deliverable's ``submitted_at``...) take the step's moment
too, just before they are flushed (``_backdate``): a page that says "since" or "waiting for 25 days" tells the
same story as the audit trail. Times in the future (a call's closing) and dates are left as they are.
"""
import heapq
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from ..audit.models import Event
from ..audit.services import audit_clock
from ..common import utcnow
from ..extensions import db

#: the hour of the working day the steps of a day start at (UTC), and the minutes between two steps
START = time(12, 0)
STEP = timedelta(minutes=3)


class Timeline:
    def __init__(self, today=None):
        self.today = today or date.today()
        self._queue, self._seq = [], 0
        self._now = None

    def day(self, days_ago):
        return self.today - timedelta(days=days_ago)

    def at(self, days_ago, fn, *args, **kwargs):
        """Schedule ``fn(*args, **kwargs)`` ``days_ago`` days before today (0: today)."""
        self._seq += 1
        heapq.heappush(self._queue, (-days_ago, self._seq, fn, args, kwargs))

    def now(self):
        """The moment of the step being run (None outside ``run``)."""
        return self._now

    def run(self):
        """Run every step in time order; return how many ran."""
        count, last, in_day = 0, None, 0
        self._started = utcnow()
        session = db.session()
        sa.event.listen(session, "before_flush", self._backdate)
        try:
            while self._queue:
                neg, _seq, fn, args, kwargs = heapq.heappop(self._queue)
                in_day = in_day + 1 if neg == last else 0
                last = neg
                moment = datetime.combine(self.day(-neg), START) + STEP * in_day
                self._now = min(moment, utcnow().replace(microsecond=0))
                with audit_clock(self._now):
                    fn(*args, **kwargs)
                    session.flush()
                count += 1
        finally:
            sa.event.remove(session, "before_flush", self._backdate)
            self._now = None
        return count

    def _backdate(self, session, _context, _instances):
        if self._now is None:
            return
        until = utcnow()
        for obj in (*session.new, *session.dirty):
            if isinstance(obj, Event) or (obj not in session.new and not session.is_modified(obj)):
                continue
            mapper = sa.inspect(obj).mapper
            for column in mapper.columns:
                if not isinstance(column.type, sa.DateTime) or column.key not in mapper.attrs:
                    continue
                value = getattr(obj, column.key)
                if isinstance(value, datetime) and self._started <= value <= until:
                    setattr(obj, column.key, self._now)  # stamped "now" by a service during this step
                elif value is None and obj in session.new and column.default is not None:
                    setattr(obj, column.key, self._now)  # created_at, updated_at
                elif column.key == "updated_at" and obj not in session.new:
                    setattr(obj, column.key, self._now)
