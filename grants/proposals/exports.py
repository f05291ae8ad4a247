"""The call's business intentions as CSV and XLSX for officers (no personal data; exports are logged)."""
import csv
import io

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import audit
from ..alliances.models import Alliance
from ..alliances.permissions import alliance_filter
from ..extensions import db
from ..money import fmt, share
from ..workflows.alliance import STATES
from .models import Profile, ProfileRevision
from .screening import totals_for
from .preselection import officer_has_intentions

COLUMNS = (
    ("code", _l("Code")), ("title", _l("Title")), ("association", _l("Association")), ("region", _l("Region")),
    ("municipality", _l("Municipality")), ("location", _l("Location")), ("product", _l("Product")),
    ("buyer", _l("Buyer")), ("families", _l("Families")), ("requested_grant", _l("Requested grant")),
    ("estimated_counterpart", _l("Estimated counterpart")), ("counterpart_share", _l("Counterpart share")),
    ("estimated_investment", _l("Estimated investment")), ("currency", _l("Currency")), ("state", _l("State")),
    ("state_code", _l("State code")), ("state_since", _l("In this state since")),
    ("submissions", _l("Submissions")), ("score", _l("Screening score")),
)
MONEY_COLUMNS = ("requested_grant", "estimated_counterpart", "estimated_investment")


def can_export(user, call):
    """Admins and auditors; officers for the calls with intentions of their regions."""

    return user.has_role("admin", "auditor") or officer_has_intentions(user, call)


def rows_for(call, user):
    """The call's intentions ``user`` may see (drafts are the association's own work: left out)."""
    alliances = db.session.execute(sa.select(Alliance).where(
        Alliance.call_id == call.id, Alliance.state != "draft", alliance_filter(user))
        .order_by(Alliance.code)).scalars().all()
    ids = [a.id for a in alliances]
    profiles = {p.alliance_id: p for p in db.session.execute(
        sa.select(Profile).where(Profile.alliance_id.in_(ids))).scalars()} if ids else {}
    counts = dict(db.session.execute(sa.select(ProfileRevision.alliance_id, sa.func.count())
                                     .where(ProfileRevision.alliance_id.in_(ids))
                                     .group_by(ProfileRevision.alliance_id)).all()) if ids else {}
    totals = totals_for(alliances)
    out = []
    for a in alliances:
        p = profiles.get(a.id)
        out.append({
            "code": a.code, "title": a.title, "association": a.association.name, "region": a.association.region,
            "municipality": a.association.municipality, "location": p.location if p else "",
            "product": a.product, "buyer": a.buyer.name if a.buyer else "", "families": a.families,
            "requested_grant": a.requested_grant, "estimated_counterpart": a.estimated_counterpart,
            "counterpart_share": share(a.estimated_counterpart, a.requested_grant + a.estimated_counterpart),
            "estimated_investment": p.estimated_investment if p else None,
            "currency": call.program.currency, "state": str(STATES.get(a.state, a.state)), "state_code": a.state,
            "state_since": a.state_changed_at.replace(microsecond=0), "submissions": counts.get(a.id, 0),
            "score": totals[a.id],
        })
    return out


def _safe(value):
    """Text that a spreadsheet would run as a formula is quoted (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(rows):
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([str(label) for _k, label in COLUMNS])
    for r in rows:
        line = []
        for key, _label in COLUMNS:
            value = r[key]
            if key in MONEY_COLUMNS:
                value = fmt(value) if value is not None else ""
            elif key == "counterpart_share":
                value = fmt(value, 4)
            elif key == "state_since":
                value = value.isoformat()
            line.append(_safe(value if value is not None else ""))
        writer.writerow(line)
    return "\ufeff" + buf.getvalue()  # a BOM, so that spreadsheets read UTF-8 (ñ, á)


def to_xlsx(rows, title):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = str(_l("Intentions"))[:31]
    ws.append([str(label) for _k, label in COLUMNS])
    for r in rows:
        ws.append([_safe(r[key]) if r[key] is not None else None for key, _l_ in COLUMNS])
    for idx, (key, _label) in enumerate(COLUMNS, start=1):
        letter = ws.cell(row=1, column=idx).column_letter
        if key in MONEY_COLUMNS:
            for cell in ws[letter][1:]:
                cell.number_format = "#,##0.00"
        elif key == "counterpart_share":
            for cell in ws[letter][1:]:
                cell.number_format = "0.00%"
        elif key == "state_since":
            for cell in ws[letter][1:]:
                cell.number_format = "yyyy-mm-dd hh:mm"
        ws.column_dimensions[letter].width = max(10, min(40, len(str(_label)) + 4))
    ws.freeze_panes = "A2"
    wb.properties.title = title[:200]
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def export(call, user, kind):
    """``(body, mimetype, filename)`` of the call's intentions as ``csv`` or ``xlsx``; logged."""
    rows = rows_for(call, user)
    audit.record("call", call.id, "export_intentions", user, data={"format": kind, "rows": len(rows)})
    name = f"intenciones-{call.id}"
    if kind == "xlsx":
        return (to_xlsx(rows, call.title),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name + ".xlsx")
    return to_csv(rows), "text/csv; charset=utf-8", name + ".csv"
