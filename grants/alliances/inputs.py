"""Small helpers shared by the stages that act during execution (execution, assistance, revolving): state
checks, the budget line an input names, locks on the spine's rows, stored files (the inputs themselves are
validated by each operation's schema). On the spine so that no stage imports another's;
``grants.execution.common`` re-exports them."""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import uploads
from ..errors import Collector, RuleViolation, ValidationFailed
from ..extensions import db
from ..workflows import rules
from .budget import BudgetLine
from .models import Alliance


def in_execution_violations(alliance):
    c = Collector()
    if alliance.state == "suspended":
        c.add(rules.ALLIANCE_SUSPENDED, _l("The alliance is suspended: nothing can be recorded until it resumes."))
    elif alliance.state != "in_execution":
        c.add(rules.ALLIANCE_NOT_IN_EXECUTION, _l("Expenses and contributions are recorded while the alliance is "
                                              "in execution."))
    return c.violations


def require_in_execution(alliance):
    v = in_execution_violations(alliance)
    if v:
        raise RuleViolation(v)


def line_of(c, alliance, raw, field="budget_line_id", required=True):
    try:
        ident = int(raw)
    except (TypeError, ValueError):
        ident = None
    line = db.session.get(BudgetLine, ident) if ident and 0 < ident < 2**31 else None
    if line is None or line.alliance_id != alliance.id:
        if required or raw not in (None, ""):
            c.add(rules.REQUIRED if raw in (None, "") else rules.INVALID, _l("Choose a line of the budget."), field)
        return None
    return line


def raise_fields(c):
    if c.violations:
        raise ValidationFailed(_l("Some fields need attention."), c.violations)


def lock_line(line_id):
    """Re-read the budget line with its row locked until the transaction ends (PostgreSQL; SQLite
    serialises writers anyway), so that two expenses against it are checked one after the other."""
    return db.session.execute(sa.select(BudgetLine).where(BudgetLine.id == line_id).with_for_update()
                              .execution_options(populate_existing=True)).scalar_one()


def lock_alliance(alliance_id):
    return db.session.execute(sa.select(Alliance).where(Alliance.id == alliance_id).with_for_update(of=Alliance)
                              .execution_options(populate_existing=True)).scalar_one()


def stored_file(storage, field):
    """``(sha256, filename, content_type)`` of an uploaded file checked by content, or None without one."""
    if storage is None or not getattr(storage, "filename", None):
        return None
    data, ctype, name = uploads.read_checked(storage, field=field)
    return uploads.store(data), name, ctype
