"""FakeZoom, exercised as Zoom would be: pure httpx against the transport (no confkit adapter)."""

from __future__ import annotations

import base64
import json
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from confkit.http.clock import FakeClock
from confkit.testing import FakeZoom
from confkit.testing.zoom import HOST_DAILY_MESSAGE, QPS_MESSAGE, SANDBOX, seed_district

TOKEN_FORM = {"grant_type": "account_credentials", "account_id": "fake-account-id"}
CLIENT = ("fake-client-id", "fake-client-secret")
START = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)  # FakeClock's default start, a Monday


# -- helpers ---------------------------------------------------------------------------------------------


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def fake(clock: FakeClock) -> FakeZoom:
    fake = FakeZoom(clock=clock)
    fake.add_user("owner@district.example", first_name="Olive", last_name="Owner")
    fake.add_user("ada@district.example", first_name="Ada", last_name="Adams")
    return fake


def fetch_token(fake: FakeZoom) -> str:
    with httpx.Client(transport=fake) as raw:
        response = raw.post(fake.TOKEN_URL, data=TOKEN_FORM, auth=CLIENT)
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def connect(fake: FakeZoom, **kw: Any) -> httpx.Client:
    """A client on the API base URL carrying a fresh bearer token."""
    headers = {"Authorization": f"Bearer {fetch_token(fake)}", "Accept": "application/json"}
    return httpx.Client(transport=fake, base_url=fake.BASE_URL, headers=headers, **kw)


@pytest.fixture
def api(fake: FakeZoom) -> Iterator[httpx.Client]:
    with connect(fake) as client:
        yield client


def meeting_body(**extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"topic": "Algebra I - P3", "type": 2, "start_time": "2026-01-12T15:00:00Z", "duration": 50}
    return body | extra


def weekly(**extra: Any) -> dict[str, Any]:
    return meeting_body(
        type=8,
        start_time="2026-01-12T09:00:00",
        timezone="America/Chicago",
        recurrence={"type": 2, "repeat_interval": 1, "weekly_days": "2,4", "end_times": 6},
    ) | extra


def error(response: httpx.Response) -> tuple[int, int, str]:
    body = response.json()
    return response.status_code, body["code"], body["message"]


# -- token endpoint and bearer tokens --------------------------------------------------------------------


def test_token_flow_issues_opaque_bearer_tokens(fake: FakeZoom) -> None:
    with httpx.Client(transport=fake) as raw:
        response = raw.post(fake.TOKEN_URL, data=TOKEN_FORM, auth=CLIENT)
    body = response.json()
    assert response.status_code == 200
    assert set(body) == {"access_token", "token_type", "expires_in", "scope"}
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600
    assert "meeting:write:admin" in body["scope"].split()
    assert response.headers["x-zm-trackingid"]
    assert fake.tokens_issued == 1
    assert fetch_token(fake) != body["access_token"]  # several tokens may live at once
    assert fake.tokens_issued == 2


def test_token_endpoint_refuses_parameters_in_the_query_string(fake: FakeZoom) -> None:
    with httpx.Client(transport=fake) as raw:
        response = raw.post(fake.TOKEN_URL, params=TOKEN_FORM, auth=CLIENT)
    assert response.status_code == 400
    assert fake.tokens_issued == 0


@pytest.mark.parametrize(
    ("auth", "form", "status", "error_code"),
    [
        (("fake-client-id", "wrong"), TOKEN_FORM, 401, "invalid_client"),
        (None, TOKEN_FORM, 401, "invalid_client"),
        (CLIENT, TOKEN_FORM | {"grant_type": "client_credentials"}, 400, "unsupported_grant_type"),
        (CLIENT, TOKEN_FORM | {"account_id": "someone-else"}, 400, "invalid_request"),
    ],
)
def test_token_endpoint_errors(
    fake: FakeZoom, auth: tuple[str, str] | None, form: dict[str, str], status: int, error_code: str
) -> None:
    with httpx.Client(transport=fake) as raw:
        response = raw.post(fake.TOKEN_URL, data=form, auth=auth)
    assert response.status_code == status
    assert response.json()["error"] == error_code
    if error_code == "invalid_client":
        assert response.json() == {"reason": "Invalid client_id or client_secret", "error": "invalid_client"}


def test_api_calls_need_a_valid_unexpired_bearer_token(fake: FakeZoom, clock: FakeClock) -> None:
    with httpx.Client(transport=fake, base_url=fake.BASE_URL) as raw:
        assert error(raw.get("/users")) == (401, 124, "Invalid access token.")
        assert error(raw.get("/users", headers={"Authorization": "Bearer nope"})) == (401, 124, "Invalid access token.")
    with connect(fake) as api:
        assert api.get("/users").status_code == 200
        clock.advance(3600)
        assert error(api.get("/users")) == (401, 124, "Access token is expired.")


def test_expire_tokens_expires_every_token_issued_so_far(fake: FakeZoom) -> None:
    with connect(fake) as first, connect(fake) as second:
        fake.expire_tokens()
        assert error(first.get("/users")) == (401, 124, "Access token is expired.")
        assert error(second.get("/users/me"))[2] == "Access token is expired."
    with connect(fake) as renewed:
        assert renewed.get("/users").status_code == 200


def test_token_ttl_is_configurable(clock: FakeClock) -> None:
    fake = FakeZoom(clock=clock, token_ttl=60)
    with connect(fake) as api:
        clock.advance(59)
        assert api.get("/users").status_code == 200
        clock.advance(1)
        assert api.get("/users").status_code == 401


# -- pagination ------------------------------------------------------------------------------------------


def test_users_paginate_with_next_page_token_until_it_is_empty(fake: FakeZoom, api: httpx.Client) -> None:
    for i in range(63):
        fake.add_user(f"student{i:02d}@district.example", type=1)
    emails: list[str] = []
    tokens: list[str] = []
    params: dict[str, Any] = {"page_size": 30}
    while True:
        body = api.get("/users", params=params).json()
        assert body["total_records"] == 65 and body["page_count"] == 3 and body["page_size"] == 30
        emails += [u["email"] for u in body["users"]]
        tokens.append(body["next_page_token"])
        if not body["next_page_token"]:
            break
        params = {"page_size": 30, "next_page_token": body["next_page_token"]}
    assert len(emails) == len(set(emails)) == 65
    assert [bool(t) for t in tokens] == [True, True, False]
    assert tokens[-1] == ""


