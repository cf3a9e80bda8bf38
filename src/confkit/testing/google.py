"""FakeGoogle: a stateful, in-process fake of the Google Workspace APIs confkit uses, served as an httpx transport.

Use it wherever a real Workspace domain would be needed::

    fake = FakeGoogle()                                   # knows the sandbox service account
    fake.add_user("teacher@district.example", first_name="Ada", last_name="Adams", org_unit="/Staff")
    client = httpx.Client(transport=fake)                 # no sockets, no network
    google = GoogleProvider.from_settings(SANDBOX.settings | {"admin_email": ...}, client=client)

What it models, operation by operation after the discovery documents bundled with
google-api-python-client (routes, declared query parameters, scopes and request-body schemas are
read from them, so the fake and the contract check agree by construction):

* **OAuth** ``POST https://oauth2.googleapis.com/token`` with the JWT-bearer grant. The assertion
  is checked the way Google does: three base64url parts, ``RS256``, ``kid`` = the key id, ``iss``
  a registered service account, ``aud`` the token URL, a lifetime of at most an hour, the RS256
  signature (verified with the service account's public key), ``sub`` an existing, unsuspended
  user, and every requested scope authorised for domain-wide delegation (:attr:`dwd_scopes`).
  API calls need ``Authorization: Bearer``; a token carries its user and scopes, and a call whose
  discovery method accepts none of them gets Google's 403 ``insufficientPermissions``.
* **Calendar v3** ``events.list/get/insert/patch/delete`` on a user's own calendar. An insert with
  ``conferenceDataVersion=1`` and a ``hangoutsMeet`` create request gets a Meet space and
  ``conferenceData`` (status ``success``); with version 0 the conference data is ignored, as
  Google does. Deleted events stay readable with ``status: cancelled``.
* **Meet v2** ``spaces.create/get/patch/endActiveConference``: ``get`` takes ``spaces/{id}`` or the
  meeting-code alias, ``patch`` only ``spaces/{id}``; ``updateMask`` is honoured path by path;
  only the owner sees or changes ``config``; ``endActiveConference`` only on app-created spaces.
* **Directory v1** ``users.list/get/insert/patch`` (``customer``/``domain``, ``query`` with
  ``isSuspended=``, ``isAdmin=``, ``orgUnitPath=``), ``orgunits.list``. Admin calls need an admin.
* **Cloud Identity v1** ``policies.list`` with the CEL filter confkit sends; super admins only.
* **Reports v1** ``activities.list`` for every application (``meet``, ``admin`` ... as seeded):
  newest first, the last 180 days only, ``startTime`` before ``endTime`` and now, ``eventName``,
  ``maxResults`` 1-1000, ``pageToken``; int64 values as strings, audit meeting codes in the
  ``NTBTYDTXBE`` form. :meth:`FakeGoogle.add_meet_activity`, :meth:`FakeGoogle.add_admin_setting_change`
  and :meth:`FakeGoogle.add_activity` seed records; :meth:`FakeGoogle.enable_sandbox_logs` serves the
  sandbox district's two weeks of Meet and Admin-console traffic; :meth:`FakeGoogle.generate_log_traffic`
  serves hundreds of thousands of generated records in constant memory (a request costs one page);
  :meth:`FakeGoogle.log_records` lists what is served. Page tokens are signed offsets (no state per
  page). ``FakeGoogle(enforce_rate_limits=True)`` answers 503 over Google's per-user limits: 2,400
  queries and 250 filtered ``activities.list`` queries in any 60 s of the fake's clock.

:meth:`FakeGoogle.snapshot` and :meth:`FakeGoogle.restore` save and load the domain (the CLI's
sandbox keeps it between invocations this way).

Faults (``fail_next``, ``server_error_next``, ``reset_connection_next`` and ``slow`` from
:class:`~confkit.testing.FakeAPI`, plus :meth:`FakeGoogle.rate_limit_next` (429),
:meth:`FakeGoogle.rate_limit_403_next` (403 ``rateLimitExceeded``), :meth:`FakeGoogle.expire_tokens`
and :meth:`FakeGoogle.expire_page_tokens`) answer with Google's own error bodies. Deliberate
strictness: undeclared query parameters and body fields unknown to the discovery schema are refused
with 400 (Calendar and Directory would ignore them) so contract violations fail fast; set
``strict = False`` to ignore them.

Like every confkit fake it is an :class:`httpx.MockTransport` (through :class:`FakeAPI`) that does
not override ``handle_request``: vcrpy records and replays httpx traffic by patching
``MockTransport.handle_request``, so cassettes are recorded from this fake.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import copy
import hashlib
import hmac
import json
import random
import re
import string
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Literal, TypeVar
from zoneinfo import ZoneInfo

import googleapiclient
import httpx
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from dateutil.rrule import rrulestr

from confkit.http.clock import Clock
from confkit.models import AutoRecording, MeetingSecurity, ScreenSharing, WaitingRoom
from confkit.providers.google.limits import is_filtered_query
from confkit.providers.google.scopes import ALL_SCOPES
from confkit.sandbox import SUBJECTS, ClassMeeting, District, SandboxPlatform
from confkit.testing._fake import (
    Call,
    CursorError,
    Cursors,
    FakeAPI,
    Fault,
    Reply,
    Timeline,
    canonical_json,
    deep_merge,
    json_response,
    route,
)

TOKEN_URL = "https://oauth2.googleapis.com/token"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
DEFAULT_CUSTOMER = "C03fake7x"
MEET_ICON = (
    "https://fonts.gstatic.com/s/i/productlogos/meet_2020q4/v6/web-512dp/logo_meet_2020q4_color_2x_web_512dp.png"
)
#: Query parameters every Google API accepts (discovery "parameters" of the service).
STANDARD_QUERY = frozenset(
    {
        "alt",
        "fields",
        "key",
        "oauth_token",
        "prettyPrint",
        "quotaUser",
        "userIp",
        "access_token",
        "upload_protocol",
        "uploadType",
        "callback",
        "$.xgafv",
    }
)
_DOCS = {
    "calendar": "calendar.v3.json",
    "meet": "meet.v2.json",
    "directory": "admin.directory_v1.json",
    "reports": "admin.reports_v1.json",
    "cloudidentity": "cloudidentity.v1.json",
}
STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ALREADY_EXISTS",
    410: "NOT_FOUND",
    412: "FAILED_PRECONDITION",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    502: "UNAVAILABLE",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}
LEGACY_REASONS = {
    400: "badRequest",
    401: "authError",
    403: "forbidden",
    404: "notFound",
    409: "duplicate",
    410: "deleted",
    429: "rateLimitExceeded",
    500: "backendError",
    503: "backendError",
}

H = TypeVar("H", bound=Callable[..., httpx.Response])

# -- the discovery documents ------------------------------------------------------------------------


@cache
def discovery(api: str) -> dict[str, Any]:
    """A bundled discovery document (``calendar``, ``meet``, ``directory``, ``reports``, ``cloudidentity``)."""
    folder = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents"
    doc: dict[str, Any] = json.loads((folder / _DOCS[api]).read_text(encoding="utf-8"))
    return doc


@cache
def _methods() -> dict[str, tuple[str, dict[str, Any]]]:
    found: dict[str, tuple[str, dict[str, Any]]] = {}

    def walk(api: str, resources: dict[str, Any]) -> None:
        for res in resources.values():
            for method in res.get("methods", {}).values():
                found[method["id"]] = (api, method)
            walk(api, res.get("resources", {}))

    for api in _DOCS:
        walk(api, discovery(api).get("resources", {}))
    return found


def method_spec(method_id: str) -> tuple[str, dict[str, Any]]:
    """``(api, discovery method)`` of a method id such as ``meet.spaces.patch``."""
    return _methods()[method_id]


def gapi(method_id: str) -> Callable[[H], H]:
    """Route a handler to a discovery method: URL, HTTP method and declared query parameters come
    from the bundled document; the method's accepted scopes travel in the route's metadata."""
    api, method = method_spec(method_id)
    doc = discovery(api)
    path = method.get("flatPath") or method["path"]
    url = doc["rootUrl"].rstrip("/") + "/" + (doc.get("servicePath", "") + path).lstrip("/")
    query = {n for n, p in method.get("parameters", {}).items() if p.get("location") == "query"} | STANDARD_QUERY
    return route(method["httpMethod"], url, query=query, api=api, method_id=method_id, scopes=method.get("scopes", []))


def schema_problems(value: Any, schema: Mapping[str, Any], api: str, where: str = "") -> list[tuple[str, str]]:
    """``(field, message)`` for each way ``value`` breaks a discovery schema (types, enums, unknown fields)."""
    if "$ref" in schema:
        schema = discovery(api)["schemas"][schema["$ref"]]
    kind = schema.get("type") or ("object" if "properties" in schema else None)
    name = where or "body"
    if value is None or kind in (None, "any"):
        return []
    if kind == "object":
        if not isinstance(value, dict):
            return [(name, "must be an object")]
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        problems: list[tuple[str, str]] = []
        for key, item in value.items():
            path = f"{where}.{key}" if where else key
            if key in props:
                problems += schema_problems(item, props[key], api, path)
            elif extra:
                problems += schema_problems(item, extra, api, path)
            elif props:
                problems.append((path, "Cannot find field."))
        return problems
    if kind == "array":
        if not isinstance(value, list):
            return [(name, "must be an array")]
        return [p for i, item in enumerate(value) for p in schema_problems(item, schema["items"], api, f"{name}[{i}]")]
    if kind == "string":
        if schema.get("format") in ("int64", "uint64") and isinstance(value, int) and not isinstance(value, bool):
            return []
        if not isinstance(value, str):
            return [(name, "must be a string")]
        if schema.get("enum") and value not in schema["enum"]:
            return [(name, f"Invalid value {value!r}; use one of {', '.join(schema['enum'])}")]
        return []
    if kind == "integer":
        ok = isinstance(value, int) and not isinstance(value, bool)
        return [] if ok else [(name, "must be an integer")]
    if kind == "number":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return [] if ok else [(name, "must be a number")]
    if kind == "boolean":
        return [] if isinstance(value, bool) else [(name, "must be a boolean")]
    return []


# -- errors --------------------------------------------------------------------------------------------


def google_error(
    status: int,
    message: str,
    reason: str | None = None,
    *,
    domain: str = "global",
    legacy: bool = True,
    location: str | None = None,
    details: list[dict[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Reply:
    """Google's error body. ``legacy`` adds the ``errors[]`` array (Calendar, Directory, Reports)."""
    error: dict[str, Any] = {"code": status, "message": message, "status": STATUS_NAMES.get(status, "UNKNOWN")}
    if legacy:
        item: dict[str, Any] = {"message": message, "domain": domain, "reason": reason or LEGACY_REASONS.get(status)}
        if location:
            item |= {"location": location, "locationType": "parameter"}
        error["errors"] = [item]
    if details:
        error["details"] = details
    return Reply(status, {"error": error}, headers)


def _error_info(reason: str, service: str) -> list[dict[str, Any]]:
    return [
        {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": reason,
            "domain": "googleapis.com",
            "metadata": {"service": service},
        }
    ]


def _bad_request(api: str, problems: list[tuple[str, str]]) -> Reply:
    field, message = problems[0]
    if api in ("meet", "cloudidentity"):
        violations = [{"field": f, "description": m} for f, m in problems]
        return google_error(
            400,
            f"Invalid JSON payload received. Unknown name or bad value at '{field}': {message}",
            legacy=False,
            details=[{"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": violations}],
        )
    return google_error(400, f"Invalid value at '{field}': {message}", "invalid", location=field)


# -- small helpers -------------------------------------------------------------------------------------


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _parse_rfc3339(value: str, field: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith("Z") else value)
    except ValueError:
        raise google_error(400, f"Bad Request: {field} is not an RFC 3339 timestamp", location=field) from None
    if parsed.tzinfo is None:
        raise google_error(400, f"Bad Request: {field} needs a time-zone offset", location=field)
    return parsed


