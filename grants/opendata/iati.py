"""IATI 2.03 activities of the funded alliances, streamed: one ``iati-activity`` per alliance, written chunk by
chunk so that memory stays the size of one chunk whatever the number of alliances.

Identifier: ``<reporting-org ref>-<alliance code>``. The program funds (participating-org role 1) and reports;
the association implements (role 4) and co-funds with its counterpart (role 1); the buyer is a partner
(role 2, accountable) where the alliance has one. No member, user, phone or bank account is ever read."""
from datetime import date, timedelta
from xml.etree import ElementTree as ET

from flask_babel import force_locale

from ..alliances.catalog import STANDARD_INDICATORS
from ..common import utcnow
from . import data
from .documents import issued_documents

VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
#: alliance state -> IATI ActivityStatus
STATUS = {"agreement_signed": "2", "in_execution": "2", "suspended": "6", "closing": "3", "closed": "4",
          "cancelled": "5"}
#: program currency -> recipient country (ISO 3166-1) where the currency says it
COUNTRY = {"BOB": "BO", "COP": "CO", "PEN": "PE", "HNL": "HN", "GTQ": "GT", "NIO": "NI", "PYG": "PY"}
LANGS = ("es", "en")


def _narratives(parent, texts):
    """``texts``: ``{lang: text}``; one narrative each, Spanish first."""
    for lang in LANGS:
        if texts.get(lang):
            ET.SubElement(parent, "narrative", {XML_LANG: lang}).text = str(texts[lang])


def _text(parent, tag, texts, **attrs):
    el = ET.SubElement(parent, tag, {k.replace("_", "-"): v for k, v in attrs.items()})
    _narratives(el, texts)
    return el


def _value(parent, tag, amount, on, currency):
    ET.SubElement(parent, tag, {"currency": currency, "value-date": on.isoformat()}).text = f"{amount:.2f}"


def _org(parent, tag, name, ref=None, **attrs):
    attributes = {k.replace("_", "-"): v for k, v in attrs.items()}
    if ref:
        attributes["ref"] = ref
    el = ET.SubElement(parent, tag, attributes)
    _narratives(el, {"es": name})
    return el


class Titles:
    """Indicator titles and units in Spanish and English, translated once per export."""

    def __init__(self):
        self.cache = {}

    def __call__(self, code):
        if code not in self.cache:
            both = {}
            for lang in LANGS:
                with force_locale(lang):
                    name, unit, _sex = STANDARD_INDICATORS[code]
                    both[lang] = (str(name), str(unit))
            self.cache[code] = both
        return self.cache[code]


def _description(a):
    return {
        "es": (f"Alianza productiva de {a.product} de la asociación {a.association} ({a.municipality}, {a.region})"
               + (f" con el comprador {a.buyer}" if a.buyer else "") + f": {a.families} familias, {a.women} "
               f"mujeres socias. Financiada por {a.program_name}."),
        "en": (f"Productive alliance for {a.product} of the producer association {a.association} ({a.municipality}, "
               f"{a.region})" + (f" with the buyer {a.buyer}" if a.buyer else "") + f": {a.families} families, "
               f"{a.women} women members. Funded by {a.program_name}."),
    }


