"""The public verification page, ``/verify/<code>``: no login, nothing personal. And the edge that commits the
register of issued documents after a request that rendered a PDF (GET requests commit nothing else)."""
from flask import Blueprint, current_app, g, render_template

from ..extensions import db
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


@bp.after_app_request
def commit_issued(response):
    """A PDF was issued in this request: commit its entry in the register (the request's single commit)."""
    if g.pop("documents_issued", False):
        if response.status_code < 400:
            try:
                db.session.commit()
            except Exception:  # the PDF is still handed out; it will be registered when rendered again
                current_app.logger.exception("Could not register an issued document")
                db.session.rollback()
        else:
            db.session.rollback()
    return response


def register(app):
    """The page (the API's ``/verify`` is declared when this module is imported, before the API blueprint is
    registered)."""
    app.register_blueprint(bp)
