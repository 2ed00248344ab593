"""The auto-advance task: one pass advances due parcours clocks and broadcasts the state."""

from __future__ import annotations

from typing import Any

from tests.conftest import auth


def drive(client: Any, info: dict[str, Any], *actions: Any) -> dict[str, Any]:
    state: dict[str, Any] = {}
    for action in actions:
        body = action if isinstance(action, dict) else {"action": action}
        response = client.post(
            f"/api/v1/events/{info['event_id']}/clock",
            json=body,
            headers=auth(info["facilitator_token"]),
        )
        assert response.status_code == 200, response.json
        state = response.json
    return state


def test_a_due_round_advances_and_is_broadcast(app: Any, client: Any, make_event: Any) -> None:
    from parcours.extensions import socketio
    from parcours.realtime.ticker import Ticker

    info = make_event("small")
    drive(client, info, "start", "next", {"action": "extend", "seconds": -3600})
    screen = socketio.test_client(app, namespace="/live", auth={"token": info["screen_token"]})
    screen.get_received("/live")
    ticker = Ticker(app)
    ticker.tick()
    states = [m["args"][0] for m in screen.get_received("/live") if m["name"] == "state"]
    assert len(states) == 1 and states[0]["round"] == 2 and states[0]["phase"] == "running"
    ticker.tick()  # round 2 is not due yet: nothing more
    assert not screen.get_received("/live")
    screen.disconnect("/live")


def test_a_talk_whose_time_is_up_waits_for_the_facilitator(
    app: Any, client: Any, make_event: Any
) -> None:
    from parcours.realtime.ticker import Ticker

    info = make_event("small")
    drive(client, info, "start", {"action": "extend", "seconds": -3600})
    ticker = Ticker(app)
    ticker.tick()
    ticker.tick()
    state = client.get(
        f"/api/v1/events/{info['event_id']}/state", headers=auth(info["screen_token"])
    ).json
    assert state["segment"]["index"] == 0 and state["phase"] == "running"
    assert state["remaining_s"] == 0


def test_no_ticker_when_auto_advance_is_off(app: Any) -> None:
    from parcours.realtime.ticker import start_ticker

    assert start_ticker(app) is None
