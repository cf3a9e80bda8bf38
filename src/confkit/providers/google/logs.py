"""Google Workspace audit logs as confkit log streams: the Meet audit log and Meet admin-setting changes.

Both come from the Admin SDK Reports API, ``GET admin/reports/v1/activity/users/all/applications/
{applicationName}`` (``reports.activities.list``; field names from the bundled discovery document
``admin.reports_v1.json``, ``notes/google.md`` §2 and §7):

* ``meet``: application ``meet``, every event (``call_ended`` once per participant and call,
  ``knocking_accepted``/``knocking_denied``, ``abuse_report_submitted``, presentations, recordings,
  broadcasts ...). ``call_ended`` is a participant's whole stay (join = ``start_timestamp_seconds``,
  ``duration_seconds``); external or anonymous joiners show as ``actor.callerType == "KEY"``
  (``HANGOUTS_EXTERNAL_OR_ANONYMOUS``) and ``is_external``. The log writes meeting codes as
  ``NTBTYDTXBE``; events carry the Meet API's form ``ntb-tydt-xbe``.
* ``admin``: application ``admin``, the Admin console's setting changes
  (``CREATE_APPLICATION_SETTING``, ``CHANGE_APPLICATION_SETTING``, ``DELETE_APPLICATION_SETTING``,
  read with one ``eventName`` series each) whose ``APPLICATION_NAME`` is Google Meet, as structured
  ``field / from / to`` changes from ``SETTING_NAME``, ``OLD_VALUE``, ``NEW_VALUE`` (the parameters
  CISA's ScubaGoggles reads), scoped to ``ORG_UNIT_NAME``, ``GROUP_EMAIL`` or ``DOMAIN_NAME``.

Windows: Google serves 180 days back (a ``startTime`` older than that is refused, so the first
window starts a few minutes inside it); one day per window for ``meet`` (a district's busiest log:
a restarted window re-reads one day at most), thirty for ``admin`` (setting changes are rare, and
each window costs three requests); ``endTime`` is the window's end or the time of the window's first request,
whichever is earlier (Google wants times not in the future). Audit events can appear hours after
they happened, so every run re-reads the last :data:`OVERLAP` and deduplicates.

Identity: every ``events[]`` entry of an activity is one event, identified by Google's own
``id.customerId``, ``id.applicationName``, ``id.time``, ``id.uniqueQualifier`` and the entry's
index and name, so a re-read never stores a second copy.

Paging: ``maxResults`` 1000, ``pageToken``/``nextPageToken`` (:func:`activity_pages`: the requests of
:meth:`GoogleProvider.iter_activity_pages`, each counted against the rate-limit bucket its parameters
call for - ``reports`` for ``meet``, ``reports_filtered`` for ``admin``'s ``eventName`` series, see
:mod:`confkit.providers.google.limits`). Pages carry :class:`~confkit.logs.stream.VendorRecord` objects
(:func:`meet_records`, :func:`setting_records`) normalized when read by :data:`NORMALIZERS`; both
streams redact with :data:`RAW_REDACTORS`. The cursor saved after each page holds the token and
the exact ``startTime``/``endTime`` it was issued for; a token Google refuses (400) restarts the
window (:class:`~confkit.logs.stream.CursorExpiredError`). Whether Reports page tokens expire is not
documented.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from hashlib import sha256
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypedDict

from confkit.errors import InvalidRequestError
from confkit.logs.model import Category, Outcome, event_id, format_time, new_event, vendor_time
from confkit.logs.raw import PageSplitter, RawJSON
from confkit.logs.stream import (
    BaseLogStream,
    CursorExpiredError,
    LogPage,
    LogStream,
    Normalizer,
    RawRedactor,
    Resume,
    VendorRecord,
    Window,
    align_up,
)
from confkit.providers.google.mapping import normalize_meeting_code

if TYPE_CHECKING:
    from confkit.logs.redact import Redactor
    from confkit.providers.google.provider import GoogleProvider

PROVIDER = "google"
PAGE_SIZE = 1000
#: What the Reports API serves (``notes/google.md`` §2).
RETENTION = timedelta(days=180)
#: A first window starts this far inside the 180 days: Google checks ``startTime`` on every request of
#: a series ("Start time and end time should be within last 180 days"), and the oldest window of a first
#: backfill may take many minutes to page through; an hour costs at most that hour of 180-day-old events.
RETENTION_MARGIN = timedelta(hours=1)
#: Re-read on every run for late arrivals: Google's audit lag "can go up to a few hours".
OVERLAP = timedelta(hours=12)
#: ``APPLICATION_NAME`` values of Meet's admin settings (compared case-insensitively).
MEET_APPLICATION_NAMES = frozenset({"google meet"})
#: The Admin console's setting-change events (application ``admin``), read one series each.
SETTING_EVENTS = ("CREATE_APPLICATION_SETTING", "CHANGE_APPLICATION_SETTING", "DELETE_APPLICATION_SETTING")
#: Whose actors Google marks as external or not signed in (Elastic's Meet fixtures).
EXTERNAL_KEY = "HANGOUTS_EXTERNAL_OR_ANONYMOUS"
#: Google's records keep personal data in ``parameters[]`` by *name*, which key-based redaction cannot
#: reach: both streams redact with :func:`redact_activity` (:data:`RAW_REDACTORS`, at collection and at
#: export), so no stream is listed here.
PII_KEYS: Mapping[str, Mapping[str, str]] = MappingProxyType({})
#: Personal data in event parameters, by parameter name (``identifier`` depends on ``identifier_type``).
PARAMETER_PII: Mapping[str, str] = MappingProxyType(
    {
        "organizer_email": "email",
        "target_email": "email",
        "display_name": "name",
        "target_display_names": "name",
        "target_phone_number": "name",
        "ip_address": "ip",
        "livestream_private_ip_address": "ip",
        "GROUP_EMAIL": "email",
        "USER_EMAIL": "email",
    }
)
#: The time of a record that has none (never seen; kept rather than dropped).
EPOCH_TIME = "1970-01-01T00:00:00.000000Z"

_MEETING = Category.MEETING_LIFECYCLE
#: Meet event name -> (category, neutral action). Names from Elastic's Meet pipeline (notes §2); any
#: other name becomes ``meeting_lifecycle`` / ``meeting.<name>``: nothing is dropped.
MEET_ACTIONS: Mapping[str, tuple[Category, str]] = MappingProxyType(
    {
        "call_ended": (Category.PARTICIPANT, "participant.session"),
        "abuse_report_submitted": (Category.ABUSE_REPORT, "abuse.report"),
        "recording_activity": (Category.RECORDING, "recording.activity"),
        "transcription_activity": (Category.RECORDING, "recording.transcription"),
        "knocking_accepted": (_MEETING, "meeting.knock_accept"),
        "knocking_denied": (_MEETING, "meeting.knock_deny"),
        "presentation_started": (_MEETING, "meeting.presentation_start"),
        "presentation_stopped": (_MEETING, "meeting.presentation_stop"),
        "invitation_sent": (_MEETING, "meeting.invite"),
        "ring_sent": (_MEETING, "meeting.ring"),
        "ring_answered": (_MEETING, "meeting.ring_answer"),
        "ring_missed": (_MEETING, "meeting.ring_miss"),
        "dialed_out": (_MEETING, "meeting.dial_out"),
        "broadcast_activity": (_MEETING, "meeting.broadcast"),
        "in_meet_broadcast_activity": (_MEETING, "meeting.broadcast"),
        "livestream_watched": (_MEETING, "meeting.livestream_view"),
        "poll_created": (_MEETING, "meeting.poll_create"),
        "poll_answered": (_MEETING, "meeting.poll_answer"),
        "question_created": (_MEETING, "meeting.question_create"),
        "question_responded": (_MEETING, "meeting.question_answer"),
        "whiteboard_started": (_MEETING, "meeting.whiteboard_start"),
        "watermarking_starting": (_MEETING, "meeting.watermark_start"),
        "watermarking_active": (_MEETING, "meeting.watermark_active"),
        "watermarking_stopped": (_MEETING, "meeting.watermark_stop"),
    }
)
SETTING_ACTIONS: Mapping[str, str] = MappingProxyType(
    {
        "CREATE_APPLICATION_SETTING": "setting.create",
        "CHANGE_APPLICATION_SETTING": "setting.update",
        "DELETE_APPLICATION_SETTING": "setting.delete",
    }
)
_EVENT_STATUS = {"SUCCEEDED": Outcome.SUCCESS, "SUCCEEDED_WITH_WARNINGS": Outcome.SUCCESS, "FAILED": Outcome.FAILURE}


# -- parameters -------------------------------------------------------------------------------------------


def int64(value: Any) -> int | str | None:
    """A discovery ``format: int64`` value (a JSON string, ``"762"``) as an int; text that is not a
    number is kept as it came (never dropped, never an exception)."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        return str(value)


