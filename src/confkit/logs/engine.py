"""The collector: incremental, lossless, concurrent reading of every stream into the store.

For each stream (one thread each, within the provider's rate limits, which the streams' HTTP core
enforces):

1. A window left unfinished by an earlier run (killed, failed) is finished first, from its
   committed cursor and with its finished sub-units skipped.
2. The rest is planned from ``done_until - overlap`` (or ``since``; on a first run, from as far
   back as the vendor serves) up to now, in the windows the vendor's API accepts.
3. Each window is read page by page; every page's events and the position after it are committed
   in one transaction (:meth:`LogStore.commit_page`). Pages are fetched one ahead of the commit
   (a bounded queue), so the network and the database work at the same time and memory holds at
   most a few pages, however many events there are. Vendor records (``LogPage.records``) are stored
   as they are and normalized when read; with redaction they are normalized here first. During a
   run the write-ahead log is checkpointed beside the commits (:meth:`LogStore.background_checkpoints`).
4. An expired vendor cursor restarts the window from its beginning (dedup makes that harmless);
   a transient failure that outlived HttpCore's own retries (a 429 storm, 5xx, resets) resumes the
   window from the last committed cursor after a back-off; anything else fails the stream, whose
   checkpoint keeps everything committed so far. Other streams carry on.

``done_until`` only moves forward, and only when a whole window has been read: an instant is
"collected" once a complete read of a window covering it has been committed.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from confkit.errors import ConfkitError, RateLimitedError, TransportError, UnavailableError
from confkit.http.clock import Clock, SystemClock
from confkit.logs.model import LogEvent
from confkit.logs.redact import Redactor, parse_kinds
from confkit.logs.store import LogStore, StreamKey
from confkit.logs.stream import (
    CursorExpiredError,
    LogPage,
    LogStream,
    Resume,
    Skipped,
    StreamUnavailableError,
    VendorRecord,
    Window,
    record_event,
)

log = logging.getLogger("confkit.logs")

T = TypeVar("T")

EventSink = Callable[[StreamKey, list[dict[str, Any]]], None]


@dataclass
class StreamProgress:
    """Where one stream's collection stands (passed to ``on_progress`` after every change)."""

    key: StreamKey
    state: str = "pending"  # pending, running, done, unavailable, failed, stopped
    windows_total: int = 0
    windows_done: int = 0
    window: Window | None = None
    pages: int = 0
    events_new: int = 0
    events_dup: int = 0
    restarts: int = 0
    retries: int = 0
    #: parts of windows the stream had to skip, recorded as gaps (``LogPage.skipped``)
    skipped: int = 0
    error: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class CollectReport:
    streams: list[StreamProgress]
    started_at: datetime
    finished_at: datetime

    @property
    def ok(self) -> bool:
        """Every stream was read to the end, or the tenant does not have it (``unavailable``)."""
        return all(s.state in ("done", "unavailable") for s in self.streams)

    @property
    def events_new(self) -> int:
        return sum(s.events_new for s in self.streams)

    @property
    def events_dup(self) -> int:
        return sum(s.events_dup for s in self.streams)

    def summary(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "events_new": self.events_new,
            "events_dup": self.events_dup,
            "streams": {
                str(s.key): {"state": s.state, "new": s.events_new, "dup": s.events_dup, "error": s.error}
                for s in self.streams
            },
        }


class _Stopped(Exception):
    pass


class Prefetch(Generic[T]):
    """Iterate ``source`` in a background thread, at most ``depth`` items ahead of the consumer."""

    _ITEM, _END, _ERROR = 0, 1, 2

    def __init__(self, source: Iterator[T], depth: int, name: str = "confkit-prefetch") -> None:
        self._source = source
        self._queue: queue.Queue[tuple[int, Any]] = queue.Queue(maxsize=max(1, depth))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _put(self, kind: int, value: Any) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put((kind, value), timeout=0.05)
            except queue.Full:
                continue
            return True
        return False

    def _run(self) -> None:
        try:
            for item in self._source:
                if not self._put(self._ITEM, item):
                    break
            else:
                self._put(self._END, None)
        except BaseException as exc:  # delivered to the consumer, in order
            self._put(self._ERROR, exc)
        finally:
            close = getattr(self._source, "close", None)
            if callable(close):
                try:
                    close()
                except Exception:  # pragma: no cover - a generator's cleanup failing is not our error
                    log.debug("prefetch source close failed", exc_info=True)

    def __iter__(self) -> Iterator[T]:
        while True:
            kind, value = self._queue.get()
            if kind == self._ITEM:
                yield value
            elif kind == self._END:
                return
            else:
                raise value

    def signal_stop(self) -> None:
        """Ask the background thread to stop (after the item it is fetching); does not wait."""
        self._stop.set()
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break

    def join(self, timeout: float) -> None:
        self._thread.join(timeout=max(0.0, timeout))

    def close(self) -> None:
        self.signal_stop()
        self.join(30)


