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

Requests are paced a little under the plan's per-second limit of each label (``LOG_RATE_SHARE``),
evenly spaced rather than in bursts, because Zoom counts per second per account and shares the
budget with every other app of the account.
"""

from __future__ import annotations

import contextlib
import math
import queue
import re
import threading
import weakref
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta

from confkit.errors import InvalidRequestError, NotFoundError
from confkit.http.ratelimit import Rate, RateLimiter
from confkit.logs.model import Category, Outcome, event_id, format_time, new_event, vendor_time
from confkit.logs.stream import (
    EMAIL_RE,
    BaseLogStream,
    CursorExpiredError,
    LogPage,
    LogStream,
    Resume,
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
    text = (text or "").strip()
    parts = _SEPARATOR.split(text, maxsplit=1)
    if len(parts) == 1:
        parts = _SEPARATOR_LOOSE.split(text, maxsplit=1)
    if len(parts) == 1:
        return OperationDetail(head=text)
    head, body = parts[0].strip(), parts[1].strip()
    found = _CHANGE_EMPTY.match(body) or _CHANGE.match(body)
    if found is None:
        return OperationDetail(head=head, subject=body)
    from_value = found.groupdict().get("from")
    return OperationDetail(
        head=head,
        subject=found.group("field").strip(),
        from_value=(from_value or "").strip(),
        to_value=found.group("to").strip(),
    )


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


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


# -- mappers (pure functions: Zoom record -> normalized event dict) ------------------------------------


def signin_event(record: Mapping[str, Any], tenant: str, fallback_time: str | None = None) -> dict[str, Any]:
    """One ``/report/activities`` record. Identity: ``email, time, type, ip_address, client_type, version``."""
    email = record.get("email") or None
    kind = str(record.get("type") or "")
    lowered = kind.lower()
    if lowered == "sign in":
        action, outcome = "sign_in", Outcome.SUCCESS
    elif lowered == "sign out":
        action, outcome = "sign_out", Outcome.SUCCESS
    else:
        action = _slug(kind) or "unknown"
        outcome = Outcome.FAILURE if "fail" in lowered else Outcome.UNKNOWN
    time = record.get("time")
    return new_event(
        id=event_id(
            PROVIDER, "signins", email, time, kind, record.get("ip_address"), record.get("client_type"),
            record.get("version"),
        ),
        time=vendor_time(time) or fallback_time or EPOCH_TIME,
        provider=PROVIDER,
        tenant=tenant,
        stream="signins",
        category=Category.AUTHENTICATION,
        action=action,
        outcome=outcome,
        vendor_action=kind or None,
        actor={
            "id": None,
            "email": email,
            "name": None,
            "ip": record.get("ip_address") or None,
            "client": record.get("client_type") or None,
            "client_version": record.get("version") or None,
            "external": False,
            "anonymous": False,
        },
        raw=dict(record),
    )


def operation_event(record: Mapping[str, Any], tenant: str, fallback_time: str | None = None) -> dict[str, Any]:
    """One ``/report/operationlogs`` record. Identity: ``time, operator, category_type, action, operation_detail``."""
    operator = record.get("operator") or None
    vendor_category = str(record.get("category_type") or "")
    vendor_action = str(record.get("action") or "")
    detail = record.get("operation_detail")
    time = record.get("time")
    category, action, target, changes = classify_operation(vendor_category, vendor_action, detail, tenant)
    return new_event(
        id=event_id(PROVIDER, "operations", time, operator, vendor_category, vendor_action, detail),
        time=vendor_time(time) or fallback_time or EPOCH_TIME,
        provider=PROVIDER,
        tenant=tenant,
        stream="operations",
        category=category,
        action=action,
        outcome=Outcome.SUCCESS,
        vendor_action=vendor_action or None,
        vendor_category=vendor_category or None,
        actor={"id": None, "email": operator, "name": None, "ip": None, "client": None, "client_version": None,
               "external": False, "anonymous": False},
        target=target,
        changes=changes,
        detail=detail if isinstance(detail, str) else None,
        raw=dict(record),
    )


def classify_operation(
    category_type: str, action: str, detail: str | None, tenant: str
) -> tuple[Category, str, dict[str, Any] | None, list[dict[str, Any]]]:
    """(category, neutral action, target, changes) of an operation-log record."""
    parsed = parse_operation_detail(detail)
    kind = _slug(category_type)  # "Account" -> account, "User Group" -> user_group
    verb = VERBS.get(action.strip().lower(), _slug(action) or "other")
    head = parsed.head
    head_lower = head.lower()
    if parsed.is_change:
        if head_lower.startswith("change role"):
            subject = parsed.subject or ""
            email = _first_email(subject)
            target = {"type": "user", "id": None, "name": None if email else subject or None, "email": email}
            change = {"section": None, "field": "role", "from": parsed.from_value, "to": parsed.to_value}
            return Category.ROLE_CHANGE, "role.change", target, [change]
        change = {"section": head or None, "field": parsed.subject or "", "from": parsed.from_value,
                  "to": parsed.to_value}
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
        target_type = {"account": "account", "user_group": "group", "user": "user", "zoom_rooms": "zoom_room",
                       "recording": "recording", "webinar": "webinar"}.get(kind, kind or "account")
        target = {"type": target_type, "id": tenant if target_type == "account" else None, "name": None,
                  "email": None}
        return Category.SETTING_CHANGE, "setting.update", target, [change]
    subject = parsed.subject or ""
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


def _first_email(text: str | None) -> str | None:
    found = EMAIL_RE.search(text or "")
    return found.group(0) if found else None


def participant_event(
    record: Mapping[str, Any], tenant: str, meeting: Mapping[str, Any], fallback_time: str | None = None
) -> dict[str, Any]:
    """One ``/past_meetings/{uuid}/participants`` record; ``meeting`` is the ``MeetingRef`` context.

    Identity: the meeting instance (UUID) and ``id, user_id, name, user_email, join_time,
    leave_time, status, registrant_id``. ``anonymous``: ``id`` is empty (joined without signing
    in); ``external``: ``user_email`` is empty, which Zoom does for participants outside the
    host's account (its e-mail display rules).
    """
    uid = record.get("id") or None
    email = record.get("user_email") or None
    join, leave = record.get("join_time"), record.get("leave_time")
    status = record.get("status") or None
    join_time = vendor_time(join)
    duration = record.get("duration")
    return new_event(
        id=event_id(
            PROVIDER, "participants", meeting.get("instance"), uid, record.get("user_id"), record.get("name"), email,
            join, leave, status, record.get("registrant_id"),
        ),
        time=join_time or fallback_time or meeting.get("start") or EPOCH_TIME,
        provider=PROVIDER,
        tenant=tenant,
        stream="participants",
        category=Category.PARTICIPANT,
        action="participant.waiting_room" if status == "in_waiting_room" else "participant.session",
        outcome=Outcome.SUCCESS,
        vendor_action=status,
        actor={"id": uid, "email": email, "name": record.get("name") or None, "ip": None, "client": None,
               "client_version": None, "external": email is None, "anonymous": uid is None},
        target={"type": "meeting", "id": meeting.get("id"), "name": meeting.get("topic"), "email": None},
        meeting=dict(meeting),
        session={
            "start": join_time,
            "end": vendor_time(leave),
            "duration_seconds": duration if isinstance(duration, int) and not isinstance(duration, bool) else None,
            "status": status,
            "participant_id": record.get("user_id") or None,
        },
        raw=dict(record),
    )


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
            if params.get("next_page_token"):
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

    def map(self, record: Mapping[str, Any], fallback: str) -> dict[str, Any]:
        raise NotImplementedError

    def pages(self, window: Window, resume: Resume) -> Iterator[LogPage]:
        first, last = _dates(window)
        params = {"from": first, "to": last}
        fallback = format_time(window.start)
        for items, token in self.client.pages(self.path, params, HEAVY, self.key, self._token(resume)):
            yield LogPage([self.map(item, fallback) for item in items], token)


class SignInStream(_ReportStream):
    name = "signins"
    description = "sign-in and sign-out activity (/report/activities)"
    categories: tuple[Category, ...] = (Category.AUTHENTICATION,)
    path = "/report/activities"
    key = "activity_logs"
    pii_keys = PII_KEYS["signins"]

    def map(self, record: Mapping[str, Any], fallback: str) -> dict[str, Any]:
        return signin_event(record, self.tenant, fallback)


class OperationStream(_ReportStream):
    name = "operations"
    description = "admin operation logs (/report/operationlogs)"
    categories: tuple[Category, ...] = (
        Category.SETTING_CHANGE, Category.ROLE_CHANGE, Category.USER_CHANGE, Category.RECORDING, Category.OTHER,
    )
    path = "/report/operationlogs"
    key = "operation_logs"
    pii_keys = PII_KEYS["operations"]

    def map(self, record: Mapping[str, Any], fallback: str) -> dict[str, Any]:
        return operation_event(record, self.tenant, fallback)


class ParticipantStream(ZoomStream):
    """Participants of the meetings that took place in the window.

    Per window: the active hosts and each host's past meetings (Heavy), found in a helper thread
    while the meetings already found have their participants read (Medium), so each label is used
    at its own pace instead of taking turns. Each meeting instance read in full is a unit
    (``meeting:<uuid>``): a resumed window skips it, so resuming costs the two report listings only.
    At most ``DISCOVERY_AHEAD`` meetings found are held ahead of the reading (report rows, not events).
    """

    name = "participants"
    description = "participants of past meetings (/past_meetings/{uuid}/participants)"
    categories: tuple[Category, ...] = (Category.PARTICIPANT,)
    pii_keys = PII_KEYS["participants"]

    def pages(self, window: Window, resume: Resume) -> Iterator[LogPage]:
        first, last = _dates(window)
        params = {"from": first, "to": last}
        found: queue.Queue[tuple[str, dict[str, Any]] | BaseException | None] = queue.Queue(maxsize=DISCOVERY_AHEAD)
        stop = threading.Event()

        def put(item: tuple[str, dict[str, Any]] | BaseException | None) -> bool:
            while not stop.is_set():
                try:
                    found.put(item, timeout=0.05)
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
                    for items, _ in self.client.pages(path, {**params, "type": "past"}, HEAVY, "meetings"):
                        for item in items:
                            unit = f"meeting:{item.get('uuid')}"
                            if item.get("uuid") and not resume.done(unit) and not put((host_id, item)):
                                return
                put(None)
            except BaseException as exc:  # delivered to the reader, in order
                put(exc)

        finder = threading.Thread(target=discover, name="confkit-zoom-meetings", daemon=True)
        finder.start()
        try:
            # Small meetings are committed together, up to a page's worth of events: one transaction
            # per meeting would cost more than reading it.
            batch: list[dict[str, Any]] = []
            done: list[str] = []
            while True:
                got = found.get()
                if got is None:
                    break
                if isinstance(got, BaseException):
                    raise got
                host_id, item = got
                unit = f"meeting:{item['uuid']}"
                for events, complete in self._participants(item["uuid"], meeting_context(item, host_id)):
                    batch += events
                    if complete:
                        done.append(unit)
                    if len(batch) >= PAGE_SIZE:
                        yield LogPage(batch, "participants", completes=done)
                        batch, done = [], []
            yield LogPage(batch, None, completes=done)
        finally:
            stop.set()
            while finder.is_alive():
                with contextlib.suppress(queue.Empty):
                    found.get(timeout=0.05)
            finder.join()

    def _participants(self, uuid: str, context: dict[str, Any]) -> Iterator[tuple[list[dict[str, Any]], bool]]:
        """(events, whether the meeting is complete) per page of one instance's participants."""
        from confkit.providers.zoom.provider import encode_meeting_id

        path = f"/past_meetings/{encode_meeting_id(uuid)}/participants"
        fallback = context.get("start")
        try:
            for items, token in self.client.pages(path, {}, MEDIUM, "participants"):
                yield [participant_event(item, self.tenant, context, fallback) for item in items], token is None
        except NotFoundError:
            # Zoom no longer has the instance (3001): there is nothing left to collect from it.
            yield [], True


def log_streams(provider: ZoomProvider) -> list[LogStream]:
    """The Zoom account's log streams (``Provider.log_streams()`` finds this function)."""
    client = log_client(provider)
    return [SignInStream(client), OperationStream(client), ParticipantStream(client)]


__all__ = [
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
    "parse_operation_detail",
    "participant_event",
    "role_rank",
    "signin_event",
]
