"""Charts as inline SVG rendered on the server: no JavaScript, no CDN, no style attributes (the CSP
allows only the app's stylesheet), readable at 360 px (the SVG scales to its box)."""
from markupsafe import Markup, escape

WIDTH = 360
ROW = 38


def bars(rows, title, fmt=str, css="chart"):
    """A horizontal bar chart of ``rows`` = [(label, value)], values >= 0, as an SVG ``Markup``: each
    row is its label and value on one line and the bar under them, so that it reads on a 360 px phone.

    ``fmt(value)`` writes the value; ``title`` names the chart for screen readers."""
    rows = [(str(label), value) for label, value in rows]
    if not rows:
        return Markup("")
    top = max((v for _l, v in rows), default=0) or 1
    height = ROW * len(rows) + 2
    parts = [f'<svg class="{escape(css)}" role="img" aria-label="{escape(title)}" viewBox="0 0 {WIDTH} {height}" '
             f'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>"]
    for i, (label, value) in enumerate(rows):
        y = i * ROW
        w = max(2, round((WIDTH - 2) * float(value) / float(top))) if value else 0
        short = label if len(label) <= 40 else label[:39] + "…"
        parts.append(f'<text x="0" y="{y + 15}" font-size="14" fill="#222">{escape(short)}</text>')
        parts.append(f'<text x="{WIDTH}" y="{y + 15}" font-size="14" fill="#222" text-anchor="end">'
                     f"{escape(fmt(value))}</text>")
        parts.append(f'<rect x="0" y="{y + 20}" width="{WIDTH}" height="12" rx="2" fill="#e9ece7"/>')
        parts.append(f'<rect x="0" y="{y + 20}" width="{w}" height="12" rx="2" fill="#2f6f4f"/>')
    parts.append("</svg>")
    return Markup("".join(parts))
