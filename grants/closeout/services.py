"""Services of the closeout stage: the board's final report, the officer's evaluation, the financial closeout
(figures, refunds, the move of the unspent grant to the association's revolving fund) and the checks that
``submit_final_report`` and ``close`` apply. Services validate, change, flush and audit; they never commit.

Rule codes: ``final_report_incomplete``, ``indicator_actual_missing``, ``assessment_missing`` (the final
report), ``refund_exceeds_balance``, ``revolving_not_allowed`` (money), ``contracts_open``,
``expenses_unreported``, ``balance_unsettled``, ``evaluation_missing`` (the close).
"""
from flask_babel import lazy_gettext as _l

from .. import audit
from ..alliances import offers
from ..alliances.permissions import roles_toward
from ..errors import Forbidden, InvalidTransition, RuleViolation, StaleVersion, ValidationFailed, Violation
from ..extensions import db
from ..alliances.catalog import KINDS, group_indexes, items_of
from ..common import utcnow
from ..schemas.fields import as_body
from ..workflows import rules
from .models import Evaluation, FinalReport, IndicatorActual
from .schemas import EvaluationIn, read_final_report


def _audit(alliance, object_type, object_id, action, actor, data):
    audit.record(object_type, object_id, action, actor, data=data, alliance_id=alliance.id,
                 association_id=alliance.association_id)


def _roles(user, alliance):
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    return roles_toward(alliance, user)


# who may do what -------------------------------------------------------------------------------------------

def closeout_started(alliance):
    """The closeout section exists from execution on (the final report is written during execution)."""
    return alliance.state in ("in_execution", "suspended", "closing", "closed")


def can_edit_final_report(user, alliance):
    """The association's board, while the alliance is in execution."""
    return alliance.state == "in_execution" and "board" in _roles(user, alliance)


def can_evaluate(user, alliance):
    """The officer of the alliance's region, while the alliance is closing."""
    return alliance.state == "closing" and "officer" in _roles(user, alliance)


def can_settle(user, alliance):
    """Refunds and moves to the revolving fund: the finance officer or the officer of the region, while
    the alliance is closing."""
    return alliance.state == "closing" and bool(_roles(user, alliance) & {"finance", "officer"})


# the final report ------------------------------------------------------------------------------------------

def prefill(alliance):
    """``{indicator_id: {"actual", "women", "men"}}`` from the latest monitoring values (empty without them)."""
    latest_values = offers.offered("latest_values")
    if latest_values is None:  # pragma: no cover - the monitoring stage is optional
        return {}
    out = {}
    for iid, value in (latest_values(alliance) or {}).items():
        out[iid] = {"actual": value.value, "women": value.women, "men": value.men}
    return out


def actuals_table(alliance):
    """One row per indicator: the indicator, the saved actual (or the monitoring's latest value as a
    suggestion) and whether the value shown is saved."""
    report = alliance.final_report
    suggested = prefill(alliance)
    rows = []
    for ind in alliance.indicators:
        saved = report.actual_of(ind.id) if report else None
        if saved is not None and saved.actual is not None:
            values = {"actual": saved.actual, "women": saved.women, "men": saved.men}
        else:
            values = suggested.get(ind.id) or {"actual": None, "women": None, "men": None}
        rows.append({"indicator": ind, "saved": saved is not None and saved.actual is not None, **values})
    return rows


def ensure_report(alliance):
    report = alliance.final_report
    if report is None:
        report = FinalReport(alliance=alliance, narrative="", lessons="", sales_unit="")
        db.session.add(report)
        db.session.flush()
    return report


def check_version(obj, version):
    """409 ``stale_version`` when the client read another version of ``obj`` (no check without one)."""
    if version is not None and version != obj.version:
        raise StaleVersion(_l("Someone changed this meanwhile. Reload it and try again."))


def refuse(found):
    """Raise what was found: ``RuleViolation`` when a business rule is among them (listing every violation),
    ``ValidationFailed`` when only fields are wrong."""
    if any(v.rule not in (rules.REQUIRED, rules.INVALID) for v in found):
        raise RuleViolation(found)
    if found:
        raise ValidationFailed(_l("Some fields need attention."), found)


def save_final_report(alliance, body, actor):
    """Save the final report as a draft (it may stay incomplete until ``submit_final_report``).

    ``body``: ``FinalReportIn`` (only the fields sent change) or a mapping read with it (each key given counts:
    the page's form): ``narrative``, ``lessons``, ``sales_volume``, ``sales_unit``, ``sales_value``, ``actuals``
    ``[{"indicator_id", "actual", "women", "men"}]`` (only the indicators given change), ``version``. Raises
    ``InvalidTransition`` (not in execution), ``Forbidden`` (not the board), ``StaleVersion``,
    ``ValidationFailed`` (fields, an indicator that is not the alliance's)."""
    if alliance.state != "in_execution":
        raise InvalidTransition(_l("The final report is written while the alliance is in execution."))
    if not can_edit_final_report(actor, alliance):
        raise Forbidden(_l("The association's board writes the final report."))
    body, found = read_final_report(body)
    report = alliance.final_report
    if report is not None:
        check_version(report, body.version)
    sent = body.given()
    sent.pop("version", None)
    fields = {}
    for key in ("narrative", "lessons", "sales_unit"):
        if key in sent:
            fields[key] = sent[key] or ""
    for key in ("sales_volume", "sales_value"):
        if key in sent:
            fields[key] = sent[key]
    indicators = {ind.id: ind for ind in alliance.indicators}
    given = {}
    for i, item in enumerate(sent.get("actuals") or []):
        if item is None:  # a row refused by the schema (its errors are in ``found``)
            continue
        ind = indicators.get(item.indicator_id)
        if ind is None:
            found.append(Violation(rules.INVALID, _l("Unknown indicator."), f"actuals.{i}.indicator_id"))
            continue
        given[ind.id] = (item.actual, item.women if ind.by_sex else None, item.men if ind.by_sex else None)
    refuse(found)
    report = ensure_report(alliance)
    changed = {}
    for key, value in fields.items():
        if getattr(report, key) != value:
            changed[key] = value if key.startswith("sales") else len(value or "")
            setattr(report, key, value)
    current = {a.indicator_id: a for a in report.actuals}
    for iid, (value, women, men) in given.items():
        row = current.get(iid)
        if row is None:
            row = IndicatorActual(indicator_id=iid)
            report.actuals.append(row)
        if (row.actual, row.women, row.men) != (value, women, men):
            changed[f"actual:{indicators[iid].code}"] = {"actual": value, "women": women, "men": men}
        row.actual, row.women, row.men = value, women, men
    report.updated_by_id = actor.id
    if changed:
        report.updated_at = utcnow()
    db.session.flush()
    _audit(alliance, "final_report", report.id, "save_final_report", actor, {"changed": changed})
    return report


