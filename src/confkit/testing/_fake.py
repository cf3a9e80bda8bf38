"""Machinery shared by confkit's in-process API fakes (:class:`~confkit.testing.FakeZoom` and the
fakes of the other platforms).

A fake is an :class:`httpx.BaseTransport`, precisely an :class:`httpx.MockTransport` whose handler is
:meth:`FakeAPI.serve`: ``httpx.Client(transport=fake)`` sends every request to it and nothing ever
touches a socket. Subclasses must not override ``handle_request``: VCR.py records and replays httpx
traffic by patching ``MockTransport.handle_request`` (that is how ``make record`` writes cassettes
from the fakes), and a MockTransport serves ``httpx.AsyncClient`` too. :class:`FakeAPI` gives a fake

* a route table: handler methods decorated with :func:`route` and a path template such as
  ``/users/{userId}`` (relative to the class's ``BASE_URL``, or an absolute URL);
* a request log (:attr:`FakeAPI.requests`), a lock around all state, an injectable clock and
  seeded random generators, so a fake is thread-safe and deterministic;
* fault injection: :meth:`~FakeAPI.fail_next`, :meth:`~FakeAPI.server_error_next`,
  :meth:`~FakeAPI.reset_connection_next` and :meth:`~FakeAPI.slow`;
* small helpers for JSON responses (:func:`json_response`, :class:`Reply`), request-body
  validation (:func:`validate` over a tiny shape language), deep merges and page cursors.

A request for which no route matches raises :class:`NotImplementedError` instead of answering:
a fake never pretends to implement an endpoint it does not model.
"""

from __future__ import annotations

import json
import random
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal, TypeVar

import httpx

from confkit.http.clock import Clock, SystemClock

# -- responses -------------------------------------------------------------------------------------


def json_response(status: int, body: Any = None, headers: Mapping[str, str] | None = None) -> httpx.Response:
    """A response with a compact JSON body (no body at all when ``body`` is ``None``)."""
    out = dict(headers or {})
    if body is None:
        return httpx.Response(status, headers=out)
    out.setdefault("Content-Type", "application/json")
    return httpx.Response(status, headers=out, content=json.dumps(body, separators=(",", ":")).encode())


