"""Zoom flows recorded as cassettes (cassettes/zoom/) and replayed offline.

Each test is one cassette. ``make record`` re-records them from FakeZoom; the contract check
validates every interaction against Zoom's OpenAPI description.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

import confkit
from confkit.http import FakeClock
from confkit.models import (
    MeetingCreate,
    MeetingSecurity,
    MeetingUpdate,
    UserActivation,
    UserCreate,
    UserStatus,
    WaitingRoom,
)
from confkit.providers.zoom import ZoomProvider
from confkit.recurrence import Recurrence
from confkit.sandbox import build_district
from confkit.testing.zoom import SANDBOX, FakeZoom
from tests.cassette_flows.conftest import live

pytestmark = pytest.mark.vcr
START = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
HOST = "teacher.flows@staff.lincoln-usd.example"


@pytest.fixture
def fake() -> FakeZoom:
    clock = FakeClock(START)
    fake = SANDBOX.make_fake(clock)
    SANDBOX.seed(fake, build_district(now=START))
    fake.add_user(HOST, first_name="Flow", last_name="Teacher")
    return fake  # type: ignore[no-any-return]


@pytest.fixture
def zoom(fake: FakeZoom) -> Iterator[ZoomProvider]:
    if live("zoom"):
        provider: Any = confkit.connect("zoom")
    else:
        provider = ZoomProvider.from_settings(
            dict(SANDBOX.settings), client=httpx.Client(transport=fake), clock=fake.clock
        )
    with provider:
        yield provider


def no_faults_live() -> None:
    if live("zoom"):
        pytest.skip("fault injection needs the fake")


def test_users_list_over_pages(zoom: ZoomProvider) -> None:
    pages = list(zoom.iter_user_pages(page_size=100))
    assert len(pages) >= 2 and pages[-1].next_cursor is None
    assert sum(len(p.items) for p in pages) >= 200


def test_user_create_get_and_status(zoom: ZoomProvider) -> None:
    created = zoom.create_user(
        UserCreate(
            email="new.student@students.lincoln-usd.example",
            first_name="New",
            last_name="Student",
            licensed=False,
            activation=UserActivation.SSO,
        )
    )
    assert created.id
    got = zoom.get_user(created.id)
    assert got.email == "new.student@students.lincoln-usd.example"
    zoom.set_user_status(created.id, active=False)
    assert zoom.get_user(created.id).status is UserStatus.INACTIVE
    zoom.set_user_status(created.id, active=True)
    assert zoom.get_user(created.id).status is UserStatus.ACTIVE


def test_meetings_list_over_pages(zoom: ZoomProvider) -> None:
    for n in range(3):
        zoom.create_meeting(
            HOST,
            MeetingCreate(
                topic=f"Homeroom {n}",
                start_time=datetime(2026, 2, 2 + n, 15, tzinfo=UTC),
                duration_minutes=30,
                security=MeetingSecurity(passcode_required=True),
            ),
        )
    pages = list(zoom.iter_meeting_pages(HOST, page_size=2))
    assert len(pages) >= 2
    assert {m.topic for p in pages for m in p.items} >= {"Homeroom 0", "Homeroom 1", "Homeroom 2"}


def test_meeting_create_get_patch_delete(zoom: ZoomProvider) -> None:
    created = zoom.create_meeting(
        HOST,
        MeetingCreate(
            topic="Algebra I - P3",
            start_time=datetime(2026, 2, 3, 15, tzinfo=UTC),
            duration_minutes=50,
            timezone="America/Chicago",
            # Zoom's description lists weekly_days as one digit; several days ("2,4") are also accepted by Zoom.
            recurrence=Recurrence.parse("FREQ=WEEKLY;BYDAY=TU;UNTIL=20260526T235900Z"),
            security=MeetingSecurity(
                passcode_required=True,
                waiting_room=WaitingRoom.EVERYONE,
                join_before_host=False,
                mute_on_entry=True,
                authenticated_only=True,
                allowed_domains=["staff.lincoln-usd.example", "students.lincoln-usd.example"],
            ),
        ),
    )
    assert created.recurrence is not None and created.security.passcode_required
    got = zoom.get_meeting(created.id)
    assert got.security.waiting_room is WaitingRoom.EVERYONE and got.security.join_before_host is False
    updated = zoom.update_meeting(created.id, MeetingUpdate(topic="Algebra I - P4", duration_minutes=45))
    assert updated.topic == "Algebra I - P4" and updated.duration_minutes == 45
    zoom.delete_meeting(created.id)
    with pytest.raises(confkit.NotFoundError):
        zoom.get_meeting(created.id)


def test_account_settings_and_locks(zoom: ZoomProvider) -> None:
    settings = zoom.get_account_settings()
    assert set(settings.sections) == {"schedule_meeting", "in_meeting", "recording", "meeting_security"}
    zoom.update_account_settings(
        {
            "schedule_meeting": {"join_before_host": False},
            "in_meeting": {"who_can_share_screen": "host"},
            "meeting_security": {"waiting_room": True, "meeting_password": True},
        },
        locks={
            "meeting_security": {"waiting_room": True, "meeting_password": True},
            "schedule_meeting": {"join_before_host": True},
        },
    )
    after = zoom.get_account_settings()
    assert after.sections["meeting_security"]["waiting_room"] is True
    assert after.sections["in_meeting"]["who_can_share_screen"] == "host"
    assert after.locks["meeting_security"]["waiting_room"] is True


def test_rate_limited_then_success(zoom: ZoomProvider, fake: FakeZoom) -> None:
    no_faults_live()
    fake.rate_limit_next(kind="qps")
    assert zoom.get_user(HOST).email == HOST


def test_expired_token_then_renewed(zoom: ZoomProvider, fake: FakeZoom) -> None:
    no_faults_live()
    assert zoom.get_user(HOST).email == HOST
    fake.expire_tokens()
    assert zoom.get_user(HOST).email == HOST
