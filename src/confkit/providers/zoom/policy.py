"""Zoom's side of the district security policy: neutral controls ⇄ Zoom settings, locks and meetings.

Account level (``GET/PATCH /accounts/me/settings`` and ``lock_settings``, through
:meth:`ZoomProvider.get_account_settings` / ``update_account_settings``), field names from Zoom's
OpenAPI description:

==============================  =======================================================  =========================
control                         account settings                                         lock
==============================  =======================================================  =========================
passcode_required               meeting_security.meeting_password, schedule_meeting.     the same two keys
                                require_password_for_scheduling_new_meetings
passcode_strength               meeting_security.meeting_password_requirement.*          (no lock in the API)
waiting_room                    meeting_security.waiting_room, waiting_room_settings.    meeting_security.
                                participants_to_place_in_waiting_room                    waiting_room
authenticated_only              schedule_meeting.enforce_login, or                       the same, and
                                enforce_login_with_domains + enforce_login_domains       meeting_authentication
join_before_host                schedule_meeting.join_before_host                        the same
mute_on_entry                   schedule_meeting.mute_upon_entry (not in Zoom's spec;    the same, when present
                                used when the tenant returns it)
screen_sharing                  in_meeting.who_can_share_screen(_when_someone_is_...)    in_meeting.screen_sharing
chat_restrictions               in_meeting.private_chat, allow_participants_chat_with    in_meeting.chat,
                                                                                         private_chat
auto_recording                  recording.auto_recording                                 the same
auto_transcription              recording.recording_audio_transcript                     (no lock in the API)
personal_room_for_scheduled     schedule_meeting.use_pmi_for_scheduled_meetings          the same
external_participant_warning    in_meeting.alert_guest_join                              the same
==============================  =======================================================  =========================

Meeting level (``GET/PATCH /meetings/{meetingId}``): ``password``, ``settings.waiting_room``,
``meeting_authentication``, ``join_before_host``, ``mute_upon_entry``, ``auto_recording``,
``use_pmi``. Zoom's meeting list carries no settings, so each meeting is read with one GET (Light).

Prior values are Zoom JSON, restored with the same PATCH calls. A passcode is never stored: the
plan says "generate one of these rules" and :meth:`ZoomPolicy.execute` makes it.
"""

from __future__ import annotations

import copy
import itertools
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from confkit.capabilities import Control
from confkit.errors import UnrepresentableError
from confkit.models import AccountSettings, Meeting, MeetingUpdate, ScreenSharing, WaitingRoom
from confkit.policy.model import (
    AuthenticatedOnlyPolicy,
    AutoRecordingPolicy,
    AutoTranscriptionPolicy,
    ChatAudience,
    ChatRestrictionsPolicy,
    ControlPolicy,
    ExternalWarningPolicy,
    JoinBeforeHostPolicy,
    MuteOnEntryPolicy,
    PasscodeRequiredPolicy,
    PasscodeStrengthPolicy,
    PersonalRoomPolicy,
    ScreenSharingPolicy,
    SecurityPolicy,
    WaitingRoomPolicy,
)
from confkit.policy.plugin import (
    AccountContext,
    Change,
    Check,
    Resource,
    ResourceKind,
    WriteLimit,
    summarize,
)
from confkit.provider import Provider
from confkit.providers.zoom.limits import MEETING_WRITES_PER_HOST_PER_DAY

PROVIDER = "zoom"
MAX_PASSCODE = 10
PASSCODE_SPECIALS = "@-_*"
CHAT_WITH = {ChatAudience.NONE: 1, ChatAudience.HOST: 2, ChatAudience.EVERYONE: 3}
ADAPTER_GAP = (
    "the Zoom adapter does not read the account's {section!r} settings section "
    "(confkit.providers.zoom.provider.SETTINGS_SECTIONS), so confkit can neither check nor set it"
)

Predicate = Callable[[Any], bool]


@dataclass(frozen=True)
class _Want:
    """One account field a control needs: where it is, the value to set, and when it is fine."""

    section: str
    key: str  # dotted below the section, e.g. "waiting_room_settings.participants_to_place_in_waiting_room"
    value: Any
    ok: Predicate | None = None  # default: equality with value

    def satisfied(self, actual: Any) -> bool:
        return self.ok(actual) if self.ok is not None else actual == self.value

    @property
    def path(self) -> str:
        return f"{self.section}.{self.key}"


