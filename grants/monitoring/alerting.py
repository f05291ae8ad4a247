"""Alerts as the monitoring pages and the API read them: the stored open alerts (grants/alliances/alerts.py) of
the alliances a user may watch, filtered by code and region, a page at a time: two statements (count, page)
whatever the number of alliances."""
from datetime import date
from types import SimpleNamespace

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, lazyload

from flask_babel import lazy_gettext as _l

from ..alliances import alerts
from ..alliances.alerts import StoredAlert
from ..alliances.models import Alliance
from ..alliances.permissions import alliance_filter
from ..associations.models import Association
from ..extensions import db

ALERT_TITLES = {"report_missing": _l("Accountability report missing"), "low_execution": _l("Low execution"),
                "deliverable_overdue": _l("Deliverable overdue"),
                "tranche_unanswered": _l("Tranche request unanswered")}
ALERT_TITLES.update(grievance_overdue=_l("Grievance overdue"))  # issue 15
#: alliance states that can raise alerts
WATCHED = ("agreement_signed", "in_execution", "suspended", "closing")


def watched_alliances(user, region=None):
    query = (sa.select(Alliance).join(Association, Association.id == Alliance.association_id)
             .where(alliance_filter(user), Alliance.state.in_(WATCHED))
             .options(contains_eager(Alliance.association), lazyload(Alliance.member_links)).order_by(Alliance.id))
    if region:
        query = query.where(Association.region == region)
    return db.session.execute(query).scalars().unique().all()


def regions_of(user):
    query = (sa.select(Association.region).join(Alliance, Alliance.association_id == Association.id)
             .where(alliance_filter(user), Alliance.state.in_(WATCHED)).distinct().order_by(Association.region))
    return [r for r in db.session.execute(query).scalars().all() if r]


def _conditions(user, code, region, today):
    conds = [alliance_filter(user), Alliance.state.in_(WATCHED), StoredAlert.due <= today]
    if code:
        conds.append(StoredAlert.code == code)
    if region:
        conds.append(Association.region == region)
    return conds


def _joined(query):
    return (query.join(Alliance, Alliance.id == StoredAlert.alliance_id)
            .join(Association, Association.id == Alliance.association_id))


def alerts_page(user, code=None, region=None, page=1, per_page=50, today=None):
    """``(alerts, total, {alliance_id: alliance})``: one page of the open alerts on the alliances ``user`` may
    watch, sorted by ``since`` then alliance; two statements (count, page). Each alliance as shown:
    ``id``, ``code``, ``association.name``, ``association.region``."""
    today = today or date.today()
    alerts.refresh_pending()
    conds = _conditions(user, code, region, today)
    total = db.session.execute(_joined(sa.select(sa.func.count(StoredAlert.id))).where(*conds)).scalar()
    rows = db.session.execute(
        _joined(sa.select(StoredAlert, Alliance.code, Association.name, Association.region)).where(*conds)
        .order_by(StoredAlert.since, StoredAlert.alliance_id, StoredAlert.code, StoredAlert.id)
        .limit(per_page).offset((page - 1) * per_page)).all()
    # what the page shows of each alliance, without loading the alliances (nor their eager relationships)
    shown = {r[0].alliance_id: SimpleNamespace(id=r[0].alliance_id, code=r[1], association=SimpleNamespace(
        name=r[2], region=r[3])) for r in rows}
    return [r[0].to_alert(today) for r in rows], total, shown


def visible_alerts(user, code=None, region=None, today=None):
    """``(alerts, {alliance_id: Alliance})``: every open alert (stored) for the alliances ``user`` may see."""
    found, _total, alliances = alerts_page(user, code, region, 1, 10 ** 9, today)
    return found, alliances


def alliance_alerts(alliance, today=None):
    """The stored open alerts of one alliance, sorted (the alliance page and its API list)."""
    return alerts.open_alerts([alliance.id], today)


def alert_dict(alert, alliance=None):
    return {"code": alert.code, "alliance_id": alert.alliance_id,
            "alliance_code": alliance.code if alliance is not None else None,
            "association": alliance.association.name if alliance is not None else None,
            "region": alliance.association.region if alliance is not None else None,
            "message": str(alert.message), "since": alert.since, "detail": alert.detail}
