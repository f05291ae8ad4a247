"""The demo's execution, through the services only, each step on its day of the timeline (nothing commits).

``Execution`` schedules what an association does while it executes its budget: expenses with their receipts
(above the minor purchase limit after a price comparison), counterpart contributions, accountability reports,
indicator values. ``colomi`` is the alliance in execution: its treasurer records the expenses (receipt photos,
one scan, one still without a receipt) and the contributions, the officer approved a first report and has the
second (submitted late) to review, the board requests the second tranche (unanswered: the first is not yet
justified enough), the officer visits and leaves two follow-up actions (one answered, one due). Colomi shows
every alert: ``report_missing`` (the last report ended more than the program's three months ago),
``low_execution`` (little of the grant received is spent), ``tranche_unanswered``, and, with its technical
assistance (``assistance``), ``deliverable_overdue``.
"""
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from ..execution import contributions, expenses, procurement, reports
from ..extensions import db
from ..funding.schemas import TrancheActionIn
from ..monitoring import services as monitoring
from ..monitoring import visits
from .files import receipt, upload

UNIT = Decimal("1")
CENT = Decimal("0.01")


def _months_back(day, n):
    year, month = day.year, day.month - n
    while month < 1:
        year, month = year - 1, month + 12
    return f"{year:04d}-{month:02d}"


def _line(alliance, category):
    return next(line for line in alliance.budget_lines if line.category == category)


def _value(x):
    return x() if callable(x) else x


class Execution:
    """Schedules one alliance's execution on the timeline; ``writer`` records (the treasurer or the board)."""

    def __init__(self, st, key, out, writer=None):
        self.st, self.tl, self.key, self.out = st, st.tl, key, out
        self.board, self.officer, self.finance = st.boards[key], st.officer, st.finance
        self.writer = writer or self.board
        self.today = st.today
        self.count = 0

    @property
    def alliance(self):
        return self.out[self.key]

    def day(self, days_ago):
        return self.today - timedelta(days=days_ago)

    def line(self, category):
        return _line(self.alliance, category)

    def spend(self, days_ago, category, amount, supplier, description, others=(), kind="pdf", deliverable=None):
        """Schedule a grant expense with its receipt (``kind``: pdf, jpeg, png or None for none yet); above the
        minor purchase limit, after a price comparison among ``supplier`` and ``others`` (three quotations, the
        lowest awarded). ``amount`` and ``deliverable`` may be callables, read when the step runs."""
        self.tl.at(days_ago, self._spend, days_ago, category, amount, supplier, description, others, kind,
                   deliverable)

    def _spend(self, days_ago, category, amount, supplier, description, others, kind, deliverable):
        a, line = self.alliance, self.line(category)
        amount = Decimal(_value(amount)).quantize(UNIT)
        self.count += 1
        number = f"{self.count:03d}{a.id:03d}"
        procurement_id = None
        if amount > Decimal(a.program.minor_purchase_limit or 0):
            p = procurement.create_procurement(a, {
                "description": description, "budget_line_id": line.id, "method": "comparison",
                "estimated_amount": str(amount)}, self.writer)
            for name, factor in ((supplier, Decimal("1")), *others):
                procurement.add_quotation(p, {"supplier": name, "amount": str((amount * factor).quantize(UNIT))},
                                          upload("cotizacion.pdf", f"Cotización — {name}", [
                                              description, f"Monto: Bs {(amount * factor).quantize(UNIT)}",
                                              "Validez de la oferta: 30 días."]), self.writer)
            procurement.procurement_action(p, "award", self.board, {"quotation_id": p.quotations[0].id})
            procurement_id = p.id
        lines = [supplier, f"Factura N° {number}", self.day(days_ago).isoformat(), description[:34],
                 f"Total: Bs {amount}"]
        file = None
        if kind == "pdf":
            file = upload("factura.pdf", f"Factura N° {number}", [supplier, description, f"Total: Bs {amount}"])
        elif kind:
            file = receipt(f"factura-{number}", lines, kind)
        expense = expenses.record_expense(a, {
            "budget_line_id": line.id, "spent_on": self.day(days_ago).isoformat(), "amount": str(amount),
            "source": "grant", "supplier": supplier, "document_type": "invoice", "document_number": number,
            "description": description, "procurement_id": procurement_id,
            "deliverable_id": _value(deliverable)}, self.writer, receipt=file)
        if procurement_id:
            procurement.procurement_action(expense.procurement, "close", self.board)
        return expense

    def months_of(self, category, months, first_days_ago, supplier, what, first=1, kind="pdf"):
        def per():
            line = self.line(category)
            return (line.grant / line.quantity).quantize(UNIT)

        for i in range(months):
            self.spend(first_days_ago - 15 * i, category, per, supplier, f"{what} ({first + i})", kind=kind)

    def contribute(self, days_ago, kind, description, amount=None, quantity=None, unit_value=None,
                   category=None):
        def step():
            data = {"kind": kind, "contributed_on": self.day(days_ago).isoformat(), "description": description}
            if kind == "in_kind":
                data.update(in_kind_type="labour", quantity=str(_value(quantity)), unit_value=str(unit_value))
            else:
                data["amount"] = str(_value(amount))
            if category:
                data["budget_line_id"] = self.line(category).id
            contributions.record_contribution(self.alliance, data, self.writer, evidence=upload(
                "respaldo-aporte.pdf", "Respaldo del aporte propio", [self.alliance.association.name, description]))

        self.tl.at(days_ago, step)

    def report(self, start_ago, end_ago, approve_after=7, submit_ago=None):
        """Schedule a report of the period, created and submitted ``submit_ago`` days ago (default: three days
        after it ends; the assembly approved it two days after the end), approved by the officer
        ``approve_after`` days later (None: it waits for the officer)."""
        submit_ago = end_ago - 3 if submit_ago is None else submit_ago
        start, end = self.day(start_ago), self.day(end_ago)
        found = {}

        def submit():
            a = self.alliance
            found["r"] = reports.create_report(a, {
                "period_start": start.isoformat(), "period_end": end.isoformat(),
                "assembly_approved_on": (end + timedelta(days=2)).isoformat()}, self.writer,
                minutes=upload("acta-asamblea.pdf", "Acta de asamblea general", [
                    a.association.name, f"Aprobación de la rendición de cuentas del {start} al {end}.",
                    "Firman los socios presentes."]))
            reports.report_action(found["r"], "submit", self.writer,
                                  {"comment": "Rendición aprobada por la asamblea."})

        self.tl.at(submit_ago, submit)
        if approve_after is not None:
            self.tl.at(submit_ago - approve_after, lambda: reports.report_action(
                found["r"], "approve", self.officer,
                {"comment": "Gastos respaldados con facturas; saldos conciliados."}))

    def values(self, end_ago, months=3):
        """Schedule the monthly values of the people and sales indicators of the ``months`` months before
        ``end_ago``, each recorded on the first days of the next month, growing toward the targets."""
        end = self.day(end_ago)
        for back in range(months - 1, -1, -1):
            self.tl.at(end_ago + 30 * back, self._values, _months_back(end, back + 1),
                       Decimal(months - back) / months)

    def _values(self, period, step):
        a = self.alliance
        members = [link.member for link in a.member_links]
        women = sum(m.sex == "F" for m in members)
        by_code = {i.code: i for i in a.indicators}
        rows = {"families": {"value": str(len(members)), "women": women, "men": len(members) - women}}
        for code in ("sales_volume", "price_received", "net_income_per_family"):
            ind = by_code[code]
            value = ind.baseline + (ind.target - ind.baseline) * step * Decimal("0.3")
            rows[code] = {"value": str(value.quantize(CENT))}
        for code, data in rows.items():
            monitoring.record_value(a, by_code[code], {"period": period, "note": "Registro de acopio y "
                                                       "planillas de entrega al comprador.", **data}, self.writer)


