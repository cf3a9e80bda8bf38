"""authlib's OAuth 2 client authentication as an httpx auth flow, shared by the token clients.

confkit's token clients are authlib :class:`~authlib.oauth2.client.OAuth2Client` subclasses that
send their requests through confkit's own ``httpx.Client`` (so tests, fakes and cassettes see
them). authlib authenticates the client to the token endpoint with a :class:`ClientAuth` whose
``prepare(method, uri, headers, body)`` adds the credentials: an ``Authorization: Basic`` header
(``client_secret_basic``, Zoom) or ``client_id``/``client_secret`` in the form body
(``client_secret_post``, Webex). :class:`HttpxClientAuth` runs that step as an :class:`httpx.Auth`
flow. Use it as ``client_auth_class`` of the token client::

    class _TokenClient(OAuth2Client):
        client_auth_class = HttpxClientAuth
"""

from __future__ import annotations

from collections.abc import Generator

import httpx
from authlib.oauth2.auth import ClientAuth


class HttpxClientAuth(httpx.Auth, ClientAuth):  # type: ignore[misc]
    """authlib's client authentication (``client_secret_basic``, ``client_secret_post`` or ``none``) as an
    httpx auth flow.

    The form body is handed to authlib as text, which every authlib method accepts (the
    ``_post`` and ``none`` methods append parameters to it); the request is rebuilt from what
    authlib returns, so the credentials are added exactly once, to this request only.
    """

    requires_request_body = True

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        body = request.content.decode("utf-8")
        url, headers, body = self.prepare(request.method, str(request.url), request.headers, body)
        yield httpx.Request(request.method, url, headers=headers, content=body)


__all__ = ["HttpxClientAuth"]
