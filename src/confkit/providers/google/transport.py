"""The one HTTP path: googleapiclient builds requests, confkit's :class:`HttpCore` sends them.

google-api-python-client is used for what it is good at - turning the bundled discovery documents
into correct URLs, query strings and JSON bodies, and decoding the answers - and nothing else:

* Services are built once per process from the discovery documents shipped in the wheel
  (``static_discovery=True``, never a network fetch) and shared by every provider instance
  (:func:`service`). They are bound to :class:`_Unbound`, so a request that is not explicitly
  executed through confkit fails loudly instead of opening its own connection.
* Each request is executed with ``http=`` a :class:`HttpCoreAdapter`: an httplib2-compatible object
  whose ``request()`` sends through :class:`~confkit.http.core.HttpCore` over the provider's injected
  ``httpx.Client``. Retries (429, 5xx, 403 rateLimitExceeded, Retry-After in every form), the
  client-side rate limiter, token renewal on 401, error mapping, fakes and cassettes are therefore
  exactly the ones Zoom and Webex use. googleapiclient's own retry loop stays off (``num_retries=0``).
* HttpCore raises a confkit error for every HTTP error, so googleapiclient never sees a status
  >= 400 and never raises its ``HttpError``.
"""

from __future__ import annotations

import functools
import importlib.metadata
import json
import threading
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

import httplib2
import orjson
from googleapiclient.discovery import build
from googleapiclient.model import JsonModel

from confkit.errors import ConfkitError
from confkit.http.core import HttpCore
from confkit.logs.raw import PageSplitter

#: (build name, version) of every API the adapter uses, by discovery name.
APIS: dict[str, tuple[str, str]] = {
    "calendar": ("calendar", "v3"),
    "meet": ("meet", "v2"),
    "directory": ("admin", "directory_v1"),
    "reports": ("admin", "reports_v1"),
    "cloudidentity": ("cloudidentity", "v1"),
}

# Request headers googleapiclient sets that httpx computes itself or that carry nothing useful.
_DROP_HEADERS = frozenset({"content-length", "accept-encoding", "user-agent", "accept", "host"})


def _user_agent() -> str:
    try:
        version = importlib.metadata.version("confkit")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        version = "dev"
    return f"confkit/{version} (gzip)"


#: Google compresses a response only for a request that accepts gzip (httpx does) *and* whose User-Agent
#: contains "gzip" (Google's "Performance tips"); a Reports page of 1,000 activities is ~1 MB of JSON.
USER_AGENT = _user_agent()

_services: dict[str, Any] = {}
_services_lock = threading.Lock()


class _Unbound:
    """The ``http`` services are built with: using it means a request bypassed confkit."""

    def request(self, uri: str, method: str = "GET", *args: Any, **kwargs: Any) -> Any:
        raise ConfkitError(f"internal error: {method} {uri.split('?', 1)[0]} was not sent through confkit's HttpCore")


class _FastJsonModel(JsonModel):  # type: ignore[misc]
    """googleapiclient's JSON model decoding bodies with orjson: about twice the standard library's
    speed on Reports pages of a thousand activities (what orjson refuses goes to the standard library)."""

    def deserialize(self, content: Any) -> Any:
        if isinstance(content, bytes | str) and content:
            try:
                body = orjson.loads(content)
            except orjson.JSONDecodeError:
                return super().deserialize(content)
            if self._data_wrapper and isinstance(body, dict) and "data" in body:
                body = body["data"]
            return body
        return super().deserialize(content)


def service(api: str) -> Any:
    """The googleapiclient ``Resource`` for ``api`` (a key of :data:`APIS`), built once per process."""
    with _services_lock:
        svc = _services.get(api)
        if svc is None:
            name, version = APIS[api]
            svc = build(name, version, http=_Unbound(), static_discovery=True, cache_discovery=False,
                        model=_FastJsonModel())
            _services[api] = svc
        return svc


@functools.cache
def reports_activities() -> Any:
    """The Reports ``activities`` resource, made once: each ``activities()`` call builds its methods again
    from the discovery document (about a millisecond), and a request built from it keeps no state in it."""
    return service("reports").activities()


class _SplitJsonModel(_FastJsonModel):
    """Bodies read by a :class:`~confkit.logs.raw.PageSplitter`: ``(pairs, fields)`` instead of a dict, or the
    dict as usual when the page cannot be read that way."""

    def __init__(self, splitter: PageSplitter) -> None:
        super().__init__()
        self.splitter = splitter

    def deserialize(self, content: Any) -> Any:
        if isinstance(content, bytes) and content:
            split = self.splitter.split(content)
            if split is not None:
                return split
        return super().deserialize(content)


@functools.cache
def reports_activities_split(splitter: PageSplitter) -> Any:
    """The Reports ``activities`` resource whose responses are split by ``splitter`` (made once per splitter)."""
    name, version = APIS["reports"]
    built = build(name, version, http=_Unbound(), static_discovery=True, cache_discovery=False,
                  model=_SplitJsonModel(splitter))
    return built.activities()


class HttpCoreAdapter:
    """An httplib2.Http look-alike that sends through :class:`HttpCore`.

    ``request(uri, method, body, headers, redirections, connection_type)`` returns
    ``(httplib2.Response, bytes)`` like ``httplib2.Http.request``. ``bucket`` names the client-side
    rate-limit bucket the request counts against.
    """

    def __init__(self, core: HttpCore, *, bucket: str | None = None) -> None:
        self.core = core
        self.bucket = bucket

    def request(
        self,
        uri: str,
        method: str = "GET",
        body: str | bytes | None = None,
        headers: Mapping[str, str] | None = None,
        redirections: int = httplib2.DEFAULT_MAX_REDIRECTS,
        connection_type: Any = None,
    ) -> tuple[httplib2.Response, bytes]:
        send_headers = {k: v for k, v in (headers or {}).items() if k.lower() not in _DROP_HEADERS}
        send_headers["User-Agent"] = USER_AGENT
        content_type = next((v for k, v in send_headers.items() if k.lower() == "content-type"), "")
        payload: Any = None
        form: dict[str, str] | None = None
        if body:
            text = body.decode("utf-8") if isinstance(body, bytes) else body
            if "json" in content_type:
                payload = json.loads(text)
            elif "x-www-form-urlencoded" in content_type:  # googleapiclient turns a >2 KB GET into a POST
                form = dict(parse_qsl(text, keep_blank_values=True))
            else:
                raise ConfkitError(f"internal error: unexpected {content_type or 'untyped'} body for {method} {uri}")
            send_headers = {k: v for k, v in send_headers.items() if k.lower() != "content-type"}
        response = self.core.request(
            method, uri, json=payload, data=form, headers=send_headers or None, bucket=self.bucket
        )
        # httpx has already decoded the body: drop the headers that describe the encoded one.
        info: dict[str, Any] = {
            k.lower(): v for k, v in response.headers.items() if k.lower() not in {"content-encoding", "content-length"}
        }
        info["status"] = str(response.status_code)
        resp = httplib2.Response(info)
        resp.reason = response.reason_phrase
        return resp, response.content


__all__ = ["APIS", "HttpCoreAdapter", "service"]
