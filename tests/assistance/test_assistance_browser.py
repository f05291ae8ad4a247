"""On a 360 px phone, in Spanish: the board writes terms of reference, invites three providers, records and
scores their proposals and selects one; then contracts it with two deliverables, the provider
submits the first with its file, the board accepts it and the treasurer pays it. Found by name and id."""
import os
import tempfile
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from grants.assistance.models import Contract
from grants.execution.models import Expense
from grants.extensions import db as _db
from tests.assistance_support import live_ta, provider_for
from tests.browser import fits, sign_in
from tests.execution_support import PDF

pytestmark = pytest.mark.browser


def _select_the_provider(phone, aid, line_id, pid, others, proposal_file):
    """Terms of reference, three invitations, three proposals scored, the selection with its minutes, and
    on to the contract form pre-filled for the selected provider."""
    phone.goto(f"/alliances/{aid}")
    phone.click("#assistance-link")
    phone.goto(f"/alliances/{aid}/assistance/selection")
    phone.select_option("select[name=budget_line_id]", str(line_id))
    phone.fill("textarea[name=scope]", "Manejo sanitario del hato lechero")
    phone.fill("textarea[name=deliverables]", "Diagnóstico; plan sanitario")
    phone.fill("input[name=budget]", "3000.00")
    phone.fill("input[name=duration_days]", "90")
    phone.fill("textarea[name=profile]", "Médico veterinario")
    assert fits(phone)
    phone.click("#save-terms")
    phone.wait_for_selector("#terms-state")
    for provider_id in [pid] + others:
        phone.check(f"#invite-{provider_id}")
    phone.click("#save-invitations")
    phone.wait_for_selector("#invited")
    for provider_id, price in zip([pid] + others, ("2900.00", "3000.00", "3100.00")):
        phone.select_option("#proposal-form select[name=provider_id]", str(provider_id))
        phone.fill("#proposal-form input[name=price]", price)
        phone.set_input_files("#proposal-file", proposal_file)
        phone.click("#save-proposal")
        phone.wait_for_selector("#evaluation")
    ids = [row.get_attribute("id").split("-")[1] for row in phone.locator("#evaluation tr[id^=proposal-]").all()]
    for proposal_id, points in zip(ids, ("95", "50", "60")):  # the cheapest (the first row) scores best
        phone.fill(f"#score-{proposal_id}", points)
        phone.click(f"#save-score-{proposal_id}")
        phone.wait_for_selector("#evaluation")
    chosen = phone.locator("#evaluation tr[id^=proposal-]").first.get_attribute("id").split("-")[1]
    phone.select_option("#select-form select[name=proposal_id]", chosen)
    phone.fill("#select-form textarea[name=justification]", "Mejor propuesta técnica")
    phone.click("#select-provider")
    phone.wait_for_selector("#minutes")
    assert fits(phone)
    phone.click("#contract-selected")
    phone.wait_for_selector("#save-contract")
    assert phone.input_value("select[name=provider_id]") == str(pid)


def test_contract_to_first_paid_deliverable_on_a_phone(db, phone, alliance, officer, facilitator, board, treasurer,
                                                       ta_provider):
    line = live_ta(alliance, officer, facilitator, board)
    provider = provider_for(ta_provider, board)
    aid, line_id, pid = alliance.id, line.id, provider.id
    folder = tempfile.mkdtemp()
    report = os.path.join(folder, "informe.pdf")
    with open(report, "wb") as fh:
        fh.write(PDF)
    today, due = date.today(), (date.today() + timedelta(days=30)).isoformat()

    sign_in(phone, board.email)
    others = [provider_for(None, board, name=n).id for n in ("Vet Andes", "Campo Vivo")]
    _select_the_provider(phone, aid, line_id, pid, others, report)
    phone.select_option("select[name=provider_id]", str(pid))
    phone.select_option("select[name=budget_line_id]", str(line_id))
    phone.fill("input[name=amount]", "3000.00")
    phone.fill("input[name=starts_on]", today.isoformat())
    phone.fill("input[name=ends_on]", (today + timedelta(days=90)).isoformat())
    for i, amount in enumerate(("1000.00", "2000.00")):
        phone.fill(f"input[name=deliverables-{i}-description]", f"Informe {i + 1}")
        phone.fill(f"input[name=deliverables-{i}-due_on]", due)
        phone.fill(f"input[name=deliverables-{i}-amount]", amount)
    assert fits(phone)
    phone.click("#save-contract")
    phone.wait_for_selector("#contract-amount")
    contract = _db.session.execute(sa.select(Contract)).scalar_one()
    d1 = contract.deliverables[0].id
    assert fits(phone)
    phone.context.clear_cookies()

    sign_in(phone, ta_provider.email)
    phone.click("#menu-button")  # on a phone the main menu folds behind "Menú"
    phone.click("#nav-ta-contracts")
    phone.click(f"#open-contract-{contract.id}")
    phone.set_input_files(f"#file-{d1}", report)
    phone.fill(f"#note-{d1}", "Diagnóstico del hato")
    phone.click(f"#submit-{d1}")
    phone.wait_for_selector(f"#deliverable-{d1}[data-state=submitted]")
    phone.context.clear_cookies()

    sign_in(phone, board.email)
    phone.goto(f"/ta-contracts/{contract.id}")
    phone.click(f"#accept-{d1}")
    phone.wait_for_selector(f"#deliverable-{d1}[data-state=accepted]")
    phone.context.clear_cookies()

    sign_in(phone, treasurer.email)
    phone.goto(f"/alliances/{aid}")
    phone.click(f"#ta-contract-link-{contract.id}")
    assert phone.input_value(f"#pay-amount-{d1}") == "1000.00"
    phone.fill(f"#pay-number-{d1}", "AT-001")
    assert fits(phone)
    phone.click(f"#pay-{d1}")
    phone.wait_for_selector(f"#deliverable-{d1}")
    assert not phone.locator(f"#pay-form-{d1}").count()
    _db.session.expire_all()
    e = _db.session.execute(sa.select(Expense)).scalar_one()
    assert e.deliverable_id == d1 and str(e.amount) == "1000.00"
