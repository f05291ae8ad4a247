"""The access matrix: every page of the app's URL map, every role. A route missing from the table
fails the test, so that no new page can escape it. (The API has its own tests per resource.) The pages of an
alliance are checked in every state of the alliance workflow by tests/access/test_pages_by_stage.py (their
expectations: tests/access/stages.py); here they only need to be listed there."""
import re

import pytest

from grants.extensions import db as db_ext
from grants.sales.services import link_account
from tests.access.stages import PAGES as BY_STAGE

ANON = "anonymous"
PERSONAS = (ANON, "admin", "officer", "other_officer", "finance", "committee", "facilitator", "auditor",
            "ta_provider", "board", "treasurer", "member_user", "other_board", "buyer", "grievance_officer")
OK = {200}
DENIED = {403, 404}
HIDDEN = {404}
LOGIN = {302}

# Expected GET status per policy and persona (a set of statuses; every cell names them).
SIGNED_IN = {p: OK for p in PERSONAS} | {ANON: LOGIN}
ADMIN = {p: {403} for p in PERSONAS} | {ANON: LOGIN, "admin": OK}
INSIDERS = ("admin", "officer", "auditor", "board", "treasurer", "member_user")
ASSOCIATION_PAGE = {p: OK for p in INSIDERS + ("finance",)} | {
    p: HIDDEN for p in ("other_board", "other_officer")} | {
    ANON: LOGIN, "committee": DENIED, "facilitator": DENIED, "ta_provider": DENIED}
MEMBER_DATA = {p: OK for p in ("admin", "officer", "board")} | {
    p: DENIED for p in ("other_board", "other_officer", "committee", "facilitator", "ta_provider", "treasurer",
                        "member_user", "finance")} | {ANON: LOGIN, "auditor": OK}  # auditors read it masked
# a call's pages for the staff: admins and auditors; the officer only for a call with intentions of its region (the
# world's intention is a draft: none yet); the committee decides the preselection; finance has no part in it
STAFF_CALL_PAGE = {p: DENIED for p in ("board", "treasurer", "member_user", "other_board", "ta_provider",
                                       "facilitator", "other_officer")} | {
    ANON: LOGIN, "admin": OK, "auditor": OK, "committee": {403}, "officer": {403}, "finance": {403}}
OFFICER_QUEUE = {p: {403} for p in PERSONAS} | {ANON: LOGIN, "officer": OK, "other_officer": OK, "admin": OK}
COMMITTEE_QUEUE = {p: {403} for p in PERSONAS} | {ANON: LOGIN} | {
    p: OK for p in ("admin", "auditor", "committee", "officer", "other_officer")}
BOARD_ONLY = {p: {403} for p in PERSONAS} | {ANON: LOGIN, "board": OK, "other_board": OK}
PUBLIC = {p: {200, 302} for p in PERSONAS}
# the buyers' registry (companies, not an association's): read by the program's staff, the committee, the
# facilitators and every association's board; registered by boards, officers and admins
BUYER_READERS = ("admin", "officer", "other_officer", "auditor", "finance", "committee", "facilitator", "board",
                 "other_board")
BUYERS = {p: {403} for p in PERSONAS} | {ANON: LOGIN} | {p: OK for p in BUYER_READERS}

