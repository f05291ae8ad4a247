"""The lifecycle details of ``demo.seed_scale(..., details=True)``: what the stages would have written for
each synthetic alliance, in bulk, so that reports can be measured at scale.

Per alliance, by state: the audit events of its way from draft to its state (chained, so the trail
verifies; the last one at ``state_changed_at``), a budget of two lines (from the plan on), two tranches
(from approval; disbursed in execution), accountability reports with expenses and counterpart
contributions (in execution and later) and three standard indicators with values by period."""
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import sqlalchemy as sa

from ..alliances.budget import BudgetLine, Tranche
from ..audit.models import Event
from ..audit.services import GENESIS, canonical, compute_hash
from ..execution.models import AccountabilityReport, Contribution, Expense
from ..extensions import db
from ..plans.models import Indicator

CENT = Decimal("0.01")
#: (state, action) steps from the draft to each state
_MAIN = [("submitted", "submit"), ("eligible", "declare_eligible"), ("preselected", "preselect"),
         ("plan_in_preparation", "start_plan"), ("plan_submitted", "submit_plan"),
         ("under_appraisal", "start_appraisal"), ("committee_review", "send_to_committee"), ("approved", "approve"),
         ("agreement_signed", "sign_agreement"), ("in_execution", "start_execution"),
         ("closing", "submit_final_report"), ("closed", "close")]
_SIDE = {"returned": ("submitted", "return_for_info"), "ineligible": ("submitted", "declare_ineligible"),
         "withdrawn": ("submitted", "withdraw"), "not_selected": ("eligible", "not_select"),
         "rejected": ("committee_review", "reject"), "suspended": ("in_execution", "suspend"),
         "cancelled": ("in_execution", "cancel")}
PLANNED = {"plan_in_preparation", "plan_submitted", "under_appraisal", "committee_review", "approved", "rejected",
           "agreement_signed", "in_execution", "suspended", "closing", "closed", "cancelled"}
APPROVED = {"approved", "agreement_signed", "in_execution", "suspended", "closing", "closed", "cancelled"}
EXECUTING = {"in_execution", "suspended", "closing", "closed", "cancelled"}
FINISHING = {"closing", "closed"}


def path_to(state):
    """``[(state, action)]`` from draft (excluded) to ``state``."""
    if state == "draft":
        return []
    if state in _SIDE:
        before, action = _SIDE[state]
        return path_to(before) + [(state, action)]
    steps = []
    for s, action in _MAIN:
        steps.append((s, action))
        if s == state:
            return steps
    return steps


def _insert(model, rows, *returning):
    if not rows:
        return []
    if returning:
        return db.session.execute(sa.insert(model).returning(*returning, sort_by_parameter_order=True), rows).all()
    db.session.execute(sa.insert(model), rows)
    return []


def _events(alliances, admin, rng):
    last = db.session.execute(sa.select(Event.hash).order_by(Event.id.desc()).limit(1)).scalar() or GENESIS
    rows = []
    for a in alliances:
        steps = [("draft", "create")] + path_to(a["state"])
        gaps = [rng.randint(1, 45) + rng.random() for _ in steps[1:]]
        at = a["state_changed_at"] - timedelta(days=sum(gaps))
        prev = None
        for i, (state, action) in enumerate(steps):
            if i:
                at += timedelta(days=gaps[i - 1])
            ev = SimpleNamespace(object_type="alliance", object_id=a["id"], alliance_id=a["id"],
                                 association_id=a["association_id"], action=action, from_state=prev, to_state=state,
                                 actor_id=getattr(admin, "id", None), actor_name=getattr(admin, "name", None),
                                 created_at=(a["state_changed_at"] if i == len(steps) - 1 else at).replace(
                                     microsecond=0),
                                 data=canonical({"synthetic": True}), comment=None, prev_hash=last)
            ev.hash = last = compute_hash(ev)
            rows.append(vars(ev))
            prev = state
    for chunk in range(0, len(rows), 5000):
        _insert(Event, rows[chunk:chunk + 5000])
    return len(rows)


