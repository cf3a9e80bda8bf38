"""Google Meet in the shared conformance suite: the sandbox domain on FakeGoogle."""

from __future__ import annotations

from datetime import timedelta

from confkit import registry
from confkit.models import AutoRecording, MeetingCreate, MeetingSecurity, MeetingUpdate, ScreenSharing, WaitingRoom
from confkit.providers.google import GoogleProvider
from confkit.recurrence import Recurrence
from confkit.sandbox import District
from confkit.testing.google import SANDBOX
from tests.harnesses import Harness

# pyproject.toml declares the entry point; registering here keeps the suite working in an
# environment whose installed metadata predates it (``pip install -e .`` refreshes it).
registry.register("google", GoogleProvider)


def meeting(district: District) -> MeetingCreate:
    """A recurring class within Meet's limits: knocking for everyone, nothing captured automatically
    (Meet has no passcode, join-before-host or mute-on-entry setting: those stay unset)."""
    start = district.meetings[0].start + timedelta(days=7)
    return MeetingCreate(
        topic="Conformance - Chemistry",
        start_time=start,
        duration_minutes=45,
        timezone="America/Chicago",
        recurrence=Recurrence.parse("FREQ=WEEKLY;BYDAY=MO,WE;COUNT=8"),
        security=MeetingSecurity(waiting_room=WaitingRoom.EVERYONE, auto_recording=AutoRecording.NONE),
    )


HARNESS = Harness(
    name="google",
    platform=SANDBOX,
    meeting=meeting,
    update=MeetingUpdate(
        topic="Conformance - Chemistry (moved)",
        security=MeetingSecurity(waiting_room=WaitingRoom.OUTSIDERS, screen_sharing=ScreenSharing.HOST_ONLY),
    ),
    user_page_size=100,
)
