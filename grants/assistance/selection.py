"""Selecting a TA provider: terms of reference, invitations (at least three, ``invitations_too_few`` unless a
written reason), proposals (price and file), an evaluation that weighs the technical score against the price,
and the selection with its justification written to the minutes. Services flush and audit; never commit.

Sealed bids: until the selection an invited provider sees only its own proposal (never the others' prices,
scores, who else was invited, nor the evaluation); once a provider is selected, what the program publishes:
the selected provider and its price (``provider_view``). The board, the officer and every other reader of the
alliance keep seeing the whole evaluation.

Evaluation: the price score is ``lowest price / price × 100``; the total is
``weight × technical + (100 − weight) × price score`` over 100, rounded to two decimals."""
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa

from flask_babel import lazy_gettext as _l

from .. import audit
from ..errors import Collector, RuleViolation, Violation
from ..alliances.inputs import require_in_execution, stored_file
from ..extensions import db
from ..schemas.fields import as_body
from ..workflows import rules
from ..workflows.ta_terms import TA_TERMS
from .models import Invitation, Proposal, Provider, TermsOfReference
from .schemas import InvitationsIn, ProposalIn, ScoreIn, SelectionIn, TermsIn
from .services import fields_refused, ta_line_of

MIN_INVITED = 3


def _ctx(alliance):
    return {"alliance_id": alliance.id, "association_id": alliance.association_id}


def create_terms(alliance, body, actor):
    """Terms of reference (``TermsIn``, or a mapping read as a form): ``budget_line_id`` (technical
    assistance), ``scope``, ``deliverables``, ``budget``, ``duration_days``, ``profile``, ``technical_weight``
    (percent, default 70). Raises ``ValidationFailed``."""
    body = as_body(TermsIn, body)
    require_in_execution(alliance)
    c = Collector()
    line = ta_line_of(c, alliance, body.budget_line_id)
    fields_refused(c)
    values = dict(scope=body.scope, deliverables=body.deliverables, budget=body.budget,
                  duration_days=body.duration_days, profile=body.profile, technical_weight=body.technical_weight)
    terms = TermsOfReference(alliance_id=alliance.id, budget_line_id=line.id, created_by_id=actor.id, **values)
    db.session.add(terms)
    db.session.flush()
    audit.record("ta_terms", terms.id, "create", actor, data={**values, "budget_line_id": line.id},
                 **_ctx(alliance))
    return terms


def invite(terms, body, actor):
    """Invite providers of the registry (``InvitationsIn``, or a mapping: ``provider_ids``, ``reason``); fewer
    than three distinct ones need a written ``reason``. Raises ``ValidationFailed``, ``RuleViolation``
    (``invitations_too_few``)."""
    body = as_body(InvitationsIn, body)
    if terms.state == "selected":
        raise RuleViolation([Violation(rules.INVALID, _l("The provider is already selected."))])
    ids = list(dict.fromkeys(body.provider_ids))
    known = set(db.session.execute(sa.select(Provider.id).where(Provider.id.in_(ids))).scalars()) if ids else set()
    if set(ids) - known:
        fields_refused(Collector([Violation(rules.INVALID, _l("Choose providers of the registry."), "provider_ids")]))
    already = {i.provider_id for i in terms.invitations}
    total = len(already | set(ids))
    reason = body.reason or ""
    if total < MIN_INVITED and not reason:
        raise RuleViolation([Violation(rules.INVITATIONS_TOO_FEW, _l(
            "Invite at least %(n)s providers, or write why fewer were invited.", n=MIN_INVITED), "provider_ids")])
    for ident in ids:
        if ident not in already:
            terms.invitations.append(Invitation(provider_id=ident))
    if reason:
        terms.invitation_reason = reason
    db.session.flush()
    TA_TERMS.apply(terms, "invite", actor, comment=reason or None,
                   data={"provider_ids": sorted(already | set(ids))})
    return terms


