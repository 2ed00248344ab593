"""Limits: writes per token, joins per address, wrong codes and failed logins (429), body size.

The counting is done by the `limits` library (moving windows). With `PARCOURS_MESSAGE_QUEUE`
set, every process of a deployment counts in the same Redis (keys under the deployment's
channel), so a limit holds however many processes there are; otherwise the counts live in
this process. If Redis cannot be reached, a limit lets the request through and logs it: the
event goes on rather than every write failing.
"""

from __future__ import annotations

import functools
import json
import logging
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app, has_app_context
from limits import RateLimitItem
from limits import parse as parse_rule
from limits.errors import StorageError
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from parcours import process
from parcours.domain.errors import ParcoursError, TooMany

log = logging.getLogger(__name__)
EXTENSION_KEY = process.LIMITS
KIOSK_PINS = "5/minute"  # wrong kiosk codes per kiosk token
LOGIN_ACCOUNT = "5/5 minutes"  # failed logins per e-mail address: then a lock of up to 5 min
LOGIN_ADDRESS = "30/5 minutes"  # failed logins per client address (any e-mail)
JOIN_ADDRESS = "150/2 minutes"  # self-registrations per client address (a venue NAT)


class TooLarge(ParcoursError):
    """The request body is over MAX_CONTENT_LENGTH."""

    status = 413
    code = "payload_too_large"


def too_many(message: str, wait: float) -> TooMany:
    """Return the 429 error saying how many seconds to wait (also sent as Retry-After)."""
    seconds = max(1, math.ceil(wait))
    fields = {"retry_after_s": [str(seconds)]}
    return TooMany(f"{message} Try again in {seconds} s.", fields, retry_after=seconds)


@functools.lru_cache(maxsize=64)
def parse(rule: str) -> RateLimitItem:
    """Return the parsed rule: parsed once, not at every write (limits' parser is a regex
    walk of a few microseconds; a burst of notes asked it a thousand times)."""
    return parse_rule(rule)


class SweptMemoryStorage(MemoryStorage):
    """limits' in-process storage, sweeping expired entries at most once a second, inline, not
    in a timer thread started every 10 ms.

    The sweep visits every key under its lock; with a thousand phones writing it took about a
    tenth of the server's CPU during a burst (py-spy, BENCHMARKS.md "Burst"). Expired entries
    are only memory: the moving window compares each entry's time itself.
    """

    STORAGE_SCHEME = ["parcours-memory"]  # keep limits' own memory:// as it is

    swept = 0.0

    def _MemoryStorage__schedule_expiry(self) -> None:  # the base class's private hook
        # inline, no timer thread: starting one yields to other greenlets under gevent, in the
        # middle of a caller's work (parcours.realtime.writer admits writes before its
        # transaction, but nothing should yield here)
        now = time.monotonic()
        if now - self.swept >= 1.0:
            self.swept = now
            self._MemoryStorage__expire_events()


class Limits:
    """Moving-window counters in one storage: Redis (shared) or this process's memory."""

    def __init__(self, uri: str | None = None, prefix: str = "parcours") -> None:
        self.shared = bool(uri)
        if uri:
            storage = storage_from_string(uri, key_prefix=f"{prefix}:limits", wrap_exceptions=True)
        else:
            storage = SweptMemoryStorage()
        self.window = MovingWindowRateLimiter(storage)

    def hit(self, rule: str, *keys: str) -> float:
        """Count one for keys under rule; return 0 if allowed, else the seconds to wait."""
        return self._ask(self.window.hit, rule, *keys)

    def blocked(self, rule: str, *keys: str) -> float:
        """Return the seconds to wait while keys have used up rule (0: not blocked); count none."""
        return self._ask(self.window.test, rule, *keys)

    def _ask(self, allowed: Callable[..., bool], rule: str, *keys: str) -> float:
        """Return 0 if `allowed` (the window's hit or test) lets keys through, else the wait."""
        item = parse(rule)
        try:
            if allowed(item, *keys):
                return 0.0
            return self._wait(item, *keys)
        except StorageError:
            log.exception("rate limit storage unreachable; letting the request through")
            return 0.0

    def clear(self, rule: str, *keys: str) -> None:
        """Forget what keys counted under rule."""
        try:
            self.window.clear(parse(rule), *keys)
        except StorageError:
            log.exception("rate limit storage unreachable; could not clear a count")

    def _wait(self, item: RateLimitItem, *keys: str) -> float:
        reset = self.window.get_window_stats(item, *keys).reset_time
        return max(1.0, reset - time.time())


@dataclass
class FailureGuard:
    """Count failures (wrong codes, wrong passwords) per key: at most `rule`, then 429."""

    limits: Limits
    rule: str
    name: str

    def check(self, key: str) -> None:
        """Raise TooMany while the key has used up its failures."""
        wait = self.limits.blocked(self.rule, self.name, key)
        if wait:
            raise too_many("Too many wrong attempts.", wait)

    def failed(self, key: str) -> None:
        """Count one failure for the key."""
        self.limits.hit(self.rule, self.name, key)

    def clear(self, key: str) -> None:
        """Forget the failures of a key (it succeeded)."""
        self.limits.clear(self.rule, self.name, key)


def app_limits() -> Limits | None:
    """Return the app's counters (built in init_app), or None outside an app."""
    return process.limits() if has_app_context() else None


def make_limits(config: Mapping[str, Any]) -> Limits:
    """Build a process's counters: in Redis with a message queue, else in this process."""
    prefix = str(config.get("MESSAGE_QUEUE_CHANNEL") or "parcours")
    return Limits(config.get("MESSAGE_QUEUE"), prefix)


def check_rate(key: str) -> None:
    """Raise TooMany if the key (a token) writes faster than RATE_LIMIT_PER_MINUTE."""
    limits = app_limits()
    per_minute = int(current_app.config.get("RATE_LIMIT_PER_MINUTE", 120)) if limits else 0
    if limits is None or per_minute <= 0:
        return
    wait = limits.hit(f"{per_minute}/minute", "token", key)
    if wait:
        raise too_many("Too many requests from this token.", wait)


def check_address(name: str, rule: str, address: str | None) -> None:
    """Raise TooMany if one client address does `name` more often than rule allows."""
    limits = app_limits()
    if limits is None or not rule:
        return
    wait = limits.hit(rule, name, address or "unknown")
    if wait:
        raise too_many("Too many requests from this address.", wait)


def check_size(body: Any) -> None:
    """Raise TooLarge if a (socket) payload is over MAX_CONTENT_LENGTH once encoded as JSON."""
    if not has_app_context() or body is None:
        return
    most = current_app.config.get("MAX_CONTENT_LENGTH")
    if not most:
        return
    try:
        size = len(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    except (TypeError, ValueError):
        return  # not JSON-like: the schema will refuse it
    if size > most:
        raise TooLarge("The request body is too large.", {"_schema": [f"at most {most} bytes"]})