def test_page_size_defaults_to_30_and_is_clamped_to_300(fake: FakeZoom, api: httpx.Client) -> None:
    for i in range(300):
        fake.add_user(f"s{i}@district.example")
    assert len(api.get("/users").json()["users"]) == 30
    body = api.get("/users", params={"page_size": 1000}).json()
    assert body["page_size"] == 300 and len(body["users"]) == 300 and body["next_page_token"]
    assert error(api.get("/users", params={"page_size": 0}))[:2] == (400, 300)


def test_page_token_is_bound_to_its_query_and_expires(fake: FakeZoom, api: httpx.Client, clock: FakeClock) -> None:
    for i in range(40):
        fake.add_user(f"s{i}@district.example")
    token = api.get("/users", params={"page_size": 30}).json()["next_page_token"]
    mismatch = api.get("/users", params={"page_size": 10, "next_page_token": token})
    assert error(mismatch)[:2] == (400, 300)
    assert mismatch.json()["errors"][0]["field"] == "next_page_token"
    assert error(api.get("/users", params={"next_page_token": "made-up"}))[:2] == (400, 300)
    clock.advance(15 * 60 + 1)
    assert error(api.get("/users", params={"page_size": 30, "next_page_token": token}))[:2] == (400, 300)


def test_meetings_list_paginates_and_lists_scheduled_meetings_only(fake: FakeZoom, api: httpx.Client) -> None:
    for i in range(35):
        fake.add_meeting("ada@district.example", meeting_body(topic=f"Class {i}"))
    fake.add_meeting("ada@district.example", {"topic": "Now", "type": 1})  # instant: never listed
    first = api.get("/users/ada@district.example/meetings", params={"type": "upcoming", "page_size": 20}).json()
    second = api.get(
        "/users/ada@district.example/meetings",
        params={"type": "upcoming", "page_size": 20, "next_page_token": first["next_page_token"]},
    ).json()
    assert first["total_records"] == 35 and len(first["meetings"]) == 20 and first["next_page_token"]
    assert len(second["meetings"]) == 15 and second["next_page_token"] == ""
    item = second["meetings"][0]
    assert set(item) <= {"uuid", "id", "host_id", "topic", "type", "start_time", "duration", "timezone", "agenda",
                         "created_at", "join_url", "pmi"}
    assert isinstance(item["id"], int)


def test_meetings_list_types_follow_the_clock(fake: FakeZoom, api: httpx.Client, clock: FakeClock) -> None:
    fake.add_meeting("ada@district.example", meeting_body(start_time="2026-01-05T12:10:00Z", duration=20))
    path = "/users/ada@district.example/meetings"
    assert api.get(path, params={"type": "upcoming"}).json()["total_records"] == 1
    clock.advance(45 * 60)  # the class ended at 12:30
    assert api.get(path, params={"type": "upcoming"}).json()["total_records"] == 0
    assert api.get(path, params={"type": "previous_meetings"}).json()["total_records"] == 1
    assert api.get(path).json()["total_records"] == 1  # scheduled: every unexpired meeting


# -- faults ----------------------------------------------------------------------------------------------


def test_fail_next_answers_the_next_requests_then_recovers(fake: FakeZoom, api: httpx.Client) -> None:
    fake.fail_next(418, {"code": 9999, "message": "teapot"}, {"X-Custom": "yes"}, times=2)
    for _ in range(2):
        response = api.get("/users")
        assert error(response) == (418, 9999, "teapot")
        assert response.headers["x-custom"] == "yes" and response.headers["x-zm-trackingid"]
    assert api.get("/users").status_code == 200
    assert fake.pending_faults == 0


def test_faults_filter_on_path_and_spare_the_token_endpoint(fake: FakeZoom) -> None:
    fake.fail_next(500, path="/meetings/")
    fake.server_error_next()  # no path: the token request below must not consume it
    with connect(fake) as api:
        assert api.get("/users").status_code == 503
        assert api.get("/users").status_code == 200
        assert error(api.get("/meetings/123"))[:2] == (500, 500)
    fake.fail_next(401, path="/oauth/token")
    with httpx.Client(transport=fake) as raw:
        assert raw.post(fake.TOKEN_URL, data=TOKEN_FORM, auth=CLIENT).status_code == 401


def test_server_error_next(fake: FakeZoom, api: httpx.Client) -> None:
    fake.server_error_next(502, times=1)
    assert api.get("/users/me").status_code == 502
    with pytest.raises(ValueError):
        fake.server_error_next(404)


def test_reset_connection_before_sending_changes_nothing(fake: FakeZoom, api: httpx.Client) -> None:
    fake.reset_connection_next()
    before = fake.snapshot()
    with pytest.raises(httpx.ConnectError):
        api.post("/users/ada@district.example/meetings", json=meeting_body())
    assert fake.snapshot() == before
    assert api.post("/users/ada@district.example/meetings", json=meeting_body()).status_code == 201


def test_reset_connection_during_read_loses_the_answer_not_the_change(fake: FakeZoom, api: httpx.Client) -> None:
    fake.reset_connection_next(during="read", path="/meetings")
    with pytest.raises(httpx.ReadError):
        api.post("/users/ada@district.example/meetings", json=meeting_body())
    assert len(fake.meetings) == 1  # the server created it; the client never heard


def test_rate_limit_next_qps(fake: FakeZoom, api: httpx.Client) -> None:
    fake.rate_limit_next("qps")
    response = api.get("/users")
    assert response.status_code == 429
    assert response.json() == {"code": 429, "message": QPS_MESSAGE}
    assert response.headers["X-RateLimit-Type"] == "QPS"
    assert response.headers["X-RateLimit-Category"] == "Medium"
    assert response.headers["Retry-After"] == "1"


