"""The app starts, the demo loads once, the API frame answers in its error format."""

from __future__ import annotations

from typing import Any

from tests.conftest import auth


def test_health(client: Any) -> None:
    assert client.get("/healthz").json == {"status": "ok"}


def test_unknown_api_path_is_json(client: Any) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_openapi_lists_operations(client: Any) -> None:
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    assert "/join/{join_code}" in spec["paths"]
    schemas = spec["components"]["schemas"]
    assert any(name.startswith("Join") for name in schemas)


def test_make_event_and_read_it(client: Any, make_event: Any) -> None:
    info = make_event("small")
    response = client.get(
        f"/api/v1/events/{info['event_id']}", headers=auth(info["organiser_token"])
    )
    assert response.status_code == 200
    assert len(response.json["stations"]) == len(info["stations"])
