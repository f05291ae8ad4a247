"""The demo data is realistic, complete, idempotent and fully audited; every role has its story."""
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from PIL import Image

from grants import demo, uploads
from grants.accounts.models import GLOBAL_ROLES, User
from grants.alliances.budget import BudgetLine, Tranche
from grants.alliances.models import Alliance, Attachment
from grants.plans.models import Review
from grants.associations.models import Association, Buyer, Member
from grants.audit import verify_chain
from grants.audit.models import Event
from grants.programs.models import Call, Program
from grants.workflows import rules as rule_codes

from tests.demo_snapshot import seed_demo

BOLIVIA = {"La Paz", "Cochabamba", "Potosí", "Oruro", "Chuquisaca", "Tarija", "Santa Cruz", "Beni", "Pando"}


@pytest.fixture
def seeded(db):
    return seed_demo(db)


def _count(db, model):
    return db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar()


def test_nine_realistic_associations(db, seeded):
    assocs = db.session.execute(sa.select(Association).where(Association.level == 1)  # the federation: below
                                .order_by(Association.id)).scalars().all()
    assert len(assocs) == 9
    assert assocs[0].name == "Asociación de Productores de Leche Achacachi"
    assert {a.region for a in assocs} == {"La Paz", "Cochabamba", "Potosí"}
    women = total = 0
    for a in assocs:
        assert a.legal_id and a.tax_id and a.bank_account and a.bank_name, a.name
        assert a.level == 1 and a.region in BOLIVIA and a.municipality
        members = db.session.execute(sa.select(Member).where(Member.association_id == a.id)).scalars().all()
        assert 20 <= len(members) <= 45, (a.name, len(members))
        assert len({m.national_id for m in members}) == len(members)
        for m in members:
            assert len(m.full_name.split()) >= 3 and m.sex in ("F", "M")
            assert 1940 <= m.birth_year <= 2008 and Decimal("0") < m.hectares < Decimal("20")
        women += sum(m.sex == "F" for m in members)
        total += len(members)
    assert 0.4 <= women / total <= 0.6, (women, total)
    names = " ".join(db.session.execute(sa.select(Member.full_name)).scalars())
    for surname in ("Mamani", "Quispe", "Condori"):  # Aymara and Quechua surnames are there
        assert surname in names


def test_one_account_per_role(db, seeded):
    users = db.session.execute(sa.select(User)).scalars().all()
    assert len(users) == len(seeded) == len({u.email for u in users})
    for role in GLOBAL_ROLES:
        assert any(u.has_role(role) for u in users), role
    assert sum(u.has_role("committee") for u in users) == 2
    officer = next(u for u in users if u.has_role("officer"))
    assert officer.regions == ["Cochabamba", "La Paz", "Potosí"]
    assert all(u.locale == "es" and u.active for u in users)
    first, colomi = db.session.execute(sa.select(Association).order_by(Association.id).limit(2)).scalars()
    assert colomi.municipality == "Colomi"  # the association in execution has its board, treasurer and a member
    roles_colomi = {m.role for u in users for m in u.memberships if m.association_id == colomi.id}
    assert roles_colomi == {"board", "treasurer", "member"}
    assert any(m.role == "board" for u in users for m in u.memberships if m.association_id == first.id)
    passwords = [p for _e, p, _r in seeded]
    assert len(set(passwords)) == len(passwords) and all(len(p) >= 8 for p in passwords)


def test_program_and_open_call(db, seeded):
    program = db.session.execute(sa.select(Program)).scalar_one()
    assert (program.code, program.currency, program.name) == ("PAR3", "BOB", "PAR III — Alianzas Rurales")
    assert program.grant_cap_per_family == Decimal("14000.00")
    assert program.committee_quorum == 2  # the demo's committee has two members
    call = db.session.execute(sa.select(Call)).scalar_one()
    assert call.is_open()
    assert call.envelope == Decimal("12000000.00")
    assert call.regions == ["Cochabamba", "La Paz", "Potosí"]
    assert len(call.committee_ids) == 2
    assert sum(c.weight for c in call.criteria) == 100


def test_draft_alliance_with_families_and_buyer(db, seeded):
    alliance = db.session.execute(sa.select(Alliance).where(Alliance.state == "draft")).scalar_one()
    assert alliance.profile is not None and alliance.profile.business_idea and not alliance.profile.loi_price
    assert alliance.attachments == []  # the board is still writing it
    assert alliance.association.name.endswith("Achacachi")
    assert alliance.buyer.name == "PIL Andina S.A."
    members = _count(db, sa.select(Member).where(Member.association_id == alliance.association_id).subquery())
    assert alliance.families == members >= 20
    assert alliance.requested_grant <= alliance.program.grant_cap_per_family * alliance.families
    assert {b.name for b in db.session.execute(sa.select(Buyer)).scalars()} >= {
        "PIL Andina S.A.", "Irupana Andean Organic Food S.A."}


