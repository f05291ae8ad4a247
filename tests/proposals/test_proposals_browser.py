"""In a real Chromium at 360 px, in Spanish: a board submits its business intention, the officer
returns it, the board fixes and resubmits it, the officer scores it and declares it eligible, and a
committee member preselects it."""
import re

import pytest
import sqlalchemy as sa

from grants.extensions import db
from grants.proposals.models import PreselectionMinutes, ProfileRevision

from tests.browser import fits, sign_in
from tests.proposal_support import PDF

pytestmark = pytest.mark.browser


def sign_out(page):
    page.click("form[action='/logout'] button")
    page.wait_for_url("**/login")


def take(page, action, comment=None):
    form = page.locator(f"form.action-form:has(input[name=action][value={action}])")
    if not form.is_visible() and page.locator("#more-actions").count():
        page.click("#more-actions summary")  # the actions other than the next step are folded
    if comment:
        form.locator("textarea[name=comment]").fill(comment)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_intention_from_draft_to_preselection(phone, alliance, board, officer, committee):
    page = phone
    code = alliance.code

    # the board completes the intention, attaches the buyer's letter and submits
    sign_in(page, board.email)
    page.goto(f"/alliances/{alliance.id}")
    assert page.locator("#precheck [data-rule=buyer_letter_missing]").count() == 1  # the message, not the code
    assert "buyer_letter_missing" not in page.inner_text("#precheck")
    page.click("#edit-profile")
    page.fill("input[name=location]", "Comunidad Belén, Achacachi")
    page.fill("textarea[name=business_idea]", "Centro de acopio de leche fría con tanque de enfriamiento")
    page.fill("textarea[name=market_opportunity]", "PIL Andina compra toda la leche fría de la zona")
    page.fill("input[name=estimated_investment]", "410000")
    page.fill("input[name=loi_volume]", "900000")
    page.fill("input[name=loi_unit]", "litros")
    page.fill("input[name=loi_signed_on]", "2026-02-10")
    page.set_input_files("input[name=buyer_letter]",
                         files=[{"name": "carta-pil.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    assert fits(page, 362)
    page.click("form[enctype='multipart/form-data'] button[type=submit]")
    page.wait_for_url(re.compile(rf".*/alliances/{alliance.id}(#intention)?$"))
    assert page.locator("#precheck.ok").count() == 1  # every automatic check passes
    take(page, "submit")
    assert page.locator(".badge.state-submitted").first.is_visible()
    sign_out(page)

    # the officer finds it in the queue and returns it for more information
    sign_in(page, officer.email)
    page.goto("/screening")
    assert fits(page, 362)
    page.click(f"#queue a:has-text('{code}')")
    page.wait_for_url(f"**/alliances/{alliance.id}/screening")
    take(page, "return_for_info", "Falta el precio por litro en la carta de intención")
    sign_out(page)

    # the board sees the notification, adds the price and resubmits
    sign_in(page, board.email)
    assert page.inner_text(".notif-link .count") == "1"
    assert page.inner_text("#menu-button .count") == "1"  # the folded menu shows the unread count too
    page.click("#menu-button")
    page.click(".notif-link")
    assert "Falta el precio por litro" in page.inner_text("main")
    page.goto(f"/alliances/{alliance.id}")
    page.click("#edit-profile")
    page.fill("input[name=loi_price]", "3.80")
    page.click("form[enctype='multipart/form-data'] button[type=submit]")
    page.wait_for_url(re.compile(rf".*/alliances/{alliance.id}(#intention)?$"))
    take(page, "submit")
    sign_out(page)

    # the officer sees what changed, scores every criterion and declares it eligible
    sign_in(page, officer.email)
    page.goto(f"/alliances/{alliance.id}/screening")
    changes = page.inner_text("#changes")
    assert "3.80" in changes
    for name, value in (("market", "5"), ("viability", "4"), ("organization", "4"), ("inclusion", "3"),
                        ("environment", "3")):
        page.fill(f"input[name=score_{name}]", value)
    page.click("#scoring button[type=submit]")
    page.wait_for_url(f"**/alliances/{alliance.id}/screening")
    assert "81" in page.inner_text("#scoring")
    take(page, "declare_eligible")
    sign_out(page)

    # a committee member preselects it; the minutes are written
    sign_in(page, committee.email)
    page.goto("/preselection")
    page.click(f"a:has-text('{alliance.call.title}')")
    page.wait_for_url(f"**/calls/{alliance.call.id}/preselection")
    page.wait_for_load_state("load")
    page.screenshot(path="/tmp/presel.png", full_page=True)
    assert fits(page, 362), page.evaluate("document.documentElement.scrollWidth")
    page.check(f"#pick-{alliance.id}")
    page.fill("textarea[name=comment]", "Sesión del comité, acta uno")
    page.click("#do-preselect")
    page.wait_for_load_state()
    assert page.locator(f"#minutes a[href$='/calls/{alliance.call.id}/preselection/minutes/1.pdf']").count() == 1

    db.session.expire_all()
    db.session.refresh(alliance)
    assert alliance.state == "preselected"
    assert db.session.execute(sa.select(sa.func.count()).select_from(ProfileRevision)).scalar() == 2
    minutes = db.session.execute(sa.select(PreselectionMinutes)).scalar_one()
    assert minutes.data()["decided"] == [{"alliance_id": alliance.id, "code": code, "action": "preselect"}]
