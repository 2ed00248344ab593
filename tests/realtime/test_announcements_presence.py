"""Announcements that end (a duration, or the console takes them down) and presence counts
that leave out the console's own screen preview."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from tests.conftest import auth
from tests.realtime.test_live_socket import events, wait_for


@pytest.fixture
def live(app: Any, make_event: Any) -> dict[str, Any]:
    app.config["PRESENCE_DEBOUNCE_S"] = 0.05
    return make_event("small")


@pytest.fixture
def connect(app: Any) -> Iterator[Callable[..., Any]]:
    """Return a factory of /live test clients; extra keyword arguments go into auth."""
    from parcours.extensions import socketio

    made: list[Any] = []

    def factory(token: str, **extra: Any) -> Any:
        sock = socketio.test_client(app, namespace="/live", auth={"token": token, **extra})
        made.append(sock)
        return sock

    yield factory
    for sock in made:
        if sock.is_connected("/live"):
            sock.disconnect("/live")


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_announcement_has_a_duration_and_can_be_taken_down(
    app: Any, client: Any, connect: Any, live: dict[str, Any]
) -> None:
    phone = connect(live["participants"][0]["token"])
    facilitator = connect(live["facilitator_token"])
    ack = facilitator.emit(
        "announce", {"text": "Kaffee im Foyer", "minutes": 3}, namespace="/live", callback=True
    )
    assert ack["status"] == 201
    item = ack["body"]
    assert instant(item["ends_at"]) - instant(item["at"]) == timedelta(minutes=3)
    (shown,) = events(phone, "announcement")
    assert shown["id"] == item["id"] and shown["ends_at"] == item["ends_at"]

    url = f"/api/v1/events/{live['event_id']}/announcements/{item['id']}"
    assert client.delete(url, headers=auth(live["participants"][0]["token"])).status_code == 403
    response = client.delete(url, headers=auth(live["facilitator_token"]))
    assert response.status_code == 200
    assert instant(response.json["ends_at"]) <= instant(response.json["at"]) + timedelta(minutes=1)
    assert events(phone, "announcement_end") == [{"id": item["id"]}]
    # whoever connects now sees no banner; the list keeps it as history
    late = connect(live["participants"][1]["token"])
    assert events(late, "announcement") == []
    listed = client.get(
        f"/api/v1/events/{live['event_id']}/announcements", headers=auth(live["facilitator_token"])
    ).json
    assert [a["text"] for a in listed] == ["Kaffee im Foyer"]
    # taking it down again changes nothing; an unknown one is a 404
    assert client.delete(url, headers=auth(live["facilitator_token"])).status_code == 200
    other = f"/api/v1/events/{live['event_id']}/announcements/99999"
    assert client.delete(other, headers=auth(live["facilitator_token"])).status_code == 404


@pytest.mark.parametrize("minutes", [0, 241, "zehn", None])
def test_bad_duration_is_refused(app: Any, client: Any, live: dict[str, Any], minutes: Any) -> None:
    from parcours.extensions import db
    from parcours.storage import Announcement

    url = f"/api/v1/events/{live['event_id']}/announcements"
    response = client.post(
        url, json={"text": "Hallo", "minutes": minutes}, headers=auth(live["facilitator_token"])
    )
    assert response.status_code == 400
    assert "minutes" in response.json["error"]["fields"]
    with app.app_context():
        assert db.session().scalars(select(Announcement)).all() == []


def test_default_duration_is_ten_minutes(client: Any, live: dict[str, Any]) -> None:
    url = f"/api/v1/events/{live['event_id']}/announcements"
    item = client.post(url, json={"text": "Hallo"}, headers=auth(live["facilitator_token"])).json
    assert instant(item["ends_at"]) - instant(item["at"]) == timedelta(minutes=10)


def test_older_announcements_without_an_end_show_for_ten_minutes(
    app: Any, connect: Any, live: dict[str, Any]
) -> None:
    from parcours.extensions import db
    from parcours.storage import Announcement, utcnow

    with app.app_context():
        session = db.session()
        session.add(Announcement(event_id=live["event_id"], text="alt", created_at=utcnow()))
        # newer by id, but sent 11 minutes ago: gone from the screen
        session.add(
            Announcement(
                event_id=live["event_id"],
                text="sehr alt",
                created_at=utcnow() - timedelta(minutes=11),
            )
        )
        session.commit()
    phone = connect(live["participants"][0]["token"])
    assert [a["text"] for a in events(phone, "announcement")] == ["alt"]


def test_console_preview_is_not_counted_as_a_screen(connect: Any, live: dict[str, Any]) -> None:
    facilitator = connect(live["facilitator_token"])
    preview = connect(live["screen_token"], preview=True)
    connect(live["screen_token"])
    wanted = {"screens": 1, "facilitators": 1}
    assert wait_for(facilitator, "presence", lambda d: {k: d[k] for k in wanted} == wanted)
    preview.disconnect("/live")
    connect(live["participants"][0]["token"])
    # the preview leaving took nothing off: still the one real screen
    data = wait_for(facilitator, "presence", lambda d: d["participants"] == 1)
    assert data["screens"] == 1