def test_audit_trail_complete_and_verifies(db, seeded):
    count, broken = verify_chain()
    assert broken is None
    members = _count(db, Member)
    actions = dict(db.session.execute(sa.select(Event.action, sa.func.count()).group_by(Event.action)).all())
    assert actions["add_member"] == members
    assert actions["create_user"] == len(seeded)
    assert actions["create_association"] == 9 + 1  # and the federation (h6)
    alliance_creates = _count(db, sa.select(Event).where(Event.object_type == "alliance",
                                                         Event.action == "create").subquery())
    assert alliance_creates == 9
    assert count == sum(actions.values())


def test_seed_is_idempotent(db, seeded):
    from grants.closeout.models import Refund
    from grants.execution.models import AccountabilityReport, Contribution, Expense
    from grants.monitoring.models import FollowUpAction, IndicatorValue, Visit
    from grants.revolving.models import Loan, Movement

    models = (User, Association, Member, Alliance, Event, Program, Attachment, BudgetLine, Tranche, Review,
              Expense, AccountabilityReport, Contribution, IndicatorValue, Visit, FollowUpAction, Refund, Movement,
              Loan)
    before = {m.__name__: _count(db, m) for m in models}
    again = demo.seed()
    db.session.commit()
    assert again == seeded
    assert {m.__name__: _count(db, m) for m in models} == before


def test_demo_accounts_can_sign_in(app, seeded):
    email, password, _role = seeded[0]
    client = app.test_client()
    resp = client.post("/login", data={"email": email, "password": password})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/dashboard")
    bad = app.test_client().post("/login", data={"email": email, "password": "demo-wrong-2026"})
    assert bad.status_code == 401


def test_one_password_for_all(db):
    accounts = demo.seed(password="una-clave-comun")
    db.session.commit()
    assert {p for _e, p, _r in accounts} == {"una-clave-comun"}
    user = db.session.execute(sa.select(User).where(User.email == accounts[1][0])).scalar_one()
    assert user.check_password("una-clave-comun")


def test_seed_scale_is_exact(db, seeded):
    events = _count(db, Event)
    counts = demo.seed_scale(10, members=30)
    db.session.commit()
    assert counts["alliances"] == 10 and counts["associations"] == 4
    scale = db.session.execute(sa.select(Alliance).where(Alliance.code.like("ESCALA-%"))).scalars().all()
    assert len(scale) == 10 and len({a.code for a in scale}) == 10
    for a in scale:
        assert 20 <= a.families <= 40
        assert all(link.member.association_id == a.association_id for link in a.member_links)
        assert a.requested_grant <= Decimal("14000.00") * a.families
    per_call = {}
    for a in scale:
        per_call.setdefault((a.association_id, a.call_id), 0)
        per_call[(a.association_id, a.call_id)] += 1
    assert set(per_call.values()) == {1}  # one alliance per association and call
    # program, three calls and the summary: the bulk rows write no event each
    assert _count(db, Event) == events + 5
    assert verify_chain()[1] is None
    demo.seed_scale(5, members=30)  # codes keep counting
    db.session.commit()
    codes = list(db.session.execute(sa.select(Alliance.code).where(Alliance.code.like("ESCALA-%"))).scalars())
    assert len(codes) == len(set(codes)) == 15


# --- the lifecycle: each demo account finds work waiting ---------------------------------------

STAGES = {"draft": "Achacachi", "submitted": "Sorata", "eligible": "Caranavi", "plan_in_preparation": "Tiraque",
          "committee_review": "Patacamaya", "agreement_signed": "Llica", "in_execution": "Colomi",
          "closing": "Punata", "closed": "Luribay"}


def _user(db, email):
    return db.session.execute(sa.select(User).where(User.email == f"{email}@{demo.DOMAIN}")).scalar_one()


def _in(db, state):
    return db.session.execute(sa.select(Alliance).where(Alliance.state == state)).scalar_one()


def test_one_alliance_at_each_stage(db, seeded):
    from grants.proposals.guards import check_intake

    alliances = db.session.execute(sa.select(Alliance).order_by(Alliance.id)).scalars().all()
    assert {a.state: a.association.municipality for a in alliances} == STAGES
    assert len({a.association_id for a in alliances}) == len(alliances)  # one open alliance per call
    for a in alliances:
        assert 20 <= a.families <= 60
        assert Decimal("8000") * a.families <= a.requested_grant <= a.program.grant_cap_per_family * a.families
        assert a.code.startswith("PAR3-") and a.buyer is not None
        if a.state != "draft":
            assert check_intake(a) == [], a.code  # every intake rule held when it was submitted


