"""Home is the work waiting (issue 11, part 1): for every role the first page lists what waits for this person,
the most urgent first, each with its date and one link to the form that does it; never what they merely may
do ("Suspend", "Cancel"); an empty list says so; each stage's source answers in a constant number of queries."""
import re
from datetime import date, timedelta

import sqlalchemy as sa

from grants.alliances import tasks
from grants.assistance import services as ta_svc
from grants.execution import expenses as expense_svc
from grants.extensions import db
from tests.assistance_support import contract_data, provider_for, ta_line
from tests.execution_support import PDF, executing, expense_data, upload
from tests.monitoring_support import make_visit
from tests.statements import statements


def items(html):
    """``[(code, href, text)]`` of the task list."""
    out = []
    for code, body in re.findall(r'<li class="task[^"]*" data-code="([a-z_]+)">(.*?)</li>', html, re.S):
        href = re.search(r'class="task-do" href="([^"]+)"', body).group(1)
        out.append((code, href.replace("&amp;", "&"), re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip()))
    return out


def test_empty_list_says_so_plainly(login, board):
    html = login(board).get("/dashboard").get_data(as_text=True)
    assert 'id="no-tasks"' in html and "Por ahora no tiene nada pendiente" in html
    assert items(html) == []


def test_the_board_sees_its_work_with_dates_and_links(db, login, client, alliance, officer, facilitator, board,
                                                      treasurer, ta_provider, other_board, make_alliance):
    live = executing(alliance, officer, facilitator, board)
    line = live.budget_lines[0]
    no_receipt = expense_svc.record_expense(live, expense_data(line, "1250.50", number="F-9"), treasurer)
    expense_svc.record_expense(live, expense_data(line, "10.00", number="F-10"), treasurer, upload())
    visit = make_visit(live, officer)
    follow_up = visit.actions[0]
    follow_up.due_on = date.today() + timedelta(days=21)
    ta = ta_line(live)
    provider = provider_for(ta_provider, board)
    contract = ta_svc.create_contract(live, contract_data(provider, ta), board)
    first = contract.deliverables[0]
    ta_svc.transition(first, "submit", ta_provider, file=upload(PDF, "informe.pdf"))
    db.session.commit()

    html = login(board).get("/dashboard").get_data(as_text=True)
    found = items(html)
    codes = [c for c, _h, _t in found]
    assert "follow_up_due" in codes and "deliverable_to_accept" in codes and "report_due" in codes
    assert "Suspender" not in html and "Cancelar" not in html and "Suspend" not in html
    fu = next(f for f in found if f[0] == "follow_up_due")
    assert fu[1] == f"/alliances/{live.id}/monitoring/visits/{visit.id}#action-{follow_up.id}"
    assert (date.today() + timedelta(days=21)).strftime("%Y") in fu[2] and "Vence el" in fu[2]
    assert "Instalar el bebedero 1" in fu[2]
    deliverable = next(f for f in found if f[0] == "deliverable_to_accept")
    assert deliverable[1] == f"/ta-contracts/{contract.id}#deliverable-{first.id}"
    # the link opens the form that does it
    page = login(board).get(fu[1].split("#")[0]).get_data(as_text=True)
    assert f'id="answer-form-{follow_up.id}"' in page
    page = login(board).get(deliverable[1].split("#")[0]).get_data(as_text=True)
    assert f'id="decide-form-{first.id}"' in page

    # the board does not keep the books: the treasurer attaches the receipt; the board sees it too (both may)
    mine = items(login(treasurer).get("/dashboard").get_data(as_text=True))
    receipts = [f for f in mine if f[0] == "expense_receipt"]
    assert [f[1] for f in receipts] == [f"/alliances/{live.id}/execution/expenses/{no_receipt.id}"]
    assert "Ferretería Illimani" in receipts[0][2] and "1.250,50" in receipts[0][2]
    assert "follow_up_due" not in [f[0] for f in mine]  # the board answers follow-up actions

    # the TA provider sees the other deliverable to submit, due in 30 days
    theirs = items(login(ta_provider).get("/dashboard").get_data(as_text=True))
    second = contract.deliverables[1]
    assert [(c, h) for c, h, _t in theirs] == [("deliverable_to_submit",
                                                f"/ta-contracts/{contract.id}#deliverable-{second.id}")]

    # another association's board sees none of it
    assert items(login(other_board).get("/dashboard").get_data(as_text=True)) == []


