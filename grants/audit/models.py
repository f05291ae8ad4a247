import sqlalchemy as sa

from ..common import utcnow
from ..extensions import db


#: object types whose events carry personal data, and the keys to mask in them
PERSONAL = {"member", "association"}
PERSONAL_KEYS = {"full_name", "national_id", "phone", "birth_year", "email"}


def _mask(value):
    if isinstance(value, dict):
        return {k: ("•••" if k in PERSONAL_KEYS and v not in (None, "") else _mask(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask(v) for v in value]
    return value


class Event(db.Model):
    """One change: never updated or deleted (triggers refuse it, see ``APPEND_ONLY_*``). ``hash`` covers every
    field a page shows and the previous hash, as its ``hash_version`` says (see ``services.compute_hash``)."""

    __tablename__ = "events"
    __table_args__ = (sa.UniqueConstraint("prev_hash", name="uq_events_prev_hash"),)

    id = sa.Column(sa.Integer, primary_key=True)
    #: table-like name of the object: "alliance", "user", "member", ...
    object_type = sa.Column(sa.String(40), nullable=False, index=True)
    object_id = sa.Column(sa.Integer, nullable=True, index=True)
    #: the alliance this event belongs to, for the alliance's trail (null for others)
    alliance_id = sa.Column(sa.Integer, nullable=True, index=True)
    association_id = sa.Column(sa.Integer, nullable=True, index=True)
    action = sa.Column(sa.String(60), nullable=False)
    from_state = sa.Column(sa.String(40))
    to_state = sa.Column(sa.String(40))
    actor_id = sa.Column(sa.Integer, nullable=True)
    actor_name = sa.Column(sa.String(200))
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow, index=True)
    #: canonical JSON text of the event's data
    data = sa.Column(sa.Text, nullable=False, default="{}")
    comment = sa.Column(sa.Text)
    #: the previous event's hash; "0"*64 for the first; unique, so the chain cannot fork
    prev_hash = sa.Column(sa.String(64), nullable=False)
    hash = sa.Column(sa.String(64), nullable=False, unique=True)
    #: how ``hash`` was computed: 1 (events written before version 2 existed) left out the actor's name;
    #: 2 covers every field, actor name included. Rows older than the column are 1 (the server default).
    hash_version = sa.Column(sa.SmallInteger, nullable=False, default=2, server_default="1")  # 2: HASH_VERSION

    def data_dict(self, masked=False):
        """The event's data; ``masked`` hides members' personal data (for auditors)."""
        import json

        data = json.loads(self.data or "{}")
        return _mask(data) if masked and self.object_type in PERSONAL else data

    def as_dict(self, masked=False):
        return {
            "id": self.id,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "alliance_id": self.alliance_id,
            "action": self.action,
            "from_state": self.from_state,
            "to_state": self.to_state,
            "actor_id": self.actor_id,
            "actor_name": self.actor_name,
            "created_at": self.created_at.isoformat() + "Z",
            "comment": self.comment,
            "data": self.data_dict(masked),
            "hash": self.hash,
        }


# --- append-only, enforced by the database --------------------------------------------------------------
# The same SQL is in the migration 20261206_h3_audit_append_only (which ``init-db`` runs); here it serves
# databases built with ``create_all`` (the test suite), through the table's ``after_create`` event.

#: PostgreSQL: UPDATE, DELETE and TRUNCATE on events fail, unless the transaction ran
#: ``SET LOCAL grants.allow_audit_purge = 'on'`` (``grants.audit.allow_purge``: test cleanup, backup restore)
APPEND_ONLY_POSTGRESQL = [
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

#: SQLite: the same, with a function each connection of the app registers (grants/extensions.py); a tool
#: without it (the sqlite3 shell) cannot change events at all
APPEND_ONLY_SQLITE = [
    "CREATE TRIGGER events_no_update BEFORE UPDATE ON events WHEN grants_audit_purge_allowed() IS NOT 1 "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: UPDATE on events refused'); END",
    "CREATE TRIGGER events_no_delete BEFORE DELETE ON events WHEN grants_audit_purge_allowed() IS NOT 1 "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: DELETE on events refused'); END",
]

for _sql in APPEND_ONLY_POSTGRESQL:
    sa.event.listen(Event.__table__, "after_create", sa.DDL(_sql).execute_if(dialect="postgresql"))
for _sql in APPEND_ONLY_SQLITE:
    sa.event.listen(Event.__table__, "after_create", sa.DDL(_sql).execute_if(dialect="sqlite"))
