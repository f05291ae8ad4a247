"""Large synthetic data for benchmarks (``seed_scale``): bulk inserts, one summary audit event; with
``details``, the lifecycle the stages would have written (``scale_details``). Nothing here commits."""
import random
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from .. import audit
from ..accounts.models import User, UserRole
from ..alliances import services as alliances
from ..alliances.models import Alliance, AllianceMember
from ..associations.models import Association, Buyer, Member
from ..common import utcnow
from ..extensions import db
from ..programs import services as programs
from ..programs.models import Call, Program
from . import scale_bulk as bulk
from .accounts import MEN, SURNAMES, WOMEN

SCALE_PROGRAM = "ESCALA"
SCALE_REGIONS = (
    ("La Paz", ("Achacachi", "Viacha", "Pucarani", "Caranavi", "Sorata")),
    ("Cochabamba", ("Colomi", "Tiraque", "Pocona", "Punata")),
    ("Potosí", ("Llica", "Uyuni", "Betanzos", "Tupiza")),
    ("Oruro", ("Challapata", "Salinas de Garci Mendoza", "Huari")),
    ("Chuquisaca", ("Tarabuco", "Monteagudo", "Zudáñez")),
    ("Tarija", ("El Puente", "Padcaya", "Yunchará")),
    ("Santa Cruz", ("Comarapa", "Samaipata", "San Julián")),
)
SCALE_PRODUCTS = ("Leche", "Quinua", "Papa nativa", "Café", "Cacao", "Miel", "Haba", "Durazno", "Fibra de alpaca")
#: states of alliances by call: the 2024 call is finishing, 2025 is in plans, 2026 is open
SCALE_STATES = (
    ("draft", "submitted", "returned", "submitted", "eligible", "ineligible", "withdrawn", "preselected"),
    ("preselected", "plan_in_preparation", "plan_submitted", "under_appraisal", "committee_review", "approved",
     "rejected", "not_selected"),
    ("agreement_signed", "in_execution", "in_execution", "suspended", "closing", "closed", "cancelled",
     "in_execution"),
)


def _scale_program(admin):
    program = db.session.execute(sa.select(Program).where(Program.code == SCALE_PROGRAM)).scalar()
    if program is None:
        program = programs.create_program({"code": SCALE_PROGRAM, "name": "Programa sintético de escala",
                                           "currency": "BOB", "rules": {}}, admin)
    calls = db.session.execute(sa.select(Call).where(Call.program_id == program.id)
                               .order_by(Call.opens_at.desc())).scalars().all()
    if len(calls) < 3:
        now = utcnow().replace(microsecond=0)
        starts = (now - timedelta(days=30), now - timedelta(days=395), now - timedelta(days=760))
        calls = [programs.create_call({
            "program_id": program.id, "title": f"Convocatoria {start.year} (sintética)",
            "opens_at": start.isoformat(), "closes_at": (start + timedelta(days=90)).isoformat(),
            "envelope": "50000000.00", "regions": []}, admin) for start in starts]
    return program, calls  # newest first


def _insert(model, rows, *returning):
    if not rows:
        return []
    if returning:
        stmt = sa.insert(model).returning(*returning, sort_by_parameter_order=True)
        return db.session.execute(stmt, rows).all()
    db.session.execute(sa.insert(model), rows)
    return []


#: named shapes of ``seed_scale``: alliances, members per association, expenses per alliance that reached
#: execution (an average). ``national``: a national program's data (about 10,000 alliances over 3,334
#: associations, 400,000 members and 1,000,000 expenses); ``benchmark``: the smaller shape of the query
#: benchmarks and tests (about 40 members per association, a dozen expenses per alliance in execution).
PROFILES = {
    "national": {"alliances": 10000, "members": 120, "expenses": 343},
    "benchmark": {"alliances": 1000, "members": 40, "expenses": 12},
}


def resolve_profile(profile=None, alliances=None, members=None, expenses=None):
    """``(alliances, members, expenses)``: the options given, the rest from ``profile``. Without a profile:
    ``national`` when no size is given at all, else ``benchmark`` (so ``--alliances N`` keeps today's shape)."""
    if profile is None:
        profile = "national" if alliances is None and members is None and expenses is None else "benchmark"
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r} (one of {', '.join(PROFILES)})")
    shape = PROFILES[profile]
    return (shape["alliances"] if alliances is None else alliances, shape["members"] if members is None else members,
            shape["expenses"] if expenses is None else expenses)


