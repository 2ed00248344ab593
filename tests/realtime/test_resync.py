"""A round change made while Redis is down reaches the phones of the other process once Redis is
back (parcours/realtime/resync.py): two real server processes, a private redis-server that the
test stops and starts (never the machine's shared Redis), python-socketio phones."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, Server, free_port, missing
from tests.realtime.clients import LiveClient
from tests.realtime.soak import Redis
from tests.realtime.test_live_server import create, post_clock

pytestmark = [pytest.mark.server, pytest.mark.xdist_group("faults")]  # see test_soak.py


@pytest.mark.parametrize("mode", ["eventlet", "gevent"])
def test_next_pressed_while_redis_is_down_reaches_the_other_process(
    server_factory: Callable[..., Server], tmp_path: Path, mode: str
) -> None:
    if not shutil.which("redis-server"):
        missing("redis-server is not installed (the test starts a private one)")
    redis = Redis(tmp_path, free_port())
    redis.start()
    env = {
        "PARCOURS_MESSAGE_QUEUE": redis.url,
        "PARCOURS_MESSAGE_QUEUE_CHANNEL": f"parcours-test-{uuid.uuid4().hex}",
    }
    phones: list[LiveClient] = []
    try:
        a, b = server_factory(mode, env), server_factory(mode, env)
        info = create(a, EXAMPLES / "small.toml")
        a.start(), b.start()
        fac = info["facilitator_token"]
        on_a = LiveClient(a.url, info["participants"][0]["token"]).connect()
        on_b = LiveClient(b.url, info["participants"][1]["token"]).connect()
        phones += [on_a, on_b]
        for action in ("start", "next"):
            answer = post_clock(a, info, fac, action=action)
            assert answer.status_code == 200, answer.text
            version = answer.json()["version"]
        assert on_b.wait_state(lambda s: s["version"] == version)  # through Redis

        redis.stop()
        answer = post_clock(a, info, fac, action="next")  # the round changes, Redis is down
        assert answer.status_code == 200, answer.text
        pressed = answer.json()
        assert on_a.wait_state(lambda s: s["version"] == pressed["version"])  # its own process
        redis.start()

        # B's phone gets the round within the 10 s the issue asks for after a fault
        assert on_b.wait_state(lambda s: s["version"] == pressed["version"], timeout=10)
        got = next(s for s in on_b.states if s["version"] == pressed["version"])
        assert got["round"] == pressed["round"] and got["ends_at"] == pressed["ends_at"]
    finally:
        for phone in phones:
            phone.close()
        redis.stop()


@pytest.mark.parametrize("mode", ["eventlet", "gevent"])
def test_pause_and_finish_while_redis_is_down_reach_the_other_process(
    server_factory: Callable[..., Server], tmp_path: Path, mode: str
) -> None:
    """Not only running clocks: a clock paused, or finished, while Redis was down is sent to
    the other process's phones too (the ticker sweeps every event with sockets there)."""
    if not shutil.which("redis-server"):
        missing("redis-server is not installed (the test starts a private one)")
    redis = Redis(tmp_path, free_port())
    redis.start()
    env = {
        "PARCOURS_MESSAGE_QUEUE": redis.url,
        "PARCOURS_MESSAGE_QUEUE_CHANNEL": f"parcours-test-{uuid.uuid4().hex}",
    }
    phones: list[LiveClient] = []
    try:
        a, b = server_factory(mode, env), server_factory(mode, env)
        info = create(a, EXAMPLES / "small.toml")
        a.start(), b.start()
        fac = info["facilitator_token"]
        on_a = LiveClient(a.url, info["participants"][0]["token"]).connect()
        on_b = LiveClient(b.url, info["participants"][1]["token"]).connect()
        phones += [on_a, on_b]
        for action in ("start", "next"):
            answer = post_clock(a, info, fac, action=action)
            assert answer.status_code == 200, answer.text
            version = answer.json()["version"]
        assert on_b.wait_state(lambda s: s["version"] == version)  # through Redis

        for action, phase in (("pause", "paused"), ("finish", "finished")):
            redis.stop()
            answer = post_clock(a, info, fac, action=action)  # published while Redis is down
            assert answer.status_code == 200, answer.text
            pressed = answer.json()
            assert pressed["phase"] == phase, pressed
            assert on_a.wait_state(lambda s, v=pressed["version"]: s["version"] == v)
            redis.start()
            assert on_b.wait_state(lambda s, v=pressed["version"]: s["version"] == v, timeout=10)
            got = next(s for s in on_b.states if s["version"] == pressed["version"])
            assert got["phase"] == phase and got["round"] == pressed["round"]
    finally:
        for phone in phones:
            phone.close()
        redis.stop()