MATRIX = {
    "main.index": PUBLIC,
    "auth.login": PUBLIC,
    "auth.change_password": SIGNED_IN,
    "auth.tokens": SIGNED_IN,  # the own sessions and API tokens
    "main.dashboard": SIGNED_IN,
    "main.audit_trail": {p: {403} for p in PERSONAS} | {ANON: LOGIN, "admin": OK, "auditor": OK},
    "notifications.index": SIGNED_IN,
    "accounts.index": ADMIN, "accounts.new": ADMIN, "accounts.edit": ADMIN,
    "programs.index": ADMIN, "programs.new": ADMIN, "programs.detail": ADMIN, "programs.edit": ADMIN,
    "programs.calls": SIGNED_IN, "programs.call_detail": SIGNED_IN,
    "programs.new_call": ADMIN, "programs.edit_call": ADMIN,
    "associations.index": SIGNED_IN,
    "associations.new": {p: {403} for p in PERSONAS} | {ANON: LOGIN, "admin": OK, "officer": OK,
                                                         "other_officer": OK},
    "associations.detail": ASSOCIATION_PAGE,
    "associations.edit": ASSOCIATION_PAGE | {p: {403} for p in ("auditor", "finance", "treasurer", "member_user")},
    "associations.members": ASSOCIATION_PAGE,
    "associations.new_member": MEMBER_DATA | {"auditor": DENIED},
    "associations.edit_member": MEMBER_DATA | {"auditor": DENIED},
    "associations.import_members": MEMBER_DATA | {"auditor": DENIED},
    "associations.export_members": MEMBER_DATA,  # auditors get it masked
    "associations.import_template": SIGNED_IN,
    "associations.buyers": BUYERS,
    "associations.buyer": BUYERS | {p: HIDDEN for p in PERSONAS if p != ANON and p not in BUYER_READERS},
    "associations.new_buyer": {p: {403} for p in PERSONAS} | {ANON: LOGIN} | {
        p: OK for p in ("admin", "officer", "other_officer", "board", "other_board")},
    "alliances.index": SIGNED_IN,
    "alliances.new": BOARD_ONLY,
    "proposals.queue": OFFICER_QUEUE | {"auditor": OK},
    "accountability.queue": OFFICER_QUEUE | {"auditor": OK, "admin": OK},
    "proposals.calls": COMMITTEE_QUEUE,
    "proposals.call_preselection": STAFF_CALL_PAGE | {"committee": OK},
    "proposals.export": STAFF_CALL_PAGE,
    # the committee never met in this world: no minutes (404) for whoever may read them
    "proposals.minutes_pdf": STAFF_CALL_PAGE | {p: HIDDEN for p in ("admin", "auditor", "committee")},
}
# the funding stage's queues: approved tranches to pay (finance), requested tranches to decide (officer)
MATRIX.update({
    "funding.disbursements": {p: {403} for p in PERSONAS} | {ANON: LOGIN, "finance": OK, "admin": OK, "auditor": OK},
    "funding.requests": {p: {403} for p in PERSONAS} | {ANON: LOGIN, "officer": OK, "other_officer": OK,
                                                        "admin": OK, "auditor": OK},
})
# technical assistance: the provider's own contracts (any signed-in user sees those it may), the registry
# (boards, officers, admins keep it; global readers and staff read it); contract pages 404 unless visible
TA_HIDDEN = {p: HIDDEN for p in PERSONAS} | {ANON: LOGIN}
MATRIX.update({
    "assistance.my_contracts": SIGNED_IN,
    "assistance.providers": {p: OK for p in PERSONAS} | {ANON: LOGIN, "treasurer": {403}, "member_user": {403},
                                                         "ta_provider": {403}},
    "assistance.contract": TA_HIDDEN, "assistance.contract_pdf": TA_HIDDEN, "assistance.deliverable_file": TA_HIDDEN,
    "assistance.send_proposal": TA_HIDDEN,
})
# monitoring: the alerts across alliances (officers of their regions, admins, auditors)
MATRIX["monitoring.alerts_page"] = {p: {403} for p in PERSONAS} | {ANON: LOGIN, "officer": OK, "other_officer": OK,
                                                                   "admin": OK, "auditor": OK}
# revolving fund: the association's, not an alliance's: whoever sees the association reads it (totals; names by role)
MATRIX["revolving.fund"] = {p: OK for p in ("admin", "officer", "auditor", "finance", "board", "treasurer",
                                            "member_user")} | {
    p: HIDDEN for p in ("other_board", "other_officer", "committee", "facilitator", "ta_provider")} | {ANON: LOGIN}
MATRIX["revolving.loan"] = {p: HIDDEN for p in PERSONAS} | {ANON: LOGIN}  # the world has no loan (test_revolving_*)
# the installable app (manifest, service worker, offline and waiting pages) is the same for everyone; the queue's
# token only for a signed-in user
MATRIX.update({f"offline.{name}": {p: OK for p in PERSONAS} for name in ("service_worker", "manifest", "offline_page",
                                                                         "pending")})
MATRIX["offline.token"] = {p: OK for p in PERSONAS} | {ANON: {401}}
# the load balancer's probes answer everyone, signed in or not
MATRIX.update({f"health.{name}": {p: OK for p in PERSONAS} for name in ("healthz", "readyz")})
# open data (issue 17): the page and its files are public; the program's open-data settings are the admin's
# (the matrix's made-up table name is no table of the portal: 404)
MATRIX.update({"opendata.index": PUBLIC, "opendata.iati_xml": {p: OK for p in PERSONAS},
               "opendata.ocds_json": {p: OK for p in PERSONAS}, "portal_csv.table_csv": {p: HIDDEN for p in PERSONAS},
               "opendata.settings": ADMIN})

