"""PDF documents of this stage (reportlab; built-in Helvetica renders Spanish): the business intention
that a board prints and signs, and the preselection minutes (acta), drawn only from the stored record
so that they can be regenerated identically."""
from datetime import datetime
from decimal import Decimal
from flask_babel import lazy_gettext as _l
from reportlab.lib.units import mm
from reportlab.platypus import Table

from ..documents import GRID, H1, H2, SMALL, build, facts, p, signatures
from ..money import share
from ..web.i18n import money, number, percent
from ..workflows.alliance import STATES
from ..accounts.models import Membership
from ..associations.services import mask_name
from ..extensions import db

def profile_pdf(alliance, with_names=False, masked=False):
    """The business intention as a PDF the board can print and sign. ``with_names``: list the member
    families by name (only for those who may see member data); ``masked``: by their initials only (auditors)."""

    prof = alliance.profile
    cur = alliance.call.program.currency
    assoc = alliance.association
    total = alliance.requested_grant + alliance.estimated_counterpart
    story = [p(_l("Business intention (profile)"), H1),
             p(f"{alliance.code} · {alliance.title}", H2),
             facts([(_l("Association"), assoc.name),
                    (_l("Legal status (personería jurídica)"), assoc.legal_id or _l("missing")),
                    (_l("Tax ID"), assoc.tax_id or ""),
                    (_l("Municipality and region"), f"{assoc.municipality}, {assoc.region}"),
                    (_l("Location"), prof.location if prof else ""),
                    (_l("Call"), f"{alliance.call.title} ({alliance.call.program.code})"),
                    (_l("State"), STATES.get(alliance.state, alliance.state)),
                    (_l("Product"), alliance.product)])]
    story += [p(_l("Buyer and letter of intent"), H2)]
    letter = alliance.attachment_of("buyer_letter")
    buyer = alliance.buyer
    story.append(facts([
        (_l("Buyer"), f"{buyer.name} ({buyer.tax_id or '—'})" if buyer else _l("not chosen yet")),
        (_l("Volume the buyer will buy"), f"{number(prof.loi_volume, 2)} {prof.loi_unit}" if prof else ""),
        (_l("Price per unit"), money(prof.loi_price, cur) if prof else ""),
        (_l("Quality required"), prof.loi_quality if prof else ""),
        (_l("Delivery schedule"), prof.loi_delivery if prof else ""),
        (_l("Letter signed on"), prof.loi_signed_on.isoformat() if prof and prof.loi_signed_on else ""),
        (_l("Signed letter attached"), f"{letter.filename} · SHA-256 {letter.sha256[:16]}…" if letter else _l("no")),
    ]))
    story += [p(_l("The business"), H2), facts([
        (_l("Business idea"), prof.business_idea if prof else ""),
        (_l("Market opportunity"), prof.market_opportunity if prof else ""),
        (_l("Current production and sales"), prof.current_production if prof else ""),
        (_l("Current sales per year"), money(prof.current_sales, cur) if prof else ""),
    ])]
    story += [p(_l("Money"), H2), facts([
        (_l("Estimated investment"), money(prof.estimated_investment, cur) if prof else ""),
        (_l("Requested grant"), money(alliance.requested_grant, cur)),
        (_l("Estimated counterpart"), money(alliance.estimated_counterpart, cur)),
        (_l("Counterpart share"), percent(share(alliance.estimated_counterpart, total))),
        (_l("Grant per family"), money(share(alliance.requested_grant, alliance.families or 0, 2), cur)
         if alliance.families else "—"),
    ])]
    story.append(p(_l("Member families taking part: %(n)s", n=alliance.families), H2))
    if with_names and alliance.member_links:
        names = sorted(mask_name(link.member.full_name) if masked else link.member.full_name
                       for link in alliance.member_links)
        numbered = [p(f"{i}. {n}", SMALL) for i, n in enumerate(names, start=1)]
        rows = [numbered[j:j + 3] for j in range(0, len(numbered), 3)]
        for row in rows:
            while len(row) < 3:
                row.append("")
        story.append(Table(rows, colWidths=(57 * mm,) * 3, hAlign="LEFT"))
    if alliance.attachments:
        story.append(p(_l("Documents"), H2))
        story.append(Table([[p(_l("Kind"), SMALL), p(_l("File"), SMALL), p("SHA-256", SMALL)]] + [
            [p(a.kind, SMALL), p(a.filename, SMALL), p(a.sha256, SMALL)] for a in alliance.attachments],
            colWidths=(30 * mm, 50 * mm, 94 * mm), style=GRID, hAlign="LEFT", repeatRows=1))
    board = db.session.execute(db.select(Membership).where(Membership.association_id == assoc.id,
                                                           Membership.role == "board")).scalars().all()
    story.append(p(_l("Signatures of the association's board"), H2))
    story.append(signatures([f"{m.user.name}" + (f" · {m.title}" if m.title else "") for m in board]
                             or [str(_l("President")), str(_l("Secretary"))]))
    # the issue time is in the verification band (grants/documents/issuing.py): the same content, the same code
    return build(story, f"{alliance.code} · {alliance.title}", kind="profile", alliance=alliance,
                 reference="masked" if masked else "names" if with_names else "")


