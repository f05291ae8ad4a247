"""API endpoints of notifications: the signed-in user's own."""

from flask import request

from ..api.core import Model, Out, api_user, endpoint, paginate
from ..schemas.types import Id, UtcDateTime
from . import services


class NotificationOut(Out):
    id: int
    subject: str
    body: str
    link: str | None = None
    created_at: UtcDateTime
    read_at: UtcDateTime | None = None


class MarkReadIn(Model):
    #: the notifications to mark read; none: all unread
    ids: list[Id] | None = None


def _dump(n):
    return NotificationOut.model_validate(n).model_dump(mode="json")


@endpoint("/notifications", summary="My notifications, newest first", response=NotificationOut, paginated=True,
          query={"unread": "1: only unread ones"}, tags=("notifications",), name="notifications_list")
def notifications_list():
    unread = request.args.get("unread") in ("1", "true", "yes")
    return paginate(services.for_user(api_user(), unread_only=unread), _dump)


@endpoint("/notifications/read", methods=("POST",), summary="Mark my notifications read (all, or `ids`)",
          body=MarkReadIn, tags=("notifications",), name="notifications_mark_read")
def notifications_mark_read(body):
    count = services.mark_read(api_user(), body.ids)
    return {"marked": count, "unread": services.unread_count(api_user())}
