"""Google audit logs: golden mappings of Reports API records (shaped as the discovery document and the notes
say) and the collector against FakeGoogle - the stored event set is exactly the served set, under faults too."""

from __future__ import annotations

import copy
import io
import itertools
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Any

import httpx
import pytest

from confkit.errors import ConfigurationError
from confkit.http.clock import FakeClock
from confkit.http.ratelimit import Rate, RateLimiter
from confkit.logs import LogStore, export, fetch, read
from confkit.logs.engine import Collector, StreamProgress
from confkit.logs.model import LogEvent, event_id
from confkit.logs.raw import decoded, is_raw
from confkit.logs.raw import text as raw_text
from confkit.logs.redact import Redactor
from confkit.logs.store import StreamKey
from confkit.logs.stream import (
    CursorExpiredError,
    FunctionRedaction,
    LogStream,
    Resume,
    VendorRecord,
    Window,
    raw_redaction,
    record_event,
)
from confkit.providers.google import GoogleProvider
from confkit.providers.google.limits import (
    DEFAULT_RATES,
    REPORTS,
    REPORTS_FILTERED,
    WITHIN,
    bucket_for,
    rates_for,
)
from confkit.providers.google.logs import (
    MEET_SPLITTER,
    NORMALIZERS,
    RAW_REDACTORS,
    SETTING_EVENTS,
    AdminSettingStream,
    decode_cursor,
    encode_cursor,
    int64,
    meet_events,
    meet_records,
    meet_split_records,
    parameters,
    redact_activity,
    setting_events,
    setting_records,
    tenant_of,
)
from confkit.providers.google.transport import _SplitJsonModel
from confkit.sandbox import build_district
from confkit.testing.google import SANDBOX, FakeGoogle

START = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
ADMIN = SANDBOX.settings["admin_email"]
TENANT = "staff.lincoln-usd.example"  # the admin's domain: customer_id is my_customer
CUSTOMER = "C03fake7x"


def ev(event: dict[str, Any]) -> LogEvent:
    """Validated against the model, as every mapper's output must be."""
    return LogEvent.model_validate(event)


# -- golden: the Meet audit log ------------------------------------------------------------------------------

#: notes/google.md §2: a call_ended activity with the parameter values of Elastic's Meet fixtures.
CALL_ENDED: dict[str, Any] = {
    "kind": "admin#reports#activity",
    "id": {
        "time": "2025-04-11T09:34:45.696Z",
        "uniqueQualifier": "-3958238452375349237",
        "applicationName": "meet",
        "customerId": "C0xxxx",
    },
    "etag": '"aRsBkd3WRPbyrkxR3lM3Ec8jgcU"',
    "actor": {"callerType": "USER", "email": "teacher@district.org", "profileId": "108360234872957213451"},
    "networkInfo": {"ipAsn": [], "regionCode": "US", "subdivisionCode": "US-IL"},
    "events": [
        {
            "type": "call",
            "name": "call_ended",
            "parameters": [
                {"name": "meeting_code", "value": "NTBTYDTXBE"},
                {"name": "conference_id", "value": "-PeisjX_5iUtKPuGffkJDaBcdEfgh"},
                {"name": "organizer_email", "value": "teacher@district.org"},
                {"name": "is_external", "boolValue": False},
                {"name": "endpoint_id", "value": "boq_hlane_tapUd4RgwzE"},
                {"name": "device_type", "value": "web"},
                {"name": "product_type", "value": "meet"},
                {"name": "display_name", "value": "Richard Roe"},
                {"name": "identifier", "value": "teacher@district.org"},
                {"name": "identifier_type", "value": "email_address"},
                {"name": "location_country", "value": "US"},
                {"name": "location_region", "value": "Chicago"},
                {"name": "ip_address", "value": "203.0.113.9"},
                {"name": "start_timestamp_seconds", "intValue": "1744363322"},
                {"name": "duration_seconds", "intValue": "762"},
                {"name": "end_of_call_rating", "intValue": "4"},
                {"name": "network_transport_protocol", "value": "udp"},
            ],
        }
    ],
}


def test_call_ended_is_one_participant_session() -> None:
    (event,) = meet_events(CALL_ENDED, "C0xxxx")
    assert event == {
        "id": event_id(
            "google", "meet", "C0xxxx", "meet", "2025-04-11T09:34:45.696000Z", "-3958238452375349237", 0, "call_ended"
        ),
        "time": "2025-04-11T09:34:45.696000Z",
        "provider": "google",
        "tenant": "C0xxxx",
        "stream": "meet",
        "category": "participant",
        "action": "participant.session",
        "outcome": "success",
        "vendor_action": "call_ended",
        "vendor_category": "call",
        "actor": {
            "id": "108360234872957213451",
            "email": "teacher@district.org",
            "name": "Richard Roe",
            "ip": "203.0.113.9",
            "client": "web",
            "client_version": None,
            "external": False,
            "anonymous": False,
        },
        "target": {"type": "meeting", "id": "ntb-tydt-xbe", "name": None, "email": None},
        "meeting": {
            "id": "ntb-tydt-xbe",
            "instance": "-PeisjX_5iUtKPuGffkJDaBcdEfgh",
            "code": "ntb-tydt-xbe",
            "topic": None,
            "host_id": None,
            "host_email": "teacher@district.org",
            "start": None,
            "end": None,
        },
        "session": {
            "start": "2025-04-11T09:22:02.000000Z",
            "end": "2025-04-11T09:34:44.000000Z",
            "duration_seconds": 762,
            "status": None,
            "participant_id": "boq_hlane_tapUd4RgwzE",
        },
        "changes": [],
        "detail": None,
        "raw": CALL_ENDED,
        "redacted": [],
    }
    model = ev(event)
    assert model.session is not None and model.session.duration_seconds == 762
    assert model.meeting is not None and model.meeting.code == "ntb-tydt-xbe"


def test_an_external_anonymous_joiner() -> None:
    activity = copy.deepcopy(CALL_ENDED)
    activity["actor"] = {"callerType": "KEY", "key": "HANGOUTS_EXTERNAL_OR_ANONYMOUS"}
    activity["events"][0]["parameters"] = [
        {"name": "meeting_code", "value": "NTBTYDTXBE"},
        {"name": "is_external", "boolValue": True},
        {"name": "display_name", "value": "xXx_gamer_xXx"},
        {"name": "ip_address", "value": "192.0.2.44"},
        {"name": "duration_seconds", "intValue": "120"},
    ]
    event = ev(meet_events(activity, "C0xxxx")[0])
    assert event.actor is not None
    assert (event.actor.email, event.actor.name, event.actor.external, event.actor.anonymous) == (
        None,
        "xXx_gamer_xXx",
        True,
        True,
    )
    # no start_timestamp_seconds: the stay is the duration up to the time Google logged the leave
    assert event.session is not None and event.session.start == datetime(2025, 4, 11, 9, 32, 45, 696000, tzinfo=UTC)
    assert event.session.end == event.time
    # the external-or-anonymous key alone says external; a Google account from elsewhere is not anonymous
    activity["events"][0]["parameters"] = [
        {"name": "identifier", "value": "visitor@gmail.com"},
        {"name": "identifier_type", "value": "email_address"},
    ]
    event = ev(meet_events(activity, "C0xxxx")[0])
    assert event.actor is not None
    assert (event.actor.email, event.actor.external, event.actor.anonymous) == ("visitor@gmail.com", True, False)
    # a dial-in is not signed in; a Meet hardware device is
    activity["events"][0]["parameters"] = [{"name": "identifier_type", "value": "phone_number"}]
    assert ev(meet_events(activity, "C0xxxx")[0]).actor.anonymous is True  # type: ignore[union-attr]
    activity["events"][0]["parameters"] = [{"name": "identifier_type", "value": "device_id"}]
    assert ev(meet_events(activity, "C0xxxx")[0]).actor.anonymous is False  # type: ignore[union-attr]


