"""The per-provider policy protocol: how one platform reads, checks and enforces the neutral controls.

The engine (:mod:`confkit.policy.engine`) is provider-neutral. Everything vendor-specific lives in
one module per provider, ``confkit/providers/<name>/policy.py``, which exposes ``POLICY``: an object
implementing :class:`ProviderPolicy`. Third-party providers register theirs under the entry-point
group ``confkit.policies`` (``<name> = "package.module:POLICY"``).

A provider policy is pure with respect to the engine: it gets state that the engine read through
the neutral :class:`~confkit.provider.Provider` interface (``get_account_settings()``, meetings) and
returns :class:`Check` results and :class:`Change` plans whose payloads are plain JSON. Only
:meth:`ProviderPolicy.execute` writes, through the provider. The engine stores ``Change.prior``
before it calls ``execute(change.forward)``, and a rollback calls ``execute(prior)``: so ``prior``
must restore *exactly* what the resource held, including side effects the vendor applies on its
own (e.g. Zoom turns join-before-host off when a waiting room is turned on).

Controls the capability matrix declares ``none`` are reported by the engine from the matrix and
never reach the provider policy. A provider policy reports, with ``enforceable=False``, anything
else it cannot check or change (say, a field the tenant does not expose).
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from importlib.metadata import entry_points
from typing import Any, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict

from confkit.capabilities import Control
from confkit.errors import ConfigurationError
from confkit.models import AccountSettings, Meeting
from confkit.policy.model import SecurityPolicy
from confkit.provider import Provider

ENTRY_POINT_GROUP = "confkit.policies"

Aspect = Literal["value", "lock"]
ResourceKind = Literal["account", "meeting"]


class Resource(BaseModel):
    """What a finding or a change is about: the account (org, site) or one meeting."""

    model_config = ConfigDict(frozen=True)

    kind: ResourceKind
    id: str = "account"
    topic: str | None = None
    host: str | None = None  # host email
    host_id: str | None = None

    @classmethod
    def account(cls) -> Resource:
        return cls(kind="account")

    @classmethod
    def of(cls, meeting: Meeting) -> Resource:
        return cls(kind="meeting", id=meeting.id, topic=meeting.topic, host=meeting.host_email, host_id=meeting.host_id)

    def label(self) -> str:
        if self.kind == "account":
            return "account"
        return f"meeting {self.id} \u201c{self.topic or ''}\u201d ({self.host or self.host_id or 'unknown host'})"


@dataclass(frozen=True)
class Check:
    """The result of checking one aspect of one control on one resource."""

    control: Control
    compliant: bool
    expected: str
    actual: str
    aspect: Aspect = "value"
    fields: tuple[str, ...] = ()
    enforceable: bool = True
    remediation: str = ""


@dataclass(frozen=True)
class Change:
    """One write that brings one resource in line: what to send, and what restores the old state.

    ``forward`` and ``prior`` are JSON-able payloads only the provider policy interprets. They
    must not hold secrets: a passcode to set is described (``{"generate": ...}``) and made at
    execution time, so the store never holds one.
    """

    resource: Resource
    controls: tuple[Control, ...]
    summary: tuple[str, ...]
    forward: dict[str, Any]
    prior: dict[str, Any]


@dataclass(frozen=True)
class WriteLimit:
    """A daily cap on writes per host (Zoom: 100 meeting creates/updates per host per UTC day)."""

    per_host_per_day: int
    description: str


@dataclass
class AccountContext:
    """What meeting-level checks may need from the account: its settings, if they could be read."""

    settings: AccountSettings | None = None
    notes: list[str] = field(default_factory=list)


@runtime_checkable
class ProviderPolicy(Protocol):
    """Implemented once per provider in ``confkit/providers/<name>/policy.py`` as ``POLICY``."""

    #: The provider name, as in the registry (``"zoom"``).
    provider: str

    def audit_account(self, settings: AccountSettings, policy: SecurityPolicy) -> list[Check]:
        """Check every governed control that lives at account (org, site) level, value and lock."""
        ...

    def plan_account(self, settings: AccountSettings, policy: SecurityPolicy) -> Change | None:
        """The one account write that fixes every enforceable account-level deviation, or ``None``."""
        ...

    def audit_meeting(self, meeting: Meeting, policy: SecurityPolicy, account: AccountContext) -> list[Check]:
        """Check the governed controls that exist per meeting."""
        ...

    def plan_meeting(self, meeting: Meeting, policy: SecurityPolicy, account: AccountContext) -> Change | None:
        """The one meeting write that fixes every enforceable deviation of this meeting, or ``None``."""
        ...

    def meeting_detail(self, provider: Provider, listed: Meeting) -> Meeting:
        """A meeting as audited, from a list item (Zoom's list has no settings: one GET per meeting)."""
        ...

    def execute(self, provider: Provider, kind: ResourceKind, resource_id: str, payload: dict[str, Any]) -> None:
        """Send one ``forward`` or ``prior`` payload."""
        ...

    def write_limit(self) -> WriteLimit | None:
        """The per-host daily write limit meeting changes count against, if the platform has one."""
        ...

    def next_window(self, now: datetime) -> datetime:
        """When a per-host daily limit resets (Zoom: the next 00:00 UTC)."""
        ...


_cache: dict[str, ProviderPolicy | None] = {}


def _entry_point(name: str) -> Any:
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name == name:
            return ep
    return None


def provider_policy(name: str) -> ProviderPolicy | None:
    """The policy module of provider ``name``, or ``None`` when it has none (yet)."""
    if name in _cache:
        return _cache[name]
    found: Any = None
    ep = _entry_point(name)
    try:
        if ep is not None:
            found = ep.load()
        else:
            try:
                module = importlib.import_module(f"confkit.providers.{name}.policy")
            except ModuleNotFoundError as exc:
                if exc.name in {f"confkit.providers.{name}.policy", f"confkit.providers.{name}"}:
                    found = None
                else:
                    raise
            else:
                found = getattr(module, "POLICY", None)
    except ConfigurationError:
        raise
    except Exception as exc:  # a broken policy module must not crash other providers' audits
        raise ConfigurationError(
            f"the policy module of {name!r} could not be loaded: {type(exc).__name__}: {exc}"
        ) from None
    if found is not None and not isinstance(found, ProviderPolicy):
        raise ConfigurationError(f"the policy module of {name!r} does not implement confkit.policy.ProviderPolicy")
    _cache[name] = found
    return found


def register_policy(name: str, policy: ProviderPolicy) -> None:
    """Register a provider policy at run time (overrides the built-in module and entry points)."""
    if not isinstance(policy, ProviderPolicy):
        raise TypeError(f"{policy!r} does not implement ProviderPolicy")
    _cache[name] = policy


def summarize(changes: Sequence[tuple[str, Any, Any]]) -> tuple[str, ...]:
    """``("field: old -> new", ...)`` lines for a change summary."""
    return tuple(f"{name}: {_show(old)} \u2192 {_show(new)}" for name, old, new in changes)


def _show(value: Any) -> str:
    if value is None:
        return "(unset)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value)
    return str(value)


__all__ = [
    "ENTRY_POINT_GROUP",
    "AccountContext",
    "Aspect",
    "Change",
    "Check",
    "ProviderPolicy",
    "Resource",
    "ResourceKind",
    "WriteLimit",
    "provider_policy",
    "register_policy",
    "summarize",
]
