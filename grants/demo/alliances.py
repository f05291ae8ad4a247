"""The demo's alliances, one at each stage of the lifecycle, brought there through the services only
(every step writes its audit event, exactly as if the people had done it on the pages), each step on its day
of the ``Timeline``. Execution, technical assistance, closeout and the revolving fund (Colomi, Punata,
Luribay) are in ``execution``, ``assistance`` and ``closeout``.

Used by ``grants.demo.seed``; nothing here commits. Texts are Spanish, as the program writes them.
"""
from datetime import timedelta
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_UP, Decimal

import sqlalchemy as sa

from ..alliances import services as alliances
from ..associations.models import Member
from ..extensions import db
from ..funding.schemas import TrancheActionIn
from ..plans import budget, review
from ..plans import services as plans
from ..plans.catalog import CHECKLIST, SECTIONS, items_of
from ..plans.schemas import (AppraisalIn, AssessmentIn, BudgetLineIn, CashFlowIn, IndicatorValues, PlanPatch, ReviewIn,
                             TrancheIn)
from ..proposals import preselection, screening
from ..proposals import services as proposals
from ..proposals.schemas import ProfileEdit, ScreeningIn
from .data import BOARD_ACCOUNTS, BUDGETS, CRITERIA_SCORES, EVIDENCE, INTENTIONS, SECTION_TEXTS
from .files import upload

CENT = Decimal("0.01")


def _money(value):
    return Decimal(value).quantize(CENT)


