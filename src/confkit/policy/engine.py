"""The provider-neutral policy engine: audit, plan, apply, resume and roll back.

``audit`` reads every provider's account settings and every upcoming meeting of every active user
and turns the provider policies' :class:`~confkit.policy.plugin.Check` results into findings.
``plan`` does the same read and asks each provider policy for the writes that fix what it can,
planning around per-host daily write limits (beyond the budget: *deferred*, with the time the
budget resets). ``apply`` records a run in the store, saves each item's prior values before the
write, and executes; ``resume`` continues a run that stopped half-way (or whose deferred items are
now due); ``rollback`` restores the prior values of a run, account first (so no lock blocks the
meeting writes), then meetings.
"""

from __future__ import annotations

import secrets
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, Field

from confkit.capabilities import Capabilities, Control, Support
from confkit.errors import (
    ConfigurationError,
    ConfkitError,
    ConflictError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    UnrepresentableError,
    UnsupportedOperationError,
)
from confkit.http.clock import Clock, SystemClock
from confkit.models import AccountSettings, Meeting, UserStatus
from confkit.policy.loader import builtin_policy
from confkit.policy.model import ControlPolicy, SecurityPolicy, Severity
from confkit.policy.plugin import (
    AccountContext,
    Aspect,
    Change,
    Check,
    ProviderPolicy,
    Resource,
    provider_policy,
)
from confkit.provider import Provider
from confkit.store.core import Store
from confkit.store.enforce import EnforceStore, ItemRecord, ItemStatus, RunStatus

FindingKind = Literal["violation", "unsupported"]
R = TypeVar("R")
DEFAULT_WORKERS = 8


# -- results -----------------------------------------------------------------------------------------


class Finding(BaseModel):
    """One way reality differs from the policy on one resource of one provider."""

    provider: str
    control: Control
    kind: FindingKind = Field(description="violation: enforceable; unsupported: the platform cannot enforce it.")
    aspect: Aspect = "value"
    resource: Resource
    expected: str
    actual: str
    severity: Severity
    remediation: str
    baseline_ids: list[str] = Field(default_factory=list)
    fields: list[str] = Field(default_factory=list)


class ProviderAudit(BaseModel):
    provider: str
    display_name: str
    users: int = 0
    meetings: int = 0
    checks: int = 0
    violations: int = 0
    unsupported: int = 0
    by_severity: dict[str, int] = Field(default_factory=dict)
    error: str | None = None

    @property
    def compliant(self) -> bool:
        return self.error is None and self.violations == 0


class AuditReport(BaseModel):
    policy: str
    policy_title: str = ""
    generated_at: datetime
    providers: list[ProviderAudit]
    findings: list[Finding]

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.kind == "violation"]

    @property
    def unsupported(self) -> list[Finding]:
        return [f for f in self.findings if f.kind == "unsupported"]

    @property
    def errors(self) -> list[str]:
        return [f"{p.provider}: {p.error}" for p in self.providers if p.error]

    @property
    def compliant(self) -> bool:
        return not self.errors and not self.violations

    def exit_code(self, *, strict: bool = False) -> int:
        """0 compliant, 1 findings (violations; with ``strict`` also unsupported controls), 2 error."""
        if self.errors:
            return 2
        if self.violations or (strict and self.unsupported):
            return 1
        return 0


class PlannedChange(BaseModel):
    provider: str
    resource: Resource
    controls: list[Control]
    summary: list[str]
    status: Literal["planned", "deferred"] = "planned"
    reason: str | None = None
    not_before: datetime | None = None
    forward: dict[str, Any] = Field(default_factory=dict, repr=False)
    prior: dict[str, Any] = Field(default_factory=dict, repr=False)


class Plan(BaseModel):
    policy: SecurityPolicy
    audit: AuditReport
    changes: list[PlannedChange]

    @property
    def planned(self) -> list[PlannedChange]:
        return [c for c in self.changes if c.status == "planned"]

    @property
    def deferred(self) -> list[PlannedChange]:
        return [c for c in self.changes if c.status == "deferred"]


