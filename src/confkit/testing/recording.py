"""Cassette hygiene: the VCR configuration confkit records with, and its scrubbers.

The same configuration is used to record from confkit's fakes and from a real tenant (see
docs/recording.md), so secrets never reach a cassette either way:

* request headers ``Authorization``, ``Cookie`` and vendor key headers are dropped;
* token-endpoint request bodies (client secrets, JWT assertions, refresh tokens) are replaced;
* ``access_token``, ``refresh_token``, ``id_token``, ``client_secret`` and ``assertion`` values in
  JSON or form bodies are replaced with ``"<REDACTED>"``;
* response headers that set cookies are dropped.

Use it from pytest-recording::

    @pytest.fixture(scope="module")
    def vcr_config():
        return confkit.testing.recording.vcr_config()
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode

REDACTED = "<REDACTED>"
SECRET_KEYS = frozenset(
    {
        "access_token",
        "refresh_token",
        "id_token",
        "client_secret",
        "assertion",
        "password",
        "code",
        "client_assertion",
        # vendor fields that are secrets: Webex meeting passwords and host keys, service-app secrets
        "clientSecret",
        "hostKey",
        "phoneAndVideoSystemPassword",
        "panelistPassword",
        "phoneAndVideoSystemPanelistPassword",
    }
)
FILTER_HEADERS = ["authorization", "cookie", "x-api-key", "proxy-authorization"]
RESPONSE_HEADERS_DROPPED = ("set-cookie",)
_BEARER = re.compile(r"Bearer [A-Za-z0-9._~+/=-]+")


def _scrub_json(value: Any, secret_keys: frozenset[str]) -> Any:
    if isinstance(value, dict):
        return {
            k: (REDACTED if k in secret_keys and isinstance(v, str) and v else _scrub_json(v, secret_keys))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_scrub_json(v, secret_keys) for v in value]
    return value


def scrub_text(text: str, *, secret_keys: frozenset[str] = SECRET_KEYS) -> str:
    """Scrub a JSON or form-encoded body; other text only loses bearer tokens."""
    stripped = text.strip()
    if stripped.startswith(("{", "[")):
        try:
            data = json.loads(stripped)
        except ValueError:
            return _BEARER.sub("Bearer " + REDACTED, text)
        return json.dumps(_scrub_json(data, secret_keys))
    if "=" in stripped and " " not in stripped:
        pairs = parse_qsl(stripped, keep_blank_values=True)
        if pairs:
            return urlencode([(k, REDACTED if k in secret_keys and v else v) for k, v in pairs])
    return _BEARER.sub("Bearer " + REDACTED, text)


def _as_text(body: Any) -> str | None:
    if body is None:
        return None
    if isinstance(body, bytes | bytearray):
        try:
            return bytes(body).decode("utf-8")
        except UnicodeDecodeError:
            return None
    return str(body)


def before_record_request(request: Any) -> Any:
    text = _as_text(request.body)
    if text:
        request.body = scrub_text(text).encode("utf-8")
    return request


def before_record_response(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.get("headers") or {}
    for name in list(headers):
        if name.lower() in RESPONSE_HEADERS_DROPPED:
            del headers[name]
    body = response.get("body") or {}
    text = _as_text(body.get("string"))
    if text:
        body["string"] = scrub_text(text).encode("utf-8")
    return response


def vcr_config() -> dict[str, Any]:
    """Keyword arguments for ``vcr.VCR`` / pytest-recording's ``vcr_config`` fixture."""
    return {
        "filter_headers": FILTER_HEADERS,
        "before_record_request": before_record_request,
        "before_record_response": before_record_response,
        "decode_compressed_response": True,
        "match_on": ["method", "scheme", "host", "port", "path", "query"],
    }


__all__ = ["REDACTED", "before_record_request", "before_record_response", "scrub_text", "vcr_config"]
