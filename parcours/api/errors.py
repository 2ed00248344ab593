"""The API's error handlers: every failure under /api answers in the one JSON error format."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, make_response, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from parcours.domain.errors import ParcoursError, TooMany
from parcours.operations.errors import error_body, from_exception
from parcours.schemas.error_messages import translate
from parcours.web.errors import error_page, http_message

log = logging.getLogger(__name__)

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "unprocessable",
    429: "rate_limited",
}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def register_api_errors(app: Flask) -> None:
    """Register handlers that turn every failure under /api into JSON."""

    @app.errorhandler(ParcoursError)
    def _expected(err: ParcoursError) -> ResponseReturnValue:
        status, body = from_exception(err)
        headers = {"Retry-After": str(err.retry_after)} if isinstance(err, TooMany) else {}
        if not _wants_json():
            page = make_response(error_page(status, body["error"]["message"]))
            page.headers.update(headers)
            return page
        return jsonify(body), status, headers

    @app.errorhandler(CSRFError)
    def _csrf(err: CSRFError) -> ResponseReturnValue:
        return error_page(400, err.description or "CSRF")

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException) -> ResponseReturnValue:
        status = err.code or 500
        if not _wants_json():
            return error_page(status, http_message(err))
        code = HTTP_CODES.get(status, "error")
        message = err.description or err.name
        if status == 413:
            message = "The request body is too large."
        return jsonify(error_body(code, translate(message))), status

    @app.errorhandler(Exception)
    def _unexpected(err: Exception) -> ResponseReturnValue:
        log.exception("unexpected error")
        if not _wants_json():
            return error_page(500, gettext("Something went wrong on our side."))
        message = translate("Something went wrong on our side.")
        return jsonify(error_body("internal_error", message)), 500
