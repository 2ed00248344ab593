"""Security headers on every answer: CSP without inline script, nosniff, referrer, no-store."""

from __future__ import annotations

from flask import Flask, Response, request

# Scripts only from our own files; data reaches them in <script type="application/json"> blocks
# (never executed) or data-attributes. 'self' also covers the same-origin WebSocket.
CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-src 'self'",
    )
)
# the facilitator's console shows the screen in an iframe of the same origin
FRAMEABLE = frozenset({"screen.screen"})
# pages whose forms rely on the Referer for CSRF over HTTPS; their addresses hold no secret token
# beyond the join code printed on the poster. Every other page (addresses with a personal token)
# sends no referrer at all.
SAME_ORIGIN_REFERRER = ("/organiser", "/join/", "/privacy/", "/login")
STATIC_ENDPOINTS = frozenset({"static", "assets.socketio_client", "assets.service_worker"})
DEFAULT_RETRY_AFTER = "60"


def _security_headers(response: Response) -> Response:
    """Add the headers of CONTRACT §security headers to an answer (keeping ones already set)."""
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    path = request.path
    if response.mimetype == "text/html":
        ancestors = "'self'" if request.endpoint in FRAMEABLE else "'none'"
        headers.setdefault("Content-Security-Policy", f"{CSP}; frame-ancestors {ancestors}")
        if request.endpoint not in FRAMEABLE:
            headers.setdefault("X-Frame-Options", "DENY")
    same_origin = path == "/" or path.startswith(SAME_ORIGIN_REFERRER)
    headers.setdefault("Referrer-Policy", "same-origin" if same_origin else "no-referrer")
    if request.endpoint not in STATIC_ENDPOINTS and "Cache-Control" not in headers:
        headers["Cache-Control"] = "no-store"  # tokens and personal data: never in any cache
    if response.status_code == 429 and "Retry-After" not in headers:
        headers["Retry-After"] = _retry_after(response)
    return response


def _retry_after(response: Response) -> str:
    """Return the seconds to wait named in a 429 error body, else a minute."""
    body = response.get_json(silent=True) if response.is_json else None
    try:
        seconds = body["error"]["fields"]["retry_after_s"][0]  # type: ignore[index]
        return str(max(1, int(seconds)))
    except (KeyError, IndexError, TypeError, ValueError):
        return DEFAULT_RETRY_AFTER


def register_headers(app: Flask) -> None:
    """Add the security headers to every response."""
    app.after_request(_security_headers)
