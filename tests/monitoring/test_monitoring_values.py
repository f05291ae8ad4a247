"""Indicator values by period: the rules at their boundaries, the update of a period, permissions, the page."""
from decimal import Decimal

import pytest
import sqlalchemy as sa

from grants.audit.models import Event
from grants.errors import RuleViolation, ValidationFailed
from grants.extensions import db
from grants.monitoring import services as svc
from grants.monitoring.models import IndicatorValue
from grants.workflows import rules
from tests.monitoring_support import executing, indicator, last_month, next_month, this_month
from tests.statements import statements


@pytest.fixture
def live(alliance, officer, facilitator, board):
    return executing(alliance, officer, facilitator, board)


def rules_of(exc):
    return sorted(v.rule for v in exc.value.details)


def test_value_by_sex_must_equal_women_plus_men(live, board):
    fam = indicator(live, "families")
    with pytest.raises(RuleViolation) as exc:
        svc.record_value(live, fam, {"period": this_month(), "value": "31", "women": 15, "men": 15}, board)
    assert rules_of(exc) == [rules.SEX_SPLIT_MISMATCH]
    db.session.rollback()
    v = svc.record_value(live, fam, {"period": this_month(), "value": "30", "women": 15, "men": 15}, board)
    db.session.commit()
    assert (v.value, v.women, v.men) == (Decimal("30.00"), 15, 15)


def test_by_sex_needs_both_counts(live, board):
    fam = indicator(live, "families")
    with pytest.raises(ValidationFailed) as exc:
        svc.record_value(live, fam, {"period": this_month(), "value": "30", "women": 30}, board)
    assert [(v.rule, v.field) for v in exc.value.details] == [("required", "men")]


def test_period_this_month_is_fine_next_month_is_future(live, treasurer):
    income = indicator(live, "net_income_per_family")
    with pytest.raises(RuleViolation) as exc:
        svc.record_value(live, income, {"period": next_month(), "value": "100"}, treasurer)
    assert rules_of(exc) == [rules.PERIOD_IN_FUTURE]
    db.session.rollback()
    assert svc.record_value(live, income, {"period": this_month(), "value": "100"}, treasurer).id


@pytest.mark.parametrize("period", ["2026-13", "2026-1", "26-01", "abcd-ef", "2026-00", "1850-01"])
def test_malformed_period(live, board, period):
    with pytest.raises(ValidationFailed) as exc:
        svc.record_value(live, indicator(live, "yield"), {"period": period, "value": "1"}, board)
    assert [(v.rule, v.field) for v in exc.value.details] == [("invalid", "period")]


@pytest.mark.parametrize("state,ok", [("in_execution", True), ("suspended", True), ("closing", True),
                                      ("agreement_signed", False), ("closed", False)])
def test_values_only_while_monitored(live, board, state, ok):
    live.state = state
    db.session.commit()
    data = {"period": this_month(), "value": "12.5"}
    if ok:
        assert svc.record_value(live, indicator(live, "yield"), data, board).value == Decimal("12.50")
    else:
        with pytest.raises(RuleViolation) as exc:
            svc.record_value(live, indicator(live, "yield"), data, board)
        assert rules_of(exc) == [rules.ALLIANCE_NOT_IN_EXECUTION]


def test_every_rule_listed_at_once(live, board):
    live.state = "closed"
    db.session.commit()
    with pytest.raises(RuleViolation) as exc:
        svc.record_value(live, indicator(live, "families"), {"period": next_month(), "value": "3", "women": 1,
                                                             "men": 1}, board)
    assert rules_of(exc) == [rules.ALLIANCE_NOT_IN_EXECUTION, rules.PERIOD_IN_FUTURE, rules.SEX_SPLIT_MISMATCH]


def test_same_period_again_updates_and_audits_old_and_new(live, board, officer):
    ind = indicator(live, "sales_volume")
    first = svc.record_value(live, ind, {"period": last_month(), "value": "100"}, board)
    db.session.commit()
    again = svc.record_value(live, ind, {"period": last_month(), "value": "120.5", "note": "corrected"}, officer)
    db.session.commit()
    assert again.id == first.id and again.version == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IndicatorValue)) == 1
    ev = db.session.scalars(sa.select(Event).where(Event.object_type == "indicator_value")
                            .order_by(Event.id.desc())).first()
    assert ev.action == "update" and ev.actor_id == officer.id
    import json

    data = json.loads(ev.data) if isinstance(ev.data, str) else ev.data
    assert data["old"]["value"] == "100.00" and data["new"]["value"] == "120.50"


