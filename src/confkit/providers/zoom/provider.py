"""The Zoom provider: Zoom's REST API v2 behind confkit's neutral verbs."""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator, Mapping
from typing import Any, Self

import httpx
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from confkit.config import parse_settings
from confkit.errors import UnrepresentableError
from confkit.http.clock import Clock, SystemClock
from confkit.http.core import HttpCore
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
from confkit.providers.zoom import mapping
from confkit.providers.zoom.auth import ZoomTokenAuth
from confkit.providers.zoom.capabilities import CAPABILITIES
from confkit.providers.zoom.errors import map_error
from confkit.providers.zoom.limits import LIGHT, MEDIUM, rates_for
from confkit.providers.zoom.wire import ZoomMeetingList, ZoomUserList

DEFAULT_BASE_URL = "https://api.zoom.us/v2"
DEFAULT_TOKEN_URL = "https://zoom.us/oauth/token"
MAX_PAGE_SIZE = 300
SETTINGS_SECTIONS = ("schedule_meeting", "in_meeting", "recording")
SECURITY_SECTION = "meeting_security"


class ZoomSettings(BaseModel):
    """The ``[zoom]`` section of confkit.toml (or ``CONFKIT_ZOOM_*`` variables)."""

    model_config = ConfigDict(extra="forbid")

    account_id: str = Field(min_length=1)
    client_id: str = Field(min_length=1)
    client_secret: SecretStr
    base_url: str = DEFAULT_BASE_URL
    token_url: str = DEFAULT_TOKEN_URL
    plan: str = "business"
    rate_limits: dict[str, float] = Field(default_factory=dict)
    timeout: float = 30.0
    max_retries: int = Field(default=4, ge=0)


def encode_meeting_id(meeting_id: str) -> str:
    """A meeting id or UUID made safe for a URL path.

    Numeric ids pass through. UUIDs are URL-encoded, and encoded twice when they start with ``/``
    or contain ``//`` (Zoom's documented rule), so ``/`` becomes ``%252F``.
    """
    if meeting_id.isdigit():
        return meeting_id
    once = urllib.parse.quote(meeting_id, safe="")
    if meeting_id.startswith("/") or "//" in meeting_id:
        return urllib.parse.quote(once, safe="")
    return once


