"""Rendering rows as a rich table, JSON or CSV. Secrets are never rendered (SecretStr stays masked)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Any

from pydantic import BaseModel
from rich.console import Console
from rich.table import Table
from rich.text import Text


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


def dump(model: BaseModel, *, raw: bool = False) -> dict[str, Any]:
    data = model.model_dump(mode="json", exclude={"raw"} if not raw else None)
    return data


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    return str(value)


def render(
    console: Console,
    rows: Iterable[dict[str, Any]],
    columns: Sequence[tuple[str, str]],
    fmt: Format,
    *,
    title: str | None = None,
) -> int:
    """Print rows; ``columns`` is (key, heading) for table and CSV. JSON prints whole rows. Returns the count."""
    count = 0
    if fmt is Format.JSON:
        items = list(rows)
        console.print_json(json.dumps(items, default=str)) if items else console.print("[]")
        return len(items)
    if fmt is Format.CSV:
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow([key for key, _ in columns])
        for row in rows:
            writer.writerow([_cell(row.get(key)) for key, _ in columns])
            count += 1
        console.file.write(buf.getvalue())
        return count
    table = Table(title=title, title_justify="left", header_style="bold")
    for _, heading in columns:
        table.add_column(heading, overflow="fold")
    for row in rows:
        table.add_row(*[Text(_cell(row.get(key))) for key, _ in columns])  # text as it is, never markup
        count += 1
    console.print(table)
    return count
