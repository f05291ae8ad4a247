"""Amounts as people write them (grants/money.py ``parse_amount_input`` and the forms' ``MoneyField``):
Spanish "1.250,50", "1250,50", "1250.50"; English "1,250.50", "1250.50"; an ambiguous entry is refused
with a message that says how to write it, once, at its field; amounts are shown back as the language
writes them, flash messages included. The JSON API keeps its strict "1250.50"."""
import io
import re
from decimal import Decimal

import pytest
import sqlalchemy as sa

from grants.execution.models import Expense
from grants.extensions import db
from grants.money import AmountError, amount_input, parse_amount_input
from tests.execution_support import JPEG, expense_data, executing


@pytest.mark.parametrize("text, value", [
    ("1.250,50", "1250.50"), ("1250,50", "1250.50"), ("1250.50", "1250.50"), ("1250", "1250.00"),
    ("1.250", "1250.00"), ("1.250.000", "1250000.00"), ("12.345.678,9", "12345678.90"), ("0,5", "0.50"),
    ("1.25", "1.25"), ("Bs 1.250,50", "1250.50"), (" 1 250,50 ", "1250.50"), ("Bs. 25.091,70", "25091.70"),
])
def test_spanish_reads_its_own_way_and_the_plain_dot(text, value):
    assert parse_amount_input(text, "es") == Decimal(value)


@pytest.mark.parametrize("text, value", [
    ("1,250.50", "1250.50"), ("1250.50", "1250.50"), ("1,250", "1250.00"), ("1,250,000.5", "1250000.50"),
    ("US$ 12", "12.00"), ("0.05", "0.05"),
])
def test_english_reads_its_own_way(text, value):
    assert parse_amount_input(text, "en") == Decimal(value)


@pytest.mark.parametrize("locale, text, kind", [
    ("es", "1,250", "ambiguous"),      # thousands in English, or 1,25 with three decimals?
    ("es", "1,250.50", "ambiguous"),   # the English order in a Spanish form
    ("es", "1250,505", "ambiguous"),
    ("es", "12.34.56", "invalid"),
    ("es", "mucho", "invalid"),
    ("es", "1e40", "invalid"),
    ("en", "1.250", "ambiguous"),      # a Spanish thousand, or 1.25 with three decimals?
    ("en", "1250,50", "ambiguous"),    # Spanish cents in an English form
    ("en", "1.250,50", "ambiguous"),
    ("en", "12.345", "ambiguous"),
])
def test_ambiguous_or_unreadable_entries_are_refused_never_guessed(locale, text, kind):
    with pytest.raises(AmountError) as err:
        parse_amount_input(text, locale)
    assert err.value.kind == kind


def test_empty_is_none_and_cents_are_never_rounded():
    assert parse_amount_input("", "es") is None and parse_amount_input("  ", "en") is None
    with pytest.raises(AmountError):
        parse_amount_input("1250.505", "es")


def test_the_messages_say_how_to_write_it(app):
    from flask_babel import force_locale

    with app.test_request_context("/"):
        with force_locale("es"):
            with pytest.raises(AmountError) as err:
                parse_amount_input("1,250", "es")
            assert str(err.value.message) == ("“1,250” se puede leer de dos maneras: escriba 1.250 si son miles o "
                                              "1,25 si son centavos.")
            with pytest.raises(AmountError) as err:
                parse_amount_input("mucho", "es")
            assert "1.250,50" in str(err.value.message)
        with force_locale("en"):
            with pytest.raises(AmountError) as err:
                parse_amount_input("1.250", "en")
            assert str(err.value.message) == "“1.250” is ambiguous: write 1,250 for the thousands or 1.25 for the cents."


def test_an_amount_is_shown_for_editing_as_the_language_reads_it():
    assert amount_input(Decimal("1250.50"), "es") == "1250,50" and amount_input("1250.50", "en") == "1250.50"
    assert amount_input(None, "es") == ""
    for loc in ("es", "en"):
        assert parse_amount_input(amount_input(Decimal("25091.70"), loc), loc) == Decimal("25091.70")


