"""Webex error responses -> confkit's error tree.

Webex answers errors with ``{"message": str, "errors": [{"description": str}], "trackingId": str}``
(modelled in the spec only on a few operations, e.g. ``POST /meetings`` 400); the tracking id is also
sent as the ``trackingid`` response header, which is used when the body has none. Meetings-service
errors have been seen with a ``code`` inside ``errors[]`` (notes/webex.md §2.3, unverified).

429 and 423 (Locked) carry ``Retry-After`` in seconds, which has been seen malformed
(``rand(30),add(30)``, WebexPythonSDK #181): an unparsable or missing value waits
:data:`DEFAULT_RETRY_AFTER` seconds, and never less than one second.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx

from confkit.errors import (
    APIError,
    AuthenticationError,
    InvalidRequestError,
    PermissionDeniedError,
    RateLimitedError,
    RateLimitScope,
)
from confkit.http.clock import Clock
from confkit.http.core import ErrorMapper
from confkit.http.errors import class_for_status, json_body
from confkit.http.retry import parse_retry_after

PROVIDER = "webex"
DEFAULT_RETRY_AFTER = timedelta(seconds=15)
MIN_RETRY_AFTER = timedelta(seconds=1)

HINTS: dict[int, str] = {
    401: "the access token is missing, expired or revoked; check the [webex] credentials",
    403: "the token lacks a scope or the caller lacks an admin role (admin verbs need a full org and site admin)",
}


def tracking_id(response: httpx.Response, body: dict[str, object] | None = None) -> str | None:
    """The tracking id Cisco support asks for: from the body, else the ``trackingid`` header."""
    value = (body or {}).get("trackingId")
    if isinstance(value, str) and value:
        return value
    header: str | None = response.headers.get("trackingid")
    return header


def _descriptions(body: dict[str, object]) -> tuple[list[str], str | int | None]:
    errors = body.get("errors")
    descriptions: list[str] = []
    code: str | int | None = None
    if isinstance(errors, list):
        for item in errors:
            if not isinstance(item, dict):
                continue
            text = item.get("description")
            if isinstance(text, str) and text:
                descriptions.append(text)
            raw = item.get("code")
            if code is None and isinstance(raw, str | int) and not isinstance(raw, bool):
                code = raw
    return descriptions, code


def map_error(response: httpx.Response, *, now: datetime) -> APIError:
    """One Webex error response as a confkit error; ``now`` dates a rate-limit's retry time."""
    body = json_body(response)
    status = response.status_code
    descriptions, code = _descriptions(body)
    message = str(body.get("message") or (descriptions[0] if descriptions else "") or response.reason_phrase or "error")
    tracking = tracking_id(response, body)
    cls = class_for_status(status)
    if status in HINTS and cls in (AuthenticationError, PermissionDeniedError):
        message = f"{message} ({HINTS[status]})"
    common: dict[str, object] = {"provider": PROVIDER, "status": status, "vendor_code": code, "tracking_id": tracking}
    if cls is RateLimitedError:
        return _rate_limited(response, message, now, common)
    if cls is InvalidRequestError:
        field_errors = [{"field": "", "message": d} for d in descriptions if d != message]
        if field_errors:
            message += ": " + "; ".join(e["message"] for e in field_errors)
        return InvalidRequestError(message, field_errors=field_errors, **common)
    return cls(message, **common)  # type: ignore[arg-type]


def _rate_limited(response: httpx.Response, message: str, now: datetime, common: dict[str, object]) -> RateLimitedError:
    retry_at = parse_retry_after(response.headers.get("retry-after"), now)
    if retry_at is None:
        retry_at = now + DEFAULT_RETRY_AFTER
    elif retry_at - now < MIN_RETRY_AFTER:
        retry_at = now + MIN_RETRY_AFTER
    lowered = message.lower()
    scope: RateLimitScope = "daily" if ("24 hours" in lowered or "daily" in lowered) else "unknown"
    return RateLimitedError(message, retry_at=retry_at, scope=scope, **common)  # type: ignore[arg-type]


def error_mapper(clock: Clock) -> ErrorMapper:
    """:func:`map_error` bound to the provider's clock, as :class:`~confkit.http.HttpCore` wants it."""

    def mapper(response: httpx.Response) -> APIError:
        return map_error(response, now=clock.now())

    return mapper


__all__ = ["DEFAULT_RETRY_AFTER", "error_mapper", "map_error", "tracking_id"]
