"""The one table of Google calls: who is impersonated and which OAuth scopes each call asks for.

Keyed by the discovery method id (``HttpRequest.methodId``). Every call asks only for the narrowest
scope its discovery document accepts; a token is fetched per (impersonated user, scope set) and
cached until it expires. ``docs/providers/google.md`` shows the same table (a unit test keeps the
two in step), and the Workspace admin authorises exactly :data:`ALL_SCOPES` for the service
account's client id under Security -> API controls -> Domain-wide delegation.

``admin`` calls impersonate the configured ``admin_email`` (a super admin for the Policy API);
``organizer`` calls impersonate the meeting's organiser (the host), the only user Meet lets patch
a space or end its conference.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

AUTH_PREFIX = "https://www.googleapis.com/auth/"
Subject = Literal["admin", "organizer"]


@dataclass(frozen=True)
class Call:
    subject: Subject
    scopes: tuple[str, ...]
    purpose: str

    @property
    def scope_urls(self) -> tuple[str, ...]:
        return tuple(AUTH_PREFIX + s for s in self.scopes)


CALLS: dict[str, Call] = {
    "calendar.events.list": Call("organizer", ("calendar.events.owned.readonly",), "list a host's upcoming meetings"),
    "calendar.events.get": Call("organizer", ("calendar.events.owned.readonly",), "read a scheduled meeting"),
    "calendar.events.insert": Call("organizer", ("calendar.events.owned",), "schedule a meeting with a Meet link"),
    "calendar.events.patch": Call("organizer", ("calendar.events.owned",), "change a scheduled meeting"),
    "calendar.events.delete": Call("organizer", ("calendar.events.owned",), "cancel a scheduled meeting"),
    "meet.spaces.create": Call("organizer", ("meetings.space.created",), "create a standalone meeting space"),
    "meet.spaces.get": Call("organizer", ("meetings.space.settings",), "read a space's security settings"),
    "meet.spaces.patch": Call("organizer", ("meetings.space.settings",), "apply security settings to a space"),
    "meet.spaces.endActiveConference": Call(
        "organizer", ("meetings.space.created",), "end a running conference (app-created spaces only)"
    ),
    "directory.users.list": Call("admin", ("admin.directory.user.readonly",), "list users"),
    "directory.users.get": Call("admin", ("admin.directory.user.readonly",), "read a user"),
    "directory.users.insert": Call("admin", ("admin.directory.user",), "create a user"),
    "directory.users.patch": Call("admin", ("admin.directory.user",), "suspend / unsuspend a user"),
    "directory.orgunits.list": Call("admin", ("admin.directory.orgunit.readonly",), "name org units in settings"),
    "reports.activities.list": Call("admin", ("admin.reports.audit.readonly",), "read the Meet audit log"),
    "cloudidentity.policies.list": Call(
        "admin", ("cloud-identity.policies.readonly",), "read Meet admin policies (super admin only)"
    ),
}

ALL_SCOPES: tuple[str, ...] = tuple(sorted({AUTH_PREFIX + s for call in CALLS.values() for s in call.scopes}))

__all__ = ["ALL_SCOPES", "AUTH_PREFIX", "CALLS", "Call", "Subject"]
