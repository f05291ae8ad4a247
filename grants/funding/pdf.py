"""PDF documents of the funding stage (reportlab; built-in Helvetica renders Spanish): the agreement
(convenio) generated from the approved plan, the board's tranche request letter and the disbursement order."""
from flask_babel import lazy_gettext as _l
from reportlab.lib.units import mm

from .. import documents
from ..alliances import ledger
from ..documents import BODY, H1, H2, SMALL, build, facts, p, table
from ..alliances.budget import SOURCES
from ..alliances.figures import financing, tranche_total
from ..web.i18n import date as fmt_date
from ..web.i18n import datetime as fmt_datetime
from ..web.i18n import money, percent

def signatures(names):
    return documents.signatures(names, columns=len(names))


def _parties(alliance):
    assoc, program = alliance.association, alliance.call.program
    buyer = alliance.buyer
    return [
        (_l("Association"), f"{assoc.name} · {_l('legal status')} {assoc.legal_id or '—'} · {_l('tax ID')} "
                            f"{assoc.tax_id or '—'} · {assoc.municipality}, {assoc.region}"),
        (_l("Program"), f"{program.name} ({program.code})"),
        (_l("Buyer"), f"{buyer.name} · {_l('tax ID')} {buyer.tax_id or '—'}" if buyer else "—"),
    ]


SOURCE_TITLES = {"grant": _l("Grant"), "counterpart_cash": _l("Counterpart in cash"),
                 "counterpart_in_kind": _l("Counterpart in kind"), "other": _l("Other sources")}


def agreement_pdf(alliance):
    """The agreement: parties, object, financing by source with shares, tranche schedule and conditions,
    obligations of each party, signature blocks."""
    program = alliance.call.program
    cur = program.currency
    agreement = alliance.agreement
    fin = financing(alliance)
    story = [p(_l("Agreement of productive alliance"), H1), p(f"{alliance.code} · {alliance.title}", BODY)]
    story.append(facts([(_l("Generated on"), fmt_datetime(agreement.generated_at) if agreement else "—")]
                       + _parties(alliance)))
    story.append(p(_l("Object"), H2))
    story.append(p(_l("The association %(association)s carries out the productive alliance “%(title)s” for the "
                      "product %(product)s with %(families)s member families, selling to the buyer under the "
                      "business agreement, with the grant of the program and its own counterpart, as in the "
                      "approved plan.", association=alliance.association.name, title=alliance.title,
                      product=alliance.product, families=alliance.families)))
    story.append(p(_l("Financing by source"), H2))
    rows = [[p(_l("Source"), SMALL), p(_l("Amount (%(cur)s)", cur=cur), SMALL), p(_l("Share"), SMALL)]]
    rows += [[p(SOURCE_TITLES[s], SMALL), money(fin.totals[s]), percent(fin.shares[s])] for s in SOURCES]
    rows.append([p(_l("Total"), SMALL), money(fin.total), percent(1 if fin.total else 0)])
    story.append(table(rows, (80 * mm, 50 * mm, 30 * mm), numeric_from=1, total=True))
    story.append(p(_l("Tranche schedule"), H2))
    rows = [[p(h, SMALL) for h in (_l("Tranche"), _l("Amount"), _l("Planned on"), _l("Conditions"))]]
    rows += [[t.number, money(t.amount), fmt_date(t.planned_on), p(t.conditions or "—", SMALL)]
             for t in alliance.tranches]
    rows.append([p(_l("Total"), SMALL), money(tranche_total(alliance)), "", ""])
    story.append(table(rows, (20 * mm, 35 * mm, 30 * mm, 95 * mm), total=True))
    story.append(p(_l("Every tranche after the first is approved only when at least %(share)s of all the money "
                      "disbursed before it is justified by approved expenses, the counterpart contributed is in "
                      "proportion to the grant disbursed, and no observation is open.",
                      share=percent(program.tranche_justified_share)), SMALL))
    story.append(p(_l("Obligations of the parties"), H2))
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
        story += [p(who, SMALL), p(text)]
    bank = alliance.association
    story.append(facts([(_l("Account of the association"),
                         f"{bank.bank_name or '—'} · {bank.bank_account or '—'}")]))
    if agreement and agreement.signed_at:
        story.append(facts([(_l("Signed"), fmt_datetime(agreement.signed_at)),
                            (_l("Counterpart deposit"), agreement.counterpart_deposit_reference or "—")]))
    story.append(signatures([_l("For the association"), _l("For the program"), _l("For the buyer")]))
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
        (_l("Beneficiary"), f"{assoc.name} · {_l('tax ID')} {assoc.tax_id or '—'}"),
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
