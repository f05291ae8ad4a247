"""Charts as inline SVG rendered on the server: no JavaScript, no CDN, no style attributes (the CSP
allows only the app's stylesheet), readable at 360 px (the SVG scales to its box)."""
from markupsafe import Markup, escape

WIDTH = 600
ROW = 26
LABEL_W = 230
BAR_W = 300


def bars(rows, title, fmt=str, css="chart"):
    """A horizontal bar chart of ``rows`` = [(label, value)], values >= 0, as an SVG ``Markup``.

    ``fmt(value)`` writes the value beside its bar; ``title`` names the chart for screen readers."""
    rows = [(str(label), value) for label, value in rows]
    if not rows:
        return Markup("")
    top = max((v for _l, v in rows), default=0) or 1
    height = ROW * len(rows) + 4
    parts = [f'<svg class="{escape(css)}" role="img" aria-label="{escape(title)}" viewBox="0 0 {WIDTH} {height}" '
             f'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>"]
    for i, (label, value) in enumerate(rows):
        y = i * ROW + 2
        w = max(1, round(BAR_W * float(value) / float(top))) if value else 0
        short = label if len(label) <= 30 else label[:29] + "…"
        parts.append(f'<text x="{LABEL_W - 6}" y="{y + 17}" text-anchor="end" font-size="13" fill="#222">'
                     f"{escape(short)}</text>")
        parts.append(f'<rect x="{LABEL_W}" y="{y + 4}" width="{w}" height="{ROW - 8}" rx="2" fill="#2f6f4f"/>')
        parts.append(f'<text x="{LABEL_W + w + 6}" y="{y + 17}" font-size="13" fill="#222">{escape(fmt(value))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
