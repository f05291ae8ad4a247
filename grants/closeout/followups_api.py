"""API of the follow-ups after the closing (API.md): ``GET, POST /alliances/{id}/follow-ups`` and the schedule of
the three years. Imported by ``closeout/api.py``."""
from datetime import date

from ..alliances.api import load_alliance
from ..api.core import Out, api_user, dump, endpoint, listing, rows_of
from ..schemas.types import MoneyStr, UtcDateTime
from . import followups
from .followups_models import FollowUp
from .schemas import FollowUpIn

TAGS = ("closeout",)


class FollowUpOut(Out):
    id: int
    alliance_id: int
    #: 1, 2 or 3: the years after the closing
    year: int
    #: ``visit`` or ``call``
    kind: str
    held_on: date
    still_selling: bool
    #: still sells to the alliance's buyer
    buyer_kept: bool
    other_buyers: str
    sales_volume: MoneyStr | None = None
    sales_unit: str
    sales_value: MoneyStr | None = None
    families_active: int
    women_active: int
    revolving_fund_balance: MoneyStr | None = None
    loans_open: int | None = None
    loans_outstanding: MoneyStr | None = None
    notes: str
    recorded_by_id: int | None = None
    created_at: UtcDateTime


class SlotOut(Out):
    year: int
    due_on: date
    #: the first day the follow-up may be recorded (60 days before it is due)
    opens_on: date
    #: ``recorded``, ``later`` (not open yet), ``open`` (may be recorded, not due yet), ``due`` (due, missing)
    state: str
    follow_up_id: int | None = None


class ScheduleOut(Out):
    alliance_id: int
    #: null while the alliance is not closed
    closed_on: date | None = None
    window_days: int
    years: list[SlotOut]


def follow_up_out(f):
    return dump(FollowUpOut, f)


listing("/alliances/<int:alliance_id>/follow-ups", summary="The follow-ups of a closed alliance at one, two "
        "and three years after its closing", response=FollowUpOut, tags=TAGS, name="closeout_follow_ups",
        load=load_alliance, rows=lambda alliance: rows_of(FollowUp, alliance, FollowUp.year), answer=follow_up_out,
        description="Anyone who may see the alliance; empty before the closing.")


@endpoint("/alliances/<int:alliance_id>/follow-ups", ["POST"], summary="Record a follow-up of a closed alliance "
          "(officer of the region or the association's board)", body=FollowUpIn, response=FollowUpOut, status=201,
          tags=TAGS, name="closeout_record_follow_up")
def post_follow_up(alliance_id, body):
    """Rules (422): ``follow_up_not_closed``, ``follow_up_year_recorded``, ``follow_up_too_early`` (the year-N
    follow-up may be recorded from 60 days before N years after the closing), ``follow_up_in_future``,
    ``follow_up_women_exceed_families``. Others than the officer of the region and the board: 403."""
    alliance = load_alliance(alliance_id)
    fu = followups.record_follow_up(alliance, body, api_user())
    return follow_up_out(fu)


@endpoint("/alliances/<int:alliance_id>/follow-ups/schedule", summary="When each follow-up of a closed alliance "
          "is due, from when it may be recorded and whether it is", response=ScheduleOut, tags=TAGS,
          name="closeout_follow_up_schedule")
def get_schedule(alliance_id):
    alliance = load_alliance(alliance_id)
    return dump(ScheduleOut, {
        "alliance_id": alliance.id, "closed_on": followups.closed_on(alliance), "window_days": followups.WINDOW_DAYS,
        "years": [{"year": s.year, "due_on": s.due_on, "opens_on": s.opens_on, "state": s.state,
                   "follow_up_id": s.follow_up.id if s.follow_up else None}
                  for s in followups.schedule(alliance)]})
