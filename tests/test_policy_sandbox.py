"""The seeded sandbox district, end to end: audit → enforce → audit → enforce → rollback.

Zoom is the platform with a policy module today; Webex and Google join these tests when their
``providers/<name>/policy.py`` lands (see docs/policy.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from confkit.capabilities import Control, Support
from confkit.cli import app
from confkit.cli import policy as policy_cli
from confkit.http import FakeClock
from confkit.policy import builtin_policy
from confkit.policy.engine import AuditReport, apply, audit, plan, rollback
from confkit.policy.sandbox import sandbox_policy
from confkit.provider import Provider
from confkit.providers.zoom import provider as zoom_provider
from confkit.sandbox import Sandbox
from confkit.store import EnforceStore, SandboxStore, Store

AUTH = Control.AUTHENTICATED_ONLY


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox.create(clock=FakeClock(), only=["zoom"])


@pytest.fixture
def zoom(sandbox: Sandbox) -> Iterator[Provider]:
    with sandbox.connect("zoom") as provider:
        yield provider


@pytest.fixture
def runs() -> EnforceStore:
    return EnforceStore(Store(":memory:"))


def k12(sandbox: Sandbox):  # type: ignore[no-untyped-def]
    return sandbox_policy(builtin_policy("k12"), sandbox.district)


def meeting_findings(report: AuditReport, *, skip: set[Control] | None = None) -> set[tuple[str, str, str]]:
    return {
        (f.resource.topic or "", f.resource.host or "", f.control.value)
        for f in report.violations
        if f.resource.kind == "meeting" and f.control not in (skip or set())
    }


def account_findings(report: AuditReport) -> set[tuple[str, str]]:
    return {(f.control.value, f.aspect) for f in report.violations if f.resource.kind == "account"}


def recording_read() -> bool:
    """Whether the Zoom adapter reads the account's ``recording`` section (auto recording/transcripts)."""
    return "recording" in zoom_provider.SETTINGS_SECTIONS


# What the fresh FakeZoom account differs in from k12 (+ the sandbox domains), value and lock.
EXPECTED_ACCOUNT = {
    ("passcode_required", "lock"),
    ("passcode_strength", "value"),  # 6 characters, no letter/number rule
    ("waiting_room", "lock"),
    ("authenticated_only", "value"),  # sign-in not required
    ("authenticated_only", "lock"),
    ("join_before_host", "lock"),
    ("screen_sharing", "lock"),
    ("chat_restrictions", "value"),  # private chat on, chat with everyone (4)
    ("chat_restrictions", "lock"),
    ("personal_room_for_scheduled", "lock"),
    ("external_participant_warning", "lock"),
}


def expected_account() -> set[tuple[str, str]]:
    return EXPECTED_ACCOUNT | ({("auto_recording", "lock")} if recording_read() else set())


def test_audit_finds_exactly_the_seeded_violations(sandbox: Sandbox, zoom: Provider) -> None:
    seeded = {(m.topic, m.host_email, v) for m, v in sandbox.district.violations}
    assert len(seeded) == len(sandbox.district.violations) > 0

    # The district's own defaults (what the sandbox seeds: no sign-in requirement): exactly the seeded set.
    district_defaults = builtin_policy("k12").model_copy(
        update={"controls": builtin_policy("k12").controls.model_copy(update={"authenticated_only": None})}
    )
    report = audit(zoom, district_defaults)
    assert meeting_findings(report) == seeded

    # k12 also requires signed-in users, which no sandbox class does: every meeting on top of the seeded set.
    report = audit(zoom, k12(sandbox))
    assert report.exit_code() == 1
    assert meeting_findings(report, skip={AUTH}) == seeded
    auth = {(t, h) for t, h, c in meeting_findings(report) if c == AUTH.value}
    assert auth == {(m.topic, m.host_email) for m in sandbox.district.meetings}
    assert account_findings(report) == expected_account()
    summary = report.providers[0]
    assert (summary.users, summary.meetings) == (
        len(sandbox.district.people),
        len(sandbox.district.meetings),
    )
    for finding in report.violations:
        assert finding.remediation and finding.expected and finding.actual
    assert {f.baseline_ids[0] for f in report.violations if f.control is Control.PASSCODE_REQUIRED} == {
        "CIS Zoom 1.1.1.4"
    }


