"""Settings from the environment (PARCOURS_*), one class per environment."""

from __future__ import annotations

import os
from pathlib import Path

from parcours.storage.db import Pool

ROOT = Path(__file__).resolve().parent.parent
ASYNC_MODES = ("eventlet", "gevent", "threading")


def async_mode() -> str:
    """Return the async mode chosen by PARCOURS_ASYNC_MODE (eventlet by default)."""
    mode = os.environ.get("PARCOURS_ASYNC_MODE", "eventlet").strip().lower()
    if mode not in ASYNC_MODES:
        allowed = ", ".join(ASYNC_MODES)
        raise SystemExit(f"PARCOURS_ASYNC_MODE must be one of {allowed}, not {mode!r}")
    return mode


def proxy_hops(value: str) -> int:
    """Return PARCOURS_PROXY_HOPS as a small non-negative number."""
    try:
        hops = int(value or "0")
    except ValueError:
        message = f"PARCOURS_PROXY_HOPS must be a number of proxies, not {value!r}"
        raise SystemExit(message) from None
    if not 0 <= hops <= 5:
        raise SystemExit(f"PARCOURS_PROXY_HOPS must be between 0 and 5, not {hops}")
    return hops


def socket_transports(value: str) -> list[str]:
    """Return the Socket.IO transports the pages use: WebSocket only unless asked otherwise."""
    names = [n.strip().lower() for n in value.split(",") if n.strip()] or ["websocket"]
    if not set(names) <= {"websocket", "polling"} or len(set(names)) != len(names):
        raise SystemExit(
            f"PARCOURS_SOCKET_TRANSPORTS must be websocket or polling,websocket, not {value!r}"
        )
    return names


def default_database_url() -> str:
    """Return the SQLite file under instance/ used when no URL is set."""
    instance = ROOT / "instance"
    instance.mkdir(exist_ok=True)
    return f"sqlite:///{instance / 'parcours.sqlite'}"


class Config:
    """Production-like defaults read from the environment."""

    def __init__(self) -> None:
        env = os.environ
        self.SECRET_KEY = secret_key(env.get("PARCOURS_SECRET_KEY"))
        self.DATABASE_URL = env.get("PARCOURS_DATABASE_URL") or default_database_url()
        # each process's PostgreSQL pool (parcours.storage.db): at most SIZE + OVERFLOW
        # connections per process; a request that finds them all busy waits up to TIMEOUT s
        # (defaults and checks: parcours.storage.db.Pool)
        self.DB_POOL_SIZE = env.get("PARCOURS_DB_POOL_SIZE", Pool.size)
        self.DB_MAX_OVERFLOW = env.get("PARCOURS_DB_MAX_OVERFLOW", Pool.overflow)
        self.DB_POOL_TIMEOUT = env.get("PARCOURS_DB_POOL_TIMEOUT", Pool.timeout)
        self.MESSAGE_QUEUE = env.get("PARCOURS_MESSAGE_QUEUE") or None
        # processes of one deployment share a channel; another deployment on the same Redis
        # (or a parallel test run) picks its own
        self.MESSAGE_QUEUE_CHANNEL = env.get("PARCOURS_MESSAGE_QUEUE_CHANNEL") or "parcours"
        self.ASYNC_MODE = async_mode()
        self.BABEL_DEFAULT_LOCALE = "de"
        self.BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "parcours" / "translations")
        self.MAX_CONTENT_LENGTH = int(env.get("PARCOURS_MAX_BODY", 64 * 1024))
        self.MAX_UPLOAD_LENGTH = 5 * 1024 * 1024
        self.RATE_LIMIT_PER_MINUTE = int(env.get("PARCOURS_RATE_LIMIT", 120))
        self.AUTO_ADVANCE = env.get("PARCOURS_AUTO_ADVANCE", "1") != "0"
        # socket notes committed in groups (parcours.realtime.writer); 0: one by one
        self.GROUP_COMMIT = env.get("PARCOURS_GROUP_COMMIT", "1") != "0"
        self.PUBLIC_URL = env.get("PARCOURS_PUBLIC_URL", "").rstrip("/")
        # HTTPS served by the app itself (parcours serve --certfile/--keyfile sets these too)
        self.TLS_CERT = env.get("PARCOURS_TLS_CERT") or None
        self.TLS_KEY = env.get("PARCOURS_TLS_KEY") or None
        # how many reverse proxies stand in front (X-Forwarded-For/-Proto/-Host/-Port trusted)
        self.PROXY_HOPS = proxy_hops(env.get("PARCOURS_PROXY_HOPS", "0"))
        self.SOCKET_TRANSPORTS = socket_transports(env.get("PARCOURS_SOCKET_TRANSPORTS", ""))
        self.EXPECTED_PHONES = int(env.get("PARCOURS_EXPECTED_PHONES", "300"))
        self.WTF_CSRF_TIME_LIMIT = None
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_HTTPONLY = True
        # over HTTPS (own certificate, or an https public address behind a proxy) every cookie
        # is Secure: the session cookie carries the organiser's login and the CSRF token
        self.HTTPS = bool(self.TLS_CERT) or self.PUBLIC_URL.startswith("https://")
        self.SESSION_COOKIE_SECURE = self.HTTPS
        self.REMEMBER_COOKIE_SECURE = self.HTTPS
        self.PREFERRED_URL_SCHEME = "https" if self.HTTPS else "http"
        self.TESTING = False


MIN_SECRET_CHARS = 32


def secret_key(given: str | None) -> str:
    """Return PARCOURS_SECRET_KEY if it is long enough, else the key kept in instance/."""
    if not given:
        return _instance_secret()
    if len(given) < MIN_SECRET_CHARS:
        raise SystemExit(
            f"PARCOURS_SECRET_KEY is too short ({len(given)} characters): it signs the organisers' "
            f"sessions and the badge codes, so it needs at least {MIN_SECRET_CHARS} random "
            "characters, e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(48))'. "
            "Or unset it to use the key kept in instance/secret_key."
        )
    return given


def _instance_secret(folder: Path = ROOT / "instance") -> str:
    """Return a secret key kept in instance/ so sessions survive a restart (mode 600)."""
    path = folder / "secret_key"
    folder.mkdir(exist_ok=True)
    if not path.exists():
        import secrets

        try:  # readable by the owner only from the first byte on: no window for others
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it just now
            return path.read_text().strip()
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(48))
    return path.read_text().strip()
