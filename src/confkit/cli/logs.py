"""``confkit logs collect | export | purge | status``: audit logs in one normalized stream.

``collect`` exits 0 when every stream finished (or is ``unavailable``: the tenant does not have that
log, e.g. Webex security audit events without Pro Pack), 1 when some stream failed or stopped, or a
provider could not be connected while others were collected (everything committed is kept; the
next run resumes from the checkpoint), 2 on a configuration error that stops everything.
With ``--sandbox`` the commands use the sandbox's own store (``confkit-sandbox.db`` beside the
default store, or ``$CONFKIT_SANDBOX_STORE``), never the store of real tenants.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from confkit.cli.common import err, guarded, out, session, silence_stdout
from confkit.cli.options import CONFIG
from confkit.errors import ConfigurationError, ConfkitError
from confkit.logs.engine import Collector, CollectReport, StreamProgress
from confkit.logs.export import ExportFormat
from confkit.logs.model import Category
from confkit.logs.ops import export as export_events
from confkit.logs.ops import parse_age, parse_moment, purge, status
from confkit.logs.store import LogStore, sandbox_path
from confkit.logs.stream import LogStream

app = typer.Typer(help="Audit logs of every platform: collect, export, purge, status.", no_args_is_help=True)

PROVIDERS = typer.Option(None, "--provider", "-p", help="Provider (zoom, webex, google); repeatable.")
STORE = typer.Option(
    None, "--store", help="SQLite store (default: $CONFKIT_STORE or ~/.local/share/confkit/confkit.db)."
)
SANDBOX = typer.Option(False, "--sandbox", help="The built-in fake district, with its own store.")
REDACT = typer.Option(
    None, "--redact", help="Replace these by salted hashes: any of ip,email,name (e.g. --redact ip,email)."
)


def _open_store(store: str | None, sandbox: bool) -> LogStore:
    if store is not None:
        return LogStore.open(store)
    return LogStore.open(sandbox_path() if sandbox else None)


class _ProgressView:
    """A rich progress bar per stream (windows done of planned), on stderr when it is a terminal."""

    def __init__(self, enabled: bool) -> None:
        self.progress = (
            Progress(
                TextColumn("{task.description:<28}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("windows  {task.fields[events]:>9} new  {task.fields[dup]:>7} dup"),
                TimeElapsedColumn(),
                console=err,
                transient=False,
            )
            if enabled
            else None
        )
        self.tasks: dict[str, TaskID] = {}

    def __enter__(self) -> _ProgressView:
        if self.progress is not None:
            self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()

    def update(self, p: StreamProgress) -> None:
        if self.progress is None:
            return
        name = f"{p.key.provider}/{p.key.stream}"
        if name not in self.tasks:
            self.tasks[name] = self.progress.add_task(name, total=None, events=0, dup=0)
        self.progress.update(
            self.tasks[name],
            total=max(p.windows_total, 1),
            completed=p.windows_done,
            events=p.events_new,
            dup=p.events_dup,
            description=f"{name} [{p.state}]" if p.state in ("failed", "stopped", "unavailable") else name,
        )


@app.command("collect")
@guarded
def collect_cmd(
    provider: list[str] | None = PROVIDERS,
    stream: list[str] | None = typer.Option(None, "--stream", "-s", help="Only these streams (e.g. signins)."),
    since: str | None = typer.Option(
        None, "--since", help="Read from here (2026-01-05, 2026-01-05T08:00:00Z or 30d); default: the checkpoint."
    ),
    sandbox: bool = SANDBOX,
    redact: str | None = REDACT,
    store: str | None = STORE,
    config: str | None = CONFIG,
    show_progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bars on a terminal."),
) -> None:
    """Collect new audit events of every stream into the store (incremental, resumable)."""
    start = parse_moment(since) if since else None
    with session(config, sandbox) as s, _open_store(store, sandbox) as db:
        names = s.names(provider)
        streams: list[LogStream] = []
        skipped: list[str] = []
        offered: list[str] = []
        broken: list[tuple[str, ConfkitError]] = []
        for name in names:
            try:  # one provider that cannot connect must not keep the others from being collected
                found = list(s.connect(name).log_streams())
            except ConfkitError as exc:
                broken.append((name, exc))
                continue
            offered.append(f"{name}: {', '.join(x.name for x in found) or 'none'}")
            if stream:
                found = [x for x in found if x.name in stream]
            if found:
                streams.extend(found)
            else:
                skipped.append(name)
        if not streams:
            if broken:
                raise broken[0][1]
            raise ConfigurationError(
                f"no log streams to collect ({', '.join(skipped)} offers none"
                + (f" named {', '.join(stream)}" if stream else "")
                + f"); streams offered - {'; '.join(offered)}"
            )
        view = _ProgressView(show_progress and err.is_terminal)
        collector = Collector(db, redact=redact, on_progress=view.update)
        try:
            with view:
                report = collector.run(streams, since=start)
        except KeyboardInterrupt:
            collector.stop()
            raise
        failed = not report.ok or bool(broken)
        try:
            _report(db.path, report, skipped, broken, stream)
        except BrokenPipeError:  # the output's reader went away: the exit code still tells how it went
            silence_stdout()
            raise typer.Exit(1 if failed else 0) from None
        if failed:
            raise typer.Exit(1)


def _report(path: str, report: CollectReport, skipped: list[str], broken: list[tuple[str, ConfkitError]],
            stream: list[str] | None) -> None:
    """The table of a collection, and a line per provider without streams or that could not connect."""
    table = Table(title=f"Collected into {path}", title_justify="left", header_style="bold")
    for heading in ("Stream", "Tenant", "State", "New", "Duplicates", "Windows", "Notes"):
        table.add_column(heading, overflow="fold")
    for p in report.streams:
        notes = "; ".join([*p.notes, *([p.error] if p.error else [])])
        table.add_row(
            f"{p.key.provider}/{p.key.stream}", p.key.tenant, p.state, str(p.events_new), str(p.events_dup),
            f"{p.windows_done}/{p.windows_total}", notes,
        )
    out.print(table)
    for name in skipped:
        err.print(f"note: {name} has no log streams" + (f" named {', '.join(stream)}" if stream else ""),
                  highlight=False)
    for name, problem in broken:
        err.print(f"error: {name} was not collected: {problem.one_line()}", highlight=False, markup=False)


@app.command("export")
@guarded
def export_cmd(
    fmt: ExportFormat = typer.Option(ExportFormat.JSONL, "--format", "-f", help="jsonl, csv, ocsf or ecs.",
                                     case_sensitive=False),
    since: str | None = typer.Option(None, "--since", help="From this time (date, date-time or age like 7d)."),
    until: str | None = typer.Option(None, "--until", help="Before this time."),
    provider: list[str] | None = PROVIDERS,
    category: list[Category] | None = typer.Option(None, "--category", "-c", help="Only these categories."),
    stream: list[str] | None = typer.Option(None, "--stream", "-s", help="Only these streams."),
    redact: str | None = REDACT,
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
    store: str | None = STORE,
    sandbox: bool = SANDBOX,
) -> None:
    """Export stored events, oldest first, one per line (CSV: one per row)."""
    first = parse_moment(since) if since else None
    last = parse_moment(until) if until else None
    with _open_store(store, sandbox) as db:
        handle = output.open("w", encoding="utf-8", newline="") if output is not None else sys.stdout
        try:
            count = export_events(
                db, fmt, handle, since=first, until=last, providers=provider or (),
                categories=[c.value for c in category or ()], streams=stream or (), redact=redact,
            )
        finally:
            if output is not None:
                handle.close()
            else:
                handle.flush()
    err.print(f"exported {count} events as {fmt.value}" + (f" to {output}" if output else ""), highlight=False)


@app.command("purge")
@guarded
def purge_cmd(
    older_than: str = typer.Option(..., "--older-than", help="Delete events older than this, e.g. 180d."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Only count what would be deleted."),
    store: str | None = STORE,
    sandbox: bool = SANDBOX,
) -> None:
    """Delete stored events older than the retention period (checkpoints are kept)."""
    age = parse_age(older_than)
    with _open_store(store, sandbox) as db:
        count = purge(db, age, dry_run=dry_run)
    verb = "would delete" if dry_run else "deleted"
    out.print(f"{verb} {count} events older than {older_than}", highlight=False)


@app.command("status")
@guarded
def status_cmd(
    as_json: bool = typer.Option(False, "--json", help="JSON instead of a table."),
    store: str | None = STORE,
    sandbox: bool = SANDBOX,
) -> None:
    """Checkpoints, last run and event counts per stream."""
    with _open_store(store, sandbox) as db:
        rows = [s.as_dict() for s in status(db)]
        last = db.last_run("collect")
        path = db.path
    if as_json:
        payload: dict[str, Any] = {"store": path, "streams": rows}
        if last is not None:
            payload["last_collect"] = {"started": last[0].isoformat(),
                                       "finished": last[1].isoformat() if last[1] else None, **last[2]}
        out.print_json(json.dumps(payload))
        return
    table = Table(title=f"Audit logs in {path}", title_justify="left", header_style="bold")
    for heading in ("Stream", "Tenant", "Events", "Oldest", "Newest", "Collected until", "Last run", "Redaction",
                    "Problems"):
        table.add_column(heading, overflow="fold")
    for r in rows:
        problems = [r["last_error"]] if r["last_error"] else []
        if r["in_progress_window"]:
            problems.append(f"window {r['in_progress_window']} unfinished (resumes next run)")
        problems += [f"gap {g['from']} .. {g['to']}: {g['reason']}" for g in r["gaps"]]
        table.add_row(
            f"{r['provider']}/{r['stream']}", r["tenant"], str(r["events"]), _short(r["oldest"]), _short(r["newest"]),
            _short(r["collected_until"]), _short(r["last_run"]), r["redaction"] or "", "; ".join(problems),
        )
    out.print(table)
    if last is None:
        out.print("no collection has run yet", highlight=False)


def _short(value: str | None) -> str:
    return value[:19].replace("T", " ") if value else ""


__all__ = ["app"]
