"""Bench: audit 10,000 meetings across the sandbox platforms at once, against the floor their rate limits allow.

    .venv/bin/python bench/bench_audit.py                     # 10,000 meetings: zoom 6,000, webex 2,000, google 2,000
    .venv/bin/python bench/bench_audit.py --zoom-5000-hosts   # Zoom only: 10,000 meetings, 2 per host (5,000 hosts)
    .venv/bin/python bench/bench_audit.py --split zoom=10000  # Zoom only: 10,000 meetings, 10 per host
    .venv/bin/python bench/bench_audit.py --split zoom=600,webex=200,google=200   # a quick look (about 25 s)

Each platform of ``--split`` gets its own fake, seeded with that many upcoming classes (``--per-teacher``
10 by default, half of them weekly series, one in nine breaking the waiting-room default). Then one
``confkit.policy.audit`` call audits all of them on the real clock, providers concurrently as the engine
always does (one scan thread per provider, each with its own listing and reading pools).

Rate limits, per platform (printed with every run):

* zoom: FakeZoom enforces its plan's documented per-second limits (``enforce_rate_limits=True``,
  Business plan: Light 80/s, Medium 60/s, in one-second windows), answering 429 with ``Retry-After``.
* webex: Webex documents no numeric rate limit, and FakeWebex enforces none. The client's own buckets
  (``default`` 10/s, ``people`` 5/s, confkit's choice) are the floor's rates.
* google: FakeGoogle enforces no quota. The floor uses the client's buckets: Meet's documented
  6,000/min reads, and Calendar (600/min), Directory and Cloud Identity rates that are confkit's
  assumptions (notes/google.md [U]); the Calendar bucket sets Google's floor.

The sandbox's Webex settings relax its client buckets to 1,000/s (tests need speed); this bench drops
that override so the client paces at its defaults. Where a fake does not enforce, the bench checks the
pace itself: "peak" is the most requests the client released in any sliding window of the limit's
length (1 s; 60 s for Google's per-minute quotas), to compare with the limit.

The floor: each rate-limit bucket ``b`` must serve ``n_b`` requests at ``r_b`` per second with at most
``burst_b`` at once, so it needs at least ``(n_b - burst_b) / r_b`` seconds. ``n_b`` counts the requests
the audit needs (a request retried after a 429 once); ``r_b`` and ``burst_b`` are the client's table
(documented where the vendor documents a number). Buckets are independent, so a provider's floor is its
slowest bucket; providers run in parallel, so the overall floor is the largest provider floor. The
ratio wall / floor is the figure of merit (target <= 1.2), per provider (its own scan's wall time) and
overall (the whole ``audit`` call).

Choosing a shape (hosts = meetings / ``--per-teacher``; Zoom Business plan): zoom needs one Light read
per meeting (its list has no settings) at 80/s and one Medium list per host at 60/s, so its floor is
about ``max(meetings / 80, hosts / 60)`` s; webex reads everything from one list per host (``default``,
10/s, burst 20) plus one people page per 100 users (``people``, 5/s): about ``hosts / 10`` s; google
needs one ``events.list`` per host and one ``events.get`` per meeting in the Calendar bucket (10/s):
about ``(meetings + hosts) / 10`` s. The overall floor is the largest of these. The default split puts
Google's at about 3.7 minutes (zoom 75 s, webex 19 s) and the whole run, seeding included, at about
4 minutes on a 2-core machine. Google is the slow platform: 10,000 Google meetings alone would take
about 18 minutes, Zoom's 10,000-meeting shapes take about 2.

Mind the fakes' own CPU: they run in this process (``--serve`` moves Zoom's into a child process behind
loopback HTTP), on the same cores as confkit.
"""

from __future__ import annotations

