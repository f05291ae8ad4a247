"""PDF documents of the funding stage (reportlab; built-in Helvetica renders Spanish): the agreement
(convenio) generated from the approved plan, the board's tranche request letter and the disbursement order."""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from .. import documents
from ..accounts.models import Membership
from ..alliances import cards, ledger
from ..documents import BODY, H1, H2, H3, SMALL, WIDTH, build, facts, p, table
from ..extensions import db
from ..money import share
from ..alliances.budget import SOURCES
from ..alliances.figures import financing, tranche_total
from ..web.i18n import date as fmt_date
from ..web.i18n import datetime as fmt_datetime
from ..web.edge import write_on_read
from ..web.i18n import money, percent

def probe(alliance_id, user, name, if_none_match=None):
    """The document ``name`` of the alliance as kept (``cards.read_document``: one statement, read before
    anything the document shows), with the one ETag the client sent in ``if_none_match`` (its body is not read
    then)."""
    tags = if_none_match.as_set() if if_none_match else ()
    return cards.read_document(alliance_id, user, name, next(iter(tags)) if len(tags) == 1 else "")


def kept(row, alliance_id, name, load, build):
    """``(etag, body)`` of the alliance's document ``name``: as kept when it is good at the stamps of ``row``
    (``probe``), else ``build(load())`` kept now at those stamps (a change committed meanwhile moved them: what
    was built from older rows is never served as newer). ``body`` is None when the client has it already."""
    if row.etag is not None:
        return row.etag, row.body
    body = build(load())
    etag = cards.store_document(alliance_id, name, body, row.stored_stamp, row.stored_shared)
    write_on_read()  # the edge commits the kept document after the answer (a failed commit still answers)
    return etag, body


def signatures(names):
    return documents.signatures(names, columns=len(names))


def _parties(alliance):
    assoc, program = alliance.association, alliance.call.program
    buyer = alliance.buyer
    return [
        (_l("Association"), f"{assoc.name} · {_l('Legal personality no.')} {assoc.legal_id or '—'} · "
                            f"{_l('Tax number (NIT)')} {assoc.tax_id or '—'} · {assoc.municipality}, {assoc.region}"),
        (_l("Program"), f"{program.name} ({program.code})"),
        (_l("Buyer"), f"{buyer.name} · {_l('Tax number (NIT)')} {buyer.tax_id or '—'}" if buyer else "—"),
    ]


SOURCE_TITLES = {"grant": _l("Grant"), "counterpart_cash": _l("Counterpart in cash"),
                 "counterpart_in_kind": _l("Counterpart in kind"), "other": _l("Other sources")}


def _board(alliance):
    """The association's legal representatives: its board members, with their titles (president first)."""
    rows = db.session.execute(sa.select(Membership).where(Membership.association_id == alliance.association_id,
                                                          Membership.role == "board")).scalars().all()
    order = ("presiden", "vice", "secretar", "tesor")

    def rank(m):
        title = (m.title or "").lower()
        return (next((i for i, word in enumerate(order) if word in title), len(order)), m.user.name)

    return sorted(rows, key=rank)


def _signature_block(alliance, agreement):
    """Name, role and organisation of each signatory, a line to sign and one for the identity card: the
    association's representatives, the program's officer and the buyer."""
    assoc, buyer = alliance.association, alliance.buyer
    people = [(m.user.name, m.title or _l("Member of the board"), assoc.name) for m in _board(alliance)]
    if not people:
        people = [("", _l("President"), assoc.name), ("", _l("Secretary"), assoc.name)]
    officer = agreement.signed_by if agreement and agreement.signed_by else None
    people.append((officer.name if officer else "", _l("Officer of the program"), alliance.call.program.name))
    people.append(((buyer.contact_name or "") if buyer else "", _l("Legal representative of the buyer"),
                   buyer.name if buyer else "—"))
    cells = []
    for name, role, org in people:
        cells.append([p("\n\n\n______________________________", SMALL),
                      p(name or _l("Name: ______________________"), BODY), p(role, SMALL), p(org, SMALL),
                      p(_l("Identity card: ______________"), SMALL)])
    rows = [[c for c in cells[i:i + 2]] for i in range(0, len(cells), 2)]
    for row in rows:
        while len(row) < 2:
            row.append("")
    return Table(rows, colWidths=[WIDTH / 2] * 2, hAlign="LEFT",
                 style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))


