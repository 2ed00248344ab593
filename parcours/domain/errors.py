"""Errors that use cases raise; the API turns each into its status and JSON body."""

from __future__ import annotations

from typing import Any


class ParcoursError(Exception):
    """Base of all expected failures: carries an HTTP status, a code and a message.

    A subclass names its own in the class line: ``class NotFound(ParcoursError, status=404,
    code="not_found")``; what it leaves out it inherits.
    """

    status = 400
    code = "bad_request"

    def __init_subclass__(cls, status: int | None = None, code: str | None = None) -> None:
        super().__init_subclass__()
        if status is not None:
            cls.status = status
        if code is not None:
            cls.code = code

    def __init__(self, message: str, fields: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class Invalid(ParcoursError, status=400, code="validation_error"):
    """Input failed validation; fields maps each field path to its messages."""


class Unauthorized(ParcoursError, status=401, code="unauthorized"):
    """No valid token or session."""


class Forbidden(ParcoursError, status=403, code="forbidden"):
    """The actor's role may not do this."""


class NotFound(ParcoursError, status=404, code="not_found"):
    """The thing does not exist, or not for this actor."""


class Conflict(ParcoursError, status=409, code="conflict"):
    """The request clashes with the current state (e.g. the event was shredded)."""


class AlreadyRegistered(Conflict, code="already_registered"):
    """A registration with an e-mail address the event already has: nobody is created."""


class Unprocessable(ParcoursError, status=422, code="unprocessable"):
    """Well-formed input that cannot be carried out (e.g. an infeasible plan)."""


class TooMany(ParcoursError, status=429, code="rate_limited"):
    """The caller sends too fast, or failed too often; ``retry_after`` says for how long (s)."""

    def __init__(
        self, message: str, fields: dict[str, Any] | None = None, retry_after: int = 60
    ) -> None:
        super().__init__(message, fields)
        self.retry_after = retry_after
