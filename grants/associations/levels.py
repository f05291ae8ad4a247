"""The second and third level: an association of associations (level 2) or a regional one (level 3) and the
base associations below it (``parent_id``). A level-2 or level-3 association may hold alliances of its own
with member families drawn from its base associations; the roll-up (``grants/reports/rollup.py``) sums them."""
import sqlalchemy as sa
from sqlalchemy.orm import aliased

from ..extensions import db
from .models import Association


def member_association_ids(association):
    """The ids of the associations below ``association``: its children and, for a level 3, their children
    (one statement). Empty for a base association."""
    if association.level < 2:
        return []
    child, grandchild = aliased(Association), aliased(Association)
    rows = db.session.execute(
        sa.select(child.id, grandchild.id).outerjoin(grandchild, grandchild.parent_id == child.id)
        .where(child.parent_id == association.id, child.id != association.id)).all()
    ids = []
    for child_id, grandchild_id in rows:
        for i in (child_id, grandchild_id):
            if i is not None and i != association.id and i not in ids:
                ids.append(i)
    return ids


def member_source_ids(association):
    """The associations whose member families may take part in an alliance of ``association``: its own, and
    for a level 2 or 3 those of the associations below it."""
    return [association.id, *member_association_ids(association)]
