"""Webex JSON <-> confkit's neutral models. Pure functions: no HTTP, unit-tested on JSON shaped as
Cisco's OpenAPI files.

Everything Webex cannot express raises :class:`UnrepresentableError` before a request is sent;
nothing is silently changed (Webex itself would silently keep only the first value of a multi-valued
monthly rule, or cap a series at five years). Reading keeps the untouched Webex JSON in ``raw``.

Security, both ways (notes/webex.md §3, "Suggested confkit policy -> Webex mapping"):

=========================  ==============================================================
neutral                    Webex meeting field
=========================  ==============================================================
passcode                   ``password`` (every Webex meeting has one; generated if omitted)
waiting_room               ``unlockedMeetingJoinSecurity`` (how people *not on the invite* join while
                           the meeting is unlocked) with ``enableAutomaticLock`` and
                           ``automaticLockMinutes`` (lock the meeting N minutes after it starts):
                           everyone = ``allowJoinWithLobby`` + auto-lock at 0 minutes (locked from the
                           start: everyone but the host waits in the lobby), outsiders =
                           ``allowJoinWithLobby`` without an auto-lock at 0 (written with
                           ``enableAutomaticLock=false``, so it reads back as outsiders), off =
                           ``allowJoin``. ``blockFromJoin`` (outsiders cannot join at all) reads as
                           outsiders whatever the lock
join_before_host(_minutes) ``enabledJoinBeforeHost``, ``joinBeforeHostMinutes`` (0, 5, 10, 15)
mute_on_entry              ``audioConnectionOptions.muteAttendeeUponEntry``
auto_recording             ``enabledAutoRecordMeeting`` (Webex records to the cloud)
screen_sharing             ``attendeePrivileges.enabledShareContent``
authenticated_only         webinars only (``requireAttendeeLogin``); site-wide
                           ``requireLoginBeforeAccess``
=========================  ==============================================================

Webex settings with no neutral field (``publicMeeting``, ``excludePassword``, ``allowAnyUserToBeCoHost``,
``allowFirstUserToBeCoHost``, an automatic lock after N > 0 minutes ...) stay in ``raw`` and are written
through ``provider_options``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.relativedelta import relativedelta
from pydantic import SecretStr

from confkit.errors import UnrepresentableError
from confkit.merge import merged
from confkit.models import (
    AutoRecording,
    Meeting,
    MeetingCreate,
    MeetingKind,
    MeetingSecurity,
    MeetingUpdate,
    ScreenSharing,
    User,
    UserActivation,
    UserCreate,
    UserStatus,
    WaitingRoom,
)
from confkit.providers.webex.wire import WebexLicense, WebexMeeting, WebexPerson
from confkit.recurrence import Frequency, Recurrence

PROVIDER = "webex"

MAX_TITLE = 128
MAX_AGENDA = 1300
MIN_DURATION = 10  # minutes: end - start >= 10 min
MAX_DURATION = 23 * 60 + 59  # minutes: end - start <= 23 h 59 min
JBH_MINUTES = (0, 5, 10, 15)  # joinBeforeHostMinutes for meetings (webinars: 0, 15, 30, 45, 60)
SERIES_HORIZON = relativedelta(years=5)  # a series with an end reaches at most five years from now
START_HORIZON = relativedelta(years=10)  # nothing can start ten years or more ahead

LOBBY = {
    "allowJoin": WaitingRoom.OFF,
    "allowJoinWithLobby": WaitingRoom.OUTSIDERS,
    "blockFromJoin": WaitingRoom.OUTSIDERS,  # stricter: outsiders cannot join at all (exact value in raw)
}
#: "Everyone waits": uninvited people wait in the lobby while the meeting is unlocked, and the meeting
#: locks when it starts (0 minutes), so everyone but the host waits in the lobby to be admitted.
EVERYONE_WAITS: dict[str, Any] = {
    "unlockedMeetingJoinSecurity": "allowJoinWithLobby",
    "enableAutomaticLock": True,
    "automaticLockMinutes": 0,
}
#: "Outsiders wait": the lobby for people not on the invite, and no lock at the start (an automatic
#: lock N > 0 minutes after the start can be added with provider_options; it still reads as outsiders).
OUTSIDERS_WAIT: dict[str, Any] = {"unlockedMeetingJoinSecurity": "allowJoinWithLobby", "enableAutomaticLock": False}
KINDS = {"scheduledMeeting": MeetingKind.OCCURRENCE, "meeting": MeetingKind.INSTANCE}
# Fields of the PUT /people/{personId} body (a full replace) that a GET returns too.
PERSON_PUT_FIELDS = (
    "emails", "extension", "locationId", "displayName", "firstName", "lastName", "avatar", "orgId", "roles",
    "licenses", "department", "manager", "managerId", "title", "addresses", "siteUrls",
)  # fmt: skip


def _cannot(message: str) -> UnrepresentableError:
    return UnrepresentableError(f"Webex cannot express this: {message}", provider=PROVIDER)


# -- time --------------------------------------------------------------------------------------------


def parse_time(value: str | None) -> datetime | None:
    """Webex times: ``2019-11-01T20:00:00+08:00``, ``2026-01-06T14:00:00Z``, ``...00.000Z``; naive = UTC."""
    if not value:
        return None
    parsed = datetime.fromisoformat(value.replace(" ", "T", 1) if "T" not in value else value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _zone(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise _cannot(f"time zone {name!r} is not an IANA time zone name (e.g. America/Chicago)") from None


def format_time(value: datetime, timezone: str | None = None) -> str:
    """ISO 8601 with an offset, in ``timezone`` when given (so a series follows local time), else UTC ``Z``."""
    zone = _zone(timezone)
    text = value.astimezone(zone or UTC).isoformat(timespec="seconds")
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _check_schedule(start: datetime, duration: int, now: datetime) -> None:
    if not MIN_DURATION <= duration <= MAX_DURATION:
        raise _cannot(f"a duration of {duration} minutes; Webex meetings last 10 minutes to 23 hours 59 minutes")
    if start >= now + START_HORIZON:
        raise _cannot(f"a start on {start:%Y-%m-%d}; Webex schedules nothing ten years or more ahead")


# -- recurrence ------------------------------------------------------------------------------------------


def recurrence_to_webex(rec: Recurrence, *, start: datetime, now: datetime) -> str:
    """A neutral recurrence as Webex's ``recurrence`` (RRULE text without ``RRULE:``).

    Webex keeps only the first value of a multi-valued monthly or yearly list and caps a series that
    has an end (COUNT or UNTIL) at five years from now; both are refused here instead. An open-ended
    rule is accepted as is (Webex allows it).
    """
    if len(rec.by_month_day) > 1:
        raise _cannot(
            f"BYMONTHDAY={','.join(map(str, rec.by_month_day))}; Webex keeps only the first day of month "
            "(make one series per day)"
        )
    if rec.freq in (Frequency.MONTHLY, Frequency.YEARLY) and len(rec.by_day) > 1:
        raise _cannot(f"BYDAY={','.join(rec.by_day)} in a {rec.freq.value} rule; Webex keeps only the first day")
    if rec.freq is Frequency.YEARLY and len(rec.by_month) > 1:
        raise _cannot(f"BYMONTH={','.join(map(str, rec.by_month))}; Webex keeps only the first month")
    if len(rec.by_set_pos) > 1:
        raise _cannot(f"BYSETPOS={','.join(map(str, rec.by_set_pos))}; Webex takes one position")
    if rec.count is not None or rec.until is not None:
        horizon = now + SERIES_HORIZON
        for occurrence in rec.occurrences(start, limit=rec.count or 100_000):
            if occurrence > horizon:
                raise _cannot(
                    f"a series that runs to {occurrence:%Y-%m-%d} or later; Webex ends a series at most five years "
                    f"from now ({horizon:%Y-%m-%d}): lower COUNT or UNTIL"
                )
    return rec.rrule


def recurrence_from_webex(text: str | None) -> Recurrence | None:
    """Webex's RRULE text as a neutral recurrence; ``None`` when absent or outside confkit's RRULE subset."""
    if not text:
        return None
    try:
        return Recurrence.parse(text)
    except ValueError:
        return None  # still in Meeting.raw


# -- security ----------------------------------------------------------------------------------------------


def security_to_webex(sec: MeetingSecurity) -> dict[str, Any]:
    """Neutral security as Webex meeting fields (create and PATCH bodies alike)."""
    body: dict[str, Any] = {}
    passcode = sec.passcode_value()
    if sec.passcode_required is False:
        raise _cannot(
            "a meeting without a password; every Webex meeting has one (excludePassword only keeps it out of "
            "the invitation email)"
        )
    if passcode is not None:
        if not passcode:
            raise _cannot("an empty password")
        body["password"] = passcode
    if sec.waiting_room is WaitingRoom.EVERYONE:
        body.update(EVERYONE_WAITS)
    elif sec.waiting_room is WaitingRoom.OUTSIDERS:
        body.update(OUTSIDERS_WAIT)
    elif sec.waiting_room is WaitingRoom.OFF:
        body["unlockedMeetingJoinSecurity"] = "allowJoin"
    if sec.authenticated_only:
        raise _cannot(
            "signed-in attendees only on a meeting; Webex has it for webinars (requireAttendeeLogin) and site-wide "
            "(securityOptions.requireLoginBeforeAccess); 'blockFromJoin' keeps out people not on the invite"
        )
    if sec.allowed_domains:
        raise _cannot("an allow-list of email domains for one meeting")
    if sec.join_before_host is not None:
        body["enabledJoinBeforeHost"] = sec.join_before_host
    if sec.join_before_host_minutes is not None:
        if sec.join_before_host_minutes not in JBH_MINUTES:
            raise _cannot(f"join before host {sec.join_before_host_minutes} minutes early; Webex allows 0, 5, 10 or 15")
        body["joinBeforeHostMinutes"] = sec.join_before_host_minutes
    if sec.mute_on_entry is not None:
        body["audioConnectionOptions"] = {"muteAttendeeUponEntry": sec.mute_on_entry}
    if sec.auto_recording is AutoRecording.LOCAL:
        raise _cannot("automatic local recording; Webex records automatically to the cloud only")
    if sec.auto_recording is not None:
        body["enabledAutoRecordMeeting"] = sec.auto_recording is AutoRecording.CLOUD
    if sec.screen_sharing is not None:
        body["attendeePrivileges"] = {"enabledShareContent": sec.screen_sharing is ScreenSharing.ALL}
    return body


def locks_at_start(wm: WebexMeeting) -> bool:
    """Whether the meeting locks itself when it starts (``enableAutomaticLock`` with 0 minutes)."""
    return wm.enableAutomaticLock is True and wm.automaticLockMinutes == 0


def waiting_room_from_webex(wm: WebexMeeting) -> WaitingRoom | None:
    """``allowJoinWithLobby`` + auto-lock at 0 = everyone waits; other lobbies = outsiders; ``allowJoin`` = off.

    ``blockFromJoin`` (outsiders cannot join an unlocked meeting at all) reads as outsiders whatever
    the lock, as before; the exact value stays in ``raw``. An automatic lock with ``allowJoin`` reads
    as off: once a host unlocks the meeting, anyone joins directly.
    """
    room = LOBBY.get(wm.unlockedMeetingJoinSecurity or "")
    if wm.unlockedMeetingJoinSecurity == "allowJoinWithLobby" and locks_at_start(wm):
        return WaitingRoom.EVERYONE
    return room


def security_from_webex(data: Mapping[str, Any]) -> MeetingSecurity:
    """The neutral security of a Webex meeting (series, occurrence or instance)."""
    wm = WebexMeeting.model_validate(data)
    password = wm.password
    share = wm.attendeePrivileges.enabledShareContent if wm.attendeePrivileges else None
    record = wm.enabledAutoRecordMeeting
    return MeetingSecurity(
        passcode=SecretStr(password) if password else None,
        # Always true on Webex; unknown (None) where the answer hides the password (admin views, ended instances).
        passcode_required=True if password else None,
        waiting_room=waiting_room_from_webex(wm),
        authenticated_only=wm.requireAttendeeLogin if wm.scheduledType == "webinar" else None,
        allowed_domains=None,
        join_before_host=wm.enabledJoinBeforeHost,
        join_before_host_minutes=wm.joinBeforeHostMinutes,
        mute_on_entry=wm.audioConnectionOptions.muteAttendeeUponEntry if wm.audioConnectionOptions else None,
        auto_recording=None if record is None else (AutoRecording.CLOUD if record else AutoRecording.NONE),
        screen_sharing=None if share is None else (ScreenSharing.ALL if share else ScreenSharing.HOST_ONLY),
    )


# -- meetings ----------------------------------------------------------------------------------------------


def meeting_kind(wm: WebexMeeting) -> MeetingKind:
    """``meetingSeries`` is a recurring series, or a one-off (a series of one); occurrences and instances differ."""
    if wm.meetingType in KINDS:
        return KINDS[wm.meetingType]
    return MeetingKind.RECURRING if wm.recurrence else MeetingKind.SCHEDULED


def meeting_from_webex(data: Mapping[str, Any]) -> Meeting:
    """A neutral meeting from any Webex meeting object (create, get, list, PATCH or admin answers)."""
    wm = WebexMeeting.model_validate(data)
    start, end = parse_time(wm.start), parse_time(wm.end)
    duration = int((end - start).total_seconds() // 60) if start and end else None
    return Meeting(
        provider=PROVIDER,
        id=wm.id,
        kind=meeting_kind(wm),
        topic=wm.title,
        host_id=wm.hostUserId,
        host_email=wm.hostEmail,
        start_time=start,
        duration_minutes=duration,
        timezone=wm.timezone,
        agenda=wm.agenda,
        join_url=wm.webLink,
        recurrence=recurrence_from_webex(wm.recurrence) if wm.meetingType == "meetingSeries" else None,
        security=security_from_webex(data),
        raw=dict(data),
    )


def _check_text(title: str | None, agenda: str | None) -> None:
    if title is not None and len(title) > MAX_TITLE:
        raise _cannot(f"a title of {len(title)} characters; the maximum is {MAX_TITLE}")
    if agenda is not None and len(agenda) > MAX_AGENDA:
        raise _cannot(f"an agenda of {len(agenda)} characters; the maximum is {MAX_AGENDA}")



def _schedule(start: datetime, duration: int, timezone: str | None, now: datetime) -> dict[str, Any]:
    _check_schedule(start, duration, now)
    return {
        "start": format_time(start, timezone),
        "end": format_time(start + timedelta(minutes=duration), timezone),
    }


def meeting_create_to_webex(
    data: MeetingCreate, *, host_email: str | None, site_url: str | None, now: datetime
) -> dict[str, Any]:
    """Body of ``POST /meetings``. ``host_email`` schedules for another user (admin scopes)."""
    _check_text(data.topic, data.agenda)
    if data.start_time is None:
        raise _cannot("a meeting without a start time; Webex schedules every meeting (start and end are required)")
    body: dict[str, Any] = {"title": data.topic}
    body.update(_schedule(data.start_time, data.duration_minutes, data.timezone, now))
    if data.timezone:
        body["timezone"] = data.timezone
    if data.agenda is not None:
        body["agenda"] = data.agenda
    if data.recurrence is not None:
        body["recurrence"] = recurrence_to_webex(data.recurrence, start=data.start_time, now=now)
    body.update(security_to_webex(data.security))
    if host_email:
        body["hostEmail"] = host_email
    if site_url:
        body["siteUrl"] = site_url
    return merged(body, data.provider_options)


def meeting_update_to_webex(
    data: MeetingUpdate, *, current: Meeting | None, host_email: str | None, now: datetime
) -> dict[str, Any]:
    """Body of ``PATCH /meetings/{meetingId}``: only what is set.

    Webex takes ``start`` and ``end``; when only one of start time and duration changes, the other
    comes from ``current`` (the meeting as it is), which is then required.
    """
    _check_text(data.topic, data.agenda)
    body: dict[str, Any] = {}
    if data.topic is not None:
        body["title"] = data.topic
    if data.agenda is not None:
        body["agenda"] = data.agenda
    timezone = data.timezone or (current.timezone if current else None)
    if data.timezone is not None:
        _zone(data.timezone)
        body["timezone"] = data.timezone
    start = data.start_time or (current.start_time if current else None)
    if data.start_time is not None or data.duration_minutes is not None:
        duration = data.duration_minutes or (current.duration_minutes if current else None)
        if start is None or duration is None:
            raise ValueError("changing only the start or only the duration needs the current meeting")
        body.update(_schedule(start, duration, timezone, now))
    if data.recurrence is not None:
        if current is not None and current.kind not in (MeetingKind.RECURRING, MeetingKind.SCHEDULED):
            raise _cannot(f"a recurrence on a {current.kind.value}; only a meeting series has one")
        if start is None:
            raise ValueError("setting a recurrence needs the start time (or the current meeting)")
        body["recurrence"] = recurrence_to_webex(data.recurrence, start=start, now=now)
    if data.security is not None:
        body.update(security_to_webex(data.security))
    if host_email and (body or data.provider_options):
        body["hostEmail"] = host_email  # "only used to patch a meeting on behalf of the real host"
    return merged(body, data.provider_options)


# -- people ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Catalog:
    """The org's licences and roles, to name the ids a person carries (``GET /licenses``, ``GET /roles``)."""

    licenses: dict[str, WebexLicense] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)


