"""The funding stage's work waiting (grants/alliances/tasks.py), each source in one query:

- ``tranche_to_request``: the board requests the next planned tranche (every earlier one transferred) of an
  alliance in execution, due on its planned date; shown from 30 days before it;
- ``tranche_to_decide``: the officer of the region approves or refuses each requested tranche;
- ``transfer_to_record``: the finance officer records the transfer of each approved tranche."""
from datetime import timedelta

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from ..alliances import tasks
from ..alliances.budget import Tranche
from ..alliances.models import Alliance
from ..alliances.permissions import alliance_filter

#: a planned tranche shows this many days before its planned date
AHEAD_DAYS = 30


def _task(code, title, tranche, alliance, currency, **kw):
    return tasks.Task(code, title, url_for("funding.tranche", alliance_id=alliance.id, number=tranche.number),
                      alliance=alliance, detail=_l("Tranche %(n)s", n=tranche.number), amount=tranche.amount,
                      currency=currency, **kw)


@tasks.source("tranche_to_request", states=("in_execution",))
def tranche_to_request(user, today):
    if not user.association_ids("board"):
        return []
    mine = (tasks.visible_alliances(user, ("in_execution",), ("board",)).where(tasks.scope())
            .with_only_columns(Alliance.id))
    # the first open tranche of the board's alliances only (not grouped over every tranche of the program)
    first_open = (sa.select(Tranche.alliance_id, sa.func.min(Tranche.number).label("number"))
                  .where(Tranche.state != "disbursed", Tranche.alliance_id.in_(mine))
                  .group_by(Tranche.alliance_id).subquery())
    rows = tasks.rows(
        tasks.with_currency(sa.select(Tranche, Alliance).join(Alliance, Alliance.id == Tranche.alliance_id))
        .join(first_open, sa.and_(first_open.c.alliance_id == Tranche.alliance_id,
                                  first_open.c.number == Tranche.number))
        .where(Tranche.alliance_id.in_(mine),
               Tranche.state == "planned", Tranche.planned_on <= today + timedelta(days=AHEAD_DAYS), tasks.scope())
        .order_by(Tranche.planned_on).limit(tasks.LIMIT))
    return [_task("tranche_to_request", _l("Request the next tranche"), t, a, cur, due=t.planned_on)
            for t, a, cur in rows]


def _waiting(state, visible):
    """(tranche, alliance, currency) of the tranches in ``state`` on the alliances ``visible`` selects, the
    longest waiting first (at most ``tasks.LIMIT``)."""
    return tasks.rows(
        tasks.with_currency(sa.select(Tranche, Alliance).join(Alliance, Alliance.id == Tranche.alliance_id))
        .where(visible, Tranche.state == state, tasks.scope())
        .order_by(Tranche.updated_at).limit(tasks.LIMIT))


@tasks.source("tranche_to_decide")
def tranche_to_decide(user, today):
    if not user.has_role("officer"):
        return []
    return [_task("tranche_to_decide", _l("Approve or refuse the tranche request"), t, a, cur,
                  since=t.updated_at) for t, a, cur in _waiting("requested", tasks.officer_filter(user))]


@tasks.source("transfer_to_record", beyond=("finance",))
def transfer_to_record(user, today):
    if not user.has_role("finance"):
        return []
    return [_task("transfer_to_record", _l("Record the transfer of the tranche"), t, a, cur,
                  since=t.updated_at) for t, a, cur in _waiting("approved", alliance_filter(user))]