def _clause(n, title, *paragraphs):
    return [p(_l("Clause %(n)s. %(title)s", n=n, title=title), H3)] + [p(text) for text in paragraphs if text]


def agreement_pdf(alliance):
    """The agreement (convenio): the parties, then numbered clauses drawn from the program's rules with their
    values (object, obligations, amounts by source, tranches and their conditions, procurement, accountability
    and the members' right to see the accounts, supervision, suspension and termination, refund of unspent
    money, data protection, disputes), and the signature block with names and roles, kept on the last page."""
    program = alliance.call.program
    cur = program.currency
    agreement = alliance.agreement
    fin = financing(alliance)
    assoc, buyer = alliance.association, alliance.buyer

    def m(value):
        return money(value, cur)

    story = [p(_l("Agreement of productive alliance"), H1), p(f"{alliance.code} · {alliance.title}", BODY)]
    story.append(facts([(_l("Generated on"), fmt_datetime(agreement.generated_at) if agreement else "—")]
                       + _parties(alliance)))
    story.append(p(_l("The parties named above agree on the following clauses, drawn from the rules of the program "
                      "%(program)s and from the plan approved by its committee.", program=program.name)))
    n = 0

    def clause(title, *paragraphs):
        nonlocal n
        n += 1
        return _clause(n, title, *paragraphs)

    story += clause(_l("Object"), _l(
        "The object of this agreement is the co-financing of the productive alliance “%(title)s”: the association "
        "%(association)s, with %(families)s member families, produces %(product)s and sells it to the buyer "
        "%(buyer)s under the business agreement, with the grant of the program and its own counterpart, as in the "
        "approved plan.", title=alliance.title, association=assoc.name, families=alliance.families,
        product=alliance.product, buyer=buyer.name if buyer else "—"))
    story += clause(_l("Parties and their obligations"))
    for who, text in (
        (_l("The association"), _l("Receives the grant in its own bank account and administers it; deposits its "
                                   "cash counterpart and contributes the counterpart in kind; procures and "
                                   "contracts as the program's manual says; records every expense with its "
                                   "receipt; reports to its assembly and to the program; lets the program and "
                                   "its members see how the money is used.")),
        (_l("The program"), _l("Transfers the tranches when their conditions hold; supervises and advises; "
                               "reviews the accountability reports; may suspend the transfers or cancel the "
                               "agreement, with written reasons, when the rules are broken.")),
        (_l("The buyer"), _l("Buys the product in the volume, quality, price and delivery agreed in its letter "
                             "of intent, and tells the association in time of any change.")),
    ):
        story += [p(who, H3), p(text)]
    story += clause(_l("Amounts by source"))
    rows = [[p(_l("Source"), SMALL), p(_l("Amount (%(cur)s)", cur=cur), SMALL), p(_l("Share"), SMALL)]]
    rows += [[p(SOURCE_TITLES[s], SMALL), money(fin.totals[s]), percent(fin.shares[s])] for s in SOURCES]
    rows.append([p(_l("Total"), SMALL), money(fin.total), percent(1 if fin.total else 0)])
    story.append(table(rows, (80 * mm, 50 * mm, 30 * mm), numeric_from=1, total=True))
    per_family = share(fin.totals["grant"], alliance.families, 2) if alliance.families else None
    story.append(p(_l(
        "The grant of the program is %(grant)s, %(grant_share)s of the total cost of %(total)s; the program's rules "
        "allow at most %(max_grant)s. The association's counterpart is %(counterpart)s, %(counterpart_share)s of the "
        "total (at least %(min_counterpart)s), of which %(cash)s in cash (at least %(min_cash)s of the total). The "
        "grant per family is %(per_family)s; the program's limit is %(cap)s per family.",
        grant=m(fin.totals["grant"]), grant_share=percent(fin.shares["grant"]), total=m(fin.total),
        max_grant=percent(program.max_grant_share), counterpart=m(fin.counterpart),
        counterpart_share=percent(fin.shares["counterpart"]), min_counterpart=percent(program.min_counterpart_share),
        cash=m(fin.totals["counterpart_cash"]), min_cash=percent(program.min_counterpart_cash_share),
        per_family=m(per_family) if per_family is not None else "—", cap=m(program.grant_cap_per_family))))
    story += clause(_l("Tranche schedule and conditions"))
    rows = [[p(h, SMALL) for h in (_l("Tranche"), _l("Amount"), _l("Planned on"), _l("Conditions"))]]
    rows += [[t.number, money(t.amount), p(fmt_date(t.planned_on), SMALL), p(t.conditions or "—", SMALL)]
             for t in alliance.tranches]
    rows.append([p(_l("Total"), SMALL), money(tranche_total(alliance)), "", ""])
    story.append(table(rows, (20 * mm, 35 * mm, 30 * mm, 89 * mm), numeric_from=1, total=True))
    story.append(p(_l("Every tranche after the first is approved only when at least %(share)s of all the money "
                      "disbursed before it is justified by approved expenses, the counterpart contributed is in "
                      "proportion to the grant disbursed, and no observation is open. The program answers a "
                      "request within %(days)s days.", share=percent(program.tranche_justified_share),
                      days=program.tranche_response_days)))
    story += clause(_l("Procurement"), _l(
        "Purchases of up to %(limit)s are minor purchases: the association buys with an invoice or receipt. Above "
        "that amount the association compares at least %(quotes)s written quotations and its board records the "
        "choice and its reasons. Nobody who decides a purchase may have an interest in the supplier. The grant "
        "never pays for land.", limit=m(program.minor_purchase_limit), quotes=program.min_quotations), _l(
        "The association may move up to %(share)s of a budget line to another line, telling the program; larger "
        "changes need the program's written approval and must keep the rules of this agreement.",
        share=percent(program.free_reallocation_share)))
    story += clause(_l("Accountability and the members' right to see the accounts"), _l(
        "The association reports every %(months)s months: the expenses with their receipts, the counterpart "
        "contributed and the balance of every budget line. Each report is presented to the assembly before it is "
        "sent to the program.", months=program.report_period_months), _l(
        "Every member family may see the accounts, the receipts, the quotations and the reports of the alliance at "
        "any time, and the board shows them in assembly at least at each report."))
    story += clause(_l("Supervision"), _l(
        "The program's officers and the auditors may visit the association, see its books, receipts, purchases, "
        "works and equipment, and ask for information; the association lets them in and answers in time. The "
        "program records its visits and the follow-up actions agreed."))
    story += clause(_l("Suspension and termination"), _l(
        "The program may suspend the transfers, with written reasons, when the association does not report in "
        "time, spends outside the approved plan, breaks the procurement rules, or leaves an observation "
        "unanswered; the suspension ends when the cause is corrected."), _l(
        "The program may terminate this agreement, with written reasons and after hearing the association, when "
        "the cause of a suspension persists, when money was diverted or when the alliance is abandoned. The "
        "association may ask to end it when the business cannot go on. In both cases the grant not yet justified "
        "is returned as the next clause says."))
    refund = _l("At closeout, and at any termination, the association returns to the program's account the grant "
                "received and not spent on the approved plan, with the bank reference of the transfer; the "
                "closeout report records it.")
    fund = (_l("Up to %(share)s of the grant may instead stay in the association's revolving fund, under the "
               "program's rules.", share=percent(program.revolving_fund_share))
            if program.revolving_fund_share and program.revolving_fund_share > 0 else None)
    story += clause(_l("Refund of unspent money"), refund, fund)
    story += clause(_l("Data protection"), _l(
        "The personal data of the member families (names, identity cards, land and production) are used only for "
        "this alliance, its supervision and its audit. The program publishes only figures without names. Every "
        "person may see and correct their own data."))
    closing = clause(_l("Disputes"), _l(
        "The parties settle any disagreement first by direct dialogue. If it is not settled within thirty days, "
        "they go to conciliation before the program's authority and, failing that, to the competent courts."))
    bank = facts([(_l("Account of the association"), f"{assoc.bank_name or '—'} · {assoc.bank_account or '—'}")])
    signed = []
    if agreement and agreement.signed_at:
        signed = [facts([(_l("Signed"), fmt_datetime(agreement.signed_at)),
                         (_l("Counterpart deposit"), agreement.counterpart_deposit_reference or "—")])]
    story += [bank] + signed
    # the last clause and the signatures together: the signatures never stand alone on a page
    story.append(KeepTogether(closing + [
        p(_l("Signatures"), H2),
        p(_l("In agreement, the parties sign this agreement in three copies of the same content.")),
        Spacer(1, 2 * mm), _signature_block(alliance, agreement)]))
    return build(story, f"{alliance.code} · {_l('Agreement')}", kind="agreement", alliance=alliance)