@dataclass
class _Rule:
    control: Control
    entry: ControlPolicy
    wants: list[_Want] = field(default_factory=list)
    locks: list[tuple[str, str]] = field(default_factory=list)  # (section, key) set to true
    value_gap: str = ""  # why the value cannot be checked/enforced here
    lock_gap: str = ""  # why it cannot be locked here


def _lookup(sections: Mapping[str, Mapping[str, Any]], section: str, dotted: str) -> tuple[bool, Any]:
    node: Any = sections.get(section)
    if node is None:
        return False, None
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return False, None
        node = node[part]
    return True, node


def _put(target: dict[str, dict[str, Any]], section: str, dotted: str, value: Any) -> None:
    node = target.setdefault(section, {})
    parts = dotted.split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = copy.deepcopy(value)


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "unset"
    return repr(value) if isinstance(value, str) else str(value)


def _at_least(minimum: int) -> Predicate:
    return lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= minimum


def _at_most(maximum: int) -> Predicate:
    return lambda v: isinstance(v, int) and not isinstance(v, bool) and v <= maximum


def _one_of(*allowed: Any) -> Predicate:
    return lambda v: v in allowed


def _same_domains(wanted: set[str]) -> Predicate:
    return lambda v: _domains(v) == wanted


def _domains(text: Any) -> set[str]:
    if not isinstance(text, str):
        return set()
    return {d.strip().lower() for d in text.replace(";", ",").split(",") if d.strip()}


