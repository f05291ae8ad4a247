"""Delivery pages: an alliance's deliveries (/alliances/<id>/deliveries: list, confirmed totals, the association's
form), one delivery (/deliveries/<id>: the buyer confirms or disputes it and records the payment; the association
corrects a disputed one and sends it again), a buyer's deliveries (/buyers/<id>/deliveries) and the officer's
page linking accounts to a buyer (/buyers/<id>/accounts). Whoever may not see it gets 404."""
import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..accounts.models import User, UserRole
from ..alliances.models import Alliance
from ..alliances.permissions import alliance_filter
from ..associations.models import Buyer
from ..common import find, get_or_404
from ..extensions import db
from ..schemas import from_form
from ..schemas.fields import form_values
from ..web.forms import form_action, loaded, options, success
from ..web.pagination import paginate
from ..workflows.delivery import DELIVERY
from . import services
from .forms import DecisionForm, DeliveryForm, LinkForm, PaymentForm
from .models import Delivery
from .permissions import (RECORDING, buyer_id_of, can_correct, can_link, can_pay, can_record,
                          can_view_buyer_deliveries, can_view_deliveries, can_view_delivery)
from .schemas import DeliveryIn, DeliveryTransitionIn, LinkIn, PaymentIn

bp = Blueprint("sales", __name__)


def load_alliance(alliance_id):
    return get_or_404(Alliance, alliance_id, lambda a: can_view_deliveries(current_user, a))


def load_delivery(delivery_id):
    return get_or_404(Delivery, delivery_id, lambda d: can_view_delivery(current_user, d))


@bp.app_context_processor
def sales_helpers():
    def section(alliance):
        """The confirmed sales of the alliance (one query), for alliances/detail.html: members see them too."""
        if alliance.buyer_id is None or alliance.state not in (*RECORDING, "closed"):  # none before execution
            return None
        return services.confirmed_totals(alliance.id)

    return {"sales_section": section}


# an alliance's deliveries -----------------------------------------------------------------------------------

def _alliance_page(alliance, form=None, status=200):
    form = form or DeliveryForm(formdata=None)
    letter = services.letter_of(alliance)
    if form.unit.data is None and letter:
        form.unit.data = letter["unit"]
    page = paginate(sa.select(Delivery).where(Delivery.alliance_id == alliance.id)
                    .order_by(Delivery.delivered_on.desc(), Delivery.id.desc()))
    return render_template("sales/deliveries.html", alliance=alliance, deliveries=page.items, page=page,
                           totals=services.confirmed_totals(alliance.id), letter=letter, form=form,
                           can_record=can_record(current_user, alliance) and alliance.state in RECORDING,
                           currency=alliance.call.program.currency), status


bp.add_url_rule("/alliances/<int:alliance_id>/deliveries", "alliance_deliveries", loaded(load_alliance)(_alliance_page))


@bp.post("/alliances/<int:alliance_id>/deliveries")
@loaded(load_alliance)
def record(alliance):
    form = DeliveryForm()
    return form_action(form, lambda: services.record_delivery(alliance, from_form(DeliveryIn, form.values()),
                                                              current_user),
                       lambda status: _alliance_page(alliance, form, status),
                       lambda d: success(_l("The delivery was recorded: the buyer is asked to confirm it."),
                                         url_for(".delivery", delivery_id=d.id)),
                       allowed=can_record(current_user, alliance))


# one delivery -----------------------------------------------------------------------------------------------

def _delivery_page(delivery, decision=None, payment=None, correction=None, status=200):
    actions = {t.name for t in DELIVERY.available(delivery, current_user)}
    correction = correction or (DeliveryForm(formdata=None, prefix="fix").fill_from(delivery)
                                if can_correct(current_user, delivery) else None)
    payment = payment or PaymentForm(formdata=None, prefix="pay")
    if payment.paid_on.data is None and delivery.paid_on:
        payment.paid_on.data, payment.paid_amount.data = delivery.paid_on.isoformat(), str(delivery.paid_amount)
    return render_template("sales/delivery.html", delivery=delivery, alliance=delivery.alliance,
                           actions=actions, decision=decision or DecisionForm(formdata=None), payment=payment,
                           correction=correction, can_pay=can_pay(current_user, delivery),
                           can_see_alliance=can_view_deliveries(current_user, delivery.alliance),
                           currency=delivery.alliance.call.program.currency), status


bp.add_url_rule("/deliveries/<int:delivery_id>", "delivery", loaded(load_delivery)(_delivery_page))


