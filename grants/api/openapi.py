"""The OpenAPI 3.1 document, generated from the endpoint registry and the pydantic models."""
import re

from pydantic.json_schema import models_json_schema

from .core import REGISTRY, endpoint

REF = "#/components/schemas/{model}"

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {"type": "object", "required": ["status", "code", "message", "details"], "properties": {
        "status": {"type": "integer"}, "code": {"type": "string"}, "message": {"type": "string"},
        "details": {"type": "array", "items": {"type": "object", "properties": {
            "rule": {"type": "string"}, "field": {"type": ["string", "null"]}, "message": {"type": "string"}}}}}}},
}
ERRORS = {"400": "Malformed request: bad JSON, wrong types, unknown action, bad query parameters",
          "401": "Not signed in: no, bad, expired or revoked token",
          "403": "Signed in, may see the object, may not do this",
          "404": "Does not exist, or belongs to another association",
          "409": "Invalid transition, stale version or conflict",
          "422": "Validation error or rule violation (each detail names its rule)",
          "429": "Throttled",
          "503": "The database cannot be reached right now (code unavailable); retry after Retry-After seconds"}
UPLOAD_ERRORS = {"413": "Upload over the limit", "415": "Upload type not allowed (PDF, JPEG or PNG)"}
PAGE_PARAMS = [
    {"name": "page", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1, "default": 1}},
    {"name": "per_page", "in": "query", "required": False,
     "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 50}},
]


_ARG = re.compile(r"<(?:([a-z_]+)(?:\(([^)]*)\))?:)?([A-Za-z_0-9]+)>")


def _path(flask_path):
    return _ARG.sub(lambda m: "{" + m.group(3) + "}", flask_path)


def _param_schema(converter, args):
    if converter == "int":
        return {"type": "integer", "minimum": 1}
    if converter == "any" and args:
        return {"type": "string", "enum": [a.strip().strip("'\"") for a in args.split(",") if a.strip()]}
    if converter == "string" and args:  # e.g. string(minlength=12,maxlength=40) (a grievance's tracking code)
        limits = dict(a.strip().split("=", 1) for a in args.split(",") if "=" in a)
        names = {"minlength": "minLength", "maxlength": "maxLength"}
        return {"type": "string", **{names[k]: int(v) for k, v in limits.items() if k in names}}
    return {"type": "string"}


def _params(flask_path):
    return [{"name": name, "in": "path", "required": True, "schema": _param_schema(conv, args)}
            for conv, args, name in _ARG.findall(flask_path)]


def _query(spec):
    out = []
    for name, value in spec.items():
        desc, schema = value if isinstance(value, tuple) else (value, {"type": "string"})
        out.append({"name": name, "in": "query", "required": False, "description": str(desc), "schema": schema})
    return out


def _schemas():
    """Every model of the registry in one pass, so that names never collide: ``(refs, components)``."""
    wanted = []
    for ep in REGISTRY:
        if ep["body"] is not None and ep["method"] in ("post", "put", "patch"):
            wanted.append((ep["body"], "validation"))
        if ep["response"] is not None:
            wanted.append((ep["response"], "serialization"))
    wanted = list(dict.fromkeys(wanted))
    if not wanted:
        return {}, {}
    refs, top = models_json_schema(wanted, ref_template=REF)
    return refs, dict(top.get("$defs", {}))


def _multipart(ep, refs, components):
    """The multipart form: the body's fields as form fields beside the file fields (binary).

    One flat object, not an ``allOf`` (the body model refuses unknown fields, so an ``allOf`` with the
    files would accept nothing). Beside other fields a file is not required by the form itself: the
    action decides (a missing file the action needs is a 422 naming its rule); a form of files only
    (an import) requires them."""
    props, required = {}, list(ep["multipart"])
    if ep["body"] is not None:
        schema = _resolve(refs[(ep["body"], "validation")], components)
        props.update({name: _form_field(prop) for name, prop in schema.get("properties", {}).items()})
        required = list(schema.get("required", []))
    for name, text in ep["multipart"].items():
        props[name] = {"type": "string", "format": "binary", "description": str(text)}
    form = {"type": "object", "properties": props, "additionalProperties": False}
    if required:
        form["required"] = required
    return form


