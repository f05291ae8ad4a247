"""API endpoints of the plan stage (API.md): budget lines, financing, tranches; the plan, indicators,
assessments and cash flow (``api_plan``); appraisal, committee reviews and documents (``api_review``).

The actions themselves (``submit_plan``, ``start_appraisal``, ``send_to_committee``, ``return_plan``,
``approve``, ``reject``) go through ``POST /alliances/{id}/transitions``."""

from flask import request

from ..alliances.api import TrancheFields
from ..alliances.budget import BudgetLine, Tranche
from ..alliances.figures import financing, tranche_total
from ..alliances.models import Alliance
from ..api.core import (Model, Out, api_user, child_of, dump, endpoint, file_response, listing, load, operation,
                        reading, removal, rows_of)
from ..schemas.types import MoneyStr, RatioStr, UtcDateTime
from . import budget as budget_services
from . import xlsx
from .permissions import can_view_plan
from .schemas import BudgetLineIn, BudgetLinePatch, QuantityStr, TrancheIn, TranchePatch

TAGS = ("plans",)



def load_alliance(alliance_id):
    """The alliance, or 404 when it does not exist or the user may not see it."""
    user = api_user()
    return load(Alliance, alliance_id, lambda a: can_view_plan(user, a))


def of_alliance(model):
    """A ``load`` for the ``model`` rows of an alliance: ``(alliance_id=aid, <row>_id=ident)`` -> the row (404 when
    missing, of another alliance, or the alliance is not visible)."""
    return child_of(load_alliance, model)


_line = of_alliance(BudgetLine)
_tranche = of_alliance(Tranche)


# budget lines -----------------------------------------------------------------------------------------

class BudgetLineOut(Out):
    id: int
    alliance_id: int
    position: int
    category: str
    description: str
    unit: str
    quantity: QuantityStr
    unit_cost: MoneyStr
    #: quantity × unit cost, rounded half up to cents
    total: MoneyStr
    grant: MoneyStr
    counterpart_cash: MoneyStr
    counterpart_in_kind: MoneyStr
    other: MoneyStr
    version: int


listing("/alliances/<int:alliance_id>/budget-lines", summary="The budget lines of the plan", response=BudgetLineOut,
        tags=TAGS, name="plan_budget_lines", load=load_alliance,
        rows=lambda alliance: rows_of(BudgetLine, alliance, BudgetLine.position, BudgetLine.id),
        answer=lambda line: dump(BudgetLineOut, line))


operation("/alliances/<int:alliance_id>/budget-lines", ["POST"], summary="Add a budget line (facilitator, board; plan "
          "in preparation)", body=BudgetLineIn, response=BudgetLineOut, status=201, tags=TAGS,
          name="plan_add_budget_line", load=load_alliance, call=budget_services.add_line,
          answer=lambda line: dump(BudgetLineOut, line),
          description="The split (``grant + counterpart_cash + counterpart_in_kind + other``) must equal ``quantity "
          "× unit_cost`` (``split_mismatch``); land is never paid by the grant (``ineligible_category``).")


reading("/alliances/<int:alliance_id>/budget-lines/<int:line_id>", summary="One budget line", response=BudgetLineOut,
        tags=TAGS, name="plan_budget_line", load=_line, answer=lambda line: dump(BudgetLineOut, line))


operation("/alliances/<int:alliance_id>/budget-lines/<int:line_id>", ["PATCH"], summary="Change a budget line",
          body=BudgetLinePatch, response=BudgetLineOut, tags=TAGS, name="plan_change_budget_line", load=_line,
          call=budget_services.update_line, answer=lambda line: dump(BudgetLineOut, line),
          description="Send ``version``; the total is computed again and the split must still equal it.")


removal("/alliances/<int:alliance_id>/budget-lines/<int:line_id>", summary="Remove a budget line", tags=TAGS,
        name="plan_delete_budget_line", load=_line, call=budget_services.delete_line)


@endpoint("/alliances/<int:alliance_id>/budget-lines/export", summary="The budget lines as a spreadsheet (XLSX)",
          content_type=xlsx.MIMETYPE, tags=TAGS, name="plan_budget_export")
def export_lines(alliance_id):
    alliance = load_alliance(alliance_id)
    return file_response(xlsx.export_budget(alliance), xlsx.MIMETYPE, f"{alliance.code}-budget.xlsx", inline=False)


