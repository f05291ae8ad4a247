"""Uploaded files: checked by size and by content (never by name), stored by SHA-256."""
import hashlib
import os

from flask import current_app
from flask_babel import lazy_gettext as _l

from .errors import DomainError, ValidationFailed, Violation

#: content type -> (magic prefix, extension)
SIGNATURES = {
    "application/pdf": (b"%PDF-", "pdf"),
    "image/jpeg": (b"\xff\xd8\xff", "jpg"),
    "image/png": (b"\x89PNG\r\n\x1a\n", "png"),
}
DOCUMENTS = ("application/pdf", "image/jpeg", "image/png")


class UploadTooLarge(DomainError, status=413, code="too_large"):
    """The file is larger than the upload limit."""


class UnsupportedType(DomainError, status=415, code="unsupported_type"):
    """The file's content is not one of the accepted types."""


def sniff(head):
    for ctype, (magic, _ext) in SIGNATURES.items():
        if head.startswith(magic):
            return ctype
    return None


def read_checked(storage, allowed=DOCUMENTS, field="file"):
    """Read a werkzeug ``FileStorage``; return ``(bytes, content_type, filename)``.

    Raises ``UploadTooLarge`` (413), ``UnsupportedType`` (415) or a ``DomainError`` 422 when empty."""
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    if storage is None or not getattr(storage, "filename", None):
        raise ValidationFailed(_l("Choose a file."), [Violation("required", _l("Choose a file."), field)])
    data = storage.stream.read(limit + 1)
    if len(data) > limit:
        raise UploadTooLarge(_l("The file is larger than %(mb)s MB.", mb=limit // (1024 * 1024)),
                             [Violation("too_large", _l("The file is too large."), field)])
    if not data:
        raise ValidationFailed(_l("The file is empty."), [Violation("required", _l("The file is empty."), field)])
    ctype = sniff(data[:16])
    if ctype not in allowed:
        raise UnsupportedType(_l("Only PDF, JPEG or PNG files are accepted."),
                              [Violation("unsupported_type", _l("Only PDF, JPEG or PNG files are accepted."), field)])
    name = os.path.basename(storage.filename.replace("\\", "/"))[:200] or "file"
    return data, ctype, name


def store(data):
    """Write bytes under the instance folder by their hash; return the hex SHA-256."""
    digest = hashlib.sha256(data).hexdigest()
    path = path_for(digest)
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = path + ".tmp"
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    return digest


def path_for(digest):
    root = current_app.config.get("UPLOAD_FOLDER") or os.path.join(current_app.instance_path, "uploads")
    return os.path.join(root, digest[:2], digest)


def send_stored(digest, content_type, filename, as_attachment=True):
    """A response with a stored file (read whole: files are small, and no handle stays open)."""
    import io

    from flask import abort, send_file

    path = path_for(digest)
    if not os.path.exists(path):
        abort(404)
    with open(path, "rb") as fh:
        data = fh.read()
    return send_file(io.BytesIO(data), mimetype=content_type, as_attachment=as_attachment, download_name=filename)


# thumbnails ---------------------------------------------------------------------------------------------

#: longest side of a thumbnail, in pixels (shown at 64-96 CSS px: sharp on a 2x or 3x phone screen)
THUMB_SIZE = 240
IMAGES = ("image/jpeg", "image/png")


def thumbnail_path(digest):
    return path_for(digest) + ".thumb.jpg"


def make_thumbnail(digest):
    """The path of a small JPEG of a stored photo, made once with Pillow and kept next to the upload;
    None when the file is not a picture Pillow can read (it was accepted by its first bytes only)."""
    import uuid
    import warnings

    from PIL import Image, ImageOps

    target = thumbnail_path(digest)
    if os.path.exists(target):
        return target
    source = path_for(digest)
    if not os.path.exists(source):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source) as im:
                im.draft("RGB", (THUMB_SIZE * 2, THUMB_SIZE * 2))  # JPEG: decode at a fraction of the size
                im = ImageOps.exif_transpose(im)
                im.thumbnail((THUMB_SIZE, THUMB_SIZE))
                if im.mode in ("RGBA", "LA", "P"):
                    im = im.convert("RGBA")
                    flat = Image.new("RGB", im.size, "white")
                    flat.paste(im, mask=im.getchannel("A"))
                    im = flat
                elif im.mode != "RGB":
                    im = im.convert("RGB")
                tmp = f"{target}.{uuid.uuid4().hex}.tmp"
                im.save(tmp, "JPEG", quality=75, optimize=True)
        os.replace(tmp, target)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        return None
    return target


def send_thumbnail(digest, content_type):
    """A response with the thumbnail of a stored file: a small JPEG of a photo, an icon for a PDF (or for a
    photo that cannot be read). The caller checks permissions exactly as for the file itself."""
    from flask import abort, send_file

    if not os.path.exists(path_for(digest)):
        abort(404)
    path = make_thumbnail(digest) if content_type in IMAGES else None
    if path is None:
        icon = "pdf.png" if content_type == "application/pdf" else "file.png"
        path, content_type = os.path.join(current_app.static_folder, "icons", icon), "image/png"
    else:
        content_type = "image/jpeg"
    with open(path, "rb") as fh:
        data = fh.read()
    import io

    resp = send_file(io.BytesIO(data), mimetype=content_type)
    # the address carries the file's hash (?v=), so a new receipt is a new address
    resp.headers["Cache-Control"] = "private, max-age=2592000"
    return resp