def test_latest_values(live, board, make_alliance, officer, facilitator):
    ind = indicator(live, "price_received")
    svc.record_value(live, ind, {"period": "2025-01", "value": "10"}, board)
    svc.record_value(live, ind, {"period": "2025-06", "value": "12"}, board)
    svc.record_value(live, ind, {"period": "2025-03", "value": "11"}, board)
    db.session.commit()
    latest = svc.latest_values(live)
    assert latest[ind.id].period == "2025-06" and latest[ind.id].value == Decimal("12.00")
    both = svc.latest_values_for([live.id, 999999])
    assert set(both) == {(live.id, ind.id)}
    assert svc.latest_values_for([]) == {}


# the page ---------------------------------------------------------------------------------------------

def test_page_shows_values_progress_and_split(live, login, board):
    fam = indicator(live, "families")
    fam.baseline, fam.target = Decimal("20"), Decimal("40")
    svc.record_value(live, fam, {"period": last_month(), "value": "30", "women": 12, "men": 18}, board)
    db.session.commit()
    resp = login(board).get(f"/alliances/{live.id}/monitoring/indicators")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert f'id="progress-{fam.id}">50.0 %' in html
    assert 'width="50"' in html and "<svg" in html
    assert f'id="split-{fam.id}"' in html and "12" in html


def test_page_form_keeps_what_was_typed(live, login, treasurer):
    fam = indicator(live, "families")
    resp = login(treasurer).post(f"/alliances/{live.id}/monitoring/indicators", data={
        "indicator_id": str(fam.id), "period": this_month(), "value": "31", "women": "10", "men": "20",
        "note": "conteo de marzo"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert 'value="31"' in html and "conteo de marzo" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IndicatorValue)) == 0
    resp = login(treasurer).post(f"/alliances/{live.id}/monitoring/indicators", data={
        "indicator_id": str(fam.id), "period": this_month(), "value": "30", "women": "10", "men": "20"})
    assert resp.status_code == 302
    assert db.session.scalar(sa.select(IndicatorValue.value)) == Decimal("30.00")


def test_page_permissions(live, login, member_user, auditor, other_board, other_officer, officer):
    url = f"/alliances/{live.id}/monitoring/indicators"
    data = {"indicator_id": str(indicator(live, "yield").id), "period": this_month(), "value": "2"}
    for outsider in (other_board, other_officer):
        assert login(outsider).get(url).status_code == 404
        assert login(outsider).post(url, data=data).status_code == 404
    for reader in (member_user, auditor):
        page = login(reader).get(url)
        assert page.status_code == 200 and 'id="value-form"' not in page.get_data(as_text=True)
        assert login(reader).post(url, data=data).status_code == 403
    assert login(officer).post(url, data=data).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IndicatorValue)) == 1


def test_latest_values_for_is_one_query(live, board, make_alliance, make_association, make_user):
    assoc = make_association(region="La Paz", members=25)
    other = make_alliance(assoc=assoc, actor=make_user(memberships=[(assoc, "board")]))
    from grants.plans.models import Indicator

    extra = Indicator(alliance_id=other.id, code="custom", name="Custom", unit="u")
    db.session.add(extra)
    db.session.commit()
    db.session.add_all([IndicatorValue(alliance_id=other.id, indicator_id=extra.id, period=p, value=Decimal(v))
                        for p, v in (("2025-01", "1"), ("2025-02", "2"))])
    svc.record_value(live, indicator(live, "yield"), {"period": "2025-05", "value": "7"}, board)
    db.session.commit()
    ids = [live.id, other.id]
    with statements(db.engine) as seen:
        found = svc.latest_values_for(ids)
    assert len(seen) == 1
    assert {k: v.value for k, v in found.items()} == {(live.id, indicator(live, "yield").id): Decimal("7.00"),
                                                      (other.id, extra.id): Decimal("2.00")}
