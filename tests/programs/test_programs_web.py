"""Program and call pages: admin forms with every rule, calls list for everyone, La Paz time zone."""
import re
from datetime import datetime, timedelta
from decimal import Decimal

import flask_babel
import pytest
import sqlalchemy as sa

from grants.audit.models import Event
from grants.common import utcnow
from grants.programs.forms import rule_input
from grants.programs.models import DEFAULT_CRITERIA, RULES, Call, Program



class English:
    """A signed-in client whose requests ask for English pages (the tests share one app context, so
    Flask-Babel's cached locale is dropped before each request)."""

    def __init__(self, web):
        self.web = web

    def _url(self, url):
        flask_babel.refresh()
        return url + ("&" if "?" in url else "?") + "lang=en"

    def get(self, url, **kw):
        return self.web.get(self._url(url), **kw)

    def post(self, url, **kw):
        return self.web.post(self._url(url), **kw)


@pytest.fixture
def login_en(login):
    return lambda user: English(login(user))

def rule_defaults(**over):
    """The form as the page first shows it: every rule with its default."""
    data = {}
    for name, (kind, default) in RULES.items():
        if kind == "bool":
            if default:
                data[name] = "y"
        else:
            data[name] = rule_input(kind, default)
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def program_form(**over):
    data = {"code": "PAR-III", "name": "Proyecto de Alianzas Rurales III", "currency": "BOB",
            "description": "Tercera fase", **rule_defaults()}
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def events(db, action, object_id=None):
    query = sa.select(Event).where(Event.action == action)
    if object_id is not None:
        query = query.where(Event.object_id == object_id)
    return db.session.execute(query.order_by(Event.id)).scalars().all()


def by_code(db, code):
    return db.session.execute(sa.select(Program).where(Program.code == code)).scalar()


# ---- programs -----------------------------------------------------------------------------------------------

def test_new_program_form_shows_every_rule_with_its_default(db, login_en, admin):
    html = login_en(admin).get("/programs/new").get_data(as_text=True)
    for name, (kind, default) in RULES.items():
        assert f'name="{name}"' in html, name
    assert 'name="max_grant_share" type="text" value="0.70"' in html
    assert 'name="grant_cap_per_family" type="text" value="14000.00"' in html
    assert 'name="minor_purchase_limit" type="text" value="10000.00"' in html
    assert 'name="min_families" type="text" value="20"' in html
    assert re.search(r'<input checked id="one_open_alliance_per_call"[^>]*type="checkbox"', html)


def test_create_program_with_defaults(db, login_en, admin):
    resp = login_en(admin).post("/programs/new", data=program_form())
    assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]
    program = by_code(db, "PAR-III")
    assert resp.headers["Location"].endswith(f"/programs/{program.id}")
    assert program.rules() == {name: default for name, (_kind, default) in RULES.items()}
    assert program.description == "Tercera fase" and program.currency == "BOB"
    ev = events(db, "create_program", program.id)
    assert len(ev) == 1 and ev[0].actor_id == admin.id and ev[0].data_dict()["rules"]["max_grant_share"] == "0.7000"


def test_create_program_with_custom_rules(db, login_en, admin):
    resp = login_en(admin).post("/programs/new", data=program_form(
        code="PAAP", currency="cop", max_grant_share="0,65", grant_cap_per_family="7000000.00", min_families="25",
        max_families="60", discount_rate="0.125", one_open_alliance_per_call=None, revolving_fund_share="0.3"))
    assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]
    program = by_code(db, "PAAP")
    assert program.currency == "COP"
    assert program.max_grant_share == Decimal("0.65") and program.discount_rate == Decimal("0.125")
    assert program.grant_cap_per_family == Decimal("7000000.00") and program.min_families == 25
    assert program.one_open_alliance_per_call is False and program.revolving_fund_share == Decimal("0.30")


