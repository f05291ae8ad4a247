"""Budget execution of the scale data (``seed_details``): for each alliance that reached execution, its
accountability reports (the last one a draft), about ``expenses`` expenses on its two budget lines, counterpart
contributions in kind and indicator values, streamed to the database in bulk.

The money rules hold as the services would enforce them: the grant spent never passes the grant disbursed (the
first tranche, both once closing), and no budget line is overspent by source (grant or counterpart cash): each
alliance spends a random 55–95 % of what it may, split 60/40 over its lines as the lines' grant is."""
from datetime import timedelta
from decimal import Decimal

from ..execution.models import AccountabilityReport, Contribution, Expense
from . import scale_bulk as bulk
from .scale_details import CENT, FINISHING, disbursed_grant, split_cents

EXPENSE_COLUMNS = ("alliance_id", "budget_line_id", "spent_on", "amount", "source", "supplier", "document_type",
                   "document_number", "description", "report_id", "version", "created_at", "updated_at")


def _spending(a, by_line, n, rng):
    """``[(budget_line_id, source, amount)]``: ``n`` expenses of alliance ``a`` within its money rules."""
    share = Decimal(rng.randint(55, 95)) / 100
    grant = (disbursed_grant(a) * share).quantize(CENT)
    first = (grant * Decimal("0.6")).quantize(CENT)
    line1, line2 = by_line[(a["id"], 1)], by_line[(a["id"], 2)]
    cash = n // 4
    buckets = (
        (line1, "grant", first, (n - cash + 1) // 2), (line2, "grant", grant - first, (n - cash) // 2),
        (line1, "counterpart_cash", (line1["counterpart_cash"] * share).quantize(CENT), (cash + 1) // 2),
        (line2, "counterpart_cash", (line2["counterpart_cash"] * share).quantize(CENT), cash // 2))
    return [(line["id"], source, amount) for line, source, total, count in buckets
            for amount in split_cents(total, count, rng)]


def seed_execution(alliances, lines, ind_ids, rng, stamp, expenses):
    from ..monitoring.models import IndicatorValue

    by_line = {(line["alliance_id"], line["position"]): line for line in lines}
    reports, report_of = [], {}
    next_report = bulk.reserve_ids(AccountabilityReport, sum(3 if a["state"] in FINISHING else 2 for a in alliances))
    for a in alliances:
        start = a["state_changed_at"].date() - timedelta(days=200)
        n_reports = 2 if a["state"] in FINISHING else 1
        for r in range(n_reports + 1):
            period_start = start + timedelta(days=90 * r)
            reports.append({"id": next_report, "alliance_id": a["id"], "period_start": period_start,
                            "period_end": period_start + timedelta(days=89),
                            "state": "approved" if r < n_reports else "draft", **stamp})
            report_of.setdefault(a["id"], []).append((next_report, period_start))
            next_report += 1
    bulk.insert_dicts(AccountabilityReport, reports)

    low, high = max(0, round(expenses * 0.5)), max(0, round(expenses * 1.5))
    contributions, values = [], []

    def expense_rows():
        for a in alliances:
            periods = report_of[a["id"]]
            spent = _spending(a, by_line, rng.randint(low, high) if high else 0, rng)
            for j, (line_id, source, amount) in enumerate(spent):
                rid, start = periods[j % len(periods)]
                yield (a["id"], line_id, start + timedelta(days=(j * 7) % 90), amount, source, "Proveedor sintético",
                       "invoice", f"S-{a['id']}-{j}", "", rid, *stamp.values())

    n_expenses = bulk.insert_rows(Expense, EXPENSE_COLUMNS, expense_rows())
    for a in alliances:
        grant = Decimal(a["requested_grant"])
        for rid, start in report_of[a["id"]]:
            contributions.append({"alliance_id": a["id"], "kind": "in_kind", "in_kind_type": "labour",
                                  "description": "Jornales", "amount": (grant * Decimal("0.05")).quantize(CENT),
                                  "contributed_on": start + timedelta(days=10), "report_id": rid, **stamp})
        for code in ("net_income_per_family", "sales_volume"):
            iid = ind_ids[(a["id"], code)]
            for period in ("2025-06", "2025-12"):
                values.append({"alliance_id": a["id"], "indicator_id": iid, "period": period,
                               "value": Decimal(rng.randint(20, 6000)), "note": "", "version": 1})
    bulk.insert_dicts(Contribution, contributions)
    bulk.insert_dicts(IndicatorValue, values)
    return {"accountability_reports": len(reports), "expenses": n_expenses, "contributions": len(contributions),
            "indicator_values": len(values)}
