"""Google Meet's side of the district security policy: neutral controls ⇄ Meet policies and spaces.

Meet security lives in two places, and confkit treats them differently:

**Org units** - the Cloud Identity Policy API's ``settings/meet.*`` policies, read through
:meth:`GoogleProvider.get_account_settings` (one section per policy, keyed
``<setting>@<org unit path>``). confkit reads them but cannot write them (``update_account_settings``
is ``not_built``), so every org-unit deviation is a check with ``enforceable=False`` whose remediation
names the Admin console page. The policies returned are the explicitly set ones; each org unit's
effective value is resolved here: of the policies set on the unit or an ancestor, the one with the
highest ``policyQuery.sortOrder`` wins (then the deepest unit). Org units whose Meet service is off
(``meet.service_status.serviceState = DISABLED``) are not checked. Group-targeted policies are checked
on their own.

=============================  =================================================================
control                        Cloud Identity setting (``settings/`` + type . field)
=============================  =================================================================
passcode_required              none: Meet has no passcodes (reported, never pretended). Equivalent:
                               knocking, ``meet.meet_joining.allowedAudience`` TRUSTED/RESTRICTED
                               (checked here only when the policy does not govern waiting_room)
waiting_room                   ``meet.meet_joining.allowedAudience``: everyone = RESTRICTED,
                               outsiders = TRUSTED or RESTRICTED
authenticated_only             ``meet.safety_domain.usersAllowedToJoin``: LOGGED_IN or
                               SAME_ORGANIZATION_ONLY; with allowed domains SAME_ORGANIZATION_ONLY
                               (Meet has no domain allow-list)
chat_restrictions              no private-chat setting exists in the Meet API (reported)
auto_recording                 ``meet.automatic_recording.enabled`` (none: not true; cloud: true;
                               local: Meet records to Drive only, reported)
auto_transcription             ``meet.automatic_transcription.enabled`` not true
external_participant_warning   ``meet.safety_external_participants.enableExternalLabel`` true
=============================  =================================================================

**Meetings** - the Meet space behind each Calendar event (``SpaceConfig``, field names from the
bundled ``meet.v2.json``), read by ``get_meeting`` (``events.get`` + ``spaces.get``) and written with
``spaces.patch`` through ``update_meeting(MeetingUpdate(provider_options={"space_config": ...}))``
with an update mask naming exactly the fields changed:

=============================  =================================================================
waiting_room                   ``accessType``: everyone = RESTRICTED; outsiders = TRUSTED or
                               RESTRICTED (set TRUSTED)
passcode_required,             when waiting_room is not governed: ``accessType`` TRUSTED or
authenticated_only             RESTRICTED, so uninvited / signed-out people knock (set TRUSTED)
screen_sharing (host)          ``moderation`` ON + ``moderationRestrictions.presentRestriction``
                               HOSTS_ONLY
chat_restrictions (none/host)  ``moderation`` ON + ``moderationRestrictions.chatRestriction``
                               HOSTS_ONLY (only hosts send; Meet has no "participants chat with the
                               host only", so the nearest setting that is not looser)
auto_recording                 ``artifactConfig.recordingConfig.autoRecordingGeneration`` OFF / ON
auto_transcription (off)       ``artifactConfig.transcriptionConfig.autoTranscriptionGeneration``
                               and ``artifactConfig.smartNotesConfig.autoSmartNotesGeneration`` OFF
=============================  =================================================================

An unset field (``AUTO_GENERATION_TYPE_UNSPECIFIED`` or absent) is a deviation: the organiser's
org-unit default applies and may change. A ``prior`` payload holds each changed field's previous
value, ``null`` for a field that was absent (the patch clears it again), so a rollback restores the
space config exactly. Moderation OFF resets every restriction to its default on Meet's side; a
prior of ``moderation: OFF`` therefore restores the restrictions too.

Meet has no per-host daily write limit (per-minute quotas only, paced by the provider's limiter).
Locks: Meet has none (the capability declaration says so, and the engine reports it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from confkit.capabilities import Control, Operation
from confkit.errors import UnsupportedOperationError
from confkit.models import AccountSettings, AutoRecording, Meeting, MeetingUpdate, ScreenSharing, WaitingRoom
from confkit.policy.model import (
    AuthenticatedOnlyPolicy,
    AutoRecordingPolicy,
    AutoTranscriptionPolicy,
    ChatAudience,
    ChatRestrictionsPolicy,
    ControlPolicy,
    ExternalWarningPolicy,
    PasscodeRequiredPolicy,
    ScreenSharingPolicy,
    SecurityPolicy,
    WaitingRoomPolicy,
)
from confkit.policy.plugin import AccountContext, Change, Check, Resource, ResourceKind, WriteLimit, summarize
from confkit.provider import Provider
from confkit.providers.google.mapping import SPACE_CONFIG_OPTION

PROVIDER = "google"
ADMIN_CONSOLE = "Admin console > Apps > Google Workspace > Google Meet > "
READ_ONLY = "confkit can read Meet policies (Cloud Identity Policy API) but not write them"
KNOCKING = ("TRUSTED", "RESTRICTED")

Accept = Callable[[Any], bool]


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "unset"
    return repr(value) if isinstance(value, str) else str(value)


def _one_of(*allowed: Any) -> Accept:
    return lambda v: v in allowed


def _is(expected: Any) -> Accept:
    return lambda v: v is expected


def _not(unwanted: Any) -> Accept:
    return lambda v: v is not unwanted


# -- org units: resolving the Cloud Identity policies ------------------------------------------------------


@dataclass(frozen=True)
class _Placed:
    """One explicitly set Meet policy: setting type (``meet.meet_joining``), target, order, value."""

    setting: str
    target: str  # an org unit path ("/Staff"), "groups/..", an unnamed "orgUnits/..", or "customer"
    sort_order: float
    value: Mapping[str, Any]


_DUPLICATE = re.compile(r"#\d+$")


def _is_unit(target: str) -> bool:
    return target.startswith("/") or target == "customer"


def _depth(target: str) -> int:
    return 0 if target in ("/", "customer") else target.rstrip("/").count("/")


def _covers(unit: str, scope: str) -> bool:
    """Whether a policy set on ``unit`` applies to org unit ``scope`` (itself or a descendant)."""
    if unit in ("/", "customer"):
        return True
    return scope == unit or scope.startswith(unit.rstrip("/") + "/")


class _Tree:
    """The Meet policies of a customer, resolved per org unit."""

    def __init__(self, settings: AccountSettings) -> None:
        self.placed: dict[str, list[_Placed]] = {}
        for key, policy in settings.sections.items():
            setting: Mapping[str, Any] = policy.get("setting") or {}
            name, _, target = _DUPLICATE.sub("", key).partition("@")
            kind = str(setting.get("type") or name).removeprefix("settings/")
            query: Mapping[str, Any] = policy.get("policyQuery") or {}
            order = query.get("sortOrder")
            self.placed.setdefault(kind, []).append(
                _Placed(
                    kind,
                    target or "customer",
                    float(order) if isinstance(order, int | float) and not isinstance(order, bool) else 0.0,
                    setting.get("value") or {},
                )
            )
        units = {p.target for ps in self.placed.values() for p in ps if p.target.startswith("/")}
        self.units = sorted(units | {"/"}, key=lambda u: (_depth(u), u))

    def effective(self, setting: str, scope: str) -> _Placed | None:
        found = self.placed.get(setting, [])
        if _is_unit(scope):
            candidates = [p for p in found if _is_unit(p.target) and _covers(p.target, scope)]
        else:
            candidates = [p for p in found if p.target == scope]
        return max(candidates, key=lambda p: (p.sort_order, _depth(p.target)), default=None)

    def meet_enabled(self, scope: str) -> bool:
        status = self.effective("meet.service_status", scope)
        return status is None or status.value.get("serviceState") != "DISABLED"

    def scopes(self, setting: str) -> list[str]:
        """The org units known from any Meet policy, then this setting's group / unnamed targets."""
        others = sorted({p.target for p in self.placed.get(setting, []) if not _is_unit(p.target)})
        return [s for s in [*self.units, *others] if self.meet_enabled(s)]


