"""On a 360 px phone, in Spanish: the facilitator builds the budget (the summary recomputes as they type),
plans the tranches and submits; the officer appraises and sends the plan to the committee; three members
score it and the plan is approved with its minutes. Elements are found by name and id, not by text."""
import pytest
import sqlalchemy as sa

from grants.alliances.budget import BudgetLine
from grants.extensions import db as _db
from grants.plans.models import CommitteeMinutes, Review
from tests.browser import fits, sign_in
from tests.plan_helpers import fill_assessments, fill_cash_flow, fill_indicators, fill_sections, start_plan

pytestmark = pytest.mark.browser


def act(page, action):
    """Press the button of a workflow action (the forms carry the action's name)."""
    page.locator(f"form:has(input[name=action][value={action}]) button[type=submit]").first.click()


def switch(page, user):
    page.context.clear_cookies()
    sign_in(page, user.email)


def test_budget_to_approval_on_a_phone(db, phone, alliance, officer, facilitator, board, committee, make_user):
    start_plan(alliance, officer, facilitator)
    fill_sections(alliance, facilitator)
    fill_indicators(alliance, facilitator)
    fill_assessments(alliance, facilitator)
    fill_cash_flow(alliance, facilitator)
    _db.session.commit()
    members = [committee, make_user(roles=["committee"]), make_user(roles=["committee"])]
    aid = alliance.id

    # the facilitator builds the budget
    sign_in(phone, facilitator.email)
    assert phone.locator("html").get_attribute("lang") == "es"
    phone.goto(f"/alliances/{aid}")
    phone.click("#plan-budget-link")
    phone.wait_for_url(f"**/alliances/{aid}/plan/budget")
    phone.select_option("select[name=category]", "equipment")
    phone.fill("input[name=description]", "Tanque de frío de 2.000 litros")
    phone.fill("input[name=unit]", "unidad")
    phone.fill("input[name=quantity]", "2")
    phone.fill("input[name=unit_cost]", "100000")
    assert phone.text_content("#line-total").strip() == "Bs 200.000,00"  # computed as typed
    phone.fill("input[name=grant]", "150000")
    phone.fill("input[name=counterpart_cash]", "20000")
    phone.fill("input[name=counterpart_in_kind]", "30000")
    assert "rule-fail" in phone.get_attribute("#rule-grant_share_exceeded", "class")  # 75 % before saving
    assert phone.text_content("#rule-grant_share_exceeded .rule-value").strip() == "75,00 %"
    phone.fill("input[name=grant]", "140000")
    phone.fill("input[name=counterpart_in_kind]", "40000")
    assert "rule-ok" in phone.get_attribute("#rule-grant_share_exceeded", "class")
    assert "rule-ok" in phone.get_attribute("#line-state", "class")
    assert fits(phone)
    phone.click("#save-line")
    phone.wait_for_url(f"**/alliances/{aid}/plan/budget*")
    phone.select_option("select[name=category]", "infrastructure")
    phone.fill("input[name=description]", "Galpón de acopio")
    phone.fill("input[name=quantity]", "1")
    phone.fill("input[name=unit_cost]", "300000,00")
    phone.fill("input[name=grant]", "210000")
    phone.fill("input[name=counterpart_cash]", "30000")
    phone.fill("input[name=counterpart_in_kind]", "60000")
    assert phone.text_content("#fin-total").strip() == "Bs 500.000,00"  # both lines, live
    phone.click("#save-line")
    phone.wait_for_url(f"**/alliances/{aid}/plan/budget*")
    assert phone.locator("#budget-lines tbody tr").count() == 2
    assert fits(phone)

    # tranches that add up to the grant
    phone.click("#nav-tranches")
    for amount, day in (("200000", "2027-03-01"), ("150000", "2027-09-01")):
        phone.fill("input[name=amount]", amount)
        phone.fill("input[name=planned_on]", day)
        phone.fill("textarea[name=conditions]", "Convenio firmado")
        phone.click("#save-tranche")
        phone.wait_for_url(f"**/alliances/{aid}/plan/tranches")
    assert "ok" in phone.get_attribute("#tranche-balance", "class")

    phone.goto(f"/alliances/{aid}")
    assert phone.locator("#plan-precheck.ok").count() == 1
    act(phone, "submit_plan")
    phone.wait_for_url(f"**/alliances/{aid}")
    assert phone.locator(".badge.state-plan_submitted").count() == 1
    assert fits(phone)

    # the officer appraises and sends the plan to the committee
    switch(phone, officer)
    phone.goto(f"/alliances/{aid}")
    act(phone, "start_appraisal")
    phone.wait_for_url(f"**/alliances/{aid}")
    phone.click("#plan-appraisal-link")
    for select in phone.locator("#appraisal-form select").all():
        select.select_option("yes")
    phone.fill("textarea[name=opinion]", "Plan viable: comprador firme, costos razonables.")
    phone.click("#save-appraisal")
    phone.wait_for_url(f"**/alliances/{aid}/plan/appraisal")
    assert fits(phone)
    act(phone, "send_to_committee")
    phone.wait_for_url(f"**/alliances/{aid}")
    assert phone.locator(".badge.state-committee_review").count() == 1

    # three members score it, each blind to the others until their own is in
    for i, member in enumerate(members):
        switch(phone, member)
        phone.goto(f"/alliances/{aid}")
        phone.click("#plan-review-link")
        if i:
            assert phone.locator("#blind-note").count() == 1 and phone.locator("#reviews").count() == 0
        phone.check("input[name=declares_no_conflict]")
        for select in phone.locator("#review-form select[name^=score_]").all():
            select.select_option("4")
        phone.select_option("select[name=recommendation]", "approve")
        assert fits(phone)
        phone.click("#submit-review")
        phone.wait_for_url(f"**/alliances/{aid}/plan/reviews")
        assert phone.locator("#reviews tbody tr").count() == i + 1

    # the quorum is in: the last member records the decision
    act(phone, "approve")
    phone.wait_for_url(f"**/alliances/{aid}")
    assert phone.locator(".badge.state-approved").count() == 1
    assert phone.locator("#minutes-link").count() == 1
    assert fits(phone)

    _db.session.expire_all()
    alliance = _db.session.get(type(alliance), aid)
    assert alliance.state == "approved"
    assert _db.session.execute(sa.select(sa.func.count()).select_from(BudgetLine)).scalar() == 2
    assert _db.session.execute(sa.select(sa.func.count()).select_from(Review)).scalar() == 3
    minutes = _db.session.execute(sa.select(CommitteeMinutes)).scalar_one()
    assert minutes.decision == "approve" and minutes.data["average_score"] == "80.00"
