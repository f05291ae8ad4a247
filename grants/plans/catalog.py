"""The stage's fixed lists: plan sections, the 21-item scorecard (ASSESSMENTS.md), standard indicators
(DOMAIN.md "Results and empowerment"), environmental categories and the appraisal checklist."""
from flask_babel import lazy_gettext as _l

# the scorecard and the standard indicators are read by plans (baseline), closeout and reports: they live
# on the spine (grants/alliances/catalog.py) and are re-exported here
from ..alliances.catalog import (GROUP_KIND, GROUPS, ITEMS, KINDS, MOMENTS, SCORE_LEVELS, SCORECARD,  # noqa: F401
                                 STANDARD_INDICATORS, items_of)

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
