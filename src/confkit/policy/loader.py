"""Loading a :class:`SecurityPolicy` from TOML or YAML, with errors that name file, line and field.

Syntax errors come with the parser's own line. Validation errors come from pydantic as a location
(``controls.passcode_strength.min_length``) that is mapped back to the line where that key (or the
deepest part of it that exists, for a missing field) is written:

* TOML: the text is scanned for table headers and ``key =`` lines (tomllib keeps no positions);
* YAML: the node tree of :func:`yaml.compose` carries each key's mark.

Every error is one :class:`PolicyError` line: ``policy.toml:12: controls.waiting_room.who: Input
should be 'everyone', 'outsiders' or 'off'``.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Mapping, Sequence
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from confkit.errors import ConfigurationError
from confkit.policy.model import Controls, SecurityPolicy


class PolicyError(ConfigurationError):
    """A policy file is malformed or invalid. ``file``, ``line`` (1-based, if known) and ``field``."""

    def __init__(self, message: str, *, file: str, line: int | None, field: str | None) -> None:
        where = f"{file}:{line}" if line is not None else file
        head = f"{where}: {field}: " if field else f"{where}: "
        super().__init__(head + message)
        self.file = file
        self.line = line
        self.field = field
        self.detail = message


# -- built-in baselines ------------------------------------------------------------------------------


def _root() -> Traversable:
    return resources.files("confkit").joinpath("policies")


def builtin_names() -> list[str]:
    """Names of the built-in baselines shipped in ``confkit/policies/*.toml``."""
    root = _root()
    return sorted(p.name[: -len(".toml")] for p in root.iterdir() if p.name.endswith(".toml"))


def _builtin_text(name: str) -> str:
    if name not in builtin_names():
        raise PolicyError(
            f"no built-in policy {name!r}; built-in: {', '.join(builtin_names()) or 'none'}",
            file=name,
            line=None,
            field=None,
        )
    return _root().joinpath(f"{name}.toml").read_text(encoding="utf-8")


def builtin_policy(name: str = "k12") -> SecurityPolicy:
    """A built-in baseline, e.g. ``builtin_policy("k12")``."""
    return parse_policy(_builtin_text(name), f"<builtin:{name}>", fmt="toml")


# -- loading -----------------------------------------------------------------------------------------


def load_policy(source: str | Path) -> SecurityPolicy:
    """Load a policy from a ``.toml``/``.yaml``/``.yml`` file, or a built-in name such as ``"k12"``."""
    text_source = str(source)
    path = Path(text_source)
    if not path.suffix and not path.exists() and text_source in builtin_names():
        return builtin_policy(text_source)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        hint = f" (built-in policies: {', '.join(builtin_names())})" if not path.suffix else ""
        raise PolicyError(f"no such policy file{hint}", file=text_source, line=None, field=None) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(f"cannot read: {exc}", file=text_source, line=None, field=None) from None
    suffix = path.suffix.lower()
    if suffix == ".toml":
        fmt = "toml"
    elif suffix in {".yaml", ".yml"}:
        fmt = "yaml"
    else:
        raise PolicyError(
            "unknown policy format; use a .toml, .yaml or .yml file", file=text_source, line=None, field=None
        )
    return parse_policy(text, text_source, fmt=fmt)


def parse_policy(text: str, file: str, *, fmt: str) -> SecurityPolicy:
    """Parse and validate policy text; ``file`` is only used in error messages."""
    if fmt == "toml":
        data, locate = _parse_toml(text, file)
    elif fmt == "yaml":
        data, locate = _parse_yaml(text, file)
    else:
        raise ValueError(f"unknown policy format {fmt!r}")
    if not isinstance(data, dict):
        raise PolicyError("the policy must be a mapping of keys (name, controls, ...)", file=file, line=1, field=None)
    extends = data.get("extends")
    if extends is not None:
        if not isinstance(extends, str) or extends not in builtin_names():
            raise PolicyError(
                f"extends must name a built-in policy ({', '.join(builtin_names())})",
                file=file,
                line=locate(("extends",)),
                field="extends",
            )
        base, _ = _parse_toml(_builtin_text(extends), f"<builtin:{extends}>")
        base.pop("name", None)
        data = _deep_merge(base, data)
    try:
        return SecurityPolicy.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(first["loc"])
        field = ".".join(str(p) for p in loc) or None
        message = _message(first)
        if exc.error_count() > 1:
            message += f" (and {exc.error_count() - 1} more error{'s' if exc.error_count() > 2 else ''})"
        raise PolicyError(message, file=file, line=locate(loc), field=field) from None


def _message(error: Mapping[str, Any]) -> str:
    loc = tuple(error["loc"])
    if error["type"] == "extra_forbidden" and loc:
        name = str(loc[-1])
        known = list(Controls.model_fields) if loc[:-1] == ("controls",) else []
        close = difflib.get_close_matches(name, known, n=1)
        if loc[:-1] == ("controls",):
            hint = f"; did you mean {close[0]!r}?" if close else f"; known controls: {', '.join(known)}"
            return f"unknown control{hint}"
        return "unknown key (not part of the policy format)"
    if error["type"] == "missing":
        return "required key is missing"
    return str(error["msg"])


def _deep_merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


# -- TOML: syntax errors and key lines ----------------------------------------------------------------

_TOML_LINE = re.compile(r"at line (\d+)(?:, column (\d+))?")
_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=""")


def _split_key(dotted: str) -> list[str]:
    parts = re.findall(r"""[A-Za-z0-9_-]+|"[^"]*"|'[^']*'""", dotted)
    return [p[1:-1] if p[:1] in {'"', "'"} else p for p in parts]


class _Locator:
    """Maps a validation location to the best line: the key itself, else its deepest existing parent."""

    def __init__(self, lines: Mapping[tuple[str, ...], int]) -> None:
        self._lines = dict(lines)

    def __call__(self, loc: Sequence[Any]) -> int | None:
        keys = tuple(str(p) for p in loc)
        for end in range(len(keys), 0, -1):
            found = self._lines.get(keys[:end])
            if found is not None:
                return found
        return self._lines.get((), None)


def _toml_lines(text: str) -> dict[tuple[str, ...], int]:
    lines: dict[tuple[str, ...], int] = {(): 1}
    table: tuple[str, ...] = ()
    in_multiline: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw
        if in_multiline is not None:
            if in_multiline in line:
                in_multiline = None
            continue
        header = _HEADER.match(line)
        if header:
            table = tuple(_split_key(header.group(1)))
            for end in range(1, len(table) + 1):
                lines.setdefault(table[:end], number)
            continue
        key = _KEY.match(line)
        if key:
            path = (*table, *_split_key(key.group(1)))
            for end in range(len(table) + 1, len(path) + 1):
                lines.setdefault(path[:end], number)
            rest = line[key.end() :]
            # inline tables: map their keys to this line too
            if rest.strip().startswith("{"):
                for inner in re.findall(r"([A-Za-z0-9_-]+)\s*=", rest):
                    lines.setdefault((*path, inner), number)
            for quote in ('"""', "'''"):
                if rest.count(quote) == 1:
                    in_multiline = quote
    return lines


def _parse_toml(text: str, file: str) -> tuple[Any, _Locator]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _TOML_LINE.search(message)
        line = int(match.group(1)) if match else None
        clean = _TOML_LINE.sub("", message).strip().rstrip("()").strip() or "invalid TOML"
        raise PolicyError(f"invalid TOML: {clean}", file=file, line=line, field=None) from None
    return data, _Locator(_toml_lines(text))


# -- YAML: node marks ----------------------------------------------------------------------------------


def _yaml_lines(node: yaml.Node | None) -> dict[tuple[str, ...], int]:
    lines: dict[tuple[str, ...], int] = {(): 1}

    def walk(n: yaml.Node, path: tuple[str, ...]) -> None:
        if isinstance(n, yaml.MappingNode):
            for key_node, value_node in n.value:
                key = (*path, str(key_node.value))
                lines.setdefault(key, key_node.start_mark.line + 1)
                walk(value_node, key)
        elif isinstance(n, yaml.SequenceNode):
            for index, item in enumerate(n.value):
                key = (*path, str(index))
                lines.setdefault(key, item.start_mark.line + 1)
                walk(item, key)

    if node is not None:
        walk(node, ())
    return lines


def _parse_yaml(text: str, file: str) -> tuple[Any, _Locator]:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise PolicyError(f"invalid YAML: {problem}", file=file, line=line, field=None) from None
    except yaml.YAMLError as exc:
        raise PolicyError(f"invalid YAML: {exc}", file=file, line=None, field=None) from None
    if data is None:
        data = {}
    return data, _Locator(_yaml_lines(node))


__all__ = ["PolicyError", "builtin_names", "builtin_policy", "load_policy", "parse_policy"]
