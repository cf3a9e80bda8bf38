"""The ``confkit`` command line (typer + rich).

Credentials are never taken on the command line: they come from confkit.toml or environment
variables (see docs/configuration.md). Every error is one line on stderr with exit code 2.
"""

from __future__ import annotations

import typer

from confkit.cli import demo, meetings, users
from confkit.cli import logs as logs_commands
from confkit.cli import policy as policy_commands
from confkit.cli.common import setup_logging

app = typer.Typer(
    name="confkit",
    help="Run Zoom, Webex and Google Meet as one system.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(users.app, name="users")
app.add_typer(meetings.app, name="meetings")
app.command("demo")(demo.demo)
app.add_typer(logs_commands.app, name="logs")
policy_commands.register(app)


@app.callback()
def _root(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log each HTTP call (never secrets).")) -> None:
    setup_logging(verbose)


def main() -> None:
    app()
