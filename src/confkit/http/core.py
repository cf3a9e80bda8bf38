"""The one place where confkit talks HTTP: retries, rate limiting, auth renewal and error mapping.

Every provider owns one :class:`HttpCore` built on an injectable ``httpx.Client``; that client is
the only seam for fakes and recording. Rules:

* ``Accept: application/json`` on every request, a timeout on every request.
* 429 (and Webex 423) are retried after the server's ``Retry-After`` (any form) or exponential
  backoff with jitter; a daily limit, or a wait longer than ``RetryPolicy.max_wait``, raises
  :class:`RateLimitedError` with the retry time instead.
* 5xx and transport failures are retried for idempotent methods only (GET, PUT, PATCH, DELETE);
  a POST is retried only when the server refused it (429) or the connection never opened.
* An authentication failure renews the token once and retries.
* Nothing secret is logged: method, URL path, status, attempt and tracking id only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any, Protocol

import httpx
import orjson

from confkit.errors import (
    APIError,
    AuthenticationError,
    RateLimitedError,
    TransportError,
    UnavailableError,
)
from confkit.http.clock import Clock, SystemClock
from confkit.http.ratelimit import RateLimiter
from confkit.http.retry import RetryPolicy, retry_at_from_headers

log = logging.getLogger("confkit.http")

IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"})
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)


class Authenticator(Protocol):
    """Supplies the ``Authorization`` header and renews it when told the token was rejected."""

    def auth_headers(self) -> dict[str, str]: ...

    def invalidate(self, rejected: str | None = None) -> None:
        """The API refused the ``Authorization`` value ``rejected``: forget that token (the next
        ``auth_headers`` renews it) - unless it is no longer the current one, renewed meanwhile by another
        thread whose request was refused too (forgetting the new one would renew it again, and again)."""
        ...


ErrorMapper = Callable[[httpx.Response], APIError]


class HttpCore:
    def __init__(
        self,
        *,
        provider: str,
        client: httpx.Client,
        base_url: str,
        map_error: ErrorMapper,
        auth: Authenticator | None = None,
        limiter: RateLimiter | None = None,
        retry: RetryPolicy | None = None,
        clock: Clock | None = None,
        timeout: httpx.Timeout | float | None = None,
    ) -> None:
        self.provider = provider
        self.client = client
        self.base_url = base_url.rstrip("/")
        self.map_error = map_error
        self.auth = auth
        self.limiter = limiter
        self.retry = retry or RetryPolicy()
        self.clock = clock or SystemClock()
        self.timeout = timeout if timeout is not None else DEFAULT_TIMEOUT
        self.requests_sent = 0

    def url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.base_url}/{path.lstrip('/')}"

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        bucket: str | None = None,
    ) -> httpx.Response:
        method = method.upper()
        url = self.url(path)
        clean_params = {k: _param(v) for k, v in (params or {}).items() if v is not None}
        attempt = 0
        renewed = False
        while True:
            attempt += 1
            if self.limiter is not None and bucket is not None:
                self.limiter.acquire(bucket)
            send_headers = {"Accept": "application/json"}
            if self.auth is not None:
                send_headers.update(self.auth.auth_headers())
            if headers:
                send_headers.update(headers)
            try:
                self.requests_sent += 1
                response = self.client.request(
                    method,
                    url,
                    params=clean_params or None,
                    json=json,
                    data=data,
                    headers=send_headers,
                    timeout=self.timeout,
                )
            except httpx.TransportError as exc:
                never_sent = isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)
                if (method in IDEMPOTENT or never_sent) and attempt < self.retry.max_attempts:
                    delay = self.retry.backoff(attempt)
                    log.info("%s %s: %s; retry %d in %.2fs", method, _path(url), type(exc).__name__, attempt, delay)
                    self.clock.sleep(delay)
                    continue
                raise TransportError(
                    f"{method} {_path(url)} failed: {type(exc).__name__}: {exc}; check the network and "
                    "the configured base URL",
                    provider=self.provider,
                ) from None
            if response.status_code < 400:
                log.debug("%s %s -> %d", method, _path(url), response.status_code)
                return response
            response.read()
            error = self.map_error(response)
            sent_auth = send_headers.get("Authorization", "")
            error.scrub(sent_auth.partition(" ")[2] or sent_auth)
            self._retry_time_on_our_clock(error, response)
            log.info(
                "%s %s -> %d (attempt %d, code %s, tracking id %s)",
                method,
                _path(url),
                response.status_code,
                attempt,
                error.vendor_code,
                error.tracking_id,
            )
            if isinstance(error, AuthenticationError) and self.auth is not None and not renewed:
                renewed = True
                self.auth.invalidate(send_headers.get("Authorization"))
                attempt -= 1  # a token renewal is not a retry
                continue
            if isinstance(error, RateLimitedError):
                if error.scope == "daily" or attempt >= self.retry.max_attempts:
                    raise error
                delay = self.retry.wait_for(attempt, error.retry_at, self.clock.now())
                if delay > self.retry.max_wait:
                    raise error
                self.clock.sleep(delay)
                continue
            if isinstance(error, UnavailableError) and method in IDEMPOTENT and attempt < self.retry.max_attempts:
                self.clock.sleep(self.retry.wait_for(attempt, error.retry_at, self.clock.now()))
                continue
            raise error

    def _retry_time_on_our_clock(self, error: APIError, response: httpx.Response) -> None:
        """``Retry-After`` is read here, once, on the injected clock (mappers need not agree on time)."""
        if not isinstance(error, RateLimitedError | UnavailableError):
            return
        now = self.clock.now()
        header = response.headers.get("retry-after")
        retry_at = retry_at_from_headers(response.headers, now)
        if retry_at is not None:
            error.retry_at = max(retry_at, now + timedelta(seconds=self.retry.min_wait))
        elif header is not None and self.retry.malformed_wait is not None:
            error.retry_at = now + timedelta(seconds=self.retry.malformed_wait)
        elif not (isinstance(error, RateLimitedError) and error.scope == "daily"):
            error.retry_at = None  # no usable server time: the policy's backoff applies

    def json(self, method: str, path: str, **kw: Any) -> Any:
        """Send a request and decode its JSON body (``None`` for an empty body, e.g. 204)."""
        response = self.request(method, path, **kw)
        content = response.content
        if not content:
            return None
        try:
            try:  # orjson: about twice the standard library's speed on log pages
                return _orjson_loads(content)
            except _OrjsonError:  # what orjson refuses (integers beyond 64 bits, other encodings)
                return response.json()
        except ValueError:
            raise UnavailableError(
                f"{method} {_path(self.url(path))} returned a body that is not JSON",
                provider=self.provider,
                status=response.status_code,
            ) from None


_orjson_loads = orjson.loads
_OrjsonError = orjson.JSONDecodeError


def _param(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _path(url: str) -> str:
    """The URL without its query string: queries can carry tokens on some APIs."""
    return url.split("?", 1)[0]
