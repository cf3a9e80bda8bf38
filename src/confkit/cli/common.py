"""Shared CLI plumbing: connecting to providers (configured or sandbox) and the error boundary."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.logging import RichHandler
from rich.markup import escape

from confkit.errors import ConfigurationError, ConfkitError
from confkit.provider import Provider
from confkit.registry import available, connect
from confkit.sandbox import Sandbox

P = ParamSpec("P")
R = TypeVar("R")

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

EXIT_ERROR = 2


def setup_logging(verbose: bool) -> None:
    level = logging.INFO if verbose else logging.WARNING
    handler = RichHandler(console=err, show_time=False, show_path=False, markup=False)
    logging.basicConfig(level=level, handlers=[handler], format="%(name)s: %(message)s", force=True)


def fail(message: str, code: int = EXIT_ERROR) -> typer.Exit:
    # the message is text, never markup: "[zoom]" or a path with brackets is shown as it is
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, markup=True)
    return typer.Exit(code)


def one_line_validation(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or exc.title
    return f"invalid {where}: {first['msg']}"


def silence_stdout() -> None:
    """Point stdout at /dev/null after its reader went away, so the interpreter's final flush does not
    fail again (with a traceback) on the way out."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def guarded(func: Callable[P, R]) -> Callable[P, R]:
    """The CLI's error boundary: confkit errors become one line on stderr and exit code 2."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except typer.Exit:
            raise
        except BrokenPipeError:
            # The reader went away (``confkit logs export | head``): what it wanted was written.
            silence_stdout()
            raise typer.Exit(0) from None
        except ConfkitError as exc:
            raise fail(exc.one_line()) from None
        except ValidationError as exc:
            raise fail(one_line_validation(exc)) from None
        except KeyboardInterrupt:
            raise fail("interrupted", 130) from None
        except OSError as exc:  # a file the user named: not writable, a directory, a full disk ...
            where = f"{exc.filename}: " if exc.filename else ""
            raise fail(f"{where}{exc.strerror or exc}") from None
        except Exception as exc:  # a bug: still one line unless CONFKIT_DEBUG is set
            if os.environ.get("CONFKIT_DEBUG"):
                raise
            raise fail(
                f"unexpected {type(exc).__name__}: {exc} (a confkit bug; rerun with CONFKIT_DEBUG=1 and report it)"
            ) from None

    return wrapper


class Session:
    """Connections for one CLI invocation: configured tenants, or the in-process sandbox."""

    def __init__(self, *, config: str | None, sandbox: bool) -> None:
        self.config = config
        self.sandbox = Sandbox.create() if sandbox else None
        self._open: list[Provider] = []

    def names(self, requested: list[str] | None) -> list[str]:
        if requested:
            known = available()
            for name in requested:
                if name not in known:
                    raise ConfigurationError(
                        f"unknown provider {name!r}; available providers: {', '.join(known) or 'none'}"
                    )
            if self.sandbox is not None:
                missing = [n for n in requested if n not in self.sandbox.providers]
                if missing:
                    raise ConfigurationError(
                        f"the sandbox has no {', '.join(missing)} platform; it has: {', '.join(self.sandbox.providers)}"
                    )
            return requested
        if self.sandbox is not None:
            return self.sandbox.providers
        raise ConfigurationError("name a provider with --provider (e.g. --provider zoom), or use --sandbox")

    def connect(self, name: str) -> Provider:
        provider = self.sandbox.connect(name) if self.sandbox is not None else connect(name, config_file=self.config)
        self._open.append(provider)
        return provider

    def close(self) -> None:
        for provider in self._open:
            provider.close()


@contextmanager
def session(config: str | None, sandbox: bool) -> Iterator[Session]:
    s = Session(config=config, sandbox=sandbox)
    try:
        yield s
    finally:
        s.close()


__all__ = ["EXIT_ERROR", "Session", "err", "fail", "guarded", "out", "session", "setup_logging"]