def seed_details(alliances, admin, rng, stamp):
    """``alliances``: dicts with ``id``, ``state``, ``association_id``, ``requested_grant``,
    ``state_changed_at``, ``families``. Bulk inserts; returns counts by kind."""
    counts = {"events": _events(alliances, admin, rng)}
    lines, tranches, indicators = [], [], []
    for a in alliances:
        state = a["state"]
        if state not in PLANNED:
            continue
        grant = Decimal(a["requested_grant"])
        first = (grant * Decimal("0.6")).quantize(CENT)
        for position, part, category in ((1, first, "equipment"), (2, grant - first, "inputs")):
            cash = (part * Decimal("0.15")).quantize(CENT)
            in_kind = (part * Decimal("0.28")).quantize(CENT)
            total = part + cash + in_kind
            lines.append({"alliance_id": a["id"], "position": position, "category": category,
                          "description": "Línea sintética", "unit": "global", "quantity": Decimal("1"),
                          "unit_cost": total, "total": total, "grant": part, "counterpart_cash": cash,
                          "counterpart_in_kind": in_kind, "other": Decimal("0"), **stamp})
        base = Decimal(rng.randint(1500, 4000))
        for position, (code, name, unit, baseline, target) in enumerate((
                ("net_income_per_family", "Ingreso neto por familia", "BOB/año", base, base * Decimal("1.6")),
                ("sales_volume", "Volumen de ventas", "t/año", Decimal(rng.randint(20, 80)), None),
                ("families", "Familias", "familias", Decimal(a["families"]), Decimal(a["families"])))):
            indicators.append({"alliance_id": a["id"], "code": code, "name": name, "unit": unit, "baseline": baseline,
                               "target": target if target is not None else baseline * Decimal("1.5"),
                               "by_sex": code == "families", "standard": True, "position": position, "version": 1})
        if state in APPROVED:
            half = (grant / 2).quantize(CENT)
            planned = a["state_changed_at"].date()
            for number, amount in ((1, half), (2, grant - half)):
                paid = state in EXECUTING and (number == 1 or state in FINISHING)
                tranches.append({"alliance_id": a["id"], "number": number, "amount": amount,
                                 "planned_on": planned + timedelta(days=180 * (number - 1)), "conditions": "",
                                 "state": "disbursed" if paid else "planned",
                                 "disbursed_amount": amount if paid else None,
                                 "disbursed_on": planned if paid else None,
                                 "disbursement_reference": f"TRF-{a['id']}-{number}" if paid else None, **stamp})
    line_ids = {}
    for chunk in range(0, len(lines), 5000):
        for lid, aid, pos in _insert(BudgetLine, lines[chunk:chunk + 5000], BudgetLine.id, BudgetLine.alliance_id,
                                     BudgetLine.position):
            line_ids[(aid, pos)] = lid
    _insert(Tranche, tranches)
    ind_ids = {}
    for chunk in range(0, len(indicators), 5000):
        for iid, aid, code in _insert(Indicator, indicators[chunk:chunk + 5000], Indicator.id, Indicator.alliance_id,
                                      Indicator.code):
            ind_ids[(aid, code)] = iid
    counts.update(budget_lines=len(lines), tranches=len(tranches), indicators=len(indicators))
    counts.update(_execution([a for a in alliances if a["state"] in EXECUTING], line_ids, ind_ids, rng, stamp))
    return counts


def _execution(alliances, line_ids, ind_ids, rng, stamp):
    from ..monitoring.models import IndicatorValue

    reports, expenses, contributions, values = [], [], [], []
    for a in alliances:
        start = a["state_changed_at"].date() - timedelta(days=200)
        n_reports = 2 if a["state"] in FINISHING else 1
        for r in range(n_reports + 1):
            period_start = start + timedelta(days=90 * r)
            reports.append({"alliance_id": a["id"], "period_start": period_start,
                            "period_end": period_start + timedelta(days=89),
                            "state": "approved" if r < n_reports else "draft", **stamp})
    report_ids = {}
    for chunk in range(0, len(reports), 5000):
        for rid, aid, start in _insert(AccountabilityReport, reports[chunk:chunk + 5000], AccountabilityReport.id,
                                       AccountabilityReport.alliance_id, AccountabilityReport.period_start):
            report_ids.setdefault(aid, []).append((rid, start))
    for a in alliances:
        grant = Decimal(a["requested_grant"])
        for k, (rid, start) in enumerate(report_ids.get(a["id"], [])):
            for i in range(rng.randint(3, 6)):
                amount = (grant * Decimal(rng.randint(2, 6)) / 100).quantize(CENT)
                expenses.append({"alliance_id": a["id"], "budget_line_id": line_ids[(a["id"], 1 + i % 2)],
                                 "spent_on": start + timedelta(days=i * 7), "amount": amount,
                                 "source": "grant" if i % 4 else "counterpart_cash", "supplier": "Proveedor sintético",
                                 "document_type": "invoice", "document_number": f"S-{a['id']}-{k}-{i}",
                                 "description": "", "report_id": rid, **stamp})
            contributions.append({"alliance_id": a["id"], "kind": "in_kind", "in_kind_type": "labour",
                                  "description": "Jornales", "amount": (grant * Decimal("0.05")).quantize(CENT),
                                  "contributed_on": start + timedelta(days=10), "report_id": rid, **stamp})
        for code in ("net_income_per_family", "sales_volume"):
            iid = ind_ids[(a["id"], code)]
            for period in ("2025-06", "2025-12"):
                values.append({"alliance_id": a["id"], "indicator_id": iid, "period": period,
                               "value": Decimal(rng.randint(20, 6000)), "note": "", "version": 1})
    for rows, model in ((expenses, Expense), (contributions, Contribution), (values, IndicatorValue)):
        for chunk in range(0, len(rows), 5000):
            _insert(model, rows[chunk:chunk + 5000])
    return {"accountability_reports": len(reports), "expenses": len(expenses), "contributions": len(contributions),
            "indicator_values": len(values)}
