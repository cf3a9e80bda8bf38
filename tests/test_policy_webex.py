"""Webex's policy module on the sandbox site: audit, enforce, audit again, idempotence, rollback.

Every Webex meeting has a password, so the district's "no passcode" classes do not exist on Webex
and passcode_required is always compliant. The site's lobby and automatic-lock defaults, an allow-list
of email domains and every lock have no API: the audit says so (``unsupported``) instead of
pretending, before and after enforcement.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from confkit.capabilities import Control, Support
from confkit.cli import app
from confkit.cli import policy as policy_cli
from confkit.http import FakeClock
from confkit.models import AccountSettings, Meeting
from confkit.policy import (
    AccountContext,
    AuditReport,
    ProviderPolicy,
    SecurityPolicy,
    apply,
    audit,
    builtin_policy,
    plan,
    provider_policy,
    rollback,
)
from confkit.policy.sandbox import sandbox_policy
from confkit.provider import Provider
from confkit.providers.webex.mapping import meeting_from_webex
from confkit.providers.webex.policy import ALWAYS_A_PASSWORD, POLICY
from confkit.sandbox import Sandbox
from confkit.store import EnforceStore, SandboxStore, Store
from confkit.testing.webex import FakeWebex

START = datetime(2026, 1, 5, 12, tzinfo=UTC)

# What the sandbox site (seed_site_settings) differs in from k12, value only: Webex has no locks.
EXPECTED_ACCOUNT_VIOLATIONS = {"passcode_strength", "authenticated_only", "join_before_host"}
# What the Webex module itself says it cannot check or set, beyond the capability matrix.
MODULE_GAPS = {
    (
        "waiting_room",
        "the site's default lobby and automatic lock cannot be read or set: Webex has no API for them "
        "(confkit sets them on each meeting instead)",
    ),
    (
        "authenticated_only",
        "Webex cannot limit joining to email domains; requireLoginBeforeAccess admits every account on the site",
    ),
}


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox.create(clock=FakeClock(), only=["webex"])


@pytest.fixture
def webex(sandbox: Sandbox) -> Iterator[Provider]:
    with sandbox.connect("webex") as provider:
        yield provider


@pytest.fixture
def fake(sandbox: Sandbox) -> FakeWebex:
    found = sandbox.fakes["webex"]
    assert isinstance(found, FakeWebex)
    return found


@pytest.fixture
def runs() -> Iterator[EnforceStore]:
    store = Store(":memory:")
    yield EnforceStore(store)
    store.close()


def k12(sandbox: Sandbox) -> SecurityPolicy:
    return sandbox_policy(builtin_policy("k12"), sandbox.district)


def only(name: str, controls: dict[str, Any]) -> SecurityPolicy:
    return SecurityPolicy.model_validate({"name": name, "controls": controls})


def meeting_findings(report: AuditReport) -> set[tuple[str, str, str]]:
    return {
        (f.resource.topic or "", f.resource.host or "", f.control.value)
        for f in report.violations
        if f.resource.kind == "meeting"
    }


def matrix_unenforceable(provider: Provider, policy: SecurityPolicy) -> set[tuple[str, str]]:
    """What the capability matrix itself says cannot be enforced for the governed controls."""
    out: set[tuple[str, str]] = set()
    for control, entry in policy.entries():
        cs = provider.capabilities.control(control)
        if cs.support in (Support.NONE, Support.PARTIAL):
            out.add((control.value, "value"))
        if cs.support is not Support.NONE and entry.lock and not cs.lockable:
            out.add((control.value, "lock"))
    return out


def module_gaps(report: AuditReport) -> set[tuple[str, str]]:
    """What the Webex module itself reports it cannot do (not the capability matrix's findings)."""
    matrix = {"not available on webex", "only partly available on webex", "webex has no lock for it"}
    return {(f.control.value, f.actual) for f in report.unsupported if f.actual not in matrix}


def writes(fake: FakeWebex, since: int) -> list[str]:
    return [
        f"{r.method} {r.url.path}" for r in fake.requests[since:] if r.method != "GET" and "token" not in r.url.path
    ]


def test_the_module_implements_the_protocol() -> None:
    assert isinstance(POLICY, ProviderPolicy)
    assert provider_policy("webex") is POLICY
    assert POLICY.write_limit() is None  # Webex documents a create quota only; policy writes are PATCHes
    assert POLICY.next_window(START) == START + timedelta(hours=24)


# -- the sandbox district ---------------------------------------------------------------------------


def test_audit_finds_exactly_the_seeded_webex_violations(sandbox: Sandbox, webex: Provider, fake: FakeWebex) -> None:
    district = sandbox.district
    report = audit(webex, k12(sandbox))
    assert report.exit_code() == 1
    summary = report.providers[0]
    assert (summary.users, summary.meetings, summary.error) == (len(district.people), len(district.meetings), None)

    # Every seeded breaker exists on Webex except "no passcode": Webex generated a password for those.
    unpassworded = {(m.topic, m.host_email) for m, v in district.violations if v == "passcode_required"}
    assert len(unpassworded) == 2
    assert all(m["password"] for m in fake.meetings.values() if (m["title"], m["hostEmail"]) in unpassworded)
    seeded = {(m.topic, m.host_email, v) for m, v in district.violations if v != "passcode_required"}
    assert {v for _, _, v in seeded} == {"waiting_room", "join_before_host", "mute_on_entry"}
    # k12 also wants host-only sharing and no private chat, which Webex sets per meeting and no class has.
    per_class = {(m.topic, m.host_email, c) for m in district.meetings for c in ("screen_sharing", "chat_restrictions")}
    assert meeting_findings(report) == seeded | per_class
    assert not [f for f in report.findings if f.control is Control.PASSCODE_REQUIRED and f.aspect == "value"]

    account = {f.control.value for f in report.violations if f.resource.kind == "account"}
    assert account == EXPECTED_ACCOUNT_VIOLATIONS
    by_control = {f.control.value: f for f in report.violations if f.resource.kind == "account"}
    assert by_control["passcode_strength"].actual == "securityOptions.passwordCriteria.minLength=6"
    assert by_control["join_before_host"].actual == (
        "securityOptions.joinBeforeHost=true; securityOptions.audioBeforeHost=true"
    )
    assert module_gaps(report) == MODULE_GAPS
    lobby = next(f for f in report.unsupported if f.control is Control.WAITING_ROOM and f.aspect == "value")
    assert "Control Hub" in lobby.remediation and "0 minutes" in lobby.remediation
    for finding in report.violations:
        assert finding.remediation.startswith("confkit enforce --apply -p webex") and finding.fields
    rooms = {f.actual for f in report.violations if f.control is Control.WAITING_ROOM}
    assert rooms == {"meeting.unlockedMeetingJoinSecurity='allowJoin'; meeting.enableAutomaticLock=false"}


def test_a_policy_of_the_district_defaults_finds_the_seeded_meetings_only(sandbox: Sandbox, webex: Provider) -> None:
    defaults = only(
        "defaults",
        {
            "passcode_required": {"required": True},
            "waiting_room": {"who": "everyone"},
            "join_before_host": {"allowed": False},
            "mute_on_entry": {"required": True},
            "auto_recording": {"mode": "none"},
        },
    )
    report = audit(webex, defaults)
    seeded = {(m.topic, m.host_email, v) for m, v in sandbox.district.violations if v != "passcode_required"}
    assert meeting_findings(report) == seeded


def test_enforce_fixes_everything_enforceable_and_rollback_restores_byte_for_byte(
    sandbox: Sandbox, webex: Provider, fake: FakeWebex, runs: EnforceStore
) -> None:
    policy = k12(sandbox)
    before = fake.snapshot()

    first = plan(webex, policy, store=runs)
    assert not first.deferred  # no per-host daily limit on updates
    account, *meetings = first.changes
    assert account.resource.kind == "account" and len(meetings) == len(sandbox.district.meetings)
    assert account.forward == {
        "patches": [
            {
                "securityOptions": {
                    "passwordCriteria": {"minLength": 8},
                    "requireLoginBeforeAccess": True,
                    "joinBeforeHost": False,
                    "audioBeforeHost": False,
                }
            }
        ]
    }
    assert account.prior == {
        "patches": [
            {
                "securityOptions": {
                    "passwordCriteria": {"minLength": 6},
                    "requireLoginBeforeAccess": False,
                    "joinBeforeHost": True,
                    "audioBeforeHost": True,
                }
            }
        ]
    }
    opened = next(c for c in meetings if c.controls[0] is Control.WAITING_ROOM)
    assert opened.forward["body"]["unlockedMeetingJoinSecurity"] == "allowJoinWithLobby"
    assert opened.forward["body"]["enableAutomaticLock"] is True
    assert opened.prior["body"]["unlockedMeetingJoinSecurity"] == "allowJoin"
    assert opened.prior["body"]["enableAutomaticLock"] is False
    assert "automaticLockMinutes" not in opened.forward["body"]  # already 0: only what differs is written

    sent = len(fake.requests)
    result = apply(first, webex, store=runs, sandbox=True)
    assert result.status == "completed"
    assert result.counts == {"applied": len(sandbox.district.meetings) + 1}
    patches = writes(fake, sent)
    assert len(patches) == len(sandbox.district.meetings) + 1 and all(w.startswith("PATCH ") for w in patches)
    assert not [r for r in fake.requests if r.method == "PUT"]  # PATCH, never PUT

    after = audit(webex, policy)
    assert after.violations == [] and after.exit_code() == 0 and after.exit_code(strict=True) == 1
    remaining = {(f.control.value, f.aspect) for f in after.findings}
    assert remaining == matrix_unenforceable(webex, policy) | {(c, "value") for c, _ in MODULE_GAPS}
    assert module_gaps(after) == MODULE_GAPS
    assert all(f.resource.kind == "account" for f in after.findings)
    for meeting in fake.meetings.values():
        assert meeting["unlockedMeetingJoinSecurity"] == "allowJoinWithLobby"
        assert (meeting["enableAutomaticLock"], meeting["automaticLockMinutes"]) == (True, 0)
        assert meeting["attendeePrivileges"]["enabledShareContent"] is False
        assert meeting["attendeePrivileges"]["enabledChatOtherParticipants"] is False

    # idempotent: the second run changes nothing
    enforced = fake.snapshot()
    sent = len(fake.requests)
    again = apply(plan(webex, policy, store=runs), webex, store=runs, sandbox=True)
    assert again.items == [] and again.status == "completed"
    assert fake.snapshot() == enforced and writes(fake, sent) == []

    back = rollback(result.run_id, webex, store=runs)
    assert back.status == "rolled_back"
    assert back.counts == {"rolled_back": len(sandbox.district.meetings) + 1}
    assert fake.snapshot() == before  # byte for byte

    sent = len(fake.requests)
    rollback(result.run_id, webex, store=runs)  # twice: nothing more is written
    assert writes(fake, sent) == []


def test_a_strong_password_switch_is_rolled_back_in_order(
    sandbox: Sandbox, webex: Provider, fake: FakeWebex, runs: EnforceStore
) -> None:
    security = fake.common_settings["securityOptions"]
    security["requireStrongPassword"] = False  # the rules stay stored, unenforced
    security["passwordCriteria"] |= {"minAlpha": 0, "minNumeric": 0, "mixedCase": False}
    before = fake.snapshot()
    policy = only("strength", {"passcode_strength": {"min_length": 10, "require_mixed_case": True}})
    change = POLICY.plan_account(webex.get_account_settings(), policy)
    assert change is not None
    assert change.forward == {
        "patches": [
            {
                "securityOptions": {
                    "requireStrongPassword": True,
                    "passwordCriteria": {"minLength": 10, "minAlpha": 1, "minNumeric": 1, "mixedCase": True},
                }
            }
        ]
    }
    # Webex takes passwordCriteria only while requireStrongPassword is on: the rules go back first.
    assert change.prior == {
        "patches": [
            {
                "securityOptions": {
                    "passwordCriteria": {"minLength": 6, "minAlpha": 0, "minNumeric": 0, "mixedCase": False}
                }
            },
            {"securityOptions": {"requireStrongPassword": False}},
        ]
    }
    result = apply(plan(webex, policy, store=runs), webex, store=runs)
    assert result.counts == {"applied": 1} and audit(webex, policy).violations == []
    rollback(result.run_id, webex, store=runs)
    assert fake.snapshot() == before


def test_a_longer_password_than_webex_allows_is_reported_not_pretended(webex: Provider) -> None:
    policy = only("long", {"passcode_strength": {"min_length": 14}})
    checks = POLICY.audit_account(webex.get_account_settings(), policy)
    gap = next(c for c in checks if not c.enforceable)
    assert "up to 12 characters" in gap.actual and not gap.compliant
    assert POLICY.plan_account(webex.get_account_settings(), policy) is None  # nothing else to change


def test_passcodes_are_always_compliant_and_never_planned(webex: Provider, sandbox: Sandbox) -> None:
    policy = only("passcodes", {"passcode_required": {"required": True, "lock": True}})
    settings = webex.get_account_settings()
    (site,) = POLICY.audit_account(settings, policy)
    assert site.compliant and site.actual == ALWAYS_A_PASSWORD
    assert POLICY.plan_account(settings, policy) is None
    meetings = list(webex.list_meetings(sandbox.district.meetings[0].host_email))
    for meeting in meetings:
        (check,) = POLICY.audit_meeting(meeting, policy, AccountContext(settings))
        assert check.compliant and check.actual == "password set"
        assert POLICY.plan_meeting(meeting, policy, AccountContext(settings)) is None
    hidden = meeting_from_webex({k: v for k, v in meetings[0].raw.items() if k != "password"})  # admin views
    (check,) = POLICY.audit_meeting(hidden, policy, AccountContext())
    assert check.compliant and check.actual == ALWAYS_A_PASSWORD
    report = audit(webex, policy)
    assert report.violations == []
    assert {(f.control.value, f.aspect) for f in report.unsupported} == {("passcode_required", "lock")}


# -- meeting rules, on Webex JSON --------------------------------------------------------------------------


def series(**fields: Any) -> Meeting:
    base: dict[str, Any] = {
        "id": "870f51ff287b41be84648412901e0402",
        "title": "Algebra I - P1",
        "meetingType": "meetingSeries",
        "scheduledType": "meeting",
        "password": "BgJep@43",
        "hostUserId": "host-id",
        "hostEmail": "ada@district.example",
        "start": "2026-02-02T15:00:00Z",
        "end": "2026-02-02T15:50:00Z",
        "unlockedMeetingJoinSecurity": "allowJoinWithLobby",
        "enableAutomaticLock": True,
        "automaticLockMinutes": 0,
        "enabledJoinBeforeHost": False,
        "enableConnectAudioBeforeHost": False,
        "enabledAutoRecordMeeting": False,
        "audioConnectionOptions": {"muteAttendeeUponEntry": True, "allowAttendeeToUnmuteSelf": True},
        "attendeePrivileges": {"enabledShareContent": False, "enabledChatOtherParticipants": False},
        "meetingOptions": {"enabledChat": True},
    }
    return meeting_from_webex(base | fields)


def checks_of(meeting: Meeting, policy: SecurityPolicy) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for check in POLICY.audit_meeting(meeting, policy, AccountContext()):
        out.setdefault(check.control.value, []).append(check)
    return out


def test_the_sandbox_compliant_class_is_compliant() -> None:
    policy = builtin_policy("k12")
    assert all(c.compliant for cs in checks_of(series(), policy).values() for c in cs)
    assert POLICY.plan_meeting(series(), policy, AccountContext()) is None


def test_blocking_outsiders_counts_as_a_lobby_and_is_not_loosened() -> None:
    everyone = only("wr", {"waiting_room": {"who": "everyone"}})
    assert all(
        c.compliant for c in checks_of(series(unlockedMeetingJoinSecurity="blockFromJoin"), everyone)["waiting_room"]
    )
    late = series(unlockedMeetingJoinSecurity="blockFromJoin", automaticLockMinutes=10)
    change = POLICY.plan_meeting(late, everyone, AccountContext())
    assert change is not None and change.forward == {"body": {"automaticLockMinutes": 0}}
    assert change.prior == {"body": {"automaticLockMinutes": 10}}
    outsiders = only("wr", {"waiting_room": {"who": "outsiders"}})
    assert POLICY.plan_meeting(series(enableAutomaticLock=False), outsiders, AccountContext()) is None


def test_join_before_host_takes_audio_before_host_along_and_restores_both() -> None:
    policy = only("jbh", {"join_before_host": {"allowed": False}})
    change = POLICY.plan_meeting(
        series(enabledJoinBeforeHost=True, enableConnectAudioBeforeHost=True), policy, AccountContext()
    )
    assert change is not None
    assert change.forward == {"body": {"enabledJoinBeforeHost": False, "enableConnectAudioBeforeHost": False}}
    assert change.prior == {"body": {"enabledJoinBeforeHost": True, "enableConnectAudioBeforeHost": True}}


def test_what_a_meeting_cannot_be_changed_to_is_reported_not_planned() -> None:
    room = series(scheduledType="personalRoomMeeting")
    policy = only("pmr", {"personal_room_for_scheduled": {"allowed": False}})
    (check,) = checks_of(room, policy)["personal_room_for_scheduled"]
    assert not check.compliant and not check.enforceable and "personal room" in check.remediation
    assert POLICY.plan_meeting(room, policy, AccountContext()) is None

    local = only("rec", {"auto_recording": {"mode": "local"}})
    (check,) = checks_of(series(), local)["auto_recording"]
    assert not check.enforceable and "cloud only" in check.actual

    host_only = only("chat", {"chat_restrictions": {"participants_chat_with": "host"}})
    found = checks_of(series(attendeePrivileges={"enabledChatOtherParticipants": True}), host_only)
    assert {(c.compliant, c.enforceable) for c in found["chat_restrictions"]} == {(False, False), (False, True)}
    silent = only("chat", {"chat_restrictions": {"participants_chat_with": "none"}})
    change = POLICY.plan_meeting(series(), silent, AccountContext())
    assert change is not None and change.forward == {"body": {"meetingOptions": {"enabledChat": False}}}


def test_a_field_webex_did_not_return_is_never_added() -> None:
    bare = series()
    raw = dict(bare.raw)
    del raw["audioConnectionOptions"]
    policy = only("mute", {"mute_on_entry": {"required": True}})
    meeting = meeting_from_webex(raw)
    (check,) = checks_of(meeting, policy)["mute_on_entry"]
    assert not check.enforceable and "not returned" in check.actual
    assert POLICY.plan_meeting(meeting, policy, AccountContext()) is None


def test_account_checks_read_the_common_settings_section() -> None:
    settings = AccountSettings(provider="webex", sections={"commonSettings": {"securityOptions": {}}})
    policy = only("jbh", {"join_before_host": {"allowed": False}})
    (check,) = POLICY.audit_account(settings, policy)
    assert not check.enforceable and "not returned" in check.actual
    assert POLICY.plan_account(settings, policy) is None


# -- the same through the command line, one fresh process-like invocation per command ---------------


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    for key in list(__import__("os").environ):
        if key.startswith("CONFKIT_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("CONFKIT_STORE", str(tmp_path / "store.db"))
    monkeypatch.chdir(tmp_path)
    real = policy_cli.load_sandbox
    monkeypatch.setattr(policy_cli, "load_sandbox", lambda store, **kw: real(store, **{**kw, "clock": FakeClock()}))
    return CliRunner()


def saved_webex_state(tmp_path: Path) -> str | None:
    with Store(tmp_path / "store.db") as store:
        return SandboxStore(store).load("webex", 7)


def test_cli_audit_enforce_rollback_across_invocations(cli: CliRunner, tmp_path: Path) -> None:
    first = cli.invoke(app, ["audit", "--sandbox", "-p", "webex", "--format", "json"])
    assert first.exit_code == 1, first.output
    initial = saved_webex_state(tmp_path)
    assert initial is not None  # FakeWebex.restore() lets the sandbox keep its state between commands

    applied = cli.invoke(app, ["enforce", "--sandbox", "-p", "webex", "--apply"])
    assert applied.exit_code == 0, applied.output
    match = re.search(r"run (\S+) \(apply\): status completed; 41 applied", applied.output)
    assert match, applied.output

    clean = cli.invoke(app, ["audit", "--sandbox", "-p", "webex"])
    assert clean.exit_code == 0, clean.output
    second = cli.invoke(app, ["enforce", "--sandbox", "-p", "webex", "--apply"])
    assert second.exit_code == 0 and "no items" in second.output

    back = cli.invoke(app, ["rollback", match.group(1), "--sandbox"])
    assert back.exit_code == 0, back.output
    assert saved_webex_state(tmp_path) == initial  # byte for byte, across invocations
    assert cli.invoke(app, ["audit", "--sandbox", "-p", "webex"]).exit_code == 1
