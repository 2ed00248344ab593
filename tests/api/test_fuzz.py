"""Property-based fuzzing of the whole API from its OpenAPI document (schemathesis): with the
participant, host, kiosk and organiser tokens, valid and invalid input, no answer is a 5xx."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis  # a dev extra: `pip install -e '.[dev]'` (make test does)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from tests.conftest import auth

EXAMPLES = 3  # per operation, role and mode: a few hundred cases in all, a minute at most
ROLES = ("participant", "host", "kiosk", "organiser")
LAST = ("kiosk_start", "kiosk_exit", "shred_event")  # end a token or the event: run them last
PLANNER_OPS = ("compute_plan", "replan_open_rounds")


@pytest.fixture
def fuzz_app(app: Any, make_event: Any, client: Any) -> tuple[Any, dict[str, Any]]:
    """Return the app and, by role, a token and the ids worth aiming at."""
    app.config["RATE_LIMIT_PER_MINUTE"] = 100_000
    ev = make_event("small")
    station = ev["stations"][0]
    started = client.post(
        "/api/v1/kiosk", json={"pin": "2468"}, headers=auth(station["host_token"])
    )
    assert started.status_code == 201
    ids = {
        "event_id": ev["event_id"],
        "station_id": station["id"],
        "participant_id": ev["participants"][0]["id"],
        "join_code": ev["join_code"],
        "card_id": 1,
    }
    tokens = {
        "participant": ev["participants"][0]["token"],
        "host": station["host_token"],
        "kiosk": started.get_json()["token"],
        "organiser": ev["organiser_token"],
    }
    return app, {"ids": ids, "tokens": tokens}


def operations(schema: Any) -> list[Any]:
    ops = [result.ok() for result in schema.get_all_operations()]
    return sorted(ops, key=lambda op: (op.definition.raw.get("operationId") in LAST, op.path))


def roles_of(op: Any) -> list[str | None]:
    """Return the roles that may call the operation (None: no token), plus one that may not."""
    text = op.definition.raw.get("description", "")
    if "security" not in op.definition.raw:
        return [None]
    allowed = [r for r in ROLES if r in text]
    refused = [r for r in ROLES if r not in allowed][:1]
    return allowed + refused


def fuzz(op: Any, role: str | None, mode: Any, known: dict[str, Any], calls: list[Any]) -> None:
    """Run EXAMPLES generated cases of one operation as one role; record (name, role, status)."""
    name = op.definition.raw.get("operationId")
    headers = auth(known["tokens"][role]) if role else {}

    @given(case=op.as_strategy(generation_mode=mode), aim=st.booleans())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any, aim: bool) -> None:
        if aim and case.path_parameters:  # half the cases hit real records
            for key in case.path_parameters:
                if key in known["ids"]:
                    case.path_parameters[key] = known["ids"][key]
        if name in PLANNER_OPS and isinstance(case.body, dict):
            case.body["time_limit"] = 0.1  # a fuzzer must not wait on the planner
        response = case.call(headers=headers)
        calls.append((name, role, response.status_code, f"{case.formatted_path} {case.body!r}"))

    run()


def test_no_input_makes_the_api_answer_5xx(fuzz_app: Any) -> None:
    app, known = fuzz_app
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    calls: list[tuple[str, str | None, int, str]] = []
    for op in operations(schema):
        for role in roles_of(op):
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                fuzz(op, role, mode, known, calls)
    assert [c for c in calls if c[2] >= 500] == []
    assert len(calls) >= 400
    statuses = {c[2] for c in calls}
    assert {200, 201, 400, 403, 404} <= statuses  # it reached real records, refusals and errors
