"""Webex's side of the district security policy: neutral controls ⇄ site ``commonSettings`` and meetings.

Site level (``GET/PATCH /admin/meeting/config/commonSettings``, through
:meth:`WebexProvider.get_account_settings` / ``update_account_settings``, section ``commonSettings``),
field names from Cisco's OpenAPI files:

==============================  =================================================================
control                         site setting (``securityOptions.*``)
==============================  =================================================================
passcode_required               none needed: every Webex meeting has a password (always compliant)
passcode_strength               ``requireStrongPassword``, ``passwordCriteria.minLength`` (at most
                                12), ``minAlpha``, ``minNumeric``, ``minSpecial``, ``mixedCase``
waiting_room                    no API for the site's lobby and automatic-lock defaults: reported
                                ``enforceable=False`` with the Control Hub path
authenticated_only              ``requireLoginBeforeAccess`` (accounts on the site only); an allow-list
                                of email domains does not exist: reported ``enforceable=False``
join_before_host                ``joinBeforeHost`` and ``audioBeforeHost`` (which needs it)
==============================  =================================================================

Webex has no setting locks, so every lock the policy asks for is reported by the engine from the
capability matrix (``lockable=False``); this module checks values only. Controls the matrix declares
``none`` (automatic transcription, external-participant warning and "Block external meetings") never
reach it.

Meeting level (``PATCH /meetings/{meetingId}`` through ``update_meeting(provider_options=...)``):

==============================  =================================================================
control                         meeting fields
==============================  =================================================================
passcode_required               ``password``: always set by Webex, so always compliant; nothing to fix
waiting_room                    ``unlockedMeetingJoinSecurity`` (``allowJoinWithLobby`` or the stricter
                                ``blockFromJoin``) and, for everyone, ``enableAutomaticLock=true`` with
                                ``automaticLockMinutes=0``
join_before_host                ``enabledJoinBeforeHost`` (and ``enableConnectAudioBeforeHost``, which
                                Webex refuses without it)
mute_on_entry                   ``audioConnectionOptions.muteAttendeeUponEntry``
screen_sharing                  ``attendeePrivileges.enabledShareContent``
chat_restrictions               ``attendeePrivileges.enabledChatOtherParticipants`` (private chat
                                between attendees), ``meetingOptions.enabledChat`` (all chat)
auto_recording                  ``enabledAutoRecordMeeting`` (cloud only)
personal_room_for_scheduled     ``scheduledType`` (``personalRoomMeeting`` cannot be changed by PATCH:
                                reported ``enforceable=False``)
==============================  =================================================================

Webex's list answers carry every meeting setting, so no meeting is read twice. Prior values are the
Webex JSON of exactly the fields a change writes, restored with the same PATCH calls; a site change
that switched ``requireStrongPassword`` on is undone in two PATCHes (password rules first, while
Webex still accepts them). Nothing is written that a rollback could not restore: a field Webex did not
return is reported, never added. Webex documents no daily limit on meeting *updates* (its 100 creates
per user per 24 h do not apply to PATCH), so :meth:`WebexPolicy.write_limit` is ``None``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from confkit.capabilities import Control
from confkit.models import AccountSettings, AutoRecording, Meeting, MeetingUpdate, ScreenSharing, WaitingRoom
from confkit.policy.model import (
    AuthenticatedOnlyPolicy,
    AutoRecordingPolicy,
    ChatAudience,
    ChatRestrictionsPolicy,
    ControlPolicy,
    JoinBeforeHostPolicy,
    MuteOnEntryPolicy,
    PasscodeRequiredPolicy,
    PasscodeStrengthPolicy,
    PersonalRoomPolicy,
    ScreenSharingPolicy,
    SecurityPolicy,
    WaitingRoomPolicy,
)
from confkit.policy.plugin import AccountContext, Change, Check, Resource, ResourceKind, WriteLimit, summarize
from confkit.provider import Provider
from confkit.providers.webex.capabilities import CONTROL_HUB_SITE_SECURITY
from confkit.providers.webex.mapping import PASSWORD_CRITERIA_MAX
from confkit.providers.webex.provider import SETTINGS_SECTION

PROVIDER = "webex"
#: Webex's only documented daily quota (meeting creates) counts over a rolling 24 hours.
QUOTA_WINDOW = timedelta(hours=24)
LOBBIES = ("allowJoinWithLobby", "blockFromJoin")  # people not on the invite cannot walk in
ALWAYS_A_PASSWORD = "Webex gives every meeting a password (generated when none is set); it cannot be turned off"

Predicate = Callable[[Any], bool]


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "not returned"
    return repr(value) if isinstance(value, str) else str(value)


def _lookup(node: Any, dotted: str) -> tuple[bool, Any]:
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return False, None
        node = node[part]
    return True, node


def _put(target: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    for part in parts[:-1]:
        target = target.setdefault(part, {})
    target[parts[-1]] = copy.deepcopy(value)


def _at_least(minimum: int) -> Predicate:
    return lambda v: isinstance(v, int | float) and not isinstance(v, bool) and v >= minimum


def _one_of(*allowed: Any) -> Predicate:
    return lambda v: v in allowed


@dataclass(frozen=True)
class _Want:
    """One field a control needs: where it is (dotted), the value to set, and when it is fine as it is."""

    key: str
    value: Any
    ok: Predicate | None = None  # default: equality with value

    def satisfied(self, actual: Any) -> bool:
        return self.ok(actual) if self.ok is not None else actual == self.value


@dataclass(frozen=True)
class _Gap:
    """Something a control asks that Webex cannot check or change through its API."""

    actual: str
    remediation: str
    fields: tuple[str, ...] = ()


@dataclass
class _Rule:
    control: Control
    entry: ControlPolicy
    wants: list[_Want] = field(default_factory=list)
    gaps: list[_Gap] = field(default_factory=list)
    note: str = ""  # a compliant check with this text (Webex does it by itself)


def _checks(rule: _Rule, node: Any, prefix: str, what: str) -> list[Check]:
    """The checks of one rule against ``node`` (site commonSettings or a meeting's JSON)."""
    expected = rule.entry.expected()
    out: list[Check] = []
    if rule.note:
        out.append(Check(rule.control, True, expected, rule.note, "value", ()))
    for gap in rule.gaps:
        out.append(Check(rule.control, False, expected, gap.actual, "value", gap.fields, False, gap.remediation))
    present = [(w, _lookup(node, w.key)) for w in rule.wants]
    missing = [w for w, (found, _) in present if not found]
    if missing:
        setting = ", ".join(f"{prefix}{w.key}={_show(w.value)}" for w in missing)
        out.append(
            Check(
                rule.control,
                False,
                expected,
                "not returned by Webex: " + ", ".join(f"{prefix}{w.key}" for w in missing),
                "value",
                tuple(f"{prefix}{w.key}" for w in missing),
                False,
                f"confkit does not add a {what} setting it could not restore; check {setting} by hand",
            )
        )
    returned = [(w, actual) for w, (found, actual) in present if found]
    if returned:
        wrong = [f"{prefix}{w.key}={_show(actual)}" for w, actual in returned if not w.satisfied(actual)]
        out.append(
            Check(
                rule.control,
                not wrong,
                expected,
                "; ".join(wrong) or "as expected",
                "value",
                tuple(f"{prefix}{w.key}" for w, _ in returned),
                remediation="set " + ", ".join(f"{prefix}{w.key}={_show(w.value)}" for w, _ in returned),
            )
        )
    return out


@dataclass
class _Plan:
    """Fields to write with their prior values, and the summary lines."""

    forward: dict[str, Any] = field(default_factory=dict)
    prior: dict[str, Any] = field(default_factory=dict)
    lines: list[tuple[str, Any, Any]] = field(default_factory=list)
    controls: list[Control] = field(default_factory=list)

    def add(self, rules: list[_Rule], node: Any, prefix: str) -> None:
        for rule in rules:
            touched = False
            for want in rule.wants:
                present, actual = _lookup(node, want.key)
                if not present or want.satisfied(actual):
                    continue  # never add a field Webex did not return: a rollback could not remove it
                _put(self.forward, want.key, want.value)
                _put(self.prior, want.key, actual)
                self.lines.append((f"{prefix}{want.key}", actual, want.value))
                touched = True
            if touched:
                self.controls.append(rule.control)


class WebexPolicy:
    """The :class:`~confkit.policy.plugin.ProviderPolicy` of Webex."""

    provider = PROVIDER

    # -- site level ---------------------------------------------------------------------------------

    def _site_rules(self, policy: SecurityPolicy) -> list[_Rule]:
        rules: list[_Rule] = []
        for control, entry in policy.entries():
            rule = _Rule(control, entry)
            if isinstance(entry, PasscodeRequiredPolicy):
                rule.note = ALWAYS_A_PASSWORD
            elif isinstance(entry, PasscodeStrengthPolicy):
                base = "securityOptions.passwordCriteria"
                rule.wants.append(_Want("securityOptions.requireStrongPassword", True))
                if entry.min_length > PASSWORD_CRITERIA_MAX:
                    rule.gaps.append(
                        _Gap(
                            f"Webex password rules go up to {PASSWORD_CRITERIA_MAX} characters; the policy asks "
                            f"{entry.min_length}",
                            f"require {PASSWORD_CRITERIA_MAX} (the most Webex allows) and accept the difference",
                            (f"{base}.minLength",),
                        )
                    )
                else:
                    rule.wants.append(_Want(f"{base}.minLength", entry.min_length, _at_least(entry.min_length)))
                minimums = (
                    ("minAlpha", entry.require_letter),
                    ("minNumeric", entry.require_number),
                    ("minSpecial", entry.require_special),
                )
                rule.wants += [_Want(f"{base}.{key}", 1, _at_least(1)) for key, on in minimums if on]
                if entry.require_mixed_case:
                    rule.wants.append(_Want(f"{base}.mixedCase", True))
            elif isinstance(entry, WaitingRoomPolicy) and entry.who is not WaitingRoom.OFF:
                lock = (
                    "; meetings lock automatically 0 minutes after they start; when a meeting is locked, "
                    "everyone waits in the lobby"
                    if entry.who is WaitingRoom.EVERYONE
                    else ""
                )
                rule.gaps.append(
                    _Gap(
                        "the site's default lobby and automatic lock cannot be read or set: Webex has no API for "
                        "them (confkit sets them on each meeting instead)",
                        f"in {CONTROL_HUB_SITE_SECURITY}: when a meeting is unlocked, guests wait in the lobby "
                        f"until the host admits them{lock}",
                        ("Control Hub site security: unlocked meetings", "Control Hub site security: automatic lock"),
                    )
                )
            elif isinstance(entry, AuthenticatedOnlyPolicy) and entry.required:
                rule.wants.append(_Want("securityOptions.requireLoginBeforeAccess", True))
                if entry.allowed_domains:
                    rule.gaps.append(
                        _Gap(
                            "Webex cannot limit joining to email domains; requireLoginBeforeAccess admits every "
                            "account on the site",
                            "give site accounts only to people of " + ", ".join(entry.allowed_domains),
                            ("securityOptions.requireLoginBeforeAccess",),
                        )
                    )
            elif isinstance(entry, JoinBeforeHostPolicy) and not entry.allowed:
                rule.wants += [
                    _Want("securityOptions.joinBeforeHost", False),
                    _Want("securityOptions.audioBeforeHost", False),  # Webex refuses it without joinBeforeHost
                ]
            rules.append(rule)
        return rules

    def audit_account(self, settings: AccountSettings, policy: SecurityPolicy) -> list[Check]:
        site = settings.sections.get(SETTINGS_SECTION) or {}
        return [c for rule in self._site_rules(policy) for c in _checks(rule, site, "", "site")]

    def plan_account(self, settings: AccountSettings, policy: SecurityPolicy) -> Change | None:
        site = settings.sections.get(SETTINGS_SECTION) or {}
        todo = _Plan()
        todo.add(self._site_rules(policy), site, "")
        if not todo.lines:
            return None
        return Change(
            resource=Resource.account(),
            controls=tuple(todo.controls),
            summary=summarize(todo.lines),
            forward={"patches": [todo.forward]},
            prior={"patches": _site_prior_patches(todo.prior)},
        )

    # -- meeting level ---------------------------------------------------------------------------------

    def _meeting_rules(self, meeting: Meeting, policy: SecurityPolicy) -> list[_Rule]:
        raw = meeting.raw or {}
        rules: list[_Rule] = []
        for control, entry in policy.entries():
            rule = _Rule(control, entry)
            if isinstance(entry, PasscodeRequiredPolicy):
                rule.note = "password set" if raw.get("password") else ALWAYS_A_PASSWORD
            elif isinstance(entry, WaitingRoomPolicy) and entry.who is not WaitingRoom.OFF:
                rule.wants.append(_Want("unlockedMeetingJoinSecurity", "allowJoinWithLobby", _one_of(*LOBBIES)))
                if entry.who is WaitingRoom.EVERYONE:
                    rule.wants += [_Want("enableAutomaticLock", True), _Want("automaticLockMinutes", 0)]
            elif isinstance(entry, JoinBeforeHostPolicy) and not entry.allowed:
                rule.wants.append(_Want("enabledJoinBeforeHost", False))
                if raw.get("enableConnectAudioBeforeHost") is True:
                    rule.wants.append(_Want("enableConnectAudioBeforeHost", False))  # needs join before host
            elif isinstance(entry, MuteOnEntryPolicy) and entry.required:
                rule.wants.append(_Want("audioConnectionOptions.muteAttendeeUponEntry", True))
            elif isinstance(entry, ScreenSharingPolicy) and entry.who is ScreenSharing.HOST_ONLY:
                rule.wants.append(_Want("attendeePrivileges.enabledShareContent", False))
            elif isinstance(entry, ChatRestrictionsPolicy):
                if entry.participants_chat_with is ChatAudience.NONE:
                    rule.wants.append(_Want("meetingOptions.enabledChat", False))
                elif not entry.private_chat or entry.participants_chat_with is ChatAudience.HOST:
                    rule.wants.append(_Want("attendeePrivileges.enabledChatOtherParticipants", False))
                if entry.participants_chat_with is ChatAudience.HOST:
                    rule.gaps.append(
                        _Gap(
                            "Webex cannot limit chat to the host: meetingOptions.enabledChat turns all chat off",
                            "turn chat off (participants_chat_with = 'none') or accept public chat",
                            ("meeting.meetingOptions.enabledChat",),
                        )
                    )
            elif isinstance(entry, AutoRecordingPolicy):
                if entry.mode is AutoRecording.LOCAL:
                    rule.gaps.append(
                        _Gap(
                            "Webex records automatically to the cloud only",
                            "use mode = 'cloud' or 'none' for Webex",
                            ("meeting.enabledAutoRecordMeeting",),
                        )
                    )
                else:
                    rule.wants.append(_Want("enabledAutoRecordMeeting", entry.mode is AutoRecording.CLOUD))
            elif isinstance(entry, PersonalRoomPolicy) and not entry.allowed:
                if raw.get("scheduledType") == "personalRoomMeeting":
                    rule.gaps.append(
                        _Gap(
                            "scheduled in the host's personal room (scheduledType=personalRoomMeeting)",
                            "Webex cannot move a meeting out of a personal room (scheduledType is not updatable): "
                            "the host reschedules it as a regular meeting",
                            ("meeting.scheduledType",),
                        )
                    )
                else:
                    rule.note = f"scheduledType={_show(raw.get('scheduledType'))}"
            if rule.note or rule.wants or rule.gaps:
                rules.append(rule)
        return rules

    def audit_meeting(self, meeting: Meeting, policy: SecurityPolicy, account: AccountContext) -> list[Check]:
        raw = meeting.raw or {}
        return [c for rule in self._meeting_rules(meeting, policy) for c in _checks(rule, raw, "meeting.", "meeting")]

    def plan_meeting(self, meeting: Meeting, policy: SecurityPolicy, account: AccountContext) -> Change | None:
        todo = _Plan()
        todo.add(self._meeting_rules(meeting, policy), meeting.raw or {}, "")
        if not todo.lines:
            return None
        return Change(
            resource=Resource.of(meeting),
            controls=tuple(todo.controls),
            summary=summarize(todo.lines),
            forward={"body": todo.forward},
            prior={"body": todo.prior},
        )

    def meeting_detail(self, provider: Provider, listed: Meeting) -> Meeting:
        return listed  # GET /meetings items carry every setting checked here: no second read

    # -- writes --------------------------------------------------------------------------------------

    def execute(self, provider: Provider, kind: ResourceKind, resource_id: str, payload: dict[str, Any]) -> None:
        if kind == "account":
            for patch in payload.get("patches") or []:
                if patch:
                    provider.update_account_settings({SETTINGS_SECTION: copy.deepcopy(patch)})
            return
        body = copy.deepcopy(payload.get("body") or {})
        if body:
            provider.update_meeting(resource_id, MeetingUpdate(provider_options=body))

    def write_limit(self) -> WriteLimit | None:
        return None  # documented: 100 meeting *creates* per user per 24 h; nothing for updates (PATCH)

    def next_window(self, now: datetime) -> datetime:
        return now + QUOTA_WINDOW


def _site_prior_patches(prior: dict[str, Any]) -> list[dict[str, Any]]:
    """The PATCHes that restore ``prior``: password rules before ``requireStrongPassword`` is switched
    back off (Webex accepts passwordCriteria only while requireStrongPassword is true)."""
    security = prior.get("securityOptions") or {}
    if security.get("requireStrongPassword") is not False or "passwordCriteria" not in security:
        return [prior]
    first = copy.deepcopy(prior)
    del first["securityOptions"]["requireStrongPassword"]
    return [first, {"securityOptions": {"requireStrongPassword": False}}]


POLICY = WebexPolicy()

__all__ = ["POLICY", "WebexPolicy"]
