"""Webex log streams: golden mappings of spec-shaped records, and the collector against FakeWebex
(incremental, lossless under faults: the stored set is exactly the served set every time)."""

from __future__ import annotations

import gc
import json
import re
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from confkit.errors import PermissionDeniedError
from confkit.http.clock import FakeClock
from confkit.logs import LogEvent, LogStore, export, fetch, read
from confkit.logs.engine import Collector
from confkit.logs.export import ocsf_missing, to_ocsf
from confkit.logs.store import StreamKey
from confkit.logs.stream import LogPage, Resume, Window
from confkit.providers.webex import WebexProvider
from confkit.providers.webex import logs as webex_logs
from confkit.providers.webex.logs import (
    PII_KEYS,
    ParticipantStream,
    admin_audit_event,
    classify_admin,
    meeting_context,
    parse_changes,
    participant_event,
    security_audit_event,
)
from confkit.sandbox import Sandbox, build_district
from confkit.testing.webex import FakeWebex

START = datetime(2026, 1, 14, 12, 0, tzinfo=UTC)
SPECS = Path(__file__).resolve().parents[2] / "shared" / "specs" / "webex"
# The spec's example org (webex-admin.json, List Admin Audit Events).
ORG = "Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi85NmFiYzJhYS0zZGNjLTExZTUtYTE1Mi1mZTM0ODE5Y2RjOWE"


class Crash(BaseException):
    """Stands for the process dying: nothing catches it, nothing after it runs."""


class Hooked(httpx.BaseTransport):
    """Passes requests to the fake, calling ``hook(request, n)`` before the n-th (1-based)."""

    def __init__(self, fake: FakeWebex, hook: Callable[[httpx.Request, int], None]) -> None:
        self.fake, self.hook, self.count = fake, hook, 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.count += 1
        self.hook(request, self.count)
        return self.fake.handle_request(request)


# -- golden: records exactly as the spec shapes them -> normalized events -----------------------------------

#: The example item of GET /adminAudit/events in webex-admin.json, verbatim.
SPEC_ADMIN_EVENT: dict[str, Any] = {
    "data": {
        "actorOrgName": "Acme Inc.",
        "targetName": "Acme Inc.",
        "eventDescription": "An Admin logged in",
        "actorName": "Joe Smith",
        "actorEmail": "joe@example.com",
        "adminRoles": ["User"],
        "trackingId": "ATLAS_6f23a878-bcd4-c204-a4db-e701b42b0e5c_0",
        "targetType": "TargetResourceType.ORG",
        "targetId": "NWIzZTBiZDgtZjg4Ni00MjViLWIzMTgtYWNlYjliN2EwZGFj",
        "eventCategory": "EventCategory.LOGINS",
        "actorUserAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_0) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/71.0.3578.98 Safari/537.36",
        "actorIp": "128.107.241.191",
        "targetOrgId": ORG,
        "actionText": "Joe Smith logged into organization Acme Inc.",
        "targetOrgName": "Acme Inc.",
    },
    "created": "2019-01-02T16:58:36.845Z",
    "actorOrgId": ORG,
    "id": "MjQ0ODhiZTYtY2FiMS00ZGRkLTk0NWQtZDFlYjkzOGQ4NGUy",
    "actorId": "MjQ4Njg2OTYtYWMwZC00ODY4LWJkMjEtZGUxZDc4MzhjOTdm",
}
#: The example item of GET /admin/securityAudit/events in webex-admin.json, verbatim.
SPEC_SECURITY_EVENT: dict[str, Any] = {
    "data": {
        "actorOrgName": "Acme Inc.",
        "eventDescription": "An Admin logged in",
        "actorName": "Joe Smith",
        "actorEmail": "joe@example.com",
        "actorUserAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_0) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/71.0.3578.98 Safari/537.36",
        "trackingId": "ATLAS_6f23a878-bcd4-c204-a4db-e701b42b0e5c_0",
        "eventCategory": "LOGINS",
        "actorIp": "128.107.241.191",
        "actionText": "Joe Smith logged into organization Acme Inc.",
    },
    "created": "2019-01-02T16:58:36.845Z",
    "actorOrgId": ORG,
    "id": "MjQ0ODhiZTYtY2FiMS00ZGRkLTk0NWQtZDFlYjkzOGQ4NGUy",
    "actorId": "Y2lzY29zcGFyazovL3VzL1BFT1BMRS82ZWVmOGE4ZS1lNzg3LTQzMWUtOWM3ZC1hOGVjZmU1MjM5Nzc",
}
#: The example item of GET /meetingParticipants in webex-meeting.json, verbatim.
SPEC_PARTICIPANT: dict[str, Any] = {
    "id": "560d7b784f5143e3be2fc3064a5c4999_3c2e2338-e950-43bf-b588-573773ee43d1",
    "orgId": "1eb65fdf-9643-417f-9974-ad72cae0e10f",
    "host": True,
    "coHost": False,
    "spaceModerator": False,
    "email": "joeDoe@cisco.com",
    "displayName": "Joe Doe",
    "invitee": False,
    "muted": False,
    "meetingStartTime": "2020-10-02T17:31:00Z",
    "video": "on",
    "state": "lobby",
    "breakoutSessionId": "2e373567-465b-8530-a18a-7025e1871d40",
    "joinedTime": "2022-10-25T09:00:00Z",
    "leftTime": "2022-10-25T09:30:00Z",
    "siteUrl": "example.webex.com",
    "meetingId": "3a688f62840346e8b87dde2b50703511_I_197977258267247872",
    "hostEmail": "janeDoe@cisco.com",
    "devices": [
        {
            "correlationId": "8ccced6c-b812-4dff-a5dd-4c5c28f8d47d",
            "deviceType": "webex_meeting_center_mac",
            "audioType": "pstn",
            "joinedTime": "2019-04-23T17:31:00.000Z",
            "leftTime": "2019-04-23T17:32:00.000Z",
            "durationSecond": 60,
            "callType": "callIn",
            "phoneNumber": "745273328",
        }
    ],
    "breakoutSessionsAttended": [
        {
            "id": "c84ba778-2f46-4dc6-9459-398694732d70",
            "name": "Breakout session 1",
            "joinedTime": "2022-10-25T09:05:00Z",
            "leftTime": "2022-10-25T09:10:00Z",
        }
    ],
    "sourceId": "cisco",
}
#: An ended instance as GET /meetings?meetingType=meeting lists it (MeetingObjectForListMeeting fields).
INSTANCE: dict[str, Any] = {
    "id": "3a688f62840346e8b87dde2b50703511_I_197977258267247872",
    "meetingSeriesId": "3a688f62840346e8b87dde2b50703511",
    "scheduledMeetingId": "3a688f62840346e8b87dde2b50703511_20221025T090000Z",
    "meetingNumber": "123456789",
    "title": "Biology - P2",
    "meetingType": "meeting",
    "state": "ended",
    "timezone": "UTC",
    "start": "2022-10-25T09:00:00Z",
    "end": "2022-10-25T09:50:00Z",
    "hostUserId": "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9jNDk0",
    "hostDisplayName": "Jane Doe",
    "hostEmail": "janeDoe@cisco.com",
    "siteUrl": "example.webex.com",
    "scheduledType": "meeting",
}


def _spec(name: str) -> dict[str, Any]:
    return dict(json.loads((SPECS / name).read_text()))


@pytest.mark.skipif(not SPECS.exists(), reason="the shared Webex specs are not checked out next to the repo")
def test_the_golden_records_are_the_specs_own_examples() -> None:
    admin = _spec("webex-admin.json")["paths"]
    meeting = _spec("webex-meeting.json")["paths"]

    def example(paths: dict[str, Any], path: str) -> dict[str, Any]:
        content = paths[path]["get"]["responses"]["200"]["content"]
        return dict(next(iter(content.values()))["example"]["items"][0])

    assert example(admin, "/adminAudit/events") == SPEC_ADMIN_EVENT
    assert example(admin, "/admin/securityAudit/events") == SPEC_SECURITY_EVENT
    assert example(meeting, "/meetingParticipants") == SPEC_PARTICIPANT


def test_admin_audit_sign_in_of_the_spec_example() -> None:
    event = admin_audit_event(SPEC_ADMIN_EVENT, ORG)
    LogEvent.model_validate(event)
    assert {k: v for k, v in event.items() if k not in ("id", "raw")} == {
        "time": "2019-01-02T16:58:36.845000Z",
        "provider": "webex",
        "tenant": ORG,
        "stream": "admin_audit",
        "category": "authentication",
        "action": "sign_in",
        "outcome": "success",
        "vendor_action": "An Admin logged in",
        "vendor_category": "LOGINS",
        "actor": {
            "id": "MjQ4Njg2OTYtYWMwZC00ODY4LWJkMjEtZGUxZDc4MzhjOTdm",
            "email": "joe@example.com",
            "name": "Joe Smith",
            "ip": "128.107.241.191",
            "client": SPEC_ADMIN_EVENT["data"]["actorUserAgent"],
            "client_version": None,
            "external": False,
            "anonymous": False,
        },
        "target": {"type": "account", "id": "NWIzZTBiZDgtZjg4Ni00MjViLWIzMTgtYWNlYjliN2EwZGFj", "name": "Acme Inc.",
                   "email": None},
        "meeting": None,
        "session": None,
        "changes": [],
        "detail": "Joe Smith logged into organization Acme Inc.",
        "redacted": [],
    }  # fmt: skip
    assert event["raw"] == SPEC_ADMIN_EVENT
    # The id is Webex's id: the same record always, another org's reading of it too; another id differs.
    assert event["id"] == admin_audit_event(dict(SPEC_ADMIN_EVENT), "another-org")["id"]
    assert event["id"] != admin_audit_event({**SPEC_ADMIN_EVENT, "id": "other"}, ORG)["id"]
    # A partner's admin (another actorOrgId) acting on this org is external.
    partner = admin_audit_event({**SPEC_ADMIN_EVENT, "actorOrgId": "Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi9wYXJ0bmVy"},
                                ORG)  # fmt: skip
    assert partner["actor"]["external"] is True


