"""FakeGoogle itself: the token endpoint, strictness, Meet semantics, determinism, thread safety."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from confkit.errors import AuthenticationError, InvalidRequestError, PermissionDeniedError
from confkit.http import FakeClock
from confkit.models import MeetingCreate, MeetingSecurity, WaitingRoom
from confkit.providers.google import GoogleProvider
from confkit.providers.google.scopes import AUTH_PREFIX
from confkit.sandbox import build_district
from confkit.testing.google import SANDBOX, SANDBOX_SERVICE_ACCOUNT, FakeGoogle, schema_problems

START = datetime(2026, 1, 5, 12, tzinfo=UTC)
ADMIN = SANDBOX.settings["admin_email"]


def seeded(seed: int = 0) -> FakeGoogle:
    fake = FakeGoogle(clock=FakeClock(START), seed=seed)
    SANDBOX.seed(fake, build_district(now=START))
    return fake


@pytest.fixture
def fake() -> FakeGoogle:
    return seeded()


def provider(fake: FakeGoogle, **overrides: Any) -> GoogleProvider:
    settings = dict(SANDBOX.settings) | overrides
    return GoogleProvider.from_settings(settings, client=httpx.Client(transport=fake), clock=fake.clock)


@pytest.fixture
def google(fake: FakeGoogle) -> Iterator[GoogleProvider]:
    with provider(fake) as p:
        yield p


def raw_client(fake: FakeGoogle, google: GoogleProvider, subject: str, scope: str) -> httpx.Client:
    """An httpx client carrying a real fake token for ``subject`` with one scope."""
    headers = google._core(subject, (AUTH_PREFIX + scope,)).auth.auth_headers()  # type: ignore[union-attr]
    return httpx.Client(transport=fake, headers=headers)


# -- the token endpoint ---------------------------------------------------------------------------------


def test_a_key_google_does_not_know_is_refused(fake: FakeGoogle) -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = other.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    key = json.dumps(SANDBOX_SERVICE_ACCOUNT | {"private_key": pem})
    with provider(fake, service_account_json=key) as google, pytest.raises(AuthenticationError) as info:
        google.get_user(ADMIN)
    assert "Invalid JWT Signature" in str(info.value) and "BEGIN" not in str(info.value)


def test_an_unknown_or_suspended_subject_is_refused(fake: FakeGoogle) -> None:
    nobody = "nobody@staff.lincoln-usd.example"
    with provider(fake, admin_email=nobody) as google, pytest.raises(AuthenticationError) as info:
        google.get_user(ADMIN)
    assert f"{nobody} does not exist" in str(info.value)


def test_scopes_not_delegated_are_refused_naming_them(fake: FakeGoogle, google: GoogleProvider) -> None:
    fake.dwd_scopes.discard(AUTH_PREFIX + "calendar.events.owned")
    host = next(iter(fake.events))
    with pytest.raises(AuthenticationError) as info:
        google.create_meeting(host, MeetingCreate(topic="t", start_time=START + timedelta(days=2)))
    assert info.value.vendor_code == "unauthorized_client" and "calendar.events.owned" in str(info.value)
    assert host in str(info.value)


def test_a_token_works_only_for_the_scopes_it_carries(fake: FakeGoogle, google: GoogleProvider) -> None:
    client = raw_client(fake, google, ADMIN, "admin.directory.user.readonly")
    ok = client.get("https://admin.googleapis.com/admin/directory/v1/users", params={"customer": "my_customer"})
    assert ok.status_code == 200
    denied = client.patch(f"https://admin.googleapis.com/admin/directory/v1/users/{ADMIN}", json={"suspended": True})
    assert denied.status_code == 403
    assert denied.json()["error"]["errors"][0]["reason"] == "insufficientPermissions"


def test_expiry_runs_on_the_fake_clock(fake: FakeGoogle, google: GoogleProvider) -> None:
    google.get_user(ADMIN)
    issued = fake.tokens_issued
    assert isinstance(fake.clock, FakeClock)
    fake.clock.advance(3600)
    assert google.get_user(ADMIN).email == ADMIN  # 401, renewed, retried
    assert fake.tokens_issued == issued + 1


# -- strictness ------------------------------------------------------------------------------------------


def test_undeclared_query_parameters_and_unknown_fields_are_refused(fake: FakeGoogle, google: GoogleProvider) -> None:
    client = raw_client(fake, google, ADMIN, "admin.directory.user.readonly")
    bad = client.get(
        "https://admin.googleapis.com/admin/directory/v1/users", params={"customer": "my_customer", "x": "1"}
    )
    assert bad.status_code == 400 and bad.json()["error"]["errors"][0]["location"] == "x"
    host = next(iter(fake.events))
    meet = raw_client(fake, google, host, "meetings.space.created")
    refused = meet.post("https://meet.googleapis.com/v2/spaces", json={"config": {"accessType": "SECRET", "colour": 1}})
    assert refused.status_code == 400
    assert {v["field"] for v in refused.json()["error"]["details"][0]["fieldViolations"]} == {
        "config.accessType",
        "config.colour",
    }
    fake.strict = False
    assert meet.post("https://meet.googleapis.com/v2/spaces", json={"config": {"colour": 1}}).status_code == 200


def test_conference_data_needs_version_one(fake: FakeGoogle, google: GoogleProvider) -> None:
    host = next(iter(fake.events))
    cal = raw_client(fake, google, host, "calendar.events.owned")
    body = {
        "summary": "x",
        "start": {"dateTime": "2026-02-02T15:00:00Z"},
        "end": {"dateTime": "2026-02-02T16:00:00Z"},
        "conferenceData": {"createRequest": {"requestId": "r1", "conferenceSolutionKey": {"type": "hangoutsMeet"}}},
    }
    url = f"https://www.googleapis.com/calendar/v3/calendars/{host}/events"
    assert "conferenceData" not in cal.post(url, json=body).json()
    assert cal.post(url, params={"conferenceDataVersion": "1"}, json=body).json()["conferenceData"]["conferenceId"]
    other = next(e for e in fake.events if e != host)
    assert cal.post(f"https://www.googleapis.com/calendar/v3/calendars/{other}/events", json=body).status_code == 404


# -- Meet semantics -----------------------------------------------------------------------------------------


def test_spaces_patch_takes_the_name_not_the_code_and_honours_the_mask(
    fake: FakeGoogle, google: GoogleProvider
) -> None:
    host = next(iter(fake.events))
    space = fake.add_space(host, {"moderation": "ON", "moderationRestrictions": {"chatRestriction": "HOSTS_ONLY"}})
    meet = raw_client(fake, google, host, "meetings.space.settings")
    by_code = f"https://meet.googleapis.com/v2/spaces/{space['meetingCode']}"
    assert meet.get(by_code).json()["name"] == space["name"]
    assert meet.patch(by_code, params={"updateMask": "config.accessType"}, json={"config": {}}).status_code == 400
    url = f"https://meet.googleapis.com/v2/{space['name']}"
    patched = meet.patch(
        url, params={"updateMask": "config.accessType"}, json={"config": {"accessType": "OPEN", "moderation": "OFF"}}
    ).json()
    assert patched["config"]["accessType"] == "OPEN" and patched["config"]["moderation"] == "ON"  # not in the mask
    off = meet.patch(url, params={"updateMask": "config.moderation"}, json={"config": {"moderation": "OFF"}}).json()
    assert off["config"]["moderationRestrictions"]["chatRestriction"] == "NO_RESTRICTION"  # reset to defaults
    cleared = meet.patch(url, params={"updateMask": "*"}, json={"config": {"accessType": "RESTRICTED"}}).json()
    assert cleared["config"]["accessType"] == "RESTRICTED" and "entryPointAccess" not in cleared["config"]


def test_only_the_owner_sees_and_changes_a_space(fake: FakeGoogle, google: GoogleProvider) -> None:
    owner, other = list(fake.events)[:2]
    space = fake.add_space(owner)
    meet = raw_client(fake, google, other, "meetings.space.settings")
    url = f"https://meet.googleapis.com/v2/{space['name']}"
    assert "config" not in meet.get(url).json()
    assert meet.patch(url, json={"config": {"accessType": "OPEN"}}).status_code == 403


def test_calendar_spaces_cannot_be_ended_by_the_app(fake: FakeGoogle, google: GoogleProvider) -> None:
    host = next(iter(fake.events))
    event = next(iter(fake.events[host].values()))
    fake.start_conference(event["conferenceData"]["conferenceId"])
    with pytest.raises(PermissionDeniedError):
        google.delete_meeting(f"{host}/{event['id']}", end_conference=True)
    assert event["status"] == "confirmed"  # not cancelled: the caller asked for both


def test_page_tokens_are_bound_to_their_query(fake: FakeGoogle, google: GoogleProvider) -> None:
    client = raw_client(fake, google, ADMIN, "admin.directory.user.readonly")
    url = "https://admin.googleapis.com/admin/directory/v1/users"
    token = client.get(url, params={"customer": "my_customer", "maxResults": "5"}).json()["nextPageToken"]
    assert client.get(url, params={"customer": "my_customer", "maxResults": "6", "pageToken": token}).status_code == 400
    with pytest.raises(InvalidRequestError):
        next(google.iter_meet_audit_pages(start_time=START - timedelta(days=200)))


# -- determinism and threads --------------------------------------------------------------------------------


def test_same_seed_same_domain_and_same_answers() -> None:
    a, b = seeded(3), seeded(3)
    assert a.snapshot() == b.snapshot() and seeded(4).snapshot() != a.snapshot()
    for fake in (a, b):
        with provider(fake) as google:
            host = next(iter(fake.events))
            google.create_meeting(host, MeetingCreate(topic="t", start_time=START + timedelta(days=3)))

    # The conference requestId is the client's own (a fresh uuid4 per create, as Calendar asks).
    def fake_state(fake: FakeGoogle) -> str:
        return re.sub(r'"requestId": "[0-9a-f]{32}"', '"requestId": "?"', fake.snapshot())

    assert fake_state(a) == fake_state(b)


def test_concurrent_creates_are_safe(fake: FakeGoogle, google: GoogleProvider) -> None:
    hosts = list(fake.events)[:4]
    made: list[str] = []
    errors: list[BaseException] = []

    def work(host: str) -> None:
        try:
            for n in range(3):
                sec = MeetingSecurity(waiting_room=WaitingRoom.EVERYONE)
                meeting = google.create_meeting(
                    host, MeetingCreate(topic=f"c{n}", start_time=START + timedelta(days=n + 1), security=sec)
                )
                made.append(meeting.id)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(h,)) for h in hosts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(set(made)) == 12
    codes = [s["meetingCode"] for s in fake.spaces.values()]
    assert len(codes) == len(set(codes))


# -- snapshot and restore (the CLI's sandbox between invocations) -------------------------------------------------


def test_restore_gives_back_the_snapshot_exactly(fake: FakeGoogle, google: GoogleProvider) -> None:
    host = next(iter(fake.events))
    google.create_meeting(host, MeetingCreate(topic="Changed", start_time=START + timedelta(days=2)))
    fake.add_policy("meet.safety_domain", {"usersAllowedToJoin": "ALL"}, org_unit="/Students", sort_order=3)
    fake.policies.reverse()  # list-shaped state: its order is state too
    fake.add_admin_setting_change(
        "SafetyDomainLockProto users_allowed_to_join",
        actor_email=ADMIN,
        time=START - timedelta(hours=2),
        old_value="LOGGED_IN",
        new_value="ALL",
    )
    saved = fake.snapshot()

    other = FakeGoogle(clock=FakeClock(START), seed=9)  # another district, seeded another day
    SANDBOX.seed(other, build_district(seed=3, now=START - timedelta(days=30)))
    users, policies = other.users, other.policies
    other.restore(saved)
    assert other.snapshot() == saved
    assert users is other.users and policies is other.policies  # in place: references held elsewhere stay good
    assert [p["name"] for p in other.policies] == [p["name"] for p in fake.policies]
    # the restored domain works: tokens for its users, its meetings, new ids that do not repeat the old ones
    with provider(other) as restored:
        assert {m.topic for m in restored.list_meetings(host)} >= {"Changed"}
        made = restored.create_meeting(host, MeetingCreate(topic="After", start_time=START + timedelta(days=3)))
    with provider(fake) as original:
        twin = original.create_meeting(host, MeetingCreate(topic="After", start_time=START + timedelta(days=3)))
    assert made.id != twin.id and made.join_url != twin.join_url


def test_restore_refuses_what_is_not_a_snapshot(fake: FakeGoogle) -> None:
    before = fake.snapshot()
    data = json.loads(before)
    for broken in (
        "[]",
        json.dumps({**data, "policies": {}}),
        json.dumps({k: v for k, v in data.items() if k != "activities"}),
    ):
        with pytest.raises(ValueError, match="not a FakeGoogle snapshot"):
            fake.restore(broken)
    assert fake.snapshot() == before


# -- the Reports API -------------------------------------------------------------------------------------------


def activities(client: httpx.Client, app: str, **params: str) -> httpx.Response:
    url = f"https://admin.googleapis.com/admin/reports/v1/activity/users/all/applications/{app}"
    return client.get(url, params=params)


def test_reports_serve_each_application_its_own_records(fake: FakeGoogle, google: GoogleProvider) -> None:
    client = raw_client(fake, google, ADMIN, "admin.reports.audit.readonly")
    fake.add_admin_setting_change(
        "SafetyDomainLockProto users_allowed_to_join",
        actor_email=ADMIN,
        time=START - timedelta(hours=2),
        old_value="LOGGED_IN",
        new_value="ALL",
        org_unit="Students",
    )
    fake.add_admin_setting_change(
        "X",
        actor_email=ADMIN,
        time=START - timedelta(hours=1),
        application_name="Gmail",
        event_name="CREATE_APPLICATION_SETTING",
        new_value="y",
    )
    admin = activities(client, "admin", startTime="2026-01-05T00:00:00Z", endTime="2026-01-05T12:00:00Z").json()
    assert [a["id"]["applicationName"] for a in admin["items"]] == ["admin", "admin"]
    assert [a["events"][0]["name"] for a in admin["items"]] == [
        "CREATE_APPLICATION_SETTING",
        "CHANGE_APPLICATION_SETTING",
    ]  # newest first
    changed = admin["items"][1]
    assert changed["events"][0]["type"] == "APPLICATION_SETTINGS"
    assert {p["name"]: p["value"] for p in changed["events"][0]["parameters"]} == {
        "APPLICATION_NAME": "Google Meet",
        "SETTING_NAME": "SafetyDomainLockProto users_allowed_to_join",
        "OLD_VALUE": "LOGGED_IN",
        "NEW_VALUE": "ALL",
        "ORG_UNIT_NAME": "Students",
    }
    answer = activities(client, "admin", eventName="CHANGE_APPLICATION_SETTING", startTime="2026-01-05T00:00:00Z")
    only = answer.json()["items"]
    assert [a["events"][0]["name"] for a in only] == ["CHANGE_APPLICATION_SETTING"]
    assert activities(client, "meet", eventName="CHANGE_APPLICATION_SETTING").json()["items"] == []
    assert activities(client, "login").json()["items"] == []


def test_reports_time_rules(fake: FakeGoogle, google: GoogleProvider) -> None:
    client = raw_client(fake, google, ADMIN, "admin.reports.audit.readonly")
    fake.add_meet_activity(
        "call_ended",
        actor_email=ADMIN,
        meeting_code="abc-mnop-xyz",
        organizer_email=ADMIN,
        time=START - timedelta(days=181),
    )  # older than Google keeps: never served
    assert all(a["id"]["time"] >= "2025-07-09" for a in activities(client, "meet").json()["items"])
    for start, end in (
        ("2026-01-05T11:00:00Z", "2026-01-05T10:00:00Z"),
        ("2026-01-05T13:00:00Z", None),
        ("2025-07-01T00:00:00Z", None),
    ):
        params = {"startTime": start} | ({"endTime": end} if end else {})
        answer = activities(client, "meet", **params)
        assert answer.status_code == 400 and answer.json()["error"]["errors"][0]["location"] == "startTime"


def test_sandbox_log_traffic_is_made_from_the_date_and_kept_out_of_the_state() -> None:
    a, b = seeded(), seeded(5)  # other seeds: other ids, same days
    before = a.snapshot()
    meet, admin = list(a.log_records("meet")), list(a.log_records("admin"))
    assert a.snapshot() == before  # reading the log does not change the domain
    assert len(meet) > 1000 and {x["events"][0]["name"] for x in admin} >= {"CHANGE_APPLICATION_SETTING"}
    same = [(x["id"]["time"], x["id"]["uniqueQualifier"]) for x in b.log_records("meet")]
    assert same == [(x["id"]["time"], x["id"]["uniqueQualifier"]) for x in meet]
    assert all(x["id"]["time"] <= "2026-01-05T12:00:00.000Z" for x in meet)  # nothing from the future
    assert {x["actor"]["callerType"] for x in meet} == {"USER", "KEY"}  # guests who are not signed in
    for record in [*meet[:200], *admin]:
        assert schema_problems(record, {"$ref": "Activity"}, "reports") == []
        for param in record["events"][0]["parameters"]:
            assert "intValue" not in param or isinstance(param["intValue"], str)  # int64 as a JSON string
    restored = FakeGoogle(clock=FakeClock(START))
    SANDBOX.seed(restored, build_district(now=START))
    restored.restore(before)
    assert len(list(restored.log_records("meet"))) == len(meet)


# -- generated Reports traffic ------------------------------------------------------------------------------


def all_pages(client: httpx.Client, app: str, **params: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    token = None
    while True:
        answer = activities(client, app, **params, **({"pageToken": token} if token else {}))
        assert answer.status_code == 200, answer.text
        body = answer.json()
        out += body["items"]
        token = body.get("nextPageToken")
        if not token:
            return out


def naive(fake: FakeGoogle, app: str, start: str | None, end: str | None, name: str | None) -> list[dict[str, Any]]:
    """What one stable newest-first sort of every served record gives (the fake's seeded semantics)."""
    bulk = fake._bulk
    assert bulk is not None
    generated = [bulk.make[app](i) for i in range(bulk.times[app].n)]
    floor = fake.now() - timedelta(days=180)

    def at(a: dict[str, Any]) -> datetime:
        return datetime.fromisoformat(a["id"]["time"].replace("Z", "+00:00"))

    found = [
        a
        for a in [*fake.activities, *fake._generated, *generated]
        if a["id"]["applicationName"] == app
        and at(a) >= floor
        and (start is None or at(a) >= datetime.fromisoformat(start.replace("Z", "+00:00")))
        and (end is None or at(a) <= datetime.fromisoformat(end.replace("Z", "+00:00")))
        and (name is None or any(e["name"] == name for e in a["events"]))
    ]
    return sorted(found, key=lambda a: a["id"]["time"], reverse=True)


def test_generated_traffic_is_served_exactly_like_seeded_records(fake: FakeGoogle, google: GoogleProvider) -> None:
    client = raw_client(fake, google, ADMIN, "admin.reports.audit.readonly")
    traffic = fake.generate_log_traffic(meet=2400, admin=90, start=START - timedelta(days=20), end=START)
    assert traffic.events == 2490 and traffic.end == START
    bulk = fake._bulk
    assert bulk is not None
    tie = bulk.meet(1234)  # a seeded record at the very time of a generated one: seeded first, as a stable sort
    fake.add_meet_activity(
        "call_ended",
        actor_email=ADMIN,
        meeting_code="abc-mnop-xyz",
        organizer_email=ADMIN,
        time=datetime.fromisoformat(tie["id"]["time"].replace("Z", "+00:00")),
    )
    edge, edge2 = bulk.meet(2000)["id"]["time"], bulk.meet(2001)["id"]["time"]  # inclusive, to the millisecond
    cases: list[tuple[str, str | None, str | None, str | None, str]] = [
        ("meet", None, None, None, "1000"),
        ("meet", None, None, None, "7"),
        ("meet", "2026-01-01T00:00:00Z", "2026-01-03T12:00:00Z", None, "333"),
        ("meet", edge, edge2, None, "1"),
        ("meet", "2025-12-20T00:00:00Z", None, "knocking_denied", "4"),
        ("meet", None, None, "CHANGE_APPLICATION_SETTING", "10"),
        ("admin", None, None, None, "16"),
        ("admin", "2025-12-25T00:00:00Z", "2026-01-04T00:00:00Z", "DELETE_APPLICATION_SETTING", "2"),
        ("admin", None, None, "CREATE_APPLICATION_SETTING", "1000"),
    ]
    for app, start, end, name, size in cases:
        params = {"maxResults": size}
        params |= {"startTime": start} if start else {}
        params |= {"endTime": end} if end else {}
        params |= {"eventName": name} if name else {}
        assert all_pages(client, app, **params) == naive(fake, app, start, end, name), (app, start, end, name)
    assert len(all_pages(client, "meet", startTime=edge, endTime=edge2)) == 2
    served = list(fake.log_records("meet"))
    assert served == naive(fake, "meet", None, None, None)
    assert [a["id"]["uniqueQualifier"] for a in served].count(tie["id"]["uniqueQualifier"]) == 1
    generated = [a for a in served if a["id"]["time"] >= "2025-12-16"]
    ids = {(a["id"]["time"], a["id"]["uniqueQualifier"]) for a in generated}
    assert len(ids) == len(generated)  # stable, unique qualifiers
    for record in [*generated[:300], *list(fake.log_records("admin"))]:
        assert schema_problems(record, {"$ref": "Activity"}, "reports") == []
    names = {a["events"][0]["name"] for a in generated}
    assert {"call_ended", "knocking_accepted", "knocking_denied", "presentation_started"} <= names
    assert {a["actor"]["callerType"] for a in generated} == {"USER", "KEY"}
    assert {a["events"][0]["name"] for a in fake.log_records("admin")} >= {
        "CREATE_APPLICATION_SETTING",
        "CHANGE_APPLICATION_SETTING",
        "DELETE_APPLICATION_SETTING",
    }
    assert len(all_pages(client, "meet", maxResults="50")) == len(served)


def test_generated_traffic_costs_a_page_not_a_scan(fake: FakeGoogle, google: GoogleProvider) -> None:
    client = raw_client(fake, google, ADMIN, "admin.reports.audit.readonly")
    fake.generate_log_traffic(meet=8_000_000, admin=4000)
    start = time.perf_counter()
    first = activities(client, "meet", startTime="2025-09-01T00:00:00Z", endTime="2025-09-02T00:00:00Z").json()
    token = first["nextPageToken"]
    second = activities(
        client, "meet", startTime="2025-09-01T00:00:00Z", endTime="2025-09-02T00:00:00Z", pageToken=token
    ).json()
    filtered = activities(client, "meet", eventName="knocking_denied", maxResults="10").json()
    admin = activities(client, "admin", eventName="DELETE_APPLICATION_SETTING", maxResults="10").json()
    assert time.perf_counter() - start < 3  # a scan of eight million records would take minutes
    assert len(first["items"]) == len(second["items"]) == 1000
    assert first["items"][-1]["id"]["time"] > second["items"][0]["id"]["time"]
    assert {a["events"][0]["name"] for a in filtered["items"]} == {"knocking_denied"} and filtered["nextPageToken"]
    assert {a["events"][0]["name"] for a in admin["items"]} == {"DELETE_APPLICATION_SETTING"}
    assert fake._cursors._issued == {}  # page tokens keep no state in the fake


def test_page_tokens_of_reports_are_bound_expire_and_keep_no_state(fake: FakeGoogle, google: GoogleProvider) -> None:
    client = raw_client(fake, google, ADMIN, "admin.reports.audit.readonly")
    fake.generate_log_traffic(meet=5000)
    token = activities(client, "meet", maxResults="10").json()["nextPageToken"]
    assert activities(client, "meet", maxResults="10", pageToken=token).status_code == 200
    for params in ({"maxResults": "11"}, {"eventName": "call_ended", "maxResults": "10"}):
        refused = activities(client, "meet", pageToken=token, **params)
        assert refused.status_code == 400 and "different query" in refused.json()["error"]["message"]
    forged = token[:-1] + ("0" if token[-1] != "0" else "1")
    assert activities(client, "meet", maxResults="10", pageToken=forged).status_code == 400
    assert activities(client, "meet", maxResults="10", pageToken="garbage").status_code == 400
    fake.clock.advance(3 * 24 * 3600 + 1)  # type: ignore[attr-defined]
    fresh = raw_client(fake, provider(fake), ADMIN, "admin.reports.audit.readonly")  # a new access token too
    assert "expired" in activities(fresh, "meet", maxResults="10", pageToken=token).json()["error"]["message"]
    token = activities(fresh, "meet", maxResults="10").json()["nextPageToken"]
    fake.expire_page_tokens()
    gone = activities(fresh, "meet", maxResults="10", pageToken=token)
    assert gone.status_code == 400 and gone.json()["error"]["errors"][0]["location"] == "pageToken"


def test_reports_rate_limits_per_user_answer_503(fake: FakeGoogle, google: GoogleProvider) -> None:
    client = raw_client(fake, google, ADMIN, "admin.reports.audit.readonly")
    for _ in range(300):  # off by default
        assert activities(client, "admin", eventName="CHANGE_APPLICATION_SETTING", maxResults="1").status_code == 200
    fake.enforce_rate_limits = True
    assert (fake.reports_queries_per_minute, fake.reports_filtered_per_minute) == (2400, 250)
    assert FakeGoogle(enforce_rate_limits=True).enforce_rate_limits
    for _ in range(250):
        assert activities(client, "admin", eventName="CHANGE_APPLICATION_SETTING", maxResults="1").status_code == 200
    over = activities(client, "admin", eventName="CHANGE_APPLICATION_SETTING", maxResults="1")
    assert over.status_code == 503
    assert over.json()["error"]["code"] == 503 and over.json()["error"]["status"] == "UNAVAILABLE"
    assert activities(client, "admin", filters="x==1", maxResults="1").status_code == 503
    assert activities(client, "admin", maxResults="1").status_code == 200  # unfiltered: the 2,400 limit
    assert fake.reports_throttled == 2
    fake.clock.advance(59)  # type: ignore[attr-defined]
    assert activities(client, "admin", eventName="CHANGE_APPLICATION_SETTING").status_code == 503  # sliding 60 s
    fake.clock.advance(1.5)  # type: ignore[attr-defined]
    assert activities(client, "admin", eventName="CHANGE_APPLICATION_SETTING").status_code == 200
    fake.reports_queries_per_minute = 20  # the others left the window: one query in the last 60 s
    for _ in range(19):
        assert activities(client, "meet", maxResults="1").status_code == 200
    assert activities(client, "meet", maxResults="1").status_code == 503
    # per impersonated user: the other admin has a minute of its own
    other = raw_client(fake, google, build_district(now=START).admins[-1].email, "admin.reports.audit.readonly")
    assert activities(other, "admin", eventName="CHANGE_APPLICATION_SETTING").status_code == 200
