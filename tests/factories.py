"""Factories (fixtures returning callables) and personas for every role."""
from datetime import timedelta
from decimal import Decimal
from itertools import count

import pytest

from grants.accounts import services as accounts
from grants.alliances import services as alliances
from grants.associations import services as associations
from grants.common import utcnow
from grants.extensions import db
from grants.programs import services as programs

PASSWORD = "clave-segura-123"
_seq = count(1)


@pytest.fixture
def make_user(db):
    def make(roles=(), regions=(), memberships=(), name=None, email=None, locale="es"):
        n = next(_seq)
        user = accounts.create_user({
            "email": email or f"user{n}@example.org",
            "name": name or f"Usuario {n}",
            "password": PASSWORD,
            "roles": list(roles),
            "regions": list(regions),
            "memberships": [{"association_id": a.id, "role": r} for a, r in memberships],
            "locale": locale,
        })
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_program(db, admin):
    def make(**rules):
        n = next(_seq)
        program = programs.create_program({"code": f"PAR{n}", "name": f"Programa {n}", "currency": "BOB",
                                           "rules": {k: str(v) for k, v in rules.items()}}, admin)
        db.session.commit()
        return program

    return make


@pytest.fixture
def program(make_program):
    return make_program()


@pytest.fixture
def make_call(db, admin, program):
    def make(prog=None, opens=-10, closes=30, envelope="2000000.00", regions=(), committee_ids=None):
        now = utcnow()
        data = {"program_id": (prog or program).id, "title": f"Convocatoria {next(_seq)}",
                "opens_at": (now + timedelta(days=opens)).isoformat(),
                "closes_at": (now + timedelta(days=closes)).isoformat(),
                "envelope": envelope, "regions": list(regions)}
        if committee_ids is not None:
            data["committee_ids"] = committee_ids
        call = programs.create_call(data, admin)
        db.session.commit()
        return call

    return make


@pytest.fixture
def call(make_call):
    return make_call()


@pytest.fixture
def make_association(db, admin):
    def make(region="La Paz", name=None, legal_id="PJ-001", members=0):
        n = next(_seq)
        assoc = associations.create_association({
            "name": name or f"Asociación de Productores {n}", "legal_id": legal_id and f"{legal_id}-{n}",
            "tax_id": f"10{n:05d}", "level": 1, "municipality": "Achacachi", "region": region,
            "bank_name": "Banco Unión", "bank_account": f"1000{n:08d}"}, admin)
        for i in range(members):
            associations.add_member(assoc, {"full_name": f"Socia {n}-{i}", "national_id": f"{n}-{i:04d}",
                                            "sex": "F" if i % 2 == 0 else "M", "birth_year": 1970 + i % 30,
                                            "hectares": "2.50"}, admin)
        db.session.commit()
        return assoc

    return make


@pytest.fixture
def association(make_association):
    return make_association(region="La Paz", members=25)


@pytest.fixture
def other_association(make_association):
    return make_association(region="Potosí", members=22)


@pytest.fixture
def admin(make_user):
    return make_user(roles=["admin"], name="Ana Administradora")


@pytest.fixture
def officer(make_user):
    return make_user(roles=["officer"], regions=["La Paz"], name="Oscar Oficial")


@pytest.fixture
def other_officer(make_user):
    return make_user(roles=["officer"], regions=["Potosí"], name="Olga de Potosí")


@pytest.fixture
def finance(make_user):
    return make_user(roles=["finance"], name="Fernando Finanzas")


@pytest.fixture
def committee(make_user):
    return make_user(roles=["committee"], name="Carmen Comité")


@pytest.fixture
def facilitator(make_user):
    return make_user(roles=["facilitator"], name="Félix Facilitador")


@pytest.fixture
def auditor(make_user):
    return make_user(roles=["auditor"], name="Aurora Auditora")


@pytest.fixture
def ta_provider(make_user):
    return make_user(roles=["ta_provider"], name="Tomás Técnico")


@pytest.fixture
def grievance_officer(make_user):  # issue 15 (h1)
    return make_user(roles=["grievance_officer"], name="Graciela Quejas")


@pytest.fixture
def board(make_user, association):
    return make_user(memberships=[(association, "board")], name="Bernarda Presidenta")


@pytest.fixture
def treasurer(make_user, association):
    return make_user(memberships=[(association, "treasurer")], name="Teodoro Tesorero")


@pytest.fixture
def member_user(make_user, association):
    return make_user(memberships=[(association, "member")], name="Marta Socia")


@pytest.fixture
def other_board(make_user, other_association):
    return make_user(memberships=[(other_association, "board")], name="Beto de Potosí")


@pytest.fixture
def make_alliance(db, call, association, board):
    def make(assoc=None, actor=None, the_call=None, families=None, requested_grant="280000.00",
             estimated_counterpart="130000.00", **extra):
        assoc = assoc or association
        members = [m.id for m in db.session.execute(
            db.select(associations.Member).where(associations.Member.association_id == assoc.id)
            .order_by(associations.Member.id)).scalars()]
        if families is not None:
            members = members[:families]
        data = {"association_id": assoc.id, "call_id": (the_call or call).id, "title": "Leche fresca para PIL",
                "product": "Leche", "buyer": {"name": "PIL Andina S.A.", "tax_id": "1020304050"},
                "member_ids": members, "requested_grant": requested_grant,
                "estimated_counterpart": estimated_counterpart, **extra}
        alliance = alliances.create_alliance(data, actor or board)
        db.session.commit()
        return alliance

    return make


@pytest.fixture
def alliance(make_alliance):
    return make_alliance()


def money(text):
    return Decimal(text)
