"""One error tree for the whole library.

Every error confkit raises is a :class:`ConfkitError`. Errors that come from a vendor's API are
:class:`APIError` subclasses and carry the provider, the HTTP status, the vendor's own error code,
the vendor's message and its tracking id (Zoom ``x-zm-trackingid``, Webex ``trackingId``, Google's
request id) so a district can quote it in a support ticket.

    ConfkitError
    ├── ConfigurationError            bad config file, missing credentials, unknown provider
    │   └── UnknownProviderError
    ├── UnsupportedOperationError     the provider cannot do it (reason: "api_limit" or "not_built")
    ├── UnrepresentableError          the neutral value cannot be expressed on this platform
    ├── PaginationLoopError           the server repeated a cursor
    ├── TransportError                connection reset, timeout, DNS: no HTTP answer at all
    └── APIError                      an HTTP answer that is an error
        ├── AuthenticationError       401, Zoom 124, OAuth token-endpoint errors
        ├── PermissionDeniedError     403, Zoom 200 / 4700 / 4711
        ├── NotFoundError             404, Zoom 1001 / 3001
        ├── ConflictError             409, Zoom 1005
        ├── InvalidRequestError       400 / 422, Zoom 300
        ├── RateLimitedError          429 (scope: per_second | daily | concurrent), Webex 423
        └── UnavailableError          5xx
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Self

RateLimitScope = Literal["per_second", "daily", "concurrent", "unknown"]
UnsupportedReason = Literal["api_limit", "not_built"]


class ConfkitError(Exception):
    """Base of every error confkit raises."""

    def __init__(
        self,
        message: str,
        *,
        provider: str | None = None,
        status: int | None = None,
        vendor_code: str | int | None = None,
        tracking_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.provider = provider
        self.status = status
        self.vendor_code = vendor_code
        self.tracking_id = tracking_id

    def scrub(self, *secrets: str | None) -> Self:
        """Replace ``secrets`` (a token, a client secret) wherever the vendor's text echoed them, so that
        they reach no terminal, log or store (a proxy or a fake that repeats the request does that)."""
        for secret in secrets:
            if secret and len(secret) >= 4:
                self.message = self.message.replace(secret, "***")
                if self.tracking_id:
                    self.tracking_id = self.tracking_id.replace(secret, "***")
        self.args = (self.message,)
        return self

    def one_line(self) -> str:
        """The error as one line for a terminal: provider, status, vendor code, message, tracking id."""
        parts: list[str] = []
        if self.provider:
            parts.append(self.provider)
        if self.status is not None:
            parts.append(f"HTTP {self.status}")
        if self.vendor_code is not None:
            parts.append(f"code {self.vendor_code}")
        head = " ".join(parts)
        text = " ".join(self.message.split())
        tail = f" (tracking id {self.tracking_id})" if self.tracking_id else ""
        return f"{head}: {text}{tail}" if head else f"{text}{tail}"

    def __str__(self) -> str:
        return self.one_line()


class ConfigurationError(ConfkitError):
    """The configuration is missing, malformed or incomplete. Nothing was sent to a vendor."""


class UnknownProviderError(ConfigurationError):
    """No provider of that name is registered."""


class UnsupportedOperationError(ConfkitError):
    """The provider does not support this operation.

    ``reason`` is ``"api_limit"`` when the vendor's API offers no way to do it, and ``"not_built"``
    when the API could do it but confkit does not (yet). The capability declaration of the provider
    predicts every such error.
    """

    def __init__(self, message: str, *, provider: str, operation: str, reason: UnsupportedReason) -> None:
        super().__init__(message, provider=provider)
        self.operation = operation
        self.reason = reason


class UnrepresentableError(ConfkitError):
    """A neutral value (a recurrence rule, a setting) cannot be expressed on this platform.

    Raised before any request is sent, instead of silently changing the value.
    """


class PaginationLoopError(ConfkitError):
    """The server returned a cursor it had already returned: following it would loop forever."""


class TransportError(ConfkitError):
    """No HTTP answer: connection refused or reset, timeout, TLS or DNS failure."""


class APIError(ConfkitError):
    """The vendor answered with an error.

    ``retry_at`` is set when the answer said when to try again (``Retry-After``).
    """

    retry_at: datetime | None = None


class AuthenticationError(APIError):
    """Credentials were rejected, or the access token is invalid or expired."""


class PermissionDeniedError(APIError):
    """Authenticated, but not allowed: missing scope, role or paid feature."""


class NotFoundError(APIError):
    """The user, meeting or account does not exist (or is not visible to the caller)."""


class ConflictError(APIError):
    """The resource already exists or is in a state that forbids the change."""


class InvalidRequestError(APIError):
    """The vendor rejected the request as malformed or invalid."""

    def __init__(self, message: str, *, field_errors: list[dict[str, str]] | None = None, **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.field_errors = field_errors or []


class RateLimitedError(APIError):
    """Rate limited, and confkit stopped retrying (a daily limit, or retries were exhausted).

    ``retry_at`` is when the vendor says the request may be sent again (UTC), ``scope`` whether the
    limit is per second, daily, or a concurrency limit, ``category`` the vendor's bucket
    (Zoom ``X-RateLimit-Category``: Light, Medium, Heavy, Resource-intensive).
    """

    def __init__(
        self,
        message: str,
        *,
        retry_at: datetime | None = None,
        scope: RateLimitScope = "unknown",
        category: str | None = None,
        **kw: object,
    ) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.retry_at = retry_at
        self.scope = scope
        self.category = category


class UnavailableError(APIError):
    """The vendor's service failed or is unavailable (HTTP 5xx)."""


__all__ = [
    "APIError",
    "AuthenticationError",
    "ConfigurationError",
    "ConfkitError",
    "ConflictError",
    "InvalidRequestError",
    "NotFoundError",
    "PaginationLoopError",
    "PermissionDeniedError",
    "RateLimitScope",
    "RateLimitedError",
    "TransportError",
    "UnavailableError",
    "UnknownProviderError",
    "UnrepresentableError",
    "UnsupportedOperationError",
    "UnsupportedReason",
]