def test_submitted_intention_waits_in_the_officers_queue(db, seeded):
    from pypdf import PdfReader

    from grants import uploads
    from grants.proposals import screening

    officer = _user(db, "oficial")
    queue = db.session.execute(screening.queue(officer)).scalars().all()
    assert [a.state for a in queue] == ["submitted"] and queue[0].association.municipality == "Sorata"
    alliance = queue[0]
    assert {att.kind for att in alliance.attachments} == {"buyer_letter", "legal_status"}
    assert alliance.profile.loi_price > 0 and alliance.profile.market_opportunity
    assert screening.can_screen(officer, alliance) and not screening.scores_of(alliance)
    letter = alliance.attachment_of("buyer_letter")
    assert "Irupana" in PdfReader(uploads.path_for(letter.sha256)).pages[0].extract_text()


def test_eligible_intention_waits_for_the_committees_preselection(db, seeded):
    from grants.proposals import preselection, screening

    eligible = _in(db, "eligible")
    assert screening.screening_sheet(eligible)["complete"]
    call = eligible.call
    for key in ("comite1", "comite2"):
        member = _user(db, key)
        assert preselection.can_decide(member, call)
        rows = preselection.ranking(call, member)
        assert eligible.id in [r.alliance.id for r in rows if r.alliance.state == "eligible"]
    minutes = preselection.minutes_of(call)  # Luribay's session ten months before the others' (a follow-up's year)
    assert sorted(len(m.alliance_ids.split(",")) for m in minutes) == [1, 5]


def test_plan_in_preparation_with_the_facilitator_and_a_partial_budget(db, seeded):
    from grants.plans.permissions import can_edit_plan
    from grants.plans.services import plan_violations

    alliance = _in(db, "plan_in_preparation")
    facilitator = _user(db, "facilitador")
    assert alliance.facilitator_id == facilitator.id and can_edit_plan(facilitator, alliance)
    assert 0 < len(alliance.budget_lines) < 6 and not alliance.tranches
    rules = {v.rule for v in plan_violations(alliance)}
    assert rule_codes.PLAN_INCOMPLETE in rules and rule_codes.CASH_FLOW_MISSING in rules
    assert can_edit_plan(_user(db, "presidente.tiraque"), alliance)


def test_committee_review_waits_for_the_members_reviews(db, seeded):
    from grants.alliances.figures import financing
    from grants.plans import review
    from grants.plans.services import plan_violations

    alliance = _in(db, "committee_review")
    assert plan_violations(alliance) == [] and review.appraisal_violations(alliance) == []
    assert review.reviews_of(alliance) == []
    assert review.quorum_violations(alliance)  # nobody reviewed yet
    for key in ("comite1", "comite2"):
        from grants.plans.permissions import can_review

        assert can_review(_user(db, key), alliance)
    fin = financing(alliance)
    assert not fin.violations and fin.totals["grant"] <= fin.total * Decimal("0.70")


def test_in_execution_with_the_first_tranche_transferred_by_finance(db, seeded):
    alliance = _in(db, "in_execution")
    officer, finance = _user(db, "oficial"), _user(db, "finanzas")
    agreement = alliance.agreement
    assert agreement.signed_at and agreement.counterpart_deposit_reference
    signed = alliance.attachment_of("signed_agreement")
    assert signed.content_type == "application/pdf" and agreement.signed_attachment_id == signed.id
    first, second = sorted(alliance.tranches, key=lambda t: t.number)
    assert (first.state, second.state) == ("disbursed", "requested")  # the second waits for the officer
    assert first.disbursed_amount == first.amount and first.disbursement_reference
    assert first.flow.approved_by_id == officer.id and first.flow.disbursed_by_id == finance.id
    assert first.flow.requested_by_id == _user(db, "presidente.colomi").id
    assert first.amount + second.amount == sum(line.grant for line in alliance.budget_lines)
    reviews = db.session.execute(sa.select(Review).where(Review.alliance_id == alliance.id)).scalars().all()
    assert len(reviews) == 2 and {r.recommendation for r in reviews} == {"approve"}


def test_every_step_is_in_the_audit_trail(db, seeded):
    alliance = _in(db, "in_execution")
    actions = list(db.session.execute(sa.select(Event.action).where(
        Event.alliance_id == alliance.id, Event.object_type == "alliance").order_by(Event.id)).scalars())
    steps = ["create", "submit", "score_screening", "declare_eligible", "preselect", "start_plan", "submit_plan",
             "start_appraisal", "send_to_committee", "approve", "sign_agreement", "start_execution"]
    assert [a for a in actions if a in steps] == steps
    tranche = dict(db.session.execute(sa.select(Event.action, Event.actor_id).where(
        Event.alliance_id == alliance.id, Event.object_type == "tranche",
        Event.action.in_(("request", "approve", "disburse")))).all())
    assert tranche["disburse"] == _user(db, "finanzas").id != tranche["approve"]
    assert verify_chain()[1] is None


