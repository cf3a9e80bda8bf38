"""FakeZoom's report and past-meeting endpoints, exercised as Zoom would be: pure httpx, no confkit adapter."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from confkit.http.clock import FakeClock
from confkit.providers.zoom import encode_meeting_id
from confkit.sandbox import build_district
from confkit.testing import FakeZoom
from confkit.testing.zoom import seed_district

START = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
SPEC = Path(__file__).resolve().parents[2] / "shared" / "specs" / "zoom" / "zoom-meeting-api.json"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def fake(clock: FakeClock) -> FakeZoom:
    fake = FakeZoom(clock=clock)
    fake.add_user("owner@district.example", first_name="Olive", last_name="Owner")
    fake.add_user("ada@district.example", first_name="Ada", last_name="Adams")
    return fake


def connect(fake: FakeZoom) -> httpx.Client:
    with httpx.Client(transport=fake) as raw:
        token = raw.post(fake.TOKEN_URL, data={"grant_type": "account_credentials", "account_id": fake.account_id},
                         auth=(fake.client_id, fake.client_secret)).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    return httpx.Client(transport=fake, base_url=fake.BASE_URL, headers=headers)


@pytest.fixture
def api(fake: FakeZoom) -> Iterator[httpx.Client]:
    with connect(fake) as client:
        yield client


def error(response: httpx.Response) -> tuple[int, int, str]:
    body = response.json()
    return response.status_code, body["code"], body["message"]


def pages(api: httpx.Client, path: str, key: str, **params: Any) -> list[list[dict[str, Any]]]:
    out = []
    token = ""
    while True:
        body = api.get(path, params={**params, **({"next_page_token": token} if token else {})}).json()
        out.append(body[key])
        token = body["next_page_token"]
        if not token:
            return out


# -- response shapes follow the spec --------------------------------------------------------------------------


def _spec_fields(path: str, array: str) -> set[str]:
    spec = json.loads(SPEC.read_text())
    schema = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    return set(schema["properties"][array]["items"]["properties"])


@pytest.mark.skipif(not SPEC.exists(), reason="the shared Zoom spec is not checked out next to the repo")
def test_every_field_served_exists_in_the_spec(fake: FakeZoom, api: httpx.Client) -> None:
    fake.generate_log_traffic(signins=20, operations=20, meetings=4, participants_per_meeting=3, hosts=2,
                              end=START - timedelta(hours=2), start=START - timedelta(days=10))
    window = {"from": "2025-12-20", "to": "2026-01-05"}
    activities = api.get("/report/activities", params=window).json()
    assert set(activities) == {"from", "to", "page_size", "next_page_token", "activity_logs"}
    assert {k for r in activities["activity_logs"] for k in r} <= _spec_fields("/report/activities", "activity_logs")
    operations = api.get("/report/operationlogs", params=window).json()
    assert set(operations) == {"next_page_token", "page_size", "operation_logs"}
    assert {k for r in operations["operation_logs"] for k in r} <= _spec_fields("/report/operationlogs",
                                                                                  "operation_logs")
    host = api.get("/report/users", params={"type": "active", **window}).json()["users"][0]
    assert set(host) <= _spec_fields("/report/users", "users")
    meetings = api.get(f"/report/users/{host['id']}/meetings", params=window).json()["meetings"]
    assert {k for m in meetings for k in m} <= _spec_fields("/report/users/{userId}/meetings", "meetings")
    uuid = urllib.parse.quote(urllib.parse.quote(meetings[0]["uuid"], safe=""), safe="")
    people = api.get(f"/past_meetings/{uuid}/participants").json()["participants"]
    assert {k for p in people for k in p} <= _spec_fields("/past_meetings/{meetingId}/participants", "participants")


# -- windows and paging ------------------------------------------------------------------------------------------


def test_reports_serve_one_month_within_the_last_six_months(fake: FakeZoom, api: httpx.Client) -> None:
    ok = api.get("/report/operationlogs", params={"from": "2025-12-05", "to": "2026-01-05"})
    assert ok.status_code == 200
    too_long = api.get("/report/operationlogs", params={"from": "2025-12-04", "to": "2026-01-05"})
    assert error(too_long)[:2] == (400, 300)
    too_old = api.get("/report/activities", params={"from": "2025-07-01", "to": "2025-07-20"})
    assert error(too_old) == (400, 300, "Only provide report in recent 6 months")
    assert error(api.get("/report/operationlogs", params={"from": "2026-01-01"}))[:2] == (400, 300)
    backwards = api.get("/report/activities", params={"from": "2026-01-05", "to": "2026-01-01"})
    assert error(backwards)[:2] == (400, 300)
    assert api.get("/report/activities").status_code == 200  # from/to are optional on activities


def test_free_accounts_get_no_reports(clock: FakeClock) -> None:
    fake = FakeZoom(clock=clock, plan="free")
    fake.add_user("owner@district.example")
    with httpx.Client(transport=fake) as raw:
        token = raw.post(fake.TOKEN_URL, data={"grant_type": "account_credentials", "account_id": fake.account_id},
                         auth=(fake.client_id, fake.client_secret)).json()["access_token"]
        response = raw.get(f"{fake.BASE_URL}/report/activities", headers={"Authorization": f"Bearer {token}"})
    assert error(response) == (400, 200, "No permission.")


def test_records_are_served_newest_first_in_pages_of_up_to_300(fake: FakeZoom, api: httpx.Client) -> None:
    fake.generate_log_traffic(signins=700, start=START - timedelta(days=20), end=START - timedelta(days=1))
    got = pages(api, "/report/activities", "activity_logs", page_size=1000, **{"from": "2025-12-10",
                                                                               "to": "2026-01-05"})
    assert [len(p) for p in got] == [300, 300, 100]
    times = [r["time"] for p in got for r in p]
    assert times == sorted(times, reverse=True)
    assert len(set(times)) == 700
    assert len(pages(api, "/report/activities", "activity_logs", **{"from": "2025-12-10", "to": "2026-01-05"})) == 24


def test_windows_select_by_day_and_never_the_future(fake: FakeZoom, api: httpx.Client) -> None:
    fake.add_sign_in("ada@district.example", at=datetime(2026, 1, 3, 23, 59, 59, tzinfo=UTC))
    fake.add_sign_in("ada@district.example", at=datetime(2026, 1, 4, 0, 0, tzinfo=UTC), type="Sign out")
    fake.add_sign_in("ada@district.example", at=START + timedelta(minutes=5))  # not happened yet
    day = api.get("/report/activities", params={"from": "2026-01-04", "to": "2026-01-05"}).json()["activity_logs"]
    assert [r["type"] for r in day] == ["Sign out"]
    before = api.get("/report/activities", params={"from": "2026-01-03", "to": "2026-01-03"}).json()
    assert [r["time"] for r in before["activity_logs"]] == ["2026-01-03T23:59:59Z"]
    assert before["from"] == "2026-01-03T00:00:00Z"


def test_page_tokens_expire_after_15_minutes_on_the_fakes_clock(
    fake: FakeZoom, api: httpx.Client, clock: FakeClock
) -> None:
    fake.generate_log_traffic(operations=90, start=START - timedelta(days=5), end=START - timedelta(hours=1))
    params = {"from": "2025-12-25", "to": "2026-01-05", "page_size": 30}
    token = api.get("/report/operationlogs", params=params).json()["next_page_token"]
    clock.advance(14 * 60)
    second = api.get("/report/operationlogs", params={**params, "next_page_token": token}).json()
    assert len(second["operation_logs"]) == 30
    clock.advance(15 * 60 + 1)
    expired = api.get("/report/operationlogs", params={**params, "next_page_token": second["next_page_token"]})
    assert error(expired)[:2] == (400, 300)
    assert expired.json()["errors"][0]["field"] == "next_page_token"
    other_window = api.get("/report/operationlogs", params={**params, "from": "2025-12-26", "next_page_token": token})
    assert other_window.status_code == 400


def test_operation_log_category_filter_takes_lower_case_and_answers_title_case(
    fake: FakeZoom, api: httpx.Client
) -> None:
    fake.add_operation_log("it@district.example", "Account", "Update",
                           "Security  - Require a passcode when scheduling new meetings: from On to Off",
                           at=START - timedelta(hours=3))
    fake.add_operation_log("it@district.example", "User", "Delete", "delete user - user2@example.com",
                           at=START - timedelta(hours=2))
    window = {"from": "2026-01-01", "to": "2026-01-05"}
    users = api.get("/report/operationlogs", params={**window, "category_type": "user"}).json()["operation_logs"]
    assert [r["category_type"] for r in users] == ["User"]
    everything = api.get("/report/operationlogs", params={**window, "category_type": "all"}).json()
    assert len(everything["operation_logs"]) == 2
    bad = api.get("/report/operationlogs", params={**window, "category_type": "Account"})
    assert error(bad)[:2] == (400, 300)
    with pytest.raises(ValueError, match="not one of"):
        fake.add_operation_log("x@y.z", "account", "Update", "x")


# -- past meetings ------------------------------------------------------------------------------------------------


def _class(fake: FakeZoom, uuid: str | None = None, **extra: Any) -> dict[str, Any]:
    people = [
        {"id": fake.users[next(iter(fake.users))]["id"], "name": "Ada Adams", "user_email": "ada@district.example"},
        {"name": "Guest 1", "join_time": "2026-01-02T15:05:00Z", "leave_time": "2026-01-02T15:06:00Z"},
        {"id": "st-1", "name": "Sam Smith", "user_email": "sam@students.example", "status": "in_waiting_room"},
    ]
    options: dict[str, Any] = {"meeting_id": 85746065432, "topic": "Algebra I - P3"} | extra
    return fake.add_past_meeting("ada@district.example", start=datetime(2026, 1, 2, 15, tzinfo=UTC),
                                 participants=people, uuid=uuid, **options)


def test_participants_of_a_past_meeting_by_uuid_and_by_id(fake: FakeZoom, api: httpx.Client) -> None:
    instance = _class(fake, uuid="aDYlohsHRtCd4ii1uC2+hA==")
    encoded = urllib.parse.quote(instance["uuid"], safe="")
    body = api.get(f"/past_meetings/{encoded}/participants", params={"page_size": 2}).json()
    assert body["total_records"] == 3 and body["page_count"] == 2 and len(body["participants"]) == 2
    guest = api.get(f"/past_meetings/{encoded}/participants").json()["participants"][1]
    assert guest | {"user_id": "x"} == {
        "id": "", "user_id": "x", "name": "Guest 1", "user_email": "", "join_time": "2026-01-02T15:05:00Z",
        "leave_time": "2026-01-02T15:06:00Z", "duration": 60, "failover": False, "status": "in_meeting",
    }
    by_id = api.get("/past_meetings/85746065432/participants").json()  # the latest instance
    assert by_id["total_records"] == 3
    instances = api.get("/past_meetings/85746065432/instances").json()
    assert instances == {"meetings": [{"uuid": "aDYlohsHRtCd4ii1uC2+hA==", "start_time": "2026-01-02T15:00:00Z"}]}
    details = api.get(f"/past_meetings/{encoded}").json()
    assert (details["topic"], details["user_email"], details["participants_count"]) == (
        "Algebra I - P3", "ada@district.example", 3)


def test_uuids_with_a_leading_slash_must_be_double_encoded(fake: FakeZoom, api: httpx.Client) -> None:
    instance = _class(fake, uuid="/ajXp112QmuoKj4854875==")
    once = urllib.parse.quote(instance["uuid"], safe="")
    twice = urllib.parse.quote(once, safe="")
    assert api.get(f"/past_meetings/{twice}/participants").json()["total_records"] == 3
    assert error(api.get(f"/past_meetings/{once}/participants"))[:2] == (404, 3001)
    inside = _class(fake, uuid="Vg8Idg/uR5WDeWIkpJlElQ==", meeting_id=1)
    assert api.get(f"/past_meetings/{urllib.parse.quote(inside['uuid'], safe='')}/participants").status_code == 200


def test_past_meeting_rules(fake: FakeZoom, api: httpx.Client, clock: FakeClock) -> None:
    alone = fake.add_past_meeting("ada@district.example", start=START - timedelta(days=2),
                                  participants=[{"name": "Ada", "user_email": "ada@district.example"}])
    encoded = encode_meeting_id(alone["uuid"])
    assert api.get(f"/past_meetings/{encoded}/participants").json()["participants"] == []  # one participant
    running = fake.add_past_meeting("ada@district.example", start=START - timedelta(minutes=10),
                                    participants=[{"name": "A"}, {"name": "B"}])
    assert error(api.get(f"/past_meetings/{encode_meeting_id(running['uuid'])}/participants"))[:2] == (404, 3001)
    assert error(api.get("/past_meetings/123/participants"))[:2] == (404, 3001)
    clock.advance(366 * 86400)
    with connect(fake) as later:
        assert error(later.get(f"/past_meetings/{encoded}/participants")) == (400, 12702,
                                                                             "Can not access a meeting a year ago.")


def test_report_users_and_their_meetings(fake: FakeZoom, api: httpx.Client) -> None:
    _class(fake)
    fake.add_past_meeting("owner@district.example", start=START - timedelta(days=1),
                          participants=[{"name": "only one"}])  # not reported: fewer than two participants
    window = {"from": "2026-01-01", "to": "2026-01-05"}
    active = api.get("/report/users", params={"type": "active", **window}).json()
    assert [u["email"] for u in active["users"]] == ["ada@district.example"]
    assert active["users"][0]["meetings"] == 1 and active["total_records"] == 1
    inactive = api.get("/report/users", params={"type": "inactive", **window}).json()
    assert [u["email"] for u in inactive["users"]] == ["owner@district.example"]
    meetings = api.get("/report/users/ada@district.example/meetings", params=window).json()
    assert [(m["topic"], m["participants_count"]) for m in meetings["meetings"]] == [("Algebra I - P3", 3)]
    assert error(api.get("/report/users/nobody@x.example/meetings", params=window))[:2] == (404, 1001)
    assert error(api.get("/report/users", params={"type": "all", **window}))[:2] == (400, 300)


# -- generated traffic -------------------------------------------------------------------------------------------


def test_generated_traffic_is_served_exactly_and_cheaply(fake: FakeZoom, api: httpx.Client) -> None:
    traffic = fake.generate_log_traffic(signins=2000, operations=1500, meetings=60, participants_per_meeting=7,
                                        hosts=9, start=START - timedelta(days=40), end=START - timedelta(hours=2))
    assert traffic.events == 2000 + 1500 + 420
    served = {"signins": 0, "operations": 0, "participants": 0}
    windows = [("2025-11-26", "2025-12-23"), ("2025-12-24", "2026-01-05")]
    for first, last in windows:
        params = {"from": first, "to": last, "page_size": 300}
        served["signins"] += sum(map(len, pages(api, "/report/activities", "activity_logs", **params)))
        served["operations"] += sum(map(len, pages(api, "/report/operationlogs", "operation_logs", **params)))
        for users in pages(api, "/report/users", "users", type="active", **params):
            for user in users:
                for meetings in pages(api, f"/report/users/{user['id']}/meetings", "meetings", **params):
                    for m in meetings:
                        uuid = urllib.parse.quote(urllib.parse.quote(m["uuid"], safe=""), safe="")
                        served["participants"] += sum(
                            map(len, pages(api, f"/past_meetings/{uuid}/participants", "participants")))
    assert served == {"signins": 2000, "operations": 1500, "participants": 420}
    assert {k: sum(1 for _ in fake.log_records(k)) for k in served} == served  # type: ignore[arg-type]
    records = list(fake.log_records("participants"))
    guests = [r for r in records if not r["participant"]["id"]]
    assert guests and all(not g["participant"]["user_email"] for g in guests)
    ops = list(fake.log_records("operations"))
    assert any("Require a passcode when scheduling new meetings" in o["operation_detail"] for o in ops)
    assert any(o["operation_detail"].startswith("Change Role  - ") for o in ops)


def test_generated_traffic_needs_a_second_per_record(fake: FakeZoom) -> None:
    with pytest.raises(ValueError, match="seconds"):
        fake.generate_log_traffic(signins=100, start=START - timedelta(seconds=50), end=START)


# -- the sandbox district's traffic ----------------------------------------------------------------------------


def _sandbox(clock: FakeClock) -> FakeZoom:
    fake = FakeZoom(clock=clock)
    district = build_district(now=clock.now())
    seed_district(fake, district)
    fake.enable_sandbox_logs(district)
    return fake


def test_sandbox_traffic_has_what_a_security_team_looks_for(clock: FakeClock) -> None:
    fake = _sandbox(clock)
    signins = list(fake.log_records("signins"))
    ops = list(fake.log_records("operations"))
    people = list(fake.log_records("participants"))
    assert len(signins) > 500 and {r["type"] for r in signins} == {"Sign in", "Sign out"}
    details = [o["operation_detail"] for o in ops]
    assert "Security  - Require a passcode when scheduling new meetings: from On to Off" in details
    assert "Security  - Require a passcode when scheduling new meetings: from Off to On" in details
    assert any(d.startswith("Change Role  - ") for d in details)
    guests = [p for p in people if not p["participant"]["id"] and not p["participant"]["user_email"]]
    assert 0 < len(guests) < len(people) // 20
    assert any(p["participant"]["status"] == "in_waiting_room" for p in people)
    assert max(r["time"] for r in signins) <= "2026-01-05T12:00:00Z"
    # the topics are the district's classes, linked to its real meeting ids where they exist
    assert {p["meeting"]["id"] for p in people} & set(fake.meetings)


def test_sandbox_traffic_depends_on_the_date_only(clock: FakeClock) -> None:
    first = {json.dumps(r, sort_keys=True) for r in _sandbox(clock).log_records("operations")}
    clock.advance(86400)
    later = {json.dumps(r, sort_keys=True) for r in _sandbox(clock).log_records("operations")}
    assert first & later and len(first & later) >= len(first) - 3  # the overlapping days are the same records
