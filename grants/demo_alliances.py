"""The demo's alliances, one at each stage of the lifecycle, brought there through the services only
(every step writes its audit event, exactly as if the people had done it on the pages). Execution,
monitoring, closeout and the revolving fund (Colomi, Punata, Luribay) are in ``demo_execution``.

Used by ``grants.demo.seed``; nothing here commits. Texts are Spanish, as the program writes them.
"""
import io
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_UP, Decimal

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from .alliances import services as alliances
from .associations.models import Member
from .extensions import db
from .plans import budget, review
from .plans import services as plans
from .plans.catalog import CHECKLIST, SECTIONS, items_of
from .proposals import preselection, screening
from .proposals import services as proposals

CENT = Decimal("0.01")

#: the associations added for the lifecycle: same fields as ``demo.ASSOCIATIONS``
ASSOCIATIONS = (
    ("sorata", "Asociación de Apicultores de Sorata", "Sorata", "La Paz", "LP",
     "RA-GADLP-0981/2015", "195532017", "Banco Unión S.A.", 2014),
    ("caranavi", "Asociación de Productores de Café Ecológico Caranavi", "Caranavi", "La Paz", "LP",
     "RA-GADLP-0233/2008", "152264013", "Banco de Desarrollo Productivo S.A.M.", 2006),
    ("patacamaya", "Asociación de Productores de Quinua Orgánica Patacamaya", "Patacamaya", "La Paz", "LP",
     "RA-GADLP-0619/2012", "174410029", "Banco Unión S.A.", 2010),
    ("tiraque", "Asociación de Productores de Haba y Arveja Tiraque", "Tiraque", "Cochabamba", "CB",
     "RA-GADC-0874/2014", "287640018", "Banco Fassil S.A.", 2013),
    ("luribay", "Asociación de Fruticultores de Durazno Luribay", "Luribay", "La Paz", "LP",
     "RA-GADLP-0745/2010", "183302015", "Banco Unión S.A.", 2009),
    ("punata", "Asociación de Productores de Leche Punata", "Punata", "Cochabamba", "CB",
     "RA-GADC-0566/2011", "294418012", "Banco de Desarrollo Productivo S.A.M.", 2007),
)

BUYERS = (
    {"name": "Agroexport Yungas S.R.L.", "tax_id": "1023354026", "contact_name": "Mauricio Paredes Loza",
     "email": "compras@agroyungas.example.org", "phone": "22793311", "city": "La Paz"},
    {"name": "Snacks Andinos S.R.L.", "tax_id": "1029981021", "contact_name": "Patricia Zurita Arce",
     "email": "abastecimiento@snacksandinos.example.org", "phone": "44287755", "city": "Cochabamba"},
    {"name": "Exportadora Valle Alto S.R.L.", "tax_id": "1030562028", "contact_name": "Jorge Antezana Soria",
     "email": "acopio@vallealto.example.org", "phone": "44572210", "city": "Punata"},
    {"name": "Conservas del Valle S.R.L.", "tax_id": "1031847024", "contact_name": "Verónica Aliaga Prado",
     "email": "materiaprima@conservasvalle.example.org", "phone": "22860145", "city": "El Alto"},
)

#: board accounts of the added associations: (key, e-mail, label, name, association, title)
BOARD_ACCOUNTS = (
    ("sorata", "presidente.sorata", "board (presidente), Sorata", "Eusebio Quispe Chura", "sorata",
     "Presidente"),
    ("caranavi", "presidenta.caranavi", "board (presidenta), Caranavi", "Sabina Choque Laura", "caranavi",
     "Presidenta"),
    ("patacamaya", "presidenta.patacamaya", "board (presidenta), Patacamaya", "Justina Apaza Colque",
     "patacamaya", "Presidenta"),
    ("tiraque", "presidente.tiraque", "board (presidente), Tiraque", "Cipriano Rojas Villca", "tiraque",
     "Presidente"),
    ("luribay", "presidenta.luribay", "board (presidenta), Luribay", "Felipa Tarqui Machaca", "luribay",
     "Presidenta"),
    ("punata", "presidente.punata", "board (presidente), Punata", "Florencio Ayma Torrez", "punata",
     "Presidente"),
)

