"""FakeWebex: a stateful, in-process fake of Webex's REST API v1, served as an httpx transport.

Use it wherever a real Webex org would be needed::

    fake = FakeWebex()
    admin = fake.add_person("it.admin@district.example", "IT", "Admin", admin=True)
    refresh = fake.authorize_integration("C-client", "secret", admin["emails"][0])
    client = httpx.Client(transport=fake)           # no sockets, no network
    webex = confkit.connect("webex", client=client, client_id="C-client", client_secret="secret",
                            refresh_token=refresh, token_store="memory")

What it models, after Cisco's OpenAPI files (``specs/webex/webex-meeting.json``, ``webex-admin.json``)
and the research notes (``notes/webex.md``); every JSON field it returns exists in the response
schema of its operation (the shape differs per operation: ``GET /meetings/{id}`` answers a
``MeetingSeriesObject``, lists and ``PATCH`` a ``MeetingObjectForListMeeting``):

* OAuth at ``POST https://webexapis.com/v1/access_token`` (form body, client id and secret in it):
  ``grant_type=refresh_token`` answers a new access token **and a rotated refresh token**. The
  previous refresh token stays valid until the new one, or an access token minted with it, is
  first used; then it is revoked (reusing it answers ``invalid_grant``). So a client that persists
  a rotated token before using it can always recover from a crash, and one that does not, cannot.
  Service-app tokens at ``POST /applications/{applicationId}/token``; personal access tokens.
* People: ``GET/POST /people``, ``GET/PUT/DELETE /people/{personId}``, ``GET /people/me``,
  ``GET /licenses``, ``GET /roles``; ``PUT`` is a full replace; ``loginEnabled`` and
  ``invitePending`` are the strings ``"true"``/``"false"``; ``?id=`` lists omit admin fields.
* Meetings: ``GET/POST /meetings``, ``GET/PATCH/DELETE /meetings/{meetingId}`` (series and their
  occurrences ``<seriesId>_<YYYYMMDDTHHMMSSZ>``), ``GET /admin/meetings/{meetingId}``; admins act for
  a host with ``hostEmail``. Server rules: duration 10 min - 23 h 59 min, start not in the past nor
  10 years ahead, the site's password rules, ``joinBeforeHostMinutes`` 0/5/10/15, 100 creates per
  user per 24 h (admins 3000, 800 for one user; failures count). Like Webex it silently keeps only
  the first value of a multi-valued monthly/yearly ``BYMONTHDAY``/``BYDAY`` and caps a series with
  an end at five years from now - confkit's adapter refuses both before sending.
* Site settings: ``GET/PATCH /admin/meeting/config/commonSettings`` with Webex's constraints.
* Pages: ``Link: <...>; rel="next"``. Webex's spec declares no pagination parameter, and the real
  service's links carry undocumented cursor parameters (notes §5: ``before&after=...``); the fake builds
  its links from declared parameters only, used with their declared meaning, so recorded cassettes pass
  the contract check (docs/providers/webex.md). ``GET /meetings`` orders what overlaps [from, to) by the
  end of its last occurrence and its next link moves ``from`` just past the page's last end (same
  ``to`` and filters); ``GET /people`` caps a page at 85 and its next link lists the next page with
  ``id`` (at most 85 ids), the filters and ``max``. With :attr:`FakeWebex.broken_next_links` the links
  carry ``max=null`` and only the position (``from``, ``id``), dropping the filters: the quirk
  WebexPythonSDK #168/#255 describe. Unrepaired, page 2 fails or silently loses the filter.
* Audit logs and participants (``webex-admin.json``, ``webex-meeting.json``): ``GET /adminAudit/events``
  (required ``orgId``/``from``/``to``, at most a year, ``max`` up to 200, newest first, next links with the
  declared ``offset``), ``GET /adminAudit/eventCategories``, ``GET /admin/securityAudit/events``
  (``startTime``/``endTime``, ``max`` up to 1000, oldest first, next links move ``startTime`` past the page;
  403 without :attr:`FakeWebex.security_audit_available`), ended instances in ``GET /meetings?meetingType=
  meeting`` (15 minutes after their end, the whole org's for a full admin, at most 10,000 per listing) and
  ``GET /meetingParticipants`` (ordered by join; next links move the declared ``joinTimeFrom``). Seed them
  with :meth:`FakeWebex.add_admin_audit_event`, :meth:`~FakeWebex.add_security_audit_event` and
  :meth:`~FakeWebex.add_ended_meeting`; the sandbox district serves two weeks of them
  (:func:`sandbox_log_traffic`).
* Errors ``{"message", "errors": [{"description"}], "trackingId"}`` and the ``trackingid`` header;
  429/423 with ``Retry-After`` seconds through :meth:`FakeWebex.rate_limit_next`.

``FakeWebex`` is an :class:`httpx.MockTransport` (through :class:`~confkit.testing._fake.FakeAPI`)
whose handler is the fake, so vcrpy (which patches ``MockTransport.handle_request``) records its
traffic. Requests to endpoints it does not model, and declared parameters it does not model, raise
:class:`NotImplementedError`.
"""

from __future__ import annotations

import base64
import bisect
import copy
import hmac
import json
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrulestr

from confkit.http.clock import Clock
from confkit.models import AutoRecording, MeetingSecurity, WaitingRoom
from confkit.sandbox import SUBJECTS, ClassMeeting, District, SandboxPlatform
from confkit.testing._fake import (
    Call,
    FakeAPI,
    Fault,
    Int,
    Reply,
    Shape,
    Str,
    Timeline,
    canonical_json,
    deep_merge,
    json_response,
    route,
    validate,
)

API_HOST = "webexapis.com"
USGOV_HOST = "api-usgov.webex.com"
BASE_URL = f"https://{API_HOST}/v1"
TOKEN_URL = f"{BASE_URL}/access_token"

ACCESS_TOKEN_TTL = 1_209_599  # integration access tokens: about 14 days
REFRESH_TOKEN_TTL = 7_776_000  # refresh tokens: 90 days
SERVICE_APP_TOKEN_TTL = 3600  # the spec's example for service-app access tokens
PERSONAL_TOKEN_TTL = 12 * 3600  # personal access tokens: 12 hours
INTEGRATION_SCOPES = (
    "spark:people_read spark-admin:people_read spark-admin:people_write spark-admin:licenses_read "
    "spark-admin:roles_read meeting:schedules_read meeting:schedules_write meeting:admin_schedule_read "
    "meeting:admin_schedule_write meeting:admin_config_read meeting:admin_config_write spark:applications_token "
    "meeting:admin_participants_read audit:events_read"
)
CREATES_PER_USER = 100
CREATES_PER_ADMIN = 3000
CREATES_BY_ADMIN_FOR_ONE_USER = 800
QUOTA_WINDOW = timedelta(hours=24)
DEFAULT_PAGE = 10  # GET /meetings: max defaults to 10
MEETINGS_PAGE_MAX = 100
PEOPLE_PAGE_MAX = 100
IDS_MAX = 85  # GET /people?id= takes at most 85 ids


def _words(text: str) -> tuple[str, ...]:
    """Field or parameter names, space-separated, in order."""
    return tuple(text.split())


def _names(text: str) -> frozenset[str]:
    """Field or parameter names, space-separated, as a set."""
    return frozenset(_words(text))


MISSING_TOKEN = "The request requires a valid access token set in the Authorization request header."

# Response field sets per schema (webex-meeting.json): the shape differs per operation.
SERIES_FIELDS = _names(
    "id meetingNumber title agenda password phoneAndVideoSystemPassword meetingType state hostDidJoin "
    "attendeeDidJoin timezone start end recurrence hostUserId hostDisplayName hostEmail hostKey siteUrl webLink "
    "registerLink sipAddress dialInIpAddress roomId enabledAutoRecordMeeting allowAnyUserToBeCoHost "
    "enabledJoinBeforeHost enableConnectAudioBeforeHost joinBeforeHostMinutes excludePassword publicMeeting "
    "reminderTime unlockedMeetingJoinSecurity sessionTypeId scheduledType enabledWebcastView panelistPassword "
    "phoneAndVideoSystemPanelistPassword enableAutomaticLock automaticLockMinutes allowFirstUserToBeCoHost "
    "allowAuthenticatedDevices telephony meetingOptions attendeePrivileges registration integrationTags "
    "simultaneousInterpretation enabledBreakoutSessions links trackingCodes enabledAudioWatermark "
    "enabledVisualWatermark visualWatermarkOpacity audioConnectionOptions requireAttendeeLogin restrictToInvitees "
    "enabledLiveStream liveStream"
)  # MeetingSeriesObject: POST /meetings, GET /meetings/{meetingId}
LIST_FIELDS = (SERIES_FIELDS - {"registerLink"}) | _names(
    "meetingSeriesId scheduledMeetingId isModified hasChat hasRecording hasTranscription hasClosedCaption hasPolls "
    "hasQA hasSlido hasRegistration hasRegistrants hasPostEventSurvey"
)  # MeetingObjectForListMeeting: GET /meetings items, PATCH /meetings/{meetingId}
ADMIN_HIDDEN = _names(
    "agenda hostKey password phoneAndVideoSystemPassword panelistPassword phoneAndVideoSystemPanelistPassword "
    "webLink sipAddress dialInIpAddress registration"
)
ADMIN_FIELDS = (LIST_FIELDS - ADMIN_HIDDEN) | {"hasSummary"}  # MeetingObjectForAdminListMeeting
PERSON_ADMIN_FIELDS = ("licenses", "roles", "locationId", "siteUrls", "invitePending", "loginEnabled")
PRESENCE_FIELDS = ("status", "lastActivity")

MEETING_OPTIONS: Shape = {
    "enabledChat": bool, "enabledVideo": bool, "enabledPolling": bool, "enabledNote": bool,
    "noteType": ("allowAll", "allowOne"), "enabledFileTransfer": bool, "enabledUCFRichMedia": bool,
}  # fmt: skip
ATTENDEE_PRIVILEGES: Shape = dict.fromkeys(
    _words(
        "enabledShareContent enabledSaveDocument enabledPrintDocument enabledAnnotate enabledViewParticipantList "
        "enabledViewThumbnails enabledRemoteControl enabledViewAnyDocument enabledViewAnyPage "
        "enabledContactOperatorPrivately enabledChatHost enabledChatPresenter enabledChatOtherParticipants"
    ),  # in the spec's order, so the fake's answers are byte-for-byte reproducible
    bool,
)
AUDIO_OPTIONS: Shape = {
    "audioConnectionType": ("webexAudio", "VoIP", "other", "none"), "enabledTollFreeCallIn": bool,
    "enabledGlobalCallIn": bool, "enabledAudienceCallBack": bool,
    "entryAndExitTone": ("beep", "announceName", "noTone"), "allowHostToUnmuteParticipants": bool,
    "allowAttendeeToUnmuteSelf": bool, "muteAttendeeUponEntry": bool,
}  # fmt: skip
MEETING_PATCH: Shape = {
    "title": Str(max_len=128),
    "agenda": Str(max_len=1300),
    "password": str,
    "start": str,
    "end": str,
    "timezone": str,
    "recurrence": str,
    "enabledAutoRecordMeeting": bool,
    "allowAnyUserToBeCoHost": bool,
    "enabledJoinBeforeHost": bool,
    "enableConnectAudioBeforeHost": bool,
    "joinBeforeHostMinutes": (0, 5, 10, 15),
    "excludePassword": bool,
    "publicMeeting": bool,
    "reminderTime": Int(0, 10_080),
    "unlockedMeetingJoinSecurity": ("allowJoin", "allowJoinWithLobby", "blockFromJoin"),
    "enableAutomaticLock": bool,
    "automaticLockMinutes": Int(0, 20),
    "allowFirstUserToBeCoHost": bool,
    "allowAuthenticatedDevices": bool,
    "sendEmail": bool,
    "hostEmail": str,
    "meetingOptions": MEETING_OPTIONS,
    "attendeePrivileges": ATTENDEE_PRIVILEGES,
    "integrationTags": [Str(max_len=64)],
    "enabledBreakoutSessions": bool,
    "enabledAudioWatermark": bool,
    "enabledVisualWatermark": bool,
    "visualWatermarkOpacity": Int(5, 80),
    "audioConnectionOptions": AUDIO_OPTIONS,
}  # PatchMeetingObject fields the fake models
MEETING_CREATE: Shape = {
    **MEETING_PATCH,
    "siteUrl": str,
    "scheduledType": ("meeting",),
    "invitees": [{"email": str, "displayName": Str(max_len=128), "coHost": bool, "panelist": bool}],
}  # CreateMeetingObject fields the fake models
# Declared by the spec, not modelled by the fake: refused with NotImplementedError, never with a 400.
MEETING_UNMODELLED = _names(
    "adhoc roomId templateId sessionTypeId enabledWebcastView panelistPassword registration "
    "simultaneousInterpretation breakoutSessions trackingCodes requireAttendeeLogin restrictToInvitees "
    "enabledLiveStream liveStream"
)
PERSON_CREATE: Shape = {
    "emails": [str], "phoneNumbers": [{"type": ("work",), "value": str}], "extension": str, "locationId": str,
    "displayName": str, "firstName": str, "lastName": str, "avatar": str, "orgId": str, "roles": [str],
    "licenses": [str], "department": str, "manager": str, "managerId": str, "title": str,
    "addresses": [{k: str for k in ("type", "country", "locality", "region", "streetAddress", "postalCode")}],
    "siteUrls": [str],
}  # fmt: skip
PERSON_UPDATE: Shape = {**PERSON_CREATE, "nickName": str, "loginEnabled": bool}
PASSWORD_CRITERIA: Shape = {
    "mixedCase": bool, "minLength": Int(0, 12), "minNumeric": Int(0, 12), "minAlpha": Int(0, 12),
    "minSpecial": Int(0, 12), "disallowDynamicWebText": bool, "disallowList": bool, "disallowValues": [str],
}  # fmt: skip
COMMON_SETTINGS_UPDATE: Shape = {
    "siteOptions": {"allowCustomPersonalRoomURL": bool},
    "defaultSchedulerOptions": {
        "entryAndExitTone": ("NoTone", "Beep", "AnnounceName"), "joinTeleconfNotPress1": bool,
        "telephonySupport": ("None", "WebexTeleconferencing", "Other"), "tollFree": bool, "VoIP": bool,
    },
    "scheduleMeetingOptions": {"emailReminders": bool},
    "securityOptions": {
        "joinBeforeHost": bool, "audioBeforeHost": bool, "firstAttendeeAsPresenter": bool,
        "unlistAllMeetings": bool, "requireLoginBeforeAccess": bool, "allowMobileScreenCapture": bool,
        "requireStrongPassword": bool, "passwordCriteria": PASSWORD_CRITERIA,
    },
}  # fmt: skip
MEETINGS_QUERY = tuple(
    sorted(
        _names(
            "meetingNumber webLink roomId meetingSeriesId max from to meetingType state scheduledType isModified "
            "hasChat hasRecording hasTranscription hasSummary hasClosedCaption hasPolls hasQA hasSlido current "
            "hostEmail siteUrl integrationTag"
        )
    )
)
MEETINGS_QUERY_MODELLED = _names("meetingSeriesId max from to meetingType state scheduledType hostEmail siteUrl")
PEOPLE_QUERY = ("email", "displayName", "id", "orgId", "roles", "callingData", "locationId", "max", "excludeStatus")
#: How far past the last returned end a meetings next link moves ``from``. Every Webex time is a whole
#: minute (the fake, like Webex, drops seconds), so nothing can end inside this step.
PAGE_STEP = timedelta(seconds=1)

# -- audit logs and participants (webex-admin.json "Admin Audit Events", "Security Audit Events";
#    webex-meeting.json "Meeting Participants", GET /meetings?meetingType=meeting) -------------------------
ADMIN_AUDIT_QUERY = ("orgId", "from", "to", "actorId", "max", "offset", "eventCategories")
SECURITY_AUDIT_QUERY = ("orgId", "startTime", "endTime", "actorId", "max", "eventCategories")
PARTICIPANTS_QUERY = (
    "max", "meetingId", "breakoutSessionId", "meetingStartTimeFrom", "meetingStartTimeTo", "hostEmail",
    "joinTimeFrom", "joinTimeTo",
)  # fmt: skip
PARTICIPANTS_QUERY_MODELLED = _names("max meetingId hostEmail joinTimeFrom joinTimeTo")
ADMIN_AUDIT_PAGE = (100, 200)  # (default, max): "The maximum value is 200"
SECURITY_AUDIT_PAGE = (100, 1000)  # "The maximum value is 1000"
PARTICIPANTS_PAGE = (10, 100)  # "up to 100", default 10
AUDIT_SPAN = timedelta(days=365)  # "A maximum of one year of audit events can be returned per request"
JOIN_SPAN = timedelta(days=90)  # "The interval between joinTimeFrom and joinTimeTo must be within 90 days"
#: "a maximum of 10000 meeting instances can be listed even if pagination is enabled" (meetingType=meeting)
INSTANCE_LIST_CAP = 10_000
#: "Details of an ``ended`` meeting will only be available 15 minutes after the meeting has ended."
ENDED_DETAILS_DELAY = timedelta(minutes=15)
AUDIT_STEP = timedelta(milliseconds=1)  # security audit next links move startTime this far past the last event
ADMIN_ROLES = ("User", "Full_Admin", "id_full_admin")  # AdminRolesEnum
PARTICIPANT_STATES = ("lobby", "end", "joined", "breakoutSession")
#: Fields of a ``Participant`` item (webex-meeting.json) the fake serves; ``orgId`` only applies to
#: participants of ongoing meetings and the fake serves ended ones; ``phoneNumber`` only to compliance officers.
PARTICIPANT_FIELDS = _names(
    "id host coHost spaceModerator email displayName invitee muted meetingStartTime video state "
    "breakoutSessionId joinedTime leftTime siteUrl meetingId hostEmail devices breakoutSessionsAttended sourceId"
)
DEVICE_FIELDS = _names("correlationId deviceType audioType joinedTime leftTime durationSecond callType")
#: Fields of an ended meeting instance in ``GET /meetings?meetingType=meeting`` (MeetingObjectForListMeeting).
INSTANCE_FIELDS = _names(
    "id meetingSeriesId scheduledMeetingId meetingNumber title meetingType state timezone start end hostUserId "
    "hostDisplayName hostEmail siteUrl scheduledType hostDidJoin attendeeDidJoin hasChat hasRecording "
    "hasTranscription hasClosedCaption hasPolls hasQA hasSlido"
)


