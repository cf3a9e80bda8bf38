"""Export normalized events: JSONL and CSV of confkit's model, OCSF 1.9.0 JSON, ECS JSON.

Every writer streams: one event in, one line out, so exporting a million events needs no more
memory than exporting ten. Field tables and the reasoning behind each mapping are in
docs/logs.md; :data:`OCSF_REQUIRED` lists the attributes each OCSF class requires (the test suite
checks every exported event against it).

OCSF classes used (category 3 "Identity & Access Management", 6 "Application Activity"):

======================  ============================================  ===========================
confkit category        OCSF class                                    activity
======================  ============================================  ===========================
authentication          Authentication 3002                           Logon 1, Logoff 2
setting_change          Entity Management 3004 (entity: the setting)  Update 3
role_change (a user's)  User Access Management 3005                   Assign 1 / Revoke 2 Privileges
role_change (a role's)  Entity Management 3004 (entity: the role)     Create 1, Update 3, Delete 4
user_change             User Management 3007                          Create 1, Update 2, Delete 3,
                                                                      Enable 4, Disable 5
participant             Web Resources Activity 6001 (documented       Other 99 ("Join",
                        compromise: OCSF has no meeting class)        "Waiting Room")
meeting_lifecycle       Web Resources Activity 6001                   Create 1, Update 3, Delete 4
abuse_report            Web Resources Activity 6001                   Other 99 ("Abuse Report")
recording, other        Entity Management 3004                        by verb, else Other 99
======================  ============================================  ===========================
"""

from __future__ import annotations

import csv
import ipaddress
import json
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any, TextIO

from confkit.logs.model import LogEvent, parse_time
from confkit.logs.redact import Redactor

OCSF_VERSION = "1.9.0"


class ExportFormat(StrEnum):
    JSONL = "jsonl"
    CSV = "csv"
    OCSF = "ocsf"
    ECS = "ecs"


#: provider -> (product name, vendor name) for OCSF ``metadata.product`` and ECS ``observer``.
PRODUCTS: dict[str, tuple[str, str]] = {
    "zoom": ("Zoom", "Zoom Communications"),
    "webex": ("Webex", "Cisco"),
    "google": ("Google Meet", "Google"),
}

#: Role names across vendors, least to most privileged, to tell a promotion from a demotion.
ROLE_RANK: dict[str, int] = {
    "member": 0, "user": 0, "student": 0, "teacher": 0, "basic": 0,
    "billing admin": 1, "read-only admin": 1, "readonly_admin": 1,
    "admin": 2, "full_admin": 2, "id_full_admin": 2, "super admin": 3,
    "co-owner": 3, "owner": 4,
}


def role_rank(role: str | None) -> int:
    """How privileged a role name is; unknown (custom) roles count as admin-like."""
    if not role:
        return 0
    return ROLE_RANK.get(role.strip().lower(), 2)


def _dict(event: LogEvent | Mapping[str, Any]) -> dict[str, Any]:
    return event.to_dict() if isinstance(event, LogEvent) else dict(event)


# -- a one-line description ---------------------------------------------------------------------------


def describe(event: LogEvent | Mapping[str, Any]) -> str:
    """A human sentence for the event (OCSF ``message``, ECS ``message``)."""
    e = _dict(event)
    actor = e.get("actor") or {}
    who = actor.get("email") or actor.get("name") or actor.get("id") or "someone"
    target = e.get("target") or {}
    what = target.get("email") or target.get("name") or target.get("id") or target.get("type") or ""
    meeting = e.get("meeting") or {}
    action = e["action"]
    if e["category"] == "authentication":
        verb = {"sign_in": "signed in", "sign_out": "signed out"}.get(action, action.replace("_", " "))
        where = f" from {actor['ip']}" if actor.get("ip") else ""
        client = f" ({actor['client']})" if actor.get("client") else ""
        return f"{who} {verb}{where}{client}"
    if e["category"] == "participant":
        topic = meeting.get("topic") or meeting.get("id") or "a meeting"
        kind = "waited in the waiting room of" if action.endswith("waiting_room") else "joined"
        flags = [f for f, on in (("external", actor.get("external")), ("not signed in", actor.get("anonymous")))
                 if on]
        extra = f" ({', '.join(flags)})" if flags else ""
        return f"{who}{extra} {kind} {topic!r}"
    changes = e.get("changes") or []
    if changes:
        parts = []
        for c in changes:
            name = " / ".join(x for x in (c.get("section"), c.get("field")) if x)
            parts.append(f"{name} from {c.get('from')!r} to {c.get('to')!r}")
        scope = f" of {target.get('type')} {what}" if what and target.get("type") != "account" else ""
        return f"{who} changed {'; '.join(parts)}{scope}"
    detail = e.get("detail")
    return f"{who}: {action}" + (f" {what}" if what else "") + (f" ({detail})" if detail else "")


