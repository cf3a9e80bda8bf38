"""Zoom audit logs as confkit log streams: sign-in activity, operation logs, meeting participants.

Endpoints (Zoom's OpenAPI description, ``notes/zoom.md`` §4-5):

* ``signins``: ``GET /report/activities`` (Heavy; ``from``/``to`` dates, one month per request,
  within the last six months; ``activity_logs[]``: ``email, time, type, ip_address, client_type,
  version``).
* ``operations``: ``GET /report/operationlogs`` (Heavy; same windows; ``operation_logs[]``:
  ``time, operator, category_type, action, operation_detail``). ``operation_detail`` is free text
  that :func:`parse_operation_detail` turns into structured ``field / from / to`` changes.
* ``participants``: every meeting instance that ended in the window, found through the active
  hosts report ``GET /report/users?type=active`` and each host's ``GET /report/users/{userId}/meetings``
  (Heavy), then ``GET /past_meetings/{meetingUUID}/participants`` (Medium; one record per join).

All three page with ``next_page_token`` (300 per page), which expires after 15 minutes: a
request refused for its token raises :class:`~confkit.logs.stream.CursorExpiredError` and the
collector re-reads the window. Zoom records carry no id of their own, so the stable id of an event
hashes the record's identifying fields (listed at each mapper); two records identical in every
one of them - same user, same second, same address, same client - are one event to confkit.

The streams hand over :class:`~confkit.logs.stream.VendorRecord` objects (id, time, category and
action computed here, the record kept as received), stored as they are and normalized when read
by ``NORMALIZERS``, i.e. by the same mappers; the participants stream reads ``PARTICIPANT_READERS``
meetings at a time.

Requests are paced a little under the plan's per-second limit of each label (``LOG_RATE_SHARE``),
evenly spaced rather than in bursts, because Zoom counts per second per account and shares the
budget with every other app of the account.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import queue
import re
import threading
import weakref
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta

from confkit.errors import InvalidRequestError, NotFoundError, PermissionDeniedError
from confkit.http.ratelimit import Rate, RateLimiter
from confkit.logs.model import Category, Outcome, format_time, parse_time, vendor_time
from confkit.logs.stream import (
    EMAIL_RE,
    BaseLogStream,
    CursorExpiredError,
    LogPage,
    LogStream,
    Normalizer,
    Resume,
    Skipped,
    VendorRecord,
    Window,
    align_up,
)
from confkit.providers.zoom.limits import HEAVY, MEDIUM

if TYPE_CHECKING:
    from confkit.providers.zoom.provider import ZoomProvider

PROVIDER = "zoom"
PAGE_SIZE = 300
PAGE_TOKEN_TTL = timedelta(minutes=15)
#: A saved page token older than this is not tried after a restart (Zoom: 15 minutes).
TOKEN_REUSE_LIMIT = timedelta(minutes=14)
#: Share of each label's per-second limit the log streams use, evenly spaced.
LOG_RATE_SHARE = 0.95
RETENTION_MONTHS = 6
WINDOW_DAYS = 28  # "one month per request": 28 days fits any reading of a month
#: How many meetings the participants stream finds ahead of reading their participants.
DISCOVERY_AHEAD = 1000
#: How many meetings the participants stream reads at the same time (see :class:`ParticipantStream`).
PARTICIPANT_READERS = 4
#: Personal data in each stream's Zoom records, by key (for ``--redact``).
PII_KEYS: Mapping[str, Mapping[str, str]] = MappingProxyType({
    "signins": MappingProxyType({"email": "email", "ip_address": "ip"}),
    "operations": MappingProxyType({"operator": "email", "operation_detail": "text"}),
    "participants": MappingProxyType({"user_email": "email", "name": "name"}),
})
#: The time of a record that has none (never seen; kept rather than dropped).
EPOCH_TIME = "1970-01-01T00:00:00.000000Z"


# -- operation_detail ---------------------------------------------------------------------------------

_SEPARATOR = re.compile(r"\s{2,}-\s+")  # Zoom's "  - " (double space) between subject and detail
_SEPARATOR_LOOSE = re.compile(r"\s+-\s+")
_CHANGE = re.compile(r"^(?P<field>.+?):\s+from\s(?P<from>.*?)\sto\s(?P<to>.*)$", re.DOTALL)
_CHANGE_EMPTY = re.compile(r"^(?P<field>.+?):\s+from\s+to\s(?P<to>.*)$", re.DOTALL)


@dataclass(frozen=True)
class OperationDetail:
    """Zoom's ``operation_detail`` taken apart.

    ``"Security  - Require a passcode when scheduling new meetings: from On to Off"`` gives
    ``head="Security"``, ``subject="Require a passcode when scheduling new meetings"``,
    ``from_value="On"``, ``to_value="Off"``. Without ``: from X to Y`` only ``head`` and
    ``subject`` are set (``"delete user - user2@example.com"``); text without a separator is all
    ``head``.
    """

    head: str
    subject: str | None = None
    from_value: str | None = None
    to_value: str | None = None

    @property
    def is_change(self) -> bool:
        return self.to_value is not None


def parse_operation_detail(text: str | None) -> OperationDetail:
    """Parse an ``operation_detail`` string (see :class:`OperationDetail`)."""
    return OperationDetail(*_parse_detail(text))


def _parse_detail(text: str | None) -> tuple[str, str | None, str | None, str | None]:
    """(head, subject, from, to) of an ``operation_detail``: :func:`parse_operation_detail` without the object."""
    text = (text or "").strip()
    parts = _SEPARATOR.split(text, maxsplit=1)
    if len(parts) == 1:
        parts = _SEPARATOR_LOOSE.split(text, maxsplit=1)
        if len(parts) == 1:
            return text, None, None, None
    head, body = parts[0].strip(), parts[1].strip()
    if ":" in body and "from" in body:  # both change patterns need them: most bodies skip the regexes
        found = _CHANGE_EMPTY.match(body)
        if found is not None:
            return head, found.group("field").strip(), "", found.group("to").strip()
        found = _CHANGE.match(body)
        if found is not None:
            field, from_value, to_value = found.group("field", "from", "to")
            return head, field.strip(), from_value.strip(), to_value.strip()
    return head, body, None, None


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=1024)
def _slug(text: str) -> str:
    return _NOT_SLUG.sub("_", text.lower()).strip("_")


VERBS = {
    "add": "create",
    "batch add": "create",
    "create": "create",
    "delete": "delete",
    "batch delete": "delete",
    "remove": "delete",
    "update": "update",
    "batch update": "update",
    "edit": "update",
    "activate": "activate",
    "deactivate": "deactivate",
}
#: Zoom roles from least to most privileged, for "was this role change a promotion?".
ROLE_RANK = {"member": 0, "user": 0, "billing admin": 1, "admin": 2, "co-owner": 3, "owner": 4}


def role_rank(role: str | None) -> int:
    """How privileged a Zoom role is (custom roles count as admin-like: 2)."""
    if not role:
        return 0
    return ROLE_RANK.get(role.strip().lower(), 2)


@lru_cache(maxsize=1024)
def _kind_and_verb(category_type: str, action: str) -> tuple[str, str]:
    """``("user_group", "update")`` for ``("User Group", "Update")`` (a small vocabulary: cached)."""
    return _slug(category_type), VERBS.get(action.strip().lower(), _slug(action) or "other")


# -- mappers (pure functions: Zoom record -> normalized event dict) ------------------------------------
#
# They run for every collected event, so they build the event dict directly (the shape of
# :func:`confkit.logs.model.new_event`) and the id text in one f-string (the value of
# :func:`confkit.logs.model.event_id` for the same parts: the tests compare the two).

_sha256 = hashlib.sha256
_AUTHENTICATION = str(Category.AUTHENTICATION)
_PARTICIPANT = str(Category.PARTICIPANT)
_SUCCESS, _FAILURE, _UNKNOWN = str(Outcome.SUCCESS), str(Outcome.FAILURE), str(Outcome.UNKNOWN)


def _part(value: object) -> str:
    """A part of an event id as :func:`~confkit.logs.model.event_id` reads it (only for non-strings)."""
    return "" if value is None else str(value)


def _digest(text: str) -> str:
    return _sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _signin_key(record: Mapping[str, Any]) -> tuple[str, str, str, str]:
    """(id, type, action, outcome) of a sign-in record."""
    get = record.get
    email = get("email") or None
    kind = get("type") or ""
    if kind.__class__ is not str:
        kind = str(kind)
    lowered = kind.lower()
    if lowered == "sign in":
        action, outcome = "sign_in", _SUCCESS
    elif lowered == "sign out":
        action, outcome = "sign_out", _SUCCESS
    else:
        action = _slug(kind) or "unknown"
        outcome = _FAILURE if "fail" in lowered else _UNKNOWN
    time, ip, client, version = get("time"), get("ip_address"), get("client_type"), get("version")
    e = email if email.__class__ is str else _part(email)
    t = time if time.__class__ is str else _part(time)
    i = ip if ip.__class__ is str else _part(ip)
    c = client if client.__class__ is str else _part(client)
    v = version if version.__class__ is str else _part(version)
    eid = _digest(f"4:zoom7:signins{len(e)}:{e}{len(t)}:{t}{len(kind)}:{kind}{len(i)}:{i}{len(c)}:{c}{len(v)}:{v}")
    return eid, kind, action, outcome


def signin_event(record: Mapping[str, Any], tenant: str, fallback_time: str | None = None) -> dict[str, Any]:
    """One ``/report/activities`` record. Identity: ``email, time, type, ip_address, client_type, version``."""
    eid, kind, action, outcome = _signin_key(record)
    get = record.get
    email, ip, client, version = get("email") or None, get("ip_address"), get("client_type"), get("version")
    return {
        "id": eid,
        "time": vendor_time(get("time")) or fallback_time or EPOCH_TIME,
        "provider": PROVIDER,
        "tenant": tenant,
        "stream": "signins",
        "category": _AUTHENTICATION,
        "action": action,
        "outcome": outcome,
        "vendor_action": kind or None,
        "vendor_category": None,
        "actor": {
            "id": None,
            "email": email,
            "name": None,
            "ip": ip or None,
            "client": client or None,
            "client_version": version or None,
            "external": False,
            "anonymous": False,
        },
        "target": None,
        "meeting": None,
        "session": None,
        "changes": [],
        "detail": None,
        "raw": dict(record),
        "redacted": [],
    }


def signin_record(record: Mapping[str, Any], tenant: str, fallback_time: str | None = None) -> VendorRecord:
    """:func:`signin_event` as a :class:`~confkit.logs.stream.VendorRecord` (normalized when read)."""
    eid, _, action, _ = _signin_key(record)
    time = vendor_time(record.get("time")) or fallback_time or EPOCH_TIME
    return VendorRecord(eid, time, _AUTHENTICATION, action, record if record.__class__ is dict else dict(record))


def _operation_key(record: Mapping[str, Any]) -> tuple[str, str, str, Any]:
    """(id, category_type, action, operation_detail) of an operation-log record."""
    get = record.get
    operator = get("operator") or None
    vendor_category = get("category_type") or ""
    if vendor_category.__class__ is not str:
        vendor_category = str(vendor_category)
    vendor_action = get("action") or ""
    if vendor_action.__class__ is not str:
        vendor_action = str(vendor_action)
    detail, time = get("operation_detail"), get("time")
    t = time if time.__class__ is str else _part(time)
    o = operator if operator.__class__ is str else _part(operator)
    d = detail if detail.__class__ is str else _part(detail)
    eid = _digest(f"4:zoom10:operations{len(t)}:{t}{len(o)}:{o}{len(vendor_category)}:{vendor_category}"
                  f"{len(vendor_action)}:{vendor_action}{len(d)}:{d}")
    return eid, vendor_category, vendor_action, detail


def operation_event(record: Mapping[str, Any], tenant: str, fallback_time: str | None = None) -> dict[str, Any]:
    """One ``/report/operationlogs`` record. Identity: ``time, operator, category_type, action, operation_detail``."""
    eid, vendor_category, vendor_action, detail = _operation_key(record)
    category, action, target, changes = classify_operation(vendor_category, vendor_action, detail, tenant)
    return {
        "id": eid,
        "time": vendor_time(record.get("time")) or fallback_time or EPOCH_TIME,
        "provider": PROVIDER,
        "tenant": tenant,
        "stream": "operations",
        "category": str(category),
        "action": action,
        "outcome": _SUCCESS,
        "vendor_action": vendor_action or None,
        "vendor_category": vendor_category or None,
        "actor": {"id": None, "email": record.get("operator") or None, "name": None, "ip": None, "client": None,
                  "client_version": None, "external": False, "anonymous": False},
        "target": target,
        "meeting": None,
        "session": None,
        "changes": changes,
        "detail": detail if isinstance(detail, str) else None,
        "raw": dict(record),
        "redacted": [],
    }


def operation_record(record: Mapping[str, Any], tenant: str, fallback_time: str | None = None) -> VendorRecord:
    """:func:`operation_event` as a :class:`~confkit.logs.stream.VendorRecord` (normalized when read)."""
    eid, vendor_category, vendor_action, detail = _operation_key(record)
    head, _, _, to_value = _parse_detail(detail)
    category, action = _operation_class(vendor_category, vendor_action, _head_class(head, to_value is not None),
                                        to_value is not None)
    time = vendor_time(record.get("time")) or fallback_time or EPOCH_TIME
    return VendorRecord(eid, time, category, action, record if record.__class__ is dict else dict(record))


_CHANGE_HEADS = ("change role", "edit group ", "edit user ", "edit role ")


def _head_class(head: str, is_change: bool) -> str:
    """What of an ``operation_detail`` head decides the category and action (a small vocabulary)."""
    lowered = head.lower()
    if is_change:
        return next((prefix for prefix in _CHANGE_HEADS if lowered.startswith(prefix)), "")
    if "deactivate" in lowered:
        return "deactivate"
    return "activate" if "activate" in lowered else ""


@lru_cache(maxsize=4096)
def _operation_class(category_type: str, action: str, head_class: str, is_change: bool) -> tuple[str, str]:
    """(category, action) of :func:`classify_operation` from the head's class alone: collection indexes
    these two and nothing else, so it skips building targets and changes (they are built when read).
    A test checks it agrees with :func:`classify_operation` on every generated and golden record."""
    if is_change:
        head = f"{head_class}x" if head_class else "x"
        category, neutral, _, _ = classify_operation(category_type, action, f"{head} - x: from a to b", "")
    else:
        category, neutral, _, _ = classify_operation(category_type, action, f"{head_class or 'x'} - x", "")
    return str(category), neutral


def classify_operation(
    category_type: str, action: str, detail: str | None, tenant: str
) -> tuple[Category, str, dict[str, Any] | None, list[dict[str, Any]]]:
    """(category, neutral action, target, changes) of an operation-log record."""
    head, subject, from_value, to_value = _parse_detail(detail)
    kind, verb = _kind_and_verb(category_type, action)  # "Account" -> account, "User Group" -> user_group
    head_lower = head.lower()
    if to_value is not None:  # a change: "... : from X to Y"
        if head_lower.startswith("change role"):
            subject = subject or ""
            email = _first_email(subject)
            target = {"type": "user", "id": None, "name": None if email else subject or None, "email": email}
            change = {"section": None, "field": "role", "from": from_value, "to": to_value}
            return Category.ROLE_CHANGE, "role.change", target, [change]
        change = {"section": head or None, "field": subject or "", "from": from_value, "to": to_value}
        if head_lower.startswith("edit group "):
            change["section"] = None
            return Category.SETTING_CHANGE, "setting.update", {"type": "group", "id": None,
                                                               "name": head[len("edit group "):].strip(),
                                                               "email": None}, [change]
        if head_lower.startswith("edit user ") or kind == "user_settings":
            who = head[len("edit user "):].strip() if head_lower.startswith("edit user ") else ""
            email = _first_email(who)
            if head_lower.startswith("edit user "):
                change["section"] = None
            return Category.SETTING_CHANGE, "setting.update", {"type": "user", "id": None,
                                                               "name": None if email else who or None,
                                                               "email": email}, [change]
        if kind == "role":
            role = head[len("edit role "):].strip() if head_lower.startswith("edit role ") else head
            change["section"] = None
            return Category.ROLE_CHANGE, "role.update", {"type": "role", "id": None, "name": role or None,
                                                         "email": None}, [change]
        target_type = _TARGET_TYPES.get(kind, kind or "account")
        target = {"type": target_type, "id": tenant if target_type == "account" else None, "name": None,
                  "email": None}
        return Category.SETTING_CHANGE, "setting.update", target, [change]
    subject = subject or ""
    if kind == "user":
        email = _first_email(subject) or _first_email(head)
        if "deactivate" in head_lower:
            verb = "deactivate"
        elif "activate" in head_lower:
            verb = "activate"
        target = {"type": "user", "id": None, "name": None if email else subject or None, "email": email}
        return Category.USER_CHANGE, f"user.{verb}", target, []
    if kind == "role":
        name = subject or head or None
        return Category.ROLE_CHANGE, f"role.{verb}", {"type": "role", "id": None, "name": name, "email": None}, []
    if kind == "recording":
        return Category.RECORDING, f"recording.{verb}", {"type": "recording", "id": None, "name": subject or None,
                                                         "email": None}, []
    if kind == "user_group":
        return Category.OTHER, f"group.{verb}", {"type": "group", "id": None, "name": subject or head or None,
                                                 "email": None}, []
    target_type = kind or "other"
    return Category.OTHER, f"{target_type}.{verb}", {"type": target_type, "id": None, "name": subject or None,
                                                     "email": None}, []


_TARGET_TYPES = {"account": "account", "user_group": "group", "user": "user", "zoom_rooms": "zoom_room",
                 "recording": "recording", "webinar": "webinar"}


def _first_email(text: str | None) -> str | None:
    if not text or "@" not in text:
        return None
    found = EMAIL_RE.search(text)
    return found.group(0) if found else None


def _participant_id(record: Mapping[str, Any], meeting: Mapping[str, Any]) -> str:
    get = record.get
    instance, uid, user_id, name = meeting.get("instance"), get("id") or None, get("user_id"), get("name")
    email, join, leave, status = get("user_email") or None, get("join_time"), get("leave_time"), get("status") or None
    registrant = get("registrant_id")
    m = instance if instance.__class__ is str else _part(instance)
    u = uid if uid.__class__ is str else _part(uid)
    p = user_id if user_id.__class__ is str else _part(user_id)
    n = name if name.__class__ is str else _part(name)
    e = email if email.__class__ is str else _part(email)
    j = join if join.__class__ is str else _part(join)
    lv = leave if leave.__class__ is str else _part(leave)
    st = status if status.__class__ is str else _part(status)
    r = registrant if registrant.__class__ is str else _part(registrant)
    return _digest(f"4:zoom12:participants{len(m)}:{m}{len(u)}:{u}{len(p)}:{p}{len(n)}:{n}{len(e)}:{e}"
                   f"{len(j)}:{j}{len(lv)}:{lv}{len(st)}:{st}{len(r)}:{r}")


def participant_event(
    record: Mapping[str, Any], tenant: str, meeting: Mapping[str, Any], fallback_time: str | None = None
) -> dict[str, Any]:
    """One ``/past_meetings/{uuid}/participants`` record; ``meeting`` is the ``MeetingRef`` context.

    Identity: the meeting instance (UUID) and ``id, user_id, name, user_email, join_time,
    leave_time, status, registrant_id``. ``anonymous``: ``id`` is empty (joined without signing
    in); ``external``: ``user_email`` is empty, which Zoom does for participants outside the
    host's account (its e-mail display rules).
    """
    get = record.get
    uid = get("id") or None
    email = get("user_email") or None
    status = get("status") or None
    join_time = vendor_time(get("join_time"))
    duration = get("duration")
    return {
        "id": _participant_id(record, meeting),
        "time": join_time or fallback_time or meeting.get("start") or EPOCH_TIME,
        "provider": PROVIDER,
        "tenant": tenant,
        "stream": "participants",
        "category": _PARTICIPANT,
        "action": "participant.waiting_room" if status == "in_waiting_room" else "participant.session",
        "outcome": _SUCCESS,
        "vendor_action": status,
        "vendor_category": None,
        "actor": {"id": uid, "email": email, "name": get("name") or None, "ip": None, "client": None,
                  "client_version": None, "external": email is None, "anonymous": uid is None},
        "target": {"type": "meeting", "id": meeting.get("id"), "name": meeting.get("topic"), "email": None},
        "meeting": dict(meeting),
        "session": {
            "start": join_time,
            "end": vendor_time(get("leave_time")),
            "duration_seconds": duration if isinstance(duration, int) and not isinstance(duration, bool) else None,
            "status": status,
            "participant_id": get("user_id") or None,
        },
        "changes": [],
        "detail": None,
        "raw": dict(record),
        "redacted": [],
    }


def participant_record(
    record: Mapping[str, Any], tenant: str, meeting: dict[str, Any], fallback_time: str | None = None
) -> VendorRecord:
    """:func:`participant_event` as a :class:`~confkit.logs.stream.VendorRecord` (normalized when read);
    ``meeting`` is its context."""
    get = record.get
    time = vendor_time(get("join_time")) or fallback_time or meeting.get("start") or EPOCH_TIME
    action = "participant.waiting_room" if get("status") == "in_waiting_room" else "participant.session"
    return VendorRecord(_participant_id(record, meeting), time, _PARTICIPANT, action,
                        record if record.__class__ is dict else dict(record), meeting)


def _normal_signin(raw: dict[str, Any], context: dict[str, Any] | None, tenant: str, time: str) -> dict[str, Any]:
    return signin_event(raw, tenant, time)


def _normal_operation(raw: dict[str, Any], context: dict[str, Any] | None, tenant: str, time: str) -> dict[str, Any]:
    return operation_event(raw, tenant, time)


def _normal_participant(raw: dict[str, Any], context: dict[str, Any] | None, tenant: str, time: str) -> dict[str, Any]:
    return participant_event(raw, tenant, context or {}, time)


#: How stored vendor records of each stream become events (``confkit.logs.stream.normalizer``).
NORMALIZERS: Mapping[str, Normalizer] = MappingProxyType({
    "signins": _normal_signin,
    "operations": _normal_operation,
    "participants": _normal_participant,
})


def meeting_context(item: Mapping[str, Any], host_id: str | None) -> dict[str, Any]:
    """The ``MeetingRef`` of one ``/report/users/{userId}/meetings`` item."""
    mid = item.get("id")
    return {
        "id": str(mid) if mid is not None else None,
        "instance": item.get("uuid") or None,
        "code": str(mid) if mid is not None else None,
        "topic": item.get("topic") or None,
        "host_id": host_id,
        "host_email": item.get("user_email") or None,
        "start": vendor_time(item.get("start_time")),
        "end": vendor_time(item.get("end_time")),
    }


# -- HTTP -----------------------------------------------------------------------------------------------


def _is_token_error(exc: InvalidRequestError) -> bool:
    """Whether Zoom's 400 refuses the page token ("300: The next page token is invalid or expired"), not
    the request (``/past_meetings/{uuid}/participants`` also answers 300 for "Cannot access meeting
    information", which reading the meeting again would not change)."""
    if exc.vendor_code is None:
        return True
    return str(exc.vendor_code) == "300" and "token" in (exc.message or "").lower()


#: Zoom's answers about one past meeting that no later run would change (zoom-meeting-api.json,
#: ``GET /past_meetings/{meetingId}/participants``): 300 "Cannot access meeting information", 1010 "User
#: ... not exist or not belong to this account", 12702 "Can not access a meeting a year ago". The
#: participants stream records the meeting as a gap and goes on; 200 "Only available for paid account"
#: and every other code are the account's, and fail the stream.
MEETING_REFUSALS = frozenset({"300", "1010", "12702"})
#: ``type`` of a webinar instance in ``/report/users/{userId}/meetings`` (5, 6, 9; zoom-meeting-api.json): its
#: participants are ``GET /past_webinars/{webinarId}/participants``, not ``/past_meetings/...``.
WEBINAR_TYPES = frozenset({5, 6, 9})


class ZoomLogClient:
    """The log streams' access to one Zoom account: paced requests, counted per rate-limit label."""

    def __init__(self, provider: ZoomProvider, share: float = LOG_RATE_SHARE) -> None:
        self.provider = provider
        self.http = provider.http
        self.clock = provider.clock
        rates = provider.http.limiter.rates if provider.http.limiter is not None else {}
        # A bucket of `share` of the limit with a burst of the rest: in any one second at most
        # share * limit + burst <= limit requests, and a request that was late (a busy thread)
        # can be made up for instead of being lost.
        self.pace = RateLimiter(
            {
                label: Rate(rate.per_second * share, max(1.0, math.floor(rate.per_second * (1 - share))))
                for label, rate in rates.items()
            },
            clock=provider.clock,
        )
        self.tenant = provider.settings.account_id
        self.requests: dict[str, int] = {}
        self._lock = threading.Lock()

    def get(self, path: str, params: Mapping[str, Any], label: str) -> dict[str, Any]:
        self.pace.acquire(label)
        with self._lock:
            self.requests[label] = self.requests.get(label, 0) + 1
        try:
            body = self.http.json("GET", path, params=params, bucket=label)
        except InvalidRequestError as exc:
            if params.get("next_page_token") and _is_token_error(exc):
                raise CursorExpiredError(
                    f"Zoom refused the page token of {path} ({exc.message}); tokens expire after 15 minutes",
                    provider=PROVIDER,
                    status=exc.status,
                    vendor_code=exc.vendor_code,
                    tracking_id=exc.tracking_id,
                ) from exc
            raise
        return body if isinstance(body, dict) else {}

    def pages(self, path: str, params: Mapping[str, Any], label: str, key: str,
              token: str | None = None) -> Iterator[tuple[list[dict[str, Any]], str | None]]:
        """(items, next token) per page of a ``next_page_token`` list, from ``token``."""
        seen: set[str] = set()
        while True:
            body = self.get(path, {**params, "page_size": PAGE_SIZE, "next_page_token": token or None}, label)
            items = body.get(key)
            token = body.get("next_page_token") or None
            yield [i for i in items if isinstance(i, dict)] if isinstance(items, list) else [], token
            if token is None:
                return
            if token in seen:
                raise CursorExpiredError(f"Zoom repeated a page token of {path}", provider=PROVIDER)
            seen.add(token)


_clients: weakref.WeakKeyDictionary[Any, ZoomLogClient] = weakref.WeakKeyDictionary()
_clients_lock = threading.Lock()


def log_client(provider: ZoomProvider) -> ZoomLogClient:
    """The one :class:`ZoomLogClient` of ``provider`` (its streams share one pace)."""
    with _clients_lock:
        client = _clients.get(provider)
        if client is None:
            client = _clients[provider] = ZoomLogClient(provider)
        return client


# -- streams ----------------------------------------------------------------------------------------------


def _dates(window: Window) -> tuple[str, str]:
    """Zoom's inclusive ``from``/``to`` dates of a day-aligned window."""
    first: date = window.start.date()
    last: date = (window.end - timedelta(days=1)).date()
    return first.isoformat(), max(first, last).isoformat()


class ZoomStream(BaseLogStream):
    provider = PROVIDER
    align = timedelta(days=1)
    max_span = timedelta(days=WINDOW_DAYS)
    overlap = timedelta(days=1)
    pii_keys: Mapping[str, str] = {}

    def __init__(self, client: ZoomLogClient) -> None:
        self.client = client
        self.tenant = client.tenant

    def earliest(self, now: datetime) -> datetime:
        # "within the last six months"; one day of margin for the account's time zone.
        return align_up(now - relativedelta(months=RETENTION_MONTHS), self.align) + timedelta(days=1)

    def _token(self, resume: Resume) -> str | None:
        if resume.cursor is None:
            return None
        if resume.saved_at is None or self.client.clock.now() - resume.saved_at > TOKEN_REUSE_LIMIT:
            raise CursorExpiredError(
                "the saved Zoom page token is older than its 15-minute lifetime", provider=PROVIDER
            )
        return resume.cursor


class _ReportStream(ZoomStream):
    path = ""
    key = ""
    #: Two of the six monthly windows read at once: each request waits on the network, and the Heavy
    #: limit (shared with the other report streams) is what paces them, not the round trip.
    window_readers = 2

    def record(self, item: Mapping[str, Any], fallback: str) -> VendorRecord:
        raise NotImplementedError

    def pages(self, window: Window, resume: Resume) -> Iterator[LogPage]:
        first, last = _dates(window)
        params = {"from": first, "to": last}
        fallback = format_time(window.start)
        record = self.record
        for items, token in self.client.pages(self.path, params, HEAVY, self.key, self._token(resume)):
            yield LogPage((), token, records=[record(item, fallback) for item in items])


class SignInStream(_ReportStream):
    name = "signins"
    description = "sign-in and sign-out activity (/report/activities)"
    categories: tuple[Category, ...] = (Category.AUTHENTICATION,)
    path = "/report/activities"
    key = "activity_logs"
    pii_keys = PII_KEYS["signins"]

    def record(self, item: Mapping[str, Any], fallback: str) -> VendorRecord:
        return signin_record(item, self.tenant, fallback)


class OperationStream(_ReportStream):
    name = "operations"
    description = "admin operation logs (/report/operationlogs)"
    categories: tuple[Category, ...] = (
        Category.SETTING_CHANGE, Category.ROLE_CHANGE, Category.USER_CHANGE, Category.RECORDING, Category.OTHER,
    )
    path = "/report/operationlogs"
    key = "operation_logs"
    pii_keys = PII_KEYS["operations"]

    def record(self, item: Mapping[str, Any], fallback: str) -> VendorRecord:
        return operation_record(item, self.tenant, fallback)


class ParticipantStream(ZoomStream):
    """Participants of the meetings that took place in the window.

    Per window: the active hosts and each host's past meetings (Heavy), found in a helper thread
    while the meetings already found have their participants read (Medium), so each label is used
    at its own pace instead of taking turns. ``readers`` meetings are read at the same time: each
    request waits on the network (hundreds of milliseconds against Zoom), so reading one meeting
    after another would use a small part of the Medium budget; the shared pace keeps the requests
    within the limit however many are in flight. Each meeting instance read in full is a unit
    (``meeting:<uuid>``): a resumed window skips it, so resuming costs the two report listings only.
    At most ``DISCOVERY_AHEAD`` meetings found are held ahead of the reading (report rows, not events).

    When a reader fails, no further meeting is started, the meetings being read are finished (or
    fail too), everything read is handed on - so it is committed with its units - and then the
    first error is raised.
    """

    name = "participants"
    description = "participants of past meetings and webinars (/past_meetings|past_webinars/{uuid}/participants)"
    categories: tuple[Category, ...] = (Category.PARTICIPANT,)
    pii_keys = PII_KEYS["participants"]
    readers = PARTICIPANT_READERS

    def pages(self, window: Window, resume: Resume) -> Iterator[LogPage]:
        first, last = _dates(window)
        params = {"from": first, "to": last}
        readers = max(1, self.readers)
        found: queue.Queue[tuple[str, dict[str, Any]] | None] = queue.Queue(maxsize=DISCOVERY_AHEAD)
        # (records, the unit they complete or None, what was skipped) | an error | None: a reader is done
        read: queue.Queue[tuple[list[VendorRecord], str | None, tuple[Skipped, ...]] | BaseException | None] = (
            queue.Queue(maxsize=2 * readers)
        )
        stop = threading.Event()  # the consumer is gone: everything ends now
        halt = threading.Event()  # an error: no new meeting is started

        def put(target: queue.Queue[Any], item: Any, *events: threading.Event) -> bool:
            while not any(e.is_set() for e in events):
                try:
                    target.put(item, timeout=0.05)
                    return True
                except queue.Full:
                    continue
            return False

        def discover() -> None:
            """The window's meetings (Heavy), found while their participants are read (Medium)."""
            try:
                hosts: list[str] = []
                for users, _ in self.client.pages("/report/users", {"type": "active", **params}, HEAVY, "users"):
                    hosts += [str(u["id"]) for u in users if u.get("id")]
                for host_id in hosts:
                    path = f"/report/users/{host_id}/meetings"
                    try:
                        for items, _ in self.client.pages(path, {**params, "type": "past"}, HEAVY, "meetings"):
                            for item in items:
                                unit = f"meeting:{item.get('uuid')}"
                                if item.get("uuid") and not resume.done(unit) and not put(
                                    found, (host_id, item), stop, halt
                                ):
                                    return
                    except NotFoundError as exc:
                        if str(exc.vendor_code) != "1001":
                            raise
                        # The host was deleted since (a teacher who left): Zoom no longer lists their
                        # meetings, so their participants in this window cannot be read.
                        gap = Skipped(window.start, window.end, f"zoom: host {host_id} no longer exists "
                                      f"({exc.message}); the participants of their meetings in this window "
                                      "cannot be listed")  # fmt: skip
                        if not put(read, ([], None, (gap,)), stop):
                            return
            except BaseException as exc:  # delivered to the consumer
                put(read, exc, stop)
            finally:
                for _ in range(readers):  # one end mark per reader
                    put(found, None, stop, halt)

        def reader() -> None:
            try:
                while not halt.is_set():
                    try:
                        got = found.get(timeout=0.05)
                    except queue.Empty:
                        if stop.is_set():
                            return
                        continue
                    if got is None:
                        return
                    host_id, item = got
                    unit = f"meeting:{item['uuid']}"
                    webinar = item.get("type") in WEBINAR_TYPES
                    for records, complete, skipped in self._participants(item["uuid"], meeting_context(item, host_id),
                                                                          webinar=webinar):
                        if not put(read, (records, unit if complete else None, skipped), stop):
                            return
            except BaseException as exc:  # delivered to the consumer
                put(read, exc, stop)
            finally:
                put(read, None, stop)

        threads = [threading.Thread(target=discover, name="confkit-zoom-meetings", daemon=True)]
        threads += [
            threading.Thread(target=reader, name=f"confkit-zoom-participants-{n}", daemon=True) for n in range(readers)
        ]
        for thread in threads:
            thread.start()
        try:
            # Small meetings are committed together, up to a page's worth of events: one transaction
            # per meeting would cost more than reading it.
            batch: list[VendorRecord] = []
            done: list[str] = []
            gaps: list[Skipped] = []
            error: BaseException | None = None
            running = readers
            while running:
                got = read.get()
                if got is None:
                    running -= 1
                    continue
                if isinstance(got, BaseException):
                    if error is None:
                        error = got
                        halt.set()
                    continue
                records, unit, skipped = got
                batch += records
                gaps += skipped
                if unit is not None:
                    done.append(unit)
                if len(batch) >= PAGE_SIZE:
                    yield LogPage((), "participants", completes=done, records=batch, skipped=gaps)
                    batch, done, gaps = [], [], []
            if error is not None:
                if batch or done or gaps:
                    yield LogPage((), "participants", completes=done, records=batch, skipped=gaps)
                raise error
            yield LogPage((), None, completes=done, records=batch, skipped=gaps)
        finally:
            stop.set()
            for thread in threads:
                while thread.is_alive():
                    for pending in (found, read):
                        with contextlib.suppress(queue.Empty):
                            while True:
                                pending.get_nowait()
                    thread.join(0.05)

    def _participants(self, uuid: str, context: dict[str, Any], *, webinar: bool = False
                      ) -> Iterator[tuple[list[VendorRecord], bool, tuple[Skipped, ...]]]:
        """(records, whether the meeting is complete, what was skipped) per page of one instance's
        participants (a webinar's from ``/past_webinars``, with the scope ``webinar:read:admin``)."""
        from confkit.providers.zoom.provider import encode_meeting_id

        kind = "past_webinars" if webinar else "past_meetings"
        path = f"/{kind}/{encode_meeting_id(uuid)}/participants"
        fallback = context.get("start")
        try:
            for items, token in self.client.pages(path, {}, MEDIUM, "participants"):
                yield [participant_record(item, self.tenant, context, fallback) for item in items], token is None, ()
        except NotFoundError as exc:
            if exc.vendor_code is None or str(exc.vendor_code) == "3001":
                # Zoom no longer has the instance (3001): there is nothing left to collect from it.
                yield [], True, ()
            else:  # 1010 (400) or 1001 (404): "User ... not exist or not belong to this account"
                yield [], True, (self._skipped(uuid, context, f"{exc.message} (code {exc.vendor_code})", webinar),)
        except PermissionDeniedError as exc:
            if not webinar:
                raise
            # An app without the webinar scope (4700, 4711) or an account without webinars (200) still collects
            # every meeting; each webinar is a gap that says why. Token and credential failures are not caught.
            yield [], True, (self._skipped(uuid, context, f"{exc.message}; webinars' participants need the "
                                                          "scope webinar:read:admin (or webinar:read)"),)  # fmt: skip
        except InvalidRequestError as exc:
            if str(exc.vendor_code) not in MEETING_REFUSALS:
                raise
            yield [], True, (self._skipped(uuid, context, f"{exc.message} (code {exc.vendor_code})", webinar),)

    def _skipped(self, uuid: str, context: dict[str, Any], why: str, webinar: bool = True) -> Skipped:
        start = parse_time(context["start"]) if context.get("start") else None
        end = parse_time(context["end"]) if context.get("end") else None
        topic = f" ({context['topic']})" if context.get("topic") else ""
        what = "webinar" if webinar else "meeting"
        name = f"{what} {context.get('id') or '?'}{topic}, instance {uuid}"
        reason = f"zoom: the participants of {name} cannot be read: {why}"
        moment = start or end or self.client.clock.now()
        return Skipped(moment, end or moment, reason)


def log_streams(provider: ZoomProvider) -> list[LogStream]:
    """The Zoom account's log streams (``Provider.log_streams()`` finds this function)."""
    client = log_client(provider)
    return [SignInStream(client), OperationStream(client), ParticipantStream(client)]


__all__ = [
    "NORMALIZERS",
    "PII_KEYS",
    "OperationDetail",
    "OperationStream",
    "ParticipantStream",
    "SignInStream",
    "ZoomLogClient",
    "classify_operation",
    "log_client",
    "log_streams",
    "meeting_context",
    "operation_event",
    "operation_record",
    "parse_operation_detail",
    "participant_event",
    "participant_record",
    "role_rank",
    "signin_event",
    "signin_record",
]
