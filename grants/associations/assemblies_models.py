"""The assembly register (libro de actas): the general assemblies of an association, their attendance by
sex, the quorum and the decisions taken. Stages point to a decision (a direct contracting, an accountability
report) instead of keeping a loose minutes file each."""
import sqlalchemy as sa

from ..common import Timestamped, file_columns, in_check
from ..extensions import db

ASSEMBLY_KINDS = ("ordinary", "extraordinary")
DECISION_KINDS = ("plan_approval", "direct_contracting", "accountability_report", "revolving_policy",
                  "board_election", "other")


class Assembly(Timestamped, db.Model):
    """One general assembly, registered once (with its minutes) and never changed afterwards."""

    __tablename__ = "assemblies"
    __table_args__ = (
        sa.CheckConstraint(in_check("kind", ASSEMBLY_KINDS), name="kind_known"),
        sa.CheckConstraint("women >= 0 AND men >= 0", name="attendance_non_negative"),
        sa.CheckConstraint("families_present IS NULL OR families_present >= 0", name="families_non_negative"),
        sa.CheckConstraint("members_total >= 0 AND quorum_required >= 0", name="quorum_non_negative"),
        #: registered once: one assembly of a kind per association and day
        sa.UniqueConstraint("association_id", "held_on", "kind", name="uq_assemblies_once"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    association_id = sa.Column(sa.Integer, sa.ForeignKey("associations.id", ondelete="CASCADE"), nullable=False,
                               index=True)
    held_on = sa.Column(sa.Date, nullable=False)
    kind = sa.Column(sa.String(20), nullable=False)
    place = sa.Column(sa.String(200), nullable=False, default="")
    #: people present, by sex
    women = sa.Column(sa.Integer, nullable=False, default=0)
    men = sa.Column(sa.Integer, nullable=False, default=0)
    #: member families represented (when the minutes say it); the quorum counts these, else the people
    families_present = sa.Column(sa.Integer)
    #: active member families of the association when the assembly was registered
    members_total = sa.Column(sa.Integer, nullable=False, default=0)
    #: families needed for the quorum (more than half; two thirds for an extraordinary assembly)
    quorum_required = sa.Column(sa.Integer, nullable=False, default=0)
    quorum_met = sa.Column(sa.Boolean, nullable=False, default=False)
    notes = sa.Column(sa.Text)
    minutes_sha256, minutes_filename, minutes_content_type = file_columns(nullable=False)
    created_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))

    association = db.relationship("Association")
    decisions = db.relationship("AssemblyDecision", back_populates="assembly", order_by="AssemblyDecision.position",
                                cascade="all, delete-orphan")

    @property
    def present(self):
        return (self.women or 0) + (self.men or 0)

    @property
    def counted(self):
        """What the quorum counts: the families represented, or the people present when not recorded."""
        return self.families_present if self.families_present is not None else self.present


class AssemblyDecision(db.Model):
    """A decision (resolución) of an assembly, with its votes when the minutes give them."""

    __tablename__ = "assembly_decisions"
    __table_args__ = (
        sa.CheckConstraint(in_check("kind", DECISION_KINDS), name="kind_known"),
        sa.CheckConstraint("(votes_for IS NULL OR votes_for >= 0) AND (votes_against IS NULL OR votes_against >= 0)"
                           " AND (votes_abstain IS NULL OR votes_abstain >= 0)", name="votes_non_negative"),
        sa.UniqueConstraint("assembly_id", "position", name="uq_assembly_decisions_position"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    assembly_id = sa.Column(sa.Integer, sa.ForeignKey("assemblies.id", ondelete="CASCADE"), nullable=False,
                            index=True)
    #: 1, 2, ... in the order of the minutes
    position = sa.Column(sa.Integer, nullable=False)
    kind = sa.Column(sa.String(30), nullable=False)
    text = sa.Column(sa.String(1000), nullable=False)
    votes_for = sa.Column(sa.Integer)
    votes_against = sa.Column(sa.Integer)
    votes_abstain = sa.Column(sa.Integer)

    assembly = db.relationship("Assembly", back_populates="decisions")

    @property
    def adopted(self):
        """Taken: votes for outnumber votes against (a decision recorded without votes was taken by consensus)."""
        if self.votes_for is None and self.votes_against is None:
            return True
        return (self.votes_for or 0) > (self.votes_against or 0)
