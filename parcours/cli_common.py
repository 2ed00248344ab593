"""What every `parcours` command shares: the app it runs in and how it reports problems."""

from __future__ import annotations

import sys
from typing import Any

import click

from parcours import create_app
from parcours.domain.errors import ParcoursError
from parcours.schemas.common import problems


def make_app() -> Any:
    """Create the app for a command."""
    return create_app()


def fail(err: ParcoursError) -> None:
    """Print one line per problem to stderr and exit non-zero."""
    click.echo(f"error: {err.message}" if not err.fields else "error:", err=True)
    for line in problems(err.fields):
        click.echo(f"  {line}", err=True)
    sys.exit(2)
