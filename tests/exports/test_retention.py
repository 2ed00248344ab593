"""The automatic shred, retention_days after the event; and the CLI commands."""

from __future__ import annotations

import json
from datetime import timedelta

from click.testing import CliRunner

from parcours.cli import cli
from parcours.storage import Event, utcnow


def test_shred_due_takes_only_events_past_their_period(app, make_event):
    from parcours.extensions import db
    from parcours.services.privacy.retention import due_events, shred_due

    old, recent, undated = make_event("small"), make_event("small"), make_event("small")
    now = utcnow()
    with app.app_context():
        session = db.session()
        for info, days_ago in ((old, 40), (recent, 10)):
            event = session.get(Event, info["event_id"])
            event.starts_at = now - timedelta(days=days_ago)
            event.created_at = now - timedelta(days=days_ago + 5)
        session.get(Event, undated["event_id"]).starts_at = None
        session.commit()
        assert due_events(session, now) == [old["event_id"]]
        assert shred_due(session, now) == [old["event_id"]]
        assert shred_due(session, now) == []
        assert session.get(Event, old["event_id"]).shredded_at is not None
        assert session.get(Event, recent["event_id"]).shredded_at is None
        later = now + timedelta(days=25)
        assert due_events(session, later) == [recent["event_id"]]


def test_a_past_dated_event_keeps_its_data_the_full_period_from_creation(app, make_event):
    from parcours.extensions import db
    from parcours.services.privacy.retention import due_events

    info = make_event("small")  # starts 2026-09-17, 30 days: the date alone may be past
    with app.app_context():
        assert due_events(db.session(), utcnow()) == []
        assert due_events(db.session(), utcnow() + timedelta(days=31)) == [info["event_id"]]


def env(url: str) -> dict[str, str]:
    return {"PARCOURS_DATABASE_URL": url, "PARCOURS_ASYNC_MODE": "threading"}


def test_cli_export_and_shred(app, make_event, database_url, tmp_path):
    info = make_event("small")
    runner = CliRunner()
    out = tmp_path / "event.json"
    done = runner.invoke(cli, ["export", str(info["event_id"]), "--format", "json", "-o", str(out)],
                         env=env(database_url))  # fmt: skip
    assert done.exit_code == 0, done.output
    assert json.loads(out.read_text())["event_file"]["event"]["title"] == "Kleiner Testparcours"
    code = info["stations"][1]["code"]
    pack = tmp_path / "pack.zip"
    args = ["export", info["join_code"], "--format", "zip", "--station", code, "-o", str(pack)]
    assert runner.invoke(cli, args, env=env(database_url)).exit_code == 0
    assert pack.read_bytes()[:2] == b"PK"
    bad = runner.invoke(cli, ["export", "999", "--format", "csv", "-o", str(tmp_path / "x.csv")],
                        env=env(database_url))  # fmt: skip
    assert bad.exit_code == 2 and "No event" in bad.output and not (tmp_path / "x.csv").exists()
    asked = runner.invoke(cli, ["shred", str(info["event_id"])], input="n\n", env=env(database_url))
    assert asked.exit_code == 1 and "Delete now?" in asked.output
    done = runner.invoke(cli, ["shred", str(info["event_id"]), "--yes"], env=env(database_url))
    assert done.exit_code == 0 and "personal data deleted" in done.output
    again = runner.invoke(cli, ["shred", str(info["event_id"]), "--yes"], env=env(database_url))
    assert "already" in again.output
    due = runner.invoke(cli, ["shred", "--due"], env=env(database_url))
    assert due.exit_code == 0 and "none due" in due.output
