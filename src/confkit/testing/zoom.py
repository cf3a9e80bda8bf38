"""FakeZoom: a stateful, in-process fake of Zoom's REST API v2, served as an httpx transport.

Use it wherever a real Zoom account would be needed::

    fake = FakeZoom()
    teacher = fake.add_user("ada.adams@district.example", first_name="Ada", last_name="Adams")
    client = httpx.Client(transport=fake)          # no sockets, no network
    zoom = confkit.connect("zoom", client=client, account_id="fake-account-id",
                           client_id="fake-client-id", client_secret="fake-client-secret")

What it models, after Zoom's OpenAPI description (``specs/zoom/zoom-meeting-api.json``) and the
research notes (``notes/zoom.md`` §2, §3, §5): every JSON field it returns exists in the response
schema of its operation with the right type and enum value.

* Server-to-Server OAuth at ``POST https://zoom.us/oauth/token`` (Basic client auth, form body
  ``grant_type=account_credentials&account_id=...``; parameters in the query string get a 400).
  API calls need ``Authorization: Bearer <token>``; expiry runs on the injected clock.
* Users: ``GET/POST /users``, ``GET /users/{userId}`` (id, email or ``me``), ``PUT
  /users/{userId}/status``.
* Meetings: ``GET/POST /users/{userId}/meetings``, ``GET/PATCH/DELETE /meetings/{meetingId}``, with
  occurrences of recurring meetings expanded from the ``recurrence`` object (python-dateutil).
* Account settings and locked settings: ``GET/PATCH /accounts/{accountId}/settings`` (``option``
  none or ``meeting_security``/``security``) and ``GET/PATCH /accounts/{accountId}/lock_settings``.
* Zoom's error bodies ``{"code", "message"}`` (+ ``errors`` for code 300), the ``x-zm-trackingid``
  header, rate-limit headers, per-second/daily limits per plan (``enforce_rate_limits=True``) and
  the 100 meeting creates/updates per host per UTC day (always on).

Deliberate strictness: query parameters and body fields that the spec does not declare for an
operation are refused with code 300 (Zoom ignores them) so contract violations fail fast; set
``strict = False`` to ignore them as Zoom does. Account-setting keys are checked against the
seeded sections: assign into :attr:`FakeZoom.account_settings` to seed a key the fake lacks.
Requests to endpoints the fake does not model raise :class:`NotImplementedError`.
"""

from __future__ import annotations

import base64
import binascii
import copy
import hmac
import math
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from typing import Any, Literal, Protocol
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import httpx
from dateutil import rrule
from dateutil.relativedelta import relativedelta

from confkit.http.clock import Clock
from confkit.models import WaitingRoom
from confkit.recurrence import Frequency, Recurrence, split_by_day
from confkit.sandbox import SUBJECTS, ClassMeeting, District, SandboxPlatform
from confkit.testing._fake import (
    UNKNOWN_FIELD,
    Call,
    CursorError,
    Cursors,
    FakeAPI,
    Fault,
    Problem,
    Reply,
    Route,
    Shape,
    Timeline,
    canonical_json,
    deep_merge,
    iso,
    json_response,
    route,
    shape_of,
    validate,
)
from confkit.testing._zoom_spec import (
    ACTIVITY_FIELDS,
    ACTIVITY_TYPES,
    CLIENT_TYPES,
    CLIENT_VERSIONS,
    CREATE_OMITS,
    DAILY,
    DAILY_MESSAGE,
    DEFAULT_TIMEZONE,
    FROM_AFTER_TO_MESSAGE,
    HEAVY,
    HOST_DAILY_MESSAGE,
    LIGHT,
    MAX_OCCURRENCES,
    MEDIUM,
    MEETING_CREATE,
    MEETING_FIELD_ORDER,
    MEETING_LIST_FIELDS,
    MEETING_UPDATE,
    MEETING_WRITES_PER_HOST_PER_DAY,
    NO_PERMISSION_MESSAGE,
    OCCURRENCE_UPDATE,
    ONE_MONTH_MESSAGE,
    OPERATION_CATEGORIES,
    OPERATION_CATEGORY_OF,
    OPERATION_FIELDS,
    OPTION_SECTIONS,
    PAGE_TOKEN_TTL,
    PARTICIPANT_FIELDS,
    PASSCODE_RULES,
    PAST_MEETING_DAYS,
    PAST_MEETING_FIELDS,
    PER_SECOND,
    PLAN_ALIASES,
    QPS_MESSAGE,
    RECENT_MONTHS_MESSAGE,
    REPORT_MEETING_FIELDS,
    REPORT_MONTHS_BACK,
    ROLES,
    SCOPES,
    SETTINGS_ENUMS,
    UNMODELLED_OPTIONS,
    USER_CREATE,
    USER_FIELDS,
    USER_LIST_FIELDS,
    USER_STATUS,
    WEB,
    WEBINAR_TYPES,
    WRITE_ONLY_SETTINGS,
    YEAR_AGO_MESSAGE,
    default_account_settings,
    default_lock_settings,
)


def _stored_settings(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.get("settings", {}).items() if k not in WRITE_ONLY_SETTINGS}


# -- errors ------------------------------------------------------------------------------------------


def zoom_error(status: int, code: int, message: str, problems: list[Problem] | None = None) -> Reply:
    """Zoom's error body ``{"code", "message"}``, with ``errors[]`` for validation failures."""
    body: dict[str, Any] = {"code": code, "message": message}
    if problems:
        body["errors"] = [{"field": f, "message": m} for f, m in problems]
    return Reply(status, body)


def invalid(*problems: Problem) -> Reply:
    return zoom_error(400, 300, "Validation Failed.", list(problems))


def _next_midnight(moment: datetime) -> datetime:
    return datetime.combine(moment.date() + timedelta(days=1), datetime.min.time(), tzinfo=UTC)


# -- time and recurrence -------------------------------------------------------------------------------

ZOOM_WEEKDAYS = {1: rrule.SU, 2: rrule.MO, 3: rrule.TU, 4: rrule.WE, 5: rrule.TH, 6: rrule.FR, 7: rrule.SA}


