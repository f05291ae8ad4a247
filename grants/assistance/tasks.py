"""The technical assistance stage's work waiting (grants/alliances/tasks.py), each source in one query:

- ``deliverable_to_accept``: the association's board accepts or rejects each submitted deliverable;
- ``deliverable_to_submit``: the TA provider submits each pending (or rejected) deliverable of an active
  contract of theirs, by its due date."""
import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from ..alliances import tasks
from ..alliances.models import Alliance
from .models import Contract, Deliverable, Provider


def _task(code, title, d, a, currency, **kw):
    return tasks.Task(code, title, url_for("assistance.contract", contract_id=d.contract_id) + f"#deliverable-{d.id}",
                      alliance=a, detail=d.description, amount=d.amount, currency=currency, **kw)


def _rows(*conds):
    return tasks.rows(tasks.with_currency(
        sa.select(Deliverable, Alliance).join(Contract, Contract.id == Deliverable.contract_id)
        .join(Alliance, Alliance.id == Contract.alliance_id)).where(*conds, tasks.scope())
        .order_by(Deliverable.due_on, Deliverable.id).limit(tasks.LIMIT))


@tasks.source("deliverable_to_accept")
def deliverable_to_accept(user, today):
    if not user.association_ids("board"):
        return []
    rows = _rows(Alliance.association_id.in_(sorted(user.association_ids("board"))),
                 Deliverable.state == "submitted")
    return [_task("deliverable_to_accept", _l("Accept or reject the deliverable"), d, a, cur,
                  since=d.submitted_at or d.updated_at) for d, a, cur in rows]


@tasks.source("deliverable_to_submit", beyond=("ta_provider",))
def deliverable_to_submit(user, today):
    if not user.has_role("ta_provider"):
        return []
    rows = _rows(Contract.provider_id.in_(sa.select(Provider.id).where(Provider.user_id == user.id)),
                 Contract.state == "active", Deliverable.state.in_(("pending", "rejected")))
    return [_task("deliverable_to_submit", _l("Submit the deliverable") if d.state == "pending"
                  else _l("Submit the rejected deliverable again"), d, a, cur, due=d.due_on) for d, a, cur in rows]
