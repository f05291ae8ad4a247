"""The assembly register: record an assembly once (attendance by sex, quorum, decisions, minutes file) and
let the stages point to one of its decisions instead of keeping a loose minutes file each.

Quorum rule: more than half of the association's active member families for an ordinary assembly, two
thirds for an extraordinary one. It counts the member families represented when the minutes give them,
else the people present. A decision a stage relies on must belong to the same association, be of the
kind the stage needs, come from an assembly with quorum and have been adopted."""
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from flask_babel import lazy_gettext as _l

from .. import audit, parsing
from ..errors import Collector, RuleViolation, Violation
from ..extensions import db
from ..uploads import read_checked, store
from ..workflows import rules
from .assemblies_models import Assembly, AssemblyDecision
from .models import Member
from .schemas import AssemblyIn, passed, read

#: share of active member families needed, by kind of assembly: (numerator, denominator); "more than" for ordinary
QUORUM = {"ordinary": (1, 2), "extraordinary": (2, 3)}



def active_members(association):
    return db.session.execute(sa.select(sa.func.count(Member.id)).where(
        Member.association_id == association.id, Member.active.is_(True))).scalar_one()


def quorum_required(members_total, kind):
    """Families needed: more than half (ordinary) or at least two thirds (extraordinary), at least one."""
    if kind == "extraordinary":
        return max(1, -(-members_total * 2 // 3))
    return members_total // 2 + 1


def _families(data, c):
    """The families represented when the model failed on other fields (None when this one had an error)."""
    raw = passed(data, c, "families_present")
    return None if raw is None else int(raw)


def register_assembly(association, data, minutes, actor):
    """Register an assembly with its decisions and its minutes (PDF or photo, checked by content).

    ``data``: an ``AssemblyIn`` (grants/associations/schemas.py) or a mapping read with it. The quorum is
    computed against the active member families now. Raises ``ValidationFailed`` (fields, with the families
    above the active members and a missing minutes file listed together), ``RuleViolation``
    (``assembly_already_registered``: the same assembly twice), upload errors. Never commits."""
    c = Collector()
    body = read(AssemblyIn, data, c)
    families = body.families_present if body is not None else _families(data, c)
    members_total = active_members(association)
    if families is not None and families > members_total:
        c.add(rules.INVALID, _l("The association has %(n)s active member families.", n=members_total),
              "families_present")
    if minutes is None or not getattr(minutes, "filename", None):
        c.add(rules.REQUIRED, _l("Upload the minutes of the assembly (photo or PDF)."), "file")
    parsing.fail(c)
    held_on, kind = body.held_on, body.kind
    if db.session.execute(sa.select(Assembly.id).where(
            Assembly.association_id == association.id, Assembly.held_on == held_on, Assembly.kind == kind)).first():
        raise RuleViolation([_already(held_on)])
    blob, ctype, name = read_checked(minutes, field="file")
    required = quorum_required(members_total, kind)
    counted = families if families is not None else body.present
    assembly = Assembly(association_id=association.id, held_on=held_on, kind=kind, place=body.place or "",
                        women=body.women, men=body.men, families_present=families, members_total=members_total,
                        quorum_required=required, quorum_met=members_total > 0 and counted >= required,
                        notes=body.notes or None, minutes_sha256=store(blob), minutes_filename=name,
                        minutes_content_type=ctype, created_by_id=actor.id)
    assembly.decisions = [AssemblyDecision(position=i + 1, **d.model_dump()) for i, d in enumerate(body.decisions)]
    try:
        with db.session.begin_nested():  # the same assembly sent twice at once: the second is refused
            db.session.add(assembly)
            db.session.flush()
    except IntegrityError:
        raise RuleViolation([_already(held_on)]) from None
    audit.record("assembly", assembly.id, "record", actor, association_id=association.id,
                 data={"held_on": held_on, "kind": kind, "women": body.women, "men": body.men,
                       "families_present": families, "members_total": members_total, "quorum_required": required,
                       "quorum_met": assembly.quorum_met, "sha256": assembly.minutes_sha256,
                       "decisions": [{"id": d.id, "kind": d.kind} for d in assembly.decisions]})
    return assembly


def _already(held_on):
    return Violation(rules.ASSEMBLY_ALREADY_REGISTERED, _l("This assembly (%(day)s) is already in the register: it is "
                                                     "registered once.", day=held_on.isoformat()), "held_on")


def decision_for(association_id, raw, kind, c, field="assembly_decision_id"):
    """The registered decision ``raw`` (an id) that a stage relies on, or None after adding to ``c`` why not:
    ``assembly_decision_invalid`` (unknown, another association's, or another kind),
    ``assembly_quorum_not_met``, ``assembly_decision_not_adopted``."""
    try:
        ident = int(raw)
    except (TypeError, ValueError):
        ident = 0
    decision = db.session.get(AssemblyDecision, ident) if 0 < ident < 2**31 else None
    if decision is None or decision.assembly.association_id != association_id or decision.kind != kind:
        c.add(rules.ASSEMBLY_DECISION_INVALID, _l("Choose a decision of this association's assemblies about %(what)s.",
                                            what=decision_kind_label(kind)), field)
        return None
    if not decision.assembly.quorum_met:
        c.add(rules.ASSEMBLY_QUORUM_NOT_MET, _l("The assembly of %(day)s had no quorum: its decisions do not bind the "
                                          "association.", day=decision.assembly.held_on.isoformat()), field)
        return None
    if not decision.adopted:
        c.add(rules.ASSEMBLY_DECISION_NOT_ADOPTED, _l("The assembly did not adopt this decision (more votes against)."),
              field)
        return None
    return decision


def usable_decisions(association_id, kind):
    """Decisions of ``kind`` that a stage may point to (quorum met, adopted), newest assembly first."""
    rows = db.session.execute(
        sa.select(AssemblyDecision).join(Assembly).where(Assembly.association_id == association_id,
                                                         Assembly.quorum_met.is_(True), AssemblyDecision.kind == kind)
        .order_by(Assembly.held_on.desc(), AssemblyDecision.position).limit(100)).scalars().all()
    return [d for d in rows if d.adopted]


KIND_LABELS = {
    "ordinary": _l("Ordinary"), "extraordinary": _l("Extraordinary"),
}
DECISION_LABELS = {
    "plan_approval": _l("Approval of the business plan"),
    "direct_contracting": _l("Direct contracting"),
    "accountability_report": _l("Accountability report"),
    "revolving_policy": _l("Revolving fund policy"),
    "board_election": _l("Board election"),
    "other": _l("Other"),
}


def decision_kind_label(kind):
    return DECISION_LABELS.get(kind, kind)


def decision_label(decision):
    """"12/05/2027 · Direct contracting: text" for a select."""
    text = decision.text if len(decision.text) <= 80 else decision.text[:79] + "…"
    return f"{decision.assembly.held_on.isoformat()} · {decision_kind_label(decision.kind)}: {text}"


def _share(part, whole_):
    if not whole_:
        return None
    return (Decimal(part) * 100 / Decimal(whole_)).quantize(Decimal("1"), rounding=ROUND_HALF_UP)


def participation(association, today=None):
    """What the register says for the empowerment indicators: assemblies in the last twelve months,
    attendance by sex (women's share), the average attendance against the member families, and the
    share of decisions taken in an assembly with quorum. Shares are whole percentages (None without data)."""
    today = today or date.today()
    rows = db.session.execute(sa.select(Assembly).where(Assembly.association_id == association.id)
                              .order_by(Assembly.held_on.desc())).scalars().all()
    recent = [a for a in rows if a.held_on > today - timedelta(days=365)]
    women = sum(a.women for a in rows)
    people = sum(a.present for a in rows)
    decisions = [(d, a) for a in rows for d in a.decisions]
    with_quorum = sum(1 for d, a in decisions if a.quorum_met and d.adopted)
    attendance = [_share(min(a.counted, a.members_total), a.members_total) for a in rows if a.members_total]
    return {
        "assemblies": len(rows), "last_12_months": len(recent), "women": women, "men": people - women,
        "women_share": _share(women, people),
        "attendance_share": (sum(attendance) / len(attendance)).quantize(Decimal("1")) if attendance else None,
        "decisions": len(decisions), "decisions_with_quorum": with_quorum,
        "decisions_share": _share(with_quorum, len(decisions)),
        "last_held_on": rows[0].held_on if rows else None,
    }