def test_conference_actions_abuse_reports_and_unknown_events() -> None:
    activity = {
        "kind": "admin#reports#activity",
        "id": {
            "time": "2026-01-02T14:12:00.000Z",
            "uniqueQualifier": "77",
            "applicationName": "meet",
            "customerId": CUSTOMER,
        },
        "actor": {"callerType": "USER", "email": "ada.adams@staff.example", "profileId": "1"},
        "ipAddress": "198.51.100.7",
        "events": [
            {
                "type": "conference_action",
                "name": "knocking_denied",
                "parameters": [
                    {"name": "meeting_code", "value": "ABCMNOPXYZ"},
                    {"name": "target_display_names", "value": "mr. bean"},
                    {"name": "target_user_count", "intValue": "1"},
                    {"name": "action_time", "value": "2026-01-02T14:11:59.912345Z"},
                ],
            },
            {
                "type": "call",
                "name": "abuse_report_submitted",
                "parameters": [
                    {"name": "meeting_code", "value": "ABCMNOPXYZ"},
                    {"name": "action_reason", "value": "harassment"},
                    {"name": "action_description", "value": "shouting"},
                ],
            },
            {
                "type": "conference_action",
                "name": "presentation_started",
                "parameters": [{"name": "meeting_code", "value": "abc-mnop-xyz"}],
            },
            {"type": "livestream", "name": "brand_new_meet_event", "parameters": []},
            {
                "type": "conference_action",
                "name": "recording_activity",
                "status": {"eventStatus": "FAILED"},
                "parameters": [{"name": "meeting_code", "value": "not a code"}],
            },
        ],
    }
    events = [ev(e) for e in meet_events(activity, CUSTOMER)]
    assert [(e.category, e.action) for e in events] == [
        ("meeting_lifecycle", "meeting.knock_deny"),
        ("abuse_report", "abuse.report"),
        ("meeting_lifecycle", "meeting.presentation_start"),
        ("meeting_lifecycle", "meeting.brand_new_meet_event"),  # an unknown event is kept, never dropped
        ("recording", "recording.activity"),
    ]
    knock, abuse, present, unknown, recording = events
    assert knock.target is not None and (knock.target.type, knock.target.name) == ("user", "mr. bean")
    assert knock.actor is not None and knock.actor.ip == "198.51.100.7" and knock.actor.external is None
    assert knock.meeting is not None and knock.meeting.code == "abc-mnop-xyz"
    assert abuse.detail == "harassment: shouting" and abuse.outcome == "success"
    assert present.meeting is not None and present.meeting.code == "abc-mnop-xyz"
    assert unknown.meeting is None and unknown.target is None and unknown.vendor_category == "livestream"
    assert recording.outcome == "failure" and recording.meeting is not None
    assert recording.meeting.code == "not a code"  # a code of another shape is kept as it came
    # one event per events[] entry, each its own stable id, all the same time
    assert len({e.id for e in events}) == 5 and {e.time for e in events} == {events[0].time}
    assert all(e.raw == activity for e in events)


def test_ids_come_from_googles_identifiers_only() -> None:
    (a,) = meet_events(CALL_ENDED, "C0xxxx")
    other = copy.deepcopy(CALL_ENDED)
    other["etag"] = '"changed"'
    other["events"][0]["parameters"][7]["value"] = "Renamed Later"
    (b,) = meet_events(other, "tenant-b")
    assert a["id"] == b["id"]  # same Google identifiers: the same event, however it is re-read
    other["id"]["uniqueQualifier"] = "1"
    assert meet_events(other, "C0xxxx")[0]["id"] != a["id"]
    other["id"] = dict(CALL_ENDED["id"], time="2025-04-11T09:34:45.696000Z")  # same instant, other spelling
    assert meet_events(other, "C0xxxx")[0]["id"] == a["id"]


def test_parameter_values_of_every_type() -> None:
    params = parameters(
        [
            {"name": "s", "value": "x"},
            {"name": "i", "intValue": "-9223372036854775808"},
            {"name": "b", "boolValue": False},
            {"name": "mv", "multiValue": ["a", "b"]},
            {"name": "mi", "multiIntValue": ["1", "2"]},
            {
                "name": "m",
                "messageValue": {"parameter": [{"name": "city", "value": "abc"}, {"name": "n", "intValue": "7"}]},
            },
            {"name": "mm", "multiMessageValue": [{"parameter": [{"name": "k", "multiBoolValue": [True]}]}]},
            {"name": "s", "value": "second"},
            {"name": "none"},
        ]
    )
    assert params == {
        "s": "x",
        "i": -9223372036854775808,
        "b": False,
        "mv": ["a", "b"],
        "mi": [1, 2],
        "m": {"city": "abc", "n": 7},
        "mm": [{"k": [True]}],
        "none": None,
    }
    assert int64("762") == 762 and int64(" 5 ") == 5 and int64("") is None and int64("n/a") == "n/a"


# -- golden: Meet settings in the Admin console ----------------------------------------------------------------


def admin_activity(*events: dict[str, Any], time: str = "2026-01-02T16:05:12.481Z") -> dict[str, Any]:
    return {
        "kind": "admin#reports#activity",
        "id": {"time": time, "uniqueQualifier": "5123", "applicationName": "admin", "customerId": CUSTOMER},
        "etag": '"x"',
        "actor": {"callerType": "USER", "email": "it.admin@district.org", "profileId": "42"},
        "ipAddress": "198.51.100.20",
        "events": list(events),
    }


def setting(name: str, **params: str) -> dict[str, Any]:
    return {
        "type": "APPLICATION_SETTINGS",
        "name": name,
        "parameters": [{"name": k, "value": v} for k, v in params.items()],
    }


def test_a_weakened_meet_setting_is_a_structured_change() -> None:
    activity = admin_activity(
        setting(
            "CHANGE_APPLICATION_SETTING",
            SETTING_NAME="SafetyDomainLockProto users_allowed_to_join",
            OLD_VALUE="LOGGED_IN",
            NEW_VALUE="ALL",
            ORG_UNIT_NAME="Students",
            APPLICATION_NAME="Google Meet",
        )
    )
    (event,) = setting_events(activity, CUSTOMER)
    assert event == {
        "id": event_id(
            "google", "admin", CUSTOMER, "admin", "2026-01-02T16:05:12.481000Z", "5123", 0, "CHANGE_APPLICATION_SETTING"
        ),
        "time": "2026-01-02T16:05:12.481000Z",
        "provider": "google",
        "tenant": CUSTOMER,
        "stream": "admin",
        "category": "setting_change",
        "action": "setting.update",
        "outcome": "success",
        "vendor_action": "CHANGE_APPLICATION_SETTING",
        "vendor_category": "APPLICATION_SETTINGS",
        "actor": {
            "id": "42",
            "email": "it.admin@district.org",
            "name": None,
            "ip": "198.51.100.20",
            "client": None,
            "client_version": None,
            "external": False,
            "anonymous": False,
        },
        "target": {"type": "org_unit", "id": None, "name": "Students", "email": None},
        "meeting": None,
        "session": None,
        "changes": [
            {
                "section": "Google Meet",
                "field": "SafetyDomainLockProto users_allowed_to_join",
                "from": "LOGGED_IN",
                "to": "ALL",
            }
        ],
        "detail": None,
        "raw": activity,
        "redacted": [],
    }
    change = ev(event).changes[0]
    assert (change.field, change.from_value, change.to_value) == (
        "SafetyDomainLockProto users_allowed_to_join",
        "LOGGED_IN",
        "ALL",
    )


