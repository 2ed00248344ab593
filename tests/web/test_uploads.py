"""Uploads up to their stated limit, with CSRF protection on (it reads the form first)."""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any

import pytest
from sqlalchemy import func, select

from parcours.extensions import db
from parcours.storage import Event, Participant
from tests.web.test_organiser import login, make_organiser

HEADER = "Vorname;Nachname;Firma;Art;E-Mail;Telefon;Interessen\r\n"


@pytest.fixture
def csrf_client(app: Any, client: Any) -> Any:
    """Return a logged-in organiser's client with CSRF protection switched on."""
    make_organiser(app, "orga@example.org")
    assert login(client, "orga@example.org").status_code == 302
    app.config["WTF_CSRF_ENABLED"] = True
    return client


def token_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, html[:500]
    return found.group(1)


def big_csv(rows: int) -> bytes:
    """Return a CSV of `rows` people, about 100 bytes a row."""
    lines = [HEADER]
    for n in range(rows):
        lines.append(
            f"Vorname{n:04d};Nachname-Mustermann{n:04d};Beispiel Metallbau GmbH & Co. KG;"
            f"Unternehmen;person{n:04d}@example.org;+49 30 {n:07d};\r\n"
        )
    return "".join(lines).encode("utf-8")


def count_people(app: Any, event_id: int) -> int:
    with app.app_context():
        query = select(func.count()).where(Participant.event_id == event_id)
        return int(db.session().scalar(query) or 0)


def test_a_2000_row_csv_previews_and_imports(app: Any, csrf_client: Any, make_event: Any) -> None:
    info = make_event("small")
    url = f"/organiser/events/{info['event_id']}/participants/import"
    raw = big_csv(2000)
    assert len(raw) > 190_000  # about 200 KB, far above MAX_CONTENT_LENGTH (64 KB)
    page = csrf_client.get(url)
    assert page.status_code == 200
    before = count_people(app, info["event_id"])
    response = csrf_client.post(
        url,
        data={"csrf_token": token_of(page.get_data(as_text=True)), "file": (BytesIO(raw), "a.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.status
    html = response.get_data(as_text=True)
    assert len(re.findall(r'<tr class="ok"', html)) == 2000
    payload = re.search(r'name="payload" value="([^"]+)"', html)
    assert payload
    response = csrf_client.post(
        f"{url}/confirm", data={"csrf_token": token_of(html), "payload": payload.group(1)}
    )
    assert response.status_code == 302, response.status
    assert count_people(app, info["event_id"]) == before + 2000


def test_a_csv_above_the_upload_limit_is_413(app: Any, csrf_client: Any, make_event: Any) -> None:
    info = make_event("small")
    url = f"/organiser/events/{info['event_id']}/participants/import"
    page = csrf_client.get(url)
    raw = b"x" * (app.config["MAX_UPLOAD_LENGTH"] + 1)
    response = csrf_client.post(
        url,
        data={"csrf_token": token_of(page.get_data(as_text=True)), "file": (BytesIO(raw), "a.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413


def test_other_forms_keep_the_small_limit(app: Any, csrf_client: Any, make_event: Any) -> None:
    info = make_event("small")
    url = f"/organiser/events/{info['event_id']}/participants/new"
    page = csrf_client.get(url)
    big = "A" * (app.config["MAX_CONTENT_LENGTH"] + 10)
    response = csrf_client.post(
        url, data={"csrf_token": token_of(page.get_data(as_text=True)), "name": big}
    )
    assert response.status_code == 413


def megabyte_event_file() -> bytes:
    """Return a valid event file of just over 1 MB: stations with long descriptions, 600 people."""
    parts = ['[event]\ntitle = "Großer Parcours"\n\n']
    for s in range(20):
        description = f"Station {s}: " + "Ausbildung, Praktikum und Beratung. " * 40
        parts.append(
            f'[[stations]]\nname = "Station {s:02d}"\ncode = "S{s:02d}"\ncapacity = 40\n'
            f'description = "{description[:1990]}"\n\n'
        )
    for n in range(600):
        parts.append(
            f'[[participants]]\nname = "Teilnehmerin {n:04d} Mustermann"\n'
            f'organisation = "Beispiel Metallbau GmbH & Co. KG"\n'
            f'email = "p{n:04d}@example.org"\ninterests = ["S{n % 20:02d}"]\n\n'
        )
    text = "".join(parts)
    comment = "# " + "Kommentar zur Planung der Veranstaltung. " * 2 + "\n"
    while len(text.encode()) < 1_050_000:
        text += comment
    return text.encode("utf-8")


def test_a_1_mb_event_file_loads(app: Any, csrf_client: Any) -> None:
    raw = megabyte_event_file()
    assert len(raw) > 1_000_000
    page = csrf_client.get("/organiser/")
    assert page.status_code == 200
    response = csrf_client.post(
        "/organiser/events/upload",
        data={
            "csrf_token": token_of(page.get_data(as_text=True)),
            "file": (BytesIO(raw), "gross.toml"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    with app.app_context():
        event = db.session().scalar(select(Event).where(Event.title == "Großer Parcours"))
        assert event is not None
        assert count_people(app, event.id) == 600