class ItemResult(BaseModel):
    seq: int
    provider: str
    kind: str
    resource_id: str
    topic: str | None = None
    host: str | None = None
    controls: list[str]
    summary: list[str]
    status: str
    error: str | None = None
    not_before: str | None = None


class RunResult(BaseModel):
    """The outcome of ``apply``, ``resume`` or ``rollback`` of one enforce run."""

    run_id: str
    operation: Literal["apply", "resume", "rollback"]
    status: str
    sandbox: bool = False
    items: list[ItemResult]

    @property
    def counts(self) -> dict[str, int]:
        return dict(Counter(i.status for i in self.items))

    @property
    def changed(self) -> int:
        """Items written by this operation."""
        done = "rolled_back" if self.operation == "rollback" else "applied"
        return sum(1 for i in self.items if i.status == done)


# -- helpers -------------------------------------------------------------------------------------------

_DEMOTE = {s: list(Severity)[min(i + 1, len(Severity) - 1)] for i, s in enumerate(Severity)}


def _severity(entry: ControlPolicy, aspect: Aspect, kind: FindingKind, support: Support | None = None) -> Severity:
    base = entry.effective_severity
    if kind == "unsupported":
        return _DEMOTE[base] if support is Support.NONE else Severity.INFO
    return _DEMOTE[base] if aspect == "lock" else base


def _enforce_store(store: EnforceStore | Store | str | Path | None) -> EnforceStore:
    if isinstance(store, EnforceStore):
        return store
    if isinstance(store, Store):
        return EnforceStore(store)
    return EnforceStore(Store.open(store))


def _by_name(providers: Provider | Iterable[Provider]) -> dict[str, Provider]:
    items = [providers] if isinstance(providers, Provider) else list(providers)
    return {p.name: p for p in items}


def _plugin(name: str) -> ProviderPolicy:
    found = provider_policy(name)
    if found is None:
        raise ConfigurationError(
            f"confkit has no policy module for {name!r} yet (confkit/providers/{name}/policy.py); "
            "it cannot be audited or enforced"
        )
    return found


def _matrix_findings(
    name: str, caps: Capabilities, policy: SecurityPolicy
) -> tuple[list[Finding], set[Control], set[Control]]:
    """Findings the capability matrix predicts, the controls to skip, and the ones not lockable."""
    findings: list[Finding] = []
    skip: set[Control] = set()
    unlockable: set[Control] = set()
    account = Resource.account()
    for control, entry in policy.entries():
        cs = caps.control(control)  # undeclared: support none, "not declared by this provider"
        common = {
            "provider": name,
            "control": control,
            "resource": account,
            "baseline_ids": entry.baseline_ids,
            "fields": list(cs.vendor_fields),
        }
        if cs.support is Support.NONE:
            skip.add(control)
            findings.append(
                Finding(
                    kind="unsupported",
                    aspect="value",
                    expected=entry.expected(),
                    actual=f"not available on {name}",
                    severity=_severity(entry, "value", "unsupported", Support.NONE),
                    remediation=cs.note or "no setting exists; handle it by procedure",
                    **common,
                )
            )
            continue
        if cs.support is Support.PARTIAL:
            findings.append(
                Finding(
                    kind="unsupported",
                    aspect="value",
                    expected=entry.expected(),
                    actual=f"only partly available on {name}",
                    severity=Severity.INFO,
                    remediation=cs.note or "partly enforceable",
                    **common,
                )
            )
        if entry.lock and not cs.lockable:
            unlockable.add(control)
            findings.append(
                Finding(
                    kind="unsupported",
                    aspect="lock",
                    expected="locked",
                    actual=f"{name} has no lock for it",
                    severity=Severity.INFO,
                    remediation="hosts can change it; audit regularly",
                    **common,
                )
            )
    return findings, skip, unlockable