def parameter_value(param: Mapping[str, Any]) -> Any:
    """The value of one ``parameters[]`` item, whichever of its typed fields carries it."""
    if "value" in param:
        return param["value"]
    if "intValue" in param:
        return int64(param["intValue"])
    if "boolValue" in param:
        return param["boolValue"]
    if "multiValue" in param:
        return list(param["multiValue"] or [])
    if "multiIntValue" in param:
        return [int64(v) for v in param["multiIntValue"] or []]
    if "multiBoolValue" in param:
        return list(param["multiBoolValue"] or [])
    if "messageValue" in param:
        return parameters((param["messageValue"] or {}).get("parameter"))
    if "multiMessageValue" in param:
        return [parameters((m or {}).get("parameter")) for m in param["multiMessageValue"] or []]
    return None


def parameters(items: Any) -> dict[str, Any]:
    """``parameters[]`` (or a message's ``parameter[]``) by name, int64 strings as ints.

    A name given twice keeps its first value (the raw record keeps both)."""
    out: dict[str, Any] = {}
    for item in items if isinstance(items, list) else ():
        if isinstance(item, dict) and isinstance(item.get("name"), str) and item["name"] not in out:
            out[item["name"]] = parameter_value(item)
    return out


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def meeting_code(value: Any) -> str | None:
    """An audit-log meeting code (``NTBTYDTXBE``) in the Meet API's form (``ntb-tydt-xbe``); a code
    of another shape is kept lower-cased rather than dropped."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return normalize_meeting_code(value)
    except ValueError:
        return value.strip().lower()


def _epoch(seconds: Any) -> str | None:
    if isinstance(seconds, int) and not isinstance(seconds, bool) and 0 <= seconds < 2**37:
        return format_time(datetime.fromtimestamp(seconds, UTC))
    return None


def _identity(activity: Mapping[str, Any], stream: str, index: int, name: str) -> tuple[str, str]:
    """(stable id, stored time) of the ``index``-th event of ``activity``: Google's own identifiers."""
    ident = _obj(activity.get("id"))
    raw_time = ident.get("time")
    time = vendor_time(raw_time)
    key_time = time or (raw_time if isinstance(raw_time, str) else None)
    return (
        event_id(
            PROVIDER,
            stream,
            ident.get("customerId"),
            ident.get("applicationName"),
            key_time,
            ident.get("uniqueQualifier"),
            index,
            name,
        ),
        time or EPOCH_TIME,
    )