def _dec(value):
    return Decimal(value) if value not in (None, "") else None


def minutes_pdf(minutes):
    """The preselection minutes (acta) from its stored content: the same record gives the same PDF."""
    c = minutes.data()
    cur = c["call"]["currency"]
    written = datetime.fromisoformat(c["written_at"])
    story = [p(_l("Preselection minutes no. %(n)s", n=minutes.number), H1),
             p(f"{c['call']['title']} · {c['call']['program_code']} {c['call']['program_name']}", H2),
             facts([(_l("Date"), written.strftime("%Y-%m-%d %H:%M UTC")),
                    (_l("Recorded by"), c["actor"]["name"]),
                    (_l("Committee members"), ", ".join(c["committee"]) or "—"),
                    (_l("Envelope of the call"), money(_dec(c["envelope"]), cur)),
                    (_l("Preselected so far"), money(_dec(c["preselected_total"]), cur)),
                    (_l("Decided in this session"), ", ".join(
                        f"{d['code']} ({STATES.get('preselected' if d['action'] == 'preselect' else 'not_selected')})"
                        for d in c["decided"]))])]
    if c.get("comment"):
        story += [p(_l("Comment"), H2), p(c["comment"])]
    story.append(p(_l("Ranking of the eligible intentions by screening score"), H2))
    head = [p(t, SMALL) for t in (_l("No."), _l("Code"), _l("Association"), _l("Score"), _l("Requested grant"),
                                  _l("Running total"), _l("Decision"))]
    body = []
    for r in c["ranking"]:
        decision = str(STATES.get(r["state"], r["state"]))
        if r["decided_now"]:
            decision += " *"
        body.append([p(r["rank"], SMALL), p(r["code"], SMALL), p(f"{r['association']} ({r['region']})", SMALL),
                     p(number(_dec(r["score"]), 2), SMALL), p(money(_dec(r["requested_grant"]), cur), SMALL),
                     p(money(_dec(r["running_total"]), cur) if r["running_total"] is not None else "—", SMALL),
                     p(decision, SMALL)])
    story.append(Table([head] + body, colWidths=(10 * mm, 30 * mm, 45 * mm, 15 * mm, 25 * mm, 25 * mm, 24 * mm),
                       style=GRID, hAlign="LEFT", repeatRows=1))
    story.append(p(_l("* decided in this session. The running total adds the requested grants from the top of the "
                      "ranking, leaving out the intentions not selected."), SMALL))
    story.append(p(_l("Signatures of the committee"), H2))
    story.append(signatures(c["committee"]))
    return build(story, _l("Preselection minutes no. %(n)s", n=minutes.number),
                 _l("%(call)s · minutes no. %(n)s", call=c["call"]["title"], n=minutes.number),
                 kind="preselection-minutes", reference=f"{minutes.call_id}-{minutes.number}")
