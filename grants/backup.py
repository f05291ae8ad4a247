"""Backup and restore: the database and the uploaded files, with a manifest of SHA-256s.

``backup(directory)`` writes into a new (or empty) directory:

- the database: SQLite through its online backup API (``database.sqlite3``, consistent while the app
  runs); PostgreSQL with ``pg_dump --format=custom`` (``database.pgdump``) when ``pg_dump`` is on the
  PATH, otherwise (or with ``portable=True``, on either database) a portable dump through SQLAlchemy of
  every table in dependency order (``database.jsonl``: one JSON line per row, exact values: money as
  decimal strings, times in ISO 8601), which restores into SQLite or PostgreSQL alike;
- ``uploads/``: a copy of the upload folder (files are named by their SHA-256);
- ``manifest.json``: the kind of dump, the migration revision, the rows of every table, and the path,
  size and SHA-256 of the dump and of every file.

``restore(directory)`` first checks every hash of the manifest (nothing is touched when one differs or
a file is missing), refuses a database that holds data unless ``force`` (which replaces it), restores
the database and the files, checks the rows of every table against the manifest and the files' hashes
again, and verifies the audit trail's hash chain. Errors raise ``BackupError`` with every problem.
Neither function commits the session's work: they use their own connections (the CLI is the edge).
"""
import base64
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from datetime import date, datetime, time, timezone
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app

from .extensions import db

FORMAT = 1
MANIFEST = "manifest.json"
FILES = {"sqlite": "database.sqlite3", "pg_dump": "database.pgdump", "portable": "database.jsonl"}
BATCH = 500


class BackupError(Exception):
    """A backup or restore that cannot go on; ``problems`` lists every reason."""

    def __init__(self, message, problems=()):
        super().__init__(message)
        self.problems = list(problems)

    def __str__(self):
        return "\n  ".join([self.args[0], *self.problems])


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def upload_root():
    return current_app.config.get("UPLOAD_FOLDER") or os.path.join(current_app.instance_path, "uploads")


def _dialect():
    return db.engine.dialect.name


def _revision(conn):
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def _head():
    from alembic.script import ScriptDirectory

    migrate = current_app.extensions["migrate"]
    heads = ScriptDirectory.from_config(migrate.migrate.get_config(migrate.directory)).get_heads()
    return heads[0] if len(heads) == 1 else None


def _row_counts(conn):
    names = set(sa.inspect(conn).get_table_names())
    return {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()
            for t in db.metadata.sorted_tables if t.name in names}


