"""On a 360 px phone, in Spanish, without JavaScript: the treasurer opens the fund from the association page,
lends to a member (a refused amount keeps what was typed), and the page fits the screen."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from grants.extensions import db as _db
from grants.revolving import services
from grants.revolving.models import Loan
from tests.browser import fits, sign_in
from tests.revolving_support import fund_alliance, fund_program, members_of  # noqa: F401

pytestmark = pytest.mark.browser


def test_treasurer_lends_on_a_phone_without_javascript(db, chromium, live_server, fund_alliance, association,
                                                      treasurer, admin):
    services.deposit_from_grant(fund_alliance, "800.00", admin, date.today())
    _db.session.commit()
    member = members_of(association)[3]
    context = chromium.new_context(viewport={"width": 360, "height": 740}, locale="es-BO", base_url=live_server,
                                   java_script_enabled=False)
    phone = context.new_page()
    phone.set_default_timeout(20_000)
    try:
        sign_in(phone, treasurer.email)
        phone.goto(f"/associations/{association.id}")
        phone.click("#revolving-fund-link")
        phone.wait_for_selector("#fund-summary")
        assert fits(phone)
        phone.select_option("select[name='loan-member_id']", str(member.id))
        phone.fill("input[name='loan-amount']", "800.01")
        phone.fill("input[name='loan-lent_on']", date.today().isoformat())
        phone.fill("input[name='loan-due_on']", (date.today() + timedelta(days=60)).isoformat())
        phone.fill("input[name='loan-purpose']", "Abono orgánico")
        phone.click("#save-loan")
        phone.wait_for_selector("#loan-form .error")
        assert phone.input_value("input[name='loan-purpose']") == "Abono orgánico"
        assert phone.input_value("input[name='loan-amount']") == "800.01"
        assert fits(phone)
        phone.fill("input[name='loan-amount']", "800.00")
        phone.click("#save-loan")
        phone.wait_for_selector("#loan-facts")
        assert fits(phone)
        phone.click("#fund-link")
        phone.wait_for_selector("#loans")
        assert fits(phone)
    finally:
        context.close()
    loan = _db.session.execute(sa.select(Loan)).scalar_one()
    assert loan.member_id == member.id and str(loan.amount) == "800.00"
