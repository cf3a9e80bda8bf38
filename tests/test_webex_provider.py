"""WebexProvider against FakeWebex: admin-on-behalf, PATCH never PUT, people, site settings, HTTP quirks."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from confkit.capabilities import Operation, Support
from confkit.errors import (
    NotFoundError,
    RateLimitedError,
    UnrepresentableError,
    UnsupportedOperationError,
)
from confkit.http import FakeClock
from confkit.models import MeetingCreate, MeetingSecurity, MeetingUpdate, UserCreate, UserStatus, WaitingRoom
from confkit.providers.webex import USGOV_BASE_URL, WebexProvider
from confkit.providers.webex.capabilities import CAPABILITIES, NO_API
from confkit.recurrence import Recurrence
from confkit.testing.webex import FakeWebex

START = datetime(2026, 1, 5, 12, tzinfo=UTC)
ADMIN, ADA, BEN = "it.admin@district.example", "ada@district.example", "ben@district.example"
STUDENT = "s1@students.district.example"


@pytest.fixture
def fake() -> FakeWebex:
    fake = FakeWebex(clock=FakeClock(START), site_url="district.webex.com")
    fake.add_person(ADMIN, "IT", "Admin", admin=True)
    fake.add_person(ADA, "Ada", "Adams")
    fake.add_person(BEN, "Ben", "Baker")
    fake.add_person(STUDENT, "Sam", "Student", host=False)
    return fake


def connect(fake: FakeWebex, **settings: Any) -> WebexProvider:
    refresh = fake.authorize_integration("C-1", "secret", ADMIN)
    base = {"client_id": "C-1", "client_secret": "secret", "refresh_token": refresh, "token_store": "memory"}
    return WebexProvider.from_settings(base | settings, client=httpx.Client(transport=fake), clock=fake.clock)


@pytest.fixture
def webex(fake: FakeWebex) -> WebexProvider:
    return connect(fake)


def class_for(topic: str, day: int = 2, **kw: Any) -> MeetingCreate:
    data: dict[str, Any] = {
        "topic": topic,
        "start_time": datetime(2026, 2, day, 15, tzinfo=UTC),
        "duration_minutes": 50,
        "security": MeetingSecurity(waiting_room=WaitingRoom.OUTSIDERS),
    }
    return MeetingCreate(**(data | kw))  # fmt: skip


def sent(fake: FakeWebex, method: str, path: str) -> list[httpx.Request]:
    return [r for r in fake.requests if r.method == method and r.url.path == "/v1" + path]


# -- meetings ---------------------------------------------------------------------------------------------


def test_create_for_a_teacher_sends_host_email_and_site(fake: FakeWebex, webex: WebexProvider) -> None:
    created = webex.create_meeting(ADA, class_for("Algebra"))
    assert created.host_email == ADA
    body = json.loads(sent(fake, "POST", "/meetings")[0].content)
    assert body["hostEmail"] == ADA and "siteUrl" not in body
    assert connect(fake, site_url="district.webex.com").create_meeting(ADA, class_for("Bio", 3)).host_email == ADA


def test_list_meetings_of_a_host_skips_series_they_are_only_invited_to(fake: FakeWebex, webex: WebexProvider) -> None:
    fake.add_meeting(ADA, {"title": "Ada's class", "start": "2026-02-02T15:00:00Z", "end": "2026-02-02T16:00:00Z"})
    fake.add_meeting(BEN, {"title": "Ben's class", "start": "2026-02-03T15:00:00Z", "end": "2026-02-03T16:00:00Z",
                           "invitees": [{"email": ADA}]})  # fmt: skip
    raw = json.loads(httpx.Client(transport=fake).get(
        "https://webexapis.com/v1/meetings", params={"hostEmail": ADA, "from": "2026-01-05T12:00:00Z",
                                                    "to": "2026-06-01T00:00:00Z"},
        headers={"Authorization": f"Bearer {fake.personal_token(ADMIN)}"}).content)  # fmt: skip
    assert {m["title"] for m in raw["items"]} == {"Ada's class", "Ben's class"}  # Webex lists invitations too
    assert [m.topic for m in webex.list_meetings(ADA)] == ["Ada's class"]


def test_list_meetings_by_person_id(fake: FakeWebex, webex: WebexProvider) -> None:
    webex.create_meeting(ADA, class_for("Algebra"))
    ada = webex.get_user(ADA)
    assert ada.id is not None
    assert [m.topic for m in webex.list_meetings(ada.id)] == ["Algebra"]


def test_list_meetings_window_reaches_a_year_ahead(fake: FakeWebex, webex: WebexProvider) -> None:
    webex.create_meeting(ADA, class_for("Far", start_time=START + timedelta(days=300)))
    assert [m.topic for m in webex.list_meetings(ADA)] == ["Far"]
    request = sent(fake, "GET", "/meetings")[-1]
    assert request.url.params["meetingType"] == "meetingSeries" and request.url.params["hostEmail"] == ADA


def test_get_meeting_of_another_host_finds_the_host_first(fake: FakeWebex, webex: WebexProvider) -> None:
    series = fake.add_meeting(ADA, {"title": "T", "start": "2026-02-02T15:00:00Z", "end": "2026-02-02T16:00:00Z"})
    got = webex.get_meeting(series["id"])
    assert got.topic == "T" and got.security.passcode is not None  # the full view, with the password
    assert len(sent(fake, "GET", f"/admin/meetings/{series['id']}")) == 1
    assert sent(fake, "GET", f"/meetings/{series['id']}")[0].url.params["hostEmail"] == ADA
    webex.get_meeting(series["id"])
    assert len(sent(fake, "GET", f"/admin/meetings/{series['id']}")) == 1  # remembered


def test_get_unknown_meeting(webex: WebexProvider) -> None:
    with pytest.raises(NotFoundError):
        webex.get_meeting("0" * 32)


def test_a_teacher_with_a_personal_token_acts_as_themself(fake: FakeWebex) -> None:
    webex = WebexProvider.from_settings(
        {"auth": "personal", "access_token": fake.personal_token(ADA), "admin": False},
        client=httpx.Client(transport=fake), clock=fake.clock,
    )  # fmt: skip
    created = webex.create_meeting(ADA, class_for("Mine"))
    assert webex.get_meeting(created.id).topic == "Mine"
    assert [m.topic for m in webex.list_meetings(ADA)] == ["Mine"]
    assert all("hostEmail" not in r.url.params for r in fake.requests)
    assert "hostEmail" not in json.loads(sent(fake, "POST", "/meetings")[0].content)


def test_update_is_a_patch_with_the_specs_content_type(fake: FakeWebex, webex: WebexProvider) -> None:
    created = webex.create_meeting(ADA, class_for("Algebra"))
    updated = webex.update_meeting(created.id, MeetingUpdate(topic="Algebra II", security=MeetingSecurity(
        join_before_host=True, join_before_host_minutes=10)))  # fmt: skip
    assert updated.topic == "Algebra II" and updated.security.join_before_host_minutes == 10
    (patch,) = sent(fake, "PATCH", f"/meetings/{created.id}")
    assert patch.headers["content-type"] == "application/json-patch+json"
    assert json.loads(patch.content) == {"title": "Algebra II", "enabledJoinBeforeHost": True,
                                         "joinBeforeHostMinutes": 10, "hostEmail": ADA}  # fmt: skip
    assert not [r for r in fake.requests if r.method == "PUT"]


def test_update_start_only_reads_the_meeting_then_sends_start_and_end(fake: FakeWebex, webex: WebexProvider) -> None:
    created = webex.create_meeting(ADA, class_for("Algebra", timezone="America/Chicago"))
    updated = webex.update_meeting(created.id, MeetingUpdate(start_time=datetime(2026, 2, 9, 16, tzinfo=UTC)))
    assert updated.start_time == datetime(2026, 2, 9, 16, tzinfo=UTC) and updated.duration_minutes == 50
    body = json.loads(sent(fake, "PATCH", f"/meetings/{created.id}")[0].content)
    assert body["start"] == "2026-02-09T10:00:00-06:00" and body["end"] == "2026-02-09T10:50:00-06:00"


def test_empty_update_sends_nothing(fake: FakeWebex, webex: WebexProvider) -> None:
    created = webex.create_meeting(ADA, class_for("Algebra"))
    assert webex.update_meeting(created.id, MeetingUpdate()).topic == "Algebra"
    assert not sent(fake, "PATCH", f"/meetings/{created.id}")


def test_unrepresentable_changes_send_nothing(fake: FakeWebex, webex: WebexProvider) -> None:
    before = len(fake.requests)
    with pytest.raises(UnrepresentableError, match="BYMONTHDAY"):
        webex.create_meeting(ADA, class_for("Clubs", recurrence=Recurrence.parse("FREQ=MONTHLY;BYMONTHDAY=1,15")))
    with pytest.raises(UnrepresentableError, match="allow-list"):
        webex.create_meeting(ADA, class_for("Clubs", security=MeetingSecurity(allowed_domains=["d.example"])))
    assert not [r for r in fake.requests[before:] if r.method == "POST" and r.url.path == "/v1/meetings"]


def test_a_waiting_room_for_everyone_is_a_lobby_and_a_lock_at_the_start(fake: FakeWebex, webex: WebexProvider) -> None:
    everyone = MeetingSecurity(waiting_room=WaitingRoom.EVERYONE)
    created = webex.create_meeting(ADA, class_for("Clubs", security=everyone))
    body = json.loads(sent(fake, "POST", "/meetings")[0].content)
    assert body["unlockedMeetingJoinSecurity"] == "allowJoinWithLobby"
    assert body["enableAutomaticLock"] is True and body["automaticLockMinutes"] == 0
    assert created.security.waiting_room is WaitingRoom.EVERYONE
    assert webex.get_meeting(created.id).security.waiting_room is WaitingRoom.EVERYONE
    outsiders = webex.update_meeting(
        created.id, MeetingUpdate(security=MeetingSecurity(waiting_room=WaitingRoom.OUTSIDERS))
    )
    assert outsiders.security.waiting_room is WaitingRoom.OUTSIDERS  # the lock at the start is switched off
    assert fake.meetings[created.id]["enableAutomaticLock"] is False
    back = webex.update_meeting(created.id, MeetingUpdate(security=everyone))
    assert back.security.waiting_room is WaitingRoom.EVERYONE
    assert [m.security.waiting_room for m in webex.list_meetings(ADA)] == [WaitingRoom.EVERYONE]


def test_delete(fake: FakeWebex, webex: WebexProvider) -> None:
    created = webex.create_meeting(ADA, class_for("Algebra"))
    webex.delete_meeting(created.id)
    assert sent(fake, "DELETE", f"/meetings/{created.id}")[0].url.params["hostEmail"] == ADA
    assert created.id not in fake.meetings
    with pytest.raises(NotFoundError):
        webex.delete_meeting(created.id)


def test_broken_next_links_are_repaired(fake: FakeWebex, webex: WebexProvider) -> None:
    for n in range(5):
        webex.create_meeting(ADA, class_for(f"C{n}", day=2 + n))
    webex.create_meeting(BEN, class_for("Ben's", day=2))
    fake.broken_next_links = True
    pages = list(webex.iter_meeting_pages(ADA, page_size=2))
    assert [m.topic for p in pages for m in p.items] == ["C0", "C1", "C2", "C3", "C4"]
    first, *follow_ups = sent(fake, "GET", "/meetings")
    assert len(follow_ups) == 2
    for request in follow_ups:  # the link kept only max=null and from; the adapter put the rest back
        params = dict(request.url.params)
        assert params["from"] != first.url.params["from"]
        assert params == {**dict(first.url.params), "from": params["from"]}


# -- people -----------------------------------------------------------------------------------------------


def test_people_pages_and_status_filter(fake: FakeWebex, webex: WebexProvider) -> None:
    fake.add_person("gone@district.example", "Gone", "Away", login_enabled=False)
    pages = list(webex.iter_user_pages(page_size=2))
    assert [len(p.items) for p in pages] == [2, 2, 1]
    assert all(r.url.params["excludeStatus"] == "true" for r in sent(fake, "GET", "/people"))
    inactive = list(webex.list_users(status=UserStatus.INACTIVE))
    assert [u.email for u in inactive] == ["gone@district.example"]


def test_users_carry_licences_and_roles(webex: WebexProvider) -> None:
    by_email = {u.email: u for u in webex.list_users()}
    assert by_email[ADMIN].roles == ["Full Administrator"] and by_email[ADA].licensed is True
    assert by_email[ADA].license_type == "Meeting - Webex Enterprise Edition"
    assert by_email[STUDENT].licensed is False and by_email[STUDENT].license_type is None


def test_get_user_by_id_and_email(webex: WebexProvider) -> None:
    ada = webex.get_user(ADA)
    assert ada.id and webex.get_user(ada.id).email == ADA
    with pytest.raises(NotFoundError):
        webex.get_user("nobody@district.example")


def test_create_user_with_configured_licences(fake: FakeWebex) -> None:
    webex = connect(fake, licenses=[fake.meetings_license])
    created = webex.create_user(UserCreate(email="new@district.example", first_name="New", last_name="Teacher"))
    assert created.licensed is True and created.status is UserStatus.ACTIVE
    assert fake.people[str(created.id)]["licenses"] == [fake.meetings_license]


def test_deactivate_and_reactivate_keep_the_person_whole(fake: FakeWebex, webex: WebexProvider) -> None:
    ada = webex.get_user(ADA)
    assert ada.id is not None
    before = dict(fake.people[ada.id])
    webex.set_user_status(ada.id, active=False)
    assert webex.get_user(ada.id).status is UserStatus.INACTIVE
    (put,) = sent(fake, "PUT", f"/people/{ada.id}")
    assert json.loads(put.content)["loginEnabled"] is False
    webex.set_user_status(ADA, active=True)
    after = fake.people[ada.id]
    assert after["loginEnabled"] == "true"
    for key in ("licenses", "roles", "siteUrls", "displayName", "firstName", "lastName", "emails", "department"):
        assert after.get(key) == before.get(key), key


# -- site settings ----------------------------------------------------------------------------------------


def test_site_settings_round_trip(fake: FakeWebex, webex: WebexProvider) -> None:
    settings = webex.get_account_settings()
    assert settings.sections["commonSettings"]["securityOptions"]["requireStrongPassword"] is True
    webex.update_account_settings({"commonSettings": {"securityOptions": {"joinBeforeHost": True,
                                                                          "audioBeforeHost": True}}})  # fmt: skip
    assert fake.common_settings["securityOptions"]["audioBeforeHost"] is True


def test_site_settings_webex_has_no_api_for(webex: WebexProvider) -> None:
    for name in NO_API:
        with pytest.raises(UnsupportedOperationError) as info:
            webex.update_account_settings({name: {"enabled": True}})
        assert info.value.reason == "api_limit" and "unsupported on Webex" in str(info.value)
    with pytest.raises(UnrepresentableError, match="no locks"):
        webex.update_account_settings({}, locks={"commonSettings": {"joinBeforeHost": True}})
    with pytest.raises(UnrepresentableError, match="not managed"):
        webex.update_account_settings({"meeting_security": {"waiting_room": True}})


def test_capabilities_declare_what_has_no_api() -> None:
    assert all(CAPABILITIES.operation(op).supported for op in Operation)
    assert {s.reason for s in NO_API.values()} == {"api_limit"}
    waiting = CAPABILITIES.control("waiting_room")
    assert waiting.support is Support.EQUIVALENT and "site" not in waiting.levels and "no API" in waiting.note
    assert "automaticLockMinutes=0" in waiting.note and "Control Hub" in waiting.note
    assert CAPABILITIES.control("external_participant_warning").support is Support.NONE


# -- HTTP specifics ---------------------------------------------------------------------------------------


def test_us_gov_base_url(fake: FakeWebex) -> None:
    webex = connect(fake, base_url=USGOV_BASE_URL)
    for n in range(3):
        webex.create_meeting(ADA, class_for(f"C{n}", day=2 + n))
    assert len(list(webex.iter_meeting_pages(ADA, page_size=2))) == 2
    assert {r.url.host for r in fake.requests} == {"api-usgov.webex.com"}


@pytest.mark.parametrize(
    ("status", "retry_after", "slept"), [(429, "3", 3), (423, "2", 2), (429, "rand(30),add(30)", 15)]
)
def test_throttling_is_retried_after_retry_after(
    fake: FakeWebex, webex: WebexProvider, status: int, retry_after: str, slept: float
) -> None:
    webex.get_user(ADA)
    fake.rate_limit_next(status=status, retry_after=retry_after)
    assert webex.get_user(ADA).email == ADA
    assert isinstance(fake.clock, FakeClock)
    assert slept <= fake.clock.sleeps[-1] <= slept + 0.25


def test_a_long_retry_after_is_raised_not_slept(fake: FakeWebex, webex: WebexProvider) -> None:
    webex.get_user(ADA)
    fake.rate_limit_next(retry_after="3600")
    with pytest.raises(RateLimitedError) as info:
        webex.get_user(ADA)
    assert info.value.retry_at == fake.now() + timedelta(hours=1) and info.value.tracking_id


def test_server_errors_on_reads_are_retried(fake: FakeWebex, webex: WebexProvider) -> None:
    webex.get_user(ADA)
    fake.server_error_next(502, times=2)
    assert webex.get_user(ADA).email == ADA
