"""Uploaded files: checked by size and by content (never by name), stored by SHA-256."""
import hashlib
import os

from flask import current_app
from flask_babel import lazy_gettext as _l

from .errors import DomainError

#: content type -> (magic prefix, extension)
SIGNATURES = {
    "application/pdf": (b"%PDF-", "pdf"),
    "image/jpeg": (b"\xff\xd8\xff", "jpg"),
    "image/png": (b"\x89PNG\r\n\x1a\n", "png"),
}
DOCUMENTS = ("application/pdf", "image/jpeg", "image/png")


class UploadTooLarge(DomainError):
    status = 413
    code = "too_large"


class UnsupportedType(DomainError):
    status = 415
    code = "unsupported_type"


def sniff(head):
    for ctype, (magic, _ext) in SIGNATURES.items():
        if head.startswith(magic):
            return ctype
    return None


def read_checked(storage, allowed=DOCUMENTS, field="file"):
    """Read a werkzeug ``FileStorage``; return ``(bytes, content_type, filename)``.

    Raises ``UploadTooLarge`` (413), ``UnsupportedType`` (415) or a ``DomainError`` 422 when empty."""
    from .errors import ValidationFailed, Violation

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
