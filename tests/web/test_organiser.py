"""Organiser pages through the test client: login, ownership, CSRF, agenda, stations, people."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from parcours.extensions import db
from parcours.storage import AccessToken, Clock, Event, Participant, Segment, Station

PASSWORD = "richtig-geheim"


def make_organiser(app: Any, email: str, admin: bool = True) -> int:
    """Create an organiser (an administrator unless told: the test events have no owner)."""
    from parcours.services.accounts import create_organiser

    with app.app_context():
        return create_organiser(db.session(), email, PASSWORD, admin=admin).id


def login(client: Any, email: str) -> Any:
    return client.post("/organiser/login", data={"email": email, "password": PASSWORD})


@pytest.fixture
def org(app: Any, client: Any, make_event: Any) -> dict[str, Any]:
    """Log an administrator in; return the small event (made without owner, not yet claimed)."""
    make_organiser(app, "orga@example.org")
    assert login(client, "orga@example.org").status_code == 302
    return make_event("small")


def base(info: dict[str, Any]) -> str:
    return f"/organiser/events/{info['event_id']}"


def field_errors(response: Any) -> list[str]:
    return re.findall(r'data-field="([^"]+)"', response.get_data(as_text=True))


def with_app(app: Any, fn: Any) -> Any:
    with app.app_context():
        return fn(db.session())


def test_login_required_and_wrong_password(app: Any, client: Any) -> None:
    response = client.get("/organiser/")
    assert response.status_code == 302
    assert response.location.startswith("/organiser/login?next=/organiser/")
    make_organiser(app, "orga@example.org")
    response = client.post(
        "/organiser/login", data={"email": "orga@example.org", "password": "falsch!!"}
    )
    assert response.status_code == 401
    assert client.get("/organiser/").status_code == 302
    response = client.post(
        "/organiser/login?next=//evil.example/x",
        data={"email": "ORGA@example.org", "password": PASSWORD},
    )
    assert response.location == "/organiser/"
    assert client.get("/organiser/").status_code == 200
    assert client.post("/organiser/logout").status_code == 302
    assert client.get("/organiser/").status_code == 302


def test_every_form_needs_the_csrf_token(app: Any, client: Any, org: dict[str, Any]) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(f"{base(org)}/stations/new", data={"name": "Ohne Token"})
    assert response.status_code == 400
    page = client.get(f"{base(org)}/stations/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    response = client.post(
        f"{base(org)}/stations/new", data={"name": "Mit Token", "csrf_token": token.group(1)}
    )
    assert response.status_code == 302
    for url in ("/organiser/", base(org), f"{base(org)}/agenda", f"{base(org)}/participants/new"):
        html = client.get(url).get_data(as_text=True)
        assert html.count("<form") == html.count('name="csrf_token"'), url


def test_unclaimed_events_become_the_first_editors(app: Any, client: Any, org: Any) -> None:
    make_organiser(app, "zweite@example.org")
    other = app.test_client()
    login(other, "zweite@example.org")
    assert other.get(base(org)).status_code == 200  # not claimed yet: both administrators see it
    assert org["join_code"] in other.get("/organiser/").get_data(as_text=True)
    client.post(f"{base(org)}/stations/new", data={"name": "Neue Station"})
    owner = with_app(app, lambda s: s.get(Event, org["event_id"]).organiser_id)
    assert owner is not None
    assert other.get(base(org)).status_code == 404
    assert other.post(f"{base(org)}/stations/new", data={"name": "x"}).status_code == 404
    assert org["join_code"] not in other.get("/organiser/").get_data(as_text=True)


def test_pages_render(client: Any, org: dict[str, Any]) -> None:
    station = org["stations"][0]["id"]
    person = org["participants"][0]["id"]
    for path in (
        "",
        "/edit",
        "/agenda",
        "/stations",
        "/stations/new",
        f"/stations/{station}",
        "/participants",
        "/participants/new",
        f"/participants/{person}",
        "/participants/import",
        "/links",
    ):
        response = client.get(base(org) + path)
        assert response.status_code == 200, path
    html = client.get(base(org)).get_data(as_text=True)
    assert org["join_code"] in html and "Kleiner Testparcours" in html
    assert client.get(f"{base(org)}/stations/999999").status_code == 404


def test_new_event_and_details(app: Any, client: Any, org: dict[str, Any]) -> None:
    response = client.post("/organiser/events", data={"title": "", "retention_days": "0"})
    assert response.status_code == 400
    assert set(field_errors(response)) >= {"title", "retention_days"}
    response = client.post(
        "/organiser/events",
        data={"title": "Fachkräftetag", "starts_at": "2026-10-01T09:00", "retention_days": "30"},
    )
    assert response.status_code == 302
    event_id = int(response.location.rsplit("/", 1)[1])
    event = with_app(app, lambda s: s.get(Event, event_id))
    assert event.starts_at.isoformat() == "2026-10-01T07:00:00+00:00"  # Berlin summer time
    assert event.retention_days == 30
    response = client.post(
        f"/organiser/events/{event_id}/edit",
        data={"title": "Fachkräftetag 2026", "language": "en", "retention_days": "60"},
    )
    assert response.status_code == 302
    event = with_app(app, lambda s: s.get(Event, event_id))
    assert (event.title, event.language, event.retention_days) == ("Fachkräftetag 2026", "en", 60)


def test_agenda(app: Any, client: Any, org: dict[str, Any]) -> None:
    url = f"{base(org)}/agenda"
    response = client.post(url, data={"title": "Runde 2", "kind": "parcours", "rounds": "2"})
    assert response.status_code == 400 and field_errors(response) == ["round_minutes"]
    data = {"title": "Runde 2", "kind": "parcours", "rounds": "3", "round_minutes": "10"}
    data["transition_minutes"] = "2"
    assert client.post(url, data=data).status_code == 302
    segs = with_app(app, lambda s: s.scalars(select(Segment).order_by(Segment.position)).all())
    assert [s.title for s in segs][-1] == "Runde 2" and segs[-1].minutes == 34
    last = segs[-1].id
    client.post(f"{url}/{last}/move", data={"direction": "up"})
    client.post(f"{url}/{last}", data={"title": "Kaffee", "kind": "break", "minutes": "15"})
    segs = with_app(app, lambda s: s.scalars(select(Segment).order_by(Segment.position)).all())
    assert [(s.title, s.kind) for s in segs][1] == ("Kaffee", "break")
    client.post(f"{url}/{last}/delete")
    segs = with_app(app, lambda s: s.scalars(select(Segment).order_by(Segment.position)).all())
    assert [s.position for s in segs] == [0, 1] and last not in [s.id for s in segs]


def test_running_event_keeps_started_items(app: Any, client: Any, org: dict[str, Any]) -> None:
    def start(session: Any) -> int:
        clock = session.get(Clock, org["event_id"])
        clock.phase, clock.segment_index = "running", 1
        session.commit()
        return int(session.scalars(select(Segment).order_by(Segment.position)).first().id)

    first = with_app(app, start)
    response = client.post(f"{base(org)}/agenda/{first}/delete")
    assert response.status_code == 409
    assert client.post(f"{base(org)}/agenda", data={"title": "Ende", "minutes": "5"}).status_code
    assert with_app(app, lambda s: s.get(Clock, org["event_id"]).segment_index) == 1


def test_stations(app: Any, client: Any, org: dict[str, Any]) -> None:
    url = f"{base(org)}/stations"
    response = client.post(f"{url}/catalogue", data={"template": "jobcenter", "location": "T9"})
    assert response.status_code == 302
    jobcenter = with_app(
        app, lambda s: s.scalar(select(Station).where(Station.template == "jobcenter"))
    )
    assert jobcenter.location == "T9" and jobcenter.topics and jobcenter.kind == "authority"
    assert client.post(f"{url}/catalogue", data={"template": "nope"}).status_code == 400
    response = client.post(f"{url}/new", data={"name": "", "capacity": "0", "code": "x"})
    assert response.status_code == 400
    assert set(field_errors(response)) == {"name", "capacity", "code"}
    data = {
        "name": "Muster Pflege",
        "kind": "company",
        "capacity": "4",
        "topics": "Ausbildung\nPflege",
    }
    assert client.post(f"{url}/new", data=data).status_code == 302
    pflege = with_app(
        app, lambda s: s.scalar(select(Station).where(Station.name == "Muster Pflege"))
    )
    assert pflege.topics == ["Ausbildung", "Pflege"] and pflege.capacity == 4
    hosts = with_app(
        app,
        lambda s: s.scalars(select(AccessToken).where(AccessToken.station_id == pflege.id)).all(),
    )
    assert [t.role for t in hosts] == ["host"]
    taken = org["stations"][0]["code"]
    response = client.post(f"{url}/{pflege.id}", data={"name": "Muster Pflege", "code": taken})
    assert response.status_code == 400 and field_errors(response) == ["code"]
    data = {"name": "Muster Pflege & Wohnen", "capacity": "6", "code": "MPW"}
    assert client.post(f"{url}/{pflege.id}", data=data).status_code == 302
    assert client.post(f"{url}/{pflege.id}/delete").status_code == 302
    assert with_app(app, lambda s: s.get(Station, pflege.id)) is None
    gone = with_app(
        app,
        lambda s: s.scalars(select(AccessToken).where(AccessToken.station_id == pflege.id)).all(),
    )
    assert gone == []


def test_removing_a_station_clears_interests(app: Any, client: Any, org: dict[str, Any]) -> None:
    first = org["stations"][0]["id"]
    client.post(f"{base(org)}/stations/{first}/delete")
    people = with_app(app, lambda s: s.scalars(select(Participant)).all())
    assert all(first not in p.interests for p in people)


def test_participants(app: Any, client: Any, org: dict[str, Any]) -> None:
    url = f"{base(org)}/participants"
    station = org["stations"][1]["id"]
    response = client.post(f"{url}/new", data={"name": "", "email": "nope", "phone": "??"})
    assert response.status_code == 400
    assert set(field_errors(response)) == {"name", "email", "phone"}
    data = {"name": "Ilse Neu", "email": "ilse@example.org", "interests": [str(station)]}
    assert client.post(f"{url}/new", data={**data, "present": "on"}).status_code == 302
    ilse = with_app(
        app, lambda s: s.scalar(select(Participant).where(Participant.name == "Ilse Neu"))
    )
    assert ilse.interests == [station] and ilse.source == "organiser" and ilse.present
    page = client.get(f"{url}/{ilse.id}").get_data(as_text=True)
    assert re.search(r"/p/[\w-]{20,}", page)
    response = client.post(f"{url}/{ilse.id}", data={"name": "Ilse Neu", "interests": ["999999"]})
    assert response.status_code == 400 and field_errors(response) == ["interests"]
    assert client.post(f"{url}/{ilse.id}", data={"name": "Ilse Alt"}).status_code == 302
    ilse = with_app(app, lambda s: s.get(Participant, ilse.id))
    assert (ilse.name, ilse.interests, ilse.present) == ("Ilse Alt", [], False)
    assert client.post(f"{url}/{ilse.id}/delete").status_code == 302
    assert with_app(app, lambda s: s.get(Participant, ilse.id)) is None


def test_links_page_has_every_role(client: Any, org: dict[str, Any]) -> None:
    html = client.get(f"{base(org)}/links").get_data(as_text=True)
    assert f"/join/{org['join_code']}" in html
    assert f"/f/{org['facilitator_token']}" in html
    assert f"/s/{org['screen_token']}" in html
    for station in org["stations"]:
        assert f"/h/{station['host_token']}" in html
    assert html.count("<svg") == 3 + len(org["stations"])


def test_event_file_upload(app: Any, client: Any, org: dict[str, Any]) -> None:
    from io import BytesIO

    from tests.conftest import EXAMPLES

    text = (EXAMPLES / "small.toml").read_text(encoding="utf-8")
    bad = text.replace("capacity = 2", "capacity = 0", 1).replace(
        "retention_days = 30", 'retention_days = "x"'
    )
    before = with_app(app, lambda s: len(s.scalars(select(Event)).all()))
    response = client.post(
        "/organiser/events/upload",
        data={"file": (BytesIO(bad.encode()), "bad.toml")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "<code>stations[0].capacity</code>: must be at least 1" in html
    assert "<code>event.retention_days</code>: must be a whole number" in html
    assert with_app(app, lambda s: len(s.scalars(select(Event)).all())) == before
    response = client.post(
        "/organiser/events/upload",
        data={"file": (BytesIO(text.encode()), "good.toml")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert with_app(app, lambda s: len(s.scalars(select(Event)).all())) == before + 1
