"""Shred: no personal value of the event stays readable; counts stay; other events untouched."""

from __future__ import annotations

import html
import io
import json
import zipfile
from typing import Any

import pytest
from sqlalchemy import JSON, String, Text, select

from parcours.storage import AccessToken, AuditEntry, Base, Event, EventStats
from tests.conftest import auth, example
from tests.exports.records import seed

TOPIC_KEYS = ("by_topic", "by_station_topic")
FORMATS = [("csv", None), ("xlsx", None), ("json", None), ("vcf", None), ("zip", None)]


def other_event() -> dict[str, Any]:
    """Return the small event with different people and hosts."""
    data = example("small")
    for i, person in enumerate(data["participants"]):
        person.update(name=f"Zora Anders{i}", email=f"zora{i}@example.com")
        if "phone" in person:
            person["phone"] = f"+49 40 5550 10{i}"
    for i, station in enumerate(data["stations"]):
        station["host"] = f"Hannes Zweitmann{i}"
    return data


def every_text(session: Any) -> list[tuple[str, str, str]]:
    """Return every text and JSON value in every table: (table, column, text)."""
    out = []
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
        for column in columns:
            for value in session.scalars(select(column).where(column.is_not(None))):
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                out.append((table.name, column.name, text))
    return out


def rows_of_event(session: Any, event_id: int) -> dict[str, list[tuple[Any, ...]]]:
    """Return every row that belongs to an event, table by table."""
    out = {}
    for table in Base.metadata.sorted_tables:
        key = table.c.get("event_id") if table.name != "events" else table.c.id
        if key is not None:
            out[table.name] = [
                tuple(r) for r in session.execute(select(table).where(key == event_id))
            ]
    return out


def unpack(data: bytes) -> str:
    """Return a file's text, the members of ZIP files (XLSX included) unpacked, recursively."""
    if data[:2] != b"PK":
        # XML writers may spell "ä" as "&#228;": unescape, or a search would pass vacuously
        return html.unescape(data.decode("utf-8", "replace"))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return "\n".join(unpack(zf.read(name)) for name in zf.namelist())


def found(values: list[str], haystack: str) -> list[str]:
    lower = haystack.casefold()
    return [v for v in values if v.casefold() in lower]


@pytest.fixture
def two_events(app, make_event):
    from parcours.extensions import db

    a, b = make_event("small"), make_event(other_event())
    with app.app_context():
        session = db.session()
        return a, seed(session, a["event_id"], " (A)"), b, seed(session, b["event_id"], " (B)")


def test_shred_leaves_nothing_personal_and_keeps_counts(app, client, two_events, export):
    from parcours.extensions import db
    from parcours.services.after.report import compute_stats, report_data
    from parcours.services.privacy.shred import shred_event

    a, sa, b, sb = two_events
    with app.app_context():
        session = db.session()
        before = compute_stats(session, session.get(Event, sa.event_id))
        other_before = rows_of_event(session, sb.event_id)
        result = shred_event(session, sa.event_id, by="organiser:test")
    assert not result.already and result.deleted["notes"] == 2
    assert result.deleted["wall_cards"] == 2 and result.deleted["tokens_revoked"] == 6
    with app.app_context():
        session = db.session()
        texts = every_text(session)
        leaks = [(t, c, v) for t, c, v in texts for hit in found(sa.everything, v)]
        assert leaks == []
        assert found(sb.everything, "\n".join(v for _t, _c, v in texts)) == sb.everything
        assert rows_of_event(session, sb.event_id) == other_before
        event = session.get(Event, sa.event_id)
        assert event.shredded_at is not None
        stored = session.get(EventStats, sa.event_id).data
        after = report_data(session, event)
        entry = session.scalar(
            select(AuditEntry).where(
                AuditEntry.event_id == sa.event_id, AuditEntry.action == "event.shred"
            )
        )
        assert entry.actor == "organiser:test" and entry.at is not None
        tokens = session.scalars(
            select(AccessToken).where(
                AccessToken.event_id == sa.event_id, AccessToken.role == "participant"
            )
        ).all()
        assert tokens and all(t.revoked_at is not None for t in tokens)
    for key in (
        "participants",
        "stations",
        "follow_ups",
        "leads",
        "encounters",
        "wall",
        "check_ins",
    ):
        if key == "follow_ups":  # the seeded topics are typed ones: dropped, counted as such
            kept = {k: v for k, v in before[key].items() if k not in TOPIC_KEYS}
            assert {k: v for k, v in stored[key].items() if k not in TOPIC_KEYS} == kept
            continue
        assert stored[key] == before[key] == after[key]
    assert after["from_store"] and before["follow_ups"]["by_topic"][0] == ["Ausbildung", 2]
    assert after["follow_ups"]["by_topic"] == stored["follow_ups"]["by_topic"] == [["[deleted]", 5]]
    for fmt, station in FORMATS:
        assert found(sa.everything, unpack(export(sa.event_id, fmt, station))) == []
    for sid in sa.stations:
        assert found(sa.everything, unpack(export(sa.event_id, "zip", sid))) == []
    assert found(sb.personal, unpack(export(sb.event_id, "xlsx")))  # the other still exports


def test_api_shows_nothing_personal_after_shred(app, client, two_events):
    a, sa, _b, _sb = two_events
    person = a["participants"][0]["token"]
    assert (
        client.get(f"/api/v1/events/{a['event_id']}/state", headers=auth(person)).status_code == 200
    )
    done = client.post(f"/api/v1/events/{a['event_id']}/shred", headers=auth(a["organiser_token"]))
    assert done.status_code == 200, done.json
    assert done.json["already"] is False and done.json["deleted"]["participants"] == 6
    organiser = auth(a["organiser_token"])
    seen = []
    for path in ("", "/participants", "/stations", "/export?format=json", "/export?format=csv"):
        seen.append(
            client.get(f"/api/v1/events/{a['event_id']}{path}", headers=organiser).get_data()
        )
    for station in a["stations"]:
        url = f"/api/v1/events/{a['event_id']}/stations/{station['id']}/follow-ups"
        seen.append(client.get(url, headers=auth(station["host_token"])).get_data())
        seen.append(client.get(url + "?format=zip", headers=organiser).get_data())
    assert found(sa.everything, "\n".join(unpack(s) for s in seen)) == []
    assert (
        client.get(f"/api/v1/events/{a['event_id']}/state", headers=auth(person)).status_code == 401
    )
    again = client.post(f"/api/v1/events/{a['event_id']}/shred", headers=organiser)
    assert again.status_code == 200 and again.json["already"] is True


def test_shred_is_the_organisers_alone(app, client, two_events):
    a, _sa, b, _sb = two_events
    url = f"/api/v1/events/{a['event_id']}/shred"
    assert client.post(url, headers=auth(a["facilitator_token"])).status_code == 403
    assert client.post(url, headers=auth(a["stations"][0]["host_token"])).status_code == 403
    assert client.post(url, headers=auth(b["organiser_token"])).status_code == 404
    refused = client.post(url, headers=auth(a["organiser_token"]), json={"confirm": False})
    assert refused.status_code == 400 and "confirm" in refused.json["error"]["fields"]
    assert client.post(url, headers=auth(a["organiser_token"]), json={"nope": 1}).status_code == 400
    with app.app_context():
        from parcours.extensions import db

        assert db.session().get(Event, a["event_id"]).shredded_at is None