def test_rate_limit_next_daily_retries_at_next_utc_midnight(fake: FakeZoom, api: httpx.Client) -> None:
    fake.rate_limit_next("daily", path="/users/")
    assert api.get("/users").status_code == 200  # path filter: /users/ is not in /v2/users
    response = api.get("/users/me")
    assert response.status_code == 429
    assert response.headers["X-RateLimit-Type"] == "Daily-limit"
    assert response.headers["X-RateLimit-Category"] == "Light"
    assert response.headers["Retry-After"] == "2026-01-06T00:00:00Z"
    assert "daily" in response.json()["message"]


def test_rate_limit_next_host_daily(fake: FakeZoom, api: httpx.Client) -> None:
    fake.rate_limit_next("host_daily")
    response = api.post("/users/ada@district.example/meetings", json=meeting_body())
    assert error(response) == (429, 429, HOST_DAILY_MESSAGE)
    assert response.headers["X-RateLimit-Type"] == "Daily-limit"


def test_slow_waits_on_the_clock(fake: FakeZoom, api: httpx.Client, clock: FakeClock) -> None:
    fake.slow(2.5)
    api.get("/users")
    api.get("/users/me")
    assert clock.sleeps == [2.5, 2.5]
    fake.slow(0)
    api.get("/users")
    assert clock.sleeps == [2.5, 2.5]


def test_every_request_is_logged_in_order(fake: FakeZoom, api: httpx.Client) -> None:
    fake.server_error_next()
    api.get("/users")
    api.get("/users/me")
    assert [(r.method, r.url.path) for r in fake.requests] == [
        ("POST", "/oauth/token"), ("GET", "/v2/users"), ("GET", "/v2/users/me"),
    ]


def test_unmodelled_endpoints_raise_instead_of_pretending(api: httpx.Client) -> None:
    with pytest.raises(NotImplementedError, match="does not implement GET"):
        api.get("/report/daily")


# -- rate limits -----------------------------------------------------------------------------------------


def test_rate_limit_headers_on_success(api: httpx.Client) -> None:
    response = api.get("/users/me")
    assert response.headers["x-ratelimit-category"] == "Light"
    assert response.headers["x-ratelimit-limit"] == "80"
    assert response.headers["x-ratelimit-remaining"] == "79"


def test_per_second_limits_per_plan_on_the_clock(clock: FakeClock) -> None:
    fake = FakeZoom(clock=clock, plan="free", enforce_rate_limits=True)
    fake.add_user("owner@district.example")
    with connect(fake) as api:
        assert [api.get("/users").status_code for _ in range(3)] == [200, 200, 429]  # Medium: 2/s on free
        assert api.get("/users/me").status_code == 200  # the Light bucket is separate
        clock.advance(1)
        ok = api.get("/users")
        assert ok.status_code == 200
        assert ok.headers["x-ratelimit-limit"] == "2000"  # free plans also have a daily cap


def test_unenforced_limits_never_refuse(clock: FakeClock) -> None:
    fake = FakeZoom(clock=clock, plan="free")
    with connect(fake) as api:
        assert {api.get("/users").status_code for _ in range(10)} == {200}


def test_per_host_daily_limit_of_meeting_creates_and_updates(
    fake: FakeZoom, api: httpx.Client, clock: FakeClock
) -> None:
    path = "/users/ada@district.example/meetings"
    created = [api.post(path, json=meeting_body()) for _ in range(60)]
    assert {r.status_code for r in created} == {201}
    meeting_id = created[0].json()["id"]
    updates = [api.patch(f"/meetings/{meeting_id}", json={"duration": 45}) for _ in range(40)]
    assert {r.status_code for r in updates} == {204}
    refused = api.post(path, json=meeting_body())
    assert error(refused) == (429, 429, HOST_DAILY_MESSAGE)
    assert refused.headers["Retry-After"] == "2026-01-06T00:00:00Z"
    assert api.patch(f"/meetings/{meeting_id}", json={"duration": 30}).status_code == 429
    assert api.post("/users/owner@district.example/meetings", json=meeting_body()).status_code == 201
    clock.advance(12 * 3600)  # past 00:00 UTC
    with connect(fake) as fresh:
        assert fresh.post(path, json=meeting_body()).status_code == 201


# -- errors ----------------------------------------------------------------------------------------------


def test_not_found_codes(api: httpx.Client) -> None:
    missing = "nobody@district.example"
    assert error(api.get(f"/users/{missing}")) == (404, 1001, f"User does not exist: {missing}.")
    assert error(api.get("/users/nobody/meetings"))[:2] == (404, 1001)
    assert error(api.get("/meetings/85746065")) == (404, 3001, "Meeting 85746065 is not found or has expired.")
    assert error(api.patch("/meetings/85746065", json={"topic": "x"}))[:2] == (404, 3001)
    assert error(api.delete("/meetings/85746065"))[:2] == (404, 3001)
    assert error(api.get("/accounts/other/settings"))[:2] == (404, 2001)


def test_every_response_carries_a_tracking_id_date_and_json_content_type(api: httpx.Client) -> None:
    for response in (api.get("/users/me"), api.get("/meetings/1")):
        assert response.headers["x-zm-trackingid"].startswith("v=2.0;")
        assert response.headers["content-type"] == "application/json"
        assert response.headers["date"] == "Mon, 05 Jan 2026 12:00:00 GMT"  # the fake's clock


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (meeting_body(password="12345678901"), "password"),
        (meeting_body(password="pass word"), "password"),
        (meeting_body(topic="x" * 201), "topic"),
        (meeting_body(type=5), "type"),
        (meeting_body(settings={"jbh_time": 15}), "settings.jbh_time"),
        (meeting_body(settings={"waiting_room": "yes"}), "settings.waiting_room"),
        (meeting_body(settings={"no_such_setting": True}), "settings.no_such_setting"),
        (meeting_body(start_time="next tuesday"), "start_time"),
        (meeting_body(timezone="Mars/Olympus"), "timezone"),
        (weekly(recurrence={"type": 2, "weekly_days": "2", "end_times": 61}), "recurrence.end_times"),
        (weekly(recurrence={"type": 2, "repeat_interval": 13, "weekly_days": "2"}), "recurrence.repeat_interval"),
        (weekly(recurrence={"type": 2}), "recurrence.weekly_days"),
        (weekly(recurrence={"type": 1, "end_times": 2, "end_date_time": "2026-02-01T00:00:00Z"}),
         "recurrence.end_date_time"),
        (meeting_body(type=8), "recurrence"),
    ],
)
def test_validation_errors_are_code_300_with_field_errors(
    fake: FakeZoom, api: httpx.Client, body: dict[str, Any], field: str
) -> None:
    before = fake.snapshot()
    response = api.post("/users/ada@district.example/meetings", json=body)
    assert error(response) == (400, 300, "Validation Failed.")
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert fake.snapshot() == before


