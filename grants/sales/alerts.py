"""The sales stage's alert (grants/alliances/alerts.py), in a constant number of queries:

``buyer_noncompliance``: the buyer falls behind its letter of intent by more than the program's
``buyer_noncompliance_share`` —

- volume (``ref`` "volume"): the letter's yearly volume is expected month by month from the first transfer of the
  grant (after m months, m/12 of it); the alert opens on the first month-day on which the confirmed volume is below
  that expectation × (1 − share);
- payments (``ref`` "payment"): a confirmed delivery is due for payment 30 days after it was delivered; the alert
  opens the day the payments recorded fall below (1 − share) × the value of the deliveries due.

Only while the alliance is in execution or closing. Changes to deliveries refresh it; the letter of intent and the
program's rules are recounted by ``flask grants refresh-alerts``."""
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..alliances import alerts, sales
from ..alliances.budget import Tranche
from ..extensions import db
from ..money import fmt
from ..programs.models import Program
from ..workflows import rules as rule_codes
from .models import Delivery

WATCHED_STATES = ("in_execution", "closing")
#: days after a delivery by which the buyer is expected to pay it
PAYMENT_DAYS = 30


def _months_between(start, today):
    return (today.year - start.year) * 12 + today.month - start.month - (1 if today.day < start.day else 0)


def _message(d, today):
    if d.get("kind") == "volume":
        months = max(int(d["months"]), _months_between(date.fromisoformat(d["start"]), today))
        d = {**d, "expected": fmt(Decimal(d["yearly"]) * months / 12)}
    if d.get("kind") == "payment":
        return _l("The buyer has paid %(paid)s of %(due)s due for confirmed deliveries (more than %(share)s %% "
                  "behind).", paid=d["paid"], due=d["due"], share=d["share_pct"])
    return _l("The buyer has confirmed %(confirmed)s %(unit)s of the %(expected)s %(unit)s expected by the letter of "
              "intent (more than %(share)s %% behind).", confirmed=d["confirmed"], expected=d["expected"],
              unit=d["unit"], share=d["share_pct"])


@alerts.source(rule_codes.BUYER_NONCOMPLIANCE, message=_message)
def buyer_noncompliance(alliances):
    ids = [a.id for a in alliances if a.state in WATCHED_STATES]
    if not ids:
        return []
    started = dict(db.session.execute(sa.select(Tranche.alliance_id, sa.func.min(Tranche.disbursed_on)).where(
        Tranche.alliance_id.in_(ids), Tranche.state == "disbursed", Tranche.disbursed_on.is_not(None))
        .group_by(Tranche.alliance_id)).all())
    ids = [i for i in ids if i in started]
    if not ids:
        return []
    letters = sales.letters_of_intent(ids)
    rules = alerts.program_rules(ids, Program.buyer_noncompliance_share)
    confirmed = {}
    for d in db.session.execute(sa.select(Delivery.alliance_id, Delivery.delivered_on, Delivery.quantity,
                                          Delivery.amount, Delivery.paid_amount).where(
            Delivery.alliance_id.in_(ids), Delivery.state == "confirmed")
            .order_by(Delivery.alliance_id, Delivery.delivered_on, Delivery.id)).all():
        confirmed.setdefault(d.alliance_id, []).append(d)
    out = []
    for aid in ids:
        if aid not in rules:
            continue
        share = Decimal(rules[aid][1])
        rows = confirmed.get(aid, [])
        letter = letters.get(aid) or {}
        volume_alert = _volume(aid, started[aid], letter, rows, share)
        if volume_alert:
            out.append(volume_alert)
        payment_alert = _payment(aid, rows, share)
        if payment_alert:
            out.append(payment_alert)
    return out


def _pct(share):
    return fmt(share * 100, 0)


def _volume(aid, start, letter, rows, share):
    yearly = Decimal(letter.get("volume") or 0)
    if yearly <= 0 or share >= 1:
        return None
    done = sum((Decimal(r.quantity) for r in rows), Decimal(0))
    # the first m (months since the first transfer) with done < yearly × m / 12 × (1 − share)
    months = int(done * 12 / (yearly * (1 - share))) + 1
    day = alerts.add_months(start, months)
    expected = (yearly * months / 12).quantize(Decimal("0.01"))
    return alerts.Alert(rule_codes.BUYER_NONCOMPLIANCE, aid, since=day, due=day, ref="volume", detail={
        "kind": "volume", "confirmed": fmt(done), "expected": fmt(expected), "unit": letter.get("unit") or "",
        "share_pct": _pct(share), "months": months, "yearly": fmt(yearly), "start": start.isoformat()})


def _payment(aid, rows, share):
    paid = sum((Decimal(r.paid_amount or 0) for r in rows), Decimal(0))
    due = Decimal(0)
    for r in rows:
        due += Decimal(r.amount)
        if paid < due * (1 - share):
            day = r.delivered_on + timedelta(days=PAYMENT_DAYS + 1)
            return alerts.Alert(rule_codes.BUYER_NONCOMPLIANCE, aid, since=day, due=day, ref="payment", detail={
                "kind": "payment", "paid": fmt(paid), "due": fmt(due), "share_pct": _pct(share)})
    return None


alerts.watch(Delivery, lambda d: [d.alliance_id])
