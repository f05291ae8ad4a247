"""Services of associations, members and buyers: validation, duplicates, audit events, masking."""
from decimal import Decimal

import pytest
import sqlalchemy as sa

from grants.alliances import permissions as perm
from grants.associations import services
from grants.associations.models import Association, Buyer, Member
from grants.audit.models import Event
from grants.errors import ValidationFailed
from grants.workflows import rules


def find_events(db, action, object_type=None):
    query = sa.select(Event).where(Event.action == action).order_by(Event.id)
    if object_type:
        query = query.where(Event.object_type == object_type)
    return db.session.execute(query).scalars().all()


def fields_of(exc):
    return {v.field for v in exc.value.details}


def count_members(db, association):
    return db.session.execute(sa.select(sa.func.count()).select_from(Member)
                              .where(Member.association_id == association.id)).scalar()


# ---- associations ---------------------------------------------------------------------------------

def test_create_association_writes_event(db, admin):
    a = services.create_association({"name": "APL Achacachi", "municipality": "Achacachi", "region": "La Paz",
                                      "level": "1", "legal_id": "PJ-77", "bank_account": "100200300"}, admin)
    db.session.commit()
    assert a.id and a.level == 1 and a.legal_id == "PJ-77"
    ev = find_events(db, "create_association")
    assert len(ev) == 1 and ev[0].object_id == a.id and ev[0].association_id == a.id
    assert a.bank_account_masked == "•••••0300"


def test_create_association_reports_every_error(db, admin):
    with pytest.raises(ValidationFailed) as exc:
        services.create_association({"name": "", "municipality": "", "region": "La Paz", "level": "7",
                                     "founded_year": "abc", "tax_id": "9" * 41}, admin)
    assert {"name", "municipality", "level", "founded_year", "tax_id"} <= fields_of(exc)
    db.session.rollback()
    assert db.session.execute(sa.select(sa.func.count()).select_from(Association)).scalar() == 0


def test_parent_must_be_higher_level(db, admin, make_association):
    base = make_association()
    second = services.create_association({"name": "Central", "municipality": "X", "region": "La Paz",
                                          "level": 2}, admin)
    db.session.commit()
    with pytest.raises(ValidationFailed) as exc:
        services.update_association(second, {"parent_id": base.id}, admin)
    assert fields_of(exc) == {"parent_id"}
    db.session.rollback()
    second = db.session.get(Association, second.id)
    services.update_association(base, {"parent_id": second.id}, admin)
    db.session.commit()
    assert base.parent_id == second.id
    # raising the base to level 2 under a level-2 parent breaks the hierarchy
    with pytest.raises(ValidationFailed) as exc:
        services.update_association(base, {"level": 2}, admin)
    assert fields_of(exc) == {"parent_id"}
    db.session.rollback()
    # a malformed or huge id is a field error, not a crash
    with pytest.raises(ValidationFailed):
        services.update_association(base, {"parent_id": "99999999999999999999"}, admin)
    db.session.rollback()


def test_update_association_records_changes(db, admin, association):
    services.update_association(association, {"phone": "71234567", "name": association.name}, admin)
    db.session.commit()
    ev = find_events(db, "update_association")[-1]
    assert ev.data_dict() == {"phone": {"from": None, "to": "71234567"}}


# ---- members --------------------------------------------------------------------------------------

GOOD = {"full_name": "María Quispe Mamani", "national_id": "4567123", "sex": "F", "birth_year": "1978",
        "indigenous": "sí", "hectares": "2,75", "phone": "70011223"}


def test_add_member_and_event(db, admin, association):
    m = services.add_member(association, GOOD, admin)
    db.session.commit()
    assert (m.sex, m.birth_year, m.indigenous, m.hectares) == ("F", 1978, True, Decimal("2.75"))
    ev = find_events(db, "add_member", "member")
    assert ev[-1].object_id == m.id and ev[-1].association_id == association.id
    assert ev[-1].data_dict()["national_id"] == "4567123"


@pytest.mark.parametrize("word,code", [("mujer", "F"), ("Femenino", "F"), ("hombre", "M"), ("Varón", "M"),
                                       ("MALE", "M"), ("woman", "F"), ("x", "X"), ("otro", "X")])