class Reply(Exception):
    """Raise from a handler (or a hook) to answer at once, usually with an error body."""

    def __init__(self, status: int, body: Any = None, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.body = body
        self.headers = dict(headers or {})

    def response(self) -> httpx.Response:
        return json_response(self.status, self.body, self.headers)


def iso(moment: datetime) -> str:
    """``2026-01-05T12:00:00Z``: the UTC timestamp form every vendor API here uses."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def canonical_json(value: Any) -> str:
    """Stable JSON text (sorted keys, fixed indentation) for byte-for-byte state comparisons."""
    return json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False)


# -- routing ---------------------------------------------------------------------------------------

H = TypeVar("H", bound=Callable[..., httpx.Response])


@dataclass(frozen=True)
class Route:
    """One operation of a fake: method, path template, handler and free-form metadata."""

    method: str
    template: str
    handler: str
    query: frozenset[str] | None
    meta: Mapping[str, Any]
    pattern: re.Pattern[str]


def route(method: str, template: str, *, query: Iterable[str] | None = (), **meta: Any) -> Callable[[H], H]:
    """Declare a handler method for ``method template``.

    ``query`` lists the query parameters the operation declares; any other one is refused through
    :meth:`FakeAPI.undeclared_query`. ``None`` leaves the query string to the handler. ``meta`` is
    kept on the :class:`Route` for the fake's own hooks (e.g. a rate-limit label).
    """

    def mark(fn: H) -> H:
        routes: list[tuple[str, str, frozenset[str] | None, dict[str, Any]]] = list(
            getattr(fn, "_fake_routes", [])
        )
        routes.append((method.upper(), template, None if query is None else frozenset(query), dict(meta)))
        setattr(fn, "_fake_routes", routes)  # noqa: B010 - a function attribute mypy cannot see
        return fn

    return mark


def _compile(url_template: str) -> re.Pattern[str]:
    out = ""
    for part in re.split(r"(\{[^}]+\})", url_template):
        out += f"(?P<{part[1:-1]}>[^/]+)" if part.startswith("{") and part.endswith("}") else re.escape(part)
    return re.compile("^" + out + "/?$")


@dataclass
class Call:
    """What a handler receives: the request, its route, path parameters and query, scratch state."""

    request: httpx.Request
    route: Route
    path: dict[str, str]
    query: dict[str, str]
    state: dict[str, Any] = field(default_factory=dict)

    def json(self) -> Any:
        """The JSON body, ``None`` when empty; raises ``ValueError`` when it is not JSON."""
        content = self.request.content
        return json.loads(content) if content.strip() else None

    def form(self) -> dict[str, str]:
        """The ``application/x-www-form-urlencoded`` body as a dict."""
        return dict(httpx.QueryParams(self.request.content.decode("utf-8", "replace")).multi_items())


# -- faults ----------------------------------------------------------------------------------------


@dataclass
class Fault:
    """A failure waiting for the next matching request(s).

    Either ``respond`` builds the response, or ``error`` (an httpx transport error class) is
    raised: before the request is processed, or after it when ``after`` is true (the server acted
    but the answer was lost).
    """

    times: int
    path: str | None = None
    respond: Callable[[httpx.Request], httpx.Response] | None = None
    error: type[httpx.TransportError] | None = None
    after: bool = False

    def matches(self, request: httpx.Request) -> bool:
        return self.path is None or self.path in request.url.path


# -- the base transport ------------------------------------------------------------------------------


class FakeAPI(httpx.MockTransport):
    """Base class of confkit's fakes: routing, request log, faults, clock and seeded randomness.

    Subclasses set ``BASE_URL``, decorate handler methods with :func:`route` and may override the
    hooks :meth:`before`, :meth:`after`, :meth:`decorate`, :meth:`undeclared_query`,
    :meth:`fault_applies` and :meth:`error_body`. ``rng`` draws ids of state (seeded), ``noise``
    draws tokens, cursors and tracking ids, so listing or authenticating never shifts the ids
    later objects get.
    """

    BASE_URL: ClassVar[str] = ""
    _routes: ClassVar[tuple[Route, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        found: list[Route] = []
        for name in dir(cls):
            for method, template, query, meta in getattr(getattr(cls, name, None), "_fake_routes", ()):
                url = template if "://" in template else cls.BASE_URL.rstrip("/") + template
                found.append(Route(method, url, name, query, meta, _compile(url)))
        # Literal segments win over parameters: /users/me/x before /users/{userId}/x.
        cls._routes = tuple(sorted(found, key=lambda r: (r.template.count("{"), -len(r.template))))

    def __init__(self, *, clock: Clock | None = None, seed: int = 0) -> None:
        super().__init__(self.serve)
        self.clock: Clock = clock or SystemClock()
        self.seed = seed
        self.rng = random.Random(seed)
        self.noise = random.Random(f"{seed}:noise")
        self.requests: list[httpx.Request] = []
        self._faults: list[Fault] = []
        self._latency = 0.0
        self._lock = threading.RLock()

    # -- fault injection ---------------------------------------------------------------------------

    def add_fault(self, fault: Fault) -> None:
        """Queue a fault; faults fire in the order they were queued."""
        if fault.times < 1:
            raise ValueError("times must be at least 1")
        with self._lock:
            self._faults.append(fault)

    def fail_next(
        self,
        status: int,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        *,
        times: int = 1,
        path: str | None = None,
    ) -> None:
        """Answer the next ``times`` matching requests with ``status`` (and ``body``, ``headers``).

        Without ``body`` the fake's usual error body for that status is sent. ``path`` is a
        substring the request path must contain.
        """
        payload = body if body is not None else self.error_body(status)
        fixed = dict(headers or {})
        self.add_fault(Fault(times, path, respond=lambda _req: json_response(status, payload, fixed)))

    def server_error_next(self, status: int = 503, *, times: int = 1, path: str | None = None) -> None:
        """Answer the next ``times`` matching requests with a 5xx error."""
        if status < 500:
            raise ValueError("a server error has a 5xx status")
        self.fail_next(status, times=times, path=path)

    def reset_connection_next(
        self, *, times: int = 1, path: str | None = None, during: Literal["connect", "read"] = "connect"
    ) -> None:
        """Drop the connection of the next ``times`` matching requests.

        ``during="connect"`` raises :class:`httpx.ConnectError` before anything reaches the server;
        ``during="read"`` processes the request (state changes) and then raises
        :class:`httpx.ReadError`, as when a reset loses the answer.
        """
        if during not in {"connect", "read"}:
            raise ValueError('during must be "connect" or "read"')
        error: type[httpx.TransportError] = httpx.ConnectError if during == "connect" else httpx.ReadError
        self.add_fault(Fault(times, path, error=error, after=during == "read"))

    def slow(self, seconds: float) -> None:
        """Make every later response wait ``seconds`` on the clock (``0`` switches it off)."""
        if seconds < 0:
            raise ValueError("seconds must not be negative")
        with self._lock:
            self._latency = seconds

    @property
    def pending_faults(self) -> int:
        """How many injected failures have not fired yet."""
        with self._lock:
            return sum(f.times for f in self._faults)

    def _take_fault(self, request: httpx.Request) -> Fault | None:
        for fault in self._faults:
            if fault.matches(request) and (fault.path is not None or self.fault_applies(request)):
                fault.times -= 1
                if fault.times == 0:
                    self._faults.remove(fault)
                return fault
        return None

    # -- hooks ---------------------------------------------------------------------------------------

    def fault_applies(self, request: httpx.Request) -> bool:
        """Whether a fault queued without ``path`` may fire on ``request`` (default: always)."""
        return True

    def error_body(self, status: int) -> Any:
        """The body of an injected error without an explicit body."""
        return {"status": status, "message": httpx.codes.get_reason_phrase(status)}

    def before(self, call: Call) -> None:
        """Run before the handler (authentication, rate limits); raise :class:`Reply` to refuse."""

    def undeclared_query(self, call: Call, names: list[str]) -> Reply | None:
        """The answer to query parameters the operation does not declare; ``None`` ignores them."""
        return Reply(400, self.error_body(400))

    def after(self, call: Call, response: httpx.Response) -> None:
        """Run after a routed request was answered (its handler ran or refused)."""

    def decorate(self, request: httpx.Request, response: httpx.Response) -> None:
        """Add headers every response carries, faults included."""

    # -- the transport ---------------------------------------------------------------------------------

    def now(self) -> datetime:
        """The clock's time as an aware UTC datetime."""
        return self.clock.now().astimezone(UTC)

    def serve(self, request: httpx.Request) -> httpx.Response:
        """Answer one request (the MockTransport's handler): log it, apply latency and faults, route it."""
        request.read()
        with self._lock:
            self.requests.append(request)
            fault = self._take_fault(request)
            latency = self._latency
        if latency:
            self.clock.sleep(latency)
        if fault is not None and fault.error is not None and not fault.after:
            raise fault.error("connection reset (injected by the fake)", request=request)
        with self._lock:
            response = fault.respond(request) if fault is not None and fault.respond else self._dispatch(request)
            self.decorate(request, response)
        if fault is not None and fault.error is not None:
            raise fault.error("connection reset after the request was processed (injected)", request=request)
        return response

    def match(self, request: httpx.Request) -> tuple[Route, dict[str, str]] | None:
        """The route serving ``request`` and its path parameters, if any."""
        url = f"{request.url.scheme}://{request.url.host}{request.url.path}"
        for candidate in self._routes:
            if candidate.method != request.method:
                continue
            found = candidate.pattern.match(url)
            if found:
                return candidate, found.groupdict()
        return None

    def _dispatch(self, request: httpx.Request) -> httpx.Response:
        matched = self.match(request)
        if matched is None:
            raise NotImplementedError(
                f"{type(self).__name__} does not implement {request.method} {request.url.copy_with(query=None)}"
            )
        found, params = matched
        call = Call(request, found, params, dict(request.url.params.multi_items()))
        try:
            self.before(call)
            if found.query is not None:
                unknown = sorted(set(call.query) - found.query)
                refusal = self.undeclared_query(call, unknown) if unknown else None
                if refusal is not None:
                    raise refusal
                for name in unknown:
                    del call.query[name]
            response: httpx.Response = getattr(self, found.handler)(call)
        except Reply as reply:
            response = reply.response()
        self.after(call, response)
        return response


# -- request validation: a tiny shape language -------------------------------------------------------


@dataclass(frozen=True)
class Str:
    """A string, optionally bounded in length and matched against a regular expression."""

    max_len: int | None = None
    pattern: str | None = None


@dataclass(frozen=True)
class Int:
    """An integer (never a boolean) within ``[minimum, maximum]``."""

    minimum: int | None = None
    maximum: int | None = None


ANY = object()
"""Shape that accepts any JSON value."""

Shape = Any
"""``bool``/``int``/``str``/``float``, :class:`Str`, :class:`Int`, a ``tuple`` of allowed values,
a ``dict`` of field shapes (an object; unknown fields are refused), a one-item ``list`` (an array
of that shape), or :data:`ANY`."""

Problem = tuple[str, str]
UNKNOWN_FIELD = "is not a field of this object"


def _type_ok(value: Any, kind: type) -> bool:
    if kind is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def validate(value: Any, shape: Shape, where: str = "") -> list[Problem]:
    """``(field, message)`` for each way ``value`` breaks ``shape``; ``[]`` when it fits."""
    name = where or "body"
    if shape is ANY:
        return []
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            return [(name, "must be an object")]
        problems: list[Problem] = []
        for key, item in value.items():
            path = f"{where}.{key}" if where else key
            if key not in shape:
                problems.append((path, UNKNOWN_FIELD))
            else:
                problems += validate(item, shape[key], path)
        return problems
    if isinstance(shape, list):
        if not isinstance(value, list):
            return [(name, "must be an array")]
        return [p for i, item in enumerate(value) for p in validate(item, shape[0], f"{name}[{i}]")]
    if isinstance(shape, tuple):
        if isinstance(value, bool) or value not in shape:
            return [(name, f"must be one of {', '.join(json.dumps(v) for v in shape)}")]
        return []
    if isinstance(shape, Str):
        if not isinstance(value, str):
            return [(name, "must be a string")]
        if shape.max_len is not None and len(value) > shape.max_len:
            return [(name, f"must be at most {shape.max_len} characters")]
        if shape.pattern is not None and not re.fullmatch(shape.pattern, value):
            return [(name, "has characters or a form that is not allowed")]
        return []
    if isinstance(shape, Int):
        if not _type_ok(value, int):
            return [(name, "must be an integer")]
        if shape.minimum is not None and value < shape.minimum:
            return [(name, f"must be at least {shape.minimum}")]
        if shape.maximum is not None and value > shape.maximum:
            return [(name, f"must be at most {shape.maximum}")]
        return []
    if isinstance(shape, type):
        return [] if _type_ok(value, shape) else [(name, f"must be of JSON type {_JSON_NAMES[shape]}")]
    raise TypeError(f"not a shape: {shape!r}")


_JSON_NAMES: dict[type, str] = {bool: "boolean", int: "integer", float: "number", str: "string"}


def shape_of(example: Any, overrides: Mapping[str, Shape] | None = None, where: str = "") -> Shape:
    """The shape of a seeded JSON value: same fields, same types; ``overrides`` (by dotted path,
    e.g. ``"schedule_meeting.jbh_time"``) narrow single fields, typically to an enum tuple."""
    overrides = overrides or {}
    if where in overrides:
        return overrides[where]
    if isinstance(example, dict):
        return {k: shape_of(v, overrides, f"{where}.{k}" if where else k) for k, v in example.items()}
    if isinstance(example, list):
        return [ANY]
    if isinstance(example, bool):
        return bool
    if isinstance(example, int):
        return int
    if isinstance(example, float):
        return float
    if isinstance(example, str):
        return str
    return ANY


def deep_merge(target: dict[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """Merge ``patch`` into ``target`` in place, object by object (PATCH semantics); returns it."""
    for key, value in patch.items():
        if isinstance(value, Mapping) and isinstance(target.get(key), dict):
            deep_merge(target[key], value)
        else:
            target[key] = json.loads(json.dumps(value))
    return target


# -- cursors -------------------------------------------------------------------------------------


class CursorError(Exception):
    """A page cursor is unknown, expired, or was issued for a different query."""


class Cursors:
    """Opaque page cursors: each stands for an offset into one query's results.

    A cursor is bound to ``key`` (the caller's canonical form of the query) and lives ``ttl``
    seconds on the fake's clock.
    """

    def __init__(self, fake: FakeAPI, ttl: float | None = None, length: int = 32) -> None:
        self._fake = fake
        self._ttl = ttl
        self._length = length
        self._issued: dict[str, tuple[int, str, float]] = {}

    def issue(self, offset: int, key: str) -> str:
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
        token = "".join(self._fake.noise.choice(alphabet) for _ in range(self._length))
        self._issued[token] = (offset, key, self._fake.clock.monotonic())
        return token

    def offset(self, token: str, key: str) -> int:
        found = self._issued.get(token)
        if found is None:
            raise CursorError("unknown page token")
        offset, issued_for, at = found
        if self._ttl is not None and self._fake.clock.monotonic() - at > self._ttl:
            raise CursorError("expired page token")
        if issued_for != key:
            raise CursorError("page token used with different query parameters")
        return offset


class Timeline:
    """``n`` generated records spread evenly over ``span`` units (seconds or milliseconds) from ``start``:
    index order is time order, no two records share a unit, and a record's index is found from an
    instant by arithmetic (the fakes' bulk log traffic: millions of records in constant memory)."""

    def __init__(self, n: int, start: int, span: int, unit: str = "seconds") -> None:
        if n > span:
            raise ValueError(f"{n} records need at least {n} {unit} so that no two share one")
        self.n, self.start, self.span = n, start, span

    def at(self, i: int) -> int:
        """The instant of record ``i``."""
        return self.start + (i * self.span) // self.n

    def index_at(self, moment: int) -> int:
        """The first index whose instant is at or after ``moment``."""
        d = moment - self.start
        if d <= 0:
            return 0
        return min(self.n, -((-d * self.n) // self.span))


__all__ = [
    "ANY",
    "UNKNOWN_FIELD",
    "Call",
    "CursorError",
    "Cursors",
    "FakeAPI",
    "Fault",
    "Int",
    "Reply",
    "Route",
    "Shape",
    "Str",
    "Timeline",
    "canonical_json",
    "deep_merge",
    "iso",
    "json_response",
    "route",
    "shape_of",
    "validate",
]
