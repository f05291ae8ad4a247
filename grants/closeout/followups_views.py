"""The follow-ups page of a closed alliance (``/alliances/<id>/follow-ups``): the schedule of years 1, 2 and 3,
what each follow-up found, and the form for the officer of the region or the association's board. Anyone who
may see the alliance reads it (members read, never write); another association's alliance is a 404. Thin:
load, check, one service, commit. Registered on the closeout blueprint (imported by ``closeout/views.py``)."""
from flask import render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..alliances.models import Alliance
from ..alliances.permissions import can_view_alliance
from ..common import get_or_404
from ..web.forms import form_action, loaded, success
from . import followups
from .followups_forms import FollowUpForm
from .views import bp


def load(alliance_id):
    """The alliance (404 when missing or not visible to the user)."""
    return get_or_404(Alliance, alliance_id, lambda a: can_view_alliance(current_user, a))


def _page(alliance, form=None, status=200):
    if form is None:
        form = FollowUpForm(formdata=None)
        year = followups.next_year(alliance)
        if year:
            form.year.data = str(year)
    slots = followups.schedule(alliance)
    return render_template("closeout/follow_ups.html", alliance=alliance, slots=slots, form=form,
                           closed_on=followups.closed_on(alliance), window=followups.WINDOW_DAYS,
                           can_record=followups.can_record(current_user, alliance),
                           currency=alliance.program.currency), status


@bp.route("/follow-ups", methods=["GET", "POST"], endpoint="follow_ups")
@loaded(load)
def follow_ups(alliance):
    if request.method == "GET":
        return _page(alliance)
    form = FollowUpForm()
    return form_action(form, lambda: followups.record_follow_up(alliance, form.data_for_service(), current_user),
                       lambda status: _page(alliance, form, status),
                       lambda fu: success(_l("The follow-up of year %(year)s was recorded.", year=fu.year),
                                          url_for(".follow_ups", alliance_id=alliance.id, _anchor=f"follow-up-{fu.year}")),
                       allowed=followups.may_record(current_user, alliance))
