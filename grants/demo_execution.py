"""The demo's later stages, through the services only (used by ``demo_alliances.build``; nothing commits):

* Colomi, in execution: expenses with receipts in an approved accountability report and two more not yet
  reported, a counterpart contribution in cash and one in kind, indicator values for three months (women and
  men where the indicator counts people), and a supervision visit of the officer with findings and two
  follow-up actions (one answered by the board, one open).
* Luribay, closed: both tranches transferred, purchases above the minor limit through a price comparison,
  every expense in two approved reports, monitoring values, the final report with its actuals and the closeout
  assessments, the officer's evaluation, the unspent grant settled (part refunded to the program with the
  bank's reference, the rest moved to the association's revolving fund), then ``close``; afterwards the fund
  takes member repayments and lends to one member.
* Punata, closing: carried out like Luribay, its final report submitted; it waits for the officer's
  evaluation and the settlement of the unspent grant.
"""
from datetime import timedelta
from decimal import ROUND_CEILING, Decimal

import sqlalchemy as sa

from .alliances import services as alliances
from .associations.models import Member
from .closeout import services as closeout
from .demo_alliances import upload
from .execution import contributions, expenses, procurement, reports
from .extensions import db
from .monitoring import services as monitoring
from .monitoring import visits
from .plans.catalog import items_of
from .plans.services import save_assessment
from .revolving import services as revolving

UNIT = Decimal("1")
CENT = Decimal("0.01")


def _months_back(today, n):
    year, month = today.year, today.month - n
    while month < 1:
        year, month = year - 1, month + 12
    return f"{year:04d}-{month:02d}"


def _line(alliance, category):
    return next(line for line in alliance.budget_lines if line.category == category)


class Execution:
    def __init__(self, st, key, alliance):
        self.st, self.key, self.alliance = st, key, alliance
        self.board, self.officer, self.finance = st.boards[key], st.officer, st.finance
        self.today = st.today
        self.count = 0

    def day(self, days_ago):
        return self.today - timedelta(days=days_ago)

    def spend(self, category, amount, days_ago, supplier, description, others=()):
        """A grant expense with its receipt; above the minor purchase limit, after a price comparison among
        ``supplier`` and ``others`` (three quotations, the lowest awarded)."""
        a, line = self.alliance, _line(self.alliance, category)
        amount = Decimal(amount).quantize(UNIT)
        self.count += 1
        number = f"{self.count:03d}{a.id:03d}"
        procurement_id = None
        if amount > Decimal(a.program.minor_purchase_limit or 0):
            p = procurement.create_procurement(a, {
                "description": description, "budget_line_id": line.id, "method": "comparison",
                "estimated_amount": str(amount)}, self.board)
            for name, factor in ((supplier, Decimal("1")), *others):
                procurement.add_quotation(p, {"supplier": name, "amount": str((amount * factor).quantize(UNIT))},
                                          upload("cotizacion.pdf", f"Cotización — {name}", [
                                              description, f"Monto: Bs {(amount * factor).quantize(UNIT)}",
                                              "Validez de la oferta: 30 días."]), self.board)
            procurement.procurement_action(p, "award", self.board, {"quotation_id": p.quotations[0].id})
            procurement_id = p.id
        expense = expenses.record_expense(a, {
            "budget_line_id": line.id, "spent_on": self.day(days_ago).isoformat(), "amount": str(amount),
            "source": "grant", "supplier": supplier, "document_type": "invoice", "document_number": number,
            "description": description, "procurement_id": procurement_id}, self.board,
            receipt=upload("factura.pdf", f"Factura N° {number}", [supplier, description, f"Total: Bs {amount}"]))
        if procurement_id:
            procurement.procurement_action(expense.procurement, "close", self.board)
        return expense

    def months_of(self, category, months, first_days_ago, supplier, what, first=1):
        line = _line(self.alliance, category)
        per = (line.grant / line.quantity).quantize(UNIT)
        for i in range(months):
            self.spend(category, per, first_days_ago - 15 * i, supplier, f"{what} ({first + i})")

    def contribute(self, kind, days_ago, description, amount=None, quantity=None, unit_value=None, category=None):
        data = {"kind": kind, "contributed_on": self.day(days_ago).isoformat(), "description": description}
        if kind == "in_kind":
            data.update(in_kind_type="labour", quantity=str(quantity), unit_value=str(unit_value))
        else:
            data["amount"] = str(amount)
        if category:
            data["budget_line_id"] = _line(self.alliance, category).id
        return contributions.record_contribution(self.alliance, data, self.board, evidence=upload(
            "respaldo-aporte.pdf", "Respaldo del aporte propio", [self.alliance.association.name, description]))

    def report(self, start_ago, end_ago, approve=True):
        a = self.alliance
        start, end = self.day(start_ago), self.day(end_ago)
        r = reports.create_report(a, {
            "period_start": start.isoformat(), "period_end": end.isoformat(),
            "assembly_approved_on": (end + timedelta(days=3)).isoformat()}, self.board,
            minutes=upload("acta-asamblea.pdf", "Acta de asamblea general", [
                a.association.name, f"Aprobación de la rendición de cuentas del {start} al {end}.",
                "Firman los socios presentes."]))
        reports.report_action(r, "submit", self.board, {"comment": "Rendición aprobada por la asamblea."})
        if approve:
            reports.report_action(r, "approve", self.officer,
                                  {"comment": "Gastos respaldados con facturas; saldos conciliados."})
        return r

    def values(self, months=3):
        """Monthly values of the people and sales indicators, growing toward the targets."""
        a = self.alliance
        members = [link.member for link in a.member_links]
        women = sum(m.sex == "F" for m in members)
        by_code = {i.code: i for i in a.indicators}
        for back in range(months - 1, -1, -1):
            step = Decimal(months - back) / months  # 1/3, 2/3, 1
            period = _months_back(self.today, back + 1)
            rows = {"families": {"value": str(len(members)), "women": women, "men": len(members) - women}}
            for code in ("sales_volume", "price_received", "net_income_per_family"):
                ind = by_code[code]
                value = ind.baseline + (ind.target - ind.baseline) * step * Decimal("0.3")
                rows[code] = {"value": str(value.quantize(Decimal("0.01")))}
            for code, data in rows.items():
                monitoring.record_value(a, by_code[code], {"period": period, "note": "Registro de acopio y "
                                                           "planillas de entrega al comprador.", **data},
                                        self.board)


