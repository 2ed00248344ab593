"""The `parcours` command (CONTRACT §1)."""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path
from typing import Any

import click

from parcours.cli_after import export_command, shred_command
from parcours.cli_common import fail, make_app
from parcours.cli_plan import plan_command
from parcours.domain.errors import ParcoursError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """parcours: run workshops and Integrationsparcours at networking events."""


@cli.group()
def db() -> None:
    """Database commands."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply the database migrations (a fresh database included)."""
    from parcours.config import Config
    from parcours.storage.migrate import upgrade

    url = Config().DATABASE_URL
    upgrade(url)
    click.echo("database is up to date")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=None, type=int, help="Default: $PORT or 5000.")
@click.option(
    "--certfile",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Serve HTTPS with this certificate chain (PEM). Default: $PARCOURS_TLS_CERT.",
)
@click.option(
    "--keyfile",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The certificate's private key (PEM). Default: $PARCOURS_TLS_KEY.",
)
def serve(host: str, port: int | None, certfile: Path | None, keyfile: Path | None) -> None:
    """Serve the app (production server: socketio.run, no reloader)."""
    import os

    from parcours.server import check_tls
    from parcours.server import serve as run_server

    if certfile or keyfile:  # the settings read them, so cookies and links follow
        os.environ["PARCOURS_TLS_CERT"] = str(certfile or "")
        os.environ["PARCOURS_TLS_KEY"] = str(keyfile or "")
    problem = check_tls(os.environ.get("PARCOURS_TLS_CERT"), os.environ.get("PARCOURS_TLS_KEY"))
    if problem:
        click.echo(f"error: {problem}", err=True)
        sys.exit(2)
    run_server(make_app(), host, port)


OWNER_HELP = "E-mail of the organiser who owns the event (without: administrators only see it)."


@cli.command()
@click.option(
    "--phones",
    type=click.IntRange(1, 1_000_000),
    default=None,
    help="Phones expected at once. Default: $PARCOURS_EXPECTED_PHONES or 300.",
)
@click.option("--url", default=None, help="The address phones use. Default: $PARCOURS_PUBLIC_URL.")
@click.option(
    "--cafile",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Trust this root certificate too (e.g. Caddy's `tls internal` root).",
)
def check(phones: int | None, url: str | None, cafile: str | None) -> None:
    """Before the doors open: public URL, HTTPS, database, Redis, open files, clock, disk."""
    from parcours.check import Settings, run_checks
    from parcours.config import Config
    from parcours.server import MAX_CONNECTIONS
    from parcours.storage.db import Pool

    config = Config()
    settings = Settings(
        public_url=(url or config.PUBLIC_URL).rstrip("/"),
        database_url=config.DATABASE_URL,
        message_queue=config.MESSAGE_QUEUE,
        phones=phones or config.EXPECTED_PHONES,
        cafile=cafile,
        max_connections=MAX_CONNECTIONS,
        tls_cert=config.TLS_CERT,
        pool=Pool.of(vars(config)),
    )
    lines = run_checks(settings)
    for line in lines:
        click.echo(line.text())
    failed = sum(1 for line in lines if line.ok is False)
    click.echo(f"{failed} of {len(lines)} checks failed" if failed else "all checks passed")
    sys.exit(1 if failed else 0)


@cli.command()
@click.option("--port", default=None, type=int)
@click.option("--owner", default=None, help="E-mail of the owner (default: the demo organiser).")
def demo(port: int | None, owner: str | None) -> None:
    """Load the demo event (idempotent) and print its links."""
    from parcours.services.demo import load_demo, print_links

    app = make_app()
    with app.app_context():
        try:
            info = load_demo(owner)
        except ParcoursError as err:
            fail(err)
        print_links(info, port)


@cli.group()
def event() -> None:
    """Event commands."""


@event.command("create")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print ids and tokens as JSON.")
@click.option("--owner", default=None, metavar="EMAIL", help=OWNER_HELP)
def event_create(path: Path, as_json: bool, owner: str | None) -> None:
    """Create an event from an event file (TOML, or JSON as written by export)."""
    from parcours.extensions import db as database
    from parcours.services.accounts import require_organiser
    from parcours.services.setup.events import create_event, describe_created

    data = read_event_file(path)
    app = make_app()
    with app.app_context():
        session = database.session()
        try:
            owner_id = require_organiser(session, owner).id if owner else None
            created = create_event(session, data, organiser_id=owner_id)
            session.commit()
        except ParcoursError as err:
            session.rollback()
            fail(err)
        info = describe_created(session, created)
    for person in info["participants"]:
        person.pop("personal_code", None)  # --json prints exactly CONTRACT §1's keys
    if as_json:
        click.echo(json.dumps(info, ensure_ascii=False))
    else:
        click.echo(f"created event {info['event_id']}, join code {info['join_code']}")


def read_event_file(path: Path) -> Any:
    """Read a TOML event file, or a JSON export; a syntax error is one clear message."""
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(path.read_text(encoding="utf-8"))
            return data.get("event_file", data) if isinstance(data, dict) else data
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, json.JSONDecodeError, UnicodeDecodeError) as err:
        click.echo(f"error: {path}: {err}", err=True)
        sys.exit(2)
    except RecursionError:
        click.echo(f"error: {path}: nested too deeply", err=True)
        sys.exit(2)


@cli.group()
def organiser() -> None:
    """Organiser accounts."""


@organiser.command("create")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--name", default="")
@click.option("--admin", is_flag=True, help="May also open events that have no owner.")
def organiser_create(email: str, password: str, name: str, admin: bool) -> None:
    """Create an organiser account (password hashed)."""
    from parcours.extensions import db as database
    from parcours.services.accounts import create_organiser

    app = make_app()
    with app.app_context():
        try:
            create_organiser(database.session(), email, password, name, admin=admin)
        except ParcoursError as err:
            fail(err)
    click.echo(f"{'administrator' if admin else 'organiser'} {email} created")


@organiser.command("password")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def organiser_password(email: str, password: str) -> None:
    """Set a new password; every login of the account ends."""
    from parcours.extensions import db as database
    from parcours.services.accounts import require_organiser, set_password

    app = make_app()
    with app.app_context():
        session = database.session()
        try:
            ended = set_password(session, require_organiser(session, email), password)
        except ParcoursError as err:
            fail(err)
    click.echo(f"password of {email} changed; {ended} login(s) ended")


# the commands that live next to their features, in one visible list
for command in (plan_command, export_command, shred_command):
    cli.add_command(command)