def request_letter_pdf(tranche):
    """The board's letter requesting a tranche."""
    alliance = tranche.alliance
    cur = alliance.call.program.currency
    flow = tranche.flow
    bal = ledger.balance(alliance)
    story = [p(_l("Request of tranche %(n)s", n=tranche.number), H1), facts([
        (_l("Alliance"), f"{alliance.code} · {alliance.title}"),
        *_parties(alliance)[:2],
        (_l("Requested on"), fmt_datetime(flow.requested_at) if flow and flow.requested_at else "—"),
        (_l("Requested by"), flow.requested_by.name if flow and flow.requested_by else "—"),
    ])]
    story.append(p(_l("The board of %(association)s requests the transfer of tranche %(n)s, for %(amount)s, to the "
                      "association's account %(bank)s %(account)s, as the agreement foresees.",
                      association=alliance.association.name, n=tranche.number, amount=money(tranche.amount, cur),
                      bank=alliance.association.bank_name or "", account=alliance.association.bank_account_masked)))
    story.append(facts([(_l("Conditions of the tranche"), tranche.conditions or "—"),
                        (_l("Disbursed so far"), money(bal.disbursed, cur)),
                        (_l("Justified by approved expenses"), money(bal.justified, cur)),
                        (_l("Counterpart contributed"), money(bal.counterpart_contributed, cur))]))
    story.append(signatures([_l("President"), _l("Secretary")]))
    return build(story, f"{alliance.code} · {_l('Tranche request %(n)s', n=tranche.number)}", kind="tranche-request",
                 alliance=alliance, reference=tranche.number)


