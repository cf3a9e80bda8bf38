"""The sandbox district: an in-process fake district on every platform confkit has a fake for.

``confkit demo`` and every ``--sandbox`` command run against it; tests use it too. The district is
the same on every platform, generated deterministically from a seed:

* a staff domain and a student domain, ~20 teachers, ~200 students, two admins;
* each teacher hosts a few upcoming classes; some break the district's security defaults on
  purpose (no passcode, no waiting room, join before host, no mute on entry) so an audit has
  something to find. :attr:`District.violations` lists them.

Each provider's fake module exposes ``SANDBOX: SandboxPlatform`` (how to build its fake, seed it
and connect to it); platforms whose fake is not installed are simply absent.
"""

from __future__ import annotations

import importlib
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import httpx

from confkit.http.clock import Clock, SystemClock
from confkit.models import AutoRecording, MeetingSecurity, WaitingRoom
from confkit.provider import Provider
from confkit.recurrence import Frequency, Recurrence

Role = Literal["teacher", "student", "admin"]

FIRST = [
    "Ada",
    "Ben",
    "Cleo",
    "Dev",
    "Eli",
    "Fay",
    "Gus",
    "Hana",
    "Ivan",
    "Jo",
    "Kai",
    "Lena",
    "Milo",
    "Nia",
    "Omar",
    "Pia",
    "Quin",
    "Rosa",
    "Sam",
    "Tara",
    "Uma",
    "Vic",
    "Wes",
    "Xena",
    "Yara",
    "Zed",
]
LAST = [
    "Adams",
    "Baker",
    "Chen",
    "Diaz",
    "Evans",
    "Fox",
    "Garcia",
    "Hill",
    "Ito",
    "Jones",
    "Khan",
    "Lopez",
    "Moore",
    "Nguyen",
    "Ortiz",
    "Patel",
    "Reyes",
    "Smith",
    "Tran",
    "Usman",
    "Vega",
    "White",
    "Young",
    "Zhou",
]
SUBJECTS = [
    "Algebra I",
    "Biology",
    "World History",
    "English 9",
    "Chemistry",
    "Geometry",
    "Spanish II",
    "Physics",
    "Art",
    "Music",
    "Civics",
    "Computer Science",
]

#: The district's security defaults: what the sandbox classes *should* have.
COMPLIANT = MeetingSecurity(
    passcode_required=True,
    waiting_room=WaitingRoom.EVERYONE,
    join_before_host=False,
    mute_on_entry=True,
    auto_recording=AutoRecording.NONE,
)


@dataclass(frozen=True)
class Person:
    email: str
    first_name: str
    last_name: str
    role: Role


@dataclass(frozen=True)
class ClassMeeting:
    host_email: str
    topic: str
    start: datetime
    duration_minutes: int
    recurrence: Recurrence | None
    security: MeetingSecurity
    violations: tuple[str, ...] = ()


@dataclass
class District:
    name: str
    staff_domain: str
    student_domain: str
    people: list[Person]
    meetings: list[ClassMeeting]

    @property
    def teachers(self) -> list[Person]:
        return [p for p in self.people if p.role == "teacher"]

    @property
    def students(self) -> list[Person]:
        return [p for p in self.people if p.role == "student"]

    @property
    def admins(self) -> list[Person]:
        return [p for p in self.people if p.role == "admin"]

    @property
    def violations(self) -> list[tuple[ClassMeeting, str]]:
        return [(m, v) for m in self.meetings for v in m.violations]


