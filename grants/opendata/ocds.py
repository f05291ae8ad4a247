"""OCDS 1.1 release package of the associations' procurements, streamed: one release per price comparison,
minor purchase or direct contracting (execution) and per selection of a technical-assistance provider
(assistance), written chunk by chunk of alliances.

Each release carries the tender, the quotations or proposals as bids (bids extension) and in the core
``tender.tenderers``, the award with its justification, the contract and the payments as the contract's
implementation transactions. Sealed bids stay sealed: until the award (or the TA selection) only the tender
is published. Parties have a name and a role, never an identification number, a phone or an e-mail: a
supplier who is a person appears by the name under which it quoted."""
import json
import re
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from ..alliances.models import Alliance
from ..assistance.models import Contract, Deliverable, Proposal, TermsOfReference
from ..associations.models import Association
from ..execution.models import Expense, Procurement
from ..extensions import db
from ..programs.models import Call, Program
from .models import OpenDataSettings
from .settings import settings_for

VERSION = "1.1"
BIDS_EXTENSION = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json"
CHUNK = 200
METHOD = {"minor": "direct", "comparison": "limited", "direct": "direct"}
METHOD_DETAILS = {"minor": "Compra menor (una cotización)", "comparison": "Comparación de precios",
                  "direct": "Contratación directa"}
DIRECT_REASON = {"single_supplier": "proveedor único", "emergency": "emergencia", "repeat_order": "pedido repetido"}
TENDER_STATUS = {"open": "active", "awarded": "complete", "closed": "complete", "cancelled": "cancelled"}


