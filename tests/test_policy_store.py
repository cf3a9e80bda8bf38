"""The local SQLite store: private file, WAL, schema versions per module."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from confkit.errors import ConfigurationError
from confkit.store import EnforceStore, ItemRecord, Migrations, SandboxStore, Store, default_path


def test_file_is_private_and_wal(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "confkit.db"
    old = os.umask(0o022)
    try:
        with Store(path) as store:
            EnforceStore(store)
            assert store.query("PRAGMA journal_mode")[0][0] == "wal"
            assert store.query("PRAGMA foreign_keys")[0][0] == 1
            for candidate in path.parent.iterdir():
                assert stat.S_IMODE(candidate.stat().st_mode) == 0o600, candidate
    finally:
        os.umask(old)


def test_default_path_honours_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CONFKIT_STORE", str(tmp_path / "x.db"))
    assert default_path() == tmp_path / "x.db"
    monkeypatch.delenv("CONFKIT_STORE")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_path() == tmp_path / "data" / "confkit" / "confkit.db"


def test_modules_migrate_independently(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with Store(path) as store:
        EnforceStore(store)
        SandboxStore(store)
        audit_log = Migrations("audit_log", ["CREATE TABLE audit_cursor (provider TEXT PRIMARY KEY, cursor TEXT)"])
        assert store.migrate(audit_log) == 1
        assert store.version("enforce") == 1 and store.version("sandbox") == 1 and store.version("audit_log") == 1
    # a later release adds a step: only that step runs
    with Store(path) as store:
        v2 = Migrations("audit_log", [audit_log.steps[0], "ALTER TABLE audit_cursor ADD COLUMN updated_at TEXT"])
        assert store.migrate(v2) == 2
        store.query("SELECT provider, cursor, updated_at FROM audit_cursor")
        # a database newer than the code is refused, not silently used
        with pytest.raises(ConfigurationError, match="newer than this confkit"):
            store.migrate(audit_log)


def test_failed_migration_rolls_back(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        broken = Migrations("broken", ["CREATE TABLE ok_table (x INTEGER); CREATE TABLE ok_table (y INTEGER);"])
        with pytest.raises(Exception, match="already exists"):
            store.migrate(broken)
        assert store.version("broken") == 0
        assert not store.query("SELECT name FROM sqlite_master WHERE name = 'ok_table'")


def test_prior_values_first_saved_win_and_host_writes(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        runs = EnforceStore(store)
        runs.create_run("r1", policy_name="k12", policy={"name": "k12"}, providers=["zoom"], sandbox=False)
        item = ItemRecord(
            run_id="r1",
            seq=1,
            provider="zoom",
            kind="meeting",
            resource_id="1",
            controls=["x"],
            summary=[],
            forward={"body": {"a": 1}},
            host_id="h1",
        )
        runs.add_items([item])
        runs.start("r1", 1, {"body": {"a": 0}})
        runs.start("r1", 1, {"body": {"a": 1}})  # a retry after the first write landed
        assert runs.items("r1")[0].prior == {"body": {"a": 0}}
        assert runs.items("r1")[0].attempts == 2
        at = datetime(2026, 1, 5, 12, tzinfo=UTC)
        runs.finish("r1", 1, "applied", at=at)
        assert runs.writes_since("zoom", "h1", datetime(2026, 1, 5, tzinfo=UTC)) == 1
        assert runs.writes_since("zoom", "h1", datetime(2026, 1, 6, tzinfo=UTC)) == 0
        with pytest.raises(ConfigurationError, match=r"no enforce run 'nope'.*recent runs: r1"):
            runs.get_run("nope")