def colomi(st, alliance):
    ex = Execution(st, "colomi", alliance)
    ex.months_of("technical_assistance", 2, 70, "Agrotec Cochabamba S.R.L.", "Asistencia técnica en manejo "
                 "de papa nativa, mes")
    ex.spend("training", (_line(alliance, "training").grant / _line(alliance, "training").quantity), 50,
             "Centro de Capacitación Campesina Colomi", "Taller de gestión asociativa")
    ex.spend("inputs", _line(alliance, "inputs").grant * Decimal("0.6"), 45, "Semillas Andinas PROINPA",
             "Semilla de papa nativa certificada (primera siembra)",
             (("Agroinsumos Cochabamba S.R.L.", BIDS[0]), ("Semillas del Valle", BIDS[1])))
    ex.contribute("cash", 65, "Aporte en efectivo de las familias socias para el centro de acopio",
                  amount=(_line(alliance, "infrastructure").counterpart_cash * Decimal("0.5")).quantize(UNIT))
    ex.report(75, 31)
    # recorded after the report's period, not yet reported
    ex.spend("technical_assistance", (_line(alliance, "technical_assistance").grant / 24), 20,
             "Agrotec Cochabamba S.R.L.", "Asistencia técnica en manejo de papa nativa, mes (3)")
    ex.spend("equipment", Decimal("6850"), 8, "Ferretería Agrícola Colomi", "Zarandas, mesas de selección y "
             "cajas cosecheras")
    ex.contribute("in_kind", 15, "Jornales de los socios en la limpieza del terreno del centro de acopio",
                  quantity=60, unit_value=100, category="infrastructure")
    ex.values()
    visit = visits.record_visit(alliance, {
        "visited_on": ex.day(6).isoformat(), "place": "Centro de acopio, comunidad Candelaria, Colomi",
        "participants": 18, "rating": "needs_attention",
        "findings": "Las obras del centro de acopio avanzan al 40 %. La semilla certificada llegó y se distribuyó "
                    "a las familias. Los registros de acopio están al día, pero falta la cotización de la "
                    "balanza y el libro de actas no registra la última asamblea.",
        "actions": [
            {"description": "Presentar tres cotizaciones de la balanza de plataforma.",
             "due_on": ex.day(1).isoformat()},
            {"description": "Registrar en el libro de actas la asamblea que aprobó la rendición de cuentas.",
             "due_on": (ex.today + timedelta(days=21)).isoformat()}]}, st.officer)
    first = min(_actions(visit), key=lambda x: x.id)
    visits.act(first, "answer", ex.board, answer="Adjuntamos las tres cotizaciones; la asamblea eligió la de "
                                                 "menor precio.")
    return ex


def _actions(visit):
    from .monitoring.models import FollowUpAction

    return db.session.execute(sa.select(FollowUpAction).where(FollowUpAction.visit_id == visit.id)).scalars().all()


