"""Life after the grant: a follow-up of a closed alliance at one, two and three years after its closing (a visit
or a call by the officer of the region or by the association's board). Services validate, change, flush and
audit; they never commit.

The window: the year-N follow-up is due N years after the closing date (the day the alliance went to
``closed``) and may be recorded from ``WINDOW_DAYS`` (60) days before that day on, never later than today; a late
one is still accepted (it is overdue in the officer's work list from its due date). One per year.

Rule codes: ``follow_up_not_closed`` (the alliance is not closed), ``follow_up_year_recorded`` (that year has its
follow-up), ``follow_up_too_early`` (before the year's window opens), ``follow_up_in_future`` (the day of the visit
or call is after today), ``follow_up_women_exceed_families`` (more active women than active families).

``survival(alliance_ids)`` counts, for the portfolio and the portal, the closed alliances due for each year and
those whose follow-up says they still sell, in two statements. ``recorded`` (a signal) tells the reports that
a follow-up was recorded (the portal forgets its stored answer)."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from blinker import Namespace
from flask_babel import lazy_gettext as _l

from .. import audit
from ..alliances.models import Alliance
from ..alliances.permissions import roles_toward
from ..errors import Collector, Forbidden, RuleViolation, Violation
from ..extensions import db
from ..money import share
from ..workflows import rules
from .followups_models import YEARS, FollowUp
from .schemas import FollowUpIn, read
from .services import refuse

#: a year-N follow-up may be recorded from this many days before its due date (N years after the closing)
WINDOW_DAYS = 60
#: the roles that record a follow-up (the officer of the region, the association's board)
RECORDERS = ("officer", "board")

recorded = Namespace().signal("follow_up_recorded")


def _roles(user, alliance):
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    return roles_toward(alliance, user)


def add_years(day_, years):
    """``day_`` plus ``years`` years; the 29th of February becomes the 1st of March of a common year."""
    try:
        return day_.replace(year=day_.year + years)
    except ValueError:
        return date(day_.year + years, 3, 1)


def sub_years(day_, years):
    """``day_`` minus ``years`` years; the 29th of February becomes the 28th in a common year. The last closing
    day for which the year-``years`` follow-up is due on ``day_`` (consistent with ``add_years``)."""
    try:
        return day_.replace(year=day_.year - years)
    except ValueError:
        return date(day_.year - years, 2, 28)


def closed_on(alliance):
    """The day the alliance closed (None while it is not closed)."""
    if alliance.state != "closed" or alliance.state_changed_at is None:
        return None
    return alliance.state_changed_at.date()


def due_on(closed, year):
    return add_years(closed, year)


def opens_on(closed, year):
    return add_years(closed, year) - timedelta(days=WINDOW_DAYS)


# who may do what -------------------------------------------------------------------------------------------

def may_record(user, alliance):
    """The officer of the alliance's region or the association's board (whatever the state)."""
    return bool(_roles(user, alliance) & set(RECORDERS))


def can_record(user, alliance):
    """``may_record`` and the alliance is closed."""
    return alliance.state == "closed" and may_record(user, alliance)


# the schedule ----------------------------------------------------------------------------------------------

@dataclass
class Slot:
    """One year of the schedule: its due day, the day its window opens, its follow-up (if recorded) and a
    state: ``recorded``, ``later`` (the window is not open yet), ``open`` (may be recorded, not due yet),
    ``due`` (due and not recorded)."""

    year: int
    due_on: date
    opens_on: date
    follow_up: FollowUp | None
    state: str

    @property
    def title(self):
        return STATE_TITLES[self.state]


STATE_TITLES = {"recorded": _l("Recorded"), "later": _l("Not yet"), "open": _l("Can be recorded"),
                "due": _l("Due")}


def schedule(alliance, today=None):
    """The three years of a closed alliance as ``Slot``s ([] while the alliance is not closed)."""
    closed = closed_on(alliance)
    if closed is None:
        return []
    today = today or date.today()
    by_year = {f.year: f for f in alliance.follow_ups}
    out = []
    for year in YEARS:
        due, opens = due_on(closed, year), opens_on(closed, year)
        fu = by_year.get(year)
        state = "recorded" if fu else "later" if today < opens else "open" if today < due else "due"
        out.append(Slot(year, due, opens, fu, state))
    return out


def next_year(alliance, today=None):
    """The first year whose window is open and that has no follow-up yet (None when there is none)."""
    return next((s.year for s in schedule(alliance, today) if s.state in ("open", "due")), None)


# recording -------------------------------------------------------------------------------------------------

def parse(data, alliance, today):
    """The fields of a follow-up read with ``FollowUpIn`` (a model passes as it is; a mapping is read as a form)
    and a ``Collector`` of the violations of its rules, each wrong field's error beside them (all at once)."""
    body, found = read(FollowUpIn, data)
    c = Collector(list(found))
    year, held, still = body.year, body.held_on, body.still_selling
    if held is not None and held > today:
        c.add(rules.FOLLOW_UP_IN_FUTURE, _l("The day of the visit or the call cannot be after today."), "held_on")
    fields = {
        "year": year, "kind": body.kind, "held_on": held, "still_selling": still,
        "buyer_kept": bool(body.buyer_kept) and bool(still),
        "other_buyers": body.other_buyers or "", "sales_volume": body.sales_volume, "sales_unit": body.sales_unit or "",
        "sales_value": body.sales_value, "families_active": body.families_active, "women_active": body.women_active,
        "revolving_fund_balance": body.revolving_fund_balance, "loans_open": body.loans_open,
        "loans_outstanding": body.loans_outstanding, "notes": body.notes or "",
    }
    families, women = fields["families_active"], fields["women_active"]
    if families is not None and women is not None and women > families:
        c.add(rules.FOLLOW_UP_WOMEN_EXCEED_FAMILIES,
              _l("The active women (%(women)s) cannot be more than the active families (%(families)s).",
                 women=women, families=families), "women_active")
    closed = closed_on(alliance)
    if closed is None:
        c.add(rules.FOLLOW_UP_NOT_CLOSED, _l("Follow-ups are recorded once the alliance is closed."), "year")
    elif year is not None:
        if any(f.year == year for f in alliance.follow_ups):
            c.add(rules.FOLLOW_UP_YEAR_RECORDED,
                  _l("The follow-up of year %(year)s is already recorded.", year=year), "year")
        elif held is not None and held < opens_on(closed, year):
            c.add(rules.FOLLOW_UP_TOO_EARLY,
                  _l("The follow-up of year %(year)s is due on %(due)s (%(year)s years after the closing on "
                     "%(closed)s); it can be recorded from %(opens)s.", year=year,
                     due=due_on(closed, year).isoformat(), closed=closed.isoformat(),
                     opens=opens_on(closed, year).isoformat()), "held_on")
    return fields, c


