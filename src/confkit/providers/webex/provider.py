"""The Webex provider: Webex's REST API v1 behind confkit's neutral verbs."""

from __future__ import annotations

import threading
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from datetime import timedelta
from typing import Any, Literal, Self, TypeVar

import httpx
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from confkit.config import parse_settings
from confkit.errors import (
    ConfigurationError,
    NotFoundError,
    PermissionDeniedError,
    UnavailableError,
    UnrepresentableError,
    UnsupportedOperationError,
)
from confkit.http.clock import Clock, SystemClock
from confkit.http.core import Authenticator, HttpCore
from confkit.http.pagination import paginate
from confkit.http.ratelimit import RateLimiter
from confkit.http.retry import RetryPolicy
from confkit.models import (
    AccountSettings,
    Meeting,
    MeetingCreate,
    MeetingUpdate,
    Page,
    User,
    UserCreate,
    UserStatus,
)
from confkit.provider import Provider
from confkit.providers.webex import mapping
from confkit.providers.webex.auth import PersonalTokenAuth, RotatingTokenAuth, service_app_minter
from confkit.providers.webex.capabilities import CAPABILITIES, NO_API
from confkit.providers.webex.errors import DEFAULT_RETRY_AFTER, MIN_RETRY_AFTER, error_mapper
from confkit.providers.webex.limits import DEFAULT, MEETINGS_PAGE_MAX, PEOPLE, PEOPLE_PAGE_MAX, rates_for
from confkit.providers.webex.paging import next_link, repair_next_url
from confkit.providers.webex.wire import WebexLicense, WebexList, WebexRole
from confkit.tokenstore import open_store

T = TypeVar("T")

DEFAULT_BASE_URL = "https://webexapis.com/v1"
USGOV_BASE_URL = "https://api-usgov.webex.com/v1"
SETTINGS_SECTION = "commonSettings"
COMMON_SETTINGS = "/admin/meeting/config/commonSettings"
# The spec gives PATCH /meetings/{meetingId} this content type; the body is a plain merge object.
PATCH_CONTENT_TYPE = "application/json-patch+json"
_HOST_CACHE = 10_000


class WebexSettings(BaseModel):
    """The ``[webex]`` section of confkit.toml (or ``CONFKIT_WEBEX_*`` variables).

    ``auth`` picks the credentials: ``integration`` (client_id, client_secret, refresh_token),
    ``service_app`` (client_id, client_secret and either refresh_token or application_id,
    target_org_id and applications_token) or ``personal`` (access_token, development only).
    ``base_url`` selects the Webex cloud: ``https://api-usgov.webex.com/v1`` for US-Gov (FedRAMP) orgs.
    """

    model_config = ConfigDict(extra="forbid")

    auth: Literal["integration", "service_app", "personal"] = "integration"
    client_id: str | None = None
    client_secret: SecretStr | None = None
    refresh_token: SecretStr | None = None
    access_token: SecretStr | None = None
    application_id: str | None = None
    target_org_id: str | None = None
    applications_token: SecretStr | None = None
    base_url: str = DEFAULT_BASE_URL
    token_url: str | None = Field(default=None, description="Default: {base_url}/access_token.")
    site_url: str | None = Field(default=None, description="The Webex site, e.g. lincoln-usd.webex.com.")
    admin: bool = Field(default=True, description="Act as an org admin: hostEmail for other hosts.")
    licenses: list[str] = Field(default_factory=list, description="Licence ids given to new licensed users.")
    tenant: str = "default"
    token_store: str | None = Field(default=None, description='A directory, or "memory".')
    token_leeway: int = Field(default=300, ge=0)
    list_window_days: int = Field(default=365, ge=1, le=3650)
    rate_limits: dict[str, float] = Field(default_factory=dict)
    timeout: float = 30.0
    max_retries: int = Field(default=4, ge=0)


def _required(settings: WebexSettings, *names: str) -> None:
    missing = [n for n in names if not getattr(settings, n)]
    if missing:
        env = ", ".join(f"CONFKIT_WEBEX_{n.upper()}" for n in missing)
        raise ConfigurationError(
            f"webex: auth = {settings.auth!r} needs {', '.join(missing)}; set {env} or add them to the [webex] section"
        )


def _secret(value: SecretStr | None) -> str:
    return value.get_secret_value() if value is not None else ""


