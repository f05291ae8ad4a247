"""The technical assistance stage's figures for the spine's ledger (grants/alliances/ledger.py)."""
import sqlalchemy as sa

from ..alliances import ledger
from ..extensions import db
from .models import Contract


@ledger.provider("open_contracts")
def open_contracts(alliance):
    """Technical assistance contracts of the alliance not closed."""
    q = sa.select(sa.func.count()).select_from(Contract).where(Contract.alliance_id == alliance.id,
                                                               Contract.state != "closed")
    return int(db.session.execute(q).scalar() or 0)