class Stage:
    """The context the steps share: the timeline, users by key, associations by key, buyers by name, the call."""

    def __init__(self, tl, users, assocs, buyers, call):
        self.tl, self.users, self.assocs, self.buyers, self.call = tl, users, assocs, buyers, call
        self.today = tl.today
        self.officer, self.finance = users["oficial"], users["finanzas"]
        self.committee = [users["comite1"], users["comite2"]]
        self.facilitator = users["facilitador"]
        self.treasurers = {"colomi": users["tesorero"]}
        self.boards = {"achacachi": users["presidenta"], "colomi": users["presidente"],
                       **{assoc: users[key] for key, _e, _l, _n, assoc, _t in BOARD_ACCOUNTS}}

    def day(self):
        """The day of the step being run."""
        return self.tl.now().date()

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
                "loi_signed_on": (self.day() - timedelta(days=20)).isoformat(),
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
        return proposals.save_profile(alliance, ProfileEdit(**data), self.boards[key], files=files)

    def intake(self, out, key, day, screened_after=None, adjust=0):
        """Schedule the intention: created with its profile on ``day`` (days ago), submitted three days later,
        and screened and declared eligible ``screened_after`` days after the submission."""
        def create():
            out[key] = self.create(key)
            self.profile(key, out[key])

        self.tl.at(day, create)
        self.tl.at(day - 3, lambda: alliances.take_action(out[key], "submit", self.boards[key]))
        if screened_after is not None:
            self.tl.at(day - 3 - screened_after, lambda: self.screen(out[key], adjust))

    def screen(self, alliance, adjust=0):
        scores = {code: max(0, min(5, value + adjust)) for code, value in CRITERIA_SCORES.items()}
        comments = {"market": "Carta de intención firmada con volumen y precio.",
                    "organization": "Asociación con personería y directorio vigente."}
        screening.save_scores(alliance, ScreeningIn(
            scores={c.code: scores.get(c.code, 3) for c in alliance.call.criteria},
            comments={k: v for k, v in comments.items() if any(c.code == k for c in alliance.call.criteria)}),
            self.officer)
        alliances.take_action(alliance, "declare_eligible", self.officer,
                              {"comment": "Cumple los requisitos de admisibilidad de la convocatoria."})

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
            budget.add_line(alliance, BudgetLineIn(
                category=category, description=description, unit=unit, quantity=qty, unit_cost=unit_cost,
                grant=grant, counterpart_cash=cash, counterpart_in_kind=total - grant - cash), self.facilitator)

    def sections(self, key, alliance, names=None):
        from ..alliances.figures import financing

        spec, fin = INTENTIONS[key], financing(alliance)
        values = dict(assoc=alliance.association.name, families=alliance.families, title_lc=spec["title"][0].lower()
                      + spec["title"][1:], total=f"Bs {fin.total}", grant=f"Bs {fin.totals['grant']}",
                      product_lc=spec["product"].lower(), buyer=spec["buyer"], volume=spec["volume"],
                      unit=spec["unit"], price=spec["price"])
        data = {name: SECTION_TEXTS[name].format(**values) for name in (names or SECTIONS)}
        if names is None:
            data["environmental_category"] = 3
        plans.update_sections(alliance, PlanPatch(**data), self.facilitator)

    def complete_plan(self, key, alliance):
        from ..alliances.figures import financing

        spec, n = INTENTIONS[key], alliance.families
        self.budget_lines(key, alliance)
        self.sections(key, alliance)
        grant = financing(alliance).totals["grant"]
        first = (grant * Decimal("0.6")).quantize(Decimal("1"))
        budget.add_tranche(alliance, TrancheIn(amount=first, planned_on=self.day() + timedelta(days=60),
                                               conditions="Convenio firmado y aporte en efectivo depositado"),
                           self.facilitator)
        budget.add_tranche(alliance, TrancheIn(amount=grant - first, planned_on=self.day() + timedelta(days=240),
                                               conditions="70 % del primer tramo justificado con gastos aprobados"),
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
            i.id: IndicatorValues(baseline=_money(targets[i.code][0]), target=_money(targets[i.code][1]))
            for i in alliance.indicators if i.code in targets}, self.facilitator)
        for kind in ("empowerment", "capacity"):
            items = [{"code": code, "score": 1 + (number % 3), "evidence": EVIDENCE[number % len(EVIDENCE)]}
                     for number, code, _g, _t, _e in items_of(kind)]
            plans.save_assessment(alliance, kind, "baseline", AssessmentIn(items=items), self.facilitator)
        base = income * n
        total = financing(alliance).total
        ramp = (Decimal("1.5"), Decimal("1.9"), Decimal("2.1"), Decimal("2.2"), Decimal("2.2"))
        years = [{"year": 0, "with_investment": str(total)}] + [
            {"year": y, "without_revenue": str(_money(base)), "without_cost": str(_money(base * Decimal("0.6"))),
             "with_revenue": str(_money(base * r)), "with_cost": str(_money(base * r * Decimal("0.5")))}
            for y, r in enumerate(ramp, start=1)]
        plans.save_cash_flow(alliance, CashFlowIn(years=years), self.facilitator)

    def to_committee(self, key, out, day):
        """Schedule the plan's way to the committee: submitted on ``day``, appraised, sent a week later."""
        self.tl.at(day, lambda: alliances.take_action(out[key], "submit_plan", self.boards[key]))
        self.tl.at(day - 2, lambda: alliances.take_action(out[key], "start_appraisal", self.officer))
        self.tl.at(day - 7, self.appraise, out, key)

    def appraise(self, out, key):
        alliance = out[key]
        checklist = {code: {"answer": "yes"} for code in CHECKLIST}
        checklist["budget_reasonable"] = {
            "answer": "observed", "note": "Los costos unitarios del centro de acopio están en el límite superior de "
                                         "la región; se recomienda cotizar de nuevo en la ejecución."}
        review.save_appraisal(alliance, AppraisalIn(checklist=checklist, opinion=(
            "El plan es técnica y financieramente viable: el comprador está comprometido, el flujo de caja con "
            "proyecto es positivo y la asociación puede aportar su contraparte. Se recomienda su aprobación.")),
            self.officer)
        alliances.take_action(alliance, "send_to_committee", self.officer)

    # -- committee, agreement, first tranche -----------------------------------------------------

    def approve(self, alliance):
        for member, points in zip(self.committee, (4, 3)):
            review.submit_review(alliance, ReviewIn(
                declares_no_conflict=True, recommendation="approve",
                scores={c.code: min(c.max, points + (c.code == "market")) for c in alliance.call.criteria},
                comment="Plan sólido; vigilar el cumplimiento del aporte en especie."), member)
        alliances.take_action(alliance, "approve", self.committee[0],
                              {"comment": "Aprobado por unanimidad en la sesión ordinaria del comité."})

    def execute(self, key, out, day, transfer=True):
        """Schedule the agreement (``day`` days ago), the first tranche (requested two days later, approved,
        transferred a week after the signature) and the start of the execution; without ``transfer``, the
        approved tranche waits for finance to record the transfer."""
        from ..funding import services as funding

        def sign():
            alliance = out[key]
            assoc = alliance.association
            funding.upload_signed_agreement(alliance, upload("convenio-firmado.pdf", f"Convenio {alliance.code}", [
                f"Convenio de alianza productiva {alliance.code}", assoc.name, alliance.buyer.name,
                "Firmado por la asociación, el programa y el comprador.",
                f"Cofinanciamiento: Bs {alliance.requested_grant}"]), self.officer)
            alliances.take_action(alliance, "sign_agreement", self.officer,
                                  {"counterpart_deposit_reference": f"DEP-{assoc.bank_account[-6:]}-01"})

        def first():
            return min(out[key].tranches, key=lambda t: t.number)

        def disburse():
            funding.tranche_action(first(), "disburse", self.finance, TrancheActionIn(**{
                "reference": f"TRF-{self.day():%Y%m%d}-{out[key].id:04d}", "disbursed_on": self.day().isoformat()}))

        self.tl.at(day, sign)
        self.tl.at(day - 2, lambda: funding.tranche_action(first(), "request", self.boards[key], TrancheActionIn(**{
            "comment": "Solicitamos el primer tramo según el convenio."})))
        self.tl.at(day - 4, lambda: funding.tranche_action(first(), "approve", self.officer, TrancheActionIn(**{
            "comment": "Convenio firmado y aporte depositado."})))
        if not transfer:
            return
        self.tl.at(day - 7, disburse)
        self.tl.at(day - 8, lambda: alliances.take_action(out[key], "start_execution", self.officer, {
            "comment": "Inicio de la ejecución tras el primer desembolso."}))


