"""The demo's clock: its story is a list of steps, each on the day it happened, run in time order.

``Timeline.at(days_ago, fn, *args)`` schedules ``fn(*args)``; ``run()`` calls the steps oldest first (in the
order they were scheduled within a day), each inside ``audit_clock`` at that day, so that the audit trail is
written in time order with real past dates (stage durations are not zero) and its hash chain still verifies.
A step may schedule further steps (on its own day or later); they join the queue in order.
"""
import heapq
from datetime import date, datetime, time, timedelta

from ..audit.services import audit_clock
from ..common import utcnow

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
        while self._queue:
            neg, _seq, fn, args, kwargs = heapq.heappop(self._queue)
            in_day = in_day + 1 if neg == last else 0
            last = neg
            moment = datetime.combine(self.day(-neg), START) + STEP * in_day
            self._now = min(moment, utcnow().replace(microsecond=0))
            with audit_clock(self._now):
                fn(*args, **kwargs)
            count += 1
        self._now = None
        return count
