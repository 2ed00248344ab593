"""POST /api/v1/join/{join_code}: self-registration needs explicit consent and valid fields."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import auth

GOOD = {
    "name": "Amara Okafor",
    "organisation": "Okafor Elektro GmbH",
    "kind": "company",
    "email": "amara@example.org",
    "phone": "+49 30 23125 150",
    "language": "en",
    "consent": True,
}


@pytest.fixture
def info(make_event: Any) -> dict[str, Any]:
    return make_event("small")


def join(client: Any, code: str, body: Any) -> Any:
    return client.post(f"/api/v1/join/{code}", json=body)


def test_join_with_consent(client: Any, info: dict[str, Any]) -> None:
    station = info["stations"][1]["id"]
    response = join(client, info["join_code"], {**GOOD, "interests": [station]})
    assert response.status_code == 201
    body = response.json
    assert body["participant"]["name"] == "Amara Okafor"
    assert body["participant"]["interests"] == [station]
    assert body["participant"]["source"] == "self"
    assert body["participant"]["consent_at"]
    assert body["url"].endswith(f"/p/{body['token']}")
    # the new token is a participant's token of this event
    response = client.get(
        f"/api/v1/events/{info['event_id']}/stations", headers=auth(body["token"])
    )
    assert response.status_code == 200
    rows = client.get(
        f"/api/v1/events/{info['event_id']}/participants", headers=auth(info["organiser_token"])
    ).json
    assert rows[-1]["email"] == "amara@example.org"


def test_minimal_join_and_lowercase_code(client: Any, info: dict[str, Any]) -> None:
    response = join(client, info["join_code"].lower(), {"name": "Kim", "consent": True})
    assert response.status_code == 201
    assert response.json["participant"]["email"] is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"consent": False}, "consent"),
        ({"consent": None}, "consent"),
        ({"consent": "maybe"}, "consent"),
        ({"name": "x" * 121}, "name"),
        ({"name": ""}, "name"),
        ({"email": "not-an-address"}, "email"),
        ({"phone": "call me"}, "phone"),
        ({"kind": "astronaut"}, "kind"),
        ({"language": "fr"}, "language"),
        ({"interests": ["ihk"]}, "interests[0]"),
        ({"favourite_colour": "blue"}, "favourite_colour"),
    ],
)
def test_bad_fields_are_named(client: Any, info: dict[str, Any], change: Any, field: str) -> None:
    response = join(client, info["join_code"], {**GOOD, **change})
    assert response.status_code == 400
    error = response.json["error"]
    assert error["code"] == "validation_error"
    assert field in error["fields"], error


def test_consent_missing(client: Any, info: dict[str, Any]) -> None:
    body = {k: v for k, v in GOOD.items() if k != "consent"}
    response = join(client, info["join_code"], body)
    assert response.status_code == 400
    assert "consent" in response.json["error"]["fields"]


def test_unknown_station_in_interests(client: Any, info: dict[str, Any]) -> None:
    response = join(client, info["join_code"], {**GOOD, "interests": [99999]})
    assert response.status_code == 400
    assert response.json["error"]["fields"]["interests"] == ["no station with id 99999"]


def test_unknown_join_code(client: Any, info: dict[str, Any]) -> None:
    response = join(client, "NOPE42", GOOD)
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_not_json(client: Any, info: dict[str, Any]) -> None:
    response = client.post(
        f"/api/v1/join/{info['join_code']}", data="name=x", content_type="text/plain"
    )
    assert response.status_code == 400
    response = join(client, info["join_code"], ["a", "list"])
    assert response.status_code == 400


def test_nothing_is_stored_on_error(client: Any, info: dict[str, Any]) -> None:
    join(client, info["join_code"], {**GOOD, "consent": False})
    rows = client.get(
        f"/api/v1/events/{info['event_id']}/participants", headers=auth(info["organiser_token"])
    ).json
    assert len(rows) == len(info["participants"])


def test_shredded_event_takes_no_one(app: Any, client: Any, info: dict[str, Any]) -> None:
    from parcours.extensions import db
    from parcours.storage import Event, utcnow

    with app.app_context():
        db.session().get(Event, info["event_id"]).shredded_at = utcnow()
        db.session().commit()
    response = join(client, info["join_code"], GOOD)
    assert response.status_code == 409