#: one intention per association: what it sells, to whom, for how much per family (BOB)
INTENTIONS = {
    "achacachi": dict(title="Acopio y enfriamiento de leche fresca para PIL Andina", product="Leche fresca",
                      buyer="PIL Andina S.A.", per_family=9800, unit="litros", volume="540000.00",
                      price="3.90", base_income=11000),
    "sorata": dict(title="Miel de altura envasada para Irupana", product="Miel de abeja",
                   buyer="Irupana Andean Organic Food S.A.", per_family=8600, unit="kilogramos", volume="18000.00",
                   price="58.00", base_income=9000),
    "caranavi": dict(title="Beneficiado y secado de café pergamino para exportación", product="Café pergamino",
                     buyer="Agroexport Yungas S.R.L.", per_family=12400, unit="quintales", volume="2400.00",
                     price="1450.00", base_income=14000),
    "patacamaya": dict(title="Quinua orgánica certificada con trilladora y centro de acopio",
                       product="Quinua orgánica", buyer="Irupana Andean Organic Food S.A.", per_family=11200,
                       unit="quintales", volume="3600.00", price="720.00", base_income=12000),
    "tiraque": dict(title="Haba seca seleccionada para exportación a Valle Alto", product="Haba seca",
                    buyer="Exportadora Valle Alto S.R.L.", per_family=9400, unit="quintales", volume="4200.00",
                    price="380.00", base_income=10000),
    "colomi": dict(title="Papa nativa seleccionada para hojuelas de Snacks Andinos", product="Papa nativa",
                   buyer="Snacks Andinos S.R.L.", per_family=10600, unit="toneladas", volume="620.00",
                   price="2900.00", base_income=11500),
    "luribay": dict(title="Durazno seleccionado para conservas de Conservas del Valle", product="Durazno",
                    buyer="Conservas del Valle S.R.L.", per_family=9200, unit="cajas de 20 kg", volume="26000.00",
                    price="95.00", base_income=8500),
    "punata": dict(title="Centro de acopio y tanque de frío de leche para PIL Andina en Punata",
                   product="Leche fresca", buyer="PIL Andina S.A.", per_family=9000, unit="litros",
                   volume="480000.00", price="3.80", base_income=10500),
}

#: budget templates: (category, description, unit, quantity, share of the total cost, grant %, cash %)
BUDGETS = {
    "default": (
        ("infrastructure", "Construcción del centro de acopio (120 m²)", "global", "1", "0.34", "0.62", "0.10"),
        ("equipment", "Equipo de selección, pesaje y envasado", "juego", "2", "0.26", "0.70", "0.12"),
        ("inputs", "Semilla certificada e insumos orgánicos", "lote", "1", "0.14", "0.70", "0.15"),
        ("technical_assistance", "Asistencia técnica productiva (24 meses)", "mes", "24", "0.12", "0.70", "0.30"),
        ("training", "Talleres de gestión asociativa y comercial", "taller", "12", "0.06", "0.70", "0.10"),
        ("working_capital", "Capital de operación para el primer acopio", "global", "1", "0.08", "0.50", "0.50"),
    ),
}

