"""Errors that use cases raise; the API turns each into its status and JSON body."""

from __future__ import annotations

from typing import Any


class ParcoursError(Exception):
    """Base of all expected failures: carries an HTTP status, a code and a message."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, fields: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class Invalid(ParcoursError):
    """Input failed validation; fields maps each field path to its messages."""

    status = 400
    code = "validation_error"


class Unauthorized(ParcoursError):
    """No valid token or session."""

    status = 401
    code = "unauthorized"


class Forbidden(ParcoursError):
    """The actor's role may not do this."""

    status = 403
    code = "forbidden"


class NotFound(ParcoursError):
    """The thing does not exist, or not for this actor."""

    status = 404
    code = "not_found"


class Conflict(ParcoursError):
    """The request clashes with the current state (e.g. the event was shredded)."""

    status = 409
    code = "conflict"


class AlreadyRegistered(Conflict):
    """A registration with an e-mail address the event already has: nobody is created."""

    code = "already_registered"


class Unprocessable(ParcoursError):
    """Well-formed input that cannot be carried out (e.g. an infeasible plan)."""

    status = 422
    code = "unprocessable"


class TooMany(ParcoursError):
    """The caller sends too fast, or failed too often; ``retry_after`` says for how long (s)."""

    status = 429
    code = "rate_limited"

    def __init__(
        self, message: str, fields: dict[str, Any] | None = None, retry_after: int = 60
    ) -> None:
        super().__init__(message, fields)
        self.retry_after = retry_after
