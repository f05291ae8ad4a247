"""The grievance list as a spreadsheet (openpyxl) for the grievance office. The reporter and contact columns
exist only when ``with_reporter`` (grievance officers and admins); otherwise they are absent, not blank."""
from flask_babel import lazy_gettext as _l

from ..web.xlsx import plain_text, sheet, to_bytes, workbook
from .services import days_to_close


def grievances_xlsx(rows, with_reporter=False):
    wb = workbook()
    header = [_l("Number"), _l("Tracking code"), _l("Received"), _l("Category"), _l("State"), _l("Region"),
              _l("Alliance"), _l("Association"), _l("Acknowledge by"), _l("Resolve by"), _l("Closed"),
              _l("Days to close"), _l("Escalated"), _l("Supervision requested"), _l("Description"),
              _l("Public answer")]
    if with_reporter:
        header += [_l("Anonymous"), _l("Reporter"), _l("Contact")]
    lines = []
    for g in rows:
        days = days_to_close(g)
        line = [g.id, g.tracking_code, g.received_at, str(g.category_title), str(g.state_title), g.region,
                g.alliance.code if g.alliance else None, g.association.name if g.association else None,
                g.ack_due_on, g.resolve_due_on, g.closed_at, round(days, 1) if days is not None else None,
                g.escalated_at, g.supervision_flagged_at, g.description, g.public_answer]
        if with_reporter:
            line += [str(_l("yes")) if g.anonymous else str(_l("no")),
                     g.reporter.name if g.reporter is not None else None, g.contact]
        lines.append(line)
    sheet(wb, "grievances", header, lines, first=True, cell=plain_text, decimals=False)
    return to_bytes(wb)
