"""Alerts as the monitoring pages and the API read them: the alliances a user may watch, their alerts,
filtered by code and region. A constant number of queries whatever the number of alliances."""
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, lazyload

from flask_babel import lazy_gettext as _l

from ..alliances import alerts
from ..alliances.models import Alliance
from ..alliances.permissions import alliance_filter
from ..associations.models import Association
from ..extensions import db

ALERT_TITLES = {"report_missing": _l("Accountability report missing"), "low_execution": _l("Low execution"),
                "deliverable_overdue": _l("Deliverable overdue"),
                "tranche_unanswered": _l("Tranche request unanswered")}
#: alliance states that can raise alerts
WATCHED = ("agreement_signed", "in_execution", "suspended", "closing")


def watched_alliances(user, region=None):
    query = (sa.select(Alliance).join(Association, Association.id == Alliance.association_id)
             .where(alliance_filter(user), Alliance.state.in_(WATCHED))
             # the member families (selectin by default) are not needed here: thousands of alliances would
             # load tens of thousands of member rows
             .options(joinedload(Alliance.association), lazyload(Alliance.member_links)).order_by(Alliance.id))
    if region:
        query = query.where(Association.region == region)
    return db.session.execute(query).scalars().unique().all()


def regions_of(user):
    query = (sa.select(Association.region).join(Alliance, Alliance.association_id == Association.id)
             .where(alliance_filter(user), Alliance.state.in_(WATCHED)).distinct().order_by(Association.region))
    return [r for r in db.session.execute(query).scalars().all() if r]


def visible_alerts(user, code=None, region=None, today=None):
    """``(alerts, {alliance_id: Alliance})`` for the alliances ``user`` may see."""
    alliances = watched_alliances(user, region)
    found = alerts.collect(alliances, today or date.today(), only=code)
    return found, {a.id: a for a in alliances}


def alert_dict(alert, alliance=None):
    return {"code": alert.code, "alliance_id": alert.alliance_id,
            "alliance_code": alliance.code if alliance is not None else None,
            "association": alliance.association.name if alliance is not None else None,
            "region": alliance.association.region if alliance is not None else None,
            "message": str(alert.message), "since": alert.since, "detail": alert.detail}
