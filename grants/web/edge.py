"""The request edge of the pages: a page's write commits once, here.

A page that changes data (a POST) calls its service and answers a redirect, or the page again with the
errors at their fields. The edge looks at that answer: a success or a redirect commits the transaction; an
error (4xx) rolls it back, so nothing half-written stays. A commit the database refuses answers 409 (someone
changed the object meanwhile, or a duplicate) or 503 (the database cannot be reached), never a 500.

GET pages don't write, except where they say so and commit themselves (a plan created when first opened,
the log of who viewed members' data). The API's edge is ``grants.api.core.endpoint``; the CLI commits in
its commands."""
from flask import current_app, make_response, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm.exc import StaleDataError

from ..extensions import db
from .health import UNAVAILABLE_ERRORS, unavailable

READS = ("GET", "HEAD", "OPTIONS")


def commit_page_write(resp):
    """``after_request``: commit a page's write when its answer is a success or a redirect."""
    if request.method in READS or request.blueprint == "api":
        return resp
    if resp.status_code >= 400:
        db.session.rollback()
        return resp
    try:
        db.session.commit()
    except UNAVAILABLE_ERRORS as error:
        return make_response(unavailable(error))  # it rolls back, if the connection still answers
    except (StaleDataError, sa_exc.IntegrityError, sa_exc.DataError) as error:
        db.session.rollback()
        current_app.logger.warning("page write refused at commit: %s", error)
        message = _l("Someone changed this object meanwhile. Reload it and try again.")
        return make_response(render_template("errors/error.html", status=409, message=message), 409)
    return resp


def register(app):
    app.after_request(commit_page_write)
