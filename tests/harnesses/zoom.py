from __future__ import annotations

from datetime import timedelta

from confkit.models import MeetingCreate, MeetingSecurity, MeetingUpdate, WaitingRoom
from confkit.recurrence import Recurrence
from confkit.sandbox import District
from confkit.testing.zoom import SANDBOX
from tests.harnesses import Harness


def meeting(district: District) -> MeetingCreate:
    start = district.meetings[0].start + timedelta(days=7)
    return MeetingCreate(
        topic="Conformance - Chemistry",
        start_time=start,
        duration_minutes=45,
        timezone="America/Chicago",
        recurrence=Recurrence.parse("FREQ=WEEKLY;BYDAY=MO,WE;COUNT=8"),
        security=MeetingSecurity(
            passcode_required=True,
            waiting_room=WaitingRoom.EVERYONE,
            join_before_host=False,
            mute_on_entry=True,
            authenticated_only=True,
        ),
    )


HARNESS = Harness(
    name="zoom",
    platform=SANDBOX,
    meeting=meeting,
    update=MeetingUpdate(
        topic="Conformance - Chemistry (moved)",
        security=MeetingSecurity(waiting_room=WaitingRoom.OFF, mute_on_entry=False),
    ),
    user_page_size=100,
)
