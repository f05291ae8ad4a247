"""The closeout pages: the final report form (board), the transitions from the page, the evaluation (officer),
refunds (finance or officer), the checks of close shown before the officer tries, and the alliance section."""
import io
from datetime import date

import pytest

from grants.closeout.models import Refund
from tests.closeout_support import closeout_assessments, closing, in_execution
from tests.funding_support import pdf_text

PDF = b"%PDF-1.4\n% bank slip\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def executing_alliance(alliance, officer, facilitator, board):
    return in_execution(alliance, officer, facilitator, board)


@pytest.fixture
def closing_alliance(alliance, officer, facilitator, board):
    return closing(alliance, officer, facilitator, board)


def _report_form(alliance, **kw):
    data = {"narrative": "Vendimos leche", "lessons": "Acopio colectivo", "sales_volume": "180",
            "sales_unit": "t", "sales_value": "540000.00"}
    for ind in alliance.indicators:
        data[f"actual-{ind.id}"] = "18.00"
        if ind.by_sex:
            data[f"women-{ind.id}"] = "12"
            data[f"men-{ind.id}"] = "10"
    data.update(kw)
    return data


def test_board_writes_the_final_report_and_submits(executing_alliance, login, board, db):
    a = executing_alliance
    web = login(board)
    page = web.get(f"/alliances/{a.id}/closeout")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="final-report-form"' in html and "final_report_incomplete" in html
    assert f"/alliances/{a.id}/plan/assessments/empowerment?moment=closeout" in html
    resp = web.post(f"/alliances/{a.id}/closeout/final-report", data=_report_form(a))
    assert resp.status_code == 302
    db.session.expire_all()
    assert a.final_report.narrative == "Vendimos leche" and len(a.final_report.actuals) == len(a.indicators)
    # submit refused while the closeout assessments are missing: shown on the page
    resp = web.post(f"/alliances/{a.id}/closeout/transition", data={"action": "submit_final_report"})
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "assessment_missing" in html and 'id="action-errors"' in html
    closeout_assessments(a, board)
    db.session.commit()
    resp = web.post(f"/alliances/{a.id}/closeout/transition",
                    data={"action": "submit_final_report", "version": str(a.version)})
    assert resp.status_code == 302
    db.session.expire_all()
    assert a.state == "closing"


def test_final_report_keeps_input_on_errors(executing_alliance, login, board, db):
    a = executing_alliance
    ind = a.indicators[0]
    resp = login(board).post(f"/alliances/{a.id}/closeout/final-report",
                             data=_report_form(a, narrative="Texto que no se pierde", sales_value="muchos",
                                               **{f"actual-{ind.id}": "abc"}))
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "Texto que no se pierde" in html and 'value="abc"' in html and 'value="muchos"' in html
    db.session.expire_all()
    assert a.final_report is None


def test_member_reads_only_and_outsiders_get_404(executing_alliance, login, member_user, other_board, board):
    a = executing_alliance
    html = login(member_user).get(f"/alliances/{a.id}/closeout").get_data(as_text=True)
    assert 'id="final-report-form"' not in html and "submit-final-report" not in html
    assert login(member_user).post(f"/alliances/{a.id}/closeout/final-report",
                                   data=_report_form(a)).status_code == 403
    assert login(other_board).get(f"/alliances/{a.id}/closeout").status_code == 404
    assert login(other_board).post(f"/alliances/{a.id}/closeout/final-report",
                                   data=_report_form(a)).status_code == 404
    assert login(board).get("/alliances/999999/closeout").status_code == 404


def test_closeout_page_not_before_execution(alliance, login, board):
    assert login(board).get(f"/alliances/{alliance.id}/closeout").status_code == 404


