"""Models of Webex's JSON, field names exactly as in Cisco's OpenAPI files (webex-meeting.json,
webex-admin.json). Unknown fields are kept (``extra="allow"``) so a newer Webex field is never dropped.

Spec quirks kept as they are: ``Person.loginEnabled`` and ``Person.invitePending`` are the *strings*
``"true"``/``"false"`` in responses but ``loginEnabled`` is a boolean in the ``PUT /people/{id}``
body; ``Person.status`` is presence (``active``, ``meeting``, ``DoNotDisturb`` ...), not the account
state.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Wire(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class WebexAudioOptions(_Wire):
    muteAttendeeUponEntry: bool | None = None
    allowAttendeeToUnmuteSelf: bool | None = None


class WebexAttendeePrivileges(_Wire):
    enabledShareContent: bool | None = None


class WebexMeeting(_Wire):
    """A meeting series, scheduled meeting (occurrence) or meeting instance."""

    id: str
    title: str = ""
    meetingType: str = "meetingSeries"  # meetingSeries | scheduledMeeting | meeting
    state: str | None = None
    meetingSeriesId: str | None = None
    scheduledMeetingId: str | None = None
    agenda: str | None = None
    password: str | None = None
    timezone: str | None = None
    start: str | None = None
    end: str | None = None
    recurrence: str | None = None
    hostUserId: str | None = None
    hostEmail: str | None = None
    siteUrl: str | None = None
    webLink: str | None = None
    scheduledType: str | None = None
    enabledAutoRecordMeeting: bool | None = None
    enabledJoinBeforeHost: bool | None = None
    joinBeforeHostMinutes: int | None = None
    unlockedMeetingJoinSecurity: str | None = None  # allowJoin | allowJoinWithLobby | blockFromJoin
    enableAutomaticLock: bool | None = None
    automaticLockMinutes: float | None = None  # "number" in the spec; minutes after the start
    requireAttendeeLogin: bool | None = None
    audioConnectionOptions: WebexAudioOptions | None = None
    attendeePrivileges: WebexAttendeePrivileges | None = None


class WebexList(_Wire):
    """Every Webex list body: ``{"items": [...]}`` (people add ``notFoundIds``)."""

    items: list[dict[str, Any]] = Field(default_factory=list)


class WebexPerson(_Wire):
    id: str
    emails: list[str] = Field(default_factory=list)
    displayName: str | None = None
    firstName: str | None = None
    lastName: str | None = None
    orgId: str | None = None
    roles: list[str] | None = None
    licenses: list[str] | None = None
    locationId: str | None = None
    department: str | None = None
    timezone: str | None = None
    created: str | None = None
    loginEnabled: str | bool | None = None  # "true"/"false" per the spec; a boolean is tolerated
    invitePending: str | bool | None = None
    type: str | None = None


class WebexLicense(_Wire):
    id: str
    name: str | None = None
    siteUrl: str | None = None  # set on Meetings licences


class WebexRole(_Wire):
    id: str
    name: str | None = None


class WebexToken(_Wire):
    """A token endpoint answer (``/access_token`` and ``/applications/{id}/token``)."""

    access_token: str
    expires_in: int | None = None
    refresh_token: str | None = None
    refresh_token_expires_in: int | None = None
    token_type: str | None = None
