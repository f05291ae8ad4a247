"""Revolving fund pages under /associations/<id>/revolving-fund: the summary, the movements, the loans and the
forms of the treasurer (repayments, loans, loan repayments) and of the board (write-off).

Access follows the association (never an alliance: the fund outlives them): whoever may see the association
reads the totals; borrowers' names only where member data may be seen (masked for auditors); another
association's fund answers 404."""
import sqlalchemy as sa
from flask import Blueprint, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..alliances.models import Alliance
from ..associations.models import Association, Member
from ..associations.services import mask_name
from ..common import get_or_404
from ..extensions import db
from ..money import shown
from ..schemas import from_form
from ..web.forms import form_action, loaded, success
from ..web.pagination import paginate
from ..workflows.alliance import FUNDED
from . import services
from .forms import LoanForm, LoanRepaymentForm, RepaymentForm, WriteOffForm
from .models import Loan, Movement
from .permissions import can_record, can_view_fund, can_write_off, names_mode
from .schemas import LoanIn, LoanRepaymentIn, RepaymentIn, WriteOffIn

bp = Blueprint("revolving", __name__, url_prefix="/associations/<int:association_id>/revolving-fund")


def load(association_id):
    """The association, or 404 when it does not exist or the user may not see it (no leak)."""
    return get_or_404(Association, association_id, lambda a: can_view_fund(current_user, a))


def load_loan(association, loan_id):
    return get_or_404(Loan, loan_id, lambda loan: loan.association_id == association.id)


def load_with_loan(association_id, loan_id):
    """The association (as ``load``) and its loan ``loan_id`` (another association's: 404)."""
    association = load(association_id)
    return association, load_loan(association, loan_id)


def namer(association):
    """A function giving the name to show for a member, by what ``current_user`` may see."""
    mode = names_mode(current_user, association)

    def name(member):
        if member is None:
            return "—"
        if mode == "full":
            return member.full_name
        if mode == "masked":
            return mask_name(member.full_name)
        return _l("a member")

    return name


def _members(association):
    return db.session.execute(sa.select(Member).where(Member.association_id == association.id,
                                                      Member.active.is_(True))
                              .order_by(Member.full_name, Member.id)).scalars().all()


def _open_loans(association):
    return db.session.execute(sa.select(Loan).where(Loan.association_id == association.id, Loan.state == "open")
                              .order_by(Loan.id)).scalars().all()


def _forms(association, repayment=None, loan=None):
    name = namer(association)
    members = _members(association) if can_record(current_user, association) else []
    repayment = (repayment or RepaymentForm(formdata=None, prefix="repayment")).fill(
        members, services.fund_alliances(association), _open_loans(association), name)
    loan = (loan or LoanForm(formdata=None, prefix="loan")).fill(members)
    return repayment, loan


def _page(association, repayment_form=None, loan_form=None, status=200):
    from datetime import date

    repayment_form, loan_form = _forms(association, repayment_form, loan_form)
    movements = paginate(sa.select(Movement).where(Movement.association_id == association.id)
                         .order_by(Movement.id.desc()))
    state = request.args.get("state", "")
    loans_q = sa.select(Loan).where(Loan.association_id == association.id)
    if state in ("open", "repaid", "written_off"):
        loans_q = loans_q.where(Loan.state == state)
    loans = db.session.execute(loans_q.order_by(Loan.state != "open", Loan.due_on, Loan.id).limit(200)
                               ).scalars().all()
    return render_template("revolving/fund.html", association=association, summary=services.fund_summary(association),
                           movements=movements.items, page=movements, loans=loans, today=date.today(),
                           name=namer(association), repayment_form=repayment_form, loan_form=loan_form,
                           can_record=can_record(current_user, association), state=state,
                           currency=_currency(association)), status


def _currency(association):
    alliances = services.fund_alliances(association)
    if alliances:
        return alliances[0].program.currency
    row = db.session.execute(sa.select(Alliance).where(Alliance.association_id == association.id)
                             .order_by(Alliance.id.desc()).limit(1)).scalar()
    return row.program.currency if row is not None else ""