def _flag(value: str | bool | None) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    return value.strip().lower() == "true"


def user_status(person: WebexPerson) -> UserStatus:
    """``loginEnabled == "false"`` is deactivated; ``invitePending == "true"`` is pending; else active."""
    if _flag(person.loginEnabled) is False:
        return UserStatus.INACTIVE
    if _flag(person.invitePending):
        return UserStatus.PENDING
    return UserStatus.ACTIVE


def user_from_webex(data: Mapping[str, Any], catalog: Catalog | None = None) -> User:
    """A neutral user from a Webex person.

    ``licensed`` means "holds a Meetings licence" (one tied to a site) when the licence catalog is
    known, else "holds any licence"; it is ``None`` when the answer has no ``licenses`` (non-admin
    callers, ``GET /people?id=``). Roles are named from the catalog, else kept as ids.
    """
    wp = WebexPerson.model_validate(data)
    catalog = catalog or Catalog()
    licensed: bool | None = None
    license_type: str | None = None
    if wp.licenses is not None:
        if catalog.licenses:
            known = [catalog.licenses[i] for i in wp.licenses if i in catalog.licenses]
            meeting = [lic for lic in known if lic.siteUrl]
            licensed = bool(meeting)
            license_type = (meeting[0].name or meeting[0].id) if meeting else None
        else:
            licensed = bool(wp.licenses)
    email = wp.emails[0] if wp.emails else ""
    return User(
        provider=PROVIDER,
        id=wp.id,
        email=email,
        first_name=wp.firstName or None,
        last_name=wp.lastName or None,
        display_name=wp.displayName or None,
        status=user_status(wp),
        licensed=licensed,
        license_type=license_type,
        roles=[catalog.roles.get(r, r) for r in wp.roles or []],
        org_unit=wp.locationId or None,
        timezone=wp.timezone or None,
        created_at=parse_time(wp.created),
        raw=dict(data),
    )


