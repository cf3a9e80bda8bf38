"""HttpCore against httpx.MockTransport: retries, auth renewal, rate limiting, no secrets logged."""

from __future__ import annotations

import logging
from collections.abc import Callable

import httpx
import pytest

from confkit.errors import (
    APIError,
    AuthenticationError,
    RateLimitedError,
    TransportError,
    UnavailableError,
)
from confkit.http import FakeClock, HttpCore, Rate, RateLimiter, RetryPolicy
from confkit.http.errors import class_for_status, json_body


def mapper(response: httpx.Response) -> Exception:
    body = json_body(response)
    cls = class_for_status(response.status_code)
    from confkit.http.retry import retry_at_from_headers

    if cls is RateLimitedError:
        scope = "daily" if "daily" in str(body.get("message", "")) else "per_second"
        return RateLimitedError(
            str(body.get("message")),
            retry_at=retry_at_from_headers(response.headers, clock.now()),
            scope=scope,
            provider="t",
            status=response.status_code,
        )  # type: ignore[arg-type]
    return cls(str(body.get("message", "x")), provider="t", status=response.status_code)


clock = FakeClock()


class Auth:
    def __init__(self) -> None:
        self.token = "t1"
        self.invalidated = 0

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def invalidate(self, rejected: str | None = None) -> None:
        self.invalidated += 1
        self.rejected = rejected
        self.token = "t2"


def core(handler: Callable[[httpx.Request], httpx.Response], **kw: object) -> HttpCore:
    return HttpCore(
        provider="t",
        client=httpx.Client(transport=httpx.MockTransport(handler)),
        base_url="https://api.example/v1",
        map_error=mapper,
        clock=clock,  # type: ignore[arg-type]
        retry=RetryPolicy(max_attempts=4, base=0.1),
        **kw,
    )  # type: ignore[arg-type]


def sequence(*responses: httpx.Response | Exception) -> Callable[[httpx.Request], httpx.Response]:
    queue = list(responses)
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        item = queue.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    handler.seen = seen  # type: ignore[attr-defined]
    return handler


def test_accept_json_and_429_then_success_honours_retry_after() -> None:
    clock.sleeps.clear()
    h = sequence(
        httpx.Response(429, headers={"Retry-After": "3"}, json={"message": "slow"}),
        httpx.Response(200, json={"ok": True}),
    )
    assert core(h).json("GET", "/x") == {"ok": True}
    assert h.seen[0].headers["accept"] == "application/json"  # type: ignore[attr-defined]
    assert 3.0 <= clock.sleeps[0] <= 3.25


def test_daily_limit_is_raised_not_slept() -> None:
    h = sequence(httpx.Response(429, headers={"Retry-After": "2030-01-01T00:00:00Z"}, json={"message": "daily"}))
    with pytest.raises(RateLimitedError) as info:
        core(h).json("GET", "/x")
    assert info.value.scope == "daily" and info.value.retry_at is not None


def test_long_server_wait_is_raised_with_retry_time() -> None:
    h = sequence(httpx.Response(429, headers={"Retry-After": "3600"}, json={"message": "slow"}))
    with pytest.raises(RateLimitedError):
        core(h).json("GET", "/x")


def test_5xx_retried_for_get_but_not_for_post() -> None:
    h = sequence(httpx.Response(503), httpx.Response(502), httpx.Response(200, json={}))
    assert core(h).json("GET", "/x") == {}
    h2 = sequence(httpx.Response(503, json={"message": "down"}))
    with pytest.raises(UnavailableError):
        core(h2).json("POST", "/x", json={})
    assert len(h2.seen) == 1  # type: ignore[attr-defined]


def test_retries_are_bounded() -> None:
    h = sequence(*[httpx.Response(503) for _ in range(4)])
    with pytest.raises(UnavailableError):
        core(h).json("GET", "/x")
    assert len(h.seen) == 4  # type: ignore[attr-defined]


