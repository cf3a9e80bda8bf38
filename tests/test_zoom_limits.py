"""Zoom's rate-limit buckets (notes/zoom.md §5): no second over a per-second label, no minute over the
Resource-intensive label, plans and overrides."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from confkit.errors import ConfigurationError
from confkit.http.clock import FakeClock
from confkit.http.ratelimit import Rate, RateLimiter
from confkit.providers.zoom.limits import HEAVY, LIGHT, MEDIUM, PLAN_RATES, RESOURCE_INTENSIVE, rates_for

START = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


def most_within(rate: Rate, span: float, seconds: float = 300.0, late: float = 0.0) -> tuple[int, int]:
    """(the most requests any ``span`` seconds of arrivals hold, requests sent) for ``seconds`` of requests
    sent as fast as a limiter of ``rate`` lets them go, the first arriving ``late`` seconds late."""
    clock = FakeClock(START)
    limiter = RateLimiter({"b": rate}, clock=clock)
    sent: list[float] = []
    start = clock.monotonic()
    while clock.monotonic() - start < seconds:
        limiter.acquire("b")
        sent.append(clock.monotonic() - start)
    arrived = sorted(t + (late if n == 0 else 0.0) for n, t in enumerate(sent))
    most, lo = 0, 0
    for hi, t in enumerate(arrived):
        while t - arrived[lo] >= span:
            lo += 1
        most = max(most, hi - lo + 1)
    return most, len(sent)


@pytest.mark.parametrize(("plan", "per_minute"), [("free", 10), ("pro", 10), ("business", 20)])
def test_no_minute_holds_more_than_the_resource_intensive_limit(plan: str, per_minute: int) -> None:
    # the first request arrives a second late (a slow connection), the others on time
    most, sent = most_within(PLAN_RATES[plan][RESOURCE_INTENSIVE], 60.0, late=1.0)
    assert most <= per_minute
    assert sent >= 0.9 * 5 * per_minute  # five minutes, close to the limit
    # what it was: a bucket of n/60 a second, whose first minute then holds one more than the limit
    assert most_within(Rate.per_minute(per_minute), 60.0, late=1.0)[0] == per_minute + 1


@pytest.mark.parametrize("plan", ["free", "pro", "business"])
@pytest.mark.parametrize("label", [LIGHT, MEDIUM, HEAVY])
def test_per_second_labels_stay_within_a_second(plan: str, label: str) -> None:
    rate = PLAN_RATES[plan][label]
    most, sent = most_within(rate, 1.0, seconds=30.0)
    assert most <= rate.per_second + 1  # the one-request burst
    assert sent >= 0.95 * 30 * rate.per_second


def test_plans_aliases_and_overrides() -> None:
    assert rates_for("education") == PLAN_RATES["business"]
    assert rates_for("Business_Plus")[HEAVY] == Rate(40)
    assert rates_for("pro", {"Resource-Intensive": 0.1})[RESOURCE_INTENSIVE] == Rate(0.1)
    with pytest.raises(ConfigurationError, match="unknown plan 'gold'"):
        rates_for("gold")
    with pytest.raises(ConfigurationError, match="unknown rate-limit label 'ultra'"):
        rates_for("pro", {"ultra": 1})