def user_create_to_webex(data: UserCreate, *, licenses: list[str]) -> dict[str, Any]:
    """Body of ``POST /people`` (admin). ``licenses`` are the licence ids a licensed user gets.

    Webex invites new people itself (SSO orgs sign in through their IdP), so ``sso`` and ``invite``
    send the same body; it cannot set a password or create a person who cannot sign in.
    """
    if data.activation is UserActivation.PASSWORD or data.password is not None:
        raise _cannot("a password for a new person; Webex people sign in through Webex or the org's SSO")
    if data.activation is UserActivation.NO_LOGIN:
        raise _cannot("a person who cannot sign in at creation; create them, then set_user_status(active=False)")
    display = data.display_name or " ".join(p for p in (data.first_name, data.last_name) if p) or None
    if display is None:
        raise _cannot("a person without a name; give display_name or first_name/last_name")
    body: dict[str, Any] = {"emails": [data.email], "displayName": display}
    if data.first_name:
        body["firstName"] = data.first_name
    if data.last_name:
        body["lastName"] = data.last_name
    if data.licensed and licenses:
        body["licenses"] = list(licenses)
    elif not data.licensed:
        body["licenses"] = []
    if data.org_unit:
        body["locationId"] = data.org_unit
    return merged(body, data.provider_options)