def test_created_and_deleted_settings_groups_and_other_applications() -> None:
    activity = admin_activity(
        setting(
            "CREATE_APPLICATION_SETTING",
            APPLICATION_NAME="Google Meet",
            SETTING_NAME="Incoming call restrictions Allowed caller type",
            NEW_VALUE="ALL",
            GROUP_EMAIL="staff@district.org",
            ORG_UNIT_NAME="Staff",
        ),
        setting(
            "DELETE_APPLICATION_SETTING",
            APPLICATION_NAME="google meet",
            SETTING_NAME="Incoming call restrictions Allowed caller type",
            OLD_VALUE="ALL",
        ),
        setting("CHANGE_APPLICATION_SETTING", APPLICATION_NAME="Gmail", SETTING_NAME="x", NEW_VALUE="y"),
        setting("CHANGE_APPLICATION_SETTING", SETTING_NAME="no application name", NEW_VALUE="y"),
        {"type": "USER_SETTINGS", "name": "CREATE_USER", "parameters": [{"name": "USER_EMAIL", "value": "a@b.org"}]},
    )
    created, deleted = (ev(e) for e in setting_events(activity, CUSTOMER))
    assert created.action == "setting.create" and created.target is not None
    assert (created.target.type, created.target.email) == ("group", "staff@district.org")  # a group wins over its OU
    assert created.changes[0].from_value is None and created.changes[0].to_value == "ALL"
    assert deleted.action == "setting.delete" and deleted.changes[0].to_value is None
    assert deleted.target is not None and (deleted.target.type, deleted.target.id) == ("account", CUSTOMER)
    assert created.id != deleted.id
    # one eventName series maps only its own entries: nothing is emitted twice across the series
    assert [e["action"] for e in setting_events(activity, CUSTOMER, "DELETE_APPLICATION_SETTING")] == ["setting.delete"]


def test_redaction_of_googles_records_by_parameter_name() -> None:
    redactor = Redactor(b"s" * 32, ["email", "ip", "name"])
    out = redact_activity(CALL_ENDED, redactor)
    params = {p["name"]: p.get("value") for p in out["events"][0]["parameters"]}
    assert out["actor"]["email"].startswith("h-") and out["actor"]["email"].endswith("@district.org")
    assert params["organizer_email"] == out["actor"]["email"] == params["identifier"]  # one salt: one hash
    assert params["ip_address"].startswith("ip-") and params["display_name"].startswith("name-")
    assert params["meeting_code"] == "NTBTYDTXBE" and params["device_type"] == "web"
    assert CALL_ENDED["actor"]["email"] == "teacher@district.org"  # the input is left alone
    nested = copy.deepcopy(CALL_ENDED)
    nested["events"][0]["parameters"] = [
        {"name": "target_email", "multiValue": ["a@x.org", "b@y.org"]},
        {"name": "details", "messageValue": {"parameter": [{"name": "note", "value": "mail c@z.org from 10.0.0.1"}]}},
    ]
    target, details = redact_activity(nested, redactor)["events"][0]["parameters"]
    assert all(v.startswith("h-") for v in target["multiValue"])
    assert "c@z.org" not in details["messageValue"]["parameter"][0]["value"]
    assert "10.0.0.1" not in details["messageValue"]["parameter"][0]["value"]
    # export-time --redact goes by parameter name too: the same function as the streams
    for name in ("meet", "admin"):
        found = raw_redaction("google", name)
        assert found is not None
        assert found.redact_raw(CALL_ENDED, redactor) == out


# -- cursors -------------------------------------------------------------------------------------------


def test_cursors_carry_the_exact_query_they_belong_to() -> None:
    cursor = encode_cursor("2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z", "tok", "CHANGE_APPLICATION_SETTING")
    assert decode_cursor(cursor) == (
        "2026-01-01T00:00:00Z",
        "2026-01-02T00:00:00Z",
        "tok",
        "CHANGE_APPLICATION_SETTING",
    )
    with pytest.raises(CursorExpiredError):
        decode_cursor("an old token")


# -- the streams against FakeGoogle ---------------------------------------------------------------------------


class Crash(BaseException):
    """Stands for the process dying: nothing catches it, nothing after it runs."""


class Hooked(httpx.BaseTransport):
    """Passes requests to the fake, calling ``hook(request, n)`` before the n-th (1-based)."""

    def __init__(self, fake: FakeGoogle, hook: Callable[[httpx.Request, int], None]) -> None:
        self.fake, self.hook, self.count = fake, hook, 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.count += 1
        self.hook(request, self.count)
        return self.fake.handle_request(request)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


