"""On a 360 px phone, in Spanish: the buyer signs in, finds the delivery waiting on its home page, confirms it
with the payment and disputes another one; the sales indicator moves by the confirmed delivery only, and the
members read the confirmed totals on the alliance page. Nothing needs JavaScript."""
import pytest
import sqlalchemy as sa

from grants.extensions import db as _db
from grants.monitoring.models import IndicatorValue
from grants.sales.models import Delivery
from tests.browser import fits, sign_in
from tests.sales_support import TODAY, buyer_user, deliver, selling  # noqa: F401

pytestmark = pytest.mark.browser


def test_the_buyer_confirms_one_delivery_and_disputes_another(phone, selling, board, buyer_user, member_user):
    one = deliver(selling, board, quantity="100.00", unit_price="5.00", days_ago=0)
    two = deliver(selling, board, quantity="300.00", unit_price="5.00", days_ago=0)
    sign_in(phone, buyer_user.email)
    assert phone.locator(f"a[href='/deliveries/{one.id}']").count() >= 1  # the work waiting on the home page
    assert phone.locator("#nav-deliveries").count() == 1
    phone.goto("/my-deliveries")
    phone.wait_for_selector(f"#open-delivery-{one.id}")
    assert fits(phone)
    phone.click(f"#open-delivery-{one.id}")
    phone.fill("#decide-form input[name=paid_on]", TODAY.isoformat())
    phone.fill("#decide-form input[name=paid_amount]", "500")
    assert fits(phone)
    phone.click("#confirm-delivery")
    phone.wait_for_selector("#delivery-state[data-state=confirmed]")
    assert "Confirmada por el comprador" in phone.inner_text("#delivery-state")

    phone.goto(f"/deliveries/{two.id}")
    phone.click("#dispute-delivery")  # no reason: refused, nothing changes
    phone.wait_for_selector("#decide-form .error")
    phone.fill("#decide-form textarea[name=reason]", "Llegaron 250 kg, no 300")
    phone.click("#dispute-delivery")
    phone.wait_for_selector("#delivery-state[data-state=disputed]")
    assert "Llegaron 250 kg" in phone.inner_text("#dispute-reason")

    _db.session.expire_all()
    states = dict(_db.session.execute(sa.select(Delivery.id, Delivery.state)).all())
    assert states == {one.id: "confirmed", two.id: "disputed"}
    volume = next(i for i in selling.indicators if i.code == "sales_volume")
    assert _db.session.scalar(sa.select(IndicatorValue.value).where(IndicatorValue.indicator_id == volume.id)) == 100

    sign_in(phone, member_user.email)
    phone.goto(f"/alliances/{selling.id}")
    phone.click("#sales summary")
    assert phone.inner_text("#sales-volume").startswith("100")
    assert fits(phone)
