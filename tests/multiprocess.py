"""Concurrency against a real multi-process server (issue 13, part 6).

On SQLite (the embedded default) the race tests send their requests, from threads, to gunicorn with two
worker processes (four threads each) serving the suite's own SQLite file: what production with ``gunicorn -w 2`` does, where
each process has its own connections and only the database's locks keep the rules. On PostgreSQL they keep
their in-process test clients (one app context, session and connection per thread), as before.

``race_api(user)`` answers a client with ``get(path)`` and ``post(path, json=...)`` returning something with
``status_code`` and ``get_json()`` in both cases; ``race(calls)`` runs ``(client, method, path, body)``
calls at once from threads released together."""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Server:
    def __init__(self, url, proc, log):
        self.url, self.proc, self.log = url, proc, log

    def log_tail(self, lines=40):
        with open(self.log, encoding="utf-8", errors="replace") as fh:
            return "".join(fh.readlines()[-lines:])


@pytest.fixture(scope="session")
def gunicorn_sqlite(app):
    """``gunicorn -w 2 --threads 4`` serving the test database (a SQLite file in a temporary folder); stopped at the end."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    assert url.startswith("sqlite:///"), url
    port = _free_port()
    log = tempfile.NamedTemporaryFile(prefix="grants-gunicorn-", suffix=".log", delete=False).name
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRANTS_")}
    env.update(GRANTS_DATABASE_URL=url, GRANTS_SECRET_KEY=app.config["SECRET_KEY"],
               GRANTS_UPLOAD_FOLDER=app.config["UPLOAD_FOLDER"], GRANTS_PORTFOLIO_CACHE_SECONDS="0")
    with open(log, "wb") as out:
        # two processes (each its own connections: only the database's locks keep the rules), four threads
        # each (so that more requests overlap: without BEGIN IMMEDIATE this overspends nearly every run)
        proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "--threads", "4",
                                 "-b", f"127.0.0.1:{port}", "--timeout", "120", "grants:create_app()"],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = _Server(f"http://127.0.0.1:{port}", proc, log)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(server.url + "/login", timeout=5) as resp:
                    if resp.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("gunicorn did not start:\n" + server.log_tail())
            time.sleep(0.2)
        yield server
    finally:
        proc.send_signal(signal.SIGINT)  # gunicorn's quick shutdown (SIGTERM waits for its graceful timeout)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:  # pragma: no cover
            proc.kill()
            proc.wait()
        os.unlink(log)


class HttpResponse:
    def __init__(self, status, body):
        self.status_code, self.body = status, body

    def get_json(self):
        return json.loads(self.body) if self.body else None


class HttpApiClient:
    """Sends ``/api/v1`` requests over HTTP, with the bearer token of a user, to the live server."""

    def __init__(self, server, headers):
        self.server, self.headers = server, headers

    def post(self, path, json=None):  # noqa: A002 - the same keyword as Flask's test client
        return self._send("POST", path, json)

    def get(self, path):
        return self._send("GET", path, None)

    def _send(self, method, path, body):
        data = None if body is None else _dumps(body)
        headers = {**self.headers, **({"Content-Type": "application/json"} if data is not None else {})}
        req = urllib.request.Request(self.server.url + "/api/v1" + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=120) as resp:
                return HttpResponse(resp.status, resp.read())
        except urllib.error.HTTPError as exc:
            with exc:
                return HttpResponse(exc.code, exc.read())


def _dumps(value):
    return json.dumps(value).encode("utf-8")


@pytest.fixture
def race_api(db, api, request):
    """A client factory for racing requests: gunicorn -w 2 over HTTP on SQLite, test clients on PostgreSQL."""
    if db.engine.dialect.name != "sqlite":
        yield api
        return
    server = request.getfixturevalue("gunicorn_sqlite")

    def make(user):
        return HttpApiClient(server, api(user).headers)

    yield make
    if server.proc.poll() is not None:  # a crashed server is a failure of its own
        pytest.fail("gunicorn stopped:\n" + server.log_tail())


def race(calls):
    """Send every ``(client, method, path, body)`` at once (a barrier releases the threads together) and
    return the responses in the same order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, client, method, path, body):
        barrier.wait()
        results[i] = client.get(path) if method == "GET" else client.post(path, json=body)

    threads = [threading.Thread(target=run, args=(i, *c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(180)
    return results