def seed_traffic(fake: FakeGoogle, *, calls: int = 1200, settings: int = 60, days: int = 170) -> None:
    """Meet and Admin-console records spread over ``days`` (times a function of the index)."""
    teacher = "ada.adams@staff.lincoln-usd.example"
    fake.add_user(teacher, first_name="Ada", last_name="Adams", org_unit="/Staff")
    span = days * 86400
    for n in range(calls):
        at = START - timedelta(seconds=600 + n * span // calls + (n * 7919) % 3600)
        if n % 10 == 0:
            fake.add_meet_activity(
                "call_ended",
                actor_email=None,
                meeting_code="abc-mnop-xyz",
                organizer_email=teacher,
                time=at,
                duration_seconds=120,
                is_external=True,
                display_name="Guest",
            )
        elif n % 10 == 1:
            activity = fake.add_meet_activity(
                "knocking_accepted",
                actor_email=teacher,
                meeting_code="abc-mnop-xyz",
                organizer_email=teacher,
                time=at,
                event_type="conference_action",
                target_display_names="Guest",
            )
            activity["events"].append(
                {
                    "type": "conference_action",
                    "name": "presentation_started",
                    "parameters": [{"name": "meeting_code", "value": "ABCMNOPXYZ"}],
                }
            )
        else:
            fake.add_meet_activity(
                "call_ended",
                actor_email=f"s{n % 50}@students.lincoln-usd.example",
                meeting_code="abc-mnop-xyz",
                organizer_email=teacher,
                time=at,
                duration_seconds=1800 + n % 900,
                device_type="web",
                ip_address="203.0.113.9",
            )
    for n in range(settings):
        at = START - timedelta(seconds=900 + n * span // settings + (n * 104729) % 86400)
        name = ("CREATE_APPLICATION_SETTING", "CHANGE_APPLICATION_SETTING", "DELETE_APPLICATION_SETTING")[n % 3]
        fake.add_admin_setting_change(
            "SafetyDomainLockProto users_allowed_to_join",
            actor_email=ADMIN,
            time=at,
            event_name=name,  # type: ignore[arg-type]
            old_value=None if n % 3 == 0 else "LOGGED_IN",
            new_value=None if n % 3 == 2 else "ALL",
            org_unit="Students",
            application_name="Gmail" if n % 5 == 4 else "Google Meet",
        )


@pytest.fixture
def fake(clock: FakeClock) -> FakeGoogle:
    fake = FakeGoogle(clock=clock)
    fake.add_user(ADMIN, first_name="IT", last_name="Admin", org_unit="/Staff", is_admin=True)
    seed_traffic(fake)
    return fake


def google(
    fake: FakeGoogle, clock: FakeClock, transport: httpx.BaseTransport | None = None, **overrides: Any
) -> GoogleProvider:
    settings = dict(SANDBOX.settings) | overrides
    return GoogleProvider.from_settings(settings, client=httpx.Client(transport=transport or fake), clock=clock)


def streams(provider: GoogleProvider, page_size: int | None = None) -> list[LogStream]:
    found = list(provider.log_streams())
    if page_size is not None:
        for stream in found:
            stream.page_size = page_size  # type: ignore[attr-defined]
    return found


def expected_ids(fake: FakeGoogle) -> set[str]:
    ids = {e["id"] for a in fake.log_records("meet") for e in meet_events(a, TENANT)}
    return ids | {e["id"] for a in fake.log_records("admin") for e in setting_events(a, TENANT)}


def assert_exact(store: LogStore, fake: FakeGoogle) -> None:
    ids = list(store.ids())
    assert len(ids) == len(set(ids))
    assert set(ids) == expected_ids(fake)


def collector(store: LogStore, clock: FakeClock, **kw: Any) -> Collector:
    return Collector(store, clock=clock, **kw)


def reports(fake: FakeGoogle, since: int = 0) -> list[httpx.Request]:
    return [r for r in fake.requests[since:] if "/admin/reports/" in r.url.path]


def test_log_streams_of_the_google_provider(fake: FakeGoogle, clock: FakeClock) -> None:
    provider = google(fake, clock)
    found = provider.log_streams()
    assert [(s.provider, s.name) for s in found] == [("google", "meet"), ("google", "admin")]
    assert {s.tenant for s in found} == {TENANT}
    assert tenant_of(google(fake, clock, customer_id="C0abc")) == "C0abc"
    assert all(s.overlap == timedelta(hours=12) for s in found)
    assert found[0].earliest(START) == datetime(2025, 7, 9, 13, tzinfo=UTC)  # 180 days back, an hour inside


def test_first_collection_stores_exactly_what_google_serves(fake: FakeGoogle, clock: FakeClock) -> None:
    sent_at: dict[int, datetime] = {}

    def note(request: httpx.Request, n: int) -> None:
        sent_at[id(request)] = clock.now()

    store = LogStore.memory()
    report = collector(store, clock).run(streams(google(fake, clock, Hooked(fake, note))))
    assert report.ok, report.summary()
    assert_exact(store, fake)
    meet = sum(len(a["events"]) for a in fake.log_records("meet"))
    assert report.events_new == meet + 48 and report.events_dup == 0  # 60 changes, 12 of them Gmail's
    floor = START - timedelta(days=180)
    series: dict[tuple[str, str, str], set[str | None]] = {}
    for request in reports(fake):
        app = request.url.path.rsplit("/", 1)[1]
        start, end = (
            datetime.fromisoformat(request.url.params[k].replace("Z", "+00:00")) for k in ("startTime", "endTime")
        )
        assert floor < start < end <= sent_at[id(request)]  # inside Google's 180 days, never in the future
        assert end - start <= timedelta(days=1 if app == "meet" else 30)
        assert request.url.params["maxResults"] == "1000" and "/activity/users/all/applications/" in request.url.path
        series.setdefault((app, request.url.params["startTime"], request.url.params["endTime"]), set()).add(
            request.url.params.get("eventName")
        )
    assert all(names == {None} for (app, _, _), names in series.items() if app == "meet")
    assert all(
        names == {"CREATE_APPLICATION_SETTING", "CHANGE_APPLICATION_SETTING", "DELETE_APPLICATION_SETTING"}
        for (app, _, _), names in series.items()
        if app == "admin"
    )
    for checkpoint in store.checkpoints():
        assert checkpoint.window is None and checkpoint.cursor is None
        assert checkpoint.done_until is not None and checkpoint.done_until <= clock.now()


def test_a_second_run_reads_the_overlap_only_and_stores_nothing_twice(fake: FakeGoogle, clock: FakeClock) -> None:
    store = LogStore.memory()
    collector(store, clock).run(streams(google(fake, clock)))
    before = len(fake.requests)
    clock.advance(3600)
    report = collector(store, clock).run(streams(google(fake, clock)))
    assert report.ok and report.events_new == 0 and report.events_dup > 0
    starts = {r.url.params["startTime"] for r in reports(fake, before)}
    assert min(starts) == "2026-01-05T00:00:00Z"  # done_until - 12 hours, on the hour
    assert_exact(store, fake)


def test_late_arrivals_inside_the_overlap_are_caught(fake: FakeGoogle, clock: FakeClock) -> None:
    store = LogStore.memory()
    collector(store, clock).run(streams(google(fake, clock)))
    # Google reports these hours late, with their own (earlier) times
    fake.add_meet_activity(
        "call_ended",
        actor_email=ADMIN,
        meeting_code="abc-mnop-xyz",
        organizer_email=ADMIN,
        time=START - timedelta(hours=5),
        duration_seconds=60,
    )
    fake.add_admin_setting_change(
        "SafetyDomainLockProto users_allowed_to_join",
        actor_email=ADMIN,
        time=START - timedelta(hours=9),
        old_value="LOGGED_IN",
        new_value="ALL",
    )
    clock.advance(6 * 3600)
    report = collector(store, clock).run(streams(google(fake, clock)))
    assert report.events_new == 2
    assert_exact(store, fake)


def test_fetch_reads_straight_from_google(fake: FakeGoogle, clock: FakeClock) -> None:
    since = START - timedelta(days=10)
    events = list(fetch(google(fake, clock), since=since, streams=["meet"], clock=clock))
    served = [e for a in fake.log_records("meet", since=since) for e in meet_events(a, TENANT)]
    assert {e.id for e in events} == {e["id"] for e in served} and len(events) == len(served)


# -- faults -----------------------------------------------------------------------------------------------


def test_a_429_storm_is_ridden_out(fake: FakeGoogle, clock: FakeClock) -> None:
    fake.rate_limit_next(times=30, path="/admin/reports/")
    store = LogStore.memory()
    report = collector(store, clock).run(streams(google(fake, clock)))
    assert report.ok, report.summary()
    assert fake.pending_faults == 0 and sum(p.retries for p in report.streams) >= 1
    assert_exact(store, fake)


def test_403_rate_limit_exceeded_is_a_rate_limit(fake: FakeGoogle, clock: FakeClock) -> None:
    fake.rate_limit_403_next(times=12, path="/admin/reports/")
    fake.rate_limit_403_next(times=3, path="/admin/reports/", reason="userRateLimitExceeded")
    store = LogStore.memory()
    report = collector(store, clock).run(streams(google(fake, clock)))
    assert report.ok, report.summary()
    assert fake.pending_faults == 0
    assert_exact(store, fake)


def test_reports_503_and_connection_resets(fake: FakeGoogle, clock: FakeClock) -> None:
    fake.server_error_next(503, times=14, path="/admin/reports/")  # Google's answer to over-quota Reports calls
    fake.reset_connection_next(times=5, during="read", path="/admin/reports/")
    fake.server_error_next(500, times=3, path="/applications/admin")
    fake.reset_connection_next(times=4, during="connect", path="/admin/reports/")
    store = LogStore.memory()
    report = collector(store, clock).run(streams(google(fake, clock)))
    assert report.ok, report.summary()
    assert fake.pending_faults == 0
    assert_exact(store, fake)


def test_access_tokens_expiring_mid_stream(fake: FakeGoogle, clock: FakeClock) -> None:
    def expire(request: httpx.Request, n: int) -> None:
        if n % 25 == 0:
            fake.expire_tokens()

    store = LogStore.memory()
    report = collector(store, clock).run(streams(google(fake, clock, Hooked(fake, expire)), page_size=7))
    assert report.ok, report.summary()
    assert fake.tokens_issued >= 5
    assert_exact(store, fake)


def test_refused_page_tokens_restart_the_window(fake: FakeGoogle, clock: FakeClock) -> None:
    seen: list[int] = []

    def refuse(request: httpx.Request, n: int) -> None:
        if "pageToken" in request.url.params:
            seen.append(n)
            if len(seen) in (2, 9, 20, 33):
                fake.expire_page_tokens()

    store = LogStore.memory()
    report = collector(store, clock).run(streams(google(fake, clock, Hooked(fake, refuse)), page_size=3))
    assert report.ok, report.summary()
    restarts = sum(p.restarts for p in report.streams)
    assert restarts >= 3 and sum(c.restarts for c in store.checkpoints()) == restarts
    assert report.events_dup > 0  # the restarted windows were read again, and deduplicated
    assert_exact(store, fake)


@pytest.mark.parametrize("crash_after", [1, 3, 40, 111, 150, 183, 197])  # the whole run is 199 requests
def test_a_crash_at_any_point_then_a_rerun_loses_and_duplicates_nothing(
    fake: FakeGoogle, clock: FakeClock, crash_after: int
) -> None:
    def die(request: httpx.Request, n: int) -> None:
        if n > crash_after:
            raise Crash

    store = LogStore.memory()
    with pytest.raises(Crash):
        collector(store, clock).run(streams(google(fake, clock, Hooked(fake, die)), page_size=50))
    kept = store.count()
    clock.advance(60)
    report = collector(store, clock).run(streams(google(fake, clock), page_size=50))
    assert report.ok, report.summary()
    assert report.events_new == len(expected_ids(fake)) - kept
    assert_exact(store, fake)


def test_a_window_resumed_after_it_fell_out_of_the_180_days_is_read_again(fake: FakeGoogle, clock: FakeClock) -> None:
    admin = StreamKey(TENANT, "google", "admin")
    store = LogStore.memory()

    def die(request: httpx.Request, n: int) -> None:
        # inside the oldest admin window, between two of its series
        if "/applications/admin" in request.url.path and store.checkpoint(admin).cursor is not None:
            raise Crash

    with pytest.raises(Crash):  # no read-ahead: the crash comes right after the first admin page is committed
        collector(store, clock, prefetch=0).run(streams(google(fake, clock, Hooked(fake, die))))
    assert store.checkpoint(admin).window is not None and decode_cursor(store.checkpoint(admin).cursor or "")[2] is None
    clock.advance(86400)  # the window's start is now older than Google serves
    report = collector(store, clock).run(streams(google(fake, clock)))
    assert report.ok, report.summary()
    # read from the floor at once (the collector moves an unfinished window's start up to the retention)
    assert {p.key.stream: p.restarts for p in report.streams}["admin"] == 0
    assert [g.reason for g in store.gaps() if g.key == admin] == ["unfinished window past the vendor's retention"]
    assert_exact(store, fake)


def test_a_resumed_admin_window_skips_the_series_it_finished(fake: FakeGoogle, clock: FakeClock) -> None:
    for n in range(12):
        fake.add_admin_setting_change(
            "Incoming call restrictions Allowed caller type",
            actor_email=ADMIN,
            time=START - timedelta(days=2, minutes=n),
            event_name="DELETE_APPLICATION_SETTING",
            old_value="ALL",
        )
    provider = google(fake, clock)
    stream = AdminSettingStream(provider)
    stream.page_size = 2
    window = Window(START - timedelta(days=3), START)
    got = list(itertools.islice(stream.pages(window, Resume()), 4))
    assert all(p.cursor is not None for p in got)
    done = {u for p in got for u in p.completes}
    assert "event:CREATE_APPLICATION_SETTING" in done  # none in this window: one empty page
    before = len(fake.requests)
    rest = list(stream.pages(window, Resume(got[-1].cursor, START, frozenset(done))))
    names = {r.url.params.get("eventName") for r in reports(fake, before)}
    assert "CREATE_APPLICATION_SETTING" not in names and rest[-1].cursor is None
    assert [u for p in rest for u in p.completes][-1] == "event:DELETE_APPLICATION_SETTING"
    ids = [r.id for p in [*got, *rest] for r in p.records]
    served = {
        e["id"]
        for a in fake.log_records("admin", since=window.start)
        for e in setting_events(a, TENANT)
        if window.start <= datetime.fromisoformat(a["id"]["time"].replace("Z", "+00:00")) <= window.end
    }
    assert len(ids) == len(set(ids)) and set(ids) == served


def test_stop_finishes_the_current_page_and_the_next_run_resumes(fake: FakeGoogle, clock: FakeClock) -> None:
    store = LogStore.memory()
    holder: dict[str, Collector] = {}

    def on_progress(p: StreamProgress) -> None:
        if p.key.stream == "meet" and p.pages >= 30:  # the oldest windows are empty: traffic starts 170 days back
            holder["c"].stop()

    holder["c"] = collector(store, clock, on_progress=on_progress)
    report = holder["c"].run(streams(google(fake, clock), page_size=5))
    assert {p.key.stream: p.state for p in report.streams}["meet"] == "stopped"
    assert 0 < store.count() < len(expected_ids(fake))
    collector(store, clock).run(streams(google(fake, clock), page_size=5))
    assert_exact(store, fake)


def test_a_checkpoint_older_than_google_keeps_is_reported_as_a_gap(fake: FakeGoogle, clock: FakeClock) -> None:
    store = LogStore.memory()
    collector(store, clock).run(streams(google(fake, clock)))
    clock.advance(200 * 86400)
    report = collector(store, clock).run(streams(google(fake, clock)))
    assert report.ok, report.summary()
    assert any("retention" in note for p in report.streams for note in p.notes)
    key = StreamKey(TENANT, "google", "meet")
    assert store.checkpoint(key).done_until is not None


def test_redaction_at_collection_hashes_people_but_keeps_ids_and_domains(fake: FakeGoogle, clock: FakeClock) -> None:
    store = LogStore.memory()
    report = collector(store, clock, redact="ip,email,name").run(streams(google(fake, clock)))
    assert report.ok
    assert_exact(store, fake)  # ids come from Google's identifiers before redaction
    events = list(read(store))
    joins = [e for e in events if e.action == "participant.session" and e.actor and e.actor.email]
    one = joins[0]
    assert one.actor is not None and one.actor.email is not None and one.actor.email.startswith("h-")
    assert one.actor.email.endswith("@students.lincoln-usd.example")
    assert one.actor.ip is not None and one.actor.ip.startswith("ip-")
    assert one.raw["actor"]["email"] == one.actor.email and one.raw["ipAddress"] == one.actor.ip
    params = {p["name"]: p.get("value") for p in one.raw["events"][0]["parameters"]}
    assert (
        params["organizer_email"].startswith("h-")
        and one.meeting
        and one.meeting.host_email == params["organizer_email"]
    )
    guests = [e for e in events if e.actor and e.actor.external and e.action == "participant.session"]
    assert guests and all(e.actor and e.actor.name and e.actor.name.startswith("name-") for e in guests)
    changes = [e for e in events if e.stream == "admin"]
    assert changes and all(e.actor and e.actor.email and e.actor.email.startswith("h-") for e in changes)
    assert all(e.redacted == ["email", "ip", "name"] for e in events)


# -- the sandbox district --------------------------------------------------------------------------------------


def test_sandbox_traffic_has_what_a_security_team_looks_for(clock: FakeClock) -> None:
    fake: FakeGoogle = SANDBOX.make_fake(clock)  # type: ignore[assignment]
    SANDBOX.seed(fake, build_district(now=START))
    store = LogStore.memory()
    report = collector(store, clock).run(streams(google(fake, clock)))
    assert report.ok, report.summary()
    assert_exact(store, fake)
    events = list(read(store))
    weakened = [
        e
        for e in events
        if e.category == "setting_change"
        and e.changes
        and e.changes[0].field == "SafetyDomainLockProto users_allowed_to_join"
        and e.changes[0].to_value == "ALL"
    ]
    assert weakened and weakened[0].actor and weakened[0].actor.email == ADMIN
    assert weakened[0].target and weakened[0].target.name == "Students"
    assert not [e for e in events if e.changes and e.changes[0].section == "Gmail"]  # not Meet: not collected
    classes = {e.meeting.instance for e in events if e.category == "participant" and e.meeting}
    assert len(classes) >= 50
    external = [e for e in events if e.category == "participant" and e.actor and e.actor.external]
    assert external and all(e.actor and e.actor.anonymous for e in external)
    assert any(e.action == "meeting.knock_deny" for e in events)
    assert any(e.category == "abuse_report" for e in events)
    codes = {
        code
        for m in fake.events.values()
        for e in m.values()
        if (code := (e.get("conferenceData") or {}).get("conferenceId"))
    }
    assert {e.meeting.code for e in events if e.meeting} <= codes  # the district's own classes
    # a later collection over the same days (a new process: a fresh sandbox) stores nothing twice
    clock.advance(3600)
    again: FakeGoogle = SANDBOX.make_fake(clock)  # type: ignore[assignment]
    SANDBOX.seed(again, build_district(now=START))
    report = collector(store, clock).run(streams(google(again, clock)), since=START - timedelta(days=15))
    assert report.ok and report.events_new == 0 and report.events_dup == len(events)


# -- vendor records: stored as Google sent them, normalized when read ---------------------------------------------


def odd_meet_activities() -> list[dict[str, Any]]:
    """Activities as the mappers must take them: several events, odd ids and times, junk entries."""
    several = copy.deepcopy(CALL_ENDED)
    several["events"] = [
        {"type": "conference_action", "name": "knocking_accepted", "parameters": [
            {"name": "meeting_code", "value": "NTBTYDTXBE"}, {"name": "target_display_names", "value": "Guest"}]},
        "not an event",
        {"type": "conference_action", "name": "presentation_started", "parameters": []},
        {"name": "send_chat_everyone"},
        {"type": "call"},
        {"name": "Ünïcode nâme \ud800", "parameters": "not a list"},
        copy.deepcopy(CALL_ENDED["events"][0]),
    ]  # fmt: skip
    out = [CALL_ENDED, several]
    for raw_time in (
        "2025-04-11T09:34:45Z",
        "2025-04-11T11:34:45.696+02:00",
        "2025-02-30T09:34:45.696Z",
        "2025-04-11T24:00:00.000Z",
        "2025-04-11T09:34:60.000Z",
        "2025-04-11T09:34:45.6961Z",
        "yesterday",
        "",
        None,
        1744363322,
    ):
        odd = copy.deepcopy(CALL_ENDED)
        odd["id"]["time"] = raw_time
        out.append(odd)
    no_id = copy.deepcopy(CALL_ENDED)
    del no_id["id"]
    typed = copy.deepcopy(CALL_ENDED)
    typed["id"] = {"time": "2025-04-11T09:34:45.696Z", "uniqueQualifier": -395823845, "customerId": None}
    bad_id = copy.deepcopy(CALL_ENDED)
    bad_id["id"] = "C0xxxx/meet/1"
    return [*out, no_id, typed, bad_id, {"id": {}, "events": {"name": "call_ended"}}, {}]


def normalized(records: list[VendorRecord], stream: str) -> list[dict[str, Any]]:
    # The store keeps the raw record as JSON: normalize what comes back from it.
    return [record_event(r._replace(raw=json.loads(json.dumps(r.raw))), "google", TENANT, stream) for r in records]


@pytest.mark.parametrize("activity", odd_meet_activities())
def test_a_stored_meet_record_normalizes_to_the_mappers_event(activity: dict[str, Any]) -> None:
    records = meet_records(activity)
    events = meet_events(activity, TENANT)
    assert normalized(records, "meet") == events
    assert [(r.id, r.time, r.category, r.action) for r in records] == [
        (e["id"], e["time"], e["category"], e["action"]) for e in events
    ]
    assert all(r.raw is activity for r in records)  # lossless: the untouched activity is the event's raw
    for event in events:
        ev(event)


def _page(*activities: Any, indent: int | None = 2) -> bytes:
    """A Reports page as Google sends it (pretty-printed, as its APIs answer by default)."""
    return json.dumps({"kind": "admin#reports#activities", "etag": '"e"', "items": list(activities),
                       "nextPageToken": "tok-2"}, indent=indent).encode()


def _splittable(activity: dict[str, Any]) -> bool:
    """What :data:`MEET_SPLITTER` reads: an ``id`` object, ``events`` a list of objects, text msgspec accepts
    (it refuses lone surrogates such as ``\ud800``); anything else is decoded the usual way."""
    events = activity.get("events", [])
    return (isinstance(activity.get("id", {}), dict) and isinstance(events, list)
            and all(isinstance(e, dict) for e in events) and "\\ud8" not in json.dumps(activity))


@pytest.mark.parametrize("activity", odd_meet_activities())
def test_a_split_meet_page_gives_the_mappers_records_and_the_activity_as_sent(activity: dict[str, Any]) -> None:
    split = MEET_SPLITTER.split(_page(CALL_ENDED, activity))
    assert (split is not None) == _splittable(activity)
    if split is None:
        return
    pairs, fields = split
    assert fields == {"nextPageToken": "tok-2"}
    got = [r for keys, raw in pairs for r in meet_split_records(keys, raw)]
    whole = meet_records(CALL_ENDED) + meet_records(activity)
    assert [(r.id, r.time, r.category, r.action, r.context) for r in got] == [
        (r.id, r.time, r.category, r.action, r.context) for r in whole
    ]
    for (_, raw), original in zip(pairs, (CALL_ENDED, activity), strict=True):
        assert is_raw(raw) and decoded(raw) == original  # the vendor's record, exactly
        assert raw_text(raw) == json.dumps(original, separators=(",", ":"))  # as sent, whitespace removed
    assert [record_event(r, "google", TENANT, "meet") for r in got] == (
        meet_events(CALL_ENDED, TENANT) + meet_events(activity, TENANT)
    )


def test_pages_that_cannot_be_split_are_read_the_usual_way() -> None:
    assert MEET_SPLITTER.split(b"<html>blocked by the web filter</html>") is None
    assert MEET_SPLITTER.split(b'{"items": null}') is None
    good = _page(CALL_ENDED)
    assert MEET_SPLITTER.split(good.replace(b"Richard Roe", "Renée".encode())) is not None
    assert MEET_SPLITTER.split(good.replace(b"Richard Roe", b"Ren\xe9e")) is None  # Latin-1, not UTF-8
    model = _SplitJsonModel(MEET_SPLITTER)
    odd = _page({"id": "C0/meet/1", "events": []})
    assert model.deserialize(odd) == json.loads(odd)
    pairs, _ = model.deserialize(good)
    assert decoded(pairs[0][1]) == CALL_ENDED


def test_a_page_google_sends_in_a_shape_the_splitter_refuses_is_collected_all_the_same(clock: FakeClock) -> None:
    fake = FakeGoogle(clock=clock)
    fake.add_user(ADMIN, first_name="IT", last_name="Admin", org_unit="/Staff", is_admin=True)
    seed_traffic(fake, calls=40, settings=0, days=2)
    odd = fake.add_meet_activity("call_ended", actor_email=None, meeting_code="abc-mnop-xyz",
                                 organizer_email="ada.adams@staff.lincoln-usd.example",
                                 time=START - timedelta(hours=3), duration_seconds=60, display_name="Lone \ud800")
    assert not _splittable(odd)
    meet, _ = streams(google(fake, clock))
    store = LogStore.memory()
    assert collector(store, clock).run([meet]).ok
    expected = {e["id"] for a in fake.log_records("meet") for e in meet_events(a, TENANT)}
    assert set(store.ids()) == expected and store.count() == len(expected)


def test_non_ascii_text_in_a_split_record_is_stored_and_read_back_as_sent(clock: FakeClock) -> None:
    fake = FakeGoogle(clock=clock)
    fake.add_user(ADMIN, first_name="IT", last_name="Admin", org_unit="/Staff", is_admin=True)
    fake.add_meet_activity("call_ended", actor_email=None, meeting_code="abc-mnop-xyz",
                           organizer_email="ada.adams@staff.lincoln-usd.example", time=START - timedelta(hours=2),
                           duration_seconds=60, is_external=True, display_name="Renée Ñúñez 李")  # fmt: skip
    provider = google(fake, clock)
    meet, _ = streams(provider)
    store = LogStore.memory()
    assert collector(store, clock).run([meet]).ok
    [event] = list(read(store))
    [activity] = list(fake.log_records("meet"))
    assert event.raw == activity and event == ev(meet_events(activity, TENANT)[0])
    assert event.actor.name == "Renée Ñúñez 李"


def test_stored_admin_records_normalize_to_the_mappers_events() -> None:
    meet = {"APPLICATION_NAME": "Google Meet", "SETTING_NAME": "SafetyDomainLockProto users_allowed_to_join"}
    activities = [
        admin_activity(
            setting("CHANGE_APPLICATION_SETTING", **meet, OLD_VALUE="LOGGED_IN", NEW_VALUE="ALL", ORG_UNIT_NAME="S"),
            setting("CHANGE_APPLICATION_SETTING", APPLICATION_NAME="Gmail", SETTING_NAME="x", NEW_VALUE="y"),
            "junk",
            setting("CREATE_APPLICATION_SETTING", **meet, NEW_VALUE="ALL", GROUP_EMAIL="class-7@district.org"),
            setting("DELETE_APPLICATION_SETTING", **meet, OLD_VALUE="ALL", DOMAIN_NAME="district.org"),
            setting("CHANGE_APPLICATION_SETTING", APPLICATION_NAME="GOOGLE MEET ", SETTING_NAME="y"),
        ),
        admin_activity(setting("CHANGE_APPLICATION_SETTING", **meet), time="2026-01-02T16:05:12Z"),
        admin_activity(setting("CHANGE_APPLICATION_SETTING", **meet), time="not a time"),
        admin_activity(setting("RENAME_APPLICATION_SETTING", **meet)),
    ]
    for activity in activities:
        for name in (None, *SETTING_EVENTS):
            records = setting_records(activity, name)
            events = setting_events(activity, TENANT, name)
            assert normalized(records, "admin") == events
            assert [(r.id, r.time, r.category, r.action) for r in records] == [
                (e["id"], e["time"], e["category"], e["action"]) for e in events
            ]
    assert len(setting_records(activities[0])) == 4 and len(setting_records(activities[0], SETTING_EVENTS[1])) == 2
    assert [r.context for r in setting_records(activities[0])] == [None, {"index": 3}, {"index": 4}, {"index": 5}]
    assert isinstance(NORMALIZERS, MappingProxyType) and set(NORMALIZERS) == {"meet", "admin"}


def test_streams_hand_over_vendor_records_and_the_store_gives_back_the_mappers_events(clock: FakeClock) -> None:
    fake = FakeGoogle(clock=clock, seed=4)
    fake.add_user(ADMIN, first_name="IT", last_name="Admin", org_unit="/Staff", is_admin=True)
    seed_traffic(fake, calls=200, settings=30)
    fake.generate_log_traffic(meet=3000, admin=120, start=START - timedelta(days=160), end=START - timedelta(hours=3))
    provider = google(fake, clock)
    meet, admin = streams(provider)
    pages = list(meet.pages(Window(START - timedelta(days=1), START), Resume()))
    assert pages and all(not p.events and p.records for p in pages[:-1])
    store = LogStore.memory()
    report = collector(store, clock).run([meet, admin])
    assert report.ok, report.summary()
    assert_exact(store, fake)
    expected = {
        e["id"]: ev(e)
        for e in [
            *(e for a in fake.log_records("meet") for e in meet_events(a, TENANT)),
            *(e for a in fake.log_records("admin") for e in setting_events(a, TENANT)),
        ]
    }
    got = {e.id: e for e in read(store)}
    assert got == expected


# -- raw-record redaction: at collection and at export -------------------------------------------------------------

ZELDA = "zelda.zimmer@students.lincoln-usd.example"
ZELDA_IP = "203.0.113.77"


def zelda_traffic(fake: FakeGoogle) -> None:
    """A person whose name, e-mail address and IP address show up in Meet and Admin-console records."""
    teacher = "ada.adams@staff.lincoln-usd.example"
    at = START - timedelta(hours=5)
    fake.add_meet_activity(
        "call_ended",
        actor_email=ZELDA,
        meeting_code="abc-mnop-xyz",
        organizer_email=teacher,
        time=at,
        duration_seconds=600,
        ip_address=ZELDA_IP,
        display_name="Zelda Zimmer",
        identifier=ZELDA,
        identifier_type="email_address",
        participant_ip=ZELDA_IP,
    )["events"][0]["parameters"][-1]["name"] = "ip_address"  # the parameter, besides the activity's ipAddress
    fake.add_meet_activity(
        "knocking_accepted",
        actor_email=teacher,
        meeting_code="abc-mnop-xyz",
        organizer_email=teacher,
        time=at + timedelta(minutes=1),
        event_type="conference_action",
        target_display_names="Zelda Zimmer",
        target_email=ZELDA,
    )
    fake.add_meet_activity(
        "call_ended",
        actor_email=None,
        meeting_code="abc-mnop-xyz",
        organizer_email=teacher,
        time=at + timedelta(minutes=2),
        is_external=True,
        display_name="Zelda Zimmer",
        ip_address=ZELDA_IP,
    )
    fake.add_admin_setting_change(
        "Incoming call restrictions Allowed caller type",
        actor_email=ADMIN,
        time=at + timedelta(minutes=3),
        old_value=f"ALL except {ZELDA} ({ZELDA_IP})",
        new_value=f"ALL except {ZELDA}",
        group_email=ZELDA,
        ip_address=ZELDA_IP,
    )
    fake.add_user(ZELDA, first_name="Zelda", last_name="Zimmer", org_unit="/Staff")


def by_id(out: str) -> dict[str, str]:
    return {json.loads(line)["id"]: line for line in out.splitlines()}


def assert_no_zelda(lines: list[str]) -> None:
    assert len(lines) == 4
    for line in lines:
        assert "zelda" not in line.lower() and ZELDA_IP not in line, line
        assert json.loads(line)["redacted"] == ["email", "ip", "name"]


def test_redaction_reaches_googles_parameters_at_collection_and_at_export(fake: FakeGoogle, clock: FakeClock) -> None:
    zelda_traffic(fake)
    redacted_store, plain_store = LogStore.memory(), LogStore.memory()
    assert collector(redacted_store, clock, redact="name,email,ip").run(streams(google(fake, clock))).ok
    assert collector(plain_store, clock).run(streams(google(fake, clock))).ok
    collected, exported, unredacted = io.StringIO(), io.StringIO(), io.StringIO()
    export(redacted_store, "jsonl", collected)
    export(plain_store, "jsonl", unredacted)
    plain = by_id(unredacted.getvalue())
    zelda = sorted(i for i, line in plain.items() if "zelda" in line.lower() or ZELDA_IP in line)
    assert len(zelda) == 4  # her stay, her knock, her visit as a guest, the setting naming her
    assert_no_zelda([by_id(collected.getvalue())[i] for i in zelda])
    export(plain_store, "jsonl", exported, redact="name,email,ip")
    assert_no_zelda([by_id(exported.getvalue())[i] for i in zelda])
    # the stream's own redact_raw and the export-time one are the same function
    found = raw_redaction("google", "meet")
    assert isinstance(found, FunctionRedaction) and found.function is RAW_REDACTORS["meet"] is redact_activity
    assert RAW_REDACTORS["admin"] is redact_activity and isinstance(RAW_REDACTORS, MappingProxyType)
    redactor = Redactor(b"k" * 32, ["name", "email", "ip"])
    for stream in streams(google(fake, clock)):
        assert stream.redact_raw(CALL_ENDED, redactor) == RAW_REDACTORS[stream.name](CALL_ENDED, redactor)


# -- rate limits: the Reports API's two limits ----------------------------------------------------------------------


def test_reports_buckets_follow_googles_two_limits() -> None:
    assert DEFAULT_RATES[REPORTS] == Rate.within_minute(2400, burst=20)
    assert DEFAULT_RATES[REPORTS_FILTERED] == Rate.within_minute(250, burst=5)
    method = "reports.activities.list"
    assert bucket_for(method, {"userKey": "all", "maxResults": 1000, "startTime": "x"}) == REPORTS
    for params in (
        {"userKey": "all", "eventName": "call_ended"},
        {"userKey": "a@b.example"},
        {"userKey": "all", "filters": "is_external==true"},
        {"userKey": "all", "actorIpAddress": "203.0.113.9"},
        {"userKey": "all", "orgUnitID": "id:03ph8a2z1"},
        {"userKey": "all", "groupIdFilter": "id:a"},
    ):
        assert bucket_for(method, params) == REPORTS_FILTERED, params
    assert bucket_for(method) == REPORTS_FILTERED  # cannot tell: the lower limit
    assert bucket_for(method, {"userKey": "all", "eventName": None}) == REPORTS
    assert bucket_for("meet.spaces.get") == "meet_read"
    rates = rates_for({"reports": 100, "reports-filtered": 10})
    assert rates[REPORTS] == Rate.within_minute(6000, burst=1) and rates[REPORTS_FILTERED].burst == 1
    assert 0.97 * 10 < rates[REPORTS_FILTERED].per_second < 10


#: Google's quotas a minute (notes/google.md; Calendar, Directory and Policy are confkit's assumptions),
#: and a project's Reports quota lowered to 120 and 12 a minute, given as rate_limits (requests a second).
QUOTAS = {"meet_read": 6000, "meet_write": 1000, "meet_create": 100, REPORTS: 2400, REPORTS_FILTERED: 250,
          "calendar": 600, "directory": 1500, "policy": 300}  # fmt: skip
LOWERED = rates_for({"reports": 2, "reports_filtered": 0.2})


def most_in_a_minute(rate: Rate, late: float = 1.0) -> tuple[int, int]:
    """(the most requests any 60 s of arrivals holds, requests sent) for five minutes of requests sent as fast
    as a limiter of ``rate`` lets them go, every other one arriving ``late`` seconds late."""
    clock = FakeClock(START)
    limiter = RateLimiter({"b": rate}, clock=clock)
    sent: list[float] = []
    start = clock.monotonic()
    while clock.monotonic() - start < 300:
        limiter.acquire("b")
        sent.append(clock.monotonic() - start)
    arrived = sorted(t + (0.0 if n % 2 else late) for n, t in enumerate(sent))
    most, lo = 0, 0
    for hi, t in enumerate(arrived):
        while t - arrived[lo] >= 60:
            lo += 1
        most = max(most, hi - lo + 1)
    return most, len(sent)


@pytest.mark.parametrize(("rate", "quota"), [
    *((DEFAULT_RATES[name], quota) for name, quota in QUOTAS.items()),
    (LOWERED[REPORTS], 120), (LOWERED[REPORTS_FILTERED], 12),
])  # fmt: skip
def test_no_minute_holds_more_than_a_google_quota(rate: Rate, quota: int) -> None:
    most, sent = most_in_a_minute(rate)
    assert most <= quota
    assert sent >= 0.9 * 5 * quota  # and close to it (issue 6: >= 0.9 of the allowed rate)
    if rate.burst > 1:  # a plain token bucket of quota/60 a second sends its burst on top: Google answers 503
        assert most_in_a_minute(Rate.per_minute(quota, burst=rate.burst), late=0.0)[0] > quota


class _Reserving(FakeClock):
    """``sleep`` does not move time: each ``acquire`` returns when its request may go (its reservation)."""

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)


def test_filtered_queries_count_against_both_limits() -> None:
    """Google's 250 filtered queries a minute are among its 2,400: with the Meet log (unfiltered) and the
    Admin-console series (filtered) asking at the same time under a lowered quota of 120 and 12, no minute
    holds more than 120 queries in all."""

    def busiest(within: dict[str, str] | None) -> int:
        limiter = RateLimiter(LOWERED, clock=_Reserving(START), within=within)
        sent = []
        for n in range(400):  # both streams keep asking; each request goes when its reservation says
            sent.append(limiter.acquire(REPORTS))
            if n % 10 == 0:
                sent.append(limiter.acquire(REPORTS_FILTERED))
        sent.sort()
        most, lo = 0, 0
        for hi, t in enumerate(sent):
            while t - sent[lo] >= 60:
                lo += 1
            most = max(most, hi - lo + 1)
        return most

    assert 0.9 * 120 <= busiest(WITHIN) <= 120
    assert busiest(None) > 120  # each bucket on its own: the filtered queries on top of the 120 (Google: 503)
    assert RateLimiter(LOWERED, clock=FakeClock(START)).acquire("unknown") == 0.0


def test_the_meet_stream_counts_against_the_unfiltered_bucket_and_admin_against_the_filtered(
    fake: FakeGoogle, clock: FakeClock
) -> None:
    acquired: list[str] = []
    provider = google(fake, clock)

    class Spy:
        def acquire(self, bucket: str) -> float:
            acquired.append(bucket)
            return 0.0

    provider.limiter = Spy()  # type: ignore[assignment]
    before = len(fake.requests)
    assert collector(LogStore.memory(), clock).run(streams(provider)).ok
    sent = reports(fake, before)
    # the streams run in threads of their own: compare the buckets taken with the requests sent, as multisets
    expected = [REPORTS_FILTERED if "eventName" in request.url.params else REPORTS for request in sent]
    assert sorted(acquired) == sorted(expected)
    assert set(acquired) == {REPORTS, REPORTS_FILTERED}


def test_the_provider_s_own_reports_calls_pick_the_bucket_by_their_query(fake: FakeGoogle, clock: FakeClock) -> None:
    acquired: list[str] = []
    provider = google(fake, clock)

    class Spy:
        def acquire(self, bucket: str) -> float:
            acquired.append(bucket)
            return 0.0

    provider.limiter = Spy()  # type: ignore[assignment]
    list(provider.iter_meet_audit_pages(start_time=START - timedelta(days=2)))
    list(provider.iter_meet_audit_pages(start_time=START - timedelta(days=2), event_name="call_ended"))
    assert acquired and acquired[0] == REPORTS and acquired[-1] == REPORTS_FILTERED


def test_a_web_filter_page_answered_with_200_is_retried_never_taken_for_an_empty_window(
    fake: FakeGoogle, clock: FakeClock
) -> None:
    """School networks put proxies and web filters in front of everything: a 200 with an HTML block page
    must not end a window as read and empty."""

    class Filter(httpx.BaseTransport):
        blocked = 0

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            if "/admin/reports/" in request.url.path and self.blocked < 3:
                self.blocked += 1
                return httpx.Response(200, headers={"content-type": "text/html"},
                                      content=b"<html><body>Blocked by the district's web filter</body></html>")
            return fake.handle_request(request)

    transport = Filter()
    store = LogStore.memory()
    assert collector(store, clock, retry_base=0).run(streams(google(fake, clock, transport))).ok
    assert transport.blocked == 3
    assert_exact(store, fake)


def test_the_configured_customer_is_the_one_whose_reports_are_read(fake: FakeGoogle, clock: FakeClock) -> None:
    # A reseller's or managing account's admin reads a district's logs: customerId (admin.reports_v1.json)
    before = len(fake.requests)
    list(google(fake, clock).iter_activity_pages("meet", start_time=START - timedelta(days=1)))
    assert all("customerId" not in r.url.params for r in reports(fake, before))  # my_customer: the admin's own
    before = len(fake.requests)
    managed = google(fake, clock, customer_id=fake.customer_id)
    list(managed.iter_activity_pages("meet", start_time=START - timedelta(days=1)))
    assert {r.url.params.get("customerId") for r in reports(fake, before)} == {fake.customer_id}
    with pytest.raises(ConfigurationError, match="customer_id"):
        google(fake, clock, customer_id="district.example")


def test_reports_are_asked_for_gzip(fake: FakeGoogle, clock: FakeClock) -> None:
    # Google compresses only for a User-Agent containing "gzip" besides Accept-Encoding (Performance tips)
    before = len(fake.requests)
    list(google(fake, clock).iter_activity_pages("meet", start_time=START - timedelta(days=1)))
    sent = reports(fake, before)
    assert sent and all("gzip" in r.headers["user-agent"] and "gzip" in r.headers["accept-encoding"] for r in sent)
