"""Bulk writing for the scale data (``seed_scale``): ids reserved in one statement, rows streamed in batches
by PostgreSQL's ``COPY`` (psycopg's ``cursor.copy``) or by SQLAlchemy Core ``executemany`` on SQLite.

Rows are tuples in the order of ``columns``; every value goes through its column type's bind processor (money
is stored as integer cents) and the Python-side defaults of the columns not given are filled in, as Core
would. Everything runs on the session's connection, inside its transaction: nothing here commits."""
import sqlalchemy as sa

from ..extensions import db

BATCH = 20000


def _connection():
    db.session.flush()
    return db.session.connection()


def reserve_ids(model, n):
    """The first of ``n`` consecutive new ids of ``model``'s table (rows are then inserted with their id)."""
    table = model.__table__
    conn = _connection()
    if n <= 0:
        return 0
    if conn.dialect.name == "postgresql":
        seq = conn.execute(sa.text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name}).scalar()
        last = conn.execute(sa.text("SELECT setval(CAST(:s AS regclass), nextval(CAST(:s AS regclass)) + :n - 1)"),
                            {"s": seq, "n": n}).scalar()
        return last - n + 1
    return (conn.execute(sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0))).scalar() or 0) + 1


def _defaults(table, columns):
    """The columns with a Python-side default that ``columns`` leaves out, and their values."""
    extra, values = [], []
    for col in table.columns:
        if col.name in columns or col.default is None or col.server_default is not None:
            continue
        if col.default.is_scalar:
            extra.append(col.name)
            values.append(col.default.arg)
        elif col.default.is_callable:
            extra.append(col.name)
            values.append(col.default.arg(None))
    return extra, tuple(values)


def insert_rows(model, columns, rows):
    """Insert ``rows`` (an iterable of tuples in the order of ``columns``) into ``model``'s table; returns how
    many. On PostgreSQL by ``COPY ... FROM STDIN``, elsewhere by ``executemany`` in batches of ``BATCH``."""
    table = model.__table__
    columns = list(columns)
    extra, extra_values = _defaults(table, columns)
    names = columns + extra
    conn = _connection()
    dialect = conn.dialect
    count = 0
    if dialect.name == "postgresql":
        procs = [(i, table.c[name].type.bind_processor(dialect)) for i, name in enumerate(names)]
        procs = [(i, p) for i, p in procs if p is not None]
        quoted = ", ".join(f'"{name}"' for name in names)
        raw = conn.connection.driver_connection
        with raw.cursor() as cur, cur.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
            for row in rows:
                row = tuple(row) + extra_values
                if procs:
                    row = list(row)
                    for i, proc in procs:
                        row[i] = proc(row[i])
                copy.write_row(row)
                count += 1
        return count
    stmt = sa.insert(table)
    batch = []
    for row in rows:
        batch.append(dict(zip(names, tuple(row) + extra_values)))
        if len(batch) >= BATCH:
            conn.execute(stmt, batch)
            count += len(batch)
            batch = []
    if batch:
        conn.execute(stmt, batch)
        count += len(batch)
    return count


def insert_dicts(model, rows):
    """``insert_rows`` for a list of dicts with the same keys."""
    if not rows:
        return 0
    columns = list(rows[0])
    return insert_rows(model, columns, (tuple(r[c] for c in columns) for r in rows))
