"""confkit's HTTP core: the only I/O seam (an injectable ``httpx.Client``)."""

from confkit.http.clock import Clock, FakeClock, SystemClock
from confkit.http.core import Authenticator, HttpCore
from confkit.http.pagination import items, paginate
from confkit.http.ratelimit import Rate, RateLimiter
from confkit.http.retry import NO_RETRY, RetryPolicy, parse_retry_after

__all__ = [
    "NO_RETRY",
    "Authenticator",
    "Clock",
    "FakeClock",
    "HttpCore",
    "Rate",
    "RateLimiter",
    "RetryPolicy",
    "SystemClock",
    "items",
    "paginate",
    "parse_retry_after",
]