#: per association: (infrastructure, equipment, inputs) as (supplier, description, two other bidders),
#: the technical assistance provider, the training centre and what the assistance and the workshops are about
PURCHASES = {
    "luribay": dict(
        infrastructure=("Construcciones Luribay S.R.L.", "Construcción del centro de acopio y cámara de maduración",
                        ("Constructora Illimani S.R.L.", "Servicios de Construcción Aroma")),
        equipment=("Maquinarias Andinas S.A.", "Seleccionadora de durazno y balanza de plataforma",
                   ("Importadora Agrícola El Alto", "Tecnoagro S.R.L.")),
        inputs=("Vivero Frutícola Sapahaqui", "Plantines injertados y abonos orgánicos",
                ("Agroinsumos La Paz S.R.L.", "Semillas del Valle")),
        ta=("Fundación Valles", "Asistencia técnica en poda y sanidad, mes"),
        training=("Centro de Capacitación Agropecuaria Luribay", "Taller de comercialización")),
    "punata": dict(
        infrastructure=("Constructora Valle Alto S.R.L.", "Construcción del centro de acopio de leche",
                        ("Inmobiliaria y Construcciones Cliza", "Constructora Tarata S.R.L.")),
        equipment=("Frío Industrial Cochabamba S.R.L.", "Tanque de enfriamiento de 2000 litros y analizador de leche",
                   ("Equipos Lácteos Bolivia S.A.", "Tecnoagro S.R.L.")),
        inputs=("Forrajes y Semillas Cochabamba", "Semilla de alfalfa y avena forrajera certificada",
                ("Agroinsumos del Valle S.R.L.", "Semillas Punata")),
        ta=("Fundación PROLECHE Valles", "Asistencia técnica en sanidad y alimentación del ganado, mes"),
        training=("Centro de Capacitación Campesina Punata", "Taller de calidad e higiene de la leche")),
}
BIDS = (Decimal("1.07"), Decimal("1.12"))


def carry_out(st, key, alliance):
    """Both tranches transferred, purchases, contributions and two approved reports, three months of values."""
    from .alliances.figures import financing
    from .funding import services as funding

    ex, buy = Execution(st, key, alliance), PURCHASES[key]

    def purchase(category, share, days_ago):
        supplier, what, others = buy[category]
        ex.spend(category, _line(alliance, category).grant * Decimal(share), days_ago, supplier, what,
                 tuple(zip(others, BIDS)))

    purchase("infrastructure", "0.96", 165)
    purchase("equipment", "0.92", 150)
    ex.months_of("technical_assistance", 2, 140, *buy["ta"])
    fin = financing(alliance)
    paid = sum((t.disbursed_amount or 0 for t in alliance.tranches), Decimal(0))
    needed = (fin.counterpart * paid / fin.totals["grant"]).quantize(UNIT, rounding=ROUND_CEILING)
    cash = (needed * Decimal("0.4")).quantize(UNIT)
    ex.contribute("cash", 160, "Aporte en efectivo de las familias depositado en la cuenta de la asociación",
                  amount=cash + 500)
    ex.contribute("in_kind", 145, "Jornales de los socios en la construcción del centro de acopio",
                  quantity=((needed - cash) / 100).quantize(UNIT, rounding=ROUND_CEILING), unit_value=100,
                  category="infrastructure")
    ex.report(170, 111)
    second = max(alliance.tranches, key=lambda t: t.number)
    funding.tranche_action(second, "request", ex.board, {"comment": "Solicitamos el segundo tramo: el primero "
                                                                    "está justificado."})
    funding.tranche_action(second, "approve", st.officer, {"comment": "Primer tramo justificado y aporte al día."})
    funding.tranche_action(second, "disburse", st.finance, {
        "reference": f"TRF-{ex.day(108):%Y%m%d}-{alliance.id:04d}-2", "disbursed_on": ex.day(108).isoformat()})
    purchase("inputs", "0.9", 100)
    ex.months_of("technical_assistance", 3, 95, *buy["ta"], first=3)
    ex.months_of("training", 2, 80, *buy["training"])
    ex.contribute("in_kind", 90, "Jornales de cosecha y selección del primer acopio", quantity=120, unit_value=100)
    ex.report(110, 41)
    ex.values()
    return ex


