"""Every API route with every role: allowed roles get in, the others are refused.

The explicit tests pin what each role sees of the event, its stations and participants; the
generic ones walk the registry, so that a route added later is checked too.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from parcours.api.registry import Operation, load_operations
from parcours.domain.actors import ROLES
from tests.conftest import auth

OPERATIONS = sorted(load_operations().values(), key=lambda op: op.name)
GUARDED = [op for op in OPERATIONS if op.roles is not None]


@pytest.fixture
def events(make_event: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return two events: the one under test and another one whose tokens must not work."""
    return make_event("small"), make_event("small")


def token_for(info: dict[str, Any], role: str) -> str:
    """Return a token of the role in the event."""
    if role == "host":
        return str(info["stations"][0]["host_token"])
    if role == "participant":
        return str(info["participants"][0]["token"])
    return str(info[f"{role}_token"])


def url_for_op(op: Operation, info: dict[str, Any]) -> str:
    """Fill an operation's path with ids of the event (the first station, card 1)."""
    values = {
        "event_id": info["event_id"],
        "station_id": info["stations"][0]["id"],
        "participant_id": info["participants"][0]["id"],
        "join_code": info["join_code"],
    }
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values.get(m.group(1), 1)), op.path)
    return "/api/v1" + path


def call(client: Any, op: Operation, url: str, token: str | None) -> Any:
    headers = auth(token) if token else {}
    if op.method == "GET":
        return client.get(url, headers=headers)
    return client.open(url, method=op.method, json={}, headers=headers)


# --------------------------------------------------------------------------- explicit


def test_get_event_by_role(client: Any, events: Any) -> None:
    info, other = events
    url = f"/api/v1/events/{info['event_id']}"
    for role in ("organiser", "facilitator"):
        body = client.get(url, headers=auth(token_for(info, role))).json
        assert body["id"] == info["event_id"]
        assert [s["name"] for s in body["stations"]] == [s["name"] for s in info["stations"]]
        assert [a["kind"] for a in body["agenda"]] == ["talk", "parcours"]
    for role in ("screen", "host", "participant"):
        response = client.get(url, headers=auth(token_for(info, role)))
        assert response.status_code == 403, role
        assert response.json["error"]["code"] == "forbidden"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=auth("made-up")).status_code == 401
    response = client.get(url, headers=auth(other["organiser_token"]))
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_list_stations_by_role(client: Any, events: Any) -> None:
    info, other = events
    url = f"/api/v1/events/{info['event_id']}/stations"
    for role in ROLES:
        response = client.get(url, headers=auth(token_for(info, role)))
        assert response.status_code == 200, role
        assert [s["id"] for s in response.json] == [s["id"] for s in info["stations"]]
        assert {"code", "name", "topics", "capacity"} <= set(response.json[0])
    assert client.get(url).status_code == 401
    for role in ROLES:
        response = client.get(url, headers=auth(token_for(other, role)))
        assert response.status_code == 404, role


def test_list_participants_by_role(client: Any, events: Any) -> None:
    info, other = events
    url = f"/api/v1/events/{info['event_id']}/participants"
    rows = client.get(url, headers=auth(info["organiser_token"])).json
    assert [r["name"] for r in rows] == [p["name"] for p in info["participants"]]
    assert rows[0]["email"] == "jana.waechter@example.org"
    assert rows[0]["phone"] == "+49 30 23125 101"
    rows = client.get(url, headers=auth(info["facilitator_token"])).json
    assert len(rows) == len(info["participants"])
    assert all(set(r) == {"id", "name", "organisation", "kind"} for r in rows)
    for role in ("screen", "host", "participant"):
        assert client.get(url, headers=auth(token_for(info, role))).status_code == 403, role
    assert client.get(url).status_code == 401
    assert client.get(url, headers=auth(other["organiser_token"])).status_code == 404


def test_revoked_token_is_refused(app: Any, client: Any, events: Any) -> None:
    from sqlalchemy import update

    from parcours.extensions import db
    from parcours.storage import AccessToken, utcnow

    info, _other = events
    with app.app_context():
        db.session().execute(
            update(AccessToken)
            .where(AccessToken.token == info["organiser_token"])
            .values(revoked_at=utcnow())
        )
        db.session().commit()
    url = f"/api/v1/events/{info['event_id']}"
    response = client.get(url, headers=auth(info["organiser_token"]))
    assert response.status_code == 401
    assert "revoked" in response.json["error"]["message"]


def test_bearer_header_must_be_bearer(client: Any, events: Any) -> None:
    info, _other = events
    url = f"/api/v1/events/{info['event_id']}"
    headers = {"Authorization": f"Basic {info['organiser_token']}"}
    assert client.get(url, headers=headers).status_code == 401


# --------------------------------------------------------------------------- generic


def test_every_guarded_route_needs_a_token(client: Any, events: Any) -> None:
    info, _other = events
    wrong = []
    for op in GUARDED:
        for token in (None, "no-such-token"):
            response = call(client, op, url_for_op(op, info), token)
            if response.status_code != 401 or response.json["error"]["code"] != "unauthorized":
                wrong.append((op.name, token, response.status_code))
    assert not wrong


def test_every_guarded_route_refuses_other_roles(client: Any, events: Any) -> None:
    info, _other = events
    wrong = []
    for op in GUARDED:
        assert op.roles is not None
        for role in ROLES:
            if role in op.roles and op.method != "GET":
                continue  # writes by allowed roles are their feature's tests (shred would shred)
            response = call(client, op, url_for_op(op, info), token_for(info, role))
            allowed = role in op.roles
            if allowed and response.status_code in (401, 403):
                wrong.append((op.name, role, "refused", response.json))
            if not allowed and response.status_code != 403:
                wrong.append((op.name, role, "let in", response.status_code))
    assert not wrong


def test_other_events_tokens_get_nothing(client: Any, events: Any) -> None:
    info, other = events
    wrong = []
    for op in GUARDED:
        if "<int:event_id>" not in op.path:
            continue
        assert op.roles is not None
        for role in op.roles:
            response = call(client, op, url_for_op(op, info), token_for(other, role))
            if response.status_code not in (400, 403, 404) or "error" not in response.json:
                wrong.append((op.name, role, response.status_code))
    assert not wrong
    # the first event is untouched: its participants can still read its stations
    url = f"/api/v1/events/{info['event_id']}/stations"
    assert client.get(url, headers=auth(token_for(info, "participant"))).status_code == 200


def test_every_route_is_in_the_openapi_document(client: Any) -> None:
    spec = client.get("/api/v1/openapi.json").json
    for op in OPERATIONS:
        assert op.method.lower() in spec["paths"][op.openapi_path], op.name
        described = spec["paths"][op.openapi_path][op.method.lower()]
        assert described["operationId"] == op.name
        assert ("security" in described) == (op.roles is not None)
    assert "Error" in spec["components"]["schemas"]
    for path, ops in spec["paths"].items():
        for name in re.findall(r"{(\w+)}", path):
            for described in ops.values():
                assert any(p["name"] == name for p in described["parameters"]), path
