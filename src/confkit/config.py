"""Configuration from a TOML file and environment variables.

Where the file is found, first match wins: ``--config`` / ``config_file=``, ``$CONFKIT_CONFIG``,
``./confkit.toml``, ``~/.config/confkit/config.toml``. A missing file is fine (environment
variables alone may be enough); a file that is present but malformed is an error naming the file,
line and problem. Each provider reads its own section, ``[zoom]``, ``[webex]``, ``[google]``;
``CONFKIT_ZOOM_CLIENT_SECRET`` and friends override the file. Credentials are never taken on the
command line. A key ending in ``_env`` names an environment variable to read the value from:
``client_secret_env = "ZOOM_SECRET"``.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from confkit.errors import ConfigurationError

ENV_PREFIX = "CONFKIT_"
M = TypeVar("M", bound=BaseModel)


def config_path(config_file: str | os.PathLike[str] | None = None) -> Path | None:
    if config_file is not None:
        path = Path(config_file)
        if not path.is_file():
            raise ConfigurationError(f"config file {path} does not exist; check the --config path")
        return path
    env = os.environ.get(ENV_PREFIX + "CONFIG")
    if env:
        path = Path(env)
        if not path.is_file():
            raise ConfigurationError(f"config file {path} (from $CONFKIT_CONFIG) does not exist")
        return path
    for candidate in (Path("confkit.toml"), Path.home() / ".config" / "confkit" / "config.toml"):
        if candidate.is_file():
            return candidate
    return None


def load_config(config_file: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    path = config_path(config_file)
    if path is None:
        return {}
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"config file {path} is not valid TOML: {exc}; fix that line") from None
    except OSError as exc:
        raise ConfigurationError(f"config file {path} cannot be read: {exc.strerror}") from None


def provider_settings(name: str, *, config_file: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """The merged settings of one provider: file section, then ``*_env`` indirections, then env."""
    data = load_config(config_file)
    section = data.get(name, {})
    if not isinstance(section, dict):
        raise ConfigurationError(f"config: [{name}] must be a table, not {type(section).__name__}")
    settings: dict[str, Any] = {}
    for key, value in section.items():
        if key.endswith("_env") and isinstance(value, str):
            env_value = os.environ.get(value)
            if env_value is not None:
                settings[key[: -len("_env")]] = env_value
        else:
            settings[key] = value
    prefix = f"{ENV_PREFIX}{name.upper()}_"
    for key, value in os.environ.items():
        if key.startswith(prefix) and len(key) > len(prefix):
            settings[key[len(prefix) :].lower()] = value
    settings.setdefault("_source", str(config_path(config_file) or "environment"))
    return settings


def parse_settings(model: type[M], provider: str, settings: dict[str, Any]) -> M:
    """Validate a provider's settings, turning pydantic errors into one line that echoes no value."""
    clean = {k: v for k, v in settings.items() if not k.startswith("_")}
    try:
        return model.model_validate(clean)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "?"
        env = f"{ENV_PREFIX}{provider.upper()}_{field.upper()}"
        if first["type"] == "missing":
            raise ConfigurationError(
                f"{provider}: missing setting {field!r}; set {env} or add {field} to the [{provider}] "
                "section of confkit.toml"
            ) from None
        if first["type"] == "extra_forbidden":
            raise ConfigurationError(
                f"{provider}: unknown setting {field!r} in the [{provider}] section; remove it or check its spelling"
            ) from None
        raise ConfigurationError(f"{provider}: setting {field!r} is invalid: {first['msg']}") from None