def disbursement_order_pdf(tranche):
    """The order of the transfer of a disbursed tranche: to whom, how much, when, with which reference."""
    alliance = tranche.alliance
    assoc = alliance.association
    cur = alliance.call.program.currency
    flow = tranche.flow
    story = [p(_l("Disbursement order %(n)s", n=tranche.number), H1), facts([
        (_l("Alliance"), f"{alliance.code} · {alliance.title}"),
        (_l("Program"), f"{alliance.call.program.name} ({alliance.call.program.code})"),
        (_l("Beneficiary"), f"{assoc.name} · {_l('Tax number (NIT)')} {assoc.tax_id or '—'}"),
        (_l("Bank"), assoc.bank_name or "—"),
        (_l("Account"), assoc.bank_account or "—"),
        (_l("Tranche"), f"{tranche.number} · {_l('planned')} {money(tranche.amount, cur)}"),
        (_l("Amount transferred"), money(tranche.disbursed_amount, cur)),
        (_l("Date of the transfer"), fmt_date(tranche.disbursed_on)),
        (_l("Bank reference"), tranche.disbursement_reference or "—"),
        (_l("Requested by"), flow.requested_by.name if flow and flow.requested_by else "—"),
        (_l("Approved by"), flow.approved_by.name if flow and flow.approved_by else "—"),
        (_l("Transfer recorded by"), flow.disbursed_by.name if flow and flow.disbursed_by else "—"),
    ])]
    story.append(signatures([_l("Approved by"), _l("Finance officer")]))
    return build(story, f"{alliance.code} · {_l('Disbursement order %(n)s', n=tranche.number)}",
                 kind="disbursement-order", alliance=alliance, reference=tranche.number)
