"""API: schemathesis, in-process against the app (its WSGI interface), generates requests for every
operation of the OpenAPI document, as an admin with a bearer token, over a small world (a program,
a call, an association with members, an alliance), and checks each answer: no server error, the
status code, the content type, the headers and the body as documented, and the generated requests
that break the schema refused.

Bounded: a few examples per operation (``GRANTS_SCHEMATHESIS_EXAMPLES``, default 3) and no shrinking.
"""
import io
import json
import os
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis import checks as st_checks

from grants.extensions import db as _db

EXAMPLES = int(os.environ.get("GRANTS_SCHEMATHESIS_EXAMPLES", "3"))

#: ``--checks all`` less those that need a second request or state schemathesis cannot know: the
#: generated ids point at nothing most of the time (``use_after_free``, ``ensure_resource_availability``
#: are stateful-only), and a well-formed request may still break a business rule (a 422 names it), so
#: ``positive_data_acceptance`` would count the rules themselves as failures
CHECKS = [st_checks.not_a_server_error, st_checks.status_code_conformance, st_checks.content_type_conformance,
          st_checks.response_headers_conformance, st_checks.response_schema_conformance,
          st_checks.negative_data_rejection, st_checks.missing_required_header, st_checks.unsupported_method,
          st_checks.ignored_auth]


SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, print_blob=False,
                    phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))


@pytest.fixture
def world(db, admin, alliance, officer, facilitator, board, treasurer, api):
    """An alliance in execution (budget lines, a disbursed tranche) with an expense; the generated
    requests use these objects' ids (and, in negative mode, anything), with the admin's token."""
    from tests.execution_support import JPEG, executing, expense_data

    executing(alliance, officer, facilitator, board)
    line = alliance.budget_lines[0]
    resp = api(treasurer).post(f"/alliances/{alliance.id}/expenses",
                               data={**expense_data(line), "receipt": (io.BytesIO(JPEG), "recibo.jpg")},
                               content_type="multipart/form-data")
    assert resp.status_code == 201, resp.get_json()
    ids = {"alliance_id": alliance.id, "association_id": alliance.association_id, "call_id": alliance.call_id,
           "program_id": alliance.call.program_id, "tranche_id": alliance.tranches[0].id, "line_id": line.id,
           "expense_id": resp.get_json()["id"], "user_id": admin.id, "number": 1}
    members = list(getattr(alliance.association, "members", []))
    if members:
        ids["member_id"] = members[0].id
    from grants.accounts.services import issue_token

    token, _row = issue_token(admin)
    _db.session.commit()
    return {"Authorization": f"Bearer {token}"}, ids


def _run(operation, mode, headers, failures, path_parameters=None):
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters or None))
    @SETTINGS
    def run(case):
        try:
            case.call_and_validate(headers=headers, checks=CHECKS)
        except BaseException as exc:  # noqa: BLE001 - every failure is collected, reported together
            if isinstance(exc, KeyboardInterrupt):
                raise
            _db.session.rollback()
            failures.append(f"{mode.value} {operation.label}: {type(exc).__name__}: {str(exc)[:1500]}")

    try:
        run()
    except BaseException as exc:  # noqa: BLE001 - a failure raised after the example
        if isinstance(exc, KeyboardInterrupt):
            raise
        if mode == GenerationMode.NEGATIVE and isinstance(exc, Unsatisfiable):
            return  # nothing invalid to send: every value of the operation's inputs is valid (a free string)
        failures.append(f"{mode.value} {operation.label}: {type(exc).__name__}: {str(exc)[:1500]}")


def test_api_answers_as_documented(app, world):
    """(Not schemathesis's pytest plugin: its lazy loader does not work with pytest 9.)"""
    headers, ids = world
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures, count = [], 0
    operations = [result.ok() for result in schema.get_all_operations()]
    # revoking the token (DELETE /tokens/current) would leave the rest of the run unauthenticated: last
    operations.sort(key=lambda op: op.label == "DELETE /tokens/current")
    for operation in operations:
        count += 1
        names = set(re.findall(r"{([^}]+)}", operation.path))
        known = {name: ids[name] for name in names if name in ids}
        _run(operation, GenerationMode.POSITIVE, headers, failures, known)
        _run(operation, GenerationMode.NEGATIVE, headers, failures)
    print(f"{count} operations, {len(failures)} failures")
    assert count > 100, "the OpenAPI document lists too few operations"
    assert not failures, f"{len(failures)} failures:\n" + "\n\n".join(failures)


