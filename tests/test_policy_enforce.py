"""Enforcement under limits and failures: per-host daily budgets, daily 429s, resumable runs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from confkit.http import FakeClock
from confkit.policy import SecurityPolicy
from confkit.policy.engine import apply, audit, plan, resume, rollback
from confkit.provider import Provider
from confkit.registry import connect
from confkit.store import EnforceStore, Store
from confkit.testing.zoom import FakeZoom

MUTE_ONLY = SecurityPolicy.model_validate({"name": "mute", "controls": {"mute_on_entry": {"required": True}}})


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def make(clock: FakeClock, meetings: dict[str, int], *, passcodes: bool = True) -> tuple[FakeZoom, Provider]:
    """A FakeZoom whose hosts (email -> count) have that many upcoming meetings without mute on entry."""
    fake = FakeZoom(clock=clock)
    fake.add_user("owner@district.example", first_name="IT", last_name="Owner")
    start = clock.now() + timedelta(days=1)
    for email, count in meetings.items():
        fake.add_user(email, first_name=email.split("@")[0], last_name="Teacher")
        for n in range(count):
            body: dict[str, Any] = {
                "topic": f"Class {n:03d}",
                "type": 2,
                "duration": 45,
                "timezone": "UTC",
                "start_time": (start + timedelta(hours=n)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "settings": {"mute_upon_entry": False, "waiting_room": True},
            }
            if not passcodes:
                body["password"] = ""
            fake.add_meeting(email, body)
    provider = connect(
        "zoom",
        {"account_id": "fake-account-id", "client_id": "fake-client-id", "client_secret": "fake-client-secret"},
        client=httpx.Client(transport=fake),
        clock=clock,
    )
    return fake, provider


@pytest.fixture
def runs() -> Iterator[EnforceStore]:
    store = Store(":memory:")
    yield EnforceStore(store)
    store.close()


def test_per_host_daily_limit_is_planned_around_and_deferred_items_resume_next_day(
    clock: FakeClock, runs: EnforceStore
) -> None:
    fake, zoom = make(clock, {"busy@district.example": 105, "calm@district.example": 3})
    busy = fake._find_user("busy@district.example")["id"]  # type: ignore[index]
    planned = plan(zoom, MUTE_ONLY, store=runs, clock=clock)
    assert len(planned.planned) == 100 + 3
    assert len(planned.deferred) == 5
    midnight = (clock.now() + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    for change in planned.deferred:
        assert change.resource.host_id == busy
        assert change.not_before == midnight
        assert change.reason and "100 meeting creates/updates per host per day" in change.reason

    result = apply(planned, zoom, store=runs, clock=clock)
    assert result.counts == {"applied": 103, "deferred": 5}
    assert result.status == "partial"
    assert len(audit(zoom, MUTE_ONLY).violations) == 5  # reported, never dropped

    # the same day: nothing more may be written for that host, even by a new run
    again = plan(zoom, MUTE_ONLY, store=runs, clock=clock)
    assert len(again.deferred) == 5 and not again.planned
    early = resume(result.run_id, zoom, store=runs, clock=clock)
    assert early.counts == {"applied": 103, "deferred": 5}

    clock.advance((midnight - clock.now()).total_seconds() + 60)
    later = resume(result.run_id, zoom, store=runs, clock=clock)
    assert later.status == "completed"
    assert later.counts == {"applied": 108}
    assert audit(zoom, MUTE_ONLY).violations == []


def test_daily_429_mid_run_defers_the_rest_of_that_host(clock: FakeClock, runs: EnforceStore) -> None:
    fake, zoom = make(clock, {"ann@district.example": 4, "bob@district.example": 4})
    ann = fake._find_user("ann@district.example")["id"]  # type: ignore[index]
    planned = plan(zoom, MUTE_ONLY, store=runs, clock=clock)
    first_host = planned.changes[0].resource.host_id
    fake.rate_limit_next("host_daily", path="/meetings/")  # the first PATCH is refused: host limit reached
    result = apply(planned, zoom, store=runs, clock=clock, workers=1)
    by_status: dict[str, set[str | None]] = {}
    hosts = {c.resource.id: c.resource.host_id for c in planned.changes}
    for item in result.items:
        by_status.setdefault(item.status, set()).add(hosts[item.resource_id])
    assert by_status == {"deferred": {first_host}, "applied": {h for h in hosts.values() if h != first_host}}
    assert result.counts == {"deferred": 4, "applied": 4}
    deferred = [i for i in result.items if i.status == "deferred"]
    assert all(i.not_before and i.not_before.startswith("2026-01-06T00:00:00") for i in deferred)
    assert first_host in {ann, fake._find_user("bob@district.example")["id"]}  # type: ignore[index]
    assert result.status == "partial"


def test_a_failure_half_way_leaves_a_resumable_run(clock: FakeClock, runs: EnforceStore) -> None:
    fake, zoom = make(clock, {"ann@district.example": 5, "bob@district.example": 5})
    before = fake.snapshot()
    planned = plan(zoom, MUTE_ONLY, store=runs, clock=clock)
    sixth = planned.changes[5].resource.id
    fake.server_error_next(503, times=5, path=f"/meetings/{sixth}")  # every retry of that write fails
    result = apply(planned, zoom, store=runs, clock=clock, workers=1)
    assert result.status == "interrupted"
    assert result.counts == {"applied": 5, "failed": 1, "planned": 4}
    failed = next(i for i in result.items if i.status == "failed")
    assert failed.resource_id == sixth and failed.error and "HTTP 503" in failed.error
    assert len(audit(zoom, MUTE_ONLY).violations) == 5

    resumed = resume(result.run_id, zoom, store=runs, clock=clock)
    assert resumed.status == "completed"
    assert resumed.counts == {"applied": 10}
    assert audit(zoom, MUTE_ONLY).violations == []

    rollback(result.run_id, zoom, store=runs, clock=clock)
    assert fake.snapshot() == before


def test_a_lost_answer_is_resolved_on_resume_and_still_rolled_back(clock: FakeClock, runs: EnforceStore) -> None:
    fake, zoom = make(clock, {"ann@district.example": 3})
    before = fake.snapshot()
    planned = plan(zoom, MUTE_ONLY, store=runs, clock=clock)
    target = planned.changes[1].resource.id
    # the server applies the PATCH but the connection drops before the answer, on every retry
    fake.reset_connection_next(times=5, path=f"/meetings/{target}", during="read")
    result = apply(planned, zoom, store=runs, clock=clock, workers=1)
    assert result.status == "interrupted"
    assert [i.status for i in result.items] == ["applied", "failed", "planned"]
    assert fake.meetings[int(target)]["settings"]["mute_upon_entry"] is True  # it did land

    resumed = resume(result.run_id, zoom, store=runs, clock=clock)
    assert [i.status for i in resumed.items] == ["applied", "applied", "applied"]
    rollback(result.run_id, zoom, store=runs, clock=clock)
    assert fake.snapshot() == before


def test_an_item_error_does_not_stop_the_others(clock: FakeClock, runs: EnforceStore) -> None:
    fake, zoom = make(clock, {"ann@district.example": 4})
    planned = plan(zoom, MUTE_ONLY, store=runs, clock=clock)
    fake.fail_next(
        404,
        {"code": 3001, "message": "Meeting is not found or has expired."},
        path=f"/meetings/{planned.changes[0].resource.id}",
    )
    result = apply(planned, zoom, store=runs, clock=clock, workers=1)
    assert result.counts == {"failed": 1, "applied": 3}
    assert result.status == "partial"


def test_rollback_of_account_locks_comes_before_meetings(clock: FakeClock, runs: EnforceStore) -> None:
    """Zoom refuses to drop a passcode while the account locks passcodes: the account goes back first."""
    fake, zoom = make(clock, {"ann@district.example": 2}, passcodes=False)
    assert not any(m.get("password") for m in fake.meetings.values())
    policy = SecurityPolicy.model_validate(
        {"name": "p", "controls": {"passcode_required": {"required": True, "lock": True}}}
    )
    fake.account_settings["meeting_security"]["meeting_password"] = False
    before = fake.snapshot()
    result = apply(plan(zoom, policy, store=runs, clock=clock), zoom, store=runs, clock=clock)
    assert result.counts == {"applied": 3}
    assert fake.lock_settings["meeting_security"]["meeting_password"] is True
    assert all(m.get("password") for m in fake.meetings.values())
    rollback(result.run_id, zoom, store=runs, clock=clock)
    assert fake.snapshot() == before