def person_update_body(person: Mapping[str, Any], *, login_enabled: bool) -> dict[str, Any]:
    """Body of ``PUT /people/{personId}`` (a full replace): the person as read, with ``loginEnabled``.

    Only the fields the PUT schema declares are sent; ``phoneNumbers`` keeps the ``work`` numbers
    the schema allows (other types are managed by Webex Calling and are not in the PUT body).
    """
    body = {k: person[k] for k in PERSON_PUT_FIELDS if person.get(k) not in (None, "", [])}
    numbers = [
        {"type": "work", "value": n["value"]}
        for n in person.get("phoneNumbers") or []
        if isinstance(n, Mapping) and n.get("type") == "work" and n.get("value")
    ]
    if numbers:
        body["phoneNumbers"] = numbers
    if "displayName" not in body:
        emails = person.get("emails") or [""]
        body["displayName"] = " ".join(p for p in (person.get("firstName"), person.get("lastName")) if p) or emails[0]
    body["loginEnabled"] = login_enabled
    return body


# -- site settings -----------------------------------------------------------------------------------------

COMMON_SETTINGS_SECTIONS = ("siteOptions", "defaultSchedulerOptions", "scheduleMeetingOptions", "securityOptions")
PASSWORD_CRITERIA_MAX = 12  # minLength, minNumeric, minAlpha, minSpecial: "maximum value limit of 12"