def matrix_unenforceable(provider: Provider, report_policy: object) -> set[tuple[str, str]]:
    """What the capability matrix itself says cannot be enforced for the governed controls."""
    out: set[tuple[str, str]] = set()
    policy = report_policy
    for control, entry in policy.entries():  # type: ignore[attr-defined]
        cs = provider.capabilities.control(control)
        if cs.support in (Support.NONE, Support.PARTIAL):
            out.add((control.value, "value"))
        if entry.lock and not cs.lockable:
            out.add((control.value, "lock"))
    return out


# What the Zoom policy module reports it cannot do although the Zoom declaration claims it can
# (reported to the Zoom adapter owner; see docs/policy.md "Known gaps").
def zoom_gaps() -> set[tuple[str, str]]:
    gaps = {("mute_on_entry", "value"), ("mute_on_entry", "lock"), ("auto_transcription", "lock")}
    if not recording_read():
        gaps |= {("auto_recording", "value"), ("auto_recording", "lock"), ("auto_transcription", "value")}
    return gaps


def test_enforce_fixes_everything_enforceable_and_rollback_restores_byte_for_byte(
    sandbox: Sandbox, zoom: Provider, runs: EnforceStore
) -> None:
    fake = sandbox.fakes["zoom"]
    policy = k12(sandbox)
    before = fake.snapshot()

    first = plan(zoom, policy, store=runs)
    assert not first.deferred
    assert len([c for c in first.changes if c.resource.kind == "meeting"]) == len(sandbox.district.meetings)
    result = apply(first, zoom, store=runs, sandbox=True)
    assert result.status == "completed"
    assert result.counts == {"applied": len(sandbox.district.meetings) + 1}
    assert fake.snapshot() != before

    after = audit(zoom, policy)
    assert after.violations == []
    assert after.exit_code() == 0
    assert after.exit_code(strict=True) == 1
    remaining = {(f.control.value, f.aspect) for f in after.findings}
    assert all(f.kind == "unsupported" for f in after.findings)
    assert remaining == matrix_unenforceable(zoom, policy) | zoom_gaps()

    # idempotent: the second run changes nothing
    enforced = fake.snapshot()
    writes = len(fake.requests)
    again = apply(plan(zoom, policy, store=runs), zoom, store=runs, sandbox=True)
    assert again.items == [] and again.status == "completed"
    assert fake.snapshot() == enforced
    assert not [r for r in fake.requests[writes:] if r.method != "GET"]

    back = rollback(result.run_id, zoom, store=runs)
    assert back.status == "rolled_back"
    assert back.counts == {"rolled_back": len(sandbox.district.meetings) + 1}
    assert fake.snapshot() == before  # byte for byte
    assert audit(zoom, policy).model_dump(exclude={"generated_at"}) == audit(zoom, policy).model_dump(
        exclude={"generated_at"}
    )

    # rolling back twice writes nothing more
    writes = len(fake.requests)
    rollback(result.run_id, zoom, store=runs)
    assert not [r for r in fake.requests[writes:] if r.method != "GET"]


def test_passcodes_are_generated_to_the_policy_and_never_stored(
    sandbox: Sandbox, zoom: Provider, runs: EnforceStore
) -> None:
    fake = sandbox.fakes["zoom"]
    result = apply(plan(zoom, k12(sandbox), store=runs), zoom, store=runs)
    fixed = [i for i in result.items if i.kind == "meeting" and "passcode_required" in i.controls]
    assert len(fixed) == 2
    for item in fixed:
        passcode = fake.meetings[int(item.resource_id)]["password"]
        assert len(passcode) == 8 and any(c.isalpha() for c in passcode) and any(c.isdigit() for c in passcode)
        dump = runs.store.query("SELECT * FROM enforce_items")
        priors = runs.store.query("SELECT prior_json FROM enforce_prior_values")
        assert passcode not in repr([tuple(r) for r in dump]) + repr([tuple(r) for r in priors])


