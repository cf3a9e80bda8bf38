"""Options shared by several commands."""

from __future__ import annotations

import typer

from confkit.cli.output import Format

PROVIDERS = typer.Option(None, "--provider", "-p", help="Provider name (zoom, webex, google); repeatable.")
PROVIDER = typer.Option(..., "--provider", "-p", help="Provider name: zoom, webex or google.")
FORMAT = typer.Option(Format.TABLE, "--format", "-f", help="Output format.", case_sensitive=False)
CONFIG = typer.Option(None, "--config", help="Config file (default: $CONFKIT_CONFIG, ./confkit.toml).")
SANDBOX = typer.Option(False, "--sandbox", help="Use the built-in fake district instead of a real tenant.")
