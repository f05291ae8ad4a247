"""The database goes away mid-run: every page and API call answers 503 with Retry-After and a short
message in the user's language (built without the database), /healthz still answers, /readyz says
503; when the database is back everything works again without a restart and nothing was lost.

On PostgreSQL the test starts a throwaway cluster of its own and stops it; on SQLite it moves the
database file's folder away (the file becomes unreachable)."""
import os
import shutil
import socket
import subprocess
import tempfile

import pytest
import sqlalchemy as sa

import config
from grants import create_app
from grants.extensions import db as _db
from tests.conftest import IN_CI, PASSWORD
from tests.statements import statements

PGBIN = next((f"/usr/lib/postgresql/{v}/bin" for v in ["15"] + sorted(
    os.listdir("/usr/lib/postgresql") if os.path.isdir("/usr/lib/postgresql") else [], reverse=True)
              if os.access(f"/usr/lib/postgresql/{v}/bin/pg_ctl", os.X_OK)), None)


def _make_app(url, folder):
    class Cfg(config.TestConfig):
        DATABASE_URL = url
        UPLOAD_FOLDER = os.path.join(folder, "uploads")

    app = create_app(Cfg)
    with app.app_context():
        _db.create_all()
    return app


def _seed(app):
    """An admin with a token and a signed-in web client; one association created through the API."""
    from grants.accounts.services import create_user, issue_token

    with app.app_context():
        user = create_user({"email": "admin@example.org", "name": "Admin", "password": PASSWORD,
                            "roles": ["admin"], "regions": [], "memberships": [], "locale": "es"})
        token, _row = issue_token(user)
        _db.session.commit()
    web = app.test_client()
    assert web.post("/login", data={"email": "admin@example.org", "password": PASSWORD}).status_code == 302
    api = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    resp = api.post("/api/v1/associations", headers=headers, json={
        "name": "Asociación de Productores de Quinua", "legal_id": "PJ-77", "municipality": "Challapata",
        "region": "Oruro", "level": 1})
    assert resp.status_code == 201, resp.get_json()
    return web, api, headers