def activity_element(a, titles, documents=()):
    """The ``iati-activity`` element of one ``data.Activity``."""
    s = a.settings
    today = utcnow().date()
    start = a.signed_on or min(a.planned, default=None) or today
    planned_end = max(a.planned, default=None)
    if planned_end is None or planned_end < start:
        planned_end = start + timedelta(days=730)
    el = ET.Element("iati-activity", {XML_LANG: "es", "default-currency": a.currency,
                                      "last-updated-datetime": utcnow().replace(microsecond=0).isoformat() + "Z"})
    ET.SubElement(el, "iati-identifier").text = f"{s.reporting_org_ref}-{a.code}"
    _org(el, "reporting-org", a.program_name, ref=s.reporting_org_ref, type="10")
    _text(el, "title", {"es": a.title})
    _text(el, "description", _description(a), type="1")
    _org(el, "participating-org", a.program_name, ref=s.reporting_org_ref, role="1", type="10")
    _org(el, "participating-org", a.association, role="1", type="22")   # co-funding: the counterpart
    _org(el, "participating-org", a.association, role="4", type="22")   # implementing
    if a.buyer:
        _org(el, "participating-org", a.buyer, role="2", type="70")      # accountable partner: the buyer
    ET.SubElement(el, "activity-status", {"code": STATUS.get(a.state, "2")})
    ET.SubElement(el, "activity-date", {"type": "1", "iso-date": start.isoformat()})
    if a.signed_on:
        ET.SubElement(el, "activity-date", {"type": "2", "iso-date": a.signed_on.isoformat()})
    ET.SubElement(el, "activity-date", {"type": "3", "iso-date": planned_end.isoformat()})
    if a.ended_on:
        ET.SubElement(el, "activity-date", {"type": "4", "iso-date": a.ended_on.isoformat()})
    ET.SubElement(el, "activity-scope", {"code": "7"})  # sub-national: a municipality
    if a.currency in COUNTRY:
        ET.SubElement(el, "recipient-country", {"code": COUNTRY[a.currency], "percentage": "100"})
    loc = ET.SubElement(el, "location", {"ref": f"{a.code}-1"})
    ET.SubElement(loc, "location-reach", {"code": "1"})
    _text(loc, "name", {"es": f"{a.municipality}, {a.region}" if a.municipality else a.region})
    _text(loc, "description", {"es": f"Municipio {a.municipality}, departamento {a.region}",
                               "en": f"Municipality {a.municipality}, department {a.region}"})
    ET.SubElement(el, "sector", {"vocabulary": "1", "code": s.sector_of(a.product), "percentage": "100"})
    ET.SubElement(el, "collaboration-type", {"code": "1"})
    ET.SubElement(el, "default-flow-type", {"code": "10"})
    ET.SubElement(el, "default-finance-type", {"code": "110"})   # standard grant
    ET.SubElement(el, "default-tied-status", {"code": "5"})      # untied
    grant = a.budget.get("grant")
    counterpart = (a.budget.get("counterpart_cash") or 0) + (a.budget.get("counterpart_in_kind") or 0)
    if grant is not None:
        budget = ET.SubElement(el, "budget", {"type": "1", "status": "2"})
        ET.SubElement(budget, "period-start", {"iso-date": start.isoformat()})
        ET.SubElement(budget, "period-end", {"iso-date": planned_end.isoformat()})
        _value(budget, "value", grant, start, a.currency)
    if counterpart:
        budget = ET.SubElement(el, "budget", {"type": "1", "status": "1"})  # indicative: the association's own
        ET.SubElement(budget, "period-start", {"iso-date": start.isoformat()})
        ET.SubElement(budget, "period-end", {"iso-date": planned_end.isoformat()})
        _value(budget, "value", counterpart, start, a.currency)
    _transactions(el, a, grant, counterpart, start)
    for title, url, issued_on in documents:
        link = ET.SubElement(el, "document-link", {"url": url, "format": "application/pdf"})
        _text(link, "title", {"es": title})
        ET.SubElement(link, "category", {"code": "A07"})
        ET.SubElement(link, "document-date", {"iso-date": issued_on.isoformat()})
    _results(el, a, titles, start, today)
    return el


def _commitment(el, a, kind, amount, on, description, outgoing):
    tx = ET.SubElement(el, "transaction")
    ET.SubElement(tx, "transaction-type", {"code": kind})
    ET.SubElement(tx, "transaction-date", {"iso-date": on.isoformat()})
    _value(tx, "value", amount, on, a.currency)
    _text(tx, "description", description)
    if outgoing:
        _org(tx, "provider-org", a.program_name, ref=a.settings.reporting_org_ref)
        _org(tx, "receiver-org", a.association)
    else:
        _org(tx, "provider-org", a.association)
        _org(tx, "receiver-org", a.program_name, ref=a.settings.reporting_org_ref)
    return tx


