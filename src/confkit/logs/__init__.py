"""Audit logs from every platform in one normalized, incremental, lossless stream.

::

    import confkit
    from confkit import logs

    with confkit.connect("zoom") as zoom, logs.LogStore.open() as store:
        for event in logs.collect(zoom, store, redact="ip"):      # newly stored events
            print(event.time, event.category, event.action, event.actor and event.actor.email)
        for event in logs.read(store, categories=["setting_change"]):
            print(event.changes)
        with open("events.ocsf.jsonl", "w") as out:
            logs.export(store, "ocsf", out)

Modules: :mod:`~confkit.logs.model` (the normalized :class:`LogEvent`), :mod:`~confkit.logs.stream`
(the provider-neutral stream protocol), :mod:`~confkit.logs.engine` (the collector),
:mod:`~confkit.logs.store` (SQLite persistence), :mod:`~confkit.logs.redact`,
:mod:`~confkit.logs.export` (JSONL, CSV, OCSF, ECS) and :mod:`~confkit.logs.ops` (read, export,
purge, status). See docs/logs.md.
"""

from confkit.logs.engine import (
    Collection,
    Collector,
    CollectReport,
    StreamProgress,
    collect,
    fetch,
    run,
)
from confkit.logs.export import ExportFormat, to_ecs, to_ocsf, write_events
from confkit.logs.model import (
    Actor,
    Category,
    LogEvent,
    MeetingRef,
    Outcome,
    Session,
    SettingChange,
    Target,
    event_id,
)
from confkit.logs.ops import StreamStatus, export, parse_age, parse_moment, purge, read, status
from confkit.logs.redact import Redactor
from confkit.logs.store import Checkpoint, LogStore, StreamKey
from confkit.logs.stream import BaseLogStream, CursorExpiredError, LogPage, LogStream, Resume, Window

__all__ = [
    "Actor",
    "BaseLogStream",
    "Category",
    "Checkpoint",
    "CollectReport",
    "Collection",
    "Collector",
    "CursorExpiredError",
    "ExportFormat",
    "LogEvent",
    "LogPage",
    "LogStore",
    "LogStream",
    "MeetingRef",
    "Outcome",
    "Redactor",
    "Resume",
    "Session",
    "SettingChange",
    "StreamKey",
    "StreamProgress",
    "StreamStatus",
    "Target",
    "Window",
    "collect",
    "event_id",
    "export",
    "fetch",
    "parse_age",
    "parse_moment",
    "purge",
    "read",
    "run",
    "status",
    "to_ecs",
    "to_ocsf",
    "write_events",
]
