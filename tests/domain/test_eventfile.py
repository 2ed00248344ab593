"""Event files: one clear message per problem with its field path, nothing written on error."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, func, select

from parcours.domain.errors import Invalid
from parcours.services.setup.events import validate_event_file
from parcours.storage import Event
from tests.conftest import EXAMPLES, example


def problems_of(mutate: Any) -> dict[str, list[str]]:
    """Return the field errors of the small example after mutate(data)."""
    data = copy.deepcopy(example("small"))
    mutate(data)
    with pytest.raises(Invalid) as caught:
        validate_event_file(data)
    return caught.value.fields


def test_examples_are_valid() -> None:
    for name in ("small", "demo"):
        validate_event_file(example(name))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (0, "must be at least 1"),
        (501, "must be at most 500"),
        (2.5, "must be a whole number"),
        ("7", "must be a whole number"),
        (True, "must be a whole number"),
    ],
)
def test_capacity_must_be_a_whole_number_in_range(value: Any, message: str) -> None:
    fields = problems_of(lambda d: d["stations"][2].update(capacity=value))
    assert fields == {"stations[2].capacity": [message]}


def test_one_message_per_problem_with_its_path() -> None:
    def mutate(d: dict[str, Any]) -> None:
        d["event"].pop("title")
        d["event"]["retention_days"] = 0
        d["agenda"][0]["minutes"] = "ten"
        d["stations"][0]["kind"] = "spaceship"
        d["stations"][1]["colour"] = "blue"
        d["participants"][0]["email"] = "not-an-address"
        d["participants"][1]["interests"] = ["nowhere"]

    fields = problems_of(mutate)
    assert fields == {
        "event.title": ["is required"],
        "event.retention_days": ["must be at least 1"],
        "agenda[0].minutes": ["must be a whole number"],
        "stations[0].kind": [
            "must be one of: company, authority, organisation, chamber, jobseeker, volunteer, other"
        ],
        "stations[1].colour": ["unknown field"],
        "participants[0].email": ["not a valid email address"],
        # the cross-checks run too, in the same run (issue 10, item 9)
        "participants[1].interests[0]": ["no station with template, code or name 'nowhere'"],
    }


def test_cross_checks_after_the_schema() -> None:
    def mutate(d: dict[str, Any]) -> None:
        d["participants"][1]["interests"] = ["nowhere"]
        d["agenda"][1]["rounds"] = 4
        d["stations"][0]["template"] = "no-such-template"
        d["stations"][1]["code"] = d["stations"][2]["code"] = "T2"

    fields = problems_of(mutate)
    assert fields["participants[1].interests[0]"] == [
        "no station with template, code or name 'nowhere'"
    ]
    assert fields["agenda[1].rounds"][0].startswith("must not exceed the number of stations (3)")
    assert fields["stations[0].template"][0].startswith("unknown template 'no-such-template'")
    assert fields["stations[2].code"] == ["'T2' is used twice"]


def test_shapes_that_are_not_tables() -> None:
    assert problems_of(lambda d: d.update(event="Fest")) == {"event": ["must be a table"]}
    assert problems_of(lambda d: d.pop("event")) == {"event": ["is required"]}
    fields = problems_of(lambda d: d["event"].update(starts_at="morgen früh"))
    assert fields == {"event.starts_at": ["must be a date and time like 2026-08-29T08:30:00+02:00"]}
    fields = problems_of(lambda d: d["agenda"][1].pop("round_minutes"))
    assert fields == {"agenda[1].round_minutes": ["is required for a parcours"]}


def invoke(database_url: str, *args: str) -> Any:
    """Run the parcours command against the test database."""
    from parcours.cli import cli

    env = {"PARCOURS_DATABASE_URL": database_url, "PARCOURS_ASYNC_MODE": "threading"}
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def count_events(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(Event)) or 0)
    finally:
        engine.dispose()


def test_cli_prints_the_json_of_the_contract(database_url: str) -> None:
    done = invoke(database_url, "event", "create", str(EXAMPLES / "small.toml"), "--json")
    assert done.exit_code == 0, done.output
    info = json.loads(done.stdout)
    assert list(info) == [
        "event_id",
        "join_code",
        "organiser_token",
        "facilitator_token",
        "screen_token",
        "stations",
        "participants",
    ]
    assert len(info["stations"]) == 3 and len(info["participants"]) == 6
    assert set(info["stations"][0]) == {"id", "name", "code", "host_token"}
    assert set(info["participants"][0]) == {"id", "name", "token"}
    tokens = [info["organiser_token"], info["facilitator_token"], info["screen_token"]]
    tokens += [s["host_token"] for s in info["stations"]]
    tokens += [p["token"] for p in info["participants"]]
    assert all(tokens) and len(set(tokens)) == len(tokens)


def test_cli_bad_file_writes_nothing(database_url: str, tmp_path: Path) -> None:
    text = (EXAMPLES / "small.toml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace("capacity = 2", "capacity = 2.5", 1), encoding="utf-8")
    done = invoke(database_url, "event", "create", str(bad), "--json")
    assert done.exit_code == 2
    assert "stations[0].capacity: must be a whole number" in done.stderr
    assert done.stdout == ""
    assert count_events(database_url) == 0
    broken = tmp_path / "broken.toml"
    broken.write_text("[event\ntitle = 1", encoding="utf-8")
    done = invoke(database_url, "event", "create", str(broken))
    assert done.exit_code == 2 and "broken.toml" in done.stderr
    assert count_events(database_url) == 0


def test_schema_errors_and_cross_checks_come_in_one_run() -> None:
    """A missing station name is reported together with the schema errors, each by its path."""

    def mutate(d: dict[str, Any]) -> None:
        d["stations"][0].pop("template", None)
        d["stations"][0].pop("name", None)  # cross-check: a name is needed without a template
        d["stations"][1]["capacity"] = "viele"  # schema
        d["event"]["retention_days"] = 0  # schema
        d["participants"][0]["interests"] = ["Mondbasis"]  # cross-check: unknown station
        d["stations"][1]["code"] = d["stations"][2]["code"] = "DUP1"  # cross-check: twice

    fields = problems_of(mutate)
    assert fields["stations[1].capacity"] == ["must be a whole number"]
    assert fields["event.retention_days"] == ["must be at least 1"]
    assert fields["stations[0].name"] == ["is required without a template"]
    assert fields["participants[0].interests[0]"] == [
        "no station with template, code or name 'Mondbasis'"
    ]
    assert fields["stations[2].code"] == ["'DUP1' is used twice"]


def test_a_value_with_a_schema_error_is_not_reported_twice() -> None:
    fields = problems_of(lambda d: d["stations"][0].update(name="", template=None))
    assert len(fields["stations[0].name"]) == 1  # the schema's message only
    broken = problems_of(lambda d: d.update(stations=["not a table", *d["stations"][1:]]))
    assert "stations[0]" in broken and "stations[0].name" not in broken


def test_a_file_that_is_not_a_table_is_one_clear_error() -> None:
    with pytest.raises(Invalid) as caught:
        validate_event_file(["not", "a", "table"])
    assert caught.value.fields == {"_schema": ["must be a table"]}
