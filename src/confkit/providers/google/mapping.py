"""Google JSON <-> confkit's neutral models. Pure functions: no HTTP, unit-tested on discovery-shaped JSON.

A scheduled meeting is a Calendar event with a Meet conference; its security lives in the Meet
space behind the conference (``SpaceConfig``). A standalone meeting is a Meet space alone. Reading
keeps the untouched vendor JSON in ``raw`` as ``{"event": {...}, "space": {...}}`` (either may be
absent). Everything Meet cannot express raises :class:`UnrepresentableError` before a request is
sent; nothing is silently changed, and nothing Meet does not have is reported as set.

Security mapping (``SpaceConfig`` <-> :class:`MeetingSecurity`):

=====================================  ===========================================================
``accessType`` OPEN                    ``waiting_room=off``, ``authenticated_only=False``
``accessType`` TRUSTED                 ``waiting_room=outsiders`` (outside the org knock)
``accessType`` RESTRICTED              ``waiting_room=everyone`` (all but invitees knock)
``moderation`` + ``presentRestriction``  ``screen_sharing`` (OFF = all may present)
``artifactConfig`` auto generation     ``auto_recording``: cloud if Meet auto-records, -transcribes
                                       or -takes notes; none only when all three are off
passcodes, domains, join before host,  not in Meet: read as ``None``; writing them raises
mute on entry
=====================================  ===========================================================

Chat / reaction restrictions, join-as-viewer and entry-point access have no neutral field: they
are in ``raw["space"]["config"]`` and are set through ``provider_options={"space_config": {...}}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict

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
from confkit.providers.google.wire import Activity, DirectoryUser, Event, Policy, Space, int64
from confkit.recurrence import Recurrence

PROVIDER = "google"
MEET_SOLUTION = "hangoutsMeet"
SPACE_PREFIX = "spaces/"
#: provider_options key whose dict is merged into the Meet SpaceConfig (everything else goes to the event).
SPACE_CONFIG_OPTION = "space_config"

ACCESS_TO_WAITING = {"OPEN": WaitingRoom.OFF, "TRUSTED": WaitingRoom.OUTSIDERS, "RESTRICTED": WaitingRoom.EVERYONE}
WAITING_TO_ACCESS = {v: k for k, v in ACCESS_TO_WAITING.items()}
_ARTIFACTS = (
    ("recordingConfig", "autoRecordingGeneration"),
    ("transcriptionConfig", "autoTranscriptionGeneration"),
    ("smartNotesConfig", "autoSmartNotesGeneration"),
)
_CODE_WITH_DASHES = re.compile(r"^[a-z]+(-[a-z]+)+$")
_CODE_LETTERS = re.compile(r"^[a-z]{10}$")
_MEET_URL = re.compile(r"^(?:https?://)?meet\.google\.com/", re.IGNORECASE)


def _cannot(message: str) -> UnrepresentableError:
    return UnrepresentableError(f"Google Meet cannot express this: {message}", provider=PROVIDER)


# -- meeting codes ---------------------------------------------------------------------------------------


def normalize_meeting_code(code: str) -> str:
    """A meeting code in the Meet API's form: ``NTBTYDTXBE`` (audit log), ``ntb-tydt-xbe`` and
    ``https://meet.google.com/ntb-tydt-xbe`` all give ``ntb-tydt-xbe``.

    Hyphenated codes are only lower-cased (Meet codes may be longer than 10 letters); a bare
    10-letter code is split 3-4-3, the only form the audit log has been seen to write. Anything
    else raises ``ValueError``.
    """
    text = _MEET_URL.sub("", code.strip()).split("?", 1)[0].strip("/").lower()
    if _CODE_WITH_DASHES.match(text):
        return text
    if _CODE_LETTERS.match(text):
        return f"{text[:3]}-{text[3:7]}-{text[7:]}"
    raise ValueError(f"{code!r} is not a Google Meet meeting code (like abc-mnop-xyz)")


def meeting_code_key(code: str) -> str:
    """A join key for meeting codes from any source (audit log, Meet API, a join URL): lower-case
    letters only (``ntbtydtxbe``)."""
    return re.sub(r"[^a-z]", "", _MEET_URL.sub("", code.strip()).split("?", 1)[0].lower())


# -- times ---------------------------------------------------------------------------------------------


def parse_time(value: str | None) -> datetime | None:
    """RFC 3339 as Google writes it (``Z`` or an offset, optional fractions)."""
    if not value:
        return None
    text = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def format_time(value: datetime, timezone: str | None = None) -> str:
    """RFC 3339 in ``timezone`` (UTC when none), seconds precision, ``Z`` for UTC."""
    local = value.astimezone(_zone(timezone)) if timezone else value.astimezone(UTC)
    text = local.isoformat(timespec="seconds")
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise _cannot(f"time zone {name!r} is not an IANA time zone name (like America/Chicago)") from None


# -- meeting ids ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingRef:
    """A parsed neutral meeting id.

    * ``<organiser email>/<eventId>``: a Calendar event on the organiser's primary calendar;
    * ``<owner email>/spaces/<spaceId>``: a standalone Meet space.

    The email is part of the id because every Calendar and Meet call must impersonate the
    organiser; event ids (base32hex) and space ids never contain ``/``.
    """

    host: str
    event_id: str | None = None
    space_name: str | None = None

    @property
    def id(self) -> str:
        return f"{self.host}/{self.event_id if self.event_id is not None else self.space_name}"


def parse_meeting_id(meeting_id: str) -> MeetingRef:
    host, sep, rest = meeting_id.partition("/")
    if not sep or "@" not in host or not rest:
        raise _cannot(
            f"meeting id {meeting_id!r}; Google meeting ids are '<organiser email>/<eventId>' or "
            "'<owner email>/spaces/<spaceId>' as returned by list/get/create"
        )
    if rest.startswith(SPACE_PREFIX):
        space_id = rest[len(SPACE_PREFIX) :]
        if not space_id or "/" in space_id:
            raise _cannot(f"meeting id {meeting_id!r} names no Meet space")
        return MeetingRef(host=host, space_name=rest)
    if "/" in rest:
        raise _cannot(f"meeting id {meeting_id!r}; an event id has no '/'")
    return MeetingRef(host=host, event_id=rest)


# -- recurrence -------------------------------------------------------------------------------------------


def recurrence_to_google(rec: Recurrence, keep: list[str] | None = None) -> list[str]:
    """Calendar's ``recurrence`` lines: the RRULE, plus ``keep`` lines (EXDATE / RDATE) of the old event."""
    kept = [line for line in keep or [] if not line.upper().startswith(("RRULE:", "EXRULE:"))]
    return ["RRULE:" + rec.rrule, *kept]