def _findings(
    name: str,
    checks: Iterable[Check],
    resource: Resource,
    policy: SecurityPolicy,
    skip: set[Control],
    unlockable: set[Control],
) -> tuple[list[Finding], int]:
    out: list[Finding] = []
    count = 0
    for check in checks:
        if check.control in skip or (check.aspect == "lock" and check.control in unlockable):
            continue
        count += 1
        if check.compliant:
            continue
        entry = policy.get(check.control)
        if entry is None:
            continue
        kind: FindingKind = "violation" if check.enforceable else "unsupported"
        out.append(
            Finding(
                provider=name,
                control=check.control,
                kind=kind,
                aspect=check.aspect,
                resource=resource,
                expected=check.expected,
                actual=check.actual,
                severity=_severity(entry, check.aspect, kind),
                remediation=(
                    f"confkit enforce --apply -p {name}" + (f" ({check.remediation})" if check.remediation else "")
                )
                if kind == "violation"
                else check.remediation,
                baseline_ids=entry.baseline_ids,
                fields=list(check.fields),
            )
        )
    return out, count


# -- scanning --------------------------------------------------------------------------------------------


@dataclass
class _Scan:
    audit: ProviderAudit
    findings: list[Finding] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)


def _scan(
    provider: Provider,
    policy: SecurityPolicy,
    *,
    plan: bool,
    workers: int,
    only: Callable[[Meeting], bool] | None = None,
) -> _Scan:
    name = provider.name
    result = _Scan(ProviderAudit(provider=name, display_name=provider.display_name))
    try:
        plugin = _plugin(name)
        matrix, skip, unlockable = _matrix_findings(name, provider.capabilities, policy)
        result.findings += matrix
        effective = _without(policy, skip)
        context = AccountContext()
        try:
            settings: AccountSettings | None = provider.get_account_settings()
        except UnsupportedOperationError as exc:
            settings = None
            context.notes.append(exc.one_line())
        context.settings = settings
        if settings is not None:
            found, count = _findings(
                name, plugin.audit_account(settings, effective), Resource.account(), policy, skip, unlockable
            )
            result.findings += found
            result.audit.checks += count
            if plan:
                change = plugin.plan_account(settings, _without_locks(effective, unlockable))
                if change is not None:
                    result.changes.append(change)
        lock = threading.Lock()
        patient = _Patience(getattr(provider, "clock", None) or SystemClock())

        def check_meeting(listed: Meeting) -> None:
            try:
                meeting = patient.call(plugin.meeting_detail, provider, listed)
            except NotFoundError:
                return  # deleted between the list and the read
            if only is not None and not only(meeting):
                return
            checks = plugin.audit_meeting(meeting, effective, context)
            found, count = _findings(name, checks, Resource.of(meeting), policy, skip, unlockable)
            change = plugin.plan_meeting(meeting, effective, context) if plan else None
            with lock:
                result.audit.meetings += 1
                result.audit.checks += count
                result.findings.extend(found)
                if change is not None:
                    result.changes.append(change)

        def host_meetings(host: str) -> list[Meeting]:
            return patient.call(lambda: list(provider.list_meetings(host)))

        # Two pools: listing (one request per host page) and per-meeting reads run in parallel, so
        # each rate-limit bucket stays busy; the limiter in HttpCore paces both.
        with (
            ThreadPoolExecutor(workers, thread_name_prefix=f"{name}-list") as lister,
            ThreadPoolExecutor(workers * 2, thread_name_prefix=f"{name}-read") as reader,
        ):
            listing: set[Future[list[Meeting]]] = set()
            reading: set[Future[None]] = set()
            for user in provider.list_users(status=UserStatus.ACTIVE):
                result.audit.users += 1
                listing.add(lister.submit(host_meetings, user.id or user.email))
                listing, reading = _drain(listing, reading, reader, check_meeting, block=False)
            while listing:
                listing, reading = _drain(listing, reading, reader, check_meeting, block=True)
            for future in reading:
                future.result()
    except ConfkitError as exc:
        result.audit.error = exc.one_line()
    result.findings.sort(key=_finding_order)
    result.changes.sort(key=lambda c: (c.resource.kind != "account", c.resource.host or "", c.resource.id))
    result.audit.violations = sum(1 for f in result.findings if f.kind == "violation")
    result.audit.unsupported = sum(1 for f in result.findings if f.kind == "unsupported")
    result.audit.by_severity = dict(Counter(f.severity.value for f in result.findings if f.kind == "violation"))
    return result


