"""The public transparency portal: funded alliances with amounts and results, aggregates, filters, pages,
the API, cache headers and 304, both languages, and no personal data at all (checked on the demo)."""
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.demo_snapshot import seed_demo
from grants.accounts.models import User
from grants.alliances.models import Attachment
from grants.associations.models import Association, Buyer, Member
from tests.reports_support import expected, world  # noqa: F401

D = Decimal


def test_portal_lists_funded_alliances_with_amounts_and_results(db, world, client):
    resp = client.get("/portal")  # no login
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    a1, a2, a3 = world["a1"], world["a2"], world["a3"]
    assert a1.code in html and a2.code in html and a3.code not in html  # a draft is not funded
    assert '<html lang="es">' in html  # Spanish by default
    assert "140.000,00" in html and "39.999,99" in html  # A1's grant, A2's disbursed grant
    assert "<script" not in html and "<img" not in html and "<svg" not in html
    assert len(resp.data) < 60_000
    assert 'class="nav"' not in html  # no private navigation
    assert "csrf_token" not in html


def test_portal_api(db, world, api):
    resp = api().get("/portal")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["total"] == 2 and body["page"] == 1 and body["per_page"] == 50
    items = {i["code"]: i for i in body["items"]}
    one = items[world["a1"].code]
    assert one["amounts"] == {"grant": "140000.00", "counterpart_cash": "25000.00", "counterpart_in_kind": "25000.00",
                              "other": "2500.00", "total": "192500.00"}
    assert one["disbursed"] == "70000.00" and one["state"] == "in_execution" and one["families"] == 20
    assert one["region"] == "La Paz" and one["municipality"] == "Achacachi" and one["product"] == "Leche"
    results = {r["code"]: r for r in one["results"]}
    assert set(results) == {"net_income_per_family", "sales_volume"}  # standard indicators only
    income = results["net_income_per_family"]
    assert (income["baseline"], income["target"], income["actual"]) == ("1000.00", "2000.00", "2100.00")
    assert income["name"] and income["unit"]  # the catalog's title, not the stored code
    assert (results["sales_volume"]["actual"], results["sales_volume"]["target"]) == ("15.00", "20.00")
    regions = {a["key"]: a for a in body["aggregates"]["by_region"]}
    assert regions["Potosí"]["grant"] == "80000.00" and regions["Potosí"]["disbursed"] == "39999.99"
    assert regions["La Paz"]["families"] == 20 and regions["La Paz"]["alliances"] == 1
    exp = expected(world, ("a1", "a2"))
    assert sum(a["families"] for a in body["aggregates"]["by_year"]) == exp["families_reached"]
    assert sum(a["women"] for a in body["aggregates"]["by_region"]) == exp["women_reached"]
    (year,) = body["aggregates"]["by_year"]
    assert D(year["grant"]) == exp["committed"] and D(year["counterpart"]) == exp["counterpart_planned"]


def test_portal_filters_and_pages(db, world, api, client, call):
    potosi = api().get("/portal?region=Potosí").get_json()
    assert [i["code"] for i in potosi["items"]] == [world["a2"].code] and potosi["filters"] == {"region": "Potosí"}
    assert api().get("/portal?product=Quinua").get_json()["total"] == 0  # A3 is a draft
    assert api().get(f"/portal?year={call.opens_at.year}").get_json()["total"] == 2
    assert api().get(f"/portal?year={call.opens_at.year + 1}").get_json()["total"] == 0
    first = api().get("/portal?per_page=1").get_json()
    second = api().get("/portal?per_page=1&page=2").get_json()
    assert first["total"] == second["total"] == 2 and len(first["items"]) == len(second["items"]) == 1
    assert first["items"][0]["code"] != second["items"][0]["code"]
    assert api().get("/portal?page=9").get_json()["items"] == []
    for bad in ("year=abc", "per_page=500", "page=0", "region=" + "x" * 300):
        assert api().get(f"/portal?{bad}").status_code == 400, bad
    html = client.get("/portal?region=Potosí").get_data(as_text=True)
    assert world["a2"].code in html and world["a1"].code not in html
    assert client.get("/portal?page=abc&year=zz&region=%00").status_code == 200


@pytest.mark.parametrize("path", ["/portal", "/api/v1/portal"])
def test_cache_headers_and_304(db, world, client, path):
    resp = client.get(path)
    assert resp.status_code == 200
    assert resp.headers["Cache-Control"] == "public, max-age=300"
    etag = resp.headers["ETag"]
    assert etag and "Set-Cookie" not in resp.headers
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200
    # the data changes: the ETag changes
    from grants.alliances.budget import Tranche

    tranche = db.session.execute(sa.select(Tranche).where(Tranche.state == "planned")).scalars().first()
    tranche.state, tranche.disbursed_amount = "disbursed", D("40000.00")
    db.session.commit()
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_portal_in_english_and_linked_from_login(db, world, client):
    html = client.get("/portal?lang=en").get_data(as_text=True)
    assert "Transparency portal" in html and "Funded alliances" in html and "140,000.00" in html
    login = client.get("/login").get_data(as_text=True)
    assert 'id="portal-link"' in login and 'href="/portal"' in login


