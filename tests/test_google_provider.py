"""GoogleProvider end to end on FakeGoogle: settings, verbs, quirks, capabilities, log hygiene."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from confkit import registry
from confkit.capabilities import Control, Operation, Support
from confkit.errors import (
    ConfigurationError,
    NotFoundError,
    UnavailableError,
    UnrepresentableError,
    UnsupportedOperationError,
)
from confkit.http import FakeClock
from confkit.models import (
    AutoRecording,
    MeetingCreate,
    MeetingKind,
    MeetingSecurity,
    MeetingUpdate,
    UserStatus,
    WaitingRoom,
)
from confkit.providers.google import GoogleProvider, GoogleSettings
from confkit.sandbox import District, Sandbox, build_district
from confkit.testing.google import SANDBOX, SANDBOX_SERVICE_ACCOUNT, FakeGoogle

START = datetime(2026, 1, 5, 12, tzinfo=UTC)
KEY = json.dumps(SANDBOX_SERVICE_ACCOUNT)


@pytest.fixture
def world() -> tuple[FakeGoogle, District]:
    fake = FakeGoogle(clock=FakeClock(START))
    district = build_district(now=START)
    SANDBOX.seed(fake, district)
    return fake, district


@pytest.fixture
def google(world: tuple[FakeGoogle, District]) -> Iterator[GoogleProvider]:
    fake, _ = world
    with GoogleProvider.from_settings(
        dict(SANDBOX.settings), client=httpx.Client(transport=fake), clock=fake.clock
    ) as p:
        yield p


# -- settings ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"service_account_json": KEY}, "missing setting 'admin_email'"),
        ({"admin_email": "a@b.example"}, "exactly one of service_account_file"),
        ({"admin_email": "a@b.example", "service_account_json": KEY, "service_account_file": "/x"}, "exactly one"),
        ({"admin_email": "a@b.example", "service_account_json": "{not json"}, "not valid JSON"),
        (
            {"admin_email": "a@b.example", "service_account_json": '{"type": "authorized_user"}'},
            "not a service-account",
        ),
        ({"admin_email": "a@b.example", "service_account_file": "/nonexistent/key.json"}, "cannot be read"),
        ({"admin_email": "a@b.example", "service_account_json": KEY, "client_secret": "x"}, "unknown setting"),
        ({"admin_email": "not-an-email", "service_account_json": KEY}, "admin_email"),
    ],
)
def test_settings_errors_are_clear_and_echo_no_secret(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        GoogleProvider.from_settings(settings)
    assert message in str(info.value) and "PRIVATE KEY" not in str(info.value)


def test_a_broken_private_key_is_a_configuration_error() -> None:
    key = json.dumps(
        SANDBOX_SERVICE_ACCOUNT | {"private_key": "-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n"}
    )
    with pytest.raises(ConfigurationError, match="cannot be loaded"):
        GoogleProvider.from_settings({"admin_email": "a@b.example", "service_account_json": key})


def test_key_file_and_secret_str(tmp_path: Path, world: tuple[FakeGoogle, District]) -> None:
    fake, _ = world
    path = tmp_path / "sa.json"
    path.write_text(KEY)
    settings = {"service_account_file": str(path), "admin_email": SANDBOX.settings["admin_email"]}
    with GoogleProvider.from_settings(settings, client=httpx.Client(transport=fake), clock=fake.clock) as google:
        assert google.get_user(settings["admin_email"]).roles == ["super_admin"]
    parsed = GoogleSettings.model_validate({"service_account_json": KEY, "admin_email": "a@b.example"})
    assert "PRIVATE" not in repr(parsed) and parsed.customer_id == "my_customer"


# -- users -----------------------------------------------------------------------------------------------------


def test_status_filters(google: GoogleProvider, world: tuple[FakeGoogle, District]) -> None:
    _, district = world
    student = district.students[0].email
    google.set_user_status(student, active=False)
    inactive = list(google.list_users(status=UserStatus.INACTIVE))
    assert [u.email for u in inactive] == [student]
    assert all(u.status is UserStatus.ACTIVE for u in google.list_users(status=UserStatus.ACTIVE, page_size=500))
    assert list(google.list_users(status=UserStatus.PENDING)) == []


def test_org_units_and_roles(google: GoogleProvider, world: tuple[FakeGoogle, District]) -> None:
    _, district = world
    assert google.get_user(district.students[0].email).org_unit == "/Students"
    assert google.get_user(district.teachers[0].email).org_unit == "/Staff"
    assert google.get_user(district.admins[1].email).roles == ["delegated_admin"]


# -- meetings ----------------------------------------------------------------------------------------------------


def test_sandbox_classes_carry_their_representable_violations(
    google: GoogleProvider, world: tuple[FakeGoogle, District]
) -> None:
    _, district = world
    broken = next(m for m, v in district.violations if v == "waiting_room")
    [meeting] = [m for m in google.list_meetings(broken.host_email) if m.topic == broken.topic]
    assert meeting.security == MeetingSecurity()  # listing does not read security
    got = google.get_meeting(meeting.id)
    assert got.security.waiting_room is WaitingRoom.OFF and got.security.passcode_required is None
    compliant = next(m for m in district.meetings if not m.violations)
    [ok] = [m for m in google.list_meetings(compliant.host_email) if m.topic == compliant.topic]
    assert google.get_meeting(ok.id).security.waiting_room is WaitingRoom.EVERYONE


def test_host_by_directory_user_id(google: GoogleProvider, world: tuple[FakeGoogle, District]) -> None:
    _, district = world
    teacher = google.get_user(district.teachers[0].email)
    assert teacher.id is not None
    assert {m.topic for m in google.list_meetings(teacher.id)} == {
        m.topic for m in district.meetings if m.host_email == district.teachers[0].email
    }


def test_pending_conferences_are_awaited_on_the_clock(
    google: GoogleProvider, world: tuple[FakeGoogle, District]
) -> None:
    fake, district = world
    fake.pending_conference_reads = 2
    host = district.teachers[0].email
    meeting = google.create_meeting(
        host,
        MeetingCreate(
            topic="t", start_time=START + timedelta(days=2), security=MeetingSecurity(waiting_room=WaitingRoom.EVERYONE)
        ),
    )
    assert meeting.join_url and meeting.security.waiting_room is WaitingRoom.EVERYONE
    assert isinstance(google.clock, FakeClock) and google.clock.sleeps == [0.5, 1.0]


def test_a_conference_that_never_comes_is_reported(google: GoogleProvider, world: tuple[FakeGoogle, District]) -> None:
    fake, district = world
    fake.pending_conference_reads = 100
    with pytest.raises(UnavailableError, match="no Meet conference"):
        google.create_meeting(
            district.teachers[0].email, MeetingCreate(topic="t", start_time=START + timedelta(days=2))
        )


def test_refusals_happen_before_any_request(google: GoogleProvider, world: tuple[FakeGoogle, District]) -> None:
    fake, district = world
    before = len(fake.requests)
    host = district.teachers[0].email
    with pytest.raises(UnrepresentableError, match="passcode"):
        google.create_meeting(
            host, MeetingCreate(topic="t", start_time=START, security=MeetingSecurity(passcode_required=True))
        )
    with pytest.raises(UnrepresentableError, match="mute"):
        google.update_meeting(f"{host}/abc", MeetingUpdate(security=MeetingSecurity(mute_on_entry=True)))
    with pytest.raises(UnrepresentableError, match="agenda"):
        google.create_meeting(host, MeetingCreate(topic="t", agenda="no schedule"))
    assert len(fake.requests) == before


def test_security_on_an_event_without_meet(google: GoogleProvider, world: tuple[FakeGoogle, District]) -> None:
    fake, district = world
    host = district.teachers[0].email
    event = fake.add_event(
        host,
        {
            "summary": "Lunch",
            "start": {"dateTime": "2026-02-02T12:00:00Z"},
            "end": {"dateTime": "2026-02-02T13:00:00Z"},
        },
        meet=False,
    )
    meeting_id = f"{host}/{event['id']}"
    assert google.get_meeting(meeting_id).join_url is None
    assert google.update_meeting(meeting_id, MeetingUpdate(topic="Long lunch")).topic == "Long lunch"
    with pytest.raises(UnrepresentableError, match="no Meet conference"):
        google.update_meeting(meeting_id, MeetingUpdate(security=MeetingSecurity(waiting_room=WaitingRoom.OFF)))
    assert "Lunch" not in {m.topic for m in google.list_meetings(host)}


def test_unknown_meetings(google: GoogleProvider, world: tuple[FakeGoogle, District]) -> None:
    _, district = world
    host = district.teachers[0].email
    with pytest.raises(NotFoundError):
        google.get_meeting(f"{host}/doesnotexist")
    with pytest.raises(NotFoundError):
        google.get_meeting(f"{host}/spaces/doesnotexist")


def test_space_auto_recording_round_trip(google: GoogleProvider, world: tuple[FakeGoogle, District]) -> None:
    _, district = world
    space = google.create_meeting(
        district.teachers[0].email,
        MeetingCreate(topic="t", security=MeetingSecurity(auto_recording=AutoRecording.CLOUD)),
    )
    assert space.kind is MeetingKind.SPACE and space.security.auto_recording is AutoRecording.CLOUD
    off = google.update_meeting(space.id, MeetingUpdate(security=MeetingSecurity(auto_recording=AutoRecording.NONE)))
    assert off.security.auto_recording is AutoRecording.NONE


# -- capabilities, sandbox, logs -----------------------------------------------------------------------------------


def test_capabilities_are_honest_about_passcodes() -> None:
    caps = GoogleProvider.capabilities
    passcode = caps.control(Control.PASSCODE_REQUIRED)
    assert passcode.support is Support.EQUIVALENT and "knocking" in passcode.note
    assert caps.control(Control.MUTE_ON_ENTRY).support is Support.NONE
    assert caps.operation(Operation.UPDATE_ACCOUNT_SETTINGS).reason == "not_built"


def test_update_account_settings_raises_the_declared_reason(google: GoogleProvider) -> None:
    with pytest.raises(UnsupportedOperationError) as info:
        google.update_account_settings({"meet.safety_domain@/": {"usersAllowedToJoin": "ALL"}})
    assert info.value.reason == "not_built" and "Google Meet" in str(info.value)


def test_the_sandbox_has_a_google_domain() -> None:
    registry.register("google", GoogleProvider)  # the installed metadata may predate the entry point
    sandbox = Sandbox.create(clock=FakeClock(START), only=["google"])
    assert sandbox.providers == ["google"]
    with sandbox.connect("google") as google:
        assert google.get_account_settings().sections["meet.video_recording@/Students"]["setting"]["value"] == {
            "enableRecording": False
        }


def test_tokens_and_keys_never_reach_the_logs(google: GoogleProvider, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    host = next(u.email for u in google.list_users(page_size=50) if "staff" in u.email)
    google.create_meeting(host, MeetingCreate(topic="t", start_time=START + timedelta(days=1)))
    text = caplog.text
    assert "ya29" not in text and "Bearer" not in text and "PRIVATE KEY" not in text and "assertion" not in text