# sales to the buyer (h2, issue 15): an alliance's deliveries follow the alliance (and its buyer's own account);
# the buyer's page: its own account and the staff (another buyer: 404); linking accounts: officers and admins.
# Elsewhere the buyer (an outside party with no association) is treated like the TA provider.
MATRIX["assistance.providers"]["buyer"] = {403}
_STAFF = ("admin", "officer", "other_officer", "auditor", "finance")
MATRIX.update({
    "sales.delivery": {p: HIDDEN for p in PERSONAS} | {ANON: LOGIN},  # the world has no delivery: see test_sales_web
    "sales.buyer_deliveries": {p: HIDDEN for p in PERSONAS} | {ANON: LOGIN, "buyer": OK} | {p: OK for p in _STAFF},
    "sales.mine": {p: HIDDEN for p in PERSONAS} | {ANON: LOGIN, "buyer": {302}},
    "sales.accounts": {p: {403} for p in PERSONAS} | {ANON: LOGIN, "admin": OK, "officer": OK, "other_officer": OK},
})
# every page of an alliance (under /alliances/<id>/...): tests/access/test_pages_by_stage.py, in every state
BY_STAGE_PAGE = "checked by tests/access/test_pages_by_stage.py"
POST_ONLY_PUBLIC = {"auth.language", "auth.login", "grievances.new"}


