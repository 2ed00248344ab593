"""Limits on writes: a token bucket per token (429) and a body-size cap for the socket (413)."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from flask import current_app, has_app_context

from parcours.domain.errors import ParcoursError, TooMany

EXTENSION_KEY = "parcours_rate_limiter"


class TooLarge(ParcoursError):
    """The request body is over MAX_CONTENT_LENGTH."""

    status = 413
    code = "payload_too_large"


class RateLimiter:
    """Token buckets, one per key: `per_minute` writes a minute, bursts up to `burst`.

    The buckets live in this process only (each server process counts on its own).
    """

    def __init__(self, per_minute: int, burst: int | None = None) -> None:
        self.per_minute = per_minute
        self.burst = burst or per_minute
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()
        self._last_prune = time.monotonic()

    def take(self, key: str, now: float | None = None) -> float:
        """Take one token for key; return 0 if allowed, else the seconds to wait."""
        if self.per_minute <= 0:
            return 0.0
        now = time.monotonic() if now is None else now
        rate = self.per_minute / 60.0
        with self._lock:
            tokens, since = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - since) * rate)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                return (1.0 - tokens) / rate
            self._buckets[key] = (tokens - 1.0, now)
            self._prune(now)
        return 0.0

    def _prune(self, now: float) -> None:
        """Forget buckets that have filled up again (called with the lock held)."""
        if now - self._last_prune < 60 or len(self._buckets) < 1000:
            return
        full = self.burst * 60.0 / self.per_minute
        self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < full}
        self._last_prune = now


def limiter() -> RateLimiter | None:
    """Return the app's limiter (made on first use from RATE_LIMIT_PER_MINUTE)."""
    if not has_app_context():
        return None
    app = current_app
    per_minute = int(app.config.get("RATE_LIMIT_PER_MINUTE", 120))
    burst = app.config.get("RATE_LIMIT_BURST")
    found = app.extensions.get(EXTENSION_KEY)
    if not isinstance(found, RateLimiter) or found.per_minute != per_minute:
        found = RateLimiter(per_minute, int(burst) if burst else None)
        app.extensions[EXTENSION_KEY] = found
    return found


def check_rate(key: str) -> None:
    """Raise TooMany if the key sends faster than the configured rate."""
    found = limiter()
    if found is None:
        return
    wait = found.take(key)
    if wait > 0:
        seconds = max(1, round(wait + 0.5))
        raise TooMany(
            f"Too many requests from this token; try again in {seconds} s.",
            {"retry_after_s": [str(seconds)]},
        )


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
