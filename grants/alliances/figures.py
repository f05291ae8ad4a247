"""The money figures every stage reads: totals by source, shares, and the program's financing rules.

Pure functions over an alliance's budget lines and its program's rules; nothing here writes.
Rules are checked exactly by cross-multiplication (``grant <= max_share × total``), never through a
rounded share. A share shown beside a rule is rounded *towards the failing side* (up for an "at most"
rule, down for an "at least" rule) so that the figure shown never contradicts the verdict: a grant of
70.004 % shows as 70.01 % and fails.
"""
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l

from ..errors import Violation
from ..money import CENT, ZERO, share, shown, shown_percent
from ..workflows import rules as rule_codes
from .budget import BUDGET_CATEGORIES, INELIGIBLE_FOR_GRANT, SOURCES

SHARE_PLACES = Decimal("0.0001")


def line_total(quantity, unit_cost):
    """``quantity × unit_cost`` rounded half up to cents (quantity has up to 3 places)."""
    return (Decimal(quantity) * Decimal(unit_cost)).quantize(CENT, rounding=ROUND_HALF_UP)


def split_sum(line):
    return sum((Decimal(getattr(line, s) or 0) for s in SOURCES), ZERO)


def _rounded_share(part, whole, rounding):
    if not whole:
        return ZERO.quantize(SHARE_PLACES)
    return (Decimal(part) / Decimal(whole)).quantize(SHARE_PLACES, rounding=rounding)


@dataclass(frozen=True)
class RuleCheck:
    """The state of one financing rule: ``ok``, ``fail`` or ``pending`` (nothing to check yet)."""

    rule: str
    label: object
    state: str
    #: the figure checked (a share, or money per family) and the program's limit
    value: Decimal | None = None
    limit: Decimal | None = None
    #: "share" or "money"
    kind: str = "share"
    message: object = ""

    @property
    def ok(self):
        return self.state != "fail"

    def as_dict(self):
        return {"rule": self.rule, "label": str(self.label), "state": self.state, "kind": self.kind,
                "value": None if self.value is None else str(self.value),
                "limit": None if self.limit is None else str(self.limit), "message": str(self.message)}


@dataclass
class Financing:
    currency: str
    families: int
    total: Decimal
    #: source -> amount (grant, counterpart_cash, counterpart_in_kind, other)
    totals: dict
    counterpart: Decimal
    #: source (and "counterpart") -> share of the total, 4 places, half up
    shares: dict
    #: category -> {"total": ..., source: ...} for the categories in use, in the standard order
    by_category: dict
    rules: list = field(default_factory=list)
    lines: int = 0

    @property
    def violations(self):
        return [Violation(r.rule, r.message, _RULE_FIELDS.get(r.rule)) for r in self.rules if r.state == "fail"]

    def rule(self, code):
        return next((r for r in self.rules if r.rule == code), None)


_RULE_FIELDS = {"grant_share_exceeded": "grant", "counterpart_share_too_low": "counterpart_cash",
                "counterpart_cash_too_low": "counterpart_cash", "grant_cap_per_family_exceeded": "grant",
                "ineligible_category": "category", "split_mismatch": "grant", "budget_empty": "budget_lines"}


def _pct(value):
    """A share as "70,01 %" in the reader's language."""
    return shown_percent((Decimal(value) * 100).quantize(Decimal("0.01")) / 100)


def financing(alliance, lines=None):
    """Totals by source, shares and the state of every program rule for ``alliance``'s budget.

    ``lines`` (optional) replaces the stored budget lines, e.g. to preview an import."""
    lines = list(alliance.budget_lines if lines is None else lines)
    program = alliance.call.program
    totals = {s: ZERO for s in SOURCES}
    by_category = {}
    total = ZERO
    for line in lines:
        amount = Decimal(line.total or 0)
        total += amount
        cat = by_category.setdefault(line.category, {"total": ZERO, **{s: ZERO for s in SOURCES}})
        cat["total"] += amount
        for s in SOURCES:
            value = Decimal(getattr(line, s) or 0)
            totals[s] += value
            cat[s] += value
    order = list(BUDGET_CATEGORIES)
    by_category = {k: by_category[k] for k in sorted(by_category, key=lambda k: order.index(k) if k in order else 99)}
    counterpart = totals["counterpart_cash"] + totals["counterpart_in_kind"]
    shares = {s: share(totals[s], total) for s in SOURCES}
    shares["counterpart"] = share(counterpart, total)
    fin = Financing(currency=program.currency, families=alliance.families, total=total, totals=totals,
                    counterpart=counterpart, shares=shares, by_category=by_category, lines=len(lines))
    fin.rules = _checks(fin, lines, program)
    return fin


