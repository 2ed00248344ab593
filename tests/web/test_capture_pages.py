"""The capture parts of the live pages render, escape text, and the service worker is served."""

from __future__ import annotations

from typing import Any

from tests.conftest import auth

HTML = "<script>alert('x')</script>"


def test_capture_parts_render_in_the_live_pages(client: Any, make_event: Any) -> None:
    ev = make_event(
        {
            "event": {"title": "Escapes", "starts_at": "2026-09-17T10:00:00+02:00"},
            "agenda": [{"title": "Wand", "kind": "workshop", "minutes": 10}],
            "stations": [{"name": f"Station {HTML}", "topics": [f"Thema {HTML}"]}],
            "participants": [{"name": f"Name {HTML}"}],
        }
    )
    token = ev["participants"][0]["token"]
    client.post(
        "/api/v1/notes",
        json={"client_id": "177a74e4-225a-5f8d-a6f9-62963a73e358", "text": HTML},
        headers=auth(token),
    )
    pages = {
        "phone": (f"/p/{token}", 'id="note-form"'),
        "host": (f"/h/{ev['stations'][0]['host_token']}", 'id="lead-form"'),
        "screen": (f"/s/{ev['screen_token']}", 'id="screen-wall"'),
        "console": (f"/f/{ev['facilitator_token']}", 'id="facilitator-wall"'),
    }
    for name, (path, marker) in pages.items():
        answer = client.get(path)
        assert answer.status_code == 200, name
        page = answer.get_data(as_text=True)
        assert marker in page, name
        assert HTML not in page, name  # every name, topic and note is escaped
        assert "capture.css" in page
    worker = client.get("/sw.js")
    assert worker.status_code == 200 and "javascript" in worker.mimetype
    assert "parcours-pages" in worker.get_data(as_text=True)


def test_the_check_in_qr_is_for_the_own_station_only(client: Any, make_event: Any) -> None:
    ev = make_event("small")
    station = ev["stations"][0]
    path = f"/api/v1/events/{ev['event_id']}/stations/{station['id']}/check-in-qr"
    answer = client.get(path, headers=auth(station["host_token"]))
    assert answer.status_code == 200 and answer.mimetype == "image/svg+xml"
    assert b"<svg" in answer.data
    assert client.get(path, headers=auth(ev["stations"][1]["host_token"])).status_code == 403
    assert client.get(path, headers=auth(ev["participants"][0]["token"])).status_code == 403