def _libpq(url):
    """A libpq URL and environment for pg_dump/pg_restore (the password through PGPASSWORD, never argv)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False), env


def _run(args, env):
    proc = subprocess.run(args, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        hint = ["a pg_dump older than the server cannot dump it: install the server's version, or use --portable"
                ] if "version mismatch" in proc.stderr else []
        raise BackupError(f"{args[0]} failed (exit {proc.returncode})", [proc.stderr.strip()[-2000:], *hint])


# --- portable dump -------------------------------------------------------------------------------------------


def _encode(value, column):
    if isinstance(column.type, sa.JSON):
        return {"$json": value}
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, Decimal):
        return {"$dec": str(value)}
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, time):
        return {"$time": value.isoformat()}
    if isinstance(value, (bytes, memoryview)):
        return {"$b64": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, float):
        return {"$float": repr(value)}
    raise BackupError(f"cannot dump {column.table.name}.{column.name}: {type(value).__name__}")


def _decode(value):
    if not isinstance(value, dict):
        return value
    (tag, raw), = value.items()
    if tag == "$json":
        return raw
    if tag == "$dec":
        return Decimal(raw)
    if tag == "$dt":
        return datetime.fromisoformat(raw)
    if tag == "$date":
        return date.fromisoformat(raw)
    if tag == "$time":
        return time.fromisoformat(raw)
    if tag == "$b64":
        return base64.b64decode(raw)
    if tag == "$float":
        return float(raw)
    raise BackupError(f"unknown value in the dump: {tag}")


def _dump_portable(conn, path):
    with open(path, "w", encoding="utf-8") as out:
        for table in db.metadata.sorted_tables:
            pk = list(table.primary_key.columns) or list(table.columns)
            result = conn.execution_options(yield_per=BATCH).execute(sa.select(table).order_by(*pk))
            for row in result.mappings():
                encoded = {c.name: _encode(row[c.name], c) for c in table.columns}
                out.write(json.dumps([table.name, encoded], ensure_ascii=False, separators=(",", ":")) + "\n")


def _self_references(table):
    """The columns of ``table`` that point to a row of the same table (an association's parent)."""
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


def _load_portable(conn, path):
    tables = db.metadata.tables
    batch, current = [], None
    # a row may point to a row of its own table that comes later in the dump (a base association to the
    # federation registered after it): those columns are written once every row of the table is in
    later = []

    def flush():
        if batch:
            table = tables[current]
            refs = _self_references(table)
            if refs:
                pk = [c.name for c in table.primary_key.columns]
                for row in batch:
                    values = {c: row[c] for c in refs if row.get(c) is not None}
                    if values:
                        later.append((table, {k: row[k] for k in pk}, values))
                        row.update({c: None for c in values})
            conn.execute(table.insert(), batch)
            batch.clear()

    with open(path, encoding="utf-8") as fh:
        for line in fh:
            name, row = json.loads(line)
            if name not in tables:
                raise BackupError(f"the dump has a table this version does not know: {name}")
            if name != current or len(batch) >= BATCH:
                flush()
                current = name
            batch.append({k: _decode(v) for k, v in row.items()})
        flush()
    for table, key, values in later:
        conn.execute(table.update().where(*(table.c[k] == v for k, v in key.items())).values(**values))
    if conn.dialect.name == "postgresql":  # the next id after the restored ones
        for table in db.metadata.sorted_tables:
            pk = list(table.primary_key.columns)
            if len(pk) != 1 or not isinstance(pk[0].type, sa.Integer):
                continue
            seq = conn.execute(sa.text("SELECT pg_get_serial_sequence(:t, :c)"),
                               {"t": table.name, "c": pk[0].name}).scalar()
            if seq:
                conn.execute(sa.text(f'SELECT setval(:s, COALESCE((SELECT MAX("{pk[0].name}") FROM "{table.name}"), 1), '
                                     f'(SELECT MAX("{pk[0].name}") FROM "{table.name}") IS NOT NULL)'), {"s": seq})


# --- backup --------------------------------------------------------------------------------------------------


def backup(directory, portable=False):
    """Write a backup into ``directory`` (created; it must be new or empty). Returns the manifest."""
    directory = os.path.abspath(directory)
    if os.path.exists(directory) and (not os.path.isdir(directory) or os.listdir(directory)):
        raise BackupError(f"{directory} is not an empty directory: choose a new one")
    os.makedirs(directory, exist_ok=True)
    dialect = _dialect()
    db.session.remove()  # nothing of the caller's session is held open while copying
    with db.engine.connect() as conn:
        revision = _revision(conn)
        counts = _row_counts(conn)
    if portable:
        kind = "portable"
    elif dialect == "sqlite":
        kind = "sqlite"
    elif dialect == "postgresql" and shutil.which("pg_dump"):
        kind = "pg_dump"
    else:
        kind = "portable"
    target = os.path.join(directory, FILES[kind])
    if kind == "sqlite":
        raw = db.engine.raw_connection()
        try:
            dest = sqlite3.connect(target)
            try:
                raw.driver_connection.backup(dest)
                dest.execute("PRAGMA journal_mode=DELETE")  # one self-contained file (no -wal beside it)
            finally:
                dest.close()
        finally:
            raw.close()
    elif kind == "pg_dump":
        url, env = _libpq(db.engine.url)
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-acl", f"--file={target}", f"--dbname={url}"], env)
    else:
        if revision is not None and revision != _head():
            raise BackupError(f"the database is at revision {revision}, this version of the app expects {_head()}: "
                              "upgrade it (grants init-db) before a portable backup")
        with db.engine.connect() as conn, conn.begin():
            if dialect == "postgresql":  # one consistent snapshot of every table
                conn.execute(sa.text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
            _dump_portable(conn, target)
    files = []
    root = upload_root()
    if os.path.isdir(root):
        for base, dirs, names in os.walk(root):
            dirs.sort()
            for name in sorted(names):
                if name.endswith(".tmp"):  # an upload being written
                    continue
                src = os.path.join(base, name)
                rel = os.path.relpath(src, root)
                dst = os.path.join(directory, "uploads", rel)
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                shutil.copy2(src, dst)
                files.append({"path": rel.replace(os.sep, "/"), "size": os.path.getsize(dst), "sha256": sha256_of(dst)})
    manifest = {
        "format": FORMAT, "app": "grants", "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "database": {"dialect": dialect, "kind": kind, "file": FILES[kind], "size": os.path.getsize(target),
                     "sha256": sha256_of(target), "alembic_revision": revision, "tables": counts},
        "files": files,
    }
    with open(os.path.join(directory, MANIFEST), "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, indent=1, ensure_ascii=False)
    return manifest


# --- restore -------------------------------------------------------------------------------------------------


def read_manifest(directory):
    path = os.path.join(directory, MANIFEST)
    try:
        with open(path, encoding="utf-8") as fh:
            manifest = json.load(fh)
    except (OSError, ValueError) as exc:
        raise BackupError(f"no readable {MANIFEST} in {directory}", [str(exc)]) from None
    if manifest.get("app") != "grants" or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a grants backup of format {FORMAT}")
    return manifest


def check(directory):
    """Every hash of the manifest against the files of the backup. Returns the manifest; raises
    ``BackupError`` naming every missing or changed file."""
    manifest = read_manifest(directory)
    entries = [(manifest["database"]["file"], manifest["database"]["sha256"])]
    entries += [("uploads/" + f["path"], f["sha256"]) for f in manifest["files"]]
    problems = []
    for rel, expected in entries:
        path = os.path.join(directory, *rel.split("/"))
        if rel.startswith("/") or ".." in rel.split("/"):
            problems.append(f"{rel}: not a path inside the backup")
        elif not os.path.isfile(path):
            problems.append(f"{rel}: missing")
        elif sha256_of(path) != expected:
            problems.append(f"{rel}: SHA-256 differs from the manifest")
    if problems:
        raise BackupError("the backup is damaged; nothing was restored", problems)
    return manifest


def _holds_data(conn):
    names = sa.inspect(conn).get_table_names()
    for name in names:
        if name == "alembic_version":
            continue
        if conn.execute(sa.text(f'SELECT 1 FROM "{name}" LIMIT 1')).first() is not None:
            return True
    return False


def _drop_everything(conn):
    """Every table, and on PostgreSQL the audit trail's trigger function, which a pg_dump restores itself."""
    meta = sa.MetaData()
    meta.reflect(conn)
    meta.drop_all(conn)
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("DROP FUNCTION IF EXISTS grants_events_append_only() CASCADE"))


def restore(directory, force=False):
    """Restore the backup in ``directory`` into the configured database and upload folder (see the module's
    docstring). Returns ``{"manifest", "events", "files"}``; raises ``BackupError``."""
    directory = os.path.abspath(directory)
    manifest = check(directory)
    info = manifest["database"]
    kind, dump = info["kind"], os.path.join(directory, info["file"])
    dialect = _dialect()
    if kind == "sqlite" and dialect != "sqlite" or kind == "pg_dump" and dialect != "postgresql":
        raise BackupError(f"a {kind} backup restores only into {'SQLite' if kind == 'sqlite' else 'PostgreSQL'}; "
                          f"this database is {dialect} (make a portable backup: grants backup --portable)")
    if kind == "portable" and info.get("alembic_revision") not in (None, _head()):
        raise BackupError(f"the backup is at revision {info['alembic_revision']}, this version of the app at {_head()}: "
                          "restore it with the version that made it, then upgrade (grants init-db)")
    if kind == "pg_dump" and not shutil.which("pg_restore"):
        raise BackupError("pg_restore is not on the PATH")
    root = upload_root()
    clashes = []
    for f in manifest["files"]:
        existing = os.path.join(root, *f["path"].split("/"))
        if os.path.exists(existing) and sha256_of(existing) != f["sha256"]:
            clashes.append(f"uploads/{f['path']}: a different file is already there")
    db.session.remove()
    with db.engine.connect() as conn:
        holds = _holds_data(conn)
    if (holds or clashes) and not force:
        raise BackupError("the database or the upload folder already holds data; restore into an empty one, "
                          "or replace it with --force", (["the database has rows"] if holds else []) + clashes)

    with db.engine.begin() as conn:  # an empty schema (grants init-db) holds nothing: it is replaced
        _drop_everything(conn)
    if kind == "sqlite":
        raw = db.engine.raw_connection()
        try:
            src = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
            try:
                src.backup(raw.driver_connection)
            finally:
                src.close()
        finally:
            raw.close()
    elif kind == "pg_dump":
        url, env = _libpq(db.engine.url)
        _run(["pg_restore", "--no-owner", "--no-acl", "--exit-on-error", "--single-transaction",
              f"--dbname={url}", dump], env)
    else:
        from flask_migrate import upgrade

        upgrade()  # the schema of this version, the same the backup was made from
        with db.engine.begin() as conn:
            _load_portable(conn, dump)
    db.engine.dispose()  # every pooled connection sees the restored database

    os.makedirs(root, exist_ok=True)
    for f in manifest["files"]:
        src = os.path.join(directory, "uploads", *f["path"].split("/"))
        dst = os.path.join(root, *f["path"].split("/"))
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        tmp = dst + ".tmp"
        shutil.copy2(src, tmp)
        os.replace(tmp, dst)
    return {"manifest": manifest, **verify(manifest)}


def verify(manifest):
    """After a restore: the rows of every table, every file's hash and the audit chain. Returns
    ``{"events": n, "files": n}``; raises ``BackupError`` naming every difference."""
    from .audit import verify_chain

    problems = []
    with db.engine.connect() as conn:
        counts = _row_counts(conn)
    for name, n in manifest["database"]["tables"].items():
        if counts.get(name) != n:
            problems.append(f"table {name}: {counts.get(name)} rows, the backup had {n}")
    root = upload_root()
    for f in manifest["files"]:
        path = os.path.join(root, *f["path"].split("/"))
        if not os.path.isfile(path) or sha256_of(path) != f["sha256"]:
            problems.append(f"uploads/{f['path']}: missing or changed after the restore")
    db.session.remove()
    events, broken = verify_chain()
    db.session.remove()
    if broken:
        problems.append(f"audit trail broken at event {broken[0]}: {broken[1]}")
    if problems:
        raise BackupError("the restored data differs from the backup", problems)
    return {"events": events, "files": len(manifest["files"])}