def final_report(st, ex, lesson):
    """The board's final report (actuals from the latest monitoring values, people by sex), the closeout
    assessments, then ``submit_final_report``: the alliance is closing."""
    from .demo_alliances import INTENTIONS

    a, board, spec = ex.alliance, ex.board, INTENTIONS[ex.key]
    members = [link.member for link in a.member_links]
    people = {"families": members, "youth_share": [m for m in members if m.birth_year >= ex.today.year - 28],
              "indigenous_share": [m for m in members if m.indigenous]}
    latest = monitoring.latest_values(a)
    rows = []
    for ind in a.indicators:
        value = latest[ind.id].value if ind.id in latest else ind.target * Decimal("0.9")
        row = {"indicator_id": ind.id}
        if ind.by_sex:
            group = people.get(ind.code, members)
            if ind.code != "families":
                value = Decimal(100 * len(group)) / len(members)
            row.update(women=sum(m.sex == "F" for m in group), men=sum(m.sex == "M" for m in group))
        row["actual"] = str(value.quantize(CENT))
        rows.append(row)
    volume = next(i for i in a.indicators if i.code == "sales_volume")
    value = next(i for i in a.indicators if i.code == "sales_value")
    product = spec["product"].lower()
    closeout.save_final_report(a, {
        "narrative": f"Las {len(members)} familias entregaron {product} a {spec['buyer']} durante dos campañas. El "
                     "centro de acopio y el equipo permitieron seleccionar el producto según la ficha técnica del "
                     "comprador, que pagó un precio mayor al de la feria por la primera calidad.",
        "lessons": f"{lesson} El acopio colectivo y la selección mejoran el precio. Las compras grandes deben "
                   "cotizarse con tiempo para no retrasar la obra.",
        "sales_volume": str((volume.target * Decimal("0.8")).quantize(CENT)), "sales_unit": spec["unit"],
        "sales_value": str((value.target * Decimal("0.75")).quantize(CENT)), "actuals": rows}, board)
    for kind in ("empowerment", "capacity"):
        items = [{"code": code, "score": 2 + (number % 3), "evidence": "Actas de asamblea y registros de acopio "
                                                                       "de la asociación."}
                 for number, code, _g, _t, _e in items_of(kind)]
        save_assessment(a, kind, "closeout", items, board)
    alliances.take_action(a, "submit_final_report", board, {"comment": "Presentamos el informe final."})


def settle_and_close(st, ex):
    """The officer's evaluation, the unspent grant settled (60 % refunded, the rest to the revolving fund),
    ``close``; then members repay into the fund and one member borrows from it."""
    a, board = ex.alliance, ex.board
    closeout.save_evaluation(a, {
        "rating": "satisfactory",
        "findings": "La asociación cumplió el plan de negocios: el centro de acopio funciona y las ventas al "
                    "comprador crecieron. Quedó un saldo no ejecutado en asistencia técnica y capital de operación.",
        "recommendations": "Usar el fondo rotatorio para capital de operación de la próxima campaña."}, st.officer)
    unspent = closeout.figures(a).unspent
    back = (unspent * Decimal("0.6")).quantize(UNIT)
    closeout.record_refund(a, {"amount": str(back), "reference": f"DEV-BUN-{ex.today:%Y%m%d}-{a.id:04d}",
                               "refunded_on": ex.today.isoformat()}, st.finance)
    closeout.move_to_fund(a, {"amount": str(unspent - back), "moved_on": ex.today.isoformat()}, st.finance)
    alliances.take_action(a, "close", st.officer, {"comment": "Cierre técnico y financiero completo."})
    # the fund after closeout: members repay their share, the board lends to one member
    assoc = a.association
    payers = db.session.execute(sa.select(Member).where(Member.association_id == assoc.id)
                                .order_by(Member.id).limit(4)).scalars().all()
    for i, member in enumerate(payers):
        revolving.record_repayment(assoc, {
            "member_id": member.id, "amount": str(Decimal(850 + 150 * i)), "paid_on": ex.today.isoformat(),
            "reference": f"REC-{i + 1:03d}", "alliance_id": a.id,
            "note": "Devolución de la cuota al fondo rotatorio."}, board)
    borrower = payers[-1]
    revolving.record_loan(assoc, {
        "member_id": borrower.id, "amount": "3000.00", "lent_on": ex.today.isoformat(),
        "due_on": (ex.today + timedelta(days=180)).isoformat(), "interest_rate": "0.05",
        "purpose": "Compra de cajas y abono para la próxima campaña de durazno."}, board)


def build(st, out):
    luribay = carry_out(st, "luribay", out["luribay"])
    final_report(st, luribay, "La asistencia técnica en poda debe empezar antes de la floración.")
    settle_and_close(st, luribay)
    punata = carry_out(st, "punata", out["punata"])
    final_report(st, punata, "El tanque de frío redujo el rechazo de leche por acidez.")
    colomi(st, out["colomi"])
