"""The /api/v1 blueprint: load -> service -> dump, nothing else."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request
from flask.typing import ResponseReturnValue

from parcours.api import registry
from parcours.api.auth import bearer
from parcours.api.openapi import build_spec
from parcours.domain.errors import Invalid, ParcoursError
from parcours.extensions import db
from parcours.operations.errors import from_exception, retry_after
from parcours.services.tokens import actor_for_token

api_bp = Blueprint("api", __name__)


def _error(err: ParcoursError) -> ResponseReturnValue:
    status, body = from_exception(err)
    return jsonify(body), status


def _view(op: registry.Operation) -> Any:
    def view(**params: Any) -> ResponseReturnValue:
        session = db.session()
        token = bearer(request.headers.get("Authorization"))
        actor = None
        if token or op.roles is not None:
            try:
                actor = actor_for_token(session, token)
            except ParcoursError as err:
                status, body = from_exception(err)
                return jsonify(body), status
        body = None
        if request.method in ("POST", "PUT", "PATCH"):
            body = request.get_json(silent=True)
            if body is None and request.data:
                return _error(
                    Invalid("The request body is not valid JSON.", {"_schema": ["must be JSON"]})
                )
            if body is None:
                body = {}
        call = registry.Call(
            session, actor, params, body, dict(request.args), token, request.remote_addr
        )
        status, result = registry.run(op, call)
        if isinstance(result, Response):
            return result
        return jsonify(result), status, retry_after(status, result)

    view.__name__ = f"op_{op.name}"
    return view


def _mount() -> None:
    for op in registry.load_operations().values():
        api_bp.add_url_rule(op.path, endpoint=op.name, view_func=_view(op), methods=[op.method])


@api_bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    """Serve the OpenAPI 3 document."""
    return jsonify(build_spec())


_mount()
