"""No request, however malformed, gives a 500: every route of the URL map, as several roles, with
good ids, missing ids, garbage query strings and garbage form and JSON bodies."""
import io
import re

import pytest

GARBAGE_QUERY = "?page=abc&per_page=-5&state=%00zz&call_id=x&q=%27%22%3C&association_id=1e9&open=maybe"
GARBAGE_FORM = {"title": "x" * 5000, "amount": "1e999", "requested_grant": "NaN", "member_ids": ["a", "-1"],
                "version": "zz", "action": "submit", "email": "no", "kind": "../../etc/passwd",
                "level": "99", "sex": "Q", "birth_year": "year", "facilitator_id": "abc", "page": "-1"}


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint.endswith("openapi_document"):
            continue
        yield rule


def _fill(rule, ids):
    values = {}
    for arg in rule.arguments:
        if arg not in ids:
            values[arg] = ids.get("_default", 1)
        else:
            values[arg] = ids[arg]
    path = rule.rule
    for name, value in values.items():
        path = re.sub(r"<(?:[a-z_]+:)?%s>" % name, str(value), path)
    return path


@pytest.fixture
def world(db, alliance, association, call, program, admin, board, officer, auditor):
    from grants.associations.models import Member

    member = db.session.execute(db.select(Member).where(Member.association_id == association.id)).scalars().first()
    return {"alliance_id": alliance.id, "association_id": association.id, "call_id": call.id,
            "program_id": program.id, "user_id": board.id, "member_id": member.id, "mid": member.id,
            "id": alliance.id, "_default": 1}


@pytest.mark.parametrize("persona", ["admin", "board", "officer", "auditor", None])
def test_no_route_answers_500(app, request, world, login, api, persona):
    user = request.getfixturevalue(persona) if persona else None
    web = login(user) if user else app.test_client()
    api_client = api(user)
    failures = []
    for rule in _routes(app):
        is_api = rule.rule.startswith("/api/")
        client = api_client if is_api else web
        prefix_len = len("/api/v1") if is_api else 0
        for ids in (world, {"_default": 999999}, {"_default": 0}):
            path = _fill(rule, ids)[prefix_len:]
            if "GET" in rule.methods:
                for suffix in ("", GARBAGE_QUERY):
                    resp = client.get(path + suffix)
                    if resp.status_code >= 500:
                        failures.append(f"GET {path + suffix} -> {resp.status_code}")
                    resp.close()
            for method in ("POST", "PATCH", "PUT", "DELETE"):
                if method not in rule.methods:
                    continue
                call = getattr(client, method.lower())
                bodies = [dict(data=dict(GARBAGE_FORM)),
                          dict(data={**GARBAGE_FORM, "file": (io.BytesIO(b"\x00garbage"), "x.pdf")},
                               content_type="multipart/form-data"),
                          dict(data=b"{not json", content_type="application/json"),
                          dict(json=[1, 2, 3]),
                          dict(json={"version": "x", "amount": 1.5, "member_ids": "all"})]
                for body in bodies:
                    resp = call(path, **body)
                    if resp.status_code >= 500:
                        failures.append(f"{method} {path} {list(body)} -> {resp.status_code}")
                    resp.close()
    assert not failures, "\n".join(failures[:40])


def test_pager_ignores_reserved_query_names(app, login, admin, make_association):
    """The pager keeps the query string in its links but drops names url_for reserves (``_method``,
    ``_external``…) or that would clash with its arguments: they used to make a 500."""
    for n in range(3):
        make_association(name=f"Asociación {n}")
    app.config["PER_PAGE"], old = 2, app.config["PER_PAGE"]
    try:
        resp = login(admin).get("/associations/?_method=x&_external=1&endpoint=y&values=z&q=Asoc")
    finally:
        app.config["PER_PAGE"] = old
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert 'class="pager"' in page and "q=Asoc" in page and "_method" not in page
