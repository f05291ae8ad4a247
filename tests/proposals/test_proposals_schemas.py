"""One schema per operation in the business intention: the profile page and the API are validated by the models
of ``grants.proposals.schemas`` and ``save_profile`` takes the model (issue 14)."""
import re

import sqlalchemy as sa

from grants.extensions import db
from grants.proposals import services
from grants.proposals.models import Profile
from grants.proposals.schemas import ProfileEdit, ProfileIn

FORM = {"location": "Comunidad Belén, Achacachi", "business_idea": "Centro de acopio con tanque de frío",
        "market_opportunity": "PIL compra toda la leche fría", "current_production": "3.000 litros por día",
        "current_sales": "450000.00", "estimated_investment": "500000,50", "loi_volume": "900000",
        "loi_unit": "litros", "loi_price": "3.80", "loi_quality": "Leche fría a 4 °C, acidez 0,16",
        "loi_delivery": "Diaria, de enero a diciembre", "loi_signed_on": "2026-02-10"}


def error_at(html, name):
    return " ".join(re.findall(rf'<p class="error" id="{name}-err">([^<]*)</p>', html))


def test_a_text_too_long_is_named_at_its_field_in_spanish_and_nothing_is_saved(login, alliance, board):
    resp = login(board).post(f"/alliances/{alliance.id}/profile", data={**FORM, "loi_unit": "u" * 31})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and error_at(html, "loi_unit") == "Como máximo 30 caracteres."
    assert "Centro de acopio con tanque de frío" in html
    assert db.session.execute(sa.select(Profile)).first() is None


def test_the_page_sends_the_whole_profile_and_the_api_only_what_it_names(login, api, alliance, board):
    client = login(board)
    assert client.post(f"/alliances/{alliance.id}/profile", data=FORM).status_code == 302
    profile = db.session.execute(sa.select(Profile)).scalar_one()
    # the page: a cleared text is cleared, a cleared amount is zero
    resp = client.post(f"/alliances/{alliance.id}/profile", data={**FORM, "market_opportunity": "",
                                                                   "loi_price": "", "version": str(profile.version)})
    assert resp.status_code == 302
    db.session.expire_all()
    assert profile.market_opportunity == "" and str(profile.loi_price) == "0.00" and profile.loi_unit == "litros"
    # the API: the letter's fields it names, nothing else
    resp = api(board).put(f"/alliances/{alliance.id}/profile",
                          json={"version": profile.version, "letter_of_intent": {"unit": " kg ", "price": "4.10"}})
    assert resp.status_code == 200, resp.get_json()
    db.session.expire_all()
    assert profile.loi_unit == "kg" and str(profile.loi_price) == "4.10" and profile.location == FORM["location"]
    refused = api(board).put(f"/alliances/{alliance.id}/profile",
                             json={"version": profile.version, "letter_of_intent": {"unit": "u" * 31}})
    assert refused.status_code == 422
    assert [d["field"] for d in refused.get_json()["error"]["details"]] == ["letter_of_intent.unit"]


def test_the_service_takes_the_validated_model(db, alliance, board):
    services.save_profile(alliance, ProfileEdit(location=" Achacachi ", current_sales="10.00"), board)
    assert alliance.profile.location == "Achacachi" and str(alliance.profile.current_sales) == "10.00"
    services.save_profile(alliance, ProfileIn(version=alliance.profile.version, current_sales=None), board)
    assert str(alliance.profile.current_sales) == "0.00" and alliance.profile.location == "Achacachi"