# -- JSONL and CSV ---------------------------------------------------------------------------------------

CSV_COLUMNS: tuple[str, ...] = (
    "id", "time", "provider", "tenant", "stream", "category", "action", "outcome", "vendor_action",
    "vendor_category", "actor_id", "actor_email", "actor_name", "actor_ip", "actor_client", "actor_external",
    "actor_anonymous", "target_type", "target_id", "target_name", "target_email", "meeting_id",
    "meeting_instance", "meeting_topic", "meeting_host_email", "session_start", "session_end",
    "session_duration_seconds", "session_status", "changes", "detail", "redacted",
)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def csv_row(event: LogEvent | Mapping[str, Any]) -> list[str]:
    e = _dict(event)
    actor, target = e.get("actor") or {}, e.get("target") or {}
    meeting, session = e.get("meeting") or {}, e.get("session") or {}
    values: dict[str, Any] = {
        **{k: e.get(k) for k in ("id", "time", "provider", "tenant", "stream", "category", "action", "outcome",
                                 "vendor_action", "vendor_category", "detail")},
        **{f"actor_{k}": actor.get(k) for k in ("id", "email", "name", "ip", "client", "external", "anonymous")},
        **{f"target_{k}": target.get(k) for k in ("type", "id", "name", "email")},
        "meeting_id": meeting.get("id"), "meeting_instance": meeting.get("instance"),
        "meeting_topic": meeting.get("topic"), "meeting_host_email": meeting.get("host_email"),
        **{f"session_{k}": session.get(k) for k in ("start", "end", "duration_seconds", "status")},
        "changes": json.dumps(e.get("changes"), separators=(",", ":"), ensure_ascii=False) if e.get("changes") else "",
        "redacted": ",".join(e.get("redacted") or ()),
    }
    return [_cell(values[c]) for c in CSV_COLUMNS]


# -- OCSF ------------------------------------------------------------------------------------------------

CATEGORY_NAMES = {3: "Identity & Access Management", 6: "Application Activity"}
CLASS_NAMES = {
    3002: "Authentication",
    3004: "Entity Management",
    3005: "User Access Management",
    3007: "User Management",
    6001: "Web Resources Activity",
}
ACTIVITY_NAMES: dict[int, dict[int, str]] = {
    3002: {1: "Logon", 2: "Logoff", 99: "Other"},
    3004: {1: "Create", 2: "Read", 3: "Update", 4: "Delete", 8: "Enable", 9: "Disable", 99: "Other"},
    3005: {1: "Assign Privileges", 2: "Revoke Privileges", 99: "Other"},
    3007: {1: "Create", 2: "Update", 3: "Delete", 4: "Enable", 5: "Disable", 16: "Assign Roles", 17: "Remove Roles",
           99: "Other"},
    6001: {1: "Create", 2: "Read", 3: "Update", 4: "Delete", 8: "Share", 99: "Other"},
}

#: Attributes each OCSF 1.9.0 class requires, from the schema (ocsf/ocsf-schema ``events/base_event.json``
#: and ``events/iam/{authentication,entity_management,user_access,user_management}.json``,
#: ``events/application/web_resources_activity.json``; objects ``metadata``, ``product``, ``user``,
#: ``managed_entity``, ``web_resource``). Dotted names are nested; ``a|b`` means at least one of them.
OCSF_BASE_REQUIRED: tuple[str, ...] = (
    "activity_id", "category_uid", "class_uid", "metadata", "metadata.product", "metadata.product.name",
    "metadata.product.vendor_name", "metadata.version", "severity_id", "time", "type_uid",
)
OCSF_REQUIRED: dict[int, tuple[str, ...]] = {
    3002: ("user", "user.name|user.uid", "service|dst_endpoint"),
    3004: ("entity", "entity.name|entity.uid"),
    3005: ("privileges", "user", "user.name|user.uid"),
    3007: ("user", "user.name|user.uid"),
    6001: ("web_resources", "web_resources.0.name|web_resources.0.uid"),
}

