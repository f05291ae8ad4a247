"""A run that crosses midnight UTC: the stored alerts' tests compute "today" when each test runs, so they pass
when their module was imported on the day before (tests/midnight.py moves the clock between collection and the
tests, in a pytest of its own, on SQLite)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(bool(os.environ.get("GRANTS_TEST_DATABASE_URL")),
                    reason="runs on SQLite whatever the run's database: the SQLite run has done the same")
def test_the_stored_alerts_tests_pass_across_midnight():
    env = {**os.environ, "TZ": "UTC"}
    # on a SQLite database of its own: the clock is the point, and this run's PostgreSQL database is in use
    for name in ("GRANTS_TEST_SHARD", "GRANTS_TEST_DEAL", "GRANTS_TEST_DATABASE_URL", "GRANTS_REQUIRE_POSTGRES"):
        env.pop(name, None)
    # the tranche's days counted on the day the alert is read: the test that failed when TODAY was yesterday
    node = "tests/alliances/test_alerts_stored.py::test_a_tranche_answered_clears_tranche_unanswered"
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "tests.midnight", "-p", "no:cacheprovider",
                          node], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "1 passed" in run.stdout
