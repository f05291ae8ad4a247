"""The text of every document the system prints, in Spanish and in English (pypdf reads it as a reader would
copy it): no rule code nor internal name, no English word on a Spanish document, no number run into another,
and the verification band on every page."""
import io
import os
import re
from datetime import date
from decimal import Decimal

import pytest
from flask_babel import refresh
from pypdf import PdfReader

from grants.alliances.services import take_action
from grants.assistance import pdf as assistance_pdf
from grants.assistance import services as ta
from grants.closeout import pdf as closeout_pdf
from grants.execution.reports import pdf as execution_pdf
from grants.execution import reports
from grants.extensions import db
from grants.funding import pdf as funding_pdf
from grants.plans import pdf as plans_pdf
from grants.plans import review
from grants.plans.schemas import ReviewIn
from grants.proposals import pdf as proposals_pdf
from grants.proposals import preselection
from grants.workflows import rules
from tests.assistance_support import contract_data, provider_for, ta_line
from tests.closeout_support import complete_report, evaluate, in_execution
from tests.proposals.test_proposals_preselection import three  # noqa: F401  (the fixture)

#: English words that must not appear on a Spanish document (case-sensitive, whole words)
ENGLISH = ("legal status", "tax ID", "Tax ID", "Grant", "Counterpart", "Page", "Buyer", "Agreement", "Tranche",
           "Baseline", "Target", "Actual", "Closeout", "Signature", "Signatures", "Amount", "Indicator", "Share",
           "Rule", "Source", "Met", "Not met", "the", "of", "and", "with", "per", "Total cost", "Unit", "Date",
           "President", "Secretary", "Treasurer", "Officer", "Women", "Men", "Year", "Item")
#: an internal name (a rule code, a category or state key) printed as it is stored
INTERNAL = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
#: a number that runs into another: the decimals of an amount followed by more digits
RUN_IN = {"es": re.compile(r"\d,\d{2}\d"), "en": re.compile(r"\d\.\d{2}\d")}
BAND = re.compile(r"SHA-256 [0-9a-f]{64}")
CODES = {v for k, v in vars(rules).items() if k.isupper() and isinstance(v, str) and "_" in v}


def text_of(data, layout=False):
    """The text of each page; ``layout``: as laid out on the page, where a number drawn over its neighbour's
    cell runs into it ("592.800,002.470.000,00"), as a reader sees it."""
    mode = "layout" if layout else "plain"
    return [page.extract_text(extraction_mode=mode) for page in PdfReader(io.BytesIO(data)).pages]


def check(name, lang, data, problems):
    """The text of the document; what is wrong with it is added to ``problems``."""
    pages = text_of(data)
    dump = os.environ.get("DUMP_PDFS_TO")
    if dump:
        os.makedirs(dump, exist_ok=True)
        with open(os.path.join(dump, f"{name}-{lang}.pdf"), "wb") as fh:
            fh.write(data)
    for n, page in enumerate(pages, start=1):
        where = f"{name} ({lang}), page {n}"
        if not BAND.search(page):
            problems.append(f"{where}: no verification code")
        body = BAND.sub("", page)
        if INTERNAL.findall(body):
            problems.append(f"{where}: internal names {INTERNAL.findall(body)}")
        if [c for c in CODES if c in body]:
            problems.append(f"{where}: rule codes {[c for c in CODES if c in body]}")
        if lang == "es":
            found = [w for w in ENGLISH if re.search(rf"(?<![\w/]){re.escape(w)}(?![\w])", body)]
            if found:
                problems.append(f"{where}: English words {found}")
    for n, page in enumerate(text_of(data, layout=True), start=1):
        for run in RUN_IN[lang].finditer(BAND.sub("", page)):
            problems.append(f"{name} ({lang}), page {n}: numbers run together: "
                            f"{page[max(0, run.start() - 30):run.end() + 30]!r}")
    return "\n".join(pages)


