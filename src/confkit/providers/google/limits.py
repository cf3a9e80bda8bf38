"""Client-side rate limits per Google API (notes/google.md; numbers marked [U] are unverified).

Google's quotas are per project per minute and per user per project per minute; going over them
answers 429 (or 403 rateLimitExceeded / userRateLimitExceeded, or 503 on the Reports API), which
HttpCore retries. The buckets below keep a confkit process under the *project* limits so a district
sweep does not burn retries; the per-user limits are left to the server. Override single buckets
with ``rate_limits = {"meet_write": 5}`` (requests per second) in the ``[google]`` config.
"""

from __future__ import annotations

from collections.abc import Mapping

from confkit.errors import ConfigurationError
from confkit.http.ratelimit import Rate

MEET_READ, MEET_WRITE, MEET_CREATE = "meet_read", "meet_write", "meet_create"
CALENDAR, DIRECTORY, REPORTS, POLICY = "calendar", "directory", "reports", "policy"

DEFAULT_RATES: dict[str, Rate] = {
    # Meet REST API limits page: reads 6000/min, writes 1000/min, spaces.create 100/min per project.
    MEET_READ: Rate.per_minute(6000, burst=50),
    MEET_WRITE: Rate.per_minute(1000, burst=20),
    MEET_CREATE: Rate.per_minute(100, burst=5),
    # Reports API: 2400 queries/min per user per project, but only 250/min for *filtered* activities.list
    # queries (eventName, filters, orgUnitID ...); audits filter, so the lower limit is used.
    REPORTS: Rate.per_minute(250, burst=5),
    # [U] Calendar, Directory and Cloud Identity publish per-project quotas in the Cloud console only;
    # these are conservative assumptions, not documented numbers.
    CALENDAR: Rate.per_minute(600, burst=10),
    DIRECTORY: Rate.per_minute(1500, burst=20),
    POLICY: Rate.per_minute(300, burst=5),
}

_METHOD_BUCKETS: dict[str, str] = {
    "meet.spaces.create": MEET_CREATE,
    "meet.spaces.patch": MEET_WRITE,
    "meet.spaces.endActiveConference": MEET_WRITE,
}


def bucket_for(method_id: str) -> str:
    """The rate-limit bucket of a discovery method id (``meet.spaces.get`` -> ``meet_read``)."""
    if method_id in _METHOD_BUCKETS:
        return _METHOD_BUCKETS[method_id]
    api = method_id.split(".", 1)[0]
    return {
        "meet": MEET_READ,
        "calendar": CALENDAR,
        "directory": DIRECTORY,
        "reports": REPORTS,
        "cloudidentity": POLICY,
    }.get(api, api)


def rates_for(overrides: Mapping[str, float] | None = None) -> dict[str, Rate]:
    rates = dict(DEFAULT_RATES)
    for name, per_second in (overrides or {}).items():
        key = name.lower().replace("-", "_").replace(".", "_")
        if key not in rates:
            raise ConfigurationError(
                f"google: unknown rate-limit bucket {name!r} in rate_limits; use one of {', '.join(sorted(rates))}"
            )
        rates[key] = Rate(float(per_second), max(1.0, float(per_second)))
    return rates


__all__ = [
    "CALENDAR",
    "DEFAULT_RATES",
    "DIRECTORY",
    "MEET_CREATE",
    "MEET_READ",
    "MEET_WRITE",
    "POLICY",
    "REPORTS",
    "bucket_for",
    "rates_for",
]