def test_pdfs_are_real_and_reproducible(db, seeded):
    from pypdf import PdfReader

    from grants.demo.files import pdf

    data = pdf("Carta de intención", ["Una línea"])
    assert data == pdf("Carta de intención", ["Una línea"])
    assert "Una línea" in PdfReader(__import__("io").BytesIO(data)).pages[0].extract_text()
    sizes = db.session.execute(sa.select(Attachment.size, Attachment.content_type)).all()
    assert len(sizes) == 20 and all(ct == "application/pdf" and 500 < size < 20000 for size, ct in sizes)


# --- execution, monitoring, closeout and the revolving fund -------------------------------------------------


def test_colomi_spends_reports_and_is_monitored(db, seeded):
    from grants.alliances import ledger
    from grants.execution.models import AccountabilityReport, Contribution, Expense
    from grants.monitoring.models import IndicatorValue, Visit

    alliance = _in(db, "in_execution")
    assert alliance.association.municipality == "Colomi"
    expenses = db.session.execute(sa.select(Expense).where(Expense.alliance_id == alliance.id)
                                  .order_by(Expense.id)).scalars().all()
    treasurer = _user(db, "tesorero.colomi")
    assert {e.created_by_id for e in expenses} == {treasurer.id}  # the treasurer keeps the books
    # receipts are phone photos (JPEG) and one scan (PNG), real images; the last one still lacks its receipt
    with_receipt, missing = expenses[:-1], expenses[-1]
    assert missing.receipt_sha256 is None and missing.report_id is None
    assert {e.receipt_content_type for e in with_receipt} == {"image/jpeg", "image/png"}
    for e in with_receipt:
        with open(uploads.path_for(e.receipt_sha256), "rb") as fh:
            image = Image.open(io.BytesIO(fh.read()))
            image.load()
        assert image.format == {"image/jpeg": "JPEG", "image/png": "PNG"}[e.receipt_content_type]
        assert 50 <= image.width <= 400
    report, late = db.session.execute(sa.select(AccountabilityReport).where(
        AccountabilityReport.alliance_id == alliance.id).order_by(AccountabilityReport.period_start)).scalars()
    assert report.state == "approved" and report.assembly_sha256
    assert late.state == "submitted" and [e for e in expenses if e.report_id == late.id]  # the officer reviews it
    reported = [e for e in expenses if e.report_id == report.id]
    assert len(reported) == 4 and ledger.unreported_expenses(alliance) == 5  # not in an approved report
    assert any(e.procurement and e.procurement.state == "closed" for e in reported)
    submitted_by = db.session.execute(sa.select(Event.actor_id).where(
        Event.object_id == report.id, Event.action == "submit", Event.alliance_id == alliance.id,
        Event.object_type != "alliance")).scalar_one()
    assert submitted_by == treasurer.id
    assert ledger.justified(alliance) == sum(e.amount for e in reported) > 0  # the approved report only
    assert ledger.spent(alliance) == sum(e.amount for e in expenses) <= ledger.disbursed(alliance)
    kinds = {c.kind for c in db.session.execute(sa.select(Contribution).where(
        Contribution.alliance_id == alliance.id)).scalars()}
    assert kinds == {"cash", "in_kind"}
    values = db.session.execute(sa.select(IndicatorValue).where(IndicatorValue.alliance_id == alliance.id)
                                ).scalars().all()
    assert len({v.period for v in values}) == 3
    families = [v for v in values if v.indicator.code == "families"]
    assert len(families) == 3 and all(v.women + v.men == v.value == alliance.families for v in families)
    visit = db.session.execute(sa.select(Visit).where(Visit.alliance_id == alliance.id)).scalar_one()
    assert visit.officer_id == _user(db, "oficial").id and visit.findings
    assert sorted(a.state for a in visit.actions) == ["answered", "open"]
    answered = next(a for a in visit.actions if a.state == "answered")
    assert answered.answer and answered.answered_by_id == _user(db, "presidente.colomi").id