class _FeedEnded(Exception):
    """A lane of a :class:`_WindowFeed` ended before the window's end: the window is read again directly."""


class _WindowFeed:
    """The pages of consecutive fresh windows of one stream, read ahead across window boundaries.

    With windows of one day (Google's Meet log, Webex participants) most windows are one page: read
    window by window, each would wait for a full round trip after the last commit, and a stream
    could never use more of its rate limit than one request per round trip. Here up to ``readers``
    windows are read at the same time (``readers`` lanes, each reading its windows one after the other
    in a background fetcher at most ``depth`` pages ahead, so even one lane starts the next window as
    soon as it has the current one's last page), and :meth:`pages` hands each window its pages in
    order. Commits, checkpoints and ``done_until`` are exactly as before: a window's pages are
    committed, and the window completed, before the next window's first page is. An error in a window
    ends the feed there (``broken``): the collector retries that window the usual way (from its
    committed cursor) and starts a new feed after it; what was fetched of later windows is dropped,
    never committed. ``created`` is no later
    than any request of the feed: the ``started_at`` of its windows.
    """

    def __init__(self, stream: LogStream, windows: Sequence[Window], first: int, depth: int, readers: int,
                 created: datetime, name: str) -> None:
        self.created = created
        self.broken = False
        self._first = first
        # Lane k reads windows first+k, first+k+n, ... one after another, at most ``depth`` pages ahead;
        # with several lanes, one page ahead each (memory: about two pages a lane, whatever the volume).
        self._n = max(1, min(readers, len(windows) - first))
        ahead = depth if self._n == 1 else 1
        self._lanes = [
            _Lane(Prefetch(self._source(stream, windows, range(first + k, len(windows), self._n)), ahead, name))
            for k in range(self._n)
        ]

    @staticmethod
    def _source(stream: LogStream, windows: Sequence[Window],
                indices: range) -> Iterator[tuple[int, LogPage | BaseException | None]]:
        """(window, page) of each window in turn; (window, None) when a window ended as it should;
        (window, error) when it failed, which ends the lane."""
        for index in indices:
            pages: Iterator[LogPage] | None = None
            try:
                pages = iter(stream.pages(windows[index], Resume()))
                for page in pages:
                    yield index, page
                    if page.cursor is None:  # the window's last page: nothing after it is read
                        break
            except GeneratorExit:
                raise
            except BaseException as exc:  # handed to that window's reader, in order; the lane ends here
                yield index, exc
                return
            finally:
                close = getattr(pages, "close", None)
                if callable(close):
                    close()
            yield index, None

    def pages(self, index: int) -> Iterator[LogPage]:
        """The pages of window ``index`` (raises its error; :class:`_FeedEnded` when its lane ended before
        the window did, so that the window is read again directly rather than taken as complete)."""
        lane = self._lanes[(index - self._first) % self._n]
        while True:
            item = lane.held
            lane.held = None
            if item is None:
                item = next(lane.items, None)
            if item is None:
                self.broken = True
                raise _FeedEnded(f"the read-ahead ended before window {index} did")
            at, value = item
            if at < index:  # the rest of an earlier window (its end marker): not for this one
                continue
            if at > index:
                lane.held = item
                self.broken = True
                raise _FeedEnded(f"the read-ahead skipped window {index}")
            if value is None:
                return
            if isinstance(value, BaseException):
                self.broken = True
                raise value
            yield value

    def close(self) -> None:
        """Stop every lane, then wait for them together (at most 30 s in all, not 30 s each)."""
        for lane in self._lanes:
            lane.fetcher.signal_stop()
        deadline = time.monotonic() + 30
        for lane in self._lanes:
            lane.fetcher.join(deadline - time.monotonic())


