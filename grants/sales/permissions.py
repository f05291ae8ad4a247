"""Who may see and do what with deliveries to the buyer. Deny by default.

- see an alliance's deliveries and their confirmed totals: whoever may see the alliance (its board, treasurer and
  members — social control —, the officer of its region, admins, auditors, finance), and the account of the
  alliance's buyer (role ``buyer``, linked to that buyer by an officer); anyone else gets 404;
- record and correct a delivery, send a disputed one again: the association's board or treasurer;
- confirm or dispute a delivery, record its payment: the buyer's own account only (never the association, never
  an officer: the buyer is the other party);
- link an account to a buyer: officers and admins."""
import sqlalchemy as sa

from .. import workflows
from ..alliances.permissions import roles_toward
from ..extensions import db
from .models import BuyerAccount

#: alliance states in which deliveries are recorded (after the agreement, until closeout)
RECORDING = ("in_execution", "suspended", "closing")


def _signed_in(user):
    return user is not None and getattr(user, "is_authenticated", False)


def buyer_id_of(user):
    """The id of the buyer ``user`` acts for (role ``buyer`` and a link), or None."""
    if not _signed_in(user) or not user.has_role("buyer"):
        return None
    return db.session.execute(sa.select(BuyerAccount.buyer_id).where(BuyerAccount.user_id == user.id)).scalar()


def is_buyer_of(user, buyer_id):
    return buyer_id is not None and buyer_id_of(user) == buyer_id


def roles_toward_delivery(delivery, user):
    """The roles ``user`` holds towards ``delivery`` (for the workflow engine): those towards its alliance, and
    ``buyer`` for the account linked to the delivery's buyer."""
    if not _signed_in(user):
        return set()
    roles = set(roles_toward(delivery.alliance, user))
    if is_buyer_of(user, delivery.buyer_id):
        roles.add("buyer")
    return roles


def can_view_deliveries(user, alliance):
    if not _signed_in(user):
        return False
    return bool(roles_toward(alliance, user)) or is_buyer_of(user, alliance.buyer_id)


def can_view_delivery(user, delivery):
    return bool(roles_toward_delivery(delivery, user))


def can_record(user, alliance):
    return _signed_in(user) and bool(set(user.association_roles(alliance.association_id)) & {"board", "treasurer"})


def can_correct(user, delivery):
    return delivery.state in ("recorded", "disputed") and can_record(user, delivery.alliance)


def can_pay(user, delivery):
    return delivery.state == "confirmed" and is_buyer_of(user, delivery.buyer_id)


def can_link(user):
    return _signed_in(user) and user.has_role("officer", "admin")


def can_view_buyer_deliveries(user, buyer):
    """The buyer's page of deliveries: its own account, and the staff who read across associations (officers see
    the deliveries of their regions' alliances); another buyer's account gets 404."""
    if not _signed_in(user):
        return False
    if user.has_role("buyer") and not user.has_role("officer", "admin", "auditor", "finance"):
        return is_buyer_of(user, buyer.id)
    return user.has_role("officer", "admin", "auditor", "finance")


workflows.DELIVERY.roles_of = roles_toward_delivery
