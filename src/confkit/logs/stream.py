"""The provider-neutral stream protocol: how a platform's audit log plugs into the collector.

A provider exposes its audit logs as :class:`LogStream` objects (``Provider.log_streams()``, which
finds ``log_streams(provider)`` in the provider package's ``logs`` module). The collector
(:mod:`confkit.logs.engine`) owns everything generic - windows, overlap, checkpoints, dedup,
retries, redaction, concurrency - and asks the stream for one thing: the pages of one time window.

Contract of :meth:`LogStream.pages` (see docs/logs.md, "Adding a provider's logs"):

* Yield :class:`LogPage` objects in order; each carries normalized events (dicts built with
  :func:`confkit.logs.model.new_event`) and an opaque ``cursor`` to resume *after* that page.
  The collector commits a page's events and its cursor in one transaction.
* The window's last page has ``cursor=None`` (it may be empty). Only the last page may.
* ``resume.cursor`` is the cursor of the last committed page of this window (``None``: start at the
  beginning). A stream that cannot resume from it (an expired vendor page token) raises
  :class:`CursorExpiredError`; the collector then restarts the window from the beginning, which is
  safe because events are deduplicated by their stable id.
* Streams that walk sub-resources (meetings, then their participants) mark each fully read one in
  ``LogPage.completes``; the collector stores those units with the page and, when the window is
  resumed, ``resume.done(unit)`` tells the stream to skip them.
* Retry of transient failures happens below (HttpCore) and above (the collector restarts
  ``pages()`` from the last committed cursor); a stream never swallows errors, with one exception:
  a sub-resource the vendor refuses for good, whatever the credentials (one meeting's participants:
  "Cannot access meeting information"; a host deleted since), may be marked complete and described
  in ``LogPage.skipped``. The collector records it as a gap in the page's transaction and reports it,
  instead of failing the window on every run. Errors of the tenant or the token are never skipped.

Optional, for streams with many events: a page may carry its events as :class:`VendorRecord`
objects in ``LogPage.records`` instead of (or besides) normalized dicts in ``LogPage.events``: the
stable id, the stored time, the category and the action (what is indexed and deduplicated on), the
untouched vendor record and whatever else the mapper needs (``context``). They are stored as they
are and normalized when read, by the function ``NORMALIZERS[stream]`` of the provider's ``logs``
module (see :func:`normalizer`), which must give the event the stream's mapper would have given.
It spares the collector most of its own work per event (docs/logs.md, Benchmark); a stream that
does not use it changes nothing.
"""

from __future__ import annotations

import importlib
import ipaddress
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, runtime_checkable

from confkit.errors import ConfkitError
from confkit.logs.model import Category
from confkit.logs.raw import RawJSON, decoded

if TYPE_CHECKING:
    from confkit.logs.redact import Redactor
    from confkit.provider import Provider

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class CursorExpiredError(ConfkitError):
    """The vendor no longer accepts the saved page cursor (Zoom: ``next_page_token`` after 15 minutes)."""


class StreamUnavailableError(ConfkitError):
    """The tenant does not have this log at all (a licence, an add-on or an org setting is missing).

    Not a failure of the collection: the collector marks the stream ``unavailable`` (nothing is
    marked collected, so the next run after the feature is enabled reads its whole retention), says
    why once per run, and the run still succeeds. Raise it only when the vendor says the feature is
    off for the tenant, never for a permission the token lacks on data that exists.
    """


@dataclass(frozen=True, order=True)
class Window:
    """A half-open time range ``[start, end)`` in UTC, read with one series of paged requests."""

    start: datetime
    end: datetime

    def __str__(self) -> str:
        return f"{self.start.isoformat()} .. {self.end.isoformat()}"


class VendorRecord(NamedTuple):
    """An event as stored before normalization: what is indexed, and the vendor's record.

    ``id``, ``time`` (the stored UTC form), ``category`` and ``action`` are what the stream's mapper
    gives for ``raw``; ``context`` is what the mapper needs besides the record (e.g. the meeting a
    participant record belongs to), ``None`` when nothing. ``raw`` is the record decoded, or its JSON
    text as it came (:data:`confkit.logs.raw.RawJSON`), stored as it is.
    """

    id: str
    time: str
    category: str
    action: str
    raw: dict[str, Any] | RawJSON
    context: dict[str, Any] | None = None


#: ``(raw, context, tenant, time) -> normalized event dict``: a stream's mapper, for stored records.
Normalizer = Callable[[dict[str, Any], "dict[str, Any] | None", str, str], dict[str, Any]]


