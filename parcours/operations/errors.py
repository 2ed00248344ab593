"""One error format for every operation: {"error": {"code", "message", "fields"}}; never a trace."""

from __future__ import annotations

from typing import Any

from parcours.domain.errors import ParcoursError
from parcours.schemas.error_messages import localize_error


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the JSON error body of CONTRACT §3."""
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def from_exception(err: ParcoursError) -> tuple[int, dict[str, Any]]:
    """Return the status and body for an expected failure, in the caller's language."""
    message, fields = localize_error(err.message, err.fields)
    return err.status, error_body(err.code, message, fields)


def retry_after(status: int, body: Any) -> dict[str, str]:
    """Return the Retry-After header of a 429 answer (taken from its error fields)."""
    if status != 429 or not isinstance(body, dict):
        return {}
    seconds = (body.get("error", {}).get("fields", {}).get("retry_after_s") or ["60"])[0]
    return {"Retry-After": str(seconds)}