class _Patience:
    """Reads in an audit outlast short throttling: a per-second 429 that survived the HTTP core's own
    retries is waited out (its ``Retry-After``, else a second) up to ``tries`` more times. Daily limits
    are not waited for."""

    def __init__(self, clock: Clock, tries: int = 5) -> None:
        self.clock = clock
        self.tries = tries

    def call(self, fn: Callable[..., R], *args: Any) -> R:
        for attempt in range(self.tries + 1):
            try:
                return fn(*args)
            except RateLimitedError as exc:
                if exc.scope == "daily" or attempt == self.tries:
                    raise
                wait = (exc.retry_at - self.clock.now()).total_seconds() if exc.retry_at else 1.0
                self.clock.sleep(min(max(wait, 0.5), 30.0))
        raise AssertionError("unreachable")


def _drain(
    listing: set[Future[list[Meeting]]],
    reading: set[Future[None]],
    reader: ThreadPoolExecutor,
    check: Callable[[Meeting], None],
    *,
    block: bool,
) -> tuple[set[Future[list[Meeting]]], set[Future[None]]]:
    if not listing:
        return listing, reading
    done, pending = wait(listing, timeout=None if block else 0, return_when=FIRST_COMPLETED)
    for listed in done:
        for meeting in listed.result():
            reading.add(reader.submit(check, meeting))
    finished = {f for f in reading if f.done()}
    for read in finished:
        read.result()  # surface errors early
    return set(pending), reading - finished


def _finding_order(f: Finding) -> tuple[int, int, str, str, str, str]:
    return (
        0 if f.kind == "violation" else 1,
        f.severity.rank,
        (f.resource.host or "") if f.resource.kind != "account" else "",
        f.resource.id,
        f.control.value,
        f.aspect,
    )


def _without(policy: SecurityPolicy, skip: set[Control]) -> SecurityPolicy:
    if not skip:
        return policy
    controls = policy.controls.model_copy(update={c.value: None for c in skip})
    return policy.model_copy(update={"controls": controls})


def _without_locks(policy: SecurityPolicy, unlockable: set[Control]) -> SecurityPolicy:
    if not unlockable:
        return policy
    update: dict[str, Any] = {}
    for control in unlockable:
        entry = policy.get(control)
        if entry is not None:
            update[control.value] = entry.model_copy(update={"lock": False})
    return policy.model_copy(update={"controls": policy.controls.model_copy(update=update)})


def _run_scans(providers: Sequence[Provider], policy: SecurityPolicy, *, plan: bool, workers: int) -> list[_Scan]:
    if len(providers) <= 1:
        return [_scan(p, policy, plan=plan, workers=workers) for p in providers]
    with ThreadPoolExecutor(len(providers), thread_name_prefix="provider") as pool:
        return list(pool.map(lambda p: _scan(p, policy, plan=plan, workers=workers), providers))


def _report(policy: SecurityPolicy, scans: Sequence[_Scan], clock: Clock) -> AuditReport:
    return AuditReport(
        policy=policy.name,
        policy_title=policy.title,
        generated_at=clock.now(),
        providers=[s.audit for s in scans],
        findings=[f for s in scans for f in s.findings],
    )


# -- public API: audit and plan ----------------------------------------------------------------------------