@dataclass(frozen=True)
class _OrgRule:
    """One Meet policy field a control needs at org-unit level."""

    setting: str  # "meet.meet_joining"
    key: str  # "allowedAudience"
    accept: Accept
    want: str  # what to choose, in words
    page: str  # where in the Admin console

    @property
    def path(self) -> str:
        return f"settings/{self.setting}.{self.key}"


def _org_check(control: Control, entry: ControlPolicy, rule: _OrgRule, tree: _Tree) -> Check:
    """Compliant when every org unit's effective value is acceptable; else which policies are not."""
    wrong: dict[tuple[str, str], list[str]] = {}  # (where it is set, value) -> org units in force
    for scope in tree.scopes(rule.setting):
        found = tree.effective(rule.setting, scope)
        value = found.value.get(rule.key) if found is not None else None
        if rule.accept(value):
            continue
        if found is None:
            wrong.setdefault((scope, "not set (Google's default applies)"), []).append(scope)
        else:
            wrong.setdefault((found.target, f"{rule.key}={_show(value)}"), []).append(scope)
    parts: list[str] = []
    for (where, what), scopes in wrong.items():
        inherited = [s for s in scopes if s != where]
        parts.append(f"{what} at {where}" + (f" (in force for {', '.join(inherited)})" if inherited else ""))
    units = ", ".join(dict.fromkeys(where for where, _ in wrong)) or "every org unit"
    return Check(
        control,
        not wrong,
        entry.expected(),
        "; ".join(parts) or "as expected in every org unit",
        "value",
        (rule.path,),
        enforceable=False,
        remediation=f"{ADMIN_CONSOLE}{rule.page}: {rule.want} for {units}. {READ_ONLY}.",
    )


