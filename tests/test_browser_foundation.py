"""A board member signs in on a 360 px phone, in Spanish, and saves a draft alliance."""
import pytest
import sqlalchemy as sa

from grants.alliances.models import Alliance
from tests.browser import sign_in

pytestmark = pytest.mark.browser


def test_board_signs_in_on_a_phone_and_creates_a_draft(db, phone, board, call, association):
    sign_in(phone, board.email)
    assert phone.locator("html").get_attribute("lang") == "es"
    assert phone.get_by_role("heading", name="Mis tareas").is_visible()
    # nothing overflows the 360 px screen
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.get_by_role("link", name="Nueva intención de negocio").first.click()
    phone.fill("input[name=title]", "Leche fresca para la planta PIL")
    phone.fill("input[name=product]", "Leche")
    phone.fill("input[name=buyer_name]", "PIL Andina S.A.")
    phone.fill("input[name=requested_grant]", "280000.00")
    phone.fill("input[name=estimated_counterpart]", "125000.00")
    boxes = phone.locator("input[name=member_ids]")
    for i in range(22):
        boxes.nth(i).check()
    phone.get_by_role("button", name="Guardar borrador").click()
    phone.wait_for_url("**/alliances/*")
    assert phone.get_by_text("Borrador").first.is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    alliance = db.session.execute(sa.select(Alliance)).scalar_one()
    assert alliance.families == 22 and alliance.state == "draft"
    assert alliance.title == "Leche fresca para la planta PIL"
