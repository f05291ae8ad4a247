"""The demo data is realistic, complete, idempotent and fully audited."""
from decimal import Decimal

import pytest
import sqlalchemy as sa

from grants import demo
from grants.accounts.models import GLOBAL_ROLES, User
from grants.alliances.models import Alliance
from grants.associations.models import Association, Buyer, Member
from grants.audit import verify_chain
from grants.audit.models import Event
from grants.programs.models import Call, Program

BOLIVIA = {"La Paz", "Cochabamba", "Potosí", "Oruro", "Chuquisaca", "Tarija", "Santa Cruz", "Beni", "Pando"}


@pytest.fixture
def seeded(db):
    accounts = demo.seed()
    db.session.commit()
    return accounts


def _count(db, model):
    return db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar()


def test_three_realistic_associations(db, seeded):
    assocs = db.session.execute(sa.select(Association).order_by(Association.id)).scalars().all()
    assert len(assocs) == 3
    assert assocs[0].name == "Asociación de Productores de Leche Achacachi"
    assert {a.region for a in assocs} == {"La Paz", "Cochabamba", "Potosí"}
    women = total = 0
    for a in assocs:
        assert a.legal_id and a.tax_id and a.bank_account and a.bank_name, a.name
        assert a.level == 1 and a.region in BOLIVIA and a.municipality
        members = db.session.execute(sa.select(Member).where(Member.association_id == a.id)).scalars().all()
        assert 20 <= len(members) <= 45, (a.name, len(members))
        assert len({m.national_id for m in members}) == len(members)
        for m in members:
            assert len(m.full_name.split()) >= 3 and m.sex in ("F", "M")
            assert 1940 <= m.birth_year <= 2008 and Decimal("0") < m.hectares < Decimal("20")
        women += sum(m.sex == "F" for m in members)
        total += len(members)
    assert 0.4 <= women / total <= 0.6, (women, total)
    names = " ".join(db.session.execute(sa.select(Member.full_name)).scalars())
    for surname in ("Mamani", "Quispe", "Condori"):  # Aymara and Quechua surnames are there
        assert surname in names


def test_one_account_per_role(db, seeded):
    users = db.session.execute(sa.select(User)).scalars().all()
    assert len(users) == len(seeded) == len({u.email for u in users})
    for role in GLOBAL_ROLES:
        assert any(u.has_role(role) for u in users), role
    assert sum(u.has_role("committee") for u in users) == 2
    officer = next(u for u in users if u.has_role("officer"))
    assert officer.regions == ["Cochabamba", "La Paz"]
    assert all(u.locale == "es" and u.active for u in users)
    first, second = db.session.execute(sa.select(Association).order_by(Association.id).limit(2)).scalars()
    roles_first = {m.role for u in users for m in u.memberships if m.association_id == first.id}
    assert roles_first == {"board", "treasurer", "member"}
    assert any(m.role == "board" for u in users for m in u.memberships if m.association_id == second.id)
    passwords = [p for _e, p, _r in seeded]
    assert len(set(passwords)) == len(passwords) and all(len(p) >= 8 for p in passwords)


def test_program_and_open_call(db, seeded):
    program = db.session.execute(sa.select(Program)).scalar_one()
    assert (program.code, program.currency, program.name) == ("PAR3", "BOB", "PAR III — Alianzas Rurales")
    assert program.grant_cap_per_family == Decimal("14000.00")
    call = db.session.execute(sa.select(Call)).scalar_one()
    assert call.is_open()
    assert call.envelope == Decimal("12000000.00")
    assert call.regions == ["Cochabamba", "La Paz", "Potosí"]
    assert len(call.committee_ids) == 2
    assert sum(c.weight for c in call.criteria) == 100


def test_draft_alliance_with_families_and_buyer(db, seeded):
    alliance = db.session.execute(sa.select(Alliance)).scalar_one()
    assert alliance.state == "draft"
    assert alliance.association.name.endswith("Achacachi")
    assert alliance.buyer.name == "PIL Andina S.A."
    members = _count(db, sa.select(Member).where(Member.association_id == alliance.association_id).subquery())
    assert alliance.families == members >= 20
    assert alliance.requested_grant <= alliance.program.grant_cap_per_family * alliance.families
    assert {b.name for b in db.session.execute(sa.select(Buyer)).scalars()} >= {
        "PIL Andina S.A.", "Irupana Andean Organic Food S.A."}


def test_audit_trail_complete_and_verifies(db, seeded):
    count, broken = verify_chain()
    assert broken is None
    members = _count(db, Member)
    actions = dict(db.session.execute(sa.select(Event.action, sa.func.count()).group_by(Event.action)).all())
    assert actions["add_member"] == members
    assert actions["create_user"] == len(seeded)
    assert actions["create_association"] == 3 and actions["create"] == 1
    assert count == sum(actions.values())


def test_seed_is_idempotent(db, seeded):
    before = {m.__name__: _count(db, m) for m in (User, Association, Member, Alliance, Event, Program)}
    again = demo.seed()
    db.session.commit()
    assert again == seeded
    assert {m.__name__: _count(db, m) for m in (User, Association, Member, Alliance, Event, Program)} == before


def test_demo_accounts_can_sign_in(app, seeded):
    email, password, _role = seeded[0]
    client = app.test_client()
    resp = client.post("/login", data={"email": email, "password": password})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/dashboard")
    bad = app.test_client().post("/login", data={"email": email, "password": "demo-wrong-2026"})
    assert bad.status_code == 401


def test_one_password_for_all(db):
    accounts = demo.seed(password="una-clave-comun")
    db.session.commit()
    assert {p for _e, p, _r in accounts} == {"una-clave-comun"}
    user = db.session.execute(sa.select(User).where(User.email == accounts[1][0])).scalar_one()
    assert user.check_password("una-clave-comun")


def test_seed_scale_is_exact(db, seeded):
    events = _count(db, Event)
    counts = demo.seed_scale(10, members=30)
    db.session.commit()
    assert counts["alliances"] == 10 and counts["associations"] == 4
    scale = db.session.execute(sa.select(Alliance).where(Alliance.code.like("ESCALA-%"))).scalars().all()
    assert len(scale) == 10 and len({a.code for a in scale}) == 10
    for a in scale:
        assert 20 <= a.families <= 40
        assert all(link.member.association_id == a.association_id for link in a.member_links)
        assert a.requested_grant <= Decimal("14000.00") * a.families
    per_call = {}
    for a in scale:
        per_call.setdefault((a.association_id, a.call_id), 0)
        per_call[(a.association_id, a.call_id)] += 1
    assert set(per_call.values()) == {1}  # one alliance per association and call
    # program, three calls and the summary: the bulk rows write no event each
    assert _count(db, Event) == events + 5
    assert verify_chain()[1] is None
    demo.seed_scale(5, members=30)  # codes keep counting
    db.session.commit()
    codes = list(db.session.execute(sa.select(Alliance.code).where(Alliance.code.like("ESCALA-%"))).scalars())
    assert len(codes) == len(set(codes)) == 15
