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
    """One change: never updated or deleted. ``hash`` covers the fields and the previous hash."""

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