def _b64_id(kind: str, value: str) -> str:
    """Webex ids: base64 of ``ciscospark://us/<KIND>/<uuid>`` (unpadded)."""
    return base64.b64encode(f"ciscospark://us/{kind}/{value}".encode()).decode().rstrip("=")


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _millis(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _flag(value: bool) -> str:
    return "true" if value else "false"


@dataclass
class _Refresh:
    """A refresh token of a chain that started with one consent."""

    client_id: str
    person_id: str | None  # None: a service app's machine account
    expires_at: datetime
    predecessor: str | None = None
    revoked: bool = False
    reusable: bool = False  # the sandbox's consent token: may start any number of chains


@dataclass
class _Access:
    person_id: str | None
    expires_at: datetime
    refresh: str | None  # the refresh token it was minted with
    admin: bool


@dataclass(frozen=True)
class _Caller:
    person: dict[str, Any] | None
    admin: bool


# -- the fake ------------------------------------------------------------------------------------------


class FakeWebex(FakeAPI):
    """A faithful, stateful, in-process fake of Webex's REST API v1 (an ``httpx`` transport).

    State is plain JSON-able dicts exactly as Webex returns them, open to tests for seeding and
    assertions: :attr:`people` (by id, the admin ``GET /people/{personId}`` shape), :attr:`meetings`
    (series by id, the ``MeetingSeriesObject`` shape), :attr:`licenses`, :attr:`roles`,
    :attr:`common_settings`. :attr:`requests` logs every request received, in order.

    ``clock`` drives token expiry, quotas and "now"; ``seed`` makes ids, passwords and tokens
    reproducible; ``site_url`` names the org's one Webex site.
    """

    BASE_URL = BASE_URL
    TOKEN_URL = TOKEN_URL

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        seed: int = 0,
        site_url: str = "fake-district.webex.com",
        org_name: str = "Fake District",
        sso: bool = True,
    ) -> None:
        super().__init__(clock=clock, seed=seed)
        self.site_url = site_url
        self.org_name = org_name
        self.sso = sso
        self.org_id = _b64_id("ORGANIZATION", str(uuid.UUID(int=self.rng.getrandbits(128))))
        #: Next links with ``max=null`` and without the filters (Webex's known broken links).
        self.broken_next_links = False
        self.people: dict[str, dict[str, Any]] = {}
        self.meetings: dict[str, dict[str, Any]] = {}
        self.roles: list[dict[str, Any]] = [
            {"id": self._new_id("ROLE"), "name": name}
            for name in ("Full Administrator", "Read-only Administrator", "User and Device Administrator")
        ]
        self.licenses: list[dict[str, Any]] = [
            self._license("Meeting - Webex Enterprise Edition", 2000, site=True),
            self._license("Messaging", 5000, site=False),
        ]
        self.common_settings: dict[str, Any] = _default_common_settings()
        self.tokens_issued = 0
        self._meta: dict[str, dict[str, Any]] = {}  # meeting id -> invitees, deleted occurrences
        self._clients: dict[str, str] = {}  # integration / service-app client id -> secret
        self._service_apps: dict[str, dict[str, str]] = {}  # application id -> client id, org
        self._refresh: dict[str, _Refresh] = {}
        self._access: dict[str, _Access] = {}
        self._expired: set[str] = set()
        self._creates: list[tuple[datetime, str, str]] = []  # (when, caller id, host id)
        #: People next links issued: their canonical query -> the ids listed after the linked page.
        self._people_links: dict[tuple[tuple[str, str], ...], list[str]] = {}
        #: Audit logs as ``GET /adminAudit/events`` and ``GET /admin/securityAudit/events`` return their items.
        self.admin_audit_events: list[dict[str, Any]] = []
        self.security_audit_events: list[dict[str, Any]] = []
        #: Whether the org has security audit events (Pro Pack and "Allow user authentication data"); else 403.
        self.security_audit_available = True
        #: Ended meeting instances by id: the ``GET /meetings?meetingType=meeting`` item plus ``participants``
        #: (``GET /meetingParticipants`` items).
        self.ended_meetings: dict[str, dict[str, Any]] = {}
        #: How many instances one ``meetingType=meeting`` listing (a first page and the next links it leads
        #: to) serves at most.
        self.instance_list_cap = INSTANCE_LIST_CAP
        self._instance_links: dict[tuple[tuple[str, str], ...], int] = {}  # next link query -> listed before it
        self._sandbox_logs: District | None = None
        self._bulk: _BulkLogs | None = None  # generate_log_traffic

    # -- ids and seeding (no HTTP) ------------------------------------------------------------------------

    def _new_id(self, kind: str) -> str:
        return _b64_id(kind, str(uuid.UUID(int=self.rng.getrandbits(128), version=4)))

    def _license(self, name: str, total: int, *, site: bool) -> dict[str, Any]:
        lic: dict[str, Any] = {
            "id": self._new_id("LICENSE"), "name": name, "totalUnits": total, "consumedUnits": 0,
            "consumedByUsers": 0, "consumedByWorkspaces": 0, "subscriptionId": f"Sub{self.rng.randint(10**8, 10**9)}",
        }  # fmt: skip
        if site:
            lic |= {"siteUrl": self.site_url, "siteType": "Control Hub managed site"}
        return lic

    @property
    def meetings_license(self) -> str:
        """The id of the site's Meetings (host) licence."""
        return str(next(lic["id"] for lic in self.licenses if lic.get("siteUrl")))

    @property
    def messaging_license(self) -> str:
        return str(next(lic["id"] for lic in self.licenses if not lic.get("siteUrl")))

    def role_id(self, name: str) -> str:
        """The id of a role by name (e.g. ``"Full Administrator"``)."""
        return str(next(r["id"] for r in self.roles if r["name"] == name))

    def add_person(
        self,
        email: str,
        first_name: str = "",
        last_name: str = "",
        *,
        admin: bool = False,
        host: bool = True,
        roles: list[str] | None = None,
        login_enabled: bool = True,
        **extra: Any,
    ) -> dict[str, Any]:
        """Add a person directly (no HTTP) and return the stored admin ``GET /people/{personId}`` dict.

        ``admin`` gives the Full Administrator role; ``host`` the site's Meetings licence (else the
        Messaging licence, attendee-only on the site). ``extra`` fields override the defaults.
        """
        with self._lock:
            if self._find_person(email) is not None:
                raise ValueError(f"a person with email {email!r} already exists")
            role_ids = list(roles or []) + ([self.role_id("Full Administrator")] if admin else [])
            licenses = [self.meetings_license if host else self.messaging_license]
            person = self._new_person(
                {"emails": [email], "firstName": first_name, "lastName": last_name, "roles": role_ids,
                 "licenses": licenses, "siteUrls": [self.site_url if host else f"{self.site_url}#attendee"]},
                invite_pending=False,
            )  # fmt: skip
            person["loginEnabled"] = _flag(login_enabled)
            person.update(extra)
            return person

    def add_meeting(self, host_email: str, body: dict[str, Any]) -> dict[str, Any]:
        """Create a meeting series directly (no HTTP, no quota) and return the stored series.

        ``body`` is what ``POST /meetings`` takes. Raises ``ValueError`` with Webex's error message
        when Webex would refuse it.
        """
        with self._lock:
            host = self._find_person(host_email)
            if host is None:
                raise ValueError(f"no person {host_email!r}")
            try:
                return self._create_meeting(host, dict(body))
            except Reply as reply:
                raise ValueError(f"Webex would refuse this meeting: {reply.body}") from None

    def authorize_integration(
        self, client_id: str, client_secret: str, admin_email: str, *, refresh_token: str | None = None,
        reusable: bool = False,
    ) -> str:  # fmt: skip
        """An admin's OAuth consent to an integration: registers the client, returns a refresh token.

        ``reusable`` makes this one token start any number of token chains (for the sandbox, whose
        settings are fixed); rotated tokens are single-use as always.
        """
        with self._lock:
            person = self._find_person(admin_email)
            if person is None:
                raise ValueError(f"no person {admin_email!r}")
            self._clients[client_id] = client_secret
            token = refresh_token or self._token(64)
            self._refresh[token] = _Refresh(
                client_id, str(person["id"]), self.now() + timedelta(seconds=REFRESH_TOKEN_TTL), reusable=reusable
            )
            return token

    def add_service_app(self, application_id: str, client_id: str, client_secret: str) -> None:
        """A service app a full admin has authorized for this org in Control Hub."""
        with self._lock:
            self._clients[client_id] = client_secret
            self._service_apps[application_id] = {"clientId": client_id, "orgId": self.org_id}

    def personal_token(self, email: str) -> str:
        """A personal access token of ``email`` (12 hours)."""
        with self._lock:
            person = self._find_person(email)
            if person is None:
                raise ValueError(f"no person {email!r}")
            return self._issue_access(str(person["id"]), None, PERSONAL_TOKEN_TTL)

    # -- audit logs and participants: seeding (no HTTP) -------------------------------------------------

    def _log_id(self, *parts: object) -> str:
        """A Webex-style id (base64 of a UUID, like the spec's examples) that is a function of ``parts``."""
        digest = hmac.new(str(self.seed).encode(), ":".join(map(str, parts)).encode(), "sha256").digest()
        return base64.b64encode(str(uuid.UUID(bytes=digest[:16], version=4)).encode()).decode().rstrip("=")

    def _log_hex(self, *parts: object) -> str:
        return hmac.new(str(self.seed).encode(), ":".join(map(str, parts)).encode(), "sha256").hexdigest()

    def _actor(self, ref: str) -> dict[str, Any]:
        person = self._find_person(ref)
        if person is None:
            raise ValueError(f"no person {ref!r}")
        return person

    def add_admin_audit_event(
        self,
        actor: str,
        *,
        category: str,
        description: str,
        action_text: str,
        target_type: str = "ORG",
        target_id: str | None = None,
        target_name: str | None = None,
        at: datetime | None = None,
        ip: str = "198.51.100.10",
        user_agent: str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Safari/537.36",
        error_code: str | None = None,
        error_message: str | None = None,
        key: object = None,
    ) -> dict[str, Any]:
        """Add one ``GET /adminAudit/events`` item (the spec's ``AuditEvent``) and return it.

        ``actor`` is a person's email or id; ``category`` the bare name (stored as ``EventCategory.<name>``,
        as the response carries it); ``target_type`` likewise (``TargetResourceType.<name>``); the target
        defaults to the org. ``key`` makes the event id a function of it (default: the event's position).
        """
        with self._lock:
            person = self._actor(actor)
            created = _millis(at or self.now())
            org_target = target_type == "ORG"
            data: dict[str, Any] = {
                "actorOrgName": self.org_name,
                "targetName": target_name if target_name is not None else self.org_name if org_target else "",
                "eventDescription": description,
                "actorName": person.get("displayName", ""),
                "actorEmail": person["emails"][0],
                "adminRoles": ["Full_Admin"] if self._is_admin(person) else ["User"],
                "trackingId": f"ATLAS_{uuid.UUID(self._log_hex('tracking', key, created)[:32])}_0",
                "targetType": f"TargetResourceType.{target_type}",
                "targetId": target_id if target_id is not None else self.org_id if org_target else "",
                "eventCategory": f"EventCategory.{category}",
                "actorUserAgent": user_agent,
                "actorIp": ip,
                "targetOrgId": self.org_id,
                "actionText": action_text,
                "targetOrgName": self.org_name,
            }
            if error_code is not None:
                data["errorCode"] = error_code
            if error_message is not None:
                data["errorMessage"] = error_message
            record = {
                "data": data,
                "created": created,
                "actorOrgId": self.org_id,
                "id": self._log_id("admin", key if key is not None else len(self.admin_audit_events), created),
                "actorId": person["id"],
            }
            self.admin_audit_events.append(record)
            return record

    def add_security_audit_event(
        self,
        email: str,
        *,
        category: str = "LOGINS",
        at: datetime | None = None,
        ip: str = "203.0.113.10",
        user_agent: str = "Webex/44.6.0.29928 (Windows 10; x86_64)",
        key: object = None,
    ) -> dict[str, Any]:
        """Add one ``GET /admin/securityAudit/events`` item (a user's sign-in or sign-out) and return it.

        ``category`` is ``LOGINS`` or ``LOGOUT`` (bare, as this endpoint's response carries it). The
        descriptions are the fake's own wording after the spec's example ("An Admin logged in").
        """
        with self._lock:
            person = self._actor(email)
            created = _millis(at or self.now())
            name = person.get("displayName", "")
            signs_in = category == "LOGINS"
            record = {
                "data": {
                    "actorOrgName": self.org_name,
                    "eventDescription": "A user logged in" if signs_in else "A user logged out",
                    "actorName": name,
                    "actorEmail": person["emails"][0],
                    "actorUserAgent": user_agent,
                    "trackingId": f"ATLAS_{uuid.UUID(self._log_hex('tracking', 'security', key, created)[:32])}_0",
                    "eventCategory": category,
                    "actorIp": ip,
                    "actionText": f"{name} logged {'into' if signs_in else 'out of'} organization {self.org_name}",
                },
                "created": created,
                "actorOrgId": self.org_id,
                "id": self._log_id("security", key if key is not None else len(self.security_audit_events), created),
                "actorId": person["id"],
            }
            self.security_audit_events.append(record)
            return record

    def add_ended_meeting(
        self,
        host_email: str,
        *,
        start: datetime,
        duration_minutes: int = 50,
        title: str | None = None,
        series_id: str | None = None,
        participants: list[dict[str, Any]] | None = None,
        key: object = None,
    ) -> dict[str, Any]:
        """Add an ended meeting instance hosted by ``host_email`` and return it (with ``participants``).

        The instance is listed by ``GET /meetings?meetingType=meeting`` (15 minutes after its end, as on
        Webex) and its participants by ``GET /meetingParticipants``. ``series_id`` ties it to a stored series
        (its title, number and time zone); ``participants`` are ``Participant`` items whose missing fields are
        filled: joined at the start, left at the end, ``state: end``, one VoIP device. Ids are a function
        of the host, the start and ``key``, as stable as Webex's own.
        """
        with self._lock:
            host = self._actor(host_email)
            start = start.astimezone(UTC).replace(microsecond=0)
            end = start + timedelta(minutes=duration_minutes)
            series = self.meetings.get(series_id or "")
            sid = series_id or self._log_hex("series", host["id"], title or "", key)[:32]
            digits = str(int(self._log_hex("instance", sid, _utc(start), key)[:15], 16))[:18].rjust(18, "1")
            instance_id = f"{sid}_I_{digits}"
            instance: dict[str, Any] = {
                "id": instance_id, "meetingSeriesId": sid, "scheduledMeetingId": _occurrence_id(sid, start),
                "meetingNumber": (series or {}).get("meetingNumber") or str(10**9 + int(digits) % (9 * 10**9)),
                "title": title or (series or {}).get("title") or f"{host.get('displayName', '')}'s meeting",
                "meetingType": "meeting", "state": "ended", "timezone": (series or {}).get("timezone", "UTC"),
                "start": _utc(start), "end": _utc(end), "hostUserId": host["id"],
                "hostDisplayName": host.get("displayName", ""), "hostEmail": host["emails"][0],
                "siteUrl": self.site_url, "scheduledType": "meeting", "hostDidJoin": True,
                "attendeeDidJoin": len(participants or []) > 1, "hasChat": False, "hasRecording": False,
                "hasTranscription": False, "hasClosedCaption": False, "hasPolls": False, "hasQA": False,
                "hasSlido": False,
            }  # fmt: skip
            records = []
            for n, given in enumerate(participants or []):
                unknown = set(given) - PARTICIPANT_FIELDS
                if unknown:
                    raise ValueError(f"not fields of a Webex participant: {', '.join(sorted(unknown))}")
                joined = given.get("joinedTime", _utc(start))
                left = given.get("leftTime", _utc(end))
                stay = self._parse_time(left, "leftTime") - self._parse_time(joined, "joinedTime")
                seconds = int(stay.total_seconds())
                email = given.get("email")
                record: dict[str, Any] = {
                    "id": f"{sid}_{uuid.UUID(self._log_hex('participant', instance_id, n, email, joined)[:32])}",
                    "host": email is not None and email.lower() == host["emails"][0].lower(), "coHost": False,
                    "email": email, "displayName": given.get("displayName") or email or f"Call-in User_{n + 1}",
                    "invitee": False, "muted": True, "meetingStartTime": _utc(start), "video": "off", "state": "end",
                    "joinedTime": joined, "leftTime": left, "siteUrl": self.site_url, "meetingId": instance_id,
                    "hostEmail": host["emails"][0],
                    "devices": [{
                        "correlationId": str(uuid.UUID(self._log_hex("device", instance_id, n, joined)[:32])),
                        "deviceType": "webex_meeting_center_windows" if email else "tp_phone",
                        "audioType": "voip" if email else "pstn",
                        "joinedTime": _millis(self._parse_time(joined, "joinedTime")),
                        "leftTime": _millis(self._parse_time(left, "leftTime")), "durationSecond": max(0, seconds),
                        **({} if email else {"callType": "callIn"}),
                    }],
                }  # fmt: skip
                if email is None:
                    del record["email"]
                record.update({k: v for k, v in given.items() if k not in ("joinedTime", "leftTime")})
                if record["state"] not in PARTICIPANT_STATES:
                    raise ValueError(f"participant state {record['state']!r} is not one of {PARTICIPANT_STATES}")
                records.append(record)
            self.ended_meetings[instance_id] = {**instance, "participants": records}
            return self.ended_meetings[instance_id]

    def generate_log_traffic(
        self,
        *,
        admin: int = 0,
        security: int = 0,
        meetings: int = 0,
        participants_per_meeting: int = 25,
        hosts: int = 50,
        start: datetime | None = None,
        end: datetime | None = None,
        seed: int | None = None,
        domain: str = "bulk-usd.example",
    ) -> LogTraffic:
        """Serve large volumes of realistic log traffic in constant memory.

        Records are computed from their index when a page is requested: ``admin`` admin audit events
        (admins signing in and out of Control Hub, site settings weakened and restored, users created and
        updated - now and then failing with Webex's error code -, roles given), ``security`` users' sign-ins
        and sign-outs, and ``meetings`` ended meeting instances of ``hosts`` hosts with
        ``participants_per_meeting`` participants each (the host first; now and then someone from outside,
        a phone-only caller, someone left in the lobby), in the shapes of :meth:`add_admin_audit_event`,
        :meth:`add_security_audit_event` and :meth:`add_ended_meeting`. They are spread evenly over
        ``[start, end)`` (default: the 150 days up to an hour ago; audit events on distinct milliseconds,
        meetings ending on distinct seconds) and served by the same endpoints, in the same order and with
        the same paging as seeded records, each request costing its page and a few bisections, never a scan.
        People of the generated traffic are computed too (not in :attr:`people`). Replaces earlier generated
        traffic. :meth:`log_records` lists everything served.
        """
        if meetings and hosts < 1:
            raise ValueError("meetings need at least one host")
        if meetings and participants_per_meeting < 1:
            raise ValueError("a meeting that took place has at least its host as participant")
        end = (end or self.now() - timedelta(hours=1)).astimezone(UTC)
        start = (start or end - timedelta(days=150)).astimezone(UTC)
        if meetings and (end - start).total_seconds() < BULK_MAX_DURATION + meetings:
            raise ValueError("meetings need a span of an hour plus a second per meeting")
        traffic = LogTraffic(admin, security, meetings, participants_per_meeting, hosts, start, end)
        with self._lock:
            self._bulk = _BulkLogs(traffic, self.seed if seed is None else seed, domain, self.org_id,
                                   self.org_name, self.site_url)  # fmt: skip
        return traffic

    def _bulk_listed(self) -> int:
        """How many generated meetings Webex lists by now (the first ones: 15 minutes after their end)."""
        bulk = self._bulk
        if bulk is None or bulk.meeting_ends is None:
            return 0
        ready = self.now() - ENDED_DETAILS_DELAY
        return bulk.meeting_ends.index_at(_micros(ready) // 1_000_000 + 1)

    def enable_sandbox_logs(self, district: District) -> None:
        """Serve the sandbox district's log traffic (made on the first log request, from the date)."""
        with self._lock:
            self._sandbox_logs = district

    def _logs_ready(self) -> None:
        with self._lock:
            district, self._sandbox_logs = self._sandbox_logs, None
            if district is not None:
                sandbox_log_traffic(self, district)

    def _listed_instances(self) -> list[dict[str, Any]]:
        """Ended instances Webex lists by now (details appear 15 minutes after the end)."""
        now = self.now()
        return [m for m in self.ended_meetings.values()
                if self._parse_time(m["end"], "end") + ENDED_DETAILS_DELAY <= now]  # fmt: skip

    def log_records(self, stream: str) -> Iterator[dict[str, Any]]:
        """What the log endpoints serve as of now (for checks), seeded then generated: ``admin_audit`` and
        ``security_audit`` items; for ``participants``, ``{"meeting": <instance list item>, "participant":
        <item>}`` of every listed ended instance. An iterator: generated records are made one at a time."""
        if stream not in ("admin_audit", "security_audit", "participants"):
            raise ValueError(f"unknown log stream {stream!r}: admin_audit, security_audit or participants")
        self._logs_ready()
        return self._log_records(stream)

    def _log_records(self, stream: str) -> Iterator[dict[str, Any]]:
        bulk = self._bulk
        if stream == "admin_audit":
            with self._lock:
                seeded = copy.deepcopy(self.admin_audit_events)
            yield from seeded
            if bulk is not None and bulk.admin_times is not None:
                yield from map(bulk.admin, range(bulk.traffic.admin))
        elif stream == "security_audit":
            if not self.security_audit_available:
                return
            with self._lock:
                seeded = copy.deepcopy(self.security_audit_events)
            yield from seeded
            if bulk is not None and bulk.security_times is not None:
                yield from map(bulk.security, range(bulk.traffic.security))
        else:
            with self._lock:
                pairs = [{"meeting": self._instance_view(m), "participant": copy.deepcopy(p)}
                         for m in self._listed_instances() for p in m["participants"]]  # fmt: skip
            yield from pairs
            if bulk is not None:
                for m in range(self._bulk_listed()):
                    meeting = bulk.meeting(m)
                    for person in bulk.participants(m, meeting):
                        yield {"meeting": meeting, "participant": person}

    # -- faults (see FakeAPI for fail_next, server_error_next, reset_connection_next, slow) -------------

    def rate_limit_next(
        self, *, times: int = 1, path: str | None = None, retry_after: str | None = "1", status: int = 429
    ) -> None:
        """Answer the next matching request(s) with Webex's 429 (or 423 Locked) and ``Retry-After``.

        ``retry_after`` is sent as is: seconds, or something malformed such as ``"rand(30),add(30)"``.
        """
        if status not in (423, 429):
            raise ValueError("status must be 429 or 423")
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        message = "Too many requests, retry later." if status == 429 else "The resource is locked, retry later."

        def respond(request: httpx.Request) -> httpx.Response:
            return json_response(status, self._error_body(message), headers)

        self.add_fault(Fault(times, path, respond=respond))

    def expire_tokens(self) -> None:
        """Every access token issued so far now answers 401."""
        with self._lock:
            self._expired.update(self._access)

    def restore(self, state: str) -> None:
        """Put the org back into ``state``, a :meth:`snapshot` (tokens, quotas and the request log stay)."""
        data = json.loads(state)
        with self._lock:
            org = data["org"]
            self.org_id, self.org_name, self.site_url = org["id"], org["name"], org["siteUrl"]
            self.people = data["people"]
            self.licenses = [{**lic, "consumedUnits": 0, "consumedByUsers": 0} for lic in data["licenses"]]
            self.roles = data["roles"]
            self.meetings = data["meetings"]
            self._meta = {k: {**v, "deleted": set(v["deleted"])} for k, v in data["meeting_meta"].items()}
            self.common_settings = data["common_settings"]

    def snapshot(self) -> str:
        """Canonical JSON of the org's people, licences, roles, meetings and site settings."""
        with self._lock:
            return canonical_json(
                {
                    "org": {"id": self.org_id, "name": self.org_name, "siteUrl": self.site_url},
                    "people": self.people,
                    "licenses": self._license_view(),
                    "roles": self.roles,
                    "meetings": self.meetings,
                    "meeting_meta": {k: {**v, "deleted": sorted(v["deleted"])} for k, v in self._meta.items()},
                    "common_settings": self.common_settings,
                }
            )

    # -- hooks of FakeAPI ------------------------------------------------------------------------------

    def match(self, request: httpx.Request) -> tuple[Any, dict[str, str]] | None:
        if request.url.host == USGOV_HOST:  # the US-Gov cloud: same API, other host
            request = httpx.Request(request.method, request.url.copy_with(host=API_HOST))
        return super().match(request)

    def fault_applies(self, request: httpx.Request) -> bool:
        # A fault without a path spares the token endpoint: it targets API calls.
        return not request.url.path.endswith("/access_token")

    def error_body(self, status: int) -> Any:
        if status == 401:
            return self._error_body(MISSING_TOKEN)
        return self._error_body(httpx.codes.get_reason_phrase(status) or "Error")

    def undeclared_query(self, call: Call, names: list[str]) -> Reply:
        declared = call.route.meta.get("declared", ())
        modelled = [n for n in names if n in declared]
        if modelled:
            raise NotImplementedError(f"FakeWebex does not model the query parameter(s) {', '.join(modelled)}")
        return self._reply(400, f"Unknown query parameter(s): {', '.join(names)}")

    def before(self, call: Call) -> None:
        if call.route.meta.get("api", True):
            call.state["caller"] = self._authenticate(call.request)

    def decorate(self, request: httpx.Request, response: httpx.Response) -> None:
        tracking = None
        if response.headers.get("content-type", "").startswith("application/json"):
            try:
                body = json.loads(response.content or b"null")
            except ValueError:
                body = None
            if isinstance(body, dict) and isinstance(body.get("trackingId"), str):
                tracking = body["trackingId"]
        response.headers["trackingid"] = tracking or self._tracking_id()

    # -- errors ---------------------------------------------------------------------------------------

    def _tracking_id(self) -> str:
        return "ROUTER_" + str(uuid.UUID(int=self.noise.getrandbits(128))).upper()

    def _error_body(self, message: str, descriptions: list[str] | None = None) -> dict[str, Any]:
        errors = [{"description": d} for d in (descriptions or [message])]
        return {"message": message, "errors": errors, "trackingId": self._tracking_id()}

    def _reply(self, status: int, message: str, descriptions: list[str] | None = None) -> Reply:
        return Reply(status, self._error_body(message, descriptions))

    def _invalid(self, problems: list[tuple[str, str]]) -> Reply:
        return self._reply(400, "Invalid request.", [f"{f}: {m}" for f, m in problems])

    # -- auth -------------------------------------------------------------------------------------------

    def _token(self, length: int) -> str:
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
        return "".join(self.noise.choice(alphabet) for _ in range(length))

    def _issue_access(self, person_id: str | None, refresh: str | None, ttl: int) -> str:
        token = self._token(64) + "_PF84_" + self.org_id[-8:]
        person = self.people.get(person_id or "")
        admin = person is None or self._is_admin(person)  # a service app's machine account is an admin
        self._access[token] = _Access(person_id, self.now() + timedelta(seconds=ttl), refresh, admin)
        self.tokens_issued += 1
        return token

    def _is_admin(self, person: dict[str, Any]) -> bool:
        return self.role_id("Full Administrator") in (person.get("roles") or [])

    def _commit_rotation(self, refresh: str | None) -> None:
        """First use of ``refresh`` (or of a token minted with it) revokes the token it replaced."""
        record = self._refresh.get(refresh or "")
        if record is not None and record.predecessor is not None:
            before = self._refresh.get(record.predecessor)
            if before is not None and not before.reusable:
                before.revoked = True
            record.predecessor = None

    def _authenticate(self, request: httpx.Request) -> _Caller:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        record = self._access.get(token) if scheme.lower() == "bearer" else None
        if record is None or token in self._expired or self.now() >= record.expires_at:
            raise self._reply(401, MISSING_TOKEN)
        self._commit_rotation(record.refresh)
        person = self.people.get(record.person_id or "")
        if record.person_id is not None and (person is None or person.get("loginEnabled") == "false"):
            raise self._reply(401, MISSING_TOKEN)
        return _Caller(person, record.admin)

    def _require_admin(self, call: Call) -> _Caller:
        caller: _Caller = call.state["caller"]
        if not caller.admin:
            raise self._reply(403, "Missing required scope or admin role for this request.")
        return caller

    def _oauth_error(self, status: int, error: str, description: str) -> httpx.Response:
        return json_response(status, {"error": error, "error_description": description,
                                      "trackingId": self._tracking_id()})  # fmt: skip

    @route("POST", "/access_token", query=(), api=False)
    def _access_token(self, call: Call) -> httpx.Response:
        form = call.form()
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        known = self._clients.get(client_id)
        if known is None or not hmac.compare_digest(known, secret):
            return self._oauth_error(401, "invalid_client", "Invalid client_id or client_secret.")
        if form.get("grant_type") != "refresh_token":
            return self._oauth_error(400, "unsupported_grant_type", "Only refresh_token is modelled by the fake.")
        old = form.get("refresh_token", "")
        record = self._refresh.get(old)
        if record is None or record.revoked or record.client_id != client_id or self.now() >= record.expires_at:
            return self._oauth_error(400, "invalid_grant", "The refresh token is invalid, expired or revoked.")
        self._commit_rotation(old)  # using a rotated token settles the rotation before it
        new = self._token(64)
        self._refresh[new] = _Refresh(client_id, record.person_id, record.expires_at, predecessor=old)
        ttl = SERVICE_APP_TOKEN_TTL if record.person_id is None else ACCESS_TOKEN_TTL
        access = self._issue_access(record.person_id, new, ttl)
        return json_response(200, {
            "access_token": access, "expires_in": ttl, "refresh_token": new,
            "refresh_token_expires_in": max(0, int((record.expires_at - self.now()).total_seconds())),
            "token_type": "Bearer", "scope": INTEGRATION_SCOPES,
        })  # fmt: skip

    @route("POST", "/applications/{applicationId}/token", query=())
    def _service_app_token(self, call: Call) -> httpx.Response:
        self._require_admin(call)  # the caller's integration holds spark:applications_token
        body = self._json_body(call, {"clientId": str, "clientSecret": str, "targetOrgId": str})
        app = self._service_apps.get(call.path["applicationId"])
        if app is None:
            raise self._reply(404, "Application not found or not authorized for this organization.")
        secret = self._clients.get(app["clientId"], "")
        if body.get("clientId") != app["clientId"] or not hmac.compare_digest(secret, str(body.get("clientSecret"))):
            raise self._reply(401, "Invalid clientId or clientSecret.")
        if body.get("targetOrgId") != app["orgId"]:
            raise self._reply(403, "The service app is not authorized for the target organization.")
        refresh = self._token(64)
        self._refresh[refresh] = _Refresh(app["clientId"], None, self.now() + timedelta(seconds=REFRESH_TOKEN_TTL))
        access = self._issue_access(None, refresh, SERVICE_APP_TOKEN_TTL)
        return json_response(200, {
            "access_token": access, "expires_in": SERVICE_APP_TOKEN_TTL, "refresh_token": refresh,
            "refresh_token_expires_in": REFRESH_TOKEN_TTL, "token_type": "Bearer",
        })  # fmt: skip

    # -- request helpers ---------------------------------------------------------------------------------

    def _json_body(self, call: Call, shape: Shape, *, unmodelled: frozenset[str] = frozenset()) -> dict[str, Any]:
        try:
            raw = call.json()
        except ValueError:
            raise self._reply(400, "The request body is not valid JSON.") from None
        if not isinstance(raw, dict):
            raise self._reply(400, "The request body must be a JSON object.")
        used = sorted(k for k in raw if k in unmodelled)
        if used:
            raise NotImplementedError(f"FakeWebex does not model the field(s) {', '.join(used)}")
        # JSON null clears a field in PATCH bodies: validated by the handler, not the shape.
        problems = validate({k: v for k, v in raw.items() if v is not None}, shape)
        if problems:
            raise self._invalid(problems)
        return raw

    def _page_size(self, call: Call, default: int, cap: int) -> int:
        raw_max = call.query.get("max", str(default))
        try:
            size = int(raw_max)
        except ValueError:
            raise self._invalid([("max", f"{raw_max!r} is not a number")]) from None
        if size < 1:
            raise self._invalid([("max", "must be at least 1")])
        return min(size, cap)  # Webex silently clamps max

    def _next_link(self, call: Call, position: list[tuple[str, str]], query: list[tuple[str, str]]) -> dict[str, str]:
        """The ``Link`` header to the next page: ``query`` (the request's own parameters, made explicit)
        with ``position``; or, with :attr:`broken_next_links`, only ``max=null`` and ``position`` (the
        filters dropped, as Webex's broken links do)."""
        names = {k for k, _ in position}
        params = [("max", "null"), *position] if self.broken_next_links else [
            *((k, v) for k, v in query if k not in names), *position
        ]  # fmt: skip
        url = call.request.url.copy_with(params=params)
        return {"Link": f'<{url}>; rel="next"'}

    def _page_by_end(
        self,
        call: Call,
        found: list[tuple[datetime | None, datetime, dict[str, Any]]],
        end: datetime,
        limit: int | None = None,
    ) -> httpx.Response:
        """One page of the meetings ``found`` overlapping [from, to = ``end``), each given as (the end
        of its last occurrence, ``None`` when open-ended; its start; the item); the next link moves the
        declared ``from`` past this page.

        Items are ordered by their end, so every item left after a page ends later than every item
        on it: ``from`` just past the page's last end (same ``to`` and filters) lists exactly the rest,
        each still overlapping [from, to), none already returned. Equal ends are never split across
        pages (a page is cut short before such a group; a group longer than ``max`` is returned
        whole). Ends at or past ``to`` (and open-ended series) are one last group, since ``from``
        cannot move past ``to``. ``limit`` serves only the first ``limit`` items in that order (what
        is left of a listing's cap).
        """
        size = self._page_size(call, DEFAULT_PAGE, MEETINGS_PAGE_MAX)

        def group(ends: datetime | None) -> datetime | None:
            return ends if ends is not None and ends + PAGE_STEP < end else None

        ordered = sorted(found, key=lambda f: (group(f[0]) is None, group(f[0]) or end, f[1], f[2]["id"]))
        if limit is not None:
            ordered = ordered[: max(0, limit)]
        keys = [group(f[0]) for f in ordered]
        cut = min(size, len(ordered))
        if cut < len(ordered) and keys[cut] == keys[cut - 1]:
            first = keys.index(keys[cut - 1])
            cut = first if first > 0 else len(keys) - keys[::-1].index(keys[cut - 1])
        headers: dict[str, str] = {}
        if cut < len(ordered):
            last = keys[cut - 1]
            assert last is not None, "the group of ends at or past `to` is always the last"
            after = last + PAGE_STEP
            assert all(e is None or e > after for e, _, _ in ordered[cut:]), "a next page would lose a meeting"
            query = [(k, v) for k, v in call.request.url.params.multi_items() if k not in ("from", "to")]
            headers = self._next_link(call, [("from", _utc(after))], [*query, ("to", _utc(end))])
        return json_response(200, {"items": [item for _, _, item in ordered[:cut]]}, headers)

    def _page_people(self, call: Call, found: list[dict[str, Any]], caller: _Caller) -> httpx.Response:
        """One page of people; the next link lists the next page's people with the declared ``id``
        parameter (so the page size is capped at the 85 ids ``id`` takes), plus the request's filters
        and ``max``.

        The fake remembers which ids come after each link it issues, so the response to a followed
        link carries the link to the page after it. A request the fake did not issue (say, a link
        that lost its filters) is an ordinary ``?id=`` query: those people, no further pages. As the
        spec says of ``?id=`` queries, those pages carry no presence and no admin fields (licences,
        roles, location).
        """
        size = self._page_size(call, PEOPLE_PAGE_MAX, min(PEOPLE_PAGE_MAX, IDS_MAX))
        params = call.request.url.params.multi_items()
        key = tuple(sorted(params))
        ids = [i for i in call.query.get("id", "").split(",") if i]
        presence = call.query.get("excludeStatus", "false") != "true"
        following = self._people_links.get(key)
        if following is None:
            following = [str(p["id"]) for p in found[size:]]
            found = found[:size]
        views = [self._person_view(p, caller, by_id_list=bool(ids), presence=presence) for p in found]
        body: dict[str, Any] = {"items": views}
        if ids:
            body["notFoundIds"] = [i for i in ids if i not in self.people]
        headers: dict[str, str] = {}
        if following:
            page, rest = following[:size], following[size:]
            query = [(k, v) for k, v in params if k != "id"]
            link = [("id", ",".join(page))]
            self._people_links[tuple(sorted([*query, *link]))] = rest
            headers = self._next_link(call, link, query)
        return json_response(200, body, headers)

    def _zone(self, call: Call) -> ZoneInfo:
        name = call.request.headers.get("timezone") or "UTC"
        try:
            return ZoneInfo(name)
        except (KeyError, ValueError):
            raise self._invalid([("timezone", f"{name!r} is not an IANA time zone")]) from None

    # -- people ---------------------------------------------------------------------------------------------

    def _find_person(self, ref: str) -> dict[str, Any] | None:
        if ref in self.people:
            return self.people[ref]
        lowered = ref.lower()
        return next((p for p in self.people.values() if any(e.lower() == lowered for e in p.get("emails", []))), None)

    def _new_person(self, body: dict[str, Any], *, invite_pending: bool) -> dict[str, Any]:
        email = str(body["emails"][0])
        first, last = str(body.get("firstName") or ""), str(body.get("lastName") or "")
        display = str(body.get("displayName") or f"{first} {last}".strip() or email)
        created = _millis(self.now())
        person: dict[str, Any] = {
            "id": self._new_id("PEOPLE"), "emails": [email], "phoneNumbers": [], "displayName": display,
            "nickName": first or display.split(" ")[0], "firstName": first, "lastName": last,
            "orgId": self.org_id, "roles": [], "licenses": [], "created": created, "lastModified": created,
            "timezone": "America/Chicago", "siteUrls": [],
            "sipAddresses": [{"type": "personal-room", "value": f"{email.split('@')[0]}@{self.site_url}",
                              "primary": False}],
            "status": "unknown", "invitePending": _flag(invite_pending), "loginEnabled": "true", "type": "person",
        }  # fmt: skip
        for key in ("phoneNumbers", "extension", "locationId", "avatar", "roles", "licenses", "department",
                    "manager", "managerId", "title", "addresses", "siteUrls"):  # fmt: skip
            if key in body:
                person[key] = copy.deepcopy(body[key])
        self.people[person["id"]] = person
        return person

    def _person_view(self, person: dict[str, Any], caller: _Caller, *, by_id_list: bool = False,
                     presence: bool = True) -> dict[str, Any]:  # fmt: skip
        view = copy.deepcopy(person)
        if not caller.admin or by_id_list:
            for key in PERSON_ADMIN_FIELDS if not caller.admin else ("licenses", "roles", "locationId"):
                view.pop(key, None)
        if not presence or by_id_list:
            for key in PRESENCE_FIELDS:
                view.pop(key, None)
        return view

    def _check_refs(self, body: dict[str, Any]) -> None:
        problems: list[tuple[str, str]] = []
        known_licenses = {lic["id"] for lic in self.licenses}
        known_roles = {r["id"] for r in self.roles}
        licenses, roles = body.get("licenses") or [], body.get("roles") or []
        problems += [("licenses", f"unknown license {x}") for x in licenses if x not in known_licenses]
        problems += [("roles", f"unknown role {x}") for x in roles if x not in known_roles]
        for site in body.get("siteUrls") or []:
            if str(site).split("#", 1)[0] != self.site_url:
                problems.append(("siteUrls", f"{site} is not a site of this organization"))
        if body.get("orgId") not in (None, self.org_id):
            problems.append(("orgId", "is not the caller's organization"))
        if "emails" in body and len(body["emails"]) != 1:
            problems.append(("emails", "exactly one email address is allowed per person"))
        if problems:
            raise self._invalid(problems)

    @route("GET", "/people", query=PEOPLE_QUERY, declared=PEOPLE_QUERY)
    def _list_people(self, call: Call) -> httpx.Response:
        caller: _Caller = call.state["caller"]
        q = call.query
        if not caller.admin and not (q.get("email") or q.get("displayName") or q.get("id")):
            raise self._reply(400, "Email, displayName, or id list should be specified.")
        if q.get("orgId") not in (None, self.org_id):
            raise self._reply(403, "The caller cannot list people of that organization.")
        if "locationId" in q:
            raise NotImplementedError("FakeWebex does not model locations")
        found = list(self.people.values())
        ids = [i for i in q.get("id", "").split(",") if i]
        if len(ids) > IDS_MAX:
            raise self._invalid([("id", f"at most {IDS_MAX} ids")])
        if ids:
            found = [p for p in found if p["id"] in ids]
        if q.get("email"):
            found = [p for p in found if q["email"].lower() in (e.lower() for e in p["emails"])]
        if q.get("displayName"):
            found = [p for p in found if str(p.get("displayName", "")).lower().startswith(q["displayName"].lower())]
        if q.get("roles"):
            wanted = set(q["roles"].split(","))
            found = [p for p in found if wanted & set(p.get("roles") or [])]
        found.sort(key=lambda p: (p["created"], p["id"]))
        return self._page_people(call, found, caller)

    @route("POST", "/people", query=("callingData", "minResponse"))
    def _create_person(self, call: Call) -> httpx.Response:
        self._require_admin(call)
        if call.query.get("minResponse") == "true":
            raise NotImplementedError("FakeWebex does not model minResponse")
        body = self._json_body(call, PERSON_CREATE)
        if not body.get("emails"):
            raise self._invalid([("emails", "is required")])
        if not any(body.get(k) for k in ("displayName", "firstName", "lastName")):
            raise self._invalid([("displayName", "displayName, firstName or lastName is required")])
        self._check_refs(body)
        if self._find_person(str(body["emails"][0])) is not None:
            raise self._reply(409, "Person with this email already exists.")
        person = self._new_person(body, invite_pending=not self.sso)
        return json_response(200, self._person_view(person, call.state["caller"]))

    @route("GET", "/people/me", query=("callingData",))
    def _get_me(self, call: Call) -> httpx.Response:
        caller: _Caller = call.state["caller"]
        if caller.person is None:
            raise self._reply(404, "The machine account of a service app is not a person.")
        return json_response(200, self._person_view(caller.person, caller))

    def _person(self, person_id: str) -> dict[str, Any]:
        person = self.people.get(person_id)
        if person is None:
            raise self._reply(404, "Person not found.")
        return person

    @route("GET", "/people/{personId}", query=("callingData",))
    def _get_person(self, call: Call) -> httpx.Response:
        return json_response(200, self._person_view(self._person(call.path["personId"]), call.state["caller"]))

    @route("PUT", "/people/{personId}", query=("callingData", "showAllTypes", "minResponse"))
    def _update_person(self, call: Call) -> httpx.Response:
        self._require_admin(call)
        person = self._person(call.path["personId"])
        body = self._json_body(call, PERSON_UPDATE)
        if not body.get("displayName"):
            raise self._invalid([("displayName", "is required")])
        self._check_refs(body)
        if "emails" in body:
            other = self._find_person(str(body["emails"][0]))
            if other is not None and other is not person:
                raise self._reply(409, "Another person has this email.")
        # A full replace: editable fields the body leaves out are cleared.
        for key, empty in (("phoneNumbers", []), ("roles", []), ("licenses", []), ("siteUrls", []),
                           ("addresses", []), ("firstName", ""), ("lastName", "")):  # fmt: skip
            person[key] = copy.deepcopy(body.get(key, empty))
        for key in ("extension", "locationId", "avatar", "department", "manager", "managerId", "title"):
            if key in body:
                person[key] = body[key]
            else:
                person.pop(key, None)
        person["emails"] = list(body.get("emails") or person["emails"])
        person["displayName"] = body["displayName"]
        person["nickName"] = person["firstName"] or person["displayName"].split(" ")[0]
        if "loginEnabled" in body:
            person["loginEnabled"] = _flag(bool(body["loginEnabled"]))
        person["lastModified"] = _millis(self.now())
        return json_response(200, self._person_view(person, call.state["caller"]))

    @route("DELETE", "/people/{personId}", query=())
    def _delete_person(self, call: Call) -> httpx.Response:
        self._require_admin(call)
        self.people.pop(self._person(call.path["personId"])["id"])
        return json_response(204)

    def _license_view(self) -> list[dict[str, Any]]:
        out = []
        for lic in self.licenses:
            used = sum(1 for p in self.people.values() if lic["id"] in (p.get("licenses") or []))
            out.append({**lic, "consumedUnits": used, "consumedByUsers": used})
        return out

    @route("GET", "/licenses", query=("orgId",))
    def _list_licenses(self, call: Call) -> httpx.Response:
        self._require_admin(call)
        return json_response(200, {"items": self._license_view()})

    @route("GET", "/roles", query=())
    def _list_roles(self, call: Call) -> httpx.Response:
        self._require_admin(call)
        return json_response(200, {"items": copy.deepcopy(self.roles)})

    # -- meetings: rules ------------------------------------------------------------------------------------

    def _parse_time(self, value: str, field: str) -> datetime:
        try:
            parsed = datetime.fromisoformat(value.replace(" ", "T", 1) if "T" not in value else value)
        except ValueError:
            raise self._invalid([(field, "is not an ISO 8601 date and time")]) from None
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)

    def _check_password(self, password: str, host: dict[str, Any]) -> None:
        security = self.common_settings["securityOptions"]
        if not password or len(password) > 64:
            raise self._invalid([("password", "must be 1 to 64 characters")])
        if not security.get("requireStrongPassword"):
            return
        rules = security.get("passwordCriteria") or {}
        problems = []
        if len(password) < rules.get("minLength", 0):
            problems.append(f"at least {rules['minLength']} characters")
        if sum(c.isdigit() for c in password) < rules.get("minNumeric", 0):
            problems.append(f"at least {rules['minNumeric']} digits")
        if sum(c.isalpha() for c in password) < rules.get("minAlpha", 0):
            problems.append(f"at least {rules['minAlpha']} letters")
        if sum(not c.isalnum() for c in password) < rules.get("minSpecial", 0):
            problems.append(f"at least {rules['minSpecial']} special characters")
        if rules.get("mixedCase") and (password.lower() == password or password.upper() == password):
            problems.append("upper- and lower-case letters")
        banned = [str(v).lower() for v in rules.get("disallowValues") or []] if rules.get("disallowList") else []
        if rules.get("disallowDynamicWebText"):
            banned += [self.site_url.split(".")[0].lower(), str(host.get("firstName", "")).lower()]
        if any(b and len(b) >= 3 and b in password.lower() for b in banned):
            problems.append("no site name, host name or disallowed value")
        if problems:
            raise self._invalid([("password", "does not meet the site's password rules: " + ", ".join(problems))])

    def _generate_password(self) -> str:
        rules = self.common_settings["securityOptions"].get("passwordCriteria") or {}
        upper, lower, digits, special = "ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnpqrstuvwxyz", "23456789", "@#$%*"
        chars = [self.rng.choice(upper), self.rng.choice(lower)]
        chars += [self.rng.choice(digits) for _ in range(max(2, rules.get("minNumeric", 0)))]
        chars += [self.rng.choice(special) for _ in range(rules.get("minSpecial", 0))]
        while len(chars) < max(8, rules.get("minLength", 0), rules.get("minAlpha", 0) + len(chars) - 2):
            chars.append(self.rng.choice(upper + lower))
        self.rng.shuffle(chars)
        return "".join(chars)

    def _normalise_recurrence(self, rule: str, start: datetime, zone: str) -> str:
        """What Webex stores: first value of multi-valued monthly/yearly lists, five-year cap with an end."""
        parts = [p for p in rule.strip().removeprefix("RRULE:").split(";") if p]
        try:
            fields = dict(p.split("=", 1) for p in parts)
            freq = fields["FREQ"].upper()
            rrulestr(";".join(parts), dtstart=start.astimezone(ZoneInfo(zone)))
        except (KeyError, ValueError, TypeError):
            raise self._invalid([("recurrence", f"{rule!r} is not a valid RFC 2445 rule")]) from None
        if freq in ("MONTHLY", "YEARLY"):
            for key in ("BYMONTHDAY", "BYDAY"):
                if key in fields:
                    fields[key] = fields[key].split(",")[0]  # "only the first day or date specified is taken"
        if "COUNT" in fields or "UNTIL" in fields:
            horizon = self.now() + relativedelta(years=5)
            text = ";".join(f"{k}={v}" for k, v in fields.items())
            occurrences = rrulestr(text, dtstart=start.astimezone(ZoneInfo(zone)))
            if any(o.astimezone(UTC) > horizon for o in occurrences.xafter(horizon - timedelta(days=400), count=400)):
                fields.pop("COUNT", None)
                fields["UNTIL"] = horizon.strftime("%Y%m%dT%H%M%SZ")
        return ";".join(f"{k}={v}" for k, v in fields.items())

    def _occurrence_starts(self, series: dict[str, Any], until: datetime | None = None) -> list[datetime]:
        start = self._parse_time(series["start"], "start")
        rule = series.get("recurrence")
        if not rule:
            return [start]
        zone = ZoneInfo(series.get("timezone") or "UTC")
        out: list[datetime] = []
        deleted = self._meta.get(series["id"], {}).get("deleted", set())
        for moment in rrulestr(rule, dtstart=start.astimezone(zone)):
            moment_utc = moment.astimezone(UTC)
            if until is not None and moment_utc >= until:
                break
            if _occurrence_id(series["id"], moment_utc) not in deleted:
                out.append(moment_utc)
            if len(out) >= 2000:
                break
        return out

    def _series_end(self, series: dict[str, Any]) -> datetime | None:
        """When the last occurrence ends (``None``: open-ended)."""
        rule = str(series.get("recurrence") or "")
        length = self._duration(series)
        if rule and "COUNT=" not in rule and "UNTIL=" not in rule:
            return None
        starts = self._occurrence_starts(series)
        return (starts[-1] if starts else self._parse_time(series["start"], "start")) + length

    def _duration(self, series: dict[str, Any]) -> timedelta:
        return self._parse_time(series["end"], "end") - self._parse_time(series["start"], "start")

    def _check_schedule(self, start: datetime, end: datetime) -> None:
        minutes = (end - start).total_seconds() / 60
        if minutes < 10 or minutes > 23 * 60 + 59:
            raise self._invalid([("end", "the duration must be between 10 minutes and 23 hours 59 minutes")])
        if start < self.now().replace(second=0, microsecond=0):
            raise self._invalid([("start", "cannot be before the current date and time")])
        if start >= self.now() + relativedelta(years=10):
            raise self._invalid([("start", "cannot be 10 years or more in the future")])

    def _count_create(self, caller: _Caller, host: dict[str, Any] | None) -> None:
        """Webex's create quota: 100 per user per 24 h; admins 3000, or 800 for one user. Failures count."""
        now = self.now()
        self._creates = [c for c in self._creates if now - c[0] < QUOTA_WINDOW]
        who = str(caller.person["id"]) if caller.person else "service-app"
        target = str(host["id"]) if host else who
        self._creates.append((now, who, target))
        mine = [c for c in self._creates if c[1] == who]
        if not caller.admin and len(mine) > CREATES_PER_USER:
            raise self._reply(429, "You have reached the limit of 100 meetings scheduled in 24 hours.")
        if caller.admin and (
            len(mine) > CREATES_PER_ADMIN or sum(1 for c in mine if c[2] == target) > CREATES_BY_ADMIN_FOR_ONE_USER
        ):
            raise self._reply(429, "The administrator has reached the limit of meetings scheduled in 24 hours.")

    def _host_for(self, caller: _Caller, host_email: str | None) -> dict[str, Any]:
        """The host a request acts for: ``hostEmail`` (admins) or the caller."""
        if host_email:
            if caller.person is not None and host_email.lower() in (e.lower() for e in caller.person["emails"]):
                return caller.person
            if not caller.admin:
                raise self._reply(403, "hostEmail can only be used with admin-level scopes.")
            host = self._find_person(host_email)
            if host is None:
                raise self._reply(404, f"User {host_email} not found on this site.")
            return host
        if caller.person is None:
            raise self._invalid([("hostEmail", "is required for a service app")])
        return caller.person

    # -- meetings: state and views -------------------------------------------------------------------------

    def _create_meeting(self, host: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        problems = [(k, "is required") for k in ("title", "start", "end") if not body.get(k)]
        if problems:
            raise self._invalid(problems)
        if self.meetings_license not in (host.get("licenses") or []) or host.get("loginEnabled") == "false":
            raise self._invalid([("hostEmail", "the host has no active host account on this site")])
        if body.get("siteUrl") not in (None, self.site_url):
            raise self._invalid([("siteUrl", f"{body['siteUrl']} is not a site of the host")])
        zone = str(body.get("timezone") or "UTC")
        try:
            ZoneInfo(zone)
        except (KeyError, ValueError):
            raise self._invalid([("timezone", f"{zone!r} is not an IANA time zone")]) from None
        start, end = self._parse_time(body["start"], "start"), self._parse_time(body["end"], "end")
        start, end = start.replace(second=0, microsecond=0), end.replace(second=0, microsecond=0)
        self._check_schedule(start, end)
        password = body.get("password")
        if password is not None:
            self._check_password(str(password), host)
        series_id = uuid.UUID(int=self.rng.getrandbits(128)).hex
        number = str(self.rng.randint(10**9, 10**10 - 1))
        site = self.site_url.split(".")[0]
        stored: dict[str, Any] = {
            "id": series_id, "meetingNumber": number, "title": body["title"],
            "password": password or self._generate_password(),
            "phoneAndVideoSystemPassword": str(self.rng.randint(10**7, 10**8 - 1)),
            "meetingType": "meetingSeries", "state": "active", "timezone": zone,
            "start": _utc(start), "end": _utc(end),
            "hostUserId": host["id"], "hostDisplayName": host.get("displayName", ""), "hostEmail": host["emails"][0],
            "hostKey": str(self.rng.randint(100_000, 999_999)), "siteUrl": self.site_url,
            "webLink": f"https://{self.site_url}/{site}/j.php?MTID=m{uuid.UUID(int=self.rng.getrandbits(128)).hex}",
            "sipAddress": f"{number}@{self.site_url}", "dialInIpAddress": "173.243.2.68",
            "enabledAutoRecordMeeting": False, "allowAnyUserToBeCoHost": False, "enabledJoinBeforeHost": False,
            "enableConnectAudioBeforeHost": False, "joinBeforeHostMinutes": 0, "excludePassword": False,
            "publicMeeting": False, "reminderTime": 10, "unlockedMeetingJoinSecurity": "allowJoinWithLobby",
            "sessionTypeId": 3, "scheduledType": "meeting", "enabledWebcastView": False,
            "enableAutomaticLock": False, "automaticLockMinutes": 0, "allowFirstUserToBeCoHost": False,
            "allowAuthenticatedDevices": False,
            "telephony": {
                "accessCode": number,
                "callInNumbers": [
                    {"label": "United States Toll", "callInNumber": "+1-408-418-9388", "tollType": "toll"}
                ],
                "links": [{"rel": "globalCallinNumbers", "href": f"/v1/meetings/{series_id}/globalCallinNumbers",
                           "method": "GET"}],
            },
            "meetingOptions": {"enabledChat": True, "enabledVideo": True, "enabledPolling": False, "enabledNote": True,
                               "noteType": "allowAll", "enabledFileTransfer": False, "enabledUCFRichMedia": False},
            "attendeePrivileges": {k: k in ("enabledShareContent", "enabledViewParticipantList", "enabledChatHost",
                                            "enabledChatPresenter", "enabledChatOtherParticipants")
                                   for k in ATTENDEE_PRIVILEGES},
            "enabledBreakoutSessions": False, "enabledAudioWatermark": False, "enabledVisualWatermark": False,
            "audioConnectionOptions": {"audioConnectionType": "webexAudio", "enabledTollFreeCallIn": False,
                                       "enabledGlobalCallIn": True, "enabledAudienceCallBack": False,
                                       "entryAndExitTone": "beep", "allowHostToUnmuteParticipants": False,
                                       "allowAttendeeToUnmuteSelf": True, "muteAttendeeUponEntry": True},
            "requireAttendeeLogin": False, "restrictToInvitees": False, "enabledLiveStream": False,
        }  # fmt: skip
        settable = {k: v for k, v in body.items() if k not in ("hostEmail", "siteUrl", "invitees", "sendEmail",
                                                               "password", "start", "end", "timezone")}  # fmt: skip
        if settable.get("recurrence"):
            settable["recurrence"] = self._normalise_recurrence(str(settable["recurrence"]), start, zone)
        deep_merge(stored, {k: v for k, v in settable.items() if v is not None})
        self._check_meeting_rules(stored)
        self.meetings[series_id] = stored
        invitees = [str(i["email"]).lower() for i in body.get("invitees") or []]
        self._meta[series_id] = {"invitees": invitees, "deleted": set()}
        return stored

    def _check_meeting_rules(self, stored: dict[str, Any]) -> None:
        if stored.get("enableConnectAudioBeforeHost") and not stored.get("enabledJoinBeforeHost"):
            raise self._invalid([("enableConnectAudioBeforeHost", "needs enabledJoinBeforeHost")])

    def _state(self, series: dict[str, Any]) -> str:
        end = self._series_end(series)
        return "expired" if end is not None and end <= self.now() else "active"

    def _render(self, meeting: dict[str, Any], fields: frozenset[str], zone: ZoneInfo) -> dict[str, Any]:
        view = {k: copy.deepcopy(v) for k, v in meeting.items() if k in fields}
        for key in ("start", "end"):
            if key in view:
                moment = self._parse_time(view[key], key).astimezone(zone)
                view[key] = _utc(moment) if zone.key == "UTC" else moment.isoformat(timespec="seconds")
        return view

    def _series_view(self, series: dict[str, Any], fields: frozenset[str], zone: ZoneInfo) -> dict[str, Any]:
        return self._render({**series, "state": self._state(series)}, fields, zone)

    def _occurrence(self, series: dict[str, Any], start: datetime) -> dict[str, Any]:
        occurrence = {k: v for k, v in series.items() if k != "recurrence"}
        occurrence |= {
            "id": _occurrence_id(series["id"], start), "meetingSeriesId": series["id"],
            "meetingType": "scheduledMeeting", "state": "scheduled" if start > self.now() else "ended",
            "isModified": False, "start": _utc(start), "end": _utc(start + self._duration(series)),
        }  # fmt: skip
        return occurrence

    def _visible(self, caller: _Caller, series: dict[str, Any], host: dict[str, Any]) -> bool:
        if series["hostUserId"] == host["id"]:
            return True
        return any(e.lower() in self._meta.get(series["id"], {}).get("invitees", []) for e in host["emails"])

    def _lookup(self, meeting_id: str) -> tuple[dict[str, Any], datetime | None]:
        """The series of ``meeting_id`` and, for an occurrence id, the occurrence's start."""
        series_id, _, when = meeting_id.partition("_")
        series = self.meetings.get(series_id)
        if series is None:
            raise self._reply(404, "Meeting not found.")
        if not when:
            return series, None
        try:
            start = datetime.strptime(when, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        except ValueError:
            raise self._reply(404, "Meeting not found.") from None
        if start not in self._occurrence_starts(series, until=start + timedelta(seconds=1)):
            raise self._reply(404, "Meeting not found.")
        return series, start

    def _owned(self, call: Call, meeting_id: str, host_email: str | None) -> tuple[dict[str, Any], datetime | None]:
        """A meeting the caller may act on: its own, or its host's with ``hostEmail`` (admins)."""
        series, start = self._lookup(meeting_id)
        host = self._host_for(call.state["caller"], host_email)
        if series["hostUserId"] != host["id"]:
            raise self._reply(404, "Meeting not found.")
        return series, start

    # -- meetings: routes --------------------------------------------------------------------------------------

    @route("GET", "/meetings", query=MEETINGS_QUERY, declared=MEETINGS_QUERY)
    def _list_meetings(self, call: Call) -> httpx.Response:
        q = call.query
        unmodelled = sorted(k for k in q if k in MEETINGS_QUERY and k not in MEETINGS_QUERY_MODELLED)
        if unmodelled:
            raise NotImplementedError(f"FakeWebex does not model {', '.join(unmodelled)} in GET /meetings")
        caller: _Caller = call.state["caller"]
        kind = q.get("meetingType", "meetingSeries")
        if kind == "meeting":
            return self._list_instances(call, caller)
        host = self._host_for(caller, q.get("hostEmail"))
        if kind not in ("meetingSeries", "scheduledMeeting", "meeting"):
            raise self._invalid([("meetingType", "must be meetingSeries, scheduledMeeting or meeting")])
        if q.get("siteUrl") not in (None, self.site_url):
            raise self._invalid([("siteUrl", "is not a site of the user")])
        start = self._parse_time(q["from"], "from") if "from" in q else None
        end = self._parse_time(q["to"], "to") if "to" in q else None
        start = start or (end - timedelta(days=7) if end else self.now())
        end = end or start + timedelta(days=7)
        if start > end:
            raise self._invalid([("from", "cannot be after to")])
        zone = self._zone(call)
        found: list[tuple[datetime | None, datetime, dict[str, Any]]] = []  # (last end, start, item)
        for series in self.meetings.values():
            if not self._visible(caller, series, host):
                continue
            if q.get("meetingSeriesId") not in (None, series["id"]):
                continue
            if kind == "meetingSeries":
                first = self._parse_time(series["start"], "start")
                last_end = self._series_end(series)
                if first < end and (last_end is None or last_end > start):
                    found.append((last_end, first, self._series_view(series, LIST_FIELDS, zone)))
            elif kind == "scheduledMeeting":
                length = self._duration(series)
                for moment in self._occurrence_starts(series, until=end):
                    if moment + length > start:
                        occurrence = self._render(self._occurrence(series, moment), LIST_FIELDS, zone)
                        found.append((moment + length, moment, occurrence))
        if q.get("state"):
            found = [f for f in found if f[2].get("state") == q["state"]]
        if q.get("scheduledType"):
            found = [f for f in found if f[2].get("scheduledType") == q["scheduledType"]]
        return self._page_by_end(call, found, end)

    @route("POST", "/meetings", query=())
    def _post_meeting(self, call: Call) -> httpx.Response:
        caller: _Caller = call.state["caller"]
        body = self._json_body(call, MEETING_CREATE, unmodelled=MEETING_UNMODELLED)
        host_email = body.get("hostEmail")
        target = self._find_person(str(host_email)) if host_email else caller.person
        self._count_create(caller, target)
        host = self._host_for(caller, host_email)
        created = self._create_meeting(host, body)
        return json_response(200, self._series_view(created, SERIES_FIELDS, self._zone(call)))

    @route("GET", "/meetings/{meetingId}", query=("current", "hostEmail"))
    def _get_meeting(self, call: Call) -> httpx.Response:
        series, start = self._owned(call, call.path["meetingId"], call.query.get("hostEmail"))
        zone = self._zone(call)
        if start is None and call.query.get("current") == "true" and series.get("recurrence"):
            upcoming = [s for s in self._occurrence_starts(series) if s + self._duration(series) > self.now()]
            start = upcoming[0] if upcoming else None
        if start is not None:
            return json_response(200, self._render(self._occurrence(series, start), SERIES_FIELDS, zone))
        return json_response(200, self._series_view(series, SERIES_FIELDS, zone))

    @route("GET", "/admin/meetings/{meetingId}", query=("current",))
    def _admin_get_meeting(self, call: Call) -> httpx.Response:
        self._require_admin(call)
        series, start = self._lookup(call.path["meetingId"])
        zone = self._zone(call)
        if start is not None:
            return json_response(200, self._render(self._occurrence(series, start), ADMIN_FIELDS, zone))
        return json_response(200, self._series_view(series, ADMIN_FIELDS, zone))

    @route("PATCH", "/meetings/{meetingId}", query=())
    def _patch_meeting(self, call: Call) -> httpx.Response:
        body = self._json_body(call, MEETING_PATCH, unmodelled=MEETING_UNMODELLED)
        series, start = self._owned(call, call.path["meetingId"], body.get("hostEmail"))
        if start is not None:
            raise NotImplementedError("FakeWebex does not model changes to single occurrences")
        host = self.people.get(series["hostUserId"], {})
        updated = copy.deepcopy(series)
        zone = str(body.get("timezone") or updated["timezone"])
        if "timezone" in body:
            try:
                ZoneInfo(zone)
            except (KeyError, ValueError):
                raise self._invalid([("timezone", f"{zone!r} is not an IANA time zone")]) from None
        if "start" in body or "end" in body:
            new_start = self._parse_time(body.get("start") or updated["start"], "start").replace(second=0)
            new_end = self._parse_time(body["end"], "end") if "end" in body else new_start + self._duration(updated)
            self._check_schedule(new_start, new_end.replace(second=0))
            updated["start"], updated["end"] = _utc(new_start), _utc(new_end.replace(second=0))
        if body.get("password") is not None:
            self._check_password(str(body["password"]), host)
        for key in ("agenda", "recurrence"):  # JSON null clears these (spec)
            if key in body and body[key] is None:
                updated.pop(key, None)
        if body.get("recurrence"):
            body["recurrence"] = self._normalise_recurrence(
                str(body["recurrence"]), self._parse_time(updated["start"], "start"), zone
            )
        changes = {k: v for k, v in body.items() if k not in ("hostEmail", "sendEmail", "start", "end")}
        deep_merge(updated, {k: v for k, v in changes.items() if v is not None})
        self._check_meeting_rules(updated)
        if any(k in body for k in ("start", "end", "recurrence")):
            self._meta[series["id"]]["deleted"] = set()  # changing the schedule cancels exceptions
        self.meetings[series["id"]] = updated
        return json_response(200, self._series_view(updated, LIST_FIELDS, self._zone(call)))

    @route("DELETE", "/meetings/{meetingId}", query=("hostEmail", "sendEmail"))
    def _delete_meeting(self, call: Call) -> httpx.Response:
        series, start = self._owned(call, call.path["meetingId"], call.query.get("hostEmail"))
        if start is None:
            del self.meetings[series["id"]]
            self._meta.pop(series["id"], None)
        else:
            self._meta[series["id"]]["deleted"].add(_occurrence_id(series["id"], start))
        return json_response(204)

    # -- audit logs and participants: routes -----------------------------------------------------------------

    def _instance_view(self, instance: dict[str, Any], zone: ZoneInfo | None = None) -> dict[str, Any]:
        return self._render(instance, INSTANCE_FIELDS, zone or ZoneInfo("UTC"))

    def _list_instances(self, call: Call, caller: _Caller) -> httpx.Response:
        """``GET /meetings?meetingType=meeting``: ended instances overlapping [from, to) (default: the last
        7 days), listed 15 minutes after their end; a full admin without ``hostEmail`` lists the whole org's,
        anyone else the host's own. Paged like series (the next link moves ``from`` past the page's last
        end); one listing - a first page and the next links it leads to - serves at most
        :attr:`instance_list_cap` instances, as Webex serves at most 10,000."""
        self._logs_ready()
        q = call.query
        if q.get("siteUrl") not in (None, self.site_url):
            raise self._invalid([("siteUrl", "is not a site of the user")])
        host = self._host_for(caller, q.get("hostEmail")) if q.get("hostEmail") or not caller.admin else None
        now = self.now()
        start = self._parse_time(q["from"], "from") if "from" in q else None
        end = self._parse_time(q["to"], "to") if "to" in q else None
        if start is None and end is None:
            start, end = now - timedelta(days=7), now
        elif start is None:
            assert end is not None
            start = end - timedelta(days=7)
        elif end is None:
            end = start + timedelta(days=7)
        assert start is not None and end is not None
        if start > end:
            raise self._invalid([("from", "cannot be after to")])
        zone = self._zone(call)
        found: list[tuple[datetime | None, datetime, dict[str, Any]]] = []
        for instance in self._listed_instances():
            if host is not None and instance["hostUserId"] != host["id"]:
                continue
            if any(q.get(k) not in (None, instance[k]) for k in ("meetingSeriesId", "state", "scheduledType")):
                continue
            first, last = self._parse_time(instance["start"], "start"), self._parse_time(instance["end"], "end")
            if first < end and last > start:
                found.append((last, first, self._instance_view(instance, zone)))
        listed = self._instance_links.get(tuple(sorted(call.request.url.params.multi_items())), 0)
        generated = (
            host is None
            and q.get("meetingSeriesId") is None
            and q.get("state") in (None, "ended")
            and q.get("scheduledType") in (None, "meeting")
        )  # generated instances: no stored host, no stored series
        if generated and self._bulk_listed():
            response = self._page_bulk_instances(call, found, start, end, zone, limit=self.instance_list_cap - listed)
        else:
            response = self._page_by_end(call, found, end, limit=self.instance_list_cap - listed)
        link = response.links.get("next", {}).get("url")
        if link:
            served = len(json.loads(response.content)["items"])
            self._instance_links[tuple(sorted(httpx.URL(link).params.multi_items()))] = listed + served
        return response

    def _page_bulk_instances(
        self,
        call: Call,
        found: list[tuple[datetime | None, datetime, dict[str, Any]]],
        start: datetime,
        end: datetime,
        zone: ZoneInfo,
        limit: int,
    ) -> httpx.Response:
        """:meth:`_page_by_end` over the seeded instances ``found`` and the generated ones overlapping
        [``start``, ``end``): the same order (by end; ends at or past ``end`` minus a second last, by start),
        the same pages and next links, without making the generated instances off the page."""
        bulk = self._bulk
        assert bulk is not None and bulk.meeting_ends is not None
        size = self._page_size(call, DEFAULT_PAGE, MEETINGS_PAGE_MAX)
        to_s = (_micros(end) - 1) // 1_000_000  # the last whole second before `end`
        listed = self._bulk_listed()
        times = bulk.meeting_ends
        first = times.index_at(_micros(start) // 1_000_000 + 1)  # ends after `start`
        stop = min(times.index_at(to_s), listed)  # ... and before the last group (e + 1s < end: e < to_s)
        utc = zone.key == "UTC"

        def view(m: int) -> dict[str, Any]:
            item = bulk.meeting(m)
            return item if utc else self._instance_view(item, zone)

        def key(m: int) -> tuple[int, int, str]:
            first_s, end_s = bulk.meeting_times(m)
            return end_s, first_s, bulk.instance_id(m)

        early: list[tuple[Any, dict[str, Any]]] = []
        late: list[tuple[Any, dict[str, Any]]] = []
        for ends, begins, item in found:
            if ends is not None and ends + PAGE_STEP < end:
                early.append(((_micros(ends) // 1_000_000, _micros(begins) // 1_000_000, item["id"]), item))
            else:
                late.append(((None, _micros(begins) // 1_000_000, item["id"]), item))
        early.sort(key=lambda r: r[0])
        m = max(first, stop)
        while m < listed:  # generated instances in the last group: ending from end - 1s, starting before end
            start_s, end_s = bulk.meeting_times(m)
            if start_s * 1_000_000 >= _micros(end):
                if end_s - BULK_MAX_DURATION >= to_s + 1:
                    break
                m += 1
                continue
            late.append(((None, start_s, bulk.instance_id(m)), view(m)))
            m += 1
        late.sort(key=lambda r: (r[0][1], r[0][2]))
        ordered = _Merged(early, first, max(first, stop), key, view, short=lambda m: (bulk.meeting_end(m),))
        total = min(len(ordered) + len(late), max(0, limit))

        def rows(a: int, b: int) -> list[tuple[Any, dict[str, Any]]]:
            b = min(b, total)
            head = ordered.slice(a, b) if a < len(ordered) else []
            tail = late[max(0, a - len(ordered)) : max(0, b - len(ordered))]
            return head + tail

        page = _cut_lazy(rows, total, size, lambda k: k[0])
        headers: dict[str, str] = {}
        if len(page) < total:
            last = page[-1][0][0]
            assert last is not None, "the group of ends at or past `to` is always the last"
            after = datetime.fromtimestamp(last, UTC) + PAGE_STEP
            query = [(k, v) for k, v in call.request.url.params.multi_items() if k not in ("from", "to")]
            headers = self._next_link(call, [("from", _utc(after))], [*query, ("to", _utc(end))])
        return json_response(200, {"items": [item for _, item in page]}, headers)

    @staticmethod
    def _cut(keys: list[Any], size: int) -> int:
        """How many of the items ordered by ``keys`` make a page of at most ``size``, never splitting
        equal keys across pages (a group longer than ``size`` is served whole)."""
        cut = min(size, len(keys))
        if cut < len(keys) and keys[cut] == keys[cut - 1]:
            first = keys.index(keys[cut - 1])
            cut = first if first > 0 else len(keys) - keys[::-1].index(keys[cut - 1])
        return cut

    def _participants_instance(self, meeting_id: str) -> dict[str, Any] | None:
        """The ended instance ``meetingId`` names: an instance id, an occurrence id (its instance), or a
        series id (its last instance)."""
        listed = self._listed_instances()
        for instance in listed:
            if meeting_id in (instance["id"], instance["scheduledMeetingId"]):
                return instance
        of_series = [i for i in listed if i["meetingSeriesId"] == meeting_id]
        if of_series:
            return max(of_series, key=lambda i: i["start"])
        bulk = self._bulk
        m = bulk.meeting_index(meeting_id) if bulk is not None and bulk.meeting_ends is not None else None
        if bulk is None or m is None or m >= self._bulk_listed():
            return None
        meeting = bulk.meeting(m)
        return {**meeting, "participants": bulk.participants(m, meeting), "generated": True}

    @route("GET", "/meetingParticipants", query=PARTICIPANTS_QUERY, declared=PARTICIPANTS_QUERY)
    def _list_participants(self, call: Call) -> httpx.Response:
        """Participants of an ended instance, ordered by join time, ``joinTimeFrom`` inclusive and
        ``joinTimeTo`` exclusive (one given: the other 7 days away; at most 90 days apart). The next link
        moves the declared ``joinTimeFrom`` just past the page's last join (equal join times are never
        split across pages) and makes ``joinTimeTo`` explicit."""
        self._logs_ready()
        q = call.query
        unmodelled = sorted(k for k in q if k not in PARTICIPANTS_QUERY_MODELLED)
        if unmodelled:
            raise NotImplementedError(f"FakeWebex does not model {', '.join(unmodelled)} in GET /meetingParticipants")
        if call.request.headers.get("timezone") not in (None, "UTC"):
            raise NotImplementedError("FakeWebex serves participants' times in UTC only")
        caller: _Caller = call.state["caller"]
        if not q.get("meetingId"):
            raise self._invalid([("meetingId", "is required")])
        instance = self._participants_instance(q["meetingId"])
        if instance is None:
            raise self._reply(404, "Meeting not found.")
        if q.get("hostEmail"):
            if self._host_for(caller, q["hostEmail"])["id"] != instance["hostUserId"]:
                raise self._reply(404, "Meeting not found.")
        elif not caller.admin and (caller.person is None or caller.person["id"] != instance["hostUserId"]):
            raise self._reply(403, "Only the meeting host or an administrator can list the participants.")
        first = self._parse_time(q["joinTimeFrom"], "joinTimeFrom") if "joinTimeFrom" in q else None
        last = self._parse_time(q["joinTimeTo"], "joinTimeTo") if "joinTimeTo" in q else None
        if first is not None and last is None:
            last = first + timedelta(days=7)
        elif last is not None and first is None:
            first = last - timedelta(days=7)
        if first is not None and last is not None:
            if first > last:
                raise self._invalid([("joinTimeFrom", "cannot be after joinTimeTo")])
            if last - first > JOIN_SPAN:
                raise self._invalid([("joinTimeTo", "the interval between joinTimeFrom and joinTimeTo must be "
                                                    "within 90 days")])  # fmt: skip
        rows = []
        for record in instance["participants"]:
            joined = self._parse_time(record["joinedTime"], "joinedTime")
            if first is None or last is None or first <= joined < last:
                rows.append((joined, record))
        rows.sort(key=lambda r: (r[0], r[1]["id"]))
        size = self._page_size(call, *PARTICIPANTS_PAGE)
        cut = self._cut([r[0] for r in rows], size)
        headers: dict[str, str] = {}
        if cut < len(rows):
            after = rows[cut - 1][0] + AUDIT_STEP
            until = last if last is not None else rows[-1][0] + timedelta(seconds=1)
            moved = ("joinTimeFrom", "joinTimeTo")
            query = [(k, v) for k, v in call.request.url.params.multi_items() if k not in moved]
            headers = self._next_link(call, [("joinTimeFrom", _millis(after)), ("joinTimeTo", _millis(until))], query)
        if instance.get("generated"):  # made for this request: nothing to copy
            items = [r for _, r in rows[:cut]]
        else:
            items = [{k: copy.deepcopy(v) for k, v in r.items() if k in PARTICIPANT_FIELDS} for _, r in rows[:cut]]
        return json_response(200, {"items": items}, headers)

    def _audit_range(self, call: Call, first_name: str, last_name: str) -> tuple[datetime, datetime]:
        """The org and the [first, last) range of an audit query: all required, at most one year."""
        q = call.query
        problems = [(k, "is required") for k in ("orgId", first_name, last_name) if not q.get(k)]
        if problems:
            raise self._invalid(problems)
        if q["orgId"] != self.org_id:
            raise self._reply(403, "The caller cannot list events of that organization.")
        first, last = self._parse_time(q[first_name], first_name), self._parse_time(q[last_name], last_name)
        if first > last:
            raise self._invalid([(first_name, f"cannot be after {last_name}")])
        if last - first > AUDIT_SPAN:
            raise self._invalid([(last_name, "a maximum of one year of audit events can be returned per request")])
        return first, last

    def _audit_rows(self, call: Call, rows: list[dict[str, Any]], first: datetime, last: datetime,
                    prefix: str) -> list[tuple[datetime, dict[str, Any]]]:  # fmt: skip
        """``rows`` created in [first, last), filtered by ``actorId`` and ``eventCategories`` (bare names,
        comma-separated or repeated; the answers of ``/adminAudit/events`` carry them with ``prefix``)."""
        actor = call.query.get("actorId")
        wanted = {c.strip() for v in call.request.url.params.get_list("eventCategories") for c in v.split(",")}
        wanted.discard("")
        out = []
        for record in rows:
            created = self._parse_time(record["created"], "created")
            if not first <= created < last or actor not in (None, record.get("actorId")):
                continue
            if wanted and str(record["data"].get("eventCategory", "")).removeprefix(prefix) not in wanted:
                continue
            out.append((created, copy.deepcopy(record)))
        return out

    @route("GET", "/adminAudit/events", query=ADMIN_AUDIT_QUERY, declared=ADMIN_AUDIT_QUERY)
    def _admin_audit_events(self, call: Call) -> httpx.Response:
        """Admin audit events of [from, to) (``from`` inclusive here; the spec says "after"), newest first,
        paged with the declared ``offset``: the next link is the same query at the next offset."""
        self._require_admin(call)
        self._logs_ready()
        first, last = self._audit_range(call, "from", "to")
        rows = self._audit_rows(call, self.admin_audit_events, first, last, "EventCategory.")
        size = self._page_size(call, *ADMIN_AUDIT_PAGE)
        raw_offset = call.query.get("offset", "0")
        try:
            offset = int(raw_offset)
        except ValueError:
            raise self._invalid([("offset", f"{raw_offset!r} is not a number")]) from None
        if offset < 0:
            raise self._invalid([("offset", "must not be negative")])
        bulk = self._bulk
        if bulk is not None and bulk.admin_times is not None:  # seeded and generated, newest first
            ordered = self._bulk_audit(call, rows, first, last, bulk.admin_times, bulk.admin_key, bulk.admin,
                                       "EventCategory.", reverse=True)  # fmt: skip
            page = [r for _, r in ordered.slice(offset, offset + size)]
            total = len(ordered)
        else:
            rows.sort(key=lambda r: (r[0], r[1]["id"]), reverse=True)
            page = [r for _, r in rows[offset : offset + size]]
            total = len(rows)
        headers: dict[str, str] = {}
        if offset + len(page) < total:
            query = [(k, v) for k, v in call.request.url.params.multi_items() if k != "offset"]
            headers = self._next_link(call, [("offset", str(offset + len(page)))], query)
        return json_response(200, {"items": page}, headers)

    @route("GET", "/adminAudit/eventCategories", query=())
    def _admin_audit_categories(self, call: Call) -> httpx.Response:
        self._require_admin(call)
        self._logs_ready()
        served = {str(r["data"].get("eventCategory", "")).removeprefix("EventCategory.")
                  for r in self.admin_audit_events}  # fmt: skip
        if self._bulk is not None and self._bulk.traffic.admin:
            served |= {"LOGINS", "LOGOUT", "MEETING_SITE_SETTINGS", "USERS"}
        return json_response(200, {"eventCategories": sorted((served | {"LOGINS", "LOGOUT"}) - {""})})

    @route("GET", "/admin/securityAudit/events", query=SECURITY_AUDIT_QUERY, declared=SECURITY_AUDIT_QUERY)
    def _security_audit_events(self, call: Call) -> httpx.Response:
        """Users' sign-ins and sign-outs of [startTime, endTime), oldest first; the next link moves the
        declared ``startTime`` just past the page's last event (equal times are never split). Without Pro
        Pack and "Allow user authentication data" (:attr:`security_audit_available`): 403."""
        self._require_admin(call)
        self._logs_ready()
        if not self.security_audit_available:
            raise self._reply(403, "Security audit events are not available for this organization: they need "
                                   "Pro Pack and 'Allow user authentication data' in Control Hub.")  # fmt: skip
        first, last = self._audit_range(call, "startTime", "endTime")
        rows = self._audit_rows(call, self.security_audit_events, first, last, "")
        size = self._page_size(call, *SECURITY_AUDIT_PAGE)
        bulk = self._bulk
        headers: dict[str, str] = {}
        if bulk is not None and bulk.security_times is not None:  # seeded and generated, oldest first
            ordered = self._bulk_audit(call, rows, first, last, bulk.security_times, bulk.security_key, bulk.security,
                                       "")  # fmt: skip
            page = _cut_lazy(ordered.slice, len(ordered), size, lambda k: k[0])
            if len(page) < len(ordered):
                after = _EPOCH + timedelta(milliseconds=page[-1][0][0]) + AUDIT_STEP
                query = [(k, v) for k, v in call.request.url.params.multi_items() if k != "startTime"]
                headers = self._next_link(call, [("startTime", _millis(after))], query)
            return json_response(200, {"items": [r for _, r in page]}, headers)
        rows.sort(key=lambda r: (r[0], r[1]["id"]))
        cut = self._cut([r[0] for r in rows], size)
        if cut < len(rows):
            query = [(k, v) for k, v in call.request.url.params.multi_items() if k != "startTime"]
            headers = self._next_link(call, [("startTime", _millis(rows[cut - 1][0] + AUDIT_STEP))], query)
        return json_response(200, {"items": [r for _, r in rows[:cut]]}, headers)

    def _bulk_audit(
        self,
        call: Call,
        rows: list[tuple[datetime, dict[str, Any]]],
        first: datetime,
        last: datetime,
        times: Timeline,
        key: Callable[[int], tuple[int, str]],
        make: Callable[[int], dict[str, Any]],
        prefix: str,
        *,
        reverse: bool = False,
    ) -> _Merged:
        """The seeded audit ``rows`` of [first, last) and the generated events of that range, in one order by
        (time, id): ascending, or descending with ``reverse``. With ``actorId`` or ``eventCategories`` the
        generated events of the range are filtered one by one (for small tests: that is a scan)."""
        lo, hi = times.index_at(_ceil_ms(first)), times.index_at(_ceil_ms(last))
        seeded = [((_micros(created) // 1000, r["id"]), r) for created, r in rows]
        q = call.request.url.params
        if "actorId" in q or "eventCategories" in q:
            seeded += [(key(i), r) for i in range(lo, hi) for _, r in self._audit_rows(
                call, [make(i)], first, last, prefix)]  # fmt: skip
            lo = hi
        seeded.sort(key=lambda r: r[0], reverse=reverse)
        return _Merged(seeded, lo, hi, key, make, reverse=reverse, short=lambda i: (times.at(i),))

    # -- site settings ---------------------------------------------------------------------------------------

    @route("GET", "/admin/meeting/config/commonSettings", query=("siteUrl",))
    def _get_common_settings(self, call: Call) -> httpx.Response:
        self._require_admin(call)
        if call.query.get("siteUrl") not in (None, self.site_url):
            raise self._reply(404, "Site not found.")
        return json_response(200, copy.deepcopy(self.common_settings))

    @route("PATCH", "/admin/meeting/config/commonSettings", query=())
    def _patch_common_settings(self, call: Call) -> httpx.Response:
        self._require_admin(call)
        raw = call.json()
        if isinstance(raw, dict) and "telephonyConfig" in raw:
            raise self._invalid([("telephonyConfig", "is read-only")])
        body = self._json_body(call, COMMON_SETTINGS_UPDATE)
        scheduler = body.get("defaultSchedulerOptions")
        if scheduler is not None and not {"entryAndExitTone", "telephonySupport"} <= set(scheduler):
            raise self._invalid([("defaultSchedulerOptions", "entryAndExitTone and telephonySupport are required")])
        merged = deep_merge(copy.deepcopy(self.common_settings), body)
        security = merged["securityOptions"]
        if security.get("audioBeforeHost") and not security.get("joinBeforeHost"):
            raise self._invalid([("securityOptions.audioBeforeHost", "needs joinBeforeHost")])
        sent = body.get("securityOptions") or {}
        if "passwordCriteria" in sent and not security.get("requireStrongPassword"):
            raise self._invalid([("securityOptions.passwordCriteria", "needs requireStrongPassword")])
        values = (sent.get("passwordCriteria") or {}).get("disallowValues") or []
        if len(values) != len(set(values)):
            raise self._invalid([("securityOptions.passwordCriteria.disallowValues", "cannot repeat items")])
        self.common_settings = merged
        return json_response(200, copy.deepcopy(merged))


def _occurrence_id(series_id: str, start: datetime) -> str:
    return f"{series_id}_{start.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def _default_common_settings() -> dict[str, Any]:
    """A new EDU site's common settings (values as Cisco recommends for education sites, notes §7)."""
    return {
        "siteOptions": {"allowCustomPersonalRoomURL": False},
        "telephonyConfig": {
            "allowCallIn": True, "allowCallBack": True, "allowOtherTeleconf": False, "allowTollFreeCallin": False,
            "allowInternationalCallin": True, "allowInternationalCallback": False, "VoIP": True,
        },
        "defaultSchedulerOptions": {
            "entryAndExitTone": "Beep", "joinTeleconfNotPress1": True, "telephonySupport": "WebexTeleconferencing",
            "tollFree": False, "VoIP": True,
        },
        "scheduleMeetingOptions": {"emailReminders": True},
        "securityOptions": {
            "joinBeforeHost": False, "audioBeforeHost": False, "firstAttendeeAsPresenter": False,
            "unlistAllMeetings": True, "requireLoginBeforeAccess": False, "allowMobileScreenCapture": False,
            "requireStrongPassword": True,
            "passwordCriteria": {
                "mixedCase": True, "minLength": 8, "minNumeric": 1, "minAlpha": 1, "minSpecial": 0,
                "disallowDynamicWebText": True, "disallowList": True, "disallowValues": ["password", "webex"],
            },
        },
    }  # fmt: skip


# -- the sandbox district (confkit.sandbox looks up SANDBOX here) ------------------------------------------

SANDBOX_SITE = "lincoln-usd.webex.com"
SANDBOX_TIMEZONE = "America/Chicago"
SANDBOX_CLIENT_ID = "fake-webex-client-id"
SANDBOX_CLIENT_SECRET = "fake-webex-client-secret"
SANDBOX_REFRESH_TOKEN = "fake-webex-refresh-token"


def security_body(sec: MeetingSecurity) -> dict[str, Any]:
    """Neutral security as ``POST /meetings`` fields, for seeding (no adapter involved).

    A lobby for everyone is Webex's lobby for people not on the invite plus an automatic lock at the
    start (as the adapter writes it); "no password" cannot exist on Webex (one is generated).
    """
    body: dict[str, Any] = {}
    if sec.passcode_value():
        body["password"] = sec.passcode_value()
    if sec.waiting_room is WaitingRoom.OFF:
        body["unlockedMeetingJoinSecurity"] = "allowJoin"
    elif sec.waiting_room is not None:
        body["unlockedMeetingJoinSecurity"] = "allowJoinWithLobby"
        if sec.waiting_room is WaitingRoom.EVERYONE:
            body |= {"enableAutomaticLock": True, "automaticLockMinutes": 0}
    if sec.join_before_host is not None:
        body["enabledJoinBeforeHost"] = sec.join_before_host
        body["joinBeforeHostMinutes"] = 5 if sec.join_before_host else 0
    if sec.mute_on_entry is not None:
        body["audioConnectionOptions"] = {"muteAttendeeUponEntry": sec.mute_on_entry}
    if sec.auto_recording is not None:
        body["enabledAutoRecordMeeting"] = sec.auto_recording is AutoRecording.CLOUD
    return body


def class_body(meeting: ClassMeeting) -> dict[str, Any]:
    """The ``POST /meetings`` body of one sandbox class."""
    zone = ZoneInfo(SANDBOX_TIMEZONE)
    start = meeting.start.astimezone(zone)
    body: dict[str, Any] = {
        "title": meeting.topic,
        "start": start.isoformat(timespec="seconds"),
        "end": (start + timedelta(minutes=meeting.duration_minutes)).isoformat(timespec="seconds"),
        "timezone": SANDBOX_TIMEZONE,
    }
    if meeting.recurrence is not None:
        body["recurrence"] = meeting.recurrence.rrule
    return body | security_body(meeting.security)


def seed_site_settings(fake: FakeWebex) -> None:
    """The district's site as an audit finds it: attendees may join (with audio) before the host,
    meeting passwords need only 6 characters, and no sign-in is required to join - each a Control Hub
    site default a district may well have left as it was."""
    security = fake.common_settings["securityOptions"]
    security |= {"joinBeforeHost": True, "audioBeforeHost": True, "requireLoginBeforeAccess": False}
    security["passwordCriteria"]["minLength"] = 6


def seed_district(fake: FakeWebex, district: District) -> None:
    """The district as one Webex org and site: admins (the first is the full admin who authorized
    the sandbox integration), teachers with a host licence, students attendee-only, and the classes."""
    read_only = fake.role_id("Read-only Administrator")
    for n, person in enumerate(district.people):
        fake.add_person(
            person.email,
            person.first_name,
            person.last_name,
            admin=person.role == "admin" and n == 0,
            host=person.role != "student",
            roles=[read_only] if person.role == "admin" and n > 0 else None,
            department={"admin": "IT", "teacher": "Teachers", "student": "Students"}[person.role],
        )
    for meeting in district.meetings:
        fake.add_meeting(meeting.host_email, class_body(meeting))
    seed_site_settings(fake)
    fake.authorize_integration(
        SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, district.admins[0].email, refresh_token=SANDBOX_REFRESH_TOKEN,
        reusable=True,
    )  # fmt: skip


SANDBOX_LOG_DAYS = 14
_MASK = (1 << 64) - 1
_BROWSERS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 "
    "Safari/605.1.15",
)
_APPS = ("Webex/44.6.0.29928 (Windows 10; x86_64)", "Webex/44.6.0.29928 (Mac OS X 14.4; arm64)",
         "Webex/44.5.0.29700 (iOS 17.4; iPhone)", "Webex/44.6.0.29928 (ChromeOS; x86_64)")  # fmt: skip
#: People from outside the district who join classes now and then (the joins a detection looks for).
_OUTSIDERS = (("Pat Parent", "pat.parent@mail.example"), ("Guest Speaker", "speaker@university.example"),
              ("xXx_gamer_xXx", "randomkid42@mail.example"), ("Zoom Bomber", "bomber@throwaway.example"))  # fmt: skip


def _mix(seed: int, i: int) -> int:
    """A deterministic 64-bit hash of ``(seed, i)`` (splitmix64 finalizer)."""
    z = (seed * 0x9E3779B97F4A7C15 + (i + 1) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


def sandbox_log_traffic(fake: FakeWebex, district: District, days: int = SANDBOX_LOG_DAYS) -> None:
    """Seed the sandbox district's audit-log history of the last ``days`` days into ``fake``.

    Each day's records are a function of its date only (ids included), so a later run over the same
    days serves the same records and confkit stores them once:

    * security audit: staff sign in to Webex on school days and sign out in the afternoon, some
      students sign in from home;
    * admin audit: the admins sign in to Control Hub; every other week the IT admin turns on join
      (and audio) before host for the site and later lowers the minimum meeting password length
      from 8 to 6 - which is how the sandbox site's settings got the way an audit finds them; a
      teacher is given the Full Administrator role; a new student account is created; an update
      fails with Webex's error code;
    * participants: each teacher's classes meet two or three days a week as ended instances with
      about ten students, some left waiting in the lobby, now and then people from outside the
      district and a phone-only caller.

    The admin-audit category names other than ``LOGINS`` and the wording of ``actionText`` are the
    fake's own: Cisco publishes neither (docs/logs.md, Webex).
    """
    now = fake.now()
    org, site = fake.org_name, fake.site_url
    teachers, students, admins = district.teachers, district.students, district.admins
    names = {p.email: f"{p.first_name} {p.last_name}" for p in district.people}
    ids = {p.email: str((fake._find_person(p.email) or {}).get("id", "")) for p in district.people}
    series_of = {(m["hostEmail"], m["title"]): m["id"] for m in fake.meetings.values()}
    it_admin, security = admins[0].email, admins[-1].email
    staff_ip, home_ip = "198.51.100.{}", "203.0.113.{}"
    for offset in range(days, -1, -1):
        day = now.date() - timedelta(days=offset)
        seed = day.toordinal()
        school_day = day.weekday() < 5

        def at(hour: int, minute: int = 0, second: int = 0, _day: Any = day) -> datetime:
            return datetime(_day.year, _day.month, _day.day, tzinfo=UTC) + timedelta(
                hours=hour, minutes=minute, seconds=second
            )

        def sign(email: str, moment: datetime, category: str, ip: str, h: int, n: int, _day: Any = day) -> None:
            if moment <= now:
                fake.add_security_audit_event(email, category=category, at=moment, ip=ip,
                                              user_agent=_APPS[h % len(_APPS)], key=(_day, category, n))  # fmt: skip

        def admin(moment: datetime, actor: str, key: str, _day: Any = day, **kw: Any) -> None:
            if moment <= now:
                fake.add_admin_audit_event(actor, at=moment, key=(_day, key), **kw)

        for n, person in enumerate([*admins, *teachers]):
            h = _mix(seed, n)
            if not school_day and h % 5:
                continue
            ip = staff_ip.format(h % 200 + 20)
            sign(person.email, at(12, 30, h % 3600), "LOGINS", ip, h, n)
            sign(person.email, at(21, 0, (h >> 12) % 3600), "LOGOUT", ip, h, n)
        for n, student in enumerate(students[:40] if school_day else ()):
            h = _mix(seed + 1, n)
            if h % 3 == 0:
                sign(student.email, at(13, 10, h % 1800), "LOGINS", home_ip.format(h % 250 + 2), h >> 8, 1000 + n)
        for n, person in enumerate(admins):
            h = _mix(seed + 2, n)
            if school_day and h % 2 == 0:
                admin(at(13, 5, h % 3000), person.email, f"login{n}", category="LOGINS",
                      description="An Admin logged in",
                      action_text=f"{names[person.email]} logged into organization {org}",
                      ip=staff_ip.format(h % 200 + 20), user_agent=_BROWSERS[h % 2])  # fmt: skip
        who = names[it_admin]
        if seed % 14 == 3:
            admin(at(16, 5, 12), it_admin, "jbh", category="MEETING_SITE_SETTINGS", target_type="SITE",
                  target_id=site, target_name=site, description="Meeting site settings were changed",
                  action_text=f"{who} changed the settings of site {site}: Join Before Host changed from false "
                              "to true; Audio Before Host changed from false to true")  # fmt: skip
        if seed % 14 == 10:
            admin(at(15, 42, 3), it_admin, "password", category="MEETING_SITE_SETTINGS", target_type="SITE",
                  target_id=site, target_name=site, description="Meeting site settings were changed",
                  action_text=f"{who} changed the settings of site {site}: Password Minimum Length changed "
                              "from 8 to 6")  # fmt: skip
        if seed % 14 == 6 and teachers:
            promoted = teachers[seed % len(teachers)].email
            admin(at(17, 20, 9), it_admin, "role", category="USERS", target_type="USER", target_id=ids[promoted],
                  target_name=names[promoted], description="A user's roles were changed",
                  action_text=f"{who} changed the roles of {promoted}: Roles changed from User to Full "
                              "Administrator")  # fmt: skip
        if seed % 14 == 8 and teachers:
            edited = teachers[(seed // 14) % len(teachers)].email
            admin(at(18, 1, 44), it_admin, "failed", category="USERS", target_type="USER", target_id=ids[edited],
                  target_name=names[edited], description="A user was updated",
                  action_text=f"{who} updated the user {edited}", error_code="WXC-25058",
                  error_message="WXC-25058 Extension cannot be less than 2 or greater than 6 characters")  # fmt: skip
        if school_day and seed % 7 == 1:
            new = f"new.student{seed % 1000}@{district.student_domain}"
            admin(at(14, 2, 51), security, "create", category="USERS", target_type="USER",
                  target_id=fake._log_id("user", seed), target_name=f"New Student{seed % 1000}",
                  description="A user was created",
                  action_text=f"{names[security]} created the user {new}")  # fmt: skip
        if not school_day:
            continue
        for i, teacher in enumerate(teachers):
            for period in range(2):
                if (i + period + day.weekday()) % 2:
                    continue
                start = at(14 + period)
                if start + timedelta(minutes=50) + ENDED_DETAILS_DELAY > now:
                    continue
                topic = f"{SUBJECTS[(i + period) % len(SUBJECTS)]} - P{period + 1}"
                h = _mix(seed, 100 + i * 2 + period)
                people: list[dict[str, Any]] = [{
                    "email": teacher.email, "displayName": names[teacher.email],
                    "joinedTime": _utc(start - timedelta(minutes=3)), "invitee": True, "video": "on",
                    "muted": False,
                }]  # fmt: skip
                roster = [students[(i * 7 + period * 3 + k * 11) % len(students)] for k in range(10 if students else 0)]
                for k, student in enumerate(roster):
                    late = (h >> (k + 3)) % 240
                    joined = start + timedelta(seconds=late)
                    pupil: dict[str, Any] = {"email": student.email, "displayName": names[student.email],
                                             "joinedTime": _utc(joined), "invitee": True}  # fmt: skip
                    if (h >> k) % 17 == 0:  # left waiting in the lobby, never admitted
                        pupil |= {"state": "lobby", "leftTime": _utc(joined + timedelta(minutes=2))}
                    people.append(pupil)
                if h % 6 == 0:  # people from outside the district, not invited
                    for g in range(1 + (h >> 8) % 2):
                        name, email = _OUTSIDERS[(h >> (10 + g)) % len(_OUTSIDERS)]
                        join = start + timedelta(minutes=12 + g)
                        people.append({"email": email, "displayName": name, "joinedTime": _utc(join),
                                       "leftTime": _utc(join + timedelta(minutes=2))})  # fmt: skip
                if h % 11 == 0:  # a phone-only caller: no e-mail, no name
                    people.append({"joinedTime": _utc(start + timedelta(minutes=5))})
                fake.add_ended_meeting(teacher.email, start=start, duration_minutes=50, title=topic,
                                       series_id=series_of.get((teacher.email, topic)), participants=people,
                                       key=(day, i, period))  # fmt: skip


# -- bulk log traffic: records computed from their index ---------------------------------------------------

_BULK_FIRST = ("Ada", "Ben", "Cora", "Dev", "Elena", "Femi", "Gus", "Hana", "Ivan", "Jade", "Kofi", "Lena", "Milo",
               "Nia", "Omar", "Pia", "Quinn", "Rosa", "Sam", "Tara", "Uma", "Vic", "Wes", "Xena", "Yuri",
               "Zoe")  # fmt: skip
_BULK_LAST = ("Adams", "Baker", "Chen", "Diaz", "Evans", "Flores", "Garcia", "Hughes", "Ito", "Jones", "Khan", "Lopez",
              "Moore", "Nguyen", "Okafor", "Patel", "Quist", "Reyes", "Smith", "Tanaka", "Usman", "Vargas", "Wong",
              "Young")  # fmt: skip
#: Everyone of the org the generated traffic names (people are computed from their index, not stored).
BULK_PEOPLE = 3000
#: The first people of the org are its admins (they act in the admin audit log).
BULK_ADMINS = 4
#: Generated meetings last 30 to 60 minutes.
BULK_MAX_DURATION = 3600
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)


def _iso_s(second: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(second))


def _iso_ms(ms: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + f".{ms % 1000:03d}Z"


def _hex_uuid(a: int, b: int) -> str:
    h = f"{a & _MASK:016x}{b & _MASK:016x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _micros(moment: datetime) -> int:
    return (moment - _EPOCH) // _US


def _ceil_ms(moment: datetime) -> int:
    """The first whole millisecond at or after ``moment``."""
    return -(-_micros(moment) // 1000)


def _ceil_s(moment: datetime) -> int:
    return -(-_micros(moment) // 1_000_000)




class _Merged:
    """Seeded rows and the generated rows ``lo..hi-1`` in one order, made only when sliced.

    ``seeded`` is ``(key, row)`` in the order served; generated row ``i`` has the key ``key(i)``, increasing
    with ``i``. The order is ascending keys, or descending with ``reverse``. Placing the seeded rows costs a
    bisection each, a slice its own length: no request scans the generated rows. A slice gives generated
    rows the key ``short(i)`` (default ``key``): a cheaper key whose first item is the key's first item.
    """

    def __init__(self, seeded: list[tuple[Any, dict[str, Any]]], lo: int, hi: int, key: Callable[[int], Any],
                 make: Callable[[int], dict[str, Any]], *, reverse: bool = False,
                 short: Callable[[int], Any] | None = None) -> None:  # fmt: skip
        self.seeded, self.lo, self.hi = seeded, lo, max(lo, hi)
        self.key, self.make, self.reverse = key, make, reverse
        self.short = short or key
        generated = range(self.lo, self.hi)
        n = len(generated)
        self.positions = [
            j
            + (n - bisect.bisect_right(generated, k, key=key) if reverse else bisect.bisect_left(generated, k, key=key))
            for j, (k, _) in enumerate(seeded)
        ]

    def __len__(self) -> int:
        return len(self.seeded) + self.hi - self.lo

    def slice(self, a: int, b: int) -> list[tuple[Any, dict[str, Any]]]:
        a, b = max(0, a), min(len(self), b)
        s = bisect.bisect_left(self.positions, a)
        g = a - s
        out: list[tuple[Any, dict[str, Any]]] = []
        short, make, seeded, positions = self.short, self.make, self.seeded, self.positions
        for p in range(a, b):
            if s < len(seeded) and positions[s] == p:
                out.append(seeded[s])
                s += 1
            else:
                i = self.hi - 1 - g if self.reverse else self.lo + g
                out.append((short(i), make(i)))
                g += 1
        return out


def _cut_lazy(rows: Callable[[int, int], list[tuple[Any, Any]]], total: int, size: int,
              group: Callable[[Any], Any]) -> list[tuple[Any, Any]]:  # fmt: skip
    """The first page of at most ``size`` of ``total`` ordered rows (``rows(a, b)`` makes a slice), never
    splitting rows of equal ``group(key)`` across pages (a group longer than ``size`` is served whole):
    :meth:`FakeWebex._cut` without making every row."""
    head = rows(0, size + 1)
    if len(head) <= size:
        return head
    last = group(head[size - 1][0])
    if group(head[size][0]) != last:
        return head[:size]
    first = size - 1
    while first > 0 and group(head[first - 1][0]) == last:
        first -= 1
    if first > 0:
        return head[:first]
    out, at = head, len(head)
    while at < total and group(out[-1][0]) == last:  # the whole page is one group: serve all of it
        more = rows(at, at + size)
        out += more
        at += len(more)
    while out and group(out[-1][0]) != last:
        out.pop()
    return out


@dataclass(frozen=True)
class LogTraffic:
    """What :meth:`FakeWebex.generate_log_traffic` added: counts per stream and the time span."""

    admin: int
    security: int
    meetings: int
    participants_per_meeting: int
    hosts: int
    start: datetime
    end: datetime

    @property
    def participants(self) -> int:
        return self.meetings * self.participants_per_meeting

    @property
    def events(self) -> int:
        return self.admin + self.security + self.participants


class _BulkLogs:
    """Webex log records computed from their index: large volumes in constant memory."""

    def __init__(self, traffic: LogTraffic, seed: int, domain: str, org_id: str, org_name: str, site: str) -> None:
        self.traffic, self.seed, self.domain = traffic, seed, domain
        self.org_id, self.org_name, self.site = org_id, org_name, site
        start_s, end_s = int(traffic.start.timestamp()), int(traffic.end.timestamp())
        start_ms, span_ms = _ceil_ms(traffic.start), _ceil_ms(traffic.end) - _ceil_ms(traffic.start)
        ms = "milliseconds"
        self.admin_times = Timeline(traffic.admin, start_ms, span_ms, ms) if traffic.admin else None
        self.security_times = Timeline(traffic.security, start_ms, span_ms, ms) if traffic.security else None
        # Meetings are placed by their end (the order GET /meetings lists them in), all within [start, end).
        span = end_s - start_s - BULK_MAX_DURATION
        self.meeting_ends = Timeline(traffic.meetings, start_s + BULK_MAX_DURATION, span) if traffic.meetings else None
        self._mask = _mix(seed + 31, 0)
        self._people: dict[int, tuple[str, str, str]] = {}  # at most the org's people and hosts

    # -- people -----------------------------------------------------------------------------------------

    def person(self, u: int) -> tuple[str, str, str]:
        """(id, display name, e-mail) of the org's person ``u``."""
        found = self._people.get(u)
        if found is None:
            first, last = _BULK_FIRST[u % 26], _BULK_LAST[(u // 26) % 24]
            number = u // 624 or ""
            pid = _b64_id("PEOPLE", _hex_uuid(_mix(self.seed + 40, u), u))
            found = pid, f"{first} {last}", f"{first.lower()}.{last.lower()}{number}@{self.domain}"
            if len(self._people) < BULK_PEOPLE + self.traffic.hosts:
                self._people[u] = found
        return found

    # -- audit events -------------------------------------------------------------------------------------

    def admin_key(self, i: int) -> tuple[int, str]:
        assert self.admin_times is not None
        return self.admin_times.at(i), self.admin_id(i)

    def admin_id(self, i: int) -> str:
        return base64.b64encode(_hex_uuid(_mix(self.seed + 20, i), i).encode()).decode().rstrip("=")

    def admin(self, i: int) -> dict[str, Any]:
        """Admin audit event ``i`` (the ``GET /adminAudit/events`` item)."""
        assert self.admin_times is not None
        h = _mix(self.seed + 21, i)
        created = _iso_ms(self.admin_times.at(i))
        actor_id, actor, actor_email = self.person((h >> 4) % BULK_ADMINS)
        org, site = self.org_name, self.site
        kind = h % 20
        u = BULK_ADMINS + (h >> 16) % (BULK_PEOPLE - BULK_ADMINS)
        target_id, target, target_email = self.person(u)
        target_type, category, description = "ORG", "LOGINS", "An Admin logged in"
        target_id_out, target_name = self.org_id, org
        error: tuple[str, str] | None = None
        if kind < 8:
            text = f"{actor} logged into organization {org}"
        elif kind < 10:
            category, description = "LOGOUT", "An Admin logged out"
            text = f"{actor} logged out of organization {org}"
        elif kind < 13:
            setting = _BULK_SETTINGS[(h >> 24) % len(_BULK_SETTINGS)]
            a, b = setting[1:] if (h >> 30) & 1 else setting[:0:-1]
            category, target_type, target_id_out, target_name = "MEETING_SITE_SETTINGS", "SITE", site, site
            description = "Meeting site settings were changed"
            text = f"{actor} changed the settings of site {site}: {setting[0]} changed from {a} to {b}"
        elif kind < 15:
            category, target_type, target_id_out, target_name = "USERS", "USER", target_id, target
            description = "A user was created"
            text = f"{actor} created the user {target_email}"
        elif kind < 18:
            category, target_type, target_id_out, target_name = "USERS", "USER", target_id, target
            description = "A user was updated"
            text = f"{actor} updated the user {target_email}"
            if (h >> 34) % 8 == 0:
                error = ("WXC-25058", "WXC-25058 Extension cannot be less than 2 or greater than 6 characters")
        else:
            category, target_type, target_id_out, target_name = "USERS", "USER", target_id, target
            description = "A user's roles were changed"
            text = f"{actor} changed the roles of {target_email}: Roles changed from User to Full Administrator"
        data: dict[str, Any] = {
            "actorOrgName": org, "targetName": target_name, "eventDescription": description, "actorName": actor,
            "actorEmail": actor_email, "adminRoles": ["Full_Admin"],
            "trackingId": f"ATLAS_{_hex_uuid(h, _mix(self.seed + 22, i))}_0",
            "targetType": f"TargetResourceType.{target_type}", "targetId": target_id_out,
            "eventCategory": f"EventCategory.{category}", "actorUserAgent": _BROWSERS[(h >> 40) & 1],
            "actorIp": f"198.51.100.{(h >> 42) % 200 + 20}", "targetOrgId": self.org_id, "actionText": text,
            "targetOrgName": org,
        }  # fmt: skip
        if error is not None:
            data["errorCode"], data["errorMessage"] = error
        return {"data": data, "created": created, "actorOrgId": self.org_id, "id": self.admin_id(i),
                "actorId": actor_id}  # fmt: skip

    def security_key(self, i: int) -> tuple[int, str]:
        assert self.security_times is not None
        return self.security_times.at(i), self.security_id(i)

    def security_id(self, i: int) -> str:
        return base64.b64encode(_hex_uuid(_mix(self.seed + 23, i), i | 1 << 62).encode()).decode().rstrip("=")

    def security(self, i: int) -> dict[str, Any]:
        """Security audit event ``i`` (the ``GET /admin/securityAudit/events`` item): a sign-in or -out."""
        assert self.security_times is not None
        h = _mix(self.seed + 24, i)
        created = _iso_ms(self.security_times.at(i))
        person_id, name, email = self.person(h % BULK_PEOPLE)
        signs_in = (h >> 14) % 5 < 3
        home = (h >> 17) & 1
        ip = f"203.0.113.{(h >> 20) % 250 + 2}" if home else f"198.51.100.{(h >> 20) % 200 + 20}"
        return {
            "data": {
                "actorOrgName": self.org_name,
                "eventDescription": "A user logged in" if signs_in else "A user logged out",
                "actorName": name, "actorEmail": email, "actorUserAgent": _APPS[(h >> 28) % len(_APPS)],
                "trackingId": f"ATLAS_{_hex_uuid(h, _mix(self.seed + 25, i))}_0",
                "eventCategory": "LOGINS" if signs_in else "LOGOUT", "actorIp": ip,
                "actionText": f"{name} logged {'into' if signs_in else 'out of'} organization {self.org_name}",
            },
            "created": created, "actorOrgId": self.org_id, "id": self.security_id(i), "actorId": person_id,
        }  # fmt: skip

    # -- ended meetings and their participants -----------------------------------------------------------------

    def series_id(self, m: int) -> str:
        return f"{_mix(self.seed + 30, m):016x}{m ^ self._mask:016x}"

    def meeting_index(self, meeting_id: str) -> int | None:
        """The generated meeting an instance id (or its series id) names, ``None`` when none does."""
        sid = meeting_id.partition("_")[0]
        if len(sid) != 32:
            return None
        try:
            m = int(sid[16:], 16) ^ self._mask
        except ValueError:
            return None
        if not 0 <= m < self.traffic.meetings or self.series_id(m) != sid:
            return None
        return m if meeting_id in (sid, self.instance_id(m)) else None

    def instance_id(self, m: int) -> str:
        return f"{self.series_id(m)}_I_{10**17 + _mix(self.seed + 32, m) % (9 * 10**17)}"

    def meeting_end(self, m: int) -> int:
        assert self.meeting_ends is not None
        return self.meeting_ends.at(m)

    def meeting_times(self, m: int) -> tuple[int, int]:
        """(start, end) of meeting ``m`` in Unix seconds."""
        end = self.meeting_end(m)
        return end - 1800 - (_mix(self.seed + 33, m) % 31) * 60, end

    def meeting(self, m: int) -> dict[str, Any]:
        """Ended instance ``m`` as :attr:`FakeWebex.ended_meetings` keeps one (without its participants)."""
        h = _mix(self.seed + 34, m)
        start, end = self.meeting_times(m)
        host_id, host_name, host_email = self.person(m % self.traffic.hosts)
        sid = self.series_id(m)
        digits = self.instance_id(m).rpartition("_")[2]
        return {
            "id": f"{sid}_I_{digits}", "meetingSeriesId": sid,
            "scheduledMeetingId": f"{sid}_{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime(start))}",
            "meetingNumber": str(10**9 + int(digits) % (9 * 10**9)),
            "title": f"{SUBJECTS[h % len(SUBJECTS)]} - P{(h >> 8) % 7 + 1}", "meetingType": "meeting",
            "state": "ended", "timezone": "UTC", "start": _iso_s(start), "end": _iso_s(end), "hostUserId": host_id,
            "hostDisplayName": host_name, "hostEmail": host_email, "siteUrl": self.site, "scheduledType": "meeting",
            "hostDidJoin": True, "attendeeDidJoin": self.traffic.participants_per_meeting > 1, "hasChat": False,
            "hasRecording": False, "hasTranscription": False, "hasClosedCaption": False, "hasPolls": False,
            "hasQA": False, "hasSlido": False,
        }  # fmt: skip

    def participants(self, m: int, meeting: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """The ``GET /meetingParticipants`` items of instance ``m``: the host first, then people of the org,
        now and then someone from outside, a phone-only caller, someone left waiting in the lobby."""
        meeting = meeting or self.meeting(m)
        start, end = self.meeting_times(m)
        instance, sid, host_email = meeting["id"], meeting["meetingSeriesId"], meeting["hostEmail"]
        out = []
        for j in range(self.traffic.participants_per_meeting):
            h = _mix(self.seed + 35 + m, j)
            joined = start - 120 + j * 3 if j == 0 else start + j * 3
            left = max(joined + 60, end - (h % 300)) if j else end
            email: str | None
            if j == 0:
                name, email = meeting["hostDisplayName"], host_email
            elif h % 29 == 0:  # someone from outside the district
                name, email = _OUTSIDERS[(h >> 8) % len(_OUTSIDERS)]
            elif h % 31 == 0:  # a phone-only caller
                name, email = f"Call-in User_{j}", None
            else:
                _, name, email = self.person(BULK_ADMINS + (h >> 8) % (BULK_PEOPLE - BULK_ADMINS))
            state = "lobby" if j and (h >> 20) % 37 == 0 else "end"
            if state == "lobby":
                left = joined + 120
            joined_at, left_at = _iso_s(joined), _iso_s(left)
            record: dict[str, Any] = {
                "id": f"{sid}_{_hex_uuid(h, (m << 16) | j)}", "host": j == 0, "coHost": False, "email": email,
                "displayName": name, "invitee": email is not None and email.endswith(self.domain), "muted": j > 0,
                "meetingStartTime": meeting["start"], "video": "on" if j == 0 else "off", "state": state,
                "joinedTime": joined_at, "leftTime": left_at, "siteUrl": self.site, "meetingId": instance,
                "hostEmail": host_email,
                "devices": [{
                    "correlationId": _hex_uuid(_mix(self.seed + 36, m), j),
                    "deviceType": "webex_meeting_center_windows" if email else "tp_phone",
                    "audioType": "voip" if email else "pstn", "joinedTime": f"{joined_at[:19]}.000Z",
                    "leftTime": f"{left_at[:19]}.000Z", "durationSecond": left - joined,
                    **({} if email else {"callType": "callIn"}),
                }],
            }  # fmt: skip
            if email is None:
                del record["email"]
            out.append(record)
        return out


_BULK_SETTINGS = (
    ("Join Before Host", "false", "true"),
    ("Audio Before Host", "false", "true"),
    ("Password Minimum Length", "8", "6"),
    ("Require Password For Meetings", "true", "false"),
    ("Lobby For Unauthenticated Users", "true", "false"),
)


def _seed(fake: Any, district: District) -> None:
    seed_district(fake, district)
    fake.enable_sandbox_logs(district)


SANDBOX = SandboxPlatform(
    name="webex",
    make_fake=lambda clock: FakeWebex(clock=clock, site_url=SANDBOX_SITE, org_name="Lincoln Unified (sandbox)"),
    seed=_seed,
    settings={
        "auth": "integration",
        "client_id": SANDBOX_CLIENT_ID,
        "client_secret": SANDBOX_CLIENT_SECRET,
        "refresh_token": SANDBOX_REFRESH_TOKEN,
        "site_url": SANDBOX_SITE,
        "token_store": "memory",
        "rate_limits": {"default": 1000, "people": 1000},
    },
)

__all__ = [
    "SANDBOX",
    "FakeWebex",
    "class_body",
    "sandbox_log_traffic",
    "security_body",
    "seed_district",
    "seed_site_settings",
]