def build_auth(settings: WebexSettings, client: httpx.Client, clock: Clock) -> Authenticator:
    """The authenticator the settings describe; raises ConfigurationError naming what is missing."""
    if settings.auth == "personal":
        _required(settings, "access_token")
        return PersonalTokenAuth(_secret(settings.access_token))
    _required(settings, "client_id", "client_secret")
    assert settings.client_id is not None
    minter = None
    # A service app mints its token pair unless only a refresh token (from the developer portal) is given.
    mints = settings.application_id or settings.applications_token or not settings.refresh_token
    if settings.auth == "service_app" and mints:
        _required(settings, "application_id", "target_org_id", "applications_token")
        assert settings.application_id is not None and settings.target_org_id is not None
        minter = service_app_minter(
            client=client,
            base_url=settings.base_url,
            application_id=settings.application_id,
            client_id=settings.client_id,
            client_secret=_secret(settings.client_secret),
            target_org_id=settings.target_org_id,
            applications_token=_secret(settings.applications_token),
            clock=clock,
        )
    return RotatingTokenAuth(
        client=client,
        token_url=settings.token_url or settings.base_url.rstrip("/") + "/access_token",
        client_id=settings.client_id,
        client_secret=_secret(settings.client_secret),
        refresh_token=_secret(settings.refresh_token) or None,
        store=open_store(settings.token_store),
        tenant=settings.tenant,
        clock=clock,
        kind="service_app" if settings.auth == "service_app" else "integration",
        minter=minter,
        leeway=settings.token_leeway,
    )


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class WebexProvider(Provider):
    """Cisco Webex Meetings and people, as one site of one org."""

    name = "webex"
    display_name = "Webex"
    capabilities = CAPABILITIES

    def __init__(self, settings: WebexSettings, *, client: httpx.Client | None = None, clock: Clock | None = None):
        self.settings = settings
        self._owns_client = client is None
        self.client = client or httpx.Client()
        self.clock = clock or SystemClock()
        self.auth = build_auth(settings, self.client, self.clock)
        self.http = HttpCore(
            provider=self.name,
            client=self.client,
            base_url=settings.base_url,
            map_error=error_mapper(self.clock),
            auth=self.auth,
            limiter=RateLimiter(rates_for(settings.rate_limits), clock=self.clock),
            retry=RetryPolicy(
                max_attempts=settings.max_retries + 1,
                min_wait=MIN_RETRY_AFTER.total_seconds(),
                malformed_wait=DEFAULT_RETRY_AFTER.total_seconds(),
            ),
            clock=self.clock,
            timeout=settings.timeout,
        )
        self._lock = threading.Lock()
        self._hosts: dict[str, str] = {}  # meeting id -> host email
        self._emails: dict[str, str] = {}  # person id -> email
        self._catalog: mapping.Catalog | None = None

    @classmethod
    def from_settings(
        cls, settings: Mapping[str, Any], *, client: httpx.Client | None = None, clock: Clock | None = None
    ) -> Self:
        return cls(parse_settings(WebexSettings, cls.name, dict(settings)), client=client, clock=clock)

    def close(self) -> None:
        if self._owns_client:
            self.client.close()

    # -- plumbing -----------------------------------------------------------------------------------

    def _json(self, response: httpx.Response) -> Any:
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise UnavailableError(
                f"{response.request.method} {response.request.url.path} returned a body that is not JSON",
                provider=self.name,
                status=response.status_code,
            ) from None

    def _pages(
        self, path: str, params: Mapping[str, Any], convert: Callable[[dict[str, Any]], T | None], bucket: str
    ) -> Iterator[Page[T]]:
        """Follow ``Link: rel="next"`` from ``path``, repairing known broken next links."""
        sent = {k: _text(v) for k, v in params.items() if v is not None}

        def fetch(cursor: str | None) -> Page[T]:
            if cursor is None:
                response = self.http.request("GET", path, params=sent, bucket=bucket)
            else:
                response = self.http.request("GET", cursor, bucket=bucket)
            body = WebexList.model_validate(self._json(response) or {})
            converted = (convert(item) for item in body.items)
            nxt = next_link(response)
            return Page(
                items=[item for item in converted if item is not None],
                next_cursor=repair_next_url(nxt, sent, self.settings.base_url) if nxt else None,
            )

        return paginate(fetch, provider=self.name)

    def _remember(self, meeting: Meeting) -> Meeting:
        with self._lock:
            if meeting.host_email:
                if len(self._hosts) >= _HOST_CACHE:
                    self._hosts.pop(next(iter(self._hosts)))
                self._hosts[meeting.id] = meeting.host_email
            if meeting.host_id and meeting.host_email:
                self._emails.setdefault(meeting.host_id, meeting.host_email)
        return meeting

    def _user(self, data: dict[str, Any]) -> User:
        user = mapping.user_from_webex(data, self._load_catalog())
        if user.id and user.email:
            with self._lock:
                self._emails[user.id] = user.email
        return user

    def _load_catalog(self) -> mapping.Catalog:
        """Licence and role names (``GET /licenses``, ``GET /roles``), fetched once per provider."""
        if self._catalog is None:
            try:
                licenses = WebexList.model_validate(self.http.json("GET", "/licenses", bucket=DEFAULT) or {})
                roles = WebexList.model_validate(self.http.json("GET", "/roles", bucket=DEFAULT) or {})
            except PermissionDeniedError:
                self._catalog = mapping.Catalog()  # no spark-admin:licenses_read/roles_read: ids stay ids
            else:
                self._catalog = mapping.Catalog(
                    licenses={lic.id: lic for lic in map(WebexLicense.model_validate, licenses.items)},
                    roles={role.id: role.name or role.id for role in map(WebexRole.model_validate, roles.items)},
                )
        return self._catalog

    def _person_path(self, person_id: str) -> str:
        return "/people/" + urllib.parse.quote(person_id, safe="")

    def _meeting_path(self, meeting_id: str) -> str:
        return "/meetings/" + urllib.parse.quote(meeting_id, safe="")

    def _host_email(self, host: str) -> str | None:
        """``host`` (an email, a person id or ``me``) as the email ``hostEmail`` takes."""
        if not host or host == "me":
            return None
        if "@" in host:
            return host
        with self._lock:
            known = self._emails.get(host)
        return known or self.get_user(host).email

    def _meeting_host(self, meeting_id: str) -> str | None:
        """The host email to act for on ``meeting_id`` (admins only): cached, else from the admin view."""
        if not self.settings.admin:
            return None
        with self._lock:
            known = self._hosts.get(meeting_id) or self._hosts.get(meeting_id.split("_", 1)[0])
        if known:
            return known
        try:
            view = self.http.json("GET", "/admin/meetings/" + urllib.parse.quote(meeting_id, safe=""), bucket=DEFAULT)
        except PermissionDeniedError:
            return None  # no admin read scope: act as the caller
        email = (view or {}).get("hostEmail")
        return email if isinstance(email, str) and email else None

    # -- users ------------------------------------------------------------------------------------

    def iter_user_pages(
        self, *, status: UserStatus | None = None, page_size: int | None = None
    ) -> Iterator[Page[User]]:
        size = min(page_size or PEOPLE_PAGE_MAX, PEOPLE_PAGE_MAX)

        def convert(item: dict[str, Any]) -> User | None:
            user = self._user(item)
            return user if status is None or user.status is status else None

        # excludeStatus: presence is not needed, and polling it is what Webex throttles.
        return self._pages("/people", {"max": size, "excludeStatus": True}, convert, PEOPLE)

    def get_user(self, user_id: str) -> User:
        if "@" in user_id:
            found = self.http.json("GET", "/people", params={"email": user_id}, bucket=PEOPLE) or {}
            items = WebexList.model_validate(found).items
            if not items:
                raise NotFoundError(f"no Webex person has the email {user_id}", provider=self.name, status=404)
            person = items[0]  # an admin's list answer carries licenses and roles (only ?id= omits them)
        else:
            person = self.http.json("GET", self._person_path(user_id), bucket=PEOPLE)
        return self._user(person)

    def create_user(self, data: UserCreate) -> User:
        body = mapping.user_create_to_webex(data, licenses=self.settings.licenses)
        return self._user(self.http.json("POST", "/people", json=body, bucket=PEOPLE))

    def set_user_status(self, user_id: str, *, active: bool) -> None:
        current = self.get_user(user_id)
        body = mapping.person_update_body(current.raw, login_enabled=active)
        self.http.request("PUT", self._person_path(str(current.id)), json=body, bucket=PEOPLE)

    # -- meetings ---------------------------------------------------------------------------------

    def iter_meeting_pages(self, host: str, *, page_size: int | None = None) -> Iterator[Page[Meeting]]:
        """The host's upcoming meeting series (one-off meetings are series of one), ``list_window_days`` ahead."""
        size = min(page_size or MEETINGS_PAGE_MAX, MEETINGS_PAGE_MAX)
        email = self._host_email(host)
        now = self.clock.now()
        params = {
            "meetingType": "meetingSeries",
            "from": mapping.format_time(now),
            "to": mapping.format_time(now + timedelta(days=self.settings.list_window_days)),
            "max": size,
            "hostEmail": email if self.settings.admin else None,
            "siteUrl": self.settings.site_url,
        }

        def convert(item: dict[str, Any]) -> Meeting | None:
            meeting = self._remember(mapping.meeting_from_webex(item))
            # meetingSeries lists also return series the host is only invited to.
            if email and (meeting.host_email or "").lower() != email.lower():
                return None
            return meeting

        return self._pages("/meetings", params, convert, DEFAULT)

    def get_meeting(self, meeting_id: str) -> Meeting:
        host = self._meeting_host(meeting_id)
        params = {"hostEmail": host} if host else None
        data = self.http.json("GET", self._meeting_path(meeting_id), params=params, bucket=DEFAULT)
        return self._remember(mapping.meeting_from_webex(data))

    def create_meeting(self, host: str, data: MeetingCreate) -> Meeting:
        email = self._host_email(host) if self.settings.admin else None
        body = mapping.meeting_create_to_webex(
            data, host_email=email, site_url=self.settings.site_url, now=self.clock.now()
        )
        created = self.http.json("POST", "/meetings", json=body, bucket=DEFAULT)
        return self._remember(mapping.meeting_from_webex(created))

    def update_meeting(self, meeting_id: str, data: MeetingUpdate) -> Meeting:
        partial_time = (data.start_time is None) != (data.duration_minutes is None)
        current = self.get_meeting(meeting_id) if partial_time or data.recurrence is not None else None
        host = self._meeting_host(meeting_id)
        body = mapping.meeting_update_to_webex(data, current=current, host_email=host, now=self.clock.now())
        if not body:
            return current or self.get_meeting(meeting_id)
        answer = self.http.json(
            "PATCH",
            self._meeting_path(meeting_id),
            json=body,
            headers={"Content-Type": PATCH_CONTENT_TYPE},
            bucket=DEFAULT,
        )
        return self._remember(mapping.meeting_from_webex(answer))

    def delete_meeting(self, meeting_id: str) -> None:
        host = self._meeting_host(meeting_id)
        params = {"hostEmail": host} if host else None
        self.http.request("DELETE", self._meeting_path(meeting_id), params=params, bucket=DEFAULT)
        with self._lock:
            self._hosts.pop(meeting_id, None)

    # -- site settings ----------------------------------------------------------------------------

    def get_account_settings(self) -> AccountSettings:
        """The site's ``commonSettings`` (security options, password rules, scheduler defaults)."""
        params = {"siteUrl": self.settings.site_url} if self.settings.site_url else None
        data = self.http.json("GET", COMMON_SETTINGS, params=params, bucket=DEFAULT) or {}
        return AccountSettings(
            provider=self.name, sections={SETTINGS_SECTION: dict(data)}, retrieved_at=self.clock.now()
        )

    def update_account_settings(
        self, sections: Mapping[str, Mapping[str, Any]], *, locks: Mapping[str, Mapping[str, Any]] | None = None
    ) -> None:
        """PATCH ``commonSettings``. Webex has no setting locks; the PATCH applies to the admin's preferred site."""
        for name in sections:
            if name in NO_API:
                raise UnsupportedOperationError(
                    f"{name} is unsupported on Webex: {NO_API[name].note}",
                    provider=self.name,
                    operation="update_account_settings",
                    reason="api_limit",
                )
            if name != SETTINGS_SECTION:
                raise UnrepresentableError(
                    f"Webex site section {name!r} is not managed by confkit; use {SETTINGS_SECTION!r}",
                    provider=self.name,
                )
        if locks and any(locks.values()):
            raise UnrepresentableError("Webex site settings have no locks", provider=self.name)
        body = dict(sections.get(SETTINGS_SECTION) or {})
        if body:
            mapping.check_common_settings(body)
            self.http.request("PATCH", COMMON_SETTINGS, json=body, bucket=DEFAULT)


__all__ = ["DEFAULT_BASE_URL", "USGOV_BASE_URL", "WebexProvider", "WebexSettings", "build_auth"]