def test_overdue_comes_first(db, login, alliance, officer, facilitator, board):
    live = executing(alliance, officer, facilitator, board)
    visit = make_visit(live, officer, actions=2)
    visit.actions[0].due_on = date.today() + timedelta(days=40)
    visit.actions[1].due_on = date.today() - timedelta(days=3)
    db.session.commit()
    found = [f for f in items(login(board).get("/dashboard").get_data(as_text=True)) if f[0] == "follow_up_due"]
    assert [f[1].rsplit("-", 1)[1] for f in found] == [str(visit.actions[1].id), str(visit.actions[0].id)]
    assert "Vencido desde" in found[0][2]


def test_the_officer_sees_intentions_to_screen_not_what_he_may_do(db, login, officer, other_officer, make_alliance,
                                                                  board, alliance):
    alliance.state = "submitted"  # the intake checks belong to the proposals tests
    db.session.commit()
    html = login(officer).get("/dashboard").get_data(as_text=True)
    found = items(html)
    assert [(c, h) for c, h, _t in found] == [("intention_to_screen", f"/alliances/{alliance.id}/screening")]
    assert "Puede:" not in html and "Suspender" not in html
    # the officer of another region has nothing waiting
    assert items(login(other_officer).get("/dashboard").get_data(as_text=True)) == []


def test_finance_sees_transfers_to_record_and_the_officer_the_requests(db, login, alliance, officer, facilitator,
                                                                       board, finance):
    live = executing(alliance, officer, facilitator, board)
    second = live.tranches[1]
    second.state = "requested"
    db.session.commit()
    found = items(login(officer).get("/dashboard").get_data(as_text=True))
    assert ("tranche_to_decide", f"/funding/alliances/{live.id}/tranches/2") in [(c, h) for c, h, _t in found]
    assert items(login(finance).get("/dashboard").get_data(as_text=True)) == []
    second.state = "approved"
    db.session.commit()
    found = items(login(finance).get("/dashboard").get_data(as_text=True))
    assert [(c, h) for c, h, _t in found] == [("transfer_to_record", f"/funding/alliances/{live.id}/tranches/2")]


def test_every_stage_registers_its_source(app):
    assert {"expense_receipt", "report_due", "report_to_review", "tranche_to_request", "tranche_to_decide",
            "transfer_to_record", "deliverable_to_accept", "deliverable_to_submit", "follow_up_due",
            "follow_up_to_close", "intention_to_complete", "intention_to_screen", "intention_to_preselect",
            "plan_to_prepare", "plan_to_appraise", "plan_to_review", "closeout_to_close"} <= set(tasks.codes())


def _statements(db, fn):
    with statements(db.engine) as seen:
        fn()
    return len(seen)


def test_sources_do_not_query_per_alliance(db, app, make_alliance, association, board, officer, facilitator):
    """The board's sources send as many statements with three alliances in execution as with one."""
    live = [executing(make_alliance(), officer, facilitator, board)]

    def run():
        with app.test_request_context():
            db.session.expire_all()
            return tasks.collect(db.session.get(type(board), board.id))

    for a in live:
        make_visit(a, officer)
    one = _statements(db, run)
    for _ in range(2):
        a = executing(make_alliance(), officer, facilitator, board)
        make_visit(a, officer)
    three = _statements(db, run)
    with app.test_request_context():
        found, total = tasks.collect(db.session.get(type(board), board.id))
    assert total >= 6  # a report due and a follow-up action on each of the three
    assert three == one