class _Lane:
    """One background fetcher of a :class:`_WindowFeed` and the item it read past a window's end."""

    def __init__(self, fetcher: Prefetch[tuple[int, LogPage | BaseException | None]]) -> None:
        self.fetcher = fetcher
        self.items = iter(fetcher)
        self.held: tuple[int, LogPage | BaseException | None] | None = None


_gc_lock = threading.Lock()
_gc_runs = 0
_gc_saved: tuple[int, int, int] = (700, 10, 10)
#: The cyclic garbage collector's first threshold during a collection. Pages of vendor JSON are
#: hundreds of thousands of small dicts and lists a second, none of them in a reference cycle (freed
#: by reference counting), yet each 700 allocations trigger a pass over the young objects. Measured
#: on the million-event benchmark: 20,000 takes ~7 % off the collector's CPU at the same peak RSS;
#: 50,000 or more takes ~15 % but lets the small reference cycles httpcore leaves per request live
#: long enough to raise peak RSS by 60-140 MB. The older generations keep their thresholds.
GC_THRESHOLD = 20_000


@contextlib.contextmanager
def fewer_gc_passes() -> Iterator[None]:
    """Raise the garbage collector's thresholds while inside (nested and concurrent uses share it)."""
    global _gc_runs, _gc_saved
    with _gc_lock:
        if _gc_runs == 0:
            _gc_saved = gc.get_threshold()
            first, second, third = _gc_saved
            gc.set_threshold(max(first, GC_THRESHOLD), second, third)
        _gc_runs += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_runs -= 1
            if _gc_runs == 0:
                gc.set_threshold(*_gc_saved)


TRANSIENT = (UnavailableError, TransportError)


def _transient(exc: BaseException) -> bool:
    if isinstance(exc, RateLimitedError):
        return exc.scope != "daily"
    return isinstance(exc, TRANSIENT)


