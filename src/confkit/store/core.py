"""confkit's local SQLite store: one file, created 0600, WAL journal, versioned schema per module.

Every feature that keeps local state (enforce runs here, the audit-log cursor later) owns a
*module* of the schema: a name and an ordered list of migration steps. :meth:`Store.migrate`
applies the steps a database has not seen yet, each in its own transaction, and records the
module's version in ``schema_versions``. Modules never touch each other's tables, so a new
feature adds its own module (see :mod:`confkit.store.enforce` for the pattern) without a shared
schema file::

    AUDIT_LOG = Migrations("audit_log", [
        "CREATE TABLE audit_cursor (provider TEXT PRIMARY KEY, cursor TEXT, updated_at TEXT NOT NULL)",
    ])
    store = Store.open()          # $CONFKIT_STORE or ~/.local/share/confkit/confkit.db
    store.migrate(AUDIT_LOG)

The connection is shared between threads behind a lock (``check_same_thread=False``); use
:meth:`Store.transaction` for writes.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from confkit.errors import ConfigurationError

ENV_STORE = "CONFKIT_STORE"
MEMORY = ":memory:"


def default_path() -> Path:
    """``$CONFKIT_STORE``, else ``$XDG_DATA_HOME/confkit/confkit.db`` (``~/.local/share/...``)."""
    env = os.environ.get(ENV_STORE)
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "confkit" / "confkit.db"


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Migrations:
    """The schema of one store module: ``steps[i]`` takes the module from version ``i`` to ``i+1``.

    A step is one SQL script (several statements are fine). Steps are append-only: never edit a
    released step, add a new one.
    """

    module: str
    steps: Sequence[str]

    @property
    def version(self) -> int:
        return len(self.steps)


def _create_private(path: Path) -> None:
    """Create the database file with mode 0600 before SQLite opens it (no world-readable window)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        path.chmod(0o600)


class Store:
    """A SQLite database with WAL, foreign keys and per-module schema versions."""

    def __init__(self, path: str | Path = MEMORY) -> None:
        self.path = str(path)
        try:
            if self.path != MEMORY:
                _create_private(Path(self.path))
            self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30.0)
        except (OSError, sqlite3.Error) as exc:
            raise ConfigurationError(f"cannot open the confkit store {self.path}: {exc}") from None
        self._conn.row_factory = sqlite3.Row
        #: The most parameters one statement may bind (SQLite's compile-time limit: 999 before 3.32).
        self.max_variables: int = self._conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        self._lock = threading.RLock()
        with self._lock:
            try:
                if self.path != MEMORY:
                    self._wal()
                self._conn.execute("PRAGMA foreign_keys=ON")
                self._conn.execute("PRAGMA synchronous=NORMAL")
                self._conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_versions ("
                    " module TEXT PRIMARY KEY, version INTEGER NOT NULL, updated_at TEXT NOT NULL)"
                )
            except sqlite3.DatabaseError as exc:  # not SQLite at all, damaged, or read-only
                self._conn.close()
                raise ConfigurationError(
                    f"cannot use {self.path} as a confkit store ({exc}); name another file with --store or "
                    "$CONFKIT_STORE"
                ) from None
        if self.path != MEMORY:
            # SQLite creates -wal and -shm next to the file; keep them private too.
            for suffix in ("-wal", "-shm"):
                side = Path(self.path + suffix)
                if side.exists() and stat.S_IMODE(side.stat().st_mode) & 0o077:
                    side.chmod(0o600)

    def _wal(self) -> None:
        """Switch to the write-ahead log. On a new file that another process is setting up at the same
        instant SQLite can answer "database is locked" at once, without its busy timeout: try again."""
        deadline = time.monotonic() + 30
        while True:
            try:
                self._conn.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    @classmethod
    def open(cls, path: str | Path | None = None) -> Store:
        return cls(path if path is not None else default_path())

    # -- schema --------------------------------------------------------------------------------

    def version(self, module: str) -> int:
        with self._lock:
            row = self._conn.execute("SELECT version FROM schema_versions WHERE module = ?", (module,)).fetchone()
        return int(row["version"]) if row else 0

    def migrate(self, migrations: Migrations) -> int:
        """Bring ``migrations.module`` up to date; returns its version. Refuses a newer database."""
        with self._lock:
            current = self.version(migrations.module)
            if current > migrations.version:
                raise ConfigurationError(
                    f"the confkit store {self.path} has {migrations.module} schema version {current}, newer than "
                    f"this confkit ({migrations.version}); upgrade confkit"
                )
            for number in range(current, migrations.version):
                with self.transaction() as conn:
                    # Another process may have taken this step since we looked (two collections started
                    # at once on a new store): the immediate transaction serializes them, so look again.
                    row = conn.execute(
                        "SELECT version FROM schema_versions WHERE module = ?", (migrations.module,)
                    ).fetchone()
                    if row is not None and int(row[0]) > number:
                        continue
                    conn.executescript_safe(migrations.steps[number])
                    conn.execute(
                        "INSERT INTO schema_versions(module, version, updated_at) VALUES (?, ?, ?) "
                        "ON CONFLICT(module) DO UPDATE SET version = excluded.version, "
                        "updated_at = excluded.updated_at",
                        (migrations.module, number + 1, utcnow()),
                    )
            return migrations.version

    # -- access ------------------------------------------------------------------------------------

    @property
    def lock(self) -> threading.RLock:
        """The connection's lock (re-entrant): hold it to make several operations one step for other threads."""
        return self._lock

    @contextmanager
    def transaction(self) -> Iterator[_Tx]:
        """An immediate write transaction, committed on success and rolled back on error."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield _Tx(self._conn)
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            else:
                self._conn.execute("COMMIT")

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return list(self._conn.execute(sql, params).fetchall())

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class _Tx:
    """The connection inside a transaction (``executescript`` would commit it, so it is split)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self._conn.execute(sql, params)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> sqlite3.Cursor:
        return self._conn.executemany(sql, rows)

    def executescript_safe(self, script: str) -> None:
        """Run a multi-statement script statement by statement, inside the current transaction."""
        buffer = ""
        for piece in script.split(";"):
            buffer += piece + ";"
            if sqlite3.complete_statement(buffer):  # false while a ';' sits inside a string literal
                if buffer.strip(" \t\r\n;"):
                    self._conn.execute(buffer)
                buffer = ""
        if buffer.strip(" \t\r\n;"):
            self._conn.execute(buffer)


__all__ = ["ENV_STORE", "MEMORY", "Migrations", "Store", "default_path", "utcnow"]
