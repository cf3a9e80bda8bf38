"""What a collection does when part of it cannot run: a log the tenant does not have, a provider that
cannot connect, a reader that goes away in the middle of an export."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from confkit.http.clock import FakeClock
from confkit.logs import LogStore, status
from confkit.logs.engine import Collector
from confkit.logs.model import Category
from confkit.logs.stream import BaseLogStream, LogPage, Resume, StreamUnavailableError, Window
from confkit.providers.zoom import ZoomProvider
from confkit.testing import FakeZoom
from confkit.testing.serve import serve

START = datetime(2026, 3, 2, 12, tzinfo=UTC)
TENANT = "robust-account"
CLI = [sys.executable, "-c", "from confkit.cli import main; main()"]


class Switchable(BaseLogStream):
    """A stream the tenant has only once ``enabled`` is set (like Webex security audit events)."""

    provider = "zoom"
    tenant = TENANT
    name = "extra"
    description = "a licensed add-on log"
    categories = (Category.AUTHENTICATION,)

    def __init__(self) -> None:
        self.enabled = False
        self.calls = 0

    def pages(self, window: Window, resume: Resume) -> Iterator[LogPage]:
        self.calls += 1
        if not self.enabled:
            raise StreamUnavailableError("this org has no such log: enable the add-on", provider="zoom")
        yield LogPage([], None)


def zoom_fake(clock: FakeClock | None = None) -> FakeZoom:
    fake = FakeZoom(account_id=TENANT, clock=clock) if clock else FakeZoom(account_id=TENANT)
    fake.add_user("owner@district.example", first_name="Olive", last_name="Owner")
    return fake


def test_a_log_the_tenant_does_not_have_is_unavailable_not_failed() -> None:
    clock = FakeClock(START)
    fake = zoom_fake(clock)
    fake.generate_log_traffic(signins=300, start=START - timedelta(days=20), end=START - timedelta(hours=1))
    settings = {"account_id": TENANT, "client_id": fake.client_id, "client_secret": fake.client_secret}
    zoom = ZoomProvider.from_settings(settings, client=httpx.Client(transport=fake), clock=clock)
    signins = [s for s in zoom.log_streams() if s.name == "signins"]
    extra = Switchable()
    store = LogStore.memory()

    report = Collector(store, clock=clock).run([*signins, extra])

    states = {s.key.stream: s.state for s in report.streams}
    assert states == {"signins": "done", "extra": "unavailable"}
    assert report.ok  # the run succeeded: the district simply does not have that log
    assert report.events_new == 300
    unavailable = next(s for s in report.streams if s.key.stream == "extra")
    assert "enable the add-on" in unavailable.notes[0] and unavailable.error is None
    row = next(r for r in status(store) if r.key.stream == "extra").checkpoint
    assert row is not None
    assert row.done_until is None and row.window is None  # nothing was marked collected, no window left open
    assert row.last_error is not None and row.last_error.startswith("unavailable: ")

    extra.enabled = True  # the add-on is switched on: the next run reads its whole retention
    clock.advance(3600)
    report = Collector(store, clock=clock).run([extra])
    assert report.ok and report.streams[0].state == "done"
    row = next(r for r in status(store) if r.key.stream == "extra").checkpoint
    assert row is not None and row.done_until is not None and row.last_error is None


def _env(tmp_path: Path, fake: FakeZoom, base: str) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("CONFKIT_")},
        "HOME": str(tmp_path),
        "CONFKIT_STORE": str(tmp_path / "logs.db"),
        "CONFKIT_ZOOM_ACCOUNT_ID": TENANT,
        "CONFKIT_ZOOM_CLIENT_ID": fake.client_id,
        "CONFKIT_ZOOM_CLIENT_SECRET": fake.client_secret,
        "CONFKIT_ZOOM_BASE_URL": f"{base}/v2",
        "CONFKIT_ZOOM_TOKEN_URL": f"{base}/oauth/token",
    }


def _run(args: list[str], env: dict[str, str], cwd: Path, **kw: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=120, **kw)


def test_a_provider_that_cannot_connect_does_not_stop_the_others(tmp_path: Path) -> None:
    fake = zoom_fake()
    now = datetime.now(UTC)
    fake.generate_log_traffic(signins=200, operations=50, start=now - timedelta(days=10), end=now - timedelta(hours=2))
    with serve(fake, routes={"/oauth/": "https://zoom.us", "/": "https://api.zoom.us"}) as base:
        env = _env(tmp_path, fake, base)  # webex is not configured at all
        result = _run(["logs", "collect", "-p", "zoom", "-p", "webex", "--no-progress"], env, tmp_path)
        # `confkit logs collect ... | head -0`: the output's reader is gone; the exit code still says 1
        piped = subprocess.Popen([*CLI, "logs", "collect", "-p", "zoom", "-p", "webex", "--no-progress"], env=env,
                                 cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert piped.stdout is not None and piped.stderr is not None
        piped.stdout.close()
        piped_err = piped.stderr.read().decode()
        assert piped.wait(timeout=120) == 1 and "Traceback" not in piped_err, piped_err
    assert result.returncode == 1, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert any(line.startswith("error: webex was not collected: ") for line in lines), result.stderr
    assert "Traceback" not in result.stderr
    assert "zoom/signins" in result.stdout and "done" in result.stdout
    with LogStore.open(tmp_path / "logs.db") as store:
        assert sum(r.events for r in status(store)) == 250


def test_export_into_a_pipe_that_closes_early_ends_quietly(tmp_path: Path) -> None:
    fake = zoom_fake()
    now = datetime.now(UTC)
    fake.generate_log_traffic(signins=3000, start=now - timedelta(days=10), end=now - timedelta(hours=2))
    with serve(fake, routes={"/oauth/": "https://zoom.us", "/": "https://api.zoom.us"}) as base:
        env = _env(tmp_path, fake, base)
        assert _run(["logs", "collect", "-p", "zoom", "--no-progress"], env, tmp_path).returncode == 0
    export = subprocess.Popen([*CLI, "logs", "export"], env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    assert export.stdout is not None and export.stderr is not None
    first = export.stdout.readline()  # like `| head -n 1`: read one line, then close the pipe
    export.stdout.close()
    stderr = export.stderr.read().decode()
    export.wait(timeout=60)
    assert first.startswith(b"{")
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr, stderr
    assert export.returncode == 0, stderr


# -- windows fetched ahead across window boundaries ------------------------------------------------------------


class Daily(BaseLogStream):
    """One-day windows of one page each (like Google's Meet log), with a scripted failure."""

    provider = "zoom"
    tenant = TENANT
    name = "daily"
    description = "one page a day"
    categories = (Category.AUTHENTICATION,)
    max_span = timedelta(days=1)
    retention = timedelta(days=10)

    def __init__(self, fail_on: dict[int, int] | None = None) -> None:
        self.fail_on = dict(fail_on or {})  # day ordinal -> how many times its first fetch fails
        self.fetched: list[tuple[str, int]] = []  # ("fetch", day) as the stream is asked

    def pages(self, window: Window, resume: Resume) -> Iterator[LogPage]:
        from confkit.errors import UnavailableError
        from confkit.logs.model import event_id, format_time, new_event

        day = window.start.toordinal()
        self.fetched.append(("fetch", day))
        if self.fail_on.get(day, 0) > 0:
            self.fail_on[day] -= 1
            raise UnavailableError("503 from the vendor", provider="zoom", status=503)
        events = [
            new_event(id=event_id("zoom", "daily", day, n), time=format_time(window.start + timedelta(hours=n)),
                      provider="zoom", tenant=TENANT, stream="daily", category=Category.AUTHENTICATION,
                      action="sign_in", raw={"day": day, "n": n})
            for n in range(3)
        ]
        yield LogPage(events, None)


def test_windows_are_fetched_ahead_and_a_failing_later_window_is_retried_in_order() -> None:
    clock = FakeClock(START)
    probe = Daily()
    days = [w.start.toordinal() for w in probe.windows(probe.earliest(START), START)]
    stream = Daily(fail_on={days[4]: 2})
    store = LogStore.memory()
    order: list[tuple[str, int]] = []
    stream.fetched = order

    def on_progress(p: Any) -> None:
        if p.windows_done and ("done", p.windows_done) not in order:
            order.append(("done", p.windows_done))

    report = Collector(store, clock=clock, on_progress=on_progress).run([stream])

    assert report.ok and report.events_new == 3 * len(days)
    assert report.streams[0].retries == 2
    first_done = order.index(("done", 1))
    assert ("fetch", days[1]) in order[:first_done]  # day 2 was asked for before day 1 was committed
    # every window was completed in order, the failing one after two retries, nothing twice
    assert [n for kind, n in order if kind == "done"] == list(range(1, len(days) + 1))
    from confkit.logs import read

    assert sorted(e.raw["day"] for e in read(store)) == sorted(d for d in days for _ in range(3))
    row = next(r for r in status(store) if r.key.stream == "daily").checkpoint
    assert row is not None and row.window is None and row.done_until is not None


def test_the_garbage_collector_runs_less_often_during_a_collection_and_is_restored() -> None:
    import gc

    from confkit.logs.engine import GC_THRESHOLD

    seen: list[tuple[int, int, int]] = []

    class Spy(Daily):
        def pages(self, window: Window, resume: Resume) -> Iterator[LogPage]:
            seen.append(gc.get_threshold())
            yield from super().pages(window, resume)

    before = gc.get_threshold()
    assert Collector(LogStore.memory(), clock=FakeClock(START)).run([Spy()]).ok
    assert seen and all(t[0] >= GC_THRESHOLD for t in seen)
    assert gc.get_threshold() == before


class Awkward(BaseLogStream):
    """Streams the protocol allows that read-ahead must not misread: ``pages()`` raising after a window's
    last page, or a plain function raising before it returns its iterator (the first time only)."""

    provider = "zoom"
    tenant = TENANT
    name = "awkward"
    description = "awkward"
    categories = (Category.OTHER,)
    max_span = timedelta(days=1)
    retention = timedelta(days=6)

    def __init__(self, mode: str, readers: int) -> None:
        self.mode = mode
        self.window_readers = readers
        self.failed: set[int] = set()

    def _page(self, window: Window) -> LogPage:
        from confkit.logs.model import event_id, format_time, new_event

        event = new_event(id=event_id("zoom", "awkward", window.start.isoformat()), time=format_time(window.start),
                          provider="zoom", tenant=TENANT, stream="awkward", category=Category.OTHER, action="x")
        return LogPage([event], None)

    def pages(self, window: Window, resume: Resume) -> Iterator[LogPage]:
        from confkit.errors import UnavailableError

        day = window.start.toordinal()
        if self.mode == "eager":
            if window.start.day == 3 and day not in self.failed:
                self.failed.add(day)
                raise UnavailableError("503 on the first request", provider="zoom", status=503)
            return iter([self._page(window)])
        return self._after_last(window)

    def _after_last(self, window: Window) -> Iterator[LogPage]:
        from confkit.errors import UnavailableError

        yield self._page(window)
        if window.start.day == 3:  # e.g. a clean-up request that fails after the last page
            raise UnavailableError("503 after the last page", provider="zoom", status=503)


@pytest.mark.parametrize("readers", [1, 2])
@pytest.mark.parametrize("mode", ["after_last", "eager"])
def test_read_ahead_never_takes_an_unread_window_for_a_complete_one(mode: str, readers: int) -> None:
    clock = FakeClock(datetime(2026, 1, 7, 12, tzinfo=UTC))
    stream = Awkward(mode, readers)
    store = LogStore.memory()
    report = Collector(store, clock=clock, retry_base=0).run([stream])
    planned = report.streams[0].windows_total
    assert report.ok and planned == 6
    assert report.events_new == planned  # one event a window: every window was really read
