"""Webex rate limits and page sizes (notes/webex.md §5).

Webex publishes no numeric rate limit for its core REST API: it throttles with ``429`` and a
``Retry-After`` in seconds (``423 Locked`` may carry one too), which :class:`~confkit.http.HttpCore`
honours. The client-side limiter only keeps confkit polite: one ``default`` bucket, overridable
per bucket with the ``rate_limits`` setting (requests per second). Endpoint quotas Webex does
publish are listed here for the capability notes; confkit does not count them.
"""

from __future__ import annotations

from collections.abc import Mapping

from confkit.errors import ConfigurationError
from confkit.http.ratelimit import Rate

DEFAULT = "default"
PEOPLE = "people"  # /people: Cisco warns that polling it (status) quickly leads to 429s

RATES: dict[str, Rate] = {DEFAULT: Rate(10, 20), PEOPLE: Rate(5, 10)}

MEETINGS_PAGE_MAX = 100  # GET /meetings: max up to 100, default 10
PEOPLE_PAGE_MAX = 100  # GET /people: max default 100 (50 with locationId)

# Published quotas (not enforced client-side): failed requests count too.
MEETING_CREATES_PER_USER_PER_DAY = 100
MEETING_CREATES_PER_ADMIN_PER_DAY = 3000
MEETING_CREATES_BY_ADMIN_FOR_ONE_USER_PER_DAY = 800


def rates_for(overrides: Mapping[str, float] | None = None) -> dict[str, Rate]:
    """The default buckets with ``overrides`` (requests per second) applied."""
    rates = dict(RATES)
    for label, per_second in (overrides or {}).items():
        if label not in rates:
            raise ConfigurationError(
                f"webex: unknown rate-limit bucket {label!r} in rate_limits; use {', '.join(sorted(rates))}"
            )
        if per_second <= 0:
            raise ConfigurationError(f"webex: rate_limits.{label} must be a positive number of requests per second")
        rates[label] = Rate(float(per_second), max(1.0, float(per_second)))
    return rates
