"""Retry policy and ``Retry-After`` parsing, in every form the vendors send.

``Retry-After`` arrives as delta-seconds (RFC 9110, Webex and Google), as an HTTP date (RFC 9110),
as an ISO 8601 timestamp (Zoom: ``Retry-After: 2020-05-31T00:00:00Z`` on a daily-limit 429) and,
on Webex, has been seen malformed; anything that does not parse is treated as absent and the
policy's exponential backoff with jitter applies instead.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import httpx


def parse_retry_after(value: str | None, now: datetime) -> datetime | None:
    """When the server allows the next request, as an aware UTC datetime, or ``None`` if unknown."""
    if value is None:
        return None
    text = value.strip().strip('"')
    if not text:
        return None
    # delta-seconds (also tolerate "5.0" and "5s", both seen in the wild)
    number = text[:-1] if text.lower().endswith("s") and text[:-1].replace(".", "", 1).isdigit() else text
    try:
        seconds = float(number)
    except ValueError:
        pass
    else:
        if seconds < 0 or seconds != seconds:  # negative or NaN
            return None
        return now + timedelta(seconds=seconds)
    # ISO 8601 timestamp (Zoom)
    iso = text.replace("Z", "+00:00") if text.endswith("Z") else text
    try:
        parsed = datetime.fromisoformat(iso)
    except ValueError:
        parsed = None
    if parsed is not None:
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)
    # HTTP date (RFC 9110 IMF-fixdate and the obsolete forms)
    try:
        http_date = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if http_date is None:
        return None
    return (http_date if http_date.tzinfo else http_date.replace(tzinfo=UTC)).astimezone(UTC)


def retry_at_from_headers(headers: httpx.Headers, now: datetime) -> datetime | None:
    return parse_retry_after(headers.get("retry-after"), now)


@dataclass
class RetryPolicy:
    """How often and how long to retry.

    ``max_attempts`` counts every try including the first. Backoff is exponential from ``base``
    seconds, capped at ``cap``, with full jitter (a random fraction ``jitter`` of the delay is taken
    off). A server-given wait longer than ``max_wait`` is not slept: the error is raised with its
    retry time instead, so a daily limit never hangs a script.
    """

    max_attempts: int = 5
    base: float = 0.5
    cap: float = 30.0
    jitter: float = 0.5
    max_wait: float = 120.0
    min_wait: float = 0.0
    malformed_wait: float | None = None
    rng: random.Random = field(default_factory=random.Random)

    def backoff(self, attempt: int) -> float:
        """Delay before retry number ``attempt`` (1 for the first retry)."""
        delay: float = min(self.cap, self.base * (2 ** (attempt - 1)))
        return delay * (1 - self.jitter * self.rng.random())

    def wait_for(self, attempt: int, retry_at: datetime | None, now: datetime) -> float:
        """Seconds to wait: the server's time when given (plus a little jitter), else backoff."""
        if retry_at is not None:
            server = max(0.0, (retry_at - now).total_seconds())
            return server + self.rng.random() * min(0.25, self.base)
        return self.backoff(attempt)


NO_RETRY = RetryPolicy(max_attempts=1)