def test_luribay_went_through_closeout_to_closed(db, seeded):
    from grants.alliances import ledger
    from grants.closeout import services as closeout
    from grants.closeout.models import Refund
    from grants.execution.models import AccountabilityReport, Expense
    from grants.revolving import services as revolving
    from grants.revolving.models import Loan

    alliance = _in(db, "closed")
    assert alliance.association.municipality == "Luribay" and alliance.program.revolving_fund_share > 0
    assert {t.state for t in alliance.tranches} == {"disbursed"}
    reports = db.session.execute(sa.select(AccountabilityReport).where(
        AccountabilityReport.alliance_id == alliance.id)).scalars().all()
    assert len(reports) == 2 and {r.state for r in reports} == {"approved"}
    expenses = db.session.execute(sa.select(Expense).where(Expense.alliance_id == alliance.id)).scalars().all()
    assert expenses and all(e.report_id for e in expenses)
    big = [e for e in expenses if e.amount > alliance.program.minor_purchase_limit]
    assert big and all(e.procurement and len(e.procurement.quotations) == 3 for e in big)
    report = alliance.final_report
    assert report.submitted_at and "acopio" in report.lessons and report.narrative
    assert closeout.final_report_violations(alliance) == []
    assert alliance.evaluation.rating == "satisfactory"
    assert alliance.evaluation.officer_id == _user(db, "oficial").id
    figs = closeout.figures(alliance)
    assert figs.received == figs.grant_approved and figs.unspent > 0 and figs.to_settle == 0
    assert figs.refunded > 0 and figs.moved_to_fund > 0 and figs.refunded + figs.moved_to_fund == figs.unspent
    refund = db.session.execute(sa.select(Refund).where(Refund.alliance_id == alliance.id)).scalar_one()
    assert refund.reference.startswith("DEV-")
    assert all(c.ok for c in closeout.closing_checks(alliance)) and ledger.unreported_expenses(alliance) == 0
    summary = revolving.fund_summary(alliance.association)
    assert summary["deposits"] == figs.moved_to_fund and summary["repayments"] > 0
    assert summary["loans_open"] == 1 and summary["lent"] == Decimal("3000.00")
    assert summary["balance"] == summary["deposits"] + summary["repayments"] - summary["lent"]
    loan = db.session.execute(sa.select(Loan).where(Loan.association_id == alliance.association_id)).scalar_one()
    assert loan.amount_due == Decimal("3150.00") and loan.member.association_id == alliance.association_id
    actions = list(db.session.execute(sa.select(Event.action).where(
        Event.alliance_id == alliance.id, Event.object_type == "alliance").order_by(Event.id)).scalars())
    assert actions[-2:] == ["submit_final_report", "close"]
    assert verify_chain()[1] is None


def test_punata_waits_in_closing_for_the_officers_evaluation(db, seeded):
    from grants.closeout import services as closeout

    alliance = _in(db, "closing")
    officer = _user(db, "oficial")
    assert alliance.association.municipality == "Punata"
    assert alliance.final_report.submitted_by_id == _user(db, "presidente.punata").id
    assert closeout.final_report_violations(alliance) == []
    assert alliance.evaluation is None and closeout.can_evaluate(officer, alliance)
    assert closeout.can_settle(_user(db, "finanzas"), alliance)
    checks = {c.rule: c.ok for c in closeout.closing_checks(alliance)}
    assert checks == {"contracts_open": True, "expenses_unreported": True, "balance_unsettled": False,
                      "evaluation_missing": False}
    assert closeout.figures(alliance).to_settle > 0


# --- every role has its story: the treasurer and a member, technical assistance, alerts, time ---------------


def _sign_in(app, seeded, email):
    password = next(p for e, p, _r in seeded if e == email)
    client = app.test_client()
    resp = client.post("/login", data={"email": email, "password": password})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
    return client


def test_colomis_member_sees_the_budget_and_its_treasurer_records_expenses(app, db, seeded):
    colomi = _in(db, "in_execution")
    member = _sign_in(app, seeded, f"socia.colomi@{demo.DOMAIN}")
    page = member.get(f"/alliances/{colomi.id}/plan/budget")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert all(line.description in html for line in colomi.budget_lines)
    expenses = member.get(f"/alliances/{colomi.id}/execution/expenses")
    assert expenses.status_code == 200 and 'name="receipt"' not in expenses.get_data(as_text=True)  # reads only
    treasurer = _sign_in(app, seeded, f"tesorero.colomi@{demo.DOMAIN}")
    form = treasurer.get(f"/alliances/{colomi.id}/execution/expenses")
    assert form.status_code == 200
    html = form.get_data(as_text=True)
    assert 'name="receipt"' in html and 'name="amount"' in html
    assert "Pensión Doña Rufina" in html and 'data-missing="receipt"' in html  # the receipt still to attach
    # another association's alliance is not there for them
    punata = _in(db, "closing")
    assert treasurer.get(f"/alliances/{punata.id}/execution/expenses").status_code == 404


def test_llica_signed_and_its_first_tranche_waits_for_finance(db, seeded):
    from grants.funding.services import available_actions

    llica = _in(db, "agreement_signed")
    assert llica.association.municipality == "Llica" and llica.agreement.signed_at
    first, second = sorted(llica.tranches, key=lambda t: t.number)
    assert (first.state, second.state) == ("approved", "planned")
    finance = _user(db, "finanzas")
    assert first.flow.approved_by_id == _user(db, "oficial").id
    assert "disburse" in {t.name for t in available_actions(first, finance)}


