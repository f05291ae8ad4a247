"""On a 360 px phone, in Spanish, without JavaScript: a federation's president opens the roll-up from the
federation's page, adds an objective, the assembly's review (a refused date keeps what was typed) and an action
to its strategic plan; every page fits the screen."""
import pytest

from grants.associations import services as associations
from grants.extensions import db as _db
from grants.organisation import services
from tests.browser import fits, sign_in

pytestmark = pytest.mark.browser


def test_federation_president_on_a_phone_without_javascript(db, chromium, live_server, make_association,
                                                           make_user, admin):
    fed = make_association(name="Federación del Altiplano Norte", members=2)
    associations.update_association(fed, {"level": 2}, admin)
    for i in range(3):
        base = make_association(name=f"Asociación de Base Número {i}", members=5 + i)
        associations.update_association(base, {"parent_id": fed.id}, admin)
    _db.session.commit()
    president = make_user(memberships=[(fed, "board")])
    context = chromium.new_context(viewport={"width": 360, "height": 740}, locale="es-BO", base_url=live_server,
                                   java_script_enabled=False)
    phone = context.new_page()
    phone.set_default_timeout(20_000)
    try:
        sign_in(phone, president.email)
        phone.goto(f"/associations/{fed.id}")
        phone.click("#rollup-link")
        phone.wait_for_selector("#rollup-people")
        assert phone.inner_text("#rollup-families") == str(2 + 5 + 6 + 7)
        assert "Asociación de Base Número 2" in phone.inner_text("#rollup-associations")
        assert fits(phone)
        phone.goto(f"/associations/{fed.id}/strategic-plan")
        phone.fill("#title", "Vender juntos con una marca común")
        phone.click("#objective-form button[type=submit]")
        phone.wait_for_selector("#objective-0")
        assert "Se guardó el plan estratégico" in phone.content()
        phone.fill("#period", "2026–2030")
        phone.fill("#reviewed_on", "2099-05-01")  # an assembly in the future: refused, what was typed stays
        phone.fill("#review_reference", "Acta 7, libro 1")
        phone.click("#review-form button[type=submit]")
        phone.wait_for_selector(".flash.error")
        assert "La fecha no puede ser futura" in " ".join(phone.locator(".flash.error").all_inner_texts())
        assert phone.input_value("#review_reference") == "Acta 7, libro 1"
        assert phone.input_value("#period") == "2026–2030"
        assert fits(phone)
        phone.fill("#reviewed_on", "2026-05-01")
        phone.click("#review-form button[type=submit]")
        phone.wait_for_selector("#plan-reviewed")
        assert "Acta 7, libro 1" in phone.inner_text("#plan-reviewed")
        phone.fill("#description", "Estudio de mercado")
        phone.fill("#responsible", "Secretaría de comercialización")
        phone.fill("#due_on", "2027-02-28")
        phone.click("#action-form button[type=submit]")
        phone.wait_for_selector("#action-0-0")
        assert "Estudio de mercado" in phone.inner_text("#action-0-0")
        assert fits(phone)
    finally:
        context.close()
    _db.session.expire_all()
    plan = services.strategic_plan_of(fed)
    assert [a.description for a in plan.objectives[0].actions] == ["Estudio de mercado"]