def test_body_that_is_not_json(api: httpx.Client) -> None:
    headers = {"Content-Type": "application/json"}
    response = api.post("/users/ada@district.example/meetings", content=b"{nope", headers=headers)
    assert error(response) == (400, 300, "Request Body should be a valid JSON object.")


def test_undeclared_query_parameters_are_refused_unless_not_strict(fake: FakeZoom, api: httpx.Client) -> None:
    response = api.patch("/accounts/me/lock_settings", params={"option": "meeting_security"},
                         json={"meeting_security": {"waiting_room": True}})
    assert error(response)[:2] == (400, 300)
    assert response.json()["errors"] == [{"field": "option", "message": "is not a query parameter of this operation"}]
    fake.strict = False  # Zoom's own behaviour: ignore what it does not know
    assert api.patch("/accounts/me/lock_settings", params={"option": "meeting_security"},
                     json={"meeting_security": {"waiting_room": True}, "future_section": {}}).status_code == 204
    assert fake.lock_settings["meeting_security"]["waiting_room"] is True
    assert "future_section" not in fake.lock_settings


# -- users -----------------------------------------------------------------------------------------------


def test_users_by_id_email_and_me(fake: FakeZoom, api: httpx.Client) -> None:
    ada = fake.users[next(k for k, u in fake.users.items() if u["email"] == "ada@district.example")]
    assert api.get(f"/users/{ada['id']}").json()["email"] == "ada@district.example"
    assert api.get("/users/ADA@district.example").json()["id"] == ada["id"]
    me = api.get("/users/me").json()
    assert me["email"] == "owner@district.example" and me["role_name"] == "Owner"


def test_create_user_and_conflict(fake: FakeZoom, api: httpx.Client) -> None:
    body = {"action": "ssoCreate", "user_info": {"email": "new@district.example", "type": 1, "first_name": "Nu"}}
    created = api.post("/users", json=body)
    assert created.status_code == 201
    assert set(created.json()) == {"id", "first_name", "last_name", "email", "type"}
    assert fake.users[created.json()["id"]]["status"] == "active"
    assert error(api.post("/users", json=body)) == (409, 1005, 'Email "new@district.example" has already been used.')
    missing = api.post("/users", json={"action": "create", "user_info": {"email": "x@district.example"}})
    assert missing.json()["errors"] == [{"field": "user_info.type", "message": "is required"}]


def test_invited_users_are_pending_and_listed_without_id(api: httpx.Client) -> None:
    api.post("/users", json={"action": "create", "user_info": {"email": "inv@district.example", "type": 2}})
    pending = api.get("/users", params={"status": "pending"}).json()["users"]
    assert [u["email"] for u in pending] == ["inv@district.example"] and "id" not in pending[0]
    assert "inv@district.example" not in [u["email"] for u in api.get("/users").json()["users"]]


def test_user_status_activate_deactivate(fake: FakeZoom, api: httpx.Client) -> None:
    response = api.put("/users/ada@district.example/status", json={"action": "deactivate"})
    assert response.status_code == 204 and response.content == b""
    assert [u["email"] for u in api.get("/users", params={"status": "inactive"}).json()["users"]] == [
        "ada@district.example"
    ]
    api.put("/users/ada@district.example/status", json={"action": "activate"})
    assert api.get("/users/ada@district.example").json()["status"] == "active"
    assert error(api.put("/users/me/status", json={"action": "deactivate"}))[:2] == (400, 200)
    assert error(api.put("/users/ada@district.example/status", json={"action": "suspend"}))[:2] == (400, 300)


# -- meetings --------------------------------------------------------------------------------------------


def test_create_meeting_returns_201_with_the_meeting(fake: FakeZoom, api: httpx.Client) -> None:
    response = api.post("/users/ada@district.example/meetings", json=meeting_body(agenda="Fractions"))
    body = response.json()
    assert response.status_code == 201
    assert isinstance(body["id"], int) and body["id"] >= 10**10
    assert body["host_email"] == "ada@district.example"
    assert body["start_time"] == "2026-01-12T15:00:00Z" and body["duration"] == 50
    assert body["join_url"].startswith(f"https://us06web.zoom.us/j/{body['id']}")
    assert body["start_url"].startswith(f"https://us06web.zoom.us/s/{body['id']}")
    assert len(body["password"]) == 6 and body["password"].isdigit()  # the account requires a passcode
    assert body["settings"]["waiting_room"] is True  # account default
    stored = api.get(f"/meetings/{body['id']}").json()
    assert stored["uuid"] and stored["host_id"] == fake.meetings[body["id"]]["host_id"]
    assert stored["status"] == "waiting" and stored["agenda"] == "Fractions"


def test_local_start_time_is_read_in_the_meeting_time_zone(api: httpx.Client) -> None:
    body = api.post(
        "/users/ada@district.example/meetings",
        json=meeting_body(start_time="2026-07-01T09:00:00", timezone="America/Chicago"),
    ).json()
    assert body["start_time"] == "2026-07-01T14:00:00Z" and body["timezone"] == "America/Chicago"


