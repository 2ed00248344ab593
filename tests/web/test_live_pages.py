"""The live pages render for their tokens (server side); the browser tests drive them live."""

from __future__ import annotations

from typing import Any

import pytest

from tests.realtime.helpers import assign_round_robin


@pytest.fixture
def live(app: Any, make_event: Any) -> dict[str, Any]:
    info = make_event("small")
    from parcours.extensions import db

    with app.app_context():
        assign_round_robin(db.session(), info["event_id"])
    return info


def test_phone_page_shows_the_route(client: Any, live: dict[str, Any]) -> None:
    person = live["participants"][0]
    response = client.get(f"/p/{person['token']}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="countdown"' in html and 'id="route"' in html and "live-phone.js" in html
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert html.count('data-round="') == 2


def test_host_page(client: Any, live: dict[str, Any]) -> None:
    station = live["stations"][0]
    html = client.get(f"/h/{station['host_token']}").get_data(as_text=True)
    assert "live-host.js" in html and 'id="roster"' in html


def test_facilitator_console_lists_the_run_of_show(client: Any, live: dict[str, Any]) -> None:
    html = client.get(f"/f/{live['facilitator_token']}").get_data(as_text=True)
    assert "Integrationsparcours" in html and 'data-action="next"' in html
    assert f"/s/{live['screen_token']}" in html  # the preview


def test_screen_shows_the_join_qr_code_and_code(client: Any, live: dict[str, Any]) -> None:
    html = client.get(f"/s/{live['screen_token']}").get_data(as_text=True)
    assert '<svg viewBox="' in html and live["join_code"] in html
    assert f"/join/{live['join_code']}" in html


@pytest.mark.parametrize("path", ["/p/{t}", "/h/{t}", "/f/{t}", "/s/{t}"])
def test_unknown_token_is_a_404_page(client: Any, live: dict[str, Any], path: str) -> None:
    response = client.get(path.format(t="nope"))
    assert response.status_code == 404 and "text/html" in response.content_type


def test_wrong_role_for_a_page_is_a_404(client: Any, live: dict[str, Any]) -> None:
    person = live["participants"][0]["token"]
    assert client.get(f"/f/{person}").status_code == 404
    assert client.get(f"/h/{live['screen_token']}").status_code == 404


def test_user_text_is_escaped(client: Any, live: dict[str, Any]) -> None:
    from tests.conftest import auth

    client.post(
        f"/api/v1/events/{live['event_id']}/announcements",
        json={"text": "<script>alert(1)</script>"},
        headers=auth(live["facilitator_token"]),
    )
    html = client.get(f"/p/{live['participants'][0]['token']}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html


def test_names_are_escaped_on_the_phone(client: Any, make_event: Any) -> None:
    from tests.conftest import example

    data = example("small")
    data["participants"][0]["name"] = "<b>Mira</b> & Co"
    person = make_event(data)["participants"][0]
    html = client.get(f"/p/{person['token']}").get_data(as_text=True)
    assert "<b>Mira</b>" not in html and "&lt;b&gt;Mira&lt;/b&gt; &amp; Co" in html