def _outcome(event: Mapping[str, Any]) -> Outcome:
    status = _obj(event.get("status"))
    found = status.get("eventStatus")
    if not found:
        return Outcome.SUCCESS  # Google logs what was done; only some events carry a status
    return _EVENT_STATUS.get(str(found), Outcome.UNKNOWN)


def _events(activity: Mapping[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    items = activity.get("events")
    return [(i, e) for i, e in enumerate(items) if isinstance(e, dict)] if isinstance(items, list) else []


# -- the Meet audit log ----------------------------------------------------------------------------------


def meet_actor(activity: Mapping[str, Any], params: Mapping[str, Any]) -> dict[str, Any]:
    """Who: ``actor`` (``email``, ``profileId``, ``callerType``/``key``) and the participant parameters.

    ``external``: the ``is_external`` parameter, else ``True`` for Google's external-or-anonymous key,
    else unknown. ``anonymous``: no e-mail anywhere (neither ``actor.email`` nor an ``identifier`` of
    type ``email_address``) and not a Meet hardware device.
    """
    actor = _obj(activity.get("actor"))
    kind = params.get("identifier_type")
    identifier = _text(params.get("identifier"))
    email = _text(actor.get("email")) or (identifier if kind == "email_address" else None)
    caller, key = actor.get("callerType"), actor.get("key")
    flag = params.get("is_external")
    external = flag if isinstance(flag, bool) else (True if caller == "KEY" and key == EXTERNAL_KEY else None)
    return {
        "id": _text(actor.get("profileId")),
        "email": email,
        "name": _text(params.get("display_name")),
        "ip": _text(activity.get("ipAddress")) or _text(params.get("ip_address")),
        "client": _text(params.get("device_type")),
        "client_version": None,
        "external": external,
        "anonymous": email is None and kind != "device_id",
    }


def meet_event(activity: Mapping[str, Any], index: int, event: Mapping[str, Any], tenant: str) -> dict[str, Any]:
    """One ``events[]`` entry of a Meet activity as a normalized event.

    Identity: ``id.customerId, id.applicationName, id.time, id.uniqueQualifier``, the entry's index
    and name. ``time`` is ``id.time`` (for ``call_ended``: when the participant left).
    """
    name = str(event.get("name") or "")
    ident, time = _identity(activity, "meet", index, name)
    params = parameters(event.get("parameters"))
    category, action = MEET_ACTIONS.get(name, (_MEETING, f"meeting.{_slug(name) or 'event'}"))
    code = meeting_code(params.get("meeting_code"))
    meeting = {
        "id": code,
        "instance": _text(params.get("conference_id")),
        "code": code,
        "topic": None,
        "host_id": None,
        "host_email": _text(params.get("organizer_email")),
        "start": None,
        "end": None,
    }
    has_meeting = code is not None or meeting["instance"] is not None
    target: dict[str, Any] | None = (
        {"type": "meeting", "id": code or meeting["instance"], "name": None, "email": None} if has_meeting else None
    )
    who = (
        _text(params.get("target_email"))
        or _text(params.get("target_display_names"))
        or _text(params.get("target_phone_number"))
    )
    if who is not None:
        target = {
            "type": "user",
            "id": None,
            "email": _text(params.get("target_email")),
            "name": _text(params.get("target_display_names")) or _text(params.get("target_phone_number")),
        }
    session = None
    if name == "call_ended":
        duration = params.get("duration_seconds")
        seconds = duration if isinstance(duration, int) and not isinstance(duration, bool) and duration >= 0 else None
        started = params.get("start_timestamp_seconds")
        start = _epoch(started)
        end = None
        if start is not None and isinstance(started, int) and seconds is not None:
            end = _epoch(started + seconds)
        if start is None and seconds is not None and time != EPOCH_TIME:
            left = datetime.strptime(time, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
            start, end = format_time(left - timedelta(seconds=seconds)), time
        session = {
            "start": start,
            "end": end,
            "duration_seconds": seconds,
            "status": None,
            "participant_id": _text(params.get("endpoint_id")),
        }
    detail = None
    if category is Category.ABUSE_REPORT:
        reason, text = _text(params.get("action_reason")), _text(params.get("action_description"))
        detail = ": ".join(x for x in (reason, text) if x) or None
    return new_event(
        id=ident,
        time=time,
        provider=PROVIDER,
        tenant=tenant,
        stream="meet",
        category=category,
        action=action,
        outcome=_outcome(event),
        vendor_action=name or None,
        vendor_category=_text(event.get("type")),
        actor=meet_actor(activity, params),
        target=target,
        meeting=meeting if has_meeting else None,
        session=session,
        detail=detail,
        raw=activity,
    )


def meet_events(activity: Mapping[str, Any], tenant: str) -> list[dict[str, Any]]:
    """Every ``events[]`` entry of one Meet activity, normalized."""
    return [meet_event(activity, i, e, tenant) for i, e in _events(activity)]


# -- Meet admin settings -----------------------------------------------------------------------------------


def is_meet_setting(event: Mapping[str, Any]) -> bool:
    """A setting-change event of the Admin console about Google Meet."""
    if event.get("name") not in SETTING_ACTIONS:
        return False
    app = parameters(event.get("parameters")).get("APPLICATION_NAME")
    return isinstance(app, str) and app.strip().lower() in MEET_APPLICATION_NAMES


def setting_event(activity: Mapping[str, Any], index: int, event: Mapping[str, Any], tenant: str) -> dict[str, Any]:
    """One Admin console setting-change entry (``…_APPLICATION_SETTING``) as a ``setting_change`` event.

    The change is ``section`` = ``APPLICATION_NAME``, ``field`` = ``SETTING_NAME``, ``from`` =
    ``OLD_VALUE``, ``to`` = ``NEW_VALUE`` (a deleted setting has no ``to``: the org unit inherits
    again); the target is the group, org unit or domain the setting was changed for, else the
    customer. Identity as for Meet events.
    """
    name = str(event.get("name") or "")
    ident, time = _identity(activity, "admin", index, name)
    params = parameters(event.get("parameters"))
    actor = _obj(activity.get("actor"))

    def value(key: str) -> str | None:
        found = params.get(key)
        if found is None or found == "":
            return None
        return found if isinstance(found, str) else json.dumps(found, separators=(",", ":"))

    group, unit, domain = value("GROUP_EMAIL"), value("ORG_UNIT_NAME"), value("DOMAIN_NAME")
    if group is not None:
        target = {"type": "group", "id": None, "name": None, "email": group}
    elif unit is not None:
        target = {"type": "org_unit", "id": None, "name": unit, "email": None}
    elif domain is not None:
        target = {"type": "domain", "id": None, "name": domain, "email": None}
    else:
        target = {"type": "account", "id": tenant, "name": None, "email": None}
    change = {
        "section": value("APPLICATION_NAME"),
        "field": value("SETTING_NAME") or "",
        "from": value("OLD_VALUE"),
        "to": value("NEW_VALUE"),
    }
    return new_event(
        id=ident,
        time=time,
        provider=PROVIDER,
        tenant=tenant,
        stream="admin",
        category=Category.SETTING_CHANGE,
        action=SETTING_ACTIONS.get(name, f"setting.{_slug(name) or 'change'}"),
        outcome=_outcome(event),
        vendor_action=name or None,
        vendor_category=_text(event.get("type")),
        actor={
            "id": _text(actor.get("profileId")),
            "email": _text(actor.get("email")),
            "name": None,
            "ip": _text(activity.get("ipAddress")),
            "client": None,
            "client_version": None,
            "external": False,
            "anonymous": False,
        },
        target=target,
        changes=[change],
        raw=activity,
    )


def setting_events(activity: Mapping[str, Any], tenant: str, name: str | None = None) -> list[dict[str, Any]]:
    """The Meet setting changes in one ``admin`` activity (only entries named ``name``, when given)."""
    return [
        setting_event(activity, i, e, tenant)
        for i, e in _events(activity)
        if (name is None or e.get("name") == name) and is_meet_setting(e)
    ]


# -- vendor records (stored as they came, normalized when read) ------------------------------------------
#
# The streams hand the collector :class:`~confkit.logs.stream.VendorRecord` objects: the event's id,
# stored time, category and action, computed without building the event, and the untouched activity
# (``raw``, the event's ``raw`` exactly as :func:`meet_event` / :func:`setting_event` give it). An
# activity can hold several ``events[]`` entries, each its own event: ``context`` is ``{"index": i}``
# for an entry other than the first (``None`` for the first), and the normalizer rebuilds that entry.

_TIME_DIGITS = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")
_valid_dates: dict[str, bool] = {}


def _fast_time(raw_time: Any) -> tuple[str | None, str | None]:
    """(stored time, the time the id hashes) of ``id.time`` as :func:`_identity` computes them, with a
    fast path for Google's ``2026-01-05T12:00:00.123Z`` form."""
    if raw_time.__class__ is str and len(raw_time) == 24 and _TIME_DIGITS.fullmatch(raw_time):
        day = raw_time[:10]
        valid = _valid_dates.get(day)
        if valid is None:
            try:
                datetime.strptime(day, "%Y-%m-%d")
                valid = True
            except ValueError:
                valid = False
            if len(_valid_dates) < 4096:
                _valid_dates[day] = valid
        if valid and raw_time[11:13] <= "23" and raw_time[14:16] <= "59" and raw_time[17:19] <= "59":
            stored = raw_time[:23] + "000Z"
            return stored, stored
    time = vendor_time(raw_time)
    return time, time or (raw_time if isinstance(raw_time, str) else None)


def _part(value: Any) -> str:
    return "" if value is None else value if value.__class__ is str else str(value)


def _records(
    activity: Mapping[str, Any], stream: str, keep: Any = None
) -> Iterator[tuple[int, dict[str, Any], str, str, str]]:
    """(index, entry, name, id, stored time) of the ``events[]`` entries of ``activity`` that ``keep``
    accepts (all when ``None``); ids exactly as :func:`_identity` / :func:`~confkit.logs.model.event_id`."""
    items = activity.get("events")
    if items.__class__ is not list:
        return
    ident = activity.get("id")
    if not isinstance(ident, dict):
        ident = {}
    time, key_time = _fast_time(ident.get("time"))
    c, a, t, u = (
        _part(ident.get("customerId")),
        _part(ident.get("applicationName")),
        _part(key_time),
        _part(ident.get("uniqueQualifier")),
    )
    prefix = f"6:google{len(stream)}:{stream}{len(c)}:{c}{len(a)}:{a}{len(t)}:{t}{len(u)}:{u}"
    stored = time or EPOCH_TIME
    for i, entry in enumerate(items):
        if not isinstance(entry, dict):
            continue
        if keep is not None and not keep(entry):
            continue
        name = str(entry.get("name") or "")
        index = str(i)
        text = f"{prefix}{len(index)}:{index}{len(name)}:{name}"
        yield i, entry, name, sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32], stored


def _context(index: int) -> dict[str, Any] | None:
    return None if index == 0 else {"index": index}


def meet_records(activity: dict[str, Any]) -> list[VendorRecord]:
    """:func:`meet_events` as :class:`~confkit.logs.stream.VendorRecord` objects (normalized when read)."""
    out: list[VendorRecord] = []
    for i, _, name, eid, time in _records(activity, "meet"):
        found = MEET_ACTIONS.get(name)
        category, action = found if found is not None else (_MEETING, f"meeting.{_slug(name) or 'event'}")
        out.append(VendorRecord(eid, time, str(category), action, activity, _context(i)))
    return out


class _IdKeys(TypedDict, total=False):
    time: Any
    customerId: Any
    applicationName: Any
    uniqueQualifier: Any


class _EntryKeys(TypedDict, total=False):
    name: Any


class _MeetKeys(TypedDict, total=False):
    """Every field of an activity :func:`meet_records` reads (``_records``): the rest is not decoded."""

    id: _IdKeys
    events: list[_EntryKeys]


#: Meet log pages read as each activity's JSON text and the fields its index needs (confkit.logs.raw).
MEET_SPLITTER = PageSplitter("items", _MeetKeys, ("nextPageToken",))


def meet_split_records(keys: dict[str, Any], raw: RawJSON | None) -> list[VendorRecord]:
    """:func:`meet_records` of an activity read by :data:`MEET_SPLITTER`: ids and indexed columns from
    ``keys``, the record stored as ``raw`` (its JSON text); ``raw`` ``None``: ``keys`` is the whole activity."""
    found = meet_records(keys)
    if raw is None:
        return found
    return [VendorRecord(r.id, r.time, r.category, r.action, raw, r.context) for r in found]


def setting_records(activity: dict[str, Any], name: str | None = None) -> list[VendorRecord]:
    """:func:`setting_events` as :class:`~confkit.logs.stream.VendorRecord` objects (normalized when read)."""

    def keep(entry: dict[str, Any]) -> bool:
        return (name is None or entry.get("name") == name) and is_meet_setting(entry)

    return [
        VendorRecord(
            eid,
            time,
            str(Category.SETTING_CHANGE),
            SETTING_ACTIONS.get(entry_name, f"setting.{_slug(entry_name) or 'change'}"),
            activity,
            _context(i),
        )
        for i, _, entry_name, eid, time in _records(activity, "admin", keep)
    ]


def _entry(raw: dict[str, Any], context: dict[str, Any] | None) -> tuple[int, dict[str, Any]]:
    index = int((context or {}).get("index", 0))
    return index, raw["events"][index]


def _normal_meet(raw: dict[str, Any], context: dict[str, Any] | None, tenant: str, time: str) -> dict[str, Any]:
    index, entry = _entry(raw, context)
    return meet_event(raw, index, entry, tenant)


def _normal_setting(raw: dict[str, Any], context: dict[str, Any] | None, tenant: str, time: str) -> dict[str, Any]:
    index, entry = _entry(raw, context)
    return setting_event(raw, index, entry, tenant)


#: How stored vendor records of each stream become events (``confkit.logs.stream.normalizer``).
NORMALIZERS: Mapping[str, Normalizer] = MappingProxyType({"meet": _normal_meet, "admin": _normal_setting})


# -- redaction of Google's records ----------------------------------------------------------------------


def redact_activity(activity: Any, redactor: Redactor) -> Any:
    """A copy of a Reports activity with personal data redacted: ``actor.email``, ``ipAddress`` and the
    parameters :data:`PARAMETER_PII` names (``identifier`` by its ``identifier_type``); e-mail and IP
    addresses inside any other parameter's text too."""
    if not isinstance(activity, dict):
        return redactor.text(activity) if isinstance(activity, str) else activity
    out = dict(activity)
    actor = out.get("actor")
    if isinstance(actor, dict):
        actor = dict(actor)
        if isinstance(actor.get("email"), str):
            actor["email"] = redactor.email(actor["email"])
        out["actor"] = actor
    if isinstance(out.get("ipAddress"), str):
        out["ipAddress"] = redactor.ip(out["ipAddress"])
    events = out.get("events")
    if isinstance(events, list):
        out["events"] = [_redact_event(e, redactor) if isinstance(e, dict) else e for e in events]
    return out


def _redact_event(event: dict[str, Any], redactor: Redactor) -> dict[str, Any]:
    out = dict(event)
    for key in ("parameters", "sensitiveParameters"):
        if isinstance(out.get(key), list):
            params = parameters(out[key])
            identifier_kind = {"email_address": "email", "phone_number": "name"}.get(
                str(params.get("identifier_type")), "text"
            )
            out[key] = [_redact_param(p, redactor, identifier_kind) for p in out[key]]
    return out


def _redact_param(param: Any, redactor: Redactor, identifier_kind: str) -> Any:
    if not isinstance(param, dict):
        return param
    name = param.get("name")
    kind = identifier_kind if name == "identifier" else PARAMETER_PII.get(str(name), "text")
    out = dict(param)
    if isinstance(out.get("value"), str):
        out["value"] = redactor.apply(kind, out["value"])
    if isinstance(out.get("multiValue"), list):
        out["multiValue"] = [redactor.apply(kind, v) if isinstance(v, str) else v for v in out["multiValue"]]
    message = out.get("messageValue")
    if isinstance(message, dict) and isinstance(message.get("parameter"), list):
        out["messageValue"] = {
            **message,
            "parameter": [_redact_param(p, redactor, "text") for p in message["parameter"]],
        }
    if isinstance(out.get("multiMessageValue"), list):
        out["multiMessageValue"] = [
            {**m, "parameter": [_redact_param(p, redactor, "text") for p in m["parameter"]]}
            if isinstance(m, dict) and isinstance(m.get("parameter"), list)
            else m
            for m in out["multiMessageValue"]
        ]
    return out


#: How each stream's stored records are redacted (collection: ``GoogleStream.redact_raw``; export-time
#: ``--redact``: :func:`confkit.logs.stream.raw_redaction`): by parameter name, see :func:`redact_activity`.
RAW_REDACTORS: Mapping[str, RawRedactor] = MappingProxyType({"meet": redact_activity, "admin": redact_activity})


# -- cursors ---------------------------------------------------------------------------------------------


def encode_cursor(start: str, end: str, token: str | None, series: str | None = None) -> str:
    """Where to resume: the exact ``startTime``/``endTime`` the token belongs to, the token, the series."""
    return json.dumps({"start": start, "end": end, "token": token, "series": series}, separators=(",", ":"))


def decode_cursor(cursor: str) -> tuple[str, str, str | None, str | None]:
    try:
        data = json.loads(cursor)
        start, end, token, series = data["start"], data["end"], data.get("token"), data.get("series")
    except (ValueError, KeyError, TypeError):
        raise CursorExpiredError("the saved Google cursor is unreadable", provider=PROVIDER) from None
    if not isinstance(start, str) or not isinstance(end, str):
        raise CursorExpiredError("the saved Google cursor is unreadable", provider=PROVIDER)
    return start, end, token if isinstance(token, str) else None, series if isinstance(series, str) else None


def tenant_of(provider: GoogleProvider) -> str:
    """The checkpoint tenant: the configured customer id, or (for ``my_customer``) the admin's domain."""
    customer = provider.settings.customer_id
    if customer and customer != "my_customer":
        return customer
    return provider.settings.admin_email.rpartition("@")[2].lower()


# -- streams ---------------------------------------------------------------------------------------------


class GoogleStream(BaseLogStream):
    """A Reports API application read in windows, page by page (``pageToken``) through the adapter."""

    provider = PROVIDER
    align = timedelta(hours=1)
    overlap = OVERLAP
    retention = RETENTION
    application = ""
    #: ``maxResults`` per request (Google allows 1 to 1000).
    page_size = PAGE_SIZE

    def __init__(self, google: GoogleProvider) -> None:
        self.google = google
        self.tenant = tenant_of(google)

    def earliest(self, now: datetime) -> datetime:
        return align_up(now - RETENTION + RETENTION_MARGIN, self.align)

    def redact_raw(self, raw: Any, redactor: Redactor) -> Any:
        return RAW_REDACTORS[self.name](raw, redactor)

    def _bounds(self, window: Window) -> tuple[str, str] | None:
        """``startTime``/``endTime`` of a fresh read of ``window`` (``None``: nothing to read yet)."""
        now = self.google.clock.now().astimezone(UTC).replace(microsecond=0)
        start = max(window.start, now - RETENTION + RETENTION_MARGIN)
        end = min(window.end, now)
        if start >= end:
            return None
        return _rfc3339(start), _rfc3339(end)

    def _resume(self, cursor: str) -> tuple[str, str, str | None, str | None]:
        """The saved query of a window being resumed; one whose start Google no longer serves (a window
        resumed days later) is read again from inside the 180 days."""
        start, end, token, series = decode_cursor(cursor)
        now = self.google.clock.now().astimezone(UTC)
        if _parse(start) < now - RETENTION + RETENTION_MARGIN / 2:
            raise CursorExpiredError(
                f"the saved {self.application} query starts at {start}, which Google no longer serves",
                provider=PROVIDER,
            )
        return start, end, token, series

    def _series(
        self, start: str, end: str, token: str | None, event_name: str | None = None,
        splitter: PageSplitter | None = None,
    ) -> Iterator[tuple[Any, str | None]]:
        """(activities, next token) per page of one ``activities.list`` series, from ``token``; with
        ``splitter``, each activity as ``(keys, its JSON text)`` (:meth:`GoogleProvider.iter_split_activity_pages`)."""
        sent = token
        pages: Iterator[tuple[Any, str | None]]
        if splitter is not None:
            pages = self.google.iter_split_activity_pages(
                self.application, splitter, start_time=_parse(start), end_time=_parse(end), event_name=event_name,
                page_size=min(self.page_size or PAGE_SIZE, PAGE_SIZE), page_token=token,
            )  # fmt: skip
        else:
            pages = activity_pages(
                self.google,
                self.application,
                start_time=_parse(start),
                end_time=_parse(end),
                event_name=event_name,
                page_size=self.page_size,
                page_token=token,
            )
        while True:
            try:
                page = next(pages)
            except StopIteration:
                return
            except InvalidRequestError as exc:
                if sent is None:
                    raise
                raise CursorExpiredError(
                    f"Google refused the page token of {self.application} activities ({exc.message})",
                    provider=PROVIDER,
                    status=exc.status,
                    vendor_code=exc.vendor_code,
                ) from exc
            sent = page[1]
            yield page


def activity_pages(
    google: GoogleProvider,
    application: str,
    *,
    start_time: datetime | None = None,
    end_time: datetime | None = None,
    event_name: str | None = None,
    page_size: int | None = None,
    page_token: str | None = None,
) -> Iterator[tuple[list[dict[str, Any]], str | None]]:
    """Reports ``activities.list`` of ``application`` for all users as the admin, page by page from
    ``page_token``: (the activities as Google sent them, ``nextPageToken``). Each request counts against
    the bucket its query calls for (``reports`` unfiltered, ``reports_filtered`` with ``eventName``):
    :meth:`GoogleProvider.iter_activity_pages`, whose ``_execute`` reads the query string."""
    pages = google.iter_activity_pages(
        application,
        start_time=start_time,
        end_time=end_time,
        event_name=event_name,
        page_size=min(page_size or PAGE_SIZE, PAGE_SIZE),
        page_token=page_token,
    )
    for page in pages:
        yield page.items, page.next_cursor


class MeetStream(GoogleStream):
    name = "meet"
    description = "the Meet audit log (Reports API, application meet, every event)"
    categories: tuple[Category, ...] = (
        Category.PARTICIPANT,
        Category.MEETING_LIFECYCLE,
        Category.ABUSE_REPORT,
        Category.RECORDING,
    )
    application = "meet"
    max_span = timedelta(days=1)
    #: One-day windows are mostly one request each: two read at once, so a run is not one round trip
    #: per day of the 180 (the ``reports`` bucket keeps them within Google's 2,400 queries a minute).
    #: A page of 1,000 activities is ~6 MB of Python objects: more lanes cost memory (3: +20 MB of
    #: peak RSS in the benchmark) and gained nothing measurable there.
    window_readers = 2

    def pages(self, window: Window, resume: Resume) -> Iterator[LogPage]:
        if resume.cursor is not None:
            start, end, token, _ = self._resume(resume.cursor)
        else:
            bounds = self._bounds(window)
            if bounds is None:
                yield LogPage([], None)
                return
            (start, end), token = bounds, None
        for items, nxt in self._series(start, end, token, splitter=MEET_SPLITTER):
            records = [r for keys, raw in items for r in meet_split_records(keys, raw)]
            yield LogPage((), encode_cursor(start, end, nxt) if nxt else None, records=records)


class AdminSettingStream(GoogleStream):
    """Meet setting changes in the Admin console: one ``eventName`` series per setting event, each a unit
    (``event:<name>``) once read in full, so a resumed window skips the series it finished."""

    name = "admin"
    description = "Meet setting changes in the Admin console (Reports API, application admin)"
    categories: tuple[Category, ...] = (Category.SETTING_CHANGE,)
    application = "admin"
    max_span = timedelta(days=30)
    series: Sequence[str] = SETTING_EVENTS

    def pages(self, window: Window, resume: Resume) -> Iterator[LogPage]:
        current: str | None = None
        token: str | None = None
        if resume.cursor is not None:
            start, end, token, current = self._resume(resume.cursor)
        else:
            bounds = self._bounds(window)
            if bounds is None:
                yield LogPage([], None)
                return
            start, end = bounds
        todo = [n for n in self.series if not resume.done(f"event:{n}")]
        if current in todo:
            todo = todo[todo.index(current) :]
        else:
            token = None
        if not todo:
            yield LogPage([], None)
            return
        for position, name in enumerate(todo):
            following = todo[position + 1] if position + 1 < len(todo) else None
            for items, nxt in self._series(start, end, token if name == current else None, name):
                records = [r for activity in items for r in setting_records(activity, name)]
                if nxt is not None:
                    yield LogPage((), encode_cursor(start, end, nxt, name), records=records)
                elif following is not None:
                    yield LogPage(
                        (), encode_cursor(start, end, None, following), completes=[f"event:{name}"], records=records
                    )
                else:
                    yield LogPage((), None, completes=[f"event:{name}"], records=records)


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def log_streams(provider: GoogleProvider) -> list[LogStream]:
    """The Workspace's log streams (``Provider.log_streams()`` finds this function)."""
    return [MeetStream(provider), AdminSettingStream(provider)]


__all__ = [
    "MEET_ACTIONS",
    "NORMALIZERS",
    "OVERLAP",
    "PARAMETER_PII",
    "PII_KEYS",
    "RAW_REDACTORS",
    "SETTING_EVENTS",
    "AdminSettingStream",
    "GoogleStream",
    "MeetStream",
    "activity_pages",
    "decode_cursor",
    "encode_cursor",
    "int64",
    "is_meet_setting",
    "log_streams",
    "meet_actor",
    "meet_event",
    "meet_events",
    "meet_records",
    "meeting_code",
    "parameter_value",
    "parameters",
    "redact_activity",
    "setting_event",
    "setting_events",
    "setting_records",
    "tenant_of",
]