def test_the_board_requests_the_next_tranche_when_it_comes_near(db, login, alliance, officer, facilitator, board):
    live = executing(alliance, officer, facilitator, board)
    second = live.tranches[1]
    second.planned_on = date.today() + timedelta(days=60)
    db.session.commit()
    assert "tranche_to_request" not in [c for c, _h, _t in items(login(board).get("/dashboard").get_data(as_text=True))]
    second.planned_on = date.today() + timedelta(days=10)
    db.session.commit()
    found = [f for f in items(login(board).get("/dashboard").get_data(as_text=True)) if f[0] == "tranche_to_request"]
    assert [f[1] for f in found] == [f"/funding/alliances/{live.id}/tranches/2"]
    assert "Tramo 2" in found[0][2] and "Bs 150.000,00" in found[0][2]


def test_the_committee_sees_what_to_preselect_and_the_plans_to_review(db, login, committee, alliance, officer,
                                                                      facilitator, board):
    from grants.plans.models import Plan, Review
    from tests.plan_helpers import start_plan

    alliance.state = "eligible"
    db.session.commit()
    found = items(login(committee).get("/dashboard").get_data(as_text=True))
    assert [(c, h) for c, h, _t in found] == [("intention_to_preselect",
                                                f"/calls/{alliance.call_id}/preselection")]
    start_plan(alliance, officer, facilitator)
    alliance.state = "committee_review"
    db.session.commit()
    found = items(login(committee).get("/dashboard").get_data(as_text=True))
    assert [(c, h) for c, h, _t in found] == [("plan_to_review", f"/alliances/{alliance.id}/plan/reviews")]
    plan = db.session.execute(sa.select(Plan).where(Plan.alliance_id == alliance.id)).scalar_one()
    db.session.add(Review(alliance_id=alliance.id, round=plan.round, member_id=committee.id,
                          declares_no_conflict=True, recommendation="approve"))
    db.session.commit()
    assert items(login(committee).get("/dashboard").get_data(as_text=True)) == []


def test_the_alliance_page_s_next_step_is_the_review_before_the_decision(db, login, committee, officer, alliance,
                                                                          facilitator):
    from tests.plan_helpers import start_plan

    start_plan(alliance, officer, facilitator)
    alliance.state = "committee_review"
    db.session.commit()
    html = login(committee).get(f"/alliances/{alliance.id}").get_data(as_text=True)
    step = html.split('id="next-step"')[1].split('id="more-actions"')[0]
    assert f'id="next-step-link" href="/alliances/{alliance.id}/plan/reviews"' in step
    assert 'value="approve"' not in step  # the decision is folded with the other actions until the review is in
    officer_html = login(officer).get(f"/alliances/{alliance.id}").get_data(as_text=True)
    step = officer_html.split('id="next-step"')[1].split('id="more-actions"')[0]
    assert 'value="approve"' in step and "next-step-link" not in step


def test_the_officer_reviews_reports_and_answers(db, login, alliance, officer, other_officer, facilitator, board):
    from datetime import datetime

    from grants.execution.models import AccountabilityReport

    live = executing(alliance, officer, facilitator, board)
    report = AccountabilityReport(alliance_id=live.id, period_start=date.today() - timedelta(days=90),
                                  period_end=date.today(), state="submitted", submitted_at=datetime.now())
    db.session.add(report)
    visit = make_visit(live, officer)
    visit.actions[0].state = "answered"
    db.session.commit()
    found = {(c, h) for c, h, _t in items(login(officer).get("/dashboard").get_data(as_text=True))}
    assert ("report_to_review", f"/alliances/{live.id}/execution/reports/{report.id}") in found
    assert ("follow_up_to_close",
            f"/alliances/{live.id}/monitoring/visits/{visit.id}#action-{visit.actions[0].id}") in found
    assert items(login(other_officer).get("/dashboard").get_data(as_text=True)) == []
    # the board's report is no longer due from the first transfer but from the end of the submitted one
    due = [t for c, _h, t in items(login(board).get("/dashboard").get_data(as_text=True)) if c == "report_due"]
    assert len(due) == 1 and "Preparar la próxima rendición de cuentas" in due[0]