def assessment_pairs(alliance):
    """Per kind: the baseline and closeout assessments, their group indexes, the change per group and
    whether the closeout assessment is complete."""
    out = []
    for kind, title in KINDS.items():
        base = offers.offered("assessment_of")(alliance, kind, "baseline")
        close = offers.offered("assessment_of")(alliance, kind, "closeout")
        bi, ci = group_indexes(base), group_indexes(close)
        groups = []
        for group in dict.fromkeys(g for _n, _c, g, _t, _e in items_of(kind)):
            before, after = bi.get(group), ci.get(group)
            groups.append({"group": group, "baseline": before, "closeout": after,
                           "change": (after - before) if before is not None and after is not None else None})
        expected = {code for _n, code, _g, _t, _e in items_of(kind)}
        complete = close is not None and not (expected - set(close.scores()))
        out.append({"kind": kind, "title": title, "baseline": base, "closeout": close, "groups": groups,
                    "complete": complete})
    return out


def final_report_violations(alliance):
    """What keeps ``submit_final_report`` from passing, all at once: ``final_report_incomplete`` (narrative,
    lessons), ``indicator_actual_missing`` (each indicator without its actual, or without women and men
    where it counts people), ``assessment_missing`` (each closeout assessment not fully scored)."""
    out = []
    report = alliance.final_report
    if report is None or not (report.narrative or "").strip():
        out.append(Violation(rules.FINAL_REPORT_INCOMPLETE, _l("Write the narrative of the results."), "narrative"))
    if report is None or not (report.lessons or "").strip():
        out.append(Violation(rules.FINAL_REPORT_INCOMPLETE, _l("Write the lessons learned."), "lessons"))
    for ind in alliance.indicators:
        row = report.actual_of(ind.id) if report else None
        missing = row is None or row.actual is None or (ind.by_sex and (row.women is None or row.men is None))
        if missing:
            message = (_l("Give the indicator “%(name)s” its actual value, for women and men.", name=ind.title)
                       if ind.by_sex else _l("Give the indicator “%(name)s” its actual value.", name=ind.title))
            out.append(Violation(rules.INDICATOR_ACTUAL_MISSING, message, f"actuals.{ind.id}"))
    for pair in assessment_pairs(alliance):
        if not pair["complete"]:
            out.append(Violation(rules.ASSESSMENT_MISSING, _l("Score the closeout assessment “%(title)s”.",
                                                          title=pair["title"]), f"assessments.{pair['kind']}"))
    return out


def record_submission(alliance, actor):
    """After ``submit_final_report`` (same transaction): who submitted and when."""
    report = ensure_report(alliance)
    report.submitted_at = utcnow()
    report.submitted_by_id = getattr(actor, "id", None)
    db.session.flush()


# the evaluation --------------------------------------------------------------------------------------------

def save_evaluation(alliance, body, actor):
    """The officer's evaluation: ``EvaluationIn`` (or a mapping read as a form): ``rating`` (one of ``RATINGS``),
    ``findings``, ``recommendations``, ``version``. Raises ``InvalidTransition`` (not closing), ``Forbidden``
    (not the officer of the region), ``StaleVersion``, ``ValidationFailed``."""
    if alliance.state != "closing":
        raise InvalidTransition(_l("The officer evaluates the alliance while it is closing."))
    if not can_evaluate(actor, alliance):
        raise Forbidden(_l("The officer of the region evaluates the alliance."))
    body = as_body(EvaluationIn, body)
    evaluation = alliance.evaluation
    if evaluation is not None:
        check_version(evaluation, body.version)
    rating, findings, recommendations = body.rating, body.findings, body.recommendations or ""
    before = evaluation.rating if evaluation else None
    if evaluation is None:
        evaluation = Evaluation(alliance=alliance, rating=rating)
        db.session.add(evaluation)
    evaluation.rating, evaluation.findings, evaluation.recommendations = rating, findings, recommendations
    evaluation.officer_id = actor.id

    evaluation.updated_at = utcnow()
    db.session.flush()
    _audit(alliance, "evaluation", evaluation.id, "save_evaluation", actor,
           {"rating": {"from": before, "to": rating}})
    return evaluation


from .settlement import (  # noqa: E402,F401  (the money, re-exported: callers use ``services``)
    Check, Figures, closeout_violations, closing_checks, figures, move_to_fund, moved_to_fund, record_refund,
    refunded, revolving_allowed)
