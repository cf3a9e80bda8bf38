"""``confkit capabilities``, ``audit``, ``enforce``, ``rollback`` and ``runs``: the district security policy.

Exit codes: ``audit`` 0 compliant, 1 findings, 2 error; ``enforce`` (with ``--apply`` / ``--resume``)
and ``rollback`` 0 done, 1 items left (failed, deferred or not yet restored), 2 error. A dry run
(``enforce`` without ``--apply``) exits 0.

With ``--sandbox`` the commands act on the seeded fake district, whose state is kept in the store
between invocations (see :mod:`confkit.policy.sandbox`), so ``enforce --apply --sandbox`` then
``rollback RUN_ID --sandbox`` work as they would on a real tenant.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from confkit.capabilities import Control
from confkit.cli.common import err, guarded, out
from confkit.cli.options import CONFIG
from confkit.errors import ConfigurationError
from confkit.http.clock import Clock
from confkit.policy import engine
from confkit.policy.loader import builtin_policy, load_policy
from confkit.policy.matrix import build_matrix, to_markdown
from confkit.policy.model import SecurityPolicy
from confkit.policy.report import print_plan, print_run, print_table, to_csv, to_html, to_json
from confkit.policy.sandbox import DEFAULT_SEED, load_sandbox, reset_sandbox, sandbox_policy, save_sandbox
from confkit.provider import Provider
from confkit.registry import available, connect
from confkit.sandbox import Sandbox
from confkit.store.core import Store, default_path
from confkit.store.enforce import EnforceStore


class MatrixFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"


class AuditFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    HTML = "html"


class PlanFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


PROVIDERS = typer.Option(None, "--provider", "-p", help="Provider (zoom, webex, google); repeatable. Default: all.")
POLICY = typer.Option(
    None,
    "--policy",
    help="Policy file (.toml, .yaml) or built-in name. Default: k12 (with --sandbox: k12 + its domains).",
)
SANDBOX = typer.Option(False, "--sandbox", help="Act on the built-in fake district (its state is kept in the store).")
STORE = typer.Option(
    None, "--store", help="SQLite store (default: $CONFKIT_STORE or ~/.local/share/confkit/confkit.db)."
)
OUTPUT = typer.Option(None, "--output", "-o", help="Write the report to this file instead of stdout.")
WORKERS = typer.Option(engine.DEFAULT_WORKERS, "--workers", min=1, max=64, help="Concurrent requests per provider.")
RESET = typer.Option(False, "--reset-sandbox", help="With --sandbox: start again from the freshly seeded district.")


# -- plumbing --------------------------------------------------------------------------------------


class PolicySession:
    """Providers (configured tenants or the persisted sandbox), the policy and the store of one command."""

    def __init__(self, *, config: str | None, sandbox: bool, store: str | None, reset: bool = False) -> None:
        self.config = config
        self._store_path = store
        self._store: Store | None = None
        self.sandbox: Sandbox | None = None
        if reset and not sandbox:
            raise ConfigurationError("--reset-sandbox only makes sense with --sandbox")
        if sandbox:
            if reset:
                reset_sandbox(self.store)
            self.sandbox = load_sandbox(self.store, seed=DEFAULT_SEED)
        self._open: list[Provider] = []

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store.open(self._store_path)
        return self._store

    @property
    def clock(self) -> Clock | None:
        return self.sandbox.clock if self.sandbox is not None else None

    def names(self, requested: list[str] | None) -> list[str]:
        if requested:
            known = available()
            for name in requested:
                if name not in known:
                    raise ConfigurationError(f"unknown provider {name!r}; available providers: {', '.join(known)}")
            if self.sandbox is not None:
                missing = [n for n in requested if n not in self.sandbox.providers]
                if missing:
                    raise ConfigurationError(
                        f"the sandbox has no {', '.join(missing)} platform; it has: {', '.join(self.sandbox.providers)}"
                    )
            return list(dict.fromkeys(requested))
        if self.sandbox is not None:
            return self.sandbox.providers
        raise ConfigurationError("name a provider with --provider (e.g. --provider zoom), or use --sandbox")

    def connect(self, names: list[str]) -> list[Provider]:
        conns = []
        for name in names:
            provider = (
                self.sandbox.connect(name) if self.sandbox is not None else connect(name, config_file=self.config)
            )
            self._open.append(provider)
            conns.append(provider)
        return conns

    def policy(self, source: str | None) -> SecurityPolicy:
        policy = load_policy(source) if source else builtin_policy("k12")
        if self.sandbox is not None and source is None:
            policy = sandbox_policy(policy, self.sandbox.district)
        return policy

    def save_sandbox(self, touched: list[str]) -> None:
        if self.sandbox is None:
            return
        lost = [n for n in save_sandbox(self.store, self.sandbox, seed=DEFAULT_SEED) if n in touched]
        if lost:
            err.print(
                f"[yellow]note:[/] the sandbox's {', '.join(lost)} fake cannot be saved between invocations; "
                "its changes are gone when this command ends",
                highlight=False,
            )

    def close(self) -> None:
        for provider in self._open:
            provider.close()
        if self._store is not None:
            self._store.close()


@contextmanager
def policy_session(
    config: str | None, sandbox: bool, store: str | None, reset: bool = False
) -> Iterator[PolicySession]:
    s = PolicySession(config=config, sandbox=sandbox, store=store, reset=reset)
    try:
        yield s
    finally:
        s.close()


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(f"cannot write {output}: {exc.strerror}") from None
    err.print(f"wrote {output}", highlight=False)


# -- commands ------------------------------------------------------------------------------------------


@guarded
def capabilities(
    provider: list[str] | None = PROVIDERS,
    fmt: MatrixFormat = typer.Option(MatrixFormat.TABLE, "--format", "-f", case_sensitive=False),
    output: Path | None = OUTPUT,
) -> None:
    """What each platform can do for each security control (support, levels, lock, vendor fields)."""
    if provider:
        known = available()
        for name in provider:
            if name not in known:
                raise ConfigurationError(f"unknown provider {name!r}; available providers: {', '.join(known)}")
    matrix = build_matrix(provider or None)
    if fmt is MatrixFormat.JSON:
        _emit(matrix.to_json(), output)
        return
    if fmt is MatrixFormat.MARKDOWN:
        _emit(to_markdown(matrix), output)
        return
    from rich.table import Table

    table = Table(title="Capability matrix", title_justify="left", header_style="bold", show_lines=True)
    table.add_column("Control", overflow="fold", min_width=18)
    for name in matrix.providers:
        table.add_column(matrix.display_names[name], overflow="fold")
    for control in sorted({c.control for c in matrix.cells}, key=list(Control).index):
        row = [control.value]
        for name in matrix.providers:
            cell = matrix.cell(control, name)
            lock = " [bold]lockable[/]" if cell.lockable else ""
            levels = f"\n[dim]{', '.join(cell.levels)}[/]" if cell.levels else ""
            row.append(f"{cell.support.value}{lock}{levels}")
        table.add_row(*row)
    if output is None:
        out.print(table)
    else:
        with output.open("w", encoding="utf-8") as fh:
            Console(file=fh, width=160).print(table)
    for name, why in matrix.skipped.items():
        err.print(f"skipped {name}: {why}", highlight=False, markup=False)


@guarded
def audit(
    provider: list[str] | None = PROVIDERS,
    policy: str | None = POLICY,
    fmt: AuditFormat = typer.Option(AuditFormat.TABLE, "--format", "-f", case_sensitive=False),
    output: Path | None = OUTPUT,
    sandbox: bool = SANDBOX,
    strict: bool = typer.Option(False, "--strict", help="Exit 1 also for controls a platform cannot enforce."),
    limit: int | None = typer.Option(50, "--limit", help="Table format: rows shown per section (0 = all)."),
    workers: int = WORKERS,
    config: str | None = CONFIG,
    store: str | None = STORE,
    reset: bool = RESET,
) -> None:
    """Audit account settings and every upcoming meeting against the policy. Exit 0 / 1 findings / 2 error."""
    with policy_session(config, sandbox, store, reset) as s:
        chosen = s.policy(policy)
        conns = s.connect(s.names(provider))
        report = engine.audit(conns, chosen, workers=workers, clock=s.clock)
        district = s.sandbox.district.name if s.sandbox is not None else None
    if fmt is AuditFormat.JSON:
        _emit(to_json(report), output)
    elif fmt is AuditFormat.CSV:
        _emit(to_csv(report), output)
    elif fmt is AuditFormat.HTML:
        _emit(to_html(report, district=district), output)
    elif output is None:
        _print_audit(out, report, limit)
    else:
        with output.open("w", encoding="utf-8") as fh:
            _print_audit(Console(file=fh, width=200), report, limit)
    for problem in report.errors:
        err.print(f"[bold red]error:[/] {escape(str(problem))}", highlight=False)
    raise typer.Exit(report.exit_code(strict=strict))


@guarded
def enforce(
    provider: list[str] | None = PROVIDERS,
    policy: str | None = POLICY,
    do_apply: bool = typer.Option(False, "--apply", help="Make the changes (default: only show the plan)."),
    resume_run: str | None = typer.Option(None, "--resume", metavar="RUN_ID", help="Continue an interrupted run."),
    fmt: PlanFormat = typer.Option(PlanFormat.TABLE, "--format", "-f", case_sensitive=False),
    sandbox: bool = SANDBOX,
    workers: int = WORKERS,
    config: str | None = CONFIG,
    store: str | None = STORE,
    reset: bool = RESET,
) -> None:
    """Show (default) or apply (--apply) the changes that make every platform match the policy."""
    if resume_run and (do_apply or policy):
        raise ConfigurationError(
            "--resume continues a run with its own policy; do not combine it with --apply/--policy"
        )
    with policy_session(config, sandbox, store, reset) as s:
        if resume_run:
            runs = EnforceStore(s.store)
            record = runs.get_run(resume_run)
            _same_world(record.sandbox, sandbox, resume_run)
            names = s.names(provider or [n for n in record.providers if s.sandbox is None or n in s.sandbox.providers])
            conns = s.connect(names)
            result = engine.resume(resume_run, conns, store=runs, workers=workers, clock=s.clock)
            s.save_sandbox(names)
            _print_run(result, fmt)
            raise typer.Exit(0 if result.status == "completed" else 1)
        chosen = s.policy(policy)
        conns = s.connect(s.names(provider))
        runs = EnforceStore(s.store)
        planned = engine.plan(conns, chosen, store=runs, workers=workers, clock=s.clock)
        for problem in planned.audit.errors:
            err.print(f"[bold red]error:[/] {escape(str(problem))}", highlight=False)
        if not do_apply:
            if fmt is PlanFormat.JSON:
                _emit(planned.model_dump_json(indent=2, exclude={"audit", "policy"}) + "\n", None)
            else:
                print_plan(out, planned)
                if planned.changes:
                    out.print("dry run: nothing was changed; add [bold]--apply[/] to make these changes.")
            raise typer.Exit(2 if planned.audit.errors else 0)
        result = engine.apply(planned, conns, store=runs, sandbox=sandbox, workers=workers, clock=s.clock)
        s.save_sandbox([c.name for c in conns])
        _print_run(result, fmt)
        if result.items and result.status != "completed":
            err.print(
                f"resume with: confkit enforce --resume {result.run_id}{' --sandbox' if sandbox else ''}",
                highlight=False,
            )
        code = 2 if planned.audit.errors else (0 if result.status == "completed" else 1)
        raise typer.Exit(code)


def _print_audit(console: Console, report: engine.AuditReport, limit: int | None) -> None:
    print_table(console, report, limit=limit or None)
    if report.compliant:
        gaps = len(report.unsupported)
        console.print(
            f"[green]compliant[/] with policy {report.policy!r}"
            + (f"; {gaps} platform limitation(s) listed above (not enforceable there)" if gaps else ""),
            highlight=False,
        )


def _same_world(run_sandbox: bool, sandbox: bool, run_id: str) -> None:
    if run_sandbox and not sandbox:
        raise ConfigurationError(f"run {run_id} was made on the sandbox; add --sandbox")
    if sandbox and not run_sandbox:
        raise ConfigurationError(f"run {run_id} was made on real tenants; drop --sandbox")


def _print_run(result: engine.RunResult, fmt: PlanFormat) -> None:
    if fmt is PlanFormat.JSON:
        _emit(result.model_dump_json(indent=2) + "\n", None)
    else:
        print_run(out, result)


@guarded
def rollback(
    run_id: str = typer.Argument(..., help="The run id printed by enforce --apply (see confkit runs)."),
    provider: list[str] | None = PROVIDERS,
    fmt: PlanFormat = typer.Option(PlanFormat.TABLE, "--format", "-f", case_sensitive=False),
    sandbox: bool = SANDBOX,
    workers: int = WORKERS,
    config: str | None = CONFIG,
    store: str | None = STORE,
) -> None:
    """Restore exactly the values a run changed (account settings first, then meetings)."""
    with policy_session(config, sandbox, store) as s:
        runs = EnforceStore(s.store)
        record = runs.get_run(run_id)
        _same_world(record.sandbox, sandbox, run_id)
        names = s.names(provider or [n for n in record.providers if s.sandbox is None or n in s.sandbox.providers])
        conns = s.connect(names)
        result = engine.rollback(run_id, conns, store=runs, workers=workers, clock=s.clock)
        s.save_sandbox(names)
        _print_run(result, fmt)
        raise typer.Exit(0 if result.status == "rolled_back" else 1)


@guarded
def runs(
    limit: int = typer.Option(20, "--limit", min=1),
    run_id: str | None = typer.Argument(None, help="Show the items of this run."),
    store: str | None = STORE,
) -> None:
    """List enforce runs in the store, or the items of one run."""
    path = store or str(default_path())
    with Store.open(path) as db:
        repo = EnforceStore(db)
        if run_id:
            print_run(out, engine.run_items(run_id, store=repo), verbose=True)
            return
        from rich.table import Table

        table = Table(title=f"Enforce runs in {path}", title_justify="left", header_style="bold")
        for heading in ("Run id", "Created (UTC)", "Status", "Policy", "Where", "Items"):
            table.add_column(heading, no_wrap=heading == "Run id")
        for r in repo.list_runs(limit):
            counts = ", ".join(f"{n} {k}" for k, n in sorted(r.counts.items())) or "none"
            table.add_row(
                r.id,
                r.created_at[:19].replace("T", " "),
                r.status,
                r.policy_name,
                "sandbox" if r.sandbox else ", ".join(r.providers),
                counts,
            )
        out.print(table)


def register(app: typer.Typer) -> None:
    """Add the policy commands to the ``confkit`` app."""
    app.command("capabilities")(capabilities)
    app.command("audit")(audit)
    app.command("enforce")(enforce)
    app.command("rollback")(rollback)
    app.command("runs")(runs)


__all__ = ["audit", "capabilities", "enforce", "register", "rollback", "runs"]


# -- the policy part of `confkit demo` -----------------------------------------------------------------


def policy_demo(sandbox: Sandbox, *, seed: int) -> None:
    """audit → enforce --apply → audit again, on every platform of ``sandbox``, with the k12 baseline.

    The run is recorded in the default store and, for the default seed, the enforced district is
    saved as the ``--sandbox`` state, so ``confkit rollback RUN_ID --sandbox`` undoes it afterwards.
    """
    from confkit.policy.plugin import provider_policy

    policy = sandbox_policy(builtin_policy("k12"), sandbox.district)
    try:
        store = Store.open()
        where = store.path
    except ConfigurationError:
        store, where = Store(":memory:"), "memory (the default store cannot be opened)"
    persist = seed == DEFAULT_SEED and where == store.path and store.path != ":memory:"
    if persist:
        reset_sandbox(store)
    runs = EnforceStore(store)
    out.rule(f"[bold]District security policy {policy.name!r}[/]: audit \u2192 enforce --apply \u2192 audit")
    auth = policy.controls.authenticated_only
    domains = ", ".join(auth.allowed_domains) if auth is not None else "-"
    out.print(f"{len(policy.entries())} controls, each locked where the platform allows; signed-in users of {domains}")
    run_ids: list[tuple[str, str]] = []
    for name in sandbox.providers:
        provider = sandbox.connect(name)
        with provider:
            out.print(f"\n[bold]{provider.display_name}[/]")
            if provider_policy(name) is None:
                out.print(f"  [yellow]skipped:[/] no policy module for {name} yet (confkit/providers/{name}/policy.py)")
                continue
            before = audit_line(engine.audit(provider, policy, clock=sandbox.clock))
            out.print(f"  1. audit:   {before}", highlight=False)
            planned = engine.plan(provider, policy, store=runs, clock=sandbox.clock)
            result = engine.apply(planned, provider, store=runs, sandbox=True, clock=sandbox.clock)
            run_ids.append((name, result.run_id))
            kinds = Counter(i.kind for i in result.items if i.status == "applied")
            out.print(
                f"  2. enforce --apply: run [bold]{result.run_id}[/] {result.status}: "
                f"{kinds.get('account', 0)} account write(s), {kinds.get('meeting', 0)} meeting write(s)"
                + (f", {result.counts.get('deferred', 0)} deferred" if result.counts.get("deferred") else ""),
                highlight=False,
            )
            after = engine.audit(provider, policy, clock=sandbox.clock)
            out.print(f"  3. audit:   {audit_line(after)}", highlight=False)
            for gap in after.unsupported:
                out.print(
                    f"       [dim]not enforceable: {gap.control.value}"
                    f"{' (lock)' if gap.aspect == 'lock' else ''}: {gap.remediation}[/]",
                    highlight=False,
                )
    if persist:
        lost = save_sandbox(store, sandbox, seed=seed)
        kept = [(name, run_id) for name, run_id in run_ids if name not in lost]
        out.print(f"\nThe enforced district is now the --sandbox state (store {where}). Try:")
        out.print("  confkit audit --sandbox --format html -o audit.html")
        for name, run_id in kept:
            out.print(f"  confkit rollback {run_id} --sandbox      # {name}: back to the seeded district, exactly")
        if lost:
            out.print(f"  [dim](the {', '.join(lost)} fake cannot be kept between invocations: it starts seeded)[/]")
    store.close()


def audit_line(report: engine.AuditReport) -> str:
    p = report.providers[0]
    if p.error:
        return f"[red]error: {p.error}[/]"
    if not p.violations:
        return (
            f"[green]compliant[/] ({p.meetings} meetings, {p.checks} checks); "
            f"{p.unsupported} control aspect(s) not enforceable on this platform"
        )
    by_control = Counter(f.control.value for f in report.violations)
    top = ", ".join(f"{c} {n}" for c, n in by_control.most_common())
    return f"[red]{p.violations} findings[/] in {p.meetings} meetings + account: {top}"