SECTION_TEXTS = {
    "executive_summary": "La {assoc} ({families} familias) propone {title_lc}. El plan invierte {total} con un "
                         "cofinanciamiento de {grant} y el aporte propio de la asociación en efectivo y en especie.",
    "objectives": "Aumentar el ingreso neto de las familias socias mediante la venta asociada de {product_lc} a "
                  "{buyer}, con calidad y volumen estables.",
    "business_agreement": "{buyer} firmó una carta de intención de compra de toda la producción que cumpla su "
                          "norma de calidad, con precio de referencia y pago a 15 días.",
    "agreement_volume": "{volume} {unit} por año a partir del segundo año, con entregas parciales en el primero.",
    "agreement_price": "Bs {price} por unidad puesta en planta, revisable cada año según el precio de mercado.",
    "agreement_quality": "Producto limpio, seleccionado y sin residuos de agroquímicos, con trazabilidad por familia.",
    "agreement_schedule": "Entregas quincenales en temporada; pago por transferencia a la cuenta de la asociación.",
    "technical_plan": "Mejora del manejo productivo con asistencia técnica contratada por la asociación, "
                      "infraestructura de acopio y equipos de selección operados por el comité de producción.",
    "market_analysis": "La demanda de {product_lc} de calidad crece; el comprador hoy completa su abastecimiento "
                       "con intermediarios a precios variables y prefiere un proveedor organizado.",
    "organization_plan": "La asamblea aprobó el plan; el directorio administra los fondos con el tesorero y un "
                         "comité de compras. Se rinde cuentas a la asamblea cada semestre (control social).",
    "environmental_measures": "Manejo de residuos en el centro de acopio, uso de insumos orgánicos y "
                              "capacitación en buenas prácticas agrícolas. Monitoreo semestral.",
}

EVIDENCE = ("actas de asamblea", "libro de socios", "registro de capacitaciones", "estatuto y reglamento",
            "informes a la asamblea", "carta del municipio", "convenios firmados", "facturas de venta",
            "libros contables", "extractos bancarios", "encuesta a las socias")

CRITERIA_SCORES = {"market": 4, "viability": 4, "organization": 3, "inclusion": 4, "environment": 3}


