"""The public verification page, ``/verify/<code>``: no login, nothing personal. (The register of documents
issued by a request that rendered a PDF is committed by the request's edge: ``grants.web.edge.write_on_read``.)"""
from flask import Blueprint, render_template

from . import api, issuing  # noqa: F401  (api: /api/v1/verify, declared on the API blueprint)

bp = Blueprint("documents", __name__)


@bp.get("/verify/<sha256>")
def verify(sha256):
    """The printed code (or the SHA-256 of a downloaded file): what the document is, and whether it is current."""
    row = issuing.find(sha256)
    if row is None:
        return render_template("documents/verify.html", row=None), 404
    return render_template("documents/verify.html", row=row,
                           kind_title=issuing.KINDS.get(row.kind, row.kind), newer=issuing.newer_version(row))


def register(app):
    """The page (the API's ``/verify`` is declared when this module is imported, before the API blueprint is
    registered)."""
    app.register_blueprint(bp)
