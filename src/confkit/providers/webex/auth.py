"""Webex authentication: integration OAuth (rotating refresh tokens), service apps, personal tokens.

* **Integration** (``auth = "integration"``): an admin consents once; confkit holds a refresh token
  (about 90 days) and renews the access token (about 14 days) ``leeway`` seconds before it expires
  with ``POST {token_url}`` ``grant_type=refresh_token`` (client id and secret in the form body)
  through authlib. Webex may answer with a *new* refresh token: it is written to the token store
  (atomically, 0600) **before** the new access token is used, so a crash at any point leaves a
  usable refresh token on disk. Refreshes run under the store's lock, so two processes never spend
  the same refresh token; a process that finds a fresher entry on disk adopts it.
* **Service app** (``auth = "service_app"``): a machine account a full admin authorized in Control
  Hub. Its token pair comes from ``POST /applications/{applicationId}/token`` (called with the token
  of an integration holding ``spark:applications_token``) or from a refresh token copied from the
  developer portal; it is then refreshed like an integration's, with the service app's own client
  id and secret (Webex docs; not in the spec).
* **Personal access token** (``auth = "personal"``): for development only; it lasts 12 hours and
  cannot be renewed.

A WARNING on the ``confkit.webex`` logger (shown by the CLI) says when the refresh token is within
:data:`WARN_BEFORE` of its expiry. Token values are never logged.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import urllib.parse
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Literal

import httpx
from authlib.oauth2.client import OAuth2Client

from confkit.errors import AuthenticationError, ConfigurationError, TransportError
from confkit.http.clock import Clock
from confkit.http.errors import json_body, safe_url
from confkit.http.oauth import HttpxClientAuth
from confkit.providers.webex.errors import map_error, tracking_id
from confkit.providers.webex.wire import WebexToken
from confkit.tokenstore import TokenStore

log = logging.getLogger("confkit.webex")

PROVIDER = "webex"
WARN_BEFORE = timedelta(days=14)
TokenKind = Literal["integration", "service_app"]
Minter = Callable[[], WebexToken]


class _TokenClient(OAuth2Client):  # type: ignore[misc]
    client_auth_class = HttpxClientAuth


def fingerprint(secret: str) -> str:
    """A short, one-way fingerprint of a token: tells tokens apart without storing or logging them."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()[:16]


def _at(clock: Clock, seconds: int | float | None) -> str | None:
    return (clock.now() + timedelta(seconds=float(seconds))).isoformat() if seconds else None