def seed_scale(n, members=40, seed=7, details=False, expenses=12):
    """``n`` alliances over ``ceil(n / 3)`` new associations of about ``members`` members each (± 5), one
    alliance per association in each of three calls, in a mix of states. Bulk inserts (synthetic data): one
    summary audit event. With ``details``, also what the stages would have written (``scale_details``:
    state-change events, budgets, tranches, reports, about ``expenses`` expenses per alliance that reached
    execution, contributions, indicators and their values). Returns a dict of counts."""
    rng = random.Random(seed + n)
    admin = db.session.execute(sa.select(User).join(UserRole).where(UserRole.role == "admin")
                               .order_by(User.id).limit(1)).scalar()
    program, calls = _scale_program(admin)
    now = utcnow().replace(microsecond=0)
    stamp = {"version": 1, "created_at": now, "updated_at": now}
    start = db.session.execute(sa.select(sa.func.count()).select_from(Association)).scalar()

    buyers = list(db.session.execute(sa.select(Buyer.id).order_by(Buyer.id).limit(12)).scalars())
    if len(buyers) < 12:
        base = db.session.execute(sa.select(sa.func.count()).select_from(Buyer)).scalar()
        rows = [{"name": f"Comercializadora Andina {base + i + 1} S.R.L.", "tax_id": f"90{base + i + 1:08d}",
                 "city": rng.choice(("La Paz", "El Alto", "Cochabamba", "Santa Cruz")), **stamp}
                for i in range(12 - len(buyers))]
        buyers += [r.id for r in _insert(Buyer, rows, Buyer.id)]

    n_assoc = -(-n // 3)
    first = bulk.reserve_ids(Association, n_assoc)
    assoc_ids = list(range(first, first + n_assoc))
    assoc_rows = []
    for k, aid in enumerate(assoc_ids):
        region, municipalities = SCALE_REGIONS[(start + k) % len(SCALE_REGIONS)]
        municipality = rng.choice(municipalities)
        assoc_rows.append({
            "id": aid,
            "name": f"Asociación de Productores de {rng.choice(SCALE_PRODUCTS)} {municipality} {start + k + 1}",
            "legal_id": f"RA-{start + k + 1:06d}/2015", "tax_id": f"3{start + k + 1:08d}", "level": 1,
            "municipality": municipality, "region": region, "founded_year": rng.randint(1995, 2020),
            "bank_name": "Banco Unión S.A.", "bank_account": f"10{start + k + 1:011d}", **stamp})
    bulk.insert_dicts(Association, assoc_rows)

    by_assoc, member_rows = {}, []
    for k, aid in enumerate(assoc_ids):
        size = rng.randint(max(1, members - 5), members + 5)
        by_assoc[aid] = range(len(member_rows), len(member_rows) + size)  # offsets until the ids are known
        for i in range(size):
            woman = i % 2 == 0
            member_rows.append((
                aid, f"{start + k + 1:05d}{i:03d}",
                f"{rng.choice(WOMEN if woman else MEN)} {rng.choice(SURNAMES)} {rng.choice(SURNAMES)}",
                "F" if woman else "M", rng.randint(1956, 2002), True, Decimal(rng.randint(50, 800)) / 100, True,
                *stamp.values()))
    first = bulk.reserve_ids(Member, len(member_rows))
    by_assoc = {aid: list(range(first + r.start, first + r.stop)) for aid, r in by_assoc.items()}
    bulk.insert_rows(Member, ("id", "association_id", "national_id", "full_name", "sex", "birth_year", "indigenous",
                              "hectares", "active", *stamp), ((first + i, *row) for i, row in enumerate(member_rows)))
    n_members = len(member_rows)
    del member_rows

    numbers = {}
    for call in calls:
        last = alliances.next_code(call)
        numbers[call.id] = int(last.rsplit("-", 1)[1])
    first = bulk.reserve_ids(Alliance, n)
    alliance_ids = list(range(first, first + n))
    alliance_rows, picked = [], []
    for i in range(n):
        aid, which = assoc_ids[i // 3], i % 3
        call = calls[which]
        code = f"{program.code}-{call.opens_at.year}-{numbers[call.id]:04d}"
        numbers[call.id] += 1
        pool = by_assoc[aid]
        families = rng.sample(pool, min(len(pool), rng.randint(20, min(40, max(20, len(pool))))))
        grant = Decimal(rng.randint(80, 130) * 100) * len(families)
        alliance_rows.append({
            "id": alliance_ids[i],
            "code": code, "call_id": call.id, "association_id": aid, "buyer_id": rng.choice(buyers),
            "title": f"Alianza productiva {code}", "product": rng.choice(SCALE_PRODUCTS),
            "state": SCALE_STATES[which][rng.randrange(len(SCALE_STATES[which]))],
            "requested_grant": grant, "estimated_counterpart": (grant * 3 / 7).quantize(Decimal("0.01")),
            "state_changed_at": now - timedelta(days=rng.randint(0, 200)), **stamp})
        picked.append(families)
    bulk.insert_dicts(Alliance, alliance_rows)
    n_links = bulk.insert_rows(AllianceMember, ("alliance_id", "member_id"),
                               ((al, m) for al, fam in zip(alliance_ids, picked) for m in fam))
    counts = {"alliances": n, "associations": len(assoc_ids), "members": n_members,
              "alliance_members": n_links, "program": program.code}
    if details:
        from .scale_details import seed_details

        counts.update(seed_details(
            [{**row, "families": len(fam)} for row, fam in zip(alliance_rows, picked)],
            admin, rng, stamp, expenses=expenses))
    from ..reports.cells import refresh_cells
    from ..reports.totals import refresh_durations, refresh_latest, refresh_stays, refresh_totals

    if db.session.get_bind().dialect.name == "postgresql":
        # the planner has no statistics of the rows just copied in: without them the totals' correlated
        # subqueries run as nested scans (8 minutes for 2,000 alliances instead of 2 seconds)
        db.session.execute(sa.text("ANALYZE"))
    refresh_totals(alliance_ids)
    refresh_stays(alliance_ids)
    refresh_durations()
    refresh_latest(alliance_ids)
    refresh_cells(alliance_ids)  # the portfolio's cells (issue 12)
    audit.record("benchmark", None, "seed_scale", admin, data=counts)
    return counts
