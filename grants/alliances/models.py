import sqlalchemy as sa

from ..common import AllianceOwned, Timestamped, Versioned, in_check, non_negative, utcnow
from ..extensions import db
from ..money import Money
from ..workflows.alliance import STATES

ATTACHMENT_KINDS = ("buyer_letter", "legal_status", "signed_agreement", "assembly_minutes", "other")


class Alliance(Versioned, Timestamped, db.Model):
    """One productive alliance: an association, a buyer, a call, from business intention to closeout."""

    __tablename__ = "alliances"
    __table_args__ = (
        sa.CheckConstraint(in_check("state", STATES), name="state_known"),
        *non_negative("requested_grant", "estimated_counterpart"),
        sa.Index("ix_alliances_call_state", "call_id", "state"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    #: human code such as "PAR3-2026-0042", unique
    code = sa.Column(sa.String(40), nullable=False, unique=True)
    call_id = sa.Column(sa.Integer, sa.ForeignKey("calls.id"), nullable=False, index=True)
    association_id = sa.Column(sa.Integer, sa.ForeignKey("associations.id"), nullable=False, index=True)
    buyer_id = sa.Column(sa.Integer, sa.ForeignKey("buyers.id"), index=True)
    facilitator_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), index=True)
    created_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))
    title = sa.Column(sa.String(200), nullable=False)
    product = sa.Column(sa.String(120), nullable=False)
    state = sa.Column(sa.String(30), nullable=False, default="draft", index=True)
    requested_grant = sa.Column(Money(), nullable=False, default=0)
    estimated_counterpart = sa.Column(Money(), nullable=False, default=0)
    #: when the alliance last entered its current state (for queues by age)
    state_changed_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)

    call = db.relationship("Call", lazy="joined")
    association = db.relationship("Association", lazy="joined")
    buyer = db.relationship("Buyer", lazy="joined")
    facilitator = db.relationship("User", foreign_keys=[facilitator_id])
    #: loaded only where it is used (one statement, members joined): lists print ``families`` from the count below
    member_links = db.relationship("AllianceMember", cascade="all, delete-orphan", lazy="select")
    attachments = db.relationship("Attachment", cascade="all, delete-orphan", order_by="Attachment.id",
                                  back_populates="alliance")

    @property
    def member_ids(self):
        return sorted(link.member_id for link in self.member_links)

    @property
    def families(self):
        """How many member families take part: the loaded links when a service is changing them, else the
        count selected with the alliance (so that a list never loads ~30 member rows per alliance)."""
        if "member_links" in sa.inspect(self).dict:
            return len(self.member_links)
        return self.families_count or 0

    @property
    def program(self):
        return self.call.program

    def attachment_of(self, kind):
        found = [a for a in self.attachments if a.kind == kind]
        return found[-1] if found else None


class AllianceMember(db.Model):
    """A member family taking part in the alliance."""

    __tablename__ = "alliance_members"

    alliance_id = sa.Column(sa.Integer, sa.ForeignKey("alliances.id", ondelete="CASCADE"), primary_key=True)
    member_id = sa.Column(sa.Integer, sa.ForeignKey("members.id", ondelete="CASCADE"), primary_key=True,
                          index=True)

    member = db.relationship("Member", lazy="joined")


class Attachment(AllianceOwned, db.Model):
    """A file of an alliance (buyer letter, legal status, signed agreement...). Stored by hash."""

    __tablename__ = "attachments"
    __table_args__ = (
        sa.CheckConstraint(in_check("kind", ATTACHMENT_KINDS), name="kind_known"),
        sa.CheckConstraint("size > 0", name="size_positive"),
    )

    kind = sa.Column(sa.String(30), nullable=False)
    filename = sa.Column(sa.String(200), nullable=False)
    content_type = sa.Column(sa.String(60), nullable=False)
    size = sa.Column(sa.Integer, nullable=False)
    sha256 = sa.Column(sa.String(64), nullable=False)
    uploaded_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)

    alliance = db.relationship("Alliance", back_populates="attachments")
    uploaded_by = db.relationship("User")


#: the number of member families, selected with every alliance as a correlated count on the primary key
#: index of ``alliance_members`` (the links themselves are loaded only where a page or service uses them)
Alliance.families_count = db.column_property(
    sa.select(sa.func.count(AllianceMember.member_id)).where(AllianceMember.alliance_id == Alliance.id)
    .correlate_except(AllianceMember).scalar_subquery())
