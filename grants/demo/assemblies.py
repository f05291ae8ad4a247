"""The demo's assembly register: the general assemblies behind the approvals the story already has.

* Colomi: the ordinary assembly that approved the business plan (before the plan was complete), and an
  extraordinary one that approved a direct contracting (the only dealer of spare parts for the potato
  selector), which the board then opens and awards pointing to that decision instead of a loose file;
* Luribay: the assembly that adopted the revolving fund's policy after the closeout, before the first
  repayments.

Attendance by sex is drawn from each association's own member families, so the quorum is met; all through
the services, on the demo's timeline, deterministic."""
import sqlalchemy as sa

from ..accounts.models import Membership, User
from ..alliances.models import Alliance
from ..associations import assemblies
from ..associations.models import Member
from ..execution import procurement
from ..extensions import db
from .files import upload


def _board(assoc):
    return db.session.execute(sa.select(User).join(Membership, Membership.user_id == User.id).where(
        Membership.association_id == assoc.id, Membership.role == "board").order_by(User.id)).scalars().first()


def _attendance(assoc, share_women, share_men):
    """Women and men present: the given shares of the active member families of each sex."""
    rows = db.session.execute(sa.select(Member.sex, sa.func.count(Member.id)).where(
        Member.association_id == assoc.id, Member.active.is_(True)).group_by(Member.sex)).all()
    counts = dict(rows)
    women = round(counts.get("F", 0) * share_women)
    men = round((counts.get("M", 0) + counts.get("X", 0)) * share_men)
    return women, men


def _register(tl, assoc, kind, place, shares, decisions, title):
    board = _board(assoc)
    women, men = _attendance(assoc, *shares)
    present = women + men
    held_on = tl.now().date()
    rows = [{"kind": k, "text": text, "votes_for": present - 1, "votes_against": 0, "votes_abstain": 1}
            for k, text in decisions]
    minutes = upload("acta-asamblea.pdf", title, [assoc.name, f"{held_on.isoformat()} · {place}",
                                                  f"Presentes: {women} mujeres y {men} hombres.",
                                                  *(f"{i + 1}. {text}" for i, (_k, text) in enumerate(decisions)),
                                                  "Firman los socios presentes."])
    return assemblies.register_assembly(assoc, {"held_on": held_on.isoformat(), "kind": kind, "place": place,
                                                "women": women, "men": men, "families_present": present,
                                                "decisions": rows}, minutes, board)


def _alliance(assoc):
    return db.session.execute(sa.select(Alliance).where(Alliance.association_id == assoc.id)
                              .order_by(Alliance.id)).scalars().first()


def _colomi_direct(tl, assoc):
    a = _register(tl, assoc, "extraordinary", "Sede de la asociación, Colomi", (0.85, 0.8), [
        ("direct_contracting", "Contratar directamente a Agromec Cochabamba, único distribuidor de repuestos de "
                               "la seleccionadora de papa, por la reparación de la máquina.")],
        "Acta de asamblea general extraordinaria")
    alliance = _alliance(assoc)
    board = _board(assoc)
    line = alliance.budget_lines[0]
    p = procurement.create_procurement(alliance, {
        "description": "Reparación de la seleccionadora de papa (repuestos originales)", "budget_line_id": line.id,
        "method": "direct", "direct_reason": "single_supplier", "estimated_amount": "8600.00",
        "assembly_decision_id": a.decisions[0].id}, board)
    procurement.add_quotation(p, {"supplier": "Agromec Cochabamba S.R.L.", "amount": "8600.00"},
                              upload("cotizacion.pdf", "Cotización — Agromec Cochabamba S.R.L.", [
                                  "Repuestos originales y mano de obra", "Monto: Bs 8600.00"]), board)
    procurement.procurement_action(p, "award", board, {"quotation_id": p.quotations[0].id})


def schedule(tl, assocs):
    """Schedule the assemblies on ``tl`` (days ago, as in ``alliances.PLANS`` and ``closeout.build``)."""
    colomi, luribay = assocs["colomi"], assocs["luribay"]
    tl.at(303, _register, tl, colomi, "ordinary", "Salón comunal de Colomi", (0.8, 0.7), [
        ("plan_approval", "Aprobar el plan de negocio de papa nativa con la contraparte de los socios."),
        ("other", "Nombrar el comité de compras: tres socias y dos socios.")], "Acta de asamblea general ordinaria")
    tl.at(150, _colomi_direct, tl, colomi)
    tl.at(400, _register, tl, luribay, "ordinary", "Centro de acopio de Luribay", (0.75, 0.7), [
        ("revolving_policy", "Adoptar el reglamento del fondo rotatorio: cuotas de devolución, préstamos a socios "
                             "al 5 % anual y un plazo máximo de 180 días."),
        ("board_election", "Renovar la mitad de la directiva; se elige una tesorera.")],
        "Acta de asamblea general ordinaria")