def test_recurring_meeting_occurrences_follow_the_wall_clock_across_dst(api: httpx.Client) -> None:
    body = weekly(
        start_time="2026-03-02T09:00:00",
        recurrence={"type": 2, "weekly_days": "2", "end_times": 3},  # Mondays; DST starts 2026-03-08
    )
    occurrences = api.post("/users/ada@district.example/meetings", json=body).json()["occurrences"]
    assert [o["start_time"] for o in occurrences] == [
        "2026-03-02T15:00:00Z", "2026-03-09T14:00:00Z", "2026-03-16T14:00:00Z",
    ]
    first = occurrences[0]
    assert first["occurrence_id"] == str(int(datetime(2026, 3, 2, 15, tzinfo=UTC).timestamp() * 1000))
    assert first["status"] == "available" and first["duration"] == 50


@pytest.mark.parametrize(
    ("recurrence", "expected"),
    [
        ({"type": 1, "repeat_interval": 2, "end_times": 3}, ["2026-01-12", "2026-01-14", "2026-01-16"]),
        ({"type": 3, "monthly_day": 20, "end_times": 2}, ["2026-01-20", "2026-02-20"]),
        ({"type": 3, "monthly_week": -1, "monthly_week_day": 6, "end_times": 2}, ["2026-01-30", "2026-02-27"]),
        ({"type": 2, "weekly_days": "2,4", "end_date_time": "2026-01-20T00:00:00Z"},
         ["2026-01-12", "2026-01-14", "2026-01-19"]),
    ],
)
def test_recurrence_types(api: httpx.Client, recurrence: dict[str, Any], expected: list[str]) -> None:
    body = api.post("/users/ada@district.example/meetings", json=weekly(recurrence=recurrence)).json()
    assert [o["start_time"][:10] for o in body["occurrences"]] == expected
    assert body["start_time"] == body["occurrences"][0]["start_time"]


def test_get_meeting_hides_past_occurrences_unless_asked(fake: FakeZoom, api: httpx.Client, clock: FakeClock) -> None:
    meeting_id = api.post("/users/ada@district.example/meetings", json=weekly()).json()["id"]
    clock.advance(10 * 86400)  # now 2026-01-15: the classes of Mon 12 and Wed 14 are over
    with connect(fake) as fresh:  # the first token has expired meanwhile
        upcoming = fresh.get(f"/meetings/{meeting_id}").json()["occurrences"]
        previous = fresh.get(f"/meetings/{meeting_id}", params={"show_previous_occurrences": "true"})
        assert len(previous.json()["occurrences"]) == 6 and len(upcoming) == 4
        one = upcoming[1]
        single = fresh.get(f"/meetings/{meeting_id}", params={"occurrence_id": one["occurrence_id"]}).json()
        assert single["start_time"] == one["start_time"]
        assert error(fresh.get(f"/meetings/{meeting_id}", params={"occurrence_id": "1"}))[:2] == (400, 3000)
        past = previous.json()["occurrences"][0]["occurrence_id"]  # hidden from the list, still addressable
        assert fresh.get(f"/meetings/{meeting_id}", params={"occurrence_id": past}).status_code == 200


def test_patch_deep_merges_settings_and_answers_204(fake: FakeZoom, api: httpx.Client) -> None:
    meeting_id = api.post(
        "/users/ada@district.example/meetings",
        json=meeting_body(settings={"mute_upon_entry": True, "waiting_room": False, "join_before_host": True}),
    ).json()["id"]
    response = api.patch(f"/meetings/{meeting_id}", json={"topic": "Geometry", "settings": {"jbh_time": 5}})
    assert response.status_code == 204 and response.content == b""
    stored = api.get(f"/meetings/{meeting_id}").json()
    assert stored["topic"] == "Geometry"
    assert stored["settings"]["mute_upon_entry"] is True and stored["settings"]["jbh_time"] == 5
    assert stored["settings"]["join_before_host"] is True


def test_waiting_room_disables_join_before_host(api: httpx.Client) -> None:
    created = api.post(
        "/users/ada@district.example/meetings",
        json=meeting_body(settings={"waiting_room": False, "join_before_host": True}),
    ).json()
    api.patch(f"/meetings/{created['id']}", json={"settings": {"waiting_room": True}})
    settings = api.get(f"/meetings/{created['id']}").json()["settings"]
    assert settings["waiting_room"] is True and settings["join_before_host"] is False


def test_patch_recurrence_merges_and_recomputes_occurrences(fake: FakeZoom, api: httpx.Client) -> None:
    meeting_id = api.post("/users/ada@district.example/meetings", json=weekly()).json()["id"]
    api.patch(f"/meetings/{meeting_id}", json={"recurrence": {"type": 2, "end_times": 2}})
    stored = fake.meetings[meeting_id]
    assert stored["recurrence"] == {"type": 2, "repeat_interval": 1, "weekly_days": "2,4", "end_times": 2}
    assert len(stored["occurrences"]) == 2
    api.patch(f"/meetings/{meeting_id}", json={"recurrence": {"type": 2, "end_date_time": "2026-01-31T00:00:00Z"}})
    assert "end_times" not in fake.meetings[meeting_id]["recurrence"]
    assert len(fake.meetings[meeting_id]["occurrences"]) == 6
    api.patch(f"/meetings/{meeting_id}", json={"type": 2})
    assert "recurrence" not in fake.meetings[meeting_id] and "occurrences" not in fake.meetings[meeting_id]


def test_patch_ignores_a_start_time_in_the_past(fake: FakeZoom, api: httpx.Client) -> None:
    meeting_id = api.post("/users/ada@district.example/meetings", json=meeting_body()).json()["id"]
    api.patch(f"/meetings/{meeting_id}", json={"start_time": "2025-01-01T10:00:00Z"})
    assert fake.meetings[meeting_id]["start_time"] == "2026-01-12T15:00:00Z"
    api.patch(f"/meetings/{meeting_id}", json={"start_time": "2026-02-01T10:00:00Z"})
    assert fake.meetings[meeting_id]["start_time"] == "2026-02-01T10:00:00Z"