def _checks(fin, lines, program):
    total, grant = fin.total, fin.totals["grant"]
    cash = fin.totals["counterpart_cash"]
    checks = []
    if not lines or total <= 0:
        checks.append(RuleCheck(rule_codes.BUDGET_EMPTY, _l("Budget"), "fail", kind="none",
                                message=_l("The budget has no lines with a cost yet.")))
        pending = ((("grant_share_exceeded", _l("Grant share of the total")), program.max_grant_share),
                   (("counterpart_share_too_low", _l("Counterpart share (cash and in kind)")),
                    program.min_counterpart_share),
                   (("counterpart_cash_too_low", _l("Counterpart in cash")), program.min_counterpart_cash_share))
        for (code, label), limit in pending:
            checks.append(RuleCheck(code, label, "pending", None, limit))
    else:
        limit = Decimal(program.max_grant_share)
        ok = grant <= limit * total
        checks.append(RuleCheck(
            rule_codes.GRANT_SHARE_EXCEEDED, _l("Grant share of the total"), "ok" if ok else "fail",
            _rounded_share(grant, total, ROUND_CEILING), limit,
            message=_l("The grant is %(share)s of the total; the program allows at most %(limit)s.",
                       share=_pct(_rounded_share(grant, total, ROUND_CEILING)), limit=_pct(limit))))
        limit = Decimal(program.min_counterpart_share)
        ok = fin.counterpart >= limit * total
        value = _rounded_share(fin.counterpart, total, ROUND_FLOOR)
        checks.append(RuleCheck(
            rule_codes.COUNTERPART_SHARE_TOO_LOW, _l("Counterpart share (cash and in kind)"), "ok" if ok else "fail",
            value, limit, message=_l("The counterpart (cash and in kind) is %(share)s of the total; the program "
                                     "asks for at least %(limit)s.", share=_pct(value), limit=_pct(limit))))
        limit = Decimal(program.min_counterpart_cash_share)
        ok = cash >= limit * total
        value = _rounded_share(cash, total, ROUND_FLOOR)
        checks.append(RuleCheck(
            rule_codes.COUNTERPART_CASH_TOO_LOW, _l("Counterpart in cash"), "ok" if ok else "fail", value, limit,
            message=_l("The counterpart in cash is %(share)s of the total; the program asks for at least "
                       "%(limit)s.", share=_pct(value), limit=_pct(limit))))
    cap = Decimal(program.grant_cap_per_family)
    families = fin.families
    per_family = (grant / families).quantize(CENT, rounding=ROUND_CEILING) if families else None
    ok = grant <= cap * families if families else grant == 0
    checks.append(RuleCheck(
        rule_codes.GRANT_CAP_PER_FAMILY_EXCEEDED, _l("Grant per family"), "ok" if ok else "fail", per_family, cap,
        kind="money",
        message=(_l("The grant per family is %(value)s; the program allows at most %(cap)s.",
                    value=shown(per_family, fin.currency), cap=shown(cap, fin.currency)) if families else
                 _l("The alliance has no member families, so it cannot receive a grant."))))
    bad = [line for line in lines if line.category in INELIGIBLE_FOR_GRANT and Decimal(line.grant or 0) > 0]
    checks.append(RuleCheck(
        rule_codes.INELIGIBLE_CATEGORY, _l("Categories the grant may not pay"), "fail" if bad else "ok", kind="none",
        message=_l("The grant may not pay for: %(lines)s.",
                   lines=", ".join(f"{line.description} ({line.category_title})" for line in bad)) if bad else ""))
    mismatched = [line for line in lines
                  if split_sum(line) != Decimal(line.total or 0)
                  or Decimal(line.total or 0) != line_total(line.quantity or 0, line.unit_cost or 0)]
    checks.append(RuleCheck(
        rule_codes.SPLIT_MISMATCH, _l("Each line's split sums to the line"), "fail" if mismatched else "ok", kind="none",
        message=_l("The sources of these lines do not add up to the line's total: %(lines)s.",
                   lines=", ".join(line.description for line in mismatched)) if mismatched else ""))
    return checks


def financing_violations(alliance, lines=None):
    """Every financing rule ``alliance``'s budget breaks, as ``Violation`` objects (empty when all hold):
    ``budget_empty``, ``grant_share_exceeded``, ``counterpart_share_too_low``, ``counterpart_cash_too_low``,
    ``grant_cap_per_family_exceeded``, ``ineligible_category``, ``split_mismatch``."""
    return financing(alliance, lines).violations


def tranche_total(alliance):
    return sum((Decimal(t.amount or 0) for t in alliance.tranches), ZERO)


def tranche_violations(alliance):
    """``tranches_mismatch`` unless the tranches sum exactly to the budget's grant."""
    grant = financing(alliance).totals["grant"]
    planned = tranche_total(alliance)
    if planned != grant:
        return [Violation(rule_codes.TRANCHES_MISMATCH,
                          _l("The tranches add up to %(planned)s but the grant is %(grant)s.",
                             planned=shown(planned, alliance.call.program.currency),
                             grant=shown(grant, alliance.call.program.currency)), "tranches")]
    return []
