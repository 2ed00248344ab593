"""The `export` and `shred` commands (CONTRACT §1, §5, §6)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from parcours.cli_common import fail, make_app
from parcours.domain.actors import Actor
from parcours.domain.errors import NotFound, ParcoursError
from parcours.exports import FORMATS


def _session() -> Any:
    from parcours.extensions import db

    return db.session()


def resolve_event(session: Any, ref: str) -> int:
    """Return the id of an event given by id or by join code."""
    from sqlalchemy import select

    from parcours.storage import Event

    if ref.isascii() and ref.isdigit() and session.get(Event, int(ref)) is not None:
        return int(ref)
    found = session.scalar(select(Event.id).where(Event.join_code == ref.upper()))
    if found is None:
        raise NotFound(f"No event with id or join code '{ref}'.")
    return int(found)


def resolve_station(session: Any, event_id: int, ref: str) -> int:
    """Return the id of one of the event's stations given by id or code."""
    from sqlalchemy import select

    from parcours.storage import Station

    stations = session.execute(
        select(Station.id, Station.code).where(Station.event_id == event_id)
    ).all()
    for sid, code in stations:
        if ref == str(sid) or ref.upper() == code:
            return int(sid)
    raise NotFound(f"No station with id or code '{ref}' in event {event_id}.")


@click.command("export")
@click.argument("event")
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True)
@click.option("--station", default=None, help="One station (id or code): its follow-ups or pack.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def export_command(event: str, fmt: str, station: str | None, output: Path) -> None:
    """Export an event (csv, xlsx, json, vcf, zip of station packs) or one station's pack."""
    from parcours.services.after import exports

    app = make_app()
    with app.app_context():
        session = _session()
        try:
            event_id = resolve_event(session, event)
            actor = Actor(role="organiser", event_id=event_id)
            with output.open("wb") as out:
                if station is None:
                    name = exports.export_event(session, actor, event_id, fmt, out)
                else:
                    sid = resolve_station(session, event_id, station)
                    name = exports.export_station(session, actor, event_id, sid, fmt, out)
        except ParcoursError as err:
            session.rollback()
            output.unlink(missing_ok=True)
            fail(err)
    click.echo(f"wrote {output} ({output.stat().st_size} bytes; download name {name})")


@click.command("shred")
@click.argument("event", required=False)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--due", is_flag=True, help="Shred every event past its retention period (cron).")
def shred_command(event: str | None, yes: bool, due: bool) -> None:
    """Delete an event's personal data; counts for the report are kept."""
    from parcours.services.privacy.retention import shred_due
    from parcours.services.privacy.shred import shred_event

    if bool(event) == due:
        raise click.UsageError("Give an EVENT (id or join code) or --due, not both.")
    app = make_app()
    with app.app_context():
        session = _session()
        if due:
            done = shred_due(session)
            click.echo(f"shredded events: {', '.join(map(str, done)) or 'none due'}")
            return
        assert event is not None
        try:
            event_id = resolve_event(session, event)
        except ParcoursError as err:
            fail(err)
        _confirm(session, event_id, yes)
        result = shred_event(session, event_id, by="cli")
    if result.already:
        click.echo(f"event {event_id}: personal data was already deleted at {result.shredded_at}")
        return
    counts = ", ".join(f"{k} {v}" for k, v in result.deleted.items())
    click.echo(f"event {event_id}: personal data deleted at {result.shredded_at} ({counts})")


def _confirm(session: Any, event_id: int, yes: bool) -> None:
    from parcours.storage import Event

    event = session.get(Event, event_id)
    if yes or event.shredded_at is not None:
        return
    click.echo(
        f"This deletes the names, e-mail addresses, phone numbers, notes, messages and wall "
        f"cards of '{event.title}' (event {event_id}) for good. Counts stay for the report."
    )
    click.confirm("Delete now?", abort=True)