@pytest.mark.parametrize("name, bad, message", [
    ("max_grant_share", "1.5", "Not a valid value for this rule."),
    ("max_grant_share", "setenta", "Not a valid value for this rule."),
    ("grant_cap_per_family", "-1", "Not a valid value for this rule."),
    ("grant_cap_per_family", "9" * 29, "Not a valid value for this rule."),
    ("min_quotations", "2.5", "Not a valid value for this rule."),
    ("committee_quorum", "", "Not a valid value for this rule."),
    ("min_families", "80", "The minimum of families cannot exceed the maximum."),
])
def test_bad_rule_value_is_a_field_error(db, login_en, admin, name, bad, message):
    resp = login_en(admin).post("/programs/new", data=program_form(**{name: bad}))
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    # the message sits in the rule's own field, which keeps what was typed
    field = re.search(rf'<div class="field has-error">\s*<label for="{name}">.*?</div>', html, re.S)
    assert field is not None, html[:5000]
    assert message in field.group(0) and f'value="{bad}"' in field.group(0)
    assert 'value="Proyecto de Alianzas Rurales III"' in html
    assert by_code(db, "PAR-III") is None


def test_program_field_errors(db, login_en, admin, program):
    resp = login_en(admin).post("/programs/new", data=program_form(code=program.code, currency="Bs.", name=""))
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "Another program already uses this code." in html
    assert "Use a three-letter currency code such as BOB or COP." in html
    assert "This field is required." in html
    assert db.session.execute(sa.select(sa.func.count(Program.id))).scalar() == 1


def test_edit_program(db, login_en, admin, program):
    web = login_en(admin)
    html = web.get(f"/programs/{program.id}/edit").get_data(as_text=True)
    assert f'value="{program.code}"' in html and 'name="max_grant_share" type="text" value="0.70"' in html
    resp = web.post(f"/programs/{program.id}/edit", data=program_form(
        code=program.code, name="Nuevo nombre", max_grant_share="0.60", min_counterpart_share="0.40",
        version=str(program.version)))
    assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]
    db.session.expire_all()
    changed = db.session.get(Program, program.id)
    assert changed.name == "Nuevo nombre" and changed.max_grant_share == Decimal("0.60")
    data = events(db, "update_program", program.id)[-1].data_dict()
    assert data["rules"]["max_grant_share"] == {"from": "0.7000", "to": "0.6000"}


def test_edit_program_bad_value_changes_nothing(db, login_en, admin, program):
    resp = login_en(admin).post(f"/programs/{program.id}/edit", data=program_form(
        code=program.code, name="Otro", max_grant_share="0.5", min_quotations="tres"))
    assert resp.status_code == 422
    assert 'value="tres"' in resp.get_data(as_text=True)
    db.session.expire_all()
    unchanged = db.session.get(Program, program.id)
    assert unchanged.name != "Otro" and unchanged.max_grant_share == Decimal("0.70")
    assert events(db, "update_program") == []


def test_program_detail_states_the_rules_in_plain_words(db, login_en, admin, make_call, program):
    make_call(envelope="2500000.00")
    html = login_en(admin).get(f"/programs/{program.id}?lang=en").get_data(as_text=True)
    assert "Grant at most 70.00 % of the total cost" in html
    assert "Counterpart in cash at least 10.00 % of the total cost" in html
    assert "Grant at most Bs 14,000.00 per family" in html
    assert "At least 20 families per alliance" in html and "At most 60 families per alliance" in html
    assert "A price comparison needs at least 3 quotations" in html
    assert "An association may have only one open alliance in each call" in html
    assert "Bs 2,500,000.00" in html and "Open until" in html


def test_programs_list(db, login_en, admin, make_program, make_call, program):
    make_call()
    make_call()
    other = make_program()
    html = login_en(admin).get("/programs/").get_data(as_text=True)
    assert program.code in html and other.code in html
    row = re.search(rf">{program.code}</a>.*?</tr>", html, re.S).group(0)
    assert '<td data-label="Calls" class="num">2</td>' in row


def test_unknown_program_is_404(db, login_en, admin):
    web = login_en(admin)
    assert web.get("/programs/12345").status_code == 404
    assert web.get("/programs/12345/edit").status_code == 404
    assert web.get("/programs/abc").status_code == 404


# ---- calls --------------------------------------------------------------------------------------------------