_VERB_ACTIVITY_3004 = {"create": 1, "read": 2, "update": 3, "delete": 4, "enable": 8, "disable": 9,
                       "activate": 8, "deactivate": 9}
_VERB_ACTIVITY_3007 = {"create": 1, "update": 2, "delete": 3, "activate": 4, "enable": 4, "deactivate": 5,
                       "disable": 5}
_VERB_ACTIVITY_6001 = {"create": 1, "read": 2, "update": 3, "delete": 4, "share": 8}


def _epoch_ms(value: str | None) -> int | None:
    if not value:
        return None
    return int(parse_time(value).timestamp() * 1000)


def _is_ip(value: str | None) -> bool:
    if not value:
        return False
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _ocsf_user(person: Mapping[str, Any] | None) -> dict[str, Any]:
    person = person or {}
    user: dict[str, Any] = {}
    if person.get("id"):
        user["uid"] = person["id"]
    name = person.get("name") or person.get("email")
    if name:
        user["name"] = name
    if person.get("email"):
        user["email_addr"] = person["email"]
    if not user:
        user["name"] = "unknown"
    if person.get("anonymous") is not None or person.get("external") is not None:
        user["type_id"] = 1
        user["type"] = "User"
    return user


def _endpoint(actor: Mapping[str, Any] | None) -> dict[str, Any] | None:
    ip = (actor or {}).get("ip")
    if not ip:
        return None
    return {"ip": ip} if _is_ip(ip) else {"uid": ip}  # a redacted address is an identifier, not an IP


def _verb(action: str) -> str:
    return action.rsplit(".", 1)[-1]


def to_ocsf(event: LogEvent | Mapping[str, Any]) -> dict[str, Any]:
    """The event as one OCSF 1.9.0 event (see the table in this module's docstring)."""
    e = _dict(event)
    category, action = e["category"], e["action"]
    actor, target = e.get("actor"), e.get("target") or {}
    product, vendor = PRODUCTS.get(e["provider"], (e["provider"], e["provider"]))
    changes = e.get("changes") or []
    out: dict[str, Any] = {}
    class_uid: int
    activity: int
    activity_name: str | None = None
    if category == "authentication":
        class_uid = 3002
        activity = {"sign_in": 1, "sign_out": 2}.get(action, 99)
        out["user"] = _ocsf_user(actor)
        out["service"] = {"name": product}
        out["is_remote"] = True
    elif category == "role_change" and target.get("type") == "user" and changes:
        class_uid = 3005
        change = changes[0]
        promoted = role_rank(change.get("to")) >= role_rank(change.get("from"))
        activity = 1 if promoted else 2
        role = change.get("to") if promoted else change.get("from")
        out["privileges"] = [role or "unknown"]
        out["user"] = _ocsf_user(target)
    elif category == "user_change":
        class_uid = 3007
        activity = _VERB_ACTIVITY_3007.get(_verb(action), 99)
        out["user"] = _ocsf_user(target)
    elif category in ("participant", "meeting_lifecycle", "abuse_report"):
        class_uid = 6001
        meeting = e.get("meeting") or {}
        resource: dict[str, Any] = {"type": "meeting"}
        uid = meeting.get("id") or target.get("id") or meeting.get("instance")
        if uid:
            resource["uid"] = str(uid)
        name = meeting.get("topic") or target.get("name")
        if name:
            resource["name"] = name
        details = {k: meeting.get(k) for k in ("instance", "code", "host_id", "host_email") if meeting.get(k)}
        if details:
            resource["data"] = details
        out["web_resources"] = [resource]
        if category == "participant":
            activity = 99
            activity_name = "Waiting Room" if action.endswith("waiting_room") else "Join"
            session = e.get("session") or {}
            start, end = _epoch_ms(session.get("start")), _epoch_ms(session.get("end"))
            if start is not None:
                out["start_time"] = start
            if end is not None:
                out["end_time"] = end
            if start is not None and end is not None:
                out["duration"] = end - start
        elif category == "abuse_report":
            activity, activity_name = 99, "Abuse Report"
        else:
            activity = _VERB_ACTIVITY_6001.get(_verb(action), 99)
    else:  # setting_change, a role's own change, recording, other
        class_uid = 3004
        if category == "setting_change" and changes:
            activity = 3
            change = changes[0]
            scope = {k: target.get(k) for k in ("type", "id", "name", "email") if target.get(k)}
            field = change.get("field") or "setting"
            uid = "/".join(x for x in (target.get("type"), target.get("name") or target.get("id"),
                                       change.get("section"), field) if x)
            out["entity"] = {"name": field, "uid": uid, "type": "setting",
                             "data": {"section": change.get("section"), "scope": scope, "value": change.get("from")}}
            out["entity_result"] = {"name": field, "uid": uid, "type": "setting", "data": {"value": change.get("to")}}
        else:
            activity = _VERB_ACTIVITY_3004.get(_verb(action), 99)
            entity: dict[str, Any] = {"type": target.get("type") or category}
            entity_name = target.get("name") or target.get("email")
            if entity_name:
                entity["name"] = entity_name
            if target.get("id"):
                entity["uid"] = target["id"]
            if "name" not in entity and "uid" not in entity:
                entity["name"] = e.get("detail") or action
            out["entity"] = entity
        if e.get("detail"):
            out["comment"] = e["detail"]
    if actor:
        out["actor"] = {"user": _ocsf_user(actor)}
    endpoint = _endpoint(actor)
    if endpoint is not None:
        out["src_endpoint"] = endpoint
    category_uid = class_uid // 1000
    activity_name = activity_name or ACTIVITY_NAMES[class_uid].get(activity, "Other")
    status_id = {"success": 1, "failure": 2}.get(e.get("outcome") or "", 0)
    return {
        "activity_id": activity,
        "activity_name": activity_name,
        "category_uid": category_uid,
        "category_name": CATEGORY_NAMES[category_uid],
        "class_uid": class_uid,
        "class_name": CLASS_NAMES[class_uid],
        "type_uid": class_uid * 100 + activity,
        "type_name": f"{CLASS_NAMES[class_uid]}: {activity_name}",
        "time": _epoch_ms(e["time"]),
        "severity_id": 1,
        "severity": "Informational",
        "status_id": status_id,
        "status": {0: "Unknown", 1: "Success", 2: "Failure"}[status_id],
        "message": describe(e),
        "metadata": {
            "version": OCSF_VERSION,
            "product": {"name": product, "vendor_name": vendor, "feature": {"name": e["stream"]}},
            "uid": e["id"],
            "log_name": e["stream"],
            "log_provider": "confkit",
            "tenant_uid": e["tenant"],
            "original_time": (e.get("raw") or {}).get("time") if isinstance(e.get("raw"), dict) else None,
        },
        **out,
        "raw_data": json.dumps(e.get("raw"), separators=(",", ":"), ensure_ascii=False),
        "unmapped": {
            "confkit": {k: e.get(k) for k in ("category", "action", "vendor_action", "vendor_category", "changes",
                                               "meeting", "session", "target", "redacted") if e.get(k)}
        },
    }


