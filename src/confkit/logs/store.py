"""SQLite persistence of audit logs: events, checkpoints per tenant x provider x stream, salts.

Built on :class:`confkit.store.core.Store` (one file created 0600, WAL, per-module schema versions);
this module owns the ``logs`` schema module and never touches other modules' tables.

``log_events.body`` holds either the normalized event (a JSON object) or, for streams that hand
over vendor records (:class:`~confkit.logs.stream.VendorRecord`), ``[raw]`` or ``[raw, context]``
(a JSON array), normalized when read by the stream's normalizer; the indexed columns (id, time,
tenant, provider, stream, category, action) are the same for both.

The collector's crash-safety rests on :meth:`LogStore.commit_page`: a page's new events, the
stream's cursor after that page, the sub-units it finished and - on a window's last page - the
window's completion are written in **one** transaction. Killing the process at any instant leaves
either everything of a page or nothing of it; the rerun resumes from the committed cursor and the
stable event id (the primary key) turns any re-read into a no-op. Pages of several streams that wait
for the store at the same moment share one transaction (group commit), each with its own position.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from confkit.logs.model import format_time, parse_time
from confkit.logs.raw import RawJSON
from confkit.logs.raw import text as raw_text
from confkit.logs.stream import Skipped, VendorRecord, Window, record_event
from confkit.store.core import MEMORY, Migrations, Store, default_path

LOGS = Migrations(
    "logs",
    [
        """
        CREATE TABLE log_events (
            id TEXT NOT NULL,
            time TEXT NOT NULL,
            tenant TEXT NOT NULL,
            provider TEXT NOT NULL,
            stream TEXT NOT NULL,
            category TEXT NOT NULL,
            action TEXT NOT NULL,
            body TEXT NOT NULL,
            collected_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX log_events_time_id ON log_events (time, id);
        CREATE TABLE log_checkpoints (
            tenant TEXT NOT NULL,
            provider TEXT NOT NULL,
            stream TEXT NOT NULL,
            done_until TEXT,
            covered_from TEXT,
            window_start TEXT,
            window_end TEXT,
            window_started_at TEXT,
            cursor TEXT,
            cursor_saved_at TEXT,
            last_run_at TEXT,
            last_success_at TEXT,
            last_error TEXT,
            redaction TEXT NOT NULL DEFAULT '',
            events_new INTEGER NOT NULL DEFAULT 0,
            events_dup INTEGER NOT NULL DEFAULT 0,
            pages INTEGER NOT NULL DEFAULT 0,
            restarts INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (tenant, provider, stream)
        );
        CREATE TABLE log_units (
            tenant TEXT NOT NULL,
            provider TEXT NOT NULL,
            stream TEXT NOT NULL,
            unit TEXT NOT NULL,
            PRIMARY KEY (tenant, provider, stream, unit)
        );
        CREATE TABLE log_salts (
            tenant TEXT NOT NULL,
            provider TEXT NOT NULL,
            salt BLOB NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (tenant, provider)
        );
        CREATE TABLE log_gaps (
            tenant TEXT NOT NULL,
            provider TEXT NOT NULL,
            stream TEXT NOT NULL,
            gap_start TEXT NOT NULL,
            gap_end TEXT NOT NULL,
            reason TEXT NOT NULL,
            noted_at TEXT NOT NULL,
            PRIMARY KEY (tenant, provider, stream, gap_start)
        );
        CREATE TABLE log_runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            summary TEXT NOT NULL DEFAULT '{}'
        );
        """,
        # Version 2: log_events.body holds either a normalized event (a JSON object) or, for streams on
        # the vendor-record path, the untouched vendor record as a JSON array ``[raw]`` or
        # ``[raw, context]``, normalized when read. No table changes: the bump makes a confkit that
        # only knows objects refuse this store ("upgrade confkit") instead of misreading it.
        "SELECT 1;",
    ],
)

ENV_SANDBOX_STORE = "CONFKIT_SANDBOX_STORE"
READ_BATCH = 1000
#: How often the background checkpointer of a collection looks at the write-ahead log (seconds).
CHECKPOINT_EVERY = 0.25
#: SQLite's own automatic checkpoint threshold (pages), restored after a collection.
AUTOCHECKPOINT = 1000

log = logging.getLogger("confkit.logs")


def sandbox_path() -> Path:
    """Where ``--sandbox`` keeps its logs: beside the default store, never mixed with real tenants."""
    env = os.environ.get(ENV_SANDBOX_STORE)
    if env:
        return Path(env).expanduser()
    return default_path().with_name("confkit-sandbox.db")


@dataclass(frozen=True, order=True)
class StreamKey:
    tenant: str
    provider: str
    stream: str

    def __str__(self) -> str:
        return f"{self.provider}/{self.stream} ({self.tenant})"


@dataclass(frozen=True)
class Checkpoint:
    """Where one stream stands. ``done_until``: every instant before it has been read at least once."""

    key: StreamKey
    done_until: datetime | None = None
    covered_from: datetime | None = None
    window: Window | None = None
    window_started_at: datetime | None = None
    cursor: str | None = None
    cursor_saved_at: datetime | None = None
    last_run_at: datetime | None = None
    last_success_at: datetime | None = None
    last_error: str | None = None
    redaction: str = ""
    events_new: int = 0
    events_dup: int = 0
    pages: int = 0
    restarts: int = 0


@dataclass(frozen=True)
class StreamCount:
    key: StreamKey
    events: int
    oldest: datetime | None
    newest: datetime | None


@dataclass(frozen=True)
class Gap:
    key: StreamKey
    start: datetime
    end: datetime
    reason: str


@dataclass(frozen=True)
class PageResult:
    """What a page added: ``inserted`` new events, ``duplicates`` already stored, and - when asked
    for with ``want_new`` - the new events themselves (``new_records``: those handed over as vendor
    records)."""

    inserted: int
    duplicates: int
    new: list[dict[str, Any]]
    new_records: list[VendorRecord] = field(default_factory=list)


def _t(value: str | None) -> datetime | None:
    return parse_time(value) if value else None


def _s(value: datetime | None) -> str | None:
    return format_time(value) if value is not None else None


_orjson_dumps = orjson.dumps
_ORJSON_OPTIONS = orjson.OPT_NON_STR_KEYS
_FALLBACK = json.JSONEncoder(separators=(",", ":"), ensure_ascii=True)


def _dumps(event: dict[str, Any] | tuple[Any, ...]) -> str:
    """An event as compact JSON text: orjson (about 8x the standard library's speed; this was a quarter of
    the collector's time), the standard library for what orjson refuses (integers beyond 64 bits, strings
    with lone surrogates), escaped to ASCII so that SQLite can store them."""
    try:
        return _orjson_dumps(event, option=_ORJSON_OPTIONS).decode()
    except orjson.JSONEncodeError:
        return _FALLBACK.encode(event)


_EVENT_COLUMNS = ("id", "time", "tenant", "provider", "stream", "category", "action", "body", "collected_at")
#: Rows per INSERT statement at most (SQLite's limit on bound parameters lowers it: 999 before 3.32).
MAX_ROWS_PER_INSERT = 1024


@functools.lru_cache(maxsize=16)
def _insert_sql(rows: int) -> str:
    marks = "(" + ",".join("?" * len(_EVENT_COLUMNS)) + ")"
    return f"INSERT OR IGNORE INTO log_events ({', '.join(_EVENT_COLUMNS)}) VALUES " + ",".join([marks] * rows)


#: A page's position, counted in (the stream's checkpoint row is made by the first page if need be).
_ADVANCE = (
    "INSERT INTO log_checkpoints (tenant, provider, stream, cursor, cursor_saved_at, pages, events_new, events_dup) "
    "VALUES (?, ?, ?, ?, ?, 1, ?, ?) ON CONFLICT (tenant, provider, stream) DO UPDATE SET "
    "cursor = excluded.cursor, cursor_saved_at = excluded.cursor_saved_at, pages = pages + 1, "
    "events_new = events_new + excluded.events_new, events_dup = events_dup + excluded.events_dup"
)
#: A window's last page: the window is complete, ``done_until`` never moves backwards.
_FINISH = (
    "INSERT INTO log_checkpoints (tenant, provider, stream, pages, events_new, events_dup, done_until, covered_from) "
    "VALUES (?, ?, ?, 1, ?, ?, ?, ?) ON CONFLICT (tenant, provider, stream) DO UPDATE SET "
    "cursor = NULL, cursor_saved_at = NULL, window_start = NULL, window_end = NULL, window_started_at = NULL, "
    "pages = pages + 1, events_new = events_new + excluded.events_new, "
    "events_dup = events_dup + excluded.events_dup, "
    "done_until = CASE WHEN done_until IS NULL OR done_until < excluded.done_until "
    "THEN excluded.done_until ELSE done_until END, "
    "covered_from = CASE WHEN covered_from IS NULL OR covered_from > excluded.covered_from "
    "THEN excluded.covered_from ELSE covered_from END"
)


#: A gap: one per stream and start; a second gap from the same start widens it and adds its reason.
_GAP = (
    "INSERT INTO log_gaps (tenant, provider, stream, gap_start, gap_end, reason, noted_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant, provider, stream, gap_start) DO UPDATE SET "
    "gap_end = max(gap_end, excluded.gap_end), noted_at = excluded.noted_at, reason = CASE "
    "WHEN instr(reason, excluded.reason) > 0 THEN reason ELSE reason || '; ' || excluded.reason END"
)


@dataclass(eq=False)
class _PageWrite:
    """One page on its way into the store (see :meth:`LogStore.commit_page`)."""

    key: StreamKey
    total: int
    cursor: str | None
    units: tuple[str, ...]
    stamp: str
    finished: str | None
    window_start: str
    rows: list[Any] = field(default_factory=list)
    #: (start, end, reason) of what the stream skipped (``LogPage.skipped``), as gaps
    gaps: tuple[tuple[str, str, str], ...] = ()
    inserted: int = 0
    done: bool = False
    error: BaseException | None = None


class LogStore:
    """The ``logs`` module of a confkit store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        store.migrate(LOGS)
        fit = max(1, min(MAX_ROWS_PER_INSERT, store.max_variables // len(_EVENT_COLUMNS)))
        self._rows_per_insert = 1 << (fit.bit_length() - 1)  # a power of two (see _insert)
        self._queue: list[_PageWrite] = []
        self._queue_lock = threading.Lock()

    @classmethod
    def open(cls, path: str | Path | None = None) -> LogStore:
        """Open (creating 0600) the store at ``path``, ``$CONFKIT_STORE`` or the default location."""
        return cls(Store.open(path))

    @classmethod
    def memory(cls) -> LogStore:
        return cls(Store(MEMORY))

    @property
    def path(self) -> str:
        return self.store.path

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> LogStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def background_checkpoints(self, every: float = CHECKPOINT_EVERY) -> Iterator[None]:
        """While inside, the write-ahead log is checkpointed by a helper thread on its own connection.

        SQLite otherwise checkpoints inside the ``COMMIT`` that crosses its threshold: copying the
        log into the database and syncing both files while the store's lock is held, so every
        stream's next commit waits for the disk. Here commits only append to the log; a PASSIVE
        checkpoint (which never blocks the writer) runs beside them, and SQLite's automatic
        checkpoint is restored on the way out. Crash safety is SQLite's either way: the log is
        replayed on the next open. No-op for an in-memory store.
        """
        if self.path == MEMORY:
            yield
            return
        stop = threading.Event()

        def checkpointer() -> None:
            conn = sqlite3.connect(self.path, timeout=30.0, check_same_thread=False)
            try:
                conn.execute("PRAGMA synchronous=NORMAL")  # sync the log before and the file after a checkpoint
                while not stop.wait(every):
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            except sqlite3.Error:  # the writer checkpoints again once restored; nothing is lost
                log.debug("background checkpoint failed", exc_info=True)
            finally:
                conn.close()

        self.store.query("PRAGMA wal_autocheckpoint=0")
        thread = threading.Thread(target=checkpointer, name="confkit-logs-checkpoint", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()
            with contextlib.suppress(sqlite3.Error):  # never hide the error that ended the collection
                self.store.query(f"PRAGMA wal_autocheckpoint={AUTOCHECKPOINT}")
                self.store.query("PRAGMA wal_checkpoint(PASSIVE)")

    # -- checkpoints -----------------------------------------------------------------------------

    def checkpoint(self, key: StreamKey) -> Checkpoint:
        rows = self.store.query(
            "SELECT * FROM log_checkpoints WHERE tenant = ? AND provider = ? AND stream = ?",
            (key.tenant, key.provider, key.stream),
        )
        return self._checkpoint(key, rows[0]) if rows else Checkpoint(key)

    def checkpoints(self) -> list[Checkpoint]:
        rows = self.store.query("SELECT * FROM log_checkpoints ORDER BY provider, tenant, stream")
        return [self._checkpoint(StreamKey(r["tenant"], r["provider"], r["stream"]), r) for r in rows]

    @staticmethod
    def _checkpoint(key: StreamKey, r: Any) -> Checkpoint:
        window = Window(parse_time(r["window_start"]), parse_time(r["window_end"])) if r["window_start"] else None
        return Checkpoint(
            key=key,
            done_until=_t(r["done_until"]),
            covered_from=_t(r["covered_from"]),
            window=window,
            window_started_at=_t(r["window_started_at"]),
            cursor=r["cursor"],
            cursor_saved_at=_t(r["cursor_saved_at"]),
            last_run_at=_t(r["last_run_at"]),
            last_success_at=_t(r["last_success_at"]),
            last_error=r["last_error"],
            redaction=r["redaction"],
            events_new=r["events_new"],
            events_dup=r["events_dup"],
            pages=r["pages"],
            restarts=r["restarts"],
        )

    def _ensure(self, tx: Any, key: StreamKey) -> None:
        tx.execute(
            "INSERT INTO log_checkpoints (tenant, provider, stream) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (key.tenant, key.provider, key.stream),
        )

    def begin_run(self, key: StreamKey, now: datetime, redaction: str) -> None:
        with self.store.transaction() as tx:
            self._ensure(tx, key)
            tx.execute(
                "UPDATE log_checkpoints SET last_run_at = ?, redaction = ? "
                "WHERE tenant = ? AND provider = ? AND stream = ?",
                (_s(now), redaction, key.tenant, key.provider, key.stream),
            )

    def end_run(self, key: StreamKey, now: datetime, error: str | None) -> None:
        with self.store.transaction() as tx:
            self._ensure(tx, key)
            if error is None:
                tx.execute(
                    "UPDATE log_checkpoints SET last_success_at = ?, last_error = NULL "
                    "WHERE tenant = ? AND provider = ? AND stream = ?",
                    (_s(now), key.tenant, key.provider, key.stream),
                )
            else:
                tx.execute(
                    "UPDATE log_checkpoints SET last_error = ? WHERE tenant = ? AND provider = ? AND stream = ?",
                    (error, key.tenant, key.provider, key.stream),
                )

    def abandon_window(self, key: StreamKey) -> None:
        """Forget the window being read, its cursor and units (committed events and ``done_until`` stay)."""
        with self.store.transaction() as tx:
            self._ensure(tx, key)
            tx.execute(
                "UPDATE log_checkpoints SET window_start = NULL, window_end = NULL, window_started_at = NULL, "
                "cursor = NULL, cursor_saved_at = NULL WHERE tenant = ? AND provider = ? AND stream = ?",
                (key.tenant, key.provider, key.stream),
            )
            tx.execute(
                "DELETE FROM log_units WHERE tenant = ? AND provider = ? AND stream = ?",
                (key.tenant, key.provider, key.stream),
            )

    def start_window(self, key: StreamKey, window: Window, started_at: datetime) -> None:
        """Record that ``window`` is being read (from its beginning); forgets the previous window's units."""
        with self.store.transaction() as tx:
            self._ensure(tx, key)
            tx.execute(
                "UPDATE log_checkpoints SET window_start = ?, window_end = ?, window_started_at = ?, cursor = NULL, "
                "cursor_saved_at = NULL WHERE tenant = ? AND provider = ? AND stream = ?",
                (_s(window.start), _s(window.end), _s(started_at), key.tenant, key.provider, key.stream),
            )
            tx.execute(
                "DELETE FROM log_units WHERE tenant = ? AND provider = ? AND stream = ?",
                (key.tenant, key.provider, key.stream),
            )

    def move_window_start(self, key: StreamKey, start: datetime) -> None:
        """The window being read now begins at ``start`` (it began before the vendor's retention): its
        cursor, which names the old bounds, is forgotten; the units it finished (meetings, series) stay."""
        with self.store.transaction() as tx:
            tx.execute(
                "UPDATE log_checkpoints SET window_start = ?, cursor = NULL, cursor_saved_at = NULL "
                "WHERE tenant = ? AND provider = ? AND stream = ?",
                (_s(start), key.tenant, key.provider, key.stream),
            )

    def restart_window(self, key: StreamKey) -> None:
        """The saved cursor is no good (expired): the window is read again from its beginning."""
        with self.store.transaction() as tx:
            tx.execute(
                "UPDATE log_checkpoints SET cursor = NULL, cursor_saved_at = NULL, restarts = restarts + 1 "
                "WHERE tenant = ? AND provider = ? AND stream = ?",
                (key.tenant, key.provider, key.stream),
            )

    def units(self, key: StreamKey) -> frozenset[str]:
        rows = self.store.query(
            "SELECT unit FROM log_units WHERE tenant = ? AND provider = ? AND stream = ?",
            (key.tenant, key.provider, key.stream),
        )
        return frozenset(r["unit"] for r in rows)

    def commit_page(
        self,
        key: StreamKey,
        events: Sequence[dict[str, Any]],
        *,
        cursor: str | None,
        units: Sequence[str],
        now: datetime,
        finished: datetime | None,
        window: Window,
        want_new: bool = False,
        records: Sequence[VendorRecord] = (),
        skipped: Sequence[Skipped] = (),
    ) -> PageResult:
        """Store a page's new events and the stream's position after it, atomically.

        ``events`` are normalized event dicts, ``records`` events as vendor records (stored as
        they are, normalized when read). ``finished`` is set on the window's last page: it becomes
        ``done_until`` (never moving backwards) and the window, its cursor and its units are cleared
        in the same transaction, as are the gaps of what the stream ``skipped``. Deduplication is by the
        unique ``(time, id)`` index: an event's id
        determines its time (both come from the same vendor record), and an index in time order
        keeps inserts local.
        """
        write = _PageWrite(key, len(events) + len(records), cursor, tuple(units), format_time(now),
                           None if finished is None else format_time(finished), format_time(window.start),
                           gaps=tuple((format_time(g.start), format_time(g.end), g.reason) for g in skipped))
        if want_new:
            # The iterator path: which events are new is read inside the page's own transaction.
            with self.store.transaction() as tx:
                events, records = self._new_only(tx, events, records)
                write.rows = self._rows(key, events, records, write.stamp)
                inserted = self._apply(tx, write)
            return PageResult(inserted, write.total - inserted, list(events), list(records))
        write.rows = self._rows(key, events, records, write.stamp)  # encoded before the lock is taken
        with self._queue_lock:
            self._queue.append(write)
        with self.store.lock:
            if not write.done:
                with self._queue_lock:
                    batch, self._queue = self._queue, []
                if write not in batch:  # pragma: no cover - every waiting page is in the queue
                    batch.append(write)
                self._commit_group(batch, write)
        if write.error is not None:
            raise write.error
        return PageResult(write.inserted, write.total - write.inserted, [])

    def _commit_group(self, batch: list[_PageWrite], mine: _PageWrite) -> None:
        """Commit the pages waiting for the store (``mine`` among them) in one transaction.

        Group commit: the streams' threads queue for the store while one of them commits, so whoever
        gets it next commits every page waiting by then. Each page keeps its own checkpoint update in
        the same transaction as its events, so a page and its position are still never apart; what a
        group shares is the transaction's ``BEGIN`` and ``COMMIT`` - each a trip out of Python and back,
        which waited for the GIL behind the threads decoding pages and made the store the collection's
        bottleneck. Should a group fail, its pages are committed one by one, so that an error is only
        the page's own.
        """
        try:
            with self.store.transaction() as tx:
                for write in batch:
                    write.inserted = self._apply(tx, write)
        except Exception as group_error:
            if len(batch) == 1:
                mine.error = group_error
            else:
                for write in batch:
                    try:
                        with self.store.transaction() as tx:
                            write.inserted = self._apply(tx, write)
                    except Exception as exc:
                        write.error = exc
        except BaseException:
            # Interrupted (KeyboardInterrupt): the other pages go back to the queue for their own threads.
            with self._queue_lock:
                self._queue[:0] = [w for w in batch if w is not mine]
            raise
        for write in batch:
            write.done = True

    @staticmethod
    def _rows(key: StreamKey, events: Sequence[dict[str, Any]], records: Sequence[VendorRecord],
              stamp: str) -> list[Any]:
        """The page's event rows for :meth:`_insert`: their nine values one after another."""
        tenant, provider, stream = key.tenant, key.provider, key.stream
        flat: list[Any] = []
        for e in events:
            flat += (e["id"], e["time"], tenant, provider, stream, e["category"], e["action"], _dumps(e), stamp)
        for r in records:
            raw = r.raw
            if raw.__class__ is RawJSON:  # the vendor's JSON text as it came: stored as it is
                body = f"[{raw_text(raw)}]" if r.context is None else f"[{raw_text(raw)},{_dumps(r.context)}]"
            else:
                body = _dumps((raw,) if r.context is None else (raw, r.context))
            flat += (r.id, r.time, tenant, provider, stream, r.category, r.action, body, stamp)
        return flat

    @staticmethod
    def _new_only(tx: Any, events: Sequence[dict[str, Any]], records: Sequence[VendorRecord]
                  ) -> tuple[list[dict[str, Any]], list[VendorRecord]]:
        """The events and records of a page that are not stored yet (nor repeated within the page)."""
        pairs = [(e["time"], e["id"]) for e in events] + [(r.time, r.id) for r in records]
        existing: set[str] = set()
        for start in range(0, len(pairs), 400):  # within SQLite's limit of bound parameters
            chunk = pairs[start:start + 400]
            marks = ",".join("(?,?)" for _ in chunk)
            existing.update(row[0] for row in tx.execute(
                f"SELECT id FROM log_events WHERE (time, id) IN (VALUES {marks})", [v for pair in chunk for v in pair]))
        seen: set[str] = set()
        new: list[dict[str, Any]] = []
        new_records: list[VendorRecord] = []
        for event in events:
            if event["id"] not in existing and event["id"] not in seen:
                seen.add(event["id"])
                new.append(event)
        for record in records:
            if record.id not in existing and record.id not in seen:
                seen.add(record.id)
                new_records.append(record)
        return new, new_records

    def _apply(self, tx: Any, write: _PageWrite) -> int:
        """A page's rows and the stream's position after it, inside ``tx``; returns how many rows were new."""
        inserted = self._insert(tx, write.rows) if write.rows else 0
        dups = write.total - inserted
        key = write.key
        where = (key.tenant, key.provider, key.stream)
        if write.finished is None:
            tx.execute(_ADVANCE, (*where, write.cursor, write.stamp, inserted, dups))
            if write.units:
                tx.executemany(
                    "INSERT INTO log_units (tenant, provider, stream, unit) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    [(*where, unit) for unit in write.units],
                )
        else:
            tx.execute(_FINISH, (*where, inserted, dups, write.finished, write.window_start))
            tx.execute("DELETE FROM log_units WHERE tenant = ? AND provider = ? AND stream = ?", where)
        for start, end, reason in write.gaps:
            tx.execute(_GAP, (*where, start, end, reason, write.stamp))
        return inserted

    def _insert(self, tx: Any, flat: list[Any]) -> int:
        """Insert event rows (``flat``: their nine values one after another); returns how many were new.

        Many rows per ``INSERT`` statement, in chunks whose sizes are powers of two (a page of 1,000 rows is
        six statements): CPython's sqlite3 releases the GIL around every ``sqlite3_step`` and must wait for
        it again behind the threads decoding other streams' pages, and ``executemany`` steps once per row.
        Powers of two keep the statements to a dozen texts, prepared once; that also bounds memory, since
        SQLite keeps a copy of the values last bound to each cached statement (a statement per page size
        held ~1 MB of event bodies each, 25 MB more peak RSS in the benchmark).
        """
        width = len(_EVENT_COLUMNS)
        rows = len(flat) // width
        most = self._rows_per_insert
        inserted = 0
        done = 0
        while done < rows:
            size = min(most, 1 << ((rows - done).bit_length() - 1))
            inserted += tx.execute(_insert_sql(size), flat[done * width:(done + size) * width]).rowcount
            done += size
        return inserted

    # -- gaps, salts, runs -------------------------------------------------------------------------

    def note_gap(self, key: StreamKey, start: datetime, end: datetime, reason: str, now: datetime) -> None:
        with self.store.transaction() as tx:
            tx.execute(_GAP, (key.tenant, key.provider, key.stream, format_time(start), format_time(end), reason,
                              format_time(now)))  # fmt: skip

    def gaps(self) -> list[Gap]:
        rows = self.store.query("SELECT * FROM log_gaps ORDER BY provider, tenant, stream, gap_start")
        return [
            Gap(
                StreamKey(r["tenant"], r["provider"], r["stream"]),
                parse_time(r["gap_start"]),
                parse_time(r["gap_end"]),
                r["reason"],
            )
            for r in rows
        ]

    def salt(self, tenant: str, provider: str) -> bytes:
        """The tenant's redaction salt, created (32 random bytes) on first use and kept in the store."""
        rows = self.store.query("SELECT salt FROM log_salts WHERE tenant = ? AND provider = ?", (tenant, provider))
        if rows:
            return bytes(rows[0]["salt"])
        with self.store.transaction() as tx:
            tx.execute(
                "INSERT INTO log_salts (tenant, provider, salt, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (tenant, provider, os.urandom(32), format_time(datetime.now(UTC))),
            )
            row = tx.execute(
                "SELECT salt FROM log_salts WHERE tenant = ? AND provider = ?", (tenant, provider)
            ).fetchone()
        return bytes(row[0])

    def record_run(self, kind: str, started_at: datetime, finished_at: datetime, summary: dict[str, Any]) -> None:
        with self.store.transaction() as tx:
            tx.execute(
                "INSERT INTO log_runs (kind, started_at, finished_at, summary) VALUES (?, ?, ?, ?)",
                (kind, format_time(started_at), format_time(finished_at), json.dumps(summary, sort_keys=True)),
            )

    def last_run(self, kind: str) -> tuple[datetime, datetime | None, dict[str, Any]] | None:
        rows = self.store.query(
            "SELECT started_at, finished_at, summary FROM log_runs WHERE kind = ? ORDER BY id DESC LIMIT 1", (kind,)
        )
        if not rows:
            return None
        r = rows[0]
        return parse_time(r["started_at"]), _t(r["finished_at"]), json.loads(r["summary"])

    # -- events ------------------------------------------------------------------------------------

    def iter_event_dicts(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        providers: Sequence[str] = (),
        categories: Sequence[str] = (),
        streams: Sequence[str] = (),
        tenants: Sequence[str] = (),
        batch: int = READ_BATCH,
    ) -> Iterator[dict[str, Any]]:
        """Stored events in time order, read in batches (memory stays flat however many there are)."""
        where: list[str] = []
        params: list[Any] = []
        if since is not None:
            where.append("time >= ?")
            params.append(format_time(since))
        if until is not None:
            where.append("time < ?")
            params.append(format_time(until))
        for column, values in (("provider", providers), ("category", categories), ("stream", streams),
                               ("tenant", tenants)):
            if values:
                where.append(f"{column} IN ({','.join('?' * len(values))})")
                params.extend(str(v) for v in values)
        last: tuple[str, str] | None = None
        while True:
            clause = list(where)
            args = list(params)
            if last is not None:
                clause.append("(time > ? OR (time = ? AND id > ?))")
                args.extend([last[0], last[0], last[1]])
            sql = "SELECT id, time, tenant, provider, stream, category, action, body FROM log_events"
            if clause:
                sql += " WHERE " + " AND ".join(clause)
            sql += " ORDER BY time, id LIMIT ?"
            rows = self.store.query(sql, [*args, batch])
            for row in rows:
                yield self._event(row)
            if len(rows) < batch:
                return
            last = (rows[-1]["time"], rows[-1]["id"])

    @staticmethod
    def _event(row: Any) -> dict[str, Any]:
        """The normalized event of a stored row (a vendor record is normalized here)."""
        body = json.loads(row["body"])
        if isinstance(body, dict):
            return body
        record = VendorRecord(row["id"], row["time"], row["category"], row["action"], body[0],
                              body[1] if len(body) > 1 else None)
        return record_event(record, row["provider"], row["tenant"], row["stream"])

    def ids(self) -> Iterator[str]:
        """Every stored event id (for checks), in storage order, batched."""
        last = 0
        while True:
            rows = self.store.query(
                "SELECT rowid AS r, id FROM log_events WHERE rowid > ? ORDER BY rowid LIMIT ?", (last, 10_000)
            )
            for row in rows:
                yield row["id"]
            if len(rows) < 10_000:
                return
            last = rows[-1]["r"]

    def count(self) -> int:
        return int(self.store.query("SELECT COUNT(*) AS n FROM log_events")[0]["n"])

    def counts(self) -> list[StreamCount]:
        rows = self.store.query(
            "SELECT tenant, provider, stream, COUNT(*) AS n, MIN(time) AS oldest, MAX(time) AS newest "
            "FROM log_events GROUP BY tenant, provider, stream ORDER BY provider, tenant, stream"
        )
        return [
            StreamCount(StreamKey(r["tenant"], r["provider"], r["stream"]), r["n"], _t(r["oldest"]), _t(r["newest"]))
            for r in rows
        ]

    def purge(self, before: datetime, *, batch: int = 10_000) -> int:
        """Delete events older than ``before``, in batches; returns how many."""
        cutoff = format_time(before)
        total = 0
        while True:
            with self.store.transaction() as tx:
                deleted = tx.execute(
                    "DELETE FROM log_events WHERE rowid IN (SELECT rowid FROM log_events WHERE time < ? LIMIT ?)",
                    (cutoff, batch),
                ).rowcount
                tx.execute("DELETE FROM log_gaps WHERE gap_end < ?", (cutoff,))
            total += deleted
            if deleted < batch:
                return total

    def count_before(self, before: datetime) -> int:
        rows = self.store.query("SELECT COUNT(*) AS n FROM log_events WHERE time < ?", (format_time(before),))
        return int(rows[0]["n"])


__all__ = [
    "LOGS",
    "Checkpoint",
    "Gap",
    "LogStore",
    "PageResult",
    "StreamCount",
    "StreamKey",
    "sandbox_path",
]
