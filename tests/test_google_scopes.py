"""The one table of calls, impersonated users and scopes - in code, in the docs, and on the wire."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import httpx

from confkit.http import FakeClock
from confkit.models import MeetingCreate, MeetingSecurity, MeetingUpdate, UserCreate, WaitingRoom
from confkit.providers.google import ALL_SCOPES, CALLS, GoogleProvider
from confkit.providers.google.scopes import AUTH_PREFIX
from confkit.sandbox import build_district
from confkit.testing.google import SANDBOX, FakeGoogle, method_spec

DOC = Path(__file__).resolve().parents[1] / "docs" / "providers" / "google.md"
ROW = re.compile(r"^\| `([a-zA-Z.]+)` \| (admin|organiser) \| `([^`]+)` \| (.+) \|$")


def test_every_call_asks_only_for_scopes_its_discovery_method_accepts() -> None:
    for method_id, call in CALLS.items():
        _, method = method_spec(method_id)
        assert set(call.scope_urls) <= set(method["scopes"]), method_id
        assert len(call.scopes) == 1, f"{method_id}: one scope per call"
    assert set(ALL_SCOPES) == {AUTH_PREFIX + s for c in CALLS.values() for s in c.scopes}


def test_read_calls_use_read_only_scopes_where_one_exists() -> None:
    for method_id, call in CALLS.items():
        _, method = method_spec(method_id)
        if method["httpMethod"] == "GET":
            readonly = [s for s in method["scopes"] if s.endswith(".readonly") or s.endswith(".settings")]
            if readonly:
                assert set(call.scope_urls) & set(readonly), method_id


def test_the_docs_table_is_the_code_table() -> None:
    rows = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        found = ROW.match(line)
        if found:
            method_id, who, scope, purpose = found.groups()
            rows[method_id] = ("organizer" if who == "organiser" else who, (scope,), purpose)
    assert rows == {k: (c.subject, c.scopes, c.purpose) for k, c in CALLS.items()}


def test_on_the_wire_each_call_carries_its_table_scope_and_user() -> None:
    clock = FakeClock(datetime(2026, 1, 5, 12, tzinfo=UTC))
    fake: FakeGoogle = SANDBOX.make_fake(clock)  # type: ignore[assignment]
    district = build_district(now=clock.now())
    SANDBOX.seed(fake, district)
    google = GoogleProvider.from_settings(dict(SANDBOX.settings), client=httpx.Client(transport=fake), clock=clock)
    host = district.teachers[1].email
    meeting = google.create_meeting(
        host,
        MeetingCreate(
            topic="t",
            start_time=datetime(2026, 2, 2, 15, tzinfo=UTC),
            security=MeetingSecurity(waiting_room=WaitingRoom.EVERYONE),
        ),
    )
    google.update_meeting(meeting.id, MeetingUpdate(topic="u"))
    list(google.list_meetings(host))
    google.create_meeting(host, MeetingCreate(topic="space"))
    created = google.create_user(UserCreate(email="x1@students.lincoln-usd.example", first_name="X", last_name="Y"))
    google.set_user_status(created.email, active=False)
    google.get_account_settings()
    next(google.iter_user_pages(page_size=10))
    next(google.iter_meet_audit_pages())
    google.delete_meeting(meeting.id)
    seen = set()
    for request in fake.requests:
        matched = fake.match(request)
        if matched is None or "method_id" not in matched[0].meta:
            continue
        method_id = matched[0].meta["method_id"]
        grant = fake.grant_of(request)
        assert grant is not None
        subject, scopes = grant
        call = CALLS[method_id]
        assert scopes == frozenset(call.scope_urls), method_id
        assert subject == (SANDBOX.settings["admin_email"] if call.subject == "admin" else host), method_id
        seen.add(method_id)
    assert seen == set(CALLS) - {"meet.spaces.endActiveConference", "directory.users.get"}
