"""The normalized audit-log event: one model for every platform's sign-ins, admin changes and joins.

Every event keeps the untouched vendor record in ``raw`` and carries a stable, deterministic
``id``: a hash of the provider, the stream and the vendor's own identifiers of the record (see
:func:`event_id`), so reading the same window twice never stores a second copy.

Collection builds events as plain dicts (fast, no validation, see :func:`new_event`) and stores
them as JSON; reading them back gives :class:`LogEvent` objects. Both shapes are the same: a
provider's mapper is tested by validating what it builds against :class:`LogEvent`.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, PlainSerializer

#: Format of every stored time: UTC with microseconds, so text order is time order.
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


class Category(StrEnum):
    """What kind of thing happened (the neutral classification, used by export filters)."""

    AUTHENTICATION = "authentication"  # sign-in, sign-out
    SETTING_CHANGE = "setting_change"  # an account, group or user setting changed
    ROLE_CHANGE = "role_change"  # a user's role or an admin role changed
    USER_CHANGE = "user_change"  # a user was created, changed, deleted, (de)activated
    MEETING_LIFECYCLE = "meeting_lifecycle"  # a meeting was created, changed, started, ended
    PARTICIPANT = "participant"  # someone joined and left a meeting (or waited to)
    ABUSE_REPORT = "abuse_report"  # a participant reported abuse
    RECORDING = "recording"  # a recording was made, shared or deleted
    OTHER = "other"  # an admin action confkit does not classify further


class Outcome(StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"
    UNKNOWN = "unknown"


def format_time(value: datetime) -> str:
    """A datetime as the stored UTC form ``2026-01-05T12:00:00.000000Z``."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime(TIME_FORMAT)


#: An aware datetime that serializes to JSON in the stored UTC form.
UtcTime = Annotated[AwareDatetime, PlainSerializer(format_time, return_type=str, when_used="json")]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Actor(_Part):
    """Who did it. ``external``: from outside the tenant; ``anonymous``: not signed in."""

    id: str | None = None
    email: str | None = None
    name: str | None = None
    ip: str | None = None
    client: str | None = None  # client type or user agent
    client_version: str | None = None
    external: bool | None = None
    anonymous: bool | None = None


class Target(_Part):
    """What it was done to: a user, an account, a group, a role, a setting, a meeting …"""

    type: str
    id: str | None = None
    name: str | None = None
    email: str | None = None


class MeetingRef(_Part):
    """The meeting an event belongs to. ``instance`` identifies one occurrence (Zoom's UUID)."""

    id: str | None = None
    instance: str | None = None
    code: str | None = None
    topic: str | None = None
    host_id: str | None = None
    host_email: str | None = None
    start: UtcTime | None = None
    end: UtcTime | None = None


class Session(_Part):
    """A participant's stay in a meeting: when they joined and left."""

    start: UtcTime | None = None
    end: UtcTime | None = None
    duration_seconds: int | None = None
    status: str | None = None  # e.g. Zoom in_meeting / in_waiting_room
    participant_id: str | None = None  # the vendor's per-meeting participant id


class SettingChange(_Part):
    """One setting that changed: ``section`` / ``field`` from ``from`` to ``to`` (as the vendor wrote them)."""

    section: str | None = None
    field: str
    from_value: str | None = Field(default=None, alias="from")
    to_value: str | None = Field(default=None, alias="to")


class LogEvent(_Part):
    """One normalized audit event. ``raw`` is the vendor's record exactly as received (after redaction)."""

    id: str
    time: UtcTime
    provider: str
    tenant: str
    stream: str
    category: Category
    action: str
    outcome: Outcome = Outcome.UNKNOWN
    vendor_action: str | None = None
    vendor_category: str | None = None
    actor: Actor | None = None
    target: Target | None = None
    meeting: MeetingRef | None = None
    session: Session | None = None
    changes: list[SettingChange] = Field(default_factory=list)
    detail: str | None = None
    raw: Any = None
    redacted: list[str] = Field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The event as JSON-ready data, the same shape collection stores (``from``/``to`` aliases)."""
        return self.model_dump(mode="json", by_alias=True)


# -- helpers for mappers (the collection hot path works on dicts) ------------------------------------


def event_id(provider: str, stream: str, *parts: object) -> str:
    """The stable id of an event: SHA-256 over provider, stream and the vendor's identifiers.

    Each part is length-prefixed, so no choice of values can make two different identities
    collide by concatenation. ``None`` and ``""`` are the same (vendors drop empty fields).
    """
    items = [provider, stream]
    for part in parts:
        items.append("" if part is None else part if part.__class__ is str else str(part))
    text = "".join([f"{len(item)}:{item}" for item in items])
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def parse_time(value: str) -> datetime:
    """A stored (or any ISO 8601) time as an aware UTC datetime; no zone means UTC."""
    text = value.strip().replace(" ", "T", 1)
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def vendor_time(value: object) -> str | None:
    """A vendor timestamp as the stored UTC form, ``None`` when missing or unreadable.

    Fast path for the common ``2026-01-05T12:00:00Z`` form; anything else through
    :func:`parse_time` (``2022-12-16 18:22:17``, offsets, fractions).
    """
    if not isinstance(value, str) or not value:
        return None
    if len(value) == 20 and value[10] == "T" and value[19] == "Z":
        return value[:19] + ".000000Z"
    try:
        return format_time(parse_time(value))
    except ValueError:
        return None


def new_event(
    *,
    id: str,
    time: str,
    provider: str,
    tenant: str,
    stream: str,
    category: Category | str,
    action: str,
    outcome: Outcome | str = Outcome.UNKNOWN,
    vendor_action: str | None = None,
    vendor_category: str | None = None,
    actor: dict[str, Any] | None = None,
    target: dict[str, Any] | None = None,
    meeting: dict[str, Any] | None = None,
    session: dict[str, Any] | None = None,
    changes: list[dict[str, Any]] | None = None,
    detail: str | None = None,
    raw: Any = None,
) -> dict[str, Any]:
    """A normalized event as a plain dict (``time`` already in the stored form, see :func:`vendor_time`)."""
    return {
        "id": id,
        "time": time,
        "provider": provider,
        "tenant": tenant,
        "stream": stream,
        "category": str(category),
        "action": action,
        "outcome": str(outcome),
        "vendor_action": vendor_action,
        "vendor_category": vendor_category,
        "actor": actor,
        "target": target,
        "meeting": meeting,
        "session": session,
        "changes": changes or [],
        "detail": detail,
        "raw": raw,
        "redacted": [],
    }


__all__ = [
    "TIME_FORMAT",
    "Actor",
    "Category",
    "LogEvent",
    "MeetingRef",
    "Outcome",
    "Session",
    "SettingChange",
    "Target",
    "UtcTime",
    "event_id",
    "format_time",
    "new_event",
    "parse_time",
    "vendor_time",
]
