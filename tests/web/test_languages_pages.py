"""Every participant in their language, through the test client: the stored language decides
the phone page, else the browser; organiser pages stay German or English; route cards, the join
poster, error pages and station topics in the participant's language."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from sqlalchemy import select

from parcours.extensions import db
from parcours.schemas.common import LANGUAGE_NAMES
from tests.conftest import auth

NEW = ("uk", "ar", "fa", "tr", "ru")
# One phrase per language from the join page, the phone page and the error page.
JOIN = {
    "uk": "Ваше ім'я",
    "ar": "اسمك",
    "fa": "نام شما",
    "tr": "Adınız",
    "ru": "Ваше имя",
}
ROUTE = {"uk": "Ваш маршрут", "ar": "مسارك", "fa": "مسیر شما", "tr": "Rotanız", "ru": "Ваш маршрут"}
GERMAN = ("Ihr Name", "Datenschutzhinweise", "Ihre Route", "Bitte kontaktieren Sie mich", "Notiz")


def _set_language(app: Any, participant_id: int, language: str) -> None:
    from parcours.storage import Participant

    with app.app_context():
        person = db.session.get(Participant, participant_id)
        person.language = language
        db.session.commit()


def _html_lang(html: str) -> tuple[str, str]:
    found = re.search(r'<html lang="([^"]+)" dir="([^"]+)">', html)
    assert found, html[:200]
    return found.group(1), found.group(2)


@pytest.mark.parametrize("lang", NEW)
def test_the_join_page_follows_the_browser(app: Any, make_event: Any, lang: str) -> None:
    code = make_event("small")["join_code"]
    html = app.test_client().get(f"/join/{code}", headers={"Accept-Language": lang}).text
    assert _html_lang(html) == (lang, "rtl" if lang in ("ar", "fa") else "ltr")
    assert JOIN[lang] in html
    assert not [word for word in GERMAN if word in html]
    for name in LANGUAGE_NAMES.values():  # the switch: each language by its own name
        assert f">{name}</a>" in html
    privacy = app.test_client().get(f"/join/{code}/privacy?lang={lang}").text
    assert _html_lang(privacy)[0] == lang and "Datenschutz" not in privacy.replace("DSGVO", "")


def test_the_join_form_stores_the_new_languages(app: Any, make_event: Any) -> None:
    from parcours.storage import Participant

    info = make_event("small")
    client = app.test_client()
    page = client.get(f"/join/{info['join_code']}?lang=fa").text
    assert 'value="fa"' in page
    form = {
        "name": "Darya Ahmadi",
        "organisation": "",
        "kind": "jobseeker",
        "language": "fa",
        "email": "darya@example.org",
        "consent": "yes",
    }
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    if token:
        form["csrf_token"] = token.group(1)
    answer = client.post(f"/join/{info['join_code']}", data=form)
    assert answer.status_code in (302, 303), answer.text[:2000]
    with app.app_context():
        person = db.session.scalars(
            select(Participant).where(Participant.email == "darya@example.org")
        ).one()
        assert person.language == "fa"


def test_the_stored_language_decides_the_phone_page(app: Any, make_event: Any) -> None:
    info = make_event("small")
    person = info["participants"][0]
    url = f"/p/{person['token']}"
    german = app.test_client().get(url, headers={"Accept-Language": "ar"}).text
    assert _html_lang(german) == ("de", "ltr")  # stored "de": the browser is asked only after
    _set_language(app, person["id"], "uk")
    page = app.test_client().get(url, headers={"Accept-Language": "ar"}).text
    assert _html_lang(page) == ("uk", "ltr") and ROUTE["uk"] in page
    assert not [word for word in GERMAN if word in page]
    chosen = app.test_client().get(f"{url}?lang=tr", headers={"Accept-Language": "ar"}).text
    assert _html_lang(chosen) == ("tr", "ltr") and ROUTE["tr"] in chosen


def test_organiser_pages_stay_german_or_english(app: Any, make_event: Any) -> None:
    info = make_event("small")
    client = app.test_client()
    html = client.get(f"/f/{info['facilitator_token']}", headers={"Accept-Language": "ar"}).text
    assert _html_lang(html) == ("de", "ltr")
    html = client.get(f"/f/{info['facilitator_token']}?lang=ru").text
    assert _html_lang(html)[0] in ("de", "en")
    assert "Українська" not in html  # the switch offers DE and EN only
    assert client.get("/organiser/login?lang=en").status_code == 200


@pytest.mark.parametrize("lang", ["ar", "tr"])
def test_error_pages_in_the_readers_language(app: Any, lang: str) -> None:
    answer = app.test_client().get("/p/not-a-token", headers={"Accept-Language": lang})
    assert answer.status_code == 404
    assert _html_lang(answer.text)[0] == lang
    text = {"ar": "هذا الرابط غير صالح", "tr": "Bu bağlantı (artık) geçerli değil"}[lang]
    assert text in answer.text
    missing = app.test_client().get("/no/such/page", headers={"Accept-Language": lang})
    assert missing.status_code == 404 and "requested URL" not in missing.text


def test_station_topics_in_the_participants_language(
    app: Any, make_event: Any, database_url: str
) -> None:
    """agentur-fuer-arbeit has Ukrainian topics; the IHK template has none: German, marked."""
    from tests.realtime.helpers import assign_on

    info = make_event("small")
    assign_on(database_url, info["event_id"])
    person = info["participants"][0]
    _set_language(app, person["id"], "uk")
    html = app.test_client().get(f"/p/{person['token']}").text
    block = re.search(r'<script type="application/json" id="capture-stations">(.*?)</script>', html)
    assert block
    stations = {s["id"]: s for s in json.loads(block.group(1))}
    agentur, ihk = stations[info["stations"][0]["id"]], stations[info["stations"][1]["id"]]
    assert agentur["lang"] == "uk" and agentur["translated"] is True
    first = agentur["topics"][0]
    assert first["label"] == "Вакансії: знайти відповідних кандидатів"
    assert first["value"] == "Stellen melden und passende Bewerberinnen und Bewerber finden"
    assert ihk["lang"] == "de" and ihk["translated"] is False
    assert ihk["topics"][0]["label"] == ihk["topics"][0]["value"]
    assert "Про цю станцію" in html and "Агентство з питань праці" in html
    assert "Лише мовою: Deutsch" in html  # the IHK's German description, marked


def test_a_topic_sent_in_another_language_arrives_in_the_stations_own(
    app: Any, make_event: Any
) -> None:
    info = make_event("small")
    person, station = info["participants"][0], info["stations"][0]
    body = {
        "client_id": "6f0c3a52-0d7e-4f7e-9a49-6a1b2c3d4e5f",
        "station_id": station["id"],
        "topic": "Вакансії: знайти відповідних кандидатів",
        "share_contact": False,
    }
    client = app.test_client()
    answer = client.post("/api/v1/follow-ups", json=body, headers=auth(person["token"]))
    assert answer.status_code == 201, answer.text
    assert answer.json["topic"] == "Stellen melden und passende Bewerberinnen und Bewerber finden"
    path = f"/api/v1/events/{info['event_id']}/stations/{station['id']}/follow-ups"
    rows = client.get(path, headers=auth(station["host_token"])).get_json()
    assert [r["topic"] for r in rows] == [answer.json["topic"]]


def test_route_cards_and_poster_in_the_participants_languages(
    app: Any, client: Any, make_event: Any
) -> None:
    from tests.web.test_organiser import login, make_organiser
    from tests.web.test_plans_pages import page_url, run_job

    make_organiser(app, "orga@example.org")
    assert login(client, "orga@example.org").status_code == 302
    info = make_event("small")
    _set_language(app, info["participants"][0]["id"], "ar")
    _set_language(app, info["participants"][1]["id"], "ru")
    run_job(client, info)
    html = client.get(page_url(info, "/route-cards")).text
    card = r'<article class="route-card" data-participant="(\d+)" lang="(\w+)" dir="(\w+)">'
    cards = re.findall(card, html)
    langs = {int(pid): (lang, direction) for pid, lang, direction in cards}
    assert langs[info["participants"][0]["id"]] == ("ar", "rtl")
    assert langs[info["participants"][1]["id"]] == ("ru", "ltr")
    assert langs[info["participants"][2]["id"]] == ("en", "ltr")  # as the event file says
    assert "الجولة" in html and "Раунд" in html and "Runde" in html
    poster = client.get(f"/organiser/events/{info['event_id']}/join-poster").text
    for lang in ("de", "en", *NEW):
        assert f'<div class="jp-text" lang="{lang}"' in poster, lang
    assert "امسح الرمز بكاميرا هاتفك" in poster


def test_the_csv_and_the_event_file_take_the_new_languages() -> None:
    from parcours.web.organiser.csv_import import parse_csv

    raw = (
        "Name;E-Mail;Sprache\n"
        "Olena;olena@example.org;Ukrainisch\n"
        "Ahmad;ahmad@example.org;العربية\n"
        "Darya;darya@example.org;Dari\n"
        "Deniz;deniz@example.org;Türkçe\n"
        "Ivan;ivan@example.org;ru\n"
        "Nemo;nemo@example.org;Klingonisch\n"
    ).encode()
    rows = parse_csv(raw).rows
    assert [r.data["language"] for r in rows] == ["uk", "ar", "fa", "tr", "ru", "de"]
    assert rows[-1].errors.get("language") and not any(r.errors for r in rows[:-1])


def test_the_event_file_takes_the_new_languages(app: Any, make_event: Any) -> None:
    from tests.conftest import example

    data = example("small")
    data["participants"][0]["language"] = "fa"
    data["event"]["language"] = "uk"
    info = make_event(data)
    html = app.test_client().get(f"/p/{info['participants'][0]['token']}").text
    assert _html_lang(html) == ("fa", "rtl")


def test_socket_acks_speak_the_pages_language(app: Any, make_event: Any) -> None:
    """The live pages open their socket with ?lang= (the page's language), so a refused write
    is explained in the participant's language, not only the browser's."""
    from parcours.extensions import socketio

    info = make_event("small")
    sock = socketio.test_client(
        app,
        namespace="/live",
        query_string="lang=ar",
        auth={"token": info["participants"][0]["token"]},
        headers={"Accept-Language": "de"},
    )
    assert sock.is_connected("/live")
    ack = sock.emit(
        "note",
        {"client_id": "0b9d7c3e-5a51-4e4c-8f39-2d3c4b5a6f70", "text": ""},
        namespace="/live",
        callback=True,
    )
    sock.disconnect(namespace="/live")
    assert ack["status"] == 400
    message = ack["body"]["error"]["message"] + " ".join(
        m for msgs in ack["body"]["error"]["fields"].values() for m in msgs
    )
    assert re.search("[\u0600-\u06ff]", message), message


@pytest.mark.parametrize("lang", NEW)
def test_badge_check_in_and_home_pages_in_each_language(
    app: Any, make_event: Any, lang: str
) -> None:
    info = make_event("small")
    client = app.test_client()
    pages = {
        "/": {
            "uk": "Код заходу",
            "ar": "رمز المشاركة",
            "fa": "کد شرکت",
            "tr": "Katılım kodu",
            "ru": "Код мероприятия",
        },
        "/b/12-abcdefgh": {
            "uk": "Це бейдж з іменем",
            "ar": "هذه بطاقة اسم",
            "fa": "این یک کارت نام است",
            "tr": "Bu bir yaka kartı",
            "ru": "Это бейдж с именем",
        },
        f"/c/{info['stations'][0]['code']}": {
            "uk": "Спочатку відкрийте",
            "ar": "افتح رابطك الشخصي أولًا",
            "fa": "اول لینک شخصی خود را باز کنید",
            "tr": "Önce kişisel bağlantınızı açın",
            "ru": "Сначала откройте",
        },
    }
    for path, texts in pages.items():
        answer = client.get(path, headers={"Accept-Language": lang})
        assert answer.status_code in (200, 404), path
        assert _html_lang(answer.text) == (lang, "rtl" if lang in ("ar", "fa") else "ltr"), path
        assert texts[lang] in answer.text, (path, answer.text[:3000])