class Skipped(NamedTuple):
    """Part of a window a stream could not read and moved past (e.g. one meeting whose participants the
    vendor refuses: "Cannot access meeting information"), recorded as a gap with the page it comes in."""

    start: datetime
    end: datetime
    reason: str


@dataclass
class LogPage:
    """One page of a window: normalized events, where to resume after it, sub-units it finished,
    - optionally - events as vendor records normalized when read (see the module docstring), and what of
    the window the stream had to skip (:class:`Skipped`, stored as gaps in the page's transaction)."""

    events: Sequence[dict[str, Any]]
    cursor: str | None
    completes: Sequence[str] = ()
    records: Sequence[VendorRecord] = ()
    skipped: Sequence[Skipped] = ()


@dataclass(frozen=True)
class Resume:
    """Where a window stopped last time: the committed cursor and the sub-units already read."""

    cursor: str | None = None
    saved_at: datetime | None = None
    units: frozenset[str] = field(default_factory=frozenset)

    def done(self, unit: str) -> bool:
        return unit in self.units


@runtime_checkable
class LogStream(Protocol):
    """One audit log of one tenant of one provider (e.g. Zoom sign-in activity of account X)."""

    provider: str
    tenant: str
    name: str
    description: str
    categories: tuple[Category, ...]
    #: How much of the already collected range to re-read on the next run, for late arrivals.
    overlap: timedelta

    def earliest(self, now: datetime) -> datetime:
        """The oldest instant the vendor still serves (its retention), as of ``now``."""
        ...

    def windows(self, start: datetime, end: datetime) -> list[Window]:
        """Split ``[start, end)`` into windows the API accepts in one request series."""
        ...

    def pages(self, window: Window, resume: Resume) -> Iterator[LogPage]:
        """The pages of ``window`` (see the module docstring for the contract)."""
        ...

    def redact_raw(self, raw: Any, redactor: Redactor) -> Any:
        """The vendor record with personal data of the redacted kinds replaced by salted hashes."""
        ...


# -- helpers for stream implementations -------------------------------------------------------------


def align_down(moment: datetime, step: timedelta) -> datetime:
    """``moment`` rounded down to a multiple of ``step`` since the Unix epoch (UTC days for 1 day)."""
    moment = moment.astimezone(UTC)
    return EPOCH + ((moment - EPOCH) // step) * step


def align_up(moment: datetime, step: timedelta) -> datetime:
    down = align_down(moment, step)
    return down if down == moment.astimezone(UTC) else down + step


def plan_windows(start: datetime, end: datetime, *, max_span: timedelta, align: timedelta) -> list[Window]:
    """Contiguous windows of at most ``max_span`` covering ``[start, end)``, edges on ``align``."""
    first, last = align_down(start, align), align_up(end, align)
    out: list[Window] = []
    cursor = first
    while cursor < last:
        stop = min(cursor + max_span, last)
        out.append(Window(cursor, stop))
        cursor = stop
    return out


EMAIL_RE = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
IPV4_RE = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")


def looks_like_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value.strip())
    except ValueError:
        return False
    return True


class BaseLogStream:
    """Defaults for stream implementations: windows, retention and raw-record redaction by key.

    ``pii_keys`` maps keys of the vendor record (at any depth) to the kind of personal data they
    hold: ``"email"``, ``"ip"``, ``"name"``, or ``"text"`` (free text in which e-mail addresses and
    IP addresses are replaced). Override :meth:`redact_raw` for records that need more.
    """

    provider: str = ""
    tenant: str = ""
    name: str = ""
    description: str = ""
    categories: tuple[Category, ...] = ()
    overlap: timedelta = timedelta(days=1)
    max_span: timedelta = timedelta(days=28)
    align: timedelta = timedelta(days=1)
    retention: timedelta = timedelta(days=180)
    pii_keys: Mapping[str, str] = {}
    #: How many windows the collector may read at the same time (each ``pages()`` call in a thread of
    #: its own; commits stay in window order). More than 1 only for streams whose ``pages()`` keeps no
    #: state between calls, and whose windows are many and short (one request each, latency-bound).
    window_readers: int = 1

    def earliest(self, now: datetime) -> datetime:
        return align_up(now - self.retention, self.align)

    def windows(self, start: datetime, end: datetime) -> list[Window]:
        return plan_windows(start, end, max_span=self.max_span, align=self.align)

    def redact_raw(self, raw: Any, redactor: Redactor) -> Any:
        return redact_by_keys(raw, self.pii_keys, redactor)


