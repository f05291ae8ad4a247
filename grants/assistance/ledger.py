"""The technical assistance stage's figures for the spine's ledger (grants/alliances/ledger.py)."""
import sqlalchemy as sa

from ..alliances import ledger, page
from ..alliances.models import Alliance
from ..extensions import db
from .models import Contract


@ledger.provider("open_contracts")
def open_contracts(alliance):
    """Technical assistance contracts of the alliance not closed (the alliance page reads it with the alliance)."""
    return int(page.value(alliance, "assistance_open_contracts",
                          lambda: db.session.execute(sa.select(_open_column(alliance.id))).scalar()) or 0)


@page.figure("assistance_open_contracts")
def _open_column(alliance_id=Alliance.id):
    return sa.select(sa.func.count()).select_from(Contract).where(Contract.alliance_id == alliance_id,
                                                                  Contract.state != "closed").scalar_subquery()
