"""Demo data (``seed``) and large synthetic data for benchmarks (``seed_scale``).

``seed`` goes through the services only, so the audit trail holds every change and verifies. Its
alliances show the whole lifecycle (``demo_alliances``, ``demo_execution``): a draft, an intention in the
officer's screening queue, one eligible waiting for preselection, a plan in preparation with the facilitator,
a plan before the committee; one in execution (Colomi) with its first tranche transferred, expenses with
receipts in an approved accountability report and two not yet reported, counterpart contributions, three
months of indicator values and a supervision visit with two follow-up actions (one answered, one open); one
closing (Punata) whose final report waits for the officer's evaluation; and one closed (Luribay): both
tranches spent and reported, final report, closeout assessments, evaluation, the unspent grant partly
refunded and partly moved to the association's revolving fund, which then took member repayments and made
a loan. The demo program puts 10 % of the grant into the revolving fund (``revolving_fund_share``).
It is deterministic (``random.Random(SEED)``) and idempotent: when the demo program exists it
adds nothing and returns the accounts again. Neither function commits: the caller does.
"""
import random
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from . import audit
from .accounts import services as accounts
from .accounts.models import User, UserRole
from .alliances import services as alliances
from .alliances.models import Alliance, AllianceMember
from . import demo_alliances
from .associations import services as associations
from .associations.models import Association, Buyer, Member
from .common import utcnow
from .extensions import db
from .programs import services as programs
from .programs.models import Call, Program

SEED = 2026
PROGRAM_CODE = "PAR3"
DOMAIN = "demo.example.org"

WOMEN = ("María", "Juana", "Justina", "Sabina", "Rosa", "Felipa", "Asunta", "Martha", "Celia", "Teodora",
         "Basilia", "Eulogia", "Lidia", "Gregoria", "Sonia", "Wara", "Sisa", "Killa", "Nancy", "Elena",
         "Francisca", "Leonarda", "Margarita", "Victoria", "Ana", "Rufina", "Ninfa", "Cristina")
MEN = ("Juan", "Mario", "Félix", "Eusebio", "Gregorio", "Teodoro", "Valentín", "Simón", "Freddy", "René",
       "Wilfredo", "Edwin", "Marcelino", "Evaristo", "Vicente", "Amaru", "Mallku", "Santos", "Pedro",
       "Hilarión", "Nicanor", "Germán", "Florencio", "Cipriano", "Rubén", "Lucio", "Celestino", "Ramiro")
SURNAMES = ("Mamani", "Quispe", "Condori", "Choque", "Huanca", "Apaza", "Ticona", "Limachi", "Callisaya",
            "Copa", "Chambi", "Poma", "Yupanqui", "Huarachi", "Colque", "Layme", "Villca", "Tarqui", "Nina",
            "Alanoca", "Machaca", "Yujra", "Laura", "Mendoza", "Flores", "Gutiérrez", "Rojas", "Vargas",
            "Cruz", "Ramos", "Fernández", "Torrez", "Cáceres", "Guarachi", "Chura", "Ayma", "Canaviri")

#: the first three demo associations (six more in ``demo_alliances``):
#: (key, name, municipality, region, CI extension, legal id, NIT, bank, founded)
ASSOCIATIONS = (
    ("achacachi", "Asociación de Productores de Leche Achacachi", "Achacachi", "La Paz", "LP",
     "RA-GADLP-0457/2011", "178459021", "Banco Unión S.A.", 2004),
    ("colomi", "Asociación de Productores de Papa Nativa Colomi", "Colomi", "Cochabamba", "CB",
     "RA-GADC-1123/2009", "265813014", "Banco de Desarrollo Productivo S.A.M.", 2008),
    ("llica", "Asociación de Productores de Quinua Real Llica", "Llica", "Potosí", "PT",
     "RA-GADP-0312/2013", "301977026", "Banco Solidario S.A.", 2012),
)

BUYERS = (
    {"name": "PIL Andina S.A.", "tax_id": "1028627025", "contact_name": "Rodrigo Salazar Paz",
     "email": "acopio@pil.example.org", "phone": "22495700", "city": "El Alto"},
    {"name": "Irupana Andean Organic Food S.A.", "tax_id": "1006453027", "contact_name": "Claudia Ríos Antelo",
     "email": "compras@irupana.example.org", "phone": "22411099", "city": "La Paz"},
)


def _accounts(password):
    """(key, email, default password, role label, user data without password)."""
    def acc(key, email, label, **data):
        pwd = password or f"demo-{key}-2026"
        return key, f"{email}@{DOMAIN}", pwd, label, data

    return [
        acc("admin", "admin", "administrator", name="Ana María Choque Vargas", roles=["admin"]),
        acc("oficial", "oficial", "program officer (La Paz, Cochabamba)", name="Óscar Limachi Rojas",
            roles=["officer"], regions=["La Paz", "Cochabamba"]),
        acc("finanzas", "finanzas", "finance", name="Fernanda Quispe Torrez", roles=["finance"]),
        acc("comite1", "comite1", "committee", name="Carmen Huanca Flores", roles=["committee"]),
        acc("comite2", "comite2", "committee", name="Gonzalo Ramos Cáceres", roles=["committee"]),
        acc("facilitador", "facilitador", "facilitator", name="Félix Apaza Mendoza", roles=["facilitator"]),
        acc("asistencia", "asistencia", "technical assistance provider", name="Tomás Colque Gutiérrez",
            roles=["ta_provider"]),
        acc("auditoria", "auditoria", "auditor", name="Aurora Fernández Nina", roles=["auditor"]),
        acc("presidenta", "presidenta.achacachi", "board (presidenta), Achacachi",
            name="Bernarda Mamani Condori", member_of=("achacachi", "board", "Presidenta")),
        acc("tesorero", "tesorero.achacachi", "treasurer, Achacachi", name="Teodoro Ticona Callisaya",
            member_of=("achacachi", "treasurer", "Tesorero")),
        acc("socia", "socia.achacachi", "member, Achacachi", name="Marta Alanoca Yujra",
            member_of=("achacachi", "member", None)),
        acc("presidente", "presidente.colomi", "board (presidente), Colomi", name="Valentín Villca Rojas",
            member_of=("colomi", "board", "Presidente")),
        *[acc(key, email, label, name=name, member_of=(assoc, "board", title))
          for key, email, label, name, assoc, title in demo_alliances.BOARD_ACCOUNTS],
    ]