BIDS = (Decimal("1.07"), Decimal("1.12"))


def colomi(st, out):
    """Colomi's execution (its first tranche was transferred 265 days ago, see ``alliances.PLANS``)."""
    from ..funding import services as funding

    ex = Execution(st, "colomi", out, writer=st.treasurers["colomi"])
    ex.months_of("technical_assistance", 2, 262, "Agrotec Cochabamba S.R.L.", "Asistencia técnica en manejo "
                 "de papa nativa, mes", kind="jpeg")
    ex.spend(240, "training", lambda: ex.line("training").grant / ex.line("training").quantity,
             "Centro de Capacitación Campesina Colomi", "Taller de gestión asociativa", kind="png")
    ex.spend(232, "inputs", lambda: ex.line("inputs").grant * Decimal("0.6"), "Semillas Andinas PROINPA",
             "Semilla de papa nativa certificada (primera siembra)",
             (("Agroinsumos Cochabamba S.R.L.", BIDS[0]), ("Semillas del Valle", BIDS[1])), kind="jpeg")
    ex.contribute(250, "cash", "Aporte en efectivo de las familias socias para el centro de acopio",
                  amount=lambda: (ex.line("infrastructure").counterpart_cash * Decimal("0.5")).quantize(UNIT))
    ex.report(265, 160)
    ex.spend(130, "technical_assistance", lambda: ex.line("technical_assistance").grant / 24,
             "Agrotec Cochabamba S.R.L.", "Asistencia técnica en manejo de papa nativa, mes (3)", kind="jpeg")
    # the second report, submitted late: it waits for the officer, and the next one is already due
    ex.report(159, 100, approve_after=None, submit_ago=12)
    # recorded after the second report's period, not yet reported
    ex.spend(70, "technical_assistance", lambda: ex.line("technical_assistance").grant / 24,
             "Agrotec Cochabamba S.R.L.", "Asistencia técnica en manejo de papa nativa, mes (4)", kind="jpeg")
    ex.contribute(15, "in_kind", "Jornales de los socios en la limpieza del terreno del centro de acopio",
                  quantity=60, unit_value=100, category="infrastructure")
    ex.spend(8, "equipment", Decimal("6850"), "Ferretería Agrícola Colomi", "Zarandas, mesas de selección y "
             "cajas cosecheras", kind="jpeg")
    # the treasurer still has to attach this receipt
    ex.spend(2, "training", Decimal("640"), "Pensión Doña Rufina", "Refrigerio del taller de poscosecha", kind=None)
    ex.values(5)
    # the second tranche, requested by the board 25 days ago and not answered
    st.tl.at(25, lambda: _request_second(funding, ex))
    st.tl.at(6, _visit, st, ex)
    st.tl.at(3, _answer_first_action, ex)
    return ex


def _request_second(funding, ex):
    second = max(ex.alliance.tranches, key=lambda t: t.number)
    funding.tranche_action(second, "request", ex.board, TrancheActionIn(**{"comment": "Solicitamos el segundo tramo para la compra "
                                                                    "del equipo de selección."}))


def _visit(st, ex):
    ex.visit = visits.record_visit(ex.alliance, {
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


def _answer_first_action(ex):
    from ..monitoring.models import FollowUpAction

    first = db.session.execute(sa.select(FollowUpAction).where(FollowUpAction.visit_id == ex.visit.id)
                               .order_by(FollowUpAction.id).limit(1)).scalar_one()
    visits.act(first, "answer", ex.board, answer="Adjuntamos las tres cotizaciones; la asamblea eligió la de "
                                                 "menor precio.")


def build(st, out):
    return colomi(st, out)
