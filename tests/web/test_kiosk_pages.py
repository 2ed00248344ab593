"""Kiosk pages through the test client: the kiosk page holds no host-only data, links of other
roles do not open it, badges print a QR code per participant for the organiser only."""

from __future__ import annotations

from typing import Any

from tests.conftest import auth, plain
from tests.web.test_organiser import login, make_organiser


def start_kiosk(client: Any, host_token: str) -> str:
    answer = client.post("/api/v1/kiosk", json={"pin": "8642"}, headers=auth(host_token))
    assert answer.status_code == 201
    return str(answer.get_json()["token"])


def test_the_kiosk_page_shows_names_and_labels_but_nothing_host_only(
    app: Any, client: Any, make_event: Any
) -> None:
    from markupsafe import escape

    from parcours.web.kiosk_labels import labels

    ev = make_event("small")
    station = ev["stations"][0]
    jana, deniz = ev["participants"][0], ev["participants"][1]
    writes = [
        (
            "/follow-ups",
            jana["token"],
            {
                "client_id": "3bdec90d-f9e9-5144-a2c0-d23c3ec2b196",
                "station_id": station["id"],
                "topic": "Praktikum",
                "message": "Rückruf erbeten",
                "share_contact": True,
            },
        ),
        (
            "/leads",
            station["host_token"],
            {
                "client_id": "5af70d3a-86e2-5c93-8e48-9f614f92dcb3",
                "participant_id": deniz["id"],
                "note": "Lead-Notiz des Gastgebers",
            },
        ),
        (
            "/notes",
            station["host_token"],
            {"client_id": "d14b9e68-e4e0-50bc-bfe5-1d622504b022", "text": "Gastgeber-Notiz"},
        ),
        (
            "/notes",
            jana["token"],
            {"client_id": "b9293592-8f48-5853-becb-609236d36e59", "text": "Janas eigene Notiz"},
        ),
    ]
    for path, token, body in writes:
        assert client.post("/api/v1" + path, json=body, headers=auth(token)).status_code == 201
    token = start_kiosk(client, station["host_token"])
    page = client.get(f"/k/{token}")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    html = page.get_data(as_text=True)
    for hidden in (
        station["host_token"],
        jana["token"],
        "@example",
        "+49",
        "Rückruf erbeten",
        "Lead-Notiz",
        "Gastgeber-Notiz",
        "Janas eigene Notiz",
        station["code"],
    ):
        assert hidden not in html, hidden
    with app.test_request_context():
        german = str(escape(labels(station["name"])["tap_name"]["de"]))
    assert german != "Tap your name"  # the kiosk is bilingual even before the catalogue has it
    assert (
        f'<span lang="de" dir="ltr">{german}</span><span lang="en" dir="ltr">Tap your name</span>'
        in html
    )
    assert f"Yes, share my name, e-mail and phone with {station['name']}" in html
    assert "No, don&#39;t share my contact details" in html
    assert 'aria-pressed="true"' not in html  # no consent choice is made for anyone


def test_only_a_kiosk_link_opens_the_kiosk_page(client: Any, make_event: Any) -> None:
    ev = make_event("small")
    for token in (
        ev["stations"][0]["host_token"],
        ev["participants"][0]["token"],
        ev["organiser_token"],
        "no-such-token",
    ):
        assert client.get(f"/k/{token}").status_code == 404
    kiosk = start_kiosk(client, ev["stations"][0]["host_token"])
    for path in (f"/h/{kiosk}", f"/p/{kiosk}", f"/f/{kiosk}", f"/s/{kiosk}"):
        assert client.get(path).status_code == 404, path
    host = client.get(f"/h/{ev['stations'][0]['host_token']}").get_data(as_text=True)
    assert 'id="kiosk-enter-open"' in host


def test_badges_carry_a_qr_code_that_names_the_person_without_a_login(
    app: Any, client: Any, make_event: Any
) -> None:
    from parcours.services.capture.kiosk import badge_code
    from parcours.web.qr import qr_svg

    ev = make_event("small")
    path = f"/organiser/events/{ev['event_id']}/badges"
    assert client.get(path).status_code == 302  # login first
    make_organiser(app, "orga@example.org")
    login(client, "orga@example.org")
    overview = client.get(f"/organiser/events/{ev['event_id']}").get_data(as_text=True)
    assert path in overview
    page = client.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count('class="badge-card"') == len(ev["participants"]) == 6
    assert html.count('class="badge-sheet"') == 1
    jana = ev["participants"][0]
    code = badge_code(app.config["SECRET_KEY"], ev["event_id"], jana["id"], plain(jana))
    with app.test_request_context(base_url="http://localhost"):
        expected = qr_svg(f"http://localhost/b/{code}", title="Jana Wächter")
    assert str(expected) in html
    assert jana["token"] not in html  # the badge is no login
    landing = client.get(f"/b/{code}")
    assert landing.status_code == 200 and "Jana" not in landing.get_data(as_text=True)
    assert client.get("/b/not-a-code").status_code == 404
    kiosk = start_kiosk(client, ev["stations"][0]["host_token"])
    found = client.post("/api/v1/kiosk/identify", json={"badge": code}, headers=auth(kiosk))
    assert found.get_json()["name"] == "Jana Wächter"
