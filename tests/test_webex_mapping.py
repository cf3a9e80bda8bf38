"""Webex JSON <-> neutral models, on JSON shaped as Cisco's OpenAPI files (no HTTP)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import SecretStr

from confkit.errors import UnrepresentableError
from confkit.models import (
    AutoRecording,
    Meeting,
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
from confkit.providers.webex.mapping import (
    Catalog,
    check_common_settings,
    meeting_create_to_webex,
    meeting_from_webex,
    meeting_update_to_webex,
    person_update_body,
    security_from_webex,
    security_to_webex,
    user_create_to_webex,
    user_from_webex,
)
from confkit.providers.webex.wire import WebexLicense
from confkit.recurrence import Recurrence

NOW = datetime(2026, 1, 5, 12, tzinfo=UTC)

# The 200 example of POST /meetings in webex-meeting.json (MeetingSeriesObject), trimmed of the
# registration and interpretation blocks.
SERIES: dict[str, Any] = {
    "id": "870f51ff287b41be84648412901e0402",
    "meetingNumber": "123456789",
    "title": "Example Daily Meeting",
    "agenda": "Example Agenda",
    "password": "BgJep@43",
    "phoneAndVideoSystemPassword": "12345678",
    "meetingType": "meetingSeries",
    "state": "active",
    "timezone": "Asia/Shanghai",
    "start": "2019-11-01T20:00:00+08:00",
    "end": "2019-11-01T21:00:00+08:00",
    "recurrence": "FREQ=DAILY;COUNT=10;INTERVAL=1",
    "hostUserId": "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9jN2ZkNzNmMi05ZjFlLTQ3ZjctYWEwNS05ZWI5OGJiNjljYzY",
    "hostDisplayName": "John Andersen",
    "hostEmail": "john.andersen@example.com",
    "hostKey": "123456",
    "siteUrl": "site4-example.webex.com",
    "webLink": "https://site4-example.webex.com/site4/j.php?MTID=md41817da6a55b0925530cb88b3577b1e",
    "sipAddress": "123456789@site4-example.webex.com",
    "dialInIpAddress": "192.168.100.100",
    "enabledAutoRecordMeeting": False,
    "allowAnyUserToBeCoHost": False,
    "enabledJoinBeforeHost": False,
    "enableConnectAudioBeforeHost": False,
    "joinBeforeHostMinutes": 0,
    "excludePassword": False,
    "publicMeeting": False,
    "reminderTime": 10,
    "unlockedMeetingJoinSecurity": "allowJoin",
    "sessionTypeId": 3,
    "enableAutomaticLock": False,
    "automaticLockMinutes": 0,
    "allowFirstUserToBeCoHost": False,
    "allowAuthenticatedDevices": False,
    "telephony": {
        "accessCode": "1234567890",
        "callInNumbers": [{"label": "US Toll", "callInNumber": "123456789", "tollType": "toll"}],
        "links": [{"rel": "globalCallinNumbers", "href": "/api/v1/meetings/870f/globalCallinNumbers", "method": "GET"}],
    },
    "meetingOptions": {"enabledChat": True, "enabledVideo": True, "enabledNote": True, "noteType": "allowAll"},
    "attendeePrivileges": {"enabledShareContent": True, "enabledViewParticipantList": True},
    "enabledBreakoutSessions": False,
    "audioConnectionOptions": {
        "audioConnectionType": "webexAudio",
        "entryAndExitTone": "beep",
        "allowAttendeeToUnmuteSelf": True,
        "muteAttendeeUponEntry": True,
    },
    "requireAttendeeLogin": False,
    "restrictToInvitees": False,
}

# The 200 example of GET /people/{personId} (Person, admin view), as webex-admin.json shapes it.
PERSON: dict[str, Any] = {
    "id": "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9mNWIzNjE4Ny1jOGRkLTQ3MjctOGIyZi1mOWM0NDdmMjkwNDY",
    "emails": ["john.andersen@example.com"],
    "phoneNumbers": [
        {"type": "work", "value": "+1 408 526 7209", "primary": True},
        {"type": "mobile", "value": "+1 408 555 0100", "primary": False},
    ],
    "displayName": "John Andersen",
    "nickName": "John",
    "firstName": "John",
    "lastName": "Andersen",
    "orgId": "Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi85NmFiYzJhYS0zZGNjLTExZTUtYTE1Mi1mZTM0ODE5Y2RjOWE",
    "roles": ["ROLE-FULL"],
    "licenses": ["LIC-MEETING", "LIC-MSG"],
    "department": "Sales",
    "created": "2015-10-18T14:26:16.000Z",
    "lastModified": "2015-10-18T14:26:16.000Z",
    "timezone": "America/Denver",
    "siteUrls": ["mysite.webex.com#attendee"],
    "status": "active",
    "invitePending": "false",
    "loginEnabled": "true",
    "type": "person",
}

CATALOG = Catalog(
    licenses={
        "LIC-MEETING": WebexLicense(id="LIC-MEETING", name="Meeting - Webex Enterprise Edition", siteUrl="x.webex.com"),
        "LIC-MSG": WebexLicense(id="LIC-MSG", name="Messaging"),
    },
    roles={"ROLE-FULL": "Full Administrator"},
)


# -- meetings -------------------------------------------------------------------------------------------


def test_series_from_webex_keeps_everything() -> None:
    m = meeting_from_webex(SERIES)
    assert m.provider == "webex" and m.id == SERIES["id"] and m.kind is MeetingKind.RECURRING
    assert m.topic == "Example Daily Meeting" and m.agenda == "Example Agenda"
    assert m.start_time == datetime(2019, 11, 1, 12, tzinfo=UTC) and m.duration_minutes == 60
    assert m.timezone == "Asia/Shanghai" and m.host_email == "john.andersen@example.com"
    assert m.host_id == SERIES["hostUserId"] and m.join_url == SERIES["webLink"]
    assert m.recurrence == Recurrence.parse("FREQ=DAILY;COUNT=10")
    assert m.raw == SERIES and m.raw["enableAutomaticLock"] is False  # no neutral field: stays in raw


def test_security_from_webex() -> None:
    sec = security_from_webex(SERIES)
    assert sec.passcode_value() == "BgJep@43" and sec.passcode_required is True
    assert sec.waiting_room is WaitingRoom.OFF
    assert sec.join_before_host is False and sec.join_before_host_minutes == 0
    assert sec.mute_on_entry is True and sec.auto_recording is AutoRecording.NONE
    assert sec.screen_sharing is ScreenSharing.ALL
    assert sec.authenticated_only is None and sec.allowed_domains is None


@pytest.mark.parametrize(
    ("value", "room"),
    [
        ("allowJoin", WaitingRoom.OFF),
        ("allowJoinWithLobby", WaitingRoom.OUTSIDERS),
        ("blockFromJoin", WaitingRoom.OUTSIDERS),
    ],
)
def test_lobby_values(value: str, room: WaitingRoom) -> None:
    assert security_from_webex({**SERIES, "unlockedMeetingJoinSecurity": value}).waiting_room is room


@pytest.mark.parametrize(
    ("lobby", "lock", "minutes", "room"),
    [
        ("allowJoinWithLobby", True, 0, WaitingRoom.EVERYONE),  # locked at the start: everyone waits
        ("allowJoinWithLobby", True, 5, WaitingRoom.OUTSIDERS),  # invitees walk in for five minutes
        ("allowJoinWithLobby", False, 0, WaitingRoom.OUTSIDERS),
        ("allowJoinWithLobby", None, None, WaitingRoom.OUTSIDERS),
        ("blockFromJoin", True, 0, WaitingRoom.OUTSIDERS),  # as before; the exact value stays in raw
        ("allowJoin", True, 0, WaitingRoom.OFF),  # once a host unlocks it, anyone walks in
        (None, True, 0, None),
    ],
)
def test_waiting_room_reads_lobby_and_automatic_lock(
    lobby: str | None, lock: bool | None, minutes: int | None, room: WaitingRoom | None
) -> None:
    data = {
        **SERIES,
        "unlockedMeetingJoinSecurity": lobby,
        "enableAutomaticLock": lock,
        "automaticLockMinutes": minutes,
    }
    assert security_from_webex(data).waiting_room is room


@pytest.mark.parametrize(
    ("room", "body"),
    [
        (
            WaitingRoom.EVERYONE,
            {
                "unlockedMeetingJoinSecurity": "allowJoinWithLobby",
                "enableAutomaticLock": True,
                "automaticLockMinutes": 0,
            },
        ),
        (WaitingRoom.OUTSIDERS, {"unlockedMeetingJoinSecurity": "allowJoinWithLobby", "enableAutomaticLock": False}),
        (WaitingRoom.OFF, {"unlockedMeetingJoinSecurity": "allowJoin"}),
    ],
)
def test_waiting_room_writes_and_reads_back(room: WaitingRoom, body: dict[str, Any]) -> None:
    assert security_to_webex(MeetingSecurity(waiting_room=room)) == body
    for before in ({}, {"enableAutomaticLock": True, "automaticLockMinutes": 0}, {"enableAutomaticLock": True}):
        assert security_from_webex({**SERIES, **before, **body}).waiting_room is room


def test_an_automatic_lock_after_some_minutes_goes_through_provider_options() -> None:
    body = meeting_create_to_webex(
        _create(
            security=MeetingSecurity(waiting_room=WaitingRoom.OUTSIDERS),
            provider_options={"enableAutomaticLock": True, "automaticLockMinutes": 10},
        ),
        host_email=None,
        site_url=None,
        now=NOW,
    )
    assert body["enableAutomaticLock"] is True and body["automaticLockMinutes"] == 10
    assert security_from_webex({**SERIES, **body}).waiting_room is WaitingRoom.OUTSIDERS


def test_admin_view_without_password_says_unknown() -> None:
    view = {k: v for k, v in SERIES.items() if k not in ("password", "agenda", "webLink", "hostKey")}
    sec = security_from_webex(view)
    assert sec.passcode is None and sec.passcode_required is None


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        ({"meetingType": "meetingSeries"}, MeetingKind.RECURRING),
        ({"meetingType": "meetingSeries", "recurrence": None}, MeetingKind.SCHEDULED),
        ({"meetingType": "scheduledMeeting", "id": "870f_20191101T120000Z"}, MeetingKind.OCCURRENCE),
        ({"meetingType": "meeting", "id": "870f_I_191395283063545470"}, MeetingKind.INSTANCE),
    ],
)
def test_kinds(data: dict[str, Any], kind: MeetingKind) -> None:
    m = meeting_from_webex({**SERIES, **data})
    assert m.kind is kind
    if kind is not MeetingKind.RECURRING:
        assert m.recurrence is None  # only a series carries its rule


def test_unknown_rrule_stays_in_raw() -> None:
    m = meeting_from_webex({**SERIES, "recurrence": "FREQ=WEEKLY;BYWEEKNO=20"})
    assert m.recurrence is None and m.raw["recurrence"] == "FREQ=WEEKLY;BYWEEKNO=20"


def _create(**kw: Any) -> MeetingCreate:
    base: dict[str, Any] = {
        "topic": "Algebra I - P3",
        "start_time": datetime(2026, 2, 3, 15, tzinfo=UTC),
        "duration_minutes": 50,
        "timezone": "America/Chicago",
    }
    return MeetingCreate(**(base | kw))


def test_create_body() -> None:
    data = _create(
        agenda="Linear equations",
        recurrence=Recurrence.parse("FREQ=WEEKLY;BYDAY=TU,TH;COUNT=20"),
        security=MeetingSecurity(
            passcode=SecretStr("Alg3bra26"),
            waiting_room=WaitingRoom.OUTSIDERS,
            join_before_host=True,
            join_before_host_minutes=5,
            mute_on_entry=True,
            auto_recording=AutoRecording.CLOUD,
            screen_sharing=ScreenSharing.HOST_ONLY,
        ),
        provider_options={
            "enableAutomaticLock": True,
            "automaticLockMinutes": 0,
            "audioConnectionOptions": {"allowAttendeeToUnmuteSelf": False},
        },
    )
    body = meeting_create_to_webex(data, host_email="ada@district.example", site_url="d.webex.com", now=NOW)
    assert body == {
        "title": "Algebra I - P3",
        "start": "2026-02-03T09:00:00-06:00",
        "end": "2026-02-03T09:50:00-06:00",
        "timezone": "America/Chicago",
        "agenda": "Linear equations",
        "recurrence": "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=20",
        "password": "Alg3bra26",
        "unlockedMeetingJoinSecurity": "allowJoinWithLobby",
        "enabledJoinBeforeHost": True,
        "joinBeforeHostMinutes": 5,
        "audioConnectionOptions": {"muteAttendeeUponEntry": True, "allowAttendeeToUnmuteSelf": False},
        "enabledAutoRecordMeeting": True,
        "attendeePrivileges": {"enabledShareContent": False},
        "hostEmail": "ada@district.example",
        "siteUrl": "d.webex.com",
        "enableAutomaticLock": True,
        "automaticLockMinutes": 0,
    }


def test_create_without_timezone_is_utc() -> None:
    body = meeting_create_to_webex(_create(timezone=None), host_email=None, site_url=None, now=NOW)
    assert body["start"] == "2026-02-03T15:00:00Z" and body["end"] == "2026-02-03T15:50:00Z"
    assert "timezone" not in body and "hostEmail" not in body and "siteUrl" not in body


def test_security_round_trip() -> None:
    sec = MeetingSecurity(
        passcode=SecretStr("Xy7kP2mQ"),
        passcode_required=True,
        waiting_room=WaitingRoom.OFF,
        join_before_host=False,
        join_before_host_minutes=0,
        mute_on_entry=False,
        auto_recording=AutoRecording.NONE,
        screen_sharing=ScreenSharing.ALL,
    )
    back = security_from_webex({**SERIES, **security_to_webex(sec)})
    assert back.model_dump(exclude={"passcode"}) == sec.model_dump(exclude={"passcode"})
    assert back.passcode_value() == "Xy7kP2mQ"


@pytest.mark.parametrize(
    ("sec", "needle"),
    [
        (MeetingSecurity(passcode_required=False), "every Webex meeting has one"),
        (MeetingSecurity(authenticated_only=True), "webinars"),
        (MeetingSecurity(allowed_domains=["district.example"]), "allow-list"),
        (MeetingSecurity(join_before_host_minutes=7), "0, 5, 10 or 15"),
        (MeetingSecurity(auto_recording=AutoRecording.LOCAL), "cloud"),
        (MeetingSecurity(passcode=SecretStr("")), "empty password"),
    ],
)
def test_unrepresentable_security(sec: MeetingSecurity, needle: str) -> None:
    with pytest.raises(UnrepresentableError, match=needle):
        security_to_webex(sec)


def test_authenticated_only_false_and_no_domains_are_fine() -> None:
    assert security_to_webex(MeetingSecurity(authenticated_only=False, allowed_domains=[])) == {}


@pytest.mark.parametrize(
    ("kw", "needle"),
    [
        ({"duration_minutes": 9}, "10 minutes to 23 hours 59"),
        ({"duration_minutes": 24 * 60}, "10 minutes to 23 hours 59"),
        ({"start_time": None}, "start time"),
        ({"start_time": NOW + timedelta(days=3660)}, "ten years"),
        ({"topic": "x" * 129}, "title of 129"),
        ({"agenda": "x" * 1301}, "agenda of 1301"),
        ({"timezone": "Mars/Olympus"}, "IANA"),
    ],
)
def test_create_refuses_what_webex_refuses(kw: dict[str, Any], needle: str) -> None:
    with pytest.raises(UnrepresentableError, match=needle):
        meeting_create_to_webex(_create(**kw), host_email=None, site_url=None, now=NOW)


def test_duration_limits_are_inclusive() -> None:
    for minutes in (10, 23 * 60 + 59):
        body = meeting_create_to_webex(_create(duration_minutes=minutes), host_email=None, site_url=None, now=NOW)
        assert body["end"]


def _current(**kw: Any) -> Meeting:
    return meeting_from_webex({**SERIES, "timezone": "UTC", "start": "2026-02-03T15:00:00Z",
                               "end": "2026-02-03T15:50:00Z", **kw})  # fmt: skip


def test_update_body_only_what_is_set() -> None:
    body = meeting_update_to_webex(
        MeetingUpdate(topic="Renamed", security=MeetingSecurity(mute_on_entry=False)),
        current=None,
        host_email="ada@district.example",
        now=NOW,
    )
    assert body == {
        "title": "Renamed",
        "audioConnectionOptions": {"muteAttendeeUponEntry": False},
        "hostEmail": "ada@district.example",
    }


def test_update_duration_only_keeps_start() -> None:
    body = meeting_update_to_webex(MeetingUpdate(duration_minutes=45), current=_current(), host_email=None, now=NOW)
    assert body == {"start": "2026-02-03T15:00:00Z", "end": "2026-02-03T15:45:00Z"}


def test_update_start_only_keeps_duration_and_zone() -> None:
    current = _current(timezone="America/Chicago")
    body = meeting_update_to_webex(
        MeetingUpdate(start_time=datetime(2026, 2, 4, 16, tzinfo=UTC)), current=current, host_email=None, now=NOW
    )
    assert body == {"start": "2026-02-04T10:00:00-06:00", "end": "2026-02-04T10:50:00-06:00"}


def test_update_partial_time_needs_the_current_meeting() -> None:
    with pytest.raises(ValueError, match="current meeting"):
        meeting_update_to_webex(MeetingUpdate(duration_minutes=45), current=None, host_email=None, now=NOW)


def test_update_recurrence_on_an_occurrence_is_refused() -> None:
    occurrence = _current(meetingType="scheduledMeeting", id="870f_20260203T150000Z")
    with pytest.raises(UnrepresentableError, match="only a meeting series"):
        meeting_update_to_webex(
            MeetingUpdate(recurrence=Recurrence.parse("FREQ=DAILY;COUNT=3")), current=occurrence, host_email=None,
            now=NOW,
        )  # fmt: skip


def test_empty_update_is_empty() -> None:
    assert meeting_update_to_webex(MeetingUpdate(), current=None, host_email="a@b.example", now=NOW) == {}


def test_provider_options_can_clear_the_recurrence() -> None:
    body = meeting_update_to_webex(
        MeetingUpdate(provider_options={"recurrence": None}), current=None, host_email=None, now=NOW
    )
    assert body == {"recurrence": None}


# -- people ---------------------------------------------------------------------------------------------


def test_person_from_webex_with_catalog() -> None:
    u = user_from_webex(PERSON, CATALOG)
    assert u.provider == "webex" and u.id == PERSON["id"] and u.email == "john.andersen@example.com"
    assert (u.first_name, u.last_name, u.display_name) == ("John", "Andersen", "John Andersen")
    assert u.status is UserStatus.ACTIVE and u.licensed is True
    assert u.license_type == "Meeting - Webex Enterprise Edition" and u.roles == ["Full Administrator"]
    assert u.timezone == "America/Denver" and u.created_at == datetime(2015, 10, 18, 14, 26, 16, tzinfo=UTC)
    assert u.raw == PERSON


def test_person_without_catalog_keeps_ids() -> None:
    u = user_from_webex(PERSON)
    assert u.licensed is True and u.license_type is None and u.roles == ["ROLE-FULL"]


def test_messaging_only_person_is_not_licensed_for_meetings() -> None:
    assert user_from_webex({**PERSON, "licenses": ["LIC-MSG"]}, CATALOG).licensed is False


def test_person_without_licenses_field_is_unknown() -> None:
    view = {k: v for k, v in PERSON.items() if k not in ("licenses", "roles")}  # GET /people?id= omits them
    u = user_from_webex(view, CATALOG)
    assert u.licensed is None and u.roles == []


@pytest.mark.parametrize(
    ("login", "pending", "status"),
    [
        ("true", "false", UserStatus.ACTIVE),
        ("false", "false", UserStatus.INACTIVE),
        ("true", "true", UserStatus.PENDING),
        ("false", "true", UserStatus.INACTIVE),
        (True, False, UserStatus.ACTIVE),  # a boolean is tolerated
    ],
)
def test_person_status(login: Any, pending: Any, status: UserStatus) -> None:
    assert user_from_webex({**PERSON, "loginEnabled": login, "invitePending": pending}).status is status


def test_person_status_is_not_presence() -> None:
    assert user_from_webex({**PERSON, "status": "inactive"}).status is UserStatus.ACTIVE


def test_create_person_body() -> None:
    body = user_create_to_webex(
        UserCreate(email="new@district.example", first_name="New", last_name="Teacher", org_unit="LOC-1"),
        licenses=["LIC-MEETING"],
    )
    assert body == {
        "emails": ["new@district.example"],
        "displayName": "New Teacher",
        "firstName": "New",
        "lastName": "Teacher",
        "licenses": ["LIC-MEETING"],
        "locationId": "LOC-1",
    }


def test_create_unlicensed_person_sends_no_licences() -> None:
    body = user_create_to_webex(
        UserCreate(email="s@district.example", display_name="S", licensed=False), licenses=["L"]
    )
    assert body["licenses"] == []


def test_create_licensed_person_without_configured_licences_leaves_it_to_webex() -> None:
    assert "licenses" not in user_create_to_webex(UserCreate(email="s@d.example", display_name="S"), licenses=[])


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (UserCreate(email="a@d.example", display_name="A", activation=UserActivation.PASSWORD,
                    password=SecretStr("x")), "password"),
        (UserCreate(email="a@d.example", display_name="A", activation=UserActivation.NO_LOGIN), "set_user_status"),
        (UserCreate(email="a@d.example"), "without a name"),
    ],
)  # fmt: skip
def test_create_person_refusals(data: UserCreate, needle: str) -> None:
    with pytest.raises(UnrepresentableError, match=needle):
        user_create_to_webex(data, licenses=[])


def test_person_update_body_is_a_full_replace_with_login_enabled() -> None:
    body = person_update_body(copy.deepcopy(PERSON), login_enabled=False)
    assert body["loginEnabled"] is False  # a boolean in the PUT body, a string in responses
    assert body["displayName"] == "John Andersen" and body["emails"] == PERSON["emails"]
    assert body["licenses"] == PERSON["licenses"] and body["roles"] == PERSON["roles"]
    assert body["phoneNumbers"] == [{"type": "work", "value": "+1 408 526 7209"}]
    put_fields = {"emails", "phoneNumbers", "extension", "locationId", "displayName", "firstName", "lastName",
                  "nickName", "avatar", "orgId", "roles", "licenses", "department", "manager", "managerId", "title",
                  "addresses", "siteUrls", "loginEnabled"}  # fmt: skip
    assert set(body) <= put_fields


def test_person_update_body_derives_a_display_name() -> None:
    body = person_update_body({"emails": ["x@d.example"], "firstName": "X"}, login_enabled=True)
    assert body["displayName"] == "X"


# -- site settings ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"telephonyConfig": {"VoIP": False}}, "read-only"),
        ({"lobby": {}}, "lobby"),
        ({"defaultSchedulerOptions": {"tollFree": True}}, "entryAndExitTone"),
        ({"securityOptions": {"audioBeforeHost": True, "joinBeforeHost": False}}, "audioBeforeHost"),
        ({"securityOptions": {"requireStrongPassword": False, "passwordCriteria": {}}}, "requireStrongPassword"),
        ({"securityOptions": {"passwordCriteria": {"minLength": 13}}}, "minLength=13"),
        ({"securityOptions": {"passwordCriteria": {"disallowValues": ["a", "a"]}}}, "repeated"),
    ],
)
def test_common_settings_checks(body: dict[str, Any], needle: str) -> None:
    with pytest.raises(UnrepresentableError, match=needle):
        check_common_settings(body)


def test_common_settings_valid_patch_passes() -> None:
    check_common_settings(
        {
            "defaultSchedulerOptions": {"entryAndExitTone": "NoTone", "telephonySupport": "None"},
            "securityOptions": {"requireStrongPassword": True, "passwordCriteria": {"minLength": 12}},
        }
    )
