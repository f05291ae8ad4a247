"""Members' personal data stays masked for auditors in every output: every page, document (PDF), export
(CSV, XLSX) and API answer the auditor can reach in the demo is read (PDF text with pypdf, XLSX cells with
openpyxl) and searched for any member's name, ID number or phone; the masked API record shows what the
members page shows (initials, masked ID, birth decade, whole hectares)."""
import io
import re
from collections import Counter
from decimal import Decimal
from html import unescape
from urllib.parse import urljoin, urlsplit

import openpyxl
import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from grants.accounts.models import User
from grants.alliances.models import Alliance
from grants.associations.models import Association, Member
from grants.associations.services import mask_name, mask_national_id

from tests.conftest import PASSWORD
from tests.demo_snapshot import seed_demo

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HREF = re.compile(r'(?:href|src|action)="([^"#]+)"')
TAGS = re.compile(r"<[^>]+>")
SPACE = re.compile(r"\s+")
#: links the crawler does not follow: leaving the session, switching language, other hosts
SKIP = ("/logout", "/static/", "lang=", "/login")


@pytest.fixture
def demo_data(db):
    """The demo (seeded once per run, copied back for each test)."""
    seed_demo(db, PASSWORD)


def _text(resp):
    """The readable text of a response: HTML without tags, PDF text, XLSX cells, CSV or JSON as is."""
    ctype = resp.mimetype
    body = resp.get_data()
    if ctype == "application/pdf":
        text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
        assert text.strip(), resp.request.path
    elif ctype == XLSX:
        wb = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        text = " ".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
                        for v in row if v is not None)
    elif ctype == "text/html":
        text = unescape(TAGS.sub(" ", body.decode("utf-8")))
    elif ctype.startswith("image/"):
        return ""
    else:
        text = body.decode("utf-8-sig")
    return SPACE.sub(" ", text)


def _secrets(db):
    """Every member's full name, ID number (digits) and phone: none may reach an auditor."""
    found = {}
    for m in db.session.execute(sa.select(Member)).scalars():
        found[SPACE.sub(" ", m.full_name)] = ("name", m.id)
        found[m.national_id.split()[0]] = ("national_id", m.id)
        if m.phone:
            found[m.phone] = ("phone", m.id)
    # a member who is also a signed-in user (a board account) is shown by their account name: not member data
    users = {u.name for u in db.session.execute(sa.select(User)).scalars()}
    return {k: v for k, v in found.items() if k not in users}


def _leaks(text, secrets, where):
    return [(where, kind, value) for value, (kind, _mid) in secrets.items() if value in text]


