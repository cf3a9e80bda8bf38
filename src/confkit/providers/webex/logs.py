"""Webex audit logs as confkit log streams: admin audit events, security audit events, participants.

Endpoints (Cisco's OpenAPI files ``webex-admin.json`` and ``webex-meeting.json``, ``notes/webex.md``
§4.2-4.3 and §5):

* ``admin_audit``: ``GET /adminAudit/events?orgId&from&to&max`` (``max`` at most 200; "a maximum of
  one year of audit events can be returned per request"). Items ``{id, actorId, actorOrgId, created,
  data{actorName, actorEmail, actorIp, actorUserAgent, adminRoles, eventCategory, eventDescription,
  actionText, targetType, targetId, targetName, targetOrgId, targetOrgName, trackingId, errorCode,
  errorMessage}}``; ``eventCategory`` and ``targetType`` come prefixed (``EventCategory.LOGINS``,
  ``TargetResourceType.ORG``).
* ``security_audit``: ``GET /admin/securityAudit/events?orgId&startTime&endTime&max`` (``max`` at most
  1000, one year per request): users' sign-ins and sign-outs, bare ``eventCategory`` (``LOGINS``).
  Only for orgs with Pro Pack and Control Hub's "Allow user authentication data"; a 403 or 404 fails
  this stream alone with :class:`SecurityAuditUnavailableError`, and nothing is marked collected.
* ``participants``: the org's ended meeting instances of each day (``GET /meetings?meetingType=meeting
  &state=ended&from&to``, as a full admin: the whole org's), then each instance's
  ``GET /meetingParticipants?meetingId&joinTimeFrom&joinTimeTo`` (``max`` 100), ``readers`` (4)
  instances at a time, handed on in listing order. One event per participant record: joined at
  ``joinedTime``, left at ``leftTime``.

Every list pages with ``Link: <...>; rel="next"``; the stream follows the links (repaired like the
adapter's, :func:`~confkit.providers.webex.paging.repair_next_url`) and a window's cursor is the next
link, which does not expire. The admin and security audit ``from``/``startTime`` ("after") and
``to``/``endTime`` ("before") may be exclusive, so each request starts one millisecond before its
window: an event exactly on a window edge is read twice rather than never, and deduplicated.

Stable ids come from Webex's own identifiers: the audit events' ``id``; a participant's ``id`` with its
instance and ``joinedTime``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import queue
import re
import threading
import weakref
from collections import deque
from collections.abc import Callable, Generator, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import httpx
import orjson

from confkit.errors import (
    ConfigurationError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    TransportError,
    UnavailableError,
)
from confkit.logs.model import Category, Outcome, format_time, new_event, parse_time, vendor_time
from confkit.logs.stream import (
    EMAIL_RE,
    BaseLogStream,
    CursorExpiredError,
    LogPage,
    LogStream,
    Normalizer,
    RawRedactor,
    Resume,
    Skipped,
    StreamUnavailableError,
    VendorRecord,
    Window,
    redact_by_keys,
)
from confkit.providers.webex.limits import DEFAULT, PEOPLE
from confkit.providers.webex.paging import next_link, repair_next_url

if TYPE_CHECKING:
    from confkit.logs.redact import Redactor
    from confkit.providers.webex.provider import WebexProvider

log = logging.getLogger("confkit.logs")

PROVIDER = "webex"
ADMIN_AUDIT_MAX = 200
SECURITY_AUDIT_MAX = 1000
MEETINGS_MAX = 100
PARTICIPANTS_MAX = 100
#: Webex serves audit events one year back (the Splunk add-on's limit; Cisco states 12 months for security
#: audit events); confkit reads a little less so the first window is accepted.
RETENTION = timedelta(days=365)
#: "A maximum of one year of audit events can be returned per request": windows of 364 days (plus the
#: millisecond of EDGE).
AUDIT_WINDOW = timedelta(days=364)
#: Each audit request starts this much before its window (``from``/``startTime`` may be exclusive).
EDGE = timedelta(milliseconds=1)
#: ``meetingType=meeting`` lists at most 10,000 instances per listing, "even if pagination is enabled".
INSTANCE_LIST_CAP = 10_000
#: A range of instances that hit the cap is halved, down to this span.
MIN_SPLIT = timedelta(minutes=15)
#: Participants' join window sent around an instance (``joinTimeFrom``/``joinTimeTo``: at most 90 days).
JOIN_MARGIN = timedelta(days=1)
#: Events per committed page of the participants stream (small meetings are committed together).
PAGE_EVENTS = 300
#: Instances whose participants the participants stream reads at the same time (``ParticipantStream.readers``).
PARTICIPANT_READERS = 4
#: The smallest ``max`` a list that times out (504) is asked again with (halving from the stream's own).
MIN_PAGE_MAX = 50
#: Participant pages of one instance read ahead of the collector, per instance being read.
PAGES_AHEAD = 4
#: ``joinedTime``/``leftTime`` of ``1970-01-01T00:00:00.000Z`` (or none) means "not known yet".
UNKNOWN_TIME_PREFIX = "1970-01-01"
EPOCH_TIME = "1970-01-01T00:00:00.000000Z"
#: Webmail domains: one member of the org using one does not make everyone using it internal.
SHARED_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com", "yahoo.com",
    "icloud.com", "me.com", "aol.com", "proton.me", "protonmail.com", "gmx.com", "mail.com",
})  # fmt: skip
_LOOKUP_CACHE = 10_000
#: Tries of the org lookup (``GET /people/me``) on transient failures, each after HttpCore's own retries.
ORG_LOOKUP_ATTEMPTS = 6

#: Personal data in each stream's Webex records, by key (for ``--redact``).
PII_KEYS: Mapping[str, Mapping[str, str]] = MappingProxyType({
    "admin_audit": MappingProxyType({"actorEmail": "email", "actorIp": "ip", "actorName": "name", "targetName": "name",
                                     "actionText": "text", "errorMessage": "text"}),
    "security_audit": MappingProxyType({"actorEmail": "email", "actorIp": "ip", "actorName": "name",
                                        "actionText": "text"}),
    "participants": MappingProxyType({"email": "email", "hostEmail": "email", "displayName": "name"}),
})  # fmt: skip


class SecurityAuditUnavailableError(StreamUnavailableError, PermissionDeniedError):
    """The org has no security audit events (no Pro Pack, the Control Hub toggle off, or no scope).

    A :class:`~confkit.logs.stream.StreamUnavailableError`: the collector marks the stream ``unavailable``
    (nothing collected, the run still succeeds); still a :class:`~confkit.errors.PermissionDeniedError`
    for callers that catch the 403 it comes from."""


def _ms(moment: datetime) -> str:
    """``2026-01-05T12:00:00.000Z``: the form of the spec's examples for audit times."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _seconds(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def _bare(value: object, prefix: str) -> str:
    """``EventCategory.LOGINS`` -> ``LOGINS`` (the response's enum strings carry their type's name)."""
    text = str(value or "").strip()
    if text.startswith(prefix):
        return text[len(prefix) :]
    head, dot, tail = text.partition(".")
    return tail if dot and head and head[:1].isupper() and " " not in head else text