def _transactions(el, a, grant, counterpart, start):
    if grant is not None:
        _commitment(el, a, "2", grant, start, {"es": "Donación comprometida en el convenio",
                                                "en": "Grant committed in the agreement"}, outgoing=True)
    for number, amount, on in a.tranches:
        _commitment(el, a, "3", amount, on, {"es": f"Desembolso del tramo {number}",
                                             "en": f"Disbursement of tranche {number}"}, outgoing=True)
    for amount, on in a.refunds:
        _commitment(el, a, "1", amount, on, {"es": "Devolución del saldo de la donación",
                                             "en": "Refund of the unspent grant"}, outgoing=False)
    if counterpart:
        tx = _commitment(el, a, "11", counterpart, start, {"es": "Contrapartida comprometida por la asociación",
                                                           "en": "Counterpart committed by the association"},
                         outgoing=False)
        tx.remove(tx.find("receiver-org"))  # the association's own money: nobody receives it
    for kind, year, amount, last in a.counterpart:
        words = ({"es": f"Contrapartida en efectivo aportada en {year}", "en": f"Cash counterpart brought in {year}"}
                 if kind == "cash" else
                 {"es": f"Contrapartida en especie aportada en {year}", "en": f"In-kind counterpart brought in {year}"})
        tx = _commitment(el, a, "1", amount, last, words, outgoing=False)
        tx.remove(tx.find("receiver-org"))


def _number(value):
    return f"{value:f}" if value is not None else None


def _results(el, a, titles, start, today):
    results = [r for r in a.results if r.code in STANDARD_INDICATORS]
    if not results:
        return
    res = ET.SubElement(el, "result", {"type": "2", "aggregation-status": "1"})
    _text(res, "title", {"es": "Resultados de la alianza (indicadores estándar)",
                         "en": "Results of the alliance (standard indicators)"})
    for r in results:
        both = titles(r.code)
        ind = ET.SubElement(res, "indicator", {"measure": "1", "ascending": "1"})
        _text(ind, "title", {lang: f"{both[lang][0]} ({both[lang][1]})" for lang in LANGS})
        ET.SubElement(ind, "reference", {"vocabulary": "99", "code": r.code})
        if r.baseline is not None:
            ET.SubElement(ind, "baseline", {"year": str(start.year), "iso-date": start.isoformat(),
                                            "value": _number(r.baseline)})
        if r.target is None and r.actual is None:
            continue
        end = _period_end(r.period) if r.period else today
        period = ET.SubElement(ind, "period")
        ET.SubElement(period, "period-start", {"iso-date": start.isoformat()})
        ET.SubElement(period, "period-end", {"iso-date": max(end, start).isoformat()})
        if r.target is not None:
            ET.SubElement(period, "target", {"value": _number(r.target)})
        if r.actual is not None:
            ET.SubElement(period, "actual", {"value": _number(r.actual)})
            if r.by_sex and r.women is not None and r.men is not None:
                for sex, count in (("female", r.women), ("male", r.men)):
                    actual = ET.SubElement(period, "actual", {"value": str(count)})
                    ET.SubElement(actual, "dimension", {"name": "sex", "value": sex})


def _period_end(period):
    year, month = (int(p) for p in period.split("-"))
    first_next = date(year + month // 12, month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def stream(ids_select=None):
    """The document as text chunks: the header, then the activities chunk by chunk."""
    yield (f'<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="{VERSION}" generated-datetime="'
           f'{utcnow().replace(microsecond=0).isoformat()}Z">\n')
    titles, cache = Titles(), {}
    for ids in data.chunks(ids_select if ids_select is not None else data.published_ids()):
        documents = issued_documents(ids)
        parts = [ET.tostring(activity_element(a, titles, documents.get(a.id, ())), encoding="unicode")
                 for a in data.activities(ids, cache)]
        yield "\n".join(parts) + "\n"
    yield "</iati-activities>\n"