def exists():
    """True when the demo program is already in the database."""
    return db.session.execute(sa.select(Program.id).where(Program.code == PROGRAM_CODE)).first() is not None


def _member_rows(rng, count, ext):
    seen, rows = set(), []
    while len(rows) < count:
        woman = len(rows) % 2 == 0 if rng.random() < 0.8 else rng.random() < 0.5
        first = rng.choice(WOMEN if woman else MEN)
        if rng.random() < 0.35:
            first += " " + rng.choice(WOMEN if woman else MEN)
        paternal, maternal = rng.sample(SURNAMES, 2)
        nid = f"{rng.randint(2_000_000, 9_999_999)} {ext}"
        if nid in seen:
            continue
        seen.add(nid)
        rows.append({
            "full_name": f"{first} {paternal} {maternal}", "national_id": nid, "sex": "F" if woman else "M",
            "birth_year": rng.randint(1956, 2002), "indigenous": rng.random() < 0.85,
            "hectares": str(Decimal(rng.randint(50, 800)) / 100), "phone": f"7{rng.randint(1000000, 9999999)}",
        })
    return rows


def seed(password=None):
    """Create the demo (see the module docstring). Returns ``[(email, password, role label)]``."""
    specs = _accounts(password)
    result = [(email, pwd, label) for _key, email, pwd, label, _data in specs]
    if exists():
        return result
    rng = random.Random(SEED)
    by_key = {s[0]: s for s in specs}

    def make_user(key, memberships=(), actor=None):
        _k, email, pwd, _label, data = by_key[key]
        payload = {k: v for k, v in data.items() if k != "member_of"}
        user = accounts.create_user({**payload, "email": email, "password": pwd, "locale": "es",
                                     "memberships": list(memberships)}, actor)
        return user

    admin = make_user("admin")
    staff = {k: make_user(k, actor=admin)
             for k in ("oficial", "finanzas", "comite1", "comite2", "facilitador", "asistencia", "auditoria")}

    program = programs.create_program({
        "code": PROGRAM_CODE, "name": "PAR III — Alianzas Rurales", "currency": "BOB",
        "description": "Proyecto de Alianzas Rurales, tercera fase: cofinanciamiento de planes de negocio "
                       "de organizaciones de productores con un comprador.",
        "rules": {"grant_cap_per_family": "14000.00", "committee_quorum": 2, "revolving_fund_share": "0.10"}},
        admin)
    now = utcnow().replace(microsecond=0)
    call = programs.create_call({
        "program_id": program.id, "title": "Convocatoria 2026 — La Paz, Cochabamba y Potosí",
        "description": "Primera convocatoria de la gestión para alianzas de productores de leche, papa, quinua, "
                       "café, miel y haba.",
        "opens_at": (now - timedelta(days=7)).isoformat(), "closes_at": (now + timedelta(days=60)).isoformat(),
        "envelope": "12000000.00", "regions": ["La Paz", "Cochabamba", "Potosí"],
        "committee_ids": [staff["comite1"].id, staff["comite2"].id]}, admin)

    assocs = {}
    for key, name, municipality, region, ext, legal_id, nit, bank, founded in (
            *ASSOCIATIONS, *demo_alliances.ASSOCIATIONS):
        assoc = associations.create_association({
            "name": name, "legal_id": legal_id, "tax_id": nit, "level": 1, "municipality": municipality,
            "region": region, "founded_year": founded, "bank_name": bank,
            "bank_account": f"{rng.randint(10, 99)}{rng.randint(10**9, 10**10 - 1)}",
            "phone": f"7{rng.randint(1000000, 9999999)}", "email": f"{key}@asociaciones.example.org"}, admin)
        for row in _member_rows(rng, rng.randint(22, 42), ext):
            associations.add_member(assoc, row, admin)
        assocs[key] = assoc

    buyers = {b["name"]: associations.create_buyer(b, admin) for b in (*BUYERS, *demo_alliances.BUYERS)}

    users = dict(staff)
    for key, _email, _pwd, _label, data in specs:
        if "member_of" in data:
            assoc_key, role, title = data["member_of"]
            users[key] = make_user(key, [{"association_id": assocs[assoc_key].id, "role": role, "title": title}],
                                   admin)
    demo_alliances.build(users, assocs, buyers, call)
    return result


# --- large synthetic data for benchmarks ------------------------------------------------------

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
    (``demo_scale``: state-change events, budgets, tranches, reports, expenses, contributions,
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
        from .demo_scale import seed_details

        counts.update(seed_details(
            [{**row, "id": al, "families": len(fam)} for row, al, fam in zip(alliance_rows, alliance_ids, picked)],
            admin, rng, stamp))
    audit.record("benchmark", None, "seed_scale", admin, data=counts)
    return counts