#: per alliance that reached the committee: days ago its plan was complete, sent to the committee, approved,
#: and its agreement signed (None: not yet). Llica signed last week: its first tranche waits for the transfer.
PLANS = {"luribay": (630, 626, 612, 600), "punata": (326, 322, 312, 296), "colomi": (300, 296, 283, 272),
         "llica": (45, 41, 22, 12), "patacamaya": (60, 56, None, None)}
#: Luribay's story ran this many days before the others' (its own preselection session): it closed more than a
#: year ago and has its first follow-up after the closing (grants/demo/followups.py)
EARLIER = {"luribay": 300}


def build(tl, users, assocs, buyers, call):
    """Schedule the demo's alliances to their stages on ``tl``. Returns ``{association key: alliance}``, filled
    as the timeline runs."""
    from . import assistance, closeout, execution

    st = Stage(tl, users, assocs, buyers, call)
    out = {}
    # the five that went furthest were submitted and screened first, and preselected in one session; Luribay went
    # through the same steps ten months before them, in a session of its own
    first = ("luribay", "punata", "colomi", "patacamaya", "tiraque", "llica")
    for i, (key, adjust) in enumerate((("luribay", 1), ("punata", 0), ("colomi", 1), ("patacamaya", 0),
                                       ("tiraque", 0), ("llica", 0))):
        st.intake(out, key, 400 - 3 * i + EARLIER.get(key, 0), screened_after=12, adjust=adjust)
    tl.at(370 + EARLIER["luribay"], lambda: preselection.decide(
        call, [(out["luribay"].id, "preselect")], st.committee[0],
        comment="Primera sesión de preselección de la convocatoria."))
    tl.at(370, lambda: preselection.decide(call, [(out[k].id, "preselect") for k in first if k != "luribay"],
                                           st.committee[0], comment="Segunda sesión de preselección."))
    for key in first:
        tl.at(368 + EARLIER.get(key, 0), lambda key=key: st.start_plan(out[key]))
    # Luribay, Punata and Colomi: approved, agreement signed, first tranche transferred, in execution;
    # Llica: agreement signed, first tranche approved; Patacamaya: complete plan, appraised, before the committee
    for key, (complete, committee, approved, signed) in PLANS.items():
        tl.at(complete, lambda key=key: st.complete_plan(key, out[key]))
        st.to_committee(key, out, committee)
        if approved:
            tl.at(approved, lambda key=key: st.approve(out[key]))
            st.execute(key, out, signed, transfer=key != "llica")
    # Luribay went on to closed, Punata to closing; Colomi is in execution with expenses, values, a visit and
    # its technical assistance
    closeout.build(st, out)
    execution.build(st, out)
    assistance.build(st, out)
    # Tiraque: plan in preparation with the facilitator, budget begun
    tl.at(25, lambda: st.budget_lines("tiraque", out["tiraque"], count=3))
    tl.at(24, lambda: st.sections("tiraque", out["tiraque"], names=("executive_summary", "business_agreement",
                                                                     "agreement_volume")))
    # Caranavi: screened and eligible, waits for the committee's preselection
    st.intake(out, "caranavi", 45, screened_after=9, adjust=-1)
    # Sorata: just submitted, waits in the officer's screening queue
    st.intake(out, "sorata", 7)

    # a draft with its profile partly written (the board of Achacachi is still working on it)
    def draft():
        out["achacachi"] = st.create("achacachi")
        st.profile("achacachi", out["achacachi"], full=False)

    tl.at(12, draft)
    return out
