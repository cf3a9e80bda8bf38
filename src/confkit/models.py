"""Provider-neutral models.

Every object read from a vendor keeps ``provider``, the provider's own ``id`` and the untouched
vendor JSON in ``raw``, so nothing is lost in mapping: a field confkit does not model is still there.
A security field that is ``None`` means "the platform did not say" (or has no such setting), never
"off".
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Generic, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, SecretStr

from confkit.recurrence import Recurrence

T = TypeVar("T")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class WaitingRoom(StrEnum):
    """Who waits to be admitted: Zoom waiting room, Webex lobby, Meet knock."""

    EVERYONE = "everyone"
    OUTSIDERS = "outsiders"  # people outside the account / org / allowed domains
    OFF = "off"


class ScreenSharing(StrEnum):
    HOST_ONLY = "host"
    ALL = "all"


class AutoRecording(StrEnum):
    NONE = "none"
    LOCAL = "local"
    CLOUD = "cloud"


class MeetingKind(StrEnum):
    """What a meeting object is. Zoom types 1/2/3/8; Webex series/occurrence/instance; Meet event/space."""

    INSTANT = "instant"
    SCHEDULED = "scheduled"  # one-off with a fixed time
    RECURRING = "recurring"  # a series with a fixed schedule (the series itself)
    RECURRING_NO_FIXED_TIME = "recurring_no_fixed_time"  # Zoom type 3
    OCCURRENCE = "occurrence"  # one scheduled occurrence of a series (Webex scheduledMeeting)
    INSTANCE = "instance"  # a meeting that is running or has ended (Webex meeting)
    SPACE = "space"  # a standalone Meet space with no calendar event


class UserStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"  # deactivated / suspended
    PENDING = "pending"  # invited, not yet activated


class UserActivation(StrEnum):
    """How a new account is activated. Zoom ``action``: create / ssoCreate / autoCreate / custCreate."""

    INVITE = "invite"  # the user gets an email and sets a password (Zoom create)
    SSO = "sso"  # pre-provisioned single sign-on user, no password (Zoom ssoCreate) - the district norm
    PASSWORD = "password"  # the caller sets the password (Zoom autoCreate, managed domains only)
    NO_LOGIN = "no_login"  # the user cannot sign in; hosts via start URL (Zoom custCreate)


class MeetingSecurity(_Model):
    """Security settings of one meeting, in neutral terms."""

    passcode: SecretStr | None = Field(default=None, description="The meeting passcode, if any.")
    passcode_required: bool | None = None
    waiting_room: WaitingRoom | None = None
    authenticated_only: bool | None = None
    allowed_domains: list[str] | None = None
    join_before_host: bool | None = None
    join_before_host_minutes: int | None = None
    mute_on_entry: bool | None = None
    auto_recording: AutoRecording | None = None
    screen_sharing: ScreenSharing | None = None

    def passcode_value(self) -> str | None:
        return self.passcode.get_secret_value() if self.passcode is not None else None


class User(_Model):
    provider: str
    id: str | None = Field(description="The provider's id. Zoom pending users have none.")
    email: str
    first_name: str | None = None
    last_name: str | None = None
    display_name: str | None = None
    status: UserStatus = UserStatus.ACTIVE
    licensed: bool | None = None
    license_type: str | None = None
    roles: list[str] = Field(default_factory=list)
    org_unit: str | None = Field(default=None, description="Google org unit path, Zoom group, Webex location.")
    timezone: str | None = None
    created_at: AwareDatetime | None = None
    raw: dict[str, Any] = Field(default_factory=dict, repr=False)


class UserCreate(_Model):
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    first_name: str | None = None
    last_name: str | None = None
    display_name: str | None = None
    licensed: bool = True
    activation: UserActivation = UserActivation.SSO
    password: SecretStr | None = None
    org_unit: str | None = None
    provider_options: dict[str, Any] = Field(default_factory=dict)


class Meeting(_Model):
    provider: str
    id: str
    uuid: str | None = Field(default=None, description="Zoom meeting UUID of the current instance.")
    kind: MeetingKind
    topic: str
    host_id: str | None = None
    host_email: str | None = None
    start_time: AwareDatetime | None = None
    duration_minutes: int | None = None
    timezone: str | None = None
    agenda: str | None = None
    join_url: str | None = None
    recurrence: Recurrence | None = None
    security: MeetingSecurity = Field(default_factory=MeetingSecurity)
    created_at: AwareDatetime | None = None
    raw: dict[str, Any] = Field(default_factory=dict, repr=False)


class MeetingCreate(_Model):
    topic: str = Field(min_length=1)
    start_time: AwareDatetime | None = None
    duration_minutes: int = Field(default=60, ge=1)
    timezone: str | None = None
    agenda: str | None = None
    recurrence: Recurrence | None = None
    security: MeetingSecurity = Field(default_factory=MeetingSecurity)
    provider_options: dict[str, Any] = Field(
        default_factory=dict, description="Vendor fields passed through untouched (merged last)."
    )


class MeetingUpdate(_Model):
    """A partial update: only fields that are set are sent (PATCH semantics)."""

    topic: str | None = None
    start_time: AwareDatetime | None = None
    duration_minutes: int | None = Field(default=None, ge=1)
    timezone: str | None = None
    agenda: str | None = None
    recurrence: Recurrence | None = None
    security: MeetingSecurity | None = None
    provider_options: dict[str, Any] = Field(default_factory=dict)


class Page(BaseModel, Generic[T]):
    """One page of a list: items, the cursor for the next page (``None`` on the last), total if known."""

    items: list[T]
    next_cursor: str | None = None
    total: int | None = None


class AccountSettings(_Model):
    """Account-level settings as the vendor returns them, section by section.

    ``sections`` holds the vendor JSON per section (Zoom: ``meeting_security``, ``schedule_meeting``,
    ``in_meeting``; Webex: ``commonSettings``; Google: one entry per policy).
    ``locks`` holds the lock flags where the platform has locks (Zoom lock settings), same shape.
    """

    provider: str
    sections: dict[str, dict[str, Any]] = Field(default_factory=dict)
    locks: dict[str, dict[str, Any]] = Field(default_factory=dict)
    retrieved_at: datetime | None = None


__all__ = [
    "AccountSettings",
    "AutoRecording",
    "Meeting",
    "MeetingCreate",
    "MeetingKind",
    "MeetingSecurity",
    "MeetingUpdate",
    "Page",
    "Recurrence",
    "ScreenSharing",
    "User",
    "UserActivation",
    "UserCreate",
    "UserStatus",
    "WaitingRoom",
]
