from parcours.asyncmode import monkey_patch; monkey_patch()  # noqa: E702 -- must run before any other import

"""Entry point of the `parcours` command: patch the async library first, then run the CLI."""

import sys

from parcours.cli import cli


def main() -> None:
    """Run the parcours command line."""
    cli(prog_name="parcours")


if __name__ == "__main__":
    sys.exit(main())
