"""Serve a fake (any httpx transport) on a loopback socket, for end-to-end tests and benchmarks.

The fakes are httpx transports; some checks need real sockets: a CLI run in a subprocess, or a
benchmark that must pay for real HTTP. :func:`serve` starts a threaded HTTP server on 127.0.0.1 that
hands each request to the transport, rewriting the URL back to the vendor's host so the fake sees
exactly what it would see in-process::

    with serve(FakeZoom(), routes={"/oauth/": "https://zoom.us", "/": "https://api.zoom.us"}) as base:
        ...  # base == "http://127.0.0.1:PORT"; point base_url / token_url at it

Only loopback is ever bound.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding", "server", "date"}


def _handler(transport: httpx.BaseTransport, routes: Mapping[str, str]) -> type[BaseHTTPRequestHandler]:
    ordered = sorted(routes.items(), key=lambda kv: -len(kv[0]))

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # keep-alive requests must not wait for delayed ACKs

        def _forward(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            origin = next((o for prefix, o in ordered if self.path.startswith(prefix)), None)
            if origin is None:
                self.send_error(404, "no route")
                return
            headers = [(k, v) for k, v in self.headers.items() if k.lower() not in {"host", "connection"}]
            request = httpx.Request(self.command, origin.rstrip("/") + self.path, headers=headers, content=body)
            try:
                response = transport.handle_request(request)
                response.read()
            except httpx.TransportError:
                self.close_connection = True
                self.connection.close()
                return
            content = response.content
            self.send_response(response.status_code)
            for key, value in response.headers.multi_items():
                if key.lower() not in HOP_BY_HOP:
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _forward

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that goes away with its keep-alive connection open (a process that ends) is normal."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


@contextmanager
def serve(transport: httpx.BaseTransport, routes: Mapping[str, str]) -> Iterator[str]:
    """Serve ``transport`` on ``http://127.0.0.1:<free port>`` until the block ends."""
    server = _Server(("127.0.0.1", 0), _handler(transport, routes))
    thread = threading.Thread(target=server.serve_forever, name="confkit-fake-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


__all__ = ["serve"]
