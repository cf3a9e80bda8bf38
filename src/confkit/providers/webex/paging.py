"""``Link: <...>; rel="next"`` pagination and the repair of Webex's known broken next links.

Webex pages every list with an RFC 8288 ``Link`` header; only ``rel="next"`` is guaranteed. Its next
links have been seen carrying ``max=null`` and dropping filter parameters (WebexPythonSDK #168/#169,
#255/#261), which makes the next page fail or silently lose the filter. :func:`repair_next_url`
removes ``null`` values, adds back every original query parameter the link dropped, and keeps the
link on the configured API host so a bearer token is never sent anywhere else.
"""

from __future__ import annotations

from collections.abc import Mapping

import httpx

_NULLS = frozenset({"null", "none", "undefined"})


def next_link(response: httpx.Response) -> str | None:
    """The ``rel="next"`` URL of a response, or ``None`` on the last page."""
    found = response.links.get("next") or {}
    url = found.get("url")
    return url or None


def repair_next_url(next_url: str, sent: Mapping[str, str], base_url: str) -> str:
    """``next_url`` with ``null`` values removed, dropped ``sent`` parameters re-added, on ``base_url``'s host."""
    base = httpx.URL(base_url)
    url = base.join(next_url)
    if (url.scheme, url.host, url.port) != (base.scheme, base.host, base.port):
        url = url.copy_with(scheme=base.scheme, host=base.host, port=base.port)
    kept = [(k, v) for k, v in url.params.multi_items() if v.strip().lower() not in _NULLS]
    present = {k for k, _ in kept}
    kept += [(k, v) for k, v in sent.items() if k not in present]
    return str(url.copy_with(params=kept))


__all__ = ["next_link", "repair_next_url"]
