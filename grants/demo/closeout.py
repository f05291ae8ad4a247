"""The demo's closeout, through the services only, on the timeline (nothing commits):

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

from ..alliances import services as alliances
from ..associations.models import Member
from ..closeout import services as closeout
from ..extensions import db
from ..funding.schemas import TrancheActionIn
from ..monitoring import services as monitoring
from ..plans.catalog import items_of
from ..plans.schemas import AssessmentIn
from ..plans.services import save_assessment
from ..revolving import services as revolving
from .alliances import EARLIER
from .execution import BIDS, CENT, UNIT, Execution

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


def carry_out(st, key, out, s):
    """Schedule both tranches transferred, purchases, contributions, two approved reports and three months of
    values, from ``s`` (days ago: the first transfer). Returns the ``Execution``."""
    from ..alliances.figures import financing
    from ..funding import services as funding

    ex, buy = Execution(st, key, out), PURCHASES[key]

    def purchase(days_ago, category, share):
        supplier, what, others = buy[category]
        ex.spend(days_ago, category, lambda: ex.line(category).grant * Decimal(share), supplier, what,
                 tuple(zip(others, BIDS)))

    def needed():
        a = ex.alliance
        fin = financing(a)
        paid = sum((t.disbursed_amount or 0 for t in a.tranches), Decimal(0))
        total = (fin.counterpart * paid / fin.totals["grant"]).quantize(UNIT, rounding=ROUND_CEILING)
        return total, (total * Decimal("0.4")).quantize(UNIT)

    purchase(s - 8, "infrastructure", "0.96")
    ex.contribute(s - 13, "cash", "Aporte en efectivo de las familias depositado en la cuenta de la asociación",
                  amount=lambda: needed()[1] + 500)
    purchase(s - 23, "equipment", "0.92")
    ex.contribute(s - 28, "in_kind", "Jornales de los socios en la construcción del centro de acopio",
                  quantity=lambda: ((needed()[0] - needed()[1]) / 100).quantize(UNIT, rounding=ROUND_CEILING),
                  unit_value=100, category="infrastructure")
    ex.months_of("technical_assistance", 2, s - 33, *buy["ta"])
    ex.report(s, s - 61)

    def second():
        return max(ex.alliance.tranches, key=lambda t: t.number)

    st.tl.at(s - 74, lambda: funding.tranche_action(second(), "request", ex.board, TrancheActionIn(**{
        "comment": "Solicitamos el segundo tramo: el primero está justificado."})))
    st.tl.at(s - 78, lambda: funding.tranche_action(second(), "approve", st.officer, TrancheActionIn(**{
        "comment": "Primer tramo justificado y aporte al día."})))
    st.tl.at(s - 80, lambda: funding.tranche_action(second(), "disburse", st.finance, TrancheActionIn(**{
        "reference": f"TRF-{ex.day(s - 80):%Y%m%d}-{ex.alliance.id:04d}-2",
        "disbursed_on": ex.day(s - 80).isoformat()})))
    purchase(s - 88, "inputs", "0.9")
    ex.months_of("technical_assistance", 3, s - 93, *buy["ta"], first=3)
    ex.contribute(s - 98, "in_kind", "Jornales de cosecha y selección del primer acopio", quantity=120,
                  unit_value=100)
    ex.months_of("training", 2, s - 108, *buy["training"])
    ex.report(s - 62, s - 130)
    ex.values(s - 132)
    return ex


def final_report(st, ex, lesson):
    """The board's final report (actuals from the latest monitoring values, people by sex), the closeout
    assessments, then ``submit_final_report``: the alliance is closing."""
    from .data import INTENTIONS

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
        save_assessment(a, kind, "closeout", AssessmentIn(items=items), board)
    alliances.take_action(a, "submit_final_report", board, {"comment": "Presentamos el informe final."})


EVALUATION = {
    "rating": "satisfactory",
    "findings": "La asociación cumplió el plan de negocios: el centro de acopio funciona y las ventas al "
                "comprador crecieron. Quedó un saldo no ejecutado en asistencia técnica y capital de operación.",
    "recommendations": "Usar el fondo rotatorio para capital de operación de la próxima campaña."}


def settle_and_close(st, ex):
    """The unspent grant settled after the officer's evaluation (60 % refunded, the rest to the revolving
    fund), then ``close``."""
    a = ex.alliance
    unspent = closeout.figures(a).unspent
    back = (unspent * Decimal("0.6")).quantize(UNIT)
    closeout.record_refund(a, {"amount": str(back), "reference": f"DEV-BUN-{st.day():%Y%m%d}-{a.id:04d}",
                               "refunded_on": st.day().isoformat()}, st.finance)
    closeout.move_to_fund(a, {"amount": str(unspent - back), "moved_on": st.day().isoformat()}, st.finance)
    alliances.take_action(a, "close", st.officer, {"comment": "Cierre técnico y financiero completo."})


def repay_and_lend(st, ex):
    """Members repay into the association's revolving fund; the board lends to one member."""
    a, board = ex.alliance, ex.board
    assoc = a.association
    payers = db.session.execute(sa.select(Member).where(Member.association_id == assoc.id)
                                .order_by(Member.id).limit(4)).scalars().all()
    for i, member in enumerate(payers):
        revolving.record_repayment(assoc, {
            "member_id": member.id, "amount": str(Decimal(850 + 150 * i)), "paid_on": st.day().isoformat(),
            "reference": f"REC-{i + 1:03d}", "alliance_id": a.id,
            "note": "Devolución de la cuota al fondo rotatorio."}, board)
    borrower = payers[-1]
    revolving.record_loan(assoc, {
        "member_id": borrower.id, "amount": "3000.00", "lent_on": st.day().isoformat(),
        "due_on": (st.day() + timedelta(days=180)).isoformat(), "interest_rate": "0.05",
        "purpose": "Compra de cajas y abono para la próxima campaña de durazno."}, board)


def build(st, out):
    """Luribay (ten months ahead of the others, ``alliances.EARLIER``): first transfer 593 days ago, final report
    150 days later, evaluated, settled and closed 395 days ago, its fund lending since; Punata: first transfer
    289 days ago, its final report a month ago."""
    early = EARLIER["luribay"]
    luribay = carry_out(st, "luribay", out, 293 + early)
    st.tl.at(143 + early, final_report, st, luribay,
             "La asistencia técnica en poda debe empezar antes de la floración.")
    st.tl.at(100 + early, lambda: closeout.save_evaluation(luribay.alliance, EVALUATION, st.officer))
    st.tl.at(95 + early, settle_and_close, st, luribay)
    st.tl.at(40, repay_and_lend, st, luribay)
    punata = carry_out(st, "punata", out, 289)
    st.tl.at(30, final_report, st, punata, "El tanque de frío redujo el rechazo de leche por acidez.")