def audit(
    providers: Provider | Iterable[Provider],
    policy: SecurityPolicy | None = None,
    *,
    workers: int = DEFAULT_WORKERS,
    clock: Clock | None = None,
) -> AuditReport:
    """Audit ``providers`` against ``policy`` (default: the built-in ``k12`` baseline).

    Reads account settings and every upcoming meeting of every active user. A provider that fails
    is reported in ``AuditReport.providers[i].error`` (and ``exit_code()`` is 2); the others go on.
    """
    policy = policy or builtin_policy("k12")
    scans = _run_scans(list(_by_name(providers).values()), policy, plan=False, workers=workers)
    return _report(policy, scans, clock or SystemClock())


def plan(
    providers: Provider | Iterable[Provider],
    policy: SecurityPolicy | None = None,
    *,
    store: EnforceStore | Store | str | Path | None = None,
    workers: int = DEFAULT_WORKERS,
    clock: Clock | None = None,
) -> Plan:
    """What ``apply`` would change, after a fresh audit. Nothing is written.

    Meeting writes beyond a platform's per-host daily limit (less what the store says confkit already
    wrote for that host today) are planned as ``deferred`` until the limit resets.
    """
    policy = policy or builtin_policy("k12")
    clock = clock or SystemClock()
    conns = list(_by_name(providers).values())
    scans = _run_scans(conns, policy, plan=True, workers=workers)
    runs = _enforce_store(store) if store is not None else None
    changes: list[PlannedChange] = []
    now = clock.now()
    for scan in scans:
        name = scan.audit.provider
        plugin = provider_policy(name)
        budgets = _Budgets(name, plugin, runs, now)
        for change in scan.changes:
            planned = PlannedChange(
                provider=name,
                resource=change.resource,
                controls=list(change.controls),
                summary=list(change.summary),
                forward=change.forward,
                prior=change.prior,
            )
            if change.resource.kind == "meeting" and not budgets.take(change.resource.host_id):
                planned.status = "deferred"
                planned.reason = budgets.reason
                planned.not_before = budgets.reset
            changes.append(planned)
    return Plan(policy=policy, audit=_report(policy, scans, clock), changes=changes)


class _Budgets:
    """Per-host write budgets for one provider for today."""

    def __init__(self, name: str, plugin: ProviderPolicy | None, runs: EnforceStore | None, now: datetime) -> None:
        self.name = name
        self.limit = plugin.write_limit() if plugin is not None else None
        self.reset = plugin.next_window(now) if plugin is not None and self.limit is not None else None
        self.reason = self.limit.description + "; planned for after the limit resets" if self.limit else None
        self.runs = runs
        self.day_start = datetime.combine(now.astimezone(UTC).date(), datetime.min.time(), tzinfo=UTC)
        self.left: dict[str, int] = {}
        self.lock = threading.Lock()

    def take(self, host_id: str | None) -> bool:
        if self.limit is None or host_id is None:
            return True
        with self.lock:
            if host_id not in self.left:
                used = self.runs.writes_since(self.name, host_id, self.day_start) if self.runs is not None else 0
                self.left[host_id] = self.limit.per_host_per_day - used
            if self.left[host_id] <= 0:
                return False
            self.left[host_id] -= 1
            return True


# -- public API: apply, resume, rollback ------------------------------------------------------------------------


def new_run_id(clock: Clock | None = None) -> str:
    now = (clock or SystemClock()).now().astimezone(UTC)
    return f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


#: Errors about one item: record it as failed and go on with the others.
ITEM_ERRORS = (InvalidRequestError, NotFoundError, ConflictError, UnrepresentableError, PermissionDeniedError)