def test_signed_in_users_see_the_same_public_page(db, world, login, admin, client):
    mine = login(admin).get("/portal").get_data(as_text=True)
    assert admin.name not in mine and admin.email not in mine
    assert "/logout" not in mine and 'id="nav-portfolio"' not in mine


# --- no personal data, on the demo data ------------------------------------------------------------

PERSONAL_KEYS = {"full_name", "national_id", "phone", "birth_year", "hectares", "sex", "indigenous", "email",
                 "bank_account", "bank_name", "contact_name", "filename", "name_of_user", "user_id", "members"}


def _keys(value, found):
    if isinstance(value, dict):
        for k, v in value.items():
            found.add(k)
            _keys(v, found)
    elif isinstance(value, list):
        for v in value:
            _keys(v, found)
    return found


def _public_texts(client):
    """Every portal page and answer, in both languages, every page of the list and every filter."""
    texts, keys = [], set()
    for lang in ("es", "en"):
        first = client.get(f"/portal?lang={lang}")
        assert first.status_code == 200
        texts.append(first.get_data(as_text=True))
    body = client.get("/api/v1/portal?per_page=100").get_json()
    assert body["total"] >= 1, "the demo has funded alliances to publish"
    texts.append(str(body))
    _keys(body, keys)
    for page in range(2, -(-body["total"] // 20) + 1):
        texts.append(client.get(f"/portal?page={page}").get_data(as_text=True))
    for a in body["aggregates"]["by_region"]:
        texts.append(client.get(f"/portal?region={a['key']}").get_data(as_text=True))
        texts.append(str(client.get(f"/api/v1/portal?region={a['key']}").get_json()))
    return "\n".join(texts), keys


def test_no_personal_data_on_the_portal(db, client):
    seed_demo(db)
    text, keys = _public_texts(client)
    assert not keys & PERSONAL_KEYS, keys & PERSONAL_KEYS
    secrets = []
    for member in db.session.execute(sa.select(Member)).scalars():
        for column in Member.__table__.columns:
            value = getattr(member, column.key)
            if isinstance(value, str) and len(value) >= 4:  # names, ID numbers, phones
                secrets.append((f"member.{column.key}", value))
    assert len(secrets) > 300
    for user in db.session.execute(sa.select(User)).scalars():
        secrets += [("user.name", user.name), ("user.email", user.email)]
    for assoc in db.session.execute(sa.select(Association)).scalars():
        secrets += [(f"association.{k}", getattr(assoc, k)) for k in ("bank_account", "phone", "email")
                    if getattr(assoc, k)]
    for buyer in db.session.execute(sa.select(Buyer)).scalars():
        secrets += [(f"buyer.{k}", getattr(buyer, k)) for k in ("contact_name", "email", "phone")
                    if getattr(buyer, k)]
    for att in db.session.execute(sa.select(Attachment)).scalars():
        secrets.append(("attachment.filename", att.filename))
    leaks = [(what, value) for what, value in secrets if value in text]
    assert not leaks, leaks[:10]
    # what is public is there: the funded associations' names and places
    published = {i["association"] for i in client.get("/api/v1/portal").get_json()["items"]}
    assert published and all(name in text for name in published)


def test_portal_on_a_phone_without_signing_in(db, world, phone):
    phone.goto("/portal")
    assert phone.locator("html").get_attribute("lang") == "es"
    assert phone.locator("h1").count() == 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert phone.locator("form[action$='/logout']").count() == 0
    phone.select_option("#p-region", "Potosí")
    phone.click("main form.filters button[type=submit]")
    phone.wait_for_url("**region=Potos*")
    assert phone.locator("article.portal-item").count() == 1
    assert world["a2"].code in phone.locator("article.portal-item h3").inner_text()
    phone.locator("article.portal-item summary").click()
    assert phone.locator("article.portal-item details ul.results").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.click("text=English")
    assert phone.locator("h1").inner_text() == "Transparency portal"


def test_reserved_query_names_give_no_500(db, world, client, login, admin, monkeypatch):
    monkeypatch.setattr("grants.reports.views.PORTAL_PER_PAGE", 1)  # two pages: the pager's links are built
    for path in ("/portal?_method=POST&_anchor=x&_external=1", "/portfolio?_method=POST&_scheme=gopher"):
        resp = (client if path.startswith("/portal") else login(admin)).get(path)
        assert resp.status_code == 200, path
    html = client.get("/portal?region=La+Paz&_method=POST").get_data(as_text=True)
    assert "page=2" not in html  # one alliance in La Paz
    html = client.get("/portal?_method=POST").get_data(as_text=True)
    assert 'href="/portal?page=2"' in html and "_method" not in html
