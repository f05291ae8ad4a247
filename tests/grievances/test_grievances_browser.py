"""Issue 15 as a member would try it: from a 360 px phone without JavaScript and without signing in, file an
anonymous grievance from the public portal, keep the code, follow it, and later read the public answer."""
import re

from grants.grievances import services
from grants.grievances.models import Grievance


def test_an_anonymous_member_files_from_a_phone_without_javascript_and_follows_it(chromium, live_server, db,
                                                                                  association, grievance_officer):
    context = chromium.new_context(viewport={"width": 360, "height": 740}, locale="es-BO", base_url=live_server,
                                   java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        page.goto("/portal")
        page.click("#portal-file-grievance")
        page.wait_for_url("**/grievances/new")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.select_option("select[name=category]", "favoritism")
        page.fill("textarea[name=description]", "Solo reciben semilla los parientes del presidente.")
        assert page.is_checked("input[name=anonymous]")  # anonymous unless the member says otherwise
        page.click("#file-grievance")
        page.wait_for_url("**/grievances/filed")
        code = page.inner_text("#tracking-code").strip()
        assert re.fullmatch(r"QR-\w{4}-\w{4}-\w{4}", code)
        page.click("#follow-link")
        assert page.inner_text("#grievance-state").strip() == "Recibido"
        assert page.evaluate("document.documentElement.scrollWidth") <= 360

        g = db.session.query(Grievance).one()
        assert g.anonymous and g.reporter_id is None and g.contact is None
        services.transition(g, "resolve", grievance_officer, {"resolution": "Se revisó la lista de entrega."})
        db.session.commit()

        page.goto("/grievances/track")  # another day: the code typed by hand, in lower case
        page.fill("input[name=code]", code.lower())
        page.click("#track-submit")
        page.wait_for_url(f"**/grievances/track/{code}")
        assert page.inner_text("#grievance-state").strip() == "Resuelto"
        assert "Se revisó la lista de entrega." in page.inner_text("#public-answer")
        assert "Solo reciben semilla" not in page.content()  # the description is not public
    finally:
        context.close()