def test_connect_error_retried_even_for_post_read_error_not() -> None:
    req = httpx.Request("POST", "https://api.example/v1/x")
    h = sequence(httpx.ConnectError("refused", request=req), httpx.Response(201, json={"id": 1}))
    assert core(h).json("POST", "/x", json={}) == {"id": 1}
    h2 = sequence(httpx.ReadError("reset", request=req))
    with pytest.raises(TransportError, match="ReadError"):
        core(h2).json("POST", "/x", json={})


def test_401_renews_token_once() -> None:
    auth = Auth()
    h = sequence(httpx.Response(401, json={"message": "expired"}), httpx.Response(200, json={"ok": 1}))
    assert core(h, auth=auth).json("GET", "/x") == {"ok": 1}
    assert auth.invalidated == 1 and auth.rejected == "Bearer t1"  # told which token was refused
    assert h.seen[1].headers["authorization"] == "Bearer t2"  # type: ignore[attr-defined]
    h2 = sequence(httpx.Response(401, json={"message": "no"}), httpx.Response(401, json={"message": "no"}))
    with pytest.raises(AuthenticationError):
        core(h2, auth=Auth()).json("GET", "/x")


def test_rate_limiter_spaces_requests() -> None:
    c = FakeClock()
    limiter = RateLimiter({"light": Rate(2, 2)}, clock=c)
    waits = [limiter.acquire("light") for _ in range(6)]
    assert waits[:2] == [0.0, 0.0]
    assert waits[2:] == pytest.approx([0.5, 0.5, 0.5, 0.5])
    assert limiter.acquire("unknown") == 0.0


def test_no_secret_in_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="confkit")
    h = sequence(httpx.Response(429, headers={"Retry-After": "0"}, json={"message": "m"}), httpx.Response(200, json={}))
    core(h, auth=Auth()).json("GET", "/x", params={"access_token": "SECRET-QUERY"})
    assert "Bearer" not in caplog.text and "SECRET-QUERY" not in caplog.text and "t1" not in caplog.text


def test_a_token_renewed_by_another_thread_is_not_thrown_away() -> None:
    # Several threads get 401 for the same expired token: the first renews it; the others' invalidate
    # must not throw the new token away (each would renew it again, and the vendor may revoke the last).
    from confkit.providers.zoom.auth import ZoomTokenAuth

    issued: list[str] = []

    def token_endpoint(request: httpx.Request) -> httpx.Response:
        issued.append(f"tok{len(issued) + 1}")
        return httpx.Response(200, json={"access_token": issued[-1], "token_type": "bearer", "expires_in": 3600})

    auth = ZoomTokenAuth(client=httpx.Client(transport=httpx.MockTransport(token_endpoint)),
                         token_url="https://zoom.example/oauth/token", account_id="a", client_id="c",
                         client_secret="s", clock=FakeClock())  # fmt: skip
    first = auth.auth_headers()["Authorization"]  # two threads sent this one
    auth.invalidate(first)  # the first thread's 401
    renewed = auth.auth_headers()["Authorization"]
    auth.invalidate(first)  # the second thread's 401, for the old token
    assert auth.auth_headers()["Authorization"] == renewed == "Bearer tok2" and issued == ["tok1", "tok2"]
    auth.invalidate(renewed)
    assert auth.auth_headers()["Authorization"] == "Bearer tok3"


def test_a_vendor_message_that_echoes_the_token_does_not_repeat_it() -> None:
    # a proxy (or a fake) that repeats the request: the token must reach no terminal, log or store
    auth = Auth()
    auth.token = "TOKEN-ABC-999"
    h = sequence(httpx.Response(403, json={"message": "forbidden for Bearer TOKEN-ABC-999 (TOKEN-ABC-999)"}))
    with pytest.raises(APIError) as caught:
        core(h, auth=auth).json("GET", "/x")
    assert "TOKEN-ABC" not in caught.value.one_line() and "TOKEN-ABC" not in str(caught.value.args)
    assert "forbidden for Bearer ***" in caught.value.one_line()


def test_safe_url_drops_a_password() -> None:
    from confkit.http.errors import safe_url

    assert safe_url("http://user:SECRET-1@127.0.0.1:9/oauth/token") == "http://127.0.0.1:9/oauth/token"
    assert safe_url("https://zoom.us/oauth/token") == "https://zoom.us/oauth/token"
