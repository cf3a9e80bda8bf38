"""Declared capabilities: what each provider can do, and honestly what it cannot.

Two kinds of declaration, both made once by each provider and read by everything else (the CLI,
the capability matrix, the policy engine, the conformance tests):

* :class:`OperationSupport` per neutral verb (``create_meeting``, ``set_user_status`` …). A verb
  that is not supported raises :class:`~confkit.errors.UnsupportedOperationError` whose ``reason``
  is the declared one: ``api_limit`` (the vendor offers no API for it) or ``not_built``.
* :class:`ControlSupport` per security control (passcodes, waiting room …): how well the platform
  supports it, at which levels, whether it can be locked, and the vendor fields involved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from confkit.errors import UnsupportedReason


class Operation(StrEnum):
    LIST_USERS = "list_users"
    GET_USER = "get_user"
    CREATE_USER = "create_user"
    SET_USER_STATUS = "set_user_status"
    LIST_MEETINGS = "list_meetings"
    GET_MEETING = "get_meeting"
    CREATE_MEETING = "create_meeting"
    UPDATE_MEETING = "update_meeting"
    DELETE_MEETING = "delete_meeting"
    GET_ACCOUNT_SETTINGS = "get_account_settings"
    UPDATE_ACCOUNT_SETTINGS = "update_account_settings"


class Support(StrEnum):
    NATIVE = "native"  # the platform has this exact setting
    EQUIVALENT = "equivalent"  # a different mechanism gives the same protection
    PARTIAL = "partial"  # only some of it, or only at some levels
    NONE = "none"  # no way to do it through the API


Level = Literal["account", "site", "org_unit", "group", "user", "meeting"]


class Control(StrEnum):
    """The neutral security controls a district policy can set."""

    PASSCODE_REQUIRED = "passcode_required"
    PASSCODE_STRENGTH = "passcode_strength"
    WAITING_ROOM = "waiting_room"
    AUTHENTICATED_ONLY = "authenticated_only"
    JOIN_BEFORE_HOST = "join_before_host"
    MUTE_ON_ENTRY = "mute_on_entry"
    SCREEN_SHARING = "screen_sharing"
    CHAT_RESTRICTIONS = "chat_restrictions"
    AUTO_RECORDING = "auto_recording"
    AUTO_TRANSCRIPTION = "auto_transcription"
    PERSONAL_ROOM_FOR_SCHEDULED = "personal_room_for_scheduled"
    EXTERNAL_PARTICIPANT_WARNING = "external_participant_warning"


@dataclass(frozen=True)
class OperationSupport:
    supported: bool
    reason: UnsupportedReason | None = None
    note: str = ""

    @classmethod
    def yes(cls, note: str = "") -> OperationSupport:
        return cls(True, None, note)

    @classmethod
    def api_limit(cls, note: str) -> OperationSupport:
        return cls(False, "api_limit", note)

    @classmethod
    def not_built(cls, note: str) -> OperationSupport:
        return cls(False, "not_built", note)


@dataclass(frozen=True)
class ControlSupport:
    support: Support
    levels: tuple[Level, ...] = ()
    lockable: bool = False
    vendor_fields: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Capabilities:
    operations: dict[Operation, OperationSupport]
    controls: dict[Control, ControlSupport] = field(default_factory=dict)

    def operation(self, op: Operation | str) -> OperationSupport:
        return self.operations.get(Operation(op), OperationSupport.not_built(f"{op} is not declared by this provider"))

    def control(self, control: Control | str) -> ControlSupport:
        return self.controls.get(Control(control), ControlSupport(Support.NONE, note="not declared by this provider"))


__all__ = [
    "Capabilities",
    "Control",
    "ControlSupport",
    "Level",
    "Operation",
    "OperationSupport",
    "Support",
]
