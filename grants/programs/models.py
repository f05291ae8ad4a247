from decimal import Decimal

import sqlalchemy as sa

from ..common import Timestamped, Versioned, basis_points, non_negative, utcnow
from ..extensions import db
from ..money import Money, Ratio

#: rule settings of a program: name -> (kind, default). Kinds: ratio, money, int, bool.
RULES = {
    "max_grant_share": ("ratio", Decimal("0.70")),
    "min_counterpart_share": ("ratio", Decimal("0.30")),
    "min_counterpart_cash_share": ("ratio", Decimal("0.10")),
    "grant_cap_per_family": ("money", Decimal("14000.00")),
    "min_families": ("int", 20),
    "max_families": ("int", 60),
    "minor_purchase_limit": ("money", Decimal("10000.00")),
    "min_quotations": ("int", 3),
    "tranche_justified_share": ("ratio", Decimal("0.70")),
    "free_reallocation_share": ("ratio", Decimal("0.10")),
    "discount_rate": ("ratio", Decimal("0.12")),
    "committee_quorum": ("int", 3),
    "one_open_alliance_per_call": ("bool", True),
    "revolving_fund_share": ("ratio", Decimal("0.00")),
    # monitoring alerts (issue 8)
    "report_period_months": ("int", 6),
    "tranche_response_days": ("int", 15),
    "low_execution_share": ("ratio", Decimal("0.50")),
    # the buyer as a party (issue 15): alert when confirmed volume or payments fall behind by more than this share
    "buyer_noncompliance_share": ("ratio", Decimal("0.20")),
    # grievances (issue 15): days to acknowledge and to resolve a grievance
    "grievance_ack_days": ("int", 5),
    "grievance_resolve_days": ("int", 30),
}

_KIND_TYPES = {"ratio": Ratio, "money": Money, "int": sa.Integer, "bool": sa.Boolean}

#: default scoring criteria of a call (ASSESSMENTS.md): code, English name, Spanish name, weight, max
DEFAULT_CRITERIA = (
    ("market", "Market and commercial partner", "Mercado y aliado comercial", 30),
    ("viability", "Technical and financial viability", "Viabilidad técnica y financiera", 25),
    ("organization", "Organizational experience and capacity", "Experiencia y capacidad organizativa", 20),
    ("inclusion", "Inclusion: women, indigenous, youth, victims", "Inclusión: mujeres, indígenas, jóvenes, víctimas", 15),
    ("environment", "Environmental management", "Gestión ambiental", 10),
)


def _rule_columns(cls):
    for name, (kind, default) in RULES.items():
        setattr(cls, name, sa.Column(_KIND_TYPES[kind](), nullable=False, default=default))
    return cls


@_rule_columns
class Program(Versioned, Timestamped, db.Model):
    __tablename__ = "programs"
    __table_args__ = (
        *non_negative("grant_cap_per_family", "minor_purchase_limit"),
        *basis_points(max_grant_share="max_grant_share_range", min_counterpart_share="min_counterpart_share_range",
                      min_counterpart_cash_share="cash_share_range", tranche_justified_share="tranche_share_range",
                      free_reallocation_share="realloc_share_range", revolving_fund_share="revolving_share_range",
                      discount_rate="discount_rate_range"),
        sa.CheckConstraint("min_families >= 1 AND max_families >= min_families", name="families_range"),
        sa.CheckConstraint("min_quotations >= 1 AND committee_quorum >= 1", name="counts_positive"),
        sa.CheckConstraint("report_period_months >= 1 AND tranche_response_days >= 1", name="periods_positive"),
        *basis_points(low_execution_share="low_execution_range", buyer_noncompliance_share="buyer_noncompliance_range"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    code = sa.Column(sa.String(30), nullable=False, unique=True)
    name = sa.Column(sa.String(200), nullable=False)
    currency = sa.Column(sa.String(3), nullable=False)
    description = sa.Column(sa.Text)

    calls = db.relationship("Call", back_populates="program", order_by="Call.opens_at.desc()")

    def rules(self):
        return {name: getattr(self, name) for name in RULES}


class Call(Versioned, Timestamped, db.Model):
    """A window in which associations submit business intentions (convocatoria)."""

    __tablename__ = "calls"
    __table_args__ = (
        *non_negative("envelope"),
        sa.CheckConstraint("closes_at > opens_at", name="window_order"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    program_id = sa.Column(sa.Integer, sa.ForeignKey("programs.id"), nullable=False, index=True)
    title = sa.Column(sa.String(200), nullable=False)
    description = sa.Column(sa.Text)
    #: the window, in UTC
    opens_at = sa.Column(sa.DateTime, nullable=False)
    closes_at = sa.Column(sa.DateTime, nullable=False)
    #: total grant money the call may commit
    envelope = sa.Column(Money(), nullable=False, default=0)

    program = db.relationship("Program", back_populates="calls", lazy="joined")
    # loaded when first read (then kept in the session): "selectin" re-ran all three statements on every
    # query that loads an alliance (its call is joined); the lists of calls ask for them (``Call.listed()``)
    region_rows = db.relationship("CallRegion", cascade="all, delete-orphan")
    criteria = db.relationship("CallCriterion", cascade="all, delete-orphan", order_by="CallCriterion.position")
    committee_rows = db.relationship("CallCommittee", cascade="all, delete-orphan")

    @classmethod
    def listed(cls):
        """The loader options of a list of calls that shows their regions, criteria and committee."""
        return (sa.orm.selectinload(cls.region_rows), sa.orm.selectinload(cls.criteria),
                sa.orm.selectinload(cls.committee_rows))

    @property
    def regions(self):
        return sorted(r.region for r in self.region_rows)

    @property
    def committee_ids(self):
        return sorted(r.user_id for r in self.committee_rows)

    def is_open(self, now=None):
        """Open only inside its window: ``opens_at <= now < closes_at``."""
        now = now or utcnow()
        return self.opens_at <= now < self.closes_at

    def covers_region(self, region):
        """A call without regions covers every region."""
        return not self.region_rows or region in {r.region for r in self.region_rows}

    def has_committee_member(self, user):
        """Every committee member when the call names none."""
        if not user.has_role("committee"):
            return False
        return not self.committee_rows or user.id in {r.user_id for r in self.committee_rows}


class CallRegion(db.Model):
    __tablename__ = "call_regions"

    call_id = sa.Column(sa.Integer, sa.ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True)
    region = sa.Column(sa.String(80), primary_key=True)


class CallCommittee(db.Model):
    __tablename__ = "call_committee"

    call_id = sa.Column(sa.Integer, sa.ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)


class CallCriterion(db.Model):
    """A scoring criterion of a call; ``weight`` points out of 100, scored 0..``max``."""

    __tablename__ = "call_criteria"
    __table_args__ = (
        sa.UniqueConstraint("call_id", "code", name="uq_call_criteria_code"),
        sa.CheckConstraint("weight >= 0 AND max > 0", name="weight_positive"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    call_id = sa.Column(sa.Integer, sa.ForeignKey("calls.id", ondelete="CASCADE"), nullable=False)
    code = sa.Column(sa.String(40), nullable=False)
    name = sa.Column(sa.String(200), nullable=False)
    weight = sa.Column(sa.Integer, nullable=False)
    max = sa.Column(sa.Integer, nullable=False, default=5)
    position = sa.Column(sa.Integer, nullable=False, default=0)

    def as_dict(self):
        return {"code": self.code, "name": self.name, "weight": self.weight, "max": self.max}


__all__ = ["Program", "Call", "CallRegion", "CallCommittee", "CallCriterion", "RULES", "DEFAULT_CRITERIA", "utcnow"]
