"""``GET /api/v1/verify/{sha256}``: what anyone may know of a document the system issued."""
from flask_babel import lazy_gettext as _l

from ..api.core import ApiError, Out, endpoint
from . import issuing


class VerifyOut(Out):
    sha256: str
    file_sha256: str
    kind: str
    kind_title: str
    alliance_code: str | None = None
    reference: str
    language: str
    pages: int
    issued_at: str
    current: bool
    superseded_at: str | None = None
    newer_version_issued_at: str | None = None


@endpoint("/verify/<sha256>", summary="Check a document the system issued, by the code printed on it (or the "
          "SHA-256 of its file): kind, alliance code, issue time and whether it is the current version",
          response=VerifyOut, auth=False, tags=("documents",), name="verify_document")
def verify_document(sha256):
    row = issuing.find(sha256)
    if row is None:
        raise ApiError(404, "not_found", _l("No document with this code was issued by the system."))
    return issuing.public(row)
