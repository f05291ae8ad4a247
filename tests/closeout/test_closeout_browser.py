"""On a 360 px phone, in Spanish: from the final report to the closed alliance. The board writes the final
report with the indicator actuals and submits it; the officer evaluates, records the refund of the unspent
grant and closes, seeing the failing checks before. Elements are found by name and id, not by text."""
import pytest

from grants.extensions import db as _db
from tests.browser import fits, sign_in
from tests.closeout_support import closeout_assessments, in_execution

pytestmark = pytest.mark.browser


def switch(page, user):
    page.context.clear_cookies()
    sign_in(page, user.email)


def test_final_report_to_closed_alliance_on_a_phone(db, phone, alliance, officer, facilitator, board):
    in_execution(alliance, officer, facilitator, board)
    closeout_assessments(alliance, board)  # scored on the plan stage's page
    _db.session.commit()
    aid = alliance.id
    indicators = [(i.id, i.by_sex) for i in alliance.indicators]

    sign_in(phone, board.email)
    phone.goto(f"/alliances/{aid}")
    phone.click("#closeout-link")
    phone.wait_for_url(f"**/alliances/{aid}/closeout")
    assert phone.locator("#report-violations").is_visible()
    phone.fill("#narrative", "Vendimos 180 t de leche a PIL Andina.")
    phone.fill("#lessons", "El acopio colectivo mejora el precio.")
    phone.fill("#sales_volume", "180")
    phone.fill("#sales_unit", "t")
    phone.fill("#sales_value", "540000.00")
    for iid, by_sex in indicators:
        phone.fill(f"#actual-{iid}", "18")
        if by_sex:
            phone.fill(f"#women-{iid}", "12")
            phone.fill(f"#men-{iid}", "10")
    assert fits(phone)
    phone.click("#save-final-report")
    phone.wait_for_selector(".flash.success")
    assert phone.locator("#report-violations").count() == 0
    phone.click("#submit-final-report")
    phone.wait_for_selector("#report-submitted")
    assert phone.locator("#submit-final-report").count() == 0

    switch(phone, officer)
    phone.goto(f"/alliances/{aid}/closeout")
    assert phone.get_attribute("#check-evaluation_missing", "data-state") == "fail"
    assert phone.get_attribute("#check-balance_unsettled", "data-state") == "fail"
    assert fits(phone)
    phone.select_option("#rating", "satisfactory")
    phone.fill("#findings", "Cumplió el plan de negocios.")
    phone.click("#save-evaluation")
    phone.wait_for_selector("#check-evaluation_missing[data-state=ok]")
    phone.fill("#refund-form input[name=amount]", "200000.00")
    phone.fill("#refund-form input[name=reference]", "DEV-2027-1")
    phone.fill("#refund-form input[name=refunded_on]", "2026-01-15")
    phone.click("#record-refund")
    phone.wait_for_selector("#check-balance_unsettled[data-state=ok]")
    assert phone.locator("#refunds").is_visible()
    phone.click("#close-alliance")
    phone.wait_for_selector(".badge.state-closed")
    assert phone.locator("#closeout-pdf").is_visible()
    assert fits(phone)
    _db.session.expire_all()
    _db.session.refresh(alliance)
    assert alliance.state == "closed"