def _when(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


class RotatingTokenAuth:
    """Access tokens from a rotating refresh token, persisted in a :class:`~confkit.tokenstore.TokenStore`.

    Used for integrations and service apps (``kind``). ``refresh_token`` is the one from the
    settings (the admin's consent); the store's entry wins unless the settings hold a different
    one than the entry started from (a new consent). ``minter`` fetches a brand-new token pair when
    there is no usable refresh token (service apps).
    """

    def __init__(
        self,
        *,
        client: httpx.Client,
        token_url: str,
        client_id: str,
        client_secret: str,
        refresh_token: str | None,
        store: TokenStore,
        tenant: str,
        clock: Clock,
        kind: TokenKind = "integration",
        minter: Minter | None = None,
        leeway: int = 300,
    ) -> None:
        self._oauth = _TokenClient(
            session=client,
            client_id=client_id,
            client_secret=client_secret,
            token_endpoint_auth_method="client_secret_post",
            token_endpoint=token_url,
        )
        self._oauth.register_compliance_hook("refresh_token_response", self._check_response)
        self._token_url = token_url
        self._client_id = client_id
        self._seed = refresh_token
        self._store = store
        self._tenant = tenant
        self._clock = clock
        self._kind = kind
        self._minter = minter
        self._leeway = timedelta(seconds=leeway)
        self._lock = threading.Lock()
        self._entry: dict[str, Any] | None = None
        self._rejected: str | None = None
        self._warned: set[str] = set()
        self.refreshes = 0

    # -- the Authenticator protocol ----------------------------------------------------------------

    def auth_headers(self) -> dict[str, str]:
        with self._lock:
            if self._entry is None or not self._usable(self._entry):
                self._entry = self._renew()
            return {"Authorization": f"Bearer {self._entry['access_token']}"}

    def invalidate(self, rejected: str | None = None) -> None:
        """The API refused the access token (``rejected``: the header sent; the current one if not given):
        the next request renews it, unless another thread renewed it meanwhile."""
        with self._lock:
            if self._entry is not None and (rejected is None or rejected == f"Bearer {self._entry['access_token']}"):
                self._rejected = self._entry.get("access_token")
                self._entry = None

    # -- state ----------------------------------------------------------------------------------------

    @property
    def refresh_token_expires_at(self) -> datetime | None:
        """When the refresh token expires (after the first request), for the CLI's warning."""
        with self._lock:
            return _when(self._entry.get("refresh_token_expires_at")) if self._entry else None

    def _usable(self, entry: dict[str, Any]) -> bool:
        token = entry.get("access_token")
        expires = _when(entry.get("access_token_expires_at"))
        if not isinstance(token, str) or not token or token == self._rejected or expires is None:
            return False
        return self._clock.now() < expires - self._leeway

    def _applies(self, entry: dict[str, Any] | None) -> bool:
        if entry is None or entry.get("client_id") != self._client_id or entry.get("kind") != self._kind:
            return False
        # A refresh token in the settings that the entry did not start from is a newer consent.
        return self._seed is None or entry.get("seed") == fingerprint(self._seed)

    # -- renewal --------------------------------------------------------------------------------------

    def _renew(self) -> dict[str, Any]:
        with self._store.lock(PROVIDER, self._tenant):
            stored = self._store.load(PROVIDER, self._tenant)
            entry = stored if self._applies(stored) else None
            if entry is not None and self._usable(entry):
                self._check_expiry(entry)
                return entry  # fresh from disk: another process (or a previous run) renewed it
            token = self._fetch(entry)
            renewed = self._entry_from(token, entry)
            # Durable before use: a crash from here on still leaves this refresh token on disk.
            self._store.save(PROVIDER, self._tenant, renewed)
            self.refreshes += 1
            self._check_expiry(renewed)
            return renewed

    def _fetch(self, entry: dict[str, Any] | None) -> WebexToken:
        refresh = entry.get("refresh_token") if entry else self._seed
        if isinstance(refresh, str) and refresh:
            try:
                return self._refresh(refresh)
            except AuthenticationError:
                if self._minter is None:
                    raise
                log.warning("Webex refused the %s refresh token; fetching a new token pair", self._kind)
        if self._minter is not None:
            return self._minter()
        raise ConfigurationError(
            "webex: no refresh token; authorize the integration (OAuth consent) and set refresh_token in the [webex] "
            "section or CONFKIT_WEBEX_REFRESH_TOKEN"
        )

    def _refresh(self, refresh_token: str) -> WebexToken:
        try:
            token: dict[str, Any] = self._oauth.refresh_token(self._token_url, refresh_token=refresh_token)
        except httpx.TransportError as exc:
            raise TransportError(
                f"cannot reach the Webex token endpoint {safe_url(self._token_url)}: {type(exc).__name__}",
                provider=PROVIDER,
            ) from None
        parsed = WebexToken.model_validate({k: v for k, v in token.items() if k != "expires_at"})
        if not parsed.access_token:
            raise AuthenticationError("the Webex token endpoint returned no access_token", provider=PROVIDER)
        if not parsed.refresh_token:
            parsed.refresh_token = refresh_token  # not rotated: the same refresh token stays valid
        return parsed

    def _entry_from(self, token: WebexToken, previous: dict[str, Any] | None) -> dict[str, Any]:
        rotated = previous is None or token.refresh_token != previous.get("refresh_token")
        refresh_expiry = _at(self._clock, token.refresh_token_expires_in)
        if refresh_expiry is None and not rotated and previous is not None:
            refresh_expiry = previous.get("refresh_token_expires_at")
        seed = (previous or {}).get("seed") or (fingerprint(self._seed) if self._seed else None)
        return {
            "provider": PROVIDER,
            "kind": self._kind,
            "client_id": self._client_id,
            "seed": seed,
            "access_token": token.access_token,
            "access_token_expires_at": _at(self._clock, token.expires_in or 3600),
            "refresh_token": token.refresh_token,
            "refresh_token_expires_at": refresh_expiry,
            "updated_at": self._clock.now().isoformat(),
        }

    def _check_expiry(self, entry: dict[str, Any]) -> None:
        expires = _when(entry.get("refresh_token_expires_at"))
        refresh = entry.get("refresh_token")
        if expires is None or not isinstance(refresh, str):
            return
        left = expires - self._clock.now()
        key = fingerprint(refresh)
        if left <= WARN_BEFORE and key not in self._warned:
            self._warned.add(key)
            log.warning(
                "the Webex %s refresh token of tenant %r expires in %d days (%s); an admin must re-authorize "
                "confkit before then, or it stops working",
                self._kind.replace("_", " "),
                self._tenant,
                max(0, left.days),
                expires.strftime("%Y-%m-%d %H:%M UTC"),
            )

    def _check_response(self, response: httpx.Response) -> httpx.Response:
        if response.status_code < 400:
            return response
        response.read()
        body = json_body(response)
        error = body.get("error")
        if response.status_code in (400, 401) and error in ("invalid_grant", "invalid_client", "unauthorized_client"):
            hint = (
                "the refresh token expired or was revoked: an admin must authorize confkit again and set the new "
                "refresh_token"
                if error == "invalid_grant"
                else "check client_id and client_secret of the [webex] config (the values are not shown)"
            )
            raise AuthenticationError(
                f"Webex refused the token request ({error}): {hint}",
                provider=PROVIDER,
                status=response.status_code,
                vendor_code=str(error),
                tracking_id=tracking_id(response, body),
            )
        secret = getattr(self._oauth, "client_secret", None)
        mapped = map_error(response, now=self._clock.now()).scrub(secret)
        if mapped.status in (400, 401, 403):
            raise AuthenticationError(
                f"Webex refused the token request: {mapped.message}",
                provider=PROVIDER,
                status=mapped.status,
                vendor_code=mapped.vendor_code,
                tracking_id=mapped.tracking_id,
            )
        raise mapped


def service_app_minter(
    *,
    client: httpx.Client,
    base_url: str,
    application_id: str,
    client_id: str,
    client_secret: str,
    target_org_id: str,
    applications_token: str,
    clock: Clock,
) -> Minter:
    """A function that fetches a service app's token pair: ``POST /applications/{applicationId}/token``."""
    url = f"{base_url.rstrip('/')}/applications/{urllib.parse.quote(application_id, safe='')}/token"

    def mint() -> WebexToken:
        try:
            response = client.post(
                url,
                json={"clientId": client_id, "clientSecret": client_secret, "targetOrgId": target_org_id},
                headers={"Authorization": f"Bearer {applications_token}", "Accept": "application/json"},
            )
        except httpx.TransportError as exc:
            raise TransportError(
                f"cannot reach the Webex service-app token endpoint: {type(exc).__name__}", provider=PROVIDER
            ) from None
        if response.status_code >= 400:
            raise map_error(response, now=clock.now())
        return WebexToken.model_validate(response.json())

    return mint


class PersonalTokenAuth:
    """A personal access token (development only): sent as is, never renewed."""

    def __init__(self, token: str) -> None:
        self._token = token

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}"}

    def invalidate(self, rejected: str | None = None) -> None:
        raise AuthenticationError(
            "Webex rejected the personal access token: they last 12 hours; copy a new one from developer.webex.com "
            'or configure an integration (auth = "integration")',
            provider=PROVIDER,
            status=401,
        )


__all__ = ["WARN_BEFORE", "PersonalTokenAuth", "RotatingTokenAuth", "fingerprint", "service_app_minter"]