def dumps(value):
    """JSON text in which money (``Decimal``) is written as an exact number with two places, never a float."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{dumps(str(k))}:{dumps(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(dumps(v) for v in value) + "]"
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return json.dumps(value, ensure_ascii=False)
    raise TypeError(type(value))


def _when(value):
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat() + "Z"
    if isinstance(value, date):
        return value.isoformat() + "T00:00:00Z"
    return None


def _slug(name):
    return re.sub(r"[^A-Za-z0-9]+", "-", name.strip().upper()).strip("-")[:60] or "SIN-NOMBRE"


def _money(amount, currency):
    return {"amount": amount, "currency": currency}


class Parties:
    """The parties of one release, by id, with their roles merged."""

    def __init__(self):
        self.items = {}

    def add(self, pid, name, role, **extra):
        party = self.items.setdefault(pid, {"id": pid, "name": name, "roles": [], **extra})
        if role not in party["roles"]:
            party["roles"].append(role)
        return {"id": pid, "name": name}


def _alliance_ids():
    with_procurement = sa.select(Procurement.alliance_id)
    with_terms = sa.select(TermsOfReference.alliance_id)
    return (sa.select(Alliance.id).where(sa.or_(Alliance.id.in_(with_procurement), Alliance.id.in_(with_terms)))
            .order_by(Alliance.code))


def _context(ids, cache):
    rows = db.session.execute(
        sa.select(Alliance.id, Alliance.code, Association.id, Association.name, Association.municipality,
                  Association.region, Program.id, Program.code, Program.name, Program.currency)
        .join(Association, Association.id == Alliance.association_id).join(Call, Call.id == Alliance.call_id)
        .join(Program, Program.id == Call.program_id).where(Alliance.id.in_(ids))).all()
    out = {}
    for aid, code, assoc_id, assoc, municipality, region, pid, pcode, pname, currency in rows:
        if pid not in cache:
            cache[pid] = settings_for(db.session.get(Program, pid), db.session.get(OpenDataSettings, pid))
        out[aid] = {"code": code, "assoc_id": assoc_id, "assoc": assoc, "municipality": municipality,
                    "region": region, "program_id": pid, "program": pname, "currency": currency,
                    "settings": cache[pid]}
    return out


def _association(parties, ctx, role):
    return parties.add(f"ASOC-{ctx['assoc_id']}", ctx["assoc"], role,
                       address={"locality": ctx["municipality"], "region": ctx["region"]})


def _program(parties, ctx):
    parties.add(f"PROG-{ctx['program_id']}", ctx["program"], "funder")


def _release(ocid, date_, tags, ctx, parties, **parts):
    release = {"ocid": ocid, "id": f"{ocid}-{date_.strftime('%Y%m%dT%H%M%S')}", "date": _when(date_), "tag": tags,
               "initiationType": "tender", "language": "es", "parties": list(parties.items.values()),
               "buyer": {"id": f"ASOC-{ctx['assoc_id']}", "name": ctx["assoc"]}}
    release.update({k: v for k, v in parts.items() if v})
    return release


def _opening(ctx, suffix):
    """What a release starts with: its ocid (``suffix`` names the process: C12, TA3), its parties (the
    association as buyer and procuring entity, the program) and the reference to the buyer."""
    parties = Parties()
    buyer = _association(parties, ctx, "buyer")
    _association(parties, ctx, "procuringEntity")
    _program(parties, ctx)
    return f"{ctx['settings'].ocid_prefix}-{ctx['code']}-{suffix}", parties, buyer


def procurement_release(p, ctx, payments):
    """The release of one procurement of the execution stage."""
    cur = ctx["currency"]
    ocid, parties, buyer = _opening(ctx, f"C{p.id}")
    tender = {"id": f"C{p.id}", "title": p.description, "status": TENDER_STATUS.get(p.state, "active"),
              "procuringEntity": buyer, "value": _money(p.estimated_amount, cur),
              "procurementMethod": METHOD[p.method], "procurementMethodDetails": METHOD_DETAILS[p.method],
              "mainProcurementCategory": "goods"}
    if p.method == "direct":
        reason = DIRECT_REASON.get(p.direct_reason or "", "")
        approved = "con la aprobación de la asamblea general" if p.assembly_sha256 else "sin acta de asamblea"
        tender["procurementMethodRationale"] = f"Contratación directa por {reason}, {approved}.".replace(" por ,", ",")
    tags, bids, awards, contracts = ["tender"], None, [], []
    sealed = p.state not in ("awarded", "closed")
    if not sealed and p.quotations:
        details, tenderers = [], []
        for q in p.quotations:
            ref = parties.add(f"PROV-{_slug(q.supplier)}", q.supplier, "tenderer")
            if ref not in tenderers:
                tenderers.append(ref)
            details.append({"id": f"C{p.id}-Q{q.id}", "date": _when(q.created_at), "status": "valid",
                            "tenderers": [ref], "value": _money(q.amount, cur)})
        tender["tenderers"], tender["numberOfTenderers"] = tenderers, len(tenderers)
        bids = {"details": details}
    won = p.awarded if not sealed else None
    if won is not None:
        supplier = parties.add(f"PROV-{_slug(won.supplier)}", won.supplier, "supplier")
        award = {"id": f"C{p.id}-A", "status": "active", "date": _when(p.updated_at),
                 "value": _money(won.amount, cur), "suppliers": [supplier]}
        lowest = min(q.amount for q in p.quotations)
        award["description"] = (p.justification or ("Cotización más baja" if won.amount == lowest
                                                    else "Adjudicación"))
        awards.append(award)
        tags += ["award", "contract"]
        transactions = []
        for e in payments:
            payee = parties.add(f"PROV-{_slug(e.supplier)}", e.supplier, "payee")
            transactions.append({"id": f"E{e.id}", "date": _when(e.spent_on),
                                 "value": _money(e.amount, cur), "payer": _association(parties, ctx, "payer"),
                                 "payee": payee})
        contract = {"id": f"C{p.id}-K", "awardID": award["id"],
                    "status": "terminated" if p.state == "closed" else "active",
                    "value": _money(won.amount, cur), "title": p.description}
        if transactions:
            contract["implementation"] = {"transactions": transactions}
            tags.append("implementation")
        contracts.append(contract)
    release = _release(ocid, p.updated_at, tags, ctx, parties, tender=tender, awards=awards, contracts=contracts)
    if bids:
        release["bids"] = bids
    return release


def terms_release(t, ctx, contract, payments):
    """The release of one selection of a technical-assistance provider (assistance stage)."""
    cur = ctx["currency"]
    ocid, parties, buyer = _opening(ctx, f"TA{t.id}")
    tender = {"id": f"TA{t.id}", "title": "Asistencia técnica", "description": t.scope,
              "status": {"draft": "planning", "invited": "active"}.get(t.state, "complete"),
              "procuringEntity": buyer, "value": _money(t.budget, cur), "procurementMethod": "limited",
              "procurementMethodDetails": "Selección de proveedor de asistencia técnica por invitación",
              "mainProcurementCategory": "services", "awardCriteria": "ratedCriteria",
              "awardCriteriaDetails": f"Puntaje técnico {t.technical_weight} %, precio {100 - t.technical_weight} %",
              "contractPeriod": {"durationInDays": t.duration_days}}
    if t.invitation_reason:
        tender["procurementMethodRationale"] = t.invitation_reason
    tags, bids, awards, contracts = ["tender"], None, [], []
    selected = next((p for p in t.proposals if p.id == t.selected_proposal_id), None)
    if t.state == "selected" and selected is not None:
        details, tenderers = [], []
        for prop in t.proposals:
            ref = parties.add(f"AT-{prop.provider_id}", prop.provider.name, "tenderer")
            tenderers.append(ref)
            details.append({"id": f"TA{t.id}-P{prop.id}", "date": _when(prop.created_at), "status": "valid",
                            "tenderers": [ref], "value": _money(prop.price, cur)})
        tender["tenderers"], tender["numberOfTenderers"] = tenderers, len(tenderers)
        bids = {"details": details}
        supplier = parties.add(f"AT-{selected.provider_id}", selected.provider.name, "supplier")
        award = {"id": f"TA{t.id}-A", "status": "active", "date": _when(t.updated_at),
                 "value": _money(selected.price, cur), "suppliers": [supplier],
                 "description": t.justification or ""}
        awards.append(award)
        tags.append("award")
        if contract is not None:
            k = {"id": f"TA{t.id}-K{contract.id}", "awardID": award["id"],
                 "status": "terminated" if contract.state == "closed" else "active",
                 "period": {"startDate": _when(contract.starts_on), "endDate": _when(contract.ends_on)},
                 "value": _money(contract.amount, cur), "title": "Contrato de asistencia técnica"}
            transactions = [{"id": f"E{e.id}", "date": _when(e.spent_on), "value": _money(e.amount, cur),
                             "payer": _association(parties, ctx, "payer"),
                             "payee": parties.add(f"AT-{contract.provider_id}", contract.provider.name, "payee")}
                            for e in payments]
            if transactions:
                k["implementation"] = {"transactions": transactions}
                tags.append("implementation")
            contracts.append(k)
            tags.insert(2, "contract")
    release = _release(ocid, t.updated_at, tags, ctx, parties, tender=tender, awards=awards, contracts=contracts)
    if bids:
        release["bids"] = bids
    return release


def releases(ids, cache):
    """The releases of the alliances ``ids`` (one chunk; a fixed number of statements)."""
    ctx = _context(ids, cache)
    procurements = db.session.execute(
        sa.select(Procurement).where(Procurement.alliance_id.in_(ids)).options(selectinload(Procurement.quotations))
        .order_by(Procurement.alliance_id, Procurement.id)).scalars().all()
    paid = defaultdict(list)
    for e in db.session.execute(sa.select(Expense).where(
            Expense.procurement_id.in_([p.id for p in procurements]), Expense.voided_at.is_(None))
            .order_by(Expense.spent_on, Expense.id)).scalars():
        paid[e.procurement_id].append(e)
    terms = db.session.execute(
        sa.select(TermsOfReference).where(TermsOfReference.alliance_id.in_(ids))
        .options(selectinload(TermsOfReference.proposals).joinedload(Proposal.provider))
        .order_by(TermsOfReference.alliance_id, TermsOfReference.id)).scalars().all()
    contracts = {c.terms_id: c for c in db.session.execute(
        sa.select(Contract).where(Contract.terms_id.in_([t.id for t in terms]))
        .options(joinedload(Contract.provider))).scalars()}
    ta_paid = defaultdict(list)
    for contract_id, e in db.session.execute(
            sa.select(Deliverable.contract_id, Expense).join(Expense, Expense.deliverable_id == Deliverable.id)
            .where(Deliverable.contract_id.in_([c.id for c in contracts.values()]), Expense.voided_at.is_(None))
            .order_by(Expense.spent_on, Expense.id)).all():
        ta_paid[contract_id].append(e)
    out = []
    by_alliance = defaultdict(list)
    for p in procurements:
        by_alliance[p.alliance_id].append(procurement_release(p, ctx[p.alliance_id], paid[p.id]))
    for t in terms:
        c = contracts.get(t.id)
        by_alliance[t.alliance_id].append(terms_release(t, ctx[t.alliance_id], c, ta_paid[c.id] if c else []))
    for aid in sorted(by_alliance, key=lambda a: ctx[a]["code"]):
        out.extend(by_alliance[aid])
    return out


def stream(uri, publisher, licence_url, published):
    """The package as text chunks; ``releases`` written chunk by chunk of alliances."""
    head = {"uri": uri, "version": VERSION, "extensions": [BIDS_EXTENSION], "publishedDate": _when(published),
            "publisher": {"name": publisher}, "license": licence_url,
            "publicationPolicy": uri.rsplit("/", 1)[0] + "/"}
    yield dumps(head)[:-1] + ',"releases":['
    cache, first = {}, True
    for ids in _chunks():
        parts = [dumps(r) for r in releases(ids, cache)]
        if parts:
            yield ("" if first else ",") + ",\n".join(parts)
            first = False
    yield "]}\n"


def _chunks():
    ids = [i for (i,) in db.session.execute(_alliance_ids()).all()]
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


