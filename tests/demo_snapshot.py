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


def dump_rows(db):
    """Every table's rows (those with any), in key order: ``{table name: [row dicts]}``."""
    tables = {}
    for table in db.metadata.sorted_tables:
        keys = [c.key for c in table.c]
        rows = [dict(zip(keys, row)) for row in db.session.execute(
            sa.select(*table.c).order_by(*table.primary_key.columns)).all()]
        if rows:
            tables[table.name] = rows
    return tables


def parents_first(table, rows):
    """``rows`` of ``table`` ordered so that a row another row of the same table refers to (an association's
    federation, ``parent_id``) comes before it: PostgreSQL checks such a foreign key row by row, and a table
    read back may list a child first (the federation is made after its associations)."""
    refs = [fk.parent.key for fk in table.foreign_keys if fk.column.table is table]
    pk = [c.key for c in table.primary_key.columns]
    if not refs or len(pk) != 1:
        return rows
    placed, ordered, pending = set(), [], list(rows)
    while pending:
        ready = [r for r in pending if all(r[c] is None or r[c] in placed or r[c] == r[pk[0]] for c in refs)]
        if not ready:  # a cycle no order can satisfy: as it was
            return ordered + pending
        ordered += ready
        placed.update(r[pk[0]] for r in ready)
        pending = [r for r in pending if r[pk[0]] not in placed]
    return ordered


#: the stored pages' stamp tables (grants/alliances/cards.py, stored.py)
STAMP_TABLES = ("page_stamps", "scope_stamps")


def restore_rows(db, tables):
    """Insert ``tables`` (``dump_rows``) into the emptied database, PostgreSQL's sequences moved past them (in
    one statement; never back: an id handed out once is not handed out again), and commit."""
    session = db.session
    # the stamps of the stored pages have no parent: a bump after the last emptying (a flush at its commit, a
    # live server's late request) can leave rows there, which the copy's own rows would collide with
    for name in STAMP_TABLES:
        session.execute(db.metadata.tables[name].delete())
    for table in db.metadata.sorted_tables:
        rows = tables.get(table.name)
        if rows:
            session.execute(table.insert(), parents_first(table, rows))
    if session.get_bind().dialect.name == "postgresql":
        seq = "pg_get_serial_sequence('\"{t}\"', '{c}')"
        moves = [f"setval({seq.format(t=table.name, c=col.name)}, GREATEST((SELECT max(\"{col.name}\") FROM "
                 f"\"{table.name}\"), COALESCE(pg_sequence_last_value({seq.format(t=table.name, c=col.name)}"
                 f"::regclass), 0)))"
                 for table in db.metadata.sorted_tables if table.name in tables
                 for col in table.primary_key.columns
                 if col.autoincrement is True or (col.autoincrement == "auto" and isinstance(col.type, sa.Integer)
                                                  and len(table.primary_key.columns) == 1)]
        if moves:
            session.execute(sa.text("SELECT " + ", ".join(moves)))
    session.commit()


def seed_demo(db, password=None):
    """The demo's accounts, with the demo in the database (committed)."""
    if password in _CACHE:
        accounts, tables = _CACHE[password]
        restore_rows(db, tables)
        return accounts
    accounts = demo.seed(password=password)
    db.session.commit()
    _CACHE[password] = (accounts, dump_rows(db))
    return accounts
