"""The one HTTP path: googleapiclient requests executed through HttpCore by the httplib2 adapter."""

from __future__ import annotations

import json
from typing import Any

import httplib2
import httpx
import pytest

from confkit.errors import ConfkitError, PermissionDeniedError, RateLimitedError
from confkit.http import FakeClock, HttpCore, RetryPolicy
from confkit.providers.google.errors import map_error
from confkit.providers.google.transport import HttpCoreAdapter, service


def core(handler: Any, clock: FakeClock | None = None, attempts: int = 3) -> HttpCore:
    return HttpCore(
        provider="google",
        client=httpx.Client(transport=httpx.MockTransport(handler)),
        base_url="https://www.googleapis.com",
        map_error=map_error,
        retry=RetryPolicy(max_attempts=attempts),
        clock=clock or FakeClock(),
    )


def test_adapter_is_httplib2_shaped_and_forwards_json() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"ok": True}, headers={"X-Goog-Thing": "1"})

    adapter = HttpCoreAdapter(core(handler))
    resp, content = adapter.request(
        "https://meet.googleapis.com/v2/spaces?alt=json",
        method="POST",
        body='{"config": {"accessType": "OPEN"}}',
        headers={
            "content-type": "application/json",
            "content-length": "33",
            "user-agent": "(gzip)",
            "accept-encoding": "gzip, deflate",
            "x-goog-api-client": "gdcl/2",
        },
        redirections=5,
        connection_type=None,
    )
    assert isinstance(resp, httplib2.Response) and resp.status == 200 and resp["x-goog-thing"] == "1"
    assert json.loads(content) == {"ok": True}
    [request] = seen
    assert request.method == "POST" and str(request.url) == "https://meet.googleapis.com/v2/spaces?alt=json"
    assert json.loads(request.content) == {"config": {"accessType": "OPEN"}}
    assert request.headers["accept"] == "application/json" and request.headers["x-goog-api-client"] == "gdcl/2"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"] != "(gzip)"


def test_adapter_forwards_the_long_get_as_form_post_and_refuses_other_bodies() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    adapter = HttpCoreAdapter(core(handler))
    adapter.request(
        "https://x.googleapis.com/v1/things",
        "POST",
        "a=1&b=two",
        {"content-type": "application/x-www-form-urlencoded", "x-http-method-override": "GET"},
    )
    assert seen[0].content == b"a=1&b=two" and seen[0].headers["x-http-method-override"] == "GET"
    with pytest.raises(ConfkitError, match="unexpected"):
        adapter.request("https://x.googleapis.com/upload", "POST", b"\x00\x01", {"content-type": "image/png"})


def test_googleapiclient_request_retries_a_403_rate_limit_through_httpcore() -> None:
    answers = [
        httpx.Response(
            403,
            json={
                "error": {
                    "code": 403,
                    "message": "Rate Limit Exceeded",
                    "errors": [{"reason": "rateLimitExceeded", "domain": "usageLimits"}],
                }
            },
        ),
        httpx.Response(200, json={"name": "spaces/abc", "meetingCode": "abc-defg-hij"}),
    ]
    clock = FakeClock()
    adapter = HttpCoreAdapter(core(lambda _r: answers.pop(0), clock))
    space = service("meet").spaces().get(name="spaces/abc-defg-hij").execute(http=adapter, num_retries=0)
    assert space == {"name": "spaces/abc", "meetingCode": "abc-defg-hij"}
    assert len(clock.sleeps) == 1 and answers == []


def test_rate_limit_exhausted_and_other_403s_raise_confkit_errors() -> None:
    limited = {"error": {"code": 403, "message": "x", "errors": [{"reason": "userRateLimitExceeded"}]}}
    adapter = HttpCoreAdapter(core(lambda _r: httpx.Response(403, json=limited), attempts=2))
    with pytest.raises(RateLimitedError):
        service("calendar").events().list(calendarId="a@b.example").execute(http=adapter)
    denied = {"error": {"code": 403, "message": "no", "errors": [{"reason": "forbidden"}]}}
    adapter = HttpCoreAdapter(core(lambda _r: httpx.Response(403, json=denied)))
    with pytest.raises(PermissionDeniedError):
        service("calendar").events().list(calendarId="a@b.example").execute(http=adapter)


def test_empty_answers_decode_and_buckets_are_used() -> None:
    acquired: list[str] = []

    class Limiter:
        def acquire(self, bucket: str) -> float:
            acquired.append(bucket)
            return 0.0

    http = core(lambda _r: httpx.Response(204))
    http.limiter = Limiter()  # type: ignore[assignment]
    adapter = HttpCoreAdapter(http, bucket="calendar")
    assert service("calendar").events().delete(calendarId="a@b.example", eventId="e1").execute(http=adapter) == ""
    assert acquired == ["calendar"]


def test_services_are_built_once_from_bundled_documents_and_never_send_on_their_own() -> None:
    assert service("meet") is service("meet") and service("directory") is not service("reports")
    request = service("directory").users().list(customer="my_customer")
    assert request.uri.startswith("https://admin.googleapis.com/admin/directory/v1/users?")
    with pytest.raises(ConfkitError, match="not sent through"):
        request.execute()
