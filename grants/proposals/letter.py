"""The buyer's letter of intent as the other stages read it (grants/alliances/sales.py): the sales stage checks
deliveries and the buyer's compliance against it."""
import sqlalchemy as sa

from ..alliances import sales
from ..extensions import db
from .models import Profile


@sales.provide("letters_of_intent")
def letters_of_intent(alliance_ids):
    ids = [int(i) for i in alliance_ids]
    if not ids:
        return {}
    rows = db.session.execute(sa.select(Profile.alliance_id, Profile.loi_volume, Profile.loi_unit, Profile.loi_price,
                                        Profile.loi_quality, Profile.loi_delivery, Profile.loi_signed_on)
                              .where(Profile.alliance_id.in_(ids))).all()
    return {r[0]: {"volume": r[1], "unit": r[2] or "", "price": r[3], "quality": r[4] or "",
                   "delivery": r[5] or "", "signed_on": r[6]} for r in rows}
