"""The alliance page says the state of things first (issue 11, part 3): on a 360 px phone, an alliance in execution
fits in four screens; the first screen holds its state, the one next step that waits for this user (never
"Submit the final report" in the middle of execution), the money at a glance with its bars, and the open alerts;
the other actions are folded; the stages are short summaries linking to their pages."""
from datetime import date, timedelta

import pytest

from grants.assistance import services as ta_svc
from grants.execution import expenses as expense_svc
from grants.extensions import db as _db
from tests.assistance_support import contract_data, provider_for, ta_line
from tests.browser import sign_in
from tests.execution_support import PDF, executing, expense_data, upload
from tests.monitoring_support import make_visit

pytestmark = pytest.mark.browser

SCREEN = {"width": 360, "height": 640}


@pytest.fixture
def busy(db, alliance, officer, facilitator, board, treasurer, ta_provider):
    """An alliance in execution with what a real one has after months: expenses (one without receipt), a TA
    contract with a deliverable overdue, a supervision visit with follow-up actions, a second tranche."""
    live = executing(alliance, officer, facilitator, board)
    lines = live.budget_lines
    for i in range(6):
        expense_svc.record_expense(live, expense_data(lines[i % 2], f"{1000 + i * 250}.50", number=f"F-{i}"),
                                   treasurer, None if i == 5 else upload())
    provider = provider_for(ta_provider, board)
    late = date.today() - timedelta(days=5)
    contract = ta_svc.create_contract(live, contract_data(provider, ta_line(live), due=late), board)
    ta_svc.transition(contract.deliverables[1], "submit", ta_provider, file=upload(PDF, "informe.pdf"))
    visit = make_visit(live, officer, actions=3)
    visit.actions[0].due_on = date.today() + timedelta(days=21)
    _db.session.commit()
    return live


def open_page(chromium, live_server, user, path, js=True):
    context = chromium.new_context(viewport=SCREEN, locale="es-BO", base_url=live_server, java_script_enabled=js)
    page = context.new_page()
    page.set_default_timeout(20_000)
    sign_in(page, user.email)
    page.goto(path)
    return context, page


@pytest.mark.parametrize("who", ("board", "treasurer", "officer", "admin"))
def test_an_alliance_in_execution_fits_four_phone_screens(request, chromium, live_server, busy, who):
    user = request.getfixturevalue(who)
    _db.session.commit()
    context, page = open_page(chromium, live_server, user, f"/alliances/{busy.id}", js=False)
    try:
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height <= 4 * SCREEN["height"], f"{who}: {height} px"
        assert page.evaluate("document.documentElement.scrollWidth") <= SCREEN["width"]
        # the state, the next step, the money and the alerts come first
        glance = page.locator("#glance").bounding_box()
        assert glance["y"] < SCREEN["height"]
        for sel in ("#glance .badge", "#next-step", "#money", "#bar-spent", "#balance-available"):
            box = page.locator(sel).first.bounding_box()
            assert box is not None and box["y"] + box["height"] <= 1.6 * SCREEN["height"], (who, sel, box)
        assert page.locator("#alliance-alerts").is_visible()
        # never the final report as the big button during execution: it is folded with the other actions
        final = page.locator("form.action-form:has(input[name=action][value=submit_final_report]) button")
        if who == "board":
            assert final.count() == 1 and not final.is_visible()
        # one big button on the whole page at most: the next step
        primary = page.evaluate("Array.from(document.querySelectorAll('main .btn.primary'))"
                                ".filter(b => b.checkVisibility())"
                                ".map(b => b.closest('#next-step') ? b.innerText : '!')")
        assert len(primary) <= 1 and "!" not in primary, (who, primary)
        assert not any("informe final" in p for p in primary)
    finally:
        context.close()


def test_the_board_s_next_step_is_the_work_waiting(chromium, live_server, busy, board):
    context, page = open_page(chromium, live_server, board, f"/alliances/{busy.id}")
    try:
        link = page.locator("#next-step-link")
        assert link.is_visible()
        assert link.get_attribute("href") != f"/alliances/{busy.id}"
        assert "#more-actions" and page.locator("#more-actions").count() == 1
        assert not page.locator("#more-actions .action-form").first.is_visible()
        page.click("#more-actions summary")  # the other actions unfold without JavaScript too
        assert page.locator("#more-actions .action-form").first.is_visible()
        # money at a glance: spent and available, in Spanish, with bars
        assert page.text_content("#balance-disbursed").strip().replace("\xa0", " ") == "Bs 200.000,00"
        assert page.locator("meter#bar-received").get_attribute("value") == "200000.00"
        # the stage sections link to their pages
        for sel in ("#execution-expenses-link", "#assistance-link", "#indicators-link", "#tranche-link-2"):
            assert page.locator(sel).is_visible(), sel
        page.click("#next-step-link")
        page.wait_for_load_state()
        assert f"/alliances/{busy.id}" in page.url or "/ta-contracts/" in page.url
    finally:
        context.close()


def test_the_history_and_the_audit_trail_read_on_a_phone(chromium, live_server, busy, board, auditor):
    """Sentences that wrap, not seven squeezed columns: nothing is wider than the phone, the data unfolds."""
    context, page = open_page(chromium, live_server, board, f"/alliances/{busy.id}", js=False)
    try:
        page.click("#history summary")
        first = page.locator("#alliance-history .sentence").first
        assert first.is_visible() and first.bounding_box()["width"] <= SCREEN["width"]
        page.locator("#alliance-history .event-data summary").first.click()
        assert page.locator("#alliance-history .event-data dl").first.is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= SCREEN["width"]
    finally:
        context.close()
    context, page = open_page(chromium, live_server, auditor, "/audit?raw=1", js=False)
    try:
        assert page.locator("#audit-events .sentence").count() >= 10
        assert page.locator("table").count() == 0
        assert page.evaluate("document.documentElement.scrollWidth") <= SCREEN["width"]
    finally:
        context.close()
