"""Self-registration floods: a cap per event (max_participants, by default the parcours' places
per round), a switch to close and reopen it (API and overview page), and a per-address limit
that lets a venue NAT through but stops a script (429 with Retry-After)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import auth, example
from tests.web.test_organiser import login, make_organiser


def join(client: Any, code: str, name: str = "Neu Hier", address: str = "192.0.2.10") -> Any:
    return client.post(
        f"/api/v1/join/{code}",
        json={"name": name, "consent": True},
        environ_base={"REMOTE_ADDR": address},
    )


def registration(client: Any, info: dict[str, Any], body: Any = None, token: str = "") -> Any:
    url = f"/api/v1/events/{info['event_id']}/registration"
    headers = auth(token or info["organiser_token"])
    if body is None:
        return client.get(url, headers=headers)
    return client.post(url, json=body, headers=headers)


def small_without_cap() -> dict[str, Any]:
    data = example("small")
    data["event"].pop("max_participants")
    return data


def test_the_default_cap_is_the_parcours_places_per_round(client: Any, make_event: Any) -> None:
    info = make_event(small_without_cap())  # 3 stations of 2, 6 people already
    state = registration(client, info).json
    assert state == {
        "open": True, "max_participants": None, "places": 6, "cap": 6, "registered": 6,
        "remaining": 0,
    }  # fmt: skip
    full = join(client, info["join_code"])
    assert full.status_code == 409
    error = full.json["error"]
    assert error["code"] == "conflict"
    assert "full: all 6 places are taken" in error["message"]
    assert error["fields"] == {"registration": ["full: 6 places"]}
    assert registration(client, info).json["registered"] == 6  # nothing stored


def test_the_event_file_sets_the_cap(client: Any, make_event: Any) -> None:
    data = small_without_cap()
    data["event"]["max_participants"] = 8
    info = make_event(data)
    answers = [join(client, info["join_code"], f"Person {i}").status_code for i in range(3)]
    assert answers == [201, 201, 409]
    data["event"]["max_participants"] = 0
    from parcours.domain.errors import Invalid

    with pytest.raises(Invalid) as caught:
        make_event(data)
    assert "event.max_participants" in caught.value.fields


def test_without_a_parcours_there_is_no_default_cap(client: Any, make_event: Any) -> None:
    data = small_without_cap()
    data["agenda"] = [a for a in data["agenda"] if a.get("kind") != "parcours"]
    info = make_event(data)
    assert registration(client, info).json["cap"] is None
    for i in range(10):
        assert join(client, info["join_code"], f"Gast {i}").status_code == 201


def test_the_organiser_sets_the_cap_and_closes_and_reopens_over_the_api(
    client: Any, make_event: Any
) -> None:
    info = make_event(small_without_cap())
    done = registration(client, info, {"max_participants": 7})
    assert done.status_code == 200 and done.json["cap"] == 7 and done.json["remaining"] == 1
    assert join(client, info["join_code"], "Sieben").status_code == 201
    assert join(client, info["join_code"], "Acht").status_code == 409
    assert registration(client, info, {"max_participants": 50}).json["remaining"] == 43
    closed = registration(client, info, {"open": False})
    assert closed.status_code == 200 and closed.json["open"] is False
    refused = join(client, info["join_code"])
    assert refused.status_code == 409
    assert refused.json["error"]["fields"] == {"registration": ["closed"]}
    assert "closed" in refused.json["error"]["message"]
    assert registration(client, info, {"open": True}).json["open"] is True
    assert join(client, info["join_code"]).status_code == 201
    back = registration(client, info, {"max_participants": None})
    assert back.json["max_participants"] is None and back.json["cap"] == 6


@pytest.mark.parametrize(
    "body, field",
    [
        ({"max_participants": 0}, "max_participants"),
        ({"max_participants": "10"}, "max_participants"),
        ({"max_participants": 2.5}, "max_participants"),
        ({"open": "yes"}, "open"),
        ({"open": 1}, "open"),
        ({"capacity": 3}, "capacity"),
    ],
)
def test_bad_registration_changes_name_the_field(
    client: Any, make_event: Any, body: Any, field: str
) -> None:
    info = make_event("small")
    answer = registration(client, info, body)
    assert answer.status_code == 400
    assert field in answer.json["error"]["fields"]
    assert registration(client, info).json["open"] is True


def test_only_the_organiser_changes_registration(client: Any, make_event: Any) -> None:
    info = make_event("small")
    assert registration(client, info, token=info["facilitator_token"]).status_code == 200
    answer = registration(client, info, {"open": False}, token=info["facilitator_token"])
    assert answer.status_code == 403
    person = info["participants"][0]["token"]
    assert registration(client, info, token=person).status_code == 403
    assert (
        client.post(
            f"/api/v1/events/{info['event_id']}/registration", json={"open": False}
        ).status_code
        == 401
    )


def test_a_venue_nat_gets_through_a_script_is_stopped(client: Any, make_event: Any) -> None:
    data = small_without_cap()
    data["event"]["max_participants"] = 1000
    info = make_event(data)
    code = info["join_code"]
    venue = [join(client, code, f"Telefon {i}", "198.51.100.1").status_code for i in range(100)]
    assert venue == [201] * 100  # 100 phones behind one NAT within two minutes
    script = [join(client, code, f"Bot {i}", "198.51.100.1").status_code for i in range(150)]
    assert script.count(201) == 50 and script[50:] == [429] * 100
    blocked = join(client, code, "Bot x", "198.51.100.1")
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0
    assert blocked.json["error"]["code"] == "rate_limited"
    page = client.post(
        f"/join/{code}",
        data={"name": "Bot y", "consent": "on"},
        environ_base={"REMOTE_ADDR": "198.51.100.1"},
    )
    assert page.status_code == 429 and int(page.headers["Retry-After"]) > 0
    assert join(client, code, "Anderswo", "203.0.113.5").status_code == 201


def test_the_join_page_says_closed_and_full(app: Any, client: Any, make_event: Any) -> None:
    info = make_event(small_without_cap())
    page = client.get(f"/join/{info['join_code']}").get_data(as_text=True)
    assert "This event is full" in page and 'id="join-form"' not in page
    answer = client.post(f"/join/{info['join_code']}", data={"name": "X", "consent": "on"})
    assert answer.status_code == 409
    registration(client, info, {"max_participants": 20, "open": False})
    page = client.get(f"/join/{info['join_code']}").get_data(as_text=True)
    assert "Registration for this event is closed." in page


def test_the_organiser_closes_and_reopens_on_the_overview_page(
    app: Any, client: Any, make_event: Any
) -> None:
    info = make_event("small")
    make_organiser(app, "orga@example.org")
    assert login(client, "orga@example.org").status_code == 302
    base = f"/organiser/events/{info['event_id']}"
    overview = client.get(base).get_data(as_text=True)
    assert "Self-registration" in overview and "6 of 40 places taken" in overview
    assert client.post(f"{base}/registration", data={"open": "0"}).status_code == 302
    assert "Reopen self-registration" in client.get(base).get_data(as_text=True)
    assert join(client, info["join_code"]).status_code == 409
    assert client.post(f"{base}/registration", data={"open": "1"}).status_code == 302
    assert join(client, info["join_code"]).status_code == 201
    form = {"title": "Kleiner Testparcours", "timezone": "Europe/Berlin", "language": "de",
            "retention_days": "30", "max_participants": "7"}  # fmt: skip
    assert client.post(f"{base}/edit", data=form).status_code == 302
    assert registration(client, info).json["cap"] == 7
    assert client.post(f"{base}/edit", data={**form, "max_participants": "0"}).status_code == 400
    form.pop("max_participants")
    assert client.post(f"{base}/edit", data=form).status_code == 302
    assert registration(client, info).json == {
        "open": True, "max_participants": None, "places": 6, "cap": 6, "registered": 7,
        "remaining": 0,
    }  # fmt: skip