def pdf(title, lines):
    """A small, real, reproducible PDF (``invariant``: the same bytes on every run)."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    page = canvas.Canvas(buf, pagesize=letter, invariant=1)
    page.setTitle(title)
    page.setFont("Helvetica-Bold", 14)
    page.drawString(72, 720, title)
    page.setFont("Helvetica", 11)
    y = 690
    for text in lines:
        page.drawString(72, y, text)
        y -= 18
    page.showPage()
    page.save()
    return buf.getvalue()


def upload(name, title, lines):
    return FileStorage(stream=io.BytesIO(pdf(title, lines)), filename=name, content_type="application/pdf")


def _money(value):
    return Decimal(value).quantize(CENT)


class Stage:
    """The context the steps share: users by key, associations by key, buyers by name, the call."""

    def __init__(self, users, assocs, buyers, call, today=None):
        self.users, self.assocs, self.buyers, self.call = users, assocs, buyers, call
        self.today = today or date.today()
        self.officer, self.finance = users["oficial"], users["finanzas"]
        self.committee = [users["comite1"], users["comite2"]]
        self.facilitator = users["facilitador"]
        self.boards = {"achacachi": users["presidenta"], "colomi": users["presidente"],
                       **{assoc: users[key] for key, _e, _l, _n, assoc, _t in BOARD_ACCOUNTS}}

    # -- business intention ----------------------------------------------------------------------

    def create(self, key):
        spec, assoc = INTENTIONS[key], self.assocs[key]
        member_ids = list(db.session.execute(sa.select(Member.id).where(Member.association_id == assoc.id)
                                             .order_by(Member.id)).scalars())
        grant = Decimal(spec["per_family"]) * len(member_ids)
        counterpart = (grant * 3 / 7).quantize(Decimal("1"), rounding=ROUND_CEILING)
        return alliances.create_alliance({
            "association_id": assoc.id, "call_id": self.call.id, "title": spec["title"], "product": spec["product"],
            "buyer_id": self.buyers[spec["buyer"]].id, "member_ids": member_ids,
            "requested_grant": str(grant), "estimated_counterpart": str(counterpart)}, self.boards[key])

    def profile(self, key, alliance, full=True):
        spec, assoc = INTENTIONS[key], self.assocs[key]
        n = alliance.families
        data = {
            "location": f"Municipio de {assoc.municipality}, departamento de {assoc.region}",
            "business_idea": f"Vender {spec['product'].lower()} de las {n} familias socias en forma asociada a "
                             f"{spec['buyer']}, con acopio, selección y entrega directa, sin intermediarios.",
            "current_production": "Cada familia produce y vende por su cuenta a intermediarios en la feria; "
                                  "la calidad es variable y el precio lo fija el rescatista.",
        }
        files = None
        if full:
            data.update({
                "market_opportunity": f"{spec['buyer']} necesita un proveedor estable de {spec['product'].lower()} "
                                      f"y ofrece un precio mayor al de la feria por producto seleccionado.",
                "current_sales": str(Decimal(spec["base_income"]) * n),
                "estimated_investment": str((alliance.requested_grant + alliance.estimated_counterpart)),
                "loi_volume": spec["volume"], "loi_unit": spec["unit"], "loi_price": spec["price"],
                "loi_quality": "Producto limpio y seleccionado según la ficha técnica del comprador.",
                "loi_delivery": "Entregas quincenales en la planta del comprador durante la temporada.",
                "loi_signed_on": (self.today - timedelta(days=20)).isoformat(),
            })
            files = {
                "buyer_letter": upload("carta-de-intencion.pdf", f"Carta de intención de compra — {spec['buyer']}", [
                    f"{spec['buyer']} se compromete a comprar a la {assoc.name}",
                    f"{spec['volume']} {spec['unit']} por año de {spec['product'].lower()},",
                    f"a un precio de referencia de Bs {spec['price']} por unidad, pago a 15 días.",
                    "Firmado por el representante legal del comprador."]),
                "legal_status": upload("personeria-juridica.pdf", "Personería jurídica", [
                    assoc.name, f"Resolución {assoc.legal_id}", f"NIT {assoc.tax_id}",
                    f"{assoc.municipality}, {assoc.region}"]),
            }
        return proposals.save_profile(alliance, data, self.boards[key], files=files)

    def submit(self, key):
        alliance = self.create(key)
        self.profile(key, alliance)
        alliances.take_action(alliance, "submit", self.boards[key])
        return alliance

    def eligible(self, key, adjust=0):
        alliance = self.submit(key)
        scores = {code: max(0, min(5, value + adjust)) for code, value in CRITERIA_SCORES.items()}
        comments = {"market": "Carta de intención firmada con volumen y precio.",
                    "organization": "Asociación con personería y directorio vigente."}
        screening.save_scores(alliance, {c.code: scores.get(c.code, 3) for c in alliance.call.criteria},
                              self.officer, comments={k: v for k, v in comments.items()
                                                      if any(c.code == k for c in alliance.call.criteria)})
        alliances.take_action(alliance, "declare_eligible", self.officer,
                              {"comment": "Cumple los requisitos de admisibilidad de la convocatoria."})
        return alliance

    # -- plan ----------------------------------------------------------------------------------

    def start_plan(self, alliance):
        alliances.take_action(alliance, "start_plan", self.officer, {"facilitator_id": self.facilitator.id})

    def budget_lines(self, key, alliance, count=None):
        """The plan's budget around the requested grant (grant at most 70 %, cash at least 10 %)."""
        target = alliance.requested_grant / Decimal("0.66")
        rows = BUDGETS["default"][:count]
        for category, description, unit, qty, share, grant_pct, cash_pct in rows:
            quantity = Decimal(qty)
            unit_cost = (target * Decimal(share) / quantity).quantize(Decimal("1"))
            total = _money(quantity * unit_cost)
            grant = (total * Decimal(grant_pct)).quantize(CENT, rounding=ROUND_DOWN)
            cash = (total * Decimal(cash_pct)).quantize(CENT, rounding=ROUND_UP)
            budget.add_line(alliance, {
                "category": category, "description": description, "unit": unit, "quantity": qty,
                "unit_cost": str(unit_cost), "grant": str(grant), "counterpart_cash": str(cash),
                "counterpart_in_kind": str(total - grant - cash), "other": "0.00"}, self.facilitator)

    def sections(self, key, alliance, names=None):
        from .alliances.figures import financing

        spec, fin = INTENTIONS[key], financing(alliance)
        values = dict(assoc=alliance.association.name, families=alliance.families, title_lc=spec["title"][0].lower()
                      + spec["title"][1:], total=f"Bs {fin.total}", grant=f"Bs {fin.totals['grant']}",
                      product_lc=spec["product"].lower(), buyer=spec["buyer"], volume=spec["volume"],
                      unit=spec["unit"], price=spec["price"])
        data = {name: SECTION_TEXTS[name].format(**values) for name in (names or SECTIONS)}
        if names is None:
            data["environmental_category"] = 3
        plans.update_sections(alliance, data, self.facilitator)

    def complete_plan(self, key, alliance):
        from .alliances.figures import financing

        spec, n = INTENTIONS[key], alliance.families
        self.budget_lines(key, alliance)
        self.sections(key, alliance)
        grant = financing(alliance).totals["grant"]
        first = (grant * Decimal("0.6")).quantize(Decimal("1"))
        budget.add_tranche(alliance, {"amount": str(first), "planned_on": self.today.isoformat(),
                                      "conditions": "Convenio firmado y aporte en efectivo depositado"},
                           self.facilitator)
        budget.add_tranche(alliance, {"amount": str(grant - first),
                                      "planned_on": (self.today + timedelta(days=180)).isoformat(),
                                      "conditions": "70 % del primer tramo justificado con gastos aprobados"},
                           self.facilitator)
        members = [link.member for link in alliance.member_links]
        women = sum(m.sex == "F" for m in members)
        young = sum(m.birth_year >= self.today.year - 28 for m in members)
        native = sum(bool(m.indigenous) for m in members)
        income, volume, price = Decimal(spec["base_income"]), Decimal(spec["volume"]), Decimal(spec["price"])
        targets = {
            "net_income_per_family": (income * Decimal("0.4"), income * Decimal("0.9")),
            "sales_volume": (volume * Decimal("0.3"), volume),
            "sales_value": (volume * Decimal("0.3") * price * Decimal("0.8"), volume * price),
            "price_received": (price * Decimal("0.8"), price),
            "yield": (Decimal("4.50"), Decimal("6.00")),
            "families": (Decimal(n), Decimal(n)),
            "women_share": (Decimal(100 * women) / n, Decimal(100 * women) / n + 5),
            "youth_share": (Decimal(100 * young) / n, Decimal(100 * young) / n + 5),
            "indigenous_share": (Decimal(100 * native) / n, Decimal(100 * native) / n),
        }
        plans.update_indicators(alliance, {
            i.id: {"baseline": str(_money(targets[i.code][0])), "target": str(_money(targets[i.code][1]))}
            for i in alliance.indicators if i.code in targets}, self.facilitator)
        for kind in ("empowerment", "capacity"):
            items = [{"code": code, "score": 1 + (number % 3), "evidence": EVIDENCE[number % len(EVIDENCE)]}
                     for number, code, _g, _t, _e in items_of(kind)]
            plans.save_assessment(alliance, kind, "baseline", items, self.facilitator)
        base = income * n
        total = financing(alliance).total
        ramp = (Decimal("1.5"), Decimal("1.9"), Decimal("2.1"), Decimal("2.2"), Decimal("2.2"))
        years = [{"year": 0, "with_investment": str(total)}] + [
            {"year": y, "without_revenue": str(_money(base)), "without_cost": str(_money(base * Decimal("0.6"))),
             "with_revenue": str(_money(base * r)), "with_cost": str(_money(base * r * Decimal("0.5")))}
            for y, r in enumerate(ramp, start=1)]
        plans.save_cash_flow(alliance, years, self.facilitator)

    def to_committee(self, key, alliance):
        alliances.take_action(alliance, "submit_plan", self.boards[key])
        alliances.take_action(alliance, "start_appraisal", self.officer)
        checklist = {code: {"answer": "yes"} for code in CHECKLIST}
        checklist["budget_reasonable"] = {
            "answer": "observed", "note": "Los costos unitarios del centro de acopio están en el límite superior de "
                                         "la región; se recomienda cotizar de nuevo en la ejecución."}
        review.save_appraisal(alliance, {"checklist": checklist, "opinion": (
            "El plan es técnica y financieramente viable: el comprador está comprometido, el flujo de caja con "
            "proyecto es positivo y la asociación puede aportar su contraparte. Se recomienda su aprobación.")},
            self.officer)
        alliances.take_action(alliance, "send_to_committee", self.officer)

    # -- committee, agreement, first tranche -----------------------------------------------------

    def approve(self, alliance):
        for member, points in zip(self.committee, (4, 3)):
            review.submit_review(alliance, {
                "declares_no_conflict": True, "recommendation": "approve",
                "scores": {c.code: min(c.max, points + (c.code == "market")) for c in alliance.call.criteria},
                "comment": "Plan sólido; vigilar el cumplimiento del aporte en especie."}, member)
        alliances.take_action(alliance, "approve", self.committee[0],
                              {"comment": "Aprobado por unanimidad en la sesión ordinaria del comité."})

    def execute(self, key, alliance):
        from .funding import services as funding

        assoc = alliance.association
        funding.upload_signed_agreement(alliance, upload("convenio-firmado.pdf", f"Convenio {alliance.code}", [
            f"Convenio de alianza productiva {alliance.code}", assoc.name, alliance.buyer.name,
            "Firmado por la asociación, el programa y el comprador.",
            f"Cofinanciamiento: Bs {alliance.requested_grant}"]), self.officer)
        alliances.take_action(alliance, "sign_agreement", self.officer,
                              {"counterpart_deposit_reference": f"DEP-{assoc.bank_account[-6:]}-01"})
        first = min(alliance.tranches, key=lambda t: t.number)
        funding.tranche_action(first, "request", self.boards[key],
                               {"comment": "Solicitamos el primer tramo según el convenio."})
        funding.tranche_action(first, "approve", self.officer, {"comment": "Convenio firmado y aporte depositado."})
        funding.tranche_action(first, "disburse", self.finance, {
            "reference": f"TRF-{self.today:%Y%m%d}-{alliance.id:04d}", "disbursed_on": self.today.isoformat()})
        alliances.take_action(alliance, "start_execution", self.officer,
                              {"comment": "Inicio de la ejecución tras el primer desembolso."})


