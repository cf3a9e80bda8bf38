"""FakeWebex itself: Webex's server rules and quirks, faults, determinism, thread safety, recordability."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from confkit.http import FakeClock
from confkit.sandbox import build_district
from confkit.testing.webex import SANDBOX, FakeWebex, seed_district

START = datetime(2026, 1, 5, 12, tzinfo=UTC)
ADMIN, ADA = "it.admin@district.example", "ada@district.example"
API = "https://webexapis.com/v1"


def org(seed: int = 0) -> FakeWebex:
    fake = FakeWebex(clock=FakeClock(START), seed=seed)
    fake.add_person(ADMIN, "IT", "Admin", admin=True)
    fake.add_person(ADA, "Ada", "Adams")
    return fake


def client(fake: FakeWebex, email: str = ADMIN) -> httpx.Client:
    return httpx.Client(transport=fake, headers={"Authorization": f"Bearer {fake.personal_token(email)}"})


def meeting(**kw: Any) -> dict[str, Any]:
    return {"title": "Algebra", "start": "2026-02-02T15:00:00Z", "end": "2026-02-02T15:50:00Z", **kw}


def test_it_is_a_mock_transport_vcr_can_record() -> None:
    assert isinstance(org(), httpx.MockTransport)
    assert FakeWebex.handle_request is httpx.MockTransport.handle_request


def test_errors_have_webex_shape_and_tracking_id() -> None:
    fake = org()
    response = client(fake).post(f"{API}/meetings", json=meeting(end="2026-02-02T15:05:00Z"))
    body = response.json()
    assert response.status_code == 400 and set(body) == {"message", "errors", "trackingId"}
    assert "10 minutes" in body["errors"][0]["description"]
    assert response.headers["trackingid"] == body["trackingId"]


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (meeting(start="2026-01-01T10:00:00Z", end="2026-01-01T11:00:00Z"), "before the current date"),
        (meeting(end="2026-02-03T15:00:00Z"), "23 hours 59 minutes"),
        (meeting(start="2036-02-02T15:00:00Z", end="2036-02-02T16:00:00Z"), "10 years"),
        (meeting(password="short"), "password rules"),
        (meeting(password="alllowercase1"), "upper- and lower-case"),
        (meeting(joinBeforeHostMinutes=7), "joinBeforeHostMinutes"),
        (meeting(unlockedMeetingJoinSecurity="lobbyForAll"), "unlockedMeetingJoinSecurity"),
        (meeting(title="x" * 129), "title"),
        (meeting(colour="blue"), "colour"),
        (meeting(siteUrl="other.webex.com"), "siteUrl"),
    ],
)
def test_meeting_rules(body: dict[str, Any], needle: str) -> None:
    response = client(org()).post(f"{API}/meetings", json=body)
    assert response.status_code == 400 and needle in json.dumps(response.json())


def test_webex_silently_keeps_the_first_monthly_value_and_caps_at_five_years() -> None:
    fake = org()
    http = client(fake)
    monthly = http.post(f"{API}/meetings", json=meeting(recurrence="FREQ=MONTHLY;BYMONTHDAY=2,16;COUNT=4")).json()
    assert monthly["recurrence"] == "FREQ=MONTHLY;BYMONTHDAY=2;COUNT=4"
    long = http.post(f"{API}/meetings", json=meeting(recurrence="FREQ=WEEKLY;BYDAY=MO;COUNT=400")).json()
    assert long["recurrence"] == "FREQ=WEEKLY;BYDAY=MO;UNTIL=20310105T120000Z"
    open_ended = http.post(f"{API}/meetings", json=meeting(recurrence="FREQ=DAILY")).json()
    assert open_ended["recurrence"] == "FREQ=DAILY"


def test_shapes_differ_per_operation() -> None:
    fake = org()
    http = client(fake)
    created = http.post(f"{API}/meetings", json=meeting(hostEmail=ADA, recurrence="FREQ=WEEKLY;COUNT=3")).json()
    assert "meetingSeriesId" not in created and created["hostEmail"] == ADA
    window = {"from": "2026-01-05T12:00:00Z", "to": "2026-03-01T00:00:00Z"}
    listed = http.get(f"{API}/meetings", params={"hostEmail": ADA, "meetingType": "scheduledMeeting", **window})
    occurrences = listed.json()["items"]
    assert [o["id"] for o in occurrences] == [f"{created['id']}_202602{d}T150000Z" for d in ("02", "09", "16")]
    assert occurrences[0]["meetingSeriesId"] == created["id"] and "recurrence" not in occurrences[0]
    admin = http.get(f"{API}/admin/meetings/{created['id']}").json()
    assert "password" not in admin and "hostKey" not in admin and admin["hostEmail"] == ADA
    occurrence = http.get(f"{API}/meetings/{occurrences[1]['id']}", params={"hostEmail": ADA}).json()
    assert occurrence["meetingType"] == "scheduledMeeting" and "meetingSeriesId" not in occurrence


def test_admin_needs_host_email_for_other_hosts() -> None:
    fake = org()
    series = fake.add_meeting(ADA, meeting())
    http = client(fake)
    assert http.get(f"{API}/meetings/{series['id']}").status_code == 404
    assert http.get(f"{API}/meetings/{series['id']}", params={"hostEmail": ADA}).status_code == 200
    teacher = client(fake, ADA)
    assert teacher.get(f"{API}/meetings/{series['id']}").status_code == 200
    assert teacher.get(f"{API}/admin/meetings/{series['id']}").status_code == 403


def test_timezone_header_formats_times() -> None:
    fake = org()
    series = fake.add_meeting(ADMIN, meeting())
    body = client(fake).get(f"{API}/meetings/{series['id']}", headers={"timezone": "America/Chicago"}).json()
    assert body["start"] == "2026-02-02T09:00:00-06:00"


def test_create_quota_counts_failures_too() -> None:
    fake = org()
    teacher = client(fake, ADA)
    for _ in range(60):
        teacher.post(f"{API}/meetings", json=meeting(end="2026-02-02T15:01:00Z"))  # refused, still counted
    for _ in range(40):
        assert teacher.post(f"{API}/meetings", json=meeting()).status_code == 200
    over = teacher.post(f"{API}/meetings", json=meeting())
    assert over.status_code == 429 and "24 hours" in over.json()["message"]


def test_people_list_by_id_omits_admin_fields_and_reports_missing_ids() -> None:
    fake = org()
    ada = next(p for p in fake.people.values() if p["emails"] == [ADA])
    body = client(fake).get(f"{API}/people", params={"id": f"{ada['id']},NOPE"}).json()
    (item,) = body["items"]
    assert "licenses" not in item and "roles" not in item and "status" not in item
    assert body["notFoundIds"] == ["NOPE"]
    full = client(fake).get(f"{API}/people/{ada['id']}").json()
    assert full["licenses"] == [fake.meetings_license] and full["loginEnabled"] == "true"


def test_non_admins_see_no_admin_fields_and_must_filter() -> None:
    fake = org()
    teacher = client(fake, ADA)
    assert teacher.get(f"{API}/people").status_code == 400
    (item,) = teacher.get(f"{API}/people", params={"email": ADMIN}).json()["items"]
    assert "loginEnabled" not in item and "licenses" not in item
    assert teacher.post(f"{API}/people", json={"emails": ["x@d.example"], "displayName": "X"}).status_code == 403


def test_put_person_is_a_full_replace() -> None:
    fake = org()
    ada = next(p for p in fake.people.values() if p["emails"] == [ADA])
    response = client(fake).put(f"{API}/people/{ada['id']}", json={"displayName": "Ada A.", "loginEnabled": False})
    assert response.status_code == 200
    assert response.json()["licenses"] == [] and response.json()["loginEnabled"] == "false"
    assert client(fake).put(f"{API}/people/{ada['id']}", json={"loginEnabled": True}).status_code == 400


def test_duplicate_person_conflicts() -> None:
    response = client(org()).post(f"{API}/people", json={"emails": [ADA], "displayName": "Ada"})
    assert response.status_code == 409


def test_common_settings_constraints() -> None:
    http = client(org())
    url = f"{API}/admin/meeting/config/commonSettings"
    assert http.patch(url, json={"telephonyConfig": {"VoIP": False}}).status_code == 400
    assert http.patch(url, json={"securityOptions": {"audioBeforeHost": True}}).status_code == 400
    assert http.patch(url, json={"defaultSchedulerOptions": {"tollFree": True}}).status_code == 400
    ok = http.patch(url, json={"securityOptions": {"joinBeforeHost": True, "audioBeforeHost": True}})
    assert ok.status_code == 200 and ok.json()["securityOptions"]["audioBeforeHost"] is True


def test_unmodelled_and_undeclared_parameters() -> None:
    http = client(org())
    with pytest.raises(NotImplementedError, match="hasChat"):
        http.get(f"{API}/meetings", params={"hasChat": "true"})
    assert http.get(f"{API}/meetings", params={"colour": "blue"}).status_code == 400
    with pytest.raises(NotImplementedError):
        http.put(f"{API}/meetings/x", json={})


def test_refresh_rotation_and_grace() -> None:
    fake = org()
    consent = fake.authorize_integration("C", "S", ADMIN)
    http = httpx.Client(transport=fake)

    def refresh(token: str) -> httpx.Response:
        data = {"grant_type": "refresh_token", "client_id": "C", "client_secret": "S", "refresh_token": token}
        return http.post(f"{API}/access_token", data=data)

    first = refresh(consent).json()
    assert first["refresh_token"] != consent and first["refresh_token_expires_in"] == 7_776_000
    again = refresh(consent).json()  # the successor was never used: the consent token still works
    http.get(f"{API}/people/me", headers={"Authorization": f"Bearer {again['access_token']}"})
    assert refresh(consent).json()["error"] == "invalid_grant"  # settled once its successor was used
    assert refresh(first["refresh_token"]).status_code == 200  # an unused branch stays usable
    assert refresh("nonsense").json()["error"] == "invalid_grant"
    bad = http.post(f"{API}/access_token", data={"grant_type": "refresh_token", "client_id": "C",
                                                  "client_secret": "wrong", "refresh_token": consent})  # fmt: skip
    assert bad.status_code == 401 and bad.json()["error"] == "invalid_client"


def test_faults() -> None:
    fake = org()
    http = client(fake)
    fake.rate_limit_next(retry_after="rand(30),add(30)")
    limited = http.get(f"{API}/people")
    assert limited.status_code == 429 and limited.headers["retry-after"] == "rand(30),add(30)"
    fake.rate_limit_next(status=423)
    assert http.get(f"{API}/people").status_code == 423
    fake.server_error_next(503)
    assert http.get(f"{API}/people").status_code == 503
    fake.fail_next(409, path="/people")
    conflict = http.get(f"{API}/people")
    assert conflict.status_code == 409 and set(conflict.json()) == {"message", "errors", "trackingId"}
    fake.expire_tokens()
    assert http.get(f"{API}/people").status_code == 401
    assert len(fake.requests) == 5 and fake.pending_faults == 0


def test_us_gov_host_is_served() -> None:
    fake = org()
    response = client(fake).get("https://api-usgov.webex.com/v1/people", params={"max": 1})
    assert response.status_code == 200 and response.headers["link"].startswith("<https://api-usgov.webex.com/v1/")


def test_deterministic_given_a_seed() -> None:
    def run(seed: int) -> str:
        fake = FakeWebex(clock=FakeClock(START), seed=seed)
        district = build_district(now=START)
        seed_district(fake, district)
        http = client(fake, district.admins[0].email)
        http.post(f"{API}/meetings", json=meeting(hostEmail=district.teachers[0].email))
        http.get(f"{API}/people", params={"max": 3})
        return fake.snapshot()

    first, second = run(1), run(1)
    assert first == second and len(json.loads(first)["people"]) == 222
    assert run(2) != first


def test_thread_safe_creates() -> None:
    fake = org()
    token = fake.personal_token(ADMIN)
    ids: list[str] = []

    def work(n: int) -> None:
        http = httpx.Client(transport=fake, headers={"Authorization": f"Bearer {token}"})
        for k in range(5):
            body = meeting(title=f"T{n}-{k}", hostEmail=ADA)
            ids.append(http.post(f"{API}/meetings", json=body).json()["id"])

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(ids) == 30 and len(set(ids)) == 30 and len(fake.meetings) == 30


def test_sandbox_seeds_a_webex_site() -> None:
    fake = SANDBOX.make_fake(FakeClock(START))
    assert isinstance(fake, FakeWebex)
    district = build_district(now=START)
    SANDBOX.seed(fake, district)
    assert len(fake.people) == len(district.people) and len(fake.meetings) == len(district.meetings)
    everyone = [m for m in fake.meetings.values() if m.get("enableAutomaticLock")]
    assert everyone and all(m["unlockedMeetingJoinSecurity"] == "allowJoinWithLobby" for m in everyone)
    assert {m["unlockedMeetingJoinSecurity"] for m in fake.meetings.values()} == {"allowJoin", "allowJoinWithLobby"}


# -- pages: next links built only from parameters the spec declares ------------------------------------


def follow(http: httpx.Client, url: str, params: dict[str, Any]) -> tuple[list[list[str]], list[httpx.URL]]:
    """Every page of a listing (item titles, or person emails) and every next link followed."""
    pages: list[list[str]] = []
    links: list[httpx.URL] = []
    response = http.get(url, params=params)
    while True:
        assert response.status_code == 200, response.text
        pages.append([i.get("title") or i["emails"][0] for i in response.json()["items"]])
        nxt = response.links.get("next", {}).get("url")
        if not nxt:
            return pages, links
        links.append(httpx.URL(nxt))
        response = http.get(nxt)


MEETINGS_DECLARED = {
    "meetingNumber", "webLink", "roomId", "meetingSeriesId", "max", "from", "to", "meetingType", "state",
    "scheduledType", "isModified", "hasChat", "hasRecording", "hasTranscription", "hasSummary", "hasClosedCaption",
    "hasPolls", "hasQA", "hasSlido", "current", "hostEmail", "siteUrl", "integrationTag",
}  # fmt: skip
PEOPLE_DECLARED = {"email", "displayName", "id", "orgId", "roles", "callingData", "locationId", "max", "excludeStatus"}


def at(day: int, hour: int, minutes: int = 50) -> dict[str, Any]:
    start = datetime(2026, 2, day, hour, tzinfo=UTC)
    return {"start": start.isoformat(), "end": (start + timedelta(minutes=minutes)).isoformat()}


def test_meeting_pages_advance_from_past_the_last_returned_end() -> None:
    fake = org()
    for n in range(7):  # ends in reverse order of starts: long series first
        fake.add_meeting(ADA, {"title": f"S{n}", **at(2 + n, 15), "recurrence": f"FREQ=DAILY;COUNT={20 - 2 * n}"})
    window = {"hostEmail": ADA, "from": "2026-01-05T12:00:00Z", "to": "2026-06-01T00:00:00Z", "max": 3}
    pages, links = follow(client(fake), f"{API}/meetings", window)
    assert [len(p) for p in pages] == [3, 3, 1]
    assert [t for p in pages for t in p] == [f"S{n}" for n in reversed(range(7))]  # by the end of the last one
    for link in links:
        assert set(link.params) <= MEETINGS_DECLARED
        assert {k: v for k, v in link.params.items() if k != "from"} == {
            "hostEmail": ADA, "max": "3", "to": "2026-06-01T00:00:00Z"
        }  # fmt: skip
    # S4, the last on page 1, runs daily from 6 February, 12 times: its last occurrence ends 17 February 15:50.
    assert [link.params["from"] for link in links] == ["2026-02-17T15:50:01Z", "2026-02-20T15:50:01Z"]


def test_meeting_pages_never_split_equal_ends_and_keep_what_outlasts_the_window_together() -> None:
    fake = org()
    for title in ("A1", "A2"):  # the same end
        fake.add_meeting(ADA, {"title": title, **at(2, 15)})
    fake.add_meeting(ADA, {"title": "B", **at(3, 15)})
    for title in ("C1", "C2", "C3"):  # the same end again: a group longer than max
        fake.add_meeting(ADA, {"title": title, **at(4, 15)})
    fake.add_meeting(ADA, {"title": "Open", **at(5, 15), "recurrence": "FREQ=WEEKLY"})
    fake.add_meeting(ADA, {"title": "Past to", **at(6, 15), "recurrence": "FREQ=DAILY;COUNT=60"})
    window = {"hostEmail": ADA, "from": "2026-01-05T12:00:00Z", "to": "2026-02-20T00:00:00Z", "max": 2}
    pages, links = follow(client(fake), f"{API}/meetings", window)
    assert [sorted(p) for p in pages] == [["A1", "A2"], ["B"], ["C1", "C2", "C3"], ["Open", "Past to"]]
    assert all(link.params["to"] == "2026-02-20T00:00:00Z" for link in links)  # from never passes to


def test_occurrence_pages_page_the_same_way() -> None:
    fake = org()
    fake.add_meeting(ADA, {"title": "Daily", **at(2, 15), "recurrence": "FREQ=DAILY;COUNT=5"})
    fake.add_meeting(ADA, {"title": "Once", **at(3, 15)})  # ends with Daily's second occurrence
    window = {"hostEmail": ADA, "meetingType": "scheduledMeeting", "from": "2026-01-05T12:00:00Z",
              "to": "2026-03-01T00:00:00Z", "max": 2}  # fmt: skip
    pages, links = follow(client(fake), f"{API}/meetings", window)
    assert [sorted(p) for p in pages] == [["Daily"], ["Daily", "Once"], ["Daily", "Daily"], ["Daily"]]
    assert all(link.params["meetingType"] == "scheduledMeeting" for link in links)


def test_people_pages_list_the_next_page_by_id() -> None:
    fake = org()
    for n in range(200):
        fake.add_person(f"p{n:03d}@district.example", "P", str(n))
    http = client(fake)
    pages, links = follow(http, f"{API}/people", {"max": 100, "excludeStatus": "true"})
    assert [len(p) for p in pages] == [85, 85, 32]  # max is clamped to the 85 ids one link can list
    assert len({e for p in pages for e in p}) == 202
    for link in links:
        assert set(link.params) == {"max", "excludeStatus", "id"} and link.params["max"] == "100"
        assert len(link.params["id"].split(",")) <= 85
    filtered, links = follow(http, f"{API}/people", {"displayName": "P", "max": 2})
    assert [len(p) for p in filtered] == [2] * 100 and all(link.params["displayName"] == "P" for link in links)
    # A ?id= query of one's own is just that: those people, no further pages.
    own = http.get(f"{API}/people", params={"id": links[0].params["id"]})
    assert len(own.json()["items"]) == 2 and "link" not in own.headers


def test_broken_next_links_drop_the_filters_but_keep_the_position() -> None:
    fake = org()
    for n in range(5):
        fake.add_person(f"p{n}@district.example", "P", str(n))
        fake.add_meeting(ADA, {"title": f"M{n}", **at(2 + n, 15)})
    fake.broken_next_links = True
    http = client(fake)
    people = http.get(f"{API}/people", params={"displayName": "P", "max": 2})
    link = httpx.URL(people.links["next"]["url"])
    assert set(link.params) == {"max", "id"} and link.params["max"] == "null"
    assert http.get(link).status_code == 400  # unrepaired, page 2 fails
    window = {"from": "2026-01-05T12:00:00Z", "to": "2026-03-01T00:00:00Z"}
    meetings = http.get(f"{API}/meetings", params={"hostEmail": ADA, **window, "max": 2})
    link = httpx.URL(meetings.links["next"]["url"])
    assert set(link.params) == {"max", "from"} and link.params["max"] == "null"


def test_restore_puts_a_snapshot_back_exactly() -> None:
    fake = SANDBOX.make_fake(FakeClock(START))
    assert isinstance(fake, FakeWebex)
    SANDBOX.seed(fake, build_district(now=START))
    saved = fake.snapshot()
    http = client(fake, build_district(now=START).admins[0].email)
    series = next(iter(fake.meetings.values()))
    occurrence = f"{series['id']}_{series['start'].replace('-', '').replace(':', '')}"
    assert http.delete(f"{API}/meetings/{occurrence}", params={"hostEmail": series["hostEmail"]}).status_code == 204
    http.patch(f"{API}/admin/meeting/config/commonSettings", json={"securityOptions": {"unlistAllMeetings": False}})
    assert fake.snapshot() != saved
    fake.restore(saved)
    assert fake.snapshot() == saved
    listed = http.get(f"{API}/meetings", params={"hostEmail": series["hostEmail"], "meetingType": "scheduledMeeting"})
    assert occurrence in {m["id"] for m in listed.json()["items"]}  # the deleted occurrence is back


# -- generated log traffic: served exactly as the same records seeded one by one ---------------------------


def _bulk_twins(cap: int = 10_000) -> tuple[FakeWebex, FakeWebex]:
    """A fake with generated log traffic (and a few seeded records on the generated instants), and a twin
    with the very same records seeded one by one (served by the fake's plain code path)."""
    clock = FakeClock(START)
    twins = []
    for _ in range(2):
        fake = org(seed=5)
        fake.instance_list_cap = cap
        twins.append(fake)
    bulk, plain = twins
    traffic = bulk.generate_log_traffic(
        admin=700,
        security=2300,
        meetings=90,
        participants_per_meeting=6,
        hosts=4,
        start=START - timedelta(days=9),
        end=START - timedelta(minutes=20),
    )
    assert traffic.events == 700 + 2300 + 90 * 6
    generated_admin = next(r for n, r in enumerate(bulk.log_records("admin_audit")) if n == 350)
    generated_signin = next(r for n, r in enumerate(bulk.log_records("security_audit")) if n == 999)
    generated_meeting = next(x for n, x in enumerate(bulk.log_records("participants")) if n == 6 * 40)["meeting"]
    for fake in twins:  # seeded records sharing a generated record's millisecond or end second
        fake.clock = clock
        at = datetime.fromisoformat(generated_admin["created"])
        fake.add_admin_audit_event(
            ADMIN,
            category="LOGINS",
            description="An Admin logged in",
            action_text="IT Admin logged into organization Fake District",
            at=at,
            key="tie",
        )
        fake.add_security_audit_event(ADA, at=datetime.fromisoformat(generated_signin["created"]), key="tie")
        fake.add_security_audit_event(ADA, at=datetime.fromisoformat(generated_signin["created"]), key="tie2")
        end = datetime.fromisoformat(generated_meeting["end"])
        fake.add_ended_meeting(ADA, start=end - timedelta(minutes=50), participants=[{"email": ADA}], key="tie")
        fake.add_ended_meeting(ADA, start=START - timedelta(days=3, hours=5), participants=[{"email": ADA}], key=1)
    plain.admin_audit_events = list(bulk.log_records("admin_audit"))
    plain.security_audit_events = list(bulk.log_records("security_audit"))
    for x in bulk.log_records("participants"):
        plain.ended_meetings.setdefault(x["meeting"]["id"], {**x["meeting"], "participants": []})
        if x["participant"] not in plain.ended_meetings[x["meeting"]["id"]]["participants"]:
            plain.ended_meetings[x["meeting"]["id"]]["participants"].append(x["participant"])
    return bulk, plain


def _walk(fake: FakeWebex, path: str, params: dict[str, Any]) -> list[tuple[int, Any, str | None]]:
    """Every page of a listing, following next links: (status, body, next link)."""
    out: list[tuple[int, Any, str | None]] = []
    with client(fake) as http:
        response = http.get(f"{API}{path}", params=params)
        while True:
            nxt = response.links.get("next", {}).get("url")
            out.append((response.status_code, response.json(), nxt))
            if response.status_code != 200 or not nxt or len(out) > 500:
                return out
            response = http.get(nxt)


def test_generated_log_traffic_is_served_exactly_like_seeded_records() -> None:
    bulk, plain = _bulk_twins()
    first, last = START - timedelta(days=10), START
    audit = {"orgId": bulk.org_id}
    walks: list[tuple[str, dict[str, Any]]] = [
        ("/adminAudit/events", {**audit, "from": _ms(first), "to": _ms(last), "max": 200}),
        ("/adminAudit/events", {**audit, "from": _ms(first + timedelta(days=3, seconds=7)), "to": _ms(last),
                                "max": 37}),
        ("/adminAudit/events", {**audit, "from": _ms(first), "to": _ms(last), "eventCategories": "USERS"}),
        ("/admin/securityAudit/events", {**audit, "startTime": _ms(first), "endTime": _ms(last), "max": 1000}),
        ("/admin/securityAudit/events", {**audit, "startTime": _ms(first + timedelta(hours=30)),
                                         "endTime": _ms(last - timedelta(days=2)), "max": 71}),
    ]  # fmt: skip
    day = first.replace(hour=0, minute=0, second=0)
    for n in range(11):
        lo = day + timedelta(days=n)
        walks.append(("/meetings", {"meetingType": "meeting", "state": "ended", "from": _s(lo),
                                    "to": _s(lo + timedelta(days=1)), "max": 100}))  # fmt: skip
    walks.append(("/meetings", {"meetingType": "meeting", "from": _s(first), "to": _s(last - timedelta(hours=61)),
                                "max": 7}))  # fmt: skip
    instances = list(plain.ended_meetings)
    for instance in instances[::9]:
        walks.append(("/meetingParticipants", {"meetingId": instance, "max": 4}))
    walks.append(("/meetingParticipants", {"meetingId": instances[3].partition("_")[0], "max": 100}))
    for path, params in walks:
        assert _walk(bulk, path, params) == _walk(plain, path, params), (path, params)
    assert len({i["id"] for _, body, _ in _walk(bulk, *walks[0]) for i in body["items"]}) == 701


def test_generated_listings_keep_the_cap_and_the_rules_of_seeded_ones() -> None:
    bulk, plain = _bulk_twins(cap=25)
    params = {"meetingType": "meeting", "from": _s(START - timedelta(days=10)), "to": _s(START), "max": 10}
    pages = _walk(bulk, "/meetings", params)
    assert pages == _walk(plain, "/meetings", params)
    assert sum(len(body["items"]) for _, body, _ in pages) == 25


def test_a_generated_page_costs_its_size_not_the_volume() -> None:
    fake = org()
    fake.generate_log_traffic(
        admin=2_000_000,
        security=3_000_000,
        meetings=100_000,
        hosts=400,
        start=START - timedelta(days=364),
        end=START - timedelta(hours=1),
    )
    import time as clock

    with client(fake) as http:
        began = clock.perf_counter()
        since = _ms(START - timedelta(days=300))
        admin = http.get(f"{API}/adminAudit/events", params={"orgId": fake.org_id, "from": since, "to": _ms(START),
                                                             "max": 200, "offset": 1_000_000})  # fmt: skip
        security = http.get(
            f"{API}/admin/securityAudit/events",
            params={
                "orgId": fake.org_id,
                "startTime": _ms(START - timedelta(days=300)),
                "endTime": _ms(START),
                "max": 1000,
            },
        )
        listing = http.get(f"{API}/meetings", params={"meetingType": "meeting", "from": "2025-06-01T00:00:00Z",
                                                      "to": "2025-06-02T00:00:00Z", "max": 100})  # fmt: skip
        elapsed = clock.perf_counter() - began
    assert len(admin.json()["items"]) == 200 and len(security.json()["items"]) == 1000
    assert len(listing.json()["items"]) == 100 and listing.links["next"]
    assert elapsed < 2.0  # a scan of five million records would take far longer


def _ms(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _s(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


CONTRACT_CHECK = Path(__file__).resolve().parents[2] / "shared" / "tools" / "contract_check.py"


@pytest.mark.skipif(not CONTRACT_CHECK.exists(), reason="the shared contract check is not checked out next to the repo")
def test_generated_log_pages_pass_the_contract_check(tmp_path: Path) -> None:
    """Pages of generated traffic, written as a cassette, checked against Cisco's OpenAPI files by the same
    tool that checks the recorded cassettes (every query parameter declared, every field in the schema)."""
    import yaml

    fake = org()
    fake.generate_log_traffic(admin=400, security=1500, meetings=30, participants_per_meeting=30, hosts=3,
                              start=START - timedelta(days=5), end=START - timedelta(hours=1))  # fmt: skip
    interactions: list[dict[str, Any]] = []
    first, last = START - timedelta(days=6), START
    walks = [
        ("/adminAudit/events", {"orgId": fake.org_id, "from": _ms(first), "to": _ms(last), "max": 200}),
        ("/admin/securityAudit/events", {"orgId": fake.org_id, "startTime": _ms(first), "endTime": _ms(last),
                                         "max": 1000}),
        ("/meetings", {"meetingType": "meeting", "state": "ended", "from": _s(first), "to": _s(last), "max": 10}),
    ]  # fmt: skip
    instance = next(fake.log_records("participants"))["meeting"]["id"]
    walks.append(("/meetingParticipants", {"meetingId": instance, "max": 10}))
    with client(fake) as http:
        for path, params in walks:
            response = http.get(f"{API}{path}", params=params)
            while True:
                assert response.status_code == 200 and response.json()["items"], response.text
                interactions.append({
                    "request": {"method": "GET", "uri": str(response.request.url), "body": None, "headers": {}},
                    "response": {"status": {"code": 200, "message": "OK"}, "headers": {},
                                 "body": {"string": response.text}},
                })  # fmt: skip
                nxt = response.links.get("next", {}).get("url")
                if not nxt:
                    break
                response = http.get(nxt)
    assert len(interactions) >= 3 + 2 + 3 + 2  # more than one page of each
    (tmp_path / "generated.yaml").write_text(yaml.safe_dump({"interactions": interactions, "version": 1}))
    checked = subprocess.run([sys.executable, str(CONTRACT_CHECK), str(tmp_path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"{len(interactions)} interactions checked" in checked.stdout and " 0 violations" in checked.stdout
