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

from flask_babel import lazy_gettext as _l

from .. import audit
from ..errors import Collector, RuleViolation, Violation
from ..alliances.inputs import line_of, parse_amount, parse_text, raise_fields, require_in_execution, stored_file
from ..extensions import db
from ..workflows import rules
from ..workflows.ta_terms import TA_TERMS
from .models import Invitation, Proposal, Provider, TermsOfReference

MIN_INVITED = 3


def _ctx(alliance):
    return {"alliance_id": alliance.id, "association_id": alliance.association_id}


def _int(c, raw, field, low, high):
    try:
        value = int(raw)
        if not low <= value <= high:
            raise ValueError
        return value
    except (TypeError, ValueError):
        c.add(rules.INVALID, _l("Enter a whole number from %(low)s to %(high)s.", low=low, high=high), field)
        return None


def create_terms(alliance, data, actor):
    """``budget_line_id`` (technical assistance), ``scope``, ``deliverables``, ``budget``, ``duration_days``,
    ``profile``, ``technical_weight`` (percent, default 70)."""
    require_in_execution(alliance)
    c = Collector()
    line = line_of(c, alliance, data.get("budget_line_id"))
    if line is not None and line.category != "technical_assistance":
        c.add(rules.INVALID, _l("Choose a technical assistance line of the budget."), "budget_line_id")
    values = dict(scope=parse_text(c, data.get("scope"), "scope", 5000),
                  deliverables=parse_text(c, data.get("deliverables"), "deliverables", 5000),
                  budget=parse_amount(c, data.get("budget"), "budget"),
                  duration_days=_int(c, data.get("duration_days"), "duration_days", 1, 3650),
                  profile=parse_text(c, data.get("profile"), "profile", 5000),
                  technical_weight=_int(c, data.get("technical_weight", 70), "technical_weight", 0, 100))
    raise_fields(c)
    terms = TermsOfReference(alliance_id=alliance.id, budget_line_id=line.id, created_by_id=actor.id, **values)
    db.session.add(terms)
    db.session.flush()
    audit.record("ta_terms", terms.id, "create", actor, data={**values, "budget_line_id": line.id},
                 **_ctx(alliance))
    return terms


def invite(terms, provider_ids, actor, reason=None):
    """Invite providers of the registry; fewer than three distinct ones need a written ``reason``."""
    if terms.state == "selected":
        raise RuleViolation([Violation(rules.INVALID, _l("The provider is already selected."))])
    c = Collector()
    ids = []
    for raw in provider_ids or []:
        try:
            ident = int(raw)
        except (TypeError, ValueError):
            ident = 0
        if not (0 < ident < 2**31 and db.session.get(Provider, ident)):
            c.add(rules.INVALID, _l("Choose providers of the registry."), "provider_ids")
            break
        if ident not in ids:
            ids.append(ident)
    raise_fields(c)
    already = {i.provider_id for i in terms.invitations}
    total = len(already | set(ids))
    reason = (reason or "").strip()
    if total < MIN_INVITED and not reason:
        raise RuleViolation([Violation(rules.INVITATIONS_TOO_FEW, _l(
            "Invite at least %(n)s providers, or write why fewer were invited.", n=MIN_INVITED), "provider_ids")])
    for ident in ids:
        if ident not in already:
            terms.invitations.append(Invitation(provider_id=ident))
    if reason:
        terms.invitation_reason = reason[:5000]
    db.session.flush()
    TA_TERMS.apply(terms, "invite", actor, comment=reason or None,
                   data={"provider_ids": sorted(already | set(ids))})
    return terms


def record_proposal(terms, provider_id, price, actor, file=None):
    """An invited provider's proposal: its price and file (one per provider)."""
    c = Collector()
    invited = {i.provider_id for i in terms.invitations}
    try:
        provider_id = int(provider_id)
    except (TypeError, ValueError):
        provider_id = 0
    if provider_id not in invited:
        c.add(rules.INVALID, _l("Only an invited provider can make a proposal."), "provider_id")
    elif any(p.provider_id == provider_id for p in terms.proposals):
        c.add(rules.INVALID, _l("This provider's proposal is already recorded."), "provider_id")
    price = parse_amount(c, price, "price")
    raise_fields(c)
    stored = stored_file(file, "file")
    proposal = Proposal(terms_id=terms.id, provider_id=provider_id, price=price)
    if stored:
        proposal.file_sha256, proposal.file_filename, proposal.file_content_type = stored
    terms.proposals.append(proposal)
    db.session.flush()
    audit.record("ta_proposal", proposal.id, "record", actor,
                 data={"terms_id": terms.id, "provider_id": provider_id, "price": price,
                       "file_sha256": proposal.file_sha256}, **_ctx(terms.alliance))
    return proposal


def score(proposal, technical_score, actor):
    c = Collector()
    value = _int(c, technical_score, "technical_score", 0, 100)
    raise_fields(c)
    proposal.technical_score = value
    db.session.flush()
    terms = db.session.get(TermsOfReference, proposal.terms_id)
    audit.record("ta_proposal", proposal.id, "score", actor, data={"technical_score": value},
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


def select(terms, proposal_id, justification, actor):
    """Choose a proposal (every proposal scored) with a written justification, frozen in the minutes."""
    c = Collector()
    text = parse_text(c, justification, "justification", 5000)
    proposal = next((p for p in terms.proposals if str(p.id) == str(proposal_id)), None)
    if proposal is None:
        c.add(rules.INVALID, _l("Choose one of the proposals."), "proposal_id")
    raise_fields(c)
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
