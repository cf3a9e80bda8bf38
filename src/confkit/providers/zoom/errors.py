"""Zoom error responses -> confkit's error tree.

Zoom's body is ``{"code": int, "message": str}`` (code 300 adds ``errors[]``); the body code is
*not* the HTTP status (kyleboe/zoom_rb#388). The tracking id is the ``x-zm-trackingid`` header.
Bodies can be XML or empty, so the decode is guarded.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from confkit.errors import (
    APIError,
    AuthenticationError,
    ConflictError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    RateLimitScope,
)
from confkit.http.errors import class_for_status, json_body
from confkit.http.retry import retry_at_from_headers

PROVIDER = "zoom"

# Body code -> error class, where the code decides more than the HTTP status does.
CODE_CLASSES: dict[int, type[APIError]] = {
    124: AuthenticationError,  # invalid or expired access token
    200: PermissionDeniedError,  # no permission / paid accounts only
    300: InvalidRequestError,  # validation failed
    1001: NotFoundError,  # user does not exist
    1005: ConflictError,  # email already used
    1009: ConflictError,  # user already holds an active account
    1010: NotFoundError,  # user not in this account
    1120: InvalidRequestError,  # invitation expired
    2001: NotFoundError,  # account does not exist
    3000: InvalidRequestError,  # cannot access meeting info
    3001: NotFoundError,  # meeting not found or expired
    3002: ConflictError,  # cannot delete: meeting in progress
    3003: PermissionDeniedError,  # not the meeting host
    3007: ConflictError,  # cannot delete: meeting ended
    3018: ConflictError,  # cannot delete a PMI
    3161: PermissionDeniedError,  # meeting hosting not allowed for user
    4700: PermissionDeniedError,  # token lacks scopes
    4711: PermissionDeniedError,  # token lacks a granular scope
    429: RateLimitedError,
}

HINTS: dict[int, str] = {
    124: "the access token was rejected; check the Server-to-Server OAuth app is activated",
    200: "the account plan or the app's role lacks this permission",
    4700: "add the missing scope to the Server-to-Server OAuth app in the Zoom Marketplace",
    4711: "add the missing scope to the Server-to-Server OAuth app in the Zoom Marketplace",
}


def map_error(response: httpx.Response) -> APIError:
    body = json_body(response)
    raw_code = body.get("code")
    code = raw_code if isinstance(raw_code, int) and not isinstance(raw_code, bool) else None
    message = str(body.get("message") or response.reason_phrase or "error")
    if code in HINTS:
        message = f"{message} ({HINTS[code]})"
    tracking = response.headers.get("x-zm-trackingid")
    status = response.status_code
    cls = CODE_CLASSES.get(code, class_for_status(status)) if code is not None else class_for_status(status)
    if status == 429 or cls is RateLimitedError:
        return _rate_limited(response, message, code, tracking)
    common = {"provider": PROVIDER, "status": status, "vendor_code": code, "tracking_id": tracking}
    if cls is InvalidRequestError:
        errors = body.get("errors")
        field_errors = (
            [
                {"field": str(e.get("field", "")), "message": str(e.get("message", ""))}
                for e in errors
                if isinstance(e, dict)
            ]
            if isinstance(errors, list)
            else []
        )
        if field_errors:
            message += ": " + "; ".join(f"{e['field']}: {e['message']}" for e in field_errors)
        return InvalidRequestError(message, field_errors=field_errors, **common)
    return cls(message, **common)


def _rate_limited(response: httpx.Response, message: str, code: int | None, tracking: str | None) -> RateLimitedError:
    now = datetime.now(UTC)
    kind = (response.headers.get("x-ratelimit-type") or "").lower()
    scope: RateLimitScope
    if "daily" in kind or "daily" in message.lower():
        scope = "daily"
    elif kind == "qps" or "per-second" in message.lower() or "per second" in message.lower():
        scope = "per_second"
    elif "concurren" in kind or "concurren" in message.lower():
        scope = "concurrent"
    else:
        scope = "unknown"
    retry_at = retry_at_from_headers(response.headers, now)
    if retry_at is None and scope == "daily":
        # "You may resume these requests at GMT 00:00:00."
        retry_at = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    category = response.headers.get("x-ratelimit-category")
    if "particular user" in message or "(100)" in message:
        category = "meeting create/update per host"
    return RateLimitedError(
        message,
        retry_at=retry_at,
        scope=scope,
        category=category,
        provider=PROVIDER,
        status=response.status_code,
        vendor_code=code if code is not None else 429,
        tracking_id=tracking,
    )