def redact_by_keys(value: Any, keys: Mapping[str, str], redactor: Redactor) -> Any:
    """A copy of ``value`` with the values under ``keys`` redacted by kind (recursively)."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            kind = keys.get(k)
            if kind is not None and isinstance(v, str):
                out[k] = redactor.apply(kind, v)
            else:
                out[k] = redact_by_keys(v, keys, redactor)
        return out
    if isinstance(value, list):
        return [redact_by_keys(v, keys, redactor) for v in value]
    return value


class KeyRedaction:
    """Redaction of a stream's vendor records by key, without the stream (export-time ``--redact``)."""

    def __init__(self, keys: Mapping[str, str]) -> None:
        self.pii_keys = keys

    def redact_raw(self, raw: Any, redactor: Redactor) -> Any:
        return redact_by_keys(raw, self.pii_keys, redactor)


#: ``(raw, redactor) -> redacted copy of raw``: a stream's own raw-record redaction.
RawRedactor = Callable[[Any, "Redactor"], Any]


class FunctionRedaction:
    """Redaction of a stream's vendor records by the provider's own function (``RAW_REDACTORS[stream]``)."""

    def __init__(self, function: RawRedactor) -> None:
        self.function = function

    def redact_raw(self, raw: Any, redactor: Redactor) -> Any:
        return self.function(raw, redactor)


def raw_redaction(provider: str, stream: str) -> KeyRedaction | FunctionRedaction | None:
    """How to redact stored records of ``provider``'s ``stream``, without the stream object (export-time
    ``--redact``): ``RAW_REDACTORS[stream]`` of its logs module when it has one (records whose personal
    data is not under fixed keys: names inside Webex's ``actionText``, Google's ``parameters[]``), else
    ``PII_KEYS[stream]``. A stream's :meth:`LogStream.redact_raw` must do the same as this."""
    try:
        module = importlib.import_module(f"confkit.providers.{provider}.logs")
    except ImportError:
        return None
    function = getattr(module, "RAW_REDACTORS", {}).get(stream)
    if function is not None:
        return FunctionRedaction(function)
    keys = getattr(module, "PII_KEYS", {}).get(stream)
    return KeyRedaction(keys) if keys is not None else None


@cache
def normalizer(provider: str, stream: str) -> Normalizer:
    """How stored vendor records of ``provider``'s ``stream`` become events: ``NORMALIZERS[stream]``
    of ``confkit.providers.<provider>.logs``."""
    try:
        module = importlib.import_module(f"confkit.providers.{provider}.logs")
    except ImportError:
        module = None
    found: Normalizer | None = getattr(module, "NORMALIZERS", {}).get(stream)
    if found is None:
        raise ConfkitError(f"no normalizer for stored {provider}/{stream} records (confkit.providers.{provider}.logs)")
    return found


def record_event(record: VendorRecord, provider: str, tenant: str, stream: str) -> dict[str, Any]:
    """The normalized event dict of a vendor record (its id, time, category and action as indexed)."""
    event = normalizer(provider, stream)(decoded(record.raw), record.context, tenant, record.time)
    event["id"], event["time"], event["category"], event["action"] = record[:4]
    return event


# -- discovery ----------------------------------------------------------------------------------------

StreamFactory = Callable[["Provider"], Sequence[LogStream]]


def discover_streams(provider: Provider) -> Sequence[LogStream]:
    """The streams of ``provider``: ``log_streams(provider)`` of its package's ``logs`` module, if any.

    ``confkit.providers.zoom.provider.ZoomProvider`` -> ``confkit.providers.zoom.logs``. A provider
    without such a module has no log streams (an empty tuple).
    """
    package = type(provider).__module__.rpartition(".")[0]
    if not package:
        return ()
    module_name = f"{package}.logs"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return ()
        raise
    factory: StreamFactory | None = getattr(module, "log_streams", None)
    if factory is None:
        return ()
    return tuple(factory(provider))


__all__ = [
    "BaseLogStream",
    "CursorExpiredError",
    "FunctionRedaction",
    "KeyRedaction",
    "LogPage",
    "LogStream",
    "Normalizer",
    "RawRedactor",
    "Resume",
    "Skipped",
    "StreamUnavailableError",
    "VendorRecord",
    "Window",
    "align_down",
    "align_up",
    "discover_streams",
    "looks_like_ip",
    "normalizer",
    "plan_windows",
    "raw_redaction",
    "record_event",
    "redact_by_keys",
]
