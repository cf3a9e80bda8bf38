"""Google <-> neutral mapping on JSON shaped exactly as the discovery documents describe it (no HTTP)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

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
from confkit.providers.google import mapping
from confkit.providers.google.mapping import (
    MeetingRef,
    meeting_code_key,
    normalize_meeting_code,
    parse_meeting_id,
    security_from_space,
    space_config_for,
)
from confkit.recurrence import Recurrence
from confkit.testing.google import schema_problems

HOST = "ada.adams@staff.district.example"

EVENT: dict[str, Any] = {
    "kind": "calendar#event",
    "etag": '"3181161784712000"',
    "id": "abc123def456ghi789jkl0mnop",
    "status": "confirmed",
    "htmlLink": "https://www.google.com/calendar/event?eid=abc",
    "created": "2025-08-20T14:03:01.000Z",
    "updated": "2025-08-20T14:03:02.124Z",
    "summary": "Period 3 - Algebra",
    "description": "Bring a calculator",
    "creator": {"email": HOST, "self": True},
    "organizer": {"email": HOST, "self": True},
    "start": {"dateTime": "2025-09-02T09:00:00-05:00", "timeZone": "America/Chicago"},
    "end": {"dateTime": "2025-09-02T09:50:00-05:00", "timeZone": "America/Chicago"},
    "recurrence": [
        "RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR;UNTIL=20251219T235959Z",
        "EXDATE;TZID=America/Chicago:20251124T090000",
    ],
    "iCalUID": "abc123def456ghi789jkl0mnop@google.com",
    "sequence": 0,
    "hangoutLink": "https://meet.google.com/ntb-tydt-xbe",
    "conferenceData": {
        "createRequest": {
            "requestId": "7f9c2d0e",
            "conferenceSolutionKey": {"type": "hangoutsMeet"},
            "status": {"statusCode": "success"},
        },
        "entryPoints": [
            {
                "entryPointType": "video",
                "uri": "https://meet.google.com/ntb-tydt-xbe",
                "label": "meet.google.com/ntb-tydt-xbe",
            },
            {"entryPointType": "phone", "uri": "tel:+1-402-555-0100", "label": "+1 402-555-0100", "pin": "123456789"},
        ],
        "conferenceSolution": {"key": {"type": "hangoutsMeet"}, "name": "Google Meet", "iconUri": "https://x/logo.png"},
        "conferenceId": "ntb-tydt-xbe",
    },
    "reminders": {"useDefault": True},
    "eventType": "default",
}

SPACE: dict[str, Any] = {
    "name": "spaces/jQCFfuBOdN5z",
    "meetingUri": "https://meet.google.com/ntb-tydt-xbe",
    "meetingCode": "ntb-tydt-xbe",
    "config": {
        "accessType": "TRUSTED",
        "entryPointAccess": "ALL",
        "moderation": "ON",
        "moderationRestrictions": {
            "chatRestriction": "NO_RESTRICTION",
            "reactionRestriction": "NO_RESTRICTION",
            "presentRestriction": "HOSTS_ONLY",
            "defaultJoinAsViewerType": "OFF",
        },
        "attendanceReportGenerationType": "GENERATE_REPORT",
        "artifactConfig": {
            "recordingConfig": {"autoRecordingGeneration": "OFF"},
            "transcriptionConfig": {"autoTranscriptionGeneration": "OFF"},
            "smartNotesConfig": {"autoSmartNotesGeneration": "OFF"},
        },
    },
    "activeConference": {"conferenceRecord": "conferenceRecords/e2a9"},
    "phoneAccess": [{"phoneNumber": "+14025550100", "pin": "123456789", "regionCode": "US", "languageCode": "en"}],
}

USER: dict[str, Any] = {
    "kind": "admin#directory#user",
    "id": "104235523488001234567",
    "etag": '"abc"',
    "primaryEmail": "s123@students.district.example",
    "name": {"givenName": "Ada", "familyName": "Lovelace", "fullName": "Ada Lovelace"},
    "isAdmin": False,
    "isDelegatedAdmin": False,
    "creationTime": "2024-08-01T10:00:00.000Z",
    "suspended": True,
    "suspensionReason": "ADMIN",
    "orgUnitPath": "/Students/HS",
    "customerId": "C03az79cb",
}


def ok(value: Any, api: str, schema: str) -> None:
    assert schema_problems(value, {"$ref": schema}, api) == []


def test_discovery_samples_are_schema_shaped() -> None:
    ok(EVENT, "calendar", "Event")
    ok(SPACE, "meet", "Space")
    ok(USER, "directory", "User")


# -- meeting codes and ids ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "NTBTYDTXBE",
        "ntbtydtxbe",
        "ntb-tydt-xbe",
        " NTB-TYDT-XBE ",
        "https://meet.google.com/ntb-tydt-xbe",
        "meet.google.com/ntb-tydt-xbe?authuser=0",
    ],
)
def test_meeting_codes_normalise_to_the_meet_api_form(raw: str) -> None:
    assert normalize_meeting_code(raw) == "ntb-tydt-xbe"
    assert meeting_code_key(raw) == "ntbtydtxbe"


def test_longer_hyphenated_codes_are_kept_and_junk_is_refused() -> None:
    assert normalize_meeting_code("ABCD-EFGH-IJKL") == "abcd-efgh-ijkl"
    for bad in ("NTBTYDTX", "abc123", "", "ntb_tydt_xbe"):
        with pytest.raises(ValueError):
            normalize_meeting_code(bad)


def test_meeting_ids_name_the_organiser() -> None:
    assert parse_meeting_id(f"{HOST}/abc123") == MeetingRef(host=HOST, event_id="abc123")
    assert parse_meeting_id(f"{HOST}/spaces/jQCF") == MeetingRef(host=HOST, space_name="spaces/jQCF")
    assert MeetingRef(host=HOST, space_name="spaces/jQCF").id == f"{HOST}/spaces/jQCF"
    for bad in ("abc123", "nobody/abc", f"{HOST}/", f"{HOST}/spaces/", f"{HOST}/a/b"):
        with pytest.raises(UnrepresentableError):
            parse_meeting_id(bad)


# -- reading -----------------------------------------------------------------------------------------------


def test_event_and_space_to_meeting() -> None:
    meeting = mapping.meeting_from_event(EVENT, HOST, SPACE)
    assert meeting.id == f"{HOST}/abc123def456ghi789jkl0mnop"
    assert meeting.kind is MeetingKind.RECURRING
    assert meeting.topic == "Period 3 - Algebra" and meeting.agenda == "Bring a calculator"
    assert meeting.start_time == datetime(2025, 9, 2, 14, 0, tzinfo=UTC)
    assert meeting.duration_minutes == 50 and meeting.timezone == "America/Chicago"
    assert meeting.join_url == "https://meet.google.com/ntb-tydt-xbe"
    assert meeting.recurrence == Recurrence.parse("FREQ=WEEKLY;BYDAY=MO,WE,FR;UNTIL=20251219T235959Z")
    assert meeting.host_email == HOST and meeting.created_at == datetime(2025, 8, 20, 14, 3, 1, tzinfo=UTC)
    assert meeting.raw == {"event": EVENT, "space": SPACE}
    sec = meeting.security
    assert sec.waiting_room is WaitingRoom.OUTSIDERS and sec.screen_sharing is ScreenSharing.HOST_ONLY
    assert sec.auto_recording is AutoRecording.NONE
    # Meet has no passcodes, domains, join-before-host or mute-on-entry: unknown, never "off".
    assert sec.passcode is None and sec.passcode_required is None and sec.authenticated_only is None
    assert sec.join_before_host is None and sec.mute_on_entry is None and sec.allowed_domains is None


def test_event_without_space_and_instances() -> None:
    instance = EVENT | {"id": "abc_20250903T140000Z", "recurringEventId": "abc", "recurrence": []}
    meeting = mapping.meeting_from_event(instance, HOST)
    assert meeting.kind is MeetingKind.OCCURRENCE and meeting.recurrence is None
    assert meeting.security == MeetingSecurity() and "space" not in meeting.raw
    one_off = {k: v for k, v in EVENT.items() if k != "recurrence"}
    assert mapping.meeting_from_event(one_off, HOST).kind is MeetingKind.SCHEDULED


def test_an_rrule_the_model_cannot_hold_reads_as_none() -> None:
    assert mapping.recurrence_from_google(["RRULE:FREQ=WEEKLY;BYHOUR=9"]) is None
    assert mapping.recurrence_from_google(["EXDATE:20250101T000000Z"]) is None


def test_meet_events_and_codes() -> None:
    assert mapping.is_meet_event(EVENT) and mapping.meeting_code_of(EVENT) == "ntb-tydt-xbe"
    pending = EVENT | {
        "conferenceData": EVENT["conferenceData"]
        | {
            "createRequest": {
                "requestId": "x",
                "conferenceSolutionKey": {"type": "hangoutsMeet"},
                "status": {"statusCode": "pending"},
            }
        }
    }
    assert mapping.conference_status(pending) == "pending" and mapping.meeting_code_of(pending) is None
    other = EVENT | {"conferenceData": {"conferenceSolution": {"key": {"type": "addOn"}}, "conferenceId": "x"}}
    assert not mapping.is_meet_event(other) and mapping.meeting_code_of(other) is None
    assert not mapping.is_meet_event({"id": "x", "summary": "lunch"})


@pytest.mark.parametrize(
    ("access", "waiting", "auth"),
    [
        ("OPEN", WaitingRoom.OFF, False),
        ("TRUSTED", WaitingRoom.OUTSIDERS, None),
        ("RESTRICTED", WaitingRoom.EVERYONE, None),
        (None, None, None),
    ],
)
def test_access_type_reads_as_who_knocks(access: str | None, waiting: WaitingRoom | None, auth: bool | None) -> None:
    sec = security_from_space({"accessType": access} if access else {})
    assert sec.waiting_room is waiting and sec.authenticated_only is auth


def test_auto_capture_reads_as_cloud_when_anything_is_captured() -> None:
    def artifacts(rec: str, tr: str, notes: str) -> dict[str, Any]:
        return {
            "artifactConfig": {
                "recordingConfig": {"autoRecordingGeneration": rec},
                "transcriptionConfig": {"autoTranscriptionGeneration": tr},
                "smartNotesConfig": {"autoSmartNotesGeneration": notes},
            }
        }

    assert security_from_space(artifacts("ON", "OFF", "OFF")).auto_recording is AutoRecording.CLOUD
    assert security_from_space(artifacts("OFF", "ON", "OFF")).auto_recording is AutoRecording.CLOUD
    assert security_from_space(artifacts("OFF", "OFF", "ON")).auto_recording is AutoRecording.CLOUD
    assert security_from_space(artifacts("OFF", "OFF", "OFF")).auto_recording is AutoRecording.NONE
    assert security_from_space({}).auto_recording is None
    assert security_from_space({"moderation": "OFF"}).screen_sharing is ScreenSharing.ALL
    assert security_from_space({"moderation": "ON"}).screen_sharing is None


def test_space_meeting() -> None:
    meeting = mapping.meeting_from_space(SPACE, HOST)
    assert meeting.kind is MeetingKind.SPACE and meeting.id == f"{HOST}/spaces/jQCFfuBOdN5z"
    assert meeting.topic == "Meet ntb-tydt-xbe" and meeting.join_url == SPACE["meetingUri"]
    assert meeting.start_time is None and meeting.raw == {"space": SPACE}


# -- writing --------------------------------------------------------------------------------------------------


def test_security_to_space_config_with_update_mask() -> None:
    sec = MeetingSecurity(
        waiting_room=WaitingRoom.EVERYONE,
        screen_sharing=ScreenSharing.HOST_ONLY,
        auto_recording=AutoRecording.NONE,
        passcode_required=False,
    )
    config, mask = space_config_for(sec, None, {"entryPointAccess": "CREATOR_APP_ONLY"})
    assert config == {
        "accessType": "RESTRICTED",
        "moderation": "ON",
        "moderationRestrictions": {"presentRestriction": "HOSTS_ONLY"},
        "artifactConfig": {
            "recordingConfig": {"autoRecordingGeneration": "OFF"},
            "transcriptionConfig": {"autoTranscriptionGeneration": "OFF"},
            "smartNotesConfig": {"autoSmartNotesGeneration": "OFF"},
        },
        "entryPointAccess": "CREATOR_APP_ONLY",
    }
    assert mask == [
        "config.accessType",
        "config.moderation",
        "config.moderationRestrictions.presentRestriction",
        "config.artifactConfig.recordingConfig.autoRecordingGeneration",
        "config.artifactConfig.transcriptionConfig.autoTranscriptionGeneration",
        "config.artifactConfig.smartNotesConfig.autoSmartNotesGeneration",
        "config.entryPointAccess",
    ]
    ok({"config": config}, "meet", "Space")
    assert space_config_for(MeetingSecurity(), None) == ({}, [])
    assert space_config_for(None, None, None) == ({}, [])


def test_authenticated_only_makes_unauthenticated_users_knock() -> None:
    assert space_config_for(MeetingSecurity(authenticated_only=True), {"accessType": "OPEN"})[0] == {
        "accessType": "TRUSTED"
    }
    assert space_config_for(MeetingSecurity(authenticated_only=True), {"accessType": "RESTRICTED"}) == ({}, [])
    assert space_config_for(MeetingSecurity(authenticated_only=True), None)[0] == {"accessType": "TRUSTED"}
    assert space_config_for(MeetingSecurity(authenticated_only=False), {"accessType": "TRUSTED"}) == ({}, [])
    with pytest.raises(UnrepresentableError, match="OPEN"):
        space_config_for(MeetingSecurity(authenticated_only=True, waiting_room=WaitingRoom.OFF), None)


@pytest.mark.parametrize(
    "sec",
    [
        MeetingSecurity(passcode=SecretStr("123456")),
        MeetingSecurity(passcode_required=True),
        MeetingSecurity(allowed_domains=["district.example"]),
        MeetingSecurity(join_before_host=False),
        MeetingSecurity(join_before_host_minutes=5),
        MeetingSecurity(mute_on_entry=True),
        MeetingSecurity(auto_recording=AutoRecording.LOCAL),
    ],
)
def test_what_meet_cannot_express_is_refused(sec: MeetingSecurity) -> None:
    with pytest.raises(UnrepresentableError) as info:
        space_config_for(sec, None)
    assert "123456" not in str(info.value)


def test_passcode_refusal_names_the_equivalent_protection() -> None:
    with pytest.raises(UnrepresentableError, match="knocking"):
        space_config_for(MeetingSecurity(passcode_required=True), None)


def test_event_insert_body_is_discovery_shaped() -> None:
    data = MeetingCreate(
        topic="Period 3 - Algebra",
        start_time=datetime(2025, 9, 2, 14, tzinfo=UTC),
        duration_minutes=50,
        timezone="America/Chicago",
        agenda="Bring a calculator",
        recurrence=Recurrence.parse("FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=30"),
        provider_options={"attendees": [{"email": "s123@students.district.example"}], "space_config": {"x": 1}},
    )
    body = mapping.event_insert_body(data, request_id="req-1")
    assert body == {
        "summary": "Period 3 - Algebra",
        "start": {"dateTime": "2025-09-02T09:00:00-05:00", "timeZone": "America/Chicago"},
        "end": {"dateTime": "2025-09-02T09:50:00-05:00", "timeZone": "America/Chicago"},
        "description": "Bring a calculator",
        "recurrence": ["RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=30"],
        "conferenceData": {"createRequest": {"requestId": "req-1", "conferenceSolutionKey": {"type": "hangoutsMeet"}}},
        "attendees": [{"email": "s123@students.district.example"}],
    }
    ok(body, "calendar", "Event")


def test_recurring_events_get_a_time_zone_and_one_offs_keep_utc() -> None:
    rec = MeetingCreate(
        topic="t", start_time=datetime(2025, 9, 2, 14, tzinfo=UTC), recurrence=Recurrence.parse("FREQ=DAILY;COUNT=2")
    )
    assert mapping.event_insert_body(rec, "r")["start"] == {"dateTime": "2025-09-02T14:00:00Z", "timeZone": "UTC"}
    one = MeetingCreate(topic="t", start_time=datetime(2025, 9, 2, 14, tzinfo=UTC))
    assert mapping.event_insert_body(one, "r")["start"] == {"dateTime": "2025-09-02T14:00:00Z"}
    with pytest.raises(UnrepresentableError, match="IANA"):
        mapping.event_insert_body(one.model_copy(update={"timezone": "Mars/Olympus"}), "r")


def test_event_patch_keeps_duration_and_exdates() -> None:
    moved = mapping.event_patch_body(MeetingUpdate(start_time=datetime(2025, 9, 3, 15, tzinfo=UTC)), EVENT)
    assert moved == {
        "start": {"dateTime": "2025-09-03T10:00:00-05:00", "timeZone": "America/Chicago"},
        "end": {"dateTime": "2025-09-03T10:50:00-05:00", "timeZone": "America/Chicago"},
    }
    longer = mapping.event_patch_body(MeetingUpdate(duration_minutes=80, topic="x"), EVENT)
    assert longer["end"]["dateTime"] == "2025-09-02T10:20:00-05:00" and longer["summary"] == "x"
    rule = mapping.event_patch_body(MeetingUpdate(recurrence=Recurrence.parse("FREQ=WEEKLY;BYDAY=TU;COUNT=4")), EVENT)
    assert rule == {"recurrence": ["RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=4", "EXDATE;TZID=America/Chicago:20251124T090000"]}
    assert mapping.event_patch_body(MeetingUpdate(), EVENT) == {}
    ok(moved, "calendar", "Event")


def test_standalone_spaces_refuse_what_they_cannot_hold() -> None:
    with pytest.raises(UnrepresentableError, match="agenda"):
        mapping.check_space_create(MeetingCreate(topic="t", agenda="a"))
    with pytest.raises(UnrepresentableError, match="recurrence"):
        mapping.check_space_create(MeetingCreate(topic="t", recurrence=Recurrence.parse("FREQ=DAILY;COUNT=2")))
    with pytest.raises(UnrepresentableError):
        mapping.check_space_update(MeetingUpdate(topic="new"))
    mapping.check_space_create(MeetingCreate(topic="t", provider_options={"space_config": {"moderation": "ON"}}))
    mapping.check_space_update(MeetingUpdate(security=MeetingSecurity(waiting_room=WaitingRoom.OFF)))


# -- users ------------------------------------------------------------------------------------------------------


def test_directory_user_to_neutral() -> None:
    user = mapping.user_from_google(USER)
    assert user.id == "104235523488001234567" and user.email == "s123@students.district.example"
    assert (user.first_name, user.last_name, user.display_name) == ("Ada", "Lovelace", "Ada Lovelace")
    assert user.status is UserStatus.INACTIVE and user.org_unit == "/Students/HS" and user.roles == []
    assert user.licensed is None and user.raw == USER
    admin = mapping.user_from_google(USER | {"suspended": False, "isAdmin": True})
    assert admin.status is UserStatus.ACTIVE and admin.roles == ["super_admin"]


def test_user_insert_body() -> None:
    sso = UserCreate(email="s1@students.district.example", first_name="A", last_name="B", org_unit="/Students")
    body = mapping.user_insert_body(sso, generated_password="random-unused-secret")
    assert body == {
        "primaryEmail": "s1@students.district.example",
        "name": {"givenName": "A", "familyName": "B"},
        "password": "random-unused-secret",
        "orgUnitPath": "/Students",
    }
    ok(body, "directory", "User")
    own = sso.model_copy(update={"activation": UserActivation.PASSWORD, "password": SecretStr("s3cret-pass")})
    assert mapping.user_insert_body(own, generated_password="x")["password"] == "s3cret-pass"


@pytest.mark.parametrize(
    "update",
    [
        {"first_name": None},
        {"licensed": False},
        {"activation": UserActivation.INVITE},
        {"activation": UserActivation.NO_LOGIN},
        {"activation": UserActivation.PASSWORD},
        {"password": SecretStr("x" * 10)},
        {"org_unit": "Students"},
    ],
)
def test_user_insert_refusals(update: dict[str, Any]) -> None:
    data = UserCreate(email="s1@students.district.example", first_name="A", last_name="B").model_copy(update=update)
    with pytest.raises(UnrepresentableError):
        mapping.user_insert_body(data, generated_password="x")


def test_status_queries() -> None:
    assert mapping.status_query(UserStatus.ACTIVE) == "isSuspended=false"
    assert mapping.status_query(UserStatus.INACTIVE) == "isSuspended=true"
    assert mapping.status_query(None) is None


# -- policies and the audit log ----------------------------------------------------------------------------------


def test_policy_section_keys() -> None:
    policy = {
        "name": "policies/abc",
        "customer": "customers/C03",
        "type": "ADMIN",
        "policyQuery": {"orgUnit": "orgUnits/03ph8a2z1", "sortOrder": 1},
        "setting": {"type": "settings/meet.safety_domain", "value": {"usersAllowedToJoin": "LOGGED_IN"}},
    }
    ok(policy, "cloudidentity", "Policy")
    assert mapping.policy_section_key(policy, {"orgUnits/03ph8a2z1": "/Students"}) == "meet.safety_domain@/Students"
    assert mapping.policy_section_key(policy, {}) == "meet.safety_domain@orgUnits/03ph8a2z1"
    group = policy | {"policyQuery": {"group": "groups/0abc"}}
    assert mapping.policy_section_key(group, {}) == "meet.safety_domain@groups/0abc"
    assert mapping.org_unit_resource("id:03ph8a2z1") == "orgUnits/03ph8a2z1"


def test_audit_events_flatten_int64_strings_and_normalise_codes() -> None:
    activity = {
        "kind": "admin#reports#activity",
        "id": {
            "time": "2025-04-11T09:34:45.696Z",
            "uniqueQualifier": "-3005012346",
            "applicationName": "meet",
            "customerId": "C03",
        },
        "actor": {"callerType": "USER", "email": HOST, "profileId": "1"},
        "events": [
            {
                "type": "call",
                "name": "call_ended",
                "parameters": [
                    {"name": "meeting_code", "value": "NTBTYDTXBE"},
                    {"name": "is_external", "boolValue": False},
                    {"name": "duration_seconds", "intValue": "762"},
                    {"name": "target_display_names", "multiValue": ["A", "B"]},
                    {"name": "conference_id", "value": "-PeisjX_5iUtKPuGffkJDaBcdEfgh"},
                ],
            }
        ],
    }
    ok(activity, "reports", "Activity")
    [event] = mapping.audit_events(activity)
    assert event.name == "call_ended" and event.meeting_code == "ntb-tydt-xbe"
    assert event.parameters["duration_seconds"] == 762 and event.parameters["is_external"] is False
    assert event.parameters["target_display_names"] == ["A", "B"]
    assert event.conference_id == "-PeisjX_5iUtKPuGffkJDaBcdEfgh" and event.actor_email == HOST
    assert event.time == datetime(2025, 4, 11, 9, 34, 45, 696000, tzinfo=UTC)
    anonymous = activity | {"actor": {"callerType": "KEY", "key": "HANGOUTS_EXTERNAL_OR_ANONYMOUS"}}
    assert mapping.audit_events(anonymous)[0].actor_email is None
