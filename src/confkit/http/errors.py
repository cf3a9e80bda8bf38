"""Shared pieces of vendor error mapping: status -> error class, JSON guarded decode."""

from __future__ import annotations

from typing import Any

import httpx

from confkit.errors import (
    APIError,
    AuthenticationError,
    ConflictError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    UnavailableError,
)

STATUS_CLASSES: dict[int, type[APIError]] = {
    400: InvalidRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    410: NotFoundError,
    412: ConflictError,
    422: InvalidRequestError,
    423: RateLimitedError,
    429: RateLimitedError,
}


def safe_url(url: str) -> str:
    """``url`` for a message: without a user or password in it (``https://user:secret@host/...``)."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError):
        return "(an unreadable URL)"
    return str(parsed.copy_with(username=None, password=None)) if parsed.userinfo else url


def class_for_status(status: int) -> type[APIError]:
    if status >= 500:
        return UnavailableError
    return STATUS_CLASSES.get(status, APIError)


def json_body(response: httpx.Response) -> dict[str, Any]:
    """The error body as a dict; ``{}`` when it is empty, not JSON (Zoom can send XML) or not an object."""
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
