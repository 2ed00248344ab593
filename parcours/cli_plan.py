"""The `plan` command (CONTRACT §1): plan an event and store it, or plan a synthetic instance."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from parcours.cli_common import fail, make_app
from parcours.domain.errors import ParcoursError, Unprocessable
from parcours.planner.model import MODES, PRIORITIES

SIZES = ("participants", "stations", "rounds", "capacity")


def _problems(err: ParcoursError) -> None:
    """Print one line per problem to stderr and exit with 2."""
    lines = err.fields.get("plan") if isinstance(err, Unprocessable) else None
    if lines:
        for line in lines:
            click.echo(f"error: {line}", err=True)
        sys.exit(2)
    fail(err)


def _print(data: dict[str, Any], as_json: bool, where: str) -> None:
    """Print the plan as JSON, or a one-line summary."""
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    m = data["metrics"]
    click.echo(
        f"{where}: {m['participants']} participants, {m['stations']} stations, "
        f"{m['rounds']} rounds ({m['mode']}); distinct encounters {m['distinct_encounters']} "
        f"of at most {m['max_distinct_encounters']}, repeated {m['repeated_encounters']} "
        f"(at least {m['forced_repeats']}), preferences {m['preference_hits']}/"
        f"{m['preference_total']}, hard rules {'kept' if m['hard_ok'] else 'BROKEN'}, "
        f"optimal {'yes' if m['optimal'] else 'no'}, {m['seconds']} s"
    )


def _synthetic(sizes: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    """Plan a synthetic instance; nothing is stored."""
    from parcours.planner import PlanInfeasible
    from parcours.planner.cli import synthetic_json
    from parcours.schemas.common import load
    from parcours.schemas.plans import SyntheticSchema

    args = load(SyntheticSchema(), {**sizes, **options})
    try:
        return synthetic_json(**args)
    except PlanInfeasible as err:
        raise Unprocessable("; ".join(err.problems), {"plan": err.problems}) from None


def _event(ref: str, options: dict[str, Any]) -> dict[str, Any]:
    """Plan an event of the database and store the plan."""
    from parcours.cli_after import resolve_event
    from parcours.extensions import db
    from parcours.schemas.common import load
    from parcours.schemas.plans import CliPlanSchema
    from parcours.services.plans import compute_plan

    args = load(CliPlanSchema(), options)
    app = make_app()
    with app.app_context():
        session = db.session()
        try:
            event_id = resolve_event(session, ref)
            return compute_plan(session, event_id, **args)
        finally:
            session.rollback()


@click.command("plan")
@click.argument("event", required=False)
@click.option("--mode", type=click.Choice(MODES), default=None, help="Default: the parcours'.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--time-limit", type=float, default=10.0, show_default=True, help="Seconds.")
@click.option(
    "--priority",
    type=click.Choice(PRIORITIES),
    default=None,
    help="Wishes first (preferences) or fewer repeats first (encounters). Default: as last time.",
)
@click.option(
    "--segment",
    "segment_id",
    type=int,
    default=None,
    help="Plan only this parcours (agenda item id). Default: every parcours not locked.",
)
@click.option("--participants", type=int, default=None, help="Synthetic instance: P people.")
@click.option("--stations", type=int, default=None, help="Synthetic instance: S stations.")
@click.option("--rounds", type=int, default=None, help="Synthetic instance: R rounds.")
@click.option("--capacity", type=int, default=None, help="Synthetic: per station (ceil(P/S)).")
@click.option("--json", "as_json", is_flag=True, help="Print metrics and assignments as JSON.")
def plan_command(event: str | None, as_json: bool, **options: Any) -> None:
    """Compute and store the rotation plan of EVENT (id or join code), or of a synthetic instance.

    \b
    parcours plan 3 --mode groups --seed 7 --json
    parcours plan --participants 150 --stations 10 --rounds 6 --json
    """
    sizes = {k: options.pop(k) for k in SIZES}
    synthetic = any(v is not None for v in sizes.values())
    if synthetic == (event is not None):
        raise click.UsageError("Give either EVENT or --participants, --stations and --rounds.")
    options = {k: v for k, v in options.items() if v is not None}
    try:
        if synthetic:
            data = _synthetic({k: v for k, v in sizes.items() if v is not None}, options)
            _print(data, as_json, "synthetic plan")
        else:
            assert event is not None
            _print(_event(event, options), as_json, f"plan of event {event} stored")
    except ParcoursError as err:
        _problems(err)
