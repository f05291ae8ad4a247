import sqlalchemy as sa

from ..common import utcnow
from ..extensions import db


class Notification(db.Model):
    """A message to one user in the app (and, when mail is configured, by e-mail)."""

    __tablename__ = "notifications"
    __table_args__ = (sa.Index("ix_notifications_user_read", "user_id", "read_at"),)

    id = sa.Column(sa.Integer, primary_key=True)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    subject = sa.Column(sa.String(200), nullable=False)
    body = sa.Column(sa.Text, nullable=False, default="")
    #: a path inside the app, such as "/alliances/12"
    link = sa.Column(sa.String(300))
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow, index=True)
    #: null while unread
    read_at = sa.Column(sa.DateTime)

    user = db.relationship("User")

    def as_dict(self):
        return {"id": self.id, "subject": self.subject, "body": self.body, "link": self.link,
                "created_at": self.created_at.isoformat() + "Z",
                "read_at": self.read_at.isoformat() + "Z" if self.read_at else None}
