"""JSON: the whole event; `parcours event create` loads it again into an equal event."""

from __future__ import annotations

import json

from click.testing import CliRunner

from parcours.cli import cli
from tests.exports.records import FOLLOW_UPS


def cli_env(database_url: str) -> dict[str, str]:
    return {"PARCOURS_DATABASE_URL": database_url, "PARCOURS_ASYNC_MODE": "threading"}


def test_round_trip_recreates_an_equal_event(app, seeded, export, database_url, tmp_path):
    info, s = seeded
    first = json.loads(export(s.event_id, "json"))
    assert first["format"] == "parcours-event"
    path = tmp_path / "event.json"
    path.write_text(json.dumps(first), encoding="utf-8")
    done = CliRunner().invoke(
        cli, ["event", "create", str(path), "--json"], env=cli_env(database_url)
    )
    assert done.exit_code == 0, done.output
    created = json.loads(done.output)
    assert created["event_id"] != s.event_id
    again = json.loads(export(created["event_id"], "json"))
    assert again["event_file"] == first["event_file"]
    assert [p["name"] for p in again["event_file"]["participants"]] == [
        p["name"] for p in info["participants"]
    ]


def test_event_file_refers_to_stations_by_code_and_records_by_index(app, seeded, export):
    info, s = seeded
    doc = json.loads(export(s.event_id, "json"))
    codes = [st["code"] for st in doc["event_file"]["stations"]]
    assert codes == [st["code"] for st in info["stations"]]
    jana = doc["event_file"]["participants"][0]
    assert jana["email"] == "jana.waechter@example.org" and jana["phone"] == "+49 30 23125 101"
    assert jana["interests"] == [codes[0], codes[1]]
    records = doc["records"]
    assert len(records["follow_ups"]) == len(FOLLOW_UPS)
    assert records["follow_ups"][0]["participant"] == 0
    assert records["follow_ups"][0]["station"] == codes[0]
    assert len(records["plan"]) == 12 and records["plan"][0]["segment"] == 1
    assert {len(records[k]) for k in ("leads", "notes", "wall_cards")} == {2}
    assert records["announcements"][0]["text"].startswith("Frau")
