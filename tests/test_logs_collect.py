"""The collector against FakeZoom: incremental, lossless under faults, exactly the served set every time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from confkit.http.clock import FakeClock
from confkit.logs import LogStore, collect, fetch, read, status
from confkit.logs.engine import Collector, StreamProgress
from confkit.logs.store import StreamKey
from confkit.providers.zoom import ZoomProvider
from confkit.providers.zoom.logs import meeting_context, operation_event, participant_event, signin_event
from confkit.testing import FakeZoom

START = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
TENANT = "fake-account-id"
SETTINGS = {"account_id": TENANT, "client_id": "fake-client-id", "client_secret": "fake-client-secret"}


class Crash(BaseException):
    """Stands for the process dying: nothing catches it, nothing after it runs."""


class Hooked(httpx.BaseTransport):
    """Passes requests to the fake, calling ``hook(request, n)`` before the n-th (1-based)."""

    def __init__(self, fake: FakeZoom, hook: Callable[[httpx.Request, int], None]) -> None:
        self.fake, self.hook, self.count = fake, hook, 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.count += 1
        self.hook(request, self.count)
        return self.fake.handle_request(request)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def fake(clock: FakeClock) -> FakeZoom:
    fake = FakeZoom(clock=clock)
    fake.add_user("owner@district.example", first_name="Olive", last_name="Owner")
    fake.add_user("ada@district.example", first_name="Ada", last_name="Adams")
    fake.generate_log_traffic(signins=1500, operations=900, meetings=40, participants_per_meeting=9, hosts=6,
                              start=START - timedelta(days=120), end=START - timedelta(hours=1))
    fake.add_operation_log("owner@district.example", "Account", "Update",
                           "Security  - Require a passcode when scheduling new meetings: from On to Off",
                           at=START - timedelta(days=2))
    return fake


def zoom(fake: FakeZoom, clock: FakeClock, transport: httpx.BaseTransport | None = None) -> ZoomProvider:
    return ZoomProvider.from_settings(SETTINGS, client=httpx.Client(transport=transport or fake), clock=clock)


def expected_ids(fake: FakeZoom) -> set[str]:
    ids = {signin_event(r, TENANT)["id"] for r in fake.log_records("signins")}
    ids |= {operation_event(r, TENANT)["id"] for r in fake.log_records("operations")}
    for x in fake.log_records("participants"):
        ids.add(participant_event(x["participant"], TENANT, meeting_context(x["meeting"], x["host_id"]))["id"])
    return ids


def stored(store: LogStore) -> list[str]:
    return list(store.ids())


def collector(store: LogStore, clock: FakeClock, **kw: Any) -> Collector:
    return Collector(store, clock=clock, **kw)


def assert_exact(store: LogStore, fake: FakeZoom) -> None:
    ids = stored(store)
    assert len(ids) == len(set(ids))
    assert set(ids) == expected_ids(fake)


# -- the normal case ----------------------------------------------------------------------------------------


def test_first_collection_stores_exactly_what_zoom_serves(fake: FakeZoom, clock: FakeClock) -> None:
    store = LogStore.memory()
    report = collector(store, clock).run(zoom(fake, clock).log_streams())
    assert report.ok, report.summary()
    assert_exact(store, fake)
    assert report.events_new == 1500 + 901 + 40 * 9
    assert report.events_dup == 0
    # The whole retention in windows of at most 28 days, never older than six months.
    windows = {(r.url.params["from"], r.url.params["to"]) for r in fake.requests if "from" in r.url.params}
    for first, last in windows:
        span = datetime.fromisoformat(last) - datetime.fromisoformat(first)
        assert timedelta(0) <= span <= timedelta(days=27)
        assert first >= "2025-07-06"
    assert max(last for _, last in windows) == "2026-01-05"
    for checkpoint in store.checkpoints():
        assert checkpoint.window is None and checkpoint.cursor is None
        assert checkpoint.done_until is not None and checkpoint.done_until <= clock.now()


def test_a_second_run_reads_only_the_overlap_and_stores_nothing_twice(fake: FakeZoom, clock: FakeClock) -> None:
    store = LogStore.memory()
    collector(store, clock).run(zoom(fake, clock).log_streams())
    before = len(fake.requests)
    clock.advance(3600)
    report = collector(store, clock).run(zoom(fake, clock).log_streams())
    assert report.ok and report.events_new == 0 and report.events_dup > 0
    second = fake.requests[before:]
    assert {r.url.params.get("from") for r in second if "from" in r.url.params} == {"2026-01-04"}
    assert_exact(store, fake)


def test_late_arrivals_inside_the_overlap_are_caught(fake: FakeZoom, clock: FakeClock) -> None:
    store = LogStore.memory()
    collector(store, clock).run(zoom(fake, clock).log_streams())
    fake.add_sign_in("late@district.example", at=START - timedelta(hours=5))  # reported late by Zoom
    clock.advance(6 * 3600)
    report = collector(store, clock).run(zoom(fake, clock).log_streams())
    assert report.events_new == 1
    assert_exact(store, fake)


def test_since_re_reads_older_windows_without_duplicates(fake: FakeZoom, clock: FakeClock) -> None:
    store = LogStore.memory()
    collector(store, clock).run(zoom(fake, clock).log_streams())
    fake.add_sign_in("very.late@district.example", at=START - timedelta(days=20))  # beyond the overlap
    report = collector(store, clock).run(zoom(fake, clock).log_streams(), since=START - timedelta(days=30))
    assert report.events_new == 1
    assert_exact(store, fake)


def test_the_library_iterator_yields_each_new_event_once(fake: FakeZoom, clock: FakeClock) -> None:
    store = LogStore.memory()
    collection = collect(zoom(fake, clock), store, clock=clock)
    events = list(collection)
    assert collection.report is not None and collection.report.ok
    assert {e.id for e in events} == expected_ids(fake) and len(events) == len(expected_ids(fake))
    assert list(collect(zoom(fake, clock), store, clock=clock)) == []
    setting = [e for e in read(store, categories=["setting_change"])
               if e.actor and e.actor.email == "owner@district.example"]
    assert setting[0].changes[0].to_value == "Off"


def test_stopping_the_iterator_early_keeps_what_was_committed(fake: FakeZoom, clock: FakeClock) -> None:
    store = LogStore.memory()
    for n, _ in enumerate(collect(zoom(fake, clock), store, clock=clock, streams=["signins"])):
        if n == 10:
            break
    assert 10 < store.count() < 1500
    list(collect(zoom(fake, clock), store, clock=clock))
    assert_exact(store, fake)


def test_fetch_reads_straight_from_zoom(fake: FakeZoom, clock: FakeClock) -> None:
    since = START - timedelta(days=10)
    events = list(fetch(zoom(fake, clock), since=since, streams=["signins"], clock=clock))
    served = [r for r in fake.log_records("signins") if r["time"] >= "2025-12-26T12:00:00Z"]
    assert len(events) == len(served) and len({e.id for e in events}) == len(served)
    assert all(e.time >= since for e in events)


# -- faults ------------------------------------------------------------------------------------------------


def test_a_429_storm_is_ridden_out(fake: FakeZoom, clock: FakeClock) -> None:
    fake.rate_limit_next("qps", times=30)
    store = LogStore.memory()
    report = collector(store, clock).run(zoom(fake, clock).log_streams())
    assert report.ok, report.summary()
    assert fake.pending_faults == 0
    assert sum(p.retries for p in report.streams) >= 1
    assert_exact(store, fake)


def test_server_errors_and_connection_resets(fake: FakeZoom, clock: FakeClock) -> None:
    fake.server_error_next(503, times=9)
    fake.reset_connection_next(times=6, during="read")
    fake.server_error_next(500, times=4, path="/past_meetings/")
    fake.reset_connection_next(times=4, during="connect")
    store = LogStore.memory()
    report = collector(store, clock).run(zoom(fake, clock).log_streams())
    assert report.ok, report.summary()
    assert fake.pending_faults == 0
    assert_exact(store, fake)


def test_access_tokens_expiring_mid_stream(fake: FakeZoom, clock: FakeClock) -> None:
    def expire(request: httpx.Request, n: int) -> None:
        if n % 25 == 0:
            fake.expire_tokens()

    store = LogStore.memory()
    report = collector(store, clock).run(zoom(fake, clock, Hooked(fake, expire)).log_streams())
    assert report.ok, report.summary()
    assert fake.tokens_issued >= 4
    assert_exact(store, fake)


def test_expired_page_tokens_restart_the_window(fake: FakeZoom, clock: FakeClock) -> None:
    fake.generate_log_traffic(signins=6000, operations=4000, start=START - timedelta(days=100),
                              end=START - timedelta(hours=1))  # windows of many pages
    seen: list[int] = []

    def stall(request: httpx.Request, n: int) -> None:
        if "next_page_token" in request.url.params:
            seen.append(n)
            if len(seen) in (2, 6, 11):
                clock.advance(16 * 60)  # every page token handed out so far is now older than 15 minutes

    store = LogStore.memory()
    report = collector(store, clock).run(zoom(fake, clock, Hooked(fake, stall)).log_streams())
    assert report.ok, report.summary()
    restarts = sum(p.restarts for p in report.streams)
    assert restarts >= 3
    assert sum(c.restarts for c in store.checkpoints()) == restarts
    assert report.events_dup > 0  # the restarted windows were read again, and deduplicated
    assert_exact(store, fake)


def test_a_daily_limit_stops_one_stream_and_the_next_run_finishes_it(fake: FakeZoom, clock: FakeClock) -> None:
    fake.rate_limit_next("daily", path="/report/activities")
    store = LogStore.memory()
    report = collector(store, clock).run(zoom(fake, clock).log_streams())
    states = {p.key.stream: p for p in report.streams}
    assert states["signins"].state == "failed" and states["operations"].state == "done"
    error = states["signins"].error or ""
    assert "daily" in error and "2026-01-06T00:00:00+00:00" in error
    assert store.checkpoint(StreamKey(TENANT, "zoom", "signins")).last_error
    report = collector(store, clock).run(zoom(fake, clock).log_streams())
    assert report.ok
    assert_exact(store, fake)
    assert store.checkpoint(StreamKey(TENANT, "zoom", "signins")).last_error is None


@pytest.mark.parametrize("crash_after", [1, 2, 7, 23, 41, 64, 90])  # the whole run is ~95 requests
def test_a_crash_at_any_point_then_a_rerun_loses_and_duplicates_nothing(
    fake: FakeZoom, clock: FakeClock, crash_after: int
) -> None:
    def die(request: httpx.Request, n: int) -> None:
        if n > crash_after:
            raise Crash

    store = LogStore.memory()
    with pytest.raises(Crash):
        collector(store, clock).run(zoom(fake, clock, Hooked(fake, die)).log_streams())
    kept = store.count()
    clock.advance(60)
    report = collector(store, clock).run(zoom(fake, clock).log_streams())
    assert report.ok, report.summary()
    assert report.events_new == len(expected_ids(fake)) - kept
    assert_exact(store, fake)


def test_a_resumed_participant_window_skips_meetings_already_read(fake: FakeZoom, clock: FakeClock) -> None:
    fake.generate_log_traffic(meetings=40, participants_per_meeting=120, hosts=6, start=START - timedelta(days=120),
                              end=START - timedelta(hours=1))  # three meetings make a page of 300+ events
    calls = 0

    def die(request: httpx.Request, n: int) -> None:
        nonlocal calls
        if request.url.path.startswith("/v2/past_meetings/"):
            calls += 1
            if calls > 25:
                raise Crash

    store = LogStore.memory()
    only = ["participants"]
    streams = [s for s in zoom(fake, clock, Hooked(fake, die)).log_streams() if s.name in only]
    with pytest.raises(Crash):
        collector(store, clock).run(streams)
    key = StreamKey(TENANT, "zoom", "participants")
    assert store.checkpoint(key).window is not None  # stopped inside a window ...
    assert any(u.startswith("meeting:") for u in store.units(key))  # ... with some of its meetings read
    done = store.count() // 120
    assert store.count() == done * 120 and 20 <= done <= 25  # whole meetings only
    before = len(fake.requests)
    collector(store, clock).run([s for s in zoom(fake, clock).log_streams() if s.name in only])
    again = [r for r in fake.requests[before:] if r.url.path.startswith("/v2/past_meetings/")]
    assert 40 - done <= len(again) <= 40 - done + 2  # the other meetings, and those of the overlap day
    expected = {participant_event(x["participant"], TENANT, meeting_context(x["meeting"], x["host_id"]))["id"]
                for x in fake.log_records("participants")}
    ids = stored(store)
    assert len(ids) == len(set(ids)) and set(ids) == expected


def test_stop_finishes_the_current_page_and_the_next_run_resumes(fake: FakeZoom, clock: FakeClock) -> None:
    store = LogStore.memory()
    holder: dict[str, Collector] = {}

    def on_progress(p: StreamProgress) -> None:
        if p.pages >= 3:
            holder["c"].stop()

    holder["c"] = collector(store, clock, on_progress=on_progress)
    report = holder["c"].run(zoom(fake, clock).log_streams())
    assert {p.state for p in report.streams} == {"stopped"}
    assert 0 < store.count() < len(expected_ids(fake))
    collector(store, clock).run(zoom(fake, clock).log_streams())
    assert_exact(store, fake)


# -- retention and redaction ---------------------------------------------------------------------------------


def test_a_checkpoint_older_than_zoom_keeps_is_reported_as_a_gap(fake: FakeZoom, clock: FakeClock) -> None:
    store = LogStore.memory()
    collector(store, clock).run(zoom(fake, clock).log_streams())
    clock.advance(200 * 86400)
    report = collector(store, clock).run(zoom(fake, clock).log_streams())
    assert report.ok
    assert any("retention" in note for p in report.streams for note in p.notes)
    gaps = [s for s in status(store) if s.gaps]
    assert {s.key.stream for s in gaps} == {"signins", "operations", "participants"}


def test_a_window_left_unfinished_past_the_retention_is_read_from_the_floor(clock: FakeClock) -> None:
    # The first run backfills from six months back and stops inside that oldest window (the Heavy daily
    # cap); the next run is days later, when the window begins before what Zoom still serves.
    fake = FakeZoom(clock=clock)
    fake.add_user("owner@district.example", first_name="Olive", last_name="Owner")
    fake.generate_log_traffic(signins=6000, start=START - timedelta(days=182), end=START - timedelta(hours=1))
    seen = []

    def daily_cap_on_the_second_page(request: httpx.Request, n: int) -> None:
        if request.url.path.endswith("/report/activities"):
            seen.append(n)
            if len(seen) == 2:
                fake.rate_limit_next("daily", path="/report/activities")

    store = LogStore.memory()
    key = StreamKey(TENANT, "zoom", "signins")

    def signins(transport: httpx.BaseTransport | None = None) -> list[Any]:
        return [s for s in zoom(fake, clock, transport).log_streams() if s.name == "signins"]

    first = collector(store, clock).run(signins(Hooked(fake, daily_cap_on_the_second_page)))
    assert not first.ok
    left = store.checkpoint(key).window
    assert left is not None and left.start < START - timedelta(days=175)
    clock.advance(3 * 86400)  # a weekend before the next scheduled run
    report = collector(store, clock).run(signins())
    assert report.ok, report.summary()
    assert any("past zoom's retention" in note for p in report.streams for note in p.notes)
    assert store.checkpoint(key).window is None
    assert [g.reason for g in store.gaps() if g.key == key] == ["unfinished window past the vendor's retention"]
    floor = signins()[0].earliest(clock.now())
    served = {signin_event(r, TENANT)["id"] for r in fake.log_records("signins")
              if datetime.fromisoformat(r["time"].replace("Z", "+00:00")) >= floor + timedelta(days=1)}
    ids = stored(store)
    assert len(ids) == len(set(ids)) and served <= set(ids)
    assert collector(store, clock).run(signins()).ok  # and it stays that way


# -- what Zoom refuses for one meeting or one host is a gap, not a stream that fails on every run ----------------

PEOPLE = [{"name": "Ann Lee", "user_email": "ann.lee@district.example"},
          {"name": "Bo Park", "user_email": "bo@x.example"}]


def participant_run(fake: FakeZoom, clock: FakeClock, store: LogStore) -> Any:
    return collector(store, clock).run([s for s in zoom(fake, clock).log_streams() if s.name == "participants"])


def participant_ids(fake: FakeZoom, uuids: set[str]) -> set[str]:
    return {participant_event(x["participant"], TENANT, meeting_context(x["meeting"], x["host_id"]))["id"]
            for x in fake.log_records("participants") if x["meeting"]["uuid"] in uuids}  # fmt: skip


def test_a_meeting_zoom_will_not_show_is_a_gap_and_every_other_meeting_is_collected(clock: FakeClock) -> None:
    fake = FakeZoom(clock=clock)
    fake.add_user("ada@district.example", first_name="Ada", last_name="Adams")
    fake.add_past_meeting("ada@district.example", start=START - timedelta(days=3), participants=PEOPLE, uuid="good1==")
    fake.add_past_meeting("ada@district.example", start=START - timedelta(days=60), participants=PEOPLE,
                          topic="Board meeting", uuid="bad2==")  # fmt: skip
    # zoom-meeting-api.json, GET /past_meetings/{meetingId}/participants: 400, code 300
    fake.fail_next(400, {"code": 300, "message": "Cannot access meeting information."}, times=100, path="bad2")
    store = LogStore.memory()
    key = StreamKey(TENANT, "zoom", "participants")
    report = participant_run(fake, clock, store)
    assert report.ok, report.summary()
    assert set(stored(store)) == participant_ids(fake, {"good1=="})
    (gap,) = [g for g in store.gaps() if g.key == key]
    assert "Board meeting" in gap.reason and "Cannot access meeting information" in gap.reason
    assert gap.start == START - timedelta(days=60)
    (progress,) = report.streams
    assert progress.skipped == 1 and any("Board meeting" in n for n in progress.notes)
    # the next run neither fails nor asks again (the meeting is done) nor records the gap twice
    clock.advance(2 * 86400)
    fake.add_past_meeting("ada@district.example", start=clock.now() - timedelta(hours=5), participants=PEOPLE,
                          uuid="new3==")  # fmt: skip
    report = participant_run(fake, clock, store)
    assert report.ok and set(stored(store)) == participant_ids(fake, {"good1==", "new3=="})
    assert len([g for g in store.gaps() if g.key == key]) == 1


@pytest.mark.parametrize(("status", "code", "message"), [
    (400, 1010, "User does not belong to this account."),
    (404, 1001, "User does not exist: abc."),
])  # fmt: skip
def test_a_meeting_whose_host_is_not_in_the_account_is_a_gap(clock: FakeClock, status: int, code: int,
                                                             message: str) -> None:  # fmt: skip
    fake = FakeZoom(clock=clock)
    fake.add_user("ada@district.example", first_name="Ada", last_name="Adams")
    fake.add_past_meeting("ada@district.example", start=START - timedelta(days=3), participants=PEOPLE, uuid="gone==")
    fake.fail_next(status, {"code": code, "message": message}, times=10, path="gone")
    store = LogStore.memory()
    report = participant_run(fake, clock, store)
    assert report.ok and stored(store) == []
    (gap,) = store.gaps()
    assert message in gap.reason and f"code {code}" in gap.reason


def test_a_token_failure_on_a_webinar_is_not_taken_for_a_missing_scope(clock: FakeClock) -> None:
    fake = FakeZoom(clock=clock)
    fake.add_user("board@district.example", first_name="Board", last_name="Clerk")
    fake.add_past_meeting("board@district.example", start=START - timedelta(days=4), type=5, participants=PEOPLE)
    fake.fail_next(401, {"code": 124, "message": "Invalid access token."}, times=10, path="/past_webinars/")
    store = LogStore.memory()
    report = participant_run(fake, clock, store)
    assert not report.ok and store.gaps() == []  # failed, to be read again next run: not a gap


def test_an_account_level_refusal_still_fails_the_stream(clock: FakeClock) -> None:
    fake = FakeZoom(clock=clock)
    fake.add_user("ada@district.example", first_name="Ada", last_name="Adams")
    fake.add_past_meeting("ada@district.example", start=START - timedelta(days=3), participants=PEOPLE)
    fake.fail_next(400, {"code": 200, "message": "Only available for paid account: fake-account-id"}, times=100,
                   path="/past_meetings/")  # fmt: skip
    store = LogStore.memory()
    report = participant_run(fake, clock, store)
    assert not report.ok and "paid account" in (report.streams[0].error or "")
    assert store.gaps() == []


def test_a_host_deleted_since_is_a_gap_and_the_other_hosts_are_collected(clock: FakeClock) -> None:
    fake = FakeZoom(clock=clock)
    graduate = fake.add_user("grad@district.example", first_name="Gus", last_name="Grad")
    fake.add_user("ada@district.example", first_name="Ada", last_name="Adams")
    kept = fake.add_past_meeting("ada@district.example", start=START - timedelta(days=3), participants=PEOPLE)
    fake.add_past_meeting("grad@district.example", start=START - timedelta(days=2), participants=PEOPLE)
    del fake.users[graduate["id"]]  # offboarded after hosting: /report/users/{id}/meetings answers 404, 1001
    store = LogStore.memory()
    report = participant_run(fake, clock, store)
    assert report.ok, report.summary()
    assert set(stored(store)) == participant_ids(fake, {kept["uuid"]})
    reasons = [g.reason for g in store.gaps()]
    assert reasons and all(graduate["id"] in r and "no longer exists" in r for r in reasons)


def test_webinars_participants_come_from_past_webinars(clock: FakeClock) -> None:
    # /report/users/{userId}/meetings lists "past meetings and webinars"; a webinar's (type 5, 6, 9) attendees
    # are GET /past_webinars/{webinarId}/participants (zoom-meeting-api.json) - /past_meetings answers 3001
    fake = FakeZoom(clock=clock)
    fake.add_user("board@district.example", first_name="Board", last_name="Clerk")
    webinar = fake.add_past_meeting("board@district.example", start=START - timedelta(days=4), type=5,
                                    topic="School board meeting", participants=PEOPLE)  # fmt: skip
    meeting = fake.add_past_meeting("board@district.example", start=START - timedelta(days=3), participants=PEOPLE)
    store = LogStore.memory()
    before = len(fake.requests)
    report = participant_run(fake, clock, store)
    assert report.ok and store.gaps() == []
    assert set(stored(store)) == participant_ids(fake, {webinar["uuid"], meeting["uuid"]})
    paths = [r.url.path for r in fake.requests[before:] if r.url.path.endswith("/participants")]
    assert sorted(p.split("/")[2] for p in paths) == ["past_meetings", "past_webinars"]


def test_without_the_webinar_scope_webinars_are_gaps_and_meetings_are_collected(clock: FakeClock) -> None:
    fake = FakeZoom(clock=clock)
    fake.add_user("board@district.example", first_name="Board", last_name="Clerk")
    fake.add_past_meeting("board@district.example", start=START - timedelta(days=4), type=5,
                          topic="School board meeting", participants=PEOPLE)  # fmt: skip
    meeting = fake.add_past_meeting("board@district.example", start=START - timedelta(days=3), participants=PEOPLE)
    no_scope = "Invalid access token, does not contain scopes:[webinar:read:admin]."
    fake.fail_next(400, {"code": 4711, "message": no_scope}, times=10, path="/past_webinars/")
    store = LogStore.memory()
    report = participant_run(fake, clock, store)
    assert report.ok, report.summary()
    assert set(stored(store)) == participant_ids(fake, {meeting["uuid"]})
    (gap,) = store.gaps()
    assert "School board meeting" in gap.reason and "webinar:read:admin" in gap.reason


def test_a_400_on_a_later_page_that_is_not_about_the_page_token_does_not_restart_the_window(
    fake: FakeZoom, clock: FakeClock
) -> None:
    def refuse_the_second_page(request: httpx.Request, n: int) -> None:
        if request.url.path.endswith("/report/activities") and request.url.params.get("next_page_token"):
            # the window's start slid out of the six months while it was being paged
            fake.fail_next(400, {"code": 300, "message": "Only provide report in recent 6 months"},
                           path="/report/activities")  # fmt: skip

    store = LogStore.memory()
    streams = [s for s in zoom(fake, clock, Hooked(fake, refuse_the_second_page)).log_streams() if s.name == "signins"]
    report = collector(store, clock).run(streams)
    (progress,) = report.streams
    assert progress.state == "failed" and "recent 6 months" in (progress.error or "")
    assert progress.restarts == 0  # was: taken for an expired page token, the window read again 6 times


def test_redaction_at_collection_hashes_people_but_keeps_ids_and_domains(fake: FakeZoom, clock: FakeClock) -> None:
    store = LogStore.memory()
    report = collector(store, clock, redact="ip,email").run(zoom(fake, clock).log_streams())
    assert report.ok
    assert_exact(store, fake)  # ids come from the vendor's identifiers before redaction
    events = list(read(store))
    signins = [e for e in events if e.stream == "signins"]
    one = signins[0]
    assert one.actor is not None and one.actor.email is not None and one.actor.ip is not None
    assert one.actor.email.startswith("h-") and one.actor.email.endswith("@bulk-usd.example")
    assert one.actor.ip.startswith("ip-")
    assert one.raw["email"] == one.actor.email and one.raw["ip_address"] == one.actor.ip
    assert one.redacted == ["email", "ip"]
    ops = [e for e in events if e.stream == "operations" and e.action == "role.change"]
    assert ops
    assert all(e.target and e.target.email and e.target.email.startswith("h-") for e in ops)
    assert all("h-" in e.raw["operation_detail"] and "h-" in (e.detail or "") for e in ops)
    people = [e for e in events if e.stream == "participants" and e.actor and e.actor.email]
    assert people and all(e.actor and e.actor.email and e.actor.email.startswith("h-") for e in people)
    # one address, one hash everywhere (a salt per tenant, kept in the store): hosts found among participants
    hosts = {e.meeting.host_email for e in people if e.meeting}
    assert hosts and hosts <= {e.actor.email for e in people if e.actor}