def recurrence_from_google(lines: list[str]) -> Recurrence | None:
    """The first RRULE of the event; EXDATE / RDATE lines stay in ``raw``. An RRULE confkit's model
    cannot hold (e.g. BYHOUR) gives ``None`` rather than a wrong rule."""
    for line in lines:
        if line.upper().startswith("RRULE:"):
            try:
                return Recurrence.parse(line)
            except ValueError:
                return None
    return None


# -- security -------------------------------------------------------------------------------------------------


def security_from_space(config: dict[str, Any] | None) -> MeetingSecurity:
    """Neutral security of a Meet space. Fields Meet does not have stay ``None`` - never "off"."""
    config = config or {}
    access = config.get("accessType")
    moderation = config.get("moderation")
    present = (config.get("moderationRestrictions") or {}).get("presentRestriction")
    screen: ScreenSharing | None = None
    if moderation == "OFF" or (moderation == "ON" and present == "NO_RESTRICTION"):
        screen = ScreenSharing.ALL
    elif moderation == "ON" and present == "HOSTS_ONLY":
        screen = ScreenSharing.HOST_ONLY
    artifacts = config.get("artifactConfig") or {}
    generation = [(artifacts.get(group) or {}).get(key) for group, key in _ARTIFACTS]
    auto: AutoRecording | None = None
    if "ON" in generation:
        auto = AutoRecording.CLOUD
    elif generation[0] == "OFF":
        auto = AutoRecording.NONE
    return MeetingSecurity(
        passcode=None,
        passcode_required=None,  # Meet has no passcodes: unknown, not "off"
        waiting_room=ACCESS_TO_WAITING.get(access) if isinstance(access, str) else None,
        authenticated_only=False if access == "OPEN" else None,
        screen_sharing=screen,
        auto_recording=auto,
    )