def check_common_settings(body: Mapping[str, Any]) -> None:
    """Refuse a ``PATCH /admin/meeting/config/commonSettings`` body Webex would reject, before sending it."""
    if "telephonyConfig" in body:
        raise _cannot("a change to telephonyConfig; it is read-only (set by Webex Super Admin)")
    unknown = sorted(set(body) - set(COMMON_SETTINGS_SECTIONS))
    if unknown:
        updatable = ", ".join(COMMON_SETTINGS_SECTIONS)
        raise _cannot(f"commonSettings section(s) {', '.join(unknown)}; updatable: {updatable}")
    scheduler = body.get("defaultSchedulerOptions")
    if isinstance(scheduler, Mapping) and not {"entryAndExitTone", "telephonySupport"} <= set(scheduler):
        raise _cannot("defaultSchedulerOptions without entryAndExitTone and telephonySupport; Webex requires both")
    security = body.get("securityOptions")
    if not isinstance(security, Mapping):
        return
    if security.get("audioBeforeHost") is True and security.get("joinBeforeHost") is False:
        raise _cannot("audioBeforeHost without joinBeforeHost")
    criteria = security.get("passwordCriteria")
    if criteria is None:
        return
    if security.get("requireStrongPassword") is False:
        raise _cannot("passwordCriteria while requireStrongPassword is false")
    if isinstance(criteria, Mapping):
        for key in ("minLength", "minNumeric", "minAlpha", "minSpecial"):
            value = criteria.get(key)
            if isinstance(value, int | float) and not 0 <= value <= PASSWORD_CRITERIA_MAX:
                raise _cannot(f"passwordCriteria.{key}={value}; Webex allows 0 to {PASSWORD_CRITERIA_MAX}")
        values = criteria.get("disallowValues")
        if isinstance(values, list) and len(values) != len(set(map(str, values))):
            raise _cannot("repeated passwordCriteria.disallowValues")


__all__ = [
    "Catalog",
    "check_common_settings",
    "format_time",
    "locks_at_start",
    "meeting_create_to_webex",
    "meeting_from_webex",
    "meeting_kind",
    "meeting_update_to_webex",
    "parse_time",
    "person_update_body",
    "recurrence_from_webex",
    "recurrence_to_webex",
    "security_from_webex",
    "security_to_webex",
    "user_create_to_webex",
    "user_from_webex",
    "user_status",
    "waiting_room_from_webex",
]
