"""The logs module of the SQLite store: private file, atomic pages, reads, purge, status, salts."""

from __future__ import annotations

import stat
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from confkit.errors import ConfigurationError
from confkit.logs import LogStore, parse_age, purge, read, status
from confkit.logs.model import Category, event_id, format_time, new_event
from confkit.logs.ops import parse_moment
from confkit.logs.store import StreamKey
from confkit.logs.stream import Window
from confkit.store import core

KEY = StreamKey("tenant-1", "zoom", "signins")
NOW = datetime(2026, 1, 5, 12, tzinfo=UTC)
WINDOW = Window(datetime(2025, 12, 10, tzinfo=UTC), datetime(2026, 1, 6, tzinfo=UTC))


def event(n: int, *, when: datetime | None = None, category: Category = Category.AUTHENTICATION,
          provider: str = "zoom") -> dict[str, Any]:
    moment = when or NOW - timedelta(hours=n)
    return new_event(id=event_id(provider, "signins", n), time=format_time(moment), provider=provider,
                     tenant="tenant-1", stream="signins", category=category, action="sign_in",
                     actor={"email": f"user{n}@district.example"}, raw={"n": n})


def test_the_store_file_is_created_private(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "logs.db"
    with LogStore.open(path) as store:
        store.commit_page(KEY, [event(1)], cursor="c", units=(), now=NOW, finished=None, window=WINDOW)
        for suffix in ("", "-wal", "-shm"):
            side = Path(str(path) + suffix)
            if side.exists():
                assert stat.S_IMODE(side.stat().st_mode) == 0o600
        assert store.store.version("logs") == 2


def test_a_page_and_its_checkpoint_are_one_transaction(monkeypatch: pytest.MonkeyPatch) -> None:
    store = LogStore.memory()
    store.start_window(KEY, WINDOW, NOW)
    store.commit_page(KEY, [event(1), event(2)], cursor="page-2", units=(), now=NOW, finished=None, window=WINDOW)

    class Died(BaseException):
        pass

    real = core._Tx.execute

    def dying(self: core._Tx, sql: str, params: Any = ()) -> Any:
        if "INTO log_checkpoints" in sql or sql.startswith("UPDATE log_checkpoints"):
            raise Died  # after the events were inserted, before the cursor moved
        return real(self, sql, params)

    monkeypatch.setattr(core._Tx, "execute", dying)
    with pytest.raises(Died):
        store.commit_page(KEY, [event(3), event(4)], cursor="page-3", units=(), now=NOW, finished=None,
                          window=WINDOW)
    monkeypatch.undo()
    assert store.count() == 2  # nothing of the failed page
    assert store.checkpoint(KEY).cursor == "page-2"


def _commit_from_threads(store: LogStore, keys: list[StreamKey], pages: dict[StreamKey, list[dict[str, Any]]],
                         ) -> dict[StreamKey, BaseException | None]:
    """Commit one page per key from its own thread, all queued before any of them gets the store."""
    outcome: dict[StreamKey, BaseException | None] = {}

    def commit(key: StreamKey) -> None:
        try:
            store.commit_page(key, pages[key], cursor=f"after-{key.stream}", units=(), now=NOW, finished=None,
                              window=WINDOW)
            outcome[key] = None
        except BaseException as exc:
            outcome[key] = exc

    threads = [threading.Thread(target=commit, args=(key,)) for key in keys]
    with store.store.lock:  # nobody commits until every page is waiting
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 10
        while len(store._queue) < len(keys) and time.monotonic() < deadline:
            time.sleep(0.005)
        assert len(store._queue) == len(keys)
    for thread in threads:
        thread.join(10)
    return outcome


def test_pages_waiting_for_the_store_are_committed_in_one_transaction(monkeypatch: pytest.MonkeyPatch) -> None:
    store = LogStore.memory()
    keys = [StreamKey("tenant-1", "zoom", f"stream-{n}") for n in range(4)]
    pages = {key: [event(10 * n + i) for i in range(3)] for n, key in enumerate(keys)}
    transactions = 0
    real = core.Store.transaction

    def counted(self: core.Store) -> Any:
        nonlocal transactions
        transactions += 1
        return real(self)

    monkeypatch.setattr(core.Store, "transaction", counted)
    outcome = _commit_from_threads(store, keys, pages)
    assert outcome == dict.fromkeys(keys)
    assert transactions == 1
    assert store.count() == 12
    for key in keys:  # each page with its own position and counts
        checkpoint = store.checkpoint(key)
        assert (checkpoint.cursor, checkpoint.events_new, checkpoint.pages) == (f"after-{key.stream}", 3, 1)


def test_a_failing_page_in_a_group_fails_only_its_own_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    store = LogStore.memory()
    keys = [StreamKey("tenant-1", "zoom", f"stream-{n}") for n in range(3)]
    pages = {key: [event(10 * n + i) for i in range(2)] for n, key in enumerate(keys)}
    bad = keys[1]
    real = LogStore._apply

    def failing(self: LogStore, tx: Any, write: Any) -> int:
        if write.key == bad:
            raise core.sqlite3.OperationalError("disk I/O error")
        return real(self, tx, write)

    monkeypatch.setattr(LogStore, "_apply", failing)
    outcome = _commit_from_threads(store, keys, pages)
    assert isinstance(outcome[bad], core.sqlite3.OperationalError)
    assert [outcome[k] for k in keys if k != bad] == [None, None]
    assert store.count() == 4  # the two good pages, nothing of the bad one
    assert store.checkpoint(bad).cursor is None
    assert {store.checkpoint(k).cursor for k in keys if k != bad} == {"after-stream-0", "after-stream-2"}


def test_a_page_is_a_few_inserts_of_power_of_two_sizes_and_nothing_is_lost(monkeypatch: pytest.MonkeyPatch) -> None:
    store = LogStore.memory()
    statements: list[int] = []
    real = core._Tx.execute

    def counting(self: core._Tx, sql: str, params: Any = ()) -> Any:
        if sql.startswith("INSERT OR IGNORE INTO log_events"):
            statements.append(len(params) // 9)
        return real(self, sql, params)

    monkeypatch.setattr(core._Tx, "execute", counting)
    n = 0
    for size, expected in ((1, [1]), (300, [256, 32, 8, 4]), (1000, [512, 256, 128, 64, 32, 8]),
                           (2500, [1024, 1024, 256, 128, 64, 4])):  # fmt: skip
        statements.clear()
        store.commit_page(KEY, [event(n + i) for i in range(size)], cursor="c", units=(), now=NOW, finished=None,
                          window=WINDOW)
        n += size
        assert statements == expected
    assert store.count() == n


def test_re_committing_a_page_stores_nothing_twice() -> None:
    store = LogStore.memory()
    first = store.commit_page(KEY, [event(1), event(2)], cursor="x", units=(), now=NOW, finished=None,
                              window=WINDOW)
    again = store.commit_page(KEY, [event(2), event(3), event(3)], cursor="y", units=(), now=NOW, finished=None,
                              window=WINDOW, want_new=True)
    assert (first.inserted, first.duplicates, first.new) == (2, 0, [])
    assert ([e["id"] for e in again.new], again.inserted, again.duplicates) == ([event(3)["id"]], 1, 2)
    assert store.count() == 3
    checkpoint = store.checkpoint(KEY)
    assert (checkpoint.events_new, checkpoint.events_dup, checkpoint.pages) == (3, 2, 2)


def test_finishing_a_window_moves_done_until_forward_only_and_clears_units() -> None:
    store = LogStore.memory()
    store.start_window(KEY, WINDOW, NOW)
    store.commit_page(KEY, [], cursor="c", units=["meeting:a"], now=NOW, finished=None, window=WINDOW)
    assert store.units(KEY) == {"meeting:a"}
    store.commit_page(KEY, [], cursor=None, units=(), now=NOW, finished=NOW, window=WINDOW)
    checkpoint = store.checkpoint(KEY)
    assert checkpoint.done_until == NOW and checkpoint.window is None and store.units(KEY) == frozenset()
    assert checkpoint.covered_from == WINDOW.start
    older = Window(datetime(2025, 11, 1, tzinfo=UTC), datetime(2025, 11, 29, tzinfo=UTC))
    store.commit_page(KEY, [], cursor=None, units=(), now=NOW, finished=older.end, window=older)
    assert store.checkpoint(KEY).done_until == NOW
    assert store.checkpoint(KEY).covered_from == older.start


def test_reading_is_batched_ordered_and_filtered() -> None:
    store = LogStore.memory()
    store.commit_page(KEY, [event(n) for n in range(2500)], cursor="c", units=(), now=NOW, finished=None,
                      window=WINDOW)
    webex = StreamKey("org-1", "webex", "admin_audit")
    store.commit_page(webex, [event(9999, category=Category.SETTING_CHANGE, provider="webex")], cursor="c",
                      units=(), now=NOW, finished=None, window=WINDOW)
    got = list(store.iter_event_dicts(batch=300))
    assert len(got) == 2501
    assert [e["time"] for e in got] == sorted(e["time"] for e in got)
    assert [e.id for e in read(store, providers=["webex"])] == [event(9999, provider="webex")["id"]]
    assert len(list(read(store, categories=["authentication"]))) == 2500
    recent = list(read(store, since=NOW - timedelta(hours=10), until=NOW - timedelta(hours=2)))
    assert {e.raw["n"] for e in recent} == set(range(3, 11))


def test_purge_deletes_old_events_and_keeps_checkpoints() -> None:
    store = LogStore.memory()
    events = [event(n, when=NOW - timedelta(days=n)) for n in range(0, 400, 10)]
    store.commit_page(KEY, events, cursor=None, units=(), now=NOW, finished=NOW, window=WINDOW)
    assert purge(store, "180d", now=NOW, dry_run=True) == 21  # 190 .. 390 days old
    assert store.count() == 40
    assert purge(store, "180d", now=NOW) == 21
    assert store.count() == 19 and min(e.time for e in read(store)) >= NOW - timedelta(days=180)
    assert store.checkpoint(KEY).done_until == NOW
    last = store.last_run("purge")
    assert last is not None and last[2]["deleted"] == 21


def test_status_has_counts_and_checkpoints() -> None:
    store = LogStore.memory()
    store.begin_run(KEY, NOW, "ip")
    store.commit_page(KEY, [event(1), event(5)], cursor=None, units=(), now=NOW, finished=NOW, window=WINDOW)
    store.end_run(KEY, NOW, None)
    [row] = status(store)
    data = row.as_dict()
    assert (data["events"], data["redaction"], data["last_error"]) == (2, "ip", None)
    assert data["oldest"] == (NOW - timedelta(hours=5)).isoformat()
    assert data["collected_until"] == NOW.isoformat()


def test_salts_are_per_tenant_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with LogStore.open(path) as store:
        one = store.salt("tenant-1", "zoom")
        assert len(one) == 32 and store.salt("tenant-2", "zoom") != one
    with LogStore.open(path) as store:
        assert store.salt("tenant-1", "zoom") == one


@pytest.mark.parametrize(("text", "expected"), [("180d", timedelta(days=180)), ("12h", timedelta(hours=12)),
                                                ("4w", timedelta(weeks=4)), ("30m", timedelta(minutes=30))])
def test_ages(text: str, expected: timedelta) -> None:
    assert parse_age(text) == expected


def test_bad_ages_and_moments_are_configuration_errors() -> None:
    for bad in ("180", "soon", "-1d"):
        with pytest.raises(ConfigurationError):
            parse_age(bad)
    with pytest.raises(ConfigurationError):
        parse_moment("yesterday")
    assert parse_moment("7d", now=NOW) == NOW - timedelta(days=7)
    assert parse_moment("2026-01-05") == datetime(2026, 1, 5, tzinfo=UTC)


def test_vendor_records_are_stored_deduplicated_and_read_back_normalized(tmp_path: Path) -> None:
    from confkit.logs.stream import VendorRecord
    from confkit.providers.zoom.logs import signin_event, signin_record

    def activity(n: int) -> dict[str, Any]:
        return {"email": f"user{n}@district.example", "time": f"2026-01-05T0{n}:00:00Z", "type": "Sign in",
                "ip_address": "192.0.2.1", "client_type": "Browser", "version": "-"}

    with LogStore.open(tmp_path / "r.db") as store, store.background_checkpoints():
        key = StreamKey("tenant-1", "zoom", "signins")
        records = [signin_record(activity(n), "tenant-1") for n in range(4)]
        first = store.commit_page(key, [signin_event(activity(0), "tenant-1")], records=records[1:3], cursor="c",
                                  units=(), now=NOW, finished=None, window=WINDOW)
        again = store.commit_page(key, [], records=[records[0], records[2], records[3], records[3]], cursor="d",
                                  units=(), now=NOW, finished=None, window=WINDOW, want_new=True)
        assert (first.inserted, first.duplicates) == (3, 0)
        assert (again.inserted, again.duplicates, again.new) == (1, 3, [])
        assert [r.id for r in again.new_records] == [records[3].id]
        assert all(isinstance(r, VendorRecord) for r in again.new_records)
        got = list(store.iter_event_dicts())
        assert got == [signin_event(activity(n), "tenant-1") for n in range(4)]
        assert [e.id for e in read(store, categories=["authentication"])] == [r.id for r in records]


def test_collections_started_at_once_on_a_new_store_both_open_it(tmp_path: Path) -> None:
    """Two processes (cron runs that overlap, one collector per provider) opening a new store at the same
    instant: the schema is created once, by whichever comes first, and both open it."""
    db = tmp_path / "new.db"
    code = (
        "import sys, time; from confkit.logs.store import LogStore\n"
        "time.sleep(max(0.0, float(sys.argv[2]) - time.time()))\n"
        "LogStore.open(sys.argv[1]).close(); print('ok')"
    )
    at = str(time.time() + 1.5)
    procs = [subprocess.Popen([sys.executable, "-c", code, str(db), at], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(4)]  # fmt: skip
    outcomes = [p.communicate(timeout=60) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _, err in outcomes]
    with LogStore.open(db) as store:
        assert store.store.version("logs") == 2