def _b64url_json(part: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def _b64url(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def audit_code(code: str) -> str:
    """A Meet code as the audit log writes it: ``abc-mnop-xyz`` -> ``ABCMNOPXYZ``."""
    return code.replace("-", "").upper()


# -- the fake ------------------------------------------------------------------------------------------


class FakeGoogle(FakeAPI):
    """A faithful, stateful, in-process fake of Calendar, Meet, Directory, Reports and Cloud Identity.

    State is plain JSON-able dicts exactly as Google returns them, open to tests: :attr:`users`
    (by id, the ``users.get`` shape), :attr:`org_units` (by path), :attr:`events` (calendar id ->
    event id -> event), :attr:`spaces` (by space id), :attr:`policies` and :attr:`activities`.
    :attr:`requests` logs every request received, in order.

    ``clock`` drives token expiry and "now"; ``seed`` makes ids, meeting codes and tokens
    reproducible. ``service_accounts`` maps a service account's email to its RSA public key (the
    sandbox service account is registered by default); :attr:`dwd_scopes` are the scopes its
    client id is authorised for under domain-wide delegation (all of confkit's by default).
    """

    TOKEN_URL = TOKEN_URL

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        seed: int = 0,
        customer_id: str = DEFAULT_CUSTOMER,
        domains: Iterable[str] = ("lincoln-usd.example",),
        organization: str = "Lincoln Unified (sandbox)",
        service_accounts: Mapping[str, rsa.RSAPublicKey] | None = None,
        dwd_scopes: Iterable[str] = ALL_SCOPES,
        token_ttl: int = 3600,
        enforce_rate_limits: bool = False,
    ) -> None:
        super().__init__(clock=clock, seed=seed)
        self.customer_id = customer_id
        self.domains = set(domains)
        self.token_ttl = token_ttl
        #: Refuse undeclared query parameters and unknown body fields (Calendar/Directory ignore them).
        self.strict = True
        self.service_accounts: dict[str, tuple[str, rsa.RSAPublicKey]] = {}
        for email, key in (
            service_accounts or {SANDBOX_SERVICE_ACCOUNT["client_email"]: _sandbox_public_key()}
        ).items():
            kid = SANDBOX_SERVICE_ACCOUNT["private_key_id"] if email == SANDBOX_SERVICE_ACCOUNT["client_email"] else ""
            self.service_accounts[email] = (kid, key)
        self.dwd_scopes: set[str] = set(dwd_scopes)
        self.users: dict[str, dict[str, Any]] = {}
        self.org_units: dict[str, dict[str, Any]] = {}
        self.events: dict[str, dict[str, dict[str, Any]]] = {}
        self.spaces: dict[str, dict[str, Any]] = {}
        self.policies: list[dict[str, Any]] = []
        self.activities: list[dict[str, Any]] = []
        self.tokens_issued = 0
        #: Conferences created from now on stay ``pending`` for this many ``events.get`` reads.
        self.pending_conference_reads = 0
        self._pending_conferences: dict[str, tuple[int, str]] = {}
        self._space_meta: dict[str, dict[str, Any]] = {}  # owner, origin ("api" | "calendar")
        self._tokens: dict[str, tuple[str, frozenset[str], datetime]] = {}
        self._expired: set[str] = set()
        self._cursors = Cursors(self, ttl=3 * 24 * 3600)
        #: Generated audit-log traffic (the sandbox district's): served, but not part of the state.
        self._generated: list[dict[str, Any]] = []
        self._sandbox_logs: tuple[District, int] | None = None
        #: Bulk audit-log traffic (:meth:`generate_log_traffic`), computed per request: not part of the state.
        self._bulk: _BulkActivities | None = None
        #: Answer Reports queries over Google's per-user limits with 503 (sliding 60 s window, fake clock).
        self.enforce_rate_limits = enforce_rate_limits
        #: Reports queries a minute per impersonated user, and filtered ``activities.list`` queries a minute.
        self.reports_queries_per_minute = 2400
        self.reports_filtered_per_minute = 250
        #: Reports queries refused with 503 for going over those limits.
        self.reports_throttled = 0
        self._quota: dict[tuple[str, bool], deque[float]] = {}
        # Reports page tokens carry their offset and query, signed: no state per page.
        self._page_epoch = 0
        self._page_key = hashlib.sha256(f"confkit-fake-google-page-tokens:{seed}".encode()).digest()
        self._root = self._new_org_unit("/", organization, None)

    # -- seeding (no HTTP) --------------------------------------------------------------------------

    def add_org_unit(self, path: str, description: str = "") -> dict[str, Any]:
        """Add an org unit (and its missing parents) directly; returns the ``orgunits`` dict."""
        if not path.startswith("/") or path == "/":
            raise ValueError("an org unit path starts with / and is not the root")
        with self._lock:
            parent = path.rsplit("/", 1)[0] or "/"
            if parent not in self.org_units:
                self.add_org_unit(parent)
            if path not in self.org_units:
                self._new_org_unit(path, path.rsplit("/", 1)[1], parent, description)
            return self.org_units[path]

    def add_user(
        self,
        email: str,
        *,
        first_name: str = "",
        last_name: str = "",
        org_unit: str = "/",
        is_admin: bool = False,
        is_delegated_admin: bool = False,
        suspended: bool = False,
        **extra: Any,
    ) -> dict[str, Any]:
        """Add a user directly (no HTTP) and return the stored ``users.get`` dict."""
        with self._lock:
            if self._find_user(email) is not None:
                raise ValueError(f"a user with email {email!r} already exists")
            if email.split("@", 1)[-1] not in self.domains:
                self.domains.add(email.split("@", 1)[-1])
            if org_unit != "/" and org_unit not in self.org_units:
                self.add_org_unit(org_unit)
            body = {
                "primaryEmail": email,
                "name": {"givenName": first_name, "familyName": last_name},
                "orgUnitPath": org_unit,
                "suspended": suspended,
                **extra,
            }
            user = self._new_user(body)
            user["isAdmin"] = is_admin
            user["isDelegatedAdmin"] = is_delegated_admin
            return user

    def add_event(
        self,
        organizer: str,
        body: dict[str, Any],
        *,
        meet: bool = True,
        space_config: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Insert a Calendar event directly (no HTTP), with a Meet conference whose space has
        ``space_config`` merged over the defaults; returns the stored event."""
        with self._lock:
            user = self._find_user(organizer)
            if user is None:
                raise ValueError(f"no user {organizer!r}")
            data = copy.deepcopy(body)
            if meet:
                data["conferenceData"] = {
                    "createRequest": {
                        "requestId": f"seed-{len(self.spaces)}",
                        "conferenceSolutionKey": {"type": "hangoutsMeet"},
                    }
                }
            try:
                event = self._insert_event(user["primaryEmail"], data, conference_version=1 if meet else 0)
            except Reply as reply:
                raise ValueError(f"Calendar would refuse this event: {reply.body}") from None
            if meet and space_config:
                space = self.space_by_code(event["conferenceData"]["conferenceId"])
                deep_merge(space["config"], space_config)
            return event

    def add_policy(
        self,
        setting: str,
        value: dict[str, Any],
        *,
        org_unit: str = "/",
        sort_order: float = 1,
        type: Literal["ADMIN", "SYSTEM"] = "ADMIN",
    ) -> dict[str, Any]:
        """Add a Cloud Identity policy (``setting`` like ``meet.safety_domain``) for an org unit."""
        with self._lock:
            ou = self.org_units[org_unit] if org_unit in self.org_units else self.add_org_unit(org_unit)
            ou_id = ou["orgUnitId"].removeprefix("id:")
            policy = {
                "name": "policies/" + self._id(string.ascii_letters + string.digits, 28),
                "customer": f"customers/{self.customer_id}",
                "policyQuery": {
                    "orgUnit": f"orgUnits/{ou_id}",
                    "query": f"entity.org_units.exists(org_unit, org_unit.org_unit_id == orgUnitId('{ou_id}'))",
                    "sortOrder": sort_order,
                },
                "setting": {"type": f"settings/{setting.removeprefix('settings/')}", "value": dict(value)},
                "type": type,
            }
            self.policies.append(policy)
            return policy

    def add_activity(
        self,
        application: str,
        event_name: str,
        *,
        time: datetime,
        actor_email: str | None,
        event_type: str | None = None,
        parameters: Mapping[str, str | int | bool | list[str]] | None = None,
        ip_address: str | None = None,
        unique_qualifier: str | None = None,
        caller_key: str = "HANGOUTS_EXTERNAL_OR_ANONYMOUS",
    ) -> dict[str, Any]:
        """Add one Reports activity of ``application`` (``meet``, ``admin`` ...) with one event.

        Parameters are typed the way Google sends them: ``bool`` -> ``boolValue``, ``int`` ->
        ``intValue`` (int64 as a string), a list of strings -> ``multiValue``, else ``value``. Without
        ``actor_email`` the actor is ``callerType: KEY`` with ``caller_key`` (external or anonymous
        joiners). ``unique_qualifier`` defaults to a seeded random int64 (as a string)."""
        params: list[dict[str, Any]] = []
        for name, val in (parameters or {}).items():
            if isinstance(val, bool):
                params.append({"name": name, "boolValue": val})
            elif isinstance(val, int):
                params.append({"name": name, "intValue": str(val)})
            elif isinstance(val, list):
                params.append({"name": name, "multiValue": [str(v) for v in val]})
            else:
                params.append({"name": name, "value": val})
        with self._lock:
            actor: dict[str, Any] = (
                {
                    "callerType": "USER",
                    "email": actor_email,
                    "profileId": (self._find_user(actor_email) or {}).get("id", ""),
                }
                if actor_email
                else {"callerType": "KEY", "key": caller_key}
            )
            event: dict[str, Any] = {"name": event_name, "parameters": params}
            if event_type:
                event = {"type": event_type, **event}
            activity: dict[str, Any] = {
                "kind": "admin#reports#activity",
                "id": {
                    "time": rfc3339(time),
                    "uniqueQualifier": unique_qualifier or str(self.rng.randint(10**17, 10**18)),
                    "applicationName": application,
                    "customerId": self.customer_id,
                },
                "etag": f'"{self._id(string.ascii_letters, 20)}"',
                "actor": actor,
            }
            if ip_address:
                activity["ipAddress"] = ip_address
            activity["events"] = [event]
            self.activities.append(activity)
            return activity

    def add_meet_activity(
        self,
        event_name: str,
        *,
        actor_email: str | None,
        meeting_code: str,
        organizer_email: str,
        time: datetime,
        duration_seconds: int = 0,
        is_external: bool = False,
        event_type: str = "call",
        ip_address: str | None = None,
        **parameters: str | int | bool,
    ) -> dict[str, Any]:
        """Add one Meet audit-log activity (``call_ended`` ...); the code is stored as the log writes it."""
        params: dict[str, str | int | bool | list[str]] = {
            "meeting_code": audit_code(meeting_code),
            "organizer_email": organizer_email,
            "is_external": is_external,
            "duration_seconds": duration_seconds,
            "start_timestamp_seconds": int(time.timestamp()) - duration_seconds,
            **parameters,
        }
        return self.add_activity(
            "meet",
            event_name,
            time=time,
            actor_email=actor_email,
            event_type=event_type,
            parameters=params,
            ip_address=ip_address,
        )

    def add_admin_setting_change(
        self,
        setting_name: str,
        *,
        actor_email: str,
        time: datetime,
        old_value: str | None = None,
        new_value: str | None = None,
        event_name: Literal[
            "CREATE_APPLICATION_SETTING", "CHANGE_APPLICATION_SETTING", "DELETE_APPLICATION_SETTING"
        ] = "CHANGE_APPLICATION_SETTING",
        application_name: str = "Google Meet",
        org_unit: str | None = None,
        group_email: str | None = None,
        ip_address: str | None = None,
        unique_qualifier: str | None = None,
    ) -> dict[str, Any]:
        """Add one Admin console setting change (application ``admin``, type ``APPLICATION_SETTINGS``) with
        the parameters ScubaGoggles reads: ``APPLICATION_NAME``, ``SETTING_NAME``, ``OLD_VALUE``,
        ``NEW_VALUE``, ``ORG_UNIT_NAME`` or ``GROUP_EMAIL``."""
        params: dict[str, str | int | bool | list[str]] = {
            "APPLICATION_NAME": application_name,
            "SETTING_NAME": setting_name,
        }
        if old_value is not None:
            params["OLD_VALUE"] = old_value
        if new_value is not None:
            params["NEW_VALUE"] = new_value
        if org_unit is not None:
            params["ORG_UNIT_NAME"] = org_unit
        if group_email is not None:
            params["GROUP_EMAIL"] = group_email
        return self.add_activity(
            "admin",
            event_name,
            time=time,
            actor_email=actor_email,
            event_type="APPLICATION_SETTINGS",
            parameters=params,
            ip_address=ip_address,
            unique_qualifier=unique_qualifier,
        )

    def enable_sandbox_logs(self, district: District, days: int = 14) -> None:
        """Serve the sandbox district's audit-log traffic of the last ``days`` days (made from the date on
        the first Reports request, kept out of :meth:`snapshot`: see :func:`sandbox_log_traffic`)."""
        with self._lock:
            self._sandbox_logs = (district, days)

    def generate_log_traffic(
        self,
        *,
        meet: int = 0,
        admin: int = 0,
        start: datetime | None = None,
        end: datetime | None = None,
        seed: int | None = None,
        domain: str = "bulk-usd.example",
    ) -> GoogleLogTraffic:
        """Serve large volumes of realistic Reports traffic in constant memory.

        ``meet`` Meet activities (one event each: mostly ``call_ended``, a participant's stay with the
        parameters Meet logs - about one in 25 an external or anonymous joiner, ``callerType: KEY`` - and
        presentations, knocks let in or turned away, invitations, now and then an abuse report; about forty
        consecutive records share one class meeting) and ``admin`` Admin console changes of Meet settings
        (``CHANGE_``, ``CREATE_``, ``DELETE_APPLICATION_SETTING`` as :meth:`add_admin_setting_change` makes
        them), spread evenly over ``[start, end)`` (default: the 150 days up to an hour ago). Each record is
        computed from its index (``id.uniqueQualifier`` unique and stable) when a page asks for it, so a
        request costs O(page size + log n) whatever the volume, ``eventName`` filters included; a
        ``userKey`` other than ``all`` scans them (small tests only). Served by ``activities.list`` exactly
        like seeded records (newest first among them) and listed by :meth:`log_records`; not part of
        :meth:`snapshot`. Replaces earlier generated traffic.
        """
        if meet < 0 or admin < 0 or max(meet, admin) > MAX_GENERATED:
            raise ValueError(f"generate between 0 and {MAX_GENERATED} records per application")
        end = (end or self.now() - timedelta(hours=1)).astimezone(UTC)
        start = (start or end - timedelta(days=150)).astimezone(UTC)
        if start >= end:
            raise ValueError("start must be before end")
        traffic = GoogleLogTraffic(meet, admin, start, end, domain, self.seed if seed is None else seed)
        with self._lock:
            self._bulk = _BulkActivities(traffic, self.customer_id)
        return traffic

    def log_records(self, application: str, *, since: datetime | None = None) -> Iterator[dict[str, Any]]:
        """Every activity of ``application`` the Reports API serves as of now (within its 180 days, from
        ``since``), seeded and generated alike, newest first: what a collection must store (computed
        page by page: generated traffic is never held in memory at once)."""
        self._logs_ready()
        now = self.now()
        floor = max(now - timedelta(days=180), since) if since is not None else now - timedelta(days=180)
        with self._lock:
            first, second = self._activity_rows(application, floor, now, "all", None)
        return _merged_iter(first, second)

    def _activity_rows(
        self, app: str, lo: datetime, hi: datetime | None, user_key: str, name: str | None
    ) -> tuple[list[dict[str, Any]], _Strided | None]:
        """Served activities of ``app`` with ``lo <= time <= hi`` (``hi`` ``None``: no upper bound), of
        ``user_key`` (``all``) and with an event ``name`` (any when ``None``): the seeded and sandbox ones
        newest first, and the generated ones (newest first too, made when sliced)."""
        found = []
        for activity in [*self.activities, *self._generated]:
            if activity["id"]["applicationName"] != app:
                continue
            moment = _parse_rfc3339(activity["id"]["time"], "time")
            if moment < lo or (hi is not None and moment > hi):
                continue
            if user_key != "all" and activity["actor"].get("email", "").lower() != user_key.lower():
                continue
            if name and not any(e["name"] == name for e in activity["events"]):
                continue
            found.append(activity)
        found.sort(key=lambda a: a["id"]["time"], reverse=True)
        bulk = self._bulk
        if bulk is None:
            return found, None
        rows = bulk.rows(app, _ms_ceil(lo), _ms_floor(hi) + 1 if hi is not None else 1 << 62, name or None)
        if rows is None or user_key == "all":
            return found, rows
        mine = [a for a in rows[0 : len(rows)] if a["actor"].get("email", "").lower() == user_key.lower()]
        return sorted([*found, *mine], key=lambda a: a["id"]["time"], reverse=True), None

    def _logs_ready(self) -> None:
        with self._lock:
            pending, self._sandbox_logs = self._sandbox_logs, None
            if pending is not None:
                self._generated = sandbox_log_traffic(self, *pending)

    def add_space(
        self, owner: str, config: dict[str, Any] | None = None, *, app_created: bool = True
    ) -> dict[str, Any]:
        """Create a Meet space directly (no HTTP), owned by ``owner``; returns the stored space."""
        with self._lock:
            user = self._find_user(owner)
            if user is None:
                raise ValueError(f"no user {owner!r}")
            return self._new_space(user["primaryEmail"], origin="api" if app_created else "calendar", config=config)

    def space_by_code(self, code: str) -> dict[str, Any]:
        """The stored space behind a meeting code (``abc-mnop-xyz``)."""
        with self._lock:
            for space in self.spaces.values():
                if space["meetingCode"] == code:
                    return space
        raise KeyError(code)

    def start_conference(self, code: str) -> str:
        """Start a call in the space behind ``code``; returns the conference record name."""
        with self._lock:
            space = self.space_by_code(code)
            record = "conferenceRecords/" + self._id(string.ascii_lowercase + string.digits, 20)
            space["activeConference"] = {"conferenceRecord": record}
            return record

    # -- faults (see FakeAPI for fail_next, server_error_next, reset_connection_next, slow) ------------

    def rate_limit_next(self, *, times: int = 1, path: str | None = None, retry_after: str | None = None) -> None:
        """Answer the next matching request(s) with Google's 429 ``RESOURCE_EXHAUSTED`` / ``rateLimitExceeded``."""
        headers = {"Retry-After": retry_after} if retry_after else None
        reply = google_error(
            429,
            "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute'.",
            "rateLimitExceeded",
            headers=headers,
        )
        self.add_fault(Fault(times, path, respond=lambda _req: reply.response()))

    def rate_limit_403_next(
        self,
        *,
        times: int = 1,
        path: str | None = None,
        reason: Literal["rateLimitExceeded", "userRateLimitExceeded", "dailyLimitExceeded", "quotaExceeded"] = (
            "rateLimitExceeded"
        ),
    ) -> None:
        """Answer the next matching request(s) with the legacy 403 rate limit (Calendar, Directory)."""
        messages = {
            "rateLimitExceeded": "Rate Limit Exceeded",
            "userRateLimitExceeded": "User Rate Limit Exceeded",
            "dailyLimitExceeded": "Daily Limit Exceeded",
            "quotaExceeded": "Calendar usage limits exceeded.",
        }
        reply = google_error(403, messages[reason], reason, domain="usageLimits")
        self.add_fault(Fault(times, path, respond=lambda _req: reply.response()))

    def expire_page_tokens(self) -> None:
        """Every page token handed out so far is refused from now on (400 ``Invalid page token``)."""
        with self._lock:
            self._cursors = Cursors(self, ttl=3 * 24 * 3600)
            self._page_epoch += 1

    def expire_tokens(self) -> None:
        """Every access token issued so far now answers 401 ``UNAUTHENTICATED``."""
        with self._lock:
            self._expired.update(self._tokens)

    def grant_of(self, request: httpx.Request) -> tuple[str, frozenset[str]] | None:
        """Whom a logged request's bearer token impersonates, and with which scopes (``None``: no token)."""
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        with self._lock:
            found = self._tokens.get(token) if scheme.lower() == "bearer" else None
        return (found[0], found[1]) if found else None

    def snapshot(self) -> str:
        """Canonical JSON of the whole domain (no tokens), for byte-for-byte comparisons.

        Generated audit-log traffic (:meth:`enable_sandbox_logs`) is not part of it: it is made from
        the date, again after a :meth:`restore`."""
        with self._lock:
            return canonical_json(
                {
                    "users": self.users,
                    "org_units": self.org_units,
                    "events": self.events,
                    "spaces": self.spaces,
                    "space_owners": self._space_meta,
                    "policies": self.policies,
                    "activities": self.activities,
                }
            )

    def restore(self, state: str) -> None:
        """Put the domain back into ``state``, a :meth:`snapshot`: afterwards ``snapshot() == state``.

        Users, org units, events, spaces and their owners are replaced in place (dicts), policies and
        activities too (lists, in their order). What a snapshot leaves out stays: tokens issued, the
        request log, faults, page cursors, generated log traffic. New ids drawn after a restore come
        from a generator seeded by the state, so they do not repeat the ids drawn after seeding.
        """
        data = json.loads(state)
        shapes = {
            "users": dict,
            "org_units": dict,
            "events": dict,
            "spaces": dict,
            "space_owners": dict,
            "policies": list,
            "activities": list,
        }
        if not isinstance(data, dict) or set(data) != set(shapes):
            raise ValueError("not a FakeGoogle snapshot: expected the keys " + ", ".join(sorted(shapes)))
        for key, kind in shapes.items():
            if not isinstance(data[key], kind):
                raise ValueError(f"not a FakeGoogle snapshot: {key} is not a JSON {kind.__name__}")
        if "/" not in data["org_units"]:
            raise ValueError("not a FakeGoogle snapshot: the root org unit / is missing")
        with self._lock:
            for attr, key in (
                ("users", "users"),
                ("org_units", "org_units"),
                ("events", "events"),
                ("spaces", "spaces"),
                ("_space_meta", "space_owners"),
            ):
                target: dict[str, Any] = getattr(self, attr)
                target.clear()
                target.update(data[key])
            self.policies[:] = data["policies"]
            self.activities[:] = data["activities"]
            self._root = self.org_units["/"]
            self.domains |= {
                str(u.get("primaryEmail", "")).rpartition("@")[2] for u in self.users.values() if u.get("primaryEmail")
            }
            live = {event_id for events in self.events.values() for event_id in events}
            self._pending_conferences = {k: v for k, v in self._pending_conferences.items() if k in live}
            self.rng = random.Random(f"{self.seed}:restored:{hashlib.sha256(state.encode()).hexdigest()}")

    # -- hooks of FakeAPI ------------------------------------------------------------------------------

    def fault_applies(self, request: httpx.Request) -> bool:
        # A fault without a path spares the token endpoint: it targets API calls.
        return str(request.url.copy_with(query=None)) != TOKEN_URL

    def error_body(self, status: int) -> Any:
        reason = httpx.codes.get_reason_phrase(status) or "Error"
        return google_error(status, reason).body

    def undeclared_query(self, call: Call, names: list[str]) -> Reply | None:
        if not self.strict:
            return None
        return google_error(
            400,
            f"Invalid parameter: {names[0]} is not a parameter of {call.route.meta['method_id']}",
            "invalidParameter",
            location=names[0],
        )

    def before(self, call: Call) -> None:
        if "method_id" not in call.route.meta:
            return
        subject, scopes = self._authenticate(call)
        accepted = set(call.route.meta["scopes"])
        if not scopes & accepted:
            method = call.route.meta["method_id"]
            raise google_error(
                403,
                "Request had insufficient authentication scopes.",
                "insufficientPermissions",
                details=_error_info("ACCESS_TOKEN_SCOPE_INSUFFICIENT", method),
            )
        call.state["subject"] = subject
        api = call.route.meta["api"]
        user = self._find_user(subject) or {}
        if api in ("directory", "reports") and not (user.get("isAdmin") or user.get("isDelegatedAdmin")):
            raise google_error(403, "Not Authorized to access this resource/api", "forbidden")
        if api == "cloudidentity" and not user.get("isAdmin"):
            raise google_error(403, "The caller does not have permission", legacy=False)

    # -- auth -------------------------------------------------------------------------------------------

    def _authenticate(self, call: Call) -> tuple[str, frozenset[str]]:
        scheme, _, token = call.request.headers.get("authorization", "").partition(" ")
        found = self._tokens.get(token) if scheme.lower() == "bearer" else None
        if found is None or token in self._expired or self.now() >= found[2]:
            raise google_error(
                401,
                "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or "
                "other valid authentication credential.",
                "authError",
                location="Authorization",
            )
        return found[0], found[1]

    @route("POST", TOKEN_URL, query=None)
    def _token(self, call: Call) -> httpx.Response:
        def refuse(status: int, error: str, description: str) -> httpx.Response:
            return json_response(status, {"error": error, "error_description": description})

        if call.request.url.query:
            return refuse(400, "invalid_request", "Parameters belong in the form body")
        form = call.form()
        if form.get("grant_type") != JWT_BEARER:
            return refuse(400, "unsupported_grant_type", f"Invalid grant_type: {form.get('grant_type', '')}")
        parts = form.get("assertion", "").split(".")
        try:
            if len(parts) != 3:
                raise ValueError
            header, claims, signature = _b64url_json(parts[0]), _b64url_json(parts[1]), _b64url(parts[2])
        except (ValueError, binascii.Error, UnicodeDecodeError):
            return refuse(
                400, "invalid_grant", "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe"
            )
        if not isinstance(header, dict) or not isinstance(claims, dict):
            return refuse(400, "invalid_grant", "Invalid JWT")
        if header.get("alg") != "RS256" or header.get("typ") != "JWT":
            return refuse(400, "invalid_grant", "Invalid JWT: alg must be RS256 and typ JWT")
        account = self.service_accounts.get(str(claims.get("iss")))
        if account is None:
            return refuse(401, "invalid_client", "The OAuth client was not found.")
        kid, public_key = account
        if kid and header.get("kid") != kid:
            return refuse(400, "invalid_grant", "Invalid JWT Signature.")
        try:
            public_key.verify(signature, f"{parts[0]}.{parts[1]}".encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            return refuse(400, "invalid_grant", "Invalid JWT Signature.")
        iat, exp = claims.get("iat"), claims.get("exp")
        if claims.get("aud") != TOKEN_URL:
            return refuse(400, "invalid_grant", "Invalid JWT: aud must be the token URL")
        if not isinstance(iat, int) or not isinstance(exp, int) or not 0 < exp - iat <= 3600:
            return refuse(400, "invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes)")
        scopes = frozenset(str(claims.get("scope", "")).split())
        if not scopes:
            return refuse(400, "invalid_scope", "Empty or missing scope not allowed.")
        subject = claims.get("sub")
        user = self._find_user(str(subject)) if subject else None
        if not subject or user is None or user.get("suspended"):
            return refuse(400, "invalid_grant", "Invalid email or User ID")
        if not scopes <= self.dwd_scopes:
            return refuse(
                401,
                "unauthorized_client",
                "Client is unauthorized to retrieve access tokens using this method, or client not "
                "authorized for any of the scopes requested.",
            )
        token = "ya29.fake-" + "".join(
            self.noise.choice(string.ascii_letters + string.digits + "-_") for _ in range(60)
        )
        self._tokens[token] = (user["primaryEmail"], scopes, self.now() + timedelta(seconds=self.token_ttl))
        self.tokens_issued += 1
        return json_response(200, {"access_token": token, "expires_in": self.token_ttl - 1, "token_type": "Bearer"})

    # -- shared helpers ---------------------------------------------------------------------------------

    def _id(self, alphabet: str, length: int) -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(length))

    def _body(self, call: Call, schema: str) -> dict[str, Any]:
        api = call.route.meta["api"]
        try:
            body = call.json()
        except ValueError:
            raise google_error(400, "Invalid JSON payload received.", "parseError") from None
        if body is None:
            body = {}
        if not isinstance(body, dict):
            raise google_error(400, "Invalid JSON payload received: the body must be an object", "parseError")
        problems = schema_problems(body, {"$ref": schema}, api)
        if problems and self.strict:
            raise _bad_request(api, problems)
        return body

    def _int_query(self, call: Call, name: str, default: int, low: int, high: int, *, clamp: bool = False) -> int:
        raw = call.query.get(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise google_error(400, f"Invalid value '{raw}' for {name}", "invalid", location=name) from None
        if clamp:
            return max(low, min(value, high))
        if not low <= value <= high:
            raise google_error(
                400,
                f"Invalid value '{raw}'. Values must be within the range: [{low}, {high}]",
                "invalid",
                location=name,
            )
        return value

    def _page(
        self, call: Call, items: list[dict[str, Any]], size: int, *, meet_style: bool = False
    ) -> tuple[list[dict[str, Any]], str | None]:
        key = canonical_json(
            {k: v for k, v in sorted(call.query.items()) if k not in ("pageToken", "alt")}
            | {"path": call.request.url.path}
        )
        token = call.query.get("pageToken")
        offset = 0
        if token:
            try:
                offset = self._cursors.offset(token, key)
            except CursorError as exc:
                raise google_error(
                    400, f"Invalid page token: {exc}", "invalid", legacy=not meet_style, location="pageToken"
                ) from None
        chunk = items[offset : offset + size]
        nxt = self._cursors.issue(offset + size, key) if offset + size < len(items) else None
        return chunk, nxt

    def _etag(self) -> str:
        return f'"{self.rng.randint(10**15, 10**16 - 1)}"'

    # -- Directory: org units and users --------------------------------------------------------------

    def _new_org_unit(self, path: str, name: str, parent: str | None, description: str = "") -> dict[str, Any]:
        ou: dict[str, Any] = {
            "kind": "admin#directory#orgUnit",
            "etag": self._etag(),
            "name": name,
            "description": description,
            "orgUnitPath": path,
            "orgUnitId": "id:03ph8a2z" + self._id(string.ascii_lowercase + string.digits, 7),
        }
        if parent is not None:
            ou["parentOrgUnitPath"] = parent
            ou["parentOrgUnitId"] = self.org_units[parent]["orgUnitId"]
        self.org_units[path] = ou
        return ou

    def _find_user(self, ref: str) -> dict[str, Any] | None:
        ref_l = ref.lower()
        for user in self.users.values():
            if user["id"] == ref or user["primaryEmail"].lower() == ref_l:
                return user
            if ref_l in (a.lower() for a in user.get("aliases", [])):
                return user
        return None

    def _user(self, ref: str) -> dict[str, Any]:
        user = self._find_user(ref)
        if user is None:
            raise google_error(404, "Resource Not Found: userKey", "notFound")
        return user

    def _new_user(self, body: dict[str, Any]) -> dict[str, Any]:
        name = dict(body.get("name") or {})
        name["fullName"] = f"{name.get('givenName', '')} {name.get('familyName', '')}".strip()
        user_id = "1" + "".join(str(self.rng.randint(0, 9)) for _ in range(20))
        stored = {k: copy.deepcopy(v) for k, v in body.items() if k not in ("password", "hashFunction", "name")}
        user: dict[str, Any] = {
            "kind": "admin#directory#user",
            "id": user_id,
            "etag": self._etag(),
            "primaryEmail": body["primaryEmail"],
            "name": name,
            "isAdmin": False,
            "isDelegatedAdmin": False,
            "lastLoginTime": "1970-01-01T00:00:00.000Z",
            "creationTime": rfc3339(self.now()),
            "agreedToTerms": False,
            "suspended": False,
            "archived": False,
            "changePasswordAtNextLogin": False,
            "ipWhitelisted": False,
            "emails": [{"address": body["primaryEmail"], "primary": True}],
            "customerId": self.customer_id,
            "orgUnitPath": "/",
            "isMailboxSetup": True,
            "isEnrolledIn2Sv": False,
            "isEnforcedIn2Sv": False,
            "includeInGlobalAddressList": True,
        }
        user.update(stored)
        if user.get("suspended"):
            user["suspensionReason"] = "ADMIN"
        self.users[user_id] = user
        return user

    def _customer_ok(self, customer: str) -> bool:
        return customer in ("my_customer", self.customer_id)

    @gapi("directory.users.list")
    def _list_users(self, call: Call) -> httpx.Response:
        customer, domain = call.query.get("customer"), call.query.get("domain")
        if not customer and not domain:
            raise google_error(400, "Bad Request", "badRequest")
        if customer and not self._customer_ok(customer):
            raise google_error(404, "Resource Not Found: customer", "notFound")
        if domain and domain not in self.domains:
            raise google_error(400, "Domain not found.", "notFound")
        size = self._int_query(call, "maxResults", 100, 1, 500)
        users = [u for u in self.users.values() if not domain or u["primaryEmail"].endswith("@" + domain)]
        for clause in filter(None, (call.query.get("query") or "").split(" ")):
            users = self._filter_users(users, clause)
        order = call.query.get("orderBy", "email")
        keys = {
            "email": lambda u: u["primaryEmail"].lower(),
            "givenName": lambda u: u["name"].get("givenName", ""),
            "familyName": lambda u: u["name"].get("familyName", ""),
        }
        if order not in keys:
            raise google_error(400, f"Invalid value '{order}' for orderBy", "invalid", location="orderBy")
        users.sort(key=keys[order], reverse=call.query.get("sortOrder") == "DESCENDING")
        chunk, nxt = self._page(call, users, size)
        body: dict[str, Any] = {"kind": "admin#directory#users", "etag": self._etag(), "users": chunk}
        if nxt:
            body["nextPageToken"] = nxt
        return json_response(200, body)

    def _filter_users(self, users: list[dict[str, Any]], clause: str) -> list[dict[str, Any]]:
        field, sep, raw = clause.partition("=")
        value = raw.strip("'\"")
        if sep and field == "isSuspended" and value in ("true", "false"):
            return [u for u in users if bool(u.get("suspended")) is (value == "true")]
        if sep and field == "isAdmin" and value in ("true", "false"):
            return [u for u in users if bool(u.get("isAdmin")) is (value == "true")]
        if sep and field == "orgUnitPath":
            return [u for u in users if u.get("orgUnitPath") == value]
        raise google_error(
            400,
            f"Invalid Input: query {clause!r} (FakeGoogle models isSuspended=, isAdmin=, orgUnitPath=)",
            "invalid",
            location="query",
        )

    @gapi("directory.users.get")
    def _get_user(self, call: Call) -> httpx.Response:
        return json_response(200, self._user(call.path["userKey"]))

    @gapi("directory.users.insert")
    def _insert_user(self, call: Call) -> httpx.Response:
        body = self._body(call, "User")
        email = body.get("primaryEmail")
        name = body.get("name") or {}
        if not email:
            raise google_error(400, "Invalid Input: primary_user_email", "invalid")
        if not name.get("givenName"):
            raise google_error(400, "Invalid Given/Family Name: GivenName", "invalid")
        if not name.get("familyName"):
            raise google_error(400, "Invalid Given/Family Name: FamilyName", "invalid")
        if len(str(body.get("password", ""))) < 8:
            raise google_error(400, "Invalid Password", "invalid")
        if email.split("@", 1)[-1] not in self.domains:
            raise google_error(400, "Domain not found.", "notFound")
        if self._find_user(email) is not None:
            raise google_error(409, "Entity already exists.", "duplicate")
        if body.get("orgUnitPath", "/") not in self.org_units:
            raise google_error(400, "Invalid Input: INVALID_OU_ID", "invalid")
        return json_response(200, self._new_user(body))

    @gapi("directory.users.patch")
    def _patch_user(self, call: Call) -> httpx.Response:
        user = self._user(call.path["userKey"])
        body = self._body(call, "User")
        if "orgUnitPath" in body and body["orgUnitPath"] not in self.org_units:
            raise google_error(400, "Invalid Input: INVALID_OU_ID", "invalid")
        body.pop("password", None)
        deep_merge(user, body)
        if body.get("suspended") is True:
            user["suspensionReason"] = "ADMIN"
        elif body.get("suspended") is False:
            user.pop("suspensionReason", None)
        user["etag"] = self._etag()
        return json_response(200, user)

    @gapi("directory.orgunits.list")
    def _list_org_units(self, call: Call) -> httpx.Response:
        if not self._customer_ok(call.path["customerId"]):
            raise google_error(404, "Resource Not Found: customer", "notFound")
        base = call.query.get("orgUnitPath", "/")
        kind = call.query.get("type", "children")
        if base not in self.org_units:
            raise google_error(404, "Org unit not found", "notFound")
        if kind not in ("all", "children", "allIncludingParent"):
            raise google_error(400, f"Invalid value '{kind}' for type", "invalid", location="type")
        prefix = base.rstrip("/") + "/"
        units = [ou for path, ou in self.org_units.items() if path != base and path.startswith(prefix)]
        if kind == "children":
            units = [ou for ou in units if ou.get("parentOrgUnitPath") == base]
        if kind == "allIncludingParent":
            units.insert(0, self.org_units[base])
        return json_response(
            200, {"kind": "admin#directory#orgUnits", "etag": self._etag(), "organizationUnits": units}
        )

    # -- Calendar -----------------------------------------------------------------------------------

    def _calendar(self, call: Call) -> tuple[str, dict[str, dict[str, Any]]]:
        """The calendar of the path: only the impersonated user's own (``primary`` or their email)."""
        cal = call.path["calendarId"]
        subject = call.state["subject"]
        owner = subject if cal == "primary" else cal
        if owner.lower() != subject.lower():
            raise google_error(404, "Not Found", "notFound")
        return subject, self.events.get(subject, {})  # reading must not change the state

    def _event(self, call: Call) -> dict[str, Any]:
        _, events = self._calendar(call)
        event = events.get(call.path["eventId"])
        if event is None:
            raise google_error(404, "Not Found", "notFound")
        return event

    def _check_times(self, event: dict[str, Any]) -> None:
        for edge in ("start", "end"):
            when = event.get(edge)
            if not isinstance(when, dict) or not (when.get("dateTime") or when.get("date")):
                raise google_error(400, f"Missing {edge} time.", "required")
            if when.get("timeZone"):
                try:
                    ZoneInfo(when["timeZone"])
                except (KeyError, ValueError):
                    raise google_error(400, f"Invalid time zone definition for {edge} time.", "invalid") from None
            if when.get("dateTime"):
                text = when["dateTime"]
                try:
                    moment = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
                except ValueError:
                    raise google_error(400, f"Invalid {edge} time.", "invalid") from None
                if moment.tzinfo is None and not when.get("timeZone"):
                    raise google_error(400, f"Missing time zone definition for {edge} time.", "required")
        if self._start(event) >= self._end_of_first(event):
            raise google_error(400, "The specified time range is empty.", "timeRangeEmpty")
        if event.get("recurrence"):
            if not event["start"].get("timeZone"):
                raise google_error(400, "Missing time zone definition for start time.", "required")
            for line in event["recurrence"]:
                if not str(line).upper().startswith(("RRULE:", "EXRULE:", "RDATE", "EXDATE")):
                    raise google_error(400, "Invalid recurrence rule.", "invalid")
                if str(line).upper().startswith("RRULE:"):
                    try:
                        rrulestr(str(line)[6:], dtstart=self._start(event))
                    except (ValueError, TypeError):
                        raise google_error(400, "Invalid recurrence rule.", "invalid") from None

    def _when(self, when: dict[str, Any]) -> datetime:
        if when.get("dateTime"):
            text = when["dateTime"]
            moment = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=ZoneInfo(when.get("timeZone") or "UTC"))
            return moment
        return datetime.fromisoformat(when["date"]).replace(tzinfo=ZoneInfo(when.get("timeZone") or "UTC"))

    def _start(self, event: dict[str, Any]) -> datetime:
        return self._when(event["start"])

    def _end_of_first(self, event: dict[str, Any]) -> datetime:
        return self._when(event["end"])

    def _last_end(self, event: dict[str, Any]) -> datetime | None:
        """When the event (series) ends: ``None`` for an endless series."""
        length = self._end_of_first(event) - self._start(event)
        rule = next((r for r in event.get("recurrence", []) if r.upper().startswith("RRULE:")), None)
        if rule is None:
            return self._end_of_first(event)
        if "COUNT=" not in rule.upper() and "UNTIL=" not in rule.upper():
            return None
        tz = ZoneInfo(event["start"].get("timeZone") or "UTC")
        starts = list(rrulestr(rule[6:], dtstart=self._start(event).astimezone(tz)))
        return (starts[-1] if starts else self._start(event)) + length

    def _insert_event(self, calendar: str, body: dict[str, Any], *, conference_version: int) -> dict[str, Any]:
        event_id = self._id("abcdefghijklmnopqrstuv0123456789", 26)
        event = copy.deepcopy(body)
        conference = event.pop("conferenceData", None)
        for read_only in (
            "id",
            "htmlLink",
            "created",
            "updated",
            "creator",
            "organizer",
            "etag",
            "kind",
            "iCalUID",
            "hangoutLink",
        ):
            event.pop(read_only, None)
        event.setdefault("status", "confirmed")
        self._check_times(event)
        now = rfc3339(self.now())
        person = {"email": calendar, "self": True}
        stored: dict[str, Any] = {
            "kind": "calendar#event",
            "etag": self._etag(),
            "id": event_id,
            "status": event.pop("status"),
            "htmlLink": f"https://www.google.com/calendar/event?eid={event_id}",
            "created": now,
            "updated": now,
            "creator": dict(person),
            "organizer": dict(person),
            **event,
            "iCalUID": f"{event_id}@google.com",
            "sequence": 0,
            "reminders": event.get("reminders", {"useDefault": True}),
            "eventType": "default",
        }
        if conference_version == 1 and conference:
            self._attach_conference(stored, conference, calendar)
        self.events.setdefault(calendar, {})[event_id] = stored
        return stored

    def _attach_conference(self, event: dict[str, Any], conference: dict[str, Any], owner: str) -> None:
        request = conference.get("createRequest")
        if not request:
            raise google_error(400, "Invalid conference data: only createRequest is modelled by FakeGoogle", "invalid")
        kind = (request.get("conferenceSolutionKey") or {}).get("type")
        if kind != "hangoutsMeet":
            raise google_error(400, "Invalid conference type value.", "invalid")
        if not request.get("requestId"):
            raise google_error(400, "Missing requestId in conference create request.", "required")
        if self.pending_conference_reads > 0:  # creation is asynchronous: the next reads see "pending"
            event["conferenceData"] = {
                "createRequest": {
                    "requestId": request["requestId"],
                    "conferenceSolutionKey": {"type": "hangoutsMeet"},
                    "status": {"statusCode": "pending"},
                }
            }
            self._pending_conferences[event["id"]] = (self.pending_conference_reads, owner)
            return
        self._complete_conference(event, request["requestId"], owner)

    def _complete_conference(self, event: dict[str, Any], request_id: str, owner: str) -> None:
        space = self._new_space(owner, origin="calendar")
        code = space["meetingCode"]
        event["hangoutLink"] = space["meetingUri"]
        event["conferenceData"] = {
            "createRequest": {
                "requestId": request_id,
                "conferenceSolutionKey": {"type": "hangoutsMeet"},
                "status": {"statusCode": "success"},
            },
            "entryPoints": [
                {"entryPointType": "video", "uri": space["meetingUri"], "label": f"meet.google.com/{code}"}
            ],
            "conferenceSolution": {"key": {"type": "hangoutsMeet"}, "name": "Google Meet", "iconUri": MEET_ICON},
            "conferenceId": code,
        }

    @gapi("calendar.events.list")
    def _list_events(self, call: Call) -> httpx.Response:
        calendar, events = self._calendar(call)
        if call.query.get("singleEvents") == "true":
            raise google_error(
                400,
                "FakeGoogle does not expand recurring events (singleEvents=true)",
                "invalid",
                location="singleEvents",
            )
        size = self._int_query(call, "maxResults", 250, 1, 2500, clamp=True)
        show_deleted = call.query.get("showDeleted") == "true"
        time_min = _parse_rfc3339(call.query["timeMin"], "timeMin") if "timeMin" in call.query else None
        time_max = _parse_rfc3339(call.query["timeMax"], "timeMax") if "timeMax" in call.query else None
        found = []
        for event in events.values():
            if event["status"] == "cancelled" and not show_deleted:
                continue
            last = self._last_end(event)
            if time_min is not None and last is not None and last <= time_min:
                continue
            if time_max is not None and self._start(event) >= time_max:
                continue
            found.append(event)
        chunk, nxt = self._page(call, found, size)
        body: dict[str, Any] = {
            "kind": "calendar#events",
            "etag": self._etag(),
            "summary": calendar,
            "updated": rfc3339(self.now()),
            "timeZone": "UTC",
            "accessRole": "owner",
            "defaultReminders": [],
            "items": chunk,
        }
        if nxt:
            body["nextPageToken"] = nxt
        return json_response(200, body)

    @gapi("calendar.events.get")
    def _get_event(self, call: Call) -> httpx.Response:
        event = self._event(call)
        pending = self._pending_conferences.get(event["id"])
        if pending is not None:
            reads, owner = pending
            if reads <= 1:
                del self._pending_conferences[event["id"]]
                self._complete_conference(event, event["conferenceData"]["createRequest"]["requestId"], owner)
            else:
                self._pending_conferences[event["id"]] = (reads - 1, owner)
        return json_response(200, event)

    def _conference_version(self, call: Call) -> int:
        version = self._int_query(call, "conferenceDataVersion", 0, 0, 1)
        send = call.query.get("sendUpdates")
        if send is not None and send not in ("all", "externalOnly", "none"):
            raise google_error(400, f"Invalid value '{send}' for sendUpdates", "invalid", location="sendUpdates")
        return version

    @gapi("calendar.events.insert")
    def _post_event(self, call: Call) -> httpx.Response:
        calendar, _ = self._calendar(call)
        version = self._conference_version(call)
        return json_response(200, self._insert_event(calendar, self._body(call, "Event"), conference_version=version))

    @gapi("calendar.events.patch")
    def _patch_event(self, call: Call) -> httpx.Response:
        calendar, _ = self._calendar(call)
        event = self._event(call)
        version = self._conference_version(call)
        body = self._body(call, "Event")
        conference = body.pop("conferenceData", None)
        for read_only in (
            "id",
            "htmlLink",
            "created",
            "updated",
            "creator",
            "organizer",
            "etag",
            "kind",
            "iCalUID",
            "hangoutLink",
            "sequence",
        ):
            body.pop(read_only, None)
        candidate = copy.deepcopy(event)
        for key, value in body.items():  # patch semantics: objects merge, arrays are replaced
            if isinstance(value, dict) and isinstance(candidate.get(key), dict) and key not in ("start", "end"):
                deep_merge(candidate[key], value)
            else:
                candidate[key] = copy.deepcopy(value)
        self._check_times(candidate)
        if version == 1 and conference and conference.get("createRequest") and not event.get("conferenceData"):
            self._attach_conference(candidate, conference, calendar)
        candidate["updated"] = rfc3339(self.now())
        candidate["sequence"] = event.get("sequence", 0) + 1
        candidate["etag"] = self._etag()
        event.clear()
        event.update(candidate)
        return json_response(200, event)

    @gapi("calendar.events.delete")
    def _delete_event(self, call: Call) -> httpx.Response:
        event = self._event(call)
        self._conference_version(call)
        if event["status"] == "cancelled":
            raise google_error(410, "Resource has been deleted", "deleted")
        event["status"] = "cancelled"
        event["updated"] = rfc3339(self.now())
        event["etag"] = self._etag()
        return httpx.Response(204)

    # -- Meet ----------------------------------------------------------------------------------------

    def _default_space_config(self, owner: str) -> dict[str, Any]:
        access = "TRUSTED"
        user = self._find_user(owner) or {}
        for policy in sorted(self.policies, key=lambda p: p["policyQuery"].get("sortOrder", 0)):
            if policy["setting"]["type"] != "settings/meet.meet_joining":
                continue
            ou = next(
                (
                    o
                    for o in self.org_units.values()
                    if "orgUnits/" + o["orgUnitId"].removeprefix("id:") == policy["policyQuery"].get("orgUnit")
                ),
                None,
            )
            if ou and (user.get("orgUnitPath", "/") + "/").startswith(ou["orgUnitPath"].rstrip("/") + "/"):
                access = str(policy["setting"]["value"].get("allowedAudience", access))
        return {
            "accessType": access,
            "entryPointAccess": "ALL",
            "moderation": "OFF",
            "moderationRestrictions": _default_restrictions(),
            "attendanceReportGenerationType": "DO_NOT_GENERATE",
            "artifactConfig": {
                "recordingConfig": {"autoRecordingGeneration": "OFF"},
                "transcriptionConfig": {"autoTranscriptionGeneration": "OFF"},
                "smartNotesConfig": {"autoSmartNotesGeneration": "OFF"},
            },
        }

    def _new_space(self, owner: str, *, origin: str, config: dict[str, Any] | None = None) -> dict[str, Any]:
        space_id = self._id(string.ascii_letters + string.digits, 12)
        letters = string.ascii_lowercase
        code = f"{self._id(letters, 3)}-{self._id(letters, 4)}-{self._id(letters, 3)}"
        space: dict[str, Any] = {
            "name": f"spaces/{space_id}",
            "meetingUri": f"https://meet.google.com/{code}",
            "meetingCode": code,
            "config": self._default_space_config(owner),
        }
        if config:
            self._apply_config(space["config"], config, None)
        self.spaces[space_id] = space
        self._space_meta[space_id] = {"owner": owner, "origin": origin}
        return space

    def _space(self, call: Call, *, by_code: bool) -> tuple[str, dict[str, Any]]:
        ref = call.path["spacesId"]
        if ref in self.spaces:
            return ref, self.spaces[ref]
        if by_code:
            for space_id, space in self.spaces.items():
                if space["meetingCode"] == ref:
                    return space_id, space
        elif re.fullmatch(r"[a-z]+(-[a-z]+)+", ref):
            raise google_error(400, "Invalid space name: use spaces/{space}, not a meeting code", legacy=False)
        raise google_error(404, "Requested entity was not found.", legacy=False)

    def _owner_only(self, call: Call, space_id: str) -> None:
        if self._space_meta[space_id]["owner"].lower() != call.state["subject"].lower():
            raise google_error(403, "Permission denied on resource Space (or it might not exist)", legacy=False)

    def _apply_config(self, config: dict[str, Any], patch: dict[str, Any], mask: list[str] | None) -> None:
        paths = mask if mask is not None else [f"config.{p}" for p in _leaf_paths(patch)]
        for path in paths:
            parts = path.split(".")
            if parts[0] != "config" or len(parts) < 2:
                raise google_error(400, f"Invalid update mask path: {path}", legacy=False)
            source: Any = patch
            for part in parts[1:]:
                source = source.get(part) if isinstance(source, dict) else None
            node = config
            for part in parts[1:-1]:
                node = node.setdefault(part, {})
            if source is None:
                node.pop(parts[-1], None)
            else:
                node[parts[-1]] = copy.deepcopy(source)
        if config.get("moderation") == "MODERATION_UNSPECIFIED":
            raise google_error(400, "moderation may not be set to MODERATION_UNSPECIFIED", legacy=False)
        if config.get("moderation") == "OFF":
            config["moderationRestrictions"] = _default_restrictions()

    @gapi("meet.spaces.create")
    def _create_space(self, call: Call) -> httpx.Response:
        body = self._body(call, "Space")
        config = body.get("config") or {}
        return json_response(200, self._new_space(call.state["subject"], origin="api", config=config))

    @gapi("meet.spaces.get")
    def _get_space(self, call: Call) -> httpx.Response:
        space_id, space = self._space(call, by_code=True)
        if self._space_meta[space_id]["owner"].lower() != call.state["subject"].lower():
            return json_response(200, {k: v for k, v in space.items() if k != "config"})
        return json_response(200, space)

    @gapi("meet.spaces.patch")
    def _patch_space(self, call: Call) -> httpx.Response:
        space_id, space = self._space(call, by_code=False)
        self._owner_only(call, space_id)
        body = self._body(call, "Space")
        mask_text = call.query.get("updateMask")
        candidate = copy.deepcopy(space["config"])
        if mask_text == "*":
            candidate = copy.deepcopy(body.get("config") or {})
            self._apply_config(candidate, {}, [])
        else:
            mask = [p.strip() for p in mask_text.split(",") if p.strip()] if mask_text else None
            self._apply_config(candidate, body.get("config") or {}, mask)
        space["config"] = candidate
        return json_response(200, space)

    @gapi("meet.spaces.endActiveConference")
    def _end_conference(self, call: Call) -> httpx.Response:
        space_id, space = self._space(call, by_code=False)
        self._owner_only(call, space_id)
        self._body(call, "EndActiveConferenceRequest")
        if self._space_meta[space_id]["origin"] != "api":
            raise google_error(403, "Permission denied: the space was not created by this app", legacy=False)
        if not space.get("activeConference"):
            raise google_error(400, "The space has no active conference.", legacy=False)
        space.pop("activeConference")
        return json_response(200, {})

    # -- Cloud Identity policies -----------------------------------------------------------------------

    @gapi("cloudidentity.policies.list")
    def _list_policies(self, call: Call) -> httpx.Response:
        size = self._int_query(call, "pageSize", 50, 1, 100, clamp=True)
        policies = [p for p in self.policies if self._policy_matches(p, call.query.get("filter", ""))]
        chunk, nxt = self._page(call, policies, size, meet_style=True)
        body: dict[str, Any] = {"policies": chunk}
        if nxt:
            body["nextPageToken"] = nxt
        return json_response(200, body)

    def _policy_matches(self, policy: dict[str, Any], text: str) -> bool:
        for clause in filter(None, (c.strip() for c in text.split("&&"))):
            customer = re.fullmatch(r'customer\s*==\s*"customers/([^"]+)"', clause)
            matches = re.fullmatch(r"setting\.type\.matches\('(.*)'\)", clause)
            if customer:
                if not self._customer_ok(customer.group(1)):
                    return False
            elif matches:
                pattern = matches.group(1).replace("\\\\", "\\")
                if not re.search(pattern, policy["setting"]["type"]):
                    return False
            else:
                raise google_error(
                    400,
                    f"Invalid filter clause {clause!r} (FakeGoogle models customer == and setting.type.matches)",
                    legacy=False,
                )
        return True

    # -- Reports ---------------------------------------------------------------------------------------

    @gapi("reports.activities.list")
    def _list_activities(self, call: Call) -> httpx.Response:
        app = call.path["applicationName"]
        user_key = call.path["userKey"]
        if self.enforce_rate_limits:
            self._reports_quota(call, user_key)
        _, method = method_spec("reports.activities.list")
        if app not in method["parameters"]["applicationName"]["enum"]:
            raise google_error(400, f"Bad Request: applicationName {app}", "badRequest")
        size = self._int_query(call, "maxResults", 1000, 1, 1000)
        start = _parse_rfc3339(call.query["startTime"], "startTime") if "startTime" in call.query else None
        end = _parse_rfc3339(call.query["endTime"], "endTime") if "endTime" in call.query else None
        now = self.now()
        if start is not None and start < now - timedelta(days=180):
            raise google_error(
                400, "Start time is too far in the past: at most 180 days", "invalid", location="startTime"
            )
        if start is not None and (start >= now or (end is not None and start >= end)):
            raise google_error(
                400, "Start time must be before the end time and the current time", "invalid", location="startTime"
            )
        name = call.query.get("eventName")
        self._logs_ready()
        floor = now - timedelta(days=180)
        first, second = self._activity_rows(app, max(start, floor) if start else floor, end, user_key, name)
        key = canonical_json(
            {k: v for k, v in sorted(call.query.items()) if k not in ("pageToken", "alt")}
            | {"path": call.request.url.path}
        )
        token = call.query.get("pageToken")
        offset = self._page_offset(token, key) if token else 0
        total = len(first) + (len(second) if second is not None else 0)
        chunk = _merged_slice(first, second, offset, size)
        body: dict[str, Any] = {"kind": "admin#reports#activities", "etag": self._etag(), "items": chunk}
        if offset + size < total:
            body["nextPageToken"] = self._page_token(offset + size, key)
        return json_response(200, body)

    def _reports_quota(self, call: Call, user_key: str) -> None:
        """Google's Reports limits per impersonated user: :attr:`reports_queries_per_minute` queries and
        :attr:`reports_filtered_per_minute` filtered ``activities.list`` queries in any 60 s (sliding, on the
        fake's clock; a refused query does not count). Over them: 503, as Google answers."""
        subject = str(call.state.get("subject", "")).lower()
        filtered = is_filtered_query({**call.query, "userKey": user_key})
        now = self.clock.monotonic()
        limits = [(self._quota.setdefault((subject, False), deque()), self.reports_queries_per_minute)]
        if filtered:
            limits.append((self._quota.setdefault((subject, True), deque()), self.reports_filtered_per_minute))
        for window, _ in limits:
            while window and window[0] <= now - 60:
                window.popleft()
        if any(len(window) >= limit for window, limit in limits):
            self.reports_throttled += 1
            raise google_error(503, "Service Unavailable")
        for window, _ in limits:
            window.append(now)

    def _page_sign(self, payload: str, key: str) -> str:
        return hmac.new(self._page_key, f"{payload}|{key}".encode(), hashlib.sha256).hexdigest()[:20]

    def _page_token(self, offset: int, key: str) -> str:
        """A Reports page token: its offset, query and issue time, signed (nothing is kept per token)."""
        digest = hashlib.sha256(key.encode()).hexdigest()[:12]
        payload = f"{self._page_epoch}:{offset}:{int(self.clock.monotonic() * 1000)}:{digest}"
        encoded = base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")
        return f"{encoded}.{self._page_sign(payload, '')}"

    def _page_offset(self, token: str, key: str) -> int:
        def refuse(problem: str) -> Reply:
            return google_error(400, f"Invalid page token: {problem}", "invalid", location="pageToken")

        encoded, _, signature = token.partition(".")
        try:
            payload = _b64url(encoded).decode("ascii")
            epoch, offset, issued, digest = payload.split(":")
            values = int(epoch), int(offset), int(issued)
        except (ValueError, binascii.Error, UnicodeDecodeError):
            raise refuse("unknown page token") from None
        if not hmac.compare_digest(signature, self._page_sign(payload, "")) or values[0] != self._page_epoch:
            raise refuse("unknown page token")
        if self.clock.monotonic() * 1000 - values[2] > 3 * 24 * 3600 * 1000:
            raise refuse("expired page token")
        if digest != hashlib.sha256(key.encode()).hexdigest()[:12]:
            raise refuse("page token used with different query parameters")
        return values[1]


def _default_restrictions() -> dict[str, Any]:
    return {
        "chatRestriction": "NO_RESTRICTION",
        "reactionRestriction": "NO_RESTRICTION",
        "presentRestriction": "NO_RESTRICTION",
        "defaultJoinAsViewerType": "OFF",
    }


def _leaf_paths(data: dict[str, Any], prefix: str = "") -> list[str]:
    out: list[str] = []
    for key, value in data.items():
        path = f"{prefix}.{key}" if prefix else key
        out += _leaf_paths(value, path) if isinstance(value, dict) and value else [path]
    return out


# -- the sandbox district (confkit.sandbox looks up SANDBOX here) ----------------------------------------

SANDBOX_TIMEZONE = "America/Chicago"
SANDBOX_PROJECT = "lincoln-usd-confkit"


def _generate_service_account() -> tuple[dict[str, str], rsa.RSAPrivateKey]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")
    info = {
        "type": "service_account",
        "project_id": SANDBOX_PROJECT,
        "private_key_id": "0123456789abcdef0123456789abcdef01234567",
        "private_key": pem,
        "client_email": f"confkit-sandbox@{SANDBOX_PROJECT}.iam.gserviceaccount.com",
        "client_id": "100000000000000000001",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": TOKEN_URL,
    }
    return info, key


#: The sandbox service account's key: generated per process (never stored), registered with every FakeGoogle.
SANDBOX_SERVICE_ACCOUNT, _SANDBOX_KEY = _generate_service_account()


def _sandbox_public_key() -> rsa.RSAPublicKey:
    return _SANDBOX_KEY.public_key()


def space_config_of(security: MeetingSecurity) -> dict[str, Any]:
    """The part of a neutral security that a Meet space can hold, as ``SpaceConfig`` (seeding only:
    passcodes, join before host and mute on entry have no Meet setting and are left out)."""
    config: dict[str, Any] = {}
    access = {WaitingRoom.OFF: "OPEN", WaitingRoom.OUTSIDERS: "TRUSTED", WaitingRoom.EVERYONE: "RESTRICTED"}
    if security.waiting_room is not None:
        config["accessType"] = access[security.waiting_room]
    if security.screen_sharing is ScreenSharing.HOST_ONLY:
        config["moderation"] = "ON"
        config["moderationRestrictions"] = _default_restrictions() | {"presentRestriction": "HOSTS_ONLY"}
    if security.auto_recording is not None:
        on = "ON" if security.auto_recording is not AutoRecording.NONE else "OFF"
        config["artifactConfig"] = {"recordingConfig": {"autoRecordingGeneration": on}}
    return config


def class_event(meeting: ClassMeeting) -> dict[str, Any]:
    """The ``events.insert`` body of one sandbox class (without its conference request)."""
    tz = ZoneInfo(SANDBOX_TIMEZONE)
    start = meeting.start.astimezone(tz)
    end = start + timedelta(minutes=meeting.duration_minutes)
    body: dict[str, Any] = {
        "summary": meeting.topic,
        "start": {"dateTime": start.isoformat(timespec="seconds"), "timeZone": SANDBOX_TIMEZONE},
        "end": {"dateTime": end.isoformat(timespec="seconds"), "timeZone": SANDBOX_TIMEZONE},
    }
    if meeting.recurrence is not None:
        body["recurrence"] = ["RRULE:" + meeting.recurrence.rrule]
    return body


def seed_district(fake: FakeGoogle, district: District) -> None:
    """The district as a Workspace domain: ``/Staff`` (teachers, admins) and ``/Students`` org units,
    the first admin a super admin and the second a delegated admin, every class a Calendar event
    with a Meet space holding the representable part of its security (violations included) and Meet
    policies per org unit (one deliberately weak). Its audit-log history is :func:`sandbox_log_traffic`
    (served once :meth:`FakeGoogle.enable_sandbox_logs` is called, as the sandbox does)."""
    fake.domains |= {district.staff_domain, district.student_domain}
    fake.add_org_unit("/Staff", "Teachers and administrators")
    fake.add_org_unit("/Students", "Students")
    admins = 0
    for person in district.people:
        unit = "/Students" if person.role == "student" else "/Staff"
        is_admin = person.role == "admin" and admins == 0
        is_delegated = person.role == "admin" and admins > 0
        admins += person.role == "admin"
        fake.add_user(
            person.email,
            first_name=person.first_name,
            last_name=person.last_name,
            org_unit=unit,
            is_admin=is_admin,
            is_delegated_admin=is_delegated,
        )
    fake.add_policy("meet.service_status", {"serviceState": "ENABLED"}, type="SYSTEM", sort_order=0)
    fake.add_policy("meet.meet_joining", {"allowedAudience": "TRUSTED"})
    fake.add_policy("meet.safety_domain", {"usersAllowedToJoin": "LOGGED_IN"})
    fake.add_policy("meet.safety_access", {"meetingsAllowedToJoin": "ANY_WORKSPACE_ORGANIZATION"})
    fake.add_policy("meet.safety_host_management", {"enableHostManagement": True})
    fake.add_policy("meet.safety_external_participants", {"enableExternalLabel": True})
    fake.add_policy("meet.video_recording", {"enableRecording": True})
    fake.add_policy("meet.automatic_recording", {"enabled": False})
    fake.add_policy("meet.automatic_transcription", {"enabled": False})
    fake.add_policy("meet.meet_joining", {"allowedAudience": "RESTRICTED"}, org_unit="/Students", sort_order=2)
    fake.add_policy(
        "meet.safety_access", {"meetingsAllowedToJoin": "SAME_ORGANIZATION_ONLY"}, org_unit="/Students", sort_order=2
    )
    fake.add_policy("meet.video_recording", {"enableRecording": False}, org_unit="/Students", sort_order=2)
    # A deliberate violation (CISA GWS.MEET.4.1): staff are not warned about external participants.
    fake.add_policy(
        "meet.safety_external_participants", {"enableExternalLabel": False}, org_unit="/Staff", sort_order=2
    )
    for meeting in district.meetings:
        fake.add_event(meeting.host_email, class_event(meeting), space_config=space_config_of(meeting.security))


SANDBOX_LOG_DAYS = 14
_GUEST_NAMES = ("iPhone", "Guest", "xXx_gamer_xXx", "Galaxy S22", "mr. bean", "John Smith")
_DEVICES = ("web", "web", "web", "ios", "android")
#: Admin console settings of Meet as the admin log names them (CISA ScubaGoggles, notes/google.md §7).
JOIN_SETTING = "SafetyDomainLockProto users_allowed_to_join"
CALLER_SETTING = "Incoming call restrictions Allowed caller type"


def _mix(*parts: object) -> int:
    """A 60-bit number that depends on ``parts`` only (dates, indexes): the same every run."""
    text = ":".join(str(p) for p in parts)
    return int(hashlib.sha256(text.encode()).hexdigest()[:15], 16)


def sandbox_log_traffic(fake: FakeGoogle, district: District, days: int = SANDBOX_LOG_DAYS) -> list[dict[str, Any]]:
    """The sandbox district's Reports API history of the last ``days`` days (``meet`` and ``admin``).

    Every record is a function of its date only - times, ``id.uniqueQualifier``, conference ids -
    so a later run over the same days serves the same records (and confkit stores them once):

    * each teacher's classes meet on school days: one ``call_ended`` per participant (the teacher
      and ten students, with join time and duration), the teacher presenting; now and then
      uninvited guests who are not signed in knock - one is let in (``knocking_accepted``, then
      their own ``call_ended`` as an external, anonymous participant), another is turned away
      (``knocking_denied``) - and a student reports abuse;
    * every other week the IT admin weakens "who can join" (``SafetyDomainLockProto
      users_allowed_to_join``) for Students from ``LOGGED_IN`` to ``ALL`` in the afternoon and the
      security admin sets it back the next morning; an incoming-call restriction is created and
      later deleted; a Gmail setting changes too (not Meet: the ``admin`` stream leaves it out).
    """
    now = fake.now()
    staff_ip, home_ip = "198.51.100.{}", "203.0.113.{}"
    teachers, students, admins = district.teachers, district.students, district.admins
    users = {u["primaryEmail"].lower(): u for u in fake.users.values()}
    codes: dict[tuple[str, str], str] = {}
    for calendar, events in fake.events.items():
        for event in events.values():
            code = (event.get("conferenceData") or {}).get("conferenceId")
            if code and event.get("summary"):
                codes.setdefault((calendar.lower(), event["summary"]), code)
    out: list[dict[str, Any]] = []

    def activity(
        application: str,
        event_type: str,
        name: str,
        moment: datetime,
        actor: str | None,
        ip: str,
        params: dict[str, Any],
        *key: object,
    ) -> None:
        if moment > now:
            return
        typed: list[dict[str, Any]] = []
        for pname, val in params.items():
            if isinstance(val, bool):
                typed.append({"name": pname, "boolValue": val})
            elif isinstance(val, int):
                typed.append({"name": pname, "intValue": str(val)})
            else:
                typed.append({"name": pname, "value": str(val)})
        who: dict[str, Any] = (
            {"callerType": "USER", "email": actor, "profileId": (users.get(actor.lower()) or {}).get("id", "")}
            if actor
            else {"callerType": "KEY", "key": "HANGOUTS_EXTERNAL_OR_ANONYMOUS"}
        )
        out.append(
            {
                "kind": "admin#reports#activity",
                "id": {
                    "time": rfc3339(moment),
                    "uniqueQualifier": str(_mix(application, *key)),
                    "applicationName": application,
                    "customerId": fake.customer_id,
                },
                "etag": f'"{_mix("etag", application, *key):x}"',
                "actor": who,
                "ipAddress": ip,
                "events": [{"type": event_type, "name": name, "parameters": typed}],
            }
        )

    def call_ended(
        common: dict[str, Any],
        person: str | None,
        display: str,
        joined: datetime,
        left: datetime,
        ip: str,
        device: str,
        external: bool,
        *key: object,
    ) -> None:
        """One participant's stay, as Meet logs it when they leave."""
        params: dict[str, Any] = {
            **common,
            "endpoint_id": f"boq_hlane_{_mix(*key):x}"[:24],
            "device_type": device,
            "display_name": display,
            "is_external": external,
        }
        if person:
            params |= {"identifier": person, "identifier_type": "email_address"}
        params |= {
            "ip_address": ip,
            "start_timestamp_seconds": int(joined.timestamp()),
            "duration_seconds": int((left - joined).total_seconds()),
            "network_transport_protocol": "udp",
        }
        activity("meet", "call", "call_ended", left, person, ip, params, *key)

    it_admin, security = (admins[0].email, admins[-1].email) if admins else ("", "")
    for offset in range(days, -1, -1):
        day = now.date() - timedelta(days=offset)
        seed = day.toordinal()
        midnight = datetime.combine(day, datetime.min.time(), UTC)

        def at(hour: int, minute: int = 0, second: int = 0, _midnight: datetime = midnight) -> datetime:
            return _midnight + timedelta(hours=hour, minutes=minute, seconds=second)

        # -- the Admin console: Meet settings weakened and restored (and one Gmail setting)
        if admins:
            if seed % 14 == 3:
                activity(
                    "admin",
                    "APPLICATION_SETTINGS",
                    "CHANGE_APPLICATION_SETTING",
                    at(16, 5, 12),
                    it_admin,
                    staff_ip.format(20),
                    {
                        "APPLICATION_NAME": "Google Meet",
                        "SETTING_NAME": JOIN_SETTING,
                        "OLD_VALUE": "LOGGED_IN",
                        "NEW_VALUE": "ALL",
                        "ORG_UNIT_NAME": "Students",
                    },
                    seed,
                    "weaken",
                )
            if seed % 14 == 4:
                activity(
                    "admin",
                    "APPLICATION_SETTINGS",
                    "CHANGE_APPLICATION_SETTING",
                    at(8, 10, 40),
                    security,
                    staff_ip.format(21),
                    {
                        "APPLICATION_NAME": "Google Meet",
                        "SETTING_NAME": JOIN_SETTING,
                        "OLD_VALUE": "ALL",
                        "NEW_VALUE": "LOGGED_IN",
                        "ORG_UNIT_NAME": "Students",
                    },
                    seed,
                    "restore",
                )
            if seed % 14 == 9:
                activity(
                    "admin",
                    "APPLICATION_SETTINGS",
                    "CREATE_APPLICATION_SETTING",
                    at(15, 42, 3),
                    it_admin,
                    staff_ip.format(20),
                    {
                        "APPLICATION_NAME": "Google Meet",
                        "SETTING_NAME": CALLER_SETTING,
                        "NEW_VALUE": "ALL",
                        "ORG_UNIT_NAME": "Staff",
                    },
                    seed,
                    "create",
                )
            if seed % 14 == 10:
                activity(
                    "admin",
                    "APPLICATION_SETTINGS",
                    "DELETE_APPLICATION_SETTING",
                    at(9, 1, 30),
                    security,
                    staff_ip.format(21),
                    {
                        "APPLICATION_NAME": "Google Meet",
                        "SETTING_NAME": CALLER_SETTING,
                        "OLD_VALUE": "ALL",
                        "ORG_UNIT_NAME": "Staff",
                    },
                    seed,
                    "delete",
                )
            if seed % 7 == 2:
                activity(
                    "admin",
                    "APPLICATION_SETTINGS",
                    "CHANGE_APPLICATION_SETTING",
                    at(17, 30),
                    it_admin,
                    staff_ip.format(20),
                    {
                        "APPLICATION_NAME": "Gmail",
                        "SETTING_NAME": "Email Spam Filter Ip Allowlist",
                        "OLD_VALUE": "[]",
                        "NEW_VALUE": "[198.51.100.0/24]",
                        "ORG_UNIT_NAME": "Staff",
                    },
                    seed,
                    "gmail",
                )
        if day.weekday() >= 5:
            continue
        # -- classes
        for i, teacher in enumerate(teachers):
            for period in range(2):
                if (i + period + day.weekday()) % 2:
                    continue
                start = at(14 + period)
                end = start + timedelta(minutes=50)
                topic = f"{SUBJECTS[(i + period) % len(SUBJECTS)]} - P{period + 1}"
                h = _mix(seed, "class", i, period)
                letters = "".join(chr(97 + (h >> (5 * n)) % 26) for n in range(10))
                code = codes.get((teacher.email.lower(), topic)) or f"{letters[:3]}-{letters[3:7]}-{letters[7:]}"
                conference = f"{h:x}"[:12] + "-" + f"{_mix(seed, 'conf', i, period):x}"[:15]
                common = {
                    "meeting_code": audit_code(code),
                    "conference_id": conference,
                    "organizer_email": teacher.email,
                    "product_type": "meet",
                    "location_country": "US",
                }

                call_ended(
                    common,
                    teacher.email,
                    f"{teacher.first_name} {teacher.last_name}",
                    start - timedelta(minutes=3),
                    end + timedelta(minutes=2),
                    staff_ip.format(h % 200 + 20),
                    "web",
                    False,
                    seed,
                    i,
                    period,
                    "t",
                )
                action = {**common, "action_time": rfc3339(start + timedelta(minutes=5))}
                activity(
                    "meet",
                    "conference_action",
                    "presentation_started",
                    start + timedelta(minutes=5),
                    teacher.email,
                    staff_ip.format(h % 200 + 20),
                    action,
                    seed,
                    i,
                    period,
                    "present",
                )
                roster = [students[(i * 7 + period * 3 + k * 11) % len(students)] for k in range(10 if students else 0)]
                for k, student in enumerate(roster):
                    late = (h >> (k + 3)) % 240
                    early = (h >> (k + 9)) % 180
                    call_ended(
                        common,
                        student.email,
                        f"{student.first_name} {student.last_name}",
                        start + timedelta(seconds=late),
                        end - timedelta(seconds=early),
                        home_ip.format((h >> k) % 250 + 2),
                        _DEVICES[(h >> (2 * k)) % len(_DEVICES)],
                        False,
                        seed,
                        i,
                        period,
                        "s",
                        k,
                    )
                if h % 6 == 0:  # uninvited guests, not signed in: one let in, one turned away
                    knock = start + timedelta(minutes=12)
                    guest = _GUEST_NAMES[(h >> 10) % len(_GUEST_NAMES)]
                    activity(
                        "meet",
                        "conference_action",
                        "knocking_accepted",
                        knock,
                        teacher.email,
                        staff_ip.format(h % 200 + 20),
                        {
                            **common,
                            "target_display_names": guest,
                            "target_user_count": 1,
                            "action_time": rfc3339(knock),
                        },
                        seed,
                        i,
                        period,
                        "knock",
                        0,
                    )
                    call_ended(
                        common,
                        None,
                        guest,
                        knock,
                        knock + timedelta(minutes=2),
                        f"192.0.2.{h % 250 + 2}",
                        "web",
                        True,
                        seed,
                        i,
                        period,
                        "guest",
                        0,
                    )
                    other = _GUEST_NAMES[(h >> 14) % len(_GUEST_NAMES)]
                    activity(
                        "meet",
                        "conference_action",
                        "knocking_denied",
                        knock + timedelta(minutes=1),
                        teacher.email,
                        staff_ip.format(h % 200 + 20),
                        {
                            **common,
                            "target_display_names": other,
                            "target_user_count": 1,
                            "action_time": rfc3339(knock + timedelta(minutes=1)),
                        },
                        seed,
                        i,
                        period,
                        "knock",
                        1,
                    )
                    if roster and h % 5 == 0:
                        reporter = roster[h % len(roster)]
                        activity(
                            "meet",
                            "call",
                            "abuse_report_submitted",
                            knock + timedelta(minutes=3),
                            reporter.email,
                            home_ip.format(h % 250 + 2),
                            {
                                **common,
                                "action_reason": "harassment",
                                "action_description": f"{guest} joined and shouted over the teacher",
                            },
                            seed,
                            i,
                            period,
                            "abuse",
                        )
    return out


# -- audit-log traffic: bulk generation ---------------------------------------------------------------

_MASK64 = (1 << 64) - 1
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)
#: Generated records per application at most (the low 24 bits of a generated ``uniqueQualifier``).
MAX_GENERATED = 1 << 24
_BULK_FIRST = tuple("Ada Ben Cleo Dev Eli Fay Gus Hana Ivan Jo Kai Lena Milo Nia Omar Pia Quin Rosa Sam".split())  # noqa: SIM905
_BULK_LAST = tuple("Adams Baker Chen Diaz Evans Fox Garcia Hill Ito Jones Khan Lopez Moore Nguyen".split())  # noqa: SIM905
_ORG_UNITS = ("Students", "Staff", "Teachers")
#: What the events of a hundred consecutive generated Meet records are (a fixed shuffle): mostly a
#: participant leaving a call, some presentations, knocks let in or turned away, invitations, one abuse report.
_MEET_KINDS: tuple[str, ...] = tuple(
    random.Random("confkit-google-bulk-meet").sample(
        ["call_ended"] * 86
        + ["presentation_started"] * 3
        + ["presentation_stopped"] * 3
        + ["knocking_accepted"] * 3
        + ["knocking_denied"] * 2
        + ["invitation_sent"] * 2
        + ["abuse_report_submitted"],
        100,
    )
)
#: The Admin console's setting events of twenty consecutive generated ``admin`` records.
_ADMIN_KINDS: tuple[str, ...] = (
    ("CHANGE_APPLICATION_SETTING",) * 14 + ("CREATE_APPLICATION_SETTING",) * 3 + ("DELETE_APPLICATION_SETTING",) * 3
)


