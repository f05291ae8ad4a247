"""The rules of intake and screening, registered as workflow guards (see workflows/alliance.py).

Each check returns every ``Violation`` it finds, so that the board can fix them all at once."""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..alliances.models import Alliance
from ..errors import Violation
from ..extensions import db
from ..web.i18n import money, percent
from ..workflows import rules
from ..workflows.alliance import FINISHED
from ..workflows.engine import guard
from .models import ScreeningScore


def _counterpart_share_ok(grant, counterpart, minimum):
    """``counterpart / (grant + counterpart) >= minimum``, exactly (no rounding of the share)."""
    total = grant + counterpart
    if total <= 0:
        return minimum <= 0
    return counterpart >= minimum * total


def other_open_alliances(alliance):
    """Other alliances of the same association in the same call that are neither withdrawn nor finished."""
    return db.session.execute(sa.select(Alliance).where(
        Alliance.association_id == alliance.association_id, Alliance.call_id == alliance.call_id,
        Alliance.id != alliance.id, Alliance.state.not_in(FINISHED)).order_by(Alliance.id)).scalars().all()


def check_intake(alliance, now=None):
    """The automatic eligibility checks of a business intention, as a list of ``Violation``."""
    out = []
    call, program, assoc = alliance.call, alliance.call.program, alliance.association
    cur = program.currency
    if not call.is_open(now):
        out.append(Violation(rules.CALL_CLOSED, _l(
            "The call “%(title)s” is not open (it receives intentions from %(opens)s to %(closes)s). "
            "You can keep the draft, but it cannot be submitted.",
            title=call.title, opens=call.opens_at.date().isoformat(), closes=call.closes_at.date().isoformat()),
            "call_id"))
    if not (assoc.legal_id or "").strip():
        out.append(Violation(rules.LEGAL_STATUS_MISSING, _l(
            "The association has no legal status number (personería jurídica) registered. Ask the officer "
            "to register it."), "legal_id"))
    families = alliance.families
    if not program.min_families <= families <= program.max_families:
        out.append(Violation(rules.FAMILIES_OUT_OF_RANGE, _l(
            "%(n)s families take part; this program needs between %(low)s and %(high)s.",
            n=families, low=program.min_families, high=program.max_families), "member_ids"))
    cap = program.grant_cap_per_family * families
    if alliance.requested_grant > cap:
        out.append(Violation(rules.GRANT_CAP_PER_FAMILY_EXCEEDED, _l(
            "The requested grant %(grant)s is more than %(cap)s (%(per)s for each of the %(n)s families).",
            grant=money(alliance.requested_grant, cur), cap=money(cap, cur),
            per=money(program.grant_cap_per_family, cur), n=families), "requested_grant"))
    if not _counterpart_share_ok(alliance.requested_grant, alliance.estimated_counterpart,
                                 program.min_counterpart_share):
        out.append(Violation(rules.COUNTERPART_SHARE_TOO_LOW, _l(
            "The association's own contribution must be at least %(pct)s of the total (grant plus "
            "contribution). Raise the estimated counterpart or lower the requested grant.",
            pct=percent(program.min_counterpart_share)), "estimated_counterpart"))
    if alliance.attachment_of("buyer_letter") is None:
        out.append(Violation(rules.BUYER_LETTER_MISSING, _l(
            "Attach the buyer's signed letter of intent."), "buyer_letter"))
    if program.one_open_alliance_per_call:
        others = other_open_alliances(alliance)
        if others:
            out.append(Violation(rules.OPEN_ALLIANCE_EXISTS, _l(
                "The association already has another alliance in this call (%(codes)s). Only one may be open: "
                "withdraw the other one first.", codes=", ".join(a.code for a in others)), "call_id"))
    return out


def missing_criteria(alliance):
    """The call's criteria that the alliance has no screening score for."""

    scored = set(db.session.execute(sa.select(ScreeningScore.criterion_code)
                                    .where(ScreeningScore.alliance_id == alliance.id)).scalars())
    return [c for c in alliance.call.criteria if c.code not in scored]


@guard("intake_eligibility")
def intake_eligibility(alliance, actor, data):
    return check_intake(alliance)


@guard("screening_scored")
def screening_scored(alliance, actor, data):
    missing = missing_criteria(alliance)
    if not missing:
        return []
    return [Violation(rules.SCREENING_INCOMPLETE, _l(
        "Score every criterion of the call before declaring the intention eligible. Missing: %(names)s.",
        names=", ".join(c.name for c in missing)), "scores")]