def test_refused_patch_leaves_the_meeting_untouched(fake: FakeZoom, api: httpx.Client) -> None:
    meeting_id = api.post("/users/ada@district.example/meetings", json=meeting_body()).json()["id"]
    before = fake.snapshot()
    response = api.patch(f"/meetings/{meeting_id}", json={"topic": "ok", "settings": {"auto_recording": "tape"}})
    assert error(response)[:2] == (400, 300)
    assert fake.snapshot() == before


def test_passcodes_follow_the_account_and_its_locks(fake: FakeZoom, api: httpx.Client) -> None:
    open_meeting = api.post("/users/ada@district.example/meetings", json=meeting_body(password="")).json()
    assert "password" not in open_meeting  # "" asks for no passcode; the account does not lock it
    meeting_id = open_meeting["id"]
    api.patch(f"/meetings/{meeting_id}", json={"password": "abc*12"})
    assert fake.meetings[meeting_id]["password"] == "abc*12"
    url = fake.meetings[meeting_id]["join_url"]
    api.patch(f"/meetings/{meeting_id}", json={"topic": "same passcode"})
    assert fake.meetings[meeting_id]["join_url"] == url  # unchanged passcode, unchanged link
    api.patch("/accounts/me/lock_settings", json={"meeting_security": {"meeting_password": True}})
    locked = api.post("/users/ada@district.example/meetings", json=meeting_body(password="")).json()
    assert locked["password"]
    api.patch(
        "/accounts/me/settings", params={"option": "meeting_security"},
        json={"meeting_security": {"meeting_password_requirement": {"length": 8, "have_letter": True}}},
    )
    weak = api.post("/users/ada@district.example/meetings", json=meeting_body(password="1234567"))
    assert weak.json()["errors"][0]["field"] == "password"
    generated = api.post("/users/ada@district.example/meetings", json=meeting_body()).json()["password"]
    assert len(generated) == 8 and any(c.isalpha() for c in generated)


def test_locked_waiting_room_wins_over_the_meeting(api: httpx.Client) -> None:
    api.patch("/accounts/me/lock_settings", json={"meeting_security": {"waiting_room": True}})
    body = api.post("/users/ada@district.example/meetings", json=meeting_body(settings={"waiting_room": False})).json()
    assert body["settings"]["waiting_room"] is True


def test_delete_meeting_and_occurrence(fake: FakeZoom, api: httpx.Client) -> None:
    meeting = api.post("/users/ada@district.example/meetings", json=weekly()).json()
    second = meeting["occurrences"][1]["occurrence_id"]
    response = api.delete(f"/meetings/{meeting['id']}", params={"occurrence_id": second})
    assert response.status_code == 204
    remaining = [o["occurrence_id"] for o in api.get(f"/meetings/{meeting['id']}").json()["occurrences"]]
    assert second not in remaining and len(remaining) == 5
    api.patch(f"/meetings/{meeting['id']}", json={"duration": 45})  # recomputed; the deleted one stays deleted
    assert second not in [o["occurrence_id"] for o in fake.meetings[meeting["id"]]["occurrences"]]
    assert api.delete(f"/meetings/{meeting['id']}").status_code == 204
    assert error(api.get(f"/meetings/{meeting['id']}"))[:2] == (404, 3001)


def test_deleting_the_first_occurrence_keeps_the_series_in_place(fake: FakeZoom, api: httpx.Client) -> None:
    meeting = api.post("/users/ada@district.example/meetings", json=weekly()).json()
    first = meeting["occurrences"][0]["occurrence_id"]
    api.delete(f"/meetings/{meeting['id']}", params={"occurrence_id": first})
    api.patch(f"/meetings/{meeting['id']}", json={"agenda": "recomputed"})
    remaining = [o["occurrence_id"] for o in fake.meetings[meeting["id"]]["occurrences"]]
    assert remaining == [o["occurrence_id"] for o in meeting["occurrences"][1:]]


def test_page_tokens_are_bound_to_the_host(fake: FakeZoom, api: httpx.Client) -> None:
    for _ in range(3):
        fake.add_meeting("ada@district.example", meeting_body())
        fake.add_meeting("owner@district.example", meeting_body())
    token = api.get("/users/ada@district.example/meetings", params={"page_size": 2}).json()["next_page_token"]
    other = api.get("/users/owner@district.example/meetings", params={"page_size": 2, "next_page_token": token})
    assert error(other)[:2] == (400, 300)


def test_patch_one_occurrence(fake: FakeZoom, api: httpx.Client) -> None:
    meeting = api.post("/users/ada@district.example/meetings", json=weekly()).json()
    target = meeting["occurrences"][2]["occurrence_id"]
    response = api.patch(f"/meetings/{meeting['id']}", params={"occurrence_id": target}, json={"duration": 90})
    assert response.status_code == 204
    durations = [o["duration"] for o in fake.meetings[meeting["id"]]["occurrences"]]
    assert durations == [50, 50, 90, 50, 50, 50]
    refused = api.patch(f"/meetings/{meeting['id']}", params={"occurrence_id": target}, json={"topic": "x"})
    assert refused.json()["errors"][0]["field"] == "topic"


# -- account settings ------------------------------------------------------------------------------------


def test_account_settings_sections_and_options(fake: FakeZoom, api: httpx.Client) -> None:
    everything = api.get("/accounts/me/settings").json()
    assert {"schedule_meeting", "in_meeting", "recording", "security"} <= set(everything)
    assert "meeting_security" not in everything
    security = api.get("/accounts/fake-account-id/settings", params={"option": "meeting_security"}).json()
    assert list(security) == ["meeting_security"] and security["meeting_security"]["waiting_room"] is True
    picked = api.get("/accounts/me/settings", params={"custom_query_fields": "who_can_share_screen,jbh_time"}).json()
    assert picked == {"schedule_meeting": {"jbh_time": 0}, "in_meeting": {"who_can_share_screen": "host"}}