def test_sex_words(db, admin, association, word, code):
    m = services.add_member(association, {**GOOD, "sex": word}, admin)
    assert m.sex == code


def test_member_validation_lists_every_field(db, admin, association):
    with pytest.raises(ValidationFailed) as exc:
        services.add_member(association, {"full_name": "", "national_id": "1" * 41, "sex": "Q",
                                          "birth_year": "1850", "indigenous": "quizás", "hectares": "-1"}, admin)
    assert fields_of(exc) == {"full_name", "national_id", "sex", "birth_year", "indigenous", "hectares"}
    db.session.rollback()
    assert count_members(db, association) == 25


def test_member_numbers_reject_booleans_and_huge_values(db, admin, association):
    with pytest.raises(ValidationFailed) as exc:
        services.add_member(association, {**GOOD, "birth_year": True, "hectares": "1e30"}, admin)
    assert fields_of(exc) == {"birth_year", "hectares"}
    db.session.rollback()


def test_duplicate_national_id(db, admin, association):
    existing = db.session.execute(sa.select(Member).where(Member.association_id == association.id)).scalars().first()
    with pytest.raises(ValidationFailed) as exc:
        services.add_member(association, {**GOOD, "national_id": existing.national_id}, admin)
    assert [v.rule for v in exc.value.details] == [rules.DUPLICATE]
    db.session.rollback()


def test_same_id_in_another_association_is_fine(db, admin, association, other_association):
    services.add_member(association, GOOD, admin)
    services.add_member(other_association, GOOD, admin)
    db.session.commit()


def test_update_member_records_changes(db, admin, association):
    m = services.add_member(association, GOOD, admin)
    db.session.commit()
    services.update_member(m, {"hectares": "3.00", "indigenous": False}, admin)
    db.session.commit()
    ev = find_events(db, "update_member")[-1]
    assert ev.object_id == m.id
    assert ev.data_dict() == {"hectares": {"from": "2.75", "to": "3.00"}, "indigenous": {"from": True, "to": False}}


def test_remove_member_deletes_when_not_in_an_alliance(db, admin, association):
    m = services.add_member(association, GOOD, admin)
    db.session.commit()
    mid = m.id
    assert services.remove_member(m, admin) == "deleted"
    db.session.commit()
    assert db.session.get(Member, mid) is None
    assert find_events(db, "remove_member")[-1].object_id == mid


def test_remove_member_deactivates_when_in_an_alliance(db, admin, alliance):
    member = db.session.get(Member, alliance.member_ids[0])
    assert services.remove_member(member, admin) == "deactivated"
    db.session.commit()
    assert db.session.get(Member, member.id).active is False
    assert find_events(db, "deactivate_member")[-1].object_id == member.id


def test_member_counts(db, admin, association):
    services.add_member(association, GOOD, admin)  # a woman, indigenous
    m = services.add_member(association, {**GOOD, "national_id": "999", "sex": "X", "indigenous": "no"}, admin)
    m.active = False
    db.session.commit()
    counts = services.member_counts(association)
    # the factory makes 13 women and 12 men
    assert counts == {"total": 26, "women": 14, "men": 12, "other": 0, "indigenous": 1, "inactive": 1}


def test_masking():
    assert services.mask_name("María  Quispe Mamani") == "M. Q. M."
    assert services.mask_national_id("4567123") == "•••••123"
    assert services.mask_national_id("12") == "•••••"
    m = Member(full_name="Juan Pérez", national_id="1234567", sex="M", birth_year=1974, indigenous=True,
               hectares=Decimal("1.00"), phone="777", active=True)
    masked = services.masked_member(m)
    assert masked["full_name"] == "J. P." and masked["national_id"] == "•••••567"
    assert masked["birth_year"] == "1970s" and masked["phone"] is None


# ---- import (service level) -----------------------------------------------------------------------

def _imports_after(db, before):
    """The ``import_members`` events after the event ``before`` (the fixture's association imports its 25 families)."""
    return [e for e in find_events(db, "import_members") if e.id > before]


def _last_event_id(db):
    return db.session.execute(sa.select(sa.func.max(Event.id))).scalar() or 0