class ZoomPolicy:
    """The :class:`~confkit.policy.plugin.ProviderPolicy` of Zoom."""

    provider = PROVIDER

    # -- account level --------------------------------------------------------------------------------

    def _rules(self, policy: SecurityPolicy, settings: AccountSettings) -> list[_Rule]:
        rules: list[_Rule] = []
        for control, entry in policy.entries():
            rule = _Rule(control, entry)
            if isinstance(entry, PasscodeRequiredPolicy):
                if entry.required:
                    rule.wants += [
                        _Want("meeting_security", "meeting_password", True),
                        _Want("schedule_meeting", "require_password_for_scheduling_new_meetings", True),
                    ]
                    rule.locks += [
                        ("meeting_security", "meeting_password"),
                        ("schedule_meeting", "require_password_for_scheduling_new_meetings"),
                    ]
            elif isinstance(entry, PasscodeStrengthPolicy):
                base = "meeting_password_requirement"
                if entry.min_length > MAX_PASSCODE:
                    rule.value_gap = (
                        f"Zoom passcodes are at most {MAX_PASSCODE} characters; the policy asks {entry.min_length}"
                    )
                else:
                    rule.wants.append(
                        _Want(
                            "meeting_security",
                            f"{base}.length",
                            entry.min_length,
                            _at_least(entry.min_length),
                        )
                    )
                flags = (
                    ("have_letter", entry.require_letter),
                    ("have_number", entry.require_number),
                    ("have_special_character", entry.require_special),
                    ("have_upper_and_lower_characters", entry.require_mixed_case),
                )
                rule.wants += [_Want("meeting_security", f"{base}.{key}", True) for key, on in flags if on]
                if entry.require_letter or entry.require_mixed_case:
                    rule.wants.append(_Want("meeting_security", f"{base}.only_allow_numeric", False))
            elif isinstance(entry, WaitingRoomPolicy):
                if entry.who is not WaitingRoom.OFF:
                    place = 0 if entry.who is WaitingRoom.EVERYONE else 1
                    rule.wants += [
                        _Want("meeting_security", "waiting_room", True),
                        _Want(
                            "meeting_security",
                            "waiting_room_settings.participants_to_place_in_waiting_room",
                            place,
                            _one_of(0) if place == 0 else _one_of(0, 1, 2),
                        ),
                    ]
                    rule.locks.append(("meeting_security", "waiting_room"))
            elif isinstance(entry, AuthenticatedOnlyPolicy):
                if entry.required:
                    if entry.allowed_domains:
                        wanted = set(entry.allowed_domains)
                        rule.wants += [
                            _Want("schedule_meeting", "enforce_login_with_domains", True),
                            _Want(
                                "schedule_meeting",
                                "enforce_login_domains",
                                ",".join(entry.allowed_domains),
                                _same_domains(wanted),
                            ),
                        ]
                        rule.locks += [("schedule_meeting", "enforce_login_with_domains")]
                    else:
                        rule.wants.append(_Want("schedule_meeting", "enforce_login", True))
                        rule.locks.append(("schedule_meeting", "enforce_login"))
                    rule.locks.append(("schedule_meeting", "meeting_authentication"))
            elif isinstance(entry, JoinBeforeHostPolicy):
                if not entry.allowed:
                    rule.wants.append(_Want("schedule_meeting", "join_before_host", False))
                    rule.locks.append(("schedule_meeting", "join_before_host"))
            elif isinstance(entry, MuteOnEntryPolicy):
                if entry.required:
                    present, _ = _lookup(settings.sections, "schedule_meeting", "mute_upon_entry")
                    if present:
                        rule.wants.append(_Want("schedule_meeting", "mute_upon_entry", True))
                    else:
                        rule.value_gap = (
                            "this Zoom account returns no account-wide mute-on-entry default "
                            "(schedule_meeting.mute_upon_entry is not in Zoom's account settings API); "
                            "confkit enforces it on each meeting (settings.mute_upon_entry)"
                        )
                    lock_present, _ = _lookup(settings.locks, "schedule_meeting", "mute_upon_entry")
                    if lock_present:
                        rule.locks.append(("schedule_meeting", "mute_upon_entry"))
                    else:
                        rule.lock_gap = (
                            "Zoom's account lock settings have no mute-on-entry lock "
                            "(only group lock settings do); hosts can turn it off per meeting"
                        )
            elif isinstance(entry, ScreenSharingPolicy):
                if entry.who is ScreenSharing.HOST_ONLY:
                    rule.wants += [
                        _Want("in_meeting", "who_can_share_screen", "host"),
                        _Want("in_meeting", "who_can_share_screen_when_someone_is_sharing", "host"),
                    ]
                    rule.locks.append(("in_meeting", "screen_sharing"))
            elif isinstance(entry, ChatRestrictionsPolicy):
                limit = CHAT_WITH[entry.participants_chat_with]
                if entry.private_chat and entry.participants_chat_with is ChatAudience.EVERYONE:
                    limit = 4
                rule.wants.append(
                    _Want(
                        "in_meeting",
                        "allow_participants_chat_with",
                        limit,
                        _at_most(limit),
                    )
                )
                if not entry.private_chat:
                    rule.wants.append(_Want("in_meeting", "private_chat", False))
                rule.locks += [("in_meeting", "chat"), ("in_meeting", "private_chat")]
            elif isinstance(entry, AutoRecordingPolicy):
                rule.wants.append(_Want("recording", "auto_recording", entry.mode.value))
                rule.locks.append(("recording", "auto_recording"))
            elif isinstance(entry, AutoTranscriptionPolicy):
                if not entry.allowed:
                    rule.wants.append(_Want("recording", "recording_audio_transcript", False))
                    rule.lock_gap = "Zoom's lock settings have no lock for recording_audio_transcript"
            elif isinstance(entry, PersonalRoomPolicy) and not entry.allowed:
                rule.wants.append(_Want("schedule_meeting", "use_pmi_for_scheduled_meetings", False))
                rule.locks.append(("schedule_meeting", "use_pmi_for_scheduled_meetings"))
            elif isinstance(entry, ExternalWarningPolicy) and entry.required:
                rule.wants.append(_Want("in_meeting", "alert_guest_join", True))
                rule.locks.append(("in_meeting", "alert_guest_join"))
            # A section the adapter does not read cannot be checked or set.
            for section in sorted({w.section for w in rule.wants} | {s for s, _ in rule.locks}):
                if section not in settings.sections:
                    gap = ADAPTER_GAP.format(section=section)
                    rule.wants = [w for w in rule.wants if w.section != section]
                    rule.locks = [lk for lk in rule.locks if lk[0] != section]
                    rule.value_gap = rule.value_gap or gap
                    rule.lock_gap = rule.lock_gap or gap
            rules.append(rule)
        return rules

    def audit_account(self, settings: AccountSettings, policy: SecurityPolicy) -> list[Check]:
        checks: list[Check] = []
        for rule in self._rules(policy, settings):
            expected = rule.entry.expected()
            if rule.value_gap:
                checks.append(
                    Check(
                        rule.control,
                        False,
                        expected,
                        "cannot be checked",
                        "value",
                        (),
                        enforceable=False,
                        remediation=rule.value_gap,
                    )
                )
            if rule.wants:
                wrong: list[str] = []
                for want in rule.wants:
                    present, actual = _lookup(settings.sections, want.section, want.key)
                    if not present:
                        wrong.append(f"{want.path} not returned")
                    elif not want.satisfied(actual):
                        wrong.append(f"{want.path}={_show(actual)}")
                fields = tuple(w.path for w in rule.wants)
                checks.append(
                    Check(
                        rule.control,
                        not wrong,
                        expected,
                        "; ".join(wrong) or "as expected",
                        "value",
                        fields,
                        remediation="set " + ", ".join(f"{w.path}={_show(w.value)}" for w in rule.wants),
                    )
                )
            if rule.entry.lock:
                if rule.lock_gap and not rule.locks:
                    checks.append(
                        Check(
                            rule.control,
                            False,
                            "locked",
                            "cannot be locked",
                            "lock",
                            (),
                            enforceable=False,
                            remediation=rule.lock_gap,
                        )
                    )
                elif rule.locks:
                    unlocked = [f"{s}.{k}" for s, k in rule.locks if _lookup(settings.locks, s, k)[1] is not True]
                    checks.append(
                        Check(
                            rule.control,
                            not unlocked,
                            "locked",
                            "not locked: " + ", ".join(unlocked) if unlocked else "locked",
                            "lock",
                            tuple(f"lock_settings.{s}.{k}" for s, k in rule.locks),
                            remediation="lock " + ", ".join(f"{s}.{k}" for s, k in rule.locks),
                        )
                    )
                    if rule.lock_gap:
                        checks.append(
                            Check(
                                rule.control,
                                False,
                                "locked",
                                "cannot be locked",
                                "lock",
                                (),
                                enforceable=False,
                                remediation=rule.lock_gap,
                            )
                        )
        return checks

    def plan_account(self, settings: AccountSettings, policy: SecurityPolicy) -> Change | None:
        forward: dict[str, dict[str, Any]] = {}
        prior: dict[str, dict[str, Any]] = {}
        lock_forward: dict[str, dict[str, Any]] = {}
        lock_prior: dict[str, dict[str, Any]] = {}
        lines: list[tuple[str, Any, Any]] = []
        controls: list[Control] = []
        for rule in self._rules(policy, settings):
            touched = False
            for want in rule.wants:
                present, actual = _lookup(settings.sections, want.section, want.key)
                if present and want.satisfied(actual):
                    continue
                if not present:
                    continue  # never add a key the account does not have: a rollback could not remove it
                _put(forward, want.section, want.key, want.value)
                _put(prior, want.section, want.key, actual)
                lines.append((want.path, actual, want.value))
                touched = True
            if rule.entry.lock:
                for section, key in rule.locks:
                    present, actual = _lookup(settings.locks, section, key)
                    if not present or actual is True:
                        continue
                    _put(lock_forward, section, key, True)
                    _put(lock_prior, section, key, actual)
                    lines.append((f"lock_settings.{section}.{key}", actual, True))
                    touched = True
            if touched:
                controls.append(rule.control)
        if not lines:
            return None
        return Change(
            resource=Resource.account(),
            controls=tuple(controls),
            summary=summarize(lines),
            forward={"settings": forward, "locks": lock_forward},
            prior={"settings": prior, "locks": lock_prior},
        )

    # -- meeting level ------------------------------------------------------------------------------

    def _meeting_wants(self, meeting: Meeting, policy: SecurityPolicy) -> list[tuple[Control, str, Any, Any]]:
        """(control, settings key or "password", current value, wanted value) for each meeting rule."""
        raw = meeting.raw or {}
        settings: Mapping[str, Any] = raw.get("settings") or {}
        out: list[tuple[Control, str, Any, Any]] = []
        for control, entry in policy.entries():
            if isinstance(entry, PasscodeRequiredPolicy) and entry.required:
                out.append((control, "password", bool(raw.get("password")), True))
            elif isinstance(entry, WaitingRoomPolicy) and entry.who is not WaitingRoom.OFF:
                out.append((control, "waiting_room", settings.get("waiting_room"), True))
            elif isinstance(entry, AuthenticatedOnlyPolicy) and entry.required:
                out.append((control, "meeting_authentication", settings.get("meeting_authentication"), True))
            elif isinstance(entry, JoinBeforeHostPolicy) and not entry.allowed:
                out.append((control, "join_before_host", settings.get("join_before_host"), False))
            elif isinstance(entry, MuteOnEntryPolicy) and entry.required:
                out.append((control, "mute_upon_entry", settings.get("mute_upon_entry"), True))
            elif isinstance(entry, AutoRecordingPolicy):
                out.append((control, "auto_recording", settings.get("auto_recording"), entry.mode.value))
            elif isinstance(entry, PersonalRoomPolicy) and not entry.allowed:
                out.append((control, "use_pmi", settings.get("use_pmi"), False))
        return out

    def audit_meeting(self, meeting: Meeting, policy: SecurityPolicy, account: AccountContext) -> list[Check]:
        checks: list[Check] = []
        for control, key, actual, wanted in self._meeting_wants(meeting, policy):
            entry = policy.get(control)
            assert entry is not None
            if key == "password":
                checks.append(
                    Check(
                        control,
                        bool(actual),
                        entry.expected(),
                        "passcode set" if actual else "no passcode",
                        "value",
                        ("meeting.password",),
                        remediation="set a passcode on the meeting",
                    )
                )
                continue
            checks.append(
                Check(
                    control,
                    actual == wanted,
                    entry.expected(),
                    f"settings.{key}={_show(actual)}",
                    "value",
                    (f"meeting.settings.{key}",),
                    remediation=f"set settings.{key}={_show(wanted)} on the meeting",
                )
            )
        return checks

    def plan_meeting(self, meeting: Meeting, policy: SecurityPolicy, account: AccountContext) -> Change | None:
        raw = meeting.raw or {}
        current: Mapping[str, Any] = raw.get("settings") or {}
        body: dict[str, Any] = {}
        prior: dict[str, Any] = {}
        lines: list[tuple[str, Any, Any]] = []
        controls: list[Control] = []
        generate: dict[str, Any] | None = None
        for control, key, actual, wanted in self._meeting_wants(meeting, policy):
            if actual == wanted:
                continue
            controls.append(control)
            if key == "password":
                generate = self._passcode_rules(policy, account)
                prior["password"] = ""  # no passcode: Zoom removes it on an empty passcode
                lines.append(("password", "(none)", f"generated, {generate['length']} characters"))
                continue
            body.setdefault("settings", {})[key] = wanted
            prior.setdefault("settings", {})[key] = actual if actual is not None else _ZOOM_DEFAULTS.get(key)
            lines.append((f"settings.{key}", actual, wanted))
            if key == "waiting_room" and wanted is True and current.get("join_before_host") is not False:
                # Zoom turns join-before-host off with a waiting room: make it explicit, and restorable.
                body["settings"]["join_before_host"] = False
                prior["settings"].setdefault("join_before_host", current.get("join_before_host", False))
        if not controls:
            return None
        forward: dict[str, Any] = {"body": body}
        if generate is not None:
            forward["generate_passcode"] = generate
        return Change(
            resource=Resource.of(meeting),
            controls=tuple(dict.fromkeys(controls)),
            summary=summarize(lines),
            forward=forward,
            prior={"body": prior},
        )

    def _passcode_rules(self, policy: SecurityPolicy, account: AccountContext) -> dict[str, Any]:
        strength = policy.get(Control.PASSCODE_STRENGTH)
        rules: dict[str, Any] = {"length": 6, "letter": True, "number": True, "special": False, "mixed": False}
        if isinstance(strength, PasscodeStrengthPolicy):
            rules |= {
                "length": max(rules["length"], strength.min_length),
                "letter": strength.require_letter or rules["letter"],
                "number": strength.require_number or rules["number"],
                "special": strength.require_special,
                "mixed": strength.require_mixed_case,
            }
        if account.settings is not None:
            present, zoom_rules = _lookup(account.settings.sections, "meeting_security", "meeting_password_requirement")
            if present and isinstance(zoom_rules, Mapping):
                rules["length"] = max(rules["length"], int(zoom_rules.get("length") or 0))
                rules["special"] = rules["special"] or bool(zoom_rules.get("have_special_character"))
                rules["mixed"] = rules["mixed"] or bool(zoom_rules.get("have_upper_and_lower_characters"))
        rules["length"] = min(MAX_PASSCODE, rules["length"])
        return rules

    def meeting_detail(self, provider: Provider, listed: Meeting) -> Meeting:
        return provider.get_meeting(listed.id)

    # -- writes --------------------------------------------------------------------------------------

    def execute(self, provider: Provider, kind: ResourceKind, resource_id: str, payload: dict[str, Any]) -> None:
        if kind == "account":
            sections = {k: v for k, v in (payload.get("settings") or {}).items() if v}
            locks = {k: v for k, v in (payload.get("locks") or {}).items() if v}
            if sections or locks:
                provider.update_account_settings(sections, locks=locks or None)
            return
        body = copy.deepcopy(payload.get("body") or {})
        rules = payload.get("generate_passcode")
        if rules:
            body["password"] = generate_passcode(rules)
        if body:
            provider.update_meeting(resource_id, MeetingUpdate(provider_options=body))

    def write_limit(self) -> WriteLimit | None:
        return WriteLimit(
            MEETING_WRITES_PER_HOST_PER_DAY,
            f"Zoom allows {MEETING_WRITES_PER_HOST_PER_DAY} meeting creates/updates per host per day (UTC)",
        )

    def next_window(self, now: datetime) -> datetime:
        utc = now.astimezone(UTC)
        return datetime.combine(utc.date() + timedelta(days=1), datetime.min.time(), tzinfo=UTC)