def record_proposal(terms, body, actor, file=None):
    """An invited provider's proposal (``ProposalIn``, or a mapping: ``provider_id``, ``price``) with its file;
    one per provider. Raises ``ValidationFailed``."""
    body = as_body(ProposalIn, body)
    c = Collector()
    invited = {i.provider_id for i in terms.invitations}
    provider_id = body.provider_id
    if provider_id not in invited:
        c.add(rules.INVALID, _l("Only an invited provider can make a proposal."), "provider_id")
    elif any(p.provider_id == provider_id for p in terms.proposals):
        c.add(rules.INVALID, _l("This provider's proposal is already recorded."), "provider_id")
    fields_refused(c)
    stored = stored_file(file, "file")
    proposal = Proposal(terms_id=terms.id, provider_id=provider_id, price=body.price)
    if stored:
        proposal.file_sha256, proposal.file_filename, proposal.file_content_type = stored
    terms.proposals.append(proposal)
    db.session.flush()
    audit.record("ta_proposal", proposal.id, "record", actor,
                 data={"terms_id": terms.id, "provider_id": provider_id, "price": body.price,
                       "file_sha256": proposal.file_sha256}, **_ctx(terms.alliance))
    return proposal


def score(proposal, body, actor):
    """A proposal's technical score (``ScoreIn``, or a mapping: ``technical_score`` 0–100)."""
    body = as_body(ScoreIn, body)
    proposal.technical_score = body.technical_score
    db.session.flush()
    terms = db.session.get(TermsOfReference, proposal.terms_id)
    audit.record("ta_proposal", proposal.id, "score", actor, data={"technical_score": body.technical_score},
                 **_ctx(terms.alliance))
    return proposal


def _q(value):
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def evaluation(terms):
    """Rows ``{proposal, provider, price, technical, price_score, total}``, best total first."""
    priced = [p for p in terms.proposals if p.price > 0]
    lowest = min((p.price for p in priced), default=None)
    weight = Decimal(terms.technical_weight)
    rows = []
    for p in terms.proposals:
        price_score = _q(lowest / p.price * 100) if lowest and p.price > 0 else Decimal(0)
        tech = Decimal(p.technical_score) if p.technical_score is not None else None
        total = _q((weight * tech + (100 - weight) * price_score) / 100) if tech is not None else None
        rows.append({"proposal": p, "provider": p.provider, "price": p.price, "technical": tech,
                     "price_score": price_score, "total": total})
    rows.sort(key=lambda r: (r["total"] is None, -(r["total"] or 0), r["price"]))
    return rows


def select(terms, body, actor):
    """Choose a proposal (``SelectionIn``, or a mapping: ``proposal_id``, ``justification``), every proposal
    scored, with a written justification frozen in the minutes. Raises ``ValidationFailed``, ``RuleViolation``."""
    body = as_body(SelectionIn, body)
    text = body.justification
    proposal = next((p for p in terms.proposals if p.id == body.proposal_id), None)
    if proposal is None:
        fields_refused(Collector([Violation(rules.INVALID, _l("Choose one of the proposals."), "proposal_id")]))
    if terms.state != "invited":
        raise RuleViolation([Violation(rules.INVALID, _l("Invite providers before selecting one."))])
    rows = evaluation(terms)
    if any(r["total"] is None for r in rows):
        raise RuleViolation([Violation(rules.INVALID, _l("Score every proposal before selecting."), "proposal_id")])
    lines = [str(_l("Selection of technical assistance for alliance %(code)s", code=terms.alliance.code)),
             str(_l("Technical weight: %(w)s %%; price weight: %(p)s %%", w=terms.technical_weight,
                    p=100 - terms.technical_weight))]
    for r in rows:
        lines.append(f"{r['provider'].name}: {r['price']} · {r['technical']} · {r['price_score']} · {r['total']}")
    lines += [str(_l("Selected: %(name)s", name=proposal.provider.name)), str(_l("Justification: %(text)s", text=text))]
    terms.selected_proposal_id = proposal.id
    terms.justification = text
    terms.minutes = "\n".join(lines)
    TA_TERMS.apply(terms, "select", actor, comment=text,
                   data={"proposal_id": proposal.id, "provider_id": proposal.provider_id,
                         "total": next(r["total"] for r in rows if r["proposal"] is proposal)})
    db.session.flush()
    return terms


def provider_view(terms, provider):
    """What an invited ``provider`` may see of the selection: ``{"own": its proposal or None, "winner": the
    selected proposal once there is one (published: provider and price), else None}``."""
    own = next((p for p in terms.proposals if p.provider_id == provider.id), None)
    winner = None
    if terms.state == "selected" and terms.selected_proposal_id:
        winner = next((p for p in terms.proposals if p.id == terms.selected_proposal_id), None)
    return {"own": own, "winner": winner}
