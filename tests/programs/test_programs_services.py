"""Program and call services: rules, the call's window, criteria, committee."""
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from grants.audit.models import Event
from grants.common import utcnow
from grants.errors import ValidationFailed
from grants.programs import services
from grants.programs.models import DEFAULT_CRITERIA, RULES, Call, CallCriterion, Program


def call_data(program, **over):
    data = {"program_id": program.id, "title": "Convocatoria 2026", "opens_at": "2026-03-01T12:00:00",
            "closes_at": "2026-04-01T12:00:00", "envelope": "1500000.00"}
    data.update(over)
    return data


# ---- the window ----------------------------------------------------------------------------------------------

def test_call_is_open_only_inside_its_window():
    call = Call(opens_at=datetime(2026, 3, 1, 12, 0), closes_at=datetime(2026, 4, 1, 12, 0))
    assert not call.is_open(datetime(2026, 3, 1, 11, 59, 59))
    assert call.is_open(datetime(2026, 3, 1, 12, 0))  # opens_at <= now
    assert call.is_open(datetime(2026, 4, 1, 11, 59, 59))
    assert not call.is_open(datetime(2026, 4, 1, 12, 0))  # now < closes_at
    assert not call.is_open(datetime(2026, 5, 1))


def test_is_open_defaults_to_now(db, make_call):
    assert make_call(opens=-1, closes=1).is_open()
    assert not make_call(opens=1, closes=2).is_open()
    assert not make_call(opens=-2, closes=-1).is_open()


def test_times_with_an_offset_are_stored_as_utc(db, admin, program):
    call = services.create_call(call_data(program, opens_at="2026-03-01T08:00:00-04:00",
                                          closes_at=datetime(2026, 3, 31, 18, 0).astimezone()), admin)
    assert call.opens_at == datetime(2026, 3, 1, 12, 0)
    assert call.opens_at.tzinfo is None and call.closes_at.tzinfo is None


def test_close_must_follow_open_and_dates_must_parse(db, admin, program):
    with pytest.raises(ValidationFailed) as info:
        services.create_call(call_data(program, closes_at="2026-03-01T12:00:00"), admin)
    assert [v.field for v in info.value.details] == ["closes_at"]
    with pytest.raises(ValidationFailed) as info:
        services.create_call(call_data(program, opens_at="first of March", envelope="-5", program_id="x"), admin)
    assert {v.field for v in info.value.details} == {"opens_at", "envelope", "program_id"}


# ---- criteria -----------------------------------------------------------------------------------------------

def test_new_call_gets_the_default_criteria(db, admin, program):
    call = services.create_call(call_data(program), admin)
    db.session.commit()
    assert [c.code for c in call.criteria] == [c[0] for c in DEFAULT_CRITERIA]
    assert sum(c.weight for c in call.criteria) == 100
    ev = db.session.execute(sa.select(Event).where(Event.action == "create_call", Event.object_id == call.id)).scalar()
    assert ev.actor_id == admin.id and ev.data_dict()["envelope"] == "1500000.00"


def test_criteria_weights_must_sum_to_100(db, admin, program):
    criteria = [{"code": "a", "name": "A", "weight": 60, "max": 5}, {"code": "b", "name": "B", "weight": 30, "max": 5}]
    with pytest.raises(ValidationFailed) as info:
        services.create_call(call_data(program, criteria=criteria), admin)
    from flask_babel import force_locale

    with force_locale("en"):
        assert [(v.field, str(v.message)) for v in info.value.details] == [
            ("criteria", "The weights of the criteria must add up to 100.")]
    db.session.rollback()
    assert db.session.execute(sa.select(sa.func.count(Call.id))).scalar() == 0
    criteria[1]["weight"] = 40
    call = services.create_call(call_data(program, criteria=criteria), admin)
    assert [(c.code, c.weight) for c in call.criteria] == [("a", 60), ("b", 40)]


@pytest.mark.parametrize("bad", [{"code": "", "weight": 100}, {"code": "a", "weight": "x"},
                                 {"code": "a", "weight": 100, "max": 0}, {"code": "a", "weight": 101},
                                 {"code": "a", "weight": 100, "max": 10**9}, "not a dict"])
def test_bad_criterion_is_named_by_its_row(db, admin, program, bad):
    with pytest.raises(ValidationFailed) as info:
        services.create_call(call_data(program, criteria=[bad]), admin)
    assert "criteria.0" in [v.field for v in info.value.details]