import argparse
import bisect
import multiprocessing
import os
import platform
import resource
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from confkit.http.clock import SystemClock
from confkit.http.core import HttpCore
from confkit.http.ratelimit import Rate, RateLimiter
from confkit.models import MeetingSecurity, WaitingRoom
from confkit.policy import builtin_policy, engine
from confkit.policy.engine import audit
from confkit.policy.plugin import provider_policy
from confkit.policy.sandbox import sandbox_policy
from confkit.provider import Provider
from confkit.recurrence import Frequency, Recurrence
from confkit.registry import provider_class
from confkit.sandbox import COMPLIANT, ClassMeeting, District, Person, build_district, platforms

SUBJECTS = ["Algebra I", "Biology", "World History", "English 9", "Chemistry", "Geometry", "Physics", "Art"]
DEFAULT_SPLIT = "zoom=6000,webex=2000,google=2000"
TARGET = 1.2

#: What each platform documents and what its fake enforces (the bench prints it with the figures).
LIMITS_NOTE = {
    "zoom": "documented per-second limits of the plan, enforced by FakeZoom (429 + Retry-After)",
    "webex": "Webex documents no numeric limit and FakeWebex enforces none: floor = confkit's own client buckets",
    "google": "FakeGoogle enforces no quota: floor = client buckets (Meet documented; Calendar, Directory, "
    "Cloud Identity assumed [U])",
}
#: The length of the window each platform's limits are stated in (Zoom, Webex per second; Google per minute).
LIMIT_WINDOW = {"zoom": 1.0, "webex": 1.0, "google": 60.0}