def _check_down(app, web, api, headers):
    # a page that needs the signed-in user (the database): 503, Spanish by default, no template
    resp = web.get("/dashboard")
    assert resp.status_code == 503
    assert int(resp.headers["Retry-After"]) > 0
    assert resp.mimetype == "text/html"
    page = resp.get_data(as_text=True)
    assert "Servicio no disponible por un momento" in page and 'lang="es"' in page
    assert "Internal Server Error" not in page
    # the user's language: English when asked (?lang or the browser's Accept-Language)
    resp = web.get("/alliances/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert resp.status_code == 503 and "Service temporarily unavailable" in resp.get_data(as_text=True)
    # the API: the JSON error shape with code "unavailable", for a read and a write
    resp = api.get("/api/v1/alliances", headers=headers)
    assert resp.status_code == 503 and int(resp.headers["Retry-After"]) > 0
    body = resp.get_json()
    assert body["error"]["status"] == 503 and body["error"]["code"] == "unavailable"
    assert "base de datos" in body["error"]["message"] and body["error"]["details"] == []
    resp = api.post("/api/v1/associations", headers={**headers, "Accept-Language": "en"},
                    json={"name": "Lost?", "legal_id": "PJ-78", "municipality": "Sucre", "region": "Chuquisaca",
                          "level": 1})
    assert resp.status_code == 503 and resp.get_json()["error"]["code"] == "unavailable"
    assert "database" in resp.get_json()["error"]["message"]
    # the probes: the process is alive, the database is not
    health = app.test_client().get("/healthz")
    assert health.status_code == 200 and health.get_data(as_text=True).strip() == "ok"
    ready = app.test_client().get("/readyz")
    assert ready.status_code == 503 and int(ready.headers["Retry-After"]) > 0


def _check_recovered(app, web, api, headers):
    assert app.test_client().get("/readyz").status_code == 200
    assert web.get("/dashboard").status_code == 200
    resp = api.get("/api/v1/associations", headers=headers)
    assert resp.status_code == 200
    assert [a["name"] for a in resp.get_json()["items"]] == ["Asociación de Productores de Quinua"]
    resp = api.post("/api/v1/associations", headers=headers, json={
        "name": "Asociación Apícola", "legal_id": "PJ-79", "municipality": "Monteagudo", "region": "Chuquisaca",
        "level": 1})
    assert resp.status_code == 201


def _dispose(app):
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


def test_sqlite_file_unreachable_gives_503_and_recovers():
    tmp = tempfile.mkdtemp(prefix="grants-outage-")
    folder = os.path.join(tmp, "data")
    os.makedirs(folder)
    app = _make_app(f"sqlite:///{os.path.join(folder, 'grants.db')}", tmp)
    try:
        web, api, headers = _seed(app)
        assert app.test_client().get("/readyz").status_code == 200
        # the database file becomes unreachable: its folder is gone (open connections go with the pool)
        os.rename(folder, folder + ".away")
        _dispose(app)
        _check_down(app, web, api, headers)
        os.rename(folder + ".away", folder)
        _check_recovered(app, web, api, headers)
    finally:
        _dispose(app)
        shutil.rmtree(tmp, ignore_errors=True)


def _as_postgres(cmd):
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--"] + cmd
    return cmd


class Cluster:
    """A throwaway PostgreSQL cluster on a free port, in a temporary folder (as scripts/test.sh does)."""

    def __init__(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.dir = tempfile.mkdtemp(prefix="grants-outage-pg-")
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self.data = os.path.join(self.dir, "data")
        self._run([f"{PGBIN}/initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "-E", "UTF8",
                   "--locale=C.UTF-8", "--no-sync"])
        self.start()
        subprocess.run([f"{PGBIN}/createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "grants"],
                       check=True, capture_output=True, timeout=60)
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/grants"

    def _run(self, cmd):
        result = subprocess.run(_as_postgres(cmd), capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr

    def start(self):
        self._run([f"{PGBIN}/pg_ctl", "-D", self.data, "-l", os.path.join(self.dir, "server.log"), "-w", "-t", "60",
                   "-o", f"-p {self.port} -k {self.dir} -h 127.0.0.1 -c fsync=off -c synchronous_commit=off "
                         "-c full_page_writes=off", "start"])

    def stop(self, mode="fast"):
        self._run([f"{PGBIN}/pg_ctl", "-D", self.data, "-m", mode, "-w", "stop"])

    def remove(self):
        if os.path.exists(os.path.join(self.data, "postmaster.pid")):
            subprocess.run(_as_postgres([f"{PGBIN}/pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop"]),
                           capture_output=True, timeout=60)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def cluster():
    if PGBIN is None:
        if IN_CI:
            pytest.fail("PostgreSQL server binaries (initdb, pg_ctl) are missing; they are required when CI=true")
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    pg = Cluster()
    try:
        yield pg
    finally:
        pg.remove()


def test_postgresql_stopped_mid_run_gives_503_and_recovers(cluster):
    tmp = tempfile.mkdtemp(prefix="grants-outage-")
    app = _make_app(cluster.url, tmp)
    try:
        web, api, headers = _seed(app)
        assert web.get("/dashboard").status_code == 200  # the pool holds live connections now
        cluster.stop()
        _check_down(app, web, api, headers)
        cluster.start()
        _check_recovered(app, web, api, headers)
        with app.app_context():
            names = _db.session.execute(sa.text("SELECT name FROM associations ORDER BY id")).scalars().all()
        assert names == ["Asociación de Productores de Quinua", "Asociación Apícola"]
    finally:
        _dispose(app)
        shutil.rmtree(tmp, ignore_errors=True)


def test_healthz_needs_no_database_and_no_session(app, client):
    with statements(_db.engine) as seen:
        resp = client.get("/healthz")
    assert resp.status_code == 200 and resp.get_data(as_text=True) == "ok\n"
    assert seen == []
    assert "Set-Cookie" not in resp.headers
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_data(as_text=True) == "ready\n"
