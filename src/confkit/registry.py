"""The provider registry: built-in providers plus the ``confkit.providers`` entry-point group.

A third party adds a provider (say Microsoft Teams) without forking confkit by shipping a package
whose ``pyproject.toml`` declares::

    [project.entry-points."confkit.providers"]
    teams = "confkit_teams:TeamsProvider"

where ``TeamsProvider`` subclasses :class:`confkit.provider.Provider`.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib.metadata import entry_points
from typing import Any

import httpx

from confkit.config import provider_settings
from confkit.errors import ConfigurationError, UnknownProviderError
from confkit.http.clock import Clock
from confkit.provider import Provider

ENTRY_POINT_GROUP = "confkit.providers"

_registered: dict[str, type[Provider]] = {}


def register(name: str, cls: type[Provider]) -> None:
    """Register a provider class under ``name`` (overrides an entry point of the same name)."""
    if not (isinstance(cls, type) and issubclass(cls, Provider)):
        raise TypeError(f"{cls!r} is not a confkit Provider subclass")
    _registered[name] = cls


def _entry_points() -> dict[str, Any]:
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def available() -> list[str]:
    """Names of every provider that can be connected to."""
    return sorted(set(_registered) | set(_entry_points()))


def provider_class(name: str) -> type[Provider]:
    if name in _registered:
        return _registered[name]
    ep = _entry_points().get(name)
    if ep is None:
        known = ", ".join(available()) or "none"
        raise UnknownProviderError(f"unknown provider {name!r}; available providers: {known}")
    try:
        cls = ep.load()
    except Exception as exc:  # a broken third-party package must not crash with a traceback
        raise ConfigurationError(
            f"provider {name!r} could not be loaded from {ep.value}: {type(exc).__name__}: {exc}"
        ) from None
    if not (isinstance(cls, type) and issubclass(cls, Provider)):
        raise ConfigurationError(f"entry point {name!r} ({ep.value}) is not a confkit Provider")
    _registered[name] = cls
    return cls


def connect(
    name: str,
    settings: Mapping[str, Any] | None = None,
    *,
    config_file: str | None = None,
    client: httpx.Client | None = None,
    clock: Clock | None = None,
    **overrides: Any,
) -> Provider:
    """Connect to a provider.

    Settings come from ``settings`` if given, else from the ``[name]`` section of the config file
    and ``CONFKIT_<NAME>_*`` environment variables; keyword ``overrides`` win over both::

        zoom = confkit.connect("zoom")                       # confkit.toml + environment
        zoom = confkit.connect("zoom", client=httpx.Client(transport=FakeZoom()))
    """
    cls = provider_class(name)
    merged = dict(settings) if settings is not None else provider_settings(name, config_file=config_file)
    merged.update(overrides)
    return cls.from_settings(merged, client=client, clock=clock)


__all__ = ["ENTRY_POINT_GROUP", "available", "connect", "provider_class", "register"]