def _domain(email: str | None) -> str | None:
    if not email or "@" not in email:
        return None
    return email.rpartition("@")[2].strip().lower() or None


# -- actionText: structured setting changes ------------------------------------------------------------

_CLAUSES = re.compile(r";\s*")
_CHANGED = re.compile(
    r"^(?:(?P<head>[^:]*?):\s+)?(?P<field>[^:]+?)\s+(?:was\s+)?(?:changed|updated|set)\s+from\s+"
    r"(?P<from>.*?)\s+to\s+(?P<to>.*?)\.?$",
    re.IGNORECASE | re.DOTALL,
)
_FROM_TO = re.compile(r"^(?:(?P<head>[^:]*?):\s+)?(?P<field>[^:]+?):\s+from\s+(?P<from>.*?)\s+to\s+(?P<to>.*?)\.?$",
                      re.IGNORECASE | re.DOTALL)  # fmt: skip


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def parse_changes(action_text: str | None) -> list[dict[str, Any]]:
    """Setting changes written out in an ``actionText``, as ``{section, field, from, to}``.

    Cisco does not publish the wording of setting-change ``actionText``; confkit reads clauses of the
    forms ``FIELD changed from X to Y`` (also ``was changed``, ``updated``, ``set``) and ``FIELD: from X
    to Y``, each optionally after a ``...:`` lead-in and separated by ``;``. Anything else gives no
    change and stays in the event's ``detail``.
    """
    changes: list[dict[str, Any]] = []
    for clause in _CLAUSES.split((action_text or "").strip()):
        found = _CHANGED.match(clause.strip()) or _FROM_TO.match(clause.strip())
        if found is None:
            continue
        changes.append({
            "section": None,
            "field": found.group("field").strip(),
            "from": _unquote(found.group("from")),
            "to": _unquote(found.group("to")),
        })  # fmt: skip
    return changes


# -- mappers (pure functions: Webex record -> normalized event dict) ------------------------------------

_VERBS = (
    ("deactivate", ("deactivated", "deactivate", "disabled", "disable", "suspended")),
    ("activate", ("reactivated", "activated", "activate", "enabled", "enable")),
    ("create", ("created", "create", "added", "add", "invited")),
    ("delete", ("deleted", "delete", "removed", "remove")),
    ("update", ("updated", "update", "changed", "change", "modified", "edited", "assigned", "unassigned")),
)
#: ``targetType`` (bare) -> confkit's target type.
TARGET_TYPES = {"ORG": "account", "ORGANIZATION": "account", "USER": "user", "PERSON": "user", "PEOPLE": "user",
                "SITE": "site", "GROUP": "group", "ROLE": "role", "LICENSE": "license"}  # fmt: skip


def _verb(text: str) -> str:
    words = set(re.findall(r"[a-z]+", text.lower()))
    for verb, forms in _VERBS:
        if words & set(forms):
            return verb
    return "other"


def classify_admin(
    category: str, target_type: str, description: str, action_text: str, changes: list[dict[str, Any]]
) -> tuple[Category, str]:
    """(category, neutral action) of an admin audit event from its bare ``eventCategory``, bare
    ``targetType``, ``eventDescription``, ``actionText`` and the changes read from it.

    Only ``LOGINS`` and ``LOGOUT`` are documented category names (``GET /adminAudit/eventCategories``
    lists an org's); the rest is read from words in the category (``ROLE``, ``USER``, ``SETTING`` ...)
    and the description. What is not recognised is ``other``, never dropped.
    """
    cat = category.upper()
    if cat in ("LOGINS", "LOGIN"):
        return Category.AUTHENTICATION, "sign_in"
    if cat in ("LOGOUT", "LOGOUTS"):
        return Category.AUTHENTICATION, "sign_out"
    verb = _verb(description or action_text)
    if "ROLE" in cat or re.search(r"\broles?\b", description.lower()):
        return Category.ROLE_CHANGE, "role.change" if changes else f"role.{verb}"
    if changes:
        return Category.SETTING_CHANGE, "setting.update"
    if TARGET_TYPES.get(target_type.upper()) == "user" or any(k in cat for k in ("USER", "PEOPLE", "PERSON")):
        return Category.USER_CHANGE, f"user.{verb}"
    if any(k in cat for k in ("SETTING", "CONFIG", "POLIC")):
        return Category.SETTING_CHANGE, "setting.update"
    return Category.OTHER, f"{_slug(cat) or 'admin'}.{verb}"


def _actor(record: Mapping[str, Any], data: Mapping[str, Any], tenant: str) -> dict[str, Any]:
    org = record.get("actorOrgId") or None
    return {
        "id": record.get("actorId") or None,
        "email": data.get("actorEmail") or None,
        "name": data.get("actorName") or None,
        "ip": data.get("actorIp") or None,
        "client": data.get("actorUserAgent") or None,
        "client_version": None,
        "external": org is not None and org != tenant,  # e.g. a partner's admin
        "anonymous": False,
    }


_EMPTY: Mapping[str, Any] = MappingProxyType({})


def _data(record: Mapping[str, Any]) -> Mapping[str, Any]:
    data = record.get("data")
    return data if isinstance(data, Mapping) else _EMPTY


# The streams hand over VendorRecords (id, time, category, action), normalized when read by the mappers
# below (NORMALIZERS): the key functions are shared by both, so the two cannot disagree, and they cost
# one f-string and one sha256 per id (the value of event_id for the same parts: the tests compare).

_sha256 = hashlib.sha256
_AUTHENTICATION = str(Category.AUTHENTICATION)
_PARTICIPANT = str(Category.PARTICIPANT)
_LOGIN_CATEGORIES = frozenset({"LOGINS", "LOGIN"})
_LOGOUT_CATEGORIES = frozenset({"LOGOUT", "LOGOUTS"})


def _part(value: object) -> str:
    """A part of an event id as :func:`~confkit.logs.model.event_id` reads it."""
    return value if value.__class__ is str else "" if value is None else str(value)


def _digest(text: str) -> str:
    return _sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _audit_id(prefix: str, value: object) -> str:
    """``event_id(PROVIDER, stream, value)`` with ``prefix`` its provider and stream parts."""
    v = _part(value)
    return _digest(f"{prefix}{len(v)}:{v}")


_ADMIN_PREFIX = f"{len(PROVIDER)}:{PROVIDER}11:admin_audit"
_SECURITY_PREFIX = f"{len(PROVIDER)}:{PROVIDER}14:security_audit"
_PARTICIPANT_PREFIX = f"{len(PROVIDER)}:{PROVIDER}12:participants"


