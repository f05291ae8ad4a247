"""The demo (``seed``) and large synthetic data for benchmarks (``seed_scale``), as one package.

``seed`` tells the story of a program over the last fourteen months through the services only, each step on
the day it happened (``clock.Timeline``: the audit trail is written in time order with its real dates, so
stage durations are real and the hash chain verifies). Every role finds its work waiting:

* ``accounts``: one account per role, the associations, buyers and member families;
* ``alliances``: one alliance at each stage: a draft (Achacachi), an intention in the officer's screening
  queue (Sorata), one eligible waiting for preselection (Caranavi), a plan in preparation with the facilitator
  (Tiraque), a plan before the committee (Patacamaya), an agreement signed whose first tranche waits for
  finance to record the transfer (Llica);
* ``execution``: Colomi in execution, its treasurer recording expenses with receipt photos (one still without
  its receipt) and contributions, one report approved and a late one waiting for the officer, the second
  tranche requested and unanswered, a supervision visit with a follow-up action due;
* ``assistance``: Colomi's technical assistance: three providers (one with its own account), terms of
  reference, three invitations and proposals, a selection with its minutes, a contract whose deliverables
  are one accepted and paid, one submitted and waiting, one overdue;
* ``closeout``: Punata closing (the final report waits for the officer's evaluation) and Luribay closed (the
  unspent grant partly refunded, partly moved to the revolving fund, which lends to a member).

Colomi raises every kind of alert (report_missing, low_execution, deliverable_overdue, tranche_unanswered).
It is deterministic (``random.Random(SEED)``) and idempotent: when the demo program exists it adds nothing and
returns the accounts again. Nothing here commits: the caller does.
"""
import random
from datetime import timedelta

import sqlalchemy as sa

from ..accounts import services as account_services
from ..associations import services as associations
from ..extensions import db
from ..programs import services as programs
from ..programs.models import Program
from . import assemblies as assembly_register
from . import data, followups, organisation
from .accounts import ASSOCIATIONS, BUYERS, DOMAIN, PROGRAM_CODE, SEED, _accounts, _member_rows  # noqa: F401
from .clock import Timeline
from . import grievances as grievance_demo
from .scale import seed_scale  # noqa: F401
from . import opendata as opendata_demo
from . import sales

#: the first day of the story, in days before today (Luribay's story began ten months before the others')
START = 730


def exists():
    """True when the demo program is already in the database."""
    return db.session.execute(sa.select(Program.id).where(Program.code == PROGRAM_CODE)).first() is not None


def seed(password=None, today=None):
    """Create the demo (see the module docstring). Returns ``[(email, password, role label)]``."""
    specs = _accounts(password)
    result = [(email, pwd, label) for _key, email, pwd, label, _data in specs]
    result += organisation.accounts(password, DOMAIN)  # the federation's president (h6)
    if exists():
        return result
    rng = random.Random(SEED)
    by_key = {s[0]: s for s in specs}
    tl = Timeline(today)
    users, assocs, buyers, world = {}, {}, {}, {}

    def make_user(key, memberships=(), actor=None):
        _k, email, pwd, _label, values = by_key[key]
        payload = {k: v for k, v in values.items() if k != "member_of"}
        users[key] = account_services.create_user({**payload, "email": email, "password": pwd, "locale": "es",
                                           "memberships": list(memberships)}, actor)
        return users[key]

    def staff():
        admin = make_user("admin")
        for k in ("oficial", "finanzas", "comite1", "comite2", "facilitador", "asistencia", "auditoria"):
            make_user(k, actor=admin)

    def program():
        world["program"] = programs.create_program({
            "code": PROGRAM_CODE, "name": "PAR III — Alianzas Rurales", "currency": "BOB",
            "description": "Proyecto de Alianzas Rurales, tercera fase: cofinanciamiento de planes de negocio "
                           "de organizaciones de productores con un comprador.",
            "rules": {"grant_cap_per_family": "14000.00", "committee_quorum": 2, "revolving_fund_share": "0.10",
                      "report_period_months": 3}}, users["admin"])

    def call():
        opens = tl.now() + timedelta(days=5)
        world["call"] = programs.create_call({
            "program_id": world["program"].id, "title": "Convocatoria 2025–2026 — La Paz, Cochabamba y Potosí",
            "description": "Convocatoria abierta para alianzas de productores de leche, papa, quinua, café, miel, "
                           "durazno y haba.",
            "opens_at": opens.isoformat(), "closes_at": (tl.now() + timedelta(days=START + 60)).isoformat(),
            "envelope": "12000000.00", "regions": ["La Paz", "Cochabamba", "Potosí"],
            "committee_ids": [users["comite1"].id, users["comite2"].id]}, users["admin"])

    def association(key, name, municipality, region, ext, legal_id, nit, bank, founded):
        assoc = associations.create_association({
            "name": name, "legal_id": legal_id, "tax_id": nit, "level": 1, "municipality": municipality,
            "region": region, "founded_year": founded, "bank_name": bank,
            "bank_account": f"{rng.randint(10, 99)}{rng.randint(10**9, 10**10 - 1)}",
            "phone": f"7{rng.randint(1000000, 9999999)}", "email": f"{key}@asociaciones.example.org"},
            users["admin"])
        for row in _member_rows(rng, rng.randint(22, 42), ext):
            associations.add_member(assoc, row, users["admin"])
        assocs[key] = assoc

    def people():
        for b in (*BUYERS, *data.BUYERS):
            buyers[b["name"]] = associations.create_buyer(b, users["admin"])
        for key, _email, _pwd, _label, values in specs:
            if "member_of" in values:
                assoc_key, role, title = values["member_of"]
                make_user(key, [{"association_id": assocs[assoc_key].id, "role": role, "title": title}],
                          users["admin"])

    def story():
        from . import alliances

        alliances.build(tl, users, assocs, buyers, world["call"])

    tl.at(START, staff)
    tl.at(START, program)
    tl.at(START, lambda: opendata_demo.build(world["program"], users["admin"]))  # open-data settings (issue 17)
    tl.at(START - 2, call)
    for row in (*ASSOCIATIONS, *data.ASSOCIATIONS):
        tl.at(START - 4, association, *row)
    tl.at(START - 5, people)
    tl.at(START - 6, story)
    tl.at(START - 6, assembly_register.schedule, tl, assocs)  # the assemblies behind the approvals (h3)
    followups.first_follow_up(tl, users)  # Luribay's first follow-up after the closing (grants/demo/followups.py)
    organisation.build(tl, users, assocs, password, DOMAIN)  # the second level and the own plans (h6)
    tl.at(START - 6, sales.build, tl, by_key["comprador"], users, assocs, buyers)  # issue 15: the buyer as a party
    grievance_demo.build(tl, users, assocs, password)  # issue 15: the grievance office and five grievances
    tl.run()
    return result
