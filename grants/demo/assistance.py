"""The demo's technical assistance, through the services only, on the timeline (nothing commits).

The officer keeps a registry of three providers; Consultora Agroandina has its own account (``asistencia``).
Colomi's board writes terms of reference for post-harvest assistance, invites the three, records their
proposals, scores them and selects Agroandina (the minutes are frozen), then contracts it with three
deliverables: the first submitted by the provider, accepted by the board and paid by the treasurer; the second
submitted and waiting for the board; the third due four days ago and not yet submitted (``deliverable_overdue``).
"""
from decimal import Decimal

from ..assistance import selection
from ..assistance import services as assistance
from .execution import Execution
from .files import upload

#: (name, tax id, e-mail, phone, has the demo's provider account)
PROVIDERS = (
    ("Consultora Agroandina S.R.L.", "3287741015", "contacto@agroandina.example.org", "44251877", True),
    ("Fundación Papa Nativa Andina", "1029874026", "proyectos@papanativa.example.org", "44286013", False),
    ("Rolando Mercado Vásquez (consultor independiente)", "4517823019", "rmercado@consultor.example.org",
     "71498820", False),
)
#: per provider: the price offered and the technical score the association gave it
OFFERS = ((Decimal("15000.00"), 88), (Decimal("16800.00"), 75), (Decimal("13900.00"), 60))
#: the contract's deliverables: (description, due days ago, amount)
DELIVERABLES = (
    ("Diagnóstico de plagas y enfermedades y plan de manejo de la papa nativa", 80, "4500.00"),
    ("Informe de la campaña de poscosecha: selección, clasificación y pérdidas", 20, "6000.00"),
    ("Manual de almacenamiento en silos verdeadores y taller con las familias", 4, "4500.00"),
)


class Assistance:
    def __init__(self, st, out):
        self.st, self.tl, self.out = st, st.tl, out
        self.board, self.officer = st.boards["colomi"], st.officer
        self.provider_user = st.users["asistencia"]
        self.providers, self.found = [], {}

    @property
    def alliance(self):
        return self.out["colomi"]

    def line(self):
        return next(line for line in self.alliance.budget_lines if line.category == "technical_assistance")

    def registry(self):
        for name, tax_id, email, phone, own in PROVIDERS:
            self.providers.append(assistance.create_provider({
                "name": name, "tax_id": tax_id, "email": email, "phone": phone,
                "user_id": self.provider_user.id if own else None}, self.officer))

    def terms(self):
        self.found["terms"] = selection.create_terms(self.alliance, {
            "budget_line_id": self.line().id,
            "scope": "Asistencia técnica a las familias socias en manejo integrado de plagas, cosecha y poscosecha "
                     "de papa nativa, para cumplir la ficha técnica de Snacks Andinos S.R.L.",
            "deliverables": "1. Diagnóstico y plan de manejo. 2. Informe de la campaña de poscosecha. "
                            "3. Manual de almacenamiento y taller con las familias.",
            "budget": "16000.00", "duration_days": 180,
            "profile": "Ingeniería agronómica con experiencia de tres años en papa nativa y trabajo con "
                       "organizaciones campesinas; hablar quechua.",
            "technical_weight": 70}, self.board)

    def invite(self):
        selection.invite(self.found["terms"], {"provider_ids": [p.id for p in self.providers]}, self.board)

    def proposals(self):
        terms = self.found["terms"]
        for provider, (price, _score) in zip(self.providers, OFFERS):
            selection.record_proposal(terms, {"provider_id": provider.id, "price": str(price)}, self.board, file=upload(
                "propuesta.pdf", f"Propuesta técnica y económica — {provider.name}", [
                    terms.alliance.association.name, "Asistencia técnica en manejo y poscosecha de papa nativa",
                    f"Precio total: Bs {price}", "Plazo: 180 días."]))

    def score(self):
        terms = self.found["terms"]
        by_provider = {p.provider_id: p for p in terms.proposals}
        for provider, (_price, points) in zip(self.providers, OFFERS):
            selection.score(by_provider[provider.id], {"technical_score": points}, self.board)

    def select(self):
        terms = self.found["terms"]
        chosen = next(p for p in terms.proposals if p.provider_id == self.providers[0].id)
        selection.select(terms, {"proposal_id": chosen.id, "justification": (
            "Mejor puntaje total: la mejor propuesta técnica, con experiencia en papa nativa y técnicos que hablan "
            "quechua, a un precio razonable.")}, self.board)

    def contract(self):
        self.found["contract"] = assistance.create_contract(self.alliance, {
            "provider_id": self.providers[0].id, "budget_line_id": self.line().id, "amount": str(OFFERS[0][0]),
            "terms_id": self.found["terms"].id, "starts_on": self.tl.day(110).isoformat(),
            "ends_on": self.tl.day(-70).isoformat(),
            "deliverables": [{"description": d, "due_on": self.tl.day(due).isoformat(), "amount": amount}
                             for d, due, amount in DELIVERABLES]}, self.board)

    def deliverable(self, n):
        return self.found["contract"].deliverables[n]

    def submit(self, n):
        d = self.deliverable(n)
        assistance.transition(d, "submit", self.provider_user, note="Adjuntamos el producto para su revisión.",
                              file=upload(f"producto-{n + 1}.pdf", d.description[:60], [
                                  "Consultora Agroandina S.R.L.", d.description[:90],
                                  f"Alianza {d.contract.alliance.code}"]))

    def accept(self, n):
        assistance.transition(self.deliverable(n), "accept", self.board,
                              comment="Producto revisado y aprobado por el directorio.")


def build(st, out):
    ta = Assistance(st, out)
    st.tl.at(380, ta.registry)
    st.tl.at(140, ta.terms)
    st.tl.at(138, ta.invite)
    st.tl.at(125, ta.proposals)
    st.tl.at(120, ta.score)
    st.tl.at(118, ta.select)
    st.tl.at(112, ta.contract)
    st.tl.at(82, ta.submit, 0)
    st.tl.at(76, ta.accept, 0)
    ex = Execution(st, "colomi", out, writer=st.treasurers["colomi"])
    ex.spend(74, "technical_assistance", Decimal(DELIVERABLES[0][2]), PROVIDERS[0][0],
             "Pago del producto 1: diagnóstico y plan de manejo", kind="jpeg",
             deliverable=lambda: ta.deliverable(0).id)
    st.tl.at(18, ta.submit, 1)
    return ta
