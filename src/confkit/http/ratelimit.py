"""Client-side rate limiting: one token bucket per named bucket (e.g. a Zoom rate-limit label).

Thread-safe; a caller that finds no token reserves the next one and sleeps outside the lock, so
concurrent callers are spaced evenly instead of stampeding.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass

from confkit.http.clock import Clock, SystemClock


@dataclass(frozen=True)
class Rate:
    """``per_second`` sustained requests per second and a ``burst`` of that many at once."""

    per_second: float
    burst: float = 1.0

    @classmethod
    def per_minute(cls, n: float, burst: float = 1.0) -> Rate:
        return cls(n / 60.0, burst)

    @classmethod
    def within_minute(cls, n: float, burst: float = 1.0, jitter: float = 1.0) -> Rate:
        """At most ``n`` requests in any 60 s as the server counts them (a per-minute quota such as
        Google's): ``burst`` at once, then ``(n - burst) / (60 + jitter)`` a second.

        A token bucket sends at most ``burst + 60 * per_second`` in 60 s, so :meth:`per_minute` can go
        over a sliding-minute quota by its burst; ``jitter`` seconds allow for requests that arrive closer
        together than they were sent (a slow response, then a fast one).
        """
        return cls(max(n - burst, 1.0) / (60.0 + jitter), burst)


class _Bucket:
    def __init__(self, rate: Rate, now: float) -> None:
        self.rate = rate
        self.tokens = rate.burst
        self.last = now


class RateLimiter:
    """Token buckets by name. ``within`` declares buckets that are part of another (``{"reports_filtered":
    "reports"}``: Google's filtered Reports queries are among its 2,400 a minute): a request to such a
    bucket takes a token from both."""

    def __init__(self, rates: Mapping[str, Rate], clock: Clock | None = None, *,
                 within: Mapping[str, str] | None = None) -> None:
        self.clock = clock or SystemClock()
        self._lock = threading.Lock()
        now = self.clock.monotonic()
        self._buckets = {name: _Bucket(rate, now) for name, rate in rates.items()}
        self._within = dict(within or {})

    @property
    def rates(self) -> dict[str, Rate]:
        return {name: b.rate for name, b in self._buckets.items()}

    def acquire(self, bucket: str) -> float:
        """Take one token from ``bucket`` (and from the bucket it is within), sleeping if needed; returns
        the seconds slept.

        An unknown bucket name is not limited.
        """
        wait = 0.0
        with self._lock:
            now = self.clock.monotonic()
            for name in (bucket, self._within.get(bucket)):
                b = self._buckets.get(name) if name is not None else None
                if b is None:
                    continue
                b.tokens = min(b.rate.burst, b.tokens + (now - b.last) * b.rate.per_second)
                b.last = now
                b.tokens -= 1.0
                if b.tokens < 0:
                    wait = max(wait, -b.tokens / b.rate.per_second)
        if wait > 0:
            self.clock.sleep(wait)
        return wait
