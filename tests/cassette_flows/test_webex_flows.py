"""Webex flows recorded as cassettes (cassettes/webex/) and replayed offline.

Each test is one cassette. ``make record`` re-records them from FakeWebex (``--record-mode=all``);
``make test`` replays them (``--record-mode=none --block-network``). The contract check validates
every interaction against Cisco's OpenAPI files. The clock is a :class:`FakeClock`, so a replayed
``Retry-After`` never sleeps.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

import confkit
from confkit.http import FakeClock
from confkit.logs import LogStore, read
from confkit.logs.engine import Collector
from confkit.models import (
    AutoRecording,
    MeetingCreate,
    MeetingKind,
    MeetingSecurity,
    MeetingUpdate,
    UserActivation,
    UserCreate,
    UserStatus,
    WaitingRoom,
)
from confkit.providers.webex import WebexProvider
from confkit.providers.webex.logs import ParticipantStream
from confkit.recurrence import Recurrence
from confkit.sandbox import build_district
from confkit.testing.recording import SECRET_KEYS, before_record_response, scrub_text
from confkit.testing.recording import vcr_config as confkit_vcr_config
from confkit.testing.webex import SANDBOX, FakeWebex, seed_district
from tests.cassette_flows.conftest import CASSETTES, live

pytestmark = pytest.mark.vcr
START = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
HOST = "teacher.flows@staff.lincoln-usd.example"
# Webex meeting fields that are secrets too (a host key starts the meeting as its host).
WEBEX_SECRET_KEYS = SECRET_KEYS | {
    "hostKey",
    "phoneAndVideoSystemPassword",
    "panelistPassword",
    "phoneAndVideoSystemPanelistPassword",
    "clientSecret",
}


def _scrub_webex(response: dict[str, Any]) -> dict[str, Any]:
    response = before_record_response(response)
    body = response.get("body") or {}
    raw = body.get("string")
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes | bytearray) else raw
    if text:
        body["string"] = scrub_text(text, secret_keys=WEBEX_SECRET_KEYS).encode("utf-8")
    return response


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    config = confkit_vcr_config()
    config["before_record_response"] = _scrub_webex
    return config


@pytest.fixture(scope="module")
def vcr_cassette_dir() -> str:
    return str(CASSETTES / "webex")


@pytest.fixture
def fake() -> FakeWebex:
    clock = FakeClock(START)
    fake: FakeWebex = SANDBOX.make_fake(clock)  # type: ignore[assignment]
    SANDBOX.seed(fake, build_district(now=START))
    fake.add_person(HOST, "Flow", "Teacher")
    return fake


@pytest.fixture
def webex(fake: FakeWebex) -> Iterator[WebexProvider]:
    if live("webex"):
        provider: Any = confkit.connect("webex")
    else:
        client = httpx.Client(transport=fake)
        provider = WebexProvider.from_settings(dict(SANDBOX.settings), client=client, clock=fake.clock)
    with provider:
        yield provider


def no_faults_live() -> None:
    if live("webex"):
        pytest.skip("fault injection needs the fake")


def homeroom(n: int) -> MeetingCreate:
    return MeetingCreate(
        topic=f"Homeroom {n}",
        start_time=datetime(2026, 2, 2 + n, 15, tzinfo=UTC),
        duration_minutes=30,
        security=MeetingSecurity(waiting_room=WaitingRoom.OUTSIDERS),
    )


def test_meetings_list_over_pages(webex: WebexProvider) -> None:
    for n in range(3):
        webex.create_meeting(HOST, homeroom(n))
    pages = list(webex.iter_meeting_pages(HOST, page_size=2))
    assert len(pages) >= 2 and pages[-1].next_cursor is None
    assert {m.topic for p in pages for m in p.items} >= {"Homeroom 0", "Homeroom 1", "Homeroom 2"}


def test_admin_lists_another_hosts_meetings(webex: WebexProvider) -> None:
    teacher = build_district(now=START).teachers[1]
    meetings = list(webex.list_meetings(teacher.email))
    assert meetings and all(m.host_email == teacher.email for m in meetings)
    assert {m.kind for m in meetings} <= {MeetingKind.RECURRING, MeetingKind.SCHEDULED}


def test_meeting_create_get_patch_delete(webex: WebexProvider) -> None:
    created = webex.create_meeting(
        HOST,
        MeetingCreate(
            topic="Algebra I - P3",
            start_time=datetime(2026, 2, 3, 15, tzinfo=UTC),
            duration_minutes=50,
            timezone="America/Chicago",
            recurrence=Recurrence.parse("FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20260526T235900Z"),
            security=MeetingSecurity(
                passcode_required=True,
                waiting_room=WaitingRoom.OUTSIDERS,
                join_before_host=False,
                mute_on_entry=True,
                auto_recording=AutoRecording.NONE,
            ),
            provider_options={"enableAutomaticLock": True, "automaticLockMinutes": 5, "publicMeeting": False},
        ),
    )
    assert created.kind is MeetingKind.RECURRING and created.security.passcode_required
    got = webex.get_meeting(created.id)
    assert got.recurrence == Recurrence.parse("FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20260526T235900Z")
    assert got.security.waiting_room is WaitingRoom.OUTSIDERS and got.security.mute_on_entry is True
    assert got.raw["enableAutomaticLock"] is True and got.raw["automaticLockMinutes"] == 5
    updated = webex.update_meeting(
        created.id,
        MeetingUpdate(topic="Algebra I - P4", duration_minutes=45, security=MeetingSecurity(join_before_host=True)),
    )
    assert updated.topic == "Algebra I - P4" and updated.duration_minutes == 45
    assert updated.security.join_before_host is True
    webex.delete_meeting(created.id)
    with pytest.raises(confkit.NotFoundError):
        webex.get_meeting(created.id)


def test_people_list_create_get_and_status(webex: WebexProvider) -> None:
    pages = list(webex.iter_user_pages(page_size=100))
    assert len(pages) >= 2 and sum(len(p.items) for p in pages) >= 200
    created = webex.create_user(
        UserCreate(
            email="new.student@students.lincoln-usd.example",
            first_name="New",
            last_name="Student",
            licensed=False,
            activation=UserActivation.SSO,
        )
    )
    assert created.id and created.status is UserStatus.ACTIVE
    got = webex.get_user(created.id)
    assert got.email == "new.student@students.lincoln-usd.example"
    webex.set_user_status(created.id, active=False)
    assert webex.get_user(created.id).status is UserStatus.INACTIVE


def test_site_common_settings_get_and_patch(webex: WebexProvider) -> None:
    settings = webex.get_account_settings()
    assert set(settings.sections) == {"commonSettings"}
    assert settings.sections["commonSettings"]["securityOptions"]["joinBeforeHost"] is True  # the sandbox site
    webex.update_account_settings(
        {
            "commonSettings": {
                "securityOptions": {
                    "joinBeforeHost": False,
                    "audioBeforeHost": False,  # Webex refuses audio before host without join before host
                    "unlistAllMeetings": True,
                    "requireStrongPassword": True,
                    "passwordCriteria": {"minLength": 10, "mixedCase": True, "minNumeric": 2},
                }
            }
        }
    )
    after = webex.get_account_settings().sections["commonSettings"]["securityOptions"]
    assert after["passwordCriteria"]["minLength"] == 10 and after["joinBeforeHost"] is False


def test_rate_limited_then_success(webex: WebexProvider, fake: FakeWebex) -> None:
    no_faults_live()
    assert webex.get_user(HOST).email == HOST
    fake.rate_limit_next(retry_after="2")
    assert webex.get_user(HOST).email == HOST


def test_expired_token_then_renewed(webex: WebexProvider, fake: FakeWebex) -> None:
    no_faults_live()
    assert webex.get_user(HOST).email == HOST
    fake.expire_tokens()
    assert webex.get_user(HOST).email == HOST


def test_broken_next_links_are_repaired(webex: WebexProvider, fake: FakeWebex) -> None:
    no_faults_live()
    fake.broken_next_links = True  # next links carry max=null and lose hostEmail, to, meetingType ...
    for n in range(3):
        webex.create_meeting(HOST, homeroom(n))
    pages = list(webex.iter_meeting_pages(HOST, page_size=2))
    assert len(pages) == 2
    assert [m.topic for p in pages for m in p.items] == ["Homeroom 0", "Homeroom 1", "Homeroom 2"]


# -- audit logs and participants (docs/logs.md, Webex) ---------------------------------------------------------

ADMIN = "it.admin@staff.lincoln-usd.example"


@pytest.fixture
def log_fake() -> FakeWebex:
    """The district without the sandbox's two weeks of log traffic, plus a few records per stream."""
    clock = FakeClock(START)
    fake: FakeWebex = SANDBOX.make_fake(clock)  # type: ignore[assignment]
    district = build_district(now=START)
    seed_district(fake, district)
    teacher, student = district.teachers[0].email, district.students[0].email
    day = START - timedelta(days=1)
    for n in range(7):
        fake.add_admin_audit_event(ADMIN, category="LOGINS", description="An Admin logged in",
                                   action_text=f"IT Admin logged into organization {fake.org_name}",
                                   at=day - timedelta(hours=9 * n), key=n)  # fmt: skip
    fake.add_admin_audit_event(
        ADMIN, category="MEETING_SITE_SETTINGS", target_type="SITE", target_id=fake.site_url,
        target_name=fake.site_url, description="Meeting site settings were changed",
        action_text=f"IT Admin changed the settings of site {fake.site_url}: Join Before Host changed from false "
                    "to true", at=day.replace(hour=16, minute=5), key="jbh",
    )  # fmt: skip
    for n in range(9):
        fake.add_security_audit_event(student if n % 3 else teacher, category="LOGINS" if n % 2 == 0 else "LOGOUT",
                                      at=day - timedelta(hours=5 * n, milliseconds=n), key=n)  # fmt: skip
    for period in range(3):
        start = day.replace(hour=14 + period, minute=0)
        pupils = district.students[period * 4 : period * 4 + 2 + 2 * period]
        people = [{"email": teacher, "joinedTime": (start - timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M:%SZ")}]
        people += [{"email": s.email, "displayName": f"{s.first_name} {s.last_name}",
                    "joinedTime": (start + timedelta(seconds=30 * k)).strftime("%Y-%m-%dT%H:%M:%SZ")}
                   for k, s in enumerate(pupils)]  # fmt: skip
        if period == 2:
            people.append({"email": "pat.parent@mail.example", "displayName": "Pat Parent",
                           "joinedTime": start.replace(minute=12).strftime("%Y-%m-%dT%H:%M:%SZ")})  # fmt: skip
        fake.add_ended_meeting(teacher, start=start, title=f"Algebra I - P{period + 1}", participants=people,
                               key=period)  # fmt: skip
    return fake


@pytest.fixture
def log_webex(log_fake: FakeWebex) -> Iterator[WebexProvider]:
    if live("webex"):
        provider: Any = confkit.connect("webex")
    else:
        client = httpx.Client(transport=log_fake)
        provider = WebexProvider.from_settings(dict(SANDBOX.settings), client=client, clock=log_fake.clock)
    with provider:
        yield provider


def _stream(provider: WebexProvider, name: str) -> Any:
    return next(s for s in provider.log_streams() if s.name == name)


def test_logs_admin_audit_events_over_pages(log_webex: WebexProvider) -> None:
    stream = _stream(log_webex, "admin_audit")
    stream.page_max = 5  # Webex: up to 200; 8 events make two pages
    store = LogStore.memory()
    report = Collector(store, clock=log_webex.clock).run([stream], since=START - timedelta(days=7))
    assert report.ok, report.summary()
    if live("webex"):
        return
    assert report.streams[0].pages == 2
    events = list(read(store))
    assert len(events) == 8 and {e.action for e in events} == {"sign_in", "setting.update"}
    weakened = next(e for e in events if e.category == "setting_change")
    assert [(c.field, c.from_value, c.to_value) for c in weakened.changes] == [("Join Before Host", "false", "true")]


def test_logs_security_audit_events_over_pages(log_webex: WebexProvider) -> None:
    stream = _stream(log_webex, "security_audit")
    stream.page_max = 4  # Webex: up to 1000; the next link moves startTime past the page
    store = LogStore.memory()
    report = Collector(store, clock=log_webex.clock).run([stream], since=START - timedelta(days=7))
    assert report.ok, report.summary()
    if live("webex"):
        return
    assert report.streams[0].pages == 3
    assert sorted(e.action for e in read(store)) == ["sign_in"] * 5 + ["sign_out"] * 4


def test_logs_participants_of_ended_meetings(log_webex: WebexProvider) -> None:
    stream = _stream(log_webex, "participants")
    assert isinstance(stream, ParticipantStream)
    stream.meetings_max, stream.participants_max = 2, 3  # Webex: up to 100 each
    store = LogStore.memory()
    report = Collector(store, clock=log_webex.clock).run([stream], since=START - timedelta(days=2))
    assert report.ok, report.summary()
    if live("webex"):
        return
    events = list(read(store))
    assert len(events) == 3 + 2 + 4 + 6 + 1
    assert len({e.meeting.instance for e in events if e.meeting}) == 3
    assert report.streams[0].pages >= 1 and all(e.session and e.session.start for e in events)
    parent = next(e for e in events if e.actor and e.actor.email == "pat.parent@mail.example")
    assert parent.actor is not None and parent.actor.external is True
    assert all(e.actor and e.actor.external is False for e in events if e is not parent)