@pytest.fixture
def closed(alliance, officer, facilitator, board, treasurer, committee, make_user):
    """An alliance that went through every stage up to its final report and evaluation, with the committee's
    minutes, a technical assistance contract and an accountability report."""
    in_execution(alliance, officer, facilitator, board)
    alliance.state = "committee_review"  # the committee's review and minutes of the plan as it is now
    review.submit_review(alliance, ReviewIn(declares_no_conflict=True, recommendation="approve",
                                            scores={c.code: c.max for c in alliance.call.criteria}), committee)
    review.record_minutes(alliance, "approve", officer)
    alliance.state = "in_execution"
    for ind in alliance.indicators:  # national-scale figures: wide numbers side by side in the tables
        ind.baseline, ind.target = Decimal("592800.00"), Decimal("2470000.00")
    db.session.commit()
    line = ta_line(alliance)
    provider = provider_for(make_user(roles=["ta_provider"]), board)
    contract = ta.create_contract(alliance, contract_data(provider, line), board)
    report = reports.create_report(alliance, {"period_start": "2020-01-01", "period_end": date.today().isoformat()},
                                   treasurer)
    db.session.commit()
    complete_report(alliance, board)
    take_action(alliance, "submit_final_report", board)
    evaluate(alliance, officer)
    return alliance, contract, report


def documents_of(alliance, contract, report):
    tranche = alliance.tranches[0]
    yield "profile", lambda: proposals_pdf.profile_pdf(alliance, with_names=True)
    yield "plan", lambda: plans_pdf.plan_pdf(alliance)
    yield "committee-minutes", lambda: plans_pdf.minutes_pdf(alliance, review.minutes_of(alliance, None))
    yield "agreement", lambda: funding_pdf.agreement_pdf(alliance)
    yield "tranche-request", lambda: funding_pdf.request_letter_pdf(tranche)
    yield "disbursement-order", lambda: funding_pdf.disbursement_order_pdf(tranche)
    yield "accountability", lambda: execution_pdf.report_pdf(report)
    yield "ta-contract", lambda: assistance_pdf.contract_pdf(contract)
    yield "closeout", lambda: closeout_pdf.closeout_pdf(alliance)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_every_document_reads_in_the_readers_language(app, closed, lang):
    alliance, contract, report = closed
    texts, problems = {}, []
    with app.test_request_context(f"/?lang={lang}"):
        refresh()
        for name, render in documents_of(alliance, contract, report):
            texts[name] = check(name, lang, render(), problems)
    refresh()
    assert not problems, "\n".join(problems)
    agreement = texts["agreement"]
    if lang == "es":
        for clause in ("Objeto", "Las partes y sus obligaciones", "Montos por fuente", "Cronograma de tramos",
                       "Compras", "Rendición de cuentas", "derecho de los socios", "Supervisión",
                       "Suspensión y resolución", "Devolución del dinero no gastado", "Protección de datos",
                       "Controversias"):
            assert clause in agreement, clause
        assert "Cláusula 11." in agreement and "Personería jurídica" in agreement and "NIT" in agreement
        # the program's values in the text: 70 % at most of grant, 3 quotations, 10.000,00 minor purchases
        assert "70,00 %" in agreement and "al menos 3 cotizaciones" in agreement and "Bs 10.000,00" in agreement
        # the signature block: the board member by name with the role, the program's officer, the buyer
        assert "Bernarda Presidenta" in agreement and "Técnico del programa" in agreement
        assert "Representante legal del comprador" in agreement
        assert "Bs " in texts["plan"]
    else:
        assert "Clause 11." in agreement and "Legal personality no." in agreement


def test_the_signatures_of_the_agreement_stay_together_on_its_last_page(app, closed):
    alliance, _c, _r = closed
    with app.test_request_context("/?lang=es"):
        refresh()
        pages = text_of(funding_pdf.agreement_pdf(alliance))
    refresh()
    assert "Firmas" in pages[-1] and "Bernarda Presidenta" in pages[-1] and "Representante legal" in pages[-1]
    assert all("Firmas" not in page for page in pages[:-1])


@pytest.mark.parametrize("lang", ["es", "en"])
def test_preselection_minutes_read_in_the_readers_language(app, three, call, committee, lang):  # noqa: F811
    minutes = preselection.decide(call, [(three[0].id, "preselect")], committee)
    db.session.commit()
    with app.test_request_context(f"/?lang={lang}"):
        refresh()
        problems = []
        check("preselection-minutes", lang, proposals_pdf.minutes_pdf(minutes), problems)
    refresh()
    assert not problems, "\n".join(problems)
