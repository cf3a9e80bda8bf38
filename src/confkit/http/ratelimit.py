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


class _Bucket:
    def __init__(self, rate: Rate, now: float) -> None:
        self.rate = rate
        self.tokens = rate.burst
        self.last = now


class RateLimiter:
    def __init__(self, rates: Mapping[str, Rate], clock: Clock | None = None) -> None:
        self.clock = clock or SystemClock()
        self._lock = threading.Lock()
        now = self.clock.monotonic()
        self._buckets = {name: _Bucket(rate, now) for name, rate in rates.items()}

    @property
    def rates(self) -> dict[str, Rate]:
        return {name: b.rate for name, b in self._buckets.items()}

    def acquire(self, bucket: str) -> float:
        """Take one token from ``bucket``, sleeping if needed; returns the seconds slept.

        An unknown bucket name is not limited.
        """
        with self._lock:
            b = self._buckets.get(bucket)
            if b is None:
                return 0.0
            now = self.clock.monotonic()
            b.tokens = min(b.rate.burst, b.tokens + (now - b.last) * b.rate.per_second)
            b.last = now
            b.tokens -= 1.0
            wait = 0.0 if b.tokens >= 0 else -b.tokens / b.rate.per_second
        if wait > 0:
            self.clock.sleep(wait)
        return wait
