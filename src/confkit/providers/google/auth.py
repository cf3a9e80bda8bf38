"""Service-account credentials with domain-wide delegation, refreshed over confkit's httpx client.

google-auth signs the JWT assertion (RS256, ``iss`` = the service account, ``sub`` = the user it
acts as, ``scope`` = the call's scopes, ``aud`` = the token endpoint) and parses the answer; the
request itself goes through :class:`HttpxAuthRequest`, a ``google.auth.transport.Request`` that
sends through an :class:`~confkit.http.core.HttpCore` on the provider's injected ``httpx.Client``.
So fakes and cassettes see ``POST https://oauth2.googleapis.com/token`` with the JWT-bearer grant,
429s at the token endpoint are retried on confkit's clock (google-auth's own retry loop, which
sleeps on the wall clock, never runs: any error is raised by HttpCore first), and refusals become
an :class:`~confkit.errors.AuthenticationError` that names the impersonated user and the scopes.

One :class:`DelegatedAuth` exists per (impersonated user, scope set); it is the
:class:`~confkit.http.core.Authenticator` of the HttpCore that sends that user's calls, so a 401
renews the token once and retries, as for every provider. Tokens are never logged.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qsl

import google.auth.transport
from google.oauth2 import service_account
from pydantic import SecretStr

from confkit.errors import ConfigurationError
from confkit.http.core import HttpCore

DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token"
_REQUIRED_KEYS = ("client_email", "private_key", "token_uri")


def load_service_account_info(*, key_file: str | None, key_json: SecretStr | None) -> dict[str, Any]:
    """The service-account key as a dict, from a file path or inline JSON. Never echoes the key."""
    if (key_file is None) == (key_json is None):
        raise ConfigurationError(
            "google: set exactly one of service_account_file (path to the JSON key) or service_account_json "
            "(the key itself, e.g. from CONFKIT_GOOGLE_SERVICE_ACCOUNT_JSON)"
        )
    if key_file is not None:
        source = f"service_account_file {key_file}"
        try:
            text = Path(key_file).expanduser().read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigurationError(f"google: {source} cannot be read: {exc.strerror}") from None
    else:
        assert key_json is not None
        source = "service_account_json"
        text = key_json.get_secret_value()
    try:
        info = json.loads(text)
    except ValueError:
        raise ConfigurationError(f"google: {source} is not valid JSON (the content is not shown)") from None
    if not isinstance(info, dict) or info.get("type") != "service_account":
        raise ConfigurationError(
            f'google: {source} is not a service-account key (expected "type": "service_account"); '
            "create a JSON key for the service account in the Google Cloud console"
        )
    info.setdefault("token_uri", DEFAULT_TOKEN_URI)
    missing = [k for k in _REQUIRED_KEYS if not info.get(k)]
    if missing:
        raise ConfigurationError(f"google: {source} lacks {', '.join(missing)}")
    return info


def base_credentials(info: Mapping[str, Any]) -> service_account.Credentials:
    try:
        creds: service_account.Credentials = service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
            dict(info)
        )
    except ValueError as exc:
        raise ConfigurationError(
            f"google: the service-account private key cannot be loaded ({type(exc).__name__}); the key is not shown"
        ) from None
    return creds


class _AuthResponse(google.auth.transport.Response):
    def __init__(self, status: int, headers: Mapping[str, str], data: bytes) -> None:
        self._status = status
        self._headers = dict(headers)
        self._data = data

    @property
    def status(self) -> int:
        return self._status

    @property
    def headers(self) -> Mapping[str, str]:
        return self._headers

    @property
    def data(self) -> bytes:
        return self._data


class HttpxAuthRequest(google.auth.transport.Request):
    """google-auth's transport, sending through an HttpCore (no auth of its own) over httpx."""

    def __init__(self, core: HttpCore) -> None:
        self.core = core

    def __call__(
        self,
        url: str,
        method: str = "GET",
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> google.auth.transport.Response:
        form = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True)) if body else None
        keep = {k: v for k, v in (headers or {}).items() if k.lower() not in {"content-type", "content-length"}}
        response = self.core.request(method, url, data=form, headers=keep or None)
        return _AuthResponse(response.status_code, response.headers, response.content)


class DelegatedAuth:
    """Bearer tokens for one impersonated user and one scope set (an HttpCore ``Authenticator``)."""

    def __init__(self, credentials: service_account.Credentials, request: HttpxAuthRequest) -> None:
        self._credentials = credentials
        self._request = request
        self._lock = threading.Lock()
        self.tokens_fetched = 0

    @classmethod
    def for_subject(
        cls, base: service_account.Credentials, subject: str, scopes: tuple[str, ...], request: HttpxAuthRequest
    ) -> DelegatedAuth:
        creds = cast(Any, base).with_subject(subject).with_scopes(list(scopes))
        return cls(creds, request)

    @property
    def subject(self) -> str | None:
        return cast(str | None, getattr(self._credentials, "_subject", None))

    def auth_headers(self) -> dict[str, str]:
        with self._lock:
            creds = cast(Any, self._credentials)
            if not creds.valid:
                creds.refresh(self._request)
                self.tokens_fetched += 1
            return {"Authorization": f"Bearer {creds.token}"}

    def invalidate(self, rejected: str | None = None) -> None:
        with self._lock:
            creds = cast(Any, self._credentials)
            if rejected is None or rejected == f"Bearer {creds.token}":
                creds.token = None


__all__ = ["DEFAULT_TOKEN_URI", "DelegatedAuth", "HttpxAuthRequest", "base_credentials", "load_service_account_info"]