# the forms ---------------------------------------------------------------------------------------------

@pytest.fixture
def live(alliance, officer, facilitator, board):
    return executing(alliance, officer, facilitator, board)


def post_expense(client, live, amount, number="F-1", **files):
    data = {k: str(v) for k, v in expense_data(live.budget_lines[0], amount, number=number).items()}
    data["receipt"] = files.get("receipt") or (io.BytesIO(JPEG), "foto.jpg")
    return client.post(f"/alliances/{live.id}/execution/expenses", data=data, content_type="multipart/form-data",
                       follow_redirects=True)


def amounts():
    return [e.amount for e in db.session.execute(sa.select(Expense).order_by(Expense.id)).scalars()]


def text_of(resp):
    return resp.get_data(as_text=True).replace("\xa0", " ")


def test_a_spanish_treasurer_writes_amounts_as_spanish_does(live, treasurer, login):
    web = login(treasurer)
    resp = post_expense(web, live, "1.250,50")
    assert resp.status_code == 200, text_of(resp)[:2000]
    # the flash message writes the amount as the page does, with its currency
    assert "Bs 1.250,50" in text_of(resp) and "1250.50" not in text_of(resp)
    assert post_expense(web, live, "2500,75", number="F-2").status_code == 200
    assert post_expense(web, live, "300.25", number="F-3").status_code == 200
    assert amounts() == [Decimal("1250.50"), Decimal("2500.75"), Decimal("300.25")]
    e = db.session.execute(sa.select(Expense).order_by(Expense.id)).scalars().first()
    page = web.get(f"/alliances/{live.id}/execution/expenses/{e.id}").get_data(as_text=True)
    assert 'value="1250,50"' in page  # shown for editing as Spanish writes it, and read back the same


def test_an_english_treasurer_writes_amounts_as_english_does(live, treasurer, login):
    treasurer.locale = "en"
    db.session.commit()
    web = login(treasurer)
    resp = post_expense(web, live, "1,250.50")
    assert resp.status_code == 200 and "Bs 1,250.50" in text_of(resp)
    resp = post_expense(web, live, "1250,50", number="F-2")
    assert resp.status_code == 422 and 'value="1250,50"' in text_of(resp)
    assert amounts() == [Decimal("1250.50")]


def test_an_ambiguous_amount_is_one_clear_error_at_its_field_and_loses_nothing(live, treasurer, login):
    resp = post_expense(login(treasurer), live, "1,250")
    html = text_of(resp)
    assert resp.status_code == 422
    message = "“1,250” se puede leer de dos maneras: escriba 1.250 si son miles o 1,25 si son centavos."
    assert html.count(message) == 1
    assert re.search(r'<p class="error" id="amount-err">' + re.escape(message) + "</p>", html)
    assert 'value="1,250"' in html and 'value="Ferretería Illimani"' in html
    assert "Escriba un monto mayor que cero" not in html
    assert amounts() == []


def test_the_api_keeps_its_plain_amounts(live, treasurer, api):
    line = live.budget_lines[0]
    body = {k: (str(v) if not isinstance(v, int) else v) for k, v in expense_data(line, "1250.50").items()}
    resp = api(treasurer).post(f"/alliances/{live.id}/expenses", json=body)
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["amount"] == "1250.50"
    body["amount"], body["document_number"] = "1.250,50", "F-2"
    resp = api(treasurer).post(f"/alliances/{live.id}/expenses", json=body)
    assert resp.status_code in (400, 422)
    assert amounts() == [Decimal("1250.50")]


def test_a_wrong_file_is_said_once_at_its_field(live, treasurer, login):
    resp = post_expense(login(treasurer), live, "1000,00", receipt=(io.BytesIO(b"GIF89a not accepted"), "foto.jpg"))
    html = text_of(resp)
    assert resp.status_code == 415
    message = "Solo se aceptan archivos PDF, JPEG o PNG."
    assert html.count(message) == 1, html.count(message)
    assert re.search(r'name="receipt"[^<]*>\s*<p class="error">' + re.escape(message) + "</p>", html)
    assert "unsupported_type" not in html


