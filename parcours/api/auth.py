"""Bearer tokens of HTTP requests (the Authorization header) and the key that signs badges."""

from __future__ import annotations

from flask import current_app

from parcours.services.tokens import actor_for_token, token_actor

__all__ = ["actor_for_token", "bearer", "secret", "token_actor"]


def bearer(header: str | None) -> str | None:
    """Return the token of an 'Authorization: Bearer <token>' header."""
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


def secret() -> str:
    """Return the key that signs badge codes."""
    return str(current_app.config["SECRET_KEY"])
