"""audit trail: hash version, and triggers that refuse UPDATE and DELETE on events

Existing events keep their hashes: the new column ``hash_version`` says how each was computed (1 for every
event already written, which left the actor's name out; 2 for new ones, which cover it). Nothing is
recomputed, so a head hash published before the upgrade still verifies. The triggers are the same as
grants/audit/models.py creates for databases built with create_all (copied here: a migration must not
change when the code does).

Revision ID: h3a0d17c0de5
Revises: h2a7c3e91d5b
Create Date: 2026-12-06 17:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'h3a0d17c0de5'
down_revision = 'h2a7c3e91d5b'
branch_labels = None
depends_on = None

POSTGRESQL = [
    """CREATE OR REPLACE FUNCTION grants_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('grants.allow_audit_purge', true), '') = 'on' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
        MESSAGE = 'the audit trail is append-only: ' || TG_OP || ' on events refused';
END
$$""",
    "CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events "
    "FOR EACH ROW EXECUTE FUNCTION grants_events_append_only()",
    "CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events "
    "FOR EACH STATEMENT EXECUTE FUNCTION grants_events_append_only()",
]
SQLITE = [
    "CREATE TRIGGER events_no_update BEFORE UPDATE ON events WHEN grants_audit_purge_allowed() IS NOT 1 "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: UPDATE on events refused'); END",
    "CREATE TRIGGER events_no_delete BEFORE DELETE ON events WHEN grants_audit_purge_allowed() IS NOT 1 "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: DELETE on events refused'); END",
]


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hash_version', sa.SmallInteger(), server_default='1', nullable=False))
    dialect = op.get_bind().dialect.name
    for sql in POSTGRESQL if dialect == 'postgresql' else SQLITE if dialect == 'sqlite' else []:
        op.execute(sql)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS events_no_truncate ON events")
        op.execute("DROP TRIGGER IF EXISTS events_append_only ON events")
        op.execute("DROP FUNCTION IF EXISTS grants_events_append_only()")
    elif dialect == 'sqlite':
        op.execute("DROP TRIGGER IF EXISTS events_no_delete")
        op.execute("DROP TRIGGER IF EXISTS events_no_update")
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('hash_version')
