"""The ground of the portfolio's figures (see portfolio.py): who sees which alliances, the alliances in scope as
a subquery, and the same conditions over the stored cells."""
from datetime import datetime

import sqlalchemy as sa

from ..alliances.models import Alliance
from ..associations.models import Association
from ..programs.models import Call, Program
from . import filters as F


def sees_portfolio(user):
    return user.is_authenticated and user.has_role("admin", "auditor", "officer")


def visibility(user):
    """Admins and auditors see every alliance; an officer those of the regions assigned."""
    if user.has_role("admin", "auditor"):
        return sa.true()
    if user.has_role("officer") and user.regions:
        return Association.region.in_(list(user.regions))
    return sa.false()


GROUP_COLUMNS = {
    "region": (Association.region, Association.region),
    "program": (Program.id, Program.name),
    "call": (Call.id, Call.title),
    "product": (Alliance.product, Alliance.product),
}


def scope(user, f, group="region"):
    """The alliances in scope as a subquery: ``aid``, ``state``, ``grp``, ``label``, ``currency``."""
    key, label = GROUP_COLUMNS[group]
    q = F.joined(sa.select(Alliance.id.label("aid"), Alliance.state.label("state"), key.label("grp"),
                           label.label("label"), Program.currency.label("currency")))
    return q.where(visibility(user), *F.conditions(f)).subquery("scope")


def _cell_where(table, user, f):
    """The conditions of ``visibility`` and ``filters.conditions`` over a table of cells joined with its call."""
    conds = []
    if not user.has_role("admin", "auditor"):
        conds.append(table.c.region.in_(list(user.regions)) if user.has_role("officer") and user.regions
                     else sa.false())
    if f.program is not None:
        conds.append(Call.program_id == f.program)
    for name in ("call", "region", "product", "state"):
        value = getattr(f, name)
        if value is not None:
            conds.append(table.c["call_id" if name == "call" else name] == value)
    if f.year is not None:
        conds.append(Call.opens_at >= datetime(f.year, 1, 1))
        conds.append(Call.opens_at < datetime(f.year + 1, 1, 1))
    return conds


def _cell_group(table, group):
    return {"region": (table.c.region, table.c.region), "program": (Program.id, Program.name),
            "call": (Call.id, Call.title), "product": (table.c.product, table.c.product)}[group]
