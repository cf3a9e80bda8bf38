"""Every Zoom error code confkit maps, and the tracking id."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from confkit.errors import (
    AuthenticationError,
    ConflictError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    UnavailableError,
)
from confkit.providers.zoom.errors import map_error


def resp(status: int, body: object = None, headers: dict[str, str] | None = None) -> httpx.Response:
    h = {"x-zm-trackingid": "v=2.0;clid=us05;rid=WEB_abc"} | (headers or {})
    if isinstance(body, str):
        return httpx.Response(status, text=body, headers=h)
    return httpx.Response(status, json=body, headers=h)


@pytest.mark.parametrize(
    ("status", "code", "cls"),
    [
        (401, 124, AuthenticationError),
        (400, 200, PermissionDeniedError),
        (400, 300, InvalidRequestError),
        (404, 1001, NotFoundError),
        (409, 1005, ConflictError),
        (400, 1009, ConflictError),
        (404, 3001, NotFoundError),
        (400, 3002, ConflictError),
        (400, 3003, PermissionDeniedError),
        (400, 3161, PermissionDeniedError),
        (400, 4700, PermissionDeniedError),
        (400, 4711, PermissionDeniedError),
        (400, 2001, NotFoundError),
        (429, 429, RateLimitedError),
        (500, 5000, UnavailableError),
    ],
)
def test_codes(status: int, code: int, cls: type[Exception]) -> None:
    err = map_error(resp(status, {"code": code, "message": "m"}))
    assert type(err) is cls
    assert (err.provider, err.status, err.vendor_code, err.tracking_id) == (
        "zoom",
        status,
        code,
        "v=2.0;clid=us05;rid=WEB_abc",
    )


def test_validation_field_errors() -> None:
    err = map_error(
        resp(
            400,
            {
                "code": 300,
                "message": "Validation Failed.",
                "errors": [{"field": "user_info.email", "message": "Invalid field."}],
            },
        )
    )
    assert isinstance(err, InvalidRequestError)
    assert err.field_errors == [{"field": "user_info.email", "message": "Invalid field."}]
    assert "user_info.email: Invalid field." in err.one_line()


def test_per_second_429() -> None:
    err = map_error(
        resp(
            429,
            {
                "code": 429,
                "message": "You have reached the maximum per-second rate limit for this API. Try again later.",
            },
            {"X-RateLimit-Category": "Light", "X-RateLimit-Type": "QPS", "Retry-After": "1"},
        )
    )
    assert isinstance(err, RateLimitedError) and err.scope == "per_second" and err.category == "Light"
    assert err.retry_at is not None


def test_daily_429_with_iso_retry_after() -> None:
    err = map_error(
        resp(
            429,
            {"code": 429, "message": "Daily limit"},
            {"X-RateLimit-Category": "Heavy", "X-RateLimit-Type": "Daily-limit", "Retry-After": "2020-05-31T00:00:00Z"},
        )
    )
    assert isinstance(err, RateLimitedError) and err.scope == "daily"
    assert err.retry_at == datetime(2020, 5, 31, tzinfo=UTC)


def test_per_host_meeting_limit() -> None:
    message = (
        "You have exceeded the daily rate limit (100) of Meeting Create/Update API requests permitted for this "
        "particular user. You may resume these requests at GMT 00:00:00."
    )
    err = map_error(resp(429, {"code": 429, "message": message}))
    assert isinstance(err, RateLimitedError) and err.scope == "daily"
    assert err.category == "meeting create/update per host"
    assert err.retry_at is not None and err.retry_at.time().hour == 0


def test_non_json_bodies_are_guarded() -> None:
    err = map_error(resp(502, "<html>bad gateway</html>"))
    assert isinstance(err, UnavailableError) and err.vendor_code is None
    err = map_error(resp(400, "<?xml version='1.0'?><error><code>300</code></error>"))
    assert isinstance(err, InvalidRequestError)
    err = map_error(resp(401, {"code": 4711, "message": "does not contain scopes"}))
    assert isinstance(err, PermissionDeniedError)


def test_a_token_error_that_echoes_the_credentials_does_not_repeat_them() -> None:
    import base64

    from confkit.errors import AuthenticationError, TransportError
    from confkit.http.clock import FakeClock
    from confkit.providers.zoom.auth import ZoomTokenAuth

    basic = base64.b64encode(b"cid-1:SECRET-XYZ-123").decode()

    def echo(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"reason": f"bad credentials cid-1:SECRET-XYZ-123 ({basic})"})

    auth = ZoomTokenAuth(client=httpx.Client(transport=httpx.MockTransport(echo)),
                         token_url="https://zoom.us/oauth/token", account_id="a", client_id="cid-1",
                         client_secret="SECRET-XYZ-123", clock=FakeClock())  # fmt: skip
    with pytest.raises(AuthenticationError) as caught:
        auth.auth_headers()
    assert "SECRET-XYZ" not in caught.value.one_line() and basic not in caught.value.one_line()

    def unreachable(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    auth = ZoomTokenAuth(client=httpx.Client(transport=httpx.MockTransport(unreachable)),
                         token_url="http://user:SECRET-XYZ-123@127.0.0.1:9/oauth/token", account_id="a",
                         client_id="cid-1", client_secret="s", clock=FakeClock())  # fmt: skip
    with pytest.raises(TransportError) as failed:
        auth.auth_headers()
    assert "SECRET-XYZ" not in failed.value.one_line() and "127.0.0.1:9/oauth/token" in failed.value.one_line()
