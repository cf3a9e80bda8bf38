"""Golden tests: Zoom log records shaped as the spec and notes say -> the normalized events (no HTTP)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from confkit.logs.model import (
    Actor,
    Category,
    LogEvent,
    MeetingRef,
    Outcome,
    Session,
    SettingChange,
    Target,
    event_id,
    format_time,
    vendor_time,
)
from confkit.providers.zoom.logs import (
    OperationDetail,
    meeting_context,
    operation_event,
    parse_operation_detail,
    participant_event,
    signin_event,
)

TENANT = "fake-account-id"


def t(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# -- the operation_detail parser (notes/zoom.md §4, Panther's fixtures) ------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Security  - Require a passcode when scheduling new meetings: from On to Off",
            OperationDetail("Security", "Require a passcode when scheduling new meetings", "On", "Off"),
        ),
        (
            "Change Role  - homer.simpson@duff.io: from User to Co-Owner",
            OperationDetail("Change Role", "homer.simpson@duff.io", "User", "Co-Owner"),
        ),
        (
            "Edit Group Springfield  - Personal Meeting ID (PMI) Passcode: from On to Off",
            OperationDetail("Edit Group Springfield", "Personal Meeting ID (PMI) Passcode", "On", "Off"),
        ),
        (
            "Sign-in Methods  - Allow users to sign in with Google: from Off to On",
            OperationDetail("Sign-in Methods", "Allow users to sign in with Google", "Off", "On"),
        ),
        # the spec's own example: one space before "-", no change
        ("delete user - user2@example.com", OperationDetail("delete user", "user2@example.com")),
        # values with spaces and a "to" inside the new value; an empty old value
        (
            "Meeting  - Waiting Room options: from Everyone to Users not in your account",
            OperationDetail("Meeting", "Waiting Room options", "Everyone", "Users not in your account"),
        ),
        ("Meeting  - Meeting banner text: from  to Welcome", OperationDetail("Meeting", "Meeting banner text", "",
                                                                              "Welcome")),
        # a hyphen inside the head is not the separator; no separator at all is all head
        (
            "Sign-In Password Requirement  - Have at least 1 letter: from Off to On",
            OperationDetail("Sign-In Password Requirement", "Have at least 1 letter", "Off", "On"),
        ),
        ("Reset all user passwords", OperationDetail("Reset all user passwords")),
        ("", OperationDetail("")),
    ],
)
def test_operation_detail_parser(text: str, expected: OperationDetail) -> None:
    assert parse_operation_detail(text) == expected


# -- sign-in activity (/report/activities) -------------------------------------------------------------------

ACTIVITY = {  # the spec's example values
    "client_type": "Browser",
    "email": "jchill@example.com",
    "ip_address": "192.0.2.1",
    "time": "2019-09-15T19:13:41Z",
    "type": "Sign out",
    "version": "5.9.1.2581",
}


def test_sign_out_record_maps_to_an_authentication_event() -> None:
    event = LogEvent.model_validate(signin_event(ACTIVITY, TENANT))
    assert event == LogEvent(
        id=event_id("zoom", "signins", "jchill@example.com", "2019-09-15T19:13:41Z", "Sign out", "192.0.2.1",
                    "Browser", "5.9.1.2581"),
        time=t("2019-09-15T19:13:41Z"),
        provider="zoom",
        tenant=TENANT,
        stream="signins",
        category=Category.AUTHENTICATION,
        action="sign_out",
        outcome=Outcome.SUCCESS,
        vendor_action="Sign out",
        actor=Actor(email="jchill@example.com", ip="192.0.2.1", client="Browser", client_version="5.9.1.2581",
                    external=False, anonymous=False),
        raw=ACTIVITY,
    )


def test_sign_in_and_unknown_activity_types() -> None:
    assert signin_event(ACTIVITY | {"type": "Sign in"}, TENANT)["action"] == "sign_in"
    odd = signin_event(ACTIVITY | {"type": "Sign in failed"}, TENANT)
    assert (odd["action"], odd["outcome"], odd["category"]) == ("sign_in_failed", "failure", "authentication")


# -- operation logs (/report/operationlogs) -----------------------------------------------------------------


def op(detail: str, category: str = "Account", action: str = "Update") -> dict[str, str]:
    return {"time": "2022-12-16T18:22:17Z", "operator": "admin@duff.io", "category_type": category,
            "action": action, "operation_detail": detail}


def test_account_setting_weakened() -> None:
    record = op("Security  - Require a passcode when scheduling new meetings: from On to Off")
    event = LogEvent.model_validate(operation_event(record, TENANT))
    assert event == LogEvent(
        id=event_id("zoom", "operations", "2022-12-16T18:22:17Z", "admin@duff.io", "Account", "Update",
                    record["operation_detail"]),
        time=t("2022-12-16T18:22:17Z"),
        provider="zoom",
        tenant=TENANT,
        stream="operations",
        category=Category.SETTING_CHANGE,
        action="setting.update",
        outcome=Outcome.SUCCESS,
        vendor_action="Update",
        vendor_category="Account",
        actor=Actor(email="admin@duff.io", external=False, anonymous=False),
        target=Target(type="account", id=TENANT),
        changes=[SettingChange(section="Security", field="Require a passcode when scheduling new meetings",
                               **{"from": "On", "to": "Off"})],
        detail=record["operation_detail"],
        raw=record,
    )


def test_role_change_names_the_user_and_the_roles() -> None:
    record = op("Change Role  - homer.simpson@duff.io: from User to Co-Owner", "User", "Batch Update")
    event = LogEvent.model_validate(operation_event(record, TENANT))
    assert (event.category, event.action) == (Category.ROLE_CHANGE, "role.change")
    assert event.target == Target(type="user", email="homer.simpson@duff.io")
    assert event.changes == [SettingChange(field="role", **{"from": "User", "to": "Co-Owner"})]
    assert event.changes[0].from_value == "User" and event.changes[0].to_value == "Co-Owner"


def test_group_setting_change_targets_the_group() -> None:
    record = op("Edit Group Springfield  - Personal Meeting ID (PMI) Passcode: from On to Off", "User Group")
    event = LogEvent.model_validate(operation_event(record, TENANT))
    assert (event.category, event.action) == (Category.SETTING_CHANGE, "setting.update")
    assert event.target == Target(type="group", name="Springfield")
    assert event.changes == [SettingChange(field="Personal Meeting ID (PMI) Passcode", **{"from": "On", "to": "Off"})]


@pytest.mark.parametrize(
    ("category", "action", "detail", "expected", "target"),
    [
        ("User", "Delete", "delete user - user2@example.com", ("user_change", "user.delete"),
         {"type": "user", "email": "user2@example.com"}),
        ("User", "Add", "Add User  - new.student@students.example", ("user_change", "user.create"),
         {"type": "user", "email": "new.student@students.example"}),
        ("User", "Update", "Deactivate User  - gone@staff.example", ("user_change", "user.deactivate"),
         {"type": "user", "email": "gone@staff.example"}),
        ("Role", "Add", "Add Role  - Substitute Teachers", ("role_change", "role.create"),
         {"type": "role", "name": "Substitute Teachers"}),
        ("Role", "Update", "Edit Role Teachers  - Meeting: from View to Edit", ("role_change", "role.update"),
         {"type": "role", "name": "Teachers"}),
        ("Recording", "Delete", "Delete Recording  - Algebra I - P3", ("recording", "recording.delete"),
         {"type": "recording", "name": "Algebra I - P3"}),
        ("Zoom Rooms", "Add", "Add Room  - Library", ("other", "zoom_rooms.create"),
         {"type": "zoom_rooms", "name": "Library"}),
        ("User Settings", "Update", "Edit User ada@staff.example  - Join before host: from Off to On",
         ("setting_change", "setting.update"), {"type": "user", "email": "ada@staff.example"}),
    ],
)
def test_operation_classification(
    category: str, action: str, detail: str, expected: tuple[str, str], target: dict[str, str]
) -> None:
    event = LogEvent.model_validate(operation_event(op(detail, category, action), TENANT))
    assert (event.category.value, event.action) == expected
    assert event.target is not None
    assert event.target.model_dump(exclude_none=True) == target


def test_operation_time_in_the_space_separated_form() -> None:
    record = op("Security  - Sign in with Two-Factor Authentication: from On to Off") | {"time": "2022-12-16 18:22:17"}
    event = LogEvent.model_validate(operation_event(record, TENANT))
    assert event.time == t("2022-12-16T18:22:17Z")
    assert event.raw["time"] == "2022-12-16 18:22:17"  # the vendor record stays untouched


# -- participants (/past_meetings/{uuid}/participants) --------------------------------------------------------

REPORT_MEETING = {  # a /report/users/{userId}/meetings item, the spec's example values
    "uuid": "4444AAAiAAAAAiAiAiiAii==",
    "id": 12345,
    "type": 2,
    "topic": "My Meeting",
    "user_name": "Jill Chill",
    "user_email": "jchill@example.com",
    "start_time": "2019-07-15T23:24:52Z",
    "end_time": "2020-07-15T23:30:19Z",
    "duration": 6,
    "participants_count": 2,
}
PARTICIPANT = {  # the spec's example values
    "id": "30R7kT7bTIKSNUFEuH_Qlg",
    "name": "Jill Chill",
    "user_id": "27423744",
    "user_email": "jchill@example.com",
    "join_time": "2022-03-23T06:58:09Z",
    "leave_time": "2022-03-23T07:02:28Z",
    "duration": 259,
    "failover": False,
    "status": "in_meeting",
}


def test_participant_record_maps_to_a_participant_session() -> None:
    context = meeting_context(REPORT_MEETING, "host-id-1")
    event = LogEvent.model_validate(participant_event(PARTICIPANT, TENANT, context))
    meeting = MeetingRef(id="12345", instance="4444AAAiAAAAAiAiAiiAii==", code="12345", topic="My Meeting",
                         host_id="host-id-1", host_email="jchill@example.com", start=t("2019-07-15T23:24:52Z"),
                         end=t("2020-07-15T23:30:19Z"))
    assert event == LogEvent(
        id=event_id("zoom", "participants", "4444AAAiAAAAAiAiAiiAii==", "30R7kT7bTIKSNUFEuH_Qlg", "27423744",
                    "Jill Chill", "jchill@example.com", "2022-03-23T06:58:09Z", "2022-03-23T07:02:28Z", "in_meeting",
                    None),
        time=t("2022-03-23T06:58:09Z"),
        provider="zoom",
        tenant=TENANT,
        stream="participants",
        category=Category.PARTICIPANT,
        action="participant.session",
        outcome=Outcome.SUCCESS,
        vendor_action="in_meeting",
        actor=Actor(id="30R7kT7bTIKSNUFEuH_Qlg", email="jchill@example.com", name="Jill Chill", external=False,
                    anonymous=False),
        target=Target(type="meeting", id="12345", name="My Meeting"),
        meeting=meeting,
        session=Session(start=t("2022-03-23T06:58:09Z"), end=t("2022-03-23T07:02:28Z"), duration_seconds=259,
                        status="in_meeting", participant_id="27423744"),
        raw=PARTICIPANT,
    )


def test_a_guest_is_external_and_anonymous_and_a_waiting_room_stay_is_its_own_action() -> None:
    context = meeting_context(REPORT_MEETING, "host-id-1")
    guest = PARTICIPANT | {"id": "", "user_email": "", "name": "xXx_gamer", "status": "in_waiting_room"}
    event = LogEvent.model_validate(participant_event(guest, TENANT, context))
    assert event.actor == Actor(name="xXx_gamer", external=True, anonymous=True)
    assert event.action == "participant.waiting_room"
    assert event.id != LogEvent.model_validate(participant_event(PARTICIPANT, TENANT, context)).id


# -- ids and times --------------------------------------------------------------------------------------------


def test_event_ids_are_stable_and_unambiguous() -> None:
    assert event_id("zoom", "signins", "a", "b") == event_id("zoom", "signins", "a", "b")
    assert event_id("zoom", "signins", "ab", "") != event_id("zoom", "signins", "a", "b")
    assert event_id("zoom", "signins", None) == event_id("zoom", "signins", "")
    assert event_id("zoom", "signins", "a") != event_id("zoom", "operations", "a")
    assert len(event_id("x", "y")) == 32


def test_re_reading_a_record_gives_the_same_event() -> None:
    assert signin_event(dict(ACTIVITY), TENANT) == signin_event(dict(ACTIVITY), TENANT)


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("2019-09-15T19:13:41Z", "2019-09-15T19:13:41.000000Z"),
        ("2022-12-16 18:22:17", "2022-12-16T18:22:17.000000Z"),
        ("2025-04-11T09:34:45.696Z", "2025-04-11T09:34:45.696000Z"),
        ("2025-04-11T11:34:45+02:00", "2025-04-11T09:34:45.000000Z"),
        ("not a time", None),
        (None, None),
    ],
)
def test_vendor_times_become_sortable_utc(value: str | None, stored: str | None) -> None:
    assert vendor_time(value) == stored


def test_to_dict_is_the_stored_shape() -> None:
    stored = operation_event(op("Security  - Require a passcode when scheduling new meetings: from On to Off"),
                             TENANT)
    assert LogEvent.model_validate(stored).to_dict() == stored
    assert format_time(datetime(2026, 1, 5, tzinfo=UTC)) == "2026-01-05T00:00:00.000000Z"


# -- vendor records (the collector's fast path: stored as received, normalized when read) -----------------------


def test_records_normalize_to_exactly_the_mappers_events() -> None:
    import json

    from confkit.logs.stream import VendorRecord, record_event
    from confkit.providers.zoom.logs import operation_record, participant_record, signin_record

    def stored(record: VendorRecord) -> VendorRecord:  # what reading back from the store gives
        body = json.loads(json.dumps([record.raw] if record.context is None else [record.raw, record.context]))
        return record._replace(raw=body[0], context=body[1] if len(body) > 1 else None)

    context = meeting_context(REPORT_MEETING, "host-id-1")
    guest = PARTICIPANT | {"id": "", "user_email": "", "name": "xXx_gamer", "status": "in_waiting_room"}
    untimed = {k: v for k, v in ACTIVITY.items() if k != "time"}
    cases = [
        (signin_record(ACTIVITY, TENANT), "signins", signin_event(ACTIVITY, TENANT)),
        (signin_record(untimed, TENANT, "2026-01-05T00:00:00.000000Z"), "signins",
         signin_event(untimed, TENANT, "2026-01-05T00:00:00.000000Z")),
        (operation_record(op("Change Role  - homer.simpson@duff.io: from User to Co-Owner"), TENANT), "operations",
         operation_event(op("Change Role  - homer.simpson@duff.io: from User to Co-Owner"), TENANT)),
        (participant_record(PARTICIPANT, TENANT, context), "participants",
         participant_event(PARTICIPANT, TENANT, context)),
        (participant_record(guest, TENANT, context), "participants", participant_event(guest, TENANT, context)),
    ]
    for record, stream, event in cases:
        assert (record.id, record.time, record.category, record.action) == (
            event["id"], event["time"], event["category"], event["action"])
        assert record_event(stored(record), "zoom", TENANT, stream) == event


def test_operation_records_index_the_category_and_action_the_mapper_gives() -> None:
    """Collection classifies operation logs from the detail's head alone (cached); it must agree with
    the full mapper on every form: the parser's fixtures, each category type and action, and the
    bulk generator's whole vocabulary."""
    from confkit.providers.zoom.logs import operation_record
    from confkit.testing import FakeZoom

    details = [
        "Security  - Require a passcode when scheduling new meetings: from On to Off",
        "Change Role  - homer.simpson@duff.io: from User to Co-Owner",
        "Edit Group Springfield  - Personal Meeting ID (PMI) Passcode: from On to Off",
        "Edit User bart@duff.io  - Waiting room: from On to Off",
        "Edit Role Auditors  - View reports: from Off to On",
        "Meeting  - Meeting banner text: from  to Welcome",
        "delete user - user2@example.com",
        "Deactivate user - lisa@duff.io",
        "Activate User  - lisa@duff.io",
        "Reset all user passwords",
        "",
    ]
    kinds = ["Account", "User", "User Settings", "Role", "Recording", "User Group", "Zoom Rooms", "Webinar", "",
             "Something New"]
    actions = ["Update", "Add", "Delete", "Batch Delete", "Activate", "Deactivate", "Edit", "Frobnicate", ""]
    records = [op(d, k, a) for d in details for k in kinds for a in actions]
    fake = FakeZoom(seed=3)
    fake.generate_log_traffic(operations=3000, end=fake.now() - timedelta(hours=1))
    generated = list(fake.log_records("operations"))
    assert len(generated) == 3000
    records += generated
    for record in records:
        event = operation_event(record, TENANT)
        indexed = operation_record(record, TENANT)
        assert (indexed.category, indexed.action) == (event["category"], event["action"]), record
