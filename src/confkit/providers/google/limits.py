"""Client-side rate limits per Google API (notes/google.md; numbers marked [U] are unverified).

Google's quotas are per project per minute and per user per project per minute; going over them
answers 429 (or 403 rateLimitExceeded / userRateLimitExceeded, or 503 on the Reports API), which
HttpCore retries. The buckets below keep a confkit process under the *project* limits so a district
sweep does not burn retries; the per-user limits are left to the server. Override single buckets
with ``rate_limits = {"meet_write": 5}`` (requests per second) in the ``[google]`` config, e.g. for a
quota lowered in the Cloud console. Every bucket is paced so that no 60 s holds more than its quota
(:meth:`Rate.within_minute`), as Google counts them: a plain token bucket of n/60 a second would send
its burst on top.

The Reports API has two limits (notes/google.md §2): 2,400 queries a minute per user per project, and
only 250 a minute for *filtered* ``activities.list`` queries - any with ``userKey`` other than
``all``, ``actorIpAddress``, ``eventName``, ``filters``, ``orgUnitID`` or ``groupIdFilter``. An
unfiltered query counts against :data:`REPORTS`, a filtered one against :data:`REPORTS_FILTERED`
(:func:`reports_bucket`, or :func:`bucket_for` with the query's parameters). Both answer 503 when
exceeded.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from confkit.errors import ConfigurationError
from confkit.http.ratelimit import Rate

MEET_READ, MEET_WRITE, MEET_CREATE = "meet_read", "meet_write", "meet_create"
CALENDAR, DIRECTORY, REPORTS, POLICY = "calendar", "directory", "reports", "policy"
REPORTS_FILTERED = "reports_filtered"
#: ``activities.list`` parameters that make a query "filtered" (``userKey`` only when not ``all``).
FILTER_PARAMETERS = frozenset({"actorIpAddress", "eventName", "filters", "orgUnitID", "groupIdFilter"})

DEFAULT_RATES: dict[str, Rate] = {
    # Meet REST API limits page: reads 6000/min, writes 1000/min, spaces.create 100/min per project.
    MEET_READ: Rate.within_minute(6000, burst=50),
    MEET_WRITE: Rate.within_minute(1000, burst=20),
    MEET_CREATE: Rate.within_minute(100, burst=5),
    # Reports API: 2400 queries/min per user per project; only 250/min for *filtered* activities.list
    # queries (userKey other than all, actorIpAddress, eventName, filters, orgUnitID, groupIdFilter).
    REPORTS: Rate.within_minute(2400, burst=20),
    REPORTS_FILTERED: Rate.within_minute(250, burst=5),
    # [U] Calendar, Directory and Cloud Identity publish per-project quotas in the Cloud console only;
    # these are conservative assumptions, not documented numbers.
    CALENDAR: Rate.within_minute(600, burst=10),
    DIRECTORY: Rate.within_minute(1500, burst=20),
    POLICY: Rate.within_minute(300, burst=5),
}

#: Buckets that are part of another: a filtered Reports query is one of the 2,400 a minute too.
WITHIN: dict[str, str] = {REPORTS_FILTERED: REPORTS}

_METHOD_BUCKETS: dict[str, str] = {
    "meet.spaces.create": MEET_CREATE,
    "meet.spaces.patch": MEET_WRITE,
    "meet.spaces.endActiveConference": MEET_WRITE,
}


def is_filtered_query(params: Mapping[str, Any]) -> bool:
    """Whether an ``activities.list`` query counts against Google's 250-a-minute filtered-query limit."""
    user_key = params.get("userKey")
    if user_key not in (None, "", "all"):
        return True
    return any(params.get(name) not in (None, "") for name in FILTER_PARAMETERS)


def reports_bucket(params: Mapping[str, Any]) -> str:
    """The bucket of one ``reports.activities.list`` query: :data:`REPORTS_FILTERED` or :data:`REPORTS`."""
    return REPORTS_FILTERED if is_filtered_query(params) else REPORTS


def bucket_for(method_id: str, params: Mapping[str, Any] | None = None) -> str:
    """The rate-limit bucket of a discovery method id (``meet.spaces.get`` -> ``meet_read``); for
    ``reports.activities.list`` the query's ``params`` (method arguments or query string) pick
    :data:`REPORTS` or :data:`REPORTS_FILTERED` (without them :data:`REPORTS_FILTERED`: a query that
    cannot be told apart counts against the lower limit)."""
    if method_id == "reports.activities.list":
        return REPORTS_FILTERED if params is None else reports_bucket(params)
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
        # Google's quotas are per minute: n a second is paced as n * 60 in any minute, never more.
        rates[key] = Rate.within_minute(float(per_second) * 60.0, burst=1.0)
    return rates


__all__ = [
    "CALENDAR",
    "DEFAULT_RATES",
    "DIRECTORY",
    "FILTER_PARAMETERS",
    "MEET_CREATE",
    "MEET_READ",
    "MEET_WRITE",
    "POLICY",
    "REPORTS",
    "REPORTS_FILTERED",
    "WITHIN",
    "bucket_for",
    "is_filtered_query",
    "rates_for",
    "reports_bucket",
]