# -- the same through the command line, one fresh process-like invocation per command ---------------


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    for key in list(__import__("os").environ):
        if key.startswith("CONFKIT_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("CONFKIT_STORE", str(tmp_path / "store.db"))
    monkeypatch.chdir(tmp_path)
    # Each invocation builds its sandbox on a fresh FakeClock: the client-side rate limiter's waits
    # (Zoom Medium: 60/s for 222 users' meeting lists) pass instantly instead of ~3 s per command.
    real = policy_cli.load_sandbox
    monkeypatch.setattr(policy_cli, "load_sandbox", lambda store, **kw: real(store, **{**kw, "clock": FakeClock()}))
    return CliRunner()


def saved_zoom_state(tmp_path: Path) -> str | None:
    with Store(tmp_path / "store.db") as store:
        return SandboxStore(store).load("zoom", 7)


def test_cli_audit_enforce_rollback_across_invocations(cli: CliRunner, tmp_path: Path) -> None:
    first = cli.invoke(app, ["audit", "--sandbox", "-p", "zoom", "--format", "json"])
    assert first.exit_code == 1, first.output
    initial = saved_zoom_state(tmp_path)
    assert initial is not None

    dry = cli.invoke(app, ["enforce", "--sandbox", "-p", "zoom"])
    assert dry.exit_code == 0 and "dry run" in dry.output
    assert saved_zoom_state(tmp_path) == initial

    applied = cli.invoke(app, ["enforce", "--sandbox", "-p", "zoom", "--apply"])
    assert applied.exit_code == 0, applied.output
    match = re.search(r"run (\S+) \(apply\): status completed; 41 applied", applied.output)
    assert match, applied.output
    run_id = match.group(1)

    clean = cli.invoke(app, ["audit", "--sandbox", "-p", "zoom"])
    assert clean.exit_code == 0, clean.output
    assert "compliant" in clean.output
    strict = cli.invoke(app, ["audit", "--sandbox", "-p", "zoom", "--strict"])
    assert strict.exit_code == 1

    second = cli.invoke(app, ["enforce", "--sandbox", "-p", "zoom", "--apply"])
    assert second.exit_code == 0 and "no items" in second.output

    listed = cli.invoke(app, ["runs"])
    assert run_id in listed.output

    wrong_world = cli.invoke(app, ["rollback", run_id])
    assert wrong_world.exit_code == 2 and "add --sandbox" in wrong_world.output

    back = cli.invoke(app, ["rollback", run_id, "--sandbox"])
    assert back.exit_code == 0, back.output
    assert "rolled_back" in back.output
    assert saved_zoom_state(tmp_path) == initial  # byte for byte, across invocations

    again = cli.invoke(app, ["audit", "--sandbox", "-p", "zoom", "--format", "csv"])
    assert again.exit_code == 1


def test_cli_reports_to_files(cli: CliRunner, tmp_path: Path) -> None:
    for fmt in ("html", "json", "csv", "table"):
        out = tmp_path / f"report.{fmt}"
        result = cli.invoke(app, ["audit", "--sandbox", "-p", "zoom", "--format", fmt, "--output", str(out)])
        assert result.exit_code == 1, result.output
        assert out.stat().st_size > 1000
    page = (tmp_path / "report.html").read_text()
    assert page.startswith("<!doctype html>") and "<style>" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)  # self-contained
    assert "<script" not in page and "@import" not in page
    assert "Lincoln Unified (sandbox)" in page and "GWS.MEET.1.1v1" in page


def test_cli_unknown_run_and_sandbox_without_platform(cli: CliRunner) -> None:
    result = cli.invoke(app, ["rollback", "nope", "--sandbox"])
    assert result.exit_code == 2 and "no enforce run 'nope'" in result.output
    result = cli.invoke(app, ["audit", "--sandbox", "-p", "teams"])
    assert result.exit_code == 2 and "unknown provider 'teams'" in result.output
    result = cli.invoke(app, ["enforce", "--resume", "x", "--apply", "--sandbox"])
    assert result.exit_code == 2 and "--resume" in result.output
