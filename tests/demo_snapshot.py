"""The demo, seeded once per test run and copied back for each test that needs it.

Seeding the demo goes through every service (about ten seconds on PostgreSQL); a test that reads it only
needs its rows. ``seed_demo(db, password)`` seeds it the first time (per password) and keeps a copy of every
table's rows; later calls insert the same rows again into the emptied database (a few hundred milliseconds)
and move PostgreSQL's sequences past them. Files of the demo stay in the session's upload folder, which the
tests never empty. A test that checks how the demo is *made* (idempotence, one password for all) calls
``grants.demo.seed`` itself."""
import sqlalchemy as sa

from grants import demo

_CACHE = {}


def _dump(db):
    tables = {}
    for table in db.metadata.sorted_tables:
        keys = [c.key for c in table.c]
        rows = [dict(zip(keys, row)) for row in db.session.execute(sa.select(*table.c)).all()]
        if rows:
            tables[table.name] = rows
    return tables


def _restore(db, tables):
    session = db.session
    for table in db.metadata.sorted_tables:
        rows = tables.get(table.name)
        if rows:
            session.execute(table.insert(), rows)
    if session.get_bind().dialect.name == "postgresql":
        for table in db.metadata.sorted_tables:
            if table.name not in tables:
                continue
            for col in table.primary_key.columns:
                if col.autoincrement is True or (col.autoincrement == "auto" and isinstance(col.type, sa.Integer)
                                                 and len(table.primary_key.columns) == 1):
                    session.execute(sa.text(
                        f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', '{col.name}'), "
                        f"(SELECT max(\"{col.name}\") FROM \"{table.name}\"))"))
    session.commit()


def seed_demo(db, password=None):
    """The demo's accounts, with the demo in the database (committed)."""
    if password in _CACHE:
        accounts, tables = _CACHE[password]
        _restore(db, tables)
        return accounts
    accounts = demo.seed(password=password)
    db.session.commit()
    _CACHE[password] = (accounts, _dump(db))
    return accounts