def _gap(control: Control, entry: ControlPolicy, actual: str, remediation: str, *fields: str) -> Check:
    return Check(control, False, entry.expected(), actual, "value", fields, enforceable=False, remediation=remediation)


JOINING = ("meet.meet_joining", "allowedAudience", "Meet safety settings, default meeting access type")
DOMAIN = ("meet.safety_domain", "usersAllowedToJoin", "Meet safety settings > Domain")
AUTO_RECORDING = ("meet.automatic_recording", "enabled", "Meet video settings > Automatic recording")
AUTO_TRANSCRIPTION = ("meet.automatic_transcription", "enabled", "Meet video settings > Automatic transcription")
EXTERNAL_LABEL = (
    "meet.safety_external_participants",
    "enableExternalLabel",
    "Meet safety settings > Warn for external participants",
)


def _rule(where: tuple[str, str, str], accept: Accept, want: str) -> _OrgRule:
    setting, key, page = where
    return _OrgRule(setting, key, accept, want, page)


def _governs_knocking(policy: SecurityPolicy) -> bool:
    """Whether the policy's waiting_room entry already asks for knocking (then it carries the equivalent)."""
    entry = policy.get(Control.WAITING_ROOM)
    return isinstance(entry, WaitingRoomPolicy) and entry.who is not WaitingRoom.OFF


def _passcode_note(policy: SecurityPolicy) -> str:
    entry = policy.get(Control.WAITING_ROOM)
    base = (
        "Meet's equivalent protection is knocking: with access type TRUSTED or RESTRICTED, people who were not "
        "invited must ask to join and the host admits them (meeting codes are unguessable). "
    )
    if _governs_knocking(policy):
        return base + "confkit audits and enforces it under waiting_room (space.config.accessType)."
    if isinstance(entry, WaitingRoomPolicy):
        return base + (
            "This policy turns the waiting room off, so Meet meetings keep no equivalent of a passcode; "
            "confkit does not override waiting_room=off."
        )
    return base + "confkit audits and enforces it here, per meeting (space.config.accessType TRUSTED)."


