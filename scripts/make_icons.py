"""Draw the app's icons (PNG, committed under grants/static/icons/) with Pillow: the installable app's icon (a
sprout on green, 192 and 512 px, and a maskable 512 px with its safe margin) and the thumbnails' stand-ins for a
PDF and for a file that cannot be shown. Run again after changing the drawing:

    .venv/bin/python scripts/make_icons.py
"""
import os

from PIL import Image, ImageDraw

GREEN, WHITE, RED, GREY = (31, 106, 58), (255, 255, 255), (178, 34, 34), (90, 98, 104)
HERE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "grants", "static", "icons")


def sprout(size, margin):
    im = Image.new("RGB", (size, size), GREEN)
    d = ImageDraw.Draw(im)
    s = (size - 2 * margin) / 100  # drawn on a 100-unit grid inside the margin

    def p(x, y):
        return margin + x * s, margin + y * s

    d.line([p(50, 88), p(50, 40)], fill=WHITE, width=max(2, int(7 * s)))
    d.ellipse([p(14, 30), p(50, 52)], fill=WHITE)   # left leaf
    d.ellipse([p(50, 14), p(88, 38)], fill=WHITE)   # right leaf
    d.rectangle([p(22, 86), p(78, 92)], fill=WHITE)  # the ground
    return im


def document(size, label_colour):
    im = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    u = size / 24
    d.polygon([(5 * u, 2 * u), (15 * u, 2 * u), (19 * u, 6 * u), (19 * u, 22 * u), (5 * u, 22 * u)], fill=WHITE,
              outline=GREY, width=max(1, int(u)))
    d.polygon([(15 * u, 2 * u), (15 * u, 6 * u), (19 * u, 6 * u)], fill=GREY)
    d.rectangle([(3 * u, 12 * u), (16 * u, 18 * u)], fill=label_colour)
    for y in (8, 10):
        d.line([(7 * u, y * u), (14 * u, y * u)], fill=GREY, width=max(1, int(u / 2)))
    return im


def main():
    os.makedirs(HERE, exist_ok=True)
    sprout(192, 20).save(os.path.join(HERE, "icon-192.png"), optimize=True)
    sprout(512, 52).save(os.path.join(HERE, "icon-512.png"), optimize=True)
    sprout(512, 110).save(os.path.join(HERE, "maskable-512.png"), optimize=True)
    document(96, RED).save(os.path.join(HERE, "pdf.png"), optimize=True)
    document(96, GREY).save(os.path.join(HERE, "file.png"), optimize=True)


if __name__ == "__main__":
    main()
