"""Zoom's rate-limit labels per endpoint and per-plan limits (notes/zoom.md §5, Zoom "Rate limits").

Limits are per account, shared by every app on the account, bucketed by label. The per-second
numbers are used for client-side limiting; set ``plan`` in the ``[zoom]`` config to match the
account (education accounts are "business" tier), or override single labels with ``rate_limits``.
"""

from __future__ import annotations

from collections.abc import Mapping

from confkit.errors import ConfigurationError
from confkit.http.ratelimit import Rate

LIGHT, MEDIUM, HEAVY, RESOURCE_INTENSIVE = "light", "medium", "heavy", "resource_intensive"

# Burst 1: requests are spaced evenly, so no one-second window sees much more than the documented
# rate (a full second's burst on top of the steady rate made 1-7% of requests answer 429). The
# Resource-intensive limit is a number a minute: ``Rate.within_minute`` keeps any 60 s at or under it
# (a plain bucket of n/60 a second lets its burst through on top: n + 1 in a minute).
PLAN_RATES: dict[str, dict[str, Rate]] = {
    "free": {LIGHT: Rate(4), MEDIUM: Rate(2), HEAVY: Rate(1), RESOURCE_INTENSIVE: Rate.within_minute(10)},
    "pro": {LIGHT: Rate(30), MEDIUM: Rate(20), HEAVY: Rate(10), RESOURCE_INTENSIVE: Rate.within_minute(10)},
    "business": {LIGHT: Rate(80), MEDIUM: Rate(60), HEAVY: Rate(40), RESOURCE_INTENSIVE: Rate.within_minute(20)},
}
PLAN_ALIASES = {"education": "business", "enterprise": "business", "business_plus": "business", "basic": "free"}

# Daily caps per label (None where Zoom documents no daily cap for the plan).
MEETING_WRITES_PER_HOST_PER_DAY = 100


def rates_for(plan: str, overrides: Mapping[str, float] | None = None) -> dict[str, Rate]:
    key = PLAN_ALIASES.get(plan.lower(), plan.lower())
    if key not in PLAN_RATES:
        raise ConfigurationError(
            f"zoom: unknown plan {plan!r}; use one of free, pro, business (education accounts are business)"
        )
    rates = dict(PLAN_RATES[key])
    for label, per_second in (overrides or {}).items():
        norm = label.lower().replace("-", "_")
        if norm not in rates:
            raise ConfigurationError(f"zoom: unknown rate-limit label {label!r} in rate_limits")
        rates[norm] = Rate(float(per_second))
    return rates
