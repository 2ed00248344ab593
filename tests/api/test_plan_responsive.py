"""Planning every parcours of an agenda keeps a real eventlet server responsive.

compute_plan plans the parcours one after the other; each search hands the server's other
green threads a turn a few times a second (the cooperative progress callback), the later
parcours as much as the first: /healthz is answered while the second parcours is searched.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.api.test_plan_rules import rules_event
from tests.conftest import auth


def two_parcours_file(tmp: Path, people: int) -> Path:
    """Write an event with two parcours, many people and stations (a search of seconds)."""
    data = rules_event(parcours=2)
    data["event"]["max_participants"] = people
    data["stations"] = [
        {"name": f"Station {i + 1}", "kind": "organisation", "capacity": 6, "code": f"ST{i + 1}"}
        for i in range(people // 5)
    ]
    data["participants"] = [
        {"name": f"Person {i + 1:03d}", "kind": "organisation", "organisation": f"Org {i % 7}"}
        for i in range(people)
    ]
    path = tmp / "two-parcours.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.server
def test_healthz_answers_while_the_second_parcours_is_planned(
    server_factory: Any, tmp_path: Path
) -> None:
    server = server_factory("eventlet", {"PARCOURS_AUTO_ADVANCE": "0"}).start()
    done = server.cli("event", "create", str(two_parcours_file(tmp_path, 120)), "--json")
    assert done.returncode == 0, done.stderr
    info = json.loads(done.stdout)
    answers: list[float] = []  # when each /healthz answer arrived
    result: list[Any] = []

    def plan() -> None:
        result.append(
            requests.post(
                f"{server.url}/api/v1/events/{info['event_id']}/plan",
                json={"seed": 1, "time_limit": 4},
                headers=auth(info["organiser_token"]),
                timeout=120,
            )
        )

    thread = threading.Thread(target=plan)
    thread.start()
    while thread.is_alive():
        health = requests.get(f"{server.url}/healthz", timeout=120)
        assert health.status_code == 200
        answers.append(time.monotonic())
    ended = time.monotonic()
    thread.join()
    assert result and result[0].status_code == 201, result[0].text
    second = result[0].json()["segments"][0]["metrics"]["seconds"]
    assert second >= 1.0, "the second parcours must be searched long enough to tell"
    # the server's own measure: the second search ran in the last `second` s before the answer
    began = ended - second
    during = [t for t in answers if began <= t <= began + second / 2]
    assert during, "no /healthz answer while the second parcours was being searched"


def test_the_progress_of_a_two_parcours_plan_runs_once_from_0_to_1(
    app: Any, make_event: Any
) -> None:
    from parcours.extensions import db
    from parcours.services import plans

    info = make_event(rules_event(parcours=2))
    seen: list[float] = []
    with app.app_context():
        result = plans.compute_plan(
            db.session(),
            info["event_id"],
            seed=2,
            time_limit=2,
            progress=lambda fraction, _detail: seen.append(fraction),
        )
    assert len(result["segments"]) == 1
    first = [f for f in seen if f <= 0.5]
    second = [f for f in seen if f > 0.5]
    assert first and second, seen  # both parcours report (and yield)
    assert seen.index(second[0]) == len(first)  # the first parcours, then the second
    assert seen[-1] == 1.0 and all(0.0 <= f <= 1.0 for f in seen)