def test_update_criteria_keeps_the_rows_of_kept_codes(db, admin, call):
    ids = {c.code: c.id for c in call.criteria}
    criteria = [{"code": "market", "name": "Mercado", "weight": 50, "max": 10},
                {"code": "viability", "name": "Viabilidad", "weight": 30},
                {"code": "gender", "name": "Género", "weight": 20}]
    services.update_call(call, {"criteria": criteria}, admin)
    db.session.commit()
    db.session.expire_all()
    rows = db.session.execute(sa.select(CallCriterion).where(CallCriterion.call_id == call.id)
                              .order_by(CallCriterion.position)).scalars().all()
    assert [(r.code, r.weight, r.max, r.position) for r in rows] == [
        ("market", 50, 10, 0), ("viability", 30, 5, 1), ("gender", 20, 5, 2)]
    assert rows[0].id == ids["market"] and rows[1].id == ids["viability"]
    ev = db.session.execute(sa.select(Event).where(Event.action == "update_call")).scalar()
    assert "criteria" in ev.data_dict()


# ---- committee, regions, envelope ----------------------------------------------------------------------------

def test_committee_must_hold_the_committee_role(db, admin, program, committee, officer):
    with pytest.raises(ValidationFailed) as info:
        services.create_call(call_data(program, committee_ids=[committee.id, officer.id]), admin)
    assert [v.field for v in info.value.details] == ["committee_ids"]
    db.session.rollback()
    call = services.create_call(call_data(program, committee_ids=[str(committee.id)], regions=["Oruro", " ", "La Paz"]),
                                admin)
    assert call.committee_ids == [committee.id] and call.regions == ["La Paz", "Oruro"]
    assert call.has_committee_member(committee) and not call.has_committee_member(officer)


def test_envelope_is_exact_and_bounded(db, admin, program):
    call = services.create_call(call_data(program, envelope="1234567.89"), admin)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Call, call.id).envelope == Decimal("1234567.89")
    with pytest.raises(ValidationFailed):
        services.create_call(call_data(program, envelope="1" + "0" * 20), admin)


# ---- programs -----------------------------------------------------------------------------------------------

def test_program_defaults_and_custom_rules(db, admin):
    program = services.create_program({"code": "PAAP", "name": "Alianzas", "currency": "cop",
                                       "rules": {"grant_cap_per_family": "7000000", "max_families": 50,
                                                 "one_open_alliance_per_call": "no"}}, admin)
    db.session.commit()
    assert program.currency == "COP"
    assert program.grant_cap_per_family == Decimal("7000000.00") and program.max_families == 50
    assert program.one_open_alliance_per_call is False
    assert program.max_grant_share == RULES["max_grant_share"][1] and program.min_families == 20


@pytest.mark.parametrize("name, value", [("max_grant_share", "1.5"), ("max_grant_share", "abc"),
                                         ("min_quotations", "-1"), ("min_families", "2.5"),
                                         ("grant_cap_per_family", "1e30"), ("one_open_alliance_per_call", "maybe"),
                                         ("committee_quorum", True), ("not_a_rule", "1")])
def test_bad_rule_values_name_their_rule(db, admin, name, value):
    with pytest.raises(ValidationFailed) as info:
        services.create_program({"code": "X", "name": "X", "currency": "BOB", "rules": {name: value}}, admin)
    assert f"rules.{name}" in [v.field for v in info.value.details]


def test_min_families_cannot_exceed_max(db, admin, program):
    with pytest.raises(ValidationFailed) as info:
        services.update_program(program, {"rules": {"min_families": 70}}, admin)
    assert [v.field for v in info.value.details] == ["rules.min_families"]
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Program, program.id).min_families == 20


def test_update_program_records_rule_changes(db, admin, program):
    services.update_program(program, {"rules": {"max_grant_share": "0.65"}}, admin)
    db.session.commit()
    ev = db.session.execute(sa.select(Event).where(Event.action == "update_program")).scalar()
    assert ev.data_dict()["rules"] == {"max_grant_share": {"from": "0.7000", "to": "0.6500"}}


def test_window_helpers_use_utc(db, make_call):
    call = make_call(opens=-1, closes=1)
    assert call.opens_at < utcnow() < call.closes_at
    assert call.closes_at - call.opens_at == timedelta(days=2)


def test_counts_that_must_be_positive_refuse_zero(app):
    from pydantic import ValidationError

    from grants.programs.schemas import RulesIn

    for name in ("min_families", "max_families", "min_quotations", "committee_quorum"):
        for context in ({"form": True}, {"client": True}):
            with pytest.raises(ValidationError):
                RulesIn.model_validate({name: "0" if "form" in context else 0}, context=context)
        assert getattr(RulesIn.model_validate({name: "1"}, context={"form": True}), name) == 1
    # a count that may be 0 (days to acknowledge a grievance) takes 0 from a page
    assert RulesIn.model_validate({"grievance_ack_days": "0"}, context={"form": True}).grievance_ack_days == 0
