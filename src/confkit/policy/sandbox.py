"""The sandbox across CLI invocations: persist the fakes' state in the store.

Each ``confkit ... --sandbox`` invocation builds a fresh in-process sandbox. ``enforce --apply``,
``enforce --resume`` and ``rollback`` save every fake's :meth:`snapshot` in the store afterwards, and
every ``--sandbox`` policy command loads it first, so ``audit`` → ``enforce --apply`` → ``audit`` →
``rollback RUN_ID`` act on one and the same fake district. ``confkit demo`` and
``--reset-sandbox`` start from the freshly seeded district again.

A fake that offers neither ``restore()`` nor a snapshot made of its public dict attributes is not
persisted (``save_sandbox`` returns its name): it starts freshly seeded in every invocation.

A fake is restored with its own ``restore(snapshot)`` if it has one; otherwise each top-level key of
the snapshot replaces the fake's public attribute of the same name (``users``, ``meetings``,
``account_settings`` ...). Either way the result is verified (``snapshot()`` must give back the
saved text byte for byte) or the command stops with an error instead of auditing the wrong state.
"""

from __future__ import annotations

import json
from typing import Any

from confkit.errors import ConfigurationError
from confkit.http.clock import Clock
from confkit.policy.model import AuthenticatedOnlyPolicy, SecurityPolicy
from confkit.sandbox import District, Sandbox
from confkit.store.core import Store
from confkit.store.sandbox import SandboxStore

DEFAULT_SEED = 7


def sandbox_policy(policy: SecurityPolicy, district: District) -> SecurityPolicy:
    """``policy`` with the sandbox district's staff and student domains where it names none."""
    entry = policy.controls.authenticated_only
    if entry is None or not entry.required or entry.allowed_domains:
        return policy
    filled: AuthenticatedOnlyPolicy = entry.model_copy(
        update={"allowed_domains": [district.staff_domain, district.student_domain]}
    )
    controls = policy.controls.model_copy(update={"authenticated_only": filled})
    return policy.model_copy(update={"controls": controls})


def restorable(fake: Any, state: str) -> bool:
    """Whether :func:`restore_fake` can put ``fake`` back into ``state``."""
    if callable(getattr(fake, "restore", None)):
        return True
    try:
        data = json.loads(state)
    except ValueError:
        return False
    return isinstance(data, dict) and all(
        isinstance(getattr(fake, key, None), dict) and isinstance(value, dict) for key, value in data.items()
    )


def restore_fake(fake: Any, state: str) -> None:
    """Put ``fake`` back into the state ``state`` (a ``snapshot()``), verified byte for byte."""
    restore = getattr(fake, "restore", None)
    if callable(restore):
        try:
            restore(state)
        except (ValueError, KeyError, TypeError) as exc:
            raise ConfigurationError(
                f"the saved sandbox state of {type(fake).__name__} cannot be restored ({exc}); use --reset-sandbox"
            ) from None
    else:
        data = json.loads(state)
        if not isinstance(data, dict):
            raise ConfigurationError("the saved sandbox state is not a JSON object; use --reset-sandbox")
        lock = getattr(fake, "_lock", None)
        if lock is not None:
            lock.acquire()
        try:
            for key, value in data.items():
                target = getattr(fake, key, None)
                if not isinstance(target, dict) or not isinstance(value, dict):
                    raise ConfigurationError(
                        f"cannot restore the sandbox's {type(fake).__name__}.{key}; use --reset-sandbox"
                    )
                int_keys = bool(target) and all(isinstance(k, int) for k in target)
                target.clear()
                target.update({(int(k) if int_keys and k.isdigit() else k): v for k, v in value.items()})
        finally:
            if lock is not None:
                lock.release()
    if fake.snapshot() != state:
        raise ConfigurationError(
            f"the sandbox's {type(fake).__name__} state could not be restored exactly; use --reset-sandbox"
        )


def load_sandbox(store: Store, *, seed: int = DEFAULT_SEED, clock: Clock | None = None) -> Sandbox:
    """A sandbox with every fake in the state the last ``--sandbox`` command left it.

    On first use the freshly seeded state is saved, so later invocations see the same district.
    """
    sandbox = Sandbox.create(seed=seed, clock=clock)
    saved = SandboxStore(store)
    for name, fake in sandbox.fakes.items():
        if not hasattr(fake, "snapshot"):
            continue
        state = saved.load(name, seed)
        if state is not None:
            restore_fake(fake, state)
            continue
        fresh = fake.snapshot()
        if restorable(fake, fresh):
            saved.save(name, seed, fresh)  # fix the district (ids, times) from its first use on
    return sandbox


def save_sandbox(store: Store, sandbox: Sandbox, *, seed: int = DEFAULT_SEED) -> list[str]:
    """Save every fake's state; returns the platforms whose fake cannot be restored (not saved)."""
    saved = SandboxStore(store)
    skipped: list[str] = []
    for name, fake in sandbox.fakes.items():
        state = fake.snapshot() if hasattr(fake, "snapshot") else None
        if state is None or not restorable(fake, state):
            skipped.append(name)
            continue
        saved.save(name, seed, state)
    return skipped


def reset_sandbox(store: Store) -> int:
    """Forget the saved sandbox state; the next ``--sandbox`` command starts from a fresh district."""
    return SandboxStore(store).clear()


__all__ = [
    "DEFAULT_SEED",
    "load_sandbox",
    "reset_sandbox",
    "restorable",
    "restore_fake",
    "sandbox_policy",
    "save_sandbox",
]