def _access_type(sec: MeetingSecurity, current: str | None) -> str | None:
    waiting, auth = sec.waiting_room, sec.authenticated_only
    if waiting is WaitingRoom.OFF and auth:
        raise _cannot(
            "authenticated_only with waiting_room=off; with access type OPEN anyone with the link joins, "
            "signed in or not (blocking unauthenticated users is the org-unit policy meet.safety_domain)"
        )
    if waiting is not None:
        return WAITING_TO_ACCESS[waiting]
    if auth and current not in ("TRUSTED", "RESTRICTED"):
        return "TRUSTED"  # unauthenticated users must knock; keeps a stricter RESTRICTED as it is
    return None


def _set_path(config: dict[str, Any], mask: list[str], path: str, value: Any) -> None:
    node = config
    parts = path.split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value
    full = "config." + path
    if full not in mask:
        mask.append(full)


def _leaf_paths(data: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for key, value in data.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict) and value:
            out.extend(_leaf_paths(value, path))
        else:
            out.append((path, value))
    return out


def space_config_for(
    sec: MeetingSecurity | None, current: dict[str, Any] | None = None, options: dict[str, Any] | None = None
) -> tuple[dict[str, Any], list[str]]:
    """A ``SpaceConfig`` and its ``updateMask`` paths (``config.accessType`` ...) for ``sec``.

    ``current`` is the space's present config (None for a new space); ``options`` is
    ``provider_options["space_config"]``, merged last. Raises UnrepresentableError for anything
    Meet has no setting for.
    """
    config: dict[str, Any] = {}
    mask: list[str] = []
    if sec is not None:
        if sec.passcode is not None or sec.passcode_required:
            raise _cannot(
                "a passcode; Meet has none. The equivalent protection is knocking: waiting_room=everyone "
                "(access type RESTRICTED) or outsiders (TRUSTED) makes uninvited people ask to join"
            )
        if sec.allowed_domains is not None:
            raise _cannot(
                "allowed_domains on one meeting; who may join is the org-unit policy meet.safety_domain / "
                "meet.safety_access (see get_account_settings)"
            )
        if sec.join_before_host is not None or sec.join_before_host_minutes is not None:
            raise _cannot("join before host; the Meet API has no such setting")
        if sec.mute_on_entry is not None:
            raise _cannot("mute on entry; the Meet API has no such setting")
        access = _access_type(sec, (current or {}).get("accessType"))
        if access is not None:
            _set_path(config, mask, "accessType", access)
        if sec.screen_sharing is ScreenSharing.HOST_ONLY:
            _set_path(config, mask, "moderation", "ON")
            _set_path(config, mask, "moderationRestrictions.presentRestriction", "HOSTS_ONLY")
        elif sec.screen_sharing is ScreenSharing.ALL:
            # With moderation OFF everyone presents and restrictions reset to this default anyway.
            _set_path(config, mask, "moderationRestrictions.presentRestriction", "NO_RESTRICTION")
        if sec.auto_recording is AutoRecording.LOCAL:
            raise _cannot("local recording; Meet records to the organiser's Google Drive (use cloud)")
        if sec.auto_recording is AutoRecording.CLOUD:
            _set_path(config, mask, "artifactConfig.recordingConfig.autoRecordingGeneration", "ON")
        elif sec.auto_recording is AutoRecording.NONE:
            for group, key in _ARTIFACTS:
                _set_path(config, mask, f"artifactConfig.{group}.{key}", "OFF")
    for path, value in _leaf_paths(options or {}):
        _set_path(config, mask, path, value)
    return config, mask


# -- meetings -------------------------------------------------------------------------------------------------


def is_meet_event(event: dict[str, Any]) -> bool:
    data = Event.model_validate(event)
    return data.conferenceData is not None and data.conferenceData.solution_type == MEET_SOLUTION


