import sqlalchemy as sa

from ..common import Timestamped, Versioned, in_check
from ..extensions import db
from ..money import Fixed

SEXES = ("F", "M", "X")


class Association(Versioned, Timestamped, db.Model):
    """A producer association (OPP): legal person of member families."""

    __tablename__ = "associations"
    __table_args__ = (sa.CheckConstraint("level IN (1, 2, 3)", name="level_known"),)

    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(200), nullable=False)
    #: personería jurídica; empty means legal status is missing
    legal_id = sa.Column(sa.String(60))
    tax_id = sa.Column(sa.String(40))
    #: 1 base, 2 association of associations, 3 regional
    level = sa.Column(sa.Integer, nullable=False, default=1)
    parent_id = sa.Column(sa.Integer, sa.ForeignKey("associations.id"))
    municipality = sa.Column(sa.String(120), nullable=False, default="")
    region = sa.Column(sa.String(80), nullable=False, index=True)
    founded_year = sa.Column(sa.Integer)
    bank_name = sa.Column(sa.String(120))
    bank_account = sa.Column(sa.String(60))
    phone = sa.Column(sa.String(40))
    email = sa.Column(sa.String(200))

    parent = db.relationship("Association", remote_side=[id])

    @property
    def bank_account_masked(self):
        acc = self.bank_account or ""
        return ("•" * max(0, len(acc) - 4) + acc[-4:]) if acc else ""

    def __repr__(self):
        return f"<Association {self.name}>"


class Member(Versioned, Timestamped, db.Model):
    """A member family of an association. Personal data: confidential."""

    __tablename__ = "members"
    __table_args__ = (
        sa.UniqueConstraint("association_id", "national_id", name="uq_members_national_id"),
        sa.CheckConstraint(in_check("sex", SEXES), name="sex_known"),
        sa.CheckConstraint("hectares >= 0", name="hectares_non_negative"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    association_id = sa.Column(sa.Integer, sa.ForeignKey("associations.id", ondelete="CASCADE"),
                               nullable=False, index=True)
    full_name = sa.Column(sa.String(200), nullable=False)
    national_id = sa.Column(sa.String(40), nullable=False)
    sex = sa.Column(sa.String(1), nullable=False)
    birth_year = sa.Column(sa.Integer)
    indigenous = sa.Column(sa.Boolean, nullable=False, default=False)
    #: land farmed by the family, two places
    hectares = sa.Column(Fixed(2), nullable=False, default=0)
    phone = sa.Column(sa.String(40))
    active = sa.Column(sa.Boolean, nullable=False, default=True)

    association = db.relationship("Association")


class Buyer(Versioned, Timestamped, db.Model):
    """A buyer (aliado comercial) that commits to buy in a letter of intent."""

    __tablename__ = "buyers"

    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(200), nullable=False)
    tax_id = sa.Column(sa.String(40), unique=True)
    contact_name = sa.Column(sa.String(200))
    email = sa.Column(sa.String(200))
    phone = sa.Column(sa.String(40))
    city = sa.Column(sa.String(120))
