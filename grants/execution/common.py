"""Small helpers shared by the execution services: state checks, parsing, locks, stored files. They live on
the spine (grants/alliances/inputs.py), where assistance and revolving read them too."""
from .. import audit
from ..alliances.inputs import (in_execution_violations, line_of, lock_alliance, lock_line,  # noqa: F401
                                raise_fields, require_in_execution, stored_file)
from ..common import utcnow
from ..extensions import db

__all__ = ["in_execution_violations", "line_of", "lock_alliance", "lock_line", "mark_voided", "raise_fields",
           "require_in_execution", "stored_file"]


def mark_voided(item, object_type, actor, reason):
    """Void ``item`` (an expense or a contribution: it stays on record and no longer counts) for ``reason``, and
    write its ``void`` event with the amount. The caller checked that it may. Never commits."""
    alliance = item.alliance
    item.voided_at = utcnow()
    item.void_reason = reason
    db.session.flush()
    audit.record(object_type, item.id, "void", actor, comment=reason, data={"amount": item.amount},
                 alliance_id=alliance.id, association_id=alliance.association_id)
    return item
