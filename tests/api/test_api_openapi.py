"""API: the OpenAPI document is valid and complete (every /api/v1 route of the app is in it), and a
small fuzz of malformed ids, bodies and query strings over every route never gives a 500."""
import io
import random
import re

import pytest
import sqlalchemy as sa
from openapi_spec_validator import validate

from grants.api.core import REGISTRY
from grants.associations.models import Member
from tests.api.test_api_support import PDF

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def _openapi_path(rule):
    return re.sub(r"<(?:[a-z_]+(?:\([^)]*\))?:)?([A-Za-z_0-9]+)>", r"{\1}", rule[len("/api/v1"):])


def _api_rules(app):
    return [r for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1/") or r.rule == "/api/v1"]


def _document(client):
    resp = client.get("/api/v1/openapi.json")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    return resp.get_json()


def test_openapi_document_is_valid(client):
    doc = _document(client)  # no sign-in needed
    validate(doc)
    assert doc["openapi"].startswith("3.")
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_openapi_lists_every_api_route_of_the_app(app, client):
    doc = _document(client)
    expected = {(_openapi_path(r.rule), m.lower()) for r in _api_rules(app) for m in r.methods - IGNORED_METHODS}
    documented = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    assert expected, "no API routes found"
    assert expected - documented == set(), "routes missing from the OpenAPI document"
    assert documented - expected == set(), "documented operations that the app does not serve"
    op_ids = [op["operationId"] for ops in doc["paths"].values() for op in ops.values()]
    assert len(op_ids) == len(set(op_ids))


def test_every_operation_documents_its_parameters_and_errors(client):
    doc = _document(client)
    for path, ops in doc["paths"].items():
        names = set(re.findall(r"{([^}]+)}", path))
        for method, op in ops.items():
            declared = {p["name"] for p in op["parameters"] if p["in"] == "path"}
            assert declared == names, (path, method)
            assert "400" in op["responses"] and "404" in op["responses"], (path, method)
            assert any(code.startswith("2") for code in op["responses"]), (path, method)
            err = op["responses"]["422"]["content"]["application/json"]["schema"]
            assert err == {"$ref": "#/components/schemas/Error"}
            public_grievance = (path, method) == ("/grievances", "post") or path.startswith("/grievances/track/")
            if path not in ("/tokens", "/openapi.json") and not path.startswith(("/portal", "/verify/")) and not public_grievance:
                assert op["security"], (path, method)


def test_money_is_documented_as_strings(client):
    schemas = _document(client)["components"]["schemas"]
    for model, field in (("AllianceOut", "requested_grant"), ("AllianceCreate", "estimated_counterpart"),
                         ("CallOut", "envelope"), ("ProgramRules", "grant_cap_per_family"),
                         ("ProgramRules", "max_grant_share")):
        prop = schemas[model]["properties"][field]
        assert prop["type"] == "string" and "pattern" in prop, (model, field)
    rules = schemas["ProgramRules"]["properties"]
    assert rules["min_families"]["type"] == "integer"
    assert rules["one_open_alliance_per_call"]["type"] == "boolean"


def test_paginated_lists_document_the_list_shape(client):
    doc = _document(client)
    ok = doc["paths"]["/alliances"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok["required"] == ["items", "page", "per_page", "total"]
    per_page = next(p for p in doc["paths"]["/alliances"]["get"]["parameters"] if p["name"] == "per_page")
    assert per_page["schema"]["maximum"] == 100


# --- fuzz -----------------------------------------------------------------------------------------

NASTY = [None, True, 1.5, -1, 0, 10**30, "", " ", "x" * 5000, "1e999", "NaN", "-0.001", "2026-13-45",
         "\u202e\u0000"[:1], "ñandú 🌽", [], [1, "a"], {}, {"a": {"b": []}}, "99999999999999999999"]
BODIES = ["", "not json", "[]", "null", "{}", '{"version": "x"}', '{"version": 1e400}', '{"a": ' * 30 + "1" + "}" * 30]


TYPED = {
    "integer": [0, 1, 2, -5, 2**31, 10**12],
    "number": [0, 1.5, -1],
    "boolean": [True, False],
    "array": [[], [1, 2], ["a"]],
    "object": [{}, {"x": "1"}],
    "money": ["0.00", "-1.00", "999999999999.99", "1.5", "12"],
    "date-time": ["1900-01-01T00:00:00Z", "2999-12-31T23:59:59+14:00", "2026-03-01"],
    "date": ["1900-01-01", "2999-12-31", "2026-02-30"],
    "string": ["", "x" * 300, "ñandú", "board", "submit", "F", "0.70"],
}


def _fields(model):
    return list(getattr(model, "model_fields", {})) if model is not None else []


def _typed_body(rng, model):
    """Values of the right JSON type but at the edges, so that the services themselves are reached."""
    if model is None:
        return {}
    props = model.model_json_schema().get("properties", {})
    body = {}
    for name, prop in props.items():
        options = [prop] + prop.get("anyOf", [])
        kinds = [o for o in options if o.get("type") not in (None, "null")]
        kind = kinds[0] if kinds else {"type": "string"}
        key = kind.get("type")
        if key == "string" and "pattern" in kind:
            key = "money"
        elif key == "string" and kind.get("format") in ("date-time", "date"):
            key = kind["format"]
        elif key == "string" and kind.get("enum"):
            body[name] = rng.choice(kind["enum"])
            continue
        body[name] = rng.choice(TYPED.get(key, TYPED["string"]))
    return body


def _random_body(rng, fields):
    return {name: rng.choice(NASTY) for name in fields if rng.random() < 0.8}


def _registry_entry(rule, method):
    for ep in REGISTRY:
        if "/api/v1" + ep["path"] == rule and ep["method"] == method.lower():
            return ep
    return None


@pytest.fixture
def world(db, alliance, association, board, admin, program, call):
    from grants.alliances.services import add_attachment
    from werkzeug.datastructures import FileStorage

    att = add_attachment(alliance, "other", FileStorage(io.BytesIO(PDF), filename="a.pdf"), board)
    db.session.commit()
    member = db.session.execute(sa.select(Member.id).where(Member.association_id == association.id)).scalar()
    return {"alliance_id": alliance.id, "association_id": association.id, "member_id": member,
            "attachment_id": att.id, "user_id": board.id, "program_id": program.id, "call_id": call.id}


def _paths(rule, ids):
    """The rule with real ids, with 0, with an id past any integer column, and with text."""
    arg = r"<(?:[a-z_]+(?:\([^)]*\))?:)?{}>"
    args = re.findall(arg.format("([A-Za-z_0-9]+)"), rule)
    out = []
    for variant in ("real", "0", "99999999999999999999", "abc"):
        path = rule
        for name in args:
            value = str(ids.get(name, 1)) if variant == "real" else variant
            path = re.sub(arg.format(name), value, path)
        out.append(path)
        if not args:
            break
    return out


def _check(resp, where):
    try:
        assert resp.status_code < 500, (where, resp.status_code, resp.get_data(as_text=True)[:500])
        if resp.status_code >= 400 and resp.mimetype == "application/json":
            err = resp.get_json()["error"]
            assert err["status"] == resp.status_code and err["code"], where
    finally:
        resp.close()


def test_fuzz_never_gives_a_500(app, api, world, admin, board, auditor):
    rng = random.Random(20260301)
    personas = (admin, board, auditor)
    shared = [api(p) for p in personas] + [api()]
    for rule in sorted(_api_rules(app), key=lambda r: r.rule):
        for method in sorted(rule.methods - IGNORED_METHODS):
            ep = _registry_entry(rule.rule, method)
            # revoking a token must not blind the rest of the fuzz
            clients = [api(p) for p in personas] if rule.rule.endswith("/tokens/current") else shared
            fields = _fields(ep and ep["body"])
            for number, path in enumerate(_paths(rule.rule, world)):
                path = path[len("/api/v1"):]
                client = rng.choice(clients)
                call = getattr(client, method.lower())
                if number:  # a malformed or missing id: one request is enough
                    _check(call(path, json={"version": 1}) if method in ("POST", "PUT", "PATCH") else call(path),
                           (method, path))
                    continue
                if method == "GET":
                    query = {name: rng.choice(NASTY) for name in (ep or {}).get("query", {})}
                    query.update(page=rng.choice(["0", "-1", "x", "2", "99999999999999999999"]),
                                 per_page=rng.choice(["0", "101", "abc", "1"]))
                    query = {k: ("" if v is None else str(v)) for k, v in query.items()}
                    _check(call(path, query_string=query), (method, path, query))
                    _check(call(path), (method, path))
                    continue
                if method == "DELETE":
                    _check(call(path), (method, path))
                    continue
                for raw in BODIES:
                    _check(call(path, data=raw, content_type="application/json"), (method, path, raw))
                for _ in range(4):
                    body = _random_body(rng, fields + ["action", "version", "comment"])
                    _check(call(path, json=body), (method, path, body))
                for _ in range(4):
                    body = _typed_body(rng, ep and ep["body"])
                    _check(call(path, json=body), (method, path, body))
                if ep and ep["multipart"]:
                    for content in (b"", b"junk", PDF):
                        form = {k: str(rng.choice(NASTY)) for k in fields}
                        form.update({name: (io.BytesIO(content), rng.choice(["a.pdf", "", "../../x.png"]))
                                     for name in ep["multipart"]})
                        _check(call(path, data=form, content_type="multipart/form-data"), (method, path, form))