def test_officer_sees_failing_checks_before_closing(closing_alliance, login, officer, finance, db):
    a = closing_alliance
    web = login(officer)
    html = web.get(f"/alliances/{a.id}/closeout").get_data(as_text=True)
    assert 'id="check-balance_unsettled" data-state="fail"' in html
    assert 'id="check-evaluation_missing" data-state="fail"' in html
    assert 'id="check-contracts_open" data-state="ok"' in html
    assert 'id="close-alliance"' in html and 'id="evaluation-form"' in html and 'id="refund-form"' in html
    # the officer evaluates; the rating keeps on error
    resp = web.post(f"/alliances/{a.id}/closeout/evaluation", data={"rating": "satisfactory", "findings": ""})
    assert resp.status_code == 422 and 'selected value="satisfactory"' in resp.get_data(as_text=True)
    resp = web.post(f"/alliances/{a.id}/closeout/evaluation",
                    data={"rating": "satisfactory", "findings": "Cumplió", "recommendations": ""})
    assert resp.status_code == 302
    # close refused: the balance is shown as the reason
    resp = web.post(f"/alliances/{a.id}/closeout/transition", data={"action": "close"})
    assert resp.status_code == 422 and "balance_unsettled" in resp.get_data(as_text=True)
    # the finance officer records the refund with its proof
    resp = login(finance).post(f"/alliances/{a.id}/closeout/refunds", data={
        "amount": "200000.00", "reference": "DEV-9", "refunded_on": date.today().isoformat(),
        "proof": (io.BytesIO(PDF), "boleta.pdf")}, content_type="multipart/form-data")
    assert resp.status_code == 302
    refund = db.session.execute(db.select(Refund)).scalars().one()
    assert refund.proof_sha256
    proof = web.get(f"/alliances/{a.id}/closeout/refunds/{refund.id}/proof")
    assert proof.status_code == 200 and proof.data.startswith(b"%PDF")
    resp = web.post(f"/alliances/{a.id}/closeout/transition", data={"action": "close"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert a.state == "closed"
    pdf = web.get(f"/alliances/{a.id}/documents/closeout")
    assert pdf.status_code == 200 and "DEV-9" in pdf_text(pdf.data)


def test_refund_form_errors_and_roles(closing_alliance, login, finance, board, treasurer):
    a = closing_alliance
    resp = login(finance).post(f"/alliances/{a.id}/closeout/refunds",
                               data={"amount": "999999.00", "reference": "X", "refunded_on": "2026-01-01"})
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert 'value="999999.00"' in html
    for user in (board, treasurer):
        assert login(user).post(f"/alliances/{a.id}/closeout/refunds",
                                data={"amount": "1.00", "reference": "X", "refunded_on": "2026-01-01"}
                                ).status_code == 403


def test_evaluation_only_for_the_officer_of_the_region(closing_alliance, login, board, finance, other_officer):
    a = closing_alliance
    for user in (board, finance):
        assert login(user).post(f"/alliances/{a.id}/closeout/evaluation",
                                data={"rating": "satisfactory", "findings": "x"}).status_code == 403
    assert login(other_officer).get(f"/alliances/{a.id}/closeout").status_code == 404


def test_alliance_page_shows_the_closeout_section(closing_alliance, login, member_user):
    html = login(member_user).get(f"/alliances/{closing_alliance.id}").get_data(as_text=True)
    assert 'id="closeout"' in html and f"/alliances/{closing_alliance.id}/closeout" in html


def test_closeout_forms_carry_csrf(closing_alliance, login, officer, request):
    web = login(officer)
    request.getfixturevalue("csrf_on")  # after signing in
    html = web.get(f"/alliances/{closing_alliance.id}/closeout").get_data(as_text=True)
    for form_id in ("evaluation-form", "refund-form", "form-close"):
        start = html.index(f'id="{form_id}"')
        assert 'name="csrf_token"' in html[start:start + 600], form_id
    resp = web.post(f"/alliances/{closing_alliance.id}/closeout/evaluation",
                    data={"rating": "satisfactory", "findings": "x"})
    assert resp.status_code == 400  # no token


def test_move_to_the_revolving_fund_from_the_page(closing_alliance, login, officer, db):
    from decimal import Decimal

    from grants.closeout import services

    a = closing_alliance
    web = login(officer)
    assert 'id="move-form"' not in web.get(f"/alliances/{a.id}/closeout").get_data(as_text=True)
    a.call.program.revolving_fund_share = Decimal("0.30")
    db.session.commit()
    assert 'id="move-form"' in web.get(f"/alliances/{a.id}/closeout").get_data(as_text=True)
    resp = web.post(f"/alliances/{a.id}/closeout/revolving-fund",
                    data={"move-amount": "250000.00", "move-moved_on": date.today().isoformat()})
    assert resp.status_code == 422 and 'value="250000.00"' in resp.get_data(as_text=True)
    resp = web.post(f"/alliances/{a.id}/closeout/revolving-fund",
                    data={"move-amount": "60000.00", "move-moved_on": date.today().isoformat()})
    assert resp.status_code == 302
    db.session.expire_all()
    assert services.figures(a).moved_to_fund == Decimal("60000.00")
