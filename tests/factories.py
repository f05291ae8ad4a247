"""Factories (fixtures returning callables) and personas for every role."""
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from itertools import count

import pytest
import sqlalchemy as sa

from grants.accounts import services as accounts
from grants.accounts.models import User
from grants.alliances import services as alliances
from grants.associations import services as associations
from grants.audit.models import Event
from grants.common import utcnow
from grants.extensions import db
from grants.programs import services as programs
from tests.conftest import _commits
from tests.demo_snapshot import dump_rows, restore_rows

PASSWORD = "clave-segura-123"
_seq = count(1)


def new_user(roles=(), regions=(), memberships=(), name=None, email=None, locale="es"):
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


def new_program(admin, **rules):
    n = next(_seq)
    program = programs.create_program({"code": f"PAR{n}", "name": f"Programa {n}", "currency": "BOB",
                                       "rules": {k: str(v) for k, v in rules.items()}}, admin)
    db.session.commit()
    return program


def new_call(admin, program, prog=None, opens=-10, closes=30, envelope="2000000.00", regions=(), committee_ids=None):
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


def new_association(admin, region="La Paz", name=None, legal_id="PJ-001", members=0):
    """``members`` families are registered at once through ``import_members`` (one flush, one event; ids in
    row order): 25 audited ``add_member`` calls, each flush running every after_flush listener, took about
    100 ms of every test that has an association. The tests of adding a member call ``add_member`` themselves."""
    n = next(_seq)
    assoc = associations.create_association({
        "name": name or f"Asociación de Productores {n}", "legal_id": legal_id and f"{legal_id}-{n}",
        "tax_id": f"10{n:05d}", "level": 1, "municipality": "Achacachi", "region": region,
        "bank_name": "Banco Unión", "bank_account": f"1000{n:08d}"}, admin)
    if members:
        associations.import_members(assoc, [
            {"full_name": f"Socia {n}-{i}", "national_id": f"{n}-{i:04d}", "sex": "F" if i % 2 == 0 else "M",
             "birth_year": 1970 + i % 30, "hectares": "2.50"} for i in range(members)], admin)
    db.session.commit()
    return assoc


def new_alliance(call, association, board, assoc=None, actor=None, the_call=None, families=None,
                 requested_grant="280000.00", estimated_counterpart="130000.00", **extra):
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


#: The common world most tests stand on: the fixtures of these names, each built from the ones it needs (``w``).
#: Their fixtures return what ``base_world`` built or copied back, else build it then.
WORLD = {
    "admin": lambda w: new_user(roles=["admin"], name="Ana Administradora"),
    "program": lambda w: new_program(w["admin"]),
    "call": lambda w: new_call(w["admin"], w["program"]),
    "association": lambda w: new_association(w["admin"], region="La Paz", members=25),
    "other_association": lambda w: new_association(w["admin"], region="Potosí", members=22),
    "officer": lambda w: new_user(roles=["officer"], regions=["La Paz"], name="Oscar Oficial"),
    "other_officer": lambda w: new_user(roles=["officer"], regions=["Potosí"], name="Olga de Potosí"),
    "finance": lambda w: new_user(roles=["finance"], name="Fernando Finanzas"),
    "committee": lambda w: new_user(roles=["committee"], name="Carmen Comité"),
    "facilitator": lambda w: new_user(roles=["facilitator"], name="Félix Facilitador"),
    "auditor": lambda w: new_user(roles=["auditor"], name="Aurora Auditora"),
    "ta_provider": lambda w: new_user(roles=["ta_provider"], name="Tomás Técnico"),
    "grievance_officer": lambda w: new_user(roles=["grievance_officer"], name="Graciela Quejas"),  # issue 15 (h1)
    "board": lambda w: new_user(memberships=[(w["association"], "board")], name="Bernarda Presidenta"),
    "treasurer": lambda w: new_user(memberships=[(w["association"], "treasurer")], name="Teodoro Tesorero"),
    "member_user": lambda w: new_user(memberships=[(w["association"], "member")], name="Marta Socia"),
    "other_board": lambda w: new_user(memberships=[(w["other_association"], "board")], name="Beto de Potosí"),
    "alliance": lambda w: new_alliance(w["call"], w["association"], w["board"]),
}
#: fixtures that write nothing when they are set up: the world may be built before or after them
_INERT = {"db", "app", "client", "api", "login", "csrf_on", "request", "monkeypatch", "tmp_path", "tmp_path_factory",
          "capsys", "capfd", "caplog", "recwarn", "pytestconfig", "base_world"}
_SNAPSHOTS = {}


def _database_empty():
    return all(db.session.execute(sa.select(t.c[0]).limit(1)).first() is None
               for t in (User.__table__, Event.__table__))