@endpoint("/alliances/<int:alliance_id>/budget-lines/import", ["POST"], summary="Replace the budget with a "
          "spreadsheet's lines (all or nothing)", multipart={"file": "An XLSX with the columns of the export"},
          response=BudgetLineOut, many=True, status=201, tags=TAGS, name="plan_budget_import")
def import_lines(alliance_id):
    """Every row is checked; when any is wrong nothing is imported and the 422 lists each row's
    errors (``field`` ``rows.<row>.<column>``)."""
    alliance = load_alliance(alliance_id)
    rows = xlsx.read_budget(request.files.get("file"))
    lines = budget_services.import_lines(alliance, rows, api_user())
    return [dump(BudgetLineOut, line) for line in lines]


# financing ------------------------------------------------------------------------------------------

class RuleOut(Model):
    rule: str
    label: str
    #: ok, fail or pending (nothing to check yet)
    state: str
    kind: str
    value: str | None = None
    limit: str | None = None
    message: str


class FinancingOut(Model):
    currency: str
    families: int
    total: MoneyStr
    totals: dict[str, MoneyStr]
    shares: dict[str, RatioStr]
    by_category: list[dict[str, str]]
    rules: list[RuleOut]
    violations: list[dict]
    tranches_total: MoneyStr
    tranches_match: bool


def financing_out(alliance):
    fin = financing(alliance)
    planned = tranche_total(alliance)
    return FinancingOut.model_validate({
        "currency": fin.currency, "families": fin.families, "total": fin.total,
        "totals": {**fin.totals, "counterpart": fin.counterpart},
        "shares": fin.shares,
        "by_category": [{"category": k, **{s: str(v) for s, v in row.items()}} for k, row in fin.by_category.items()],
        "rules": [r.as_dict() for r in fin.rules],
        "violations": [v.as_dict() for v in fin.violations],
        "tranches_total": planned, "tranches_match": planned == fin.totals["grant"],
    }).model_dump(mode="json")


@endpoint("/alliances/<int:alliance_id>/financing", summary="Totals by source, shares and the program's rules",
          response=FinancingOut, tags=TAGS, name="plan_financing")
def get_financing(alliance_id):
    """Shares are exact ratios to four places; each rule has its code and state (``ok``, ``fail``,
    ``pending``). The rules are checked exactly, never on a rounded share."""
    return financing_out(load_alliance(alliance_id))


# tranches -------------------------------------------------------------------------------------------

class TrancheOut(TrancheFields):
    version: int
    updated_at: UtcDateTime


listing("/alliances/<int:alliance_id>/tranches", summary="The tranche schedule", response=TrancheOut, tags=TAGS,
        name="plan_tranches", load=load_alliance, rows=lambda alliance: rows_of(Tranche, alliance, Tranche.number),
        answer=lambda t: dump(TrancheOut, t))


operation("/alliances/<int:alliance_id>/tranches", ["POST"], summary="Plan a tranche (facilitator, board; plan in "
          "preparation)", body=TrancheIn, response=TrancheOut, status=201, tags=TAGS, name="plan_add_tranche",
          load=load_alliance, call=budget_services.add_tranche, answer=lambda tranche: dump(TrancheOut, tranche),
          description="The tranches must add up exactly to the grant before the plan is submitted "
          "(``tranches_mismatch``).")


reading("/alliances/<int:alliance_id>/tranches/<int:tranche_id>", summary="One tranche", response=TrancheOut,
        tags=TAGS, name="plan_tranche", load=_tranche, answer=lambda tranche: dump(TrancheOut, tranche))


operation("/alliances/<int:alliance_id>/tranches/<int:tranche_id>", ["PATCH"], summary="Change a planned tranche",
          body=TranchePatch, response=TrancheOut, tags=TAGS, name="plan_change_tranche", load=_tranche,
          call=budget_services.update_tranche, answer=lambda tranche: dump(TrancheOut, tranche))


removal("/alliances/<int:alliance_id>/tranches/<int:tranche_id>", summary="Remove a planned tranche", tags=TAGS,
        name="plan_delete_tranche", load=_tranche, call=budget_services.delete_tranche)


from . import api_plan, api_review  # noqa: E402,F401  (the stage's other endpoints)
