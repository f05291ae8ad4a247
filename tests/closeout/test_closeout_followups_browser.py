"""On a 360 px phone, in Spanish: the officer opens a closed alliance from the
work list, records its one-year follow-up (a first try with more women than families is refused and keeps what
was typed), and the alliance page shows it with the results. Elements are found by id, not by text."""
from datetime import date, timedelta

import pytest

from grants.closeout.models import FollowUp
from grants.extensions import db as _db
from tests.browser import fits, sign_in
from tests.closeout.test_closeout_followups import close_alliance

pytestmark = pytest.mark.browser


def test_the_officer_records_a_follow_up_on_a_phone(db, phone, alliance, officer, facilitator, board, finance):
    close_alliance(alliance, officer, facilitator, board, finance)
    aid = alliance.id
    sign_in(phone, officer.email)
    phone.goto("/dashboard")
    phone.click(f"a[href='/alliances/{aid}/follow-ups']")
    phone.wait_for_url(f"**/alliances/{aid}/follow-ups")
    assert phone.get_attribute("#slot-1", "data-state") == "due"
    assert fits(phone)
    assert phone.input_value("#year") == "1"
    phone.select_option("#kind", "visit")
    phone.fill("#held_on", (date.today() - timedelta(days=2)).isoformat())
    phone.select_option("#still_selling", "yes")
    phone.select_option("#buyer_kept", "yes")
    phone.fill("#other_buyers", "Feria de El Alto")
    phone.fill("#sales_volume", "95,5")
    phone.fill("#sales_unit", "t")
    phone.fill("#sales_value", "286.500,00")
    phone.fill("#families_active", "24")
    phone.fill("#women_active", "31")
    phone.fill("#revolving_fund_balance", "41.250,00")
    phone.fill("#notes", "El centro de acopio funciona.")
    assert fits(phone)
    phone.click("#save-follow-up")
    phone.wait_for_selector("#women_active-err")
    assert phone.input_value("#notes") == "El centro de acopio funciona."
    assert phone.input_value("#other_buyers") == "Feria de El Alto"
    assert fits(phone)
    phone.fill("#women_active", "11")
    phone.click("#save-follow-up")
    phone.wait_for_selector("#follow-up-1")
    assert phone.get_attribute("#slot-1", "data-state") == "recorded"
    assert fits(phone)
    _db.session.expire_all()
    (fu,) = _db.session.query(FollowUp).all()
    assert (fu.year, fu.women_active, str(fu.sales_value), str(fu.sales_volume)) == (1, 11, "286500.00", "95.50")
    phone.goto(f"/alliances/{aid}")
    assert phone.locator("#closeout-follow-up-1").is_visible()
    assert fits(phone)
    for path, row in (("/portfolio", "#survival-1"), ("/portal", "#portal-survival-1")):
        phone.goto(path)
        assert phone.locator(row).is_visible() and fits(phone), path
