"""confkit's token store: 0600 files, atomic replacement, location, locking."""

from __future__ import annotations

import json
import logging
import os
import stat
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from confkit import tokenstore
from confkit.errors import ConfigurationError
from confkit.tokenstore import FileTokenStore, MemoryTokenStore, default_directory, open_store


class Crash(BaseException):
    """A simulated process crash (not an Exception: nothing may swallow it)."""


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_save_creates_0600_file_in_0700_directory(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "tokens")
    store.save("webex", "district", {"refresh_token": "r1"})
    path = store.path("webex", "district")
    assert path.name == "webex-district.json"
    assert mode(path) == 0o600 and mode(tmp_path / "tokens") == 0o700
    assert store.load("webex", "district") == {"refresh_token": "r1"}
    assert store.load("webex", "other") is None


def test_mode_is_0600_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        FileTokenStore(tmp_path).save("webex", "t", {"a": 1})
    finally:
        os.umask(old)
    assert mode(tmp_path / "webex-t.json") == 0o600


def test_replacing_keeps_0600_even_over_a_loose_file(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path)
    store.save("webex", "t", {"n": 1})
    store.path("webex", "t").chmod(0o644)
    store.save("webex", "t", {"n": 2})
    assert mode(store.path("webex", "t")) == 0o600 and store.load("webex", "t") == {"n": 2}


def test_crash_before_the_rename_leaves_the_old_file_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = FileTokenStore(tmp_path)
    store.save("webex", "t", {"refresh_token": "old"})

    def crash(src: Any, dst: Any) -> None:
        assert json.loads(Path(src).read_text()) == {"refresh_token": "new"}  # fully written and fsynced first
        raise Crash

    monkeypatch.setattr(tokenstore.os, "replace", crash)
    with pytest.raises(Crash):
        store.save("webex", "t", {"refresh_token": "new"})
    monkeypatch.undo()
    assert store.load("webex", "t") == {"refresh_token": "old"}
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []


def test_the_write_is_fsynced_before_the_rename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(tokenstore.os, "fsync", lambda fd: (calls.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(tokenstore.os, "replace", lambda a, b: (calls.append("replace"), real_replace(a, b))[1])
    FileTokenStore(tmp_path).save("webex", "t", {"a": 1})
    assert calls[:2] == ["fsync", "replace"] and calls[-1] == "fsync"  # file, rename, then the directory


def test_loose_permissions_are_tightened_with_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    store = FileTokenStore(tmp_path)
    store.save("webex", "t", {"a": 1})
    store.path("webex", "t").chmod(0o644)
    with caplog.at_level(logging.WARNING, logger="confkit.tokenstore"):
        assert store.load("webex", "t") == {"a": 1}
    assert mode(store.path("webex", "t")) == 0o600 and "readable by others" in caplog.text


@pytest.mark.parametrize("content", ["{not json", "[1, 2]"])
def test_a_damaged_file_is_a_configuration_error(tmp_path: Path, content: str) -> None:
    store = FileTokenStore(tmp_path)
    store.path("webex", "t").write_text(content)
    store.path("webex", "t").chmod(0o600)
    with pytest.raises(ConfigurationError, match=r"webex-t\.json"):
        store.load("webex", "t")


@pytest.mark.parametrize("tenant", ["../escape", "a/b", "", ".hidden", "x" * 101])
def test_tenant_names_cannot_escape_the_directory(tmp_path: Path, tenant: str) -> None:
    with pytest.raises(ConfigurationError, match="tenant"):
        FileTokenStore(tmp_path).path("webex", tenant)


def test_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("CONFKIT_HOME", raising=False)
    assert default_directory() == tmp_path / "home" / ".local" / "state" / "confkit" / "tokens"
    monkeypatch.setenv("CONFKIT_HOME", str(tmp_path / "ck"))
    assert default_directory() == tmp_path / "ck" / "tokens"
    assert default_directory(str(tmp_path / "explicit")) == tmp_path / "explicit"
    store = open_store(str(tmp_path / "explicit"))
    assert isinstance(store, FileTokenStore) and store.directory == tmp_path / "explicit"
    assert isinstance(open_store("memory"), MemoryTokenStore)


def test_memory_store_copies_entries() -> None:
    store = MemoryTokenStore()
    entry = {"refresh_token": "r"}
    store.save("webex", "t", entry)
    entry["refresh_token"] = "changed"
    assert store.load("webex", "t") == {"refresh_token": "r"}


def test_lock_serialises_two_stores_on_one_directory(tmp_path: Path) -> None:
    inside: list[int] = []
    overlaps: list[bool] = []

    def work(store: FileTokenStore) -> None:
        for _ in range(5):
            with store.lock("webex", "t"):
                inside.append(1)
                overlaps.append(len(inside) > 1)
                time.sleep(0.002)
                inside.pop()

    threads = [threading.Thread(target=work, args=(FileTokenStore(tmp_path),)) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert overlaps and not any(overlaps)
