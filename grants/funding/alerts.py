"""The funding stage's alert (grants/alliances/alerts.py): ``tranche_unanswered``, a tranche requested more
than the program's ``tranche_response_days`` ago and still neither approved nor refused (``since`` is the last
day of the answer window; exactly that many days after the request there is no alert yet, it opens the day
after). Two queries; changes to tranches (spine) and their flows refresh it."""
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..alliances import alerts
from ..alliances.budget import Tranche
from ..extensions import db
from ..programs.models import Program
from ..workflows import rules as rule_codes
from .models import TrancheFlow


def _message(d, today):
    requested = date.fromisoformat(d["requested_on"])
    return _l("Tranche %(n)s was requested on %(day)s and has no answer after %(days)s days.", n=d["number"],
              day=d["requested_on"], days=(today - requested).days)


@alerts.source(rule_codes.TRANCHE_UNANSWERED, message=_message)
def tranche_unanswered(alliances):
    ids = [a.id for a in alliances]
    if not ids:
        return []
    rows = db.session.execute(sa.select(Tranche.id, Tranche.alliance_id, Tranche.number,
                                        sa.func.coalesce(TrancheFlow.requested_at, Tranche.updated_at))
                              .outerjoin(TrancheFlow, TrancheFlow.tranche_id == Tranche.id)
                              .where(Tranche.alliance_id.in_(ids), Tranche.state == "requested")
                              .order_by(Tranche.id)).all()
    if not rows:
        return []
    rules = alerts.program_rules({r[1] for r in rows}, Program.tranche_response_days)
    out = []
    for tid, aid, number, requested_at in rows:
        if aid not in rules or requested_at is None:
            continue
        days = rules[aid][1]
        requested = requested_at.date()
        since = requested + timedelta(days=days)
        out.append(alerts.Alert(rule_codes.TRANCHE_UNANSWERED, aid, since=since, due=since + alerts.ONE_DAY, ref=str(tid),
                                detail={"tranche_id": tid, "number": number, "requested_on": requested.isoformat(),
                                        "response_days": days}))
    return out


alerts.watch(TrancheFlow, lambda f: db.session.execute(sa.select(Tranche.alliance_id).where(
    Tranche.id == f.tranche_id)).scalars().all() if f.tranche_id else [])
