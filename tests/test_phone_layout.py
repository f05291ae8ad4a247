"""Nothing is wider than a 360 px phone, even with long data: a call title in a filter's options, a long
e-mail in a table, long labels in a responsive table's cells. (A crawl of the demo found these.)"""
import pytest

from grants.extensions import db as _db
from tests.browser import sign_in

pytestmark = pytest.mark.browser


def width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def test_long_texts_wrap_on_a_phone(db, phone, admin, call, make_user, alliance):
    call.title = "Convocatoria nacional 2026 para alianzas productivas de La Paz, Cochabamba, Potosí y Oruro"
    make_user(roles=("officer",), regions=("La Paz",), name="María de los Ángeles Quispe Mamani de Condori",
              email="maria.de.los.angeles.quispe.mamani.condori@gobernacion-lapaz.example.org")
    _db.session.commit()
    sign_in(phone, admin.email)
    for path in ("/alliances/", "/portfolio", "/admin/users/", f"/alliances/{alliance.id}"):
        phone.goto(path)
        assert width(phone) <= 360, path
