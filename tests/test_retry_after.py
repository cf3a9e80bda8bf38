"""Retry-After in every form the vendors send."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from confkit.http.retry import RetryPolicy, parse_retry_after

NOW = datetime(2026, 3, 10, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5", NOW + timedelta(seconds=5)),  # delta-seconds (Webex, Google)
        ("0", NOW),
        ("2.5", NOW + timedelta(seconds=2.5)),
        (" 7 ", NOW + timedelta(seconds=7)),
        ("3s", NOW + timedelta(seconds=3)),  # loosely malformed, seen on Webex
        ("Tue, 10 Mar 2026 12:00:30 GMT", NOW + timedelta(seconds=30)),  # HTTP date (RFC 9110)
        ("Tuesday, 10-Mar-26 12:00:30 GMT", NOW + timedelta(seconds=30)),  # obsolete RFC 850 date
        ("2026-03-11T00:00:00Z", datetime(2026, 3, 11, tzinfo=UTC)),  # Zoom daily limit: ISO timestamp
        ("2026-03-11T01:00:00+01:00", datetime(2026, 3, 11, tzinfo=UTC)),
        ("2026-03-11T00:00:00", datetime(2026, 3, 11, tzinfo=UTC)),  # ISO without zone = UTC
    ],
)
def test_every_form_parses(value: str, expected: datetime) -> None:
    assert parse_retry_after(value, NOW) == expected


@pytest.mark.parametrize("value", [None, "", "soon", "-5", "nan", "Mon, 99 Foo 2026", '""'])
def test_garbage_is_absent(value: str | None) -> None:
    assert parse_retry_after(value, NOW) is None


def test_policy_prefers_server_time_and_backs_off_otherwise() -> None:
    import random

    policy = RetryPolicy(base=1.0, cap=8.0, jitter=0.5, rng=random.Random(1))
    assert 10.0 <= policy.wait_for(1, NOW + timedelta(seconds=10), NOW) <= 10.25
    delays = [policy.backoff(n) for n in range(1, 8)]
    assert all(0.5 * min(8.0, 2 ** (n - 1)) <= d <= min(8.0, 2 ** (n - 1)) for n, d in enumerate(delays, 1))
    assert max(delays) <= 8.0
