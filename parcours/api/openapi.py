"""The OpenAPI 3 document, generated from the registered operations and their schemas."""

from __future__ import annotations

import re
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from parcours.api.registry import OPERATIONS
from parcours.schemas.common import LARGEST
from parcours.version import __version__

PLACEHOLDER = re.compile(r"<(?:(\w+):)?(\w+)>")

ERROR = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": True},
            },
            "required": ["code", "message"],
        }
    },
}


def build_spec() -> dict[str, Any]:
    """Return the OpenAPI 3 document as a dict."""
    spec = APISpec(
        title="parcours API",
        version=__version__,
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={"description": "Run workshops and Integrationsparcours at networking events."},
        servers=[{"url": "/api/v1"}],
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", ERROR)
    paths: dict[str, dict[str, Any]] = {}
    for op in sorted(OPERATIONS.values(), key=lambda o: (o.openapi_path, o.method)):
        paths.setdefault(op.openapi_path, {})[op.method.lower()] = _describe(op)
    for path, ops in paths.items():
        spec.path(path=path, operations=ops)
    return spec.to_dict()


def _describe(op: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "operationId": op.name,
        "summary": op.summary,
        "responses": {
            "default": {
                "description": "An error",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            }
        },
    }
    params = [
        {"name": name, "in": "path", "required": True, "schema": _path_schema(kind)}
        for kind, name in PLACEHOLDER.findall(op.path)
    ] + [{"name": q, "in": "query", "schema": {"type": "string"}} for q in op.query]
    if params:
        doc["parameters"] = params
    if op.roles is not None:
        doc["security"] = [{"bearer": []}]
        doc["description"] = "Roles: " + ", ".join(op.roles)
    if op.request is not None:
        doc["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": op.request}},
        }
    ok: dict[str, Any] = {"description": "Success"}
    if op.response is not None:
        ok["content"] = {"application/json": {"schema": op.response}}
    doc["responses"]["200"] = ok
    return doc


def _path_schema(kind: str) -> dict[str, Any]:
    """Return the schema of a path part: `<int:...>` is an id (1 up to BIGINT), else text."""
    if kind == "int":
        return {"type": "integer", "format": "int64", "minimum": 1, "maximum": LARGEST}
    return {"type": "string", "minLength": 1}