@dataclass
class _Executor:
    """Executes (or rolls back) items of one run, provider by provider, saving state as it goes."""

    runs: EnforceStore
    run_id: str
    conns: Mapping[str, Provider]
    clock: Clock
    workers: int
    rollback: bool = False
    budgets: dict[str, _Budgets] = field(default_factory=dict)

    def run(self, items: Sequence[ItemRecord]) -> None:
        by_provider: dict[str, list[ItemRecord]] = {}
        for item in items:
            by_provider.setdefault(item.provider, []).append(item)
        for name, group in by_provider.items():
            provider = self.conns.get(name)
            if provider is None:
                for item in group:
                    self._note(item, f"not connected to {name}; run again with --provider {name}")
                continue
            self._provider(name, provider, group)

    def _note(self, item: ItemRecord, message: str) -> None:
        item.error = message
        self.runs.record_error(self.run_id, item.seq, message)

    def _provider(self, name: str, provider: Provider, items: list[ItemRecord]) -> None:
        plugin = _plugin(name)
        stop = threading.Event()
        blocked: dict[str, tuple[str, datetime | None]] = {}  # host id or "*" -> (reason, until)
        lock = threading.Lock()
        budgets = self.budgets.setdefault(name, _Budgets(name, plugin, self.runs, self.clock.now()))

        def one(item: ItemRecord) -> None:
            if stop.is_set():
                return
            host = item.host_id or ""
            with lock:
                hold = blocked.get(host) or blocked.get("*")
            if hold is not None:
                self._defer(item, *hold)
                return
            if item.kind == "meeting" and not budgets.take(item.host_id):
                self._defer(item, budgets.reason or "daily write limit", budgets.reset)
                return
            payload = item.prior if self.rollback else item.forward
            if payload is None:
                return
            if not self.rollback:
                self.runs.start(self.run_id, item.seq, item.prior or {})
            try:
                plugin.execute(provider, "account" if item.kind == "account" else "meeting", item.resource_id, payload)
            except RateLimitedError as exc:
                if exc.scope != "daily":
                    stop.set()
                    self._fail(item, exc)
                    return
                until = exc.retry_at or plugin.next_window(self.clock.now())
                per_host = bool(exc.category and "host" in exc.category) and bool(item.host_id)
                with lock:
                    blocked[host if per_host else "*"] = (exc.one_line(), until)
                self._defer(item, exc.one_line(), until)
            except ITEM_ERRORS as exc:
                self._fail(item, exc)
            except ConfkitError as exc:
                stop.set()
                self._fail(item, exc)
            except Exception as exc:  # a bug: stop this provider, keep the run resumable, then raise
                stop.set()
                self._fail(item, exc)
                raise
            else:
                status: ItemStatus = "rolled_back" if self.rollback else "applied"
                self.runs.finish(self.run_id, item.seq, status, at=self.clock.now())
                item.status = status
                item.error = None

        accounts = [i for i in items if i.kind == "account"]
        meetings = [i for i in items if i.kind != "account"]
        for item in accounts:  # account first: its locks must be off before meeting rollbacks
            one(item)
        if meetings and not stop.is_set():
            with ThreadPoolExecutor(self.workers, thread_name_prefix=f"{name}-write") as pool:
                for future in [pool.submit(one, item) for item in meetings]:
                    future.result()

    def _defer(self, item: ItemRecord, reason: str, until: datetime | None) -> None:
        if self.rollback:
            self._note(
                item, f"not rolled back yet: {reason}" + (f"; retry after {until:%Y-%m-%d %H:%M} UTC" if until else "")
            )
            return
        self.runs.defer(self.run_id, item.seq, reason, until)
        item.status = "deferred"
        item.deferred_reason = reason
        item.not_before = until.isoformat(timespec="seconds") if until else None

    def _fail(self, item: ItemRecord, exc: BaseException) -> None:
        text = exc.one_line() if isinstance(exc, ConfkitError) else f"{type(exc).__name__}: {exc}"
        if self.rollback:
            self._note(item, f"rollback failed: {text}")
            return
        self.runs.finish(self.run_id, item.seq, "failed", text)
        item.status = "failed"
        item.error = text


