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


def seed_scale(n, members=40, seed=7, details=False):
    """``n`` alliances over ``ceil(n / 3)`` new associations of about ``members`` members each, one
    alliance per association in each of three calls, in a mix of states. Bulk inserts (synthetic
    data): one summary audit event. With ``details``, also what the stages would have written
    (``scale_details``: state-change events, budgets, tranches, reports, expenses, contributions,
    indicators and their values). Returns a dict of counts."""
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
    assoc_rows = []
    for k in range(n_assoc):
        region, municipalities = SCALE_REGIONS[(start + k) % len(SCALE_REGIONS)]
        municipality = rng.choice(municipalities)
        assoc_rows.append({
            "name": f"Asociación de Productores de {rng.choice(SCALE_PRODUCTS)} {municipality} {start + k + 1}",
            "legal_id": f"RA-{start + k + 1:06d}/2015", "tax_id": f"3{start + k + 1:08d}", "level": 1,
            "municipality": municipality, "region": region, "founded_year": rng.randint(1995, 2020),
            "bank_name": "Banco Unión S.A.", "bank_account": f"10{start + k + 1:011d}", **stamp})
    assoc_ids = [r.id for r in _insert(Association, assoc_rows, Association.id)]

    member_rows = []
    for k, aid in enumerate(assoc_ids):
        for i in range(rng.randint(members - 5, members + 5)):
            woman = i % 2 == 0
            member_rows.append({
                "association_id": aid, "national_id": f"{start + k + 1:05d}{i:03d}",
                "full_name": f"{rng.choice(WOMEN if woman else MEN)} {rng.choice(SURNAMES)} {rng.choice(SURNAMES)}",
                "sex": "F" if woman else "M", "birth_year": rng.randint(1956, 2002), "indigenous": True,
                "hectares": Decimal(rng.randint(50, 800)) / 100, "active": True, **stamp})
    by_assoc = {}
    for mid, aid in _insert(Member, member_rows, Member.id, Member.association_id):
        by_assoc.setdefault(aid, []).append(mid)

    numbers = {}
    for call in calls:
        last = alliances.next_code(call)
        numbers[call.id] = int(last.rsplit("-", 1)[1])
    alliance_rows, picked = [], []
    for i in range(n):
        aid, which = assoc_ids[i // 3], i % 3
        call = calls[which]
        code = f"{program.code}-{call.opens_at.year}-{numbers[call.id]:04d}"
        numbers[call.id] += 1
        families = rng.sample(by_assoc[aid], rng.randint(20, min(40, len(by_assoc[aid]))))
        grant = Decimal(rng.randint(80, 130) * 100) * len(families)
        alliance_rows.append({
            "code": code, "call_id": call.id, "association_id": aid, "buyer_id": rng.choice(buyers),
            "title": f"Alianza productiva {code}", "product": rng.choice(SCALE_PRODUCTS),
            "state": SCALE_STATES[which][rng.randrange(len(SCALE_STATES[which]))],
            "requested_grant": grant, "estimated_counterpart": (grant * 3 / 7).quantize(Decimal("0.01")),
            "state_changed_at": now - timedelta(days=rng.randint(0, 200)), **stamp})
        picked.append(families)
    alliance_ids = [r.id for r in _insert(Alliance, alliance_rows, Alliance.id)]
    links = [{"alliance_id": al, "member_id": m} for al, fam in zip(alliance_ids, picked) for m in fam]
    for chunk in range(0, len(links), 5000):
        _insert(AllianceMember, links[chunk:chunk + 5000])
    counts = {"alliances": n, "associations": len(assoc_ids), "members": len(member_rows),
              "alliance_members": len(links), "program": program.code}
    if details:
        from .scale_details import seed_details

        counts.update(seed_details(
            [{**row, "id": al, "families": len(fam)} for row, al, fam in zip(alliance_rows, alliance_ids, picked)],
            admin, rng, stamp))
    from ..reports.totals import refresh_stays, refresh_totals  # the portfolio's stored figures: bulk rows

    refresh_totals(alliance_ids)
    refresh_stays(alliance_ids)
    audit.record("benchmark", None, "seed_scale", admin, data=counts)
    return counts
