"""The accountability statement as a PDF (the house style of grants/documents.py)."""
from flask_babel import lazy_gettext as _l

from ...documents import H1, H2, SMALL, build, facts, p, signatures, table
from ...web.i18n import date as fmt_date
from ...web.i18n import money as fmt_money
from ..models import EXPENSE_SOURCES
from .services import balances, items


def report_pdf(report):
    alliance = report.alliance
    cur = alliance.call.program.currency
    expenses, contributions = items(report)
    bal = balances(report, expenses, contributions)

    def m(v):
        return fmt_money(v, cur)

    story = [p(_l("Accountability report"), H1),
             facts([(_l("Alliance"), f"{alliance.code} · {alliance.title}"),
                    (_l("Association"), alliance.association.name),
                    (_l("Period"), f"{fmt_date(report.period_start)} – {fmt_date(report.period_end)}"),
                    (_l("State"), report.state_title),
                    (_l("Approved by the assembly on"),
                     fmt_date(report.assembly_approved_on) if report.assembly_approved_on else "—"),
                    (_l("Minutes (SHA-256)"), report.assembly_sha256 or "—")]),
             p(_l("Balances by line and source"), H2)]
    rows = [[_l("Line"), _l("Source"), _l("Planned"), _l("Before"), _l("This period"), _l("Balance")]]
    for line in bal["lines"]:
        for src, cell in line["sources"].items():
            rows.append([p(f"{line['position']}. {line['description']}", SMALL), str(EXPENSE_SOURCES[src]),
                         m(cell["planned"]), m(cell["before"]), m(cell["period"]), m(cell["balance"])])
    for src, cell in bal["totals"].items():
        rows.append([str(_l("Total")), str(EXPENSE_SOURCES[src]), m(cell["planned"]), m(cell["before"]),
                     m(cell["period"]), m(cell["balance"])])
    story.append(table(rows, numeric_from=2, font_size=8))
    story.append(p(_l("Expenses"), H2))
    rows = [[_l("Date"), _l("Supplier / what was bought"), _l("Document"), _l("Line"), _l("Source"), _l("Amount")]]
    for e in expenses:
        what = f"{e.supplier}\n{e.description}" if e.description else e.supplier
        rows.append([fmt_date(e.spent_on), p(what, SMALL), f"{e.document_type_title} {e.document_number}",
                     str(e.budget_line.position), str(e.source_title), m(e.amount)])
    story.append(table(rows, numeric_from=5, font_size=8) if expenses else p(_l("No expenses in this period.")))
    story.append(p(_l("Counterpart contributions"), H2))
    rows = [[_l("Date"), _l("Kind"), _l("Description"), _l("Amount")]]
    for c in contributions:
        rows.append([fmt_date(c.contributed_on), str(c.kind_title), p(c.description, SMALL), m(c.amount)])
    story.append(table(rows, numeric_from=3, font_size=8) if contributions
                 else p(_l("No contributions in this period.")))
    if report.observations:
        story += [p(_l("Observations of the officer"), H2), p(report.observations)]
    story.append(signatures([_l("President"), _l("Treasurer")]))
    title = _l("Accountability report %(code)s", code=alliance.code)
    return build(story, title, kind="accountability", alliance=alliance, reference=report.id)
