"""The self-registration page on the phone and the privacy notice."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from parcours.extensions import db
from parcours.storage import AccessToken, Participant


@pytest.fixture
def info(make_event: Any) -> dict[str, Any]:
    return make_event("small")


def count(app: Any) -> int:
    with app.app_context():
        return len(db.session().scalars(select(Participant)).all())


def test_form_shows_stations_and_consent(app: Any, client: Any, info: dict[str, Any]) -> None:
    from parcours.services.privacy.retention import deletion_day
    from parcours.storage import Event

    html = client.get(f"/join/{info['join_code']}?lang=en").get_data(as_text=True)
    for station in info["stations"]:
        assert f'name="interests" value="{station["id"]}"' in html
    assert 'name="consent"' in html
    with app.app_context():  # the one deletion day (the event was entered after its end)
        day = deletion_day(db.session().get(Event, info["event_id"]))
    assert day is not None
    assert f"30 days after this event was set up (on {day:%d.%m.%Y})." in html  # 17.09.2026: past
    assert "only if you ask it to contact you" in html
    assert f"/privacy/{info['join_code']}" in html
    assert 'name="csrf_token"' in html


def test_register(app: Any, client: Any, info: dict[str, Any]) -> None:
    station = info["stations"][2]["id"]
    response = client.post(
        f"/join/{info['join_code'].lower()}",
        data={
            "name": "Nia Mensah",
            "organisation": "",
            "kind": "organisation",
            "email": "",
            "phone": "",
            "interests": [str(station)],
            "language": "en",
            "consent": "on",
        },
    )
    assert response.status_code == 302
    token = re.fullmatch(r"/p/([\w-]+)", response.location)
    assert token
    with app.app_context():
        row = db.session().scalar(select(AccessToken).where(AccessToken.token == token.group(1)))
        person = db.session().get(Participant, row.participant_id)
        assert (person.name, person.email, person.interests) == ("Nia Mensah", None, [station])
        assert person.consent_at is not None and person.source == "self"


def test_bad_input_re_renders_with_errors(app: Any, client: Any, info: dict[str, Any]) -> None:
    before = count(app)
    response = client.post(
        f"/join/{info['join_code']}",
        data={"name": "Nia", "email": "kaputt", "phone": "ruf an", "interests": ["1"]},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert set(re.findall(r'data-field="(\w+)"', html)) == {"consent", "email", "phone"}
    assert 'value="Nia"' in html and 'value="kaputt"' in html
    assert count(app) == before


@pytest.mark.parametrize("bad", ["\u00b2", "9" * 5000, "12345678901234567890"])
def test_a_non_ascii_or_huge_number_is_an_error_not_a_crash(
    app: Any, client: Any, info: dict[str, Any], bad: str
) -> None:
    before = count(app)
    station = str(info["stations"][0]["id"])
    for field in ("avoid", "interests", "absent_rounds"):
        response = client.post(
            f"/join/{info['join_code']}",
            data={"name": "Nia", "language": "en", "consent": "on", field: [station, bad]},
        )
        assert response.status_code == 400, (field, bad)
        html = response.get_data(as_text=True)
        assert field in re.findall(r'data-field="(\w+)"', html), (field, bad)
        assert 'value="Nia"' in html
    assert count(app) == before


def test_csrf_is_checked(app: Any, client: Any, info: dict[str, Any]) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(f"/join/{info['join_code']}", data={"name": "x", "consent": "on"})
    assert response.status_code == 400
    assert count(app) == len(info["participants"])


def test_privacy_page(client: Any, info: dict[str, Any]) -> None:
    html = client.get(f"/privacy/{info['join_code']}?lang=en").get_data(as_text=True)
    for words in ("controller", "Art. 6(1)(a) GDPR", "Articles 15 to 21", "30 days"):
        assert words in html


def test_unknown_code(client: Any) -> None:
    assert client.get("/join/NOPE99").status_code == 404
    assert client.get("/privacy/NOPE99").status_code == 404
    answer = client.get("/?code=abc 123")  # back to the form, with the code and a message
    html = answer.get_data(as_text=True)
    assert answer.status_code == 404 and answer.location is None
    assert 'value="ABC123"' in html and "no event with the code ABC123" in html


def test_codes_typed_on_a_phone_are_normalised(client: Any, info: dict[str, Any]) -> None:
    code = info["join_code"]
    spaced = " ".join(code.lower())  # as read from the projector's widely spaced letters
    assert client.get("/", query_string={"code": spaced}).location == f"/join/{code}"
    assert client.get(f"/join/{code.lower()}").location == f"/join/{code}"
    assert client.get(f"/join/{code[:3]} {code[3:]}").location == f"/join/{code}"


@pytest.mark.parametrize(("lang", "words"), [("de", "Anmeldecode"), ("en", "Join code")])
def test_join_without_a_code_asks_for_it(client: Any, lang: str, words: str) -> None:
    for url in ("/join", "/join/"):
        answer = client.get(url, headers={"Accept-Language": lang})
        html = answer.get_data(as_text=True)
        assert answer.status_code == 200 and words in html and 'id="code-form"' in html
        assert "Not Found" not in html