def _run_status(items: Sequence[ItemRecord], *, rollback: bool = False) -> RunStatus:
    if rollback:
        pending = [i for i in items if i.status in ("applied", "failed", "in_progress") and i.prior is not None]
        return "rolling_back" if pending else "rolled_back"
    states = {i.status for i in items}
    if states & {"planned", "in_progress"}:
        return "interrupted"
    if states & {"failed", "deferred"}:
        return "partial"
    return "completed"


def _result(runs: EnforceStore, run_id: str, operation: Literal["apply", "resume", "rollback"]) -> RunResult:
    record = runs.get_run(run_id)
    return RunResult(
        run_id=run_id,
        operation=operation,
        status=record.status,
        sandbox=record.sandbox,
        items=[
            ItemResult(
                seq=i.seq,
                provider=i.provider,
                kind=i.kind,
                resource_id=i.resource_id,
                topic=i.topic,
                host=i.host,
                controls=i.controls,
                summary=i.summary,
                status=i.status,
                error=i.error,
                not_before=i.not_before,
            )
            for i in runs.items(run_id)
        ],
    )


def apply(
    plan: Plan,
    providers: Provider | Iterable[Provider],
    *,
    store: EnforceStore | Store | str | Path | None = None,
    sandbox: bool = False,
    workers: int = DEFAULT_WORKERS,
    clock: Clock | None = None,
    run_id: str | None = None,
) -> RunResult:
    """Execute ``plan``: record a run, save each item's prior values, then write. Returns the run.

    A run with nothing to change is still recorded (status ``completed``, no items), so every
    ``enforce --apply`` has a run id. Deferred items stay in the run; ``resume`` applies them later.
    """
    clock = clock or SystemClock()
    runs = _enforce_store(store)
    run_id = run_id or new_run_id(clock)
    conns = _by_name(providers)
    runs.create_run(
        run_id,
        policy_name=plan.policy.name,
        policy=plan.policy.to_json(),
        providers=sorted({c.provider for c in plan.changes} | set(conns)),
        sandbox=sandbox,
    )
    items = [
        ItemRecord(
            run_id=run_id,
            seq=seq,
            provider=c.provider,
            kind=c.resource.kind,
            resource_id=c.resource.id,
            topic=c.resource.topic,
            host=c.resource.host,
            host_id=c.resource.host_id,
            controls=[x.value for x in c.controls],
            summary=list(c.summary),
            forward=c.forward,
            prior=c.prior,
            status=c.status,
            deferred_reason=c.reason,
            not_before=c.not_before.isoformat() if c.not_before else None,
        )
        for seq, c in enumerate(plan.changes, start=1)
    ]
    runs.add_items(items)
    executor = _Executor(runs, run_id, conns, clock, workers)
    try:
        executor.run([i for i in items if i.status == "planned"])
    finally:
        runs.set_run_status(run_id, _run_status(runs.items(run_id)))
    return _result(runs, run_id, "apply")


def resume(
    run_id: str,
    providers: Provider | Iterable[Provider],
    *,
    store: EnforceStore | Store | str | Path | None = None,
    workers: int = DEFAULT_WORKERS,
    clock: Clock | None = None,
) -> RunResult:
    """Continue run ``run_id``: every item not yet applied is re-read, re-planned and written.

    Prior values saved by an earlier attempt are kept (a rollback restores the state from before the
    *first* attempt). An item already compliant is ``applied`` if an earlier attempt may have written
    it, else ``skipped``; a deleted meeting is ``skipped``. Deferred items whose time has not come stay
    deferred.
    """
    clock = clock or SystemClock()
    runs = _enforce_store(store)
    record = runs.get_run(run_id)
    if record.status in ("rolling_back", "rolled_back"):
        raise ConfigurationError(f"run {run_id} was rolled back; start a new enforce run instead")
    policy = SecurityPolicy.model_validate(record.policy)
    conns = _by_name(providers)
    now = clock.now()
    todo: list[ItemRecord] = []
    for item in runs.items(run_id):
        if item.status in ("applied", "rolled_back", "skipped"):
            continue
        if item.status == "deferred" and item.not_before and datetime.fromisoformat(item.not_before) > now:
            continue
        provider = conns.get(item.provider)
        if provider is None:
            continue
        fresh = _replan(provider, item, policy)
        if fresh is None:
            status: ItemStatus = "applied" if item.prior is not None else "skipped"
            runs.finish(run_id, item.seq, status, "already compliant" if status == "skipped" else None, at=now)
            continue
        if isinstance(fresh, str):
            runs.finish(run_id, item.seq, "skipped", fresh, at=now)
            continue
        item.forward = fresh.forward
        item.summary = list(fresh.summary)
        item.prior = _keep_first(item.prior, fresh.prior)
        runs.update_forward(run_id, item.seq, fresh.forward, list(fresh.summary))
        todo.append(item)
    runs.set_run_status(run_id, "running")
    executor = _Executor(runs, run_id, conns, clock, workers)
    try:
        executor.run(todo)
    finally:
        runs.set_run_status(run_id, _run_status(runs.items(run_id)))
    return _result(runs, run_id, "resume")