def _admin(category: str, description: str, action_text: str, **data: Any) -> dict[str, Any]:
    record = json.loads(json.dumps(SPEC_ADMIN_EVENT))
    record["data"] |= {"eventCategory": f"EventCategory.{category}", "eventDescription": description,
                       "actionText": action_text, **data}  # fmt: skip
    return dict(record)


def test_a_weakened_site_setting_becomes_structured_changes() -> None:
    record = _admin(
        "MEETING_SITE_SETTINGS",
        "Meeting site settings were changed",
        "Joe Smith changed the settings of site acme.webex.com: Join Before Host changed from false to true; "
        "Audio Before Host changed from false to true",
        targetType="TargetResourceType.SITE", targetId="acme.webex.com", targetName="acme.webex.com",
    )  # fmt: skip
    event = admin_audit_event(record, ORG)
    LogEvent.model_validate(event)
    assert (event["category"], event["action"], event["outcome"]) == ("setting_change", "setting.update", "success")
    assert event["target"] == {"type": "site", "id": "acme.webex.com", "name": "acme.webex.com", "email": None}
    assert event["changes"] == [
        {"section": None, "field": "Join Before Host", "from": "false", "to": "true"},
        {"section": None, "field": "Audio Before Host", "from": "false", "to": "true"},
    ]
    ocsf = to_ocsf(event)
    assert ocsf["class_uid"] == 3004 and ocsf["activity_id"] == 3 and not ocsf_missing(ocsf)
    assert ocsf["entity"]["name"] == "Join Before Host" and ocsf["entity_result"]["data"]["value"] == "true"


def test_a_role_given_to_a_user_is_a_role_change_of_that_user() -> None:
    record = _admin(
        "USERS",
        "A user's roles were changed",
        "Joe Smith changed the roles of ada@acme.example: Roles changed from User to Full Administrator",
        targetType="TargetResourceType.USER", targetId="YWRh", targetName="Ada Adams",
    )  # fmt: skip
    event = admin_audit_event(record, ORG)
    assert (event["category"], event["action"]) == ("role_change", "role.change")
    assert event["target"] == {"type": "user", "id": "YWRh", "name": "Ada Adams", "email": "ada@acme.example"}
    assert event["changes"] == [{"section": None, "field": "role", "from": "User", "to": "Full Administrator"}]
    ocsf = to_ocsf(event)
    assert (ocsf["class_uid"], ocsf["activity_id"], ocsf["privileges"]) == (3005, 1, ["Full Administrator"])
    assert not ocsf_missing(ocsf)