def test_technical_assistance_from_the_registry_to_the_deliverables(db, seeded):
    from grants.assistance import services as assistance
    from grants.assistance.models import Contract, Provider, TermsOfReference
    from grants.execution.models import Expense

    colomi = _in(db, "in_execution")
    providers = db.session.execute(sa.select(Provider).order_by(Provider.id)).scalars().all()
    assert len(providers) == 3
    own = [p for p in providers if p.user_id]
    assert len(own) == 1 and own[0].user.email == f"asistencia@{demo.DOMAIN}" and own[0].user.has_role("ta_provider")
    terms = db.session.execute(sa.select(TermsOfReference).where(TermsOfReference.alliance_id == colomi.id)
                               ).scalar_one()
    assert terms.state == "selected" and len(terms.invitations) == 3 and len(terms.proposals) == 3
    assert all(p.file_sha256 and p.technical_score is not None for p in terms.proposals)
    chosen = next(p for p in terms.proposals if p.id == terms.selected_proposal_id)
    assert chosen.provider_id == own[0].id and terms.justification and own[0].name in terms.minutes
    contract = db.session.execute(sa.select(Contract).where(Contract.alliance_id == colomi.id)).scalar_one()
    assert contract.terms_id == terms.id and contract.state == "active" and contract.provider_id == own[0].id
    accepted, submitted, due = contract.deliverables
    assert accepted.state == "accepted" and assistance.paid_on_deliverable(accepted.id) == accepted.amount
    payment = db.session.execute(sa.select(Expense).where(Expense.deliverable_id == accepted.id)).scalar_one()
    assert payment.receipt_content_type == "image/jpeg"
    assert submitted.state == "submitted" and submitted.file_sha256  # waits for the board
    assert due.state == "pending" and due.due_on < date.today()  # the provider has to submit it
    submit_actor = db.session.execute(sa.select(Event.actor_id).where(
        Event.object_type == "deliverable", Event.object_id == submitted.id, Event.action == "submit")).scalar_one()
    assert submit_actor == own[0].user_id


def test_every_kind_of_alert_is_raised(db, seeded):
    from grants.alliances import alerts

    alliances = db.session.execute(sa.select(Alliance)).scalars().all()
    found = alerts.collect(alliances)
    kinds = {a.code for a in found}
    assert kinds >= {"report_missing", "low_execution", "deliverable_overdue", "tranche_unanswered"}, kinds
    colomi = _in(db, "in_execution")
    assert {a.code for a in found if a.alliance_id == colomi.id} >= {rule_codes.REPORT_MISSING, rule_codes.LOW_EXECUTION,
                                                                     rule_codes.DELIVERABLE_OVERDUE, rule_codes.TRANCHE_UNANSWERED}
    unanswered = next(a for a in found if a.code == "tranche_unanswered")
    assert unanswered.detail["requested_on"] == (date.today() - timedelta(days=25)).isoformat()


def test_the_story_took_time_and_the_trail_is_in_time_order(db, seeded):
    from grants.reports import portfolio
    from grants.reports.filters import Filters

    times = list(db.session.execute(sa.select(Event.created_at).order_by(Event.id)).scalars())
    assert times == sorted(times)  # written in time order
    assert times[-1] - times[0] > timedelta(days=400)
    draft = _in(db, "draft")
    assert times[0].date() < draft.call.opens_at.date()
    durations = {d.state: d for d in portfolio.durations(portfolio.scope(_user(db, "admin"), Filters()))}
    for state in ("submitted", "eligible", "preselected", "plan_in_preparation", "under_appraisal",
                  "committee_review", "approved", "agreement_signed", "in_execution"):
        assert durations[state].median_days > 0, state
    assert durations["in_execution"].median_days > 100
    # what the services stamp "now" is dated like the trail: pages saying "since" tell the same story
    today = date.today()
    assert _in(db, "submitted").state_changed_at.date() == today - timedelta(days=4)
    assert _in(db, "committee_review").state_changed_at.date() == today - timedelta(days=49)
    assert _in(db, "closed").created_at.date() == today - timedelta(days=700)  # Luribay ran ten months earlier
    assert verify_chain()[1] is None


def test_verify_audit_command_after_the_demo(app, db):
    runner = app.test_cli_runner()
    loaded = runner.invoke(args=["grants", "seed-demo"])
    assert loaded.exit_code == 0, loaded.output
    assert f"tesorero.colomi@{demo.DOMAIN}" in loaded.output and f"asistencia@{demo.DOMAIN}" in loaded.output
    result = runner.invoke(args=["grants", "verify-audit"])
    assert result.exit_code == 0 and "Audit trail intact" in result.output, result.output