def _vtime(value: object) -> str | None:
    """:func:`~confkit.logs.model.vendor_time`, with a fast path for the audit form ``...:36.845Z``."""
    if (
        value.__class__ is str
        and len(value) == 24
        and value[23] == "Z"
        and value[19] == "."
        and value[0] in "12"
        and value[4] == "-"
        and value[7] == "-"
        and value[10] == "T"
        and value[13] == ":"
        and value[16] == ":"
        and value[20:23].isdigit()
    ):
        try:
            datetime.fromisoformat(value[:19])  # validates the date and the time of day
        except ValueError:
            return None
        return value[:23] + "000Z"
    return vendor_time(value)


def _changes(action_text: str) -> list[dict[str, Any]]:
    """:func:`parse_changes`, skipping the regular expressions for text that cannot hold a change."""
    return parse_changes(action_text) if "from" in action_text.lower() else []


def _admin_class(data: Mapping[str, Any], changes: list[dict[str, Any]] | None = None) -> tuple[Category, str]:
    """(category, action) of an admin audit event (``changes``: those of its ``actionText``, if known)."""
    category = _bare(data.get("eventCategory"), "EventCategory.")
    cat = category.upper()
    if cat in _LOGIN_CATEGORIES:  # most events: nothing else to read
        return Category.AUTHENTICATION, "sign_in"
    if cat in _LOGOUT_CATEGORIES:
        return Category.AUTHENTICATION, "sign_out"
    action_text = str(data.get("actionText") or "")
    if changes is None:
        changes = _changes(action_text)
    target_type = _bare(data.get("targetType"), "TargetResourceType.")
    description = str(data.get("eventDescription") or "")
    return classify_admin(category, target_type, description, action_text, changes)


def admin_audit_event(record: Mapping[str, Any], tenant: str, fallback_time: str | None = None) -> dict[str, Any]:
    """One ``GET /adminAudit/events`` item. Identity: the item's ``id``."""
    data = _data(record)
    category = _bare(data.get("eventCategory"), "EventCategory.")
    target_type = _bare(data.get("targetType"), "TargetResourceType.")
    description = str(data.get("eventDescription") or "")
    action_text = str(data.get("actionText") or "")
    changes = _changes(action_text)
    kind, action = _admin_class(data, changes)
    target: dict[str, Any] | None = None
    if target_type or data.get("targetId") or data.get("targetName"):
        ttype = TARGET_TYPES.get(target_type.upper(), _slug(target_type) or "other")
        email = None
        if ttype == "user":
            actor_email = str(data.get("actorEmail") or "").lower()
            found = [m for m in EMAIL_RE.findall(f"{data.get('targetName') or ''} {action_text}")
                     if m.lower() != actor_email]  # fmt: skip
            email = found[0] if found else None
        target = {"type": ttype, "id": data.get("targetId") or None, "name": data.get("targetName") or None,
                  "email": email}  # fmt: skip
    if kind is Category.ROLE_CHANGE:
        changes = [{**c, "field": "role"} for c in changes]
    failed = bool(data.get("errorCode") or data.get("errorMessage"))
    detail = action_text or description or None
    if data.get("errorMessage"):
        detail = f"{detail} ({data['errorMessage']})" if detail else str(data["errorMessage"])
    return new_event(
        id=_audit_id(_ADMIN_PREFIX, record.get("id")),
        time=_vtime(record.get("created")) or fallback_time or EPOCH_TIME,
        provider=PROVIDER,
        tenant=tenant,
        stream="admin_audit",
        category=kind,
        action=action,
        outcome=Outcome.FAILURE if failed else Outcome.SUCCESS,
        vendor_action=description or None,
        vendor_category=category or None,
        actor=_actor(record, data, tenant),
        target=target,
        changes=changes,
        detail=detail,
        raw=dict(record),
    )


def admin_audit_record(record: Mapping[str, Any], tenant: str, fallback_time: str | None = None) -> VendorRecord:
    """:func:`admin_audit_event` as a :class:`~confkit.logs.stream.VendorRecord` (normalized when read)."""
    kind, action = _admin_class(_data(record))
    return VendorRecord(
        _audit_id(_ADMIN_PREFIX, record.get("id")),
        _vtime(record.get("created")) or fallback_time or EPOCH_TIME,
        str(kind),
        action,
        record if record.__class__ is dict else dict(record),
    )


def _security_class(data: Mapping[str, Any]) -> tuple[str, str]:
    """(action, bare eventCategory) of a security audit event."""
    category = _bare(data.get("eventCategory"), "EventCategory.")
    cat = category.upper()
    if cat in _LOGIN_CATEGORIES:
        return "sign_in", category
    if cat in _LOGOUT_CATEGORIES:
        return "sign_out", category
    return _slug(category) or "unknown", category


def security_audit_event(record: Mapping[str, Any], tenant: str, fallback_time: str | None = None) -> dict[str, Any]:
    """One ``GET /admin/securityAudit/events`` item (a user's sign-in or sign-out). Identity: its ``id``."""
    data = _data(record)
    action, category = _security_class(data)
    description = str(data.get("eventDescription") or "")
    failed = "fail" in f"{category.upper()} {description}".lower()
    return new_event(
        id=_audit_id(_SECURITY_PREFIX, record.get("id")),
        time=_vtime(record.get("created")) or fallback_time or EPOCH_TIME,
        provider=PROVIDER,
        tenant=tenant,
        stream="security_audit",
        category=Category.AUTHENTICATION,
        action=action,
        outcome=Outcome.FAILURE if failed else Outcome.SUCCESS,
        vendor_action=description or None,
        vendor_category=category or None,
        actor=_actor(record, data, tenant),
        detail=str(data.get("actionText") or "") or None,
        raw=dict(record),
    )


def security_audit_record(record: Mapping[str, Any], tenant: str, fallback_time: str | None = None) -> VendorRecord:
    """:func:`security_audit_event` as a :class:`~confkit.logs.stream.VendorRecord` (normalized when read)."""
    action, _ = _security_class(_data(record))
    return VendorRecord(
        _audit_id(_SECURITY_PREFIX, record.get("id")),
        _vtime(record.get("created")) or fallback_time or EPOCH_TIME,
        _AUTHENTICATION,
        action,
        record if record.__class__ is dict else dict(record),
    )


def meeting_context(item: Mapping[str, Any]) -> dict[str, Any]:
    """The ``MeetingRef`` of one ended instance of ``GET /meetings?meetingType=meeting``."""
    return {
        "id": item.get("meetingSeriesId") or item.get("id") or None,
        "instance": item.get("id") or None,
        "code": str(item["meetingNumber"]) if item.get("meetingNumber") else None,
        "topic": item.get("title") or None,
        "host_id": item.get("hostUserId") or None,
        "host_email": item.get("hostEmail") or None,
        "start": vendor_time(item.get("start")),
        "end": vendor_time(item.get("end")),
    }