# -- meetings: the space config ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _SpaceWant:
    """One ``SpaceConfig`` field (dotted below ``config``) a control needs on each meeting."""

    path: str
    value: str
    accept: frozenset[str]
    why: str = ""

    def satisfied(self, actual: Any) -> bool:
        return actual in self.accept


def _want(path: str, value: str, *also: str, why: str = "") -> _SpaceWant:
    return _SpaceWant(path, value, frozenset((value, *also)), why)


def _lookup(config: Mapping[str, Any], path: str) -> Any:
    node: Any = config
    for part in path.split("."):
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return node


def _absent_root(config: Mapping[str, Any], path: str) -> str | None:
    """The shortest prefix of ``path`` missing from ``config`` (``None`` when the field exists)."""
    node: Any = config
    parts = path.split(".")
    for n, part in enumerate(parts):
        if not isinstance(node, Mapping) or part not in node:
            return ".".join(parts[: n + 1])
        node = node[part]
    return None


def _put(target: dict[str, Any], path: str, value: Any) -> None:
    node = target
    parts = path.split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value


@dataclass
class _MeetingRule:
    control: Control
    entry: ControlPolicy
    wants: list[_SpaceWant] = field(default_factory=list)


def _space_config(meeting: Meeting) -> tuple[Mapping[str, Any] | None, str]:
    """The meeting's ``SpaceConfig``, or ``None`` and why it cannot be read."""
    raw = meeting.raw or {}
    space = raw.get("space")
    if not isinstance(space, Mapping):
        return None, "the event has no Meet space yet (conference not created), so it has no Meet settings"
    config = space.get("config")
    if not isinstance(config, Mapping):
        return None, (
            "the organiser cannot read the space's settings (Meet shows them only to the space owner); "
            "change them as the owner in Meet"
        )
    return config, ""