def test_patch_account_settings(fake: FakeZoom, api: httpx.Client) -> None:
    response = api.patch(
        "/accounts/me/settings",
        json={"schedule_meeting": {"join_before_host": False, "meeting_password_requirement": {"length": 8}},
              "in_meeting": {"who_can_share_screen": "all", "private_chat": False}},
    )
    assert response.status_code == 204
    assert fake.account_settings["in_meeting"]["who_can_share_screen"] == "all"
    assert fake.account_settings["in_meeting"]["chat"] is True  # merged, not replaced
    # one setting shown in two sections
    assert fake.account_settings["meeting_security"]["meeting_password_requirement"]["length"] == 8
    wrong_section = api.patch("/accounts/me/settings", json={"meeting_security": {"waiting_room": False}})
    assert wrong_section.json()["errors"][0]["field"] == "meeting_security"
    bad_enum = api.patch("/accounts/me/settings", json={"in_meeting": {"who_can_share_screen": "everyone"}})
    assert bad_enum.json()["errors"][0]["field"] == "in_meeting.who_can_share_screen"
    secured = api.patch(
        "/accounts/me/settings", params={"option": "meeting_security"},
        json={"meeting_security": {"waiting_room": False}},
    )
    assert secured.status_code == 204 and fake.account_settings["meeting_security"]["waiting_room"] is False


def test_lock_settings(fake: FakeZoom, api: httpx.Client) -> None:
    locks = api.get("/accounts/me/lock_settings").json()
    assert "schedule_meeting" in locks and "meeting_security" not in locks
    assert all(v is False for section in locks.values() for v in section.values())
    response = api.patch("/accounts/me/lock_settings", json={"meeting_security": {"waiting_room": True}})
    assert response.status_code == 204
    security = api.get("/accounts/me/lock_settings", params={"option": "meeting_security"}).json()
    assert security["meeting_security"]["waiting_room"] is True
    assert error(api.get("/accounts/nope/lock_settings"))[:2] == (400, 2001)  # the spec says 400 here
    # The PATCH body is oneOf: the plain sections, or meeting_security alone.
    mixed = {"meeting_security": {"waiting_room": True}, "schedule_meeting": {"join_before_host": True}}
    assert api.patch("/accounts/me/lock_settings", json=mixed).json()["errors"][0]["field"] == "meeting_security"


def test_free_accounts_have_no_account_settings(clock: FakeClock) -> None:
    fake = FakeZoom(clock=clock, plan="free")
    with connect(fake) as api:
        assert error(api.get("/accounts/me/settings")) == (400, 200, "Only available for paid accounts.")


# -- state, determinism, threads ---------------------------------------------------------------------------


def scenario(fake: FakeZoom) -> None:
    fake.add_user("owner@district.example")
    fake.add_user("ada@district.example")
    with connect(fake) as api:
        meeting_id = api.post("/users/ada@district.example/meetings", json=weekly()).json()["id"]
        api.patch(f"/meetings/{meeting_id}", json={"settings": {"mute_upon_entry": True}})
        api.patch("/accounts/me/settings", json={"in_meeting": {"file_transfer": False}})
        api.get("/users")


def test_snapshot_is_stable_and_deterministic_per_seed(clock: FakeClock) -> None:
    first, second, other = FakeZoom(clock=clock, seed=3), FakeZoom(clock=clock, seed=3), FakeZoom(clock=clock, seed=4)
    for fake in (first, second, other):
        scenario(fake)
    assert first.snapshot() == second.snapshot()
    assert first.snapshot() != other.snapshot()
    assert json.loads(first.snapshot())["account_settings"]["in_meeting"]["file_transfer"] is False
    before = first.snapshot()
    with connect(first) as api:  # reads and tokens change nothing
        api.get("/users")
        api.get(f"/meetings/{next(iter(first.meetings))}")
        api.get("/accounts/me/settings")
    assert first.snapshot() == before


def test_concurrent_requests_are_safe(fake: FakeZoom) -> None:
    errors: list[BaseException] = []

    def create(n: int) -> None:
        try:
            with connect(fake) as api:
                for _ in range(n):
                    assert api.post("/users/owner@district.example/meetings", json=meeting_body()).status_code == 201
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=create, args=(10,)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(fake.meetings) == 80


def test_seeding_helpers_refuse_what_zoom_would(fake: FakeZoom) -> None:
    with pytest.raises(ValueError, match="already exists"):
        fake.add_user("ADA@district.example")
    with pytest.raises(ValueError, match="Validation Failed"):
        fake.add_meeting("ada@district.example", meeting_body(password="way too long!"))
    with pytest.raises(ValueError):
        FakeZoom(plan="platinum")
    meeting = fake.add_meeting("ada@district.example", weekly())
    assert fake.meetings[meeting["id"]] is meeting and len(meeting["occurrences"]) == 6


def test_sandbox_hook_seeds_a_district(clock: FakeClock) -> None:
    from confkit.sandbox import build_district

    district = build_district(seed=7, teachers=4, students=10, now=clock.now())
    fake = SANDBOX.make_fake(clock)
    assert isinstance(fake, FakeZoom)
    seed_district(fake, district)
    assert len(fake.users) == len(district.people)
    assert len(fake.meetings) == len(district.meetings)
    no_passcode = [m for m in district.meetings if "passcode_required" in m.violations]
    stored = {m["topic"]: m for m in fake.meetings.values()}
    for meeting in no_passcode:
        assert "password" not in stored[meeting.topic]


# -- the fake's JSON against Zoom's OpenAPI description ------------------------------------------------------

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(scope="module")
def zoom_spec() -> Any:
    tools = SHARED / "tools"
    if not (tools / "contract_check.py").exists():
        pytest.skip(f"shared/ is not beside the repository ({SHARED})")
    sys.path.insert(0, str(tools))
    try:
        import contract_check  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(tools))
    docs = [json.loads(p.read_text()) for p in sorted((SHARED / "specs" / "zoom").glob("*.json"))]
    return contract_check, contract_check.OpenAPI("zoom", "/v2", docs)


def spec_violations(zoom_spec: Any, response: httpx.Response) -> list[str]:
    checker, spec = zoom_spec
    request = response.request
    op = spec.find(request.method, request.url.path)
    if op is None:
        return [f"{request.method} {request.url.path}: no such operation"]
    problems = [f"query {name!r} not declared" for name, _ in request.url.params.multi_items() if name not in op.query]
    if request.content and op.request is not None:
        problems += checker.Validator(spec.deref, False).check(json.loads(request.content), op.request, "request")
    status = str(response.status_code)
    schema = op.responses.get(status)
    if response.content and schema is not None:
        problems += checker.Validator(spec.deref, False).check(response.json(), schema, "response")
    return [f"{request.method} {request.url.path}: {p}" for p in problems]