class Collector:
    """Collects streams into a :class:`LogStore`. Thread-safe to :meth:`stop` from another thread."""

    def __init__(
        self,
        store: LogStore,
        *,
        redact: str | Iterable[str] | None = None,
        clock: Clock | None = None,
        on_progress: Callable[[StreamProgress], None] | None = None,
        workers: int | None = None,
        prefetch: int = 2,
        max_restarts: int = 5,
        max_retries: int = 6,
        retry_base: float = 1.0,
        retry_cap: float = 60.0,
    ) -> None:
        self.store = store
        self.kinds = parse_kinds(redact)
        self.clock = clock or SystemClock()
        self.on_progress = on_progress
        self.workers = workers
        self.prefetch = prefetch
        self.max_restarts = max_restarts
        self.max_retries = max_retries
        self.retry_base = retry_base
        self.retry_cap = retry_cap
        self._stop = threading.Event()
        self._lock = threading.Lock()

    def stop(self) -> None:
        """Ask every stream to stop after its current page (everything committed stays)."""
        self._stop.set()

    # -- the run -----------------------------------------------------------------------------------

    def run(
        self,
        streams: Sequence[LogStream],
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        on_events: EventSink | None = None,
    ) -> CollectReport:
        started = self.clock.now()
        progress = [StreamProgress(StreamKey(s.tenant, s.provider, s.name)) for s in streams]
        keys = [p.key for p in progress]
        if len(set(keys)) != len(keys):
            raise ConfkitError("the same stream of the same tenant was given twice")
        if streams:
            workers = self.workers or len(streams)
            with fewer_gc_passes(), self.store.background_checkpoints(), ThreadPoolExecutor(
                max_workers=workers, thread_name_prefix="confkit-logs"
            ) as pool:
                futures = [
                    pool.submit(self._guarded, stream, p, since, until, on_events)
                    for stream, p in zip(streams, progress, strict=True)
                ]
                try:
                    for future in futures:
                        future.result()
                except BaseException:  # Ctrl-C, or a stream died: the others stop after their page
                    self.stop()
                    raise
        finished = self.clock.now()
        report = CollectReport(progress, started, finished)
        self.store.record_run("collect", started, finished, report.summary())
        return report

    def _emit(self, progress: StreamProgress) -> None:
        if self.on_progress is not None:
            with self._lock:
                self.on_progress(progress)

    def _guarded(
        self,
        stream: LogStream,
        progress: StreamProgress,
        since: datetime | None,
        until: datetime | None,
        on_events: EventSink | None,
    ) -> None:
        key = progress.key
        error: str | None = None
        try:
            self.store.begin_run(key, self.clock.now(), ",".join(sorted(self.kinds)))
            progress.state = "running"
            self._emit(progress)
            self._collect(stream, progress, since, until, on_events)
            progress.state = "done"
        except _Stopped:
            progress.state = "stopped"
            error = "stopped before the end; the next run resumes from the checkpoint"
        except StreamUnavailableError as exc:
            # The tenant does not have this log: not a failure. Nothing is marked collected, so once it
            # is enabled the next run reads its whole retention.
            progress.state = "unavailable"
            note = exc.one_line()
            progress.notes.append(note)
            log.warning("%s: unavailable: %s", key, note)
            self.store.abandon_window(key)
            try:
                self.store.end_run(key, self.clock.now(), f"unavailable: {note}")
            finally:
                self._emit(progress)
            return
        except ConfkitError as exc:
            progress.state = "failed"
            error = exc.one_line()
            if isinstance(exc, RateLimitedError) and exc.retry_at is not None:
                error += f"; the vendor allows requests again at {exc.retry_at.isoformat()}"
            log.warning("%s: %s", key, error)
        except Exception as exc:  # a bug: keep the other streams going, say what happened
            progress.state = "failed"
            error = f"unexpected {type(exc).__name__}: {exc}"
            log.exception("%s failed", key)
        progress.error = error
        try:
            self.store.end_run(key, self.clock.now(), error)
        finally:
            self._emit(progress)

    def _collect(
        self,
        stream: LogStream,
        progress: StreamProgress,
        since: datetime | None,
        until: datetime | None,
        on_events: EventSink | None,
    ) -> None:
        key = progress.key
        redactor = Redactor(self.store.salt(key.tenant, key.provider), self.kinds) if self.kinds else None
        now = self.clock.now()
        end = until or now
        floor = stream.earliest(now)
        checkpoint = self.store.checkpoint(key)
        unfinished = checkpoint.window
        resume = Resume(checkpoint.cursor, checkpoint.cursor_saved_at, self.store.units(key))
        if unfinished is not None and unfinished.start < floor:
            # The window an earlier run stopped in now begins before the vendor's retention (a run days
            # later): asking for it as it was would be refused every time (Zoom: "Only provide report in
            # recent 6 months"). What it had not read before the floor is lost; the rest is read anew.
            lost_until = min(unfinished.end, floor)
            lost_from = max(unfinished.start, checkpoint.done_until or unfinished.start)  # read before: not lost
            if lost_from < lost_until:
                self.store.note_gap(key, lost_from, lost_until, "unfinished window past the vendor's retention", now)
                progress.notes.append(
                    f"an earlier run stopped inside {unfinished}; what it had not read before "
                    f"{lost_until.isoformat()} is past {key.provider}'s retention and can no longer be collected"
                )
            if unfinished.end <= floor:
                self.store.abandon_window(key)
                unfinished = None
            else:
                # read anew from the floor (the cursor names the old bounds); the units it finished stay done
                unfinished = Window(floor, unfinished.end)
                self.store.move_window_start(key, floor)
                resume = Resume(None, None, resume.units)
        if unfinished is not None:
            # An earlier run stopped inside this window: finish it first, from where it stopped.
            progress.windows_total += 1
            self._emit(progress)
            self._window(
                stream,
                progress,
                unfinished,
                started_at=checkpoint.window_started_at or now,
                resume=resume,
                redactor=redactor,
                on_events=on_events,
            )
            checkpoint = self.store.checkpoint(key)
        if since is not None:
            start = since
        elif checkpoint.done_until is not None:
            start = checkpoint.done_until - stream.overlap
        else:
            start = floor
        if checkpoint.done_until is not None and checkpoint.done_until < floor and since is None:
            self.store.note_gap(key, checkpoint.done_until, floor, "older than the vendor's retention", now)
            progress.notes.append(
                f"events between {checkpoint.done_until.isoformat()} and {floor.isoformat()} are past "
                f"{key.provider}'s retention and can no longer be collected"
            )
        if start < floor:
            if since is not None:
                progress.notes.append(f"{key.provider} serves {key.stream} back to {floor.isoformat()} only")
            start = floor
        windows = stream.windows(start, end) if start < end else []
        progress.windows_total += len(windows)
        self._emit(progress)
        feed: _WindowFeed | None = None
        try:
            for index, window in enumerate(windows):
                if feed is None and self.prefetch:
                    readers = max(1, int(getattr(stream, "window_readers", 1)))
                    feed = _WindowFeed(stream, windows, index, self.prefetch, readers, self.clock.now(),
                                       f"confkit-logs-{key.stream}")
                self._window(
                    stream, progress, window, started_at=feed.created if feed is not None else self.clock.now(),
                    resume=None, redactor=redactor, on_events=on_events,
                    feed=feed.pages(index) if feed is not None else None,
                )
                if feed is not None and feed.broken:
                    feed.close()
                    feed = None
        finally:
            if feed is not None:
                feed.close()

    #: Skipped parts named one by one in a stream's notes; after that, a count (``status`` lists them all).
    SKIPPED_NOTES = 5

    def _note_skipped(self, progress: StreamProgress, skipped: Sequence[Skipped]) -> None:
        for part in skipped:
            progress.skipped += 1
            log.warning("%s: skipped %s .. %s: %s", progress.key, part.start.isoformat(), part.end.isoformat(),
                        part.reason)  # fmt: skip
            if progress.skipped <= self.SKIPPED_NOTES:
                progress.notes.append(f"skipped (recorded as a gap): {part.reason}")
        if progress.skipped > self.SKIPPED_NOTES:
            more = f"and {progress.skipped - self.SKIPPED_NOTES} more skipped (confkit logs status lists the gaps)"
            if progress.notes and progress.notes[-1].startswith("and ") and "more skipped" in progress.notes[-1]:
                progress.notes[-1] = more
            else:
                progress.notes.append(more)

    def _window(
        self,
        stream: LogStream,
        progress: StreamProgress,
        window: Window,
        *,
        started_at: datetime,
        resume: Resume | None,
        redactor: Redactor | None,
        on_events: EventSink | None,
        feed: Iterator[LogPage] | None = None,
    ) -> None:
        """Read ``window`` to its end; ``feed``: its pages already being fetched (first attempt only)."""
        key = progress.key
        if self._stop.is_set():
            raise _Stopped
        if resume is None:
            self.store.start_window(key, window, started_at)
            resume = Resume()
        progress.window = window
        self._emit(progress)
        finish_at = min(window.end, started_at)
        attempts = 0
        restarts = 0
        while True:
            source, feed = feed, None  # a retry reads from the committed cursor, not from the feed
            try:
                if self._read(stream, progress, window, resume, finish_at, redactor, on_events, source):
                    break
                # Stopped inside the window: the cursor is committed, the next run resumes here.
                raise _Stopped
            except _FeedEnded as exc:
                # The read-ahead could not give this window's pages: read it directly, from the committed
                # cursor (nothing of it was lost: only pages handed on were committed).
                log.debug("%s: %s; reading window %s directly", key, exc, window)
                checkpoint = self.store.checkpoint(key)
                resume = Resume(checkpoint.cursor, checkpoint.cursor_saved_at, self.store.units(key))
            except CursorExpiredError as exc:
                restarts += 1
                progress.restarts += 1
                if restarts > self.max_restarts:
                    raise ConfkitError(
                        f"{key}: restarted window {window} {restarts - 1} times after expired page cursors; "
                        "giving up for now (the next run starts the window again)",
                        provider=key.provider,
                    ) from exc
                log.info("%s: %s; reading window %s again from its beginning", key, exc, window)
                self.store.restart_window(key)
                resume = Resume(None, None, self.store.units(key))
            except ConfkitError as exc:
                if not _transient(exc):
                    raise
                attempts += 1
                progress.retries += 1
                if attempts > self.max_retries:
                    raise
                delay = min(self.retry_cap, self.retry_base * 2 ** (attempts - 1))
                if isinstance(exc, RateLimitedError) and exc.retry_at is not None:
                    delay = max(delay, (exc.retry_at - self.clock.now()).total_seconds())
                log.info("%s: %s; resuming window %s from its last committed page in %.1fs", key, exc, window, delay)
                self.clock.sleep(delay)
                checkpoint = self.store.checkpoint(key)
                resume = Resume(checkpoint.cursor, checkpoint.cursor_saved_at, self.store.units(key))
            self._emit(progress)
        progress.windows_done += 1
        progress.window = None
        self._emit(progress)

    def _read(
        self,
        stream: LogStream,
        progress: StreamProgress,
        window: Window,
        resume: Resume,
        finish_at: datetime,
        redactor: Redactor | None,
        on_events: EventSink | None,
        fed: Iterator[LogPage] | None = None,
    ) -> bool:
        """Read the window's pages from ``resume`` (or ``fed``, pages fetched ahead); True when the
        window was completed."""
        key = progress.key
        fetcher: Prefetch[LogPage] | None = None
        if fed is not None:
            source: Iterator[LogPage] = fed
        else:
            source = stream.pages(window, resume)
            if self.prefetch:
                fetcher = Prefetch(source, self.prefetch, f"confkit-logs-{key.stream}")
        try:
            for page in fetcher if fetcher is not None else source:
                last = page.cursor is None
                events = list(page.events)
                records: list[VendorRecord] = list(getattr(page, "records", ()))
                if redactor is not None:
                    # Redaction works on normalized events: vendor records are normalized first.
                    events += [record_event(r, key.provider, key.tenant, key.stream) for r in records]
                    records = []
                    for event in events:
                        redactor.event(event, stream)
                result = self.store.commit_page(
                    key,
                    events,
                    cursor=page.cursor,
                    units=page.completes,
                    now=self.clock.now(),
                    finished=finish_at if last else None,
                    window=window,
                    want_new=on_events is not None,
                    records=records,
                    skipped=page.skipped,
                )
                if page.skipped:
                    self._note_skipped(progress, page.skipped)
                progress.pages += 1
                progress.events_new += result.inserted
                progress.events_dup += result.duplicates
                if on_events is not None and (result.new or result.new_records):
                    on_events(key, result.new + [
                        record_event(r, key.provider, key.tenant, key.stream) for r in result.new_records
                    ])
                self._emit(progress)
                if last:
                    return True
                if self._stop.is_set():
                    return False
        finally:
            if fetcher is not None:
                fetcher.close()
        # The stream ended without a page marked last: the window is complete all the same.
        self.store.commit_page(
            key, [], cursor=None, units=(), now=self.clock.now(), finished=finish_at, window=window
        )
        return True


