"""Test support: in-process fakes of the vendors' APIs, served as httpx transports.

``httpx.Client(transport=FakeZoom())`` talks to a stateful fake of Zoom's REST API with no network
at all, so a district's own tools (and confkit's adapters) can be tested end to end::

    from confkit.testing import FakeZoom

    fake = FakeZoom()
    fake.add_user("teacher@district.example", first_name="Ada", last_name="Adams")
    fake.rate_limit_next("qps")             # inject Zoom's real 429 on the next API call
    client = httpx.Client(transport=fake)

:class:`FakeAPI` and its helpers are the shared base for writing further fakes.
"""

from confkit.testing._fake import Call, FakeAPI, Fault, Reply, Route, json_response, route
from confkit.testing.google import FakeGoogle
from confkit.testing.webex import FakeWebex
from confkit.testing.zoom import FakeZoom

__all__ = [
    "Call",
    "FakeAPI",
    "FakeGoogle",
    "FakeWebex",
    "FakeZoom",
    "Fault",
    "Reply",
    "Route",
    "json_response",
    "route",
]
