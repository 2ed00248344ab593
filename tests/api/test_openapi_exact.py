"""The OpenAPI document types every path parameter as the route does."""

from __future__ import annotations

import re
from typing import Any


def test_integer_path_parameters_are_typed_integer(client: Any) -> None:
    from parcours.api.registry import load_operations

    spec = client.get("/api/v1/openapi.json").get_json()
    checked = 0
    for op in load_operations().values():
        kinds = dict((name, kind) for kind, name in re.findall(r"<(?:(\w+):)?(\w+)>", op.path))
        described = spec["paths"][op.openapi_path][op.method.lower()]
        params = {p["name"]: p for p in described.get("parameters", []) if p["in"] == "path"}
        assert set(params) == set(kinds), op.name
        for name, kind in kinds.items():
            schema = params[name]["schema"]
            if kind == "int":
                assert schema["type"] == "integer", (op.name, name)
                assert schema["maximum"] == 2**63 - 1 and schema["minimum"] == 1
                checked += 1
            else:
                assert schema["type"] == "string", (op.name, name)
    assert checked >= 26
