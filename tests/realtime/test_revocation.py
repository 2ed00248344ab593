"""Revocation reaches open sockets (issue 10, item 2) and a leaked link can be replaced (item 3).

Whenever a token stops being valid (kiosk exit, shred, participant removed, link replaced), the
sockets opened with it are disconnected at once, and every socket write checks its token again:
a socket the disconnect missed still cannot write. The old link of a replaced one stops working
over HTTP, on its page and on its sockets; the new one works.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.api.test_kiosk import kiosk_token, live_socket, plan, rows
from tests.conftest import auth, plain


@pytest.fixture
def ev(make_event: Any) -> dict[str, Any]:
    return make_event("small")


def cid() -> str:
    return str(uuid.uuid4())


def rotate(client: Any, ev: dict[str, Any], token: str | None = None, **body: Any) -> Any:
    """Replace a link over the API as the event's organiser (or with another token)."""
    return client.post(
        f"/api/v1/events/{ev['event_id']}/links/rotate",
        json=body,
        headers=auth(token or ev["organiser_token"]),
    )


def revoke_in_db(app: Any, token: str) -> None:
    """End a token behind the server's back, as another process (or a missed message) would."""
    from sqlalchemy import update

    from parcours.extensions import db
    from parcours.storage import AccessToken, utcnow

    with app.app_context():
        session = db.session()
        session.execute(
            update(AccessToken).where(AccessToken.token == token).values(revoked_at=utcnow())
        )
        session.commit()


def test_leaving_kiosk_mode_disconnects_the_kiosk_s_open_sockets(
    app: Any, client: Any, ev: Any
) -> None:
    station = ev["stations"][0]
    kiosk = kiosk_token(client, station["host_token"], pin="97531")
    first, second = live_socket(app, client, kiosk), live_socket(app, client, kiosk)
    host = live_socket(app, client, station["host_token"])
    answer = client.post("/api/v1/kiosk/exit", json={"pin": "97531"}, headers=auth(kiosk))
    assert answer.status_code == 200
    assert not first.is_connected("/live") and not second.is_connected("/live")
    assert host.is_connected("/live")  # the host's own link goes on
    host.disconnect(namespace="/live")


def test_every_socket_write_checks_its_token_again(app: Any, client: Any, ev: Any) -> None:
    from parcours.storage import FollowUp, Note

    plan(app, ev)
    kiosk = kiosk_token(client, ev["stations"][0]["host_token"])
    jana = ev["participants"][0]
    writes = [
        (kiosk, "kiosk_note", {"client_id": cid(), "participant_id": jana["id"], "text": "x"}),
        (
            kiosk,
            "kiosk_follow_up",
            {
                "client_id": cid(),
                "participant_token": jana["token"],
                "topic": "Ausbildung",
                "share_contact": True,
            },
        ),
        (jana["token"], "note", {"client_id": cid(), "text": "x"}),
        (
            jana["token"],
            "follow_up",
            {
                "client_id": cid(),
                "station_id": ev["stations"][0]["id"],
                "topic": "x",
                "share_contact": True,
            },
        ),
    ]
    # one socket per write, all open before the tokens end (a refused write ends its socket)
    sockets = [live_socket(app, client, token) for token, _name, _body in writes]
    revoke_in_db(app, kiosk)  # no disconnect reached these sockets
    revoke_in_db(app, jana["token"])
    for sock, (_token, name, body) in zip(sockets, writes, strict=True):
        ack = sock.emit(name, body, namespace="/live", callback=True)
        assert ack["status"] == 401, (name, ack)
        assert ack["body"]["error"]["code"] == "unauthorized"
    assert rows(app, Note) == rows(app, FollowUp) == []
    # and over HTTP, as before
    answer = client.post(
        "/api/v1/kiosk/notes",
        json={"client_id": cid(), "participant_id": jana["id"], "text": "x"},
        headers=auth(kiosk),
    )
    assert answer.status_code == 401


def test_removing_a_participant_disconnects_their_phone(app: Any, client: Any, ev: Any) -> None:
    from tests.web.test_organiser import login, make_organiser

    make_organiser(app, "orga@example.org")
    login(client, "orga@example.org")
    deniz, jana = ev["participants"][1], ev["participants"][0]
    phone, other = live_socket(app, client, deniz["token"]), live_socket(app, client, jana["token"])
    answer = client.post(f"/organiser/events/{ev['event_id']}/participants/{deniz['id']}/delete")
    assert answer.status_code == 302
    assert not phone.is_connected("/live")
    assert other.is_connected("/live")
    assert client.get("/api/v1/me", headers=auth(deniz["token"])).status_code == 401
    other.disconnect(namespace="/live")


def test_shred_disconnects_every_participant_socket(app: Any, client: Any, ev: Any) -> None:
    phones = [live_socket(app, client, p["token"]) for p in ev["participants"][:3]]
    screen = live_socket(app, client, ev["screen_token"])
    answer = client.post(
        f"/api/v1/events/{ev['event_id']}/shred", json={}, headers=auth(ev["organiser_token"])
    )
    assert answer.status_code == 200
    assert [p.is_connected("/live") for p in phones] == [False, False, False]
    assert screen.is_connected("/live")
    screen.disconnect(namespace="/live")


