"""The agreement of an alliance and the course of each tranche (who requested, approved, paid, when)."""
import sqlalchemy as sa

from ..common import OnePerAlliance, Timestamped, Versioned
from ..extensions import db


class Agreement(OnePerAlliance, Versioned, Timestamped, db.Model):
    """The convenio between the association, the program and the buyer, generated from the approved plan."""

    __tablename__ = "agreements"

    #: when the agreement was first generated (the committee's approval)
    generated_at = sa.Column(sa.DateTime, nullable=False)
    #: the uploaded signed copy (an Attachment of kind ``signed_agreement``)
    signed_attachment_id = sa.Column(sa.Integer, sa.ForeignKey("attachments.id", ondelete="SET NULL"))
    #: the bank reference of the initial cash counterpart, confirmed by the officer at signature
    counterpart_deposit_reference = sa.Column(sa.String(200))
    signed_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))
    signed_at = sa.Column(sa.DateTime)

    alliance = db.relationship("Alliance", backref=db.backref("agreement", uselist=False, passive_deletes=True))
    signed_attachment = db.relationship("Attachment")
    signed_by = db.relationship("User")


class TrancheFlow(db.Model):
    """Who moved a tranche and when (the latest request, decision and transfer); the amounts and the bank
    reference of the transfer are on the tranche itself (spine). Every step is also an audit event."""

    __tablename__ = "tranche_flows"

    tranche_id = sa.Column(sa.Integer, sa.ForeignKey("tranches.id", ondelete="CASCADE"), primary_key=True)
    requested_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))
    requested_at = sa.Column(sa.DateTime)
    approved_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))
    approved_at = sa.Column(sa.DateTime)
    refused_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))
    refused_at = sa.Column(sa.DateTime)
    #: the officer's reason of the latest refusal
    refusal_reason = sa.Column(sa.Text)
    disbursed_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))
    #: when the finance officer recorded the transfer (the transfer's own date is ``Tranche.disbursed_on``)
    disbursed_at = sa.Column(sa.DateTime)

    tranche = db.relationship("Tranche", backref=db.backref("flow", uselist=False, passive_deletes=True,
                                                            cascade="all, delete-orphan"))
    requested_by = db.relationship("User", foreign_keys=[requested_by_id])
    approved_by = db.relationship("User", foreign_keys=[approved_by_id])
    refused_by = db.relationship("User", foreign_keys=[refused_by_id])
    disbursed_by = db.relationship("User", foreign_keys=[disbursed_by_id])