def record_follow_up(alliance, data, actor, today=None):
    """Record the follow-up of ``data["year"]`` (1, 2 or 3) of a closed alliance.

    ``data``: ``FollowUpIn`` or a mapping read with it (the page's form): ``year``, ``kind`` (visit, call),
    ``held_on``, ``still_selling``, ``buyer_kept``, ``other_buyers``, ``sales_volume``, ``sales_unit``, ``sales_value``, ``families_active``, ``women_active``,
    ``revolving_fund_balance``, ``loans_open``, ``loans_outstanding``, ``notes``. Raises ``Forbidden`` (not the
    officer of the region nor the association's board), ``RuleViolation`` (``follow_up_not_closed``,
    ``follow_up_year_recorded``, ``follow_up_too_early``, ``follow_up_in_future``,
    ``follow_up_women_exceed_families``, with every field error found beside them) or ``ValidationFailed``."""
    if not may_record(actor, alliance):
        raise Forbidden(_l("The officer of the region or the association's board records the follow-up."))
    today = today or date.today()
    fields, c = parse(data, alliance, today)
    refuse(c.violations)
    fu = FollowUp(alliance_id=alliance.id, recorded_by_id=getattr(actor, "id", None), **fields)
    try:
        with db.session.begin_nested():  # two people recording the same year at the same moment: one wins
            db.session.add(fu)
    except sa.exc.IntegrityError:
        raise RuleViolation([Violation(rules.FOLLOW_UP_YEAR_RECORDED, _l(
            "The follow-up of year %(year)s is already recorded.", year=fields["year"]), "year")]) from None
    db.session.expire(alliance, ["follow_ups"])
    audit.record("follow_up", fu.id, "record", actor, data={
        "year": fu.year, "kind": fu.kind, "held_on": fu.held_on, "still_selling": fu.still_selling,
        "buyer_kept": fu.buyer_kept, "sales_value": fu.sales_value, "families_active": fu.families_active,
        "women_active": fu.women_active, "revolving_fund_balance": fu.revolving_fund_balance},
        alliance_id=alliance.id, association_id=alliance.association_id)
    recorded.send(fu)
    return fu


# survival for the portfolio and the portal -----------------------------------------------------------------

@dataclass
class Survival:
    """Year ``year`` after the closing: closed alliances due for it (the due day passed, or recorded early),
    those with their follow-up recorded and those whose follow-up says they still sell."""

    year: int
    due: int = 0
    recorded: int = 0
    still_selling: int = 0

    @property
    def share(self):
        """Still selling among the alliances due (a due follow-up not recorded counts as not known to sell)."""
        return share(self.still_selling, self.due)

    @property
    def missing(self):
        return max(self.due - self.recorded, 0)


def day_end(d):
    """The first moment after the day ``d`` (naive UTC): a ``state_changed_at`` before it is on or before ``d``."""
    return datetime.combine(d + timedelta(days=1), time.min)


def survival(alliance_ids, today=None):
    """``[Survival]`` for years 1, 2, 3 over the closed alliances among ``alliance_ids`` (a select of ids), in
    two statements whatever their number."""
    today = today or date.today()
    closed = sa.and_(Alliance.state == "closed", Alliance.id.in_(alliance_ids))
    # closed alliances whose year-N due day has passed: closed on or before today minus N years
    cutoffs = {y: day_end(sub_years(today, y)) for y in YEARS}
    row = db.session.execute(sa.select(*[sa.func.coalesce(sa.func.sum(sa.case(
        (Alliance.state_changed_at < cutoffs[y], 1), else_=0)), 0) for y in YEARS]).where(closed)).one()
    out = {y: Survival(y, due=int(n or 0)) for y, n in zip(YEARS, row)}
    early = sa.case((Alliance.state_changed_at >= sa.case(*[(FollowUp.year == y, cutoffs[y]) for y in YEARS]), 1),
                    else_=0)
    q = (sa.select(FollowUp.year, sa.func.count(), sa.func.sum(sa.case((FollowUp.still_selling.is_(True), 1),
                                                                       else_=0)), sa.func.sum(early))
         .join(Alliance, Alliance.id == FollowUp.alliance_id).where(closed).group_by(FollowUp.year))
    for year, n, selling, before_due in db.session.execute(q).all():
        s = out[int(year)]
        s.recorded, s.still_selling = int(n), int(selling or 0)
        s.due += int(before_due or 0)
    return [out[y] for y in YEARS]