def test_fake_responses_match_zoom_openapi(zoom_spec: Any, fake: FakeZoom) -> None:
    seen: list[httpx.Response] = []

    def keep(response: httpx.Response) -> None:
        response.read()
        seen.append(response)

    with connect(fake, event_hooks={"response": [keep]}) as api:
        api.post("/users", json={"action": "create", "user_info": {"email": "p@district.example", "type": 2}})
        api.post("/users", json={"action": "ssoCreate", "user_info": {"email": "s@district.example", "type": 99}})
        api.get("/users")
        api.get("/users", params={"status": "pending", "include_fields": "host_key"})
        api.get("/users", params={"include_fields": "custom_attributes", "page_size": 1})
        api.get("/users/me")
        api.get("/users/ada@district.example")
        api.put("/users/ada@district.example/status", json={"action": "deactivate"})
        path = "/users/owner@district.example/meetings"
        created = [
            api.post(path, json=meeting_body(agenda="x", settings={"meeting_invitees": [{"email": "a@b.example"}]})),
            # weekly_days "2", not "2,4": see test_weekly_days_may_list_several_days_despite_the_spec_enum
            api.post(path, json=weekly(recurrence={"type": 2, "weekly_days": "2", "end_times": 3},
                                       tracking_fields=[{"field": "Period", "value": "3"}])),
            api.post(path, json={"topic": "Office hours", "type": 3}),
            api.post(path, json={"type": 1}),
            api.post(path, json=weekly(recurrence={"type": 3, "monthly_week": 1, "monthly_week_day": 2, "end_times": 3},
                                       settings={"use_pmi": True})),
        ]
        for response in created:
            api.get(f"/meetings/{response.json()['id']}")
        api.get(f"/meetings/{created[1].json()['id']}", params={"show_previous_occurrences": "true"})
        custom_keys = {"settings": {"custom_keys": [{"key": "k", "value": "v"}]}}
        api.patch(f"/meetings/{created[0].json()['id']}", json=custom_keys)
        api.get(path, params={"type": "upcoming", "page_size": 2})
        api.get(path, params={"type": "scheduled", "from": "2026-01-01", "to": "2026-12-31"})
        for option in (None, "meeting_security", "security"):
            api.get("/accounts/me/settings", params={"option": option} if option else None)
        api.get("/accounts/me/lock_settings")
        api.get("/accounts/me/lock_settings", params={"option": "meeting_security"})
        # Every seeded setting and lock can be sent back as it is: the PATCH schemas know each key.
        sections = {k: v for k, v in fake.account_settings.items() if k != "meeting_security"}
        api.patch("/accounts/me/settings", json=sections)
        api.patch("/accounts/me/settings", params={"option": "meeting_security"},
                  json={"meeting_security": fake.account_settings["meeting_security"]})
        locks = {k: v for k, v in fake.lock_settings.items() if k != "meeting_security"}
        api.patch("/accounts/me/lock_settings", json=locks)
        # The PATCH schema types the encryption_type lock as the setting's string enum (GET: boolean).
        security_locks = {k: v for k, v in fake.lock_settings["meeting_security"].items() if k != "encryption_type"}
        api.patch("/accounts/me/lock_settings", json={"meeting_security": security_locks})
    assert all(r.status_code < 300 for r in seen), [(r.request.url.path, r.status_code, r.text) for r in seen]
    violations = [v for r in seen for v in spec_violations(zoom_spec, r)]
    assert violations == [], "\n".join(violations)


def test_weekly_days_may_list_several_days_despite_the_spec_enum(api: httpx.Client) -> None:
    # Spec quirk: recurrence.weekly_days is an enum "1".."7", yet its description documents "1,3" for
    # several days, which Zoom accepts. FakeZoom follows the description and echoes what it was sent.
    body = api.post("/users/ada@district.example/meetings", json=weekly()).json()
    assert body["recurrence"]["weekly_days"] == "2,4"
    assert [o["start_time"][:10] for o in body["occurrences"][:3]] == ["2026-01-12", "2026-01-14", "2026-01-19"]


def test_vcr_records_the_fakes_traffic(fake: FakeZoom, tmp_path: Path) -> None:
    # `make record` writes cassettes from the fakes: VCR.py must see requests to the transport.
    import vcr  # type: ignore[import-untyped]

    cassette = tmp_path / "zoom.yaml"
    with vcr.VCR(record_mode="all").use_cassette(str(cassette)), connect(fake) as api:
        api.get("/users/me")
    recorded = cassette.read_text()
    assert "https://zoom.us/oauth/token" in recorded and "https://api.zoom.us/v2/users/me" in recorded


def test_async_clients_work_too(fake: FakeZoom) -> None:
    import asyncio

    async def me() -> str:
        token = fetch_token(fake)
        async with httpx.AsyncClient(transport=fake, base_url=fake.BASE_URL) as client:
            response = await client.get("/users/me", headers={"Authorization": f"Bearer {token}"})
            return str(response.json()["email"])

    assert asyncio.run(me()) == "owner@district.example"


def test_basic_auth_header_is_checked_exactly(fake: FakeZoom) -> None:
    wrong = base64.b64encode(b"fake-client-id:fake-client-secretX").decode()
    with httpx.Client(transport=fake) as raw:
        response = raw.post(fake.TOKEN_URL, data=TOKEN_FORM, headers={"Authorization": f"Basic {wrong}"})
        assert response.status_code == 401
        quoted = base64.b64encode(b"fake%2Dclient%2Did:fake-client-secret").decode()  # RFC 6749 form-encoding
        response = raw.post(fake.TOKEN_URL, data=TOKEN_FORM, headers={"Authorization": f"Basic {quoted}"})
        assert response.status_code == 200
