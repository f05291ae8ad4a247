"""The lifecycle details of ``demo.seed_scale(..., details=True)``: what the stages would have written for
each synthetic alliance, in bulk, so that reports can be measured at scale.

Per alliance, by state: the audit events of its way from draft to its state (chained, so the trail
verifies; the last one at ``state_changed_at``), a budget of two lines (from the plan on), two tranches
(from approval; disbursed in execution), accountability reports with expenses and counterpart
contributions (in execution and later, ``scale_execution``) and three standard indicators with values by period."""
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import sqlalchemy as sa

from ..alliances.budget import BudgetLine, Tranche
from ..audit.models import Event
from ..audit.services import GENESIS, HASH_VERSION, canonical, compute_hash
from ..extensions import db
from ..plans.models import Indicator
from . import scale_bulk as bulk

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


EVENT_COLUMNS = ("object_type", "object_id", "alliance_id", "association_id", "action", "from_state", "to_state",
                 "actor_id", "actor_name", "created_at", "data", "comment", "prev_hash", "hash_version", "hash")


def _events(alliances, admin, rng):
    """The chained events of each alliance's way to its state, hashed here (version 2, as ``audit.record``
    would) and streamed to the database in chain order. Returns how many."""
    last = db.session.execute(sa.select(Event.hash).order_by(Event.id.desc()).limit(1)).scalar() or GENESIS
    data = canonical({"synthetic": True})
    actor_id, actor_name = getattr(admin, "id", None), getattr(admin, "name", None)

    def rows():
        nonlocal last
        for a in alliances:
            steps = [("draft", "create")] + path_to(a["state"])
            gaps = [rng.randint(1, 45) + rng.random() for _ in steps[1:]]
            at = a["state_changed_at"] - timedelta(days=sum(gaps))
            prev = None
            for i, (state, action) in enumerate(steps):
                if i:
                    at += timedelta(days=gaps[i - 1])
                ev = SimpleNamespace(object_type="alliance", object_id=a["id"], alliance_id=a["id"],
                                     association_id=a["association_id"], action=action, from_state=prev,
                                     to_state=state, actor_id=actor_id, actor_name=actor_name,
                                     created_at=(a["state_changed_at"] if i == len(steps) - 1 else at).replace(
                                         microsecond=0),
                                     data=data, comment=None, prev_hash=last, hash_version=HASH_VERSION)
                ev.hash = last = compute_hash(ev)
                yield tuple(getattr(ev, c) for c in EVENT_COLUMNS)
                prev = state

    return bulk.insert_rows(Event, EVENT_COLUMNS, rows())


def seed_details(alliances, admin, rng, stamp, expenses=12):
    """``alliances``: dicts with ``id``, ``state``, ``association_id``, ``requested_grant``,
    ``state_changed_at``, ``families``; ``expenses``: the average number of expenses of an alliance that
    reached execution. Bulk inserts; returns counts by kind."""
    counts = {"events": _events(alliances, admin, rng)}
    lines, tranches, indicators = [], [], []
    planned = [a for a in alliances if a["state"] in PLANNED]
    next_line = bulk.reserve_ids(BudgetLine, 2 * len(planned))
    next_indicator = bulk.reserve_ids(Indicator, 3 * len(planned))
    line_ids, ind_ids = {}, {}
    for a in planned:
        state = a["state"]
        grant = Decimal(a["requested_grant"])
        first = (grant * Decimal("0.6")).quantize(CENT)
        for position, part, category in ((1, first, "equipment"), (2, grant - first, "inputs")):
            cash = (part * Decimal("0.15")).quantize(CENT)
            in_kind = (part * Decimal("0.28")).quantize(CENT)
            total = part + cash + in_kind
            line_ids[(a["id"], position)] = next_line
            lines.append({"id": next_line, "alliance_id": a["id"], "position": position, "category": category,
                          "description": "Línea sintética", "unit": "global", "quantity": Decimal("1"),
                          "unit_cost": total, "total": total, "grant": part, "counterpart_cash": cash,
                          "counterpart_in_kind": in_kind, "other": Decimal("0"), **stamp})
            next_line += 1
        base = Decimal(rng.randint(1500, 4000))
        for position, (code, name, unit, baseline, target) in enumerate((
                ("net_income_per_family", "Ingreso neto por familia", "BOB/año", base, base * Decimal("1.6")),
                ("sales_volume", "Volumen de ventas", "t/año", Decimal(rng.randint(20, 80)), None),
                ("families", "Familias", "familias", Decimal(a["families"]), Decimal(a["families"])))):
            ind_ids[(a["id"], code)] = next_indicator
            indicators.append({"id": next_indicator, "alliance_id": a["id"], "code": code, "name": name,
                               "unit": unit, "baseline": baseline,
                               "target": target if target is not None else baseline * Decimal("1.5"),
                               "by_sex": code == "families", "standard": True, "position": position, "version": 1})
            next_indicator += 1
        if state in APPROVED:
            half = (grant / 2).quantize(CENT)
            planned_on = a["state_changed_at"].date()
            for number, amount in ((1, half), (2, grant - half)):
                paid = state in EXECUTING and (number == 1 or state in FINISHING)
                tranches.append({"alliance_id": a["id"], "number": number, "amount": amount,
                                 "planned_on": planned_on + timedelta(days=180 * (number - 1)), "conditions": "",
                                 "state": "disbursed" if paid else "planned",
                                 "disbursed_amount": amount if paid else None,
                                 "disbursed_on": planned_on if paid else None,
                                 "disbursement_reference": f"TRF-{a['id']}-{number}" if paid else None, **stamp})
    bulk.insert_dicts(BudgetLine, lines)
    bulk.insert_dicts(Tranche, tranches)
    bulk.insert_dicts(Indicator, indicators)
    counts.update(budget_lines=len(lines), tranches=len(tranches), indicators=len(indicators))
    from .scale_execution import seed_execution

    counts.update(seed_execution([a for a in alliances if a["state"] in EXECUTING], lines, ind_ids, rng, stamp,
                                 expenses))
    return counts


def disbursed_grant(a):
    """The grant an alliance of ``seed_details`` has received: both tranches once it is closing or closed,
    else the first (its tranches are half and the rest of the requested grant)."""
    grant = Decimal(a["requested_grant"])
    return grant if a["state"] in FINISHING else (grant / 2).quantize(CENT)


def split_cents(total, parts, rng):
    """``total`` (Decimal) in ``parts`` random positive amounts that add up to it exactly, to the cent."""
    cents = int(total * 100)
    parts = min(parts, cents)
    if parts <= 0:
        return []
    weights = [rng.random() + 0.25 for _ in range(parts)]
    scale = cents / sum(weights)
    amounts = [max(1, int(w * scale)) for w in weights]
    amounts[-1] += cents - sum(amounts)
    if amounts[-1] <= 0:  # rounding pushed the last part under a cent: fall back to an even split
        amounts = [cents // parts] * parts
        amounts[-1] += cents - sum(amounts)
    return [Decimal(c).scaleb(-2) for c in amounts]
