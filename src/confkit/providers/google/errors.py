"""Google error responses -> confkit's error tree.

Every Google JSON API answers errors as ``{"error": {"code", "message", "status", "errors": [{"reason",
"domain", "message", "location"}], "details": [...]}}``. The legacy ``errors[].reason`` (Calendar,
Directory, Reports) or the ``google.rpc.ErrorInfo`` reason in ``details`` (Meet, Cloud Identity)
decides more than the HTTP status: a **403 with reason rateLimitExceeded / userRateLimitExceeded
is a rate limit**, not a permission problem, and is retried like a 429. The OAuth token endpoint
answers ``{"error": "invalid_grant", "error_description": ...}`` instead; :func:`map_token_error`
reads that and names the usual domain-wide-delegation mistakes without echoing any secret.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from confkit.errors import (
    APIError,
    AuthenticationError,
    InvalidRequestError,
    NotFoundError,
    RateLimitedError,
    RateLimitScope,
)
from confkit.http.errors import class_for_status, json_body
from confkit.http.retry import retry_at_from_headers

PROVIDER = "google"

#: Reasons (legacy ``errors[].reason`` or ``ErrorInfo.reason``) that mean "slow down and retry".
RATE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded", "RATE_LIMIT_EXCEEDED"})
#: Reasons that mean a quota is spent for the day: raised at once, never slept on.
DAILY_REASONS = frozenset({"dailyLimitExceeded", "quotaExceeded"})

HINTS: dict[str, str] = {
    "insufficientPermissions": (
        "the token lacks a scope: authorise every scope in docs/providers/google.md for the service account's "
        "client id under Admin console > Security > API controls > Domain-wide delegation"
    ),
    "ACCESS_TOKEN_SCOPE_INSUFFICIENT": (
        "the token lacks a scope: authorise every scope in docs/providers/google.md for the service account's "
        "client id under domain-wide delegation"
    ),
    "forbidden": "the impersonated user is not allowed to do this (admin role or meeting ownership missing)",
}


def _reasons(error: dict[str, Any]) -> tuple[list[str], str | None]:
    """All reasons in the error, legacy ones first, and the request id from ``RequestInfo``."""
    reasons: list[str] = []
    request_id: str | None = None
    for item in error.get("errors") or []:
        if isinstance(item, dict) and isinstance(item.get("reason"), str):
            reasons.append(item["reason"])
    for detail in error.get("details") or []:
        if not isinstance(detail, dict):
            continue
        kind = str(detail.get("@type", ""))
        if kind.endswith("google.rpc.ErrorInfo") and isinstance(detail.get("reason"), str):
            reasons.append(detail["reason"])
        elif kind.endswith("google.rpc.RequestInfo") and isinstance(detail.get("requestId"), str):
            request_id = detail["requestId"]
    return reasons, request_id


def _field_errors(error: dict[str, Any]) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for item in error.get("errors") or []:
        if isinstance(item, dict) and item.get("location"):
            out.append({"field": str(item["location"]), "message": str(item.get("message", ""))})
    for detail in error.get("details") or []:
        if isinstance(detail, dict) and str(detail.get("@type", "")).endswith("google.rpc.BadRequest"):
            for violation in detail.get("fieldViolations") or []:
                if isinstance(violation, dict):
                    out.append(
                        {"field": str(violation.get("field", "")), "message": str(violation.get("description", ""))}
                    )
    return out


def map_error(response: httpx.Response) -> APIError:
    body = json_body(response)
    status = response.status_code
    error = body.get("error")
    if isinstance(error, str):  # OAuth-style body, e.g. from an auth proxy
        return map_token_error(response)
    error = error if isinstance(error, dict) else {}
    reasons, request_id = _reasons(error)
    message = str(error.get("message") or response.reason_phrase or "error")
    vendor_code: str | int | None = reasons[0] if reasons else (error.get("status") or None)
    common: dict[str, Any] = {
        "provider": PROVIDER,
        "status": status,
        "vendor_code": vendor_code,
        "tracking_id": request_id,
    }
    rate = next((r for r in reasons if r in RATE_REASONS | DAILY_REASONS), None)
    if status == 429 or rate is not None:
        scope: RateLimitScope = "daily" if rate in DAILY_REASONS else "unknown"
        if rate is not None:
            common["vendor_code"] = rate
        return RateLimitedError(
            message, retry_at=retry_at_from_headers(response.headers, datetime.now(UTC)), scope=scope, **common
        )
    hint = next((HINTS[r] for r in reasons if r in HINTS), None)
    path = urlsplit(str(response.request.url)).path if _has_request(response) else ""
    if status == 404 and "/conferenceRecords" in path:
        hint = "Meet deletes conference records 30 days after the conference ends; the Reports API keeps 180 days"
    if status == 403 and "/admin/directory/" in path and not hint:
        hint = "the impersonated admin_email needs an admin role with user management rights"
    if status == 403 and path.startswith("/v1/policies"):
        hint = "the Cloud Identity Policy API is for super admins only: make admin_email a super admin"
    if hint:
        message = f"{message} ({hint})"
    cls = class_for_status(status)
    if status == 401:
        cls = AuthenticationError
    if cls is InvalidRequestError:
        field_errors = _field_errors(error)
        return InvalidRequestError(message, field_errors=field_errors, **common)
    if status == 410:
        cls = NotFoundError
    return cls(message, **common)


def _has_request(response: httpx.Response) -> bool:
    try:
        response.request  # noqa: B018 - raises RuntimeError when the response has no request
    except RuntimeError:
        return False
    return True


def _assertion_claims(response: httpx.Response) -> dict[str, Any]:
    """The unverified claims (``sub``, ``scope``) of the JWT the failed token request carried."""
    if not _has_request(response):
        return {}
    try:
        form = dict(parse_qsl(response.request.content.decode("ascii")))
        payload = form.get("assertion", "").split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (ValueError, IndexError, UnicodeDecodeError):
        return {}
    return claims if isinstance(claims, dict) else {}


def map_token_error(response: httpx.Response) -> APIError:
    """An error from ``POST https://oauth2.googleapis.com/token`` (JWT-bearer grant)."""
    body = json_body(response)
    status = response.status_code
    code = body.get("error") if isinstance(body.get("error"), str) else None
    description = str(body.get("error_description") or response.reason_phrase or "token request failed")
    claims = _assertion_claims(response)
    subject = claims.get("sub") or "?"
    scopes = " ".join(s.removeprefix("https://www.googleapis.com/auth/") for s in str(claims.get("scope", "")).split())
    common: dict[str, Any] = {"provider": PROVIDER, "status": status, "vendor_code": code}
    if status == 429:
        return RateLimitedError(
            f"the Google token endpoint is rate limiting: {description}",
            retry_at=retry_at_from_headers(response.headers, datetime.now(UTC)),
            **common,
        )
    if status >= 500:
        return class_for_status(status)(f"the Google token endpoint failed: {description}", **common)
    if code == "unauthorized_client":
        hint = (
            f"the service account's client id is not authorised for the scopes [{scopes}] under domain-wide "
            "delegation (Admin console > Security > API controls > Domain-wide delegation)"
        )
    elif code == "invalid_grant" and "signature" in description.lower():
        hint = "the service-account key was deleted or is wrong; create a new key and update the settings"
    elif code == "invalid_grant":
        hint = f"the impersonated user {subject} does not exist, is suspended, or the key/clock is invalid"
    else:
        hint = "check the service-account key and the domain-wide delegation of its client id"
    return AuthenticationError(
        f"Google refused a token for {subject}: {description} ({hint}; the key is not shown)", **common
    )


__all__ = ["DAILY_REASONS", "PROVIDER", "RATE_REASONS", "map_error", "map_token_error"]