def _known(value: object) -> str | None:
    """A participant time, or ``None`` when absent or Webex's "not known yet" (1970-01-01)."""
    if not isinstance(value, str) or not value or value.startswith(UNKNOWN_TIME_PREFIX):
        return None
    return _vtime(value)


def _participant_id(record: Mapping[str, Any], meeting: Mapping[str, Any]) -> str:
    """``event_id(PROVIDER, "participants", instance, id, joinedTime, email, displayName)`` (the last two
    only without an ``id``)."""
    get = record.get
    pid = get("id") or None
    m = _part(meeting.get("instance") or get("meetingId"))
    p = _part(pid)
    j = _part(get("joinedTime"))
    e = "" if pid else _part(get("email") or None)
    n = "" if pid else _part(get("displayName"))
    return _digest(f"{_PARTICIPANT_PREFIX}{len(m)}:{m}{len(p)}:{p}{len(j)}:{j}{len(e)}:{e}{len(n)}:{n}")


def participant_event(
    record: Mapping[str, Any], tenant: str, meeting: Mapping[str, Any], *, external: bool | None = None
) -> dict[str, Any]:
    """One ``GET /meetingParticipants`` item; ``meeting`` is the instance's ``MeetingRef``.

    Identity: the instance id, the participant's ``id`` and ``joinedTime`` (and, should ``id`` ever be
    missing, ``email`` and ``displayName``). ``time`` is the join (the instance's start while Webex does
    not know it yet). ``external`` is decided by the stream (the participant's e-mail is not the org's:
    ended meetings carry no ``orgId``); ``anonymous`` when there is no e-mail (a phone-only caller).
    """
    pid = record.get("id") or None
    email = record.get("email") or None
    joined, left = _known(record.get("joinedTime")), _known(record.get("leftTime"))
    state = record.get("state") or None
    duration = None
    if joined and left:
        duration = max(0, int((parse_time(left) - parse_time(joined)).total_seconds()))
    devices = record.get("devices")
    first_device = devices[0] if isinstance(devices, list) and devices and isinstance(devices[0], Mapping) else {}
    return new_event(
        id=_participant_id(record, meeting),
        time=joined or meeting.get("start") or EPOCH_TIME,
        provider=PROVIDER,
        tenant=tenant,
        stream="participants",
        category=Category.PARTICIPANT,
        action="participant.waiting_room" if state == "lobby" else "participant.session",
        outcome=Outcome.SUCCESS,
        vendor_action=state,
        actor={
            "id": None,
            "email": email,
            "name": record.get("displayName") or None,
            "ip": None,
            "client": first_device.get("deviceType") or None,
            "client_version": None,
            "external": external,
            "anonymous": True if email is None else None,
        },
        target={"type": "meeting", "id": meeting.get("id"), "name": meeting.get("topic"), "email": None},
        meeting=dict(meeting),
        session={"start": joined, "end": left, "duration_seconds": duration, "status": state, "participant_id": pid},
        raw=dict(record),
    )


def participant_record(
    record: Mapping[str, Any], tenant: str, meeting: Mapping[str, Any], *, external: bool | None = None
) -> VendorRecord:
    """:func:`participant_event` as a :class:`~confkit.logs.stream.VendorRecord` (normalized when read); its
    context is ``meeting`` with ``external`` (what the mapper needs besides the record)."""
    get = record.get
    time = _known(get("joinedTime")) or meeting.get("start") or EPOCH_TIME
    action = "participant.waiting_room" if get("state") == "lobby" else "participant.session"
    return VendorRecord(_participant_id(record, meeting), time, _PARTICIPANT, action,
                        record if record.__class__ is dict else dict(record),
                        {**meeting, "external": external})  # fmt: skip


def _normal_admin(raw: dict[str, Any], context: dict[str, Any] | None, tenant: str, time: str) -> dict[str, Any]:
    return admin_audit_event(raw, tenant, time)


def _normal_security(raw: dict[str, Any], context: dict[str, Any] | None, tenant: str, time: str) -> dict[str, Any]:
    return security_audit_event(raw, tenant, time)


def _normal_participant(raw: dict[str, Any], context: dict[str, Any] | None, tenant: str, time: str) -> dict[str, Any]:
    meeting = dict(context or {})
    external = meeting.pop("external", None)
    return participant_event(raw, tenant, meeting, external=external)


#: How stored vendor records of each stream become events (``confkit.logs.stream.normalizer``).
NORMALIZERS: Mapping[str, Normalizer] = MappingProxyType({
    "admin_audit": _normal_admin,
    "security_audit": _normal_security,
    "participants": _normal_participant,
})  # fmt: skip


# -- raw-record redaction: names inside the free text ---------------------------------------------------------

#: Free text of audit records that names the actor and the target ("Jane Doe logged into organization X").
TEXT_KEYS = ("actionText", "eventDescription", "errorMessage")
_MIN_NAME = 2


def _people_names(data: Mapping[str, Any]) -> list[str]:
    """The people an audit record names: its actor, and its target when that is a user (longest first)."""
    names = []
    actor = data.get("actorName")
    if isinstance(actor, str):
        names.append(actor.strip())
    target = data.get("targetName")
    target_type = _bare(data.get("targetType"), "TargetResourceType.").upper()
    if isinstance(target, str) and TARGET_TYPES.get(target_type) == "user":
        names.append(target.strip())
    found = {n for n in names if len(n) >= _MIN_NAME and not n.startswith("name-")}
    return sorted(found, key=lambda n: (-len(n), n))


def redact_names(text: str, names: list[str], redactor: Redactor) -> str:
    """``text`` with each of ``names`` (whole words, as written) replaced by its redacted form."""
    for name in names:
        if name in text:
            hashed = redactor.name(name)
            text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", hashed.replace("\\", "\\\\"), text)
    return text


def _audit_redactor(keys: Mapping[str, str]) -> RawRedactor:
    def redact(raw: Any, redactor: Redactor) -> Any:
        out = redact_by_keys(raw, keys, redactor)
        data = raw.get("data") if isinstance(raw, dict) else None
        if not isinstance(data, dict) or not isinstance(out.get("data"), dict):
            return out
        names = _people_names(data) if "name" in redactor.kinds else []
        redacted = out["data"]
        for key in TEXT_KEYS:
            value = data.get(key)
            if isinstance(value, str) and value:
                redacted[key] = redactor.text(redact_names(value, names, redactor))
        return out

    return redact


#: Raw-record redaction of the audit streams (``confkit.logs.stream.raw_redaction``, and each stream's
#: ``redact_raw``): the keys of :data:`PII_KEYS`, plus the actor's and a user target's names, e-mail and IP
#: addresses inside ``actionText``, ``eventDescription`` and ``errorMessage``.
RAW_REDACTORS: Mapping[str, RawRedactor] = MappingProxyType({
    "admin_audit": _audit_redactor(PII_KEYS["admin_audit"]),
    "security_audit": _audit_redactor(PII_KEYS["security_audit"]),
})  # fmt: skip