@bp.post("/deliveries/<int:delivery_id>/transitions")
@loaded(load_delivery)
def act(delivery):
    form = DecisionForm()
    action = request.form.get("action", "")

    def call():
        if action not in DELIVERY.by_name:
            abort(400)
        services.act(delivery, from_form(DeliveryTransitionIn, form_values(form), action=action), current_user)

    return _delivery_action(delivery, form, "decision", call, lambda: {
        "confirm": _l("The delivery is confirmed."),
        "dispute": _l("The delivery is disputed: the association and the program officer are told why."),
        "resend": _l("The delivery was sent again to the buyer.")}[action])


def _delivery_action(delivery, form, form_name, call, message, allowed=True):
    return form_action(form, call, lambda status: _delivery_page(delivery, status=status, **{form_name: form}),
                       lambda result: success(message(), url_for(".delivery", delivery_id=delivery.id)),
                       allowed=allowed)


@bp.post("/deliveries/<int:delivery_id>/payment")
@loaded(load_delivery)
def pay(delivery):
    form = PaymentForm(prefix="pay")
    return _delivery_action(delivery, form, "payment", lambda: services.record_payment(
        delivery, from_form(PaymentIn, form_values(form)), current_user),
        lambda: _l("The payment was recorded."), can_pay(current_user, delivery))


@bp.post("/deliveries/<int:delivery_id>/correct")
@loaded(load_delivery)
def correct(delivery):
    form = DeliveryForm(prefix="fix")
    return _delivery_action(delivery, form, "correction", lambda: services.correct_delivery(
        delivery, from_form(DeliveryIn, form.values()), current_user), lambda: _l("The delivery was corrected."),
        can_record(current_user, delivery.alliance))


# a buyer's deliveries and accounts --------------------------------------------------------------------------

def load_buyer(buyer_id, allowed):
    return get_or_404(Buyer, buyer_id, lambda b: allowed(current_user, b))


def linking(buyer_id):
    """The buyer whose accounts the user links (403 unless the user may link accounts, then 404 if missing)."""
    if not can_link(current_user):
        abort(403)
    return load_buyer(buyer_id, _may_link)


@bp.get("/buyers/<int:buyer_id>/deliveries")
@loaded(lambda buyer_id: load_buyer(buyer_id, can_view_buyer_deliveries))
def buyer_deliveries(buyer):
    query = sa.select(Delivery).join(Alliance, Alliance.id == Delivery.alliance_id).where(Delivery.buyer_id == buyer.id)
    if buyer_id_of(current_user) != buyer.id:
        query = query.where(alliance_filter(current_user))
    state = request.args.get("state", "")
    if state in DELIVERY.states:
        query = query.where(Delivery.state == state)
    page = paginate(query.order_by(Delivery.state != "recorded", Delivery.delivered_on.desc(), Delivery.id.desc()))
    return render_template("sales/buyer_deliveries.html", buyer=buyer, deliveries=page.items, page=page,
                           state=state, states=DELIVERY.states, can_link=can_link(current_user))


@bp.get("/my-deliveries")
@login_required
def mine():
    buyer_id = buyer_id_of(current_user)
    if buyer_id is None:
        abort(404)
    return redirect(url_for(".buyer_deliveries", buyer_id=buyer_id))


def _linkable():
    return db.session.execute(sa.select(User).join(UserRole, UserRole.user_id == User.id)
                              .where(UserRole.role == "buyer").order_by(User.name, User.id).limit(500)).scalars().all()


def _accounts_page(buyer, form=None, status=200):
    form = form or LinkForm(formdata=None)
    form.user_id.choices = options([("", _l("Choose an account"))] +
                                   [(str(u.id), f"{u.name} · {u.email}") for u in _linkable()])
    return render_template("sales/buyer_accounts.html", buyer=buyer, accounts=services.accounts_of(buyer),
                           form=form), status


def _may_link(user, _buyer):
    return can_link(user)


bp.add_url_rule("/buyers/<int:buyer_id>/accounts", "accounts", loaded(linking)(_accounts_page))


@bp.post("/buyers/<int:buyer_id>/accounts")
@loaded(linking)
def link(buyer):
    form = LinkForm()
    form.user_id.choices = []

    def call():
        body = from_form(LinkIn, {"user_id": form.user_id.data})
        services.link_account(buyer, find(User, body.user_id), current_user)

    return form_action(form, call, lambda status: _accounts_page(buyer, form, status),
                       lambda result: success(_l("The account now acts for this buyer."),
                                              url_for(".accounts", buyer_id=buyer.id)))


@bp.post("/buyers/<int:buyer_id>/accounts/<int:user_id>/unlink")
@loaded(linking, "buyer_id")
def unlink(buyer, user_id):
    user = get_or_404(User, user_id)
    if services.unlink_account(buyer, user, current_user):
        flash(_l("The account no longer acts for this buyer."), "success")
    return redirect(url_for(".accounts", buyer_id=buyer.id))
