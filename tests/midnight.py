"""A pytest plugin (``-p tests.midnight``) that runs the selected tests as if the run crossed midnight UTC: the
clock stands at 23:59:50 while the test modules are imported and collected, and at 00:00:05 of the next day
(still ticking) when each test runs. tests/alliances/test_alerts_midnight.py uses it to check that the tests
compute "today" when they run, not when their module is imported."""
from datetime import datetime, timedelta, timezone

import pytest
import time_machine

_EVE = datetime.now(timezone.utc).replace(hour=23, minute=59, second=50, microsecond=0)
_traveller = time_machine.travel(_EVE, tick=True)
_traveller.start()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_finish(session):
    global _traveller
    _traveller.stop()
    _traveller = time_machine.travel(_EVE + timedelta(seconds=15), tick=True)
    _traveller.start()


def pytest_unconfigure(config):
    _traveller.stop()
