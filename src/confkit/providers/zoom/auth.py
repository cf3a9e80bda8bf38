"""Zoom Server-to-Server OAuth (``account_credentials`` grant) through authlib.

``POST {token_url}`` with HTTP Basic client authentication and a form body
``grant_type=account_credentials&account_id=...`` (Zoom answers 400 to parameters in the query
string). The token lasts an hour and has no refresh token: it is cached, renewed ``leeway`` seconds
before expiry, and renewed once when an API call answers 401 / code 124.
"""

from __future__ import annotations

import base64
import threading
from typing import Any

import httpx
from authlib.oauth2.client import OAuth2Client

from confkit.errors import AuthenticationError, TransportError
from confkit.http.clock import Clock
from confkit.http.errors import json_body, safe_url
from confkit.http.oauth import HttpxClientAuth


class _TokenClient(OAuth2Client):  # type: ignore[misc]
    client_auth_class = HttpxClientAuth


class ZoomTokenAuth:
    def __init__(
        self,
        *,
        client: httpx.Client,
        token_url: str,
        account_id: str,
        client_id: str,
        client_secret: str,
        clock: Clock,
        leeway: int = 300,
    ) -> None:
        self._oauth = _TokenClient(
            session=client,
            client_id=client_id,
            client_secret=client_secret,
            token_endpoint_auth_method="client_secret_basic",
            token_endpoint=token_url,
        )
        self._oauth.register_compliance_hook("access_token_response", self._check_response)
        self._token_url = token_url
        self._account_id = account_id
        self._secret = client_secret
        self._basic = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
        self._clock = clock
        self._leeway = leeway
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_at = 0.0
        self.tokens_fetched = 0

    def auth_headers(self) -> dict[str, str]:
        with self._lock:
            if self._token is None or self._clock.monotonic() >= self._expires_at - self._leeway:
                self._fetch()
            assert self._token is not None
            return {"Authorization": f"Bearer {self._token}"}

    def invalidate(self, rejected: str | None = None) -> None:
        with self._lock:
            if rejected is None or rejected == f"Bearer {self._token}":
                self._token = None

    def _fetch(self) -> None:
        try:
            token: dict[str, Any] = self._oauth.fetch_token(
                self._token_url, grant_type="account_credentials", account_id=self._account_id
            )
        except httpx.TransportError as exc:
            raise TransportError(
                f"cannot reach the Zoom token endpoint {safe_url(self._token_url)}: {type(exc).__name__}",
                provider="zoom",
            ) from None
        access = token.get("access_token")
        if not isinstance(access, str) or not access:
            raise AuthenticationError("the Zoom token endpoint returned no access_token", provider="zoom")
        self._token = access
        self._expires_at = self._clock.monotonic() + float(token.get("expires_in") or 3600)
        self.tokens_fetched += 1

    def _check_response(self, response: httpx.Response) -> httpx.Response:
        if response.status_code >= 400:
            body = json_body(response)
            reason = body.get("reason") or body.get("error_description") or response.reason_phrase
            error = body.get("error")
            raise AuthenticationError(
                f"Zoom rejected the Server-to-Server OAuth credentials: {reason}; check account_id, "
                "client_id and client_secret of the [zoom] config (the values are not shown)",
                provider="zoom",
                status=response.status_code,
                vendor_code=str(error) if error else None,
                tracking_id=response.headers.get("x-zm-trackingid"),
            ).scrub(self._secret, self._basic)
        return response
