"""The SQL statements a block of code sends, for the tests that count them (no N+1, each page's budget)."""
from contextlib import contextmanager

import sqlalchemy as sa


@contextmanager
def statements(engine):
    """``with statements(db.engine) as seen: ...``: ``seen`` lists each statement sent in the block, on one line."""
    seen = []

    def count(_conn, _cursor, statement, *_args):
        seen.append(" ".join(statement.split()))

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
