"""Bench: audit a large district on every sandbox platform, against the floor its rate limits allow.

    .venv/bin/python bench/bench_audit.py                  # 10,000 meetings per platform (about 2 minutes)
    .venv/bin/python bench/bench_audit.py --meetings 2000  # quicker

For each platform of the sandbox that has a policy module, a fake (``enforce_rate_limits=True``:
the fake answers 429 whenever a per-second limit of the plan is exceeded) is seeded with a district of
``--meetings`` upcoming classes (``--per-teacher`` 10 by default, half of them weekly series, one in
nine breaking a default), then ``confkit.policy.audit`` runs on the real clock.

Mind the fakes' own CPU: they run in this process (``--serve`` moves Zoom's into a child process behind
loopback HTTP). FakeZoom's meeting list scans and sorts every meeting of the account per call (16 ms
at 10,000 meetings), so with few meetings per host (``--per-teacher 2``: 5,000 list calls) the fake,
not confkit and not the rate limits, is the bottleneck on a small machine.

The floor: each rate-limit bucket ``b`` (Zoom: Light, Medium ...) must serve ``n_b`` requests at
``r_b`` per second, with at most ``r_b`` in the first second, so the audit cannot take less than
``max_b (n_b - r_b) / r_b`` seconds; buckets are independent, so they can run in parallel. ``n_b``
counts the requests the audit needs (a retried request once), ``r_b`` is the documented plan rate
(the same table the provider's limiter and the fake use). The ratio
wall/floor is the figure of merit (target <= 1.2).
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from confkit.http.clock import SystemClock
from confkit.http.core import HttpCore
from confkit.http.ratelimit import Rate, RateLimiter
from confkit.models import MeetingSecurity, WaitingRoom
from confkit.policy import builtin_policy
from confkit.policy.engine import audit
from confkit.policy.plugin import provider_policy
from confkit.policy.sandbox import sandbox_policy
from confkit.provider import Provider
from confkit.recurrence import Frequency, Recurrence
from confkit.registry import provider_class
from confkit.sandbox import COMPLIANT, ClassMeeting, District, Person, build_district, platforms

SUBJECTS = ["Algebra I", "Biology", "World History", "English 9", "Chemistry", "Geometry", "Physics", "Art"]


def big_district(meetings: int, *, per_teacher: int = 2, now: datetime | None = None) -> District:
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


@dataclass
class Counted:
    """Requests per rate-limit bucket (each counted once, however often it was retried) and 429 answers."""

    by_bucket: Counter[str]
    throttled: int = 0


_COUNTED: Counted | None = None
_LOCK = threading.Lock()


def _install_counters() -> None:
    """Count every HttpCore request by its bucket, for every provider (class-level, bench only)."""
    request = HttpCore.request

    def counting_request(self: HttpCore, method: str, path: str, **kw: Any) -> Any:
        if _COUNTED is not None:
            with _LOCK:
                _COUNTED.by_bucket[kw.get("bucket") or "unlimited"] += 1
        return request(self, method, path, **kw)

    original_core_init = HttpCore.__init__

    def init(self: HttpCore, *args: Any, **kw: Any) -> None:
        original_core_init(self, *args, **kw)
        mapper = self.map_error

        def counting_map_error(response: Any) -> Any:
            if _COUNTED is not None and response.status_code == 429:
                with _LOCK:
                    _COUNTED.throttled += 1
            return mapper(response)

        self.map_error = counting_map_error

    HttpCore.request = counting_request  # type: ignore[method-assign]
    HttpCore.__init__ = init  # type: ignore[method-assign]


def limiter_of(provider: Provider) -> RateLimiter | None:
    found = getattr(provider, "limiter", None) or getattr(getattr(provider, "http", None), "limiter", None)
    return found if isinstance(found, RateLimiter) else None


def floor_seconds(rates: dict[str, Rate], counted: Counted) -> tuple[float, dict[str, tuple[int, float, float]]]:
    per_bucket: dict[str, tuple[int, float, float]] = {}
    worst = 0.0
    for bucket, n in sorted(counted.by_bucket.items()):
        rate = rates.get(bucket)
        if rate is None:
            continue
        seconds = max(0.0, (n - rate.burst) / rate.per_second)
        per_bucket[bucket] = (n, rate.per_second, seconds)
        worst = max(worst, seconds)
    return worst, per_bucket


# --serve: the fake runs in a child process behind a loopback HTTP server (confkit.testing.serve), so
# its CPU is not charged to the audit's process (as with the real service).
SERVE_ROUTES: dict[str, dict[str, str]] = {"zoom": {"/oauth/": "https://zoom.us", "/": "https://api.zoom.us"}}
SERVE_SETTINGS: dict[str, dict[str, str]] = {"zoom": {"base_url": "/v2", "token_url": "/oauth/token"}}


def _serve_child(name: str, district: District, ready: Any, stop: Any) -> None:
    from confkit.testing.serve import serve

    spec = platforms()[name]
    fake = spec.make_fake(SystemClock())
    spec.seed(fake, district)
    if hasattr(fake, "enforce_rate_limits"):
        fake.enforce_rate_limits = True
    with serve(fake, SERVE_ROUTES[name]) as base:
        ready.put(base)
        stop.wait()


def serve_in_subprocess(name: str, district: District) -> tuple[Any, str]:
    ctx = multiprocessing.get_context("fork")
    ready, stop = ctx.Queue(), ctx.Event()
    child = ctx.Process(target=_serve_child, args=(name, district, ready, stop), daemon=True)
    child.start()
    return child, str(ready.get(timeout=300))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--meetings", type=int, default=10_000, help="upcoming meetings per platform")
    parser.add_argument("--per-teacher", type=int, default=10, help="meetings per teacher (hosts = meetings / this)")
    parser.add_argument("--workers", type=int, default=8, help="concurrent listing threads (readers: twice that)")
    parser.add_argument(
        "--rate-fraction",
        type=float,
        default=1.0,
        help="run the client at this fraction of the documented rates (rate_limits setting); floor stays documented",
    )
    parser.add_argument("--serve", action="store_true", help="run each fake in its own process behind loopback HTTP")
    parser.add_argument("-p", "--provider", action="append", help="only these platforms (default: all with a policy)")
    args = parser.parse_args(argv)
    _install_counters()

    clock = SystemClock()
    district = big_district(args.meetings, per_teacher=args.per_teacher, now=clock.now())
    policy = sandbox_policy(builtin_policy("k12"), district)
    print(
        f"district: {len(district.people)} users, {len(district.meetings)} meetings per platform, "
        f"{len(district.violations)} seeded violations; workers {args.workers}"
    )
    results = []
    for name, spec in platforms().items():
        if args.provider and name not in args.provider:
            continue
        if provider_policy(name) is None:
            print(f"{name}: skipped (no policy module yet)")
            continue
        t0 = time.perf_counter()
        server: Any = None
        if args.serve and name in SERVE_ROUTES:
            server, base = serve_in_subprocess(name, district)
            settings = {**spec.settings, **{k: base + v for k, v in SERVE_SETTINGS[name].items()}}
            provider = provider_class(name).from_settings(
                settings, client=httpx.Client(limits=httpx.Limits(max_connections=64)), clock=clock
            )
        else:
            fake = spec.make_fake(clock)
            spec.seed(fake, district)
            if hasattr(fake, "enforce_rate_limits"):
                fake.enforce_rate_limits = True
            provider = provider_class(name).from_settings(
                dict(spec.settings), client=httpx.Client(transport=fake), clock=clock
            )
        seeded = time.perf_counter() - t0
        if args.rate_fraction < 1.0:
            # The documented limits stay the floor's; the client is told to stay a little under them
            # through the provider's own `rate_limits` setting (what a district would put in its config).
            limiter = limiter_of(provider)
            documented = dict(limiter.rates) if limiter is not None else {}
            override = {bucket: rate.per_second * args.rate_fraction for bucket, rate in documented.items()}
            settings = {**(settings if server is not None else dict(spec.settings)), "rate_limits": override}
            client = (
                httpx.Client(limits=httpx.Limits(max_connections=64))
                if server is not None
                else httpx.Client(transport=fake)
            )
            provider = provider_class(name).from_settings(settings, client=client, clock=clock)
        documented_rates = (
            dict(documented) if args.rate_fraction < 1.0 else dict(getattr(limiter_of(provider), "rates", {}))
        )
        global _COUNTED
        counted = _COUNTED = Counted(Counter())
        start = time.perf_counter()
        report = audit(provider, policy, workers=args.workers, clock=clock)
        wall = time.perf_counter() - start
        summary = report.providers[0]
        if summary.error:
            print(f"{name}: audit failed: {summary.error}")
            return 2
        floor, per_bucket = floor_seconds(documented_rates, counted)
        ratio = wall / floor if floor else float("inf")
        found = sum(1 for f in report.violations if f.control.value == "waiting_room" and f.resource.kind == "meeting")
        print(
            f"\n{name}: seeded in {seeded:.1f} s; audited {summary.meetings} meetings of {summary.users} users "
            f"({summary.checks} checks, {len(report.violations)} findings; {found} seeded waiting-room "
            f"violations found of {len(district.violations)})"
        )
        for bucket, (n, rate, seconds) in per_bucket.items():
            print(f"  bucket {bucket:<10} {n:>6} requests at {rate:g}/s -> at least {seconds:6.1f} s")
        throttled = counted.throttled
        print(f"  429 answers from the fake (each retried after its Retry-After): {throttled}")
        _COUNTED = None
        print(f"  wall {wall:6.1f} s   floor {floor:6.1f} s   ratio {ratio:.3f}  (target <= 1.2)")
        results.append((name, wall, floor, ratio))
        provider.close()
        if server is not None:
            server.terminate()
            server.join()
    if len(results) > 1:
        wall = max(r[1] for r in results)
        floors = [round(r[2], 1) for r in results]
        print(f"\nall platforms (audited one after the other here): floor per platform {floors}")
        print(f"worst ratio {max(r[3] for r in results):.3f}, longest wall {wall:.1f} s")
    return 0 if all(r[3] <= 1.2 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