class GooglePolicy:
    """The :class:`~confkit.policy.plugin.ProviderPolicy` of Google Meet."""

    provider = PROVIDER

    # -- org units ------------------------------------------------------------------------------------

    def audit_account(self, settings: AccountSettings, policy: SecurityPolicy) -> list[Check]:
        tree = _Tree(settings)
        checks: list[Check] = []
        for control, entry in policy.entries():
            if isinstance(entry, PasscodeRequiredPolicy) and entry.required:
                checks.append(
                    _gap(
                        control,
                        entry,
                        "Google Meet has no meeting passcodes",
                        _passcode_note(policy),
                        "space.config.accessType",
                        "settings/meet.meet_joining.allowedAudience",
                    )
                )
                if policy.get(Control.WAITING_ROOM) is None:
                    checks.append(
                        _org_check(
                            control,
                            entry,
                            _rule(JOINING, _one_of(*KNOCKING), "TRUSTED or RESTRICTED (uninvited people knock)"),
                            tree,
                        )
                    )
            elif isinstance(entry, WaitingRoomPolicy) and entry.who is not WaitingRoom.OFF:
                if entry.who is WaitingRoom.EVERYONE:
                    rule = _rule(JOINING, _one_of("RESTRICTED"), "RESTRICTED (only invitees join without knocking)")
                else:
                    rule = _rule(JOINING, _one_of(*KNOCKING), "TRUSTED (people outside the district knock)")
                checks.append(_org_check(control, entry, rule, tree))
            elif isinstance(entry, AuthenticatedOnlyPolicy) and entry.required:
                if entry.allowed_domains:
                    rule = _rule(
                        DOMAIN,
                        _one_of("SAME_ORGANIZATION_ONLY"),
                        "only users from your organization (SAME_ORGANIZATION_ONLY; Meet has no domain "
                        f"allow-list, so {', '.join(entry.allowed_domains)} must be this Workspace's domains)",
                    )
                else:
                    rule = _rule(
                        DOMAIN,
                        _one_of("LOGGED_IN", "SAME_ORGANIZATION_ONLY"),
                        "users signed in with a Google account (LOGGED_IN) or your organization only",
                    )
                checks.append(_org_check(control, entry, rule, tree))
            elif isinstance(entry, ChatRestrictionsPolicy) and not entry.private_chat:
                checks.append(
                    _gap(
                        control,
                        entry,
                        "the Meet API has no private-chat setting: confkit cannot check or set it",
                        "check by procedure; per meeting confkit governs who may send chat messages "
                        "(space.config.moderationRestrictions.chatRestriction)",
                    )
                )
            elif isinstance(entry, AutoRecordingPolicy):
                if entry.mode is AutoRecording.LOCAL:
                    checks.append(
                        _gap(
                            control,
                            entry,
                            "Meet has no local recording: recordings go to the organiser's Google Drive",
                            "choose auto_recording mode none or cloud for Google Meet",
                        )
                    )
                elif entry.mode is AutoRecording.CLOUD:
                    checks.append(_org_check(control, entry, _rule(AUTO_RECORDING, _is(True), "on"), tree))
                else:
                    checks.append(_org_check(control, entry, _rule(AUTO_RECORDING, _not(True), "off"), tree))
            elif isinstance(entry, AutoTranscriptionPolicy) and not entry.allowed:
                checks.append(_org_check(control, entry, _rule(AUTO_TRANSCRIPTION, _not(True), "off"), tree))
            elif isinstance(entry, ExternalWarningPolicy) and entry.required:
                checks.append(_org_check(control, entry, _rule(EXTERNAL_LABEL, _is(True), "on"), tree))
        return checks

    def plan_account(self, settings: AccountSettings, policy: SecurityPolicy) -> Change | None:
        return None  # Meet policies are read-only in confkit: every org-unit deviation is enforceable=False

    # -- meetings ----------------------------------------------------------------------------------------

    def _meeting_rules(self, policy: SecurityPolicy) -> list[_MeetingRule]:
        rules: list[_MeetingRule] = []
        # Knocking stands in for a passcode (and makes signed-out people ask) only where the policy leaves
        # the waiting room to confkit; an explicit waiting_room=off is never overridden.
        ungoverned = policy.get(Control.WAITING_ROOM) is None
        for control, entry in policy.entries():
            rule = _MeetingRule(control, entry)
            if isinstance(entry, WaitingRoomPolicy) and entry.who is not WaitingRoom.OFF:
                if entry.who is WaitingRoom.EVERYONE:
                    rule.wants.append(_want("accessType", "RESTRICTED"))
                else:
                    rule.wants.append(_want("accessType", "TRUSTED", "RESTRICTED"))
            elif isinstance(entry, PasscodeRequiredPolicy) and entry.required and ungoverned:
                rule.wants.append(_want("accessType", *KNOCKING, why="knocking, Meet's equivalent of a passcode"))
            elif isinstance(entry, AuthenticatedOnlyPolicy) and entry.required and ungoverned:
                rule.wants.append(_want("accessType", *KNOCKING, why="signed-out people knock"))
            elif isinstance(entry, ScreenSharingPolicy) and entry.who is ScreenSharing.HOST_ONLY:
                rule.wants += [
                    _want("moderation", "ON"),
                    _want("moderationRestrictions.presentRestriction", "HOSTS_ONLY"),
                ]
            elif (
                isinstance(entry, ChatRestrictionsPolicy) and entry.participants_chat_with is not ChatAudience.EVERYONE
            ):
                why = "" if entry.participants_chat_with is ChatAudience.NONE else "nearest to host-only chat"
                rule.wants += [
                    _want("moderation", "ON"),
                    _want("moderationRestrictions.chatRestriction", "HOSTS_ONLY", why=why),
                ]
            elif isinstance(entry, AutoRecordingPolicy) and entry.mode is not AutoRecording.LOCAL:
                on = "ON" if entry.mode is AutoRecording.CLOUD else "OFF"
                rule.wants.append(_want("artifactConfig.recordingConfig.autoRecordingGeneration", on))
            elif isinstance(entry, AutoTranscriptionPolicy) and not entry.allowed:
                rule.wants += [
                    _want("artifactConfig.transcriptionConfig.autoTranscriptionGeneration", "OFF"),
                    _want("artifactConfig.smartNotesConfig.autoSmartNotesGeneration", "OFF"),
                ]
            if rule.wants:
                rules.append(rule)
        return rules

    def audit_meeting(self, meeting: Meeting, policy: SecurityPolicy, account: AccountContext) -> list[Check]:
        rules = self._meeting_rules(policy)
        config, why = _space_config(meeting)
        checks: list[Check] = []
        for rule in rules:
            fields = tuple(f"space.config.{w.path}" for w in rule.wants)
            if config is None:
                checks.append(
                    Check(
                        rule.control,
                        False,
                        rule.entry.expected(),
                        "cannot be checked",
                        "value",
                        fields,
                        enforceable=False,
                        remediation=why,
                    )
                )
                continue
            wrong = [
                f"config.{w.path}={_show(_lookup(config, w.path))}"
                for w in rule.wants
                if not w.satisfied(_lookup(config, w.path))
            ]
            actual = "; ".join(wrong) or "as expected"
            if wrong and rule.control is Control.PASSCODE_REQUIRED:
                actual = "no passcode (Meet has none) and no knocking: " + actual
            checks.append(
                Check(
                    rule.control,
                    not wrong,
                    rule.entry.expected(),
                    actual,
                    "value",
                    fields,
                    remediation="set "
                    + ", ".join(f"config.{w.path}={w.value}" for w in rule.wants)
                    + " on the Meet space with spaces.patch",
                )
            )
        return checks

    def plan_meeting(self, meeting: Meeting, policy: SecurityPolicy, account: AccountContext) -> Change | None:
        config, _ = _space_config(meeting)
        if config is None:
            return None
        forward: dict[str, Any] = {}
        prior: dict[str, Any] = {}
        lines: list[tuple[str, Any, Any]] = []
        controls: list[Control] = []
        planned: set[str] = set()
        for rule in self._meeting_rules(policy):
            for want in rule.wants:
                actual = _lookup(config, want.path)
                if want.satisfied(actual):
                    continue
                controls.append(rule.control)
                if want.path in planned:
                    continue
                planned.add(want.path)
                _put(forward, want.path, want.value)
                # A field (or the object holding it) that was absent is cleared again on rollback: the
                # update mask names the outermost absent object and the body leaves it out (null).
                absent = _absent_root(config, want.path)
                if absent is None:
                    _put(prior, want.path, actual)
                else:
                    _put(prior, absent, None)
                name = f"config.{want.path}" + (f" ({want.why})" if want.why else "")
                lines.append((name, actual, want.value))
        if not lines:
            return None
        return Change(
            resource=Resource.of(meeting),
            controls=tuple(dict.fromkeys(controls)),
            summary=summarize(lines),
            forward={SPACE_CONFIG_OPTION: forward},
            prior={SPACE_CONFIG_OPTION: prior},
        )

    def meeting_detail(self, provider: Provider, listed: Meeting) -> Meeting:
        return provider.get_meeting(listed.id)  # the list has no space: events.get + spaces.get

    # -- writes --------------------------------------------------------------------------------------

    def execute(self, provider: Provider, kind: ResourceKind, resource_id: str, payload: dict[str, Any]) -> None:
        if kind == "account":
            raise UnsupportedOperationError(
                "confkit cannot write Google Meet policies (Cloud Identity settings/meet.*); change them in the "
                "Admin console",
                provider=PROVIDER,
                operation=Operation.UPDATE_ACCOUNT_SETTINGS.value,
                reason="not_built",
            )
        config = payload.get(SPACE_CONFIG_OPTION) or {}
        if config:
            provider.update_meeting(resource_id, MeetingUpdate(provider_options={SPACE_CONFIG_OPTION: config}))

    def write_limit(self) -> WriteLimit | None:
        return None  # Meet quotas are per minute (paced by the provider), with no daily cap

    def next_window(self, now: datetime) -> datetime:
        return now


POLICY = GooglePolicy()

__all__ = ["POLICY", "GooglePolicy"]
