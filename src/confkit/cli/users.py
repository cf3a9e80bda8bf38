"""``confkit users ...``"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import typer

from confkit.cli.common import guarded, out, session
from confkit.cli.options import CONFIG, FORMAT, PROVIDERS, SANDBOX
from confkit.cli.output import Format, dump, render
from confkit.models import UserStatus

app = typer.Typer(help="Users on each platform.", no_args_is_help=True)

COLUMNS = [
    ("provider", "Provider"),
    ("id", "Id"),
    ("email", "Email"),
    ("display_name", "Name"),
    ("status", "Status"),
    ("license_type", "Licence"),
    ("org_unit", "Org unit"),
]


@app.command("list")
@guarded
def list_users(
    provider: list[str] | None = PROVIDERS,
    status: UserStatus | None = typer.Option(None, "--status", help="Only users with this status."),
    limit: int | None = typer.Option(None, "--limit", min=1, help="Stop after this many users per provider."),
    fmt: Format = FORMAT,
    config: str | None = CONFIG,
    sandbox: bool = SANDBOX,
) -> None:
    """List users, streaming page by page."""
    with session(config, sandbox) as s:
        names = s.names(provider)

        def rows() -> Iterator[dict[str, Any]]:
            for name in names:
                conn = s.connect(name)
                for n, user in enumerate(conn.list_users(status=status), start=1):
                    yield dump(user)
                    if limit is not None and n >= limit:
                        break

        render(out, rows(), COLUMNS, fmt, title="Users")