@pytest.mark.parametrize("role", ["facilitator", "screen", "host", "participant"])
def test_a_replaced_link_stops_working_at_once_over_http_pages_and_sockets(
    app: Any, client: Any, ev: Any, role: str
) -> None:
    pages = {"facilitator": "f", "screen": "s", "host": "h", "participant": "p"}
    body: dict[str, Any] = {"role": role}
    if role == "host":
        old = ev["stations"][1]["host_token"]
        body["station_id"] = ev["stations"][1]["id"]
    elif role == "participant":
        old = ev["participants"][2]["token"]
        body["participant_id"] = ev["participants"][2]["id"]
    else:
        old = ev[f"{role}_token"]
    assert client.get(f"/{pages[role]}/{old}").status_code == 200
    sock = live_socket(app, client, old)
    kiosk = kiosk_token(client, old) if role == "host" else None
    kiosk_sock = live_socket(app, client, kiosk) if kiosk else None
    bystander = live_socket(app, client, ev["participants"][0]["token"])
    answer = rotate(client, ev, **body)
    assert answer.status_code == 200, answer.get_json()
    new = answer.get_json()
    assert new["role"] == role and new["token"] != old
    assert new["url"] == f"/{pages[role]}/{new['token']}"
    assert not sock.is_connected("/live")
    assert bystander.is_connected("/live")
    state = f"/api/v1/events/{ev['event_id']}/state"
    assert client.get(state, headers=auth(old)).status_code == 401
    assert client.get(f"/{pages[role]}/{old}").status_code == 404
    assert client.get(state, headers=auth(new["token"])).status_code == 200
    assert client.get(new["url"]).status_code == 200
    fresh = live_socket(app, client, new["token"])
    refused = app.extensions["socketio"].test_client(
        app, namespace="/live", auth={"token": old}, flask_test_client=client
    )
    assert not refused.is_connected("/live")
    if kiosk_sock is not None:  # a kiosk started from a leaked host link ends with it
        assert not kiosk_sock.is_connected("/live")
        assert client.get("/api/v1/kiosk/roster", headers=auth(kiosk or "")).status_code == 401
    for open_sock in (fresh, bystander):
        open_sock.disconnect(namespace="/live")


def test_a_participant_s_new_link_comes_with_a_new_personal_code_and_badge(
    app: Any, client: Any, ev: Any
) -> None:
    from parcours.services.capture.kiosk import badge_code

    olena = ev["participants"][2]
    old_badge = badge_code(app.config["SECRET_KEY"], ev["event_id"], olena["id"], plain(olena))
    answer = rotate(client, ev, role="participant", participant_id=olena["id"])
    assert answer.status_code == 200
    code = answer.get_json()["personal_code"]
    assert code and code != olena["personal_code"]
    kiosk = kiosk_token(client, ev["stations"][0]["host_token"])

    def identify(who: dict[str, Any]) -> int:
        found = client.post("/api/v1/kiosk/identify", json=who, headers=auth(kiosk))
        return int(found.status_code)

    assert identify({"personal_code": olena["personal_code"]}) == 400
    assert identify({"badge": old_badge}) == 400
    assert identify({"participant_token": olena["token"]}) == 400
    assert identify({"personal_code": code}) == 200
    new_badge = badge_code(
        app.config["SECRET_KEY"], ev["event_id"], olena["id"], code.replace("-", "")
    )
    assert identify({"badge": new_badge}) == 200


def test_only_the_organiser_replaces_links_and_bad_requests_change_nothing(
    app: Any, client: Any, ev: Any, make_event: Any
) -> None:
    from parcours.storage import AccessToken

    before = [(t.token, t.revoked_at) for t in rows(app, AccessToken)]
    for token in (
        ev["facilitator_token"],
        ev["screen_token"],
        ev["stations"][0]["host_token"],
        ev["participants"][0]["token"],
    ):
        assert rotate(client, ev, token, role="screen").status_code == 403
    other = make_event("small")
    assert rotate(client, ev, other["organiser_token"], role="screen").status_code == 404
    cases = [
        ({}, "role"),
        ({"role": "organiser"}, "role"),
        ({"role": "kiosk"}, "role"),
        ({"role": "host"}, "station_id"),
        ({"role": "host", "station_id": other["stations"][0]["id"]}, "station_id"),
        ({"role": "host", "station_id": "1"}, "station_id"),
        ({"role": "participant"}, "participant_id"),
        (
            {"role": "participant", "participant_id": other["participants"][0]["id"]},
            "participant_id",
        ),
        ({"role": "screen", "extra": 1}, "extra"),
    ]
    for body, field in cases:
        answer = rotate(client, ev, **body)
        assert answer.status_code == 400, (body, answer.get_json())
        assert field in answer.get_json()["error"]["fields"], (body, answer.get_json())
    after = [(t.token, t.revoked_at) for t in rows(app, AccessToken)]
    assert after[: len(before)] == before  # nothing ended
    assert len(after) == len(before) + len(other["participants"]) + 6  # only the other event's


def test_the_links_page_replaces_a_link(app: Any, client: Any, ev: Any) -> None:
    from tests.web.test_organiser import login, make_organiser

    organiser_id = make_organiser(app, "orga@example.org")
    login(client, "orga@example.org")
    with app.app_context():
        from parcours.extensions import db
        from parcours.storage import Event

        session = db.session()
        event = session.get(Event, ev["event_id"])
        assert event is not None
        event.organiser_id = organiser_id
        session.commit()
    page = f"/organiser/events/{ev['event_id']}/links"
    html = client.get(page).get_data(as_text=True)
    assert html.count('class="inline no-print rotate-link"') == 2 + 3 + 6
    old = ev["stations"][0]["host_token"]
    sock = live_socket(app, client, old)
    answer = client.post(
        f"{page}/rotate", data={"role": "host", "station_id": str(ev["stations"][0]["id"])}
    )
    assert answer.status_code == 302
    assert not sock.is_connected("/live")
    html = client.get(page).get_data(as_text=True)
    assert old not in html and "/h/" in html
    assert client.get(f"/h/{old}").status_code == 404
    answer = client.post(f"{page}/rotate", data={"role": "nonsense"}, follow_redirects=True)
    assert answer.status_code == 200
    assert "role: must be one of" in answer.get_data(as_text=True)
