"""``confkit logs collect | export | purge | status``: audit logs in one normalized stream.

``collect`` exits 0 when every stream finished (or is ``unavailable``: the tenant does not have that
log, e.g. Webex security audit events without Pro Pack), 1 when some stream failed or stopped, or a
provider could not be connected while others were collected (everything committed is kept; the
next run resumes from the checkpoint), 2 on a configuration error that stops everything.
With ``--sandbox`` the commands use the sandbox's own store (``confkit-sandbox.db`` beside the
default store, or ``$CONFKIT_SANDBOX_STORE``), never the store of real tenants.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

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
from confkit.registry import available
from confkit.store.core import MEMORY, default_path

app = typer.Typer(help="Audit logs of every platform: collect, export, purge, status.", no_args_is_help=True)

PROVIDERS = typer.Option(None, "--provider", "-p", help="Provider (zoom, webex, google); repeatable.")
STORE = typer.Option(
    None, "--store", help="SQLite store (default: $CONFKIT_STORE or ~/.local/share/confkit/confkit.db)."
)
SANDBOX = typer.Option(False, "--sandbox", help="The built-in fake district, with its own store.")
REDACT = typer.Option(
    None, "--redact", help="Replace these by salted hashes: any of ip,email,name (e.g. --redact ip,email)."
)


def _store_path(store: str | None, sandbox: bool) -> Path:
    if store is not None:
        return Path(store).expanduser()
    return sandbox_path() if sandbox else default_path()


def _open_store(store: str | None, sandbox: bool, *, must_exist: bool = False) -> LogStore:
    """The store; ``must_exist`` for the commands that only read or delete (a typo in ``--store`` must
    not create an empty store and report 0 events)."""
    path = _store_path(store, sandbox)
    if must_exist and str(path) != MEMORY and not path.is_file():
        hint = "confkit logs collect --sandbox" if sandbox and store is None else "confkit logs collect"
        raise ConfigurationError(f"no confkit store at {path}: run {hint} first, or name the store with --store")
    return LogStore.open(path)


def _cell(value: object) -> Text:
    """Table text as it is (vendor messages, paths and ids may hold brackets, which rich reads as markup)."""
    return Text(str(value))


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
        # Ctrl-C: the streams finish the page they are on (committed pages are kept), then the command ends
        # with "interrupted"; a second Ctrl-C does not wait for that: the process ends at once, as a kill
        # would - safe, since a page and its checkpoint commit together.
        interrupted = False

        def on_interrupt(signum: int, frame: object) -> None:
            nonlocal interrupted
            if interrupted:
                _abort(signum, frame)
            interrupted = True
            collector.stop()

        previous = signal.signal(signal.SIGINT, on_interrupt)
        try:
            with view:
                report = collector.run(streams, since=start)
        except KeyboardInterrupt:
            collector.stop()
            raise
        finally:
            signal.signal(signal.SIGINT, previous)
        if interrupted:
            raise KeyboardInterrupt
        failed = not report.ok or bool(broken)
        try:
            _report(db.path, report, skipped, broken, stream)
        except BrokenPipeError:  # the output's reader went away: the exit code still tells how it went
            silence_stdout()
            raise typer.Exit(1 if failed else 0) from None
        if failed:
            raise typer.Exit(1)


def _abort(signum: int, frame: object) -> None:
    with contextlib.suppress(Exception):
        err.print("error: interrupted again: stopped at once (what was committed is kept)", highlight=False,
                  markup=False)  # fmt: skip
    os._exit(130)


def _report(path: str, report: CollectReport, skipped: list[str], broken: list[tuple[str, ConfkitError]],
            stream: list[str] | None) -> None:
    """The table of a collection, and a line per provider without streams or that could not connect."""
    table = Table(title=_cell(f"Collected into {path}"), title_justify="left", header_style="bold")
    for heading in ("Stream", "Tenant", "State", "New", "Duplicates", "Windows", "Notes"):
        table.add_column(heading, overflow="fold")
    for p in report.streams:
        notes = "; ".join([*p.notes, *([p.error] if p.error else [])])
        table.add_row(*map(_cell, (
            f"{p.key.provider}/{p.key.stream}", p.key.tenant, p.state, p.events_new, p.events_dup,
            f"{p.windows_done}/{p.windows_total}", notes,
        )))  # fmt: skip
    out.print(table)
    for name in skipped:
        err.print(f"note: {name} has no log streams" + (f" named {', '.join(stream)}" if stream else ""),
                  highlight=False, markup=False)
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
    if first is not None and last is not None and last <= first:
        raise ConfigurationError(f"--until {until} is not after --since {since}")
    known = available()
    unknown = [p for p in provider or () if p not in known]
    if unknown:
        raise ConfigurationError(f"unknown provider {unknown[0]!r}; available providers: {', '.join(known)}")
    path = _store_path(store, sandbox)
    if output is not None:
        target = output.expanduser().resolve()
        if target in {Path(f"{path}{suffix}").resolve() for suffix in ("", "-wal", "-shm", "-journal")}:
            raise ConfigurationError(f"--output {output} is the store itself; write the export to another file")
    with _open_store(store, sandbox, must_exist=True) as db:
        if output is None:
            try:
                count = _export(db, fmt, sys.stdout, first, last, provider, category, stream, redact)
            finally:
                sys.stdout.flush()
        else:
            count = _export_to_file(output, lambda handle: _export(db, fmt, handle, first, last, provider, category,
                                                                   stream, redact))  # fmt: skip
    err.print(f"exported {count} events as {fmt.value}" + (f" to {output}" if output else ""), highlight=False,
              markup=False)


def _export(db: LogStore, fmt: ExportFormat, handle: Any, first: Any, last: Any, provider: list[str] | None,
            category: list[Category] | None, stream: list[str] | None, redact: str | None) -> int:
    return export_events(db, fmt, handle, since=first, until=last, providers=provider or (),
                         categories=[c.value for c in category or ()], streams=stream or (), redact=redact)


def _export_to_file(output: Path, write: Any) -> int:
    """Write into a file beside ``output``, renamed over it when complete: a failed export (a full disk,
    Ctrl-C) leaves ``output`` as it was. A FIFO or a device is written directly."""
    if output.exists() and not output.is_file():
        if output.is_dir():
            raise ConfigurationError(f"--output {output} is a directory; name a file")
        with output.open("w", encoding="utf-8", newline="") as handle:
            return int(write(handle))
    if not output.parent.is_dir():
        raise ConfigurationError(f"--output {output}: the directory {output.parent} does not exist")
    partial = output.with_name(f".{output.name}.partial")
    try:
        with partial.open("w", encoding="utf-8", newline="") as handle:
            count = int(write(handle))
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)
    return count


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
    if age <= timedelta(0):
        raise ConfigurationError(f"--older-than {older_than} would delete every event; give a retention such as "
                                 "180d (to delete everything, delete the store file)")  # fmt: skip
    try:
        datetime.now(UTC) - age
    except OverflowError:
        raise ConfigurationError(f"--older-than {older_than} is too long; give a retention such as 180d") from None
    with _open_store(store, sandbox, must_exist=True) as db:
        count = purge(db, age, dry_run=dry_run)
    verb = "would delete" if dry_run else "deleted"
    out.print(f"{verb} {count} events older than {older_than}", highlight=False, markup=False)


@app.command("status")
@guarded
def status_cmd(
    as_json: bool = typer.Option(False, "--json", help="JSON instead of a table."),
    store: str | None = STORE,
    sandbox: bool = SANDBOX,
) -> None:
    """Checkpoints, last run and event counts per stream."""
    with _open_store(store, sandbox, must_exist=True) as db:
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
    table = Table(title=_cell(f"Audit logs in {path}"), title_justify="left", header_style="bold")
    for heading in ("Stream", "Tenant", "Events", "Oldest", "Newest", "Collected until", "Last run", "Redaction",
                    "Problems"):
        table.add_column(heading, overflow="fold")
    for r in rows:
        problems = [r["last_error"]] if r["last_error"] else []
        if r["in_progress_window"]:
            problems.append(f"window {r['in_progress_window']} unfinished (resumes next run)")
        problems += [f"gap {g['from']} .. {g['to']}: {g['reason']}" for g in r["gaps"]]
        table.add_row(*map(_cell, (
            f"{r['provider']}/{r['stream']}", r["tenant"], r["events"], _short(r["oldest"]), _short(r["newest"]),
            _short(r["collected_until"]), _short(r["last_run"]), r["redaction"] or "", "; ".join(problems),
        )))  # fmt: skip
    out.print(table)
    if last is None:
        out.print("no collection has run yet", highlight=False)


def _short(value: str | None) -> str:
    return value[:19].replace("T", " ") if value else ""


__all__ = ["app"]
