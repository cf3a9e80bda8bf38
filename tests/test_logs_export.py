"""Exports: OCSF events carry every attribute their class requires; ECS, CSV and JSONL are faithful."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from confkit.http.clock import FakeClock
from confkit.logs import LogEvent, LogStore, export, read
from confkit.logs.engine import Collector
from confkit.logs.export import (
    CSV_COLUMNS,
    OCSF_BASE_REQUIRED,
    OCSF_REQUIRED,
    OCSF_VERSION,
    ocsf_missing,
    to_ecs,
    to_ocsf,
)
from confkit.logs.model import Category, event_id, new_event
from confkit.logs.redact import Redactor
from confkit.providers.zoom import ZoomProvider
from confkit.providers.zoom.logs import meeting_context, operation_event, participant_event, signin_event
from confkit.sandbox import build_district
from confkit.testing import FakeZoom
from confkit.testing.zoom import seed_district

TENANT = "fake-account-id"
START = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


def op(detail: str, category: str = "Account", action: str = "Update") -> dict[str, Any]:
    return operation_event({"time": "2026-01-02T18:22:17Z", "operator": "it.admin@district.example",
                            "category_type": category, "action": action, "operation_detail": detail}, TENANT)


MEETING = meeting_context({"uuid": "aDYlohsHRtCd4ii1uC2+hA==", "id": 85746065432, "topic": "Algebra I - P3",
                           "user_email": "ada@district.example", "start_time": "2026-01-02T15:00:00Z",
                           "end_time": "2026-01-02T15:50:00Z"}, "host-1")
PARTICIPANT = {"id": "", "user_id": "16778241", "name": "xXx_gamer", "user_email": "",
               "join_time": "2026-01-02T15:12:00Z", "leave_time": "2026-01-02T15:14:00Z", "duration": 120,
               "failover": False, "status": "in_meeting"}


def synthetic(category: Category, action: str) -> dict[str, Any]:
    return new_event(id=event_id("google", "meet", action), time="2026-01-02T15:00:00.000000Z", provider="google",
                     tenant="C0abc", stream="meet", category=category, action=action,
                     actor={"email": "teacher@district.example"}, meeting={"code": "abc-mnop-xyz"},
                     target={"type": "meeting", "id": "spaces/jQCFfuBOdN5z", "name": None, "email": None},
                     raw={"events": [{"name": action}]})


EXAMPLES: dict[str, tuple[dict[str, Any], int, int]] = {
    # name: (event, OCSF class_uid, activity_id)
    "sign in": (signin_event({"email": "ada@district.example", "time": "2026-01-02T13:10:00Z", "type": "Sign in",
                              "ip_address": "198.51.100.7", "client_type": "Browser", "version": "6.0.2"}, TENANT),
                3002, 1),
    "sign out": (signin_event({"email": "ada@district.example", "time": "2026-01-02T21:10:00Z", "type": "Sign out",
                               "ip_address": "198.51.100.7", "client_type": "Mac", "version": "6.0.2"}, TENANT),
                 3002, 2),
    "setting weakened": (op("Security  - Require a passcode when scheduling new meetings: from On to Off"), 3004, 3),
    "group setting": (op("Edit Group Springfield  - Personal Meeting ID (PMI) Passcode: from On to Off",
                         "User Group"), 3004, 3),
    "promotion": (op("Change Role  - homer.simpson@duff.io: from User to Co-Owner", "User", "Batch Update"), 3005, 1),
    "demotion": (op("Change Role  - homer.simpson@duff.io: from Admin to Member", "User", "Batch Update"), 3005, 2),
    "custom role": (op("Edit Role Teachers  - Meeting: from View to Edit", "Role"), 3004, 3),
    "role created": (op("Add Role  - Substitutes", "Role", "Add"), 3004, 1),
    "user created": (op("Add User  - new.student@students.example", "User", "Add"), 3007, 1),
    "user deleted": (op("delete user - user2@example.com", "User", "Delete"), 3007, 3),
    "user deactivated": (op("Deactivate User  - gone@district.example", "User", "Update"), 3007, 5),
    "recording deleted": (op("Delete Recording  - Algebra I - P3", "Recording", "Delete"), 3004, 4),
    "participant": (participant_event(PARTICIPANT, TENANT, MEETING), 6001, 99),
    "waiting room": (participant_event(PARTICIPANT | {"status": "in_waiting_room"}, TENANT, MEETING), 6001, 99),
    "meeting created": (synthetic(Category.MEETING_LIFECYCLE, "meeting.create"), 6001, 1),
    "abuse report": (synthetic(Category.ABUSE_REPORT, "abuse.report"), 6001, 99),
    "other": (op("Add Room  - Library", "Zoom Rooms", "Add"), 3004, 1),
}


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_ocsf_events_have_their_class_required_attributes(name: str) -> None:
    event, class_uid, activity = EXAMPLES[name]
    doc = to_ocsf(LogEvent.model_validate(event))
    assert (doc["class_uid"], doc["activity_id"]) == (class_uid, activity)
    assert ocsf_missing(doc) == []
    assert doc["metadata"]["version"] == OCSF_VERSION and doc["metadata"]["uid"] == event["id"]
    assert doc["type_uid"] == class_uid * 100 + activity
    assert json.loads(doc["raw_data"]) == event["raw"]
    json.dumps(doc)  # plain JSON


def test_every_class_of_the_issue_is_covered() -> None:
    assert {c for _, c, _ in EXAMPLES.values()} == {3002, 3004, 3005, 3007, 6001} == set(OCSF_REQUIRED)


def test_ocsf_missing_reports_what_is_absent() -> None:
    doc = to_ocsf(LogEvent.model_validate(EXAMPLES["promotion"][0]))
    del doc["privileges"]
    doc["metadata"]["product"].pop("vendor_name")
    doc["type_uid"] = 300599
    assert ocsf_missing(doc) == ["metadata.product.vendor_name", "privileges",
                                 "type_uid = class_uid * 100 + activity_id"]
    assert "time" in OCSF_BASE_REQUIRED


def test_ocsf_details_of_the_main_mappings() -> None:
    weakened = to_ocsf(EXAMPLES["setting weakened"][0])
    assert weakened["entity"]["name"] == "Require a passcode when scheduling new meetings"
    assert (weakened["entity"]["data"]["value"], weakened["entity_result"]["data"]["value"]) == ("On", "Off")
    assert weakened["actor"]["user"]["email_addr"] == "it.admin@district.example"
    promotion = to_ocsf(EXAMPLES["promotion"][0])
    assert promotion["privileges"] == ["Co-Owner"] and promotion["user"]["email_addr"] == "homer.simpson@duff.io"
    assert to_ocsf(EXAMPLES["demotion"][0])["privileges"] == ["Admin"]
    join = to_ocsf(EXAMPLES["participant"][0])
    assert join["activity_name"] == "Join" and join["web_resources"][0]["uid"] == "85746065432"
    assert join["duration"] == 120_000 and join["end_time"] - join["start_time"] == 120_000
    login = to_ocsf(EXAMPLES["sign in"][0])
    assert login["src_endpoint"] == {"ip": "198.51.100.7"} and login["user"]["name"] == "ada@district.example"
    assert login["time"] == int(datetime(2026, 1, 2, 13, 10, tzinfo=UTC).timestamp() * 1000)


def test_ecs_documents() -> None:
    login = to_ecs(EXAMPLES["sign in"][0])
    assert login["event"]["category"] == ["authentication"] and login["event"]["type"] == ["start"]
    assert login["@timestamp"] == "2026-01-02T13:10:00.000Z"
    assert login["source"] == {"ip": "198.51.100.7"} and login["related"]["ip"] == ["198.51.100.7"]
    assert login["event"]["dataset"] == "zoom.signins" and login["user"]["email"] == "ada@district.example"
    weakened = to_ecs(EXAMPLES["setting weakened"][0])
    assert (weakened["event"]["category"], weakened["event"]["type"]) == (["configuration"], ["change"])
    assert weakened["confkit"]["changes"][0]["to"] == "Off"
    promotion = to_ecs(EXAMPLES["promotion"][0])
    assert promotion["event"]["type"] == ["admin", "change"]
    assert promotion["user"]["target"]["email"] == "homer.simpson@duff.io"
    join = to_ecs(EXAMPLES["participant"][0])
    assert join["event"]["category"] == ["session"] and join["event"]["duration"] == 120 * 10**9
    assert join["confkit"]["actor"] == {"name": "xXx_gamer", "external": True, "anonymous": True}
    created = to_ecs(EXAMPLES["user created"][0])
    assert created["event"]["type"] == ["user", "creation"]


def test_redacted_addresses_are_not_passed_off_as_ips() -> None:
    event = dict(EXAMPLES["sign in"][0])
    event["actor"] = dict(event["actor"])
    Redactor(b"salt" * 8, ["ip"]).event(event, None)
    assert to_ecs(event)["source"]["address"].startswith("ip-") and "ip" not in to_ecs(event)["source"]
    assert to_ocsf(event)["src_endpoint"]["uid"].startswith("ip-")


# -- export from the store, end to end -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def sandbox_store() -> LogStore:
    clock = FakeClock(START)
    fake = FakeZoom(clock=clock)
    district = build_district(now=START)
    seed_district(fake, district)
    fake.enable_sandbox_logs(district)
    zoom = ZoomProvider.from_settings(
        {"account_id": TENANT, "client_id": "fake-client-id", "client_secret": "fake-client-secret"},
        client=httpx.Client(transport=fake), clock=clock,
    )
    store = LogStore.memory()
    assert Collector(store, clock=clock).run(zoom.log_streams()).ok
    return store


def test_every_sandbox_event_exports_as_valid_ocsf(sandbox_store: LogStore) -> None:
    out = io.StringIO()
    count = export(sandbox_store, "ocsf", out)
    docs = [json.loads(line) for line in out.getvalue().splitlines()]
    assert count == len(docs) == sandbox_store.count() > 1000
    assert {d["class_uid"] for d in docs} >= {3002, 3004, 3005, 6001}
    assert [d for d in docs if ocsf_missing(d)] == []


def test_jsonl_is_the_normalized_model_and_csv_has_the_documented_columns(sandbox_store: LogStore) -> None:
    jsonl, table = io.StringIO(), io.StringIO()
    export(sandbox_store, "jsonl", jsonl, categories=["setting_change"])
    events = [LogEvent.model_validate_json(line) for line in jsonl.getvalue().splitlines()]
    assert events and {e.category for e in events} == {Category.SETTING_CHANGE}
    assert events == list(read(sandbox_store, categories=["setting_change"]))
    export(sandbox_store, "csv", table, categories=["setting_change"])
    rows = list(csv.DictReader(io.StringIO(table.getvalue())))
    assert tuple(rows[0]) == CSV_COLUMNS and len(rows) == len(events)
    assert json.loads(rows[0]["changes"])[0]["field"] == events[0].changes[0].field
    assert rows[0]["time"] == events[0].to_dict()["time"]


def test_export_filters(sandbox_store: LogStore) -> None:
    out = io.StringIO()
    since = datetime(2026, 1, 1, tzinfo=UTC)
    until = datetime(2026, 1, 3, tzinfo=UTC)
    export(sandbox_store, "ecs", out, since=since, until=until, providers=["zoom"], streams=["signins"])
    docs = [json.loads(line) for line in out.getvalue().splitlines()]
    assert docs and all("2026-01-01" <= d["@timestamp"][:10] <= "2026-01-02" for d in docs)
    assert {d["event"]["dataset"] for d in docs} == {"zoom.signins"}
    nothing = io.StringIO()
    assert export(sandbox_store, "jsonl", nothing, providers=["webex"]) == 0


def test_redaction_at_export_matches_redaction_at_collection(sandbox_store: LogStore) -> None:
    out = io.StringIO()
    export(sandbox_store, "jsonl", out, streams=["signins"], redact="ip,email")
    redacted = [json.loads(line) for line in out.getvalue().splitlines()]
    salt = sandbox_store.salt(TENANT, "zoom")
    original = next(iter(read(sandbox_store, streams=["signins"])))
    expected = Redactor(salt, ["ip", "email"])
    first = redacted[0]
    assert first["id"] == original.id
    assert first["actor"]["email"] == expected.email(original.actor.email or "")  # type: ignore[union-attr]
    assert first["raw"]["ip_address"] == expected.ip(original.raw["ip_address"])
    assert first["redacted"] == ["email", "ip"]
    assert all("@" not in r["raw"]["email"].split("@")[0] or r["raw"]["email"].startswith("h-") for r in redacted)
