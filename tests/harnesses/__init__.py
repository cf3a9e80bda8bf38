"""Per-provider test harnesses for the shared conformance suite.

Each module in this package (zoom.py, webex.py, google.py ...) defines ``HARNESS: Harness``. The
conformance suite runs every harness it finds, so a provider joins the suite by adding one file.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from confkit.http.clock import Clock, FakeClock
from confkit.models import MeetingCreate, MeetingUpdate
from confkit.provider import Provider
from confkit.sandbox import District, SandboxPlatform, build_district


@dataclass
class Harness:
    """How the conformance suite drives one provider against its fake.

    ``platform`` is the provider's sandbox entry (fake factory, seeding, settings). ``host`` picks
    the host (id or email) for meeting tests from the seeded district. ``meeting`` and ``update``
    are a create and an update within the platform's limits (with recurrence and security).
    """

    name: str
    platform: SandboxPlatform
    meeting: Callable[[District], MeetingCreate]
    update: MeetingUpdate
    host: Callable[[District], str] = field(default=lambda d: d.teachers[0].email)
    user_page_size: int = 50

    def build(self, clock: Clock | None = None) -> tuple[Any, Provider, District, Clock]:
        clock = clock or FakeClock()
        district = build_district(now=clock.now())
        fake = self.platform.make_fake(clock)
        self.platform.seed(fake, district)
        client = httpx.Client(transport=fake)
        from confkit.registry import provider_class

        provider = provider_class(self.name).from_settings(dict(self.platform.settings), client=client, clock=clock)
        return fake, provider, district, clock


def all_harnesses() -> list[Harness]:
    found: list[Harness] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        harness = getattr(module, "HARNESS", None)
        if isinstance(harness, Harness):
            found.append(harness)
    return found
