"""confkit's local token store: one small JSON file per provider and tenant.

OAuth refresh tokens that rotate (Webex integrations and service apps) must survive a restart: a
rotated refresh token that is lost forces an administrator to consent again. The store therefore

* keeps one file per ``(provider, tenant)``, ``<directory>/<provider>-<tenant>.json``, mode 0600,
  in a directory of mode 0700;
* writes atomically: the new content goes to a temporary file in the same directory (created 0600
  by :func:`tempfile.mkstemp`), is flushed and ``fsync``-ed, then ``os.replace``-d over the old
  file, and the directory is ``fsync``-ed. A crash at any moment leaves either the complete old
  file or the complete new one, never a torn write;
* serialises refreshes across processes with an advisory lock file (``fcntl.flock``), so two
  processes never spend the same refresh token (POSIX only; elsewhere the lock is a no-op).

The directory is, first match wins: the ``token_store`` setting of the provider, ``$CONFKIT_HOME/tokens``,
``~/.local/state/confkit/tokens``. The special setting value ``"memory"`` keeps tokens in memory only
(for the sandbox and tests: nothing survives the process).

Callers persist a rotated token with :meth:`TokenStore.save` *before* they use it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import stat
import tempfile
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Protocol

from confkit.errors import ConfigurationError

log = logging.getLogger("confkit.tokenstore")

MEMORY = "memory"
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")

try:  # POSIX advisory locks; absent on Windows
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]


class TokenStore(Protocol):
    """Where a provider keeps its OAuth tokens between runs."""

    def load(self, provider: str, tenant: str) -> dict[str, Any] | None:
        """The stored entry, or ``None`` when there is none."""

    def save(self, provider: str, tenant: str, entry: Mapping[str, Any]) -> None:
        """Replace the entry, durably and atomically, before the caller uses it."""

    def lock(self, provider: str, tenant: str) -> contextlib.AbstractContextManager[None]:
        """Hold an exclusive lock on the entry (refresh it under this lock)."""


def default_directory(setting: str | os.PathLike[str] | None = None) -> Path:
    """The token directory: the setting, else ``$CONFKIT_HOME/tokens``, else ``~/.local/state/confkit/tokens``."""
    if setting:
        return Path(setting).expanduser()
    home = os.environ.get("CONFKIT_HOME")
    if home:
        return Path(home).expanduser() / "tokens"
    return Path.home() / ".local" / "state" / "confkit" / "tokens"


def open_store(setting: str | os.PathLike[str] | None = None) -> TokenStore:
    """The store named by a ``token_store`` setting (a directory, ``"memory"``, or unset)."""
    if setting is not None and str(setting) == MEMORY:
        return MemoryTokenStore()
    return FileTokenStore(default_directory(setting))


def _check_name(kind: str, value: str) -> str:
    if not _SAFE_NAME.match(value):
        raise ConfigurationError(
            f"token store: {kind} {value!r} may only use letters, digits, '.', '_' and '-' (at most 100)"
        )
    return value


class FileTokenStore:
    """Token entries as JSON files, written atomically with mode 0600."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)
        self._thread_locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def path(self, provider: str, tenant: str) -> Path:
        """The file of one entry."""
        return self.directory / f"{_check_name('provider', provider)}-{_check_name('tenant', tenant)}.json"

    def _ensure_directory(self) -> None:
        try:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigurationError(
                f"token store: cannot create {self.directory}: {exc.strerror}; set token_store or $CONFKIT_HOME "
                "to a writable directory"
            ) from None

    def load(self, provider: str, tenant: str) -> dict[str, Any] | None:
        path = self.path(provider, tenant)
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            return None
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            log.warning("token store: %s was readable by others; restricting it to its owner (0600)", path)
            path.chmod(0o600)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigurationError(
                f"token store: {path} cannot be read ({type(exc).__name__}); restore it from a backup or delete "
                "it and authorize confkit again"
            ) from None
        if not isinstance(data, dict):
            raise ConfigurationError(f"token store: {path} does not hold a JSON object; delete it and authorize again")
        return data

    def save(self, provider: str, tenant: str, entry: Mapping[str, Any]) -> None:
        """Write ``entry`` atomically: temp file (0600) + fsync + ``os.replace`` + directory fsync."""
        path = self.path(provider, tenant)
        self._ensure_directory()
        text = json.dumps(dict(entry), sort_keys=True, indent=2)
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        _fsync_directory(self.directory)

    @contextlib.contextmanager
    def lock(self, provider: str, tenant: str) -> Iterator[None]:
        """An exclusive lock on one entry: a thread lock plus ``flock`` on ``<entry>.lock``."""
        path = self.path(provider, tenant)
        with self._guard:
            thread_lock = self._thread_locks.setdefault(str(path), threading.Lock())
        with thread_lock:
            if fcntl is None:
                yield
                return
            self._ensure_directory()
            fd = os.open(str(path) + ".lock", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                with contextlib.suppress(OSError):
                    fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (a no-op where directories cannot be opened, e.g. Windows)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class MemoryTokenStore:
    """Entries in memory only: for the sandbox and tests. Nothing survives the process."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], str] = {}
        self._lock = threading.RLock()

    def load(self, provider: str, tenant: str) -> dict[str, Any] | None:
        with self._lock:
            text = self._entries.get((provider, tenant))
        return json.loads(text) if text is not None else None

    def save(self, provider: str, tenant: str, entry: Mapping[str, Any]) -> None:
        with self._lock:
            self._entries[(provider, tenant)] = json.dumps(dict(entry))

    @contextlib.contextmanager
    def lock(self, provider: str, tenant: str) -> Iterator[None]:
        with self._lock:
            yield


__all__ = ["MEMORY", "FileTokenStore", "MemoryTokenStore", "TokenStore", "default_directory", "open_store"]