def _write(association, allowed, form, call, page, done):
    """A write of the fund's pages: 403 unless ``allowed`` (the refused rules at their fields or flashed, once)."""
    return form_action(form, call, page, done, allowed=allowed(current_user, association))


def _recorded(association, form, form_key, service, schema, message, url):
    """A movement the treasurer records on the fund page (a repayment, a loan): ``service(association, body, user)``
    with the form read as ``schema``, then ``message(amount)`` and back to ``url(result)``; a refusal shows the page
    again with the form (``form_key``) as typed."""
    return _write(association, can_record, form, lambda: service(association, from_form(schema, form.values()),
                                                                 current_user),
                  lambda status: _page(association, status=status, **{form_key: form}),
                  lambda done: success(message(shown(done.amount, _currency(association))), url(done)))


bp.add_url_rule("", "fund", loaded(load)(_page))


@bp.post("/repayments")
@loaded(load)
def record_repayment(association):
    return _recorded(association, RepaymentForm(prefix="repayment"), "repayment_form", services.record_repayment,
                     RepaymentIn, lambda amount: _l("Repayment recorded: %(amount)s.", amount=amount),
                     lambda mv: url_for(".fund", association_id=association.id))


@bp.post("/loans")
@loaded(load)
def record_loan(association):
    return _recorded(association, LoanForm(prefix="loan"), "loan_form", services.record_loan, LoanIn,
                     lambda amount: _l("Loan recorded: %(amount)s.", amount=amount),
                     lambda loan: url_for(".loan", association_id=association.id, loan_id=loan.id))


def _loan_page(association, loan, form=None, write_off_form=None, status=200):
    repayments = db.session.execute(sa.select(Movement).where(Movement.loan_id == loan.id)
                                    .order_by(Movement.id)).scalars().all()
    from datetime import date

    return render_template("revolving/loan.html", association=association, loan=loan, repayments=repayments,
                           form=form or LoanRepaymentForm(formdata=None),
                           write_off_form=write_off_form or WriteOffForm(formdata=None), name=namer(association),
                           can_record=can_record(current_user, association) and loan.state == "open",
                           can_write_off=can_write_off(current_user, association) and loan.state == "open",
                           today=date.today(), currency=_currency(association)), status


@bp.route("/loans/<int:loan_id>", methods=["GET", "POST"])
@loaded(load_with_loan)
def loan(association, item):
    if request.method == "GET":
        return _loan_page(association, item)
    form = LoanRepaymentForm()
    return _write(association, can_record, form, lambda: services.record_loan_repayment(
        item, from_form(LoanRepaymentIn, form.values()), current_user),
                  lambda status: _loan_page(association, item, form=form, status=status),
                  lambda mv: success(_l("Repayment recorded: %(amount)s.", amount=shown(mv.amount,
                                                                                      _currency(association))),
                                     url_for(".loan", association_id=association.id, loan_id=item.id)))


@bp.post("/loans/<int:loan_id>/write-off")
@loaded(load_with_loan)
def write_off(association, item):
    form = WriteOffForm()
    return _write(association, can_write_off, form, lambda: services.write_off_loan(
        item, from_form(WriteOffIn, {"reason": form.reason.data}), current_user),
                  lambda status: _loan_page(association, item, write_off_form=form, status=status),
                  lambda result: success(_l("The loan was written off."),
                                         url_for(".loan", association_id=association.id, loan_id=item.id)))


@bp.app_context_processor
def revolving_helpers():
    def section(alliance):
        """The alliance's expected vs repaid share, when its program has a fund (for alliances/detail.html)."""
        if alliance.state not in FUNDED or services.share_of(alliance) <= 0:
            return None
        return {"share": services.alliance_share(alliance),
                "fund_visible": can_view_fund(current_user, alliance.association)}

    return {"revolving_section": section}
