"""API endpoints of counterpart contributions (API.md): list, record (with the evidence), void."""
from datetime import date

from flask import request

from ...alliances.api import load_alliance
from ...api.core import Out, dump, endpoint, listing, load, rows_of
from ...schemas.types import MoneyStr, UtcDateTime
from ...web.idempotency import idempotent
from ..api import TAGS, _visible, recorded, void_query
from ..models import Contribution
from . import services as contrib_svc
from .schemas import ContributionIn


class ContributionOut(Out):
    id: int
    alliance_id: int
    budget_line_id: int | None = None
    kind: str
    in_kind_type: str | None = None
    description: str
    quantity: str | None = None
    unit_value: MoneyStr | None = None
    amount: MoneyStr
    contributed_on: date
    evidence_sha256: str | None = None
    report_id: int | None = None
    voided_at: UtcDateTime | None = None
    void_reason: str | None = None
    version: int


def contribution_out(c):
    data = {k: getattr(c, k) for k in ContributionOut.model_fields if hasattr(c, k)}
    data["quantity"] = str(c.quantity) if c.quantity is not None else None
    return dump(ContributionOut, data)


listing("/alliances/<int:alliance_id>/contributions", summary="Counterpart contributions",
        response=ContributionOut, tags=TAGS, name="execution_contributions", load=load_alliance,
        rows=lambda alliance: rows_of(Contribution, alliance, Contribution.contributed_on, Contribution.id),
        answer=contribution_out)


@endpoint("/alliances/<int:alliance_id>/contributions", ["POST"], summary="Record a counterpart contribution",
          body=ContributionIn, multipart={"evidence": "Evidence: photo or PDF"}, response=ContributionOut,
          status=201, tags=TAGS, name="record_contribution")
@idempotent
def record_contribution(alliance_id, body):
    """``kind`` cash or in_kind; the amount, or ``quantity`` × ``unit_value`` (labour days × daily value).
    An ``Idempotency-Key`` header (8 to 100 letters, digits, ``.:_-``) makes a retry safe: the same key
    answers as the first success did (header ``Idempotent-Replayed: true``) and records nothing again."""
    alliance = load_alliance(alliance_id)
    return recorded(alliance, lambda user: contrib_svc.record_contribution(alliance, body, user,
                                                                           request.files.get("evidence")),
                    contribution_out)


@endpoint("/contributions/<int:contribution_id>", ["DELETE"], summary="Void a contribution (it stays on record)",
          response=ContributionOut, tags=TAGS, name="void_contribution",
          query={"reason": "Why it is voided (required)", "version": "The version read"})
def void_contribution(contribution_id):
    """Query ``reason`` (required) and ``version``. In a submitted report: 422 ``report_locked``."""
    item = load(Contribution, contribution_id, _visible)
    return recorded(item.alliance, lambda user: contrib_svc.void_contribution(item, user, void_query()),
                    contribution_out)