def _pages(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.rule.startswith("/api/"):
            continue
        yield rule


def _url(rule, ids):
    path = rule.rule
    for arg in rule.arguments:
        value = ids.get(arg, ids["_default"])
        path = re.sub(r"<(?:[a-z_]+(?:\([^)]*\))?:)?%s>" % arg, str(value), path)
    return path


def policy_for(endpoint, rule):
    if endpoint in BY_STAGE:
        return BY_STAGE_PAGE
    return MATRIX.get(endpoint)


def test_every_page_is_in_the_matrix(app):
    missing = [f"{r.endpoint} {r.rule}" for r in _pages(app)
               if "GET" in r.methods and policy_for(r.endpoint, r) is None]
    assert not missing, "pages without an access rule:\n" + "\n".join(missing)


@pytest.fixture
def buyer(make_user, alliance, admin):
    """A buyer's own account, linked to the alliance's buyer (issue 15)."""
    user = make_user(roles=["buyer"], name="Beatriz Compradora")
    link_account(alliance.buyer, user, admin)
    db_ext.session.commit()
    return user


@pytest.fixture
def world(db, request, alliance, association, other_association, call, program, admin):
    from grants.alliances.services import add_attachment
    from grants.associations.models import Buyer, Member

    class Upload:
        filename = "carta.pdf"

        def __init__(self):
            import io

            self.stream = io.BytesIO(b"%PDF-1.4\n%%EOF\n")

    att = add_attachment(alliance, "buyer_letter", Upload(), request.getfixturevalue("board"))
    db.session.commit()
    member = db.session.execute(db.select(Member).where(Member.association_id == association.id)).scalars().first()
    buyer = db.session.execute(db.select(Buyer)).scalars().first()
    return {"alliance_id": alliance.id, "association_id": association.id, "call_id": call.id,
            "program_id": program.id, "user_id": admin.id, "member_id": member.id, "attachment_id": att.id,
            "buyer_id": buyer.id, "fmt": "csv", "kind": "empowerment", "number": 1, "_default": 1}


@pytest.mark.parametrize("persona", PERSONAS)
def test_get_access_per_role(app, request, world, login, persona):
    client = app.test_client() if persona == ANON else login(request.getfixturevalue(persona))
    wrong = []
    for rule in _pages(app):
        if "GET" not in rule.methods:
            continue
        policy = policy_for(rule.endpoint, rule)
        if policy is BY_STAGE_PAGE:
            continue
        expected = policy[persona]
        url = _url(rule, world)
        resp = client.get(url)
        status = resp.status_code
        resp.close()
        if status >= 500:
            wrong.append(f"{url}: {status}")
        elif status not in expected:
            wrong.append(f"{url}: {status}, expected {sorted(expected)}")
        if status == 302 and persona == ANON and expected == LOGIN:
            assert "/login" in resp.headers["Location"]
    assert not wrong, f"{persona}:\n" + "\n".join(wrong)


def test_every_form_needs_a_csrf_token(app, world, login, admin, board):
    """With CSRF on, a POST without the token is refused (400) on every page, signed in or not."""
    clients = (app.test_client(), login(admin).client, login(board).client)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        _post_without_token(app, world, clients)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def _post_without_token(app, world, clients):
    for client in clients:
        for rule in _pages(app):
            if "POST" not in rule.methods:
                continue
            resp = client.post(_url(rule, world), data={"title": "x"})
            assert resp.status_code == 400, f"{rule.rule}: {resp.status_code}"
            resp.close()


def test_every_form_needs_a_signed_in_user(app, world):
    client = app.test_client()
    for rule in _pages(app):
        if "POST" not in rule.methods or rule.endpoint in POST_ONLY_PUBLIC:
            continue
        resp = client.post(_url(rule, world), data={"title": "x"})
        assert resp.status_code == 302 and "/login" in resp.headers["Location"], (rule.rule, resp.status_code)
# reports: the portfolio for officers (their regions), admins and auditors; the public portal for everyone
PORTFOLIO = {p: {403} for p in PERSONAS} | {ANON: LOGIN, "admin": OK, "officer": OK, "other_officer": OK,
                                            "auditor": OK}
MATRIX.update({"reports.portfolio": PORTFOLIO, "reports.portfolio_export": PORTFOLIO,
               "reports.portal": {p: OK for p in PERSONAS}})
# h3 the assembly register: read by whoever has a role in the association, its officer, admins and global readers;
# registered by its board, its officer and admins; the world has no assembly, so a detail answers 404 to insiders
ASSEMBLY_READERS = {p: OK for p in ("admin", "officer", "auditor", "finance", "board", "treasurer", "member_user")} | {
    p: HIDDEN for p in ("other_board", "other_officer", "committee", "facilitator", "ta_provider")} | {ANON: LOGIN}
ASSEMBLY_ITEM = {p: HIDDEN for p in PERSONAS} | {ANON: LOGIN}
MATRIX.update({
    "associations.assemblies_list": ASSEMBLY_READERS,
    "associations.new_assembly": {p: OK for p in ("admin", "officer", "board")} | {
        p: {403} for p in ("auditor", "finance", "treasurer", "member_user")} | {
        p: HIDDEN for p in ("other_board", "other_officer", "committee", "facilitator", "ta_provider")} | {ANON: LOGIN},
    "associations.assembly": ASSEMBLY_ITEM, "associations.assembly_minutes": ASSEMBLY_ITEM,
    "associations.assembly_decision": ASSEMBLY_ITEM,
})


# documents (h4): the public verification page of issued documents; the matrix's code was never issued, so it
# is a 404 for everyone, signed in or not, and never a login (tests/documents/test_documents_verify.py checks a real one)
MATRIX["documents.verify"] = {p: HIDDEN for p in PERSONAS}



# h5, follow-ups after the closing: anyone who sees the alliance reads the page (any state; the form only when closed):
# an alliance page, in tests/access/stages.py



# the organisation's own plans and the second level (h6): whoever may see the association reads its plans and
# registers; the roll-up exists only for a level-2 or level-3 association (the world's association is a base one)
ORGANISATION_PAGE = {p: OK for p in ("admin", "officer", "auditor", "finance", "board", "treasurer", "member_user")} | {
    p: HIDDEN for p in ("other_board", "other_officer", "committee", "facilitator", "ta_provider")} | {ANON: LOGIN}
MATRIX.update({f"organisation.{name}": ORGANISATION_PAGE
               for name in ("strategic_plan", "capacity_plan", "trainings", "trainings_xlsx", "funds")})
MATRIX["rollup.page"] = MATRIX["rollup.page_xlsx"] = {p: HIDDEN for p in PERSONAS} | {ANON: LOGIN}

# the buyer (h2, issue 15): wherever no block above says otherwise, treated like the TA provider (this runs
# after every block, so that each page has a cell for the buyer)
for _policy in MATRIX.values():
    if "buyer" not in _policy:
        _policy["buyer"] = _policy["ta_provider"]


# grievances (issue 15, h1): the form, the receipt and the tracking pages are public; the grievance office's pages
# are for grievance officers and admins only (403 on the list, 404 on a grievance: its existence does not leak).
# A grievance officer holds no other role: on every other page it is treated like a TA provider without contracts.
GRIEVANCE_OFFICE = {p: {403} for p in PERSONAS} | {ANON: LOGIN, "admin": OK, "grievance_officer": OK}
GRIEVANCE_HIDDEN = {p: HIDDEN for p in PERSONAS} | {ANON: LOGIN}  # a made-up grievance: 404 for its office too
MATRIX.update({
    "grievances.new": PUBLIC, "grievances.filed": PUBLIC, "grievances.track_form": PUBLIC,
    "grievances.track": {p: HIDDEN for p in PERSONAS},  # a made-up code
    "grievances.index": GRIEVANCE_OFFICE, "grievances.export": GRIEVANCE_OFFICE,
    "grievances.detail": GRIEVANCE_HIDDEN, "grievances.attachment": GRIEVANCE_HIDDEN,
})
MATRIX["assistance.providers"] = MATRIX["assistance.providers"] | {"grievance_officer": {403}}
for _policy in MATRIX.values():
    if "grievance_officer" not in _policy:
        _policy["grievance_officer"] = _policy["ta_provider"]