def call_form(program, **over):
    data = {"program_id": str(program.id), "title": "Convocatoria Altiplano 2026", "description": "",
            "opens_at": "2026-03-01T08:00", "closes_at": "2026-03-31T18:00", "envelope": "1500000.00",
            "regions": "La Paz, Oruro"}
    for i, (code, en, _es, weight) in enumerate(DEFAULT_CRITERIA):
        data.update({f"criteria-{i}-code": code, f"criteria-{i}-name": en, f"criteria-{i}-weight": str(weight),
                     f"criteria-{i}-max": "5"})
    data.update({"criteria-5-code": "", "criteria-5-name": "", "criteria-5-weight": "", "criteria-5-max": ""})
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def test_new_call_form_prefills_the_default_criteria(db, login_en, admin, program, committee):
    html = login_en(admin).get(f"/programs/calls/new?program_id={program.id}").get_data(as_text=True)
    for i, (code, _en, es, weight) in enumerate(DEFAULT_CRITERIA):
        assert f'name="criteria-{i}-code" type="text" value="{code}"' in html
        assert f'name="criteria-{i}-weight" size="4" type="text" value="{weight}"' in html
    assert f'name="criteria-{len(DEFAULT_CRITERIA) + 2}-code" type="text" value=""' in html  # blank rows
    assert 'type="datetime-local"' in html
    assert f'<option selected value="{program.id}">' in html
    assert f'value="{committee.id}"> Carmen Comité' in html


def test_create_call_in_la_paz_time_stores_utc(db, login_en, admin, program, committee):
    web = login_en(admin)
    resp = web.post("/programs/calls/new", data=call_form(program, committee_ids=[str(committee.id)]))
    assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]
    call = db.session.execute(sa.select(Call)).scalar()
    # America/La_Paz is UTC-4 all year
    assert call.opens_at == datetime(2026, 3, 1, 12, 0) and call.closes_at == datetime(2026, 3, 31, 22, 0)
    assert call.envelope == Decimal("1500000.00") and call.regions == ["La Paz", "Oruro"]
    assert call.committee_ids == [committee.id]
    assert [(c.code, c.weight, c.max) for c in call.criteria] == [(c[0], c[3], 5) for c in DEFAULT_CRITERIA]
    ev = events(db, "create_call", call.id)
    assert len(ev) == 1 and ev[0].actor_id == admin.id
    # shown back in La Paz time
    html = web.get(f"/programs/calls/{call.id}/edit").get_data(as_text=True)
    assert 'value="2026-03-01T08:00"' in html and 'value="2026-03-31T18:00"' in html
    assert re.search(rf'checked[^>]*value="{committee.id}"', html)


def test_criteria_weights_must_sum_to_100(db, login_en, admin, program):
    resp = login_en(admin).post("/programs/calls/new", data=call_form(program, **{"criteria-0-weight": "35"}))
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "The weights of the criteria must add up to 100." in html
    assert 'name="criteria-0-weight" size="4" type="text" value="35"' in html
    assert "Total of the weights</td><td data-label=\"Weight\">105</td>" in html
    assert 'value="Convocatoria Altiplano 2026"' in html and 'value="2026-03-01T08:00"' in html
    assert db.session.execute(sa.select(sa.func.count(Call.id))).scalar() == 0


def test_custom_criteria_and_bad_rows(db, login_en, admin, program):
    web = login_en(admin)
    data = call_form(program, **{"criteria-0-name": "Mercado", "criteria-4-code": "", "criteria-4-name": "",
                                 "criteria-4-weight": "", "criteria-5-code": "market", "criteria-5-weight": "10"})
    resp = web.post("/programs/calls/new", data=data)
    assert resp.status_code == 422
    assert "Each criterion needs a unique code" in resp.get_data(as_text=True)
    data["criteria-5-code"] = "gender"
    data["criteria-5-name"] = "Enfoque de género"
    resp = web.post("/programs/calls/new", data=data)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]
    call = db.session.execute(sa.select(Call)).scalar()
    assert [(c.code, c.weight) for c in call.criteria] == [
        ("market", 30), ("viability", 25), ("organization", 20), ("inclusion", 15), ("gender", 10)]
    assert call.criteria[0].name == "Mercado" and call.criteria[4].name == "Enfoque de género"


def test_call_without_criteria_is_refused(db, login_en, admin, program):
    data = call_form(program)
    for key in list(data):
        if key.startswith("criteria-"):
            data[key] = ""
    resp = login_en(admin).post("/programs/calls/new", data=data)
    assert resp.status_code == 422
    assert "Give at least one scoring criterion." in resp.get_data(as_text=True)