def test_import_members_all_or_nothing(db, admin, association):
    before = _last_event_id(db)
    rows = [{**GOOD, "_row": 2}, {**GOOD, "national_id": "777", "sex": "?", "_row": 3},
            {**GOOD, "full_name": "Otra", "_row": 5}]
    with pytest.raises(ValidationFailed) as exc:
        services.import_members(association, rows, admin)
    assert fields_of(exc) == {"row 3: sex", "row 5: national_id"}
    db.session.rollback()
    assert count_members(db, association) == 25
    assert _imports_after(db, before) == []


def test_import_members_writes_one_event_naming_them(db, admin, association):
    before = _last_event_id(db)
    rows = [GOOD, {**GOOD, "national_id": "888", "full_name": "Pedro Mamani", "sex": "M"}]
    built = services.import_members(association, rows, admin)
    db.session.commit()
    assert count_members(db, association) == 27
    ev = _imports_after(db, before)
    assert len(ev) == 1 and ev[0].data_dict() == {"count": 2, "member_ids": [m.id for m in built]}


def test_import_members_refuses_existing_ids_and_no_rows(db, admin, association):
    existing = db.session.execute(sa.select(Member.national_id).where(Member.association_id == association.id)).scalar()
    with pytest.raises(ValidationFailed) as exc:
        services.import_members(association, [{**GOOD, "national_id": existing}], admin)
    assert fields_of(exc) == {"row 2: national_id"}
    db.session.rollback()
    with pytest.raises(ValidationFailed) as exc:
        services.import_members(association, [], admin)
    assert fields_of(exc) == {"file"}
    db.session.rollback()


# ---- buyers ---------------------------------------------------------------------------------------

def test_create_buyer(db, officer):
    b = services.create_buyer({"name": "PIL Andina", "tax_id": "1020304050", "city": "La Paz"}, officer)
    db.session.commit()
    assert find_events(db, "create_buyer")[-1].object_id == b.id
    with pytest.raises(ValidationFailed) as exc:
        services.create_buyer({"name": "", "tax_id": "1020304050", "city": "c" * 121}, officer)
    assert fields_of(exc) == {"name", "tax_id", "city"}
    db.session.rollback()
    assert db.session.execute(sa.select(sa.func.count()).select_from(Buyer)).scalar() == 1


# ---- permissions used by the pages ------------------------------------------------------------------

def test_member_data_permissions(db, association, admin, officer, other_officer, board, treasurer, member_user,
                                 auditor, finance, other_board):
    full = {u.id for u in (admin, officer, board)}
    for user in (admin, officer, other_officer, board, treasurer, member_user, auditor, finance, other_board):
        assert perm.can_manage_members(user, association) == (user.id in full)
        assert perm.can_view_members(user, association) == (user.id in full or user is auditor)
        if perm.can_view_members(user, association):
            assert perm.members_masked(user, association) == (user is auditor)
    assert not perm.can_view_association(other_board, association)
    assert not perm.can_view_association(other_officer, association)
    assert perm.can_view_buyers(auditor) and not perm.can_view_buyers(member_user)


# ---- one schema for the API, the pages and the spreadsheet ------------------------------------------------

def test_member_schema_reads_words_from_pages_and_values_from_clients(app):
    from pydantic import ValidationError

    from grants.associations.schemas import MemberIn

    page = MemberIn.model_validate({**GOOD, "sex": "Varón"}, context={"form": True})
    assert (page.sex, page.indigenous, page.hectares, page.birth_year) == ("M", True, Decimal("2.75"), 1978)
    with pytest.raises(ValidationError):  # an API client sends the code and a boolean, not words
        MemberIn.model_validate({**GOOD, "sex": "Varón", "indigenous": True, "hectares": "2.75"},
                                context={"client": True})
    client = MemberIn.model_validate({**GOOD, "indigenous": True, "hectares": "2.75"}, context={"client": True})
    assert (client.sex, client.hectares) == ("F", Decimal("2.75"))
    with pytest.raises(ValidationError):  # out of range, from either
        MemberIn.model_validate({**GOOD, "indigenous": True, "hectares": "100000.00"}, context={"client": True})