def build_district(*, seed: int = 7, teachers: int = 20, students: int = 200, now: datetime | None = None) -> District:
    """A deterministic district. Meetings start from the next weekday after ``now``."""
    rng = random.Random(seed)
    now = (now or datetime.now(UTC)).astimezone(UTC)
    staff, pupils = "staff.lincoln-usd.example", "students.lincoln-usd.example"
    people: list[Person] = []
    used: set[str] = set()

    def person(domain: str, role: Role) -> Person:
        while True:
            first, last = rng.choice(FIRST), rng.choice(LAST)
            local = f"{first}.{last}".lower() if role != "student" else f"{first[0]}{last}{rng.randint(10, 99)}".lower()
            email = f"{local}@{domain}"
            if email not in used:
                used.add(email)
                return Person(email, first, last, role)

    people += [Person(f"it.admin@{staff}", "IT", "Admin", "admin"), Person(f"security@{staff}", "Info", "Sec", "admin")]
    people += [person(staff, "teacher") for _ in range(teachers)]
    people += [person(pupils, "student") for _ in range(students)]

    first_day = (now + timedelta(days=1)).replace(hour=14, minute=0, second=0, microsecond=0)
    while first_day.weekday() >= 5:
        first_day += timedelta(days=1)
    meetings: list[ClassMeeting] = []
    breakers: list[tuple[str, Callable[[MeetingSecurity], MeetingSecurity]]] = [
        ("passcode_required", lambda s: s.model_copy(update={"passcode_required": False})),
        ("waiting_room", lambda s: s.model_copy(update={"waiting_room": WaitingRoom.OFF})),
        (
            "join_before_host",
            lambda s: s.model_copy(update={"join_before_host": True, "waiting_room": WaitingRoom.OFF}),
        ),
        ("mute_on_entry", lambda s: s.model_copy(update={"mute_on_entry": False})),
    ]
    teacher_list = [p for p in people if p.role == "teacher"]
    for i, teacher in enumerate(teacher_list):
        for period in range(2):
            subject = SUBJECTS[(i + period) % len(SUBJECTS)]
            start = first_day + timedelta(hours=period, days=(i % 3))
            recurring = period == 0
            recurrence = (
                Recurrence(freq=Frequency.WEEKLY, by_day=(start.strftime("%a")[:2].upper(),), count=12)
                if recurring
                else None
            )
            security = COMPLIANT
            violations: tuple[str, ...] = ()
            # Every third teacher breaks one default in their second class.
            if period == 1 and i % 3 == 0:
                name, breaker = breakers[(i // 3) % len(breakers)]
                security = breaker(COMPLIANT)
                violations = (name,) + (("waiting_room",) if name == "join_before_host" else ())
            meetings.append(
                ClassMeeting(
                    host_email=teacher.email,
                    topic=f"{subject} - P{period + 1}",
                    start=start,
                    duration_minutes=50,
                    recurrence=recurrence,
                    security=security,
                    violations=violations,
                )
            )
    return District("Lincoln Unified (sandbox)", staff, pupils, people, meetings)


@dataclass(frozen=True)
class SandboxPlatform:
    """How one provider joins the sandbox: build its fake, seed the district, connect to it."""

    name: str
    make_fake: Callable[[Clock], httpx.BaseTransport]
    seed: Callable[[Any, District], None]
    settings: dict[str, Any]


SANDBOX_MODULES = {
    "zoom": "confkit.testing.zoom",
    "webex": "confkit.testing.webex",
    "google": "confkit.testing.google",
}


def platforms() -> dict[str, SandboxPlatform]:
    """The platforms whose fakes are installed, in a stable order."""
    found: dict[str, SandboxPlatform] = {}
    for name, module in SANDBOX_MODULES.items():
        try:
            mod = importlib.import_module(module)
        except ImportError:
            continue
        spec = getattr(mod, "SANDBOX", None)
        if isinstance(spec, SandboxPlatform):
            found[name] = spec
    return found


@dataclass
class Sandbox:
    """A seeded fake district on every available platform."""

    district: District
    clock: Clock = field(default_factory=SystemClock)
    fakes: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def create(cls, *, seed: int = 7, clock: Clock | None = None, only: list[str] | None = None) -> Sandbox:
        clock = clock or SystemClock()
        sandbox = cls(build_district(seed=seed, now=clock.now()), clock)
        for name, spec in platforms().items():
            if only and name not in only:
                continue
            fake = spec.make_fake(clock)
            spec.seed(fake, sandbox.district)
            sandbox.fakes[name] = fake
        return sandbox

    @property
    def providers(self) -> list[str]:
        return list(self.fakes)

    def connect(self, name: str) -> Provider:
        from confkit.errors import ConfigurationError
        from confkit.registry import provider_class

        if name not in self.fakes:
            raise ConfigurationError(f"the sandbox has no {name!r} platform; it has: {', '.join(self.fakes) or 'none'}")
        spec = platforms()[name]
        client = httpx.Client(transport=self.fakes[name])
        return provider_class(name).from_settings(dict(spec.settings), client=client, clock=self.clock)

    def connect_all(self) -> Iterator[Provider]:
        for name in self.fakes:
            yield self.connect(name)


__all__ = [
    "COMPLIANT",
    "ClassMeeting",
    "District",
    "Person",
    "Sandbox",
    "SandboxPlatform",
    "build_district",
    "platforms",
]