# -- library entry points ----------------------------------------------------------------------------


def streams_of(sources: Any, names: Sequence[str] = ()) -> list[LogStream]:
    """Streams from providers and/or streams (one or a sequence), optionally only those named."""
    items = sources if isinstance(sources, list | tuple) else [sources]
    out: list[LogStream] = []
    for item in items:
        if isinstance(item, LogStream):
            out.append(item)
        else:
            found = getattr(item, "log_streams", None)
            if not callable(found):
                raise TypeError(f"{item!r} is neither a provider nor a log stream")
            out.extend(found())
    if names:
        wanted = set(names)
        unknown = wanted - {s.name for s in out}
        if unknown:
            have = ", ".join(sorted({s.name for s in out})) or "none"
            raise ConfkitError(f"no log stream named {', '.join(sorted(unknown))}; the streams are: {have}")
        out = [s for s in out if s.name in wanted]
    return out


class Collection:
    """An iterator over the events a collection stores for the first time (see :func:`collect`).

    Collection runs in the background while you iterate, at most ``buffer`` events ahead of you;
    stopping early (``break``) stops it after the current pages, with everything so far committed.
    :attr:`report` is set once the iteration is over.
    """

    def __init__(self, collector: Collector, streams: list[LogStream], since: datetime | None,
                 until: datetime | None, buffer: int) -> None:
        self.collector = collector
        self.report: CollectReport | None = None
        self._queue: queue.Queue[list[dict[str, Any]] | None] = queue.Queue(maxsize=max(1, buffer))
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._run, args=(streams, since, until), name="confkit-logs-collect", daemon=True
        )
        self._started = False

    def _sink(self, key: StreamKey, events: list[dict[str, Any]]) -> None:
        while True:
            try:
                self._queue.put(events, timeout=0.1)
                return
            except queue.Full:
                if self.collector._stop.is_set():
                    return

    def _run(self, streams: list[LogStream], since: datetime | None, until: datetime | None) -> None:
        try:
            self.report = self.collector.run(streams, since=since, until=until, on_events=self._sink)
        except BaseException as exc:
            self._error = exc
        finally:
            while True:
                try:
                    self._queue.put(None, timeout=0.1)
                    break
                except queue.Full:
                    if self.collector._stop.is_set():
                        with contextlib.suppress(queue.Empty):
                            self._queue.get_nowait()

    def __iter__(self) -> Iterator[LogEvent]:
        if self._started:
            raise RuntimeError("a Collection can be iterated once")
        self._started = True
        self._thread.start()
        try:
            while True:
                batch = self._queue.get()
                if batch is None:
                    break
                for event in batch:
                    yield LogEvent.model_validate(event)
        finally:
            self.collector.stop()
            while self._thread.is_alive():
                with contextlib.suppress(queue.Empty):
                    self._queue.get(timeout=0.1)
            self._thread.join()
        if self._error is not None:
            raise self._error


