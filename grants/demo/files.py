"""The demo's files: small, real, reproducible PDFs and receipt images (JPEG and PNG), as uploads."""
import io
import struct
import zlib

from werkzeug.datastructures import FileStorage


def pdf(title, lines):
    """A small, real, reproducible PDF (``invariant``: the same bytes on every run)."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    page = canvas.Canvas(buf, pagesize=letter, invariant=1)
    page.setTitle(title)
    page.setFont("Helvetica-Bold", 14)
    page.drawString(72, 720, title)
    page.setFont("Helvetica", 11)
    y = 690
    for text in lines:
        page.drawString(72, y, text)
        y -= 18
    page.showPage()
    page.save()
    return buf.getvalue()


def upload(name, title, lines):
    return FileStorage(stream=io.BytesIO(pdf(title, lines)), filename=name, content_type="application/pdf")


def receipt_jpeg(lines, width=240, height=320):
    """A photo of a paper receipt, as a phone would take it: a small JPEG with the receipt's lines."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (width, height), (236, 232, 220))
    draw = ImageDraw.Draw(img)
    draw.rectangle((12, 10, width - 12, height - 10), fill=(252, 251, 246), outline=(180, 176, 165))
    y = 22
    for text in lines:
        draw.text((22, y), text[:34], fill=(40, 40, 40))
        y += 16
    draw.line((22, y + 4, width - 22, y + 4), fill=(120, 120, 120))
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=70)
    return buf.getvalue()


def receipt_png(width=96, height=128, rows=9):
    """A scanned receipt in grey levels: a small PNG (written by hand: header, one zlib stream, end)."""
    raw = bytearray()
    for y in range(height):
        raw.append(0)  # no filter
        inked = 10 <= y < 10 + rows * 12 and (y - 10) % 12 < 5
        for x in range(width):
            edge = x < 4 or x >= width - 4 or y < 4 or y >= height - 4
            raw.append(150 if edge else (70 if inked and 10 <= x < width - 10 - (y * 7) % 30 else 250))

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + chunk(b"IEND", b""))


def receipt(name, lines, kind="jpeg"):
    """The receipt of an expense as an upload: a JPEG photo (``kind="jpeg"``) or a PNG scan."""
    if kind == "png":
        return FileStorage(stream=io.BytesIO(receipt_png()), filename=f"{name}.png", content_type="image/png")
    return FileStorage(stream=io.BytesIO(receipt_jpeg(lines)), filename=f"{name}.jpg", content_type="image/jpeg")
