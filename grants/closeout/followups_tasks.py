"""The follow-ups' work waiting (grants/alliances/tasks.py), in two queries:

- ``closeout_follow_up_due``: the officer of the region records the follow-up of each closed alliance whose
  year-N window is open (from 60 days before N years after the closing) and that has no follow-up for that year yet; due on
  the day N years after the closing (overdue after it). Imported by ``closeout/tasks.py``."""
from datetime import timedelta

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from ..alliances import tasks
from ..alliances.models import Alliance
from ..extensions import db
from . import followups
from .followups_models import YEARS, FollowUp


@tasks.source("closeout_follow_up_due", states=("closed",))
def closeout_follow_up_due(user, today):
    if not user.has_role("officer"):
        return []
    # a year waits when its window is open (the closing N years minus the window ago at the latest) and it has
    # no follow-up yet: only the alliances with such a year, the first LIMIT (each gives a task)
    ahead = today + timedelta(days=followups.WINDOW_DAYS)
    waiting = sa.or_(*(sa.and_(Alliance.state_changed_at < followups.day_end(followups.sub_years(ahead, year)),
                               ~sa.exists().where(FollowUp.alliance_id == Alliance.id, FollowUp.year == year))
                       for year in YEARS))
    rows = tasks.scalars(sa.select(Alliance).where(
        tasks.scope(), tasks.officer_filter(user), Alliance.state == "closed", waiting)
        .order_by(Alliance.state_changed_at, Alliance.id).limit(tasks.LIMIT))
    if not rows:
        return []
    done = {}
    for aid, year in db.session.execute(sa.select(FollowUp.alliance_id, FollowUp.year).where(
            FollowUp.alliance_id.in_([a.id for a in rows]))).all():
        done.setdefault(aid, set()).add(year)
    out = []
    for a in rows:
        closed = a.state_changed_at.date()
        year = next((y for y in YEARS if y not in done.get(a.id, ())
                     and followups.opens_on(closed, y) <= today), None)
        if year is None:
            continue
        out.append(tasks.Task("closeout_follow_up_due", _l("Record the follow-up of year %(year)s after the closing",
                                                  year=year),
                              url_for("closeout.follow_ups", alliance_id=a.id), alliance=a,
                              due=followups.due_on(closed, year)))
        if len(out) >= tasks.LIMIT:
            break
    return out