def ocsf_missing(event: Mapping[str, Any]) -> list[str]:
    """The required OCSF attributes ``event`` lacks (``[]`` when it is valid for its class)."""

    def present(path: str) -> bool:
        node: Any = event
        for part in path.split("."):
            if isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            elif isinstance(node, dict) and node.get(part) not in (None, "", [], {}):
                node = node[part]
            else:
                return False
        return True

    missing = []
    for rule in (*OCSF_BASE_REQUIRED, *OCSF_REQUIRED.get(int(event.get("class_uid") or 0), ("class_uid",))):
        if not any(present(p) for p in rule.split("|")):
            missing.append(rule)
    if event.get("type_uid") != (event.get("class_uid") or 0) * 100 + (event.get("activity_id") or 0):
        missing.append("type_uid = class_uid * 100 + activity_id")
    if event.get("category_uid") != (event.get("class_uid") or 0) // 1000:
        missing.append("category_uid = class_uid // 1000")
    return missing


# -- ECS ---------------------------------------------------------------------------------------------

_ECS_TYPES = {"create": "creation", "delete": "deletion", "update": "change", "activate": "change",
              "deactivate": "change", "change": "change"}


def _ecs_category(category: str, action: str) -> tuple[list[str], list[str]]:
    verb = _verb(action)
    if category == "authentication":
        return ["authentication"], [{"sign_in": "start", "sign_out": "end"}.get(action, "info")]
    if category == "setting_change":
        return ["configuration"], ["change"]
    if category == "role_change":
        return ["iam"], ["admin", "change"]
    if category == "user_change":
        return ["iam"], ["user", _ECS_TYPES.get(verb, "change")]
    if category == "participant":
        return ["session"], ["info"]
    if category == "abuse_report":
        return ["intrusion_detection"], ["info"]
    return ["configuration"], [_ECS_TYPES.get(verb, "info")]


