"""The assistance stage's alert (grants/alliances/alerts.py): ``deliverable_overdue``, a TA deliverable not
accepted past its due date (open from the day after; ``since`` is the due date). One query for any list;
changes to contracts and deliverables refresh it."""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..alliances import alerts
from ..extensions import db
from ..workflows import rules
from .models import Contract, Deliverable, Provider


def _message(d, today):
    return _l("Deliverable “%(description)s” of %(provider)s was due on %(due)s and is not accepted.",
              description=d["description"], provider=d["provider"], due=d["due_on"])


@alerts.source(rules.DELIVERABLE_OVERDUE, message=_message)
def deliverable_overdue(alliances):
    ids = [a.id for a in alliances]
    if not ids:
        return []
    rows = db.session.execute(sa.select(Deliverable.id, Deliverable.description, Deliverable.due_on,
                                        Deliverable.state, Contract.id, Contract.alliance_id, Provider.name)
                              .join(Contract, Contract.id == Deliverable.contract_id)
                              .join(Provider, Provider.id == Contract.provider_id)
                              .where(Contract.alliance_id.in_(ids), Contract.state == "active",
                                     Deliverable.state != "accepted", Deliverable.due_on.is_not(None))
                              .order_by(Deliverable.due_on, Deliverable.id)).all()
    return [alerts.Alert(rules.DELIVERABLE_OVERDUE, aid, since=due, due=due + alerts.ONE_DAY, ref=str(did), detail={
        "deliverable_id": did, "contract_id": cid, "state": state, "due_on": due.isoformat(),
        "description": desc, "provider": provider})
        for did, desc, due, state, cid, aid, provider in rows]


def _contract_alliances(contract_ids):
    return db.session.execute(sa.select(Contract.alliance_id).where(Contract.id.in_(contract_ids))).scalars().all()


alerts.watch(Contract, lambda c: [c.alliance_id])
alerts.watch(Deliverable, lambda d: _contract_alliances([d.contract_id]) if d.contract_id else [])
alerts.watch(Provider, lambda p: db.session.execute(sa.select(Contract.alliance_id).where(
    Contract.provider_id == p.id)).scalars().all() if p.id else [])
