"""The rotation plan: what may be asked of the planner, a manual move, the lock, the result."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from parcours.planner.model import MODES, PRIORITIES
from parcours.schemas.common import LARGEST, StrictSchema

MAX_SEED = 2**31 - 1
ID_RANGE = validate.Range(min=1, max=LARGEST)  # a row id: positive, within the BIGINT
API_TIME_LIMIT = 120.0  # an HTTP request (or a page's job) waits at most this long
CLI_TIME_LIMIT = 3600.0


def seed_field() -> fields.Integer:
    """Return the seed: the same seed gives the same plan."""
    return fields.Integer(load_default=0, validate=validate.Range(min=0, max=MAX_SEED))


def segment_field() -> fields.Integer:
    """Return the parcours segment a request is about (left out: the first, or for a compute,
    every parcours)."""
    return fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        validate=ID_RANGE,
        metadata={"description": "the parcours segment (agenda item); left out: the first"},
    )


def time_limit_field(maximum: float = API_TIME_LIMIT, default: float = 10.0) -> fields.Float:
    """Return the planner's time limit in seconds."""
    return fields.Float(load_default=default, validate=validate.Range(min=0.1, max=maximum))


class PlanRequestSchema(StrictSchema):
    """POST /events/{id}/plan: optional mode (default: the parcours'), seed and time limit."""

    mode = fields.String(load_default=None, validate=validate.OneOf(MODES))
    seed = seed_field()
    time_limit = time_limit_field()
    priority = fields.String(load_default=None, validate=validate.OneOf(PRIORITIES))
    segment_id = segment_field()


class CliPlanSchema(PlanRequestSchema):
    """`parcours plan EVENT`: the same options, with room for long runs."""

    time_limit = time_limit_field(CLI_TIME_LIMIT)


class ReplanRequestSchema(StrictSchema):
    """POST /events/{id}/plan/replan: re-plan the rounds that have not started."""

    seed = seed_field()
    time_limit = time_limit_field(default=5.0)


class MoveSchema(StrictSchema):
    """POST /events/{id}/plan/moves: put one participant at one station in one round."""

    participant_id = fields.Integer(required=True, strict=True, validate=ID_RANGE)
    round = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=100))
    station_id = fields.Integer(required=True, strict=True, validate=ID_RANGE)
    segment_id = segment_field()


class MoveFormSchema(MoveSchema):
    """The plan page's move form (strings from the form; the CSRF token passes through)."""

    from_form = True

    participant_id = fields.Integer(required=True, validate=ID_RANGE)
    round = fields.Integer(required=True, validate=validate.Range(min=1, max=100))
    station_id = fields.Integer(required=True, validate=ID_RANGE)
    segment_id = fields.Integer(load_default=None, validate=ID_RANGE)
    csrf_token = fields.String(load_default=None)


class PlanFormSchema(PlanRequestSchema):
    """The plan page's form: mode, seed and time limit as strings."""

    from_form = True

    segment_id = fields.Integer(load_default=None, validate=ID_RANGE)
    csrf_token = fields.String(load_default=None)


class LockSchema(StrictSchema):
    """POST /events/{id}/plan/lock: {"locked": true} freezes the plan, false releases it."""

    locked = fields.Boolean(load_default=True)
    segment_id = segment_field()


class PlanQuery(StrictSchema):
    """GET /events/{id}/plan?segment_id=: the plan of one parcours (left out: the first)."""

    from_form = True  # a query string: numbers come as text

    segment_id = fields.Integer(load_default=None, validate=ID_RANGE)


class SyntheticSchema(StrictSchema):
    """`parcours plan --participants P --stations S --rounds R`: sizes of a synthetic instance."""

    participants = fields.Integer(required=True, validate=validate.Range(min=0, max=10_000))
    stations = fields.Integer(required=True, validate=validate.Range(min=1, max=1_000))
    rounds = fields.Integer(required=True, validate=validate.Range(min=1, max=200))
    capacity = fields.Integer(load_default=None, validate=validate.Range(min=1, max=10_000))
    mode = fields.String(load_default="individual", validate=validate.OneOf(MODES))
    seed = seed_field()
    time_limit = time_limit_field(CLI_TIME_LIMIT)
    priority = fields.String(load_default="preferences", validate=validate.OneOf(PRIORITIES))


class AssignmentOut(Schema):
    participant_id = fields.Integer()
    round = fields.Integer()
    station_id = fields.Integer()


class GroupOut(Schema):
    participant_id = fields.Integer()
    group = fields.Integer()


class PlanSchema(Schema):
    """The plan as the CLI prints it: metrics and one row per participant and round."""

    metrics = fields.Dict(keys=fields.String())
    assignments = fields.List(fields.Nested(AssignmentOut))
    groups = fields.List(fields.Nested(GroupOut))
    changes = fields.Dict(
        metadata={
            "description": "re-plan only: kept_rounds, locked, and who was removed (absent), "
            "placed, moved or is still unplaced, each as {participant_id, name}"
        }
    )


class LockOut(Schema):
    event_id = fields.Integer()
    locked = fields.Boolean()
    segment_id = fields.Integer(allow_none=True)
