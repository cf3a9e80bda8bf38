"""Zoom JSON <-> neutral models, on JSON shaped as Zoom's OpenAPI description (no HTTP)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import SecretStr

from confkit.errors import UnrepresentableError
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
from confkit.providers.zoom import encode_meeting_id
from confkit.providers.zoom.mapping import (
    meeting_create_to_zoom,
    meeting_from_zoom,
    meeting_update_to_zoom,
    user_create_to_zoom,
    user_from_zoom,
)
from confkit.recurrence import Recurrence

ZOOM_MEETING = {
    "uuid": "aDYlohsHRtCd4ii1uC2+hA==",
    "id": 85746065432,
    "host_id": "z8yCxjabc",
    "host_email": "jchill@example.com",
    "topic": "Algebra I - P3",
    "type": 8,
    "start_time": "2025-09-02T14:00:00Z",
    "duration": 50,
    "timezone": "America/Chicago",
    "agenda": "Linear equations",
    "created_at": "2025-08-20T10:00:00Z",
    "join_url": "https://us05web.zoom.us/j/85746065432?pwd=xyz",
    "password": "Xy7@k2",
    "recurrence": {"type": 2, "repeat_interval": 1, "weekly_days": "3,5", "end_date_time": "2025-12-19T23:59:00Z"},
    "occurrences": [
        {"occurrence_id": "1756821600000", "start_time": "2025-09-02T14:00:00Z", "duration": 50, "status": "available"}
    ],
    "settings": {
        "waiting_room": True,
        "join_before_host": False,
        "jbh_time": 0,
        "mute_upon_entry": True,
        "meeting_authentication": True,
        "authentication_domains": "staff.example,students.example",
        "auto_recording": "none",
        "use_pmi": False,
        "host_video": True,
    },
}


def test_meeting_from_zoom_keeps_everything() -> None:
    m = meeting_from_zoom(ZOOM_MEETING)
    assert m.provider == "zoom" and m.id == "85746065432" and m.uuid == "aDYlohsHRtCd4ii1uC2+hA=="
    assert m.kind is MeetingKind.RECURRING
    assert m.start_time == datetime(2025, 9, 2, 14, tzinfo=UTC)
    assert m.recurrence == Recurrence.parse("FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20251219T235900Z")
    s = m.security
    assert s.passcode_value() == "Xy7@k2" and s.passcode_required is True
    assert s.waiting_room is WaitingRoom.EVERYONE and s.join_before_host is False and s.mute_on_entry is True
    assert s.authenticated_only is True and s.allowed_domains == ["staff.example", "students.example"]
    assert s.auto_recording is AutoRecording.NONE and s.screen_sharing is None
    assert m.raw == ZOOM_MEETING  # the untouched vendor payload
    assert "Xy7@k2" not in repr(m) and "Xy7@k2" not in m.model_dump_json(exclude={"raw"})


def test_meeting_without_passcode_and_instant() -> None:
    m = meeting_from_zoom({"id": 1, "topic": "x", "type": 1, "password": "", "settings": {"waiting_room": False}})
    assert m.kind is MeetingKind.INSTANT and m.security.passcode_required is False
    assert m.security.waiting_room is WaitingRoom.OFF and m.recurrence is None


def test_create_body() -> None:
    body = meeting_create_to_zoom(
        MeetingCreate(
            topic="Biology",
            start_time=datetime(2026, 9, 2, 9, 0, tzinfo=UTC),
            duration_minutes=50,
            timezone="America/Chicago",
            recurrence=Recurrence.parse("FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10"),
            security=MeetingSecurity(
                passcode_required=True,
                waiting_room=WaitingRoom.EVERYONE,
                join_before_host=False,
                mute_on_entry=True,
                authenticated_only=True,
                allowed_domains=["d.example"],
                auto_recording=AutoRecording.CLOUD,
                join_before_host_minutes=5,
            ),
            provider_options={"settings": {"watermark": True}},
        )
    )
    assert body == {
        "topic": "Biology",
        "duration": 50,
        "type": 8,
        "start_time": "2026-09-02T09:00:00Z",
        "timezone": "America/Chicago",
        "recurrence": {"type": 2, "repeat_interval": 1, "weekly_days": "2,4", "end_times": 10},
        "default_password": True,
        "settings": {
            "waiting_room": True,
            "meeting_authentication": True,
            "authentication_domains": "d.example",
            "join_before_host": False,
            "jbh_time": 5,
            "mute_upon_entry": True,
            "auto_recording": "cloud",
            "watermark": True,
        },
    }


def test_create_round_trip_through_zoom_shape() -> None:
    create = MeetingCreate(
        topic="T",
        start_time=datetime(2026, 1, 5, 15, tzinfo=UTC),
        security=MeetingSecurity(
            passcode=SecretStr("abc123"), waiting_room=WaitingRoom.OFF, join_before_host=True, mute_on_entry=False
        ),
    )
    body = meeting_create_to_zoom(create)
    back = meeting_from_zoom({"id": 9, **body})
    assert back.topic == "T" and back.start_time == create.start_time and back.kind is MeetingKind.SCHEDULED
    assert back.security.passcode_value() == "abc123"
    assert back.security.waiting_room is WaitingRoom.OFF and back.security.join_before_host is True


def test_update_sends_only_what_is_set() -> None:
    assert meeting_update_to_zoom(MeetingUpdate(topic="New")) == {"topic": "New"}
    assert meeting_update_to_zoom(MeetingUpdate(security=MeetingSecurity(waiting_room=WaitingRoom.EVERYONE))) == {
        "settings": {"waiting_room": True}
    }
    assert meeting_update_to_zoom(MeetingUpdate(security=MeetingSecurity(passcode_required=False))) == {"password": ""}


@pytest.mark.parametrize(
    ("security", "why"),
    [
        (MeetingSecurity(passcode=SecretStr("this-is-too-long")), "1-10 characters"),
        (MeetingSecurity(passcode=SecretStr("bad pass")), "1-10 characters"),
        (MeetingSecurity(waiting_room=WaitingRoom.OUTSIDERS), "account level"),
        (MeetingSecurity(join_before_host_minutes=15), "0, 5 or 10"),
        (MeetingSecurity(screen_sharing=ScreenSharing.HOST_ONLY), "who_can_share_screen"),
    ],
)
def test_unrepresentable_security(security: MeetingSecurity, why: str) -> None:
    with pytest.raises(UnrepresentableError, match=why):
        meeting_create_to_zoom(MeetingCreate(topic="x", security=security))


def test_topic_limit() -> None:
    with pytest.raises(UnrepresentableError, match="maximum is 200"):
        meeting_create_to_zoom(MeetingCreate(topic="x" * 201))


def test_user_from_zoom() -> None:
    raw = {
        "id": "KDcuGIm1QgePTO8WbOqwIQ",
        "email": "jchill@example.com",
        "first_name": "Jill",
        "last_name": "Chill",
        "display_name": "Jill Chill",
        "type": 2,
        "status": "active",
        "role_id": "2",
        "timezone": "Asia/Shanghai",
        "user_created_at": "2019-06-01T07:58:03Z",
        "dept": "Math",
        "pmi": 3542471135,
    }
    u = user_from_zoom(raw)
    assert (u.id, u.email, u.status, u.licensed, u.license_type, u.org_unit) == (
        "KDcuGIm1QgePTO8WbOqwIQ",
        "jchill@example.com",
        UserStatus.ACTIVE,
        True,
        "licensed",
        "Math",
    )
    assert u.created_at == datetime(2019, 6, 1, 7, 58, 3, tzinfo=UTC) and u.raw == raw
    pending = user_from_zoom({"email": "new@example.com", "status": "pending", "type": 1})
    assert pending.id is None and pending.status is UserStatus.PENDING and pending.licensed is False


@pytest.mark.parametrize(
    ("activation", "action"),
    [(UserActivation.SSO, "ssoCreate"), (UserActivation.INVITE, "create"), (UserActivation.NO_LOGIN, "custCreate")],
)
def test_user_create_actions(activation: UserActivation, action: str) -> None:
    body = user_create_to_zoom(UserCreate(email="a@b.example", first_name="A", activation=activation, licensed=False))
    assert body == {"action": action, "user_info": {"email": "a@b.example", "type": 1, "first_name": "A"}}


def test_user_create_autocreate_needs_password() -> None:
    with pytest.raises(UnrepresentableError, match="needs a password"):
        user_create_to_zoom(UserCreate(email="a@b.example", activation=UserActivation.PASSWORD))
    body = user_create_to_zoom(
        UserCreate(email="a@b.example", activation=UserActivation.PASSWORD, password=SecretStr("S3cret!!"))
    )
    assert body["action"] == "autoCreate" and body["user_info"]["password"] == "S3cret!!"


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        ("85746065432", "85746065432"),
        ("aDYlohsHRtCd4ii1uC2+hA==", "aDYlohsHRtCd4ii1uC2%2BhA%3D%3D"),
        ("/ajXp112QmuoKj4854875==", "%252FajXp112QmuoKj4854875%253D%253D"),
        ("ab//cd==", "ab%252F%252Fcd%253D%253D"),
    ],
)
def test_uuid_double_encoding(value: str, encoded: str) -> None:
    assert encode_meeting_id(value) == encoded