def _zone(name: str, field: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        raise invalid((field, f"{name!r} is not a time zone ID")) from None


def _parse_time(value: str, tz: str, field: str) -> datetime:
    """``2026-01-05T14:00:00Z`` (UTC) or ``2026-01-05T09:00:00`` (local time in ``tz``)."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise invalid((field, "must be yyyy-MM-ddTHH:mm:ssZ or yyyy-MM-ddTHH:mm:ss")) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=_zone(tz, "timezone"))
    return parsed.astimezone(UTC).replace(microsecond=0)


def _check_recurrence(rec: dict[str, Any]) -> None:
    kind = rec.get("type")
    if kind is None:
        raise invalid(("recurrence.type", "is required"))
    limit = {1: 90, 2: 12, 3: 3}[kind]
    if rec.get("repeat_interval", 1) > limit:
        raise invalid(("recurrence.repeat_interval", f"must be at most {limit} for this recurrence type"))
    if "end_times" in rec and "end_date_time" in rec:
        raise invalid(("recurrence.end_date_time", "cannot be used together with end_times"))
    if kind == 2 and not rec.get("weekly_days"):
        raise invalid(("recurrence.weekly_days", "is required for a weekly recurrence"))
    if kind == 3 and "monthly_day" not in rec and not ("monthly_week" in rec and "monthly_week_day" in rec):
        raise invalid(("recurrence.monthly_day", "a monthly recurrence needs monthly_day or monthly_week(_day)"))
    if "end_date_time" in rec:
        _parse_time(rec["end_date_time"], "UTC", "recurrence.end_date_time")


def expand_recurrence(rec: dict[str, Any], start: datetime, tz: str) -> list[datetime]:
    """The UTC start times of a recurrence, wall-clock in ``tz`` across DST (at most 60).

    A ``monthly_day`` a month lacks (31 in April) skips that month, as RFC 5545 does; whether Zoom
    moves it to the month's last day is not documented.
    """
    kind = rec["type"]
    kwargs: dict[str, Any] = {
        "dtstart": start.astimezone(ZoneInfo(tz)),
        "interval": rec.get("repeat_interval", 1),
    }
    if kind == 2:
        kwargs["byweekday"] = [ZOOM_WEEKDAYS[int(d)] for d in rec["weekly_days"].split(",")]
    elif kind == 3 and "monthly_day" in rec:
        kwargs["bymonthday"] = rec["monthly_day"]
    elif kind == 3:
        kwargs["byweekday"] = ZOOM_WEEKDAYS[rec["monthly_week_day"]](rec["monthly_week"])
    if "end_date_time" in rec:
        kwargs["until"] = _parse_time(rec["end_date_time"], "UTC", "recurrence.end_date_time")
    else:
        kwargs["count"] = rec.get("end_times", 1)
    freq: dict[int, Literal[1, 2, 3]] = {1: rrule.DAILY, 2: rrule.WEEKLY, 3: rrule.MONTHLY}
    out: list[datetime] = []
    for moment in rrule.rrule(freq[kind], **kwargs):
        out.append(moment.astimezone(UTC))
        if len(out) >= MAX_OCCURRENCES:
            break
    return out


def _occurrence_start(occurrence: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(occurrence["start_time"])


# -- audit-log traffic: bulk generation ---------------------------------------------------------------

_MASK = (1 << 64) - 1
_BULK_FIRST = ("Ada", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivan", "Jo", "Kai", "Lena", "Milo",
               "Nia", "Omar", "Pia", "Quin", "Rosa", "Sam", "Tara", "Uma", "Vic", "Wes", "Xena", "Yara", "Zed")
_BULK_LAST = ("Adams", "Baker", "Chen", "Diaz", "Evans", "Fox", "Garcia", "Hill", "Ito", "Jones", "Khan", "Lopez",
              "Moore", "Nguyen", "Ortiz", "Patel", "Reyes", "Smith", "Tran", "Usman", "Vega", "White", "Young", "Zhou")
_BULK_SUBJECTS = ("Algebra I", "Biology", "World History", "English 9", "Chemistry", "Geometry", "Spanish II",
                  "Physics", "Art", "Music", "Civics", "Computer Science")
#: (category_type, action, operation_detail template) of generated operation logs; the first ones are
#: the real strings quoted in notes/zoom.md §4 (note the double space before "-").
_OPERATION_TEMPLATES: tuple[tuple[str, str, str], ...] = (
    ("Account", "Update", "Security  - Require a passcode when scheduling new meetings: from {a} to {b}"),
    ("User", "Batch Update", "Change Role  - {email}: from {r1} to {r2}"),
    ("User Group", "Update", "Edit Group {group}  - Personal Meeting ID (PMI) Passcode: from {a} to {b}"),
    ("Account", "Update", "Sign-in Methods  - Allow users to sign in with Google: from {a} to {b}"),
    ("Account", "Update", "Security  - Sign in with Two-Factor Authentication: from {a} to {b}"),
    ("Account", "Update", "Meeting  - Waiting Room: from {a} to {b}"),
    ("User", "Add", "Add User  - {email}"),
    ("User", "Delete", "Delete User  - {email}"),
    ("User", "Update", "Update User  - {email}"),
    ("Recording", "Delete", "Delete Recording  - {topic}"),
    ("Role", "Update", "Edit Role Teachers  - Meeting: from View to Edit"),
    ("User Settings", "Update", "Edit User {email}  - Join before host: from {a} to {b}"),
)
_ROLES_SEEN = ("Member", "Admin", "Co-Owner", "Billing Admin", "Owner")


def _mix(seed: int, i: int) -> int:
    """A fast deterministic 64-bit hash of ``(seed, i)`` (splitmix64 finalizer)."""
    z = (seed * 0x9E3779B97F4A7C15 + (i + 1) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


def _iso_s(second: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(second))


class _Rows(Protocol):
    """What :meth:`FakeZoom._page` pages over: a list, or rows computed on demand."""

    def __len__(self) -> int: ...

    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...


class _Newest:
    """Rows ``lo..hi-1`` of a generator, newest (highest index) first, made only when sliced."""

    def __init__(self, make: Callable[[int], dict[str, Any]], lo: int, hi: int) -> None:
        self.make, self.lo, self.hi = make, lo, max(lo, hi)

    def __len__(self) -> int:
        return self.hi - self.lo

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        start, stop, _ = index.indices(len(self))
        return [self.make(self.hi - 1 - k) for k in range(start, stop)]


class _Chain:
    """Several row sources one after the other."""

    def __init__(self, *parts: _Rows) -> None:
        self.parts = [p for p in parts if len(p)]

    def __len__(self) -> int:
        return sum(len(p) for p in self.parts)

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        start, stop, _ = index.indices(len(self))
        out: list[dict[str, Any]] = []
        offset = 0
        for part in self.parts:
            size = len(part)
            lo, hi = max(start - offset, 0), min(stop - offset, size)
            if lo < hi:
                out += part[lo:hi]
            offset += size
            if offset >= stop:
                break
        return out


class _Mapped:
    """Rows of a source mapped one by one when sliced."""

    def __init__(self, source: _Rows, fn: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
        self.source, self.fn = source, fn

    def __len__(self) -> int:
        return len(self.source)

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        return [self.fn(row) for row in self.source[index]]




@dataclass(frozen=True)
class LogTraffic:
    """What :meth:`FakeZoom.generate_log_traffic` added: counts per stream and the time span."""

    signins: int
    operations: int
    meetings: int
    participants_per_meeting: int
    hosts: int
    start: datetime
    end: datetime

    @property
    def participants(self) -> int:
        return self.meetings * self.participants_per_meeting

    @property
    def events(self) -> int:
        return self.signins + self.operations + self.participants


class _BulkLogs:
    """Log records computed from their index: millions of realistic records in constant memory."""

    def __init__(self, traffic: LogTraffic, seed: int, domain: str) -> None:
        self.traffic = traffic
        self.seed = seed
        self.domain = domain
        start, span = int(traffic.start.timestamp()), int((traffic.end - traffic.start).total_seconds())
        self.signin_times = Timeline(traffic.signins, start, span) if traffic.signins else None
        self.operation_times = Timeline(traffic.operations, start, span) if traffic.operations else None
        self.meeting_times = Timeline(traffic.meetings, start, span) if traffic.meetings else None

    def _email(self, u: int, domain: str) -> str:
        first, last = _BULK_FIRST[u % 26].lower(), _BULK_LAST[(u // 26) % 24].lower()
        return f"{first}.{last}{u // 624}@{domain}"

    def signin(self, i: int) -> dict[str, Any]:
        assert self.signin_times is not None
        h = _mix(self.seed, i)
        return {
            "email": self._email(h % 3000, self.domain),
            "time": _iso_s(self.signin_times.at(i)),
            "type": ACTIVITY_TYPES[(h >> 12) & 1],
            "ip_address": f"{(h >> 16) % 200 + 11}.{(h >> 24) & 255}.{(h >> 32) & 255}.{(h >> 40) % 254 + 1}",
            "client_type": CLIENT_TYPES[(h >> 48) % len(CLIENT_TYPES)],
            "version": CLIENT_VERSIONS[(h >> 52) % len(CLIENT_VERSIONS)],
        }

    def operation(self, i: int) -> dict[str, Any]:
        assert self.operation_times is not None
        h = _mix(self.seed + 1, i)
        category, action, template = _OPERATION_TEMPLATES[h % len(_OPERATION_TEMPLATES)]
        on = (h >> 8) & 1
        r1 = _ROLES_SEEN[(h >> 10) % len(_ROLES_SEEN)]
        detail = template.format(
            a="On" if on else "Off", b="Off" if on else "On", email=self._email((h >> 16) % 3000, self.domain),
            r1=r1, r2=_ROLES_SEEN[((h >> 10) + 1 + (h >> 13) % 4) % len(_ROLES_SEEN)],
            group=("Students", "Teachers", "Staff")[(h >> 20) % 3],
            topic=f"{_BULK_SUBJECTS[(h >> 24) % 12]} - P{(h >> 28) % 7 + 1}",
        )
        operator = ("it.admin", "security", "helpdesk")[(h >> 32) % 3]
        return {
            "time": _iso_s(self.operation_times.at(i)),
            "operator": f"{operator}@{self.domain}",
            "category_type": category,
            "action": action,
            "operation_detail": detail,
        }

    # -- meetings and participants ---------------------------------------------------------------

    def host(self, index: int) -> dict[str, Any]:
        h = _mix(self.seed + 2, index)
        uid = base64.urlsafe_b64encode(h.to_bytes(8, "big") + index.to_bytes(8, "big")).rstrip(b"=").decode()
        first, last = _BULK_FIRST[index % 26], _BULK_LAST[(index // 26) % 24]
        email = f"{first.lower()}.{last.lower()}{index // 624}@{self.domain}"
        return {"id": uid, "email": email, "user_name": f"{first} {last}", "type": 2, "dept": "Teachers"}

    def host_index(self, user_id: str) -> int | None:
        try:
            raw = base64.urlsafe_b64decode(user_id + "=" * (-len(user_id) % 4))
        except (binascii.Error, ValueError):
            return None
        if len(raw) != 16:
            return None
        index = int.from_bytes(raw[8:], "big")
        if index >= self.traffic.hosts or self.host(index)["id"] != user_id:
            return None
        return index

    def meeting_uuid(self, m: int) -> str:
        h = _mix(self.seed + 3, m)
        mask = _mix(self.seed + 4, 0) & 0xFFFFFFFF
        raw = h.to_bytes(8, "big") + (h >> 32).to_bytes(4, "big") + (m ^ mask).to_bytes(4, "big")
        return base64.b64encode(raw).decode()

    def meeting_index(self, uuid: str) -> int | None:
        try:
            raw = base64.b64decode(uuid, validate=True)
        except (binascii.Error, ValueError):
            return None
        if len(raw) != 16:
            return None
        m = int.from_bytes(raw[12:], "big") ^ (_mix(self.seed + 4, 0) & 0xFFFFFFFF)
        if m >= self.traffic.meetings or self.meeting_uuid(m) != uuid:
            return None
        return m

    def meeting(self, m: int) -> dict[str, Any]:
        """The past-meeting instance ``m`` (the shape FakeZoom keeps in :attr:`FakeZoom.past_meetings`)."""
        assert self.meeting_times is not None
        h = _mix(self.seed + 5, m)
        host = self.host(m % self.traffic.hosts)
        start = self.meeting_times.at(m)
        end = start + 2700 + (h % 900)
        return {
            "uuid": self.meeting_uuid(m), "id": 80_000_000_000 + m, "host_id": host["id"],
            "host_email": host["email"], "host_name": host["user_name"], "type": 2,
            "topic": f"{_BULK_SUBJECTS[h % 12]} - P{(h >> 8) % 7 + 1}",
            "start_time": _iso_s(start), "end_time": _iso_s(end), "participants": None, "bulk": m,
        }

    def participants(self, m: int) -> list[dict[str, Any]]:
        meeting = self.meeting(m)
        start = int(datetime.fromisoformat(meeting["start_time"]).timestamp())
        end = int(datetime.fromisoformat(meeting["end_time"]).timestamp())
        out = []
        for j in range(self.traffic.participants_per_meeting):
            h = _mix(self.seed + 6 + m, j)
            join = start + j * 5
            leave = max(join + 60, end - (h % 300))
            if j == 0:
                uid, email, name = meeting["host_id"], meeting["host_email"], meeting["host_name"]
            elif h % 10 == 0:  # a guest: not signed in, not in the account
                uid, email, name = "", "", f"Guest {h % 10000}"
            else:
                u = (h >> 8) % 5000
                uid = base64.urlsafe_b64encode(h.to_bytes(8, "big") + u.to_bytes(8, "big")).rstrip(b"=").decode()
                email = self._email(u, "students." + self.domain)
                name = f"{_BULK_FIRST[u % 26]} {_BULK_LAST[(u // 26) % 24]}"
            status = "in_waiting_room" if j and h % 37 == 0 else "in_meeting"
            out.append({
                "id": uid, "user_id": str(16778240 + j), "name": name, "user_email": email,
                "join_time": _iso_s(join), "leave_time": _iso_s(leave), "duration": leave - join,
                "failover": False, "status": status,
            })
        return out


# -- the fake ------------------------------------------------------------------------------------------


class _MeetingTable(dict[int, dict[str, Any]]):
    """:attr:`FakeZoom.meetings`: a plain dict of meetings by id that also keeps each host's meeting ids
    (in insertion order), so ``GET /users/{userId}/meetings`` costs O(that host's meetings) instead of a
    scan and sort of the whole account. Every way of adding, replacing or removing an entry updates the
    index; a meeting's ``host_id`` is never changed in place (replace the meeting to move it)."""

    def __init__(self, items: Iterable[tuple[int, dict[str, Any]]] = ()) -> None:
        super().__init__()
        self._by_host: dict[str, dict[int, None]] = {}  # host id -> meeting ids (an ordered set)
        self._host_of: dict[int, str] = {}
        for key, value in items:
            self[key] = value

    def __reduce__(self) -> Any:
        # copy/deepcopy/pickle rebuild the index from the items instead of sharing the original's
        return (type(self), (), None, None, iter(self.items()))

    def _unindex(self, key: int) -> None:
        host = self._host_of.pop(key, None)
        if host is not None:
            ids = self._by_host[host]
            ids.pop(key, None)
            if not ids:
                del self._by_host[host]

    def __setitem__(self, key: int, value: dict[str, Any]) -> None:
        self._unindex(key)
        super().__setitem__(key, value)
        host = str(value.get("host_id", ""))
        self._host_of[key] = host
        self._by_host.setdefault(host, {})[key] = None

    def __delitem__(self, key: int) -> None:
        super().__delitem__(key)
        self._unindex(key)

    def pop(self, key: int, *default: Any) -> Any:
        if key in self:
            value = self[key]
            del self[key]
            return value
        return super().pop(key, *default)

    def popitem(self) -> tuple[int, dict[str, Any]]:
        key, value = super().popitem()
        self._unindex(key)
        return key, value

    def setdefault(self, key: int, default: dict[str, Any] | None = None) -> Any:
        if key not in self:
            self[key] = default if default is not None else {}
        return self[key]

    def update(self, *args: Any, **kwargs: Any) -> None:
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def __ior__(self, other: Any) -> _MeetingTable:  # type: ignore[override,misc]
        self.update(other)
        return self

    def clear(self) -> None:
        super().clear()
        self._by_host.clear()
        self._host_of.clear()

    def of_host(self, host_id: str) -> list[dict[str, Any]]:
        """The meetings whose ``host_id`` is ``host_id``, in the order they were stored."""
        return [self[key] for key in self._by_host.get(host_id, ())]


class FakeZoom(FakeAPI):
    """A faithful, stateful, in-process fake of Zoom's REST API v2 (an ``httpx`` transport).

    Like every :class:`~confkit.testing.FakeAPI` it is an :class:`httpx.MockTransport`, so VCR.py
    records its traffic (``make record``) and ``httpx.AsyncClient`` works too.

    State is plain JSON-able dicts exactly as Zoom returns them, open to tests for seeding and
    assertions: :attr:`users` (by user id, the ``GET /users/{userId}`` shape), :attr:`meetings` (by
    meeting id, the ``GET /meetings/{meetingId}`` shape), :attr:`account_settings` and
    :attr:`lock_settings` (by section). :attr:`requests` logs every request received, in order.

    ``clock`` drives token expiry, rate-limit windows and "now"; ``seed`` makes ids, passcodes and
    tokens reproducible; ``plan`` (free, pro, business) picks Zoom's rate limits, enforced only with
    ``enforce_rate_limits=True`` (the per-host limit of 100 meeting creates/updates a day always is).
    """

    BASE_URL = "https://api.zoom.us/v2"
    TOKEN_URL = "https://zoom.us/oauth/token"

    def __init__(
        self,
        *,
        account_id: str = "fake-account-id",
        client_id: str = "fake-client-id",
        client_secret: str = "fake-client-secret",
        clock: Clock | None = None,
        token_ttl: int = 3600,
        enforce_rate_limits: bool = False,
        plan: str = "business",
        seed: int = 0,
    ) -> None:
        super().__init__(clock=clock, seed=seed)
        plan_key = PLAN_ALIASES.get(plan.lower(), plan.lower())
        if plan_key not in PER_SECOND:
            raise ValueError(f"unknown Zoom plan {plan!r}; use free, pro or business")
        self.account_id = account_id
        self.client_id = client_id
        self.client_secret = client_secret
        self.token_ttl = token_ttl
        self.enforce_rate_limits = enforce_rate_limits
        self.plan = plan_key
        #: Refuse undeclared query parameters and body fields (Zoom ignores them).
        self.strict = True
        self.users: dict[str, dict[str, Any]] = {}
        self.meetings: _MeetingTable = _MeetingTable()
        self.account_settings: dict[str, dict[str, Any]] = default_account_settings()
        self.lock_settings: dict[str, dict[str, Any]] = default_lock_settings()
        self.tokens_issued = 0
        self._tokens: dict[str, datetime] = {}
        self._expired: set[str] = set()
        self._cursors = Cursors(self, ttl=PAGE_TOKEN_TTL)
        self._second: tuple[int, dict[str, int]] = (-1, {})
        self._day: tuple[date | None, dict[str, int]] = (None, {})
        self._host_writes: tuple[date | None, dict[str, int]] = (None, {})
        self._deleted_occurrences: dict[int, set[str]] = {}
        self._occurrence_changes: dict[int, dict[str, dict[str, Any]]] = {}
        self._account_number = self.rng.randint(10_000_000, 99_999_999)
        #: Audit logs served by the report endpoints, as Zoom returns them (seed with add_sign_in,
        #: add_operation_log, add_past_meeting; or generate_log_traffic for volume).
        self.activity_logs: list[dict[str, Any]] = []
        self.operation_logs: list[dict[str, Any]] = []
        #: Ended meeting instances by UUID: the report's meeting fields plus ``participants``.
        self.past_meetings: dict[str, dict[str, Any]] = {}
        self._bulk: _BulkLogs | None = None
        self._sandbox_logs: District | None = None

    # -- seeding (no HTTP) ----------------------------------------------------------------------------

    def add_user(
        self,
        email: str,
        *,
        first_name: str = "",
        last_name: str = "",
        type: int = 2,
        status: str = "active",
        **extra: Any,
    ) -> dict[str, Any]:
        """Add a user directly (no HTTP) and return the stored ``GET /users/{userId}`` dict.

        The first user added is the account owner (``role_id`` ``"0"``), whom ``/users/me``
        resolves to; later ones are members. ``extra`` fields override the defaults.
        """
        if type not in (1, 2, 4, 99):
            raise ValueError(f"Zoom user type {type} is not 1, 2, 4 or 99")
        if status not in ("active", "inactive", "pending"):
            raise ValueError(f"Zoom user status {status!r} is not active, inactive or pending")
        with self._lock:
            if self._find_user(email) is not None:
                raise ValueError(f"a user with email {email!r} already exists")
            return self._new_user(email, first_name, last_name, type, status, extra)

    def add_meeting(self, host: str, body: dict[str, Any]) -> dict[str, Any]:
        """Create a meeting directly (no HTTP, no rate limits) and return the stored meeting.

        ``host`` is a user id or email; ``body`` is what ``POST /users/{userId}/meetings`` takes.
        Raises ``ValueError`` with Zoom's error body when Zoom would refuse it.
        """
        with self._lock:
            try:
                return self._create_meeting(self._user(host), body)
            except Reply as reply:
                raise ValueError(f"Zoom would refuse this meeting: {reply.body}") from None

    # -- audit logs: seeding (no HTTP) ----------------------------------------------------------------

    def add_sign_in(
        self,
        email: str,
        *,
        at: datetime | None = None,
        type: str = "Sign in",
        ip_address: str = "198.51.100.20",
        client_type: str = "Browser",
        version: str = "6.0.2.4680",
    ) -> dict[str, Any]:
        """Add one ``/report/activities`` record (``type`` "Sign in" or "Sign out") and return it."""
        if type not in ACTIVITY_TYPES:
            raise ValueError(f"Zoom activity type {type!r} is not one of {', '.join(ACTIVITY_TYPES)}")
        record = {"email": email, "time": iso(at or self.now()), "type": type, "ip_address": ip_address,
                  "client_type": client_type, "version": version}
        with self._lock:
            self.activity_logs.append(record)
        return record

    def add_operation_log(
        self, operator: str, category_type: str, action: str, operation_detail: str, *, at: datetime | None = None
    ) -> dict[str, Any]:
        """Add one ``/report/operationlogs`` record (``category_type`` in Title Case, e.g. "Account")."""
        if category_type not in OPERATION_CATEGORY_OF:
            raise ValueError(f"Zoom operation category {category_type!r} is not one of "
                             f"{', '.join(OPERATION_CATEGORY_OF)}")
        record = {"time": iso(at or self.now()), "operator": operator, "category_type": category_type,
                  "action": action, "operation_detail": operation_detail}
        with self._lock:
            self.operation_logs.append(record)
        return record

    def add_past_meeting(
        self,
        host: str,
        *,
        start: datetime,
        duration_minutes: int = 50,
        topic: str = "Zoom Meeting",
        participants: list[dict[str, Any]] | None = None,
        meeting_id: int | None = None,
        uuid: str | None = None,
        type: int = 2,
    ) -> dict[str, Any]:
        """Add an ended meeting instance hosted by ``host`` (user id or email); returns it.

        ``participants`` are ``/past_meetings/{uuid}/participants`` records; missing fields are
        filled (``join_time`` = start, ``leave_time`` = end, ``status`` in_meeting ...). Without
        ``uuid`` one is drawn from the meeting id and start, as stable as Zoom's per instance.
        """
        with self._lock:
            user = self._user(host)
            end = start + timedelta(minutes=duration_minutes)
            mid = meeting_id if meeting_id is not None else 80_000_000_000 + len(self.past_meetings)
            if uuid is None:
                digest = hmac.new(str(self.seed).encode(), f"{mid}:{iso(start)}".encode(), "sha256").digest()
                uuid = base64.b64encode(digest[:16]).decode()
            records = []
            for n, given in enumerate(participants or []):
                join = given.get("join_time", iso(start))
                leave = given.get("leave_time", iso(end))
                seconds = int((datetime.fromisoformat(leave) - datetime.fromisoformat(join)).total_seconds())
                record = {"id": "", "user_id": str(16778240 + n), "name": "", "user_email": "", "join_time": join,
                          "leave_time": leave, "duration": seconds, "failover": False, "status": "in_meeting"}
                unknown = set(given) - set(PARTICIPANT_FIELDS)
                if unknown:
                    raise ValueError(f"not fields of a Zoom participant: {', '.join(sorted(unknown))}")
                records.append(record | given)
            instance = {"uuid": uuid, "id": mid, "host_id": user["id"], "host_email": user["email"],
                        "host_name": user.get("display_name") or user["email"], "type": type, "topic": topic,
                        "start_time": iso(start), "end_time": iso(end), "participants": records}
            self.past_meetings[uuid] = instance
            return instance

    def generate_log_traffic(
        self,
        *,
        signins: int = 0,
        operations: int = 0,
        meetings: int = 0,
        participants_per_meeting: int = 25,
        hosts: int = 50,
        start: datetime | None = None,
        end: datetime | None = None,
        domain: str = "bulk-usd.example",
        seed: int | None = None,
    ) -> LogTraffic:
        """Serve large volumes of realistic log traffic in constant memory.

        Records are computed from their index when a page is requested: ``signins`` sign-in/out
        records, ``operations`` operation logs (settings weakened and restored, role changes, users
        added and deleted ... with Zoom's own ``operation_detail`` forms), and ``meetings`` ended
        meeting instances of ``hosts`` hosts with ``participants_per_meeting`` participants each
        (about one in ten a guest). They are spread evenly over ``[start, end)`` (default: the
        150 days up to an hour ago), newest first within a page, after any seeded records.
        Replaces earlier generated traffic. :meth:`log_records` lists everything served.
        """
        if participants_per_meeting < 2 and meetings:
            raise ValueError("Zoom reports meetings with at least two participants")
        if meetings and hosts < 1:
            raise ValueError("meetings need at least one host")
        end = end or self.now() - timedelta(hours=1)
        start = start or end - timedelta(days=150)
        traffic = LogTraffic(signins, operations, meetings, participants_per_meeting, hosts, start, end)
        with self._lock:
            self._bulk = _BulkLogs(traffic, self.seed if seed is None else seed, domain)
        return traffic

    def enable_sandbox_logs(self, district: District) -> None:
        """Serve the sandbox district's log traffic (made on the first log request, from the date)."""
        with self._lock:
            self._sandbox_logs = district

    def log_records(self, stream: Literal["signins", "operations", "participants"]) -> Iterator[dict[str, Any]]:
        """Every record the log endpoints serve as of now, within Zoom's six months (for checks).

        ``signins`` and ``operations`` yield the records; ``participants`` yields
        ``{"host_id", "meeting", "participant"}`` where ``meeting`` is the
        ``/report/users/{userId}/meetings`` item listing the instance.
        """
        self._logs_ready()
        now = self.now()
        floor = datetime.combine(now.date() - relativedelta(months=REPORT_MONTHS_BACK), datetime.min.time(), UTC)
        lo, hi = iso(floor), iso(now + timedelta(seconds=1))
        bulk = self._bulk
        if stream == "signins" or stream == "operations":
            explicit = self.activity_logs if stream == "signins" else self.operation_logs
            yield from (dict(r) for r in explicit if lo <= r["time"] < hi)
            if bulk is not None:
                times = bulk.signin_times if stream == "signins" else bulk.operation_times
                make = bulk.signin if stream == "signins" else bulk.operation
                if times is not None:
                    for i in range(times.index_at(int(floor.timestamp())), times.index_at(int(now.timestamp()) + 1)):
                        yield make(i)
            return
        instances = self._instances(floor, now + timedelta(seconds=1))
        for instance in instances[0:len(instances)]:
            people = self._participants_of(instance)
            if len(people) < 2:
                continue
            item = self._report_meeting(instance, people)
            for person in people:
                yield {"host_id": instance["host_id"], "meeting": item, "participant": person}


    # -- faults (see FakeAPI for fail_next, server_error_next, reset_connection_next, slow) -----------

    def rate_limit_next(
        self, kind: Literal["qps", "daily", "host_daily"] = "qps", *, times: int = 1, path: str | None = None
    ) -> None:
        """Answer the next matching request(s) with Zoom's real 429 for a per-second (``qps``),
        account daily (``daily``) or per-host meeting create/update (``host_daily``) limit."""
        if kind not in ("qps", "daily", "host_daily"):
            raise ValueError("kind must be qps, daily or host_daily")

        def respond(request: httpx.Request) -> httpx.Response:
            matched = self.match(request)
            label = str(matched[0].meta.get("label") or LIGHT) if matched else LIGHT
            return self._too_many(kind, label).response()

        self.add_fault(Fault(times, path, respond=respond))

    def expire_tokens(self) -> None:
        """Every access token issued so far now answers 401 ``Access token is expired.``"""
        with self._lock:
            self._expired.update(self._tokens)

    def snapshot(self) -> str:
        """Canonical JSON of users, meetings, account and lock settings, for byte-for-byte comparisons."""
        with self._lock:
            return canonical_json(
                {
                    "users": self.users,
                    "meetings": {str(k): v for k, v in self.meetings.items()},
                    "account_settings": self.account_settings,
                    "lock_settings": self.lock_settings,
                }
            )

    # -- hooks of FakeAPI ------------------------------------------------------------------------------

    def fault_applies(self, request: httpx.Request) -> bool:
        # A fault without a path spares the token endpoint: it targets API calls.
        return str(request.url.copy_with(query=None)) != self.TOKEN_URL

    def error_body(self, status: int) -> Any:
        if status == 401:
            return {"code": 124, "message": "Invalid access token."}
        if status == 429:
            return {"code": 429, "message": QPS_MESSAGE}
        return {"code": status, "message": httpx.codes.get_reason_phrase(status) or "Error"}

    def undeclared_query(self, call: Call, names: list[str]) -> Reply | None:
        if not self.strict:
            return None
        return invalid(*((name, "is not a query parameter of this operation") for name in names))

    def before(self, call: Call) -> None:
        if not call.route.meta.get("api", True):
            return
        self._authenticate(call.request)
        self._count_request(call)

    def after(self, call: Call, response: httpx.Response) -> None:
        rate = call.state.get("rate")
        if rate is not None and response.status_code != 429:
            label, limit, remaining = rate
            response.headers["x-ratelimit-category"] = label
            response.headers["x-ratelimit-limit"] = str(limit)
            response.headers["x-ratelimit-remaining"] = str(max(0, remaining))

    def decorate(self, request: httpx.Request, response: httpx.Response) -> None:
        rid = "".join(self.noise.choice("0123456789abcdef") for _ in range(32))
        response.headers["x-zm-trackingid"] = f"v=2.0;clid=us06;rid=WEB_{rid}"
        response.headers.setdefault("Date", format_datetime(self.now(), usegmt=True))

    # -- auth and limits --------------------------------------------------------------------------------

    def _authenticate(self, request: httpx.Request) -> None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or token not in self._tokens:
            raise zoom_error(401, 124, "Invalid access token.")
        if token in self._expired or self.now() >= self._tokens[token]:
            raise zoom_error(401, 124, "Access token is expired.")

    def _count_request(self, call: Call) -> None:
        label = str(call.route.meta["label"])
        second = int(self.clock.monotonic())
        if self._second[0] != second:
            self._second = (second, {})
        today = self.now().date()
        if self._day[0] != today:
            self._day = (today, {})
        in_second = self._second[1][label] = self._second[1].get(label, 0) + 1
        in_day = self._day[1][label] = self._day[1].get(label, 0) + 1
        per_second = PER_SECOND[self.plan][label]
        daily = DAILY[self.plan].get(label)
        if self.enforce_rate_limits and in_second > per_second:
            raise self._too_many("qps", label)
        if self.enforce_rate_limits and daily is not None and in_day > daily:
            raise self._too_many("daily", label)
        call.state["rate"] = (label, daily, daily - in_day) if daily else (label, per_second, per_second - in_second)

    def _count_host_write(self, host_id: str, label: str) -> None:
        today = self.now().date()
        if self._host_writes[0] != today:
            self._host_writes = (today, {})
        count = self._host_writes[1][host_id] = self._host_writes[1].get(host_id, 0) + 1
        if count > MEETING_WRITES_PER_HOST_PER_DAY:
            raise self._too_many("host_daily", label)

    def _too_many(self, kind: str, label: str) -> Reply:
        headers = {"X-RateLimit-Category": label, "X-RateLimit-Remaining": "0"}
        if kind == "qps":
            headers |= {"X-RateLimit-Type": "QPS", "X-RateLimit-Limit": str(PER_SECOND[self.plan][label]),
                        "Retry-After": "1"}
            return Reply(429, {"code": 429, "message": QPS_MESSAGE}, headers)
        headers |= {"X-RateLimit-Type": "Daily-limit", "Retry-After": iso(_next_midnight(self.now()))}
        if kind == "host_daily":
            headers["X-RateLimit-Limit"] = str(MEETING_WRITES_PER_HOST_PER_DAY)
            return Reply(429, {"code": 429, "message": HOST_DAILY_MESSAGE}, headers)
        daily = DAILY[self.plan].get(label)
        if daily is not None:
            headers["X-RateLimit-Limit"] = str(daily)
        return Reply(429, {"code": 429, "message": DAILY_MESSAGE}, headers)

    # -- token endpoint -----------------------------------------------------------------------------------

    @route("POST", TOKEN_URL, query=None, api=False)
    def _token(self, call: Call) -> httpx.Response:
        if call.request.url.query:
            return json_response(400, {"reason": "Bad Request", "error": "invalid_request"})
        if not self._client_ok(call.request.headers.get("authorization", "")):
            return json_response(401, {"reason": "Invalid client_id or client_secret", "error": "invalid_client"})
        form = call.form()
        if form.get("grant_type") != "account_credentials":
            return json_response(400, {"reason": "Unsupported grant type", "error": "unsupported_grant_type"})
        if form.get("account_id") != self.account_id:
            return json_response(400, {"reason": "Account does not enabled REST API.", "error": "invalid_request"})
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        token = "".join(self.noise.choice(alphabet) for _ in range(64))
        self._tokens[token] = self.now() + timedelta(seconds=self.token_ttl)
        self.tokens_issued += 1
        return json_response(
            200, {"access_token": token, "token_type": "bearer", "expires_in": self.token_ttl, "scope": SCOPES}
        )

    def _client_ok(self, header: str) -> bool:
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            decoded = base64.b64decode(encoded, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return False
        client_id, _, secret = decoded.partition(":")
        same_id = hmac.compare_digest(unquote(client_id).encode(), self.client_id.encode())
        return same_id and hmac.compare_digest(unquote(secret).encode(), self.client_secret.encode())

    # -- users ------------------------------------------------------------------------------------------------

    def _find_user(self, ref: str) -> dict[str, Any] | None:
        if ref == "me":  # with Server-to-Server OAuth: the account owner
            owners = [u for u in self.users.values() if u.get("role_id") == "0"] or list(self.users.values())
            return owners[0] if owners else None
        if ref in self.users:
            return self.users[ref]
        lowered = ref.lower()
        return next((u for u in self.users.values() if str(u.get("email", "")).lower() == lowered), None)

    def _user(self, ref: str, message: str = "User does not exist: {}.") -> dict[str, Any]:
        found = self._find_user(ref)
        if found is None:
            raise zoom_error(404, 1001, message.format(ref))
        return found

    def _new_user(
        self, email: str, first: str, last: str, kind: int, status: str, extra: dict[str, Any]
    ) -> dict[str, Any]:
        uid = base64.urlsafe_b64encode(self.rng.randbytes(16)).rstrip(b"=").decode()
        role = "0" if not self.users else "2"
        pmi = self.rng.randint(1_000_000_000, 9_999_999_999)
        created = iso(self.now())
        user: dict[str, Any] = {
            "id": uid, "first_name": first, "last_name": last, "display_name": f"{first} {last}".strip() or email,
            "email": email, "type": kind, "role_name": ROLES[role], "pmi": pmi, "use_pmi": False,
            "personal_meeting_url": f"{WEB}/j/{pmi}", "timezone": DEFAULT_TIMEZONE, "verified": 1, "dept": "",
            "created_at": created, "user_created_at": created, "language": "en-US", "status": status,
            "role_id": role, "account_id": self.account_id, "account_number": self._account_number,
            "cluster": "us06", "login_types": [100], "group_ids": [], "im_group_ids": [],
            "jid": f"{uid.lower()}@xmpp.zoom.us",
        }
        user.update(extra)
        self.users[user["id"]] = user
        return user

    def _user_view(self, user: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in user.items() if k in USER_FIELDS}

    @route("GET", "/users", query=("status", "page_size", "role_id", "page_number", "include_fields",
                                   "next_page_token", "license"), label=MEDIUM)
    def _list_users(self, call: Call) -> httpx.Response:
        status = call.query.get("status", "active")
        if status not in ("active", "inactive", "pending"):
            raise invalid(("status", "must be one of active, inactive, pending"))
        include = call.query.get("include_fields")
        if include is not None and include not in ("custom_attributes", "host_key"):
            raise invalid(("include_fields", "must be one of custom_attributes, host_key"))
        role_id = call.query.get("role_id")
        found = [u for u in self.users.values() if u.get("status") == status
                 and (role_id is None or u.get("role_id") == role_id)]
        page, meta = self._page(call, found)
        items = []
        for user in page:
            item = {k: v for k, v in user.items() if k in USER_LIST_FIELDS}
            if status == "pending":
                item.pop("id", None)  # pending users have no id in the list (notes §3.1)
            if include == "custom_attributes":
                item["custom_attributes"] = user.get("custom_attributes", [])
            if include == "host_key":
                item["host_key"] = self._host_key(user)
            items.append(item)
        return json_response(200, {**meta, "users": items})

    def _host_key(self, user: dict[str, Any]) -> str:
        """A stable six-digit host key (kept out of the user dict: GET /users/{userId} lacks it)."""
        digest = hmac.new(str(self.seed).encode(), str(user.get("id")).encode(), "sha256").digest()
        return f"{int.from_bytes(digest[:4], 'big') % 10**6:06d}"

    @route("POST", "/users", query=(), label=LIGHT)
    def _create_user(self, call: Call) -> httpx.Response:
        body = self._body(call, USER_CREATE)
        info = body.get("user_info") or {}
        present = {"action": "action" in body, "user_info.email": "email" in info, "user_info.type": "type" in info}
        missing = [(name, "is required") for name, ok in present.items() if not ok]
        if missing:
            raise invalid(*missing)
        if body["action"] == "autoCreate" and not info.get("password"):
            raise invalid(("user_info.password", "is required with action autoCreate"))
        if info["type"] == 99 and body["action"] != "ssoCreate":
            raise invalid(("user_info.type", "99 can only be set with ssoCreate"))
        if self._find_user(info["email"]) is not None:
            raise zoom_error(409, 1005, f'Email "{info["email"]}" has already been used.')
        extra = {"display_name": info["display_name"]} if "display_name" in info else {}
        if "plan_united_type" in info:
            extra["plan_united_type"] = info["plan_united_type"]
        if body["action"] == "ssoCreate":
            extra["login_types"] = [101]
        status = "pending" if body["action"] == "create" else "active"
        user = self._new_user(
            info["email"], info.get("first_name", ""), info.get("last_name", ""), info["type"], status, extra
        )
        return json_response(201, {k: user[k] for k in ("id", "first_name", "last_name", "email", "type")})

    @route("GET", "/users/{userId}", query=("login_type", "encrypted_email", "search_by_unique_id"), label=LIGHT)
    def _get_user(self, call: Call) -> httpx.Response:
        return json_response(200, self._user_view(self._user(call.path["userId"])))

    @route("PUT", "/users/{userId}/status", query=(), label=LIGHT)
    def _user_status(self, call: Call) -> httpx.Response:
        user = self._user(call.path["userId"])
        body = self._body(call, USER_STATUS)
        action = body.get("action")
        if action is None:
            raise invalid(("action", "is required"))
        if user.get("role_id") in ("0", "1") and action in ("activate", "deactivate"):
            raise zoom_error(400, 200, "Zoom Room and Admin users' status cannot be activated or deactivated.")
        if user.get("status") == "pending" and action in ("activate", "deactivate"):
            raise invalid(("action", "the user has not accepted the invitation yet"))
        if action in ("activate", "deactivate"):
            user["status"] = "active" if action == "activate" else "inactive"
        return json_response(204)  # the spec says 200 with an empty schema; Zoom's docs say 204

    # -- meetings ------------------------------------------------------------------------------------------------

    def _meeting(self, ref: str) -> dict[str, Any]:
        found = self.meetings.get(int(ref)) if ref.isdigit() else None
        if found is None:
            raise zoom_error(404, 3001, f"Meeting {ref} is not found or has expired.")
        return found

    def _create_meeting(self, host: dict[str, Any], raw: Any) -> dict[str, Any]:
        body = self._checked(raw, MEETING_CREATE)
        kind = body.get("type", 2)
        tz = body.get("timezone") or host.get("timezone") or DEFAULT_TIMEZONE
        _zone(tz, "timezone")
        start = self.now()
        if kind in (2, 8) and "start_time" in body:
            start = _parse_time(body["start_time"], tz, "start_time")
        if kind == 8:
            if "recurrence" not in body:
                raise invalid(("recurrence", "is required for a recurring meeting with a fixed time (type 8)"))
            _check_recurrence(body["recurrence"])
        meeting: dict[str, Any] = {
            "host_id": host["id"], "host_email": host["email"], "assistant_id": "",
            "topic": body.get("topic", "Zoom Meeting"), "type": kind, "status": "waiting",
            "duration": body.get("duration", 60), "timezone": tz, "created_at": iso(self.now()),
            "pre_schedule": body.get("pre_schedule", False), "settings": self._default_meeting_settings(),
        }
        if kind != 3:  # type 3 has no fixed time
            meeting["start_time"] = iso(start)
        if kind == 8:
            meeting["recurrence"] = dict(body["recurrence"])
        if "agenda" in body:
            meeting["agenda"] = body["agenda"]
        if body.get("tracking_fields"):
            meeting["tracking_fields"] = [{**f, "visible": True} for f in body["tracking_fields"]]
        deep_merge(meeting["settings"], _stored_settings(body))
        if body.get("password"):  # refuse a weak passcode before any id is drawn
            problem = _passcode_problem(body["password"], self._rules())
            if problem:
                raise invalid(("password", problem))
        meeting["id"] = self.rng.randint(80_000_000_000, 99_999_999_999)
        while meeting["id"] in self.meetings:
            meeting["id"] = self.rng.randint(80_000_000_000, 99_999_999_999)
        meeting["uuid"] = base64.b64encode(self.rng.randbytes(16)).decode()
        self._set_passcode(meeting, body.get("password"), generate=body.get("default_password", False))
        self._enforce_rules(meeting)
        self._refresh_occurrences(meeting)
        self._refresh_urls(meeting, new=True)
        meeting = _ordered(meeting)
        self.meetings[meeting["id"]] = meeting
        return meeting

    def _default_meeting_settings(self) -> dict[str, Any]:
        sm, sec = self.account_settings["schedule_meeting"], self.account_settings["meeting_security"]
        return {
            "host_video": sm.get("host_video", False), "participant_video": sm.get("participant_video", False),
            "cn_meeting": False, "in_meeting": False, "join_before_host": sm.get("join_before_host", False),
            "jbh_time": 0, "mute_upon_entry": False, "watermark": False, "use_pmi": False, "approval_type": 2,
            "audio": sm.get("audio_type", "both"),
            "auto_recording": self.account_settings.get("recording", {}).get("auto_recording", "none"),
            "enforce_login": False, "enforce_login_domains": "", "alternative_hosts": "",
            "alternative_hosts_email_notification": True, "close_registration": False, "show_share_button": False,
            "allow_multiple_devices": False, "registrants_confirmation_email": True,
            "waiting_room": sec.get("waiting_room", False), "registrants_email_notification": True,
            "meeting_authentication": False, "encryption_type": sec.get("encryption_type", "enhanced_encryption"),
            "approved_or_denied_countries_or_regions": {"enable": False},
            "breakout_room": {"enable": False}, "internal_meeting": False,
            "continuous_meeting_chat": {"enable": False, "auto_add_invited_external_users": False},
            "participant_focused_meeting": False, "push_change_to_calendar": False, "resources": [],
            "alternative_host_update_polls": False, "host_save_video_order": False, "email_notification": True,
            "focus_mode": False, "private_meeting": False, "global_dial_in_countries": ["US"],
            "global_dial_in_numbers": [
                {"country_name": "US", "city": "New York", "number": "+1 646 558 8656", "type": "toll", "country": "US"}
            ],
        }

    def _passcode_required(self, kind: int) -> tuple[bool, bool]:
        """(required by the account, locked so the host cannot drop it)."""
        sm, sec = self.account_settings["schedule_meeting"], self.account_settings["meeting_security"]
        key = "require_password_for_instant_meetings" if kind == 1 else "require_password_for_scheduling_new_meetings"
        required = bool(sec.get("meeting_password") or sm.get(key))
        locks = self.lock_settings
        locked = bool(locks.get("meeting_security", {}).get("meeting_password")
                      or locks.get("schedule_meeting", {}).get(key))
        return required, required and locked

    def _rules(self) -> dict[str, Any]:
        return dict(self.account_settings["meeting_security"].get("meeting_password_requirement") or PASSCODE_RULES)

    def _set_passcode(self, meeting: dict[str, Any], given: str | None, *, generate: bool, patch: bool = False) -> None:
        """Apply a passcode: ``None`` = not given, ``""`` = none (refused when the account locks it)."""
        required, locked = self._passcode_required(meeting["type"])
        old: str | None = meeting.get("password")
        new = old
        if given:
            problem = _passcode_problem(given, self._rules())
            if problem:
                raise invalid(("password", problem))
            new = given
        elif given == "" and not locked:
            new = None
        elif generate or locked or (given is None and required and not patch):
            new = old or self._generate_passcode()
        if new == old:
            return
        for key in ("password", "h323_password", "encrypted_password"):
            meeting.pop(key, None)
        if new:
            alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
            meeting["password"] = new
            meeting["h323_password"] = "".join(self.rng.choice("0123456789") for _ in range(max(6, len(new))))
            meeting["encrypted_password"] = "".join(self.rng.choice(alphabet) for _ in range(32))

    def _generate_passcode(self) -> str:
        rules = self._rules()
        length = min(10, max(6, int(rules.get("length") or 0)))
        chars = [self.rng.choice("0123456789") for _ in range(length)]
        if not rules.get("only_allow_numeric"):
            if rules.get("have_letter") or rules.get("have_upper_and_lower_characters"):
                chars[0] = self.rng.choice("abcdefghjkmnpqrstuvwxyz")
            if rules.get("have_upper_and_lower_characters"):
                chars[1] = self.rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ")
            if rules.get("have_special_character"):
                chars[2] = self.rng.choice("@-_*")
        return "".join(chars)

    def _enforce_rules(self, meeting: dict[str, Any]) -> None:
        """Locked account settings win over the meeting's; a waiting room disables join before host."""
        settings = meeting["settings"]
        locks, account = self.lock_settings, self.account_settings
        if locks.get("meeting_security", {}).get("waiting_room"):
            settings["waiting_room"] = bool(account["meeting_security"].get("waiting_room"))
        if locks.get("schedule_meeting", {}).get("join_before_host"):
            settings["join_before_host"] = bool(account["schedule_meeting"].get("join_before_host"))
        if settings.get("waiting_room"):  # spec: "If this value is true, this disables join_before_host"
            settings["join_before_host"] = False

    def _refresh_occurrences(self, meeting: dict[str, Any]) -> None:
        if meeting["type"] != 8:
            meeting.pop("occurrences", None)
            return
        start = datetime.fromisoformat(meeting["start_time"])
        deleted = self._deleted_occurrences.get(meeting["id"], set())
        changes = self._occurrence_changes.get(meeting["id"], {})
        moments = expand_recurrence(meeting["recurrence"], start, meeting["timezone"])
        if moments:  # the series' anchor: its first occurrence by the rule, deleted or not
            meeting["start_time"] = iso(moments[0])
        occurrences = []
        for moment in moments:
            occurrence_id = str(int(moment.timestamp() * 1000))
            if occurrence_id not in deleted:
                occurrence = {"occurrence_id": occurrence_id, "start_time": iso(moment),
                              "duration": meeting["duration"], "status": "available"}
                occurrences.append(occurrence | changes.get(occurrence_id, {}))
        meeting["occurrences"] = occurrences

    def _refresh_urls(self, meeting: dict[str, Any], *, new: bool = False) -> None:
        mid = meeting["id"]
        embed = self.account_settings["meeting_security"].get("embed_password_in_join_link", False)
        pwd = f"?pwd={meeting['encrypted_password']}" if embed and "encrypted_password" in meeting else ""
        meeting["join_url"] = f"{WEB}/j/{mid}{pwd}"
        if new or "start_url" not in meeting:
            alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
            zak = "".join(self.rng.choice(alphabet) for _ in range(40))
            meeting["start_url"] = f"{WEB}/s/{mid}?zak={zak}"

    def _visible_occurrences(self, meeting: dict[str, Any], show_previous: bool) -> list[dict[str, Any]]:
        now = self.now()
        return [
            o for o in meeting.get("occurrences", [])
            if show_previous or _occurrence_start(o) + timedelta(minutes=o["duration"]) > now
        ]

    @route("GET", "/users/{userId}/meetings",
           query=("type", "page_size", "next_page_token", "page_number", "from", "to"), label=MEDIUM)
    def _list_meetings(self, call: Call) -> httpx.Response:
        host = self._user(call.path["userId"], "User {} not exist or not belong to this account.")
        kind = call.query.get("type", "scheduled")
        if kind not in ("scheduled", "live", "upcoming", "upcoming_meetings", "previous_meetings"):
            raise invalid(("type", "must be one of scheduled, live, upcoming, upcoming_meetings, previous_meetings"))
        first, last = (_parse_date(call.query.get(k), k) for k in ("from", "to"))
        now = self.now()
        found = []
        # The host's meetings only (an index kept by self.meetings), in the order Zoom lists them.
        for meeting in sorted(self.meetings.of_host(host["id"]), key=lambda m: (m.get("start_time", "~"), m["id"])):
            if meeting["host_id"] != host["id"] or meeting["type"] == 1:  # scheduled meetings only
                continue
            ends = self._ends(meeting)
            upcoming = ends is None or ends > now
            wanted = {"scheduled": True, "live": False, "upcoming": upcoming, "upcoming_meetings": upcoming,
                      "previous_meetings": not upcoming}[kind]
            day = datetime.fromisoformat(meeting["start_time"]).date() if "start_time" in meeting else None
            if day is not None and ((first and day < first) or (last and day > last)):
                continue
            if wanted:
                found.append(meeting)
        page, meta = self._page(call, found)
        items = []
        for meeting in page:
            item = {k: meeting[k] for k in MEETING_LIST_FIELDS if k in meeting}
            if "agenda" in item:
                item["agenda"] = item["agenda"][:250]
            if meeting["settings"].get("use_pmi"):
                item["pmi"] = str(self.users.get(meeting["host_id"], {}).get("pmi", ""))
            items.append(item)
        return json_response(200, {**meta, "meetings": items})

    def _ends(self, meeting: dict[str, Any]) -> datetime | None:
        """When the meeting (its last occurrence) is over; ``None`` for one with no fixed time."""
        if meeting["type"] == 8:
            occurrences = meeting.get("occurrences") or []
            if not occurrences:
                return datetime.min.replace(tzinfo=UTC)
            return _occurrence_start(occurrences[-1]) + timedelta(minutes=occurrences[-1]["duration"])
        if "start_time" not in meeting:
            return None
        return datetime.fromisoformat(meeting["start_time"]) + timedelta(minutes=meeting["duration"])

    @route("POST", "/users/{userId}/meetings", query=(), label=MEDIUM)
    def _post_meeting(self, call: Call) -> httpx.Response:
        host = self._user(call.path["userId"], "User {} not exist or not belong to this account.")
        self._count_host_write(host["id"], MEDIUM)
        meeting = self._create_meeting(host, self._json(call))
        return json_response(201, {k: v for k, v in meeting.items() if k not in CREATE_OMITS})

    @route("GET", "/meetings/{meetingId}", query=("occurrence_id", "show_previous_occurrences"), label=LIGHT)
    def _get_meeting(self, call: Call) -> httpx.Response:
        meeting = copy.deepcopy(self._meeting(call.path["meetingId"]))
        occurrence_id = call.query.get("occurrence_id")
        if occurrence_id is not None:
            occurrence = self._occurrence(meeting, occurrence_id)
            meeting["start_time"], meeting["duration"] = occurrence["start_time"], occurrence["duration"]
        show_previous = call.query.get("show_previous_occurrences", "false").lower() == "true"
        if "occurrences" in meeting:
            meeting["occurrences"] = self._visible_occurrences(meeting, show_previous)
        return json_response(200, meeting)

    def _occurrence(self, meeting: dict[str, Any], occurrence_id: str) -> dict[str, Any]:
        for occurrence in meeting.get("occurrences", []):
            if occurrence["occurrence_id"] == occurrence_id:
                return dict(occurrence)
        raise zoom_error(400, 3000, "Invalid occurrence_id.")

    @route("PATCH", "/meetings/{meetingId}", query=("occurrence_id",), label=LIGHT)
    def _patch_meeting(self, call: Call) -> httpx.Response:
        current = self._meeting(call.path["meetingId"])
        self._count_host_write(current["host_id"], LIGHT)
        occurrence_id = call.query.get("occurrence_id")
        if occurrence_id is not None:
            self._patch_occurrence(current, occurrence_id, self._body(call, OCCURRENCE_UPDATE))
            return json_response(204)
        body = self._body(call, MEETING_UPDATE)
        meeting = copy.deepcopy(current)  # refused changes leave the stored meeting untouched
        for key in ("topic", "agenda", "duration", "pre_schedule", "type"):
            if key in body:
                meeting[key] = body[key]
        if "timezone" in body:
            meeting["timezone"] = body["timezone"]
            _zone(body["timezone"], "timezone")
        if "start_time" in body and meeting["type"] != 1:
            start = _parse_time(body["start_time"], meeting["timezone"], "start_time")
            if start >= self.now():  # spec: a start_time in the past is ignored
                meeting["start_time"] = iso(start)
        if meeting["type"] in (2, 8) and "start_time" not in meeting:
            meeting["start_time"] = iso(self.now())
        if meeting["type"] == 3:
            meeting.pop("start_time", None)
        if body.get("tracking_fields") is not None:
            meeting["tracking_fields"] = [{**f, "visible": True} for f in body["tracking_fields"]]
        self._patch_recurrence(meeting, body.get("recurrence"))
        deep_merge(meeting["settings"], _stored_settings(body))
        self._set_passcode(meeting, body.get("password"), generate=False, patch=True)
        self._enforce_rules(meeting)
        self._refresh_occurrences(meeting)
        self._refresh_urls(meeting)
        self.meetings[meeting["id"]] = _ordered(meeting)
        return json_response(204)

    def _patch_recurrence(self, meeting: dict[str, Any], patch: dict[str, Any] | None) -> None:
        if meeting["type"] != 8:
            meeting.pop("recurrence", None)
            return
        rec = dict(meeting.get("recurrence") or {})
        if patch:
            if "end_times" in patch:
                rec.pop("end_date_time", None)
            if "end_date_time" in patch:
                rec.pop("end_times", None)
            rec.update(patch)
            kind = rec.get("type")
            if kind != 2:
                rec.pop("weekly_days", None)
            if kind != 3:
                for key in ("monthly_day", "monthly_week", "monthly_week_day"):
                    rec.pop(key, None)
            elif "monthly_day" in patch:
                rec.pop("monthly_week", None)
                rec.pop("monthly_week_day", None)
            elif "monthly_week" in patch or "monthly_week_day" in patch:
                rec.pop("monthly_day", None)
        if not rec:
            raise invalid(("recurrence", "is required for a recurring meeting with a fixed time (type 8)"))
        _check_recurrence(rec)
        meeting["recurrence"] = rec

    def _patch_occurrence(self, meeting: dict[str, Any], occurrence_id: str, body: dict[str, Any]) -> None:
        self._occurrence(meeting, occurrence_id)
        if "agenda" in body or "settings" in body:
            raise NotImplementedError("FakeZoom does not model per-occurrence agenda or settings changes")
        change: dict[str, Any] = {}
        if "start_time" in body:
            start = _parse_time(body["start_time"], meeting["timezone"], "start_time")
            if start >= self.now():
                change["start_time"] = iso(start)
        if "duration" in body:
            change["duration"] = body["duration"]
        self._occurrence_changes.setdefault(meeting["id"], {}).setdefault(occurrence_id, {}).update(change)
        self._refresh_occurrences(meeting)

    @route("DELETE", "/meetings/{meetingId}",
           query=("occurrence_id", "schedule_for_reminder", "cancel_meeting_reminder"), label=LIGHT)
    def _delete_meeting(self, call: Call) -> httpx.Response:
        meeting = self._meeting(call.path["meetingId"])
        occurrence_id = call.query.get("occurrence_id")
        if occurrence_id is not None:
            self._occurrence(meeting, occurrence_id)
            self._deleted_occurrences.setdefault(meeting["id"], set()).add(occurrence_id)
            self._refresh_occurrences(meeting)
        else:
            del self.meetings[meeting["id"]]
            self._deleted_occurrences.pop(meeting["id"], None)
            self._occurrence_changes.pop(meeting["id"], None)
        return json_response(204)

    # -- account settings ------------------------------------------------------------------------------------------

    def _account(self, call: Call, status: int = 404) -> None:
        account = call.path["accountId"]
        if account not in ("me", self.account_id):
            raise zoom_error(status, 2001, f"Account does not exist: {account}.")
        if self.plan == "free":
            raise zoom_error(400, 200, "Only available for paid accounts.")

    @route("GET", "/accounts/{accountId}/settings", query=("option", "custom_query_fields"), label=MEDIUM)
    def _get_settings(self, call: Call) -> httpx.Response:
        self._account(call)
        option = self._option(call, ("security", "meeting_security"), UNMODELLED_OPTIONS)
        return json_response(200, _custom_fields(_view(self.account_settings, option), call.query))

    @route("PATCH", "/accounts/{accountId}/settings", query=("option",), label=MEDIUM)
    def _patch_settings(self, call: Call) -> httpx.Response:
        self._account(call)
        option = self._option(call, ("security", "meeting_security"), UNMODELLED_OPTIONS)
        allowed = _view(self.account_settings, option)
        body = self._body(call, shape_of(allowed, SETTINGS_ENUMS))
        for section, values in body.items():
            deep_merge(self.account_settings[section], values)
            if "meeting_password_requirement" in values:  # one setting, shown in two sections
                for twin in ("schedule_meeting", "meeting_security"):
                    if twin != section and twin in self.account_settings:
                        self.account_settings[twin]["meeting_password_requirement"] = copy.deepcopy(
                            self.account_settings[section]["meeting_password_requirement"]
                        )
        return json_response(204)

    @route("GET", "/accounts/{accountId}/lock_settings", query=("option", "custom_query_fields"), label=MEDIUM)
    def _get_locks(self, call: Call) -> httpx.Response:
        self._account(call, status=400)  # the spec documents 2001 with HTTP 400 here
        option = self._option(call, ("meeting_security",), ())
        return json_response(200, _custom_fields(_view(self.lock_settings, option), call.query))

    @route("PATCH", "/accounts/{accountId}/lock_settings", query=(), label=MEDIUM)
    def _patch_locks(self, call: Call) -> httpx.Response:
        self._account(call)
        body = self._body(call, shape_of(self.lock_settings))
        if self.strict and "meeting_security" in body and len(body) > 1:
            # The request body is oneOf: the plain sections, or {"meeting_security": ...}; not both.
            raise invalid(("meeting_security", "send meeting_security in a PATCH of its own"))
        for section, values in body.items():
            deep_merge(self.lock_settings[section], values)
        return json_response(204)  # notes §3.3: 204; the spec lists no success response

    def _option(self, call: Call, supported: tuple[str, ...], unmodelled: tuple[str, ...]) -> str | None:
        option = call.query.get("option")
        if option is None or option in supported:
            return option
        if option in unmodelled:
            raise NotImplementedError(f"FakeZoom does not model option={option}")
        raise invalid(("option", f"must be one of {', '.join(supported + unmodelled)}"))

    # -- audit logs and reports: GET /report/*, GET /past_meetings/* -----------------------------------------

    def match(self, request: httpx.Request) -> tuple[Route, dict[str, str]] | None:
        """Routing, plus past-meeting UUIDs with an encoded ``/`` (matched on the raw path, as Zoom does)."""
        found = super().match(request)
        if found is not None or not request.url.path.startswith(("/v2/past_meetings/", "/v2/past_webinars/")):
            return found
        raw = request.url.raw_path.split(b"?", 1)[0].decode("ascii", "replace")
        url = f"{request.url.scheme}://{request.url.host}{raw}"
        for candidate in self._routes:
            if candidate.method == request.method and candidate.meta.get("raw_path"):
                hit = candidate.pattern.match(url)
                if hit:
                    return candidate, {k: unquote(v) for k, v in hit.groupdict().items()} | {"_raw": "1"}
        return None

    def _logs_ready(self) -> None:
        with self._lock:
            district, self._sandbox_logs = self._sandbox_logs, None
            if district is not None:
                sandbox_log_traffic(self, district)

    def _paid(self) -> None:
        if self.plan == "free":
            raise zoom_error(400, 200, NO_PERMISSION_MESSAGE)

    def _report_range(self, call: Call, *, required: bool) -> tuple[date, date, datetime, datetime]:
        """``from``/``to`` of a report: at most one month, within the last six months (notes §4)."""
        self._paid()
        self._logs_ready()
        now = self.now()
        today = now.date()
        first, last = (_parse_date(call.query.get(k), k) for k in ("from", "to"))
        if required:
            missing = [(k, "is required") for k, v in (("from", first), ("to", last)) if v is None]
            if missing:
                raise invalid(*missing)
        last = last or today
        first = first or last - relativedelta(months=1)
        if first > last:
            raise zoom_error(400, 300, FROM_AFTER_TO_MESSAGE)
        if last > first + relativedelta(months=1):
            raise zoom_error(400, 300, ONE_MONTH_MESSAGE)
        if first < today - relativedelta(months=REPORT_MONTHS_BACK):
            raise zoom_error(400, 300, RECENT_MONTHS_MESSAGE)
        lo = datetime.combine(first, datetime.min.time(), UTC)
        hi = min(datetime.combine(last + timedelta(days=1), datetime.min.time(), UTC), now + timedelta(seconds=1))
        return first, last, lo, hi

    def _log_rows(self, kind: str, lo: datetime, hi: datetime) -> _Rows:
        """Seeded then generated records of ``kind`` with ``lo <= time < hi``, newest first."""
        explicit = self.activity_logs if kind == "signins" else self.operation_logs
        low, high = iso(lo), iso(hi)
        seeded = sorted((r for r in explicit if low <= r["time"] < high), key=lambda r: r["time"], reverse=True)
        bulk = self._bulk
        if bulk is None:
            return seeded
        times = bulk.signin_times if kind == "signins" else bulk.operation_times
        if times is None:
            return seeded
        make = bulk.signin if kind == "signins" else bulk.operation
        generated = _Newest(make, times.index_at(int(lo.timestamp())), times.index_at(int(hi.timestamp())))
        return _Chain(seeded, generated)

    @route("GET", "/report/activities", query=("from", "to", "page_size", "next_page_token"), label=HEAVY)
    def _report_activities(self, call: Call) -> httpx.Response:
        first, last, lo, hi = self._report_range(call, required=False)
        page, meta = self._page(call, self._log_rows("signins", lo, hi))
        return json_response(200, {
            "from": f"{first.isoformat()}T00:00:00Z", "to": f"{last.isoformat()}T00:00:00Z",
            "page_size": meta["page_size"], "next_page_token": meta["next_page_token"],
            "activity_logs": [{k: r[k] for k in ACTIVITY_FIELDS if k in r} for r in page],
        })

    @route("GET", "/report/operationlogs", query=("from", "to", "page_size", "next_page_token", "category_type"),
           label=HEAVY)
    def _report_operations(self, call: Call) -> httpx.Response:
        _, _, lo, hi = self._report_range(call, required=True)
        category = call.query.get("category_type", "all")
        if category != "all" and category not in OPERATION_CATEGORIES:
            raise invalid(("category_type", f"must be one of all, {', '.join(OPERATION_CATEGORIES)}"))
        rows = self._log_rows("operations", lo, hi)
        if category != "all":  # materialized: a filter over generated traffic is for small tests
            rows = [r for r in rows[0:len(rows)] if OPERATION_CATEGORY_OF.get(r["category_type"]) == category]
        page, meta = self._page(call, rows)
        return json_response(200, {
            "next_page_token": meta["next_page_token"], "page_size": meta["page_size"],
            "operation_logs": [{k: r[k] for k in OPERATION_FIELDS if k in r} for r in page],
        })

    # past meetings ------------------------------------------------------------------------------------------

    def _instances(self, lo: datetime, hi: datetime, host_id: str | None = None) -> _Rows:
        """Ended meeting instances that started in ``[lo, hi)``, newest first (of one host if given)."""
        now = iso(self.now())
        low, high = iso(lo), iso(hi)
        seeded = sorted(
            (m for m in self.past_meetings.values()
             if low <= m["start_time"] < high and m["end_time"] <= now and host_id in (None, m["host_id"])),
            key=lambda m: (m["start_time"], m["uuid"]), reverse=True,
        )
        bulk = self._bulk
        if bulk is None or bulk.meeting_times is None:
            return seeded
        first, stop = self._bulk_meeting_range(lo, hi)
        hosts = bulk.traffic.hosts
        if host_id is None:
            return _Chain(seeded, _Newest(bulk.meeting, first, stop))
        index = bulk.host_index(host_id)
        if index is None:
            return seeded
        m0 = first + (index - first) % hosts  # the host's first meeting at or after `first`
        count = max(0, -((m0 - stop) // hosts)) if m0 < stop else 0
        return _Chain(seeded, _Newest(lambda k: bulk.meeting(m0 + k * hosts), 0, count))

    def _bulk_meeting_range(self, lo: datetime, hi: datetime) -> tuple[int, int]:
        """Indexes of the generated meetings that started in ``[lo, hi)`` and have ended (< 1 hour long)."""
        assert self._bulk is not None and self._bulk.meeting_times is not None
        times = self._bulk.meeting_times
        ended = int(self.now().timestamp()) - 3600
        return times.index_at(int(lo.timestamp())), min(times.index_at(int(hi.timestamp())), times.index_at(ended))

    def _participants_of(self, instance: dict[str, Any]) -> list[dict[str, Any]]:
        if instance.get("participants") is not None:
            return list(instance["participants"])
        assert self._bulk is not None
        return self._bulk.participants(int(instance["bulk"]))

    def _report_meeting(self, instance: dict[str, Any], people: list[dict[str, Any]] | None) -> dict[str, Any]:
        """A ``/report/users/{userId}/meetings`` item of an instance."""
        start = datetime.fromisoformat(instance["start_time"])
        end = datetime.fromisoformat(instance["end_time"])
        minutes = max(1, round((end - start).total_seconds() / 60))
        if people is None:
            count = self._bulk.traffic.participants_per_meeting if self._bulk is not None else 0
            total = count * minutes
            mine = count
        else:
            count = len({p.get("user_email") or p.get("name") or p.get("user_id") for p in people})
            total = sum(int(p.get("duration") or 0) for p in people) // 60
            mine = sum(1 for p in people if p.get("user_email"))
        item = {
            "uuid": instance["uuid"], "id": instance["id"], "type": instance.get("type", 2), "topic": instance["topic"],
            "user_name": instance.get("host_name", ""), "user_email": instance["host_email"],
            "start_time": instance["start_time"], "end_time": instance["end_time"], "duration": minutes,
            "total_minutes": total, "participants_count": count, "participants_count_my_account": mine,
            "source": "Zoom", "has_screen_share": False, "has_recording": False, "has_chat": False,
            "meeting_encryption_status": 2,
        }
        return {k: item[k] for k in REPORT_MEETING_FIELDS}

    def _reported(self, instance: dict[str, Any]) -> bool:
        """The reports list a meeting only when it had at least two participants."""
        if instance.get("participants") is None:
            return True  # generated meetings always have two or more
        return len(instance["participants"]) >= 2

    @route("GET", "/report/users",
           query=("type", "from", "to", "page_size", "page_number", "next_page_token", "group_id"), label=HEAVY)
    def _report_users(self, call: Call) -> httpx.Response:
        first, last, lo, hi = self._report_range(call, required=True)
        kind = call.query.get("type", "active")
        if kind not in ("active", "inactive"):
            raise invalid(("type", "must be one of active, inactive"))
        if "group_id" in call.query:
            raise NotImplementedError("FakeZoom does not model groups (group_id)")
        hosts: dict[str, dict[str, Any]] = {}
        low, high, now = iso(lo), iso(hi), iso(self.now())
        for instance in self.past_meetings.values():
            if low <= instance["start_time"] < high and instance["end_time"] <= now and self._reported(instance):
                self._tally(hosts, instance, instance["participants"])
        self._tally_bulk(hosts, lo, hi)
        if kind == "active":
            rows = list(hosts.values())
        else:
            rows = [{"id": u["id"], "email": u["email"], "user_name": u.get("display_name", ""), "type": u["type"],
                     "dept": u.get("dept", ""), "meetings": 0, "participants": 0, "meeting_minutes": 0}
                    for u in self.users.values() if u.get("id") and u["id"] not in hosts]
        page, meta = self._page(call, rows)
        return json_response(200, {
            "from": first.isoformat(), "to": last.isoformat(), **meta,
            "total_meetings": sum(r["meetings"] for r in rows),
            "total_participants": sum(r["participants"] for r in rows),
            "total_meeting_minutes": sum(r["meeting_minutes"] for r in rows),
            "users": page,
        })

    def _tally(self, hosts: dict[str, dict[str, Any]], instance: dict[str, Any], people: list[dict[str, Any]]) -> None:
        user = self.users.get(instance["host_id"], {})
        row = hosts.setdefault(instance["host_id"], {
            "id": instance["host_id"], "email": instance["host_email"],
            "user_name": user.get("display_name", instance.get("host_name", "")), "type": user.get("type", 2),
            "dept": user.get("dept", ""), "meetings": 0, "participants": 0, "meeting_minutes": 0,
        })
        row["meetings"] += 1
        row["participants"] += len(people)
        row["meeting_minutes"] += sum(int(p.get("duration") or 0) for p in people) // 60

    def _tally_bulk(self, hosts: dict[str, dict[str, Any]], lo: datetime, hi: datetime) -> None:
        bulk = self._bulk
        if bulk is None or bulk.meeting_times is None:
            return
        first, stop = self._bulk_meeting_range(lo, hi)
        n = bulk.traffic.hosts
        per = bulk.traffic.participants_per_meeting
        for index in range(n) if stop - first >= n else sorted({m % n for m in range(first, stop)}):
            m0 = first + (index - first) % n
            count = -((m0 - stop) // n) if m0 < stop else 0
            if count:
                host = bulk.host(index)
                hosts[host["id"]] = host | {"meetings": count, "participants": count * per,
                                            "meeting_minutes": count * per * 50}

    @route("GET", "/report/users/{userId}/meetings",
           query=("from", "to", "page_size", "next_page_token", "type"), label=HEAVY)
    def _report_user_meetings(self, call: Call) -> httpx.Response:
        first, last, lo, hi = self._report_range(call, required=True)
        kind = call.query.get("type", "past")
        if kind not in ("past", "pastOne", "pastJoined"):
            raise invalid(("type", "must be one of past, pastOne, pastJoined"))
        ref = call.path["userId"]
        bulk = self._bulk
        host_id = ref if bulk is not None and bulk.host_index(ref) is not None else self._user(ref)["id"]
        instances = self._instances(lo, hi, host_id)
        rows: _Rows
        if bulk is None or bulk.host_index(host_id) is None:
            rows = [self._report_meeting(m, self._participants_of(m)) for m in instances[0:len(instances)]
                    if self._reported(m)]
        else:
            rows = _Mapped(instances, lambda m: self._report_meeting(m, m.get("participants")))
        page, meta = self._page(call, rows)
        return json_response(200, {
            "from": first.isoformat(), "to": last.isoformat(), "page_count": meta["page_count"],
            "page_size": meta["page_size"], "total_records": meta["total_records"],
            "next_page_token": meta["next_page_token"], "meetings": page,
        })

    def _past_instance(self, call: Call, webinar: bool = False) -> dict[str, Any]:
        """The instance a ``{meetingId}`` (``{webinarId}``) names: a UUID, or a numeric id (its latest
        instance). A webinar is not a meeting, nor the other way round: 404, 3001, as for an unknown id."""
        ref = call.path["webinarId" if webinar else "meetingId"]
        gone = (404, 3001, "Webinar does not exist." if webinar
                else "This meeting is not available or ID is not valid.")  # fmt: skip
        if "%" in ref:  # double-encoded (required when the UUID starts with / or contains //)
            ref = unquote(ref)
        elif call.path.get("_raw") and (ref.startswith("/") or "//" in ref):
            raise zoom_error(*gone)
        found: dict[str, Any] | None = self.past_meetings.get(ref)
        if found is None and self._bulk is not None:
            index = self._bulk.meeting_index(ref)
            if index is None and ref.isdigit() and 0 <= int(ref) - 80_000_000_000 < self._bulk.traffic.meetings:
                index = int(ref) - 80_000_000_000
            if index is not None:
                found = self._bulk.meeting(index)
        if found is None and ref.isdigit():
            same = [m for m in self.past_meetings.values() if m["id"] == int(ref)]
            found = max(same, key=lambda m: m["start_time"]) if same else None
        if found is None or found["end_time"] > iso(self.now()) or (found.get("type") in WEBINAR_TYPES) != webinar:
            raise zoom_error(*gone)
        if datetime.fromisoformat(found["start_time"]) < self.now() - timedelta(days=PAST_MEETING_DAYS):
            raise zoom_error(400, 12702, YEAR_AGO_MESSAGE)
        return found

    @route("GET", "/past_webinars/{webinarId}/participants", query=("page_size", "next_page_token"),
           label=MEDIUM, raw_path=True)
    def _past_webinar_participants(self, call: Call) -> httpx.Response:
        return self._past_participants(call, webinar=True)

    @route("GET", "/past_meetings/{meetingId}/participants", query=("page_size", "next_page_token"),
           label=MEDIUM, raw_path=True)
    def _past_participants(self, call: Call, webinar: bool = False) -> httpx.Response:
        self._paid()
        self._logs_ready()
        instance = self._past_instance(call, webinar)
        people = self._participants_of(instance)
        if len(people) < 2:  # "the API doesn't return results if there's only one participant"
            people = []
        page, meta = self._page(call, people)
        return json_response(200, {
            "page_count": meta["page_count"], "page_size": meta["page_size"], "total_records": meta["total_records"],
            "next_page_token": meta["next_page_token"],
            "participants": [{k: p[k] for k in PARTICIPANT_FIELDS if k in p} for p in page],
        })

    @route("GET", "/past_meetings/{meetingId}/instances", query=(), label=MEDIUM, raw_path=True)
    def _past_instances(self, call: Call) -> httpx.Response:
        self._logs_ready()
        ref = call.path["meetingId"]
        if not ref.isdigit():
            raise zoom_error(404, 3001, f"Meeting {ref} is not found or has expired.")
        now = iso(self.now())
        found = [m for m in self.past_meetings.values() if m["id"] == int(ref) and m["end_time"] <= now]
        if self._bulk is not None and 0 <= int(ref) - 80_000_000_000 < self._bulk.traffic.meetings:
            found.append(self._bulk.meeting(int(ref) - 80_000_000_000))
        if not found and int(ref) not in self.meetings:
            raise zoom_error(404, 3001, f"Meeting {ref} is not found or has expired.")
        found.sort(key=lambda m: m["start_time"], reverse=True)
        return json_response(200, {"meetings": [{"uuid": m["uuid"], "start_time": m["start_time"]} for m in found]})

    @route("GET", "/past_meetings/{meetingId}", query=(), label=LIGHT, raw_path=True)
    def _past_meeting(self, call: Call) -> httpx.Response:
        self._paid()
        self._logs_ready()
        instance = self._past_instance(call)
        people = self._participants_of(instance)
        item = self._report_meeting(instance, people)
        host = self.users.get(instance["host_id"], {})
        details = {
            "id": instance["id"], "uuid": instance["uuid"], "duration": item["duration"],
            "start_time": instance["start_time"], "end_time": instance["end_time"], "host_id": instance["host_id"],
            "dept": host.get("dept", ""), "participants_count": item["participants_count"], "source": "Zoom",
            "topic": instance["topic"], "total_minutes": item["total_minutes"], "type": instance.get("type", 2),
            "user_email": instance["host_email"], "user_name": instance.get("host_name", ""),
        }
        return json_response(200, {k: details[k] for k in PAST_MEETING_FIELDS})


    # -- request plumbing ------------------------------------------------------------------------------------

    def _json(self, call: Call) -> Any:
        try:
            return call.json()
        except ValueError:
            raise zoom_error(400, 300, "Request Body should be a valid JSON object.") from None

    def _checked(self, raw: Any, shape: Shape) -> dict[str, Any]:
        if not isinstance(raw, dict):
            raise zoom_error(400, 300, "Request Body should be a valid JSON object.")
        problems = validate(raw, shape)
        unknown = [p for p in problems if p[1] == UNKNOWN_FIELD]
        if unknown and not self.strict:
            raw = _prune(raw, shape)
            problems = [p for p in problems if p not in unknown]
        if problems:
            raise invalid(*problems)
        return copy.deepcopy(raw)

    def _body(self, call: Call, shape: Shape) -> dict[str, Any]:
        return self._checked(self._json(call), shape)

    def _page(self, call: Call, items: _Rows) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """Zoom pagination: ``page_size`` (default 30, clamped to 300), ``next_page_token`` ("" last)."""
        try:
            size = int(call.query.get("page_size", "30"))
        except ValueError:
            raise invalid(("page_size", "must be an integer")) from None
        if size < 1:
            raise invalid(("page_size", "must be at least 1"))
        size = min(size, 300)
        key = call.request.url.path + "?" + "&".join(
            f"{k}={v}" for k, v in sorted(call.query.items()) if k not in ("next_page_token", "page_number")
        )
        token = call.query.get("next_page_token")
        if token:
            try:
                offset = self._cursors.offset(token, key)
            except CursorError as exc:
                raise invalid(("next_page_token", str(exc))) from None
        else:
            try:
                offset = (max(1, int(call.query.get("page_number", "1"))) - 1) * size
            except ValueError:
                raise invalid(("page_number", "must be an integer")) from None
        page = items[offset:offset + size]
        end = offset + size
        meta = {
            "page_count": max(1, math.ceil(len(items) / size)), "page_number": offset // size + 1,
            "page_size": size, "total_records": len(items),
            "next_page_token": self._cursors.issue(end, key) if end < len(items) else "",
        }
        return page, meta


def _ordered(meeting: dict[str, Any]) -> dict[str, Any]:
    first = {k: meeting[k] for k in MEETING_FIELD_ORDER if k in meeting}
    return first | {k: v for k, v in meeting.items() if k not in first}


def _passcode_problem(passcode: str, rules: dict[str, Any]) -> str | None:
    if len(passcode) > 10 or not re.fullmatch(r"[A-Za-z0-9@\-_*]+", passcode):
        return "must be at most 10 characters of A-Z a-z 0-9 @ - _ *"
    if len(passcode) < int(rules.get("length") or 0):
        return f"must be at least {rules['length']} characters (account passcode requirement)"
    checks = [
        ("only_allow_numeric", passcode.isdigit(), "must contain digits only"),
        ("have_letter", any(c.isalpha() for c in passcode), "must contain a letter"),
        ("have_number", any(c.isdigit() for c in passcode), "must contain a number"),
        ("have_special_character", any(c in "@-_*" for c in passcode), "must contain one of @ - _ *"),
        ("have_upper_and_lower_characters", passcode.lower() != passcode != passcode.upper(),
         "must mix upper and lower case letters"),
    ]
    return next((message for rule, ok, message in checks if rules.get(rule) and not ok), None)


def _parse_date(value: str | None, field: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise invalid((field, "must be a date yyyy-mm-dd")) from None


def _view(sections: dict[str, dict[str, Any]], option: str | None) -> dict[str, Any]:
    """What GET .../settings (or lock_settings) returns for ``option``: every plain section, or one."""
    if option is None:
        return {k: v for k, v in sections.items() if k not in OPTION_SECTIONS}
    return {option: sections.get(option, {})}


def _custom_fields(view: dict[str, Any], query: dict[str, str]) -> dict[str, Any]:
    """``custom_query_fields``: keep the named sections, or the named keys within sections."""
    wanted = {f.strip() for f in query.get("custom_query_fields", "").split(",") if f.strip()}
    if not wanted:
        return view
    out: dict[str, Any] = {}
    for section, values in view.items():
        if section in wanted:
            out[section] = values
        elif isinstance(values, dict):
            picked = {k: v for k, v in values.items() if k in wanted}
            if picked:
                out[section] = picked
    return out


def _prune(value: Any, shape: Shape) -> Any:
    """``value`` without the object fields ``shape`` does not declare (Zoom ignores those)."""
    if isinstance(shape, dict) and isinstance(value, dict):
        return {k: _prune(v, shape[k]) for k, v in value.items() if k in shape}
    if isinstance(shape, list) and isinstance(value, list):
        return [_prune(v, shape[0]) for v in value]
    return value


# -- the sandbox district (confkit.sandbox looks up SANDBOX here) ----------------------------------------

SANDBOX_TIMEZONE = "America/Chicago"


def recurrence_body(rec: Recurrence) -> dict[str, Any]:
    """A neutral recurrence as Zoom's ``recurrence`` object, for seeding (no adapter involved)."""
    zoom_day = {"SU": 1, "MO": 2, "TU": 3, "WE": 4, "TH": 5, "FR": 6, "SA": 7}
    out: dict[str, Any] = {"repeat_interval": rec.interval}
    if rec.freq is Frequency.DAILY:
        out["type"] = 1
    elif rec.freq is Frequency.WEEKLY:
        out["type"] = 2
        out["weekly_days"] = ",".join(str(zoom_day[split_by_day(d)[1]]) for d in rec.by_day)
    elif rec.freq is Frequency.MONTHLY and rec.by_month_day:
        out |= {"type": 3, "monthly_day": rec.by_month_day[0]}
    elif rec.freq is Frequency.MONTHLY and rec.by_day:
        ordinal, day = split_by_day(rec.by_day[0])
        out |= {"type": 3, "monthly_week": ordinal or 1, "monthly_week_day": zoom_day[day]}
    else:
        raise ValueError(f"Zoom cannot express {rec.rrule}")
    if rec.until is not None:
        out["end_date_time"] = iso(rec.until)
    else:
        out["end_times"] = min(rec.count or MAX_OCCURRENCES, MAX_OCCURRENCES)
    return out


def class_body(meeting: ClassMeeting) -> dict[str, Any]:
    """The ``POST /users/{userId}/meetings`` body of one sandbox class."""
    sec = meeting.security
    body: dict[str, Any] = {
        "topic": meeting.topic, "type": 8 if meeting.recurrence else 2, "start_time": iso(meeting.start),
        "duration": meeting.duration_minutes, "timezone": SANDBOX_TIMEZONE,
    }
    if meeting.recurrence is not None:
        body["recurrence"] = recurrence_body(meeting.recurrence)
    if sec.passcode_value():
        body["password"] = sec.passcode_value()
    elif sec.passcode_required:
        body["default_password"] = True
    elif sec.passcode_required is False:
        body["password"] = ""  # no passcode
    settings: dict[str, Any] = {}
    if sec.waiting_room is not None:
        settings["waiting_room"] = sec.waiting_room is not WaitingRoom.OFF
    if sec.join_before_host is not None:
        settings["join_before_host"] = sec.join_before_host
    if sec.mute_on_entry is not None:
        settings["mute_upon_entry"] = sec.mute_on_entry
    if sec.auto_recording is not None:
        settings["auto_recording"] = sec.auto_recording.value
    if settings:
        body["settings"] = settings
    return body


def seed_district(fake: FakeZoom, district: District) -> None:
    """Add the district's people (first admin = account owner) and classes to ``fake``."""
    departments = {"admin": "IT", "teacher": "Teachers", "student": "Students"}
    for person in district.people:
        extra: dict[str, Any] = {"dept": departments[person.role]}
        if person.role == "admin" and fake.users:
            extra |= {"role_id": "1", "role_name": ROLES["1"]}
        kind = 1 if person.role == "student" else 2
        fake.add_user(person.email, first_name=person.first_name, last_name=person.last_name, type=kind, **extra)
    for meeting in district.meetings:
        fake.add_meeting(meeting.host_email, class_body(meeting))


SANDBOX_LOG_DAYS = 14
_GUEST_NAMES = ("iPhone", "Guest", "xXx_gamer_xXx", "Galaxy S22", "mr. bean", "John Smith")


def sandbox_log_traffic(fake: FakeZoom, district: District, days: int = SANDBOX_LOG_DAYS) -> None:
    """Seed the sandbox district's audit-log history of the last ``days`` days into ``fake``.

    Each day's records are a function of its date only, so a later run over the same days serves
    the same records (and confkit stores them once):

    * staff sign in on school days from the district network and sign out in the afternoon; some
      students sign in from home;
    * every other week the IT admin turns off "Require a passcode when scheduling new meetings"
      and the security admin turns it back on the next morning; a group's PMI passcode is turned
      off; now and then a teacher is promoted to Admin and a student account is added;
    * each teacher's classes meet two or three days a week as ended meeting instances with about
      ten students, some waiting-room stays, and now and then external guests who were not signed
      in (the joins a "meeting bombing" detection looks for).
    """
    now = fake.now()
    staff_ip, home_ip = "198.51.100.{}", "203.0.113.{}"
    teachers, students, admins = district.teachers, district.students, district.admins
    ids = {p.email: (fake._find_user(p.email) or {}).get("id", "") for p in district.people}
    meeting_ids = {(m["host_email"], m["topic"]): m["id"] for m in fake.meetings.values()}
    for offset in range(days, -1, -1):
        day = now.date() - timedelta(days=offset)
        seed = day.toordinal()
        school_day = day.weekday() < 5

        def at(hour: int, minute: int = 0, second: int = 0, _day: date = day) -> datetime:
            return datetime.combine(_day, datetime.min.time(), UTC) + timedelta(hours=hour, minutes=minute,
                                                                              seconds=second)

        def sign(email: str, moment: datetime, kind: str, ip: str, h: int) -> None:
            if moment <= now:
                fake.add_sign_in(email, at=moment, type=kind, ip_address=ip,
                                 client_type=CLIENT_TYPES[h % 4], version=CLIENT_VERSIONS[(h >> 4) % 4])

        for n, person in enumerate([*admins, *teachers]):
            h = _mix(seed, n)
            if not school_day and h % 5:
                continue
            sign(person.email, at(12, 30, h % 3600), "Sign in", staff_ip.format(h % 200 + 20), h)
            sign(person.email, at(21, 0, (h >> 12) % 3600), "Sign out", staff_ip.format(h % 200 + 20), h)
        for n, student in enumerate(students[:40] if school_day else ()):
            h = _mix(seed + 1, n)
            if h % 3 == 0:
                sign(student.email, at(13, 10, h % 1800), "Sign in", home_ip.format(h % 250 + 2), h >> 8)

        def operation(moment: datetime, operator: str, category: str, action: str, detail: str) -> None:
            if moment <= now:
                fake.add_operation_log(operator, category, action, detail, at=moment)

        it_admin, security = admins[0].email, admins[-1].email
        passcode = "Security  - Require a passcode when scheduling new meetings: from {} to {}"
        if seed % 14 == 3:
            operation(at(16, 5, 12), it_admin, "Account", "Update", passcode.format("On", "Off"))
        if seed % 14 == 4:
            operation(at(8, 10, 40), security, "Account", "Update", passcode.format("Off", "On"))
        if seed % 14 == 9:
            operation(at(15, 42, 3), it_admin, "User Group", "Update",
                      "Edit Group Students  - Personal Meeting ID (PMI) Passcode: from On to Off")
        if seed % 14 == 6 and teachers:
            promoted = teachers[seed % len(teachers)].email
            operation(at(17, 20, 9), it_admin, "User", "Batch Update",
                      f"Change Role  - {promoted}: from Member to Admin")
        if school_day and seed % 7 == 1:
            operation(at(14, 2, 51), it_admin, "User", "Add",
                      f"Add User  - new.student{seed % 1000}@{district.student_domain}")
        if not school_day:
            continue
        for i, teacher in enumerate(teachers):
            for period in range(2):
                if (i + period + day.weekday()) % 2:
                    continue
                start = at(14 + period)
                if start + timedelta(minutes=50) > now:
                    continue
                topic = f"{SUBJECTS[(i + period) % len(SUBJECTS)]} - P{period + 1}"
                mid = meeting_ids.get((teacher.email, topic), 90_000_000_000 + i * 10 + period)
                h = _mix(seed, 100 + i * 2 + period)
                people: list[dict[str, Any]] = [{
                    "id": ids.get(teacher.email, ""), "name": f"{teacher.first_name} {teacher.last_name}",
                    "user_email": teacher.email, "join_time": iso(start - timedelta(minutes=3)),
                }]
                roster = [students[(i * 7 + period * 3 + k * 11) % len(students)] for k in range(10 if students else 0)]
                for k, student in enumerate(roster):
                    late = (h >> (k + 3)) % 240
                    joined = {"id": ids.get(student.email, ""), "name": f"{student.first_name} {student.last_name}",
                              "user_email": student.email, "join_time": iso(start + timedelta(seconds=late))}
                    if (h >> k) % 17 == 0:
                        joined |= {"status": "in_waiting_room",
                                   "leave_time": iso(start + timedelta(seconds=late + 120))}
                    people.append(joined)
                if h % 6 == 0:  # uninvited guests, not signed in, from outside the account
                    for g in range(1 + (h >> 8) % 2):
                        join = start + timedelta(minutes=12 + g)
                        people.append({"name": _GUEST_NAMES[(h >> (10 + g)) % len(_GUEST_NAMES)],
                                       "join_time": iso(join), "leave_time": iso(join + timedelta(minutes=2))})
                fake.add_past_meeting(teacher.email, start=start, duration_minutes=50, topic=topic,
                                      participants=people, meeting_id=mid, type=8 if period == 0 else 2)


def _seed(fake: Any, district: District) -> None:
    seed_district(fake, district)
    fake.enable_sandbox_logs(district)


SANDBOX = SandboxPlatform(
    name="zoom",
    make_fake=lambda clock: FakeZoom(clock=clock),
    seed=_seed,
    settings={"account_id": "fake-account-id", "client_id": "fake-client-id", "client_secret": "fake-client-secret"},
)

__all__ = [
    "SANDBOX",
    "FakeZoom",
    "LogTraffic",
    "class_body",
    "expand_recurrence",
    "recurrence_body",
    "sandbox_log_traffic",
    "seed_district",
]
