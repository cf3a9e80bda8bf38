"""Models of the Google JSON confkit reads, field names exactly as in the bundled discovery documents.

Only the fields confkit maps are declared; everything else is kept (``extra="allow"``), and the
untouched JSON always lands in the neutral object's ``raw``. int64 fields arrive as JSON strings
(``intValue: "762"``) and are typed ``str`` here; :func:`int64` converts them.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Wire(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


def int64(value: str | int | None) -> int | None:
    """A discovery ``format: int64`` value (sent as a JSON string) as an int."""
    if value is None or value == "":
        return None
    return int(value)


# -- Calendar v3 ------------------------------------------------------------------------------------


class EventDateTime(_Wire):
    date: str | None = None
    dateTime: str | None = None
    timeZone: str | None = None


class EventPerson(_Wire):
    email: str | None = None
    id: str | None = None
    displayName: str | None = None
    self_: bool | None = Field(default=None, alias="self")


class ConferenceSolutionKey(_Wire):
    type: str | None = None


class ConferenceRequestStatus(_Wire):
    statusCode: str | None = None  # pending | success | failure


class CreateConferenceRequest(_Wire):
    requestId: str | None = None
    conferenceSolutionKey: ConferenceSolutionKey | None = None
    status: ConferenceRequestStatus | None = None


class EntryPoint(_Wire):
    entryPointType: str | None = None  # video | phone | sip | more
    uri: str | None = None
    label: str | None = None


class ConferenceSolution(_Wire):
    key: ConferenceSolutionKey | None = None
    name: str | None = None


class ConferenceData(_Wire):
    conferenceId: str | None = None
    conferenceSolution: ConferenceSolution | None = None
    createRequest: CreateConferenceRequest | None = None
    entryPoints: list[EntryPoint] = []

    @property
    def solution_type(self) -> str | None:
        if self.conferenceSolution and self.conferenceSolution.key:
            return self.conferenceSolution.key.type
        if self.createRequest and self.createRequest.conferenceSolutionKey:
            return self.createRequest.conferenceSolutionKey.type
        return None

    @property
    def status(self) -> str | None:
        if self.createRequest and self.createRequest.status:
            return self.createRequest.status.statusCode
        return "success" if self.conferenceId else None

    @property
    def video_uri(self) -> str | None:
        return next((e.uri for e in self.entryPoints if e.entryPointType == "video"), None)


class Event(_Wire):
    id: str
    status: str | None = None  # confirmed | tentative | cancelled
    summary: str | None = None
    description: str | None = None
    start: EventDateTime | None = None
    end: EventDateTime | None = None
    recurrence: list[str] = []
    recurringEventId: str | None = None
    organizer: EventPerson | None = None
    creator: EventPerson | None = None
    hangoutLink: str | None = None
    conferenceData: ConferenceData | None = None
    created: str | None = None
    updated: str | None = None
    eventType: str | None = None


class Events(_Wire):
    items: list[dict[str, Any]] = []
    nextPageToken: str | None = None


# -- Meet v2 -----------------------------------------------------------------------------------------


class ActiveConference(_Wire):
    conferenceRecord: str | None = None


class Space(_Wire):
    name: str  # spaces/{id}
    meetingUri: str | None = None
    meetingCode: str | None = None
    config: dict[str, Any] = {}
    activeConference: ActiveConference | None = None


# -- Admin SDK Directory v1 ----------------------------------------------------------------------------


class UserName(_Wire):
    givenName: str | None = None
    familyName: str | None = None
    fullName: str | None = None
    displayName: str | None = None


class DirectoryUser(_Wire):
    id: str | None = None
    primaryEmail: str
    name: UserName | None = None
    suspended: bool | None = None
    archived: bool | None = None
    isAdmin: bool | None = None
    isDelegatedAdmin: bool | None = None
    orgUnitPath: str | None = None
    creationTime: str | None = None


class Users(_Wire):
    users: list[dict[str, Any]] = []
    nextPageToken: str | None = None


class OrgUnit(_Wire):
    orgUnitId: str | None = None  # "id:03ph8a2z..."
    orgUnitPath: str | None = None
    name: str | None = None


class OrgUnits(_Wire):
    organizationUnits: list[OrgUnit] = []


# -- Cloud Identity v1 policies ------------------------------------------------------------------------


class PolicyQuery(_Wire):
    orgUnit: str | None = None  # orgUnits/{id}
    group: str | None = None  # groups/{id}
    query: str | None = None
    sortOrder: float | None = None


class Setting(_Wire):
    type: str  # settings/meet.safety_access ...
    value: dict[str, Any] = {}


class Policy(_Wire):
    name: str
    customer: str | None = None
    policyQuery: PolicyQuery | None = None
    setting: Setting
    type: str | None = None  # SYSTEM | ADMIN


class ListPoliciesResponse(_Wire):
    policies: list[dict[str, Any]] = []
    nextPageToken: str | None = None


# -- Admin SDK Reports v1 ------------------------------------------------------------------------------


class ActivityParameter(_Wire):
    name: str
    value: str | None = None
    intValue: str | None = None  # int64 as a string
    boolValue: bool | None = None
    multiValue: list[str] | None = None
    multiIntValue: list[str] | None = None


class ActivityEvent(_Wire):
    type: str | None = None
    name: str | None = None
    parameters: list[ActivityParameter] = []


class ActivityId(_Wire):
    time: str | None = None
    uniqueQualifier: str | None = None  # int64 as a string
    applicationName: str | None = None
    customerId: str | None = None


class ActivityActor(_Wire):
    callerType: str | None = None
    email: str | None = None
    profileId: str | None = None
    key: str | None = None


class Activity(_Wire):
    id: ActivityId | None = None
    actor: ActivityActor | None = None
    ipAddress: str | None = None
    events: list[ActivityEvent] = []


class Activities(_Wire):
    items: list[dict[str, Any]] = []
    nextPageToken: str | None = None
