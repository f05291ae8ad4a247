"""Every link of the main menu is reachable on a 360 px phone, with and without JavaScript (issue 11, part 2):
on a desktop the menu is the row it always was; on a phone it folds behind "Menú" and, opened, shows every
link whole inside the screen (nothing hidden in a sideways scroll)."""
import pytest

from grants.extensions import db as _db
from tests.browser import sign_in

pytestmark = pytest.mark.browser

ROLES = ("admin", "officer", "finance", "committee", "facilitator", "auditor", "ta_provider", "board", "treasurer",
         "member_user")


def menu_links(page):
    return page.eval_on_selector_all("#main-menu a", "els => els.map(a => a.getAttribute('href'))")


def visible_inside(page, href):
    link = page.locator(f'#main-menu a[href="{href}"]')
    if not link.is_visible():
        return False
    box = link.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360 and box["height"] > 0


@pytest.mark.parametrize("role", ROLES)
def test_every_menu_link_is_reachable_on_a_phone(db, request, chromium, live_server, role, alliance):
    user = request.getfixturevalue(role)
    _db.session.commit()
    desktop = chromium.new_context(viewport={"width": 1280, "height": 800}, locale="es-BO", base_url=live_server)
    page = desktop.new_page()
    sign_in(page, user.email)
    links = menu_links(page)
    assert links and all(page.locator(f'#main-menu a[href="{h}"]').is_visible() for h in links)
    assert not page.locator("#menu-button").is_visible()  # the desktop menu is as it was
    desktop.close()
    for js in (True, False):
        phone = chromium.new_context(viewport={"width": 360, "height": 640}, locale="es-BO", base_url=live_server,
                                     java_script_enabled=js)
        page = phone.new_page()
        page.set_default_timeout(20_000)
        sign_in(page, user.email)
        assert menu_links(page) == links
        assert page.locator("#menu-button").is_visible()
        assert page.locator("#menu-button").inner_text().strip().startswith("Menú")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.click("#menu-button")
        hidden = [h for h in links if not visible_inside(page, h)]
        assert not hidden, (role, js, hidden)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        # a link of the opened menu works like any link
        page.click(f'#main-menu a[href="{links[-1]}"]')
        page.wait_for_load_state()
        assert page.url.split("?")[0].endswith(links[-1].split("?")[0])
        phone.close()