def _form_field(prop):
    """A form cannot send null: a field that JSON may send as null is simply left out of the form."""
    options = prop.get("anyOf")
    if not options or not any(o.get("type") == "null" for o in options):
        return prop
    rest = [o for o in options if o.get("type") != "null"]
    field = {k: v for k, v in prop.items() if k not in ("anyOf", "default")}
    if len(rest) == 1:
        field.update(rest[0])
    else:
        field["anyOf"] = rest
    return field


def _body_required(ep, refs, components):
    """Whether a request must have a body: not when every field of the body may be left out (an
    empty body is then ``{}``), nor when its only files are optional."""
    if ep["body"] is not None:
        return bool(_resolve(refs[(ep["body"], "validation")], components).get("required"))
    return bool(ep["multipart"])


def _resolve(schema, components):
    ref = schema.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        return components[ref.rsplit("/", 1)[1]]
    return schema


def _operation(ep, refs, components):
    op = {"operationId": ep["operation_id"], "summary": str(ep["summary"]), "tags": list(ep["tags"]),
          "parameters": _params(ep["path"]) + _query(ep["query"]), "responses": {}}
    if ep["description"]:
        op["description"] = str(ep["description"])
    if ep["paginated"]:
        op["parameters"] += PAGE_PARAMS
    writes = ep["method"] in ("post", "put", "patch")
    if writes and (ep["multipart"] or ep["body"] is not None):
        content = {}
        if ep["body"] is not None:  # the same fields as JSON (without the files)
            content["application/json"] = {"schema": refs[(ep["body"], "validation")]}
        if ep["multipart"]:
            content["multipart/form-data"] = {"schema": _multipart(ep, refs, components)}
        op["requestBody"] = {"required": _body_required(ep, refs, components), "content": content}
    status = ep["status"]
    ok = {"description": "No content" if status == 204 else "OK"}
    if ep["content_type"]:
        ok["content"] = {ct.strip(): {"schema": {"type": "string", "format": "binary"}}
                         for ct in ep["content_type"].split(",")}
    elif ep["response"] is not None:
        item = refs[(ep["response"], "serialization")]
        if ep["paginated"]:
            item = {"type": "object", "required": ["items", "page", "per_page", "total"], "properties": {
                "items": {"type": "array", "items": item}, "page": {"type": "integer"},
                "per_page": {"type": "integer"}, "total": {"type": "integer"}}}
        elif ep["many"]:
            item = {"type": "array", "items": item}
        ok["content"] = {"application/json": {"schema": item}}
    op["responses"][str(status)] = ok
    errors = dict(ERRORS)
    if ep["multipart"]:
        errors.update(UPLOAD_ERRORS)
    for code, text in sorted(errors.items()):
        op["responses"][code] = {"description": text,
                                 "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    op["security"] = [{"bearer": []}, {"session": []}] if ep["auth"] else []
    return op


def build():
    refs, components = _schemas()
    components["Error"] = ERROR_SCHEMA
    paths = {}
    for ep in REGISTRY:
        paths.setdefault(_path(ep["path"]), {})[ep["method"]] = _operation(ep, refs, components)
    return {
        "openapi": "3.1.0",
        "info": {"title": "grants API", "version": "1.0.0",
                 "description": "Rural productive alliance grants: the JSON API v1. Money travels as strings "
                                "with two decimals; dates in ISO 8601 (UTC); lists are paginated; every "
                                "error has the shape `{\"error\": {status, code, message, details}}`."},
        "servers": [{"url": "/api/v1"}],
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": dict(sorted(components.items())),
                       "securitySchemes": {
                           "bearer": {"type": "http", "scheme": "bearer",
                                      "description": "A token from POST /tokens; no CSRF token needed."},
                           "session": {"type": "apiKey", "in": "cookie", "name": "session",
                                       "description": "The web session; writes need the X-CSRFToken header."}}},
    }


@endpoint("/openapi.json", summary="This OpenAPI 3.1 document", auth=False, tags=("meta",), name="openapi_document")
def openapi_document():
    return build()
