"""On a 360 px phone, in Spanish: the board records a value of an indicator by sex (a wrong split first, kept
in the form), the officer records a visit with a photo and a follow-up action, the board answers it and the
officer closes it; the alliance page shows the monitoring links. Nothing needs JavaScript."""
import os
import tempfile
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from grants.extensions import db as _db
from grants.monitoring.models import FollowUpAction, IndicatorValue
from tests.browser import fits, sign_in
from tests.monitoring_support import JPEG, executing, indicator, this_month

pytestmark = pytest.mark.browser


def test_monitoring_on_a_phone(phone, alliance, officer, facilitator, board):
    executing(alliance, officer, facilitator, board)
    fam = indicator(alliance, "families")
    fam.baseline, fam.target = 20, 40
    _db.session.commit()
    aid = alliance.id
    sign_in(phone, board.email)
    phone.goto(f"/alliances/{aid}")
    phone.click("#indicators-link")
    phone.select_option("#value-form select[name=indicator_id]", str(fam.id))
    phone.fill("#value-form input[name=period]", this_month())
    phone.fill("#value-form input[name=value]", "31")
    phone.fill("#value-form input[name=women]", "14")
    phone.fill("#value-form input[name=men]", "16")
    phone.click("#save-value")
    assert phone.input_value("#value-form input[name=value]") == "31"
    assert fits(phone)
    phone.fill("#value-form input[name=value]", "30")
    phone.click("#save-value")
    phone.wait_for_selector(f"#progress-{fam.id}")
    assert "50.0" in phone.inner_text(f"#progress-{fam.id}")
    assert fits(phone)
    assert _db.session.scalar(sa.select(IndicatorValue.value)) == 30

    sign_in(phone, officer.email)
    phone.goto(f"/alliances/{aid}/monitoring/visits")
    phone.fill("#visit-form input[name=visited_on]", date.today().isoformat())
    phone.fill("#visit-form input[name=place]", "Achacachi")
    phone.fill("#visit-form input[name=participants]", "22")
    phone.fill("#visit-form textarea[name=findings]", "Galpón terminado, falta bebedero")
    phone.select_option("#visit-form select[name=rating]", "needs_attention")
    phone.fill("#visit-form input[name=actions-0-description]", "Instalar el bebedero")
    phone.fill("#visit-form input[name=actions-0-due_on]", (date.today() + timedelta(days=20)).isoformat())
    with tempfile.NamedTemporaryFile(suffix=".jpg", delete=False) as fh:
        fh.write(JPEG)
    try:
        phone.set_input_files("#visit-form input[name=photos]", fh.name)
        assert fits(phone)
        phone.click("#save-visit")
    finally:
        os.unlink(fh.name)
    phone.wait_for_selector("#photos img")
    assert fits(phone)
    action = _db.session.scalars(sa.select(FollowUpAction)).one()

    sign_in(phone, board.email)
    phone.goto(f"/alliances/{aid}/monitoring/visits/{action.visit_id}")
    phone.fill(f"#answer-{action.id}", "Bebedero instalado")
    phone.click(f"#answer-{action.id}-send")
    phone.wait_for_selector(f"#action-answer-{action.id}")

    sign_in(phone, officer.email)
    phone.goto(f"/alliances/{aid}/monitoring/visits/{action.visit_id}")
    phone.click(f"#close-{action.id}")
    phone.wait_for_selector(f"#action-{action.id}[data-state=closed]")
    _db.session.expire_all()
    assert _db.session.get(FollowUpAction, action.id).state == "closed"
