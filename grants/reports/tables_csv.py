"""The portal's tables as CSV for the open-data page (issue 17): the same published columns as the portal,
never personal data; streamed page by page, with an ETag of the data's state (the audit trail's head)."""
import csv
import hashlib
import io

from flask import Blueprint, Response, request, stream_with_context
from flask_babel import get_locale

from ..audit import head as audit_head
from . import portal
from .catalog import indicator_title
from .filters import Filters

bp = Blueprint("portal_csv", __name__, url_prefix="/open-data")
CACHE_SECONDS = 300

PAGE = 500
TABLES = ("alliances", "regions", "years", "results")


def _rows_to_text(rows):
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue()


def _all_items():
    page_no = 1
    while True:
        items, total = portal.page(Filters(), page_no, PAGE)
        yield items
        if page_no * PAGE >= total or not items:
            return
        page_no += 1


def stream(table):
    """The CSV text of ``table`` (one of ``TABLES``) in chunks; a UTF-8 BOM first so that spreadsheets read
    accents right."""
    yield "\ufeff"
    if table == "alliances":
        yield _rows_to_text([["code", "association", "product", "municipality", "region", "state", "currency",
                               "year", "families", *portal.SOURCES, "total", "disbursed"]])
        for items in _all_items():
            yield _rows_to_text([i.code, i.association, i.product, i.municipality, i.region, i.state, i.currency,
                                 i.year, i.families, *(f"{i.amounts[s]:.2f}" for s in portal.SOURCES),
                                 f"{i.total:.2f}", f"{i.disbursed:.2f}"] for i in items)
    elif table == "results":
        yield _rows_to_text([["code", "indicator", "indicator_name", "baseline", "target", "actual"]])
        for items in _all_items():
            yield _rows_to_text([i.code, r.code, str(indicator_title(r.code)), _fixed(r.baseline), _fixed(r.target),
                                 _fixed(r.actual)] for i in items for r in i.results)
    else:
        key = "region" if table == "regions" else "year"
        rows = portal.aggregates(Filters())[key]
        yield _rows_to_text([[key, "currency", "alliances", "families", "women", "grant", "counterpart", "other",
                              "disbursed"]] + [[a.key, a.currency, a.alliances, a.families, a.women, f"{a.grant:.2f}",
                                                f"{a.counterpart:.2f}", f"{a.other:.2f}", f"{a.disbursed:.2f}"]
                                               for a in rows])


def _fixed(value):
    return "" if value is None else f"{value:.2f}"


@bp.get("/<any(alliances, regions, years, results):table>.csv")
def table_csv(table):
    """A public CSV; a matching If-None-Match answers 304 without reading the tables."""
    head = audit_head()
    etag = hashlib.sha256(f"csv|{table}|{head[0] if head else ''}|{get_locale()}".encode()).hexdigest()[:32]
    if etag in request.if_none_match:
        resp = Response(status=304)
    else:
        resp = Response(stream_with_context(stream(table)), mimetype="text/csv")
        resp.headers["Content-Disposition"] = f'attachment; filename="{table}.csv"'
    resp.set_etag(etag)
    if head is not None:
        resp.last_modified = head[1]
    resp.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return resp