def test_user_changes_failures_and_the_unknown() -> None:
    created = admin_audit_event(_admin("USERS", "A user was created", "Joe Smith created the user new@acme.example",
                                       targetType="TargetResourceType.USER", targetId="bmV3",
                                       targetName="New Student"), ORG)  # fmt: skip
    assert (created["category"], created["action"]) == ("user_change", "user.create")
    assert created["target"]["email"] == "new@acme.example"
    failed = admin_audit_event(
        _admin("USERS", "A user was updated", "Joe Smith updated the user ada@acme.example",
               targetType="TargetResourceType.USER", errorCode="WXC-25058",
               errorMessage="WXC-25058 Extension cannot be less than 2 or greater than 6 characters"),
        ORG,
    )  # fmt: skip
    assert (failed["action"], failed["outcome"]) == ("user.update", "failure")
    assert failed["detail"].endswith("(WXC-25058 Extension cannot be less than 2 or greater than 6 characters)")
    logout = admin_audit_event(_admin("LOGOUT", "An Admin logged out", "Joe Smith logged out"), ORG)
    assert (logout["category"], logout["action"]) == ("authentication", "sign_out")
    odd = admin_audit_event(_admin("DEVICES", "A device was deleted", "Joe Smith deleted Room Kit 12",
                                   targetType="TargetResourceType.DEVICE"), ORG)  # fmt: skip
    assert (odd["category"], odd["action"], odd["target"]["type"]) == ("other", "devices.delete", "device")
    assert odd["raw"]["data"]["actionText"] == "Joe Smith deleted Room Kit 12"  # nothing is dropped
    for event in (created, failed, logout, odd):
        LogEvent.model_validate(event)
        assert not ocsf_missing(to_ocsf(event))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A: Field One changed from on to off", [("Field One", "on", "off")]),
        ("Field was changed from 'a b' to \"c\".", [("Field", "a b", "c")]),
        ("X updated site s: Require login: from false to true", [("Require login", "false", "true")]),
        ("Setting set from 8 to 6; Other updated from  to 1", [("Setting", "8", "6"), ("Other", "", "1")]),
        ("Joe Smith moved Ada from group A to group B", []),
        ("Joe Smith logged into organization Acme Inc.", []),
        ("", []),
    ],
)
def test_parse_changes(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert [(c["field"], c["from"], c["to"]) for c in parse_changes(text)] == expected


def test_classify_admin_reads_categories_and_descriptions() -> None:
    assert classify_admin("LOGINS", "ORG", "", "", []) == ("authentication", "sign_in")
    assert classify_admin("USERS", "USER", "A user was deactivated", "", []) == ("user_change", "user.deactivate")
    assert classify_admin("USERS", "USER", "A user was activated", "", []) == ("user_change", "user.activate")
    assert classify_admin("ROLES", "ROLE", "Role created", "", []) == ("role_change", "role.create")
    assert classify_admin("ORG_SETTINGS", "ORG", "Org settings updated", "", []) == ("setting_change",
                                                                                      "setting.update")  # fmt: skip


def test_security_audit_sign_in_of_the_spec_example_and_a_sign_out() -> None:
    event = security_audit_event(SPEC_SECURITY_EVENT, ORG)
    LogEvent.model_validate(event)
    assert (event["stream"], event["category"], event["action"], event["outcome"]) == (
        "security_audit", "authentication", "sign_in", "success",
    )  # fmt: skip
    assert event["time"] == "2019-01-02T16:58:36.845000Z" and event["vendor_category"] == "LOGINS"
    assert event["actor"] == {
        "id": SPEC_SECURITY_EVENT["actorId"], "email": "joe@example.com", "name": "Joe Smith", "ip": "128.107.241.191",
        "client": SPEC_SECURITY_EVENT["data"]["actorUserAgent"], "client_version": None, "external": False,
        "anonymous": False,
    }  # fmt: skip
    assert event["target"] is None and event["raw"] == SPEC_SECURITY_EVENT
    # Same Webex id, other stream: another event (the id is per stream).
    assert event["id"] != admin_audit_event(SPEC_ADMIN_EVENT, ORG)["id"]
    out = json.loads(json.dumps(SPEC_SECURITY_EVENT))
    out["data"]["eventCategory"] = "LOGOUT"
    out["id"] = "b3V0"
    assert security_audit_event(out, ORG)["action"] == "sign_out"
    ocsf = to_ocsf(event)
    assert (ocsf["class_uid"], ocsf["activity_id"]) == (3002, 1) and not ocsf_missing(ocsf)


def test_the_spec_participant_left_waiting_in_the_lobby() -> None:
    context = meeting_context(INSTANCE)
    assert context == {
        "id": "3a688f62840346e8b87dde2b50703511", "instance": INSTANCE["id"], "code": "123456789",
        "topic": "Biology - P2", "host_id": "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9jNDk0", "host_email": "janeDoe@cisco.com",
        "start": "2022-10-25T09:00:00.000000Z", "end": "2022-10-25T09:50:00.000000Z",
    }  # fmt: skip
    event = participant_event(SPEC_PARTICIPANT, ORG, context, external=False)
    LogEvent.model_validate(event)
    assert {k: v for k, v in event.items() if k not in ("id", "raw")} == {
        "time": "2022-10-25T09:00:00.000000Z",
        "provider": "webex",
        "tenant": ORG,
        "stream": "participants",
        "category": "participant",
        "action": "participant.waiting_room",
        "outcome": "success",
        "vendor_action": "lobby",
        "vendor_category": None,
        "actor": {"id": None, "email": "joeDoe@cisco.com", "name": "Joe Doe", "ip": None,
                  "client": "webex_meeting_center_mac", "client_version": None, "external": False, "anonymous": None},
        "target": {"type": "meeting", "id": "3a688f62840346e8b87dde2b50703511", "name": "Biology - P2",
                   "email": None},
        "meeting": context,
        "session": {"start": "2022-10-25T09:00:00.000000Z", "end": "2022-10-25T09:30:00.000000Z",
                    "duration_seconds": 1800, "status": "lobby", "participant_id": SPEC_PARTICIPANT["id"]},
        "changes": [],
        "detail": None,
        "redacted": [],
    }  # fmt: skip
    assert event["raw"] == SPEC_PARTICIPANT
    joined = participant_event({**SPEC_PARTICIPANT, "state": "end"}, ORG, context)
    assert joined["action"] == "participant.session" and joined["id"] == event["id"]  # same stay, same id
    ocsf = to_ocsf(joined)
    assert (ocsf["class_uid"], ocsf["activity_name"], ocsf["duration"]) == (6001, "Join", 1_800_000)
    assert not ocsf_missing(ocsf)


def test_a_phone_caller_whose_times_webex_does_not_know_yet() -> None:
    context = meeting_context(INSTANCE)
    record = {"id": "3a68_9f0c", "displayName": "Call-in User_2", "state": "end", "meetingId": INSTANCE["id"],
              "joinedTime": "1970-01-01T00:00:00.000Z", "leftTime": "1970-01-01T00:00:00.000Z",
              "devices": [{"deviceType": "tp_phone", "audioType": "pstn", "callType": "callIn"}]}  # fmt: skip
    event = participant_event(record, ORG, context)
    LogEvent.model_validate(event)
    assert event["time"] == context["start"]  # the instance's start, not 1970
    assert event["session"] | {"participant_id": None} == {"start": None, "end": None, "duration_seconds": None,
                                                            "status": "end", "participant_id": None}  # fmt: skip
    assert event["actor"]["anonymous"] is True and event["actor"]["external"] is None
    # Once Webex knows the join it is another reading of the stay (its id follows the join time).
    known = participant_event({**record, "joinedTime": "2022-10-25T09:01:00Z"}, ORG, context)
    assert known["id"] != event["id"] and known["time"] == "2022-10-25T09:01:00.000000Z"


def test_pii_keys_name_fields_of_the_spec() -> None:
    assert set(PII_KEYS["admin_audit"]) <= set(SPEC_ADMIN_EVENT["data"]) | {"errorMessage"}
    assert set(PII_KEYS["security_audit"]) <= set(SPEC_SECURITY_EVENT["data"])
    assert set(PII_KEYS["participants"]) <= set(SPEC_PARTICIPANT)


# -- vendor records: stored as received, normalized when read, to exactly the mappers' events ----------------

#: Admin audit records off the beaten path: missing fields, non-string values, odd times and categories.
ODD_ADMIN: list[dict[str, Any]] = [
    SPEC_ADMIN_EVENT,
    {"id": "a1", "created": "2026-01-05T12:00:00Z", "data": {"eventCategory": "EventCategory.LOGOUT"}},
    {"id": 12345, "created": "2026-02-30T12:00:00.123Z", "data": {"eventCategory": "MEETING_SITE_SETTINGS",
                                                                  "actionText": "Lobby changed FROM on to off"}},
    {"created": None, "data": "not an object"},
    {"id": "a2", "created": "2026-01-05T12:00:00.5Z", "actorOrgId": "partner-org",
     "data": {"eventCategory": "EventCategory.USERS", "targetType": "TargetResourceType.USER",
              "targetName": "Jane Doe <jane@x.example>", "actionText": "IT created the user jane@x.example",
              "eventDescription": "A user was created", "errorCode": 7}},
    {"id": "a3", "created": "2026-01-05 12:00:00+02:00", "data": {"eventCategory": "EventCategory.ROLES",
                                                                  "actionText": "Roles changed from User to Admin"}},
    {"id": "a4", "created": "0999-01-05T12:00:00.123Z", "data": {"eventCategory": "LOGINS", "actionText": 5}},
    {"id": "a5", "created": "2026-01-05T12:00:00.123Z", "data": {"eventCategory": "EventCategory.LOGINS",
                                                                  "actionText": "Setting changed from a to b"}},
]  # fmt: skip
ODD_SECURITY: list[dict[str, Any]] = [
    SPEC_SECURITY_EVENT,
    {"id": "s1", "created": "2026-01-05T12:00:00.999Z", "data": {"eventCategory": "LOGOUT"}},
    {"id": None, "created": 17, "data": {"eventCategory": "Login Failed", "eventDescription": None}},
    {"id": ["x"], "data": {}},
]  # fmt: skip
ODD_PARTICIPANTS: list[dict[str, Any]] = [
    SPEC_PARTICIPANT,
    {"joinedTime": "1970-01-01T00:00:00.000Z", "leftTime": "1970-01-01T00:00:00.000Z", "state": "joined"},
    {"id": 42, "email": "", "displayName": 7, "joinedTime": 99, "devices": ["not a device"]},
    {"email": "guest@mail.example", "displayName": "Guest", "joinedTime": "2022-10-25T09:01:00.250Z",
     "leftTime": "2022-10-25T09:00:00Z", "meetingId": "other_I_1"},
]  # fmt: skip


def test_vendor_records_normalize_to_exactly_the_mappers_events() -> None:
    from confkit.logs.model import event_id
    from confkit.logs.stream import record_event
    from confkit.providers.webex.logs import admin_audit_record, participant_record, security_audit_record

    fallback = "2026-01-01T00:00:00.000000Z"
    for record in ODD_ADMIN:
        expected = admin_audit_event(record, ORG, fallback)
        assert expected["id"] == event_id("webex", "admin_audit", record.get("id"))
        assert record_event(admin_audit_record(record, ORG, fallback), "webex", ORG, "admin_audit") == expected
        if not str(record.get("created")).startswith("0"):  # vendor_time writes year 999 as "999"
            LogEvent.model_validate(expected)
    for record in ODD_SECURITY:
        expected = security_audit_event(record, ORG, fallback)
        assert expected["id"] == event_id("webex", "security_audit", record.get("id"))
        assert record_event(security_audit_record(record, ORG, fallback), "webex", ORG, "security_audit") == expected
    for meeting in (meeting_context(INSTANCE), {}):
        for record in ODD_PARTICIPANTS:
            for external in (True, False, None):
                expected = participant_event(record, ORG, meeting, external=external)
                pid = record.get("id") or None
                assert expected["id"] == event_id(
                    "webex", "participants", meeting.get("instance") or record.get("meetingId"), pid,
                    record.get("joinedTime"), None if pid else record.get("email") or None,
                    None if pid else record.get("displayName"),
                )  # fmt: skip
                stored = participant_record(record, ORG, meeting, external=external)
                assert set(stored.context or {}) == set(meeting) | {"external"}  # the meeting and nothing more
                assert record_event(stored, "webex", ORG, "participants") == expected


def test_the_audit_time_fast_path_is_vendor_time() -> None:
    from confkit.logs.model import vendor_time
    from confkit.providers.webex.logs import _vtime

    for value in ("2019-01-02T16:58:36.845Z", "2026-02-30T12:00:00.123Z", "2026-01-05T25:00:00.123Z",
                  "2026-01-05T12:00:00.12aZ", "0999-01-05T12:00:00.123Z", " 2026-01-05T12:00:00.123Z",
                  "2026-01-05T12:00:00Z", "2026-01-05T12:00:00.123+00:00", "", None, 5):  # fmt: skip
        assert _vtime(value) == vendor_time(value), value


def test_stored_webex_events_are_the_mappers_events(fake: FakeWebex, clock: FakeClock) -> None:
    store = LogStore.memory()
    report = Collector(store, clock=clock).run(webex(fake, clock).log_streams())
    assert report.ok, report.summary()
    tenant = fake.org_id
    expected = {e["id"]: e for e in (
        *(admin_audit_event(r, tenant) for r in fake.log_records("admin_audit")),
        *(security_audit_event(r, tenant) for r in fake.log_records("security_audit")),
    )}  # fmt: skip
    events = [e for e in read(store) if e.stream != "participants"]
    assert len(events) == len(expected)
    for event in events:
        assert event.to_dict() == LogEvent.model_validate(expected[event.id]).to_dict()
    guests = [e for e in read(store) if e.stream == "participants" and e.actor and e.actor.external]
    assert guests and all(e.meeting and e.meeting.instance for e in guests)  # `external` kept in the context


# -- redaction of names inside the free text ----------------------------------------------------------------------


def test_the_raw_redactors_reach_names_inside_action_text() -> None:
    from confkit.logs.redact import Redactor
    from confkit.logs.stream import raw_redaction
    from confkit.providers.webex.logs import RAW_REDACTORS

    redactor = Redactor(b"salt", ["name", "email", "ip"])
    record = _admin("USERS", "A user's roles were changed",
                    "Joe Smith changed the roles of Jane Doe (jane.doe@acme.example, from 10.1.2.3): Roles changed "
                    "from User to Full Administrator; Jane Doeson unchanged",
                    targetType="TargetResourceType.USER", targetName="Jane Doe")  # fmt: skip
    redacted = RAW_REDACTORS["admin_audit"](record, redactor)
    text = redacted["data"]["actionText"]
    assert "Joe Smith" not in text and "jane.doe@" not in text and "10.1.2.3" not in text
    assert "Jane Doe " not in text and "Jane Doeson" in text  # whole names only
    assert redactor.name("Jane Doe") in text and redactor.name("Joe Smith") in text
    assert redacted["data"]["targetName"] == redactor.name("Jane Doe")
    assert record["data"]["actionText"].startswith("Joe Smith")  # the record itself is left alone
    signin = RAW_REDACTORS["security_audit"](SPEC_SECURITY_EVENT, redactor)
    assert "Joe Smith" not in json.dumps(signin) and "joe@example.com" not in json.dumps(signin)
    site = RAW_REDACTORS["admin_audit"](_admin("MEETING_SITE_SETTINGS", "", "Acme Inc. changed",
                                               targetName="Acme Inc.", targetType="TargetResourceType.SITE"),
                                        redactor)  # fmt: skip
    assert site["data"]["actionText"] == "Acme Inc. changed"  # not a person
    emails_only = RAW_REDACTORS["admin_audit"](record, Redactor(b"salt", ["email"]))
    assert "Joe Smith" in emails_only["data"]["actionText"] and "jane.doe@" not in emails_only["data"]["actionText"]
    for name in ("admin_audit", "security_audit"):
        found = raw_redaction("webex", name)
        assert found is not None and found.redact_raw(record, redactor) == RAW_REDACTORS[name](record, redactor)


def _names_left(event: dict[str, Any], names: set[str]) -> set[str]:
    text = json.dumps(event["raw"]) + json.dumps([event.get("actor"), event.get("target")])
    return {n for n in names if n in text}


def test_redacted_collection_and_export_leave_no_name_in_the_records(fake: FakeWebex, clock: FakeClock) -> None:
    import io

    names = {"IT Admin", "of T 0:"}  # the admin (actor) and a teacher (a user target) by name
    at = START - timedelta(days=2)
    fake.add_admin_audit_event(ADMIN, category="USERS", target_type="USER", target_id="t0", target_name="T 0",
                               description="A user's roles were changed",
                               action_text="IT Admin changed the roles of T 0: Roles changed from User to Full "
                                           "Administrator", at=at)  # fmt: skip
    # Collection with redaction: the stream's redact_raw.
    redacted_store = LogStore.memory()
    report = Collector(redacted_store, clock=clock, redact="name,email,ip").run(webex(fake, clock).log_streams())
    assert report.ok, report.summary()
    audits = [e.to_dict() for e in read(redacted_store) if e.stream in ("admin_audit", "security_audit")]
    assert audits and not [e["id"] for e in audits if _names_left(e, names)]
    assert not [e for e in audits if ADMIN in json.dumps(e["raw"]) or "teacher0@" in json.dumps(e["raw"])]
    # Export-time redaction of records collected as they came: raw_redaction -> RAW_REDACTORS.
    store = LogStore.memory()
    assert Collector(store, clock=clock).run(webex(fake, clock).log_streams()).ok
    plain = io.StringIO()
    export(store, "jsonl", plain, streams=["admin_audit", "security_audit"])
    assert any(_names_left(json.loads(line), names) for line in plain.getvalue().splitlines())
    out = io.StringIO()
    export(store, "jsonl", out, streams=["admin_audit", "security_audit"], redact="name,email,ip")
    exported = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(exported) == len(audits)
    assert not [e["id"] for e in exported if _names_left(e, names)]
    role = next(e for e in exported if e["category"] == "role_change")
    assert role["raw"]["data"]["actionText"].startswith("name-")
    by_id = {e["id"]: e for e in audits}
    hashed = re.compile(r"\b(name|ip|h)-[0-9a-f]{16}")  # each store has its own salt
    assert all(hashed.sub("#", json.dumps(e["raw"])) == hashed.sub("#", json.dumps(by_id[e["id"]]["raw"]))
               for e in exported)  # the same redaction either way  # fmt: skip


def test_no_name_is_left_anywhere_in_a_redacted_export(fake: FakeWebex, clock: FakeClock) -> None:
    import io

    store = LogStore.memory()
    assert Collector(store, clock=clock).run(webex(fake, clock).log_streams()).ok
    out = io.StringIO()
    export(store, "jsonl", out, streams=["admin_audit", "security_audit"], redact="name,email,ip")
    lines = out.getvalue().splitlines()
    assert lines and not [line for line in lines if "IT Admin" in line]


# -- FakeWebex serves the log endpoints as the spec shapes them ---------------------------------------------


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


ADMIN = "it.admin@district.example"


def seeded(clock: FakeClock) -> FakeWebex:
    """An org with 450 admin audit events, 2,500 sign-ins and -outs, and 30 ended classes over ~100 days
    (one with 250 participants), plus the site's sign-in and a few outsiders."""
    fake = FakeWebex(clock=clock, site_url="district.webex.com", org_name="District")
    fake.add_person(ADMIN, "IT", "Admin", admin=True)
    teachers = [fake.add_person(f"teacher{n}@staff.district.example", "T", str(n))["emails"][0] for n in range(4)]
    students = [fake.add_person(f"s{n}@students.district.example", "S", str(n), host=False)["emails"][0]
                for n in range(260)]  # fmt: skip
    for n in range(450):
        at = START - timedelta(days=300) + timedelta(hours=15 * n + 3, milliseconds=n)
        if n % 9 == 0:
            fake.add_admin_audit_event(
                ADMIN, category="MEETING_SITE_SETTINGS", target_type="SITE", target_id="district.webex.com",
                target_name="district.webex.com", description="Meeting site settings were changed",
                action_text=f"IT Admin changed the settings of site district.webex.com: Setting {n} changed from "
                            "false to true", at=at,
            )  # fmt: skip
        else:
            fake.add_admin_audit_event(ADMIN, category="LOGINS", description="An Admin logged in",
                                       action_text="IT Admin logged into organization District", at=at)  # fmt: skip
    for n in range(2500):
        who = (teachers + students)[n % 264]
        at = START - timedelta(days=200) + timedelta(minutes=113 * n)
        fake.add_security_audit_event(who, category="LOGINS" if n % 2 == 0 else "LOGOUT", at=at)
    for n in range(30):
        start = (START - timedelta(days=100) + timedelta(days=3 * n)).replace(hour=14, minute=0, second=0)
        size = 250 if n == 7 else 12
        people: list[dict[str, Any]] = [{"email": teachers[n % 4], "displayName": f"Teacher {n % 4}"}]
        people += [{"email": students[(n + k) % 260], "displayName": f"Student {k}",
                    "joinedTime": (start + timedelta(seconds=7 * k)).strftime("%Y-%m-%dT%H:%M:%SZ")}
                   for k in range(size)]  # fmt: skip
        if n % 5 == 0:
            people.append({"email": f"guest{n}@mail.example", "displayName": "Guest"})
            people.append({"displayName": "Call-in User_1"})
        fake.add_ended_meeting(teachers[n % 4], start=start, title=f"Class {n}", participants=people, key=n)
    return fake


@pytest.fixture
def fake(clock: FakeClock) -> FakeWebex:
    return seeded(clock)


def connect(fake: FakeWebex) -> str:
    return fake.authorize_integration("C-logs", "secret", ADMIN)


def webex(fake: FakeWebex, clock: FakeClock, transport: httpx.BaseTransport | None = None,
          refresh: str | None = None) -> WebexProvider:  # fmt: skip
    settings = {
        "client_id": "C-logs",
        "client_secret": "secret",
        "refresh_token": refresh or connect(fake),
        "token_store": "memory",
        "site_url": fake.site_url,
        "rate_limits": {"default": 1000, "people": 1000},
    }
    return WebexProvider.from_settings(settings, client=httpx.Client(transport=transport or fake), clock=clock)


def expected_ids(fake: FakeWebex) -> set[str]:
    tenant = fake.org_id
    ids = {admin_audit_event(r, tenant)["id"] for r in fake.log_records("admin_audit")}
    ids |= {security_audit_event(r, tenant)["id"] for r in fake.log_records("security_audit")}
    ids |= {participant_event(x["participant"], tenant, meeting_context(x["meeting"]))["id"]
            for x in fake.log_records("participants")}  # fmt: skip
    return ids


def assert_exact(store: LogStore, fake: FakeWebex) -> None:
    ids = list(store.ids())
    assert len(ids) == len(set(ids)), "an event was stored twice"
    assert set(ids) == expected_ids(fake)


def api(fake: FakeWebex) -> httpx.Client:
    with httpx.Client(transport=fake) as raw:
        token = raw.post(
            fake.TOKEN_URL,
            data={
                "grant_type": "refresh_token",
                "client_id": "C-logs",
                "client_secret": "secret",
                "refresh_token": connect(fake),
            },
        )
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    return httpx.Client(transport=fake, base_url=fake.BASE_URL, headers=headers)


def _schema_fields(spec: dict[str, Any], name: str) -> set[str]:
    return set(spec["components"]["schemas"][name]["properties"])


@pytest.mark.skipif(not SPECS.exists(), reason="the shared Webex specs are not checked out next to the repo")
def test_every_field_the_fake_serves_exists_in_the_spec(fake: FakeWebex) -> None:
    admin, meeting = _spec("webex-admin.json"), _spec("webex-meeting.json")
    audit = [*fake.log_records("admin_audit"), *fake.log_records("security_audit")]
    assert {k for r in audit for k in r} <= _schema_fields(admin, "AuditEvent")
    assert {k for r in fake.log_records("admin_audit") for k in r["data"]} <= set(
        admin["components"]["schemas"]["AuditEvent"]["properties"]["data"]["properties"]
    )
    assert {k for r in fake.log_records("security_audit") for k in r["data"]} <= set(
        admin["components"]["schemas"]["SecurityAuditEvent"]["properties"]["data"]["properties"]
    )
    people = list(fake.log_records("participants"))
    assert {k for x in people for k in x["participant"]} <= _schema_fields(meeting, "Participant")
    assert {k for x in people for d in x["participant"]["devices"] for k in d} <= _schema_fields(meeting, "Device")
    assert {k for x in people for k in x["meeting"]} <= _schema_fields(meeting, "MeetingObjectForListMeeting")


def test_the_fake_refuses_what_webex_refuses(fake: FakeWebex) -> None:
    with api(fake) as client:
        base = {"orgId": fake.org_id, "from": "2025-01-01T00:00:00.000Z", "to": "2026-01-10T00:00:00.000Z"}
        assert client.get("/adminAudit/events", params=base).status_code == 400  # more than a year
        assert (
            client.get(
                "/adminAudit/events", params={**base, "orgId": ORG, "from": "2025-06-01T00:00:00.000Z"}
            ).status_code
            == 403
        )
        assert client.get("/adminAudit/events", params={"orgId": fake.org_id}).status_code == 400
        ok = client.get("/adminAudit/events", params={**base, "from": "2025-06-01T00:00:00.000Z", "max": 500})
        assert ok.status_code == 200 and len(ok.json()["items"]) == 200  # max is clamped to 200
        logins = client.get("/adminAudit/events", params={**base, "from": "2025-06-01T00:00:00.000Z",
                                                          "eventCategories": "LOGINS"}).json()["items"]  # fmt: skip
        assert logins and {r["data"]["eventCategory"] for r in logins} == {"EventCategory.LOGINS"}
        assert client.get("/adminAudit/eventCategories").json() == {
            "eventCategories": ["LOGINS", "LOGOUT", "MEETING_SITE_SETTINGS"]
        }
        instance = next(fake.log_records("participants"))["meeting"]["id"]
        wide = {"meetingId": instance, "joinTimeFrom": "2025-01-01T00:00:00Z", "joinTimeTo": "2025-06-01T00:00:00Z"}
        assert client.get("/meetingParticipants", params=wide).status_code == 400  # more than 90 days
        assert client.get("/meetingParticipants", params={"meetingId": "nope"}).status_code == 404
        with pytest.raises(NotImplementedError):
            client.get("/meetingParticipants", params={"meetingId": instance, "breakoutSessionId": "x"})
        fake.security_audit_available = False
        refused = client.get("/admin/securityAudit/events",
                             params={"orgId": fake.org_id, "startTime": "2025-06-01T00:00:00.000Z",
                                     "endTime": "2026-01-10T00:00:00.000Z"})  # fmt: skip
        assert refused.status_code == 403 and refused.json()["trackingId"]


def test_ended_instances_appear_fifteen_minutes_after_their_end(clock: FakeClock) -> None:
    fake = FakeWebex(clock=clock)
    fake.add_person(ADMIN, "IT", "Admin", admin=True)
    fake.add_ended_meeting(ADMIN, start=START - timedelta(minutes=60), duration_minutes=50,
                           participants=[{"email": ADMIN}])  # fmt: skip
    assert list(fake.log_records("participants")) == []
    clock.advance(5 * 60)
    assert len(list(fake.log_records("participants"))) == 1


# -- the collector against FakeWebex ------------------------------------------------------------------------


def test_first_collection_stores_exactly_what_webex_serves(fake: FakeWebex, clock: FakeClock) -> None:
    store = LogStore.memory()
    report = Collector(store, clock=clock).run(webex(fake, clock).log_streams())
    assert report.ok, report.summary()
    assert_exact(store, fake)
    assert {p.key.stream: p.events_new for p in report.streams} == {
        "admin_audit": 450, "security_audit": 2500, "participants": 30 * 13 + 250 - 12 + 6 * 2,
    }  # fmt: skip
    assert {p.key.tenant for p in report.streams} == {fake.org_id}
    audits = [r for r in fake.requests if r.url.path.endswith(("/adminAudit/events", "/securityAudit/events"))]
    for request in audits:
        params = request.url.params
        first = params.get("from") or params.get("startTime")
        last = params.get("to") or params.get("endTime")
        assert params["orgId"] == fake.org_id and first and last
        span = datetime.fromisoformat(last) - datetime.fromisoformat(first)
        assert timedelta(0) < span <= timedelta(days=365)  # one year per request at most
    assert {r.url.params["max"] for r in audits if "offset" not in r.url.params} >= {"200", "1000"}
    # More than one page of each: the next links were followed.
    assert any("offset" in r.url.params for r in audits)
    assert sum(1 for r in audits if r.url.path.endswith("/securityAudit/events")) >= 3
    assert sum(1 for r in fake.requests if r.url.path.endswith("/meetingParticipants")) == 29 + 3  # 251: 3 pages
    listings = [r for r in fake.requests if r.url.path.endswith("/meetings")]
    assert {r.url.params["meetingType"] for r in listings} == {"meeting"}
    assert all("hostEmail" not in r.url.params for r in listings)  # the admin lists the whole org
    outsiders = [e for e in read(store) if e.stream == "participants" and e.actor and e.actor.external]
    assert {e.actor.email for e in outsiders if e.actor} == {f"guest{n}@mail.example" for n in range(0, 30, 5)}
    inside = [e for e in read(store) if e.stream == "participants" and e.actor and e.actor.external is False]
    assert len(inside) == 30 * 13 + 250 - 12  # hosts and students (their domain looked up once); not the callers
    lookups = [r for r in fake.requests if r.url.path.endswith("/people") and "email" in r.url.params]
    assert len(lookups) == 1 + 6  # the students' domain once, each outsider once
    for checkpoint in store.checkpoints():
        assert checkpoint.window is None and checkpoint.cursor is None and checkpoint.done_until is not None


def test_a_second_run_reads_only_the_overlap_and_late_arrivals_are_caught(fake: FakeWebex, clock: FakeClock) -> None:
    store = LogStore.memory()
    Collector(store, clock=clock).run(webex(fake, clock).log_streams())
    clock.advance(6 * 3600)
    fake.add_admin_audit_event(
        ADMIN, category="LOGINS", description="An Admin logged in", action_text="late", at=START - timedelta(hours=20)
    )  # reported late
    fake.add_ended_meeting(ADMIN, start=START - timedelta(hours=30), participants=[{"email": ADMIN}], key="late")
    before = len(fake.requests)
    report = Collector(store, clock=clock).run(webex(fake, clock).log_streams())
    assert report.ok and report.events_new == 2
    assert_exact(store, fake)
    second = fake.requests[before:]
    days = {r.url.params["from"][:10] for r in second if r.url.path.endswith("/meetings")}
    assert days == {"2026-01-12", "2026-01-13", "2026-01-14"}  # two days of overlap, then today


def test_a_429_storm_is_ridden_out(fake: FakeWebex, clock: FakeClock) -> None:
    streams = webex(fake, clock).log_streams()
    fake.rate_limit_next(times=30, retry_after="1")
    fake.rate_limit_next(times=3, retry_after="rand(30),add(30)", path="/adminAudit/")  # a malformed one too
    store = LogStore.memory()
    report = Collector(store, clock=clock).run(streams)
    assert report.ok, report.summary()
    assert fake.pending_faults == 0
    assert sum(p.retries for p in report.streams) >= 1  # outlived HttpCore's retries: resumed from the cursor
    assert_exact(store, fake)


def test_server_errors_and_connection_resets(fake: FakeWebex, clock: FakeClock) -> None:
    streams = webex(fake, clock).log_streams()
    fake.server_error_next(503, times=9)
    fake.server_error_next(502, times=5, path="/meetingParticipants")
    fake.reset_connection_next(times=6, during="read")
    fake.reset_connection_next(times=4, during="connect", path="/securityAudit/")
    store = LogStore.memory()
    report = Collector(store, clock=clock).run(streams)
    assert report.ok, report.summary()
    assert fake.pending_faults == 0
    assert_exact(store, fake)


def test_the_org_lookup_rides_out_a_storm_too(fake: FakeWebex, clock: FakeClock) -> None:
    refresh = connect(fake)
    fake.rate_limit_next(times=12, retry_after="2", path="/people/me")
    fake.server_error_next(503, times=6, path="/people/me")
    streams = webex(fake, clock, refresh=refresh).log_streams()
    assert fake.pending_faults == 0 and {s.tenant for s in streams} == {fake.org_id}


def test_access_tokens_expiring_mid_stream(fake: FakeWebex, clock: FakeClock) -> None:
    def expire(request: httpx.Request, n: int) -> None:
        if n % 25 == 0:
            fake.expire_tokens()

    refresh = connect(fake)
    issued = fake.tokens_issued
    store = LogStore.memory()
    report = Collector(store, clock=clock).run(webex(fake, clock, Hooked(fake, expire), refresh).log_streams())
    assert report.ok, report.summary()
    assert fake.tokens_issued - issued >= 10
    assert_exact(store, fake)


@pytest.mark.parametrize("crash_after", [1, 3, 9, 40, 120, 260, 400])  # the whole run is ~415 requests
def test_a_crash_at_any_point_then_a_rerun_loses_and_duplicates_nothing(
    fake: FakeWebex, clock: FakeClock, crash_after: int
) -> None:
    def die(request: httpx.Request, n: int) -> None:
        if n > crash_after:
            raise Crash

    refresh = connect(fake)
    store = LogStore.memory()
    with pytest.raises(Crash):
        Collector(store, clock=clock).run(webex(fake, clock, Hooked(fake, die), refresh).log_streams())
    kept = store.count()
    clock.advance(60)
    report = Collector(store, clock=clock).run(webex(fake, clock).log_streams())
    assert report.ok, report.summary()
    assert report.events_new == len(expected_ids(fake)) - kept
    assert_exact(store, fake)


def test_a_resumed_participant_window_skips_meetings_already_read(clock: FakeClock) -> None:
    fake = FakeWebex(clock=clock)
    fake.add_person(ADMIN, "IT", "Admin", admin=True)
    day = START.replace(hour=9, minute=0) - timedelta(days=1)
    for n in range(12):  # twelve classes on one day, 40 participants each
        people = [{"email": ADMIN}] + [{"email": f"p{n}.{k}@other.example"} for k in range(39)]
        fake.add_ended_meeting(ADMIN, start=day + timedelta(minutes=20 * n), participants=people, key=n)
    calls = 0

    def die(request: httpx.Request, n: int) -> None:
        nonlocal calls
        if request.url.path.endswith("/meetingParticipants"):
            calls += 1
            if calls > 9:
                raise Crash

    refresh = connect(fake)
    only = ["participants"]
    store = LogStore.memory()
    streams = [s for s in webex(fake, clock, Hooked(fake, die), refresh).log_streams() if s.name in only]
    with pytest.raises(Crash):
        Collector(store, clock=clock).run(streams)
    key = StreamKey(fake.org_id, "webex", "participants")
    assert store.checkpoint(key).window is not None  # stopped inside a window ...
    done = {u for u in store.units(key) if u.startswith("meeting:")}
    assert 6 <= len(done) <= 9  # ... with whole meetings committed (eight make a page of 300+ events)
    before = len(fake.requests)
    Collector(store, clock=clock).run([s for s in webex(fake, clock).log_streams() if s.name in only])
    again = [r for r in fake.requests[before:] if r.url.path.endswith("/meetingParticipants")]
    assert len(again) == 12 + (12 - len(done))  # the rest of the window, then the overlap days afresh
    expected = {participant_event(x["participant"], fake.org_id, meeting_context(x["meeting"]))["id"]
                for x in fake.log_records("participants")}  # fmt: skip
    ids = list(store.ids())
    assert len(ids) == len(set(ids)) and set(ids) == expected


def two_classes(clock: FakeClock) -> tuple[FakeWebex, list[dict[str, Any]]]:
    fake = FakeWebex(clock=clock)
    fake.add_person(ADMIN, "IT", "Admin", admin=True)
    fake.add_person("ms.rivera@district.example", "Ana", "Rivera")
    day = START.replace(hour=9, minute=0) - timedelta(days=1)
    meetings = [fake.add_ended_meeting("ms.rivera@district.example", start=day + timedelta(hours=n), key=n,
                                       title=f"Period {n + 1}",
                                       participants=[{"email": f"s{n}.{k}@district.example"} for k in range(5)])
                for n in range(2)]  # fmt: skip
    return fake, meetings


def participants_only(fake: FakeWebex, clock: FakeClock, transport: httpx.BaseTransport | None = None) -> list[Any]:
    return [s for s in webex(fake, clock, transport).log_streams() if s.name == "participants"]


def expected_participants(fake: FakeWebex) -> set[str]:
    return {participant_event(x["participant"], fake.org_id, meeting_context(x["meeting"]))["id"]
            for x in fake.log_records("participants")}  # fmt: skip


def test_a_meeting_not_found_as_the_admin_is_asked_for_its_host(clock: FakeClock) -> None:
    # Should Webex answer "Meeting not found" to the org's admin for a meeting someone else hosted, the
    # participants are asked again for the host (hostEmail, webex-meeting.json) before the meeting is given up.
    fake, _ = two_classes(clock)

    class NotWithoutHost(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/meetingParticipants") and "hostEmail" not in request.url.params:
                return httpx.Response(404, json={"message": "Meeting not found.", "errors": [
                    {"description": "Meeting not found."}], "trackingId": "ROUTER_1"})  # fmt: skip
            return fake.handle_request(request)

    store = LogStore.memory()
    report = Collector(store, clock=clock).run(participants_only(fake, clock, NotWithoutHost()))
    assert report.ok and store.gaps() == []
    assert set(store.ids()) == expected_participants(fake)


def test_a_meeting_webex_cannot_find_at_all_is_a_gap_not_silence(clock: FakeClock) -> None:
    fake, meetings = two_classes(clock)
    asked: list[str | None] = []

    class Gone(httpx.BaseTransport):  # the first class's participants: not found, as the admin or its host
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.params.get("meetingId") == meetings[0]["id"]:
                asked.append(request.url.params.get("hostEmail"))
                return httpx.Response(404, json={"message": "Meeting not found.", "errors": [
                    {"description": "Meeting not found."}], "trackingId": "ROUTER_2"})  # fmt: skip
            return fake.handle_request(request)

    store = LogStore.memory()
    report = Collector(store, clock=clock).run(participants_only(fake, clock, Gone()))
    assert asked == [None, "ms.rivera@district.example"]
    assert report.ok, report.summary()
    (gap,) = store.gaps()
    assert "Period 1" in gap.reason and "Meeting not found" in gap.reason
    assert gap.start == START.replace(hour=9, minute=0) - timedelta(days=1)
    assert report.streams[0].skipped == 1
    first = {x["participant"]["id"] for x in fake.log_records("participants")
             if x["meeting"]["id"] == meetings[0]["id"]}  # fmt: skip
    assert first and len(list(store.ids())) == len(expected_participants(fake)) - len(first)


def test_more_instances_than_one_listing_serves_are_listed_in_halves(clock: FakeClock) -> None:
    fake = FakeWebex(clock=clock)
    fake.add_person(ADMIN, "IT", "Admin", admin=True)
    fake.instance_list_cap = 5  # Webex: 10,000
    day = START.replace(hour=0, minute=0) - timedelta(days=2)
    for n in range(23):
        fake.add_ended_meeting(ADMIN, start=day + timedelta(minutes=50 * n), participants=[{"email": ADMIN}], key=n)
    provider = webex(fake, clock)
    streams = [s for s in provider.log_streams() if s.name == "participants"]
    for stream in streams:
        assert isinstance(stream, ParticipantStream)
        stream.instance_cap = 5
    store = LogStore.memory()
    report = Collector(store, clock=clock).run(streams)
    assert report.ok, report.summary()
    assert store.count() == 23
    assert {e.meeting.instance for e in read(store) if e.meeting} == set(fake.ended_meetings)


def test_broken_next_links_are_repaired(fake: FakeWebex, clock: FakeClock) -> None:
    fake.broken_next_links = True  # next links with max=null and only the position: filters and orgId dropped
    store = LogStore.memory()
    report = Collector(store, clock=clock).run(webex(fake, clock).log_streams())
    assert report.ok, report.summary()
    assert_exact(store, fake)
    followed = [r for r in fake.requests if "offset" in r.url.params or "joinTimeFrom" in r.url.params]
    assert followed and all(r.url.params.get("max") != "null" for r in followed)


def test_an_org_without_security_audit_has_that_stream_unavailable_and_loses_nothing(
    fake: FakeWebex, clock: FakeClock
) -> None:
    fake.security_audit_available = False
    store = LogStore.memory()
    report = Collector(store, clock=clock).run(webex(fake, clock).log_streams())
    states = {p.key.stream: p for p in report.streams}
    assert states["admin_audit"].state == "done" and states["participants"].state == "done"
    unavailable = states["security_audit"]
    assert unavailable.state == "unavailable" and report.ok  # the org lacks the feature: not a failure
    note = " ".join(unavailable.notes)
    assert all(words in note for words in ("Pro Pack", "Allow user authentication data", "HTTP 403"))
    key = StreamKey(fake.org_id, "webex", "security_audit")
    assert store.checkpoint(key).done_until is None  # nothing marked collected
    fake.security_audit_available = True  # the district buys Pro Pack
    clock.advance(3600)
    report = Collector(store, clock=clock).run(webex(fake, clock).log_streams())
    assert report.ok, report.summary()
    assert_exact(store, fake)


def test_redaction_hashes_people_but_keeps_ids_and_domains(fake: FakeWebex, clock: FakeClock) -> None:
    store = LogStore.memory()
    report = Collector(store, clock=clock, redact="ip,email,name").run(webex(fake, clock).log_streams())
    assert report.ok
    assert_exact(store, fake)
    events = list(read(store))
    signin = next(e for e in events if e.stream == "security_audit")
    assert signin.actor and signin.actor.email and signin.actor.ip and signin.actor.name
    assert signin.actor.email.startswith("h-") and signin.actor.email.endswith(".district.example")
    assert signin.actor.ip.startswith("ip-") and signin.actor.name.startswith("name-")
    assert signin.raw["data"]["actorEmail"] == signin.actor.email and signin.raw["data"]["actorIp"] == signin.actor.ip
    joins = [e for e in events if e.stream == "participants" and e.actor and e.actor.email]
    assert all(e.actor and e.actor.email and e.actor.email.startswith("h-") for e in joins)
    assert all(e.raw["email"].startswith("h-") and e.raw["hostEmail"].startswith("h-") for e in joins)
    guests = {e.actor.email for e in joins if e.actor and e.actor.external}
    assert len(guests) == 6 and all(g and g.endswith("@mail.example") for g in guests)  # still seen as outsiders


def test_exports_of_webex_events_are_valid_ocsf_and_ecs(fake: FakeWebex, clock: FakeClock) -> None:
    import io

    store = LogStore.memory()
    Collector(store, clock=clock).run(webex(fake, clock).log_streams())
    out = io.StringIO()
    export(store, "ocsf", out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(lines) == store.count()
    assert not [m for line in lines for m in ocsf_missing(line)]
    assert {line["class_uid"] for line in lines} == {3002, 3004, 6001}
    assert {line["metadata"]["product"]["vendor_name"] for line in lines} == {"Cisco"}
    ecs = io.StringIO()
    export(store, "ecs", ecs)
    assert {json.loads(line)["event"]["dataset"] for line in ecs.getvalue().splitlines()} == {
        "webex.admin_audit",
        "webex.security_audit",
        "webex.participants",
    }


def test_fetch_reads_straight_from_webex(fake: FakeWebex, clock: FakeClock) -> None:
    since = START - timedelta(days=10)
    events = list(fetch(webex(fake, clock), since=since, streams=["security_audit"], clock=clock))
    served = [r for r in fake.log_records("security_audit") if r["created"] >= "2026-01-04T12:00:00.000Z"]
    assert len(events) == len(served) == len({e.id for e in events}) and all(e.time >= since for e in events)


# -- the sandbox district ---------------------------------------------------------------------------------


def test_the_sandbox_district_has_realistic_webex_log_traffic(clock: FakeClock) -> None:
    sandbox = Sandbox.create(clock=clock, only=["webex"])
    store = LogStore.memory()
    report = Collector(store, clock=clock).run(sandbox.connect("webex").log_streams())
    assert report.ok, report.summary()
    fake = sandbox.fakes["webex"]
    assert_exact(store, fake)
    events = list(read(store))
    district = build_district(now=START)
    it_admin = district.admins[0].email
    weakened = [e for e in events if e.category == "setting_change" and e.actor and e.actor.email == it_admin]
    assert {(c.field, c.from_value, c.to_value) for e in weakened for c in e.changes} >= {
        ("Join Before Host", "false", "true"),
        ("Password Minimum Length", "8", "6"),
    }
    assert any(e.stream == "admin_audit" and e.action == "sign_in" for e in events)
    assert any(e.category == "role_change" for e in events)
    assert any(e.outcome == "failure" for e in events)
    signins = [e for e in events if e.stream == "security_audit"]
    assert {e.action for e in signins} == {"sign_in", "sign_out"}
    joins = [e for e in events if e.stream == "participants"]
    assert len({e.meeting.instance for e in joins if e.meeting}) > 50
    outsiders = {e.actor.email for e in joins if e.actor and e.actor.external}
    assert outsiders and all(o and o.endswith(("mail.example", "university.example", "throwaway.example"))
                             for o in outsiders)  # fmt: skip
    assert any(e.actor and e.actor.anonymous for e in joins)  # a phone-only caller
    assert any(e.action == "participant.waiting_room" for e in joins)
    # Same day, same records: a second district built later the same day serves what was stored.
    again = Sandbox.create(clock=clock, only=["webex"])
    report = Collector(store, clock=clock).run(again.connect("webex").log_streams())
    assert report.ok and report.events_new == 0


# -- the participants stream reads several instances at once --------------------------------------------------

DAY = Window(START.replace(hour=0, minute=0) - timedelta(days=3), START.replace(hour=0, minute=0) - timedelta(days=2))


def participant_streams(provider: WebexProvider, readers: int, **settings: int) -> list[ParticipantStream]:
    """The participants stream of ``provider``, reading ``readers`` instances at once (and ``settings``)."""
    streams = [s for s in provider.log_streams() if isinstance(s, ParticipantStream)]
    for stream in streams:
        stream.readers = readers
        for name, value in settings.items():
            setattr(stream, name, value)
    return streams


class Watched(httpx.BaseTransport):
    """Passes requests to the fake; counts the participant reads in flight (each held ``delay`` seconds of
    real time), records the instances listed, in order, and fails the participants of ``fail`` (an
    instance id) with a 403."""

    def __init__(self, fake: FakeWebex, *, delay: float = 0.0, fail: str | None = None) -> None:
        self.fake, self.delay, self.fail = fake, delay, fail
        self.lock = threading.Lock()
        self.in_flight = self.most = self.participant_reads = 0
        self.listed: list[str] = []
        self.read: list[str] = []  # instance ids, in the order their first participants request began

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if not path.endswith("/meetingParticipants"):
            response = self.fake.handle_request(request)
            if path.endswith("/meetings") and response.status_code == 200:
                response.read()
                with self.lock:
                    self.listed += [m["id"] for m in response.json()["items"]]
            return response
        meeting = request.url.params["meetingId"]
        with self.lock:
            self.in_flight += 1
            self.most = max(self.most, self.in_flight)
            self.participant_reads += 1
            if meeting not in self.read:
                self.read.append(meeting)
        try:
            time.sleep(self.delay)
            if meeting == self.fail:
                return httpx.Response(403, json={"message": "no", "trackingId": "T"}, request=request)
            return self.fake.handle_request(request)
        finally:
            with self.lock:
                self.in_flight -= 1


def classes(clock: FakeClock, count: int = 30, sizes: tuple[int, ...] = (7, 23, 40)) -> FakeWebex:
    """An org with ``count`` classes on the day of :data:`DAY` (sizes taking turns, joining seconds apart):
    the admin hosts; students (their domain found by looking the first one up) and outsiders join."""
    fake = FakeWebex(clock=clock, site_url="district.webex.com", org_name="District")
    fake.add_person(ADMIN, "IT", "Admin", admin=True)
    fake.add_person("p0.0@students.district.example", "P", "0", host=False)
    for n in range(count):
        start = DAY.start + timedelta(hours=1, minutes=20 * n)
        people = [{"email": ADMIN}] + [
            {"email": f"p{n}.{k}@{'other.example' if k % 4 else 'students.district.example'}",
             "joinedTime": (start + timedelta(seconds=7 * k + 1)).strftime("%Y-%m-%dT%H:%M:%SZ")}
            for k in range(sizes[n % len(sizes)] - 1)
        ]  # fmt: skip
        fake.add_ended_meeting(ADMIN, start=start, participants=people, key=n)
    return fake


def window_pages(stream: ParticipantStream, resume: Resume = Resume()) -> tuple[list[LogPage], BaseException | None]:
    pages: list[LogPage] = []
    try:
        for page in stream.pages(DAY, resume):
            pages.append(page)
    except Exception as exc:  # the pages handed on before it, then the error
        return pages, exc
    return pages, None


def shape(pages: list[LogPage]) -> list[tuple[str | None, list[str], list[str]]]:
    return [(p.cursor, list(p.completes), [r.id for r in p.records]) for p in pages]


def window_ids(fake: FakeWebex) -> set[str]:
    return {participant_event(x["participant"], fake.org_id, meeting_context(x["meeting"]))["id"]
            for x in fake.log_records("participants")}  # fmt: skip


def test_the_participants_stream_reads_four_instances_at_once_by_default() -> None:
    assert ParticipantStream.readers == 4


@pytest.mark.parametrize("readers", [2, 4, 7])
def test_instances_are_read_at_once_and_hand_on_exactly_the_pages_of_one_at_a_time(
    clock: FakeClock, readers: int
) -> None:
    fake = classes(clock)
    settings = {"meetings_max": 4, "participants_max": 10}  # listing pages of 4, participant pages of 10
    one = Watched(fake, delay=0.002)
    alone, error = window_pages(participant_streams(webex(fake, clock, one), 1, **settings)[0])
    assert error is None and one.most == 1
    before = len(fake.requests)
    many = Watched(fake, delay=0.02)
    together, error = window_pages(participant_streams(webex(fake, clock, many), readers, **settings)[0])
    assert error is None
    assert 1 < many.most <= readers  # read at once, never more than `readers`
    # The same pages - records, units completed, cursors - as reading one instance after another ...
    assert shape(together) == shape(alone)
    assert [p.records for p in together] == [p.records for p in alone]  # ``external`` too
    assert len(together) >= 3 and {r.id for p in together for r in p.records} == window_ids(fake)

    # ... from the same requests.
    def sent(requests: list[httpx.Request]) -> list[tuple[str, list[tuple[str, str]]]]:
        return sorted((r.url.path, sorted(r.url.params.multi_items())) for r in requests
                      if not r.url.path.endswith(("/access_token", "/people/me")))  # fmt: skip

    first = [r for r in fake.requests[:before] if r.url.path.endswith(("/meetings", "/meetingParticipants", "/people"))]
    assert sent(fake.requests[before:]) == sent(first)
    assert many.listed == one.listed and len(one.listed) == 30


def test_many_generated_classes_read_at_once_are_stored_exactly(clock: FakeClock) -> None:
    fake = FakeWebex(clock=clock, site_url="district.webex.com", org_name="District")
    fake.add_person(ADMIN, "IT", "Admin", admin=True)
    end = START - timedelta(hours=1)
    fake.generate_log_traffic(meetings=200, participants_per_meeting=120, hosts=12, start=end - timedelta(days=4),
                              end=end)  # fmt: skip
    watched = Watched(fake)
    streams = participant_streams(webex(fake, clock, watched), 4)
    store = LogStore.memory()
    report = Collector(store, clock=clock).run(streams)
    assert report.ok, report.summary()
    ids = list(store.ids())
    assert len(ids) == len(set(ids)) == 200 * 120
    assert set(ids) == window_ids(fake)
    # Two pages each, each instance read once per listing (one crossing midnight is listed on both days).
    assert len(set(watched.read)) == 200 and watched.participant_reads == 2 * len(watched.listed) < 2 * 230
    key = StreamKey(fake.org_id, "webex", "participants")
    assert store.checkpoint(key).window is None


@pytest.mark.parametrize("failing", [0, 5, 17, 29])
@pytest.mark.parametrize("readers", [1, 4])
def test_a_failed_instance_hands_on_those_before_it_and_a_rerun_completes_the_window(
    clock: FakeClock, readers: int, failing: int
) -> None:
    fake = classes(clock)
    settings = {"meetings_max": 4, "participants_max": 10}
    listed = Watched(fake)
    window_pages(participant_streams(webex(fake, clock, listed), 1, **settings)[0])
    order = listed.listed
    watched = Watched(fake, delay=0.005, fail=order[failing])
    pages, error = window_pages(participant_streams(webex(fake, clock, watched), readers, **settings)[0])
    assert isinstance(error, PermissionDeniedError)
    done = [u for p in pages for u in p.completes]
    # Every instance listed before the failed one is handed on complete, with all its records ...
    assert [f"meeting:{m}" for m in order[:failing]] == done[:failing]
    assert f"meeting:{order[failing]}" not in done
    by_instance: dict[str, set[str]] = {m: set() for m in order}
    for x in fake.log_records("participants"):
        by_instance[x["meeting"]["id"]].add(
            participant_event(x["participant"], fake.org_id, meeting_context(x["meeting"]))["id"]
        )
    handed = {r.id for p in pages for r in p.records}
    assert all(by_instance[u.removeprefix("meeting:")] <= handed for u in done)
    # ... and no further instance was begun once it failed: only those already being read or queued.
    assert len(watched.read) <= failing + 1 + 2 * readers
    assert all(p.cursor is not None for p in pages)  # the window is not complete
    # Resuming from the last page handed on reads the rest: nothing lost, completed instances not read again.
    if pages:
        resumed = Watched(fake)
        resume = Resume(pages[-1].cursor, units=frozenset(done))
        rest, error = window_pages(participant_streams(webex(fake, clock, resumed), readers, **settings)[0], resume)
        assert error is None
        assert handed | {r.id for p in rest for r in p.records} == window_ids(fake)
        assert not {f"meeting:{m}" for m in resumed.read} & set(done)


@pytest.mark.parametrize("readers", [1, 4])
def test_stopping_at_any_page_and_resuming_from_its_cursor_loses_nothing(
    clock: FakeClock, readers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(webex_logs, "PAGE_EVENTS", 50)  # pages end inside instances too
    fake = classes(clock, count=15, sizes=(7, 23, 3, 140, 40))
    settings = {"meetings_max": 4, "participants_max": 10}
    pages, error = window_pages(participant_streams(webex(fake, clock), readers, **settings)[0])
    assert error is None and len(pages) > 12
    everything = window_ids(fake)
    for stop in range(len(pages) - 1):  # committed up to `stop`, then the process died
        committed = pages[: stop + 1]
        done = frozenset(u for p in committed for u in p.completes)
        watched = Watched(fake)
        rest, error = window_pages(participant_streams(webex(fake, clock, watched), readers, **settings)[0],
                                   Resume(committed[-1].cursor, units=done))  # fmt: skip
        assert error is None
        assert {r.id for p in committed + rest for r in p.records} == everything, f"lost after page {stop}"
        assert not {f"meeting:{m}" for m in watched.read} & done  # completed instances are skipped


@pytest.mark.parametrize("readers", [1, 4])
def test_a_resumed_window_of_instances_read_at_once_loses_and_duplicates_nothing(
    clock: FakeClock, readers: int
) -> None:
    fake = classes(clock)
    calls = 0

    def die(request: httpx.Request, n: int) -> None:
        nonlocal calls
        if request.url.path.endswith("/meetingParticipants"):
            calls += 1
            if calls > 14:
                raise Crash

    refresh = connect(fake)
    store = LogStore.memory()
    with pytest.raises(Crash):
        Collector(store, clock=clock).run(participant_streams(webex(fake, clock, Hooked(fake, die), refresh), readers))
    key = StreamKey(fake.org_id, "webex", "participants")
    assert store.checkpoint(key).window is not None
    done = {u for u in store.units(key) if u.startswith("meeting:")}
    assert 8 <= len(done) <= 14
    report = Collector(store, clock=clock).run(participant_streams(webex(fake, clock), readers))
    assert report.ok, report.summary()
    ids = list(store.ids())
    assert len(ids) == len(set(ids)) and set(ids) == window_ids(fake)


def test_a_consumer_that_stops_early_leaves_no_read_running(clock: FakeClock) -> None:
    fake = classes(clock)
    watched = Watched(fake, delay=0.05)
    stream = participant_streams(webex(fake, clock, watched), 4, participants_max=10)[0]
    pages = stream.pages(DAY, Resume())
    next(pages)
    assert watched.in_flight > 0
    pages.close()  # the collector stopped: every read ends before close returns
    assert watched.in_flight == 0
    sent = watched.participant_reads
    time.sleep(0.2)
    assert watched.participant_reads == sent and sent < 30 * 2
    workers = [t for t in threading.enumerate() if t.name.startswith("confkit-webex-participants")]
    del stream, pages
    gc.collect()
    for thread in workers:  # idle workers end with their stream
        thread.join(5)
        assert not thread.is_alive()


def test_a_window_waiting_for_its_turn_does_not_hold_up_another_window_of_the_stream(
    clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(webex_logs, "PAGE_EVENTS", 5)
    fake = classes(clock, count=12, sizes=(140,))
    stream = participant_streams(webex(fake, clock), 4, participants_max=10)[0]
    waiting = stream.pages(DAY, Resume())
    next(waiting)  # its workers now wait for it to be read on, each holding pages of a 140-person class
    time.sleep(0.2)
    finished: list[set[str]] = []
    other = threading.Thread(target=lambda: finished.append({r.id for p in stream.pages(DAY, Resume())
                                                             for r in p.records}), daemon=True)  # fmt: skip
    other.start()
    other.join(30)
    assert finished == [window_ids(fake)]
    waiting.close()


@pytest.mark.parametrize("readers", [2, 4])
def test_a_failure_while_handling_big_instances_never_hangs_the_stream(readers: int) -> None:
    """``is_external`` failing (a 429 storm on /people) on ``readers`` long instances in a row: the
    abandoned instances' workers must be freed, or every pool thread waits for good to hand on a page
    nobody reads and the next instance never begins."""
    import types

    from confkit.errors import RateLimitedError

    class Client:
        settings = types.SimpleNamespace(site_url="x")

        def pages(self, path: str, params: dict[str, Any], cursor: str | None = None) -> Any:
            if path == "/meetings":
                items = [{"id": f"m{i}", "start": "2026-01-05T10:00:00Z", "end": "2026-01-05T11:00:00Z",
                          "hostEmail": "h@d.org"} for i in range(8)]  # fmt: skip
                yield webex_logs.ListPage(items, None, "u")
                return
            for p in range(10):  # an instance of ten pages of participants
                items = [{"id": f"{params['meetingId']}-{p}-{k}", "email": f"x{k}@gmail.com",
                          "joinedTime": "2026-01-05T10:00:00.000Z"} for k in range(3)]  # fmt: skip
                yield webex_logs.ListPage(items, None if p == 9 else "next", "u")

        def is_external(self, email: str | None, host: str | None = None) -> bool:
            raise RateLimitedError("429 on /people", provider="webex")

    stream = ParticipantStream.__new__(ParticipantStream)
    stream.client, stream.tenant = Client(), "org"  # type: ignore[assignment]
    stream._idle, stream._idle_lock = [], threading.Lock()
    stream.readers = readers
    window = Window(datetime(2026, 1, 5, tzinfo=UTC), datetime(2026, 1, 6, tzinfo=UTC))
    result: dict[str, Any] = {}

    def consume() -> None:
        try:
            result["pages"] = list(stream.pages(window, Resume()))
        except RateLimitedError as exc:
            result["error"] = exc

    thread = threading.Thread(target=consume, daemon=True)
    thread.start()
    thread.join(20)
    assert not thread.is_alive(), "the participants stream hung"
    assert isinstance(result.get("error"), RateLimitedError)


def test_a_token_that_may_not_read_audit_events_fails_the_security_stream_instead_of_unavailable(
    fake: FakeWebex, clock: FakeClock
) -> None:
    """A 403 on the security audit events is "the org lacks the feature" only when the admin audit events,
    which need the same scope and role, are readable: a token of someone who is no admin is an error."""
    teacher = "teacher0@staff.district.example"
    refresh = fake.authorize_integration("C-logs", "secret", teacher)
    streams = [s for s in webex(fake, clock, refresh=refresh).log_streams() if s.name == "security_audit"]
    report = Collector(LogStore.memory(), clock=clock).run(streams)
    (progress,) = report.streams
    assert progress.state == "failed" and not report.ok
    assert progress.error is not None and "audit:events_read" in progress.error and "Full Admin" in progress.error


def test_a_list_that_times_out_is_asked_again_with_a_smaller_max(fake: FakeWebex, clock: FakeClock) -> None:
    # webex-admin.json, 504 on every list: "If your query uses max parameter, please try to reduce it."
    asked: list[int] = []

    class SlowAtALargeMax(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/admin/securityAudit/events"):
                size = int(request.url.params.get("max", "0"))
                asked.append(size)
                if size > 250:
                    return httpx.Response(504, json={"message": "Gateway Timeout", "trackingId": "ROUTER_504"})
            return fake.handle_request(request)

    store = LogStore.memory()
    streams = [s for s in webex(fake, clock, SlowAtALargeMax()).log_streams() if s.name == "security_audit"]
    report = Collector(store, clock=clock).run(streams)
    assert report.ok, report.summary()
    tenant = fake.org_id
    assert set(store.ids()) == {security_audit_event(r, tenant)["id"] for r in fake.log_records("security_audit")}
    assert 1000 in asked and 500 in asked and set(asked[asked.index(250):]) == {250}  # halved, then kept



def test_a_meeting_refused_for_its_host_is_a_gap_not_a_failed_stream(clock: FakeClock) -> None:
    # asked again with hostEmail, Webex may refuse (a host on a site this admin does not manage): a gap
    fake, meetings = two_classes(clock)

    class Refused(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.params.get("meetingId") == meetings[0]["id"]:
                if "hostEmail" in request.url.params:
                    return httpx.Response(403, json={"message": "You are not allowed to access this site.",
                                                     "trackingId": "ROUTER_3"})  # fmt: skip
                return httpx.Response(404, json={"message": "Meeting not found.", "trackingId": "ROUTER_4"})
            return fake.handle_request(request)

    store = LogStore.memory()
    report = Collector(store, clock=clock).run(participants_only(fake, clock, Refused()))
    assert report.ok, report.summary()
    (gap,) = store.gaps()
    assert "not allowed to access this site" in gap.reason
