"""Google Workspace flows recorded as cassettes (cassettes/google/) and replayed offline.

Each test is one cassette. ``make record`` re-records them from FakeGoogle (including the
JWT-bearer token exchange, whose assertion and access token are scrubbed); the contract check
validates every interaction against the discovery documents bundled with google-api-python-client.
With ``CONFKIT_RECORD_LIVE=google`` the flows run against the tenant configured in the environment
(``CONFKIT_GOOGLE_*``), acting as ``CONFKIT_GOOGLE_FLOW_HOST``; fault-injection flows are skipped.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

import confkit
from confkit.errors import NotFoundError, PermissionDeniedError, UnsupportedOperationError
from confkit.http import FakeClock
from confkit.logs.model import LogEvent
from confkit.logs.stream import CursorExpiredError, Resume, Window, record_event
from confkit.models import (
    AutoRecording,
    MeetingCreate,
    MeetingKind,
    MeetingSecurity,
    MeetingUpdate,
    ScreenSharing,
    UserActivation,
    UserCreate,
    UserStatus,
    WaitingRoom,
)
from confkit.providers.google import GoogleProvider
from confkit.providers.google.logs import SETTING_EVENTS, AdminSettingStream, MeetStream, decode_cursor
from confkit.recurrence import Recurrence
from confkit.sandbox import build_district
from confkit.testing.google import SANDBOX, FakeGoogle
from confkit.testing.recording import vcr_config as confkit_vcr_config
from tests.cassette_flows.conftest import live

pytestmark = pytest.mark.vcr
START = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
HOST = os.environ.get("CONFKIT_GOOGLE_FLOW_HOST", "teacher.flows@staff.lincoln-usd.example")
DELEGATED_ADMIN = "security@staff.lincoln-usd.example"  # the sandbox's second admin: not a super admin


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    # The shared config scrubs the Authorization header, the JWT ``assertion`` of the token request,
    # ``access_token`` in its answer and ``password`` in users.insert bodies.
    return confkit_vcr_config()


@pytest.fixture(scope="module")
def vcr_cassette_dir() -> str:
    return str(Path(__file__).resolve().parents[2] / "cassettes" / "google")


@pytest.fixture
def fake() -> FakeGoogle:
    fake: FakeGoogle = SANDBOX.make_fake(FakeClock(START))  # type: ignore[assignment]
    SANDBOX.seed(fake, build_district(now=START))
    fake.add_user(HOST, first_name="Flow", last_name="Teacher", org_unit="/Staff")
    return fake


def connect(fake: FakeGoogle, **overrides: Any) -> GoogleProvider:
    if live("google"):
        return confkit.connect("google", **overrides)  # type: ignore[return-value]
    settings = dict(SANDBOX.settings) | overrides
    return GoogleProvider.from_settings(settings, client=httpx.Client(transport=fake), clock=fake.clock)


@pytest.fixture
def google(fake: FakeGoogle) -> Iterator[GoogleProvider]:
    with connect(fake) as provider:
        yield provider


def no_faults_live() -> None:
    if live("google"):
        pytest.skip("fault injection needs the fake")


def clock_of(google: GoogleProvider) -> FakeClock:
    assert isinstance(google.clock, FakeClock)
    return google.clock


# -- Calendar + Meet -----------------------------------------------------------------------------------


def test_calendar_meeting_insert_patch_delete(google: GoogleProvider) -> None:
    """events.insert with a Meet conference, spaces.get by meeting code, spaces.patch with an
    updateMask, events.patch, events.delete."""
    created = google.create_meeting(
        HOST,
        MeetingCreate(
            topic="Algebra I - P3",
            start_time=datetime(2026, 2, 3, 15, tzinfo=UTC),
            duration_minutes=50,
            timezone="America/Chicago",
            recurrence=Recurrence.parse("FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20260526T235900Z"),
            security=MeetingSecurity(
                waiting_room=WaitingRoom.EVERYONE,
                auto_recording=AutoRecording.NONE,
                screen_sharing=ScreenSharing.HOST_ONLY,
            ),
            provider_options={"space_config": {"moderationRestrictions": {"chatRestriction": "HOSTS_ONLY"}}},
        ),
    )
    assert created.kind is MeetingKind.RECURRING and created.id.startswith(HOST + "/")
    assert created.join_url and created.join_url.startswith("https://meet.google.com/")
    assert created.security.waiting_room is WaitingRoom.EVERYONE
    assert created.security.screen_sharing is ScreenSharing.HOST_ONLY
    assert created.security.passcode_required is None  # Meet has no passcodes: unknown, never "off"
    assert created.raw["space"]["config"]["moderationRestrictions"]["chatRestriction"] == "HOSTS_ONLY"
    assert created.recurrence == Recurrence.parse("FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20260526T235900Z")

    updated = google.update_meeting(
        created.id,
        MeetingUpdate(
            topic="Algebra I - P4", duration_minutes=45, security=MeetingSecurity(waiting_room=WaitingRoom.OFF)
        ),
    )
    assert updated.topic == "Algebra I - P4" and updated.duration_minutes == 45
    assert updated.security.waiting_room is WaitingRoom.OFF and updated.security.authenticated_only is False
    assert updated.start_time == created.start_time

    google.delete_meeting(created.id)
    with pytest.raises(NotFoundError):
        google.get_meeting(created.id)


def test_calendar_meetings_list_over_pages(google: GoogleProvider) -> None:
    for n in range(3):
        google.create_meeting(
            HOST,
            MeetingCreate(
                topic=f"Homeroom {n}", start_time=datetime(2026, 2, 2 + n, 15, tzinfo=UTC), duration_minutes=30
            ),
        )
    pages = list(google.iter_meeting_pages(HOST, page_size=2))
    assert len(pages) >= 2 and pages[-1].next_cursor is None
    assert {m.topic for p in pages for m in p.items} >= {"Homeroom 0", "Homeroom 1", "Homeroom 2"}


def test_meet_space_create_get_patch(google: GoogleProvider, fake: FakeGoogle) -> None:
    """A standalone meeting: spaces.create, spaces.get by name, spaces.patch with an updateMask."""
    space = google.create_meeting(
        HOST, MeetingCreate(topic="Office hours", security=MeetingSecurity(waiting_room=WaitingRoom.OUTSIDERS))
    )
    assert space.kind is MeetingKind.SPACE and "/spaces/" in space.id
    assert space.security.waiting_room is WaitingRoom.OUTSIDERS
    got = google.get_meeting(space.id)
    assert got.join_url == space.join_url
    patched = google.update_meeting(
        space.id,
        MeetingUpdate(security=MeetingSecurity(waiting_room=WaitingRoom.EVERYONE, auto_recording=AutoRecording.CLOUD)),
    )
    assert patched.security.waiting_room is WaitingRoom.EVERYONE
    assert patched.security.auto_recording is AutoRecording.CLOUD
    with pytest.raises(UnsupportedOperationError) as info:
        google.delete_meeting(space.id)
    assert info.value.reason == "api_limit"


def test_meet_end_active_conference(google: GoogleProvider, fake: FakeGoogle) -> None:
    no_faults_live()
    space = fake.add_space(HOST)  # seeded without HTTP, so the flow replays without the fake's state
    fake.start_conference(space["meetingCode"])
    meeting_id = f"{HOST}/{space['name']}"
    assert google.end_active_conference(meeting_id) is True
    assert google.end_active_conference(meeting_id) is False


# -- Directory ------------------------------------------------------------------------------------------


def test_directory_users_list_over_pages(google: GoogleProvider) -> None:
    pages = list(google.iter_user_pages(page_size=100))
    assert len(pages) >= 2 and pages[-1].next_cursor is None
    users = [u for p in pages for u in p.items]
    assert len(users) >= 200
    assert {u.org_unit for u in users} >= {"/Staff", "/Students"}


def test_directory_user_insert_and_suspend(google: GoogleProvider) -> None:
    created = google.create_user(
        UserCreate(
            email="new.student@students.lincoln-usd.example",
            first_name="New",
            last_name="Student",
            org_unit="/Students",
            activation=UserActivation.SSO,
        )
    )
    assert created.id and created.org_unit == "/Students" and created.status is UserStatus.ACTIVE
    google.set_user_status(created.id, active=False)
    assert google.get_user(created.id).status is UserStatus.INACTIVE
    google.set_user_status(created.id, active=True)
    assert google.get_user(created.email).status is UserStatus.ACTIVE


# -- Cloud Identity policies and the Reports API ------------------------------------------------------------


def test_policies_list_meet_settings(google: GoogleProvider) -> None:
    settings = google.get_account_settings()
    assert settings.sections["meet.safety_domain@/"]["setting"]["value"] == {"usersAllowedToJoin": "LOGGED_IN"}
    assert settings.sections["meet.meet_joining@/Students"]["setting"]["value"]["allowedAudience"] == "RESTRICTED"
    assert all(key.startswith("meet.") for key in settings.sections)


def test_policies_need_a_super_admin(fake: FakeGoogle) -> None:
    no_faults_live()
    with connect(fake, admin_email=DELEGATED_ADMIN) as google, pytest.raises(PermissionDeniedError) as info:
        google.get_account_settings()
    assert "super admin" in str(info.value)


#: A minute of the sandbox's Meet log: the teachers of Friday's first period leave their classes.
CLASS_END = (datetime(2026, 1, 2, 14, 51, 30, tzinfo=UTC), datetime(2026, 1, 2, 14, 52, 30, tzinfo=UTC))


def test_reports_meet_audit_log(google: GoogleProvider) -> None:
    start, end = CLASS_END
    pages = list(google.iter_meet_audit_pages(event_name="call_ended", start_time=start, end_time=end, page_size=3))
    assert len(pages) >= 2
    events = [e for p in pages for e in p.items]
    assert all(e.name == "call_ended" and e.meeting_code and "-" in e.meeting_code for e in events)
    assert all(isinstance(e.parameters["duration_seconds"], int) for e in events)


# -- audit-log streams (confkit.providers.google.logs) ---------------------------------------------------------


def seed_setting_changes(fake: FakeGoogle) -> None:
    """Meet settings changed in the Admin console over two days (and one Gmail setting)."""
    if live("google"):
        return
    admin = SANDBOX.settings["admin_email"]
    for n, (old, new) in enumerate(
        [
            ("LOGGED_IN", "ALL"),
            ("ALL", "LOGGED_IN"),
            ("LOGGED_IN", "ALL"),
            ("ALL", "SAME_ORGANIZATION_ONLY"),
            ("SAME_ORGANIZATION_ONLY", "ALL"),
        ]
    ):
        fake.add_admin_setting_change(
            "SafetyDomainLockProto users_allowed_to_join",
            actor_email=admin,
            time=START - timedelta(days=2, hours=n),
            old_value=old,
            new_value=new,
            org_unit="Students",
            ip_address="198.51.100.20",
        )
    fake.add_admin_setting_change(
        "Email Spam Filter Ip Allowlist",
        actor_email=admin,
        application_name="Gmail",
        time=START - timedelta(days=2, minutes=30),
        old_value="[]",
        new_value="[1.2.3.4]",
    )


def test_reports_admin_activities_over_pages(google: GoogleProvider, fake: FakeGoogle) -> None:
    """activities.list of the admin application, one eventName, page by page with pageToken."""
    seed_setting_changes(fake)
    pages = list(
        google.iter_activity_pages(
            "admin",
            start_time=START - timedelta(days=3),
            end_time=START - timedelta(days=1),
            event_name="CHANGE_APPLICATION_SETTING",
            page_size=2,
        )
    )
    assert len(pages) >= 2 and pages[-1].next_cursor is None
    items = [a for p in pages for a in p.items]
    assert all(a["id"]["applicationName"] == "admin" for a in items)
    assert all(e["name"] == "CHANGE_APPLICATION_SETTING" for a in items for e in a["events"])
    if not live("google"):
        assert len(items) == 6


def test_logs_admin_setting_stream_pages_and_resumes(google: GoogleProvider, fake: FakeGoogle) -> None:
    """The admin stream reads one eventName series after the other, page by page; a saved cursor resumes."""
    seed_setting_changes(fake)
    stream = AdminSettingStream(google)
    stream.page_size = 2
    window = Window(START - timedelta(days=3), START - timedelta(days=1))
    pages = list(stream.pages(window, Resume()))
    assert pages[-1].cursor is None and all(p.cursor for p in pages[:-1])
    assert [u for p in pages for u in p.completes] == [f"event:{n}" for n in SETTING_EVENTS]
    events = [
        LogEvent.model_validate(record_event(r, "google", stream.tenant, "admin")) for p in pages for r in p.records
    ]
    assert all(e.category == "setting_change" and e.changes and e.changes[0].section == "Google Meet" for e in events)
    if not live("google"):
        assert len(events) == 5 and {e.changes[0].to_value for e in events} == {
            "ALL",
            "LOGGED_IN",
            "SAME_ORGANIZATION_ONLY",
        }
    first = next(n for n, p in enumerate(pages) if p.cursor and decode_cursor(p.cursor)[2])
    done = frozenset(u for p in pages[: first + 1] for u in p.completes)
    again = list(stream.pages(window, Resume(pages[first].cursor, START, done)))
    assert [r.id for p in again for r in p.records] == [r.id for p in pages[first + 1 :] for r in p.records]


def test_logs_meet_stream_reads_a_window(google: GoogleProvider) -> None:
    """The meet stream: every event of the window, one normalized event per events[] entry."""
    stream = MeetStream(google)
    stream.page_size = 4
    pages = list(stream.pages(Window(*CLASS_END), Resume()))
    assert len(pages) >= 2 and pages[-1].cursor is None
    events = [
        LogEvent.model_validate(record_event(r, "google", stream.tenant, "meet")) for p in pages for r in p.records
    ]
    assert events and all(e.meeting is None or e.meeting.code is None or "-" in e.meeting.code for e in events)
    sessions = [e for e in events if e.action == "participant.session"]
    assert sessions and all(e.session and isinstance(e.session.duration_seconds, int) for e in sessions)


def test_logs_refused_page_token(google: GoogleProvider, fake: FakeGoogle) -> None:
    """A page token Google no longer accepts (400) makes the stream ask for its window again."""
    no_faults_live()
    stream = MeetStream(google)
    stream.page_size = 4
    window = Window(*CLASS_END)
    first = next(iter(stream.pages(window, Resume())))
    assert first.cursor is not None
    fake.expire_page_tokens()
    with pytest.raises(CursorExpiredError):
        list(stream.pages(window, Resume(first.cursor, START)))


# -- faults -------------------------------------------------------------------------------------------------


def test_rate_limited_429_then_success(google: GoogleProvider, fake: FakeGoogle) -> None:
    no_faults_live()
    fake.rate_limit_next(path="/admin/directory/v1/users")
    assert google.get_user(HOST).email == HOST
    assert len(clock_of(google).sleeps) == 1


def test_rate_limited_403_then_success(google: GoogleProvider, fake: FakeGoogle) -> None:
    no_faults_live()
    fake.rate_limit_403_next(path="/calendar/v3/calendars")
    assert list(google.list_meetings(HOST)) == []
    assert len(clock_of(google).sleeps) == 1


def test_reports_503_then_success(google: GoogleProvider, fake: FakeGoogle) -> None:
    no_faults_live()
    fake.server_error_next(503, path="/admin/reports/")
    start, end = CLASS_END
    assert next(google.iter_meet_audit_pages(start_time=start, end_time=end, page_size=3)).items
    assert len(clock_of(google).sleeps) == 1


def test_expired_token_then_renewed(google: GoogleProvider, fake: FakeGoogle) -> None:
    no_faults_live()
    assert google.get_user(HOST).email == HOST
    fake.expire_tokens()
    assert google.get_user(HOST).email == HOST
