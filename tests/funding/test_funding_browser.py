"""On a 360 px phone, in Spanish: from the approved plan to the first transfer. The officer downloads the
agreement, uploads the signed copy and signs with the counterpart deposit; the board requests the first
tranche; the officer approves it; the finance officer records the transfer from the queue; the officer starts
execution. Elements are found by name and id, not by text."""
import os
import tempfile

import pytest

from grants.extensions import db as _db
from tests.browser import fits, sign_in
from tests.funding_support import PDF_BYTES, approved_alliance

pytestmark = pytest.mark.browser


def act(page, action):
    page.locator(f"form:has(input[name=action][value={action}]) button[type=submit]").first.click()


def switch(page, user):
    page.context.clear_cookies()
    sign_in(page, user.email)


def test_approved_plan_to_first_transfer_on_a_phone(db, phone, alliance, officer, facilitator, board, finance):
    approved_alliance(alliance, officer, facilitator, board)
    aid, tid = alliance.id, alliance.tranches[0].id
    scan = os.path.join(tempfile.mkdtemp(), "convenio-firmado.pdf")
    with open(scan, "wb") as fh:
        fh.write(PDF_BYTES)

    sign_in(phone, officer.email)
    phone.goto(f"/alliances/{aid}")
    assert phone.locator("#funding").is_visible()
    href = phone.get_attribute("#agreement-pdf", "href")
    resp = phone.request.get(href)
    assert resp.status == 200 and resp.body().startswith(b"%PDF")
    phone.set_input_files("#signed-file", scan)
    phone.click("#upload-signed")
    phone.wait_for_selector("#signed-agreement code")
    assert len(phone.text_content("#signed-agreement code").strip()) == 64  # the SHA-256 is shown
    assert fits(phone)
    phone.fill("input[name=counterpart_deposit_reference]", "DEP-2026-15")
    act(phone, "sign_agreement")
    phone.wait_for_selector("#deposit-reference")
    assert phone.text_content("#deposit-reference").strip() == "DEP-2026-15"

    switch(phone, board)
    phone.goto(f"/alliances/{aid}")
    phone.click("#tranche-link-1")
    phone.wait_for_url(f"**/funding/alliances/{aid}/tranches/1")
    phone.click("#action-request")
    phone.wait_for_selector("#tranche-state[data-state=requested]")
    assert phone.locator("#request-letter").is_visible()
    assert fits(phone)

    switch(phone, officer)
    phone.goto("/funding/requests")
    phone.click(f"#open-tranche-{tid}")
    phone.click("#action-approve")
    phone.wait_for_selector("#tranche-state[data-state=approved]")

    switch(phone, finance)
    phone.goto("/funding/disbursements")
    assert fits(phone)
    phone.click(f"#open-tranche-{tid}")
    phone.fill("input[name=reference]", "TRF-0001")
    phone.fill("input[name=disbursed_on]", "2026-01-15")
    phone.click("#action-disburse")
    phone.wait_for_selector("#tranche-state[data-state=disbursed]")
    assert phone.text_content("#disbursement-reference").strip() == "TRF-0001"
    resp = phone.request.get(phone.get_attribute("#disbursement-order", "href"))
    assert resp.status == 200 and resp.body().startswith(b"%PDF")
    assert fits(phone)

    switch(phone, officer)
    phone.goto(f"/alliances/{aid}")
    act(phone, "start_execution")
    phone.wait_for_selector("#funding-balance")
    _db.session.expire_all()
    assert alliance.state == "in_execution"
    assert alliance.tranches[0].state == "disbursed"