def collect(
    sources: Any,
    store: LogStore,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    redact: str | Iterable[str] | None = None,
    streams: Sequence[str] = (),
    clock: Clock | None = None,
    buffer: int = 8,
) -> Collection:
    """Collect the log streams of ``sources`` (providers or streams) into ``store``.

    Returns an iterator over the events stored for the first time (re-read duplicates are not
    repeated)::

        with confkit.connect("zoom") as zoom, LogStore.open() as store:
            for event in collect(zoom, store, redact="ip"):
                print(event.time, event.category, event.action)
    """
    collector = Collector(store, redact=redact, clock=clock)
    return Collection(collector, streams_of(sources, streams), since, until, buffer)


def run(
    sources: Any,
    store: LogStore,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    redact: str | Iterable[str] | None = None,
    streams: Sequence[str] = (),
    clock: Clock | None = None,
    on_progress: Callable[[StreamProgress], None] | None = None,
) -> CollectReport:
    """Collect without iterating the events; returns the per-stream report."""
    collector = Collector(store, redact=redact, clock=clock, on_progress=on_progress)
    return collector.run(streams_of(sources, streams), since=since, until=until)


def fetch(
    sources: Any,
    *,
    since: datetime,
    until: datetime | None = None,
    streams: Sequence[str] = (),
    redactor: Redactor | None = None,
    clock: Clock | None = None,
) -> Iterator[LogEvent]:
    """Read events straight from the vendors, with no store and no checkpoint, stream after stream.

    Windows tile ``[since, until)`` exactly; events outside it (vendors answer whole days) are
    dropped, so each event is yielded once.
    """
    now_clock = clock or SystemClock()
    end = until or now_clock.now()
    for stream in streams_of(sources, streams):
        start = max(since, stream.earliest(now_clock.now()))
        for window in stream.windows(start, end):
            for page in stream.pages(window, Resume()):
                records = getattr(page, "records", ())
                for event in [*page.events, *(record_event(r, stream.provider, stream.tenant, stream.name)
                                              for r in records)]:
                    if redactor is not None:
                        redactor.event(event, stream)
                    model = LogEvent.model_validate(event)
                    if start <= model.time < end:
                        yield model


__all__ = [
    "CollectReport",
    "Collection",
    "Collector",
    "Prefetch",
    "StreamProgress",
    "collect",
    "fetch",
    "run",
    "streams_of",
]
