"""Zoom JSON <-> confkit's neutral models. Pure functions: no HTTP, unit-tested on JSON.

Everything Zoom cannot express raises :class:`UnrepresentableError` before a request is sent;
nothing is silently changed. Reading keeps the untouched Zoom JSON in ``raw``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

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
    User,
    UserActivation,
    UserCreate,
    UserStatus,
    WaitingRoom,
)
from confkit.providers.zoom.wire import ZoomMeeting, ZoomRecurrence, ZoomUser
from confkit.recurrence import Frequency, Recurrence, split_by_day

PROVIDER = "zoom"

# Zoom weekday numbers: 1 = Sunday ... 7 = Saturday.
ZOOM_WEEKDAY = {"SU": 1, "MO": 2, "TU": 3, "WE": 4, "TH": 5, "FR": 6, "SA": 7}
RRULE_WEEKDAY = {v: k for k, v in ZOOM_WEEKDAY.items()}

MAX_INTERVAL = {Frequency.DAILY: 90, Frequency.WEEKLY: 12, Frequency.MONTHLY: 3}
MAX_END_TIMES = 60
MAX_TOPIC = 200
MAX_AGENDA = 2000
PASSCODE_RE = re.compile(r"^[A-Za-z0-9@\-_*]{1,10}$")
JBH_TIMES = (0, 5, 10)

USER_TYPES = {1: "basic", 2: "licensed", 4: "no_meeting_license", 99: "none"}
ACTIONS = {
    UserActivation.INVITE: "create",
    UserActivation.SSO: "ssoCreate",
    UserActivation.PASSWORD: "autoCreate",
    UserActivation.NO_LOGIN: "custCreate",
}
KINDS = {
    1: MeetingKind.INSTANT,
    2: MeetingKind.SCHEDULED,
    3: MeetingKind.RECURRING_NO_FIXED_TIME,
    4: MeetingKind.SCHEDULED,  # PMI meeting
    8: MeetingKind.RECURRING,
}


def _cannot(message: str) -> UnrepresentableError:
    return UnrepresentableError(f"Zoom cannot express this: {message}", provider=PROVIDER)


def parse_time(value: str | None) -> datetime | None:
    """Zoom times: ``2025-09-02T14:00:00Z`` (GMT) or, rarely, without the ``Z``."""
    if not value:
        return None
    text = value.replace("Z", "+00:00") if value.endswith("Z") else value
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def format_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- recurrence ------------------------------------------------------------------------------------


def recurrence_to_zoom(rec: Recurrence) -> dict[str, Any]:
    """A neutral recurrence as Zoom's ``recurrence`` object (meeting type 8).

    Zoom: daily every 1-90 days; weekly every 1-12 weeks on listed weekdays; monthly every 1-3
    months on a day of month or on the Nth (1-4 or last) weekday; the series ends after 1-60
    occurrences or at a date. Anything else raises UnrepresentableError.
    """
    if rec.freq not in MAX_INTERVAL:
        raise _cannot(f"FREQ={rec.freq.value}; Zoom repeats daily, weekly or monthly only")
    if rec.interval > MAX_INTERVAL[rec.freq]:
        raise _cannot(f"INTERVAL={rec.interval} for {rec.freq.value}; the maximum is {MAX_INTERVAL[rec.freq]}")
    if rec.by_month or rec.by_set_pos:
        raise _cannot("BYMONTH and BYSETPOS have no Zoom equivalent")
    out: dict[str, Any] = {"repeat_interval": rec.interval}
    if rec.freq is Frequency.DAILY:
        if rec.by_day or rec.by_month_day:
            raise _cannot("a daily rule with BYDAY or BYMONTHDAY; use a weekly rule instead")
        out["type"] = 1
    elif rec.freq is Frequency.WEEKLY:
        if rec.by_month_day:
            raise _cannot("BYMONTHDAY in a weekly rule")
        if not rec.by_day:
            raise _cannot("a weekly rule without BYDAY; name the weekdays (e.g. BYDAY=MO,WE)")
        days = []
        for item in rec.by_day:
            ordinal, day = split_by_day(item)
            if ordinal is not None:
                raise _cannot(f"BYDAY={item} in a weekly rule (ordinals only work monthly)")
            days.append(ZOOM_WEEKDAY[day])
        out["type"] = 2
        out["weekly_days"] = ",".join(str(d) for d in sorted(set(days)))
    else:
        out["type"] = 3
        if rec.by_month_day and rec.by_day:
            raise _cannot("BYMONTHDAY together with BYDAY")
        if rec.by_month_day:
            if len(rec.by_month_day) != 1 or rec.by_month_day[0] < 1:
                raise _cannot(f"BYMONTHDAY={','.join(map(str, rec.by_month_day))}; Zoom takes one day 1-31")
            out["monthly_day"] = rec.by_month_day[0]
        elif rec.by_day:
            if len(rec.by_day) != 1:
                raise _cannot("several BYDAY values in a monthly rule; Zoom takes one (e.g. 2TU or -1FR)")
            ordinal, day = split_by_day(rec.by_day[0])
            if ordinal not in (-1, 1, 2, 3, 4):
                raise _cannot(f"BYDAY={rec.by_day[0]}; Zoom takes the 1st-4th or last weekday of the month")
            out["monthly_week"] = ordinal
            out["monthly_week_day"] = ZOOM_WEEKDAY[day]
        else:
            raise _cannot("a monthly rule without BYMONTHDAY or BYDAY; name the day")
    if rec.count is not None:
        if rec.count > MAX_END_TIMES:
            raise _cannot(f"COUNT={rec.count}; a Zoom series has at most {MAX_END_TIMES} occurrences")
        out["end_times"] = rec.count
    elif rec.until is not None:
        out["end_date_time"] = format_time(rec.until)
    else:
        raise _cannot("an open-ended rule; add COUNT (at most 60) or UNTIL")
    return out


def recurrence_from_zoom(data: dict[str, Any]) -> Recurrence:
    zr = ZoomRecurrence.model_validate(data)
    interval = zr.repeat_interval or 1
    until = parse_time(zr.end_date_time)
    count = zr.end_times if until is None else None
    if zr.type == 1:
        return Recurrence(freq=Frequency.DAILY, interval=interval, count=count, until=until)
    if zr.type == 2:
        days = tuple(RRULE_WEEKDAY[int(d)] for d in (zr.weekly_days or "").split(",") if d.strip())
        ordered = tuple(sorted(days, key=lambda d: ZOOM_WEEKDAY[d]))
        return Recurrence(freq=Frequency.WEEKLY, interval=interval, by_day=ordered, count=count, until=until)
    if zr.type == 3:
        if zr.monthly_week is not None and zr.monthly_week_day is not None:
            by_day = (f"{zr.monthly_week}{RRULE_WEEKDAY[zr.monthly_week_day]}",)
            return Recurrence(freq=Frequency.MONTHLY, interval=interval, by_day=by_day, count=count, until=until)
        day = zr.monthly_day or 1
        return Recurrence(freq=Frequency.MONTHLY, interval=interval, by_month_day=(day,), count=count, until=until)
    raise ValueError(f"unknown Zoom recurrence type {zr.type}")


# -- security ----------------------------------------------------------------------------------------


def security_to_zoom(sec: MeetingSecurity) -> tuple[dict[str, Any], dict[str, Any]]:
    """Neutral security as (top-level meeting fields, ``settings`` fields)."""
    top: dict[str, Any] = {}
    settings: dict[str, Any] = {}
    passcode = sec.passcode_value()
    if passcode is not None:
        if not PASSCODE_RE.match(passcode):
            raise _cannot("the passcode must be 1-10 characters of A-Z a-z 0-9 @ - _ *")
        top["password"] = passcode
    elif sec.passcode_required:
        top["default_password"] = True
    if sec.passcode_required is False and passcode is None:
        top["password"] = ""
    if sec.waiting_room is not None:
        if sec.waiting_room is WaitingRoom.OUTSIDERS:
            raise _cannot(
                "a waiting room for outsiders only on one meeting; Zoom chooses who waits at account level "
                "(meeting_security.waiting_room_settings.participants_to_place_in_waiting_room)"
            )
        settings["waiting_room"] = sec.waiting_room is WaitingRoom.EVERYONE
    if sec.authenticated_only is not None:
        settings["meeting_authentication"] = sec.authenticated_only
    if sec.allowed_domains is not None:
        settings["authentication_domains"] = ",".join(sec.allowed_domains)
    if sec.join_before_host is not None:
        settings["join_before_host"] = sec.join_before_host
    if sec.join_before_host_minutes is not None:
        if sec.join_before_host_minutes not in JBH_TIMES:
            raise _cannot(f"join before host {sec.join_before_host_minutes} minutes early; Zoom allows 0, 5 or 10")
        settings["jbh_time"] = sec.join_before_host_minutes
    if sec.mute_on_entry is not None:
        settings["mute_upon_entry"] = sec.mute_on_entry
    if sec.auto_recording is not None:
        settings["auto_recording"] = sec.auto_recording.value
    if sec.screen_sharing is not None:
        raise _cannot(
            "screen sharing per meeting; Zoom sets who can share at account, group or user level "
            "(in_meeting.who_can_share_screen)"
        )
    return top, settings


def security_from_zoom(meeting: dict[str, Any]) -> MeetingSecurity:
    s = meeting.get("settings") or {}
    password = meeting.get("password")
    domains = s.get("authentication_domains")
    waiting = s.get("waiting_room")
    recording = s.get("auto_recording")
    return MeetingSecurity(
        passcode=SecretStr(password) if password else None,
        passcode_required=bool(password) if password is not None else None,
        waiting_room=None if waiting is None else (WaitingRoom.EVERYONE if waiting else WaitingRoom.OFF),
        authenticated_only=s.get("meeting_authentication"),
        allowed_domains=[d.strip() for d in domains.split(",") if d.strip()] if domains else None,
        join_before_host=s.get("join_before_host"),
        join_before_host_minutes=s.get("jbh_time"),
        mute_on_entry=s.get("mute_upon_entry"),
        auto_recording=AutoRecording(recording) if recording in {"none", "local", "cloud"} else None,
        screen_sharing=None,
    )


# -- meetings ------------------------------------------------------------------------------------------


def meeting_from_zoom(data: dict[str, Any]) -> Meeting:
    zm = ZoomMeeting.model_validate(data)
    recurrence = None
    if zm.type == 8 and zm.recurrence is not None:
        recurrence = recurrence_from_zoom(zm.recurrence.model_dump(exclude_none=True))
    return Meeting(
        provider=PROVIDER,
        id=str(zm.id),
        uuid=zm.uuid,
        kind=KINDS.get(zm.type, MeetingKind.SCHEDULED),
        topic=zm.topic,
        host_id=zm.host_id,
        host_email=zm.host_email,
        start_time=parse_time(zm.start_time),
        duration_minutes=zm.duration,
        timezone=zm.timezone,
        agenda=zm.agenda,
        join_url=zm.join_url,
        recurrence=recurrence,
        security=security_from_zoom(data),
        created_at=parse_time(zm.created_at),
        raw=data,
    )


def _check_text(topic: str | None, agenda: str | None) -> None:
    if topic is not None and len(topic) > MAX_TOPIC:
        raise _cannot(f"a topic of {len(topic)} characters; the maximum is {MAX_TOPIC}")
    if agenda is not None and len(agenda) > MAX_AGENDA:
        raise _cannot(f"an agenda of {len(agenda)} characters; the maximum is {MAX_AGENDA}")



def meeting_create_to_zoom(data: MeetingCreate) -> dict[str, Any]:
    """Body of ``POST /users/{userId}/meetings``."""
    _check_text(data.topic, data.agenda)
    body: dict[str, Any] = {"topic": data.topic, "duration": data.duration_minutes}
    if data.recurrence is not None:
        if data.start_time is None:
            raise _cannot("a recurring meeting with a fixed schedule needs a start time")
        body["type"] = 8
        body["recurrence"] = recurrence_to_zoom(data.recurrence)
    else:
        body["type"] = 2 if data.start_time is not None else 1
    if data.start_time is not None:
        body["start_time"] = format_time(data.start_time)
    if data.timezone:
        body["timezone"] = data.timezone
    if data.agenda is not None:
        body["agenda"] = data.agenda
    top, settings = security_to_zoom(data.security)
    body.update(top)
    if settings:
        body["settings"] = settings
    return merged(body, data.provider_options)


def meeting_update_to_zoom(data: MeetingUpdate) -> dict[str, Any]:
    """Body of ``PATCH /meetings/{meetingId}``: only what is set."""
    _check_text(data.topic, data.agenda)
    body: dict[str, Any] = {}
    if data.topic is not None:
        body["topic"] = data.topic
    if data.start_time is not None:
        body["start_time"] = format_time(data.start_time)
    if data.duration_minutes is not None:
        body["duration"] = data.duration_minutes
    if data.timezone is not None:
        body["timezone"] = data.timezone
    if data.agenda is not None:
        body["agenda"] = data.agenda
    if data.recurrence is not None:
        body["type"] = 8
        body["recurrence"] = recurrence_to_zoom(data.recurrence)
    if data.security is not None:
        top, settings = security_to_zoom(data.security)
        body.update(top)
        if settings:
            body["settings"] = settings
    return merged(body, data.provider_options)


# -- users ---------------------------------------------------------------------------------------------


def user_from_zoom(data: dict[str, Any]) -> User:
    zu = ZoomUser.model_validate(data)
    status = {"active": UserStatus.ACTIVE, "inactive": UserStatus.INACTIVE, "pending": UserStatus.PENDING}.get(
        zu.status or "active", UserStatus.ACTIVE
    )
    roles = [r for r in (zu.role_name or zu.role_id,) if r]
    return User(
        provider=PROVIDER,
        id=zu.id,
        email=zu.email,
        first_name=zu.first_name or None,
        last_name=zu.last_name or None,
        display_name=zu.display_name or None,
        status=status,
        licensed=(zu.type == 2) if zu.type is not None else None,
        license_type=USER_TYPES.get(zu.type) if zu.type is not None else None,
        roles=roles,
        org_unit=zu.dept or None,
        timezone=zu.timezone or None,
        created_at=parse_time(zu.user_created_at or zu.created_at),
        raw=data,
    )


def user_create_to_zoom(data: UserCreate) -> dict[str, Any]:
    """Body of ``POST /users``. ``activation`` picks Zoom's ``action``; SSO (ssoCreate) is the district norm."""
    action = ACTIONS[data.activation]
    info: dict[str, Any] = {"email": data.email, "type": 2 if data.licensed else 1}
    if data.first_name:
        info["first_name"] = data.first_name
    if data.last_name:
        info["last_name"] = data.last_name
    if data.display_name:
        info["display_name"] = data.display_name
    if data.activation is UserActivation.PASSWORD:
        if data.password is None:
            raise _cannot("activation 'password' (autoCreate) needs a password")
        info["password"] = data.password.get_secret_value()
    elif data.password is not None:
        raise _cannot(f"a password with activation {data.activation.value!r}; only 'password' (autoCreate) sets one")
    if data.org_unit:
        raise _cannot("an org unit on a new user; add the user to a Zoom group instead")
    return merged({"action": action, "user_info": info}, data.provider_options)