def build(users, assocs, buyers, call):
    """Bring the demo's alliances to their stages. Returns ``{association key: alliance}``."""
    st = Stage(users, assocs, buyers, call)
    out = {}
    # a draft with its profile partly written (the board of Achacachi is still working on it)
    out["achacachi"] = st.create("achacachi")
    st.profile("achacachi", out["achacachi"], full=False)
    # the three that went furthest were submitted and screened first
    first = ("luribay", "punata", "colomi", "patacamaya", "tiraque")
    for key, adjust in (("luribay", 1), ("punata", 0), ("colomi", 1), ("patacamaya", 0), ("tiraque", 0)):
        out[key] = st.eligible(key, adjust)
    preselection.decide(call, [(out[k].id, "preselect") for k in first],
                        st.committee[0], comment="Primera sesión de preselección de la convocatoria.")
    for key in first:
        st.start_plan(out[key])
    # Luribay, Punata and Colomi: approved, agreement signed, first tranche transferred, in execution
    for key in ("luribay", "punata", "colomi"):
        st.complete_plan(key, out[key])
        st.to_committee(key, out[key])
        st.approve(out[key])
        st.execute(key, out[key])
    # Luribay went on to closed, Punata to closing; Colomi is in execution with expenses, values and a visit
    from . import demo_execution

    demo_execution.build(st, out)
    # Patacamaya: complete plan, appraised, before the committee
    st.complete_plan("patacamaya", out["patacamaya"])
    st.to_committee("patacamaya", out["patacamaya"])
    # Tiraque: plan in preparation with the facilitator, budget begun
    st.budget_lines("tiraque", out["tiraque"], count=3)
    st.sections("tiraque", out["tiraque"], names=("executive_summary", "business_agreement", "agreement_volume"))
    # Caranavi: screened and eligible, waits for the committee's preselection
    out["caranavi"] = st.eligible("caranavi", -1)
    # Sorata: just submitted, waits in the officer's screening queue
    out["sorata"] = st.submit("sorata")
    return out
