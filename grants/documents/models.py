"""The register of the documents the system issued (every PDF), so that the code printed on paper answers at
``/verify/<code>``. See grants/documents/issuing.py for what is hashed."""
import sqlalchemy as sa

from ..common import utcnow
from ..extensions import db


class IssuedDocument(db.Model):
    """One issued version of a document. A newer version of the same document (same kind, alliance, reference
    and language) marks the older ones superseded; nothing is ever deleted."""

    __tablename__ = "issued_documents"
    __table_args__ = (sa.Index("ix_issued_documents_version", "kind", "alliance_id", "reference", "language"),)

    id = sa.Column(sa.Integer, primary_key=True)
    #: the document's kind: ``agreement``, ``plan``, ``closeout``, ``disbursement-order`` ... (KINDS)
    kind = sa.Column(sa.String(40), nullable=False)
    alliance_id = sa.Column(sa.Integer, sa.ForeignKey("alliances.id", ondelete="SET NULL"), index=True)
    #: the alliance's code, kept as it was printed (public; nothing personal)
    alliance_code = sa.Column(sa.String(40))
    #: which one of its kind: a tranche number, a report or contract id, a minutes round ("" when one per alliance)
    reference = sa.Column(sa.String(80), nullable=False, default="")
    #: the language it was rendered in (es, en)
    language = sa.Column(sa.String(8), nullable=False)
    #: the printed code: SHA-256 (hex) of the document as rendered, before the verification band was stamped
    sha256 = sa.Column(sa.String(64), nullable=False, unique=True)
    #: SHA-256 (hex) of the issued file's bytes (the stamped PDF), also its name in the uploads store
    file_sha256 = sa.Column(sa.String(64), nullable=False, index=True)
    pages = sa.Column(sa.Integer, nullable=False)
    issued_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    #: True once a newer version of the same document was issued
    superseded = sa.Column(sa.Boolean, nullable=False, default=False)
    superseded_at = sa.Column(sa.DateTime)

    @property
    def current(self):
        return not self.superseded