def test_multipart_bodies_are_one_possible_form(client):
    """Each upload's form is one object: the body's fields as form fields beside the files (binary), never
    an ``allOf`` of a closed body schema and a required file (which no request could satisfy)."""
    from jsonschema import Draft202012Validator

    from grants.api.core import REGISTRY

    doc = client.get("/api/v1/openapi.json").get_json()
    components = doc["components"]["schemas"]
    uploads = [ep for ep in REGISTRY if ep["multipart"]]
    assert len(uploads) >= 14
    for ep in uploads:
        path = re.sub(r"<(?:[a-z_]+(?:\([^)]*\))?:)?([A-Za-z_0-9]+)>", r"{\1}", ep["path"])
        body = doc["paths"][path][ep["method"]]["requestBody"]["content"]
        form = body["multipart/form-data"]["schema"]
        assert "allOf" not in form and form["type"] == "object", (path, form)
        for name in ep["multipart"]:
            assert form["properties"][name]["type"] == "string"
            assert form["properties"][name]["format"] == "binary"
        if ep["body"] is not None:
            closed = components[body["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]]
            assert set(closed["properties"]) | set(ep["multipart"]) == set(form["properties"]), path
            assert set(closed.get("required", [])) == set(form.get("required", [])), path
        else:
            assert set(form["required"]) == set(ep["multipart"]), path
        # a form cannot send null: a field JSON may send as null is left out of the form instead
        assert '"null"' not in json.dumps(form), (path, form)
        # a form with the required fields and the files is valid against it
        instance = {name: "x" for name in form.get("required", [])}
        instance.update({name: "binary" for name in ep["multipart"]})
        refs = {"components": doc["components"]}
        validator = Draft202012Validator({**form, **refs}, format_checker=None)
        errors = [e for e in validator.iter_errors(instance) if e.validator in ("additionalProperties", "required")]
        assert errors == [], (path, [e.message for e in errors])


def test_a_method_not_allowed_names_the_allowed_ones(api, admin):
    from tests.api.test_api_support import assert_error

    resp = api(admin).put("/programs")
    assert_error(resp, 405, "method_not_allowed")
    assert set(resp.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


def test_unavailable_is_documented_on_every_operation(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            assert op["responses"]["503"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/Error"}, (path, method)


def test_a_body_is_required_only_when_something_in_it_is(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    components = doc["components"]["schemas"]
    assert doc["paths"]["/notifications/read"]["post"]["requestBody"]["required"] is False
    assert doc["paths"]["/alliances"]["post"]["requestBody"]["required"] is True
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            body = op.get("requestBody")
            if body and "application/json" in body["content"]:
                name = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
                assert body["required"] == bool(components[name].get("required")), (path, method)


def _bare_datetimes(model, seen=None):
    """Fields of ``model`` (and the models inside it) typed ``datetime`` without the UTC serializer: they
    would answer "2026-12-06T17:49:14.887533", which is not the documented ``date-time``."""
    import typing
    from datetime import datetime

    from pydantic import BaseModel, PlainSerializer

    seen = set() if seen is None else seen
    if model in seen:
        return []
    seen.add(model)
    found = []

    def bare(tp):
        if tp is datetime:
            return True
        if typing.get_origin(tp) is typing.Annotated:
            args = typing.get_args(tp)
            return not any(isinstance(m, PlainSerializer) for m in args[1:]) and bare(args[0])
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            found.extend(_bare_datetimes(tp, seen))
            return False
        return any(bare(a) for a in typing.get_args(tp))

    for name, field in model.model_fields.items():
        if not any(isinstance(m, PlainSerializer) for m in field.metadata) and bare(field.annotation):
            found.append(f"{model.__name__}.{name}")
    return found


def test_every_moment_in_an_answer_is_utc_with_z():
    from grants.api.core import REGISTRY

    found = sorted({name for ep in REGISTRY if ep["response"] is not None for name in _bare_datetimes(ep["response"])})
    assert found == []
