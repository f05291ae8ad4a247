"""On a 360 px phone, in Spanish: the board registers an assembly with a decision and the minutes, sees the
quorum, the register's participation figures, and the decision offered on a direct contracting."""
import os
import tempfile
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from grants.associations.assemblies_models import Assembly
from grants.execution import procurement as proc_svc
from grants.extensions import db as _db
from tests.browser import fits, sign_in
from tests.execution_support import PDF, executing, upload

pytestmark = pytest.mark.browser


def test_board_registers_an_assembly_on_a_phone(db, phone, alliance, officer, facilitator, board):
    executing(alliance, officer, facilitator, board)
    folder = tempfile.mkdtemp()
    minutes = os.path.join(folder, "acta.pdf")
    with open(minutes, "wb") as fh:
        fh.write(PDF)
    p = proc_svc.create_procurement(alliance, {"description": "Repuestos", "method": "direct",
                                               "budget_line_id": alliance.budget_lines[0].id,
                                               "direct_reason": "single_supplier", "estimated_amount": "9000.00"},
                                    board)
    proc_svc.add_quotation(p, {"supplier": "Único", "amount": "9000.00"}, upload(PDF, "q.pdf"), board)
    _db.session.commit()
    aid, pid, assoc_id = alliance.id, p.id, alliance.association_id

    sign_in(phone, board.email)
    phone.goto(f"/associations/{assoc_id}")
    phone.click("#assemblies-link")
    phone.click("#new-assembly")
    assert fits(phone)
    phone.fill("input[name=held_on]", (date.today() - timedelta(days=2)).isoformat())
    phone.select_option("select[name=kind]", "ordinary")
    phone.fill("input[name=women]", "9")
    phone.fill("input[name=men]", "7")
    phone.select_option("#decisions-0-kind", "direct_contracting")
    phone.fill("#decisions-0-text", "Contratar al único proveedor de repuestos")
    phone.fill("#decisions-0-votes_for", "15")
    phone.set_input_files("#minutes", minutes)
    phone.click("#register-assembly")
    phone.wait_for_selector("#quorum")
    assert fits(phone)
    a = _db.session.execute(sa.select(Assembly)).scalar_one()
    assert a.quorum_met and (a.women, a.men) == (9, 7) and a.decisions[0].votes_for == 15
    assert phone.locator("#decision-1").is_visible()
    phone.goto(f"/associations/{assoc_id}/assemblies")
    assert "56 %" in phone.inner_text("#attendance-by-sex") and fits(phone)

    phone.goto(f"/alliances/{aid}/execution/procurements/{pid}")
    phone.select_option("select[name=assembly_decision_id]", str(a.decisions[0].id))
    phone.click("#action-award")
    phone.wait_for_selector("text=En el libro de actas")
    assert fits(phone)
