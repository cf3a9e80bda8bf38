"""The store-side operations as library functions: read, export, purge, status.

They are what ``confkit logs export | purge | status`` run, returning iterators and plain data.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TextIO

from confkit.errors import ConfigurationError
from confkit.logs.export import ExportFormat, write_events
from confkit.logs.model import LogEvent, parse_time
from confkit.logs.redact import Redactor, parse_kinds
from confkit.logs.store import Checkpoint, Gap, LogStore, StreamKey

_AGE = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$", re.IGNORECASE)
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_age(text: str) -> timedelta:
    """``"180d"``, ``"12h"``, ``"4w"``, ``"30m"``, ``"90s"`` as a duration."""
    found = _AGE.match(text or "")
    if not found:
        raise ConfigurationError(f"cannot read the duration {text!r}; write it like 180d, 12h, 4w or 30m")
    try:
        return timedelta(**{_UNITS[found.group(2).lower()]: int(found.group(1))})
    except OverflowError:
        raise ConfigurationError(f"the duration {text!r} is too long; at most a few thousand years") from None


def parse_moment(text: str, *, now: datetime | None = None) -> datetime:
    """A point in time from the command line: an ISO date or date-time (UTC unless an offset is
    given), or an age such as ``7d`` meaning that long before now."""
    if _AGE.match(text or ""):
        try:
            return (now or datetime.now(UTC)) - parse_age(text)
        except OverflowError:
            raise ConfigurationError(f"{text!r} reaches back before the year 1; give a shorter age") from None
    try:
        return parse_time(text)
    except OverflowError:
        raise ConfigurationError(f"the time {text!r} is out of range") from None
    except ValueError:
        raise ConfigurationError(
            f"cannot read the time {text!r}; write a date (2026-01-05), a date-time (2026-01-05T08:00:00Z) "
            "or an age (7d)"
        ) from None


def read(
    store: LogStore,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    providers: Sequence[str] = (),
    categories: Sequence[str] = (),
    streams: Sequence[str] = (),
    tenants: Sequence[str] = (),
) -> Iterator[LogEvent]:
    """Stored events in time order, as :class:`LogEvent` (memory stays flat)."""
    for event in store.iter_event_dicts(
        since=since, until=until, providers=providers, categories=categories, streams=streams, tenants=tenants
    ):
        yield LogEvent.model_validate(event)


def export(
    store: LogStore,
    fmt: ExportFormat | str,
    out: TextIO,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    providers: Sequence[str] = (),
    categories: Sequence[str] = (),
    streams: Sequence[str] = (),
    redact: str | Sequence[str] | None = None,
) -> int:
    """Write the selected stored events to ``out`` as ``jsonl``, ``csv``, ``ocsf`` or ``ecs``; returns the count.

    ``redact`` (e.g. ``"ip,email"``) hashes those fields on the way out with each tenant's salt
    from the store, so the hashes equal those of a collection made with ``--redact``.
    """
    kinds = parse_kinds(redact)
    salts: dict[tuple[str, str], Redactor] = {}

    def redactor_for(tenant: str, provider: str) -> Redactor | None:
        if not kinds:
            return None
        key = (tenant, provider)
        if key not in salts:
            salts[key] = Redactor(store.salt(tenant, provider), kinds)
        return salts[key]

    events = store.iter_event_dicts(
        since=since, until=until, providers=providers, categories=categories, streams=streams
    )
    return write_events(events, fmt, out, redactor_for=redactor_for if kinds else None)


def purge(store: LogStore, older_than: timedelta | str, *, now: datetime | None = None, dry_run: bool = False) -> int:
    """Delete stored events older than ``older_than`` (``"180d"``); returns how many (would be) deleted.

    Checkpoints are kept, so a purge never makes the next collection read old windows again.
    """
    age = parse_age(older_than) if isinstance(older_than, str) else older_than
    moment = now or datetime.now(UTC)
    cutoff = moment - age
    if dry_run:
        return store.count_before(cutoff)
    deleted = store.purge(cutoff)
    store.record_run("purge", moment, datetime.now(UTC), {"older_than_seconds": age.total_seconds(),
                                                          "cutoff": cutoff.isoformat(), "deleted": deleted})
    return deleted


@dataclass(frozen=True)
class StreamStatus:
    """What ``confkit logs status`` shows for one stream."""

    key: StreamKey
    checkpoint: Checkpoint | None
    events: int
    oldest: datetime | None
    newest: datetime | None
    gaps: tuple[Gap, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        c = self.checkpoint

        def t(value: datetime | None) -> str | None:
            return value.isoformat() if value is not None else None

        return {
            "tenant": self.key.tenant,
            "provider": self.key.provider,
            "stream": self.key.stream,
            "events": self.events,
            "oldest": t(self.oldest),
            "newest": t(self.newest),
            "collected_until": t(c.done_until) if c else None,
            "collected_from": t(c.covered_from) if c else None,
            "in_progress_window": str(c.window) if c and c.window else None,
            "last_run": t(c.last_run_at) if c else None,
            "last_success": t(c.last_success_at) if c else None,
            "last_error": c.last_error if c else None,
            "redaction": (c.redaction or "none") if c else None,
            "duplicates_skipped": c.events_dup if c else 0,
            "window_restarts": c.restarts if c else 0,
            "gaps": [{"from": t(g.start), "to": t(g.end), "reason": g.reason} for g in self.gaps],
        }


def status(store: LogStore) -> list[StreamStatus]:
    """Checkpoints, counts and gaps per tenant x provider x stream."""
    checkpoints = {c.key: c for c in store.checkpoints()}
    counts = {c.key: c for c in store.counts()}
    gaps: dict[StreamKey, list[Gap]] = {}
    for gap in store.gaps():
        gaps.setdefault(gap.key, []).append(gap)
    out = []
    for key in sorted(set(checkpoints) | set(counts)):
        count = counts.get(key)
        out.append(
            StreamStatus(
                key=key,
                checkpoint=checkpoints.get(key),
                events=count.events if count else 0,
                oldest=count.oldest if count else None,
                newest=count.newest if count else None,
                gaps=tuple(gaps.get(key, ())),
            )
        )
    return out


__all__ = ["StreamStatus", "export", "parse_age", "parse_moment", "purge", "read", "status"]
