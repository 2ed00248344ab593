"""German everywhere in the German UI: every page and every API error a user can trigger.

Two checks. The pages of an event (organiser, phone, tablet, kiosk, console, screen, join,
closed) are fetched in German; their visible text and the strings their scripts show must not
contain English words. The API errors a person can cause from those pages are asked for in
German and in English: each message (and each field's message) must differ between the two
and contain no English words.
"""

from __future__ import annotations

import html as htmllib
import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from parcours.extensions import db
from tests.conftest import auth
from tests.web.test_organiser import login, make_organiser

DE = {"Accept-Language": "de-DE,de;q=0.9"}
EN = {"Accept-Language": "en"}
# Words of English that German text never has (names of people and stations aside).
ENGLISH = {
    "the", "is", "are", "and", "of", "to", "with", "not", "this", "that", "please", "your",
    "must", "already", "unknown", "registered", "required", "value", "no", "such", "cannot",
    "has", "have", "been", "was", "were", "there", "nothing", "finished", "round", "rounds",
    "for", "be", "it", "an", "or", "on", "at", "by", "from", "you",
    "only", "any", "more", "try", "again", "found", "invalid", "field", "missing", "data",
}  # fmt: skip
ALLOWED = {"e-mail", "parcours", "csv", "xlsx", "json", "vcard", "zip", "qr", "id", "pdf"}
SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script>", re.S | re.I)
STYLE = re.compile(r"<style\b[^>]*>.*?</style>", re.S | re.I)
TAG = re.compile(r"<[^>]+>")
ATTR = re.compile(r'\b(?:placeholder|title|aria-label|alt|data-confirm)="([^"]*)"')


def english_words(text: str, allowed: set[str]) -> list[str]:
    """Return the English marker words in a text (addresses and tokens are not words)."""
    text = re.sub(r"https?://\S+|[\w-]*[\d_][\w-]*", " ", text)
    words = re.findall(r"[A-Za-zÄÖÜäöüß'-]+", text)
    return [w for w in words if w.lower() in ENGLISH and w.lower() not in allowed]