def test_the_draft_form_takes_the_amounts_the_app_itself_shows(db, login, board, call, association):
    """The measured defect: "1.250,50" was refused ("Escriba un monto…") though the app displays it."""
    from grants.alliances.models import Alliance
    from grants.associations.models import Member

    members = db.session.execute(sa.select(Member).where(Member.association_id == association.id)).scalars().all()
    data = {"association_id": association.id, "call_id": call.id, "title": "Quinua orgánica", "product": "Quinua",
            "buyer_id": "0", "buyer_name": "Irupana S.A.", "buyer_tax_id": "998877",
            "requested_grant": "Bs 250.000,00", "estimated_counterpart": "110.000,50",
            "member_ids": [m.id for m in members[:21]]}
    web = login(board)
    resp = web.post("/alliances/new", data=data)
    assert resp.status_code == 302, text_of(resp)[:3000]
    alliance = db.session.execute(sa.select(Alliance)).scalar_one()
    assert alliance.requested_grant == Decimal("250000.00") and alliance.estimated_counterpart == Decimal("110000.50")
    page = web.get(f"/alliances/{alliance.id}/edit")
    assert page.status_code == 200 and 'value="250000,00"' in page.get_data(as_text=True)
    data.update(requested_grant="-5,00", title="Otra")
    resp = web.post("/alliances/new", data=data)
    assert resp.status_code == 400 and "Escriba un monto igual o mayor que cero." in text_of(resp)


@pytest.mark.browser
def test_the_budget_page_reads_spanish_amounts_as_they_are_typed(db, phone, alliance, officer, facilitator):
    from grants.alliances.budget import BudgetLine
    from tests.browser import sign_in
    from tests.plan_helpers import start_plan

    start_plan(alliance, officer, facilitator)
    db.session.commit()
    sign_in(phone, facilitator.email)
    phone.goto(f"/alliances/{alliance.id}/plan/budget")
    phone.select_option("select[name=category]", "equipment")
    phone.fill("input[name=description]", "Tanque de frío")
    phone.fill("input[name=quantity]", "2")
    phone.fill("input[name=unit_cost]", "100.000,25")
    assert phone.text_content("#line-total").strip() == "Bs 200.000,50"  # computed as typed
    phone.fill("input[name=grant]", "Bs 140.000,50")
    phone.fill("input[name=counterpart_cash]", "20000")
    phone.fill("input[name=counterpart_in_kind]", "40.000")
    assert "rule-ok" in phone.get_attribute("#line-state", "class")
    phone.fill("input[name=counterpart_in_kind]", "40,000")  # ambiguous: the live summary refuses it too
    assert "rule-ok" not in phone.get_attribute("#line-state", "class")
    phone.fill("input[name=counterpart_in_kind]", "40000.00")
    phone.click("#save-line")
    phone.wait_for_url(f"**/alliances/{alliance.id}/plan/budget*")
    line = db.session.execute(sa.select(BudgetLine)).scalar_one()
    assert (line.unit_cost, line.grant, line.counterpart_in_kind, line.total) == (
        Decimal("100000.25"), Decimal("140000.50"), Decimal("40000.00"), Decimal("200000.50"))


def test_an_entry_refused_as_ambiguous_never_reaches_a_service_as_a_number(live, treasurer, login):
    """English "1.250" is refused by the form; it must not pass on to the service as Decimal("1.250")."""
    treasurer.locale = "en"
    db.session.commit()
    for text in ("1.250", "12.345"):
        resp = post_expense(login(treasurer), live, text)
        assert resp.status_code == 422 and f'value="{text}"' in text_of(resp)
        assert "is ambiguous" in text_of(resp)
    assert amounts() == []
