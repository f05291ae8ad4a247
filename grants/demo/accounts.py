"""The demo's people and places: accounts (one per role), associations, buyers, member families."""
from decimal import Decimal

from . import data

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

#: the first three demo associations (six more in ``data``):
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
        acc("oficial", "oficial", "program officer (La Paz, Cochabamba, Potosí)", name="Óscar Limachi Rojas",
            roles=["officer"], regions=["La Paz", "Cochabamba", "Potosí"]),
        acc("finanzas", "finanzas", "finance", name="Fernanda Quispe Torrez", roles=["finance"]),
        acc("comite1", "comite1", "committee", name="Carmen Huanca Flores", roles=["committee"]),
        acc("comite2", "comite2", "committee", name="Gonzalo Ramos Cáceres", roles=["committee"]),
        acc("facilitador", "facilitador", "facilitator", name="Félix Apaza Mendoza", roles=["facilitator"]),
        acc("asistencia", "asistencia", "technical assistance provider (Consultora Agroandina)",
            name="Tomás Colque Gutiérrez", roles=["ta_provider"]),
        acc("auditoria", "auditoria", "auditor", name="Aurora Fernández Nina", roles=["auditor"]),
        acc("quejas", "quejas", "grievance officer", name="Gabriela Condori Paz", roles=["grievance_officer"]),
        acc("presidenta", "presidenta.achacachi", "board (presidenta), Achacachi",
            name="Bernarda Mamani Condori", member_of=("achacachi", "board", "Presidenta")),
        acc("tesorero", "tesorero.colomi", "treasurer, Colomi", name="Teodoro Ticona Callisaya",
            member_of=("colomi", "treasurer", "Tesorero")),
        acc("socia", "socia.colomi", "member, Colomi", name="Marta Alanoca Yujra",
            member_of=("colomi", "member", None)),
        acc("presidente", "presidente.colomi", "board (presidente), Colomi", name="Valentín Villca Rojas",
            member_of=("colomi", "board", "Presidente")),
        *[acc(key, email, label, name=name, member_of=(assoc, "board", title))
          for key, email, label, name, assoc, title in data.BOARD_ACCOUNTS],
        acc("comprador", "compras.snacks", "buyer's own account (Snacks Andinos, Colomi's buyer)",
            name="Patricia Zurita Arce", roles=["buyer"]),
    ]


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
