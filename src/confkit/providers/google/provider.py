"""The Google provider: Calendar, Meet, Directory, Reports and Cloud Identity behind confkit's neutral verbs.

Every request is built by google-api-python-client from the bundled discovery documents and sent
through confkit's HttpCore (see :mod:`confkit.providers.google.transport`); every call impersonates
the user :data:`~confkit.providers.google.scopes.CALLS` names (the admin, or the meeting's organiser)
with the narrowest scope that call accepts.
"""

from __future__ import annotations

import re
import secrets
import threading
import uuid
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any, Literal, Self

import httpx
from googleapiclient.errors import HttpError
from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from confkit.capabilities import Operation
from confkit.config import parse_settings
from confkit.errors import (
    APIError,
    NotFoundError,
    PaginationLoopError,
    UnavailableError,
    UnrepresentableError,
    UnsupportedOperationError,
)
from confkit.http.clock import Clock, SystemClock
from confkit.http.core import HttpCore
from confkit.http.pagination import paginate
from confkit.http.ratelimit import RateLimiter
from confkit.http.retry import RetryPolicy
from confkit.logs.raw import PageSplitter, RawJSON
from confkit.models import (
    AccountSettings,
    Meeting,
    MeetingCreate,
    MeetingSecurity,
    MeetingUpdate,
    Page,
    User,
    UserCreate,
    UserStatus,
)
from confkit.provider import Provider
from confkit.providers.google import mapping
from confkit.providers.google.auth import DelegatedAuth, HttpxAuthRequest, base_credentials, load_service_account_info
from confkit.providers.google.capabilities import CAPABILITIES
from confkit.providers.google.errors import PROVIDER, map_error, map_token_error
from confkit.providers.google.limits import WITHIN, bucket_for, rates_for
from confkit.providers.google.mapping import SPACE_CONFIG_OPTION, MeetAuditEvent, MeetingRef
from confkit.providers.google.scopes import CALLS
from confkit.providers.google.transport import HttpCoreAdapter, reports_activities, reports_activities_split, service
from confkit.providers.google.wire import Events, ListPoliciesResponse, OrgUnits, Users

MAX_USERS_PAGE = 500
MAX_EVENTS_PAGE = 2500
DEFAULT_EVENTS_PAGE = 250
MAX_POLICIES_PAGE = 100
MAX_ACTIVITIES_PAGE = 1000
MEET_POLICY_FILTER = "customer == \"customers/{customer}\" && setting.type.matches('^settings/meet\\\\..*$')"


class GoogleSettings(BaseModel):
    """The ``[google]`` section of confkit.toml (or ``CONFKIT_GOOGLE_*`` variables)."""

    model_config = ConfigDict(extra="forbid")

    service_account_file: str | None = Field(default=None, description="Path to the service account's JSON key.")
    service_account_json: SecretStr | None = Field(default=None, description="The JSON key itself.")
    admin_email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", description="Admin to impersonate.")
    customer_id: str = Field(
        default="my_customer",
        description="The Workspace customer: my_customer (the admin's own) or its id, C followed by letters and "
        "digits (Admin console > Account settings > Customer ID).",
    )
    send_updates: Literal["all", "externalOnly", "none"] = "none"
    rate_limits: dict[str, float] = Field(default_factory=dict)
    timeout: float = 30.0

    @field_validator("customer_id")
    @classmethod
    def _customer(cls, value: str) -> str:
        # the Reports API's pattern for customerId (admin.reports_v1.json): "C.+|my_customer"
        if value != "my_customer" and not re.fullmatch(r"C[0-9A-Za-z]+", value):
            raise ValueError(f"{value!r} is not a customer: use my_customer or the customer id, C followed by "
                             "letters and digits (Admin console > Account settings > Customer ID)")
        return value
    max_retries: int = Field(default=4, ge=0)
    conference_wait_seconds: float = Field(default=8.0, ge=0)