def _setup_order(node):
    """The test's fixtures in the order pytest sets them up (each after the ones it needs, in the order asked)."""
    info = node._fixtureinfo
    order, seen = [], set()

    def visit(name):
        if name in seen:
            return
        seen.add(name)
        defs = info.name2fixturedefs.get(name)
        for dep in defs[-1].argnames if defs else ():
            visit(dep)
        order.append(name)

    for name in info.initialnames:
        visit(name)
    return order


def _inert(node, name):
    if name in _INERT or name.startswith("make_"):
        return True
    defs = node._fixtureinfo.name2fixturedefs.get(name)  # a value of @pytest.mark.parametrize
    return bool(defs) and getattr(defs[-1].func, "__name__", "") == "get_direct_param_fixture_func"


def _world_part(node):
    """The fixtures of ``WORLD`` that the test sets up first, in that order: up to the first other fixture that
    may write (those after it are built when their turn comes, as before, so that every record is made in the
    same order as without the copy)."""
    part = []
    for name in _setup_order(node):
        if name in WORLD:
            part.append(name)
        elif not _inert(node, name):
            break
    return tuple(part)


@pytest.fixture(autouse=True)
def base_world(request, db):
    """The fixtures of ``WORLD`` this test sets up first (``_world_part``), built once per process and copied
    back for each later test that needs the same ones in the same order.

    Building them goes through the services (audited writes, each flush running every after_flush listener:
    100 ms and more a test); the copy inserts the rows that building left in every table (the audit chain and
    the stored totals, cells, alerts and page stamps with them: tests/demo_snapshot.py), a few milliseconds.
    The part is built again on another day (dates are in its rows). Tests that commit for real, or that find
    the database not empty (tests/access's module-wide world), build their fixtures as before; so does a
    fixture asked for by name (``request.getfixturevalue``) when its turn comes."""
    wanted = _world_part(request.node)
    if not wanted or _commits(request) or not _database_empty():
        return {}
    key = (wanted, date.today(), utcnow().date())
    if key in _SNAPSHOTS:
        refs, tables = _SNAPSHOTS[key]
        restore_rows(db, tables)
        copied = {name: db.session.get(model, pk) for name, (model, pk) in refs.items()}
        db.session.expire_all()  # as after the commit of the last one built: a test's first read loads them again
        return copied
    built = {}
    for name in wanted:
        built[name] = WORLD[name](built)
    _SNAPSHOTS[key] = ({name: (type(obj), obj.id) for name, obj in built.items()}, dump_rows(db))
    return built


def _world_or(base_world, name, **before):
    return base_world[name] if name in base_world else WORLD[name](before)


@pytest.fixture
def make_user(db):
    return new_user


@pytest.fixture
def make_program(db, admin):
    return partial(new_program, admin)


@pytest.fixture
def program(base_world, admin):
    return _world_or(base_world, "program", admin=admin)


@pytest.fixture
def make_call(db, admin, program):
    return partial(new_call, admin, program)


@pytest.fixture
def call(base_world, admin, program):
    return _world_or(base_world, "call", admin=admin, program=program)


@pytest.fixture
def make_association(db, admin):
    return partial(new_association, admin)


@pytest.fixture
def association(base_world, admin):
    return _world_or(base_world, "association", admin=admin)


@pytest.fixture
def other_association(base_world, admin):
    return _world_or(base_world, "other_association", admin=admin)


@pytest.fixture
def admin(base_world):
    return _world_or(base_world, "admin")


@pytest.fixture
def officer(base_world):
    return _world_or(base_world, "officer")


@pytest.fixture
def other_officer(base_world):
    return _world_or(base_world, "other_officer")


@pytest.fixture
def finance(base_world):
    return _world_or(base_world, "finance")


@pytest.fixture
def committee(base_world):
    return _world_or(base_world, "committee")


@pytest.fixture
def facilitator(base_world):
    return _world_or(base_world, "facilitator")


@pytest.fixture
def auditor(base_world):
    return _world_or(base_world, "auditor")


@pytest.fixture
def ta_provider(base_world):
    return _world_or(base_world, "ta_provider")


@pytest.fixture
def grievance_officer(base_world):
    return _world_or(base_world, "grievance_officer")


@pytest.fixture
def board(base_world, association):
    return _world_or(base_world, "board", association=association)


@pytest.fixture
def treasurer(base_world, association):
    return _world_or(base_world, "treasurer", association=association)


@pytest.fixture
def member_user(base_world, association):
    return _world_or(base_world, "member_user", association=association)


@pytest.fixture
def other_board(base_world, other_association):
    return _world_or(base_world, "other_board", other_association=other_association)


@pytest.fixture
def make_alliance(db, call, association, board):
    return partial(new_alliance, call, association, board)


@pytest.fixture
def alliance(base_world, call, association, board):
    return _world_or(base_world, "alliance", call=call, association=association, board=board)


def money(text):
    return Decimal(text)
