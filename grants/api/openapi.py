"""The OpenAPI 3.1 document, generated from the endpoint registry and the pydantic models."""
import re

from flask import jsonify

from .core import REGISTRY, bp, error_response  # noqa: F401

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {"type": "object", "required": ["status", "code", "message", "details"], "properties": {
        "status": {"type": "integer"}, "code": {"type": "string"}, "message": {"type": "string"},
        "details": {"type": "array", "items": {"type": "object", "properties": {
            "rule": {"type": "string"}, "field": {"type": ["string", "null"]}, "message": {"type": "string"}}}}}}},
}
ERRORS = {"400": "Malformed request", "401": "Not signed in", "403": "Not allowed", "404": "Not found",
          "409": "Invalid transition or stale version", "422": "Validation error or rule violation",
          "429": "Throttled"}


def _path(flask_path):
    return re.sub(r"<(?:[a-z_]+:)?([a-z_]+)>", r"{\1}", flask_path)


def _params(flask_path):
    return [{"name": m, "in": "path", "required": True, "schema": {"type": "integer" if t == "int" else "string"}}
            for t, m in re.findall(r"<(?:([a-z_]+):)?([a-z_]+)>", flask_path)]


def _schema(model, components):
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, sub in schema.pop("$defs", {}).items():
        components[name] = sub
    components[model.__name__] = schema
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def build():
    components = {"Error": ERROR_SCHEMA}
    paths = {}
    for ep in REGISTRY:
        op = {"operationId": ep["operation_id"], "summary": ep["summary"], "tags": list(ep["tags"]),
              "parameters": _params(ep["path"]) + [
                  {"name": k, "in": "query", "required": False, "description": v, "schema": {"type": "string"}}
                  for k, v in ep["query"].items()],
              "responses": {}}
        if ep["description"]:
            op["description"] = ep["description"]
        if ep["paginated"]:
            op["parameters"] += [{"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                                 {"name": "per_page", "in": "query",
                                  "schema": {"type": "integer", "minimum": 1, "maximum": 100}}]
        if ep["body"] is not None and ep["method"] in ("post", "put", "patch"):
            ref = _schema(ep["body"], components)
            content = {"application/json": {"schema": ref}}
            if ep["multipart"]:
                props = {k: {"type": "string", "format": "binary", "description": v} for k, v in ep["multipart"].items()}
                content = {"multipart/form-data": {"schema": {"allOf": [ref, {"type": "object", "properties": props}]}}}
            op["requestBody"] = {"required": True, "content": content}
        elif ep["multipart"] and ep["method"] in ("post", "put"):
            props = {k: {"type": "string", "format": "binary", "description": v} for k, v in ep["multipart"].items()}
            op["requestBody"] = {"required": True, "content": {
                "multipart/form-data": {"schema": {"type": "object", "properties": props}}}}
        ok = {"description": "OK"}
        if ep["response"] is not None:
            item = _schema(ep["response"], components)
            if ep["paginated"]:
                item = {"type": "object", "required": ["items", "page", "per_page", "total"], "properties": {
                    "items": {"type": "array", "items": item}, "page": {"type": "integer"},
                    "per_page": {"type": "integer"}, "total": {"type": "integer"}}}
            ok["content"] = {"application/json": {"schema": item}}
        op["responses"][str(ep["status"])] = ok
        for code, text in ERRORS.items():
            op["responses"][code] = {"description": text,
                                     "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        if ep["auth"]:
            op["security"] = [{"bearer": []}]
        else:
            op["security"] = []
        paths.setdefault(_path(ep["path"]), {})[ep["method"]] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "grants API", "version": "1.0.0",
                 "description": "Rural productive alliance grants: the JSON API v1. Money travels as strings."},
        "servers": [{"url": "/api/v1"}],
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": components,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }


@bp.get("/openapi.json")
def openapi_document():
    return jsonify(build())