def test_auditor_reads_no_member_data_anywhere(app, db, demo_data):
    secrets = _secrets(db)
    assert len(secrets) > 3 * 200  # names, ID numbers and phones of more than 200 members
    auditor = db.session.execute(sa.select(User).where(User.email.like("auditoria@%"))).scalar_one()
    client = app.test_client()
    assert client.post("/login", data={"email": auditor.email, "password": PASSWORD}).status_code == 302

    alliances = db.session.execute(sa.select(Alliance.id)).scalars().all()
    assocs = db.session.execute(sa.select(Association.id)).scalars().all()
    start = ["/", "/alliances", "/associations", "/portfolio", "/portfolio.xlsx", "/audit", "/alerts"]
    start += [f"/alliances/{a}" for a in alliances] + [f"/associations/{a}" for a in assocs]
    start += [f"/associations/{a}/members" for a in assocs] + [f"/associations/{a}/members/export.csv" for a in assocs]
    # every page of the audit trail (events carry personal data in their details)
    events = db.session.execute(sa.select(sa.func.count()).select_from(db.metadata.tables["events"])).scalar()
    start += [f"/audit?page={n}" for n in range(2, -(-events // app.config["PER_PAGE"]) + 1)]
    queue, seen, per_path = list(start), set(start), Counter()
    leaks, kinds = [], Counter()
    while queue:
        url = queue.pop(0)
        resp = client.get(url)
        assert resp.status_code < 500, url
        if resp.status_code != 200:
            continue
        kinds[resp.mimetype] += 1
        text = _text(resp)
        resp.close()  # stored files are streamed from disk
        leaks += _leaks(text, secrets, url)
        if resp.mimetype != "text/html":
            continue
        for href in HREF.findall(resp.get_data(as_text=True)):
            href = unescape(href)
            target = urljoin(url, href)
            parts = urlsplit(target)
            if parts.netloc or any(s in target for s in SKIP) or target in seen:
                continue
            # one page of each list is enough, but every path is visited
            per_path[parts.path] += 1
            if parts.query and per_path[parts.path] > 2:
                continue
            seen.add(target)
            queue.append(target)
    assert not leaks, leaks[:20]
    # the crawl reached the documents and exports, not only pages
    assert kinds["application/pdf"] >= 10 and kinds[XLSX] >= 2 and kinds["text/csv"] >= len(assocs), kinds
    assert len(seen) > 300, len(seen)


def _api_paths(api_client):
    spec = api_client.get("/openapi.json").get_json()
    return [path for path, ops in spec["paths"].items() if "get" in ops]


#: the table each path parameter of the API names (``number``: a tranche's or minutes' number)
PARAM_TABLES = {
    "alliance_id": "alliances", "association_id": "associations", "call_id": "calls", "program_id": "programs",
    "member_id": "members", "report_id": "accountability_reports", "attachment_id": "attachments",
    "line_id": "budget_lines", "indicator_id": "indicators", "tranche_id": "tranches", "visit_id": "supervision_visits",
    "photo_id": "visit_photos", "loan_id": "revolving_loans", "expense_id": "expenses", "action_id": "follow_up_actions",
    "procurement_id": "procurements", "contract_id": "ta_contracts", "terms_id": "ta_terms", "user_id": "users",
    "number": "tranches",
    "sha256": "issued_documents",  # h4: the code of an issued document (/verify/{sha256})
    "grievance_id": "grievances", "tracking_code": "grievances",  # issue 15: the demo's grievances
    "buyer_id": "buyers", "delivery_id": "deliveries", "assembly_id": "assemblies",  # issue 15: the buyer, assemblies
}


def _values(db, param, bound, limit=4):
    """Ids for ``param``, restricted to the objects of the parameters already chosen (a member of that
    association, a tranche of that alliance), at most ``limit`` of them."""
    table = db.metadata.tables[PARAM_TABLES[param]]
    column = table.c.number if param == "number" else table.c.sha256 if param == "sha256" else table.c.id
    column = table.c.tracking_code if param == "tracking_code" else column
    query = sa.select(column).distinct().order_by(column).limit(limit)
    for key, value in bound.items():
        if key in table.c:
            query = query.where(table.c[key] == value)
    return db.session.execute(query).scalars().all()


def test_auditor_api_answers_hold_no_member_data(app, db, api, login, demo_data):
    """Every GET of the API with every path parameter filled from the demo; then the masked member
    record against the members page (one demo for both: it takes a while to build)."""
    secrets = _secrets(db)
    auditor = db.session.execute(sa.select(User).where(User.email.like("auditoria@%"))).scalar_one()
    client = api(auditor)
    leaks, answers, visited, unknown = [], Counter(), 0, set()
    for path in _api_paths(client):
        params = re.findall(r"{(\w+)}", path)
        unknown |= {p for p in params if p not in PARAM_TABLES}
        if any(p not in PARAM_TABLES for p in params):
            continue
        combos = [{}]
        for p in params:
            combos = [{**c, p: v} for c in combos for v in _values(db, p, c, limit=30 if p == "alliance_id" else 4)]
        for combo in combos:
            url = path.format(**combo)
            resp = client.get(url + ("?per_page=100" if not params or path.endswith("s") else ""))
            assert resp.status_code < 500, url
            visited += 1
            if resp.status_code == 200:
                answers[resp.mimetype] += 1
                leaks += _leaks(_text(resp), secrets, url)
            resp.close()  # stored files are streamed from disk
    assert not unknown, f"path parameters this test does not fill: {unknown}"
    assert not leaks, leaks[:20]
    assert visited > 200 and answers["application/pdf"] >= 9 and answers["application/json"] > 100, (visited, answers)
    profile = client.get(f"/alliances/{_values(db, 'alliance_id', {})[0]}/documents/profile")
    assert profile.status_code == 200 and profile.mimetype == "application/pdf"
    _masked_record_matches_the_page(db, api, login, auditor)


def _page_rows(html):
    """The members table of the page: (name, ID, birth year cell, hectares cell) of each row."""
    rows = []
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S):
        cells = [SPACE.sub(" ", unescape(TAGS.sub(" ", c))).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
        if len(cells) >= 6:
            rows.append((cells[0].replace(" inactivo", "").strip(), cells[1], cells[3], cells[5]))
    return rows


def _masked_record_matches_the_page(db, api, login, auditor):
    assoc = db.session.execute(sa.select(Association).order_by(Association.id)).scalars().first()
    members = {m.id: m for m in db.session.execute(sa.select(Member).where(Member.association_id == assoc.id))
               .scalars()}
    items = api(auditor).get(f"/associations/{assoc.id}/members?per_page=100").get_json()["items"]
    assert len(items) == len(members)
    html = login(auditor).get(f"/associations/{assoc.id}/members?per_page=100").get_data(as_text=True)
    page = _page_rows(html)
    assert len(page) >= 20
    for item in items:
        m = members[item["id"]]
        assert item["masked"] is True
        assert item["full_name"] == mask_name(m.full_name) and item["national_id"] == mask_national_id(m.national_id)
        assert item["birth_year"] is None and item["birth_decade"] == f"{m.birth_year // 10 * 10}s"
        assert item["phone"] is None
        assert Decimal(item["hectares"]) == m.hectares.quantize(Decimal("1"), rounding="ROUND_HALF_UP")
        assert Decimal(item["hectares"]) % 1 == 0
    shown = Counter((name, nid, decade, Decimal(ha.replace(".", "").replace(",", ".")))
                    for name, nid, decade, ha in page)
    from_api = Counter((i["full_name"], i["national_id"], i["birth_decade"], Decimal(i["hectares"]))
                       for i in items)
    assert not shown - from_api, shown - from_api  # every row of the page is a masked API record