def meeting_code_of(event: dict[str, Any]) -> str | None:
    """The Meet code behind an event (``conferenceData.conferenceId``), once creation succeeded."""
    data = Event.model_validate(event)
    conf = data.conferenceData
    if conf is None or conf.solution_type != MEET_SOLUTION or conf.status != "success" or not conf.conferenceId:
        return None
    return normalize_meeting_code(conf.conferenceId)


def conference_status(event: dict[str, Any]) -> str | None:
    conf = Event.model_validate(event).conferenceData
    return conf.status if conf is not None else None


def meeting_from_event(event: dict[str, Any], calendar_id: str, space: dict[str, Any] | None = None) -> Meeting:
    ev = Event.model_validate(event)
    start = parse_time(ev.start.dateTime) if ev.start else None
    end = parse_time(ev.end.dateTime) if ev.end else None
    duration = int((end - start).total_seconds() // 60) if start and end else None
    if ev.recurringEventId:
        kind = MeetingKind.OCCURRENCE
    elif ev.recurrence:
        kind = MeetingKind.RECURRING
    else:
        kind = MeetingKind.SCHEDULED
    join = ev.hangoutLink or (ev.conferenceData.video_uri if ev.conferenceData else None)
    organizer = ev.organizer
    raw: dict[str, Any] = {"event": event}
    if space is not None:
        raw["space"] = space
    return Meeting(
        provider=PROVIDER,
        id=MeetingRef(host=calendar_id, event_id=ev.id).id,
        kind=kind,
        topic=ev.summary or "",
        host_id=organizer.id if organizer else None,
        host_email=(organizer.email if organizer and organizer.email else calendar_id),
        start_time=start,
        duration_minutes=duration,
        timezone=ev.start.timeZone if ev.start else None,
        agenda=ev.description,
        join_url=join,
        recurrence=recurrence_from_google(ev.recurrence),
        security=security_from_space(Space.model_validate(space).config) if space else MeetingSecurity(),
        created_at=parse_time(ev.created),
        raw=raw,
    )


def meeting_from_space(space: dict[str, Any], owner: str) -> Meeting:
    """A standalone space. Spaces have no title or schedule: the topic is the meeting code."""
    sp = Space.model_validate(space)
    return Meeting(
        provider=PROVIDER,
        id=MeetingRef(host=owner, space_name=sp.name).id,
        kind=MeetingKind.SPACE,
        topic=f"Meet {sp.meetingCode}" if sp.meetingCode else sp.name,
        host_email=owner,
        join_url=sp.meetingUri,
        security=security_from_space(sp.config),
        raw={"space": space},
    )



def _event_options(options: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in options.items() if k != SPACE_CONFIG_OPTION}


def _when(start: datetime, minutes: int, timezone: str | None) -> dict[str, Any]:
    end = start + timedelta(minutes=minutes)
    first: dict[str, Any] = {"dateTime": format_time(start, timezone)}
    last: dict[str, Any] = {"dateTime": format_time(end, timezone)}
    if timezone:
        first["timeZone"] = last["timeZone"] = timezone
    return {"start": first, "end": last}


def event_insert_body(data: MeetingCreate, request_id: str) -> dict[str, Any]:
    """Body of ``events.insert`` (with ``conferenceDataVersion=1``): the event plus a Meet create request."""
    if data.start_time is None:
        raise _cannot("a Calendar event without a start time (leave start_time out only for a standalone space)")
    timezone = data.timezone or ("UTC" if data.recurrence is not None else None)
    body: dict[str, Any] = {"summary": data.topic, **_when(data.start_time, data.duration_minutes, timezone)}
    if data.agenda is not None:
        body["description"] = data.agenda
    if data.recurrence is not None:
        body["recurrence"] = recurrence_to_google(data.recurrence)
    body["conferenceData"] = {
        "createRequest": {"requestId": request_id, "conferenceSolutionKey": {"type": MEET_SOLUTION}}
    }
    return merged(body, _event_options(data.provider_options))


def check_space_create(data: MeetingCreate) -> None:
    """A standalone space has no schedule: reject what it cannot hold instead of dropping it."""
    if data.recurrence is not None:
        raise _cannot("a recurrence without a start time; give start_time to schedule a Calendar event")
    if data.agenda is not None:
        raise _cannot("an agenda on a standalone space (spaces have no description); give start_time")
    if _event_options(data.provider_options):
        raise _cannot("event fields in provider_options on a standalone space; only 'space_config' applies")


def event_patch_body(data: MeetingUpdate, current: dict[str, Any]) -> dict[str, Any]:
    """Body of ``events.patch``: only what changes. Start and end are sent whole, computed against
    ``current`` (the event as it is), so a new start keeps the duration and vice versa."""
    ev = Event.model_validate(current)
    body: dict[str, Any] = {}
    if data.topic is not None:
        body["summary"] = data.topic
    if data.agenda is not None:
        body["description"] = data.agenda
    if data.start_time is not None or data.duration_minutes is not None or data.timezone is not None:
        old_start = parse_time(ev.start.dateTime) if ev.start else None
        old_end = parse_time(ev.end.dateTime) if ev.end else None
        start = data.start_time or old_start
        if start is None:
            raise _cannot("a new duration or time zone for an all-day event; give start_time too")
        minutes = data.duration_minutes or (
            int((old_end - old_start).total_seconds() // 60) if old_start and old_end else 60
        )
        timezone = data.timezone or (ev.start.timeZone if ev.start else None)
        if timezone is None and (data.recurrence is not None or ev.recurrence):
            timezone = "UTC"
        body.update(_when(start, minutes, timezone))
    if data.recurrence is not None:
        body["recurrence"] = recurrence_to_google(data.recurrence, keep=ev.recurrence)
    return merged(body, _event_options(data.provider_options))


def check_space_update(data: MeetingUpdate) -> None:
    if any(v is not None for v in (data.topic, data.start_time, data.duration_minutes, data.timezone, data.agenda)):
        raise _cannot("a topic, schedule or agenda on a standalone space; only security applies")
    if data.recurrence is not None:
        raise _cannot("a recurrence on a standalone space; spaces have no schedule")
    if _event_options(data.provider_options):
        raise _cannot("event fields in provider_options on a standalone space; only 'space_config' applies")


# -- users -------------------------------------------------------------------------------------------------------


def user_from_google(data: dict[str, Any]) -> User:
    du = DirectoryUser.model_validate(data)
    name = du.name
    roles = [r for r, on in (("super_admin", du.isAdmin), ("delegated_admin", du.isDelegatedAdmin)) if on]
    return User(
        provider=PROVIDER,
        id=du.id,
        email=du.primaryEmail,
        first_name=(name.givenName or None) if name else None,
        last_name=(name.familyName or None) if name else None,
        display_name=((name.displayName or name.fullName) or None) if name else None,
        status=UserStatus.INACTIVE if (du.suspended or du.archived) else UserStatus.ACTIVE,
        licensed=None,  # Workspace licences live in the Enterprise License Manager API
        roles=roles,
        org_unit=du.orgUnitPath,
        created_at=parse_time(du.creationTime),
        raw=data,
    )


def user_insert_body(data: UserCreate, generated_password: str) -> dict[str, Any]:
    """Body of ``users.insert``. Google requires a name and a password even for SSO users: with
    ``activation=sso`` (the district norm) ``generated_password`` - random, never shown - is set and
    sign-in happens through the district's identity provider."""
    if not data.first_name or not data.last_name:
        raise _cannot("a user without first_name and last_name; Google Workspace requires both")
    if not data.licensed:
        raise _cannot(
            "licensed=False; Workspace licences are assigned by the Enterprise License Manager API (or "
            "automatically per org unit), which confkit does not call"
        )
    if data.activation in (UserActivation.INVITE, UserActivation.NO_LOGIN):
        raise _cannot(
            f"activation {data.activation.value!r}; Google Workspace has no invitation or no-login accounts "
            "(use sso, or password with a password)"
        )
    if data.activation is UserActivation.PASSWORD:
        if data.password is None:
            raise _cannot("activation 'password' needs a password")
        password = data.password.get_secret_value()
    else:
        if data.password is not None:
            raise _cannot("a password with activation 'sso'; SSO users sign in through the identity provider")
        password = generated_password
    name: dict[str, Any] = {"givenName": data.first_name, "familyName": data.last_name}
    if data.display_name:
        name["displayName"] = data.display_name
    body: dict[str, Any] = {"primaryEmail": data.email, "name": name, "password": password}
    if data.org_unit:
        if not data.org_unit.startswith("/"):
            raise _cannot(f"org unit {data.org_unit!r}; give the full path, like /Students")
        body["orgUnitPath"] = data.org_unit
    return merged(body, data.provider_options)


def status_query(status: UserStatus | None) -> str | None:
    """Directory ``query`` for a neutral status (``None`` = everyone)."""
    if status is UserStatus.ACTIVE:
        return "isSuspended=false"
    if status is UserStatus.INACTIVE:
        return "isSuspended=true"
    return None


# -- account-level settings (Cloud Identity policies) --------------------------------------------------------


def policy_section_key(policy: dict[str, Any], org_unit_paths: dict[str, str]) -> str:
    """``meet.safety_domain@/Students``: the setting type and whom the policy applies to.

    ``org_unit_paths`` maps ``orgUnits/{id}`` to the path; an unknown org unit or a group keeps its
    resource name, and a policy with neither applies to the whole customer (``@customer``).
    """
    pol = Policy.model_validate(policy)
    setting = pol.setting.type.removeprefix("settings/")
    query = pol.policyQuery
    if query and query.group:
        target = query.group
    elif query and query.orgUnit:
        target = org_unit_paths.get(query.orgUnit, query.orgUnit)
    else:
        target = "customer"
    return f"{setting}@{target}"


def org_unit_resource(org_unit_id: str) -> str:
    """Directory ``orgUnitId`` (``id:03ph8a2z``) as a Policy API org unit (``orgUnits/03ph8a2z``)."""
    return "orgUnits/" + org_unit_id.removeprefix("id:")


# -- Meet audit log (Reports API) ------------------------------------------------------------------------------


class MeetAuditEvent(BaseModel):
    """One event of the Meet audit log, flattened: parameters by name, int64 strings as ints,
    the meeting code in the Meet API's form (the log writes ``NTBTYDTXBE``)."""

    model_config = ConfigDict(extra="forbid")

    time: datetime | None
    name: str
    type: str | None = None
    actor_email: str | None = None
    caller_type: str | None = None
    meeting_code: str | None = None
    conference_id: str | None = None
    organizer_email: str | None = None
    parameters: dict[str, Any]
    raw: dict[str, Any]


def audit_events(activity: dict[str, Any]) -> list[MeetAuditEvent]:
    act = Activity.model_validate(activity)
    out: list[MeetAuditEvent] = []
    for event in act.events:
        params: dict[str, Any] = {}
        for p in event.parameters:
            if p.intValue is not None:
                params[p.name] = int64(p.intValue)
            elif p.boolValue is not None:
                params[p.name] = p.boolValue
            elif p.multiIntValue is not None:
                params[p.name] = [int64(v) for v in p.multiIntValue]
            elif p.multiValue is not None:
                params[p.name] = list(p.multiValue)
            else:
                params[p.name] = p.value
        code = params.get("meeting_code")
        try:
            normalized = normalize_meeting_code(code) if isinstance(code, str) and code else None
        except ValueError:
            normalized = code
        out.append(
            MeetAuditEvent(
                time=parse_time(act.id.time) if act.id else None,
                name=event.name or "",
                type=event.type,
                actor_email=act.actor.email if act.actor else None,
                caller_type=act.actor.callerType if act.actor else None,
                meeting_code=normalized,
                conference_id=params.get("conference_id"),
                organizer_email=params.get("organizer_email"),
                parameters=params,
                raw=activity,
            )
        )
    return out


__all__ = [
    "MeetAuditEvent",
    "MeetingRef",
    "audit_events",
    "check_space_create",
    "check_space_update",
    "event_insert_body",
    "event_patch_body",
    "meeting_code_key",
    "meeting_from_event",
    "meeting_from_space",
    "normalize_meeting_code",
    "parse_meeting_id",
    "security_from_space",
    "space_config_for",
    "user_from_google",
    "user_insert_body",
]