def test_the_home_s_sources_do_not_join_the_alliance_s_call_association_and_buyer(db, login, officer, alliance,
                                                                                 facilitator, board):
    """A task prints its alliance's own columns: the sources' statements select the alliances without the
    joins an alliance loads eagerly elsewhere (at national scale they joined every candidate alliance of the
    officer's regions to four tables before keeping the first 30), and the page still prints code and title."""
    live = executing(alliance, officer, facilitator, board)
    live.tranches[1].state = "requested"
    db.session.commit()
    web = login(officer)
    with statements(db.engine) as seen:
        html = web.get("/dashboard").get_data(as_text=True)
    found = [f for f in items(html) if f[0] == "tranche_to_decide"]
    assert found and live.code in found[0][2] and live.title in found[0][2]
    joined = [s for s in seen if "FROM tranches" in s and "associations AS associations_1" in s]
    assert seen and not joined, joined


def test_the_sources_build_no_eager_joins(app, db, login, alliance, officer, facilitator, board, treasurer, make_user,
                                          admin):
    """A task prints its rows' own columns: no source joins the relations its entities load eagerly elsewhere
    (a delivery's alliance again with its call, program, association and buyer; an expense's budget line)."""
    from grants.sales import services as sales_svc
    from tests.sales_support import deliver, letter

    live = executing(alliance, officer, facilitator, board)
    letter(live)
    expense_svc.record_expense(live, expense_data(live.budget_lines[0], "99.00", number="F-77"), treasurer)
    buyer = make_user(roles=["buyer"], name="Beatriz Compradora")
    sales_svc.link_account(live.buyer, buyer, admin)
    sales_svc.act(deliver(live, board), "dispute", buyer, reason="Calidad menor")
    db.session.commit()
    for user, code in ((officer, "delivery_disputed"), (board, "delivery_to_correct"), (treasurer, "expense_receipt")):
        user.association_ids(), user.regions, user.has_role("officer")  # the user's own rows, loaded before
        with app.test_request_context(), statements(db.engine) as seen:
            found = [t for t in tasks.collect(user)[0] if t.code == code]
        assert found and found[0].alliance.code == live.code, (user.email, code)
        assert not [s for s in seen if "LEFT OUTER JOIN" in s], (user.email, [s[:160] for s in seen])


def test_the_home_asks_the_sources_of_alliances_alone_in_one_statement(app, db, officer, make_alliance,
                                                                       monkeypatch):
    """On the home, the sources that read alliances alone cut at a LIMIT (intentions to screen, plans to appraise,
    alliances to close) are asked in ONE statement, each still cut at its own LIMIT."""
    made = {state: [make_alliance(), make_alliance()] for state in ("submitted", "plan_submitted", "closing")}
    for state, pair in made.items():
        for a in pair:
            a.state = state
    db.session.commit()
    monkeypatch.setattr(tasks, "LIMIT", 1)  # each source's query keeps its first alliance only
    officer.association_ids(), officer.regions, officer.has_role("officer")
    with app.test_request_context(), statements(db.engine) as seen:
        found, total = tasks.collect(officer)
    codes = sorted((t.code, t.alliance.id) for t in found)
    assert codes == [("closeout_to_close", made["closing"][0].id), ("intention_to_screen", made["submitted"][0].id),
                     ("plan_to_appraise", made["plan_submitted"][0].id)] and total == 3
    assert len([s for s in seen if "UNION ALL" in s]) == 1
    alone = [s for s in seen if "ORDER BY alliances.state_changed_at LIMIT" in s and "UNION ALL" not in s]
    assert not alone, alone