def _mix64(seed: int, i: int) -> int:
    """A fast deterministic 64-bit hash of ``(seed, i)`` (splitmix64 finalizer)."""
    z = (seed * 0x9E3779B97F4A7C15 + (i + 1) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    return z ^ (z >> 31)


def _ms_floor(moment: datetime) -> int:
    return (moment - _EPOCH) // _MS


def _ms_ceil(moment: datetime) -> int:
    return -((_EPOCH - moment) // _MS)


_DAY_PREFIX: dict[int, str] = {}


def _rfc3339_ms(ms: int) -> str:
    """Milliseconds since the epoch as Google's ``2026-01-05T12:00:00.123Z``."""
    day, rest = divmod(ms, 86_400_000)
    prefix = _DAY_PREFIX.get(day)
    if prefix is None:
        prefix = time.strftime("%Y-%m-%dT", time.gmtime(day * 86_400))
        if len(_DAY_PREFIX) < 100_000:
            _DAY_PREFIX[day] = prefix
    seconds, milli = divmod(rest, 1000)
    minutes, sec = divmod(seconds, 60)
    hour, minute = divmod(minutes, 60)
    return f"{prefix}{hour:02d}:{minute:02d}:{sec:02d}.{milli:03d}Z"


@dataclass(frozen=True)
class GoogleLogTraffic:
    """What :meth:`FakeGoogle.generate_log_traffic` added: records per application and their time span."""

    meet: int
    admin: int
    start: datetime
    end: datetime
    domain: str
    seed: int

    @property
    def events(self) -> int:
        """Generated Reports events (one per activity)."""
        return self.meet + self.admin




class _Strided:
    """The generated records of one application with index in ``[lo, hi)`` whose ``index % period`` is in
    ``residues`` (one event name, or all), newest (highest index) first; made only when sliced."""

    def __init__(
        self,
        make: Callable[[int], dict[str, Any]],
        times: Timeline,
        lo: int,
        hi: int,
        period: int,
        residues: list[int],
    ) -> None:
        self.make, self.times, self.period, self.residues = make, times, period, residues
        self.top = self._count(max(lo, hi))
        self.size = self.top - self._count(lo) if residues else 0

    def _count(self, x: int) -> int:
        """How many indexes in ``[0, x)`` match."""
        return (x // self.period) * len(self.residues) + bisect.bisect_left(self.residues, x % self.period)

    def index(self, k: int) -> int:
        """The record index of the ``k``-th newest match."""
        rank = self.top - 1 - k
        width = len(self.residues)
        return (rank // width) * self.period + self.residues[rank % width]

    def __len__(self) -> int:
        return self.size

    def time(self, k: int) -> str:
        return _rfc3339_ms(self.times.at(self.index(k)))

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        start, stop, _ = index.indices(self.size)
        return [self.make(self.index(k)) for k in range(start, stop)]


def _merged_slice(first: list[dict[str, Any]], second: _Strided | None, offset: int, size: int) -> list[dict[str, Any]]:
    """Items ``offset .. offset+size-1`` of ``first`` (newest first) merged with ``second`` (newest first),
    ties in ``first``'s favour - what one stable newest-first sort of both gives - in O(size + log n)."""
    if second is None or not len(second):
        return first[offset : offset + size]
    n_first, n_second = len(first), len(second)
    lo, hi = max(0, offset - n_second), min(offset, n_first)
    while lo < hi:  # the number of ``first`` items among the first ``offset``: smallest m with more(m) false
        m = (lo + hi) // 2
        if first[m]["id"]["time"] >= second.time(offset - m - 1):
            lo = m + 1
        else:
            hi = m
    a, b = lo, offset - lo
    tail = second[b : b + size]
    out: list[dict[str, Any]] = []
    t = 0
    while len(out) < size and (a < n_first or t < len(tail)):
        if t >= len(tail) or (a < n_first and first[a]["id"]["time"] >= tail[t]["id"]["time"]):
            out.append(first[a])
            a += 1
        else:
            out.append(tail[t])
            t += 1
    return out


def _merged_iter(first: list[dict[str, Any]], second: _Strided | None) -> Iterator[dict[str, Any]]:
    """All of :func:`_merged_slice`, a thousand at a time."""
    total = len(first) + (len(second) if second is not None else 0)
    for offset in range(0, total, 1000):
        yield from _merged_slice(first, second, offset, 1000)


class _BulkActivities:
    """Reports activities computed from their index: hundreds of thousands in constant memory."""

    def __init__(self, traffic: GoogleLogTraffic, customer_id: str) -> None:
        self.traffic, self.customer_id = traffic, customer_id
        self.seed, self.domain = traffic.seed, traffic.domain
        start, span = _ms_floor(traffic.start), _ms_floor(traffic.end) - _ms_floor(traffic.start)
        self.times = {
            "meet": Timeline(traffic.meet, start, span, "milliseconds"),
            "admin": Timeline(traffic.admin, start, span, "milliseconds"),
        }
        self.kinds = {"meet": _MEET_KINDS, "admin": _ADMIN_KINDS}
        self.make: dict[str, Callable[[int], dict[str, Any]]] = {"meet": self.meet, "admin": self.admin}
        self._people: dict[int, tuple[str, str, dict[str, Any]]] = {}
        self._meetings: dict[int, tuple[str, str, dict[str, Any], str, tuple[dict[str, Any], ...]]] = {}

    def rows(self, application: str, lo_ms: int, hi_ms: int, event_name: str | None) -> _Strided | None:
        """The generated ``application`` records with ``lo_ms <= time < hi_ms`` (of ``event_name``)."""
        times = self.times.get(application)
        if times is None or not times.n:
            return None
        kinds = self.kinds[application]
        residues = [r for r, kind in enumerate(kinds) if event_name in (None, kind)]
        lo, hi = times.index_at(lo_ms), times.index_at(hi_ms)
        return _Strided(self.make[application], times, lo, hi, len(kinds), residues)

    # -- people ---------------------------------------------------------------------------------------

    def _person(self, u: int) -> tuple[str, str, dict[str, Any]]:
        """(e-mail, display name, ``actor``) of generated person ``u`` (cached: a few thousand people)."""
        found = self._people.get(u)
        if found is None:
            nf, nl = len(_BULK_FIRST), len(_BULK_LAST)
            first, last = _BULK_FIRST[u % nf], _BULK_LAST[(u // nf) % nl]
            email = f"{first.lower()}.{last.lower()}{u // (nf * nl)}@{self.domain}"
            found = (email, f"{first} {last}", self._actor(email))
            self._people[u] = found
        return found

    def _actor(self, email: str) -> dict[str, Any]:
        profile = str(10**20 + _mix64(self.seed, int.from_bytes(hashlib.sha256(email.encode()).digest()[:8])) % 10**20)
        return {"callerType": "USER", "email": email, "profileId": profile}

    def _activity(
        self, application: str, i: int, h: int, moment: str, actor: dict[str, Any], ip: str, event: dict[str, Any]
    ) -> dict[str, Any]:
        sign = "-" if h & 1 else ""
        return {
            "kind": "admin#reports#activity",
            "id": {
                "time": moment,
                "uniqueQualifier": f"{sign}{((h >> 8) & 0x7FFFFFFFF) << 24 | i}",
                "applicationName": application,
                "customerId": self.customer_id,
            },
            "etag": f'"{h:016x}"',
            "actor": dict(actor),
            "ipAddress": ip,
            "events": [event],
        }

    # -- Meet ------------------------------------------------------------------------------------------

    def _meeting(self, m: int) -> tuple[str, str, dict[str, Any], str, tuple[dict[str, Any], ...]]:
        """(organizer e-mail, name, actor, staff IP, common parameters) of generated class meeting ``m``."""
        found = self._meetings.get(m)
        if found is None:
            hm = _mix64(self.seed + 1, m)
            teacher, teacher_name, actor = self._person(hm % 240)
            letters = "".join(chr(97 + (hm >> (5 * n)) % 26) for n in range(10))
            common = (
                {"name": "meeting_code", "value": letters.upper()},
                {"name": "conference_id", "value": f"{hm:016x}"[:12] + "-" + f"{_mix64(self.seed + 2, m):x}"[:15]},
                {"name": "organizer_email", "value": teacher},
                {"name": "product_type", "value": "meet"},
                {"name": "location_country", "value": "US"},
            )
            found = (teacher, teacher_name, actor, f"198.51.100.{hm % 200 + 20}", common)
            if len(self._meetings) >= 64:
                self._meetings.clear()
            self._meetings[m] = found
        return found

    def meet(self, i: int) -> dict[str, Any]:
        """Generated Meet activity ``i``: about forty consecutive records share one class meeting.

        Parameters shared by a meeting's records are the same dicts (do not mutate served records)."""
        h = _mix64(self.seed, i)
        teacher, teacher_name, organizer, staff_ip, common = self._meeting(i // 40)
        ms = self.times["meet"].at(i)
        moment = _rfc3339_ms(ms)
        kind = _MEET_KINDS[i % 100]
        guest = _GUEST_NAMES[(h >> 20) % len(_GUEST_NAMES)]
        if kind == "call_ended":
            external = h % 25 == 0
            email: str | None
            if external:
                email, name, ip = None, guest, f"192.0.2.{(h >> 12) % 250 + 2}"
                actor: dict[str, Any] = {"callerType": "KEY", "key": "HANGOUTS_EXTERNAL_OR_ANONYMOUS"}
            elif h % 7 == 0:
                email, name, actor, ip = teacher, teacher_name, organizer, staff_ip
            else:
                email, name, actor = self._person(240 + (h >> 8) % 3000)
                ip = f"203.0.113.{(h >> 12) % 250 + 2}"
            duration = 60 + (h >> 24) % 3000
            params = [
                *common,
                {"name": "endpoint_id", "value": f"boq_hlane_{h:x}"[:24]},
                {"name": "device_type", "value": _DEVICES[(h >> 40) % len(_DEVICES)]},
                {"name": "display_name", "value": name},
                {"name": "is_external", "boolValue": external},
            ]
            if email is not None:
                params.append({"name": "identifier", "value": email})
                params.append({"name": "identifier_type", "value": "email_address"})
            params.append({"name": "ip_address", "value": ip})
            params.append({"name": "start_timestamp_seconds", "intValue": str(ms // 1000 - duration)})
            params.append({"name": "duration_seconds", "intValue": str(duration)})
            params.append({"name": "network_transport_protocol", "value": "udp" if h & 2 else "tcp"})
            event = {"type": "call", "name": kind, "parameters": params}
            return self._activity("meet", i, h, moment, actor, ip, event)
        if kind == "abuse_report_submitted":
            _, _, actor = self._person(240 + (h >> 8) % 3000)
            params = [
                *common,
                {"name": "action_reason", "value": "harassment"},
                {"name": "action_description", "value": f"{guest} joined and shouted over the teacher"},
            ]
            event = {"type": "call", "name": kind, "parameters": params}
            return self._activity("meet", i, h, moment, actor, f"203.0.113.{(h >> 12) % 250 + 2}", event)
        action_time = {"name": "action_time", "value": moment}
        if kind in ("knocking_accepted", "knocking_denied"):
            params = [
                *common,
                {"name": "target_display_names", "value": guest},
                {"name": "target_user_count", "intValue": "1"},
                action_time,
            ]
        elif kind == "invitation_sent":
            invited, _, _ = self._person(240 + (h >> 8) % 3000)
            params = [*common, {"name": "target_email", "value": invited}, action_time]
        else:
            params = [*common, action_time]
        event = {"type": "conference_action", "name": kind, "parameters": params}
        return self._activity("meet", i, h, moment, organizer, staff_ip, event)

    # -- the Admin console ---------------------------------------------------------------------------

    def admin(self, j: int) -> dict[str, Any]:
        """Generated Admin console activity ``j``: a Meet setting created, changed or deleted."""
        h = _mix64(self.seed + 3, j)
        name = _ADMIN_KINDS[j % len(_ADMIN_KINDS)]
        email = f"{('it.admin', 'security.admin', 'helpdesk')[h % 3]}@{self.domain}"
        # a join restriction weakened or restored; an incoming-call restriction created or deleted
        setting = JOIN_SETTING if name == "CHANGE_APPLICATION_SETTING" else CALLER_SETTING
        old, new = ("LOGGED_IN", "ALL") if h & 4 else ("ALL", "LOGGED_IN")
        if setting == CALLER_SETTING:
            old = new = "ALL"
        params: list[dict[str, Any]] = [
            {"name": "APPLICATION_NAME", "value": "Google Meet"},
            {"name": "SETTING_NAME", "value": setting},
        ]
        if name != "CREATE_APPLICATION_SETTING":
            params.append({"name": "OLD_VALUE", "value": old})
        if name != "DELETE_APPLICATION_SETTING":
            params.append({"name": "NEW_VALUE", "value": new})
        if (h >> 8) % 5 == 0:
            params.append({"name": "GROUP_EMAIL", "value": f"class-{(h >> 12) % 400}@{self.domain}"})
        else:
            params.append({"name": "ORG_UNIT_NAME", "value": _ORG_UNITS[(h >> 12) % 3]})
        event = {"type": "APPLICATION_SETTINGS", "name": name, "parameters": params}
        moment = _rfc3339_ms(self.times["admin"].at(j))
        return self._activity("admin", j, h, moment, self._actor(email), f"198.51.100.{(h >> 16) % 200 + 20}", event)


def _seed(fake: Any, district: District) -> None:
    seed_district(fake, district)
    fake.enable_sandbox_logs(district)


SANDBOX = SandboxPlatform(
    name="google",
    make_fake=lambda clock: FakeGoogle(clock=clock),
    seed=_seed,
    settings={
        "service_account_json": json.dumps(SANDBOX_SERVICE_ACCOUNT),
        "admin_email": "it.admin@staff.lincoln-usd.example",
        "customer_id": "my_customer",
    },
)

__all__ = [
    "MAX_GENERATED",
    "SANDBOX",
    "SANDBOX_SERVICE_ACCOUNT",
    "FakeGoogle",
    "GoogleLogTraffic",
    "audit_code",
    "class_event",
    "discovery",
    "google_error",
    "sandbox_log_traffic",
    "schema_problems",
    "seed_district",
    "space_config_of",
]
