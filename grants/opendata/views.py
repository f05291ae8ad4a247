"""The public open-data page and files: ``/open-data``, ``/open-data/iati.xml``, ``/open-data/ocds.json``,
``/open-data/<table>.csv``; and the administrator's settings of each program."""
import hashlib

import sqlalchemy as sa
from flask import Blueprint, Response, abort, render_template, request, stream_with_context, url_for
from flask_babel import get_locale, gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required

from ..audit import head as audit_head
from ..common import get_or_404, utcnow
from ..extensions import db
from ..documents.models import IssuedDocument
from ..programs.models import Program
from ..schemas import from_form
from ..web.forms import form_action, success
from . import iati, ocds
from .forms import SettingsForm
from .models import OpenDataSettings
from .schemas import OpenDataIn
from .settings import LICENCES, save_settings, settings_for

bp = Blueprint("opendata", __name__, url_prefix="/open-data")
CACHE_SECONDS = 300
#: the portal's tables offered as CSV (served by grants/reports/tables_csv.py)
TABLES = {"alliances": _l("Funded alliances: budget by source and grant disbursed"),
          "regions": _l("Totals by region"), "years": _l("Totals by year of the call"),
          "results": _l("Standard indicators of each alliance: baseline, target and latest value")}


def cacheable(resp):
    """Public and cacheable as the portal, with an ETag of the body; 304 on a matching If-None-Match."""
    resp.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    resp.add_etag()
    return resp.make_conditional(request)


def _freshness():
    """``(etag seed, date of the data)``: the audit trail's head (every change writes an event), the
    settings' last change and the last document issued (IATI links them; issuing writes no event)."""
    head = audit_head()
    changed = db.session.execute(sa.select(sa.func.max(OpenDataSettings.updated_at))).scalar()
    issued = db.session.execute(sa.select(sa.func.max(IssuedDocument.id))).scalar()
    seed = f"{head[0] if head else ''}|{changed or ''}|{issued or ''}|{get_locale()}"
    return seed, (head[1] if head else None)


def _streamed(kind, mimetype, generate, filename):
    """A streamed public file with an ETag of the data's state: a matching If-None-Match answers 304 without
    generating anything."""
    seed, when = _freshness()
    etag = hashlib.sha256(f"{kind}|{seed}".encode()).hexdigest()[:32]
    if etag in request.if_none_match:
        resp = Response(status=304)
    else:
        resp = Response(stream_with_context(generate()), mimetype=mimetype)
        resp.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    resp.set_etag(etag)
    if when is not None:
        resp.last_modified = when
    resp.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return resp


@bp.get("/iati.xml")
def iati_xml():
    return _streamed("iati", "application/xml", iati.stream, "iati-activities.xml")


@bp.get("/ocds.json")
def ocds_json():
    publisher = _publisher()
    licence = _licences()[0][1] if _licences() else LICENCES["CC-BY-4.0"][1]
    uri = url_for("opendata.ocds_json", _external=True)
    _seed, when = _freshness()
    return _streamed("ocds", "application/json",
                     lambda: ocds.stream(uri, publisher, licence, when or utcnow()), "ocds-release-package.json")


def _programs():
    return db.session.execute(sa.select(Program).order_by(Program.code)).scalars().all()


def _publisher():
    names = [p.name for p in _programs()]
    return "; ".join(names) if names else "grants"


def _licences():
    """``[(title, url, [program names])]``: the licences the programs chose (CC BY 4.0 by default)."""
    out = {}
    for program in _programs():
        s = settings_for(program)
        out.setdefault(s.licence, (s.licence_title, s.licence_url, []))[2].append(program.name)
    return list(out.values())


@bp.get("")
def index():
    _seed, when = _freshness()
    html = render_template("opendata/index.html", licences=_licences(), data_date=when, tables=TABLES)
    return cacheable(Response(html, mimetype="text/html"))


@bp.route("/settings/<int:program_id>", methods=["GET", "POST"])
@login_required
def settings(program_id):
    if not current_user.has_role("admin"):
        abort(403)
    program = get_or_404(Program, program_id)
    current = settings_for(program)
    row = db.session.get(OpenDataSettings, program.id)
    form = SettingsForm(data={"reporting_org_ref": current.reporting_org_ref, "ocid_prefix": current.ocid_prefix,
                              "licence": current.licence, "dac_sectors": row.dac_sectors if row else ""})
    form.licence.choices = [(k, v[0]) for k, v in LICENCES.items()]

    def page(status=200):
        return render_template("opendata/settings.html", form=form, program=program), status

    if request.method == "GET":
        return page()
    # an emptied list of DAC sectors is a value (none of the program's own), not a field left out
    return form_action(form, lambda: save_settings(program, from_form(OpenDataIn, request.form,
                                                                      dac_sectors=form.dac_sectors.data or ""),
                                                   current_user),
                       page, lambda _row: success(_("The open-data settings are saved."),
                                                  url_for("opendata.settings", program_id=program.id)),
                       invalid_status=422)