def to_ecs(event: LogEvent | Mapping[str, Any]) -> dict[str, Any]:
    """The event as one ECS document (Elastic Common Schema; see docs/logs.md for the field table)."""
    e = _dict(event)
    actor, target = e.get("actor") or {}, e.get("target") or {}
    product, vendor = PRODUCTS.get(e["provider"], (e["provider"], e["provider"]))
    categories, types = _ecs_category(e["category"], e["action"])
    time = parse_time(e["time"])
    ev: dict[str, Any] = {
        "kind": "event",
        "category": categories,
        "type": types,
        "action": e["action"],
        "outcome": e.get("outcome") or "unknown",
        "provider": e["provider"],
        "module": "confkit",
        "dataset": f"{e['provider']}.{e['stream']}",
        "id": e["id"],
        "original": json.dumps(e.get("raw"), separators=(",", ":"), ensure_ascii=False),
    }
    session = e.get("session") or {}
    if session.get("start"):
        ev["start"] = parse_time(session["start"]).isoformat().replace("+00:00", "Z")
    if session.get("end"):
        ev["end"] = parse_time(session["end"]).isoformat().replace("+00:00", "Z")
    if session.get("start") and session.get("end"):
        ev["duration"] = int((parse_time(session["end"]) - parse_time(session["start"])).total_seconds() * 1e9)
    doc: dict[str, Any] = {
        "@timestamp": time.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "message": describe(e),
        "event": ev,
        "organization": {"id": e["tenant"]},
        "observer": {"vendor": vendor, "product": product},
        "ecs": {"version": "8.11.0"},
    }
    user = {k: actor.get(k) for k in ("id", "email", "name") if actor.get(k)}
    if target.get("type") == "user":
        tuser = {k: target.get(k) for k in ("id", "email", "name") if target.get(k)}
        if tuser:
            user["target"] = tuser
    if user:
        doc["user"] = user
    ip = actor.get("ip")
    if ip:
        doc["source"] = {"ip": ip} if _is_ip(ip) else {"address": ip}
    related_users = sorted({v for v in (actor.get("email"), target.get("email")) if v})
    related: dict[str, Any] = {}
    if related_users:
        related["user"] = related_users
    if ip and _is_ip(ip):
        related["ip"] = [ip]
    if related:
        doc["related"] = related
    doc["confkit"] = {
        k: e.get(k)
        for k in ("stream", "category", "vendor_action", "vendor_category", "target", "meeting", "session", "changes",
                  "detail", "redacted")
        if e.get(k)
    }
    if actor:
        doc["confkit"]["actor"] = {k: v for k, v in actor.items() if v is not None}
    return doc


# -- writing -------------------------------------------------------------------------------------------


def write_events(
    events: Iterable[LogEvent | Mapping[str, Any]],
    fmt: ExportFormat | str,
    out: TextIO,
    *,
    redactor_for: Any = None,
) -> int:
    """Write ``events`` to ``out`` in ``fmt``, one at a time; returns the count.

    ``redactor_for(tenant, provider) -> Redactor | None`` redacts on the way out (``--redact`` at
    export) with the same per-tenant salts as collection, so hashes match stored ones.
    """
    fmt = ExportFormat(fmt)
    writer = csv.writer(out, lineterminator="\n") if fmt is ExportFormat.CSV else None
    if writer is not None:
        writer.writerow(CSV_COLUMNS)
    count = 0
    for item in events:
        e = _dict(item)
        if redactor_for is not None:
            redactor: Redactor | None = redactor_for(e["tenant"], e["provider"])
            if redactor:
                from confkit.logs.stream import raw_redaction

                redactor.event(e, raw_redaction(e["provider"], e["stream"]))
        if writer is not None:
            writer.writerow(csv_row(e))
        else:
            doc = e if fmt is ExportFormat.JSONL else to_ocsf(e) if fmt is ExportFormat.OCSF else to_ecs(e)
            out.write(json.dumps(doc, separators=(",", ":"), ensure_ascii=False))
            out.write("\n")
        count += 1
    return count


__all__ = [
    "CSV_COLUMNS",
    "OCSF_BASE_REQUIRED",
    "OCSF_REQUIRED",
    "OCSF_VERSION",
    "ExportFormat",
    "csv_row",
    "describe",
    "ocsf_missing",
    "role_rank",
    "to_ecs",
    "to_ocsf",
    "write_events",
]
