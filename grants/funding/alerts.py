"""The funding stage's alert (grants/alliances/alerts.py): ``tranche_unanswered``, a tranche requested more
than the program's ``tranche_response_days`` ago and still neither approved nor refused (``since`` is the last
day of the answer window; exactly that many days after the request there is no alert yet). Two queries."""
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..alliances import alerts
from ..alliances.budget import Tranche
from ..extensions import db
from ..programs.models import Program
from .models import TrancheFlow


@alerts.source("tranche_unanswered")
def tranche_unanswered(alliances, today):
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
        if (today - requested).days > days:
            out.append(alerts.Alert("tranche_unanswered", aid, _l(
                "Tranche %(n)s was requested on %(day)s and has no answer after %(days)s days.", n=number,
                day=requested.isoformat(), days=(today - requested).days), since=requested + timedelta(days=days),
                detail={"tranche_id": tid, "number": number, "requested_on": requested.isoformat(),
                        "response_days": days}))
    return out
