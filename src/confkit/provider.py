"""The one interface every provider implements.

A provider is built from its settings (a mapping, usually one section of ``confkit.toml`` plus
environment variables) and an optional ``httpx.Client`` - the only I/O seam. Every neutral verb has
a default implementation that raises :class:`~confkit.errors.UnsupportedOperationError` with the
reason the provider's :class:`~confkit.capabilities.Capabilities` declare, so calling a verb a
platform cannot do always fails the same, predictable way.
"""

from __future__ import annotations

import abc
from collections.abc import Iterator, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn, Self

import httpx

from confkit.capabilities import Capabilities, Operation
from confkit.errors import UnsupportedOperationError
from confkit.http.clock import Clock
from confkit.http.pagination import items
from confkit.models import (
    AccountSettings,
    Meeting,
    MeetingCreate,
    MeetingUpdate,
    Page,
    User,
    UserCreate,
    UserStatus,
)

if TYPE_CHECKING:
    from confkit.logs.stream import LogStream


class Provider(abc.ABC):
    """Abstract conferencing provider."""

    name: ClassVar[str]
    display_name: ClassVar[str]
    capabilities: ClassVar[Capabilities]

    @classmethod
    @abc.abstractmethod
    def from_settings(
        cls, settings: Mapping[str, Any], *, client: httpx.Client | None = None, clock: Clock | None = None
    ) -> Self:
        """Build the provider from its settings; raises ConfigurationError naming what is missing."""

    # -- lifecycle ------------------------------------------------------------------------------

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release the HTTP client if the provider created it."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- support ----------------------------------------------------------------------------------

    def _unsupported(self, op: Operation) -> NoReturn:
        declared = self.capabilities.operation(op)
        reason = declared.reason or "not_built"
        why = declared.note or (
            "the vendor's API offers no way to do this" if reason == "api_limit" else "confkit does not build this yet"
        )
        raise UnsupportedOperationError(
            f"{op.value} is unsupported on {self.display_name}: {why}",
            provider=self.name,
            operation=op.value,
            reason=reason,
        )

    # -- users ------------------------------------------------------------------------------------

    def iter_user_pages(
        self, *, status: UserStatus | None = None, page_size: int | None = None
    ) -> Iterator[Page[User]]:
        self._unsupported(Operation.LIST_USERS)

    def list_users(self, *, status: UserStatus | None = None, page_size: int | None = None) -> Iterator[User]:
        return items(self.iter_user_pages(status=status, page_size=page_size))

    def get_user(self, user_id: str) -> User:
        self._unsupported(Operation.GET_USER)

    def create_user(self, data: UserCreate) -> User:
        self._unsupported(Operation.CREATE_USER)

    def set_user_status(self, user_id: str, *, active: bool) -> None:
        self._unsupported(Operation.SET_USER_STATUS)

    # -- meetings ---------------------------------------------------------------------------------

    def iter_meeting_pages(self, host: str, *, page_size: int | None = None) -> Iterator[Page[Meeting]]:
        """Pages of the upcoming meetings hosted by ``host`` (id or email)."""
        self._unsupported(Operation.LIST_MEETINGS)

    def list_meetings(self, host: str, *, page_size: int | None = None) -> Iterator[Meeting]:
        return items(self.iter_meeting_pages(host, page_size=page_size))

    def get_meeting(self, meeting_id: str) -> Meeting:
        self._unsupported(Operation.GET_MEETING)

    def create_meeting(self, host: str, data: MeetingCreate) -> Meeting:
        self._unsupported(Operation.CREATE_MEETING)

    def update_meeting(self, meeting_id: str, data: MeetingUpdate) -> Meeting:
        self._unsupported(Operation.UPDATE_MEETING)

    def delete_meeting(self, meeting_id: str) -> None:
        self._unsupported(Operation.DELETE_MEETING)

    # -- account-level settings -------------------------------------------------------------------

    def get_account_settings(self) -> AccountSettings:
        self._unsupported(Operation.GET_ACCOUNT_SETTINGS)

    def update_account_settings(
        self, sections: Mapping[str, Mapping[str, Any]], *, locks: Mapping[str, Mapping[str, Any]] | None = None
    ) -> None:
        self._unsupported(Operation.UPDATE_ACCOUNT_SETTINGS)

    # -- audit logs (docs/logs.md) --------------------------------------------------------------

    def log_streams(self) -> Sequence[LogStream]:
        """The platform's audit-log streams, from ``log_streams(provider)`` in the provider package's
        ``logs`` module (``confkit.providers.zoom.logs``); none when the package has no such module."""
        from confkit.logs.stream import discover_streams

        return discover_streams(self)


__all__ = ["Provider"]
