"""After the shred every page of the event is closed; duplicates are flagged to the organiser."""

from __future__ import annotations

from typing import Any

import pytest

from parcours.extensions import db
from tests.conftest import auth
from tests.web.test_kiosk_pages import start_kiosk
from tests.web.test_organiser import base, login, make_organiser


@pytest.fixture
def org(app: Any, client: Any, make_event: Any) -> dict[str, Any]:
    """Log an organiser in; return the small event."""
    make_organiser(app, "orga@example.org")
    assert login(client, "orga@example.org").status_code == 302
    return make_event("small")


def shred(app: Any, event_id: int) -> None:
    from parcours.services.privacy.shred import shred_event

    with app.app_context():
        shred_event(db.session(), event_id, by="test")


def test_every_page_of_a_shredded_event_is_closed_and_takes_no_input(
    app: Any,
    client: Any,
    org: dict[str, Any],
) -> None:
    kiosk = start_kiosk(client, org["stations"][0]["host_token"])
    shred(app, org["event_id"])
    for url in (
        f"/p/{org['participants'][0]['token']}",  # revoked by the shred: closed, not "invalid"
        f"/h/{org['stations'][0]['host_token']}",
        f"/k/{kiosk}",
        f"/f/{org['facilitator_token']}",
        f"/s/{org['screen_token']}",
    ):
        answer = client.get(url)
        html = answer.get_data(as_text=True)
        assert answer.status_code == 410, url
        assert 'id="event-closed"' in html and "This event is closed." in html, url
        assert "<form" not in html and "<textarea" not in html and "<input" not in html, url
        assert "live-core" not in html and "socket.io" not in html, url  # nothing listens
    page = client.get(f"{base(org)}/participants").get_data(as_text=True)
    assert 'id="event-closed"' in page
    assert "import-csv" not in page and "new-participant" not in page
    assert "/delete" not in page and "<form" not in page.split('id="event-closed"')[1]
    for path in ("/new", "/import", f"/{org['participants'][0]['id']}"):
        answer = client.get(f"{base(org)}/participants{path}")
        assert answer.status_code == 302 and answer.location.endswith("/participants"), path
    join = client.get(f"/join/{org['join_code']}").get_data(as_text=True)
    assert "Registration for this event is closed." in join and 'id="join-form"' not in join
    note = client.post(
        "/api/v1/notes",
        json={"client_id": "9b2f0c1e-4d3a-4b8e-9c2d-1a2b3c4d5e6f", "text": "x"},
        headers={**auth(org["stations"][0]["host_token"]), "Accept-Language": "de"},
    )
    assert note.status_code == 409 and "abgeschlossen" in note.json["error"]["message"]


def test_unknown_tokens_are_still_just_invalid(client: Any) -> None:
    answer = client.get("/p/nothing-like-this")
    assert answer.status_code == 404 and "event-closed" not in answer.get_data(as_text=True)


def test_likely_duplicates_are_flagged_on_the_participants_page(
    app: Any,
    client: Any,
    org: dict[str, Any],
) -> None:
    from parcours.storage import Participant

    with app.app_context():
        session = db.session()
        session.add(Participant(event_id=org["event_id"], name="wächter, JANA", source="self"))
        session.commit()
    page = client.get(f"{base(org)}/participants").get_data(as_text=True)
    assert 'id="duplicates-note"' in page
    assert page.count('data-duplicate="yes"') == 2
    assert "possible duplicate of" in page


def test_the_deletion_day_is_the_same_on_every_page(
    app: Any, client: Any, org: dict[str, Any]
) -> None:
    from parcours.services.privacy.retention import deletion_day
    from parcours.storage import Event

    with app.app_context():
        day = deletion_day(db.session().get(Event, org["event_id"]))
    assert day is not None
    text = f"{day:%d.%m.%Y}"
    for url in (
        f"/join/{org['join_code']}",
        f"/privacy/{org['join_code']}",
        f"{base(org)}/shred",
        base(org),
    ):
        assert text in client.get(url).get_data(as_text=True), url


def test_the_info_desk_finds_a_person_and_shows_their_link_as_qr(
    client: Any, org: dict[str, Any]
) -> None:
    listing = client.get(f"{base(org)}/participants").get_data(as_text=True)
    assert 'id="participants-search"' in listing and "participants-search.js" in listing
    person = org["participants"][0]
    page = client.get(f"{base(org)}/participants/{person['id']}").get_data(as_text=True)
    assert 'id="desk-qr"' in page and "<svg" in page
    assert f"/p/{person['token']}" in page