@pytest.mark.parametrize("over, message", [
    ({"opens_at": "mañana"}, "Not a valid datetime value."),
    ({"closes_at": "2026-02-01T08:00"}, "The call must close after it opens."),
    ({"envelope": "mucho"}, "Write the amount like 1,250.50"),
    ({"envelope": "1e40"}, "Write the amount like 1,250.50"),
    ({"program_id": "999"}, "Not a valid choice"),
    ({"program_id": ""}, "Choose a program."),
    ({"committee_ids": ["abc"]}, "is not a valid choice"),
    ({"criteria-0-weight": "tres"}, "Each criterion needs a unique code"),
    ({"criteria-0-weight": "1234567"}, "Field cannot be longer than 6 characters."),
])
def test_bad_call_input_is_a_4xx_with_a_message(db, login_en, admin, program, over, message):
    resp = login_en(admin).post("/programs/calls/new", data=call_form(program, **over))
    assert resp.status_code == 422
    assert message in resp.get_data(as_text=True)
    assert db.session.execute(sa.select(sa.func.count(Call.id))).scalar() == 0


def test_edit_call(db, login_en, admin, call, committee):
    web = login_en(admin)
    ids = {c.code: c.id for c in call.criteria}
    data = call_form(call.program, title="Convocatoria corregida", envelope="3000000", regions="Potosí",
                     committee_ids=[str(committee.id)], version=str(call.version))
    resp = web.post(f"/programs/calls/{call.id}/edit", data=data)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]
    db.session.expire_all()
    changed = db.session.get(Call, call.id)
    assert changed.title == "Convocatoria corregida" and changed.envelope == Decimal("3000000.00")
    assert changed.regions == ["Potosí"] and changed.committee_ids == [committee.id]
    assert {c.code: c.id for c in changed.criteria} == ids  # same rows, kept by code
    data = events(db, "update_call", call.id)[-1].data_dict()
    assert data["title"]["to"] == "Convocatoria corregida" and data["envelope"]["to"] == "3000000.00"


def test_edit_call_with_stale_version_is_refused(db, login_en, admin, call):
    resp = login_en(admin).post(f"/programs/calls/{call.id}/edit", data=call_form(call.program, title="Tarde",
                                                                               version="99"))
    assert resp.status_code == 409
    db.session.expire_all()
    assert db.session.get(Call, call.id).title != "Tarde"


def test_calls_list_for_everyone_open_first(db, login_en, board, make_call):
    closed = make_call(opens=-60, closes=-30)
    upcoming = make_call(opens=10, closes=40, regions=["Oruro"])
    open_call = make_call(opens=-5, closes=5, envelope="750000.00")
    resp = login_en(board).get("/programs/calls?lang=en")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    positions = [html.index(c.title) for c in (open_call, upcoming, closed)]
    assert positions == sorted(positions)
    assert "Open until" in html and "Opens on" in html and "Closed since" in html
    assert "Bs 750,000.00" in html and "Oruro" in html and "All regions" in html
    assert "New call" not in html  # not an admin


def test_call_state_uses_the_window(db, login_en, board, make_call):
    now = utcnow()
    just_opened = make_call(opens=0, closes=1)
    call = db.session.get(Call, just_opened.id)
    assert call.is_open(call.opens_at) and not call.is_open(call.closes_at)
    assert call.opens_at <= now + timedelta(seconds=5)
    html = login_en(board).get(f"/programs/calls/{call.id}?lang=en").get_data(as_text=True)
    assert "Open until" in html


def test_call_detail_shows_criteria_and_committee(db, login_en, admin, board, committee, make_call):
    call = make_call(committee_ids=[committee.id])
    html = login_en(admin).get(f"/programs/calls/{call.id}?lang=en").get_data(as_text=True)
    assert "Scoring criteria" in html and "<code>market</code>" in html and "Carmen Comité" in html
    assert ">100</td>" in html  # total of the weights
    html = login_en(board).get(f"/programs/calls/{call.id}?lang=en").get_data(as_text=True)
    assert "<code>market</code>" in html and "Carmen Comité" not in html


def test_unknown_call_is_404(db, login_en, board, admin):
    assert login_en(board).get("/programs/calls/999").status_code == 404
    assert login_en(admin).get("/programs/calls/999/edit").status_code == 404
    assert login_en(admin).get("/programs/calls/abc").status_code == 404
