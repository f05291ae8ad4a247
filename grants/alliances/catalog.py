"""The results and empowerment catalogue every stage reads (ASSESSMENTS.md, DOMAIN.md "Results and
empowerment"): the 21-item scorecard scored at baseline (plans) and at closeout, and the standard
indicators created with every plan and reported at closeout and in the reports."""
from decimal import Decimal

from flask_babel import lazy_gettext as _l

KINDS = {"empowerment": _l("Empowerment"), "capacity": _l("Organizational capacity")}
MOMENTS = {"baseline": _l("Baseline (plan)"), "closeout": _l("Closeout")}
GROUPS = {"social": _l("Social"), "political": _l("Political"), "economic": _l("Economic"),
          "gender": _l("Gender"), "capacity": _l("Capacity")}
#: which kind of assessment each group belongs to
GROUP_KIND = {"social": "empowerment", "political": "empowerment", "economic": "empowerment",
              "gender": "empowerment", "capacity": "capacity"}

SCORE_LEVELS = {
    0: _l("0 absent"),
    1: _l("1 exists only on paper"),
    2: _l("2 practised occasionally"),
    3: _l("3 practised regularly with records"),
    4: _l("4 self-managed with results"),
}

#: the scorecard: (number, code, group, title, evidence)
SCORECARD = (
    (1, "assembly_participation", "social", _l("Assembly participation"), _l("minutes, attendance")),
    (2, "internal_democracy", "social", _l("Internal democracy and renewal"), _l("statutes, election minutes")),
    (3, "membership_management", "social", _l("Membership management"), _l("member register, internal rules")),
    (4, "member_services", "social", _l("Services to members"), _l("training and service records")),
    (5, "municipal_planning", "political", _l("Municipal planning"), _l("municipal plan minutes")),
    (6, "advocacy", "political", _l("Advocacy"), _l("proposals, letters")),
    (7, "networks", "political", _l("Networks and partners"), _l("agreements, federation membership")),
    (8, "legal_standing", "political", _l("Legal standing"), _l("registration, tax id")),
    (9, "buyer_agreement", "economic", _l("Buyer agreement"), _l("signed volume, price, payment")),
    (10, "collective_sales", "economic", _l("Collective sales"), _l("invoices")),
    (11, "financial_management", "economic", _l("Financial management"), _l("books, statements, audit")),
    (12, "revolving_fund", "economic", _l("Own capital, revolving fund"), _l("bank records")),
    (13, "business_plan", "capacity", _l("Business plan"), _l("plan, annual work plan")),
    (14, "administration", "capacity", _l("Administration"), _l("manuals, procurement files")),
    (15, "monitoring", "capacity", _l("Monitoring and evaluation"), _l("indicator reports")),
    (16, "environmental_management", "capacity", _l("Environmental management"), _l("mitigation plan")),
    (21, "resource_mobilization", "capacity", _l("Resource mobilization"),
     _l("agreements, grants, loans obtained")),
    (17, "women_leaders", "gender", _l("Women members and leaders"), _l("register, board list")),
    (18, "productive_decisions", "gender", _l("Input in productive decisions"), _l("survey")),
    (19, "income_control", "gender", _l("Control over income"), _l("survey, payments")),
    (20, "assets_credit_time", "gender", _l("Assets, credit, workload"), _l("survey")),
)
ITEMS = {code: (number, group, title, evidence) for number, code, group, title, evidence in SCORECARD}


def items_of(kind):
    """The scorecard items of ``kind`` (empowerment or capacity), in order."""
    return [(number, code, group, title, evidence) for number, code, group, title, evidence in SCORECARD
            if GROUP_KIND[group] == kind]


#: the standard indicators created with every plan: code -> (name, unit, disaggregated by sex)
STANDARD_INDICATORS = {
    "net_income_per_family": (_l("Net income per family from the product"), _l("currency per year"), False),
    "sales_volume": (_l("Sales volume to the buyer"), _l("units per year"), False),
    "sales_value": (_l("Sales value to the buyer"), _l("currency per year"), False),
    "price_received": (_l("Price received"), _l("currency per unit"), False),
    "yield": (_l("Yield"), _l("units per hectare"), False),
    "families": (_l("Families"), _l("families"), True),
    "women_share": (_l("Women"), _l("percent of members"), False),
    "youth_share": (_l("Youth"), _l("percent of members"), True),
    "indigenous_share": (_l("Indigenous"), _l("percent of members"), True),
}


def group_indexes(assessment):
    """The mean score of each group of the scorecard (2 places), for an assessment (or ``{}``)."""
    if assessment is None:
        return {}
    groups = {}
    for item in assessment.items:
        group = ITEMS[item.code][1] if item.code in ITEMS else None
        if group:
            groups.setdefault(group, []).append(item.score)
    return {g: (Decimal(sum(v)) / len(v)).quantize(Decimal("0.01")) for g, v in groups.items()}