class ZoomProvider(Provider):
    name = "zoom"
    display_name = "Zoom"
    capabilities = CAPABILITIES

    def __init__(
        self,
        settings: ZoomSettings,
        *,
        client: httpx.Client | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.settings = settings
        self._owns_client = client is None
        self.client = client or httpx.Client()
        self.clock = clock or SystemClock()
        self.auth = ZoomTokenAuth(
            client=self.client,
            token_url=settings.token_url,
            account_id=settings.account_id,
            client_id=settings.client_id,
            client_secret=settings.client_secret.get_secret_value(),
            clock=self.clock,
        )
        self.http = HttpCore(
            provider=self.name,
            client=self.client,
            base_url=settings.base_url,
            map_error=map_error,
            auth=self.auth,
            limiter=RateLimiter(rates_for(settings.plan, settings.rate_limits), clock=self.clock),
            retry=RetryPolicy(max_attempts=settings.max_retries + 1),
            clock=self.clock,
            timeout=settings.timeout,
        )

    @classmethod
    def from_settings(
        cls, settings: Mapping[str, Any], *, client: httpx.Client | None = None, clock: Clock | None = None
    ) -> Self:
        return cls(parse_settings(ZoomSettings, cls.name, dict(settings)), client=client, clock=clock)

    def close(self) -> None:
        if self._owns_client:
            self.client.close()

    # -- users ------------------------------------------------------------------------------------

    def iter_user_pages(
        self, *, status: UserStatus | None = None, page_size: int | None = None
    ) -> Iterator[Page[User]]:
        size = min(page_size or MAX_PAGE_SIZE, MAX_PAGE_SIZE)
        zoom_status = status.value if status is not None else None

        def fetch(cursor: str | None) -> Page[User]:
            params = {"status": zoom_status, "page_size": size, "next_page_token": cursor}
            data = ZoomUserList.model_validate(self.http.json("GET", "/users", params=params, bucket=MEDIUM))
            return Page(
                items=[mapping.user_from_zoom(u) for u in data.users],
                next_cursor=data.next_page_token or None,
                total=data.total_records,
            )

        return paginate(fetch, provider=self.name)

    def get_user(self, user_id: str) -> User:
        path = "/users/" + urllib.parse.quote(user_id, safe="@")
        return mapping.user_from_zoom(self.http.json("GET", path, bucket=LIGHT))

    def create_user(self, data: UserCreate) -> User:
        created = self.http.json("POST", "/users", json=mapping.user_create_to_zoom(data), bucket=LIGHT)
        # 201 carries {id, first_name, last_name, email, type}; a GET would fail for pending users.
        merged = {"status": "pending" if data.activation.value == "invite" else "active", **created}
        return mapping.user_from_zoom(merged)

    def set_user_status(self, user_id: str, *, active: bool) -> None:
        path = "/users/" + urllib.parse.quote(user_id, safe="@") + "/status"
        self.http.request("PUT", path, json={"action": "activate" if active else "deactivate"}, bucket=LIGHT)

    # -- meetings ---------------------------------------------------------------------------------

    def iter_meeting_pages(self, host: str, *, page_size: int | None = None) -> Iterator[Page[Meeting]]:
        size = min(page_size or MAX_PAGE_SIZE, MAX_PAGE_SIZE)
        path = "/users/" + urllib.parse.quote(host, safe="@") + "/meetings"

        def fetch(cursor: str | None) -> Page[Meeting]:
            params = {"type": "upcoming", "page_size": size, "next_page_token": cursor}
            data = ZoomMeetingList.model_validate(self.http.json("GET", path, params=params, bucket=MEDIUM))
            return Page(
                items=[mapping.meeting_from_zoom(m) for m in data.meetings],
                next_cursor=data.next_page_token or None,
                total=data.total_records,
            )

        return paginate(fetch, provider=self.name)

    def get_meeting(self, meeting_id: str) -> Meeting:
        return mapping.meeting_from_zoom(
            self.http.json("GET", f"/meetings/{encode_meeting_id(meeting_id)}", bucket=LIGHT)
        )

    def create_meeting(self, host: str, data: MeetingCreate) -> Meeting:
        body = mapping.meeting_create_to_zoom(data)
        path = "/users/" + urllib.parse.quote(host, safe="@") + "/meetings"
        return mapping.meeting_from_zoom(self.http.json("POST", path, json=body, bucket=MEDIUM))

    def update_meeting(self, meeting_id: str, data: MeetingUpdate) -> Meeting:
        body = mapping.meeting_update_to_zoom(data)
        if body:
            self.http.request("PATCH", f"/meetings/{encode_meeting_id(meeting_id)}", json=body, bucket=LIGHT)
        return self.get_meeting(meeting_id)  # PATCH answers 204 with no body

    def delete_meeting(self, meeting_id: str) -> None:
        self.http.request("DELETE", f"/meetings/{encode_meeting_id(meeting_id)}", bucket=LIGHT)

    # -- account-level settings -------------------------------------------------------------------

    def get_account_settings(self) -> AccountSettings:
        """``schedule_meeting``, ``in_meeting``, ``recording`` and ``meeting_security`` values and their locks."""
        base = self.http.json("GET", "/accounts/me/settings", bucket=MEDIUM) or {}
        security = (
            self.http.json("GET", "/accounts/me/settings", params={"option": SECURITY_SECTION}, bucket=MEDIUM) or {}
        )
        locks = self.http.json("GET", "/accounts/me/lock_settings", bucket=MEDIUM) or {}
        lock_security = (
            self.http.json("GET", "/accounts/me/lock_settings", params={"option": SECURITY_SECTION}, bucket=MEDIUM)
            or {}
        )
        sections = {name: dict(base.get(name) or {}) for name in SETTINGS_SECTIONS}
        sections[SECURITY_SECTION] = dict(security.get(SECURITY_SECTION) or {})
        lock_sections = {name: dict(locks.get(name) or {}) for name in SETTINGS_SECTIONS}
        lock_sections[SECURITY_SECTION] = dict(lock_security.get(SECURITY_SECTION) or {})
        return AccountSettings(
            provider=self.name, sections=sections, locks=lock_sections, retrieved_at=self.clock.now()
        )

    def update_account_settings(
        self, sections: Mapping[str, Mapping[str, Any]], *, locks: Mapping[str, Mapping[str, Any]] | None = None
    ) -> None:
        known = (*SETTINGS_SECTIONS, SECURITY_SECTION)
        for name in [*sections, *(locks or {})]:
            if name not in known:
                raise UnrepresentableError(
                    f"Zoom account section {name!r} is not managed by confkit; use one of {', '.join(known)}",
                    provider=self.name,
                )
        plain = {k: dict(v) for k, v in sections.items() if k in SETTINGS_SECTIONS and v}
        if plain:
            self.http.request("PATCH", "/accounts/me/settings", json=plain, bucket=MEDIUM)
        if sections.get(SECURITY_SECTION):
            self.http.request(
                "PATCH",
                "/accounts/me/settings",
                params={"option": SECURITY_SECTION},
                json={SECURITY_SECTION: dict(sections[SECURITY_SECTION])},
                bucket=MEDIUM,
            )
        # The lock-settings PATCH takes no `option`; its body is either the plain sections or
        # meeting_security alone (two shapes of one oneOf), so they go in two requests.
        lock_plain = {k: dict(v) for k, v in (locks or {}).items() if k in SETTINGS_SECTIONS and v}
        if lock_plain:
            self.http.request("PATCH", "/accounts/me/lock_settings", json=lock_plain, bucket=MEDIUM)
        lock_security = (locks or {}).get(SECURITY_SECTION)
        if lock_security:
            self.http.request(
                "PATCH", "/accounts/me/lock_settings", json={SECURITY_SECTION: dict(lock_security)}, bucket=MEDIUM
            )


__all__ = ["ZoomProvider", "ZoomSettings", "encode_meeting_id"]