def test_audit_clock_dates_the_events_of_its_block_only(db):
    from datetime import datetime

    from grants import audit
    from grants.audit.services import audit_clock

    then = datetime(2025, 3, 14, 12, 0)
    with audit_clock(then):
        dated = audit.record("benchmark", None, "clock_test")
    after = audit.record("benchmark", None, "clock_test")
    db.session.commit()
    assert dated.created_at == then
    assert after.created_at > then + timedelta(days=365)  # outside the block: now again
    assert verify_chain()[1] is None


def test_assemblies_behind_the_approvals(db, seeded):
    """h3: Colomi's plan approval and its direct contracting, Luribay's revolving policy, with attendance by sex."""
    from grants.associations.assemblies_models import Assembly
    from grants.execution.models import Procurement

    by_name = {a.name: a for a in db.session.execute(sa.select(Association)).scalars()}
    colomi = by_name["Asociación de Productores de Papa Nativa Colomi"]
    luribay = by_name["Asociación de Fruticultores de Durazno Luribay"]
    held = db.session.execute(sa.select(Assembly).order_by(Assembly.held_on)).scalars().all()
    assert all(a.quorum_met and a.women > 0 and a.men > 0 for a in held)
    kinds = {(a.association_id, d.kind) for a in held for d in a.decisions}
    assert {(colomi.id, "plan_approval"), (colomi.id, "direct_contracting"), (luribay.id, "revolving_policy")} <= kinds
    direct = db.session.execute(sa.select(Procurement).where(Procurement.method == "direct")).scalar_one()
    decision = next(d for a in held for d in a.decisions if d.id == direct.assembly_decision_id)
    assert decision.kind == "direct_contracting" and decision.assembly.association_id == colomi.id
    assert direct.state == "awarded" and direct.assembly_sha256 is None
    assert all(uploads.path_for(a.minutes_sha256) for a in held)


def test_the_demos_printed_documents_verify(db, seeded, app):
    """h4: the demo's agreement and closeout report, as its users print them, answer at /verify with their kind."""
    import re

    from pypdf import PdfReader

    client = app.test_client()
    login = {"email": f"oficial@{demo.DOMAIN}", "password": "demo-oficial-2026"}
    assert client.post("/login", data=login).status_code == 302
    for state, url, title in (("in_execution", "/funding/alliances/{id}/agreement.pdf", "Convenio de alianza productiva"),
                              ("closed", "/alliances/{id}/documents/closeout", "Informe de cierre")):
        alliance = _in(db, state)
        resp = client.get(url.format(id=alliance.id))
        assert resp.status_code == 200, (url, resp.status_code)
        text = PdfReader(io.BytesIO(resp.data)).pages[-1].extract_text()
        code = re.search(r"SHA-256 ([0-9a-f]{64})", text).group(1)
        page = app.test_client().get(f"/verify/{code}").get_data(as_text=True)
        assert title in page and alliance.code in page and 'data-current="yes"' in page


def test_luribay_closed_over_a_year_ago_has_its_first_follow_up(db, seeded, app):
    """Issue 16, part 2: the closed alliance has its one-year follow-up; the portal counts it as still selling."""
    from grants.closeout import followups

    alliance = _in(db, "closed")
    today = date.today()
    assert alliance.state_changed_at.date() == today - timedelta(days=395)
    (fu,) = alliance.follow_ups
    assert (fu.year, fu.kind, fu.still_selling, fu.buyer_kept) == (1, "visit", True, True)
    assert fu.held_on == today - timedelta(days=28) and fu.recorded_by_id == _user(db, "oficial").id
    assert fu.sales_value > alliance.final_report.sales_value and fu.loans_open == 1
    assert fu.revolving_fund_balance > 0 and fu.families_active == len(alliance.member_links) - 2
    assert [s.state for s in followups.schedule(alliance)] == ["recorded", "later", "later"]
    survival = app.test_client().get("/api/v1/portal").get_json()["aggregates"]["survival"]
    assert survival[0] == {"year": 1, "due": 1, "recorded": 1, "still_selling": 1, "share": "1.00"}
    assert verify_chain()[1] is None