class GoogleProvider(Provider):
    name = "google"
    display_name = "Google Meet"
    capabilities = CAPABILITIES

    def __init__(
        self,
        settings: GoogleSettings,
        *,
        client: httpx.Client | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.settings = settings
        info = load_service_account_info(key_file=settings.service_account_file, key_json=settings.service_account_json)
        self._credentials = base_credentials(info)
        self._owns_client = client is None
        self.client = client or httpx.Client()
        self.clock = clock or SystemClock()
        # Filtered Reports queries count against both of Google's limits (notes/google.md §2).
        self.limiter = RateLimiter(rates_for(settings.rate_limits), clock=self.clock, within=WITHIN)
        self.retry = RetryPolicy(max_attempts=settings.max_retries + 1)
        token_core = HttpCore(
            provider=self.name,
            client=self.client,
            base_url=str(info["token_uri"]),
            map_error=map_token_error,
            retry=self.retry,
            clock=self.clock,
            timeout=settings.timeout,
        )
        self._auth_request = HttpxAuthRequest(token_core)
        self._cores: dict[tuple[str, tuple[str, ...]], HttpCore] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_settings(
        cls, settings: Mapping[str, Any], *, client: httpx.Client | None = None, clock: Clock | None = None
    ) -> Self:
        return cls(parse_settings(GoogleSettings, cls.name, dict(settings)), client=client, clock=clock)

    def close(self) -> None:
        if self._owns_client:
            self.client.close()

    # -- the one HTTP path ------------------------------------------------------------------------------

    def _core(self, subject: str, scopes: tuple[str, ...]) -> HttpCore:
        """The HttpCore that sends as ``subject`` with ``scopes`` (one cached token each)."""
        key = (subject.lower(), scopes)
        with self._lock:
            core = self._cores.get(key)
            if core is None:
                core = HttpCore(
                    provider=self.name,
                    client=self.client,
                    base_url="https://www.googleapis.com",
                    map_error=map_error,
                    auth=DelegatedAuth.for_subject(self._credentials, subject, scopes, self._auth_request),
                    limiter=self.limiter,
                    retry=self.retry,
                    clock=self.clock,
                    timeout=self.settings.timeout,
                )
                self._cores[key] = core
            return core

    def _execute(self, request: Any, *, organizer: str | None = None) -> Any:
        """Send a googleapiclient request as the user :data:`CALLS` names for its method."""
        method_id: str = request.methodId
        call = CALLS[method_id]
        if call.subject == "admin":
            subject = self.settings.admin_email
        elif organizer is None:
            raise ValueError(f"{method_id} impersonates the meeting organiser; pass organizer=")
        else:
            subject = organizer
        # Reports queries count against 2,400/min, or 250/min when filtered: the query string decides.
        params = dict(httpx.URL(request.uri).params) if method_id == "reports.activities.list" else None
        adapter = HttpCoreAdapter(self._core(subject, call.scope_urls), bucket=bucket_for(method_id, params))
        try:
            return request.execute(http=adapter, num_retries=0)
        except HttpError as exc:  # only a 3xx can get here: HttpCore raises for every status >= 400
            raise APIError(
                f"{method_id} answered HTTP {exc.status_code}, which confkit does not follow",
                provider=PROVIDER,
                status=exc.status_code,
            ) from None
        except ValueError:
            raise UnavailableError(f"{method_id} returned a body that is not JSON", provider=PROVIDER) from None

    def _host_email(self, host: str) -> str:
        """Calendar and Meet calls impersonate by email: a Directory user id is looked up (users.get)."""
        host = host.strip()
        return host.lower() if "@" in host else self.get_user(host).email.lower()

    # -- users ------------------------------------------------------------------------------------------

    def iter_user_pages(
        self, *, status: UserStatus | None = None, page_size: int | None = None
    ) -> Iterator[Page[User]]:
        if status is UserStatus.PENDING:
            return iter([Page[User](items=[])])  # Workspace users exist as soon as they are created
        size = min(page_size or MAX_USERS_PAGE, MAX_USERS_PAGE)
        query = mapping.status_query(status)

        def fetch(cursor: str | None) -> Page[User]:
            request = _users().list(
                customer=self.settings.customer_id, maxResults=size, pageToken=cursor, orderBy="email", query=query
            )
            data = Users.model_validate(self._execute(request))
            return Page(items=[mapping.user_from_google(u) for u in data.users], next_cursor=data.nextPageToken)

        return paginate(fetch, provider=self.name)

    def get_user(self, user_id: str) -> User:
        return mapping.user_from_google(self._execute(_users().get(userKey=user_id)))

    def create_user(self, data: UserCreate) -> User:
        body = mapping.user_insert_body(data, generated_password=secrets.token_urlsafe(24))
        return mapping.user_from_google(self._execute(_users().insert(body=body)))

    def set_user_status(self, user_id: str, *, active: bool) -> None:
        self._execute(_users().patch(userKey=user_id, body={"suspended": not active}))

    # -- meetings ---------------------------------------------------------------------------------------

    def iter_meeting_pages(self, host: str, *, page_size: int | None = None) -> Iterator[Page[Meeting]]:
        """Upcoming Calendar events with a Meet conference that ``host`` organises (series not expanded).

        Security is not read here (one Meet call per meeting); :meth:`get_meeting` reads it.
        """
        email = self._host_email(host)
        size = min(page_size or DEFAULT_EVENTS_PAGE, MAX_EVENTS_PAGE)
        time_min = mapping.format_time(self.clock.now())

        def fetch(cursor: str | None) -> Page[Meeting]:
            request = _events().list(
                calendarId=email, timeMin=time_min, maxResults=size, pageToken=cursor, singleEvents=False
            )
            data = Events.model_validate(self._execute(request, organizer=email))
            found = [
                mapping.meeting_from_event(event, email)
                for event in data.items
                if event.get("status") != "cancelled" and mapping.is_meet_event(event) and _organises(event, email)
            ]
            return Page(items=found, next_cursor=data.nextPageToken)

        return paginate(fetch, provider=self.name)

    def get_meeting(self, meeting_id: str) -> Meeting:
        ref = mapping.parse_meeting_id(meeting_id)
        if ref.space_name is not None:
            return mapping.meeting_from_space(self._get_space(ref.space_name, ref.host), ref.host)
        event = self._get_event(ref)
        return mapping.meeting_from_event(event, ref.host, self._space_of(event, ref.host))

    def create_meeting(self, host: str, data: MeetingCreate) -> Meeting:
        """With ``start_time``: a Calendar event with a Meet conference, then its security on the space.
        Without: a standalone Meet space (``MeetingKind.SPACE``)."""
        email = self._host_email(host)
        options = data.provider_options.get(SPACE_CONFIG_OPTION)
        config, mask = mapping.space_config_for(data.security, None, options)  # refuses before any request
        if data.start_time is None:
            mapping.check_space_create(data)
            request = _spaces().create(body={"config": config} if config else {})
            return mapping.meeting_from_space(self._execute(request, organizer=email), email)
        body = mapping.event_insert_body(data, request_id=uuid.uuid4().hex)
        request = _events().insert(
            calendarId=email, body=body, conferenceDataVersion=1, sendUpdates=self.settings.send_updates
        )
        event = self._await_conference(self._execute(request, organizer=email), email)
        space = self._space_of(event, email)
        if space is None:
            raise UnavailableError(
                f"Calendar created event {email}/{event.get('id')} but no Meet conference "
                f"(status {mapping.conference_status(event)}); security was not applied - retry update_meeting "
                "or delete the event",
                provider=PROVIDER,
            )
        if mask:
            space = self._patch_space(space, data.security, options, email)
        return mapping.meeting_from_event(event, email, space)

    def update_meeting(self, meeting_id: str, data: MeetingUpdate) -> Meeting:
        ref = mapping.parse_meeting_id(meeting_id)
        options = data.provider_options.get(SPACE_CONFIG_OPTION)
        mapping.space_config_for(data.security, {}, options)  # refuses before any request
        if ref.space_name is not None:
            mapping.check_space_update(data)
            patched = self._patch_space(self._get_space(ref.space_name, ref.host), data.security, options, ref.host)
            return mapping.meeting_from_space(patched, ref.host)
        assert ref.event_id is not None
        event = self._get_event(ref)
        body = mapping.event_patch_body(data, event)
        if body:
            request = _events().patch(
                calendarId=ref.host,
                eventId=ref.event_id,
                body=body,
                conferenceDataVersion=1,
                sendUpdates=self.settings.send_updates,
            )
            event = self._execute(request, organizer=ref.host)
        space = self._space_of(event, ref.host)
        if data.security is not None or options:
            if space is None:
                raise UnrepresentableError(
                    f"meeting {meeting_id} has no Meet conference, so it has no Meet security to set",
                    provider=PROVIDER,
                )
            space = self._patch_space(space, data.security, options, ref.host)
        return mapping.meeting_from_event(event, ref.host, space)

    def delete_meeting(self, meeting_id: str, *, end_conference: bool = False) -> None:
        """Cancel the Calendar event (a series, or one occurrence). ``end_conference=True`` first ends a
        call that is running in its space (Meet allows that only for spaces this app created)."""
        ref = mapping.parse_meeting_id(meeting_id)
        if ref.space_name is not None:
            raise UnsupportedOperationError(
                f"delete_meeting is unsupported for standalone Meet spaces ({meeting_id}): the Meet API has no "
                "spaces.delete; end_active_conference() ends a running call, and the code expires after a year unused",
                provider=self.name,
                operation=Operation.DELETE_MEETING.value,
                reason="api_limit",
            )
        if end_conference:
            self.end_active_conference(meeting_id)
        request = _events().delete(calendarId=ref.host, eventId=ref.event_id, sendUpdates=self.settings.send_updates)
        self._execute(request, organizer=ref.host)

    def end_active_conference(self, meeting_id: str) -> bool:
        """End the call running in the meeting's space; ``False`` when none is running."""
        ref = mapping.parse_meeting_id(meeting_id)
        space: dict[str, Any] | None
        if ref.space_name is not None:
            space = self._get_space(ref.space_name, ref.host)
        else:
            space = self._space_of(self._get_event(ref), ref.host)
        if not space or not (space.get("activeConference") or {}).get("conferenceRecord"):
            return False
        request = _spaces().endActiveConference(name=space["name"], body={})
        self._execute(request, organizer=ref.host)
        return True

    def _get_event(self, ref: MeetingRef) -> dict[str, Any]:
        request = _events().get(calendarId=ref.host, eventId=ref.event_id)
        event: dict[str, Any] = self._execute(request, organizer=ref.host)
        if event.get("status") == "cancelled":  # Calendar still serves deleted events, marked cancelled
            raise NotFoundError(f"meeting {ref.id} was cancelled (deleted)", provider=PROVIDER)
        return event

    def _get_space(self, name: str, owner: str) -> dict[str, Any]:
        space: dict[str, Any] = self._execute(_spaces().get(name=name), organizer=owner)
        return space

    def _space_of(self, event: dict[str, Any], owner: str) -> dict[str, Any] | None:
        """The Meet space behind an event: ``spaces.get`` accepts the meeting code as an alias."""
        code = mapping.meeting_code_of(event)
        return self._get_space(f"spaces/{code}", owner) if code else None

    def _patch_space(
        self, space: dict[str, Any], security: MeetingSecurity | None, options: dict[str, Any] | None, owner: str
    ) -> dict[str, Any]:
        config, mask = mapping.space_config_for(security, space.get("config") or {}, options)
        if not mask:
            return space
        # spaces.patch takes the canonical spaces/{id} only, never the meeting-code alias.
        request = _spaces().patch(name=space["name"], updateMask=",".join(mask), body={"config": config})
        patched: dict[str, Any] = self._execute(request, organizer=owner)
        return patched

    def _await_conference(self, event: dict[str, Any], owner: str) -> dict[str, Any]:
        """Conference creation is asynchronous: re-read the event while its status is ``pending``."""
        waited, delay = 0.0, 0.5
        while mapping.conference_status(event) == "pending" and waited < self.settings.conference_wait_seconds:
            self.clock.sleep(delay)
            waited += delay
            delay = min(delay * 2, 4.0)
            event = self._get_event(MeetingRef(host=owner, event_id=str(event["id"])))
        return event

    # -- account-level settings -----------------------------------------------------------------------

    def get_account_settings(self) -> AccountSettings:
        """Meet policies (``settings/meet.*``) of the Cloud Identity Policy API, one section per policy,
        keyed ``<setting>@<org unit path>`` (e.g. ``meet.safety_domain@/Students``); each section is the
        policy JSON. These are the explicitly set policies: inheritance is resolved by the caller via
        ``policyQuery.sortOrder`` and the org-unit tree. The Policy API is for super admins only: for
        another admin this raises :class:`~confkit.errors.PermissionDeniedError` saying so (a partial
        answer would read as "no Meet policies")."""
        org_units = self._org_unit_paths()
        query = MEET_POLICY_FILTER.format(customer=self.settings.customer_id)
        policies = _policies()

        def fetch(cursor: str | None) -> Page[dict[str, Any]]:
            request = policies.list(filter=query, pageSize=MAX_POLICIES_PAGE, pageToken=cursor)
            data = ListPoliciesResponse.model_validate(self._execute(request))
            return Page(items=data.policies, next_cursor=data.nextPageToken)

        sections: dict[str, dict[str, Any]] = {}
        for page in paginate(fetch, provider=self.name):
            for policy in page.items:
                key = mapping.policy_section_key(policy, org_units)
                n = 2
                while key in sections:
                    key = f"{mapping.policy_section_key(policy, org_units)}#{n}"
                    n += 1
                sections[key] = policy
        return AccountSettings(provider=self.name, sections=sections, retrieved_at=self.clock.now())

    def _org_unit_paths(self) -> dict[str, str]:
        request = _org_units().list(customerId=self.settings.customer_id, type="allIncludingParent")
        data = OrgUnits.model_validate(self._execute(request) or {})
        return {
            mapping.org_unit_resource(ou.orgUnitId): ou.orgUnitPath
            for ou in data.organizationUnits
            if ou.orgUnitId and ou.orgUnitPath
        }

    # -- Meet audit log ---------------------------------------------------------------------------------

    def iter_meet_audit_pages(
        self,
        *,
        start_time: datetime | None = None,
        end_time: datetime | None = None,
        event_name: str | None = None,
        page_size: int | None = None,
    ) -> Iterator[Page[MeetAuditEvent]]:
        """The Meet audit log (Reports ``activities.list``, application ``meet``; at most 180 days back),
        one flattened :class:`MeetAuditEvent` per event with meeting codes normalised."""
        size = min(page_size or MAX_ACTIVITIES_PAGE, MAX_ACTIVITIES_PAGE)
        start = mapping.format_time(start_time) if start_time is not None else None
        end = mapping.format_time(end_time) if end_time is not None else None

        def fetch(cursor: str | None) -> Page[MeetAuditEvent]:
            request = _activities().list(
                userKey="all",
                applicationName="meet",
                startTime=start,
                endTime=end,
                eventName=event_name,
                maxResults=size,
                pageToken=cursor,
            )
            data = self._execute(request) or {}
            if not isinstance(data, dict):
                raise UnavailableError(
                    "reports.activities.list returned a body that is not a JSON object (a proxy or web filter "
                    "in the way?)",
                    provider=PROVIDER,
                )
            found = [e for activity in data.get("items") or [] for e in mapping.audit_events(activity)]
            return Page(items=found, next_cursor=data.get("nextPageToken") or None)

        return paginate(fetch, provider=self.name)

    def iter_activity_pages(
        self,
        application: str,
        *,
        start_time: datetime | None = None,
        end_time: datetime | None = None,
        event_name: str | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> Iterator[Page[dict[str, Any]]]:
        """Reports ``activities.list`` of ``application`` (``meet``, ``admin`` ...) for all users, page by
        page from ``page_token``: the activities exactly as Google sent them, ``next_cursor`` = Google's
        ``nextPageToken``. The audit-log streams (``confkit.providers.google.logs``) resume with it."""
        for data in self._activity_bodies(_activities(), application, start_time, end_time, event_name, page_size,
                                          page_token):
            yield Page(items=_activities_of(data), next_cursor=data.get("nextPageToken") or None)

    def iter_split_activity_pages(
        self,
        application: str,
        splitter: PageSplitter,
        *,
        start_time: datetime | None = None,
        end_time: datetime | None = None,
        event_name: str | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> Iterator[tuple[list[tuple[dict[str, Any], RawJSON | None]], str | None]]:
        """:meth:`iter_activity_pages` with each activity as ``(keys, its JSON text)``: ``splitter`` (items
        ``items``, field ``nextPageToken``) decodes only the fields ``keys`` names, and the text is the
        activity as Google sent it. A page that cannot be split is decoded as usual: ``(activity, None)``."""
        resource = reports_activities_split(splitter)
        for data in self._activity_bodies(resource, application, start_time, end_time, event_name, page_size,
                                          page_token):
            if isinstance(data, tuple):
                pairs, fields = data
                yield [(keys, raw) for keys, raw in pairs], fields.get("nextPageToken") or None
                continue
            yield [(activity, None) for activity in _activities_of(data)], data.get("nextPageToken") or None

    def _reports_customer(self) -> str | None:
        """``customerId`` for the Reports API: the configured customer (a reseller's or a managing
        account's admin reading a district's logs), none for ``my_customer`` (the admin's own)."""
        customer = self.settings.customer_id
        return None if customer == "my_customer" else customer

    def _activity_bodies(
        self,
        resource: Any,
        application: str,
        start_time: datetime | None,
        end_time: datetime | None,
        event_name: str | None,
        page_size: int | None,
        page_token: str | None,
    ) -> Iterator[Any]:
        """The decoded bodies of ``activities.list`` page after page (a dict, or what ``resource``'s model
        makes of it), following ``nextPageToken`` and refusing a repeated one."""
        size = min(page_size or MAX_ACTIVITIES_PAGE, MAX_ACTIVITIES_PAGE)
        start = mapping.format_time(start_time) if start_time is not None else None
        end = mapping.format_time(end_time) if end_time is not None else None
        seen: set[str] = set()
        token = page_token or None
        while True:
            request = resource.list(
                userKey="all",
                applicationName=application,
                customerId=self._reports_customer(),
                startTime=start,
                endTime=end,
                eventName=event_name,
                maxResults=size,
                pageToken=token,
            )
            data = self._execute(request) or {}
            if isinstance(data, tuple):
                nxt = data[1].get("nextPageToken") or None
            elif isinstance(data, dict):
                nxt = data.get("nextPageToken") or None
            else:
                raise UnavailableError(
                    "reports.activities.list returned a body that is not a JSON object (a proxy or web filter "
                    "in the way?)",
                    provider=PROVIDER,
                )
            yield data
            if nxt is None:
                return
            if nxt in seen or nxt == token:
                raise PaginationLoopError(
                    f"the Reports API repeated a page token of {application} activities; stopping instead of looping",
                    provider=PROVIDER,
                )
            seen.add(nxt)
            token = nxt


def _activities_of(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The activities of a decoded ``activities.list`` body (what is not an object is left out)."""
    items = data.get("items")
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _events() -> Any:
    return service("calendar").events()


def _spaces() -> Any:
    return service("meet").spaces()


def _users() -> Any:
    return service("directory").users()


def _org_units() -> Any:
    return service("directory").orgunits()


def _policies() -> Any:
    return service("cloudidentity").policies()


def _activities() -> Any:
    return reports_activities()


def _organises(event: dict[str, Any], email: str) -> bool:
    organizer = event.get("organizer") or {}
    return bool(organizer.get("self")) or str(organizer.get("email", "")).lower() == email


__all__ = ["GoogleProvider", "GoogleSettings"]
