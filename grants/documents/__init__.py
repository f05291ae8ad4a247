"""The house style of every PDF (reportlab; built-in Helvetica renders Spanish: ñ, á, ¿, ¡): styles,
paragraphs, fact tables, data tables, signature blocks and the page footer. Each stage's ``pdf.py``
composes its documents from these parts."""
import io
from xml.sax.saxutils import escape

from flask_babel import lazy_gettext as _l
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .issuing import BAND, QR_SIZE, issue

_STYLES = getSampleStyleSheet()
BODY = ParagraphStyle("grants-body", parent=_STYLES["BodyText"], fontName="Helvetica", fontSize=9.5, leading=12.5)
SMALL = ParagraphStyle("grants-small", parent=BODY, fontSize=8, leading=10, textColor=colors.HexColor("#444444"))
H1 = ParagraphStyle("grants-h1", parent=_STYLES["Heading1"], fontName="Helvetica-Bold", fontSize=15, leading=19)
H2 = ParagraphStyle("grants-h2", parent=_STYLES["Heading2"], fontName="Helvetica-Bold", fontSize=11.5, leading=15,
                    spaceBefore=8, spaceAfter=4, keepWithNext=1)
H3 = ParagraphStyle("grants-h3", parent=BODY, fontName="Helvetica-Bold", spaceBefore=4, keepWithNext=1)
#: the commands of a data table: grid, header row shaded
GRID_COMMANDS = [("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa59d")), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                 ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e7efe9")),
                 ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)]
GRID = TableStyle(GRID_COMMANDS)
TOTAL_ROW = [("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#f1f3ef")),
             ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold")]
FACTS = TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
                    ("LEFTPADDING", (0, 0), (-1, -1), 2)])
WIDTH = 174 * mm  # A4 less the margins


def p(text, style=BODY):
    """A paragraph of plain text (escaped; newlines kept)."""
    return Paragraph(escape(str(text if text is not None else "")).replace("\n", "<br/>"), style)


def facts(pairs, widths=(55 * mm, 119 * mm)):
    """Label / value rows."""
    return Table([[p(k, SMALL), p(v)] for k, v in pairs], colWidths=widths, style=FACTS, hAlign="LEFT")


def table(rows, widths=None, numeric_from=None, total=False, font_size=None):
    """A data table with a header row; columns from ``numeric_from`` on are right-aligned; ``total``
    marks the last row as the total."""
    commands = list(GRID_COMMANDS)
    if numeric_from is not None:
        commands.append(("ALIGN", (numeric_from, 1), (-1, -1), "RIGHT"))
    if total:
        commands += TOTAL_ROW
    if font_size:
        commands.append(("FONTSIZE", (0, 0), (-1, -1), font_size))
    return Table(rows, colWidths=widths, style=TableStyle(commands), hAlign="LEFT", repeatRows=1)


def signatures(names, columns=2):
    """Signature lines with the names below, ``columns`` to a row."""
    if not names:
        return Spacer(1, 1)
    width = WIDTH / columns
    cells = [[p("\n\n\n______________________________\n" + str(n), SMALL) for n in names[i:i + columns]]
             for i in range(0, len(names), columns)]
    for row in cells:
        row.extend([""] * (columns - len(row)))
    return KeepTogether([Spacer(1, 4 * mm), Table(cells, colWidths=[width] * columns, hAlign="LEFT")])


def build(story, title, footer=None, pagesize=A4, *, kind="document", alliance=None, reference=""):
    """Render ``story`` to PDF bytes and issue them (grants/documents/issuing.py): every page carries ``footer``
    (default: the title), its number and the verification band (the code and its QR). ``kind`` (issuing.KINDS),
    ``alliance`` and ``reference`` name the document in the register of issued documents. ``invariant``
    makes the same content give the same bytes, hence the same code."""
    buf = io.BytesIO()
    text = str(footer if footer is not None else title)

    def draw(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(18 * mm, 16.5 * mm, text)
        canvas.drawRightString(pagesize[0] - 18 * mm - QR_SIZE - 3 * mm, 16.5 * mm, str(_l("Page %(n)s", n=doc.page)))
        canvas.restoreState()

    doc = SimpleDocTemplate(buf, pagesize=pagesize, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=BAND, title=str(title), author=str(_l("Rural alliances")),
                            creator="grants", invariant=1)
    doc.build(story, onFirstPage=draw, onLaterPages=draw)
    return issue(buf.getvalue(), kind, alliance, reference)
