"""A station host names the participant of a scanned route card or badge (to record a lead)."""

from __future__ import annotations

from typing import Any

from tests.conftest import auth, plain


def identify(client: Any, ev: dict[str, Any], token: str, body: Any) -> Any:
    path = f"/api/v1/events/{ev['event_id']}/people/identify"
    return client.post(path, json=body, headers=auth(token))


def test_a_host_names_the_person_of_a_route_card_or_a_badge(
    app: Any, client: Any, make_event: Any
) -> None:
    from parcours.services.capture.kiosk import badge_code

    ev = make_event("small")
    host = ev["stations"][0]["host_token"]
    person = ev["participants"][2]
    answer = identify(client, ev, host, {"participant_token": person["token"]})
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json() == {
        "id": person["id"],
        "name": person["name"],
        "organisation": answer.get_json()["organisation"],
    }
    badge = badge_code(app.config["SECRET_KEY"], ev["event_id"], person["id"], plain(person))
    assert identify(client, ev, host, {"badge": badge}).get_json()["id"] == person["id"]


def test_bad_or_foreign_codes_are_clear_4xx_errors(client: Any, make_event: Any) -> None:
    ev, other = make_event("small"), make_event("small")
    host = ev["stations"][0]["host_token"]
    foreign = identify(client, ev, host, {"participant_token": other["participants"][0]["token"]})
    assert foreign.status_code in (400, 422)
    assert "participant_token" in foreign.get_json()["error"]["fields"]
    for body in ({}, {"participant_token": "x"}, {"badge": "1-!!"}, [1], {"name": "Jana"}):
        answer = identify(client, ev, host, body)
        assert 400 <= answer.status_code < 500, body
        assert "error" in answer.get_json()
    participant = ev["participants"][0]["token"]
    denied = identify(client, ev, participant, {"participant_token": participant})
    assert denied.status_code == 403
    assert identify(client, other, host, {"participant_token": participant}).status_code in (
        403,
        404,
    )
