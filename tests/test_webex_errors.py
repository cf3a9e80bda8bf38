"""Webex error bodies and headers -> confkit's error tree."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

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
from confkit.providers.webex.errors import DEFAULT_RETRY_AFTER, map_error

NOW = datetime(2026, 1, 5, 12, tzinfo=UTC)


def response(status: int, body: Any = None, headers: dict[str, str] | None = None) -> httpx.Response:
    request = httpx.Request("GET", "https://webexapis.com/v1/meetings")
    if isinstance(body, str):
        return httpx.Response(status, text=body, headers=headers, request=request)
    return httpx.Response(status, json=body, headers=headers, request=request)


def webex_body(message: str, *descriptions: str, tracking: str = "ROUTER_ABC") -> dict[str, Any]:
    return {"message": message, "errors": [{"description": d} for d in descriptions or (message,)],
            "trackingId": tracking}  # fmt: skip


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, InvalidRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (410, NotFoundError),
        (423, RateLimitedError),
        (429, RateLimitedError),
        (500, UnavailableError),
        (503, UnavailableError),
        (405, APIError),
    ],
)
def test_status_classes(status: int, cls: type[APIError]) -> None:
    error = map_error(response(status, webex_body("Something")), now=NOW)
    assert type(error) is cls and error.status == status and error.provider == "webex"


def test_body_message_and_tracking_id() -> None:
    error = map_error(response(404, webex_body("Meeting not found.", tracking="ROUTER_1")), now=NOW)
    assert error.message == "Meeting not found." and error.tracking_id == "ROUTER_1"
    assert "tracking id ROUTER_1" in error.one_line()


def test_tracking_id_from_the_header_when_the_body_has_none() -> None:
    error = map_error(response(500, {"message": "Oops"}, {"TrackingID": "ROUTER_HDR"}), now=NOW)
    assert error.tracking_id == "ROUTER_HDR"


def test_validation_descriptions_become_field_errors() -> None:
    body = webex_body("Invalid request.", "start: cannot be before the current date and time", "title: is required")
    error = map_error(response(400, body), now=NOW)
    assert isinstance(error, InvalidRequestError)
    assert [e["message"] for e in error.field_errors] == [
        "start: cannot be before the current date and time",
        "title: is required",
    ]
    assert "title: is required" in error.message


def test_code_inside_errors_is_the_vendor_code() -> None:
    body = {"message": "x", "errors": [{"description": "x", "code": 23001}], "trackingId": "T"}
    assert map_error(response(400, body), now=NOW).vendor_code == 23001


def test_scope_failure_hint() -> None:
    error = map_error(response(403, webex_body("Missing required scope: meeting:admin_schedule_read")), now=NOW)
    assert isinstance(error, PermissionDeniedError) and "admin" in error.message


@pytest.mark.parametrize("body", ["<html>gateway</html>", "", None, ["not", "an", "object"]])
def test_bodies_that_are_not_webex_json(body: Any) -> None:
    error = map_error(response(502, body), now=NOW)
    assert isinstance(error, UnavailableError) and error.message


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("7", 7),
        ("7.0", 7),
        ("7s", 7),
        ("rand(30),add(30)", DEFAULT_RETRY_AFTER.total_seconds()),  # seen from Webex (WebexPythonSDK #181)
        ("", DEFAULT_RETRY_AFTER.total_seconds()),
        (None, DEFAULT_RETRY_AFTER.total_seconds()),
        ("0", 1),  # never less than one second
        ("Mon, 05 Jan 2026 12:00:30 GMT", 30),
    ],
)
def test_retry_after_parsed_loosely(value: str | None, seconds: float) -> None:
    headers = {"Retry-After": value} if value is not None else {}
    error = map_error(response(429, webex_body("Too many requests"), headers), now=NOW)
    assert isinstance(error, RateLimitedError)
    assert error.retry_at == NOW + timedelta(seconds=seconds)


def test_423_locked_is_a_retryable_rate_limit() -> None:
    error = map_error(response(423, webex_body("Locked"), {"Retry-After": "3"}), now=NOW)
    assert isinstance(error, RateLimitedError) and error.scope == "unknown"
    assert error.retry_at == NOW + timedelta(seconds=3)


def test_the_24_hour_create_quota_is_daily() -> None:
    body = webex_body("You have reached the limit of 100 meetings scheduled in 24 hours.")
    error = map_error(response(429, body), now=NOW)
    assert isinstance(error, RateLimitedError) and error.scope == "daily"
