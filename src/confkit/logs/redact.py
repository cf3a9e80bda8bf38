"""Least privilege: replace IP addresses, e-mail addresses and names by salted hashes.

``--redact ip,email`` (collection or export) replaces each value by an HMAC-SHA256 of it under a
per-tenant salt kept in the store, so the same person or address still correlates across events
(a burst of joins from one address is still visible) but cannot be read back without the salt:

* ``email``: ``h-<16 hex>@<domain>``. The domain is kept: whether a joiner is external, or a
  student, is the point of many detections, and a domain alone identifies nobody.
* ``ip``: ``ip-<16 hex>``.
* ``name``: ``name-<16 hex>`` (display names of people: actors, participants, user targets).

Redaction covers the normalized fields and the vendor record (``raw``): every field the stream
declares as personal, and e-mail and IPv4 addresses inside free text such as Zoom's
``operation_detail``. The stable event id is computed *before* redaction from the vendor's
identifiers, so a redacted and an unredacted collection of the same record deduplicate.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from typing import Any, Protocol

from confkit.errors import ConfigurationError
from confkit.logs.stream import EMAIL_RE, IPV4_RE, looks_like_ip

KINDS = ("ip", "email", "name")


class RawRedaction(Protocol):
    """What knows where the personal data in a stream's vendor records is (a stream does)."""

    def redact_raw(self, raw: Any, redactor: Redactor) -> Any: ...


def parse_kinds(value: str | Iterable[str] | None) -> frozenset[str]:
    """``"ip,email"`` (or a list) as a set of redaction kinds; unknown kinds are a configuration error."""
    if value is None:
        return frozenset()
    items = value.split(",") if isinstance(value, str) else list(value)
    kinds = {item.strip().lower() for item in items if item.strip()}
    unknown = sorted(kinds - set(KINDS))
    if unknown:
        raise ConfigurationError(f"cannot redact {', '.join(unknown)}; choose from {', '.join(KINDS)}")
    return frozenset(kinds)


class Redactor:
    """Redacts the chosen ``kinds`` with HMAC-SHA256 under ``salt`` (one salt per tenant)."""

    def __init__(self, salt: bytes, kinds: Iterable[str]) -> None:
        self.salt = salt
        self.kinds = frozenset(kinds)

    def __bool__(self) -> bool:
        return bool(self.kinds)

    def _digest(self, kind: str, value: str) -> str:
        return hmac.new(self.salt, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:16]

    def email(self, value: str) -> str:
        if "email" not in self.kinds or not value or value.startswith("h-"):
            return value
        _, at, domain = value.strip().rpartition("@")
        if not at:
            return f"h-{self._digest('email', value.strip().lower())}"
        return f"h-{self._digest('email', value.strip().lower())}@{domain.lower()}"

    def ip(self, value: str) -> str:
        if "ip" not in self.kinds or not value or value.startswith("ip-"):
            return value
        return f"ip-{self._digest('ip', value.strip())}"

    def name(self, value: str) -> str:
        if "name" not in self.kinds or not value or value.startswith("name-"):
            return value
        return f"name-{self._digest('name', value.strip())}"

    def text(self, value: str) -> str:
        """Free text with every e-mail address (and IPv4 address) in it redacted."""
        if not value:
            return value
        if "email" in self.kinds and "@" in value:
            value = EMAIL_RE.sub(lambda m: self.email(m.group(0)), value)
        if "ip" in self.kinds and "." in value:
            value = IPV4_RE.sub(lambda m: self.ip(m.group(0)) if looks_like_ip(m.group(0)) else m.group(0), value)
        return value

    def apply(self, kind: str, value: str) -> str:
        if kind == "email":
            return self.email(value)
        if kind == "ip":
            return self.ip(value)
        if kind == "name":
            return self.name(value)
        if kind == "text":
            return self.text(value)
        raise ValueError(f"unknown redaction kind {kind!r}")

    # -- whole events ------------------------------------------------------------------------------

    def event(self, event: dict[str, Any], stream: RawRedaction | None) -> dict[str, Any]:
        """Redact a normalized event dict in place (and its ``raw`` through the stream); returns it."""
        if not self.kinds:
            return event
        actor = event.get("actor")
        target = event.get("target")
        # People's names also appear inside the event's text (Webex: "Jane Doe logged into ..."): the
        # actor's and a user target's, taken before they are hashed, are replaced there as whole words.
        names = self._names(actor, target) if "name" in self.kinds else []
        if actor:
            self._person(actor)
        if target:
            if target.get("email"):
                target["email"] = self.email(target["email"])
            if target.get("type") == "user" and target.get("name"):
                target["name"] = self.name(target["name"])
            if target.get("id"):
                target["id"] = self.text(target["id"])
        meeting = event.get("meeting")
        if meeting and meeting.get("host_email"):
            meeting["host_email"] = self.email(meeting["host_email"])
        for key in ("detail", "vendor_action"):
            if event.get(key):
                event[key] = self.text(self.names_in(event[key], names))
        for change in event.get("changes") or ():
            for key in ("field", "from", "to"):
                if change.get(key):
                    change[key] = self.text(self.names_in(change[key], names))
        if event.get("raw") is not None:
            if stream is not None:
                event["raw"] = stream.redact_raw(event["raw"], self)
            else:
                event["raw"] = self._walk(event["raw"])
        event["redacted"] = sorted(set(event.get("redacted") or ()) | self.kinds)
        return event

    @staticmethod
    def _names(*people: dict[str, Any] | None) -> list[str]:
        """Names of people (the actor, a user target) worth looking for in text, longest first."""
        found = set()
        for person in people:
            if not person or (person.get("type") not in (None, "user")):
                continue
            name = person.get("name")
            if isinstance(name, str) and len(name.strip()) >= 2 and not name.startswith("name-"):
                found.add(name.strip())
        return sorted(found, key=len, reverse=True)

    def names_in(self, text: str, names: Iterable[str]) -> str:
        """``text`` with each of ``names`` (whole words, as written) replaced by its redacted form."""
        if "name" not in self.kinds:
            return text
        for name in names:
            if name and name in text:
                hashed = self.name(name)
                text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", hashed.replace("\\", "\\\\"), text)
        return text

    def _person(self, person: dict[str, Any]) -> None:
        if person.get("email"):
            person["email"] = self.email(person["email"])
        if person.get("ip"):
            person["ip"] = self.ip(person["ip"])
        if person.get("name"):
            person["name"] = self.name(person["name"])

    def _walk(self, value: Any) -> Any:
        """Fallback for records of unknown shape: free-text redaction of every string."""
        if isinstance(value, dict):
            return {k: self._walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._walk(v) for v in value]
        if isinstance(value, str):
            return self.ip(value) if "ip" in self.kinds and looks_like_ip(value) else self.text(value)
        return value


__all__ = ["KINDS", "RawRedaction", "Redactor", "parse_kinds"]
