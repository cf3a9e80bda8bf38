"""Google error bodies -> confkit's error tree (no HTTP beyond building responses)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
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
from confkit.providers.google.errors import map_error, map_token_error

CAL = "https://www.googleapis.com/calendar/v3/calendars/a%40b.example/events"


def response(status: int, body: Any, url: str = CAL, headers: dict[str, str] | None = None) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return httpx.Response(status, content=content, headers=headers, request=httpx.Request("GET", url))


def legacy(status: int, reason: str, message: str = "msg", **extra: Any) -> dict[str, Any]:
    item = {"domain": "global", "reason": reason, "message": message, **extra}
    return {"error": {"code": status, "message": message, "errors": [item]}}


@pytest.mark.parametrize("reason", ["rateLimitExceeded", "userRateLimitExceeded"])
def test_403_rate_limit_is_a_rate_limit_not_a_permission_problem(reason: str) -> None:
    error = map_error(response(403, legacy(403, reason, "Rate Limit Exceeded")))
    assert isinstance(error, RateLimitedError) and not isinstance(error, PermissionDeniedError)
    assert error.status == 403 and error.vendor_code == reason and error.scope == "unknown"


@pytest.mark.parametrize("reason", ["dailyLimitExceeded", "quotaExceeded"])
def test_daily_quota_is_raised_not_slept_on(reason: str) -> None:
    error = map_error(response(403, legacy(403, reason)))
    assert isinstance(error, RateLimitedError) and error.scope == "daily"


def test_429_with_retry_after() -> None:
    body = {"error": {"code": 429, "message": "Quota exceeded", "status": "RESOURCE_EXHAUSTED"}}
    error = map_error(response(429, body, headers={"Retry-After": "7"}))
    assert isinstance(error, RateLimitedError) and error.vendor_code == "RESOURCE_EXHAUSTED"
    assert error.retry_at is not None and error.retry_at > datetime.now(UTC)


def test_error_info_reason_in_details() -> None:
    body = {
        "error": {
            "code": 429,
            "status": "RESOURCE_EXHAUSTED",
            "message": "slow down",
            "details": [
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "RATE_LIMIT_EXCEEDED",
                    "domain": "googleapis.com",
                },
                {"@type": "type.googleapis.com/google.rpc.RequestInfo", "requestId": "req-42"},
            ],
        }
    }
    error = map_error(response(429, body, url="https://meet.googleapis.com/v2/spaces/x"))
    assert isinstance(error, RateLimitedError) and error.vendor_code == "RATE_LIMIT_EXCEEDED"
    assert error.tracking_id == "req-42" and "req-42" in error.one_line()


def test_insufficient_scope_names_domain_wide_delegation() -> None:
    error = map_error(response(403, legacy(403, "insufficientPermissions", "Insufficient Permission")))
    assert isinstance(error, PermissionDeniedError) and "Domain-wide delegation" in error.message


def test_policy_api_403_says_super_admin() -> None:
    body = {"error": {"code": 403, "message": "The caller does not have permission", "status": "PERMISSION_DENIED"}}
    error = map_error(response(403, body, url="https://cloudidentity.googleapis.com/v1/policies?filter=x"))
    assert isinstance(error, PermissionDeniedError) and "super admin" in error.message
    assert error.vendor_code == "PERMISSION_DENIED"


def test_directory_403_names_the_admin_role() -> None:
    url = "https://admin.googleapis.com/admin/directory/v1/users"
    error = map_error(response(403, legacy(403, "forbidden", "Not Authorized to access this resource/api"), url))
    assert isinstance(error, PermissionDeniedError) and "Not Authorized" in error.message


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, InvalidRequestError),
        (401, AuthenticationError),
        (404, NotFoundError),
        (409, ConflictError),
        (410, NotFoundError),
        (412, ConflictError),
        (500, UnavailableError),
        (503, UnavailableError),
        (418, APIError),
    ],
)
def test_status_classes(status: int, cls: type[APIError]) -> None:
    error = map_error(response(status, legacy(status, "whatever")))
    assert type(error) is cls and error.provider == "google" and error.status == status


def test_field_errors_from_errors_and_bad_request_details() -> None:
    error = map_error(response(400, legacy(400, "invalid", "Invalid value", location="timeMin")))
    assert isinstance(error, InvalidRequestError) and error.field_errors == [
        {"field": "timeMin", "message": "Invalid value"}
    ]
    body = {
        "error": {
            "code": 400,
            "status": "INVALID_ARGUMENT",
            "message": "bad",
            "details": [
                {
                    "@type": "type.googleapis.com/google.rpc.BadRequest",
                    "fieldViolations": [{"field": "space.config.accessType", "description": "Invalid value"}],
                }
            ],
        }
    }
    error = map_error(response(400, body, url="https://meet.googleapis.com/v2/spaces"))
    assert isinstance(error, InvalidRequestError) and error.field_errors[0]["field"] == "space.config.accessType"


def test_expired_conference_records_hint() -> None:
    body = {"error": {"code": 404, "status": "NOT_FOUND", "message": "Requested entity was not found."}}
    error = map_error(response(404, body, url="https://meet.googleapis.com/v2/conferenceRecords/abc"))
    assert isinstance(error, NotFoundError) and "30 days" in error.message


def test_non_json_and_empty_bodies() -> None:
    assert type(map_error(response(502, b"<html>Bad Gateway</html>"))) is UnavailableError
    assert type(map_error(response(404, b""))) is NotFoundError


def _token_response(status: int, body: dict[str, Any]) -> httpx.Response:
    claims = {
        "iss": "sa@p.iam.gserviceaccount.com",
        "sub": "teacher@district.example",
        "scope": "https://www.googleapis.com/auth/calendar.events.owned",
        "aud": "x",
        "iat": 1,
        "exp": 2,
    }
    part = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    grant = "urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer"
    form = f"grant_type={grant}&assertion=eyJhbGciOiJSUzI1NiJ9.{part}.SIGNATURE"
    request = httpx.Request("POST", "https://oauth2.googleapis.com/token", content=form.encode())
    return httpx.Response(status, json=body, request=request)


def test_token_errors_name_the_user_and_scopes_but_no_secret() -> None:
    error = map_token_error(
        _token_response(401, {"error": "unauthorized_client", "error_description": "Client is unauthorized"})
    )
    assert isinstance(error, AuthenticationError) and error.vendor_code == "unauthorized_client"
    assert "teacher@district.example" in error.message and "calendar.events.owned" in error.message
    assert "SIGNATURE" not in error.message and "Domain-wide delegation" in error.message
    grant = map_token_error(
        _token_response(400, {"error": "invalid_grant", "error_description": "Invalid email or User ID"})
    )
    assert isinstance(grant, AuthenticationError) and "does not exist" in grant.message
    sig = map_token_error(
        _token_response(400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."})
    )
    assert "key" in sig.message
    assert isinstance(map_token_error(_token_response(429, {"error": "rate_limit"})), RateLimitedError)
    assert isinstance(map_token_error(_token_response(503, {"error": "unavailable"})), UnavailableError)
    # An OAuth-style body on an API URL is read the same way.
    assert isinstance(map_error(_token_response(401, {"error": "invalid_token"})), AuthenticationError)
