"""The assistance stage's alert (grants/alliances/alerts.py): ``deliverable_overdue``, a TA deliverable not
accepted past its due date (from the day after; ``since`` is the due date). One query for any list."""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..alliances import alerts
from ..extensions import db
from .models import Contract, Deliverable, Provider


@alerts.source("deliverable_overdue")
def deliverable_overdue(alliances, today):
    ids = [a.id for a in alliances]
    if not ids:
        return []
    rows = db.session.execute(sa.select(Deliverable.id, Deliverable.description, Deliverable.due_on,
                                        Deliverable.state, Contract.id, Contract.alliance_id, Provider.name)
                              .join(Contract, Contract.id == Deliverable.contract_id)
                              .join(Provider, Provider.id == Contract.provider_id)
                              .where(Contract.alliance_id.in_(ids), Contract.state == "active",
                                     Deliverable.state != "accepted", Deliverable.due_on < today)
                              .order_by(Deliverable.due_on, Deliverable.id)).all()
    return [alerts.Alert("deliverable_overdue", aid, _l(
        "Deliverable “%(description)s” of %(provider)s was due on %(due)s and is not accepted.",
        description=desc, provider=provider, due=due.isoformat()), since=due, detail={
        "deliverable_id": did, "contract_id": cid, "state": state, "due_on": due.isoformat()})
        for did, desc, due, state, cid, aid, provider in rows]