def big_district(meetings: int, *, per_teacher: int = 10, now: datetime | None = None) -> District:
    now = now or datetime.now(UTC)
    base = build_district(teachers=0, students=0, now=now)  # the sandbox's domains and admins
    staff, pupils = base.staff_domain, base.student_domain
    teachers = max(1, -(-meetings // per_teacher))
    people = list(base.admins)
    people += [Person(f"teacher{i:05d}@{staff}", "T", f"{i:05d}", "teacher") for i in range(teachers)]
    first = (now + timedelta(days=1)).replace(hour=14, minute=0, second=0, microsecond=0)
    while first.weekday() >= 5:
        first += timedelta(days=1)
    classes: list[ClassMeeting] = []
    for n in range(meetings):
        teacher = people[len(base.admins) + n // per_teacher]
        start = first + timedelta(days=n % 5, hours=n % per_teacher)
        weekly = n % 2 == 0
        recurrence = (
            Recurrence(freq=Frequency.WEEKLY, by_day=(start.strftime("%a")[:2].upper(),), count=12) if weekly else None
        )
        security: MeetingSecurity = COMPLIANT
        violations: tuple[str, ...] = ()
        if n % 9 == 4:
            security = COMPLIANT.model_copy(update={"waiting_room": WaitingRoom.OFF})
            violations = ("waiting_room",)
        classes.append(
            ClassMeeting(
                teacher.email, f"{SUBJECTS[n % len(SUBJECTS)]} #{n}", start, 50, recurrence, security, violations
            )
        )
    return District("Bench Unified (sandbox domains)", staff, pupils, people, classes)


# -- instrumentation (class-level patches, bench only) -------------------------------------------------------


@dataclass
class Counted:
    """One provider's requests per rate-limit bucket (each counted once, however often it was retried),
    429 answers, the moments the client's limiter released a request (per bucket), and its scan's wall."""

    by_bucket: Counter[str] = field(default_factory=Counter)
    throttled: int = 0
    released: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    wall: float | None = None


COUNTED: dict[str, Counted] = defaultdict(Counted)
LIMITER_OWNER: dict[int, str] = {}  # id(RateLimiter) -> provider name
_LOCK = threading.Lock()


def _install_counters() -> None:
    """Count every HttpCore request by provider and bucket, every 429, and every limiter release."""
    request = HttpCore.request

    def counting_request(self: HttpCore, method: str, path: str, **kw: Any) -> Any:
        with _LOCK:
            COUNTED[self.provider].by_bucket[kw.get("bucket") or "unlimited"] += 1
        return request(self, method, path, **kw)

    original_core_init = HttpCore.__init__

    def init(self: HttpCore, *args: Any, **kw: Any) -> None:
        original_core_init(self, *args, **kw)
        mapper = self.map_error
        name = self.provider

        def counting_map_error(response: Any) -> Any:
            if response.status_code == 429:
                with _LOCK:
                    COUNTED[name].throttled += 1
            return mapper(response)

        self.map_error = counting_map_error

    acquire = RateLimiter.acquire

    def recording_acquire(self: RateLimiter, bucket: str) -> float:
        slept = acquire(self, bucket)
        owner = LIMITER_OWNER.get(id(self))
        if owner is not None:
            moment = time.monotonic()
            with _LOCK:
                COUNTED[owner].released[bucket].append(moment)
        return slept

    scan = engine._scan

    def timed_scan(provider: Provider, *args: Any, **kw: Any) -> Any:
        start = time.perf_counter()
        try:
            return scan(provider, *args, **kw)
        finally:
            COUNTED[provider.name].wall = time.perf_counter() - start

    HttpCore.request = counting_request  # type: ignore[method-assign]
    HttpCore.__init__ = init  # type: ignore[method-assign]
    RateLimiter.acquire = recording_acquire  # type: ignore[method-assign]
    engine._scan = timed_scan


def limiter_of(provider: Provider) -> RateLimiter | None:
    found = getattr(provider, "limiter", None) or getattr(getattr(provider, "http", None), "limiter", None)
    return found if isinstance(found, RateLimiter) else None


def floor_seconds(rates: dict[str, Rate], counted: Counted) -> tuple[float, dict[str, tuple[int, Rate, float]]]:
    """The provider's floor (its slowest bucket) and, per bucket, (requests, rate, seconds)."""
    per_bucket: dict[str, tuple[int, Rate, float]] = {}
    worst = 0.0
    for bucket, n in sorted(counted.by_bucket.items()):
        rate = rates.get(bucket)
        if rate is None:
            continue
        seconds = max(0.0, (n - rate.burst) / rate.per_second)
        per_bucket[bucket] = (n, rate, seconds)
        worst = max(worst, seconds)
    return worst, per_bucket


def peak_in_window(moments: list[float], window: float) -> int:
    """The most moments in any half-open window ``[t, t + window)``."""
    ordered = sorted(moments)
    return max((bisect.bisect_left(ordered, t + window) - i for i, t in enumerate(ordered)), default=0)


# -- --serve: a fake in a child process behind loopback HTTP (its CPU is not charged to the audit's process) ----

SERVE_ROUTES: dict[str, dict[str, str]] = {"zoom": {"/oauth/": "https://zoom.us", "/": "https://api.zoom.us"}}
SERVE_SETTINGS: dict[str, dict[str, str]] = {"zoom": {"base_url": "/v2", "token_url": "/oauth/token"}}


def _enforce(fake: Any) -> bool:
    """Switch the fake's rate limiting on; False when the fake has none."""
    if not hasattr(fake, "enforce_rate_limits"):
        return False
    fake.enforce_rate_limits = True
    return True


def _serve_child(name: str, district: District, ready: Any, stop: Any) -> None:
    from confkit.testing.serve import serve

    spec = platforms()[name]
    fake = spec.make_fake(SystemClock())
    spec.seed(fake, district)
    _enforce(fake)
    with serve(fake, SERVE_ROUTES[name]) as base:
        ready.put(base)
        stop.wait()


def serve_in_subprocess(name: str, district: District) -> tuple[Any, str]:
    ctx = multiprocessing.get_context("fork")
    ready, stop = ctx.Queue(), ctx.Event()
    child = ctx.Process(target=_serve_child, args=(name, district, ready, stop), daemon=True)
    child.start()
    return child, str(ready.get(timeout=300))


# -- the run -----------------------------------------------------------------------------------------------------


@dataclass
class Platform:
    name: str
    district: District
    provider: Provider
    documented: dict[str, Rate]
    enforced: bool
    seeded: float
    server: Any = None


def parse_split(text: str) -> dict[str, int]:
    split: dict[str, int] = {}
    for part in text.split(","):
        name, _, count = part.strip().partition("=")
        if not name or not count.isdigit() or int(count) < 1:
            raise SystemExit(f"--split: expected name=meetings[,name=meetings...], got {part!r}")
        split[name] = int(count)
    return split


def connect(name: str, meetings: int, args: argparse.Namespace, clock: SystemClock) -> Platform | str:
    spec = platforms().get(name)
    if spec is None:
        return f"{name}: skipped (no sandbox fake installed)"
    if provider_policy(name) is None:
        return f"{name}: skipped (no policy module yet)"
    district = big_district(meetings, per_teacher=args.per_teacher, now=clock.now())
    settings = {k: v for k, v in spec.settings.items() if k != "rate_limits"}  # the client's default pace
    t0 = time.perf_counter()
    server: Any = None
    make_client: Callable[[], httpx.Client]
    if args.serve and name in SERVE_ROUTES:
        server, base = serve_in_subprocess(name, district)
        settings |= {k: base + v for k, v in SERVE_SETTINGS[name].items()}
        enforced = True
        make_client = lambda: httpx.Client(limits=httpx.Limits(max_connections=64))  # noqa: E731
    else:
        fake = spec.make_fake(clock)
        spec.seed(fake, district)
        enforced = _enforce(fake)
        make_client = lambda: httpx.Client(transport=fake)  # noqa: E731
    seeded = time.perf_counter() - t0
    provider = provider_class(name).from_settings(dict(settings), client=make_client(), clock=clock)
    limiter = limiter_of(provider)
    documented = dict(limiter.rates) if limiter is not None else {}
    if args.rate_fraction < 1.0:
        # The floor keeps the client's table; the client is told to stay a little under it through the
        # provider's own `rate_limits` setting (what a district would put in its config).
        provider.close()
        override = {bucket: rate.per_second * args.rate_fraction for bucket, rate in documented.items()}
        provider = provider_class(name).from_settings(
            {**settings, "rate_limits": override}, client=make_client(), clock=clock
        )
        limiter = limiter_of(provider)
    if limiter is not None:
        LIMITER_OWNER[id(limiter)] = name
    return Platform(name, district, provider, documented, enforced, seeded, server)


def report_platform(p: Platform, summary: Any, findings: list[Any]) -> tuple[float, float | None]:
    counted = COUNTED[p.name]
    floor, per_bucket = floor_seconds(p.documented, counted)
    wall = counted.wall or 0.0
    found = sum(
        1
        for f in findings
        if f.provider == p.name and f.control.value == "waiting_room" and f.resource.kind == "meeting"
    )
    print(
        f"\n{p.name}: {len(p.district.meetings)} meetings of {len(p.district.people) - len(p.district.admins)} hosts, "
        f"seeded in {p.seeded:.1f} s; audited {summary.meetings} meetings of {summary.users} users "
        f"({summary.checks} checks; {found} of {len(p.district.violations)} seeded waiting-room violations found)"
    )
    print(f"  limits: {LIMITS_NOTE.get(p.name, 'see the provider limits module')}")
    window = LIMIT_WINDOW.get(p.name, 1.0)
    unit = "s" if window == 1.0 else f"{window:g} s"
    for bucket, (n, rate, seconds) in per_bucket.items():
        peak = peak_in_window(counted.released.get(bucket, []), window)
        print(
            f"  bucket {bucket:<10} {n:>6} requests at {rate.per_second:g}/s (burst {rate.burst:g}) "
            f"-> floor {seconds:6.1f} s   peak {peak} in any {unit} (rate {rate.per_second * window:g}/{unit})"
        )
    enforcement = "429 answers from the fake (each retried)" if p.enforced else "the fake enforces no limit: 429s"
    print(f"  {enforcement}: {counted.throttled}")
    if floor <= 0:
        print(f"  wall {wall:6.1f} s   floor 0 s (every request fits in the bursts)   ratio n/a")
        return floor, None
    ratio = wall / floor
    print(f"  wall {wall:6.1f} s   floor {floor:6.1f} s   ratio {ratio:.3f}  (target <= {TARGET})")
    return floor, ratio


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", default=DEFAULT_SPLIT, help=f"meetings per platform (default {DEFAULT_SPLIT})")
    parser.add_argument("--per-teacher", type=int, default=10, help="meetings per teacher (hosts = meetings / this)")
    parser.add_argument(
        "--zoom-5000-hosts",
        action="store_true",
        help="the Zoom-only shape: --split zoom=10000 --per-teacher 2 (5,000 hosts, one list request each)",
    )
    parser.add_argument("--workers", type=int, default=8, help="concurrent listing threads (readers: twice that)")
    parser.add_argument(
        "--rate-fraction",
        type=float,
        default=1.0,
        help="run the client at this fraction of its rates (rate_limits setting); the floor keeps the full rates",
    )
    parser.add_argument("--serve", action="store_true", help="run Zoom's fake in its own process behind loopback HTTP")
    args = parser.parse_args(argv)
    if args.zoom_5000_hosts:
        args.split, args.per_teacher = "zoom=10000", 2
    split = parse_split(args.split)
    _install_counters()
    clock = SystemClock()

    print(
        f"bench_audit: {sum(split.values()):,} meetings ({args.split}), {args.per_teacher} per teacher, "
        f"workers {args.workers}, rate fraction {args.rate_fraction:g}{', zoom served' if args.serve else ''}"
    )
    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )
    connected: list[Platform] = []
    for name, meetings in split.items():
        found = connect(name, meetings, args, clock)
        if isinstance(found, str):
            print(found)
        else:
            connected.append(found)
    if not connected:
        print("nothing to audit")
        return 2
    policy = sandbox_policy(builtin_policy("k12"), connected[0].district)
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    for counted in COUNTED.values():  # what seeding and connecting did is not the audit's
        counted.by_bucket.clear()
        counted.released.clear()
        counted.throttled = 0
    start = time.perf_counter()
    report = audit([p.provider for p in connected], policy, workers=args.workers, clock=clock)
    wall = time.perf_counter() - start
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)

    failed = [s for s in report.providers if s.error]
    for summary in failed:
        print(f"{summary.provider}: audit failed: {summary.error}")
    floors: dict[str, tuple[float, float | None]] = {}
    for p, summary in zip(connected, report.providers, strict=True):
        if not summary.error:
            floors[p.name] = report_platform(p, summary, report.findings)
        p.provider.close()
        if p.server is not None:
            p.server.terminate()
            p.server.join()
    if not floors:
        return 2
    slowest = max(floors, key=lambda n: floors[n][0])
    floor = floors[slowest][0]
    if floor <= 0:
        print("\noverall: no rate-limit bucket binds at this size (every floor is 0); use a larger --split")
        return 1
    ratio = wall / floor
    total = sum(s.meetings for s in report.providers)
    print(
        f"\noverall: {total:,} meetings on {len(floors)} platform(s) audited concurrently; "
        f"floor {floor:.1f} s ({slowest}); wall {wall:.1f} s; ratio {ratio:.3f} (target <= {TARGET}); "
        f"process CPU {cpu:.0f} s"
    )
    per_provider = ", ".join(f"{n} {'n/a' if r is None else f'{r:.3f}'}" for n, (_, r) in floors.items())
    met = ratio <= TARGET and all(r is None or r <= TARGET for _, r in floors.values())
    print(f"ratios: {per_provider}; overall {ratio:.3f} -> {'met' if met else 'NOT met'}")
    return 2 if failed else (0 if met else 1)


if __name__ == "__main__":
    sys.exit(main())
