"""The neutral district security policy: one model, every platform.

A :class:`SecurityPolicy` has one optional entry per :class:`~confkit.capabilities.Control`. An
absent entry means "this policy does not govern that control" (the audit says nothing about it).
Every entry carries, besides its value:

* ``lock`` - also lock the setting so hosts cannot loosen it, where the platform has locks;
* ``severity`` - how bad a deviation is (critical, high, medium, low, info);
* ``cis_zoom`` / ``cisa_gws_meet`` - the baseline ids it corresponds to, and ``refs_note`` to say
  why there is none (an empty list never silently means "we did not look").
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from confkit.capabilities import Control
from confkit.models import AutoRecording, ScreenSharing, WaitingRoom


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


class ChatAudience(StrEnum):
    """Whom participants may chat with in a meeting (Zoom ``allow_participants_chat_with``)."""

    NONE = "none"  # chat off for participants
    HOST = "host"  # host and co-hosts only
    EVERYONE = "everyone"  # everyone, publicly


CisId = Annotated[str, StringConstraints(pattern=r"^\d+(\.\d+)+$")]
GwsMeetId = Annotated[str, StringConstraints(pattern=r"^GWS\.MEET\.\d+\.\d+v\d+$")]
Domain = Annotated[
    str,
    BeforeValidator(lambda v: v.strip().lower() if isinstance(v, str) else v),
    StringConstraints(max_length=253, pattern=r"^([a-z0-9-]{1,63}\.)+[a-z]{2,63}$"),
]


class ControlPolicy(_Strict):
    """What every control entry has besides its value."""

    control: ClassVar[Control]
    default_severity: ClassVar[Severity] = Severity.MEDIUM

    lock: bool = Field(False, description="Also lock it so hosts cannot loosen it (where the platform has locks).")
    severity: Severity | None = Field(None, description="Severity of a deviation; default per control.")
    cis_zoom: list[CisId] = Field(default_factory=list, description="CIS Zoom Benchmark v1.0.0 item ids.")
    cisa_gws_meet: list[GwsMeetId] = Field(default_factory=list, description="CISA SCuBA Google Meet policy ids.")
    refs_note: str = Field("", description="Why an id list is empty, or how the ids relate.")

    @property
    def effective_severity(self) -> Severity:
        return self.severity or self.default_severity

    def expected(self) -> str:
        """The expected state in words, for reports."""
        raise NotImplementedError

    @property
    def baseline_ids(self) -> list[str]:
        return [f"CIS Zoom {i}" for i in self.cis_zoom] + list(self.cisa_gws_meet)


class PasscodeRequiredPolicy(ControlPolicy):
    control = Control.PASSCODE_REQUIRED
    default_severity = Severity.HIGH
    required: bool = True

    def expected(self) -> str:
        return "a passcode on every meeting" if self.required else "passcodes optional"


class PasscodeStrengthPolicy(ControlPolicy):
    control = Control.PASSCODE_STRENGTH
    min_length: int = Field(8, ge=1, le=32)
    require_letter: bool = True
    require_number: bool = True
    require_special: bool = False
    require_mixed_case: bool = False

    def expected(self) -> str:
        parts = [f"at least {self.min_length} characters"]
        parts += [
            name
            for name, on in (
                ("a letter", self.require_letter),
                ("a number", self.require_number),
                ("a special character", self.require_special),
                ("upper and lower case", self.require_mixed_case),
            )
            if on
        ]
        return "passcodes of " + ", ".join(parts)


class WaitingRoomPolicy(ControlPolicy):
    control = Control.WAITING_ROOM
    default_severity = Severity.HIGH
    who: WaitingRoom = WaitingRoom.EVERYONE

    def expected(self) -> str:
        return {
            WaitingRoom.EVERYONE: "everyone waits to be admitted",
            WaitingRoom.OUTSIDERS: "people outside the district wait to be admitted",
            WaitingRoom.OFF: "no waiting room",
        }[self.who]


class AuthenticatedOnlyPolicy(ControlPolicy):
    control = Control.AUTHENTICATED_ONLY
    default_severity = Severity.HIGH
    required: bool = True
    allowed_domains: list[Domain] = Field(default_factory=list)

    def expected(self) -> str:
        if not self.required:
            return "anyone may join"
        if self.allowed_domains:
            return "only signed-in users of " + ", ".join(self.allowed_domains)
        return "only signed-in users"


class JoinBeforeHostPolicy(ControlPolicy):
    control = Control.JOIN_BEFORE_HOST
    default_severity = Severity.HIGH
    allowed: bool = False

    def expected(self) -> str:
        return "participants may join before the host" if self.allowed else "no joining before the host"


class MuteOnEntryPolicy(ControlPolicy):
    control = Control.MUTE_ON_ENTRY
    default_severity = Severity.LOW
    required: bool = True

    def expected(self) -> str:
        return "participants muted on entry" if self.required else "mute on entry optional"


class ScreenSharingPolicy(ControlPolicy):
    control = Control.SCREEN_SHARING
    who: ScreenSharing = ScreenSharing.HOST_ONLY

    def expected(self) -> str:
        return "only the host shares the screen" if self.who is ScreenSharing.HOST_ONLY else "everyone may share"


class ChatRestrictionsPolicy(ControlPolicy):
    control = Control.CHAT_RESTRICTIONS
    private_chat: bool = False
    participants_chat_with: ChatAudience = ChatAudience.EVERYONE

    def expected(self) -> str:
        audience = {
            ChatAudience.NONE: "participants cannot chat",
            ChatAudience.HOST: "participants chat with the host only",
            ChatAudience.EVERYONE: "participants chat publicly",
        }[self.participants_chat_with]
        return f"{audience}; private chat {'allowed' if self.private_chat else 'off'}"


class AutoRecordingPolicy(ControlPolicy):
    control = Control.AUTO_RECORDING
    mode: AutoRecording = AutoRecording.NONE

    def expected(self) -> str:
        return {
            AutoRecording.NONE: "no automatic recording",
            AutoRecording.LOCAL: "automatic local recording",
            AutoRecording.CLOUD: "automatic cloud recording",
        }[self.mode]


class AutoTranscriptionPolicy(ControlPolicy):
    control = Control.AUTO_TRANSCRIPTION
    allowed: bool = False

    def expected(self) -> str:
        return "automatic transcription allowed" if self.allowed else "no automatic transcription"


class PersonalRoomPolicy(ControlPolicy):
    control = Control.PERSONAL_ROOM_FOR_SCHEDULED
    allowed: bool = False

    def expected(self) -> str:
        return (
            "personal meeting IDs / rooms may be used"
            if self.allowed
            else "no personal meeting ID / room for scheduled meetings"
        )


class ExternalWarningPolicy(ControlPolicy):
    control = Control.EXTERNAL_PARTICIPANT_WARNING
    default_severity = Severity.LOW
    required: bool = True

    def expected(self) -> str:
        return "external participants flagged" if self.required else "external flag optional"


class Controls(_Strict):
    """One optional entry per control; the field names are the :class:`Control` values."""

    passcode_required: PasscodeRequiredPolicy | None = None
    passcode_strength: PasscodeStrengthPolicy | None = None
    waiting_room: WaitingRoomPolicy | None = None
    authenticated_only: AuthenticatedOnlyPolicy | None = None
    join_before_host: JoinBeforeHostPolicy | None = None
    mute_on_entry: MuteOnEntryPolicy | None = None
    screen_sharing: ScreenSharingPolicy | None = None
    chat_restrictions: ChatRestrictionsPolicy | None = None
    auto_recording: AutoRecordingPolicy | None = None
    auto_transcription: AutoTranscriptionPolicy | None = None
    personal_room_for_scheduled: PersonalRoomPolicy | None = None
    external_participant_warning: ExternalWarningPolicy | None = None


POLICY_CLASSES: dict[Control, type[ControlPolicy]] = {
    cls.control: cls
    for cls in (
        PasscodeRequiredPolicy,
        PasscodeStrengthPolicy,
        WaitingRoomPolicy,
        AuthenticatedOnlyPolicy,
        JoinBeforeHostPolicy,
        MuteOnEntryPolicy,
        ScreenSharingPolicy,
        ChatRestrictionsPolicy,
        AutoRecordingPolicy,
        AutoTranscriptionPolicy,
        PersonalRoomPolicy,
        ExternalWarningPolicy,
    )
}

_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


class SecurityPolicy(_Strict):
    """A district security policy. Load one with :func:`confkit.policy.load_policy`."""

    name: Annotated[str, StringConstraints(pattern=_NAME.pattern, max_length=64)]
    title: str = ""
    description: str = ""
    extends: str | None = Field(None, description="A built-in baseline this file starts from, e.g. 'k12'.")
    controls: Controls = Field(default_factory=Controls)

    def entries(self) -> list[tuple[Control, ControlPolicy]]:
        """The governed controls in :class:`Control` order."""
        out: list[tuple[Control, ControlPolicy]] = []
        for control in Control:
            entry = getattr(self.controls, control.value, None)
            if isinstance(entry, ControlPolicy):
                out.append((control, entry))
        return out

    def get(self, control: Control) -> ControlPolicy | None:
        entry = getattr(self.controls, control.value, None)
        return entry if isinstance(entry, ControlPolicy) else None

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


# Every Control must have a policy entry: adding a Control without one is a bug caught at import.
_missing = [c.value for c in Control if c.value not in Controls.model_fields or c not in POLICY_CLASSES]
if _missing:  # pragma: no cover - guards future enum additions
    raise RuntimeError(f"confkit.policy.model has no policy entry for control(s): {', '.join(_missing)}")


__all__ = [
    "POLICY_CLASSES",
    "AuthenticatedOnlyPolicy",
    "AutoRecordingPolicy",
    "AutoTranscriptionPolicy",
    "ChatAudience",
    "ChatRestrictionsPolicy",
    "ControlPolicy",
    "Controls",
    "ExternalWarningPolicy",
    "JoinBeforeHostPolicy",
    "MuteOnEntryPolicy",
    "PasscodeRequiredPolicy",
    "PasscodeStrengthPolicy",
    "PersonalRoomPolicy",
    "ScreenSharingPolicy",
    "SecurityPolicy",
    "Severity",
    "WaitingRoomPolicy",
]
