"""`parcours plan` as a user runs it: a subprocess, synthetic or on an event of a database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from typing import Any

import pytest

from tests.conftest import EXAMPLES, ROOT


def parcours(*args: str, database_url: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if database_url:
        env["PARCOURS_DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-m", "parcours", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )


def test_synthetic_plan_prints_metrics_and_assignments() -> None:
    done = parcours("plan", "--participants", "20", "--stations", "5", "--rounds", "4", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert set(data) == {"metrics", "assignments"}
    rows = data["assignments"]
    assert len(rows) == 80
    assert {r["participant_id"] for r in rows} == set(range(20))
    assert {r["round"] for r in rows} == {1, 2, 3, 4}
    assert {r["station_id"] for r in rows} <= set(range(5))
    assert max(Counter((r["round"], r["station_id"]) for r in rows).values()) <= 4
    assert max(Counter((r["participant_id"], r["station_id"]) for r in rows).values()) == 1
    assert data["metrics"]["hard_ok"] is True


def test_infeasible_sizes_print_one_line_per_problem_and_exit_2() -> None:
    done = parcours(
        "plan", "--participants", "20", "--stations", "3", "--rounds", "4", "--capacity", "5"
    )
    assert done.returncode == 2 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert lines and all(line.startswith("error: ") for line in lines)
    assert any("rounds (4) exceed stations (3)" in line for line in lines)


def test_either_an_event_or_sizes() -> None:
    assert parcours("plan").returncode == 2
    assert parcours("plan", "1", "--participants", "3").returncode == 2


@pytest.fixture
def small_db(database_url: str) -> tuple[str, dict[str, Any]]:
    done = parcours(
        "event", "create", str(EXAMPLES / "small.toml"), "--json", database_url=database_url
    )
    assert done.returncode == 0, done.stderr
    return database_url, json.loads(done.stdout)


def test_plan_of_an_event_is_stored(small_db: tuple[str, dict[str, Any]]) -> None:
    url, info = small_db
    event = str(info["event_id"])
    done = parcours("plan", event, "--json", "--time-limit", "1", database_url=url)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    people = {p["id"] for p in info["participants"]}
    assert {(r["participant_id"], r["round"]) for r in data["assignments"]} == {
        (p, r) for p in people for r in (1, 2)
    }
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        stored = conn.execute(text("select count(*) from assignments")).scalar()
        runs = conn.execute(text("select count(*) from plan_runs")).scalar()
    engine.dispose()
    assert stored == len(data["assignments"]) and runs == 1
    done = parcours("plan", event, "--mode", "groups", "--seed", "4", database_url=url)
    assert done.returncode == 0, done.stderr
    assert "(groups)" in done.stdout and f"event {event}" in done.stdout


def test_plan_of_an_unknown_event_or_bad_option_fails(
    small_db: tuple[str, dict[str, Any]],
) -> None:
    url, info = small_db
    done = parcours("plan", "9999", database_url=url)
    assert done.returncode == 2 and "9999" in done.stderr
    done = parcours("plan", str(info["event_id"]), "--time-limit", "0", database_url=url)
    assert done.returncode == 2 and "time_limit" in done.stderr


def test_the_demo_comes_with_a_plan(database_url: str) -> None:
    done = parcours("demo", database_url=database_url)
    assert done.returncode == 0, done.stderr
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as conn:
        people = conn.execute(text("select count(*) from participants")).scalar()
        rows = conn.execute(text("select count(*) from assignments")).scalar()
        runs = conn.execute(text("select metrics from plan_runs")).all()
    engine.dispose()
    assert len(runs) == 1 and people and rows == people * 6
    assert json.loads(runs[0][0])["hard_ok"] is True


def test_plan_of_one_parcours_by_its_segment(small_db: tuple[str, dict[str, Any]]) -> None:
    url, info = small_db
    event = str(info["event_id"])
    done = parcours("plan", event, "--segment", "999999", database_url=url)
    assert done.returncode == 2 and "segment_id" in done.stderr
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        segment = conn.execute(
            text("select id from segments where kind = 'parcours' and event_id = :e"),
            {"e": info["event_id"]},
        ).scalar()
    engine.dispose()
    done = parcours("plan", event, "--segment", str(segment), "--json", database_url=url)
    assert done.returncode == 0, done.stderr
    assert "segments" not in json.loads(done.stdout)
