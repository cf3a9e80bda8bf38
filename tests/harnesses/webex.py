"""Webex in the shared conformance suite: the sandbox site, one class meeting within Webex's rules."""

from __future__ import annotations

from datetime import timedelta

from confkit.models import MeetingCreate, MeetingSecurity, MeetingUpdate, WaitingRoom
from confkit.recurrence import Recurrence
from confkit.sandbox import District
from confkit.testing.webex import SANDBOX
from tests.harnesses import Harness


def meeting(district: District) -> MeetingCreate:
    # Webex has no per-meeting "everyone waits" and no per-meeting sign-in rule for regular meetings:
    # the lobby for people not on the invite (OUTSIDERS) is the per-meeting control (capabilities.py).
    start = district.meetings[0].start + timedelta(days=7)
    return MeetingCreate(
        topic="Conformance - Chemistry",
        start_time=start,
        duration_minutes=45,
        timezone="America/Chicago",
        recurrence=Recurrence.parse("FREQ=WEEKLY;BYDAY=MO,WE;COUNT=8"),
        security=MeetingSecurity(
            passcode_required=True, waiting_room=WaitingRoom.OUTSIDERS, join_before_host=False, mute_on_entry=True
        ),
    )


HARNESS = Harness(
    name="webex",
    platform=SANDBOX,
    meeting=meeting,
    update=MeetingUpdate(
        topic="Conformance - Chemistry (moved)",
        security=MeetingSecurity(waiting_room=WaitingRoom.OFF, mute_on_entry=False),
    ),
    user_page_size=100,
)
