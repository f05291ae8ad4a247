"""The stage's fixed lists: plan sections, the 21-item scorecard (ASSESSMENTS.md), standard indicators
(DOMAIN.md "Results and empowerment"), environmental categories and the appraisal checklist."""
from flask_babel import lazy_gettext as _l

#: the text sections of the plan, in the order of PAR's formulation guide: name -> (title, required)
SECTIONS = {
    "executive_summary": (_l("Executive summary"), True),
    "objectives": (_l("Objectives of the alliance plan"), False),
    "business_agreement": (_l("Business opportunity and agreement with the buyer"), True),
    "agreement_volume": (_l("Agreed volume"), True),
    "agreement_price": (_l("Agreed price"), True),
    "agreement_quality": (_l("Quality requirements"), True),
    "agreement_schedule": (_l("Delivery schedule and payment terms"), True),
    "technical_plan": (_l("Technical plan"), True),
    "market_analysis": (_l("Market analysis"), True),
    "organization_plan": (_l("Organization and social plan"), True),
    "environmental_measures": (_l("Environmental and social mitigation measures"), True),
}

#: Bolivia's environmental card (Ley 1333): 1 full impact study ... 4 none required
ENVIRONMENTAL_CATEGORIES = {
    1: _l("Category 1: full environmental impact study"),
    2: _l("Category 2: specific analysis of some impacts"),
    3: _l("Category 3: mitigation measures and monitoring plan"),
    4: _l("Category 4: no environmental study required"),
}

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

#: the officer's appraisal checklist: code -> question
CHECKLIST = {
    "buyer_commitment": _l("The buyer's commitment (volume, price, quality, schedule) is documented and credible"),
    "technical_feasibility": _l("The technical plan is feasible for the families and the area"),
    "budget_reasonable": _l("Quantities and unit costs are reasonable for the region"),
    "financing_rules": _l("The financing plan meets every program rule"),
    "counterpart_capacity": _l("The association can provide its counterpart in cash and in kind"),
    "financial_viability": _l("The cash flow with the project is viable (NPV, IRR, payback)"),
    "environmental_screening": _l("The environmental category and mitigation measures are adequate"),
    "indicators_measurable": _l("Indicators have a baseline and realistic targets"),
    "tranche_schedule": _l("The tranche schedule matches the investment plan"),
}
CHECKLIST_ANSWERS = {"yes": _l("Yes"), "observed": _l("With observations"), "na": _l("Not applicable")}

RECOMMENDATIONS = {"approve": _l("Approve"), "reject": _l("Reject"), "revise": _l("Revise and resubmit")}
DECISIONS = {"approve": _l("Approved"), "reject": _l("Rejected"), "return_plan": _l("Returned for revision")}