# -- HTTP -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListPage:
    """One page of a Webex list: its items, the (repaired) next link, and the URL that was read."""

    items: list[dict[str, Any]]
    next_url: str | None
    url: str


class WebexLogClient:
    """The log streams' access to one Webex org: Link-paged GETs, the org id, who is internal."""

    def __init__(self, provider: WebexProvider) -> None:
        self.provider = provider
        self.http = provider.http
        self.settings = provider.settings
        self._lock = threading.Lock()
        #: the ``max`` a list was reduced to after timing out (504), used for its later windows too
        self._reduced: dict[str, int] = {}
        self._org: str | None = None
        self._internal: set[str] = set()  # e-mail domains of the org's people
        self._looked_up: dict[str, bool] = {}  # e-mail -> external, for addresses of other domains

    def org_id(self) -> str:
        """The org the streams read (``orgId`` of the audit endpoints, and the tenant of the events):
        ``target_org_id`` when configured, else the org of the token's person (``GET /people/me``)."""
        with self._lock:
            if self._org is not None:
                return self._org
        me: Any = None
        for attempt in range(1, ORG_LOOKUP_ATTEMPTS + 1):
            try:
                me = self.http.json("GET", "/people/me", bucket=PEOPLE)
                break
            except NotFoundError:  # a service app's machine account is not a person
                break
            except (RateLimitedError, UnavailableError, TransportError) as exc:
                # Outlived HttpCore's own retries; the streams cannot even be named without the org.
                if attempt == ORG_LOOKUP_ATTEMPTS or (isinstance(exc, RateLimitedError) and exc.scope == "daily"):
                    raise
                delay = min(60.0, 2.0 ** (attempt - 1))
                retry_at = getattr(exc, "retry_at", None)
                if retry_at is not None:
                    delay = max(delay, (retry_at - self.provider.clock.now()).total_seconds())
                self.provider.clock.sleep(delay)
        org = self.settings.target_org_id or (me or {}).get("orgId")
        if not isinstance(org, str) or not org:
            raise ConfigurationError(
                "webex: cannot tell which organization to read audit logs of; set target_org_id in [webex]"
            )
        emails = (me or {}).get("emails") or []
        with self._lock:
            self._org = org
            self._internal.update(d for d in map(_domain, emails) if d and d not in SHARED_DOMAINS)
        return org

    def page(self, path: str, params: Mapping[str, Any], cursor: str | None) -> ListPage:
        """The page at ``cursor`` (a next link), or the first page of ``path`` with ``params``.

        A 504 that outlives HttpCore's retries is asked again with half the ``max`` (down to
        ``MIN_PAGE_MAX``): Webex's description of every list says "If your query uses max parameter,
        please try to reduce it"; a year of a big district's sign-ins at 1,000 a page can time out.
        """
        sent = {k: str(v) for k, v in params.items() if v is not None}
        reduced = self._reduced.get(path)
        if reduced is not None and sent.get("max", "").isdigit() and int(sent["max"]) > reduced:
            sent["max"] = str(reduced)
            if cursor is not None:
                cursor = str(httpx.URL(cursor).copy_set_param("max", str(reduced)))
        while True:
            try:
                response = self._get(path, sent, cursor)
                break
            except UnavailableError as exc:
                url = httpx.URL(cursor) if cursor is not None else None
                size = (url.params.get("max") if url is not None else None) or sent.get("max")
                if exc.status != 504 or size is None or not size.isdigit() or int(size) <= MIN_PAGE_MAX:
                    raise
                smaller = str(max(MIN_PAGE_MAX, int(size) // 2))
                log.info("webex: %s timed out (504) at max=%s; asking for max=%s", path, size, smaller)
                if url is not None:
                    cursor = str(url.copy_set_param("max", smaller))
                sent["max"] = smaller  # and the next links repaired with it
                with self._lock:
                    self._reduced[path] = min(int(smaller), self._reduced.get(path, int(smaller)))
        body = _json(response)
        items = body.get("items") if isinstance(body, dict) else None
        found = next_link(response)
        return ListPage(
            items=[i for i in items if isinstance(i, dict)] if isinstance(items, list) else [],
            next_url=repair_next_url(found, sent, self.settings.base_url) if found else None,
            url=str(response.request.url),
        )

    def _get(self, path: str, sent: dict[str, str], cursor: str | None) -> httpx.Response:
        if cursor is None:
            return self.http.request("GET", path, params=sent, bucket=DEFAULT)
        try:
            return self.http.request("GET", cursor, bucket=DEFAULT)
        except InvalidRequestError as exc:
            raise CursorExpiredError(
                f"Webex refused a saved next link of {path} ({exc.message}); reading the window again",
                provider=PROVIDER,
                status=exc.status,
                tracking_id=exc.tracking_id,
            ) from exc

    def pages(self, path: str, params: Mapping[str, Any], cursor: str | None = None) -> Iterator[ListPage]:
        """Every page from ``cursor`` (or the first), following next links; a repeated link is an error."""
        seen: set[str] = set()
        while True:
            page = self.page(path, params, cursor)
            yield page
            if page.next_url is None:
                return
            if page.next_url in seen or page.next_url == cursor:
                raise CursorExpiredError(f"Webex repeated a next link of {path}", provider=PROVIDER)
            seen.add(page.next_url)
            cursor = page.next_url

    def is_external(self, email: str | None, host_email: str | None = None) -> bool | None:
        """Whether ``email`` belongs to someone outside the org (``None``: no e-mail, or unknown).

        Ended meetings' participants carry no ``orgId``, so: the domains of the org's people known so far
        (the token's person, the hosts) are internal; any other address is looked up once with
        ``GET /people?email=`` and is internal when Webex has that person in this org - which also makes
        its domain internal, unless it is a webmail domain.
        """
        domain = _domain(email)
        if email is None or domain is None:
            return None
        key = email.strip().lower()
        host_domain = _domain(host_email)
        with self._lock:
            if host_domain and host_domain not in SHARED_DOMAINS:
                self._internal.add(host_domain)
            if domain in self._internal:
                return False
            known = self._looked_up.get(key)
        if known is not None:
            return known
        try:
            body = self.http.json("GET", "/people", params={"email": email}, bucket=PEOPLE)
        except (PermissionDeniedError, NotFoundError, InvalidRequestError):
            return None
        items = body.get("items") if isinstance(body, dict) else None
        org = self.org_id()
        inside = any(isinstance(p, dict) and p.get("orgId") == org for p in items or [])
        with self._lock:
            if inside and domain not in SHARED_DOMAINS:
                self._internal.add(domain)
            if len(self._looked_up) >= _LOOKUP_CACHE:
                self._looked_up.pop(next(iter(self._looked_up)))
            self._looked_up[key] = not inside
        return not inside


def _json(response: httpx.Response) -> Any:
    content = response.content
    if not content:
        return {}
    try:  # orjson: about twice the standard library's speed; the standard library for what it refuses
        return orjson.loads(content)
    except orjson.JSONDecodeError:
        pass
    try:
        return response.json()
    except ValueError:
        raise UnavailableError(
            f"GET {response.request.url.path} returned a body that is not JSON",
            provider=PROVIDER,
            status=response.status_code,
        ) from None


_clients: weakref.WeakKeyDictionary[Any, WebexLogClient] = weakref.WeakKeyDictionary()
_clients_lock = threading.Lock()


def log_client(provider: WebexProvider) -> WebexLogClient:
    """The one :class:`WebexLogClient` of ``provider`` (its streams share the org and the lookups)."""
    with _clients_lock:
        client = _clients.get(provider)
        if client is None:
            client = _clients[provider] = WebexLogClient(provider)
        return client


# -- streams ----------------------------------------------------------------------------------------------


class WebexStream(BaseLogStream):
    provider = PROVIDER
    align = timedelta(days=1)
    retention = RETENTION
    overlap = timedelta(days=1)
    pii_keys: Mapping[str, str] = {}

    def __init__(self, client: WebexLogClient) -> None:
        self.client = client
        self.tenant = client.org_id()


class _AuditStream(WebexStream):
    max_span = AUDIT_WINDOW
    path = ""
    first_param = ""
    last_param = ""
    page_max = 0

    def record(self, item: Mapping[str, Any], fallback: str) -> VendorRecord:
        raise NotImplementedError

    def redact_raw(self, raw: Any, redactor: Redactor) -> Any:
        return RAW_REDACTORS[self.name](raw, redactor)

    def params(self, window: Window) -> dict[str, Any]:
        return {"orgId": self.tenant, self.first_param: _ms(window.start - EDGE), self.last_param: _ms(window.end),
                "max": self.page_max}  # fmt: skip

    def pages(self, window: Window, resume: Resume) -> Iterator[LogPage]:
        fallback = format_time(window.start)
        record = self.record
        for page in self.client.pages(self.path, self.params(window), resume.cursor):
            yield LogPage((), page.next_url, records=[record(item, fallback) for item in page.items])


class AdminAuditStream(_AuditStream):
    name = "admin_audit"
    description = "Control Hub admin audit events (/adminAudit/events)"
    categories: tuple[Category, ...] = (
        Category.AUTHENTICATION, Category.SETTING_CHANGE, Category.ROLE_CHANGE, Category.USER_CHANGE, Category.OTHER,
    )  # fmt: skip
    path = "/adminAudit/events"
    first_param, last_param = "from", "to"
    page_max = ADMIN_AUDIT_MAX
    pii_keys = PII_KEYS["admin_audit"]

    def record(self, item: Mapping[str, Any], fallback: str) -> VendorRecord:
        return admin_audit_record(item, self.tenant, fallback)


class SecurityAuditStream(_AuditStream):
    name = "security_audit"
    description = "users' sign-ins and sign-outs (/admin/securityAudit/events; Pro Pack)"
    categories: tuple[Category, ...] = (Category.AUTHENTICATION,)
    path = "/admin/securityAudit/events"
    first_param, last_param = "startTime", "endTime"
    page_max = SECURITY_AUDIT_MAX
    pii_keys = PII_KEYS["security_audit"]

    def record(self, item: Mapping[str, Any], fallback: str) -> VendorRecord:
        return security_audit_record(item, self.tenant, fallback)

    def pages(self, window: Window, resume: Resume) -> Iterator[LogPage]:
        try:
            yield from super().pages(window, resume)
        except (PermissionDeniedError, NotFoundError) as exc:
            # The org without the feature, or a token that may not read audit events at all? The admin
            # audit events need the same scope and role: if Webex refuses those too, the token is the
            # problem, and the stream fails (an error to fix), instead of being "unavailable".
            try:
                self.client.page("/adminAudit/events", {"orgId": self.tenant, "from": _ms(window.start - EDGE),
                                                        "to": _ms(window.end), "max": 1}, None)  # fmt: skip
            except PermissionDeniedError as denied:
                raise PermissionDeniedError(
                    f"Webex refused the security and the admin audit events ({denied.message}): the token needs "
                    "audit:events_read, authorized by a Full Admin of this org",
                    provider=PROVIDER,
                    status=denied.status,
                    vendor_code=denied.vendor_code,
                    tracking_id=denied.tracking_id,
                ) from exc
            raise SecurityAuditUnavailableError(
                f"Webex refused the security audit events ({exc.message}). They need Pro Pack, Control Hub's "
                "'Allow user authentication data', and a token with audit:events_read authorized by a Full "
                "Admin. Only this stream is affected and nothing was marked collected: once enabled, the next "
                "run reads its past year. Leave it out meanwhile with --stream admin_audit --stream participants",
                provider=PROVIDER,
                status=exc.status,
                vendor_code=exc.vendor_code,
                tracking_id=exc.tracking_id,
            ) from exc


@dataclass(frozen=True)
class _Listing:
    """Where the participants stream is in a window: the ranges of instances still to list (the first
    being listed), the listing page being read (``None``: its first), and how many instances the
    listing served before that page. Saved as the window's cursor."""

    ranges: tuple[tuple[datetime, datetime], ...]
    url: str | None = None
    listed: int = 0

    def dump(self) -> str:
        return json.dumps({"ranges": [[a.isoformat(), b.isoformat()] for a, b in self.ranges], "url": self.url,
                           "listed": self.listed})  # fmt: skip

    @classmethod
    def load(cls, cursor: str | None, window: Window) -> _Listing:
        if cursor is None:
            return cls(((window.start, window.end),))
        try:
            data = json.loads(cursor)
            ranges = tuple((datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in data["ranges"])
            return cls(ranges, data.get("url"), int(data.get("listed") or 0))
        except (ValueError, KeyError, TypeError) as exc:
            raise CursorExpiredError("unreadable participants cursor; reading the window again",
                                     provider=PROVIDER) from exc  # fmt: skip


#: One page of an instance's participants as read: the items, and whether the instance is now complete.
#: (participants, whether the instance is complete, what of it could not be read)
_ParticipantPage = tuple[list[dict[str, Any]], bool, tuple[Skipped, ...]]


@dataclass
class _Read:
    """One ended instance being read: where resuming re-reads its listing page (``at``), its unit, its
    ``MeetingRef`` and its participant pages (``None`` once they end)."""

    at: _Listing
    unit: str
    context: dict[str, Any]
    pages: Iterator[_ParticipantPage]


class _Readers:
    """The reads of one window's instances: in ``pool``'s worker threads, or, without a pool, lazily in
    the consumer's own thread (exactly as one after another).

    Each instance read in a thread hands its pages over through its own queue of ``PAGES_AHEAD`` pages,
    so an instance the consumer has not reached yet holds at most that many. The pool begins instances
    in the order they are started, so every instance started before one that is being read is being
    read or done (its consumer never waits on an instance that cannot begin). When a read fails,
    :attr:`halt` is set: an instance not begun yet is not begun (its pages end at once); those being
    read finish (or fail too). :meth:`close` ends the window's reads: instances not begun are cancelled,
    a worker waiting to hand over a page gives up, and it waits until none of them is running.
    """

    def __init__(self, read: Callable[[Mapping[str, Any], dict[str, Any]], Iterator[_ParticipantPage]],
                 pool: ThreadPoolExecutor | None) -> None:  # fmt: skip
        self._read = read
        self._pool = pool
        self.halt = threading.Event()  # a read failed: no further instance is begun
        self._stop = threading.Event()  # the consumer is gone: every read ends now
        self._started: set[Future[None]] = set()  # not done yet

    def start(self, item: Mapping[str, Any], context: dict[str, Any]) -> Iterator[_ParticipantPage]:
        """The participant pages of ``item`` (read from now on in a worker, or when asked for with one reader)."""
        if self._pool is None:
            return self._read(item, context)
        pages: queue.Queue[_ParticipantPage | BaseException | None] = queue.Queue(maxsize=PAGES_AHEAD)
        abandon = threading.Event()  # the consumer stopped reading this instance: its worker ends
        future = self._pool.submit(self._work, item, context, pages, abandon)
        self._started.add(future)
        future.add_done_callback(self._started.discard)
        return self._handed(pages, future, abandon)

    def _put(self, pages: queue.Queue[_ParticipantPage | BaseException | None],
             value: _ParticipantPage | BaseException | None, abandon: threading.Event) -> bool:  # fmt: skip
        while not self._stop.is_set() and not abandon.is_set():
            try:
                pages.put(value, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def _work(self, item: Mapping[str, Any], context: dict[str, Any],
              pages: queue.Queue[_ParticipantPage | BaseException | None],
              abandon: threading.Event) -> None:  # fmt: skip
        if self.halt.is_set() or self._stop.is_set() or abandon.is_set():
            self._put(pages, None, abandon)  # not begun
            return
        try:
            for page in self._read(item, context):
                if not self._put(pages, page, abandon):
                    return
                if page[1]:
                    return
            self._put(pages, None, abandon)
        except BaseException as exc:  # handed to the consumer, in order
            self.halt.set()
            self._put(pages, exc, abandon)

    def _handed(self, pages: queue.Queue[_ParticipantPage | BaseException | None], future: Future[None],
                abandon: threading.Event) -> Iterator[_ParticipantPage]:  # fmt: skip
        """The pages of one instance as its worker reads them. Leaving early (an error while handling a
        page, or the consumer gone) frees the worker: a worker waiting to hand on a page that nobody
        reads would hold a pool thread for good, and with every thread held the next instance would
        never begin. After a failure (``halt``) an instance not begun yet is not begun at all."""
        try:
            while True:
                try:
                    got = pages.get(timeout=0.05)
                except queue.Empty:
                    if future.done() and pages.empty():  # ended without a word (cancelled)
                        return
                    if self.halt.is_set() and future.cancel():  # never begun: nothing of it is read
                        return
                    continue
                if got is None:
                    return
                if isinstance(got, BaseException):
                    raise got
                yield got
                if got[1]:
                    return
        finally:
            abandon.set()

    def close(self) -> None:
        self._stop.set()
        started = list(self._started)
        for future in started:
            future.cancel()
        wait(started)


class ParticipantStream(WebexStream):
    """Participants of the meetings that ended in each day.

    Per window: the org's ended instances (``GET /meetings?meetingType=meeting&state=ended``), each
    instance's participants read in full is a unit (``meeting:<instance id>``) that a resumed window
    skips. Webex lists at most 10,000 instances per listing: a range that reaches the cap is listed
    again in halves (instances already read are skipped). Ended instances appear about 15 minutes after
    they end and may last up to a day, so two days are re-read on the next run.

    ``readers`` instances are read at the same time (worker threads; ``1``: one after another, in the
    collector's thread): each request waits on the network, and a day of classes is hundreds of
    instances of one request each. The requests go through the provider's HTTP core, so its rate limits
    hold however many are in flight. At most ``2 * readers`` listed instances are held ahead, and at
    most ``PAGES_AHEAD`` pages of each. Their records are handed on in listing order, each instance's
    after the one listed before it, as when reading one after another: the pages, their cursors (the
    listing page of the instance whose records end the page: every instance listed before it is
    complete), the units, and the e-mail lookups of ``external`` (made in that order, in the collector's
    thread: which domains are known to be the org's depends on it) are those of reading one after
    another. When a read fails, no further instance is begun, the instances being read are finished (or
    fail too), everything read is handed on - the cursor stays on the listing page of the first
    instance not complete, so a resumed window reads it again - and then the first error (in listing
    order) is raised.
    """

    name = "participants"
    description = "participants of ended meetings (/meetingParticipants)"
    categories: tuple[Category, ...] = (Category.PARTICIPANT,)
    max_span = timedelta(days=1)
    overlap = timedelta(days=2)
    pii_keys = PII_KEYS["participants"]
    instance_cap = INSTANCE_LIST_CAP
    meetings_max = MEETINGS_MAX
    participants_max = PARTICIPANTS_MAX
    #: Instances whose participants are read at the same time (``1``: one after another).
    readers = PARTICIPANT_READERS
    #: One day at a time (the collector still fetches the next day while this one is committed): two
    #: days read at once would decide ``external`` in an order that depends on timing, since the org's
    #: domains are learnt from the hosts as they are listed.
    window_readers = 1

    def __init__(self, client: WebexLogClient) -> None:
        super().__init__(client)
        self._idle: list[tuple[ThreadPoolExecutor, int]] = []  # worker pools no window is using, and their sizes
        self._idle_lock = threading.Lock()

    def _borrow(self, readers: int) -> ThreadPoolExecutor | None:
        """Worker threads for one window's reads, its own until :meth:`_give_back` (``None``: one reader).

        Pools are kept from window to window (starting threads for each day of a few classes costs more
        than reading them at once saves) but never shared by two windows read at the same time: a window
        whose pages wait for an earlier window's commits holds its workers, which must not be the ones
        the earlier window waits for. Idle pools end with the stream (when it is garbage-collected)."""
        if readers == 1:
            return None
        with self._idle_lock:
            while self._idle:
                pool, size = self._idle.pop()
                if size == readers:
                    return pool
                pool.shutdown(wait=False)
        return ThreadPoolExecutor(readers, thread_name_prefix="confkit-webex-participants")

    def _give_back(self, pool: ThreadPoolExecutor | None, readers: int) -> None:
        if pool is not None:
            with self._idle_lock:
                self._idle.append((pool, readers))

    def _list_params(self, lo: datetime, hi: datetime) -> dict[str, Any]:
        return {"meetingType": "meeting", "state": "ended", "from": _seconds(lo), "to": _seconds(hi),
                "max": self.meetings_max, "siteUrl": self.client.settings.site_url}  # fmt: skip

    def pages(self, window: Window, resume: Resume) -> Iterator[LogPage]:
        readers = max(1, int(self.readers))
        ahead = 1 if readers == 1 else 2 * readers
        listing = self._listed(_Listing.load(resume.cursor, window), set(resume.units))
        pool = self._borrow(readers)
        reads = _Readers(self._participant_pages, pool)
        held: deque[_Read] = deque()  # started, in listing order
        batch: list[VendorRecord] = []
        completes: list[str] = []
        gaps: list[Skipped] = []
        here: _Listing | None = None  # the cursor of the next page handed on
        behind = False  # an instance was left incomplete: the cursor stays on its listing page
        error: BaseException | None = None  # the first read that failed, in listing order
        unlisted: BaseException | None = None  # the listing failed (after every instance held)
        listed_all = False
        read: _Read | None = None
        try:
            while True:
                while not listed_all and error is None and not reads.halt.is_set() and len(held) < ahead:
                    try:
                        at, unit, item = next(listing)
                    except StopIteration:
                        listed_all = True
                    except BaseException as exc:  # raised after the instances held are handed on
                        unlisted, listed_all = exc, True
                    else:
                        context = meeting_context(item)
                        held.append(_Read(at, unit, context, reads.start(item, context)))
                if not held:
                    break
                read = held.popleft()
                if not behind:
                    here = read.at
                complete = False
                while not complete:
                    try:
                        got = next(read.pages, None)
                        if got is None:
                            break
                        records = self._records(got[0], read.context)
                    except BaseException as exc:
                        reads.halt.set()
                        error = error or exc
                        close = getattr(read.pages, "close", None)
                        if callable(close):  # the rest of this instance is not read: free its worker
                            close()
                        break
                    complete = got[1]
                    batch += records
                    gaps += got[2]
                    if complete:
                        completes.append(read.unit)
                    if len(batch) >= PAGE_EVENTS:
                        yield LogPage((), (here or read.at).dump(), completes, records=batch, skipped=gaps)
                        batch, completes, gaps = [], [], []
                behind = behind or not complete
            error = error or unlisted
            if error is not None:
                if here is not None and (batch or completes or gaps):
                    yield LogPage((), here.dump(), completes, records=batch, skipped=gaps)
                raise error
            yield LogPage((), None, completes, records=batch, skipped=gaps)
        finally:
            reads.close()
            for left in (read, *held) if read is not None else held:
                close = getattr(left.pages, "close", None)
                if callable(close):
                    close()
            listing.close()
            self._give_back(pool, readers)  # no read of this window is running any more

    def _listed(self, state: _Listing, seen: set[str]) -> Generator[tuple[_Listing, str, dict[str, Any]], None, None]:
        """(where resuming re-reads its listing page, unit, item) of each instance to read, in listing
        order; ``seen``: the units read already, to which each one handed out is added."""
        while state.ranges:
            lo, hi = state.ranges[0]
            listed = state.listed
            for page in self.client.pages("/meetings", self._list_params(lo, hi), state.url):
                here = _Listing(state.ranges, page.url, listed)  # resuming re-reads this listing page
                listed += len(page.items)
                for item in page.items:
                    unit = f"meeting:{item.get('id')}"
                    if not item.get("id") or unit in seen:
                        continue
                    seen.add(unit)
                    yield here, unit, item
            rest = state.ranges[1:]
            if listed >= self.instance_cap:
                if hi - lo > MIN_SPLIT:
                    middle = lo + ((hi - lo) / 2 // timedelta(seconds=1)) * timedelta(seconds=1)
                    rest = ((lo, middle), (middle, hi), *rest)
                else:
                    log.warning(
                        "webex: %d ended meetings between %s and %s reach Webex's listing cap; meetings past "
                        "the cap in that range cannot be listed", listed, lo.isoformat(), hi.isoformat(),
                    )  # fmt: skip
            state = _Listing(rest)

    def _participant_pages(self, item: Mapping[str, Any], context: Mapping[str, Any]) -> Iterator[_ParticipantPage]:
        """(participants, whether the instance is complete) per page of one ended instance's participants
        (``context``: its ``MeetingRef``). Thread-safe: it only makes requests."""
        params: dict[str, Any] = {"meetingId": item["id"], "max": self.participants_max}
        start, end = context.get("start"), context.get("end")
        if start and end:
            params["joinTimeFrom"] = _ms(parse_time(start) - JOIN_MARGIN)
            params["joinTimeTo"] = _ms(parse_time(end) + JOIN_MARGIN)
        try:
            for page in self.client.pages("/meetingParticipants", params):
                yield page.items, page.next_url is None, ()
            return
        except NotFoundError as exc:
            refusal: NotFoundError | InvalidRequestError | PermissionDeniedError = exc
        # "Meeting not found": asked as the org's admin, for the instance's host (``hostEmail``, which the
        # admin may give for a user of a site they manage), before it is taken for gone.
        host = item.get("hostEmail")
        if isinstance(host, str) and host:
            try:
                for page in self.client.pages("/meetingParticipants", {**params, "hostEmail": host}):
                    yield page.items, page.next_url is None, ()
                return
            except (NotFoundError, InvalidRequestError, PermissionDeniedError) as again:
                # e.g. the host's account is gone, or on a site this admin does not manage (the first
                # request showed that the token may read participants)
                refusal = again
        moment = parse_time(start) if start else parse_time(end) if end else self.client.provider.clock.now()
        title = f" ({item['title']})" if item.get("title") else ""
        reason = (f"webex: the participants of meeting instance {item.get('id')}{title} cannot be read: "
                  f"{refusal.message}")  # fmt: skip
        yield [], True, (Skipped(moment, parse_time(end) if end else moment, reason),)

    def _records(self, items: list[dict[str, Any]], context: dict[str, Any]) -> list[VendorRecord]:
        """The records of one page of an instance's participants (``external`` looked up as needed)."""
        is_external, tenant, host = self.client.is_external, self.tenant, context.get("host_email")
        return [participant_record(p, tenant, context, external=is_external(p.get("email"), host)) for p in items]


def log_streams(provider: WebexProvider) -> list[LogStream]:
    """The Webex org's log streams (``Provider.log_streams()`` finds this function)."""
    client = log_client(provider)
    return [AdminAuditStream(client), SecurityAuditStream(client), ParticipantStream(client)]


__all__ = [
    "NORMALIZERS",
    "PII_KEYS",
    "RAW_REDACTORS",
    "AdminAuditStream",
    "ParticipantStream",
    "SecurityAuditStream",
    "SecurityAuditUnavailableError",
    "WebexLogClient",
    "admin_audit_event",
    "admin_audit_record",
    "classify_admin",
    "log_client",
    "log_streams",
    "meeting_context",
    "parse_changes",
    "participant_event",
    "participant_record",
    "redact_names",
    "security_audit_event",
    "security_audit_record",
]
