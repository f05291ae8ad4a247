"""The technical assistance contract as a PDF (the house style of grants/documents.py)."""
from flask_babel import lazy_gettext as _l

from ..documents import H1, H2, SMALL, build, facts, p, signatures, table
from ..web.i18n import date as fmt_date
from ..web.i18n import money as fmt_money
from .selection import evaluation


def contract_pdf(contract):
    alliance = contract.alliance
    cur = alliance.call.program.currency
    provider = contract.provider

    def m(v):
        return fmt_money(v, cur)

    story = [p(_l("Technical assistance contract"), H1),
             facts([(_l("Contract"), f"#{contract.id}"),
                    (_l("Association (contracting party)"), alliance.association.name),
                    (_l("Alliance"), f"{alliance.code} · {alliance.title}"),
                    (_l("Provider"), provider.name),
                    (_l("Tax id"), provider.tax_id or "—"),
                    (_l("Budget line"), f"{contract.budget_line.position}. {contract.budget_line.description}"),
                    (_l("Amount"), m(contract.amount)),
                    (_l("Period"), f"{fmt_date(contract.starts_on)} – {fmt_date(contract.ends_on)}")]),
             p(_l("Deliverables"), H2)]
    rows = [[_l("No."), _l("Deliverable"), _l("Due on"), _l("Amount")]]
    for d in contract.deliverables:
        rows.append([str(d.position), p(d.description, SMALL), fmt_date(d.due_on), m(d.amount)])
    rows.append(["", str(_l("Total")), "", m(contract.amount)])
    story.append(table(rows, numeric_from=3, total=True, font_size=8.5))
    story.append(p(_l("Each deliverable is paid only once the association's board has accepted it, and never "
                      "above its amount. The association may reject a deliverable with its reasons; the provider "
                      "then submits it again.")))
    story.append(signatures([_l("President of the association"), _l("The provider")]))
    return build(story, _l("Technical assistance contract %(code)s-%(n)s", code=alliance.code, n=contract.id),
                 kind="ta-contract", alliance=alliance, reference=contract.id)


def terms_pdf(terms):
    """The terms of reference, with the invited providers, the evaluation and the minutes once selected."""
    alliance = terms.alliance
    cur = alliance.call.program.currency
    story = [p(_l("Terms of reference for technical assistance"), H1),
             facts([(_l("Association"), alliance.association.name),
                    (_l("Alliance"), f"{alliance.code} · {alliance.title}"),
                    (_l("Budget line"), f"{terms.budget_line.position}. {terms.budget_line.description}"),
                    (_l("Budget"), fmt_money(terms.budget, cur)),
                    (_l("Duration (days)"), str(terms.duration_days)),
                    (_l("Technical weight"), f"{terms.technical_weight} %")]),
             p(_l("Scope"), H2), p(terms.scope),
             p(_l("Deliverables"), H2), p(terms.deliverables),
             p(_l("Profile"), H2), p(terms.profile)]
    if terms.invitations:
        story.append(p(_l("Invited providers"), H2))
        story.append(p(", ".join(i.provider.name for i in terms.invitations)))
        if terms.invitation_reason:
            story.append(p(terms.invitation_reason, SMALL))
    rows = evaluation(terms)
    if rows:
        story.append(p(_l("Evaluation"), H2))
        table_rows = [[_l("Provider"), _l("Price"), _l("Technical"), _l("Price score"), _l("Total")]]
        for r in rows:
            table_rows.append([p(r["provider"].name, SMALL), fmt_money(r["price"], cur),
                               "—" if r["technical"] is None else str(r["technical"]), str(r["price_score"]),
                               "—" if r["total"] is None else str(r["total"])])
        story.append(table(table_rows, numeric_from=1, font_size=8.5))
    if terms.minutes:
        story += [p(_l("Selection minutes"), H2), p(terms.minutes),
                  signatures([_l("President of the association"), _l("Secretary")])]
    return build(story, _l("Terms of reference %(code)s-%(n)s", code=alliance.code, n=terms.id), kind="ta-terms",
                 alliance=alliance, reference=terms.id)