def test_a_federation_with_its_rollup_strategic_plan_and_a_capacity_plan_with_two_trainings(app, db, seeded):
    """h6: the federation of Colomi, Punata and Tiraque sums its members; Colomi adopted its capacity plan."""
    from grants.organisation import services as org
    from grants.reports.rollup import rollup

    fed = db.session.execute(sa.select(Association).where(Association.level == 2)).scalar_one()
    bases = db.session.execute(sa.select(Association).where(Association.parent_id == fed.id)).scalars().all()
    assert sorted(a.municipality for a in bases) == ["Colomi", "Punata", "Tiraque"]
    r = rollup(fed)
    members = db.session.execute(sa.select(sa.func.count(Member.id)).where(
        Member.association_id.in_([b.id for b in bases]), Member.active.is_(True))).scalar()
    assert r.families == members > 60 and r.money["BOB"]["grant"] > 0
    assert {"in_execution", "closing", "plan_in_preparation"} <= set(r.by_state)
    plan = org.strategic_plan_of(fed)
    assert len(plan.objectives) == 3 and plan.reviewed_on is not None
    colomi = next(b for b in bases if b.municipality == "Colomi")
    capacity = org.capacity_plan_of(colomi)
    assert capacity.state == "adopted" and all(a.score <= 1 for a in capacity.actions)
    ind = org.indicators(colomi)
    assert ind["social"]["trainings"] == 2 and ind["economic"]["funds_obtained"] == 1
    web = _sign_in(app, seeded, "presidenta.federacion@demo.example.org")
    page = web.get(f"/associations/{fed.id}/rollup")
    assert page.status_code == 200 and "Colomi" in page.get_data(as_text=True)


def test_colomis_buyer_confirmed_one_delivery_and_disputed_another(db, seeded):
    """Issue 15: Snacks Andinos has its own account, linked to it; one delivery confirmed and paid, one disputed;
    Colomi's sales indicator holds the confirmed delivery only; the officer has the dispute to follow up."""
    from grants.alliances import tasks
    from grants.sales.models import BuyerAccount, Delivery
    from grants.sales.permissions import buyer_id_of

    buyer_user = _user(db, "compras.snacks")
    buyer = db.session.execute(sa.select(Buyer).where(Buyer.name == "Snacks Andinos S.R.L.")).scalar_one()
    assert buyer_user.has_role("buyer") and buyer_id_of(buyer_user) == buyer.id
    assert db.session.get(BuyerAccount, buyer_user.id).linked_by_id == _user(db, "oficial").id
    rows = db.session.execute(sa.select(Delivery).order_by(Delivery.delivered_on)).scalars().all()
    assert [d.state for d in rows] == ["confirmed", "disputed"]
    assert rows[0].paid_amount == rows[0].amount == Decimal("116000.00") and rows[0].paid_on is not None
    assert "calibre" in rows[1].dispute_reason
    colomi = rows[0].alliance
    assert colomi.association.municipality == "Colomi" and {d.buyer_id for d in rows} == {buyer.id}
    volume = next(i for i in colomi.indicators if i.code == "sales_volume")
    fed = db.session.execute(sa.select(Event).where(Event.object_type == "indicator_value",
                                                    Event.actor_id == buyer_user.id)).scalars().all()
    data = [e.data_dict() for e in fed]
    assert [d["new"]["value"] for d in data if d.get("indicator") == "sales_volume"] == ["40.00"]
    from flask import current_app

    with current_app.test_request_context():
        officer_tasks = tasks.collect(_user(db, "oficial"))[0]
    assert any(t.code == "delivery_disputed" for t in officer_tasks)


# --- grievances (issue 15, h1) ---------------------------------------------------------------------------


def test_demo_grievances_in_every_state_and_the_reporter_kept_secret(app, db, seeded):
    from grants.grievances.models import Grievance

    rows = db.session.execute(sa.select(Grievance).order_by(Grievance.id)).scalars().all()
    assert len(rows) == 5
    assert {g.state for g in rows} == {"resolved", "under_investigation", "received", "dismissed"}
    resolved = next(g for g in rows if g.state == "resolved")
    assert resolved.anonymous and resolved.reporter_id is None and resolved.public_answer
    named = next(g for g in rows if not g.anonymous)
    assert named.reporter is not None and named.supervision_flagged_at is not None
    assert (resolved.closed_at - resolved.received_at).days == 20  # the story's days, not seconds
    office = _sign_in(app, seeded, f"quejas@{demo.DOMAIN}")
    home = office.get("/dashboard").get_data(as_text=True)
    late = next(g for g in rows if g.category == "misuse_of_funds")
    assert late.tracking_code in home
    assert named.reporter.name in office.get(f"/grievances/{named.id}").get_data(as_text=True)
    board = _sign_in(app, seeded, f"presidente.colomi@{demo.DOMAIN}")
    alliance_page = board.get(f"/alliances/{named.alliance_id}").get_data(as_text=True)
    assert named.reporter.name not in alliance_page and named.description not in alliance_page
    assert "oficina de quejas" not in alliance_page  # the supervision asked is the officer's task, not an alert
    officer = _sign_in(app, seeded, f"oficial@{demo.DOMAIN}")
    assert "lo pide la oficina de quejas" in officer.get("/dashboard").get_data(as_text=True)
    assert board.get(f"/grievances/{named.id}").status_code == 404
    portal = app.test_client().get("/api/v1/portal").get_json()["grievances"]
    assert portal["total"] == 5 and portal["by_state"]["resolved"] == 1