def _replan(provider: Provider, item: ItemRecord, policy: SecurityPolicy) -> Change | str | None:
    """A fresh change for ``item`` from the resource's current state; a string says why it is gone."""
    plugin = _plugin(provider.name)
    _, skip, unlockable = _matrix_findings(provider.name, provider.capabilities, policy)
    effective = _without_locks(_without(policy, skip), unlockable)
    settings = provider.get_account_settings()
    if item.kind == "account":
        return plugin.plan_account(settings, effective)
    try:
        meeting = provider.get_meeting(item.resource_id)
    except NotFoundError:
        return "the meeting no longer exists"
    return plugin.plan_meeting(meeting, effective, AccountContext(settings))


def _keep_first(saved: dict[str, Any] | None, fresh: dict[str, Any]) -> dict[str, Any]:
    """``saved`` prior values, completed with keys only ``fresh`` has (saved values always win)."""
    if saved is None:
        return fresh
    out = dict(saved)
    for key, value in fresh.items():
        if key not in out:
            out[key] = value
        elif isinstance(value, dict) and isinstance(out[key], dict):
            out[key] = _keep_first(out[key], value)
    return out


def rollback(
    run_id: str,
    providers: Provider | Iterable[Provider],
    *,
    store: EnforceStore | Store | str | Path | None = None,
    workers: int = DEFAULT_WORKERS,
    clock: Clock | None = None,
) -> RunResult:
    """Restore the prior values saved by run ``run_id``: account settings first, then meetings.

    Only items that were (or may have been) written are restored. Running it again continues a
    rollback that stopped (e.g. at a daily limit); items already restored are not written twice.
    """
    clock = clock or SystemClock()
    runs = _enforce_store(store)
    runs.get_run(run_id)
    items = [i for i in runs.items(run_id) if i.status in ("applied", "failed", "in_progress") and i.prior is not None]
    items.sort(key=lambda i: (i.kind != "account", -i.seq))
    runs.set_run_status(run_id, "rolling_back")
    executor = _Executor(runs, run_id, _by_name(providers), clock, workers, rollback=True)
    try:
        executor.run(items)
    finally:
        runs.set_run_status(run_id, _run_status(runs.items(run_id), rollback=True))
    return _result(runs, run_id, "rollback")


def run_items(run_id: str, *, store: EnforceStore | Store | str | Path | None = None) -> RunResult:
    """The recorded state of a run, without touching any provider."""
    return _result(_enforce_store(store), run_id, "apply")


def iter_findings(report: AuditReport, provider: str | None = None) -> Iterator[Finding]:
    return (f for f in report.findings if provider is None or f.provider == provider)


__all__ = [
    "AuditReport",
    "Finding",
    "ItemResult",
    "Plan",
    "PlannedChange",
    "ProviderAudit",
    "RunResult",
    "apply",
    "audit",
    "new_run_id",
    "plan",
    "resume",
    "rollback",
    "run_items",
]
