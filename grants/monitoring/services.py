"""Monitoring rules: indicator values by period (the latest value per indicator is read by other stages).

Services validate, change, flush and audit; they never commit. Rules (422): ``alliance_not_in_execution``
(values are recorded while the alliance is in execution, suspended or closing), ``period_in_future``,
``sex_split_mismatch`` (for an indicator by sex, ``value`` must equal ``women + men``); field errors
``required`` / ``invalid``."""
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..alliances import offers
from ..errors import Collector, RuleViolation, ValidationFailed, Violation
from ..extensions import db
from ..money import to_decimal
from ..schemas.fields import as_body
from ..workflows import rules
from .models import IndicatorValue
from .permissions import MONITORED
from .schemas import ValueIn

FIELD_RULES = ("required", "invalid")


@offers.provide("latest_values")
def latest_values(alliance):
    """``{indicator_id: IndicatorValue}``: the value of the latest period of each indicator of ``alliance``."""
    return {iid: v for (_aid, iid), v in latest_values_for([alliance.id]).items()}


def latest_values_for(alliance_ids):
    """``{(alliance_id, indicator_id): IndicatorValue}`` for the latest period of every indicator of the
    given alliances, in one query."""
    ids = [int(i) for i in alliance_ids]
    if not ids:
        return {}
    latest = (sa.select(IndicatorValue.indicator_id, sa.func.max(IndicatorValue.period).label("period"))
              .where(IndicatorValue.alliance_id.in_(ids))
              .group_by(IndicatorValue.indicator_id).subquery())
    rows = db.session.scalars(sa.select(IndicatorValue).join(
        latest, sa.and_(IndicatorValue.indicator_id == latest.c.indicator_id,
                        IndicatorValue.period == latest.c.period))).all()
    return {(v.alliance_id, v.indicator_id): v for v in rows}


def values_by_indicator(alliance):
    """``{indicator_id: [IndicatorValue, ...]}`` ordered by period, in one query."""
    out = {}
    for v in db.session.scalars(sa.select(IndicatorValue).where(IndicatorValue.alliance_id == alliance.id)
                                .order_by(IndicatorValue.indicator_id, IndicatorValue.period)):
        out.setdefault(v.indicator_id, []).append(v)
    return out


def progress(indicator, value):
    """Progress from baseline to target as a percent (0–100 clamped for the bar; the raw figure may exceed),
    or None when it cannot be computed."""
    if value is None or indicator.target is None:
        return None
    base = indicator.baseline or 0
    span = indicator.target - base
    if span == 0:
        return None
    return ((value.value - base) * 100 / span).quantize(to_decimal("1.0", 1))


def current_period(today=None):
    today = today or date.today()
    return f"{today.year:04d}-{today.month:02d}"


def state_violations(alliance):
    c = Collector()
    if alliance.state not in MONITORED:
        c.add(rules.ALLIANCE_NOT_IN_EXECUTION, _l("Monitoring data are recorded while the alliance is in execution, "
                                              "suspended or closing."))
    return c.violations


def value_violations(indicator, body, today=None):
    """The rules of ``body`` (a ``ValueIn``) that the model cannot know, listed: the period not in the future, and
    for an indicator by sex (or when a count is given) both counts, adding up to the value."""
    c = Collector()
    if body.period > current_period(today):
        c.add(rules.PERIOD_IN_FUTURE, _l("The period cannot be in the future."), "period")
    women, men = body.women, body.men
    # by sex: both counts are required; on other indicators they are optional, but must add up when given
    if indicator.by_sex or women is not None or men is not None:
        for name, n in (("women", women), ("men", men)):
            if n is None:
                c.add(rules.REQUIRED, _l("Enter how many women and how many men."), name)
        if women is not None and men is not None and body.value != women + men:
            c.add(rules.SEX_SPLIT_MISMATCH, _l("The value (%(value)s) must equal women plus men (%(sum)s).",
                                           value=body.value, sum=women + men), "value")
    return c.violations


def raise_all(violations):
    if not violations:
        return
    if all(v.rule in FIELD_RULES for v in violations):
        raise ValidationFailed(_l("Some fields need attention."), violations)
    raise RuleViolation(violations)


def record_value(alliance, indicator, body, actor, today=None):
    """Record (or update) the value of ``indicator`` for ``body.period`` (``body``: a ``ValueIn``, or a mapping
    read as a form): ``value``, ``women``, ``men``, ``note``. Returns the ``IndicatorValue``; the audit event
    carries the old and new figures."""
    body = as_body(ValueIn, body)
    violations = list(state_violations(alliance))
    if indicator.alliance_id != alliance.id:
        raise ValidationFailed(_l("Choose an indicator of this alliance."), _violation(rules.INVALID, "indicator_id"))
    violations.extend(value_violations(indicator, body, today))
    raise_all(violations)
    period, value, women, men, note = body.period, body.value, body.women, body.men, body.note or ""
    new = {"period": period, "value": value, "women": women, "men": men, "note": note}
    row = _existing(indicator, period)
    if row is None:
        row = IndicatorValue(alliance_id=alliance.id, indicator_id=indicator.id, period=period, value=value,
                             women=women, men=men, note=note, recorded_by_id=actor.id if actor else None)
        try:
            with db.session.begin_nested():  # two people recording the same period at once: the second updates
                db.session.add(row)
                db.session.flush()
        except IntegrityError:
            row = _existing(indicator, period)
        else:
            audit.record("indicator_value", row.id, "record", actor, data={
                "indicator_id": indicator.id, "indicator": indicator.code, "new": new},
                alliance_id=alliance.id, association_id=alliance.association_id)
            return row
    old = {"period": row.period, "value": row.value, "women": row.women, "men": row.men, "note": row.note}
    row.value, row.women, row.men, row.note = value, women, men, note
    db.session.flush()
    audit.record("indicator_value", row.id, "update", actor, data={"indicator_id": indicator.id,
                                                                   "indicator": indicator.code, "old": old,
                                                                   "new": new},
                 alliance_id=alliance.id, association_id=alliance.association_id)
    return row


def _existing(indicator, period):
    return db.session.execute(sa.select(IndicatorValue).where(
        IndicatorValue.indicator_id == indicator.id, IndicatorValue.period == period).with_for_update()
        .execution_options(populate_existing=True)).scalar_one_or_none()


def _violation(rule, field):
    return [Violation(rule, _l("Choose an indicator of this alliance."), field)]