#: Zoom's documented defaults of meeting settings (used as the prior value of a key Zoom did not return).
_ZOOM_DEFAULTS: dict[str, Any] = {
    "waiting_room": False,
    "join_before_host": False,
    "mute_upon_entry": False,
    "auto_recording": "none",
    "use_pmi": False,
    "meeting_authentication": False,
}


def generate_passcode(rules: Mapping[str, Any]) -> str:
    """A random Zoom passcode (``A-Z a-z 0-9 @ - _ *``, at most 10) meeting ``rules``.

    ``rules``: ``length``, ``letter``, ``number``, ``special``, ``mixed``. No runs of four or more
    consecutive or repeated characters (Zoom's weak-passcode detection refuses those).
    """
    length = int(rules.get("length", 8))
    if not 1 <= length <= MAX_PASSCODE:
        raise UnrepresentableError(f"Zoom passcodes are 1-{MAX_PASSCODE} characters, not {length}", provider=PROVIDER)
    lower, upper, digits = "abcdefghjkmnpqrstuvwxyz", "ABCDEFGHJKLMNPQRSTUVWXYZ", "23456789"
    alphabet = (
        lower + digits + (upper if rules.get("mixed") else "") + (PASSCODE_SPECIALS if rules.get("special") else "")
    )
    required = [lower] if rules.get("letter") or rules.get("mixed") else []
    required += [digits] if rules.get("number") else []
    required += [upper] if rules.get("mixed") else []
    required += [PASSCODE_SPECIALS] if rules.get("special") else []
    if len(required) > length:
        raise UnrepresentableError(f"a {length}-character passcode cannot hold every required class", provider=PROVIDER)
    while True:
        chars = [secrets.choice(group) for group in required]
        chars += [secrets.choice(alphabet) for _ in range(length - len(chars))]
        for i in range(len(chars) - 1, 0, -1):
            j = secrets.randbelow(i + 1)
            chars[i], chars[j] = chars[j], chars[i]
        candidate = "".join(chars)
        if not _weak(candidate):
            return candidate


def _weak(passcode: str) -> bool:
    """Four or more characters in a row that repeat (``aaaa``) or count up or down (``1234``, ``dcba``)."""
    run, last = 1, None
    for a, b in itertools.pairwise(passcode):
        step = ord(b) - ord(a)
        run = run + 1 if step in (-1, 0, 1) and step == last else 2
        last = step
        if run >= 4:
            return True
    return False


POLICY = ZoomPolicy()

__all__ = ["POLICY", "ZoomPolicy", "generate_passcode"]