def json_strings(value: Any) -> list[str]:
    """Return every string in a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in json_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in json_strings(v)]
    return []


def visible_text(page: str) -> str:
    """Return what a person reads on a page: text, labels, and the strings its scripts show."""
    texts = [m for m in ATTR.findall(page)]
    for block in SCRIPT.findall(page):
        try:
            data = json.loads(block)
        except ValueError:
            continue
        # the live data block holds people's data too; its i18n and labels are what matter
        if isinstance(data, dict) and "token" in data:
            continue
        texts += json_strings(data)
    for attr in re.findall(r"data-i18n=\"([^\"]*)\"", page):
        texts += json_strings(json.loads(htmllib.unescape(attr)))
    body = TAG.sub(" ", STYLE.sub(" ", SCRIPT.sub(" ", page)))
    texts.append(htmllib.unescape(body))
    return "\n".join(texts)


def user_words(app: Any) -> set[str]:
    """Return the words of the event's own data (names, stations, topics): not the UI's."""
    from parcours.storage import Event

    words: set[str] = set(ALLOWED)
    with app.app_context():
        for event in db.session().query(Event):
            parts = [event.title, event.venue]
            for s in event.stations:
                parts += [s.name, s.description, s.host, s.location, *(s.topics or [])]
                parts += [str(q) for q in s.questions or []]
            for p in event.participants:
                parts += [p.name, p.organisation, p.email or ""]
            for part in parts:
                words |= {w.lower() for w in re.findall(r"[A-Za-zÄÖÜäöüß'-]+", part or "")}
    return words


@pytest.fixture
def german(app: Any, make_event: Any) -> dict[str, Any]:
    """Return the small event with a plan, an organiser logged in (German), a running clock."""
    info = make_event("small")
    make_organiser(app, "orga@example.org")
    web = app.test_client()
    web.environ_base["HTTP_ACCEPT_LANGUAGE"] = DE["Accept-Language"]
    assert login(web, "orga@example.org").status_code == 302
    api = app.test_client()
    plan = api.post(
        f"/api/v1/events/{info['event_id']}/plan",
        json={"time_limit": 1},
        headers=auth(info["organiser_token"]),
    )
    assert plan.status_code == 201
    info["web"] = web
    return info


def pages(info: dict[str, Any]) -> list[str]:
    """Return the German pages of one event a person can open."""
    event = f"/organiser/events/{info['event_id']}"
    station = info["stations"][0]
    return [
        "/",
        "/join",
        f"/join/{info['join_code']}",
        f"/privacy/{info['join_code']}",
        "/?code=NOPE99",
        "/organiser/",
        event,
        f"{event}/edit",
        f"{event}/agenda",
        f"{event}/stations",
        f"{event}/stations/new",
        f"{event}/participants",
        f"{event}/participants/new",
        f"{event}/participants/{info['participants'][0]['id']}",
        f"{event}/participants/import",
        f"{event}/plan",
        f"{event}/links",
        f"{event}/report",
        f"{event}/shred",
        f"/p/{info['participants'][0]['token']}",
        f"/h/{station['host_token']}",
        f"/f/{info['facilitator_token']}",
        f"/s/{info['screen_token']}",
        "/p/no-such-token",
    ]


def test_every_german_page_is_german(app: Any, german: dict[str, Any]) -> None:
    allowed = user_words(app)
    found: dict[str, list[str]] = {}
    for url in pages(german):
        answer = german["web"].get(url)
        assert answer.status_code in (200, 404), (url, answer.status_code)
        text = visible_text(answer.get_data(as_text=True))
        if words := english_words(text, allowed):
            found[url] = sorted(set(words))
    already = german["web"].post(  # a second registration with a known e-mail
        f"/join/{german['join_code']}",
        data={"name": "Jana", "email": "jana.waechter@example.org", "consent": "on"},
    )
    assert already.status_code == 409
    if words := english_words(visible_text(already.get_data(as_text=True)), allowed):
        found["join: already registered"] = words
    assert not found, f"English on German pages: {found}"


def test_the_pages_of_a_closed_event_are_german(app: Any, german: dict[str, Any]) -> None:
    from parcours.services.privacy.shred import shred_event

    with app.app_context():
        shred_event(db.session(), german["event_id"], by="test")
    allowed = user_words(app)
    event = f"/organiser/events/{german['event_id']}"
    for url in (
        f"/p/{german['participants'][0]['token']}",
        f"/h/{german['stations'][0]['host_token']}",
        f"/f/{german['facilitator_token']}",
        f"/s/{german['screen_token']}",
        f"{event}/participants",
        f"{event}/shred",
        f"/join/{german['join_code']}",
    ):
        text = visible_text(german["web"].get(url).get_data(as_text=True))
        assert not english_words(text, allowed), (url, english_words(text, allowed))


def uid(n: int) -> str:
    """Return a client id as a phone makes it (a UUID)."""
    return f"9b2f0c1e-4d3a-4b8e-9c2d-1a2b3c4d5e{n:02d}"


Trigger = Callable[[Any, dict[str, Any], dict[str, str]], Any]


def _join(body: dict[str, Any]) -> Trigger:
    return lambda c, i, h: c.post(f"/api/v1/join/{i['join_code']}", json=body, headers=h)


def _clock(action: str, token: str = "facilitator_token") -> Trigger:
    return lambda c, i, h: c.post(
        f"/api/v1/events/{i['event_id']}/clock",
        json={"action": action},
        headers={**h, **auth(i[token])},
    )


def _as_participant(path: str, body: dict[str, Any]) -> Trigger:
    return lambda c, i, h: c.post(
        f"/api/v1{path}", json=body, headers={**h, **auth(i["participants"][0]["token"])}
    )


TRIGGERS: dict[str, Trigger] = {
    "join: unknown kind": _join({"name": "A", "kind": "ehrenamt", "consent": True}),
    "join: e-mail already registered": _join(
        {"name": "Jana", "email": "jana.waechter@example.org", "consent": True}
    ),
    "join: no consent, bad e-mail": _join({"name": "", "email": "x"}),
    "join: unknown station": _join({"name": "A", "interests": [99999], "consent": True}),
    "check-in: wrong station code": _as_participant(
        "/check-ins", {"client_id": uid(0), "station_code": "ZZZZ"}
    ),
    "note: blank": _as_participant("/notes", {"client_id": uid(1), "text": ""}),
    "follow-up: unknown station": _as_participant(
        "/follow-ups",
        {"client_id": uid(2), "station_id": 99999, "topic": "x", "share_contact": False},
    ),
    "clock: pause before the start": _clock("pause"),
    "clock: unknown action": _clock("explode"),
    "attendance: nobody chosen": lambda c, i, h: c.post(
        f"/api/v1/events/{i['event_id']}/attendance",
        json={"participant_ids": [999999], "present": False},
        headers={**h, **auth(i["facilitator_token"])},
    ),
    "announcement: blank": lambda c, i, h: c.post(
        f"/api/v1/events/{i['event_id']}/announcements",
        json={"text": "   "},
        headers={**h, **auth(i["facilitator_token"])},
    ),
}

AFTER_FINISH: dict[str, Trigger] = {
    "clock: finish again": _clock("finish"),
    "clock: resume after the end": _clock("resume"),
    "re-plan: every round started": lambda c, i, h: c.post(
        f"/api/v1/events/{i['event_id']}/plan/replan",
        json={},
        headers={**h, **auth(i["facilitator_token"])},
    ),
}


def texts_of(body: dict[str, Any]) -> list[str]:
    error = body["error"]
    return [error["message"], *(m for msgs in error["fields"].values() for m in msgs)]


def check(
    name: str, trigger: Trigger, client: Any, info: dict[str, Any], allowed: set[str]
) -> list[str]:
    german = trigger(client, info, DE)
    english = trigger(client, info, EN)
    assert german.status_code >= 400 and german.status_code == english.status_code, name
    problems = []
    for de_text, en_text in zip(texts_of(german.json), texts_of(english.json), strict=True):
        if de_text == en_text or english_words(de_text, allowed):
            problems.append(f"{name}: {de_text!r}")
    return problems


def test_every_api_error_a_user_can_trigger_is_german(app: Any, german: dict[str, Any]) -> None:
    allowed = user_words(app)
    client = app.test_client()
    problems = [
        p
        for name, trigger in TRIGGERS.items()
        for p in check(name, trigger, client, german, allowed)
    ]
    assert _clock("start")(client, german, EN).status_code == 200
    assert _clock("finish")(client, german, EN).status_code == 200
    problems += [
        p
        for name, trigger in AFTER_FINISH.items()
        for p in check(name, trigger, client, german, allowed)
    ]
    from parcours.services.privacy.shred import shred_event

    with app.app_context():
        shred_event(db.session(), german["event_id"], by="test")
    problems += check(
        "note after the shred",
        lambda c, i, h: c.post(
            "/api/v1/notes",
            json={"client_id": uid(3), "text": "x"},
            headers={**h, **auth(i["stations"][0]["host_token"])},
        ),
        client,
        german,
        allowed,
    )
    assert not problems, "\n".join(problems)


def test_csv_preview_and_agenda_form_errors_are_german(app: Any, german: dict[str, Any]) -> None:
    import io

    allowed = user_words(app)
    event = f"/organiser/events/{german['event_id']}"
    csv = (
        "Name;E-Mail;Art\nEva Ehrenamt;eva@example.org;ehrenamt\n"
        "Jana;jana.waechter@example.org;Unternehmen\n"
    )
    page = german["web"].post(
        f"{event}/participants/import",
        data={"file": (io.BytesIO(csv.encode("utf-8")), "leute.csv")},
        content_type="multipart/form-data",
    )
    text = visible_text(page.get_data(as_text=True))
    assert "bereits angemeldet" in text
    assert not english_words(text, allowed), english_words(text, allowed)
    answer = german["web"].post(
        f"{event}/agenda", data={"title": "Parcours", "kind": "parcours", "minutes": "30"}
    )
    text = visible_text(answer.get_data(as_text=True))
    assert not english_words(text, allowed), english_words(text, allowed)


@pytest.mark.parametrize(("lang", "words"), [("de", "Stationscode"), ("en", "station_code")])
def test_socket_answers_speak_the_page_language(
    app: Any, make_event: Any, lang: str, words: str
) -> None:
    from parcours.extensions import socketio

    info = make_event("small")
    phone = socketio.test_client(
        app,
        namespace="/live",
        auth={"token": info["participants"][0]["token"]},
        headers={"Accept-Language": lang},
    )
    assert phone.is_connected("/live")
    ack = phone.emit(
        "check_in",
        {"client_id": uid(4), "station_code": "ZZZZ"},
        namespace="/live",
        callback=True,
    )
    phone.disconnect("/live")
    assert ack["status"] == 400
    assert words in ack["body"]["error"]["message"]
