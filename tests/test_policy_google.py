"""Google Meet's policy module on FakeGoogle: audit, enforce, audit clean, idempotence, rollback.

Meet has no passcodes, no join-before-host and no mute-on-entry setting, and its org-unit policies
(Cloud Identity ``settings/meet.*``) are read-only in confkit: the audit says so instead of pretending,
and only the meeting spaces (``SpaceConfig``) are written.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from confkit.capabilities import Control, Support
from confkit.cli import app
from confkit.http import FakeClock
from confkit.models import AccountSettings, Meeting, MeetingKind
from confkit.policy import SecurityPolicy, builtin_policy
from confkit.policy.engine import AuditReport, apply, audit, plan, rollback
from confkit.policy.plugin import AccountContext, ProviderPolicy, provider_policy
from confkit.policy.sandbox import sandbox_policy
from confkit.provider import Provider
from confkit.providers.google import GoogleProvider
from confkit.providers.google.policy import POLICY
from confkit.sandbox import Sandbox
from confkit.store import EnforceStore, Store
from confkit.testing.google import SANDBOX, FakeGoogle

START = datetime(2026, 1, 5, 12, tzinfo=UTC)
HOST = "ada.adams@staff.lincoln-usd.example"


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox.create(clock=FakeClock(), only=["google"])


@pytest.fixture
def google(sandbox: Sandbox) -> Iterator[Provider]:
    with sandbox.connect("google") as provider:
        yield provider


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


def account_findings(report: AuditReport) -> dict[tuple[str, str], str]:
    """What the Google module itself reports at org-unit level: (control, kind) -> actual."""
    matrix = {"not available on google", "only partly available on google", "google has no lock for it"}
    return {
        (f.control.value, f.kind): f.actual
        for f in report.findings
        if f.resource.kind == "account" and f.actual not in matrix
    }


def settled(fake: FakeGoogle, provider: Provider, policy: SecurityPolicy) -> str:
    """The fake's snapshot once every calendar has been read.

    FakeGoogle's ``events.list`` stores an empty calendar for a user it had none for (a read that
    changes the fake's state; real Calendar has no such effect). Nothing else differs: rollback is
    compared with this state, byte for byte.
    """
    seeded = json.loads(fake.snapshot())
    audit(provider, policy)
    state = fake.snapshot()
    read = json.loads(state)
    new = {user: events for user, events in read["events"].items() if user not in seeded["events"]}
    assert all(events == {} for events in new.values())
    assert {**read, "events": {u: e for u, e in read["events"].items() if u not in new}} == seeded
    return state


def matrix_unenforceable(provider: Provider, policy: SecurityPolicy) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for control, entry in policy.entries():
        cs = provider.capabilities.control(control)
        if cs.support in (Support.NONE, Support.PARTIAL):
            out.add((control.value, "value"))
        if cs.support is Support.NONE:
            continue  # nothing to lock either: reported once
        if entry.lock and not cs.lockable:
            out.add((control.value, "lock"))
    return out


def test_the_module_implements_the_protocol() -> None:
    assert provider_policy("google") is POLICY
    assert isinstance(POLICY, ProviderPolicy)
    assert POLICY.write_limit() is None  # Meet quotas are per minute, with no daily cap
    assert POLICY.next_window(START) == START


# -- the sandbox district ---------------------------------------------------------------------------


def test_audit_finds_exactly_the_seeded_google_violations(sandbox: Sandbox, google: Provider) -> None:
    district = sandbox.district
    report = audit(google, k12(sandbox))
    assert report.exit_code() == 1
    summary = report.providers[0]
    assert (summary.users, summary.meetings, summary.error) == (len(district.people), len(district.meetings), None)

    # Of the seeded breakers only the open waiting room exists on Meet (access type OPEN). A class
    # seeded without a passcode keeps RESTRICTED access - Meet's equivalent protection - and join before
    # host / mute on entry have no Meet setting at all (the matrix reports those, once, for the account).
    seeded = {(m.topic, m.host_email, v) for m, v in district.violations if v == "waiting_room"}
    assert len(seeded) == 4
    assert {v for _, v in district.violations} - {"waiting_room"} == {
        "passcode_required",
        "join_before_host",
        "mute_on_entry",
    }
    # k12 also wants host-only screen sharing, which Meet sets per meeting and no sandbox class has.
    sharing = {(m.topic, m.host_email, "screen_sharing") for m in district.meetings}
    assert meeting_findings(report) == seeded | sharing
    for f in report.violations:
        assert f.resource.kind == "meeting" and f.fields and f.remediation.startswith("confkit enforce --apply")
    assert {f.actual for f in report.violations if f.control is Control.WAITING_ROOM} == {"config.accessType='OPEN'"}

    # Org-unit policies: read, resolved per org unit, never writable - so never "violations".
    assert account_findings(report) == {
        ("passcode_required", "unsupported"): "Google Meet has no meeting passcodes",
        ("waiting_room", "unsupported"): "allowedAudience='TRUSTED' at / (in force for /Staff)",
        ("authenticated_only", "unsupported"): "usersAllowedToJoin='LOGGED_IN' at / (in force for /Staff, /Students)",
        (
            "chat_restrictions",
            "unsupported",
        ): "the Meet API has no private-chat setting: confkit cannot check or set it",
        # the deliberate weakness of the sandbox: staff are not warned about external participants
        ("external_participant_warning", "unsupported"): "enableExternalLabel=false at /Staff",
    }
    label = next(
        f for f in report.findings if f.control is Control.EXTERNAL_PARTICIPANT_WARNING and f.aspect == "value"
    )
    assert "Warn for external participants" in label.remediation and "/Staff" in label.remediation
    assert label.baseline_ids == ["GWS.MEET.4.1v1"]
    assert label.fields == ["settings/meet.safety_external_participants.enableExternalLabel"]


def test_a_policy_of_the_district_defaults_finds_the_seeded_meetings_only(sandbox: Sandbox, google: Provider) -> None:
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
    report = audit(google, defaults)
    seeded = {(m.topic, m.host_email, v) for m, v in sandbox.district.violations if v == "waiting_room"}
    assert meeting_findings(report) == seeded


def test_enforce_fixes_every_meeting_then_audits_clean_and_rolls_back_byte_for_byte(
    sandbox: Sandbox, google: Provider, runs: EnforceStore
) -> None:
    fake: FakeGoogle = sandbox.fakes["google"]
    policy = k12(sandbox)
    before = settled(fake, google, policy)

    first = plan(google, policy, store=runs)
    assert not first.deferred
    assert all(c.resource.kind == "meeting" for c in first.changes)  # Meet policies are never written
    assert len(first.changes) == len(sandbox.district.meetings)
    opened = next(c for c in first.changes if Control.WAITING_ROOM in c.controls)
    assert opened.forward == {
        "space_config": {
            "accessType": "RESTRICTED",
            "moderation": "ON",
            "moderationRestrictions": {"presentRestriction": "HOSTS_ONLY"},
        }
    }
    assert opened.prior == {
        "space_config": {
            "accessType": "OPEN",
            "moderation": "OFF",
            "moderationRestrictions": {"presentRestriction": "NO_RESTRICTION"},
        }
    }

    mark = len(fake.requests)
    result = apply(first, google, store=runs, sandbox=True)
    assert result.status == "completed"
    assert result.counts == {"applied": len(sandbox.district.meetings)}
    writes = [r for r in fake.requests[mark:] if r.method not in ("GET",) and "oauth2" not in str(r.url)]
    assert {(r.method, r.url.path.split("/")[2]) for r in writes} == {("PATCH", "spaces")}
    assert all("updateMask=" in str(r.url) for r in writes)
    assert fake.snapshot() != before

    after = audit(google, policy)
    assert after.violations == []
    assert after.exit_code() == 0 and after.exit_code(strict=True) == 1
    assert all(f.kind == "unsupported" and f.resource.kind == "account" for f in after.findings)
    module = {(c, "value") for c, _ in account_findings(after)}
    assert {(f.control.value, f.aspect) for f in after.findings} == matrix_unenforceable(google, policy) | module

    # a second run changes nothing
    enforced = fake.snapshot()
    mark = len(fake.requests)
    again = apply(plan(google, policy, store=runs), google, store=runs, sandbox=True)
    assert again.items == [] and again.status == "completed"
    assert fake.snapshot() == enforced
    assert not [r for r in fake.requests[mark:] if r.method != "GET" and "oauth2" not in str(r.url)]

    back = rollback(result.run_id, google, store=runs)
    assert back.status == "rolled_back"
    assert back.counts == {"rolled_back": len(sandbox.district.meetings)}
    assert fake.snapshot() == before  # byte for byte
    assert meeting_findings(audit(google, policy)) == meeting_findings(first.audit)  # the violations are back

    mark = len(fake.requests)
    rollback(result.run_id, google, store=runs)
    assert not [r for r in fake.requests[mark:] if r.method != "GET" and "oauth2" not in str(r.url)]


# -- passcodes: the equivalent, never a pretence ------------------------------------------------------------------


@pytest.fixture
def world() -> tuple[FakeGoogle, Provider]:
    fake = FakeGoogle(clock=FakeClock(START))
    fake.add_user("it.admin@staff.lincoln-usd.example", first_name="IT", last_name="Admin", is_admin=True)
    fake.add_user(HOST, first_name="Ada", last_name="Adams", org_unit="/Staff")
    provider = GoogleProvider.from_settings(
        dict(SANDBOX.settings), client=httpx.Client(transport=fake), clock=fake.clock
    )
    return fake, provider


def add_class(fake: FakeGoogle, topic: str, config: dict[str, Any], *, days: int = 1) -> dict[str, Any]:
    start = START + timedelta(days=days)
    body = {
        "summary": topic,
        "start": {"dateTime": start.isoformat(), "timeZone": "UTC"},
        "end": {"dateTime": (start + timedelta(minutes=50)).isoformat(), "timeZone": "UTC"},
    }
    return fake.add_event(HOST, body, space_config=config)


def test_passcode_is_reported_as_missing_and_knocking_enforced_in_its_place(
    world: tuple[FakeGoogle, Provider], runs: EnforceStore
) -> None:
    fake, google = world
    add_class(fake, "Open class", {"accessType": "OPEN"})
    add_class(fake, "Trusted class", {"accessType": "TRUSTED"}, days=2)
    policy = only("passcodes", {"passcode_required": {"required": True}})

    report = audit(google, policy)
    account = {f.actual: f for f in report.findings if f.resource.kind == "account"}
    assert all(f.kind == "unsupported" for f in account.values())
    missing = account["Google Meet has no meeting passcodes"]
    assert "knocking" in missing.remediation and "TRUSTED or RESTRICTED" in missing.remediation
    # with no waiting_room entry the org default access type is checked here; no policy sets it in this
    # domain, and Google's default is not assumed to be safe
    default = account["not set (Google's default applies) at /"]
    assert default.fields == ["settings/meet.meet_joining.allowedAudience"]
    assert len(account) == 2
    (violation,) = report.violations
    assert violation.resource.topic == "Open class"
    assert violation.actual == "no passcode (Meet has none) and no knocking: config.accessType='OPEN'"

    changes = plan(google, policy, store=runs).changes
    assert [list(c.summary) for c in changes] == [
        ["config.accessType (knocking, Meet's equivalent of a passcode): 'OPEN' \u2192 'TRUSTED'"]
    ]
    before = settled(fake, google, policy)
    result = apply(plan(google, policy, store=runs), google, store=runs)
    assert result.counts == {"applied": 1}
    fixed = google.get_meeting(violation.resource.id)
    assert fixed.security.passcode_required is None and fixed.security.passcode is None  # still no passcode
    assert audit(google, policy).violations == []
    rollback(result.run_id, google, store=runs)
    assert fake.snapshot() == before


def test_waiting_room_off_is_never_overridden_for_a_passcode(world: tuple[FakeGoogle, Provider]) -> None:
    fake, google = world
    add_class(fake, "Open class", {"accessType": "OPEN"})
    policy = only("open", {"passcode_required": {"required": True}, "waiting_room": {"who": "off"}})
    report = audit(google, policy)
    assert report.violations == []
    (finding,) = [f for f in report.findings if f.control is Control.PASSCODE_REQUIRED]
    assert "turns the waiting room off" in finding.remediation


# -- org units: inheritance, groups, Meet turned off ----------------------------------------------------------------


def section(setting: str, value: dict[str, Any], sort_order: float) -> dict[str, Any]:
    return {
        "name": "policies/x",
        "customer": "customers/C0",
        "policyQuery": {"orgUnit": "orgUnits/x", "sortOrder": sort_order},
        "setting": {"type": f"settings/{setting}", "value": value},
        "type": "ADMIN",
    }


def test_org_unit_values_are_resolved_by_sort_order_and_ancestry() -> None:
    settings = AccountSettings(
        provider="google",
        sections={
            "meet.safety_external_participants@/": section(
                "meet.safety_external_participants", {"enableExternalLabel": True}, 1
            ),
            "meet.safety_external_participants@/Staff/Media": section(
                "meet.safety_external_participants", {"enableExternalLabel": False}, 3
            ),
            "meet.safety_external_participants@/Staff/Media/Interns": section(
                "meet.safety_external_participants", {"enableExternalLabel": True}, 4
            ),
            "meet.safety_external_participants@groups/02abc": section(
                "meet.safety_external_participants", {"enableExternalLabel": False}, 5
            ),
            "meet.automatic_recording@/Students": section("meet.automatic_recording", {"enabled": True}, 2),
            "meet.automatic_recording@/Alumni": section("meet.automatic_recording", {"enabled": True}, 2),
            "meet.service_status@/Alumni": section("meet.service_status", {"serviceState": "DISABLED"}, 2),
            "meet.automatic_transcription@/Students#2": section("meet.automatic_transcription", {"enabled": True}, 2),
        },
    )
    policy = only(
        "p",
        {
            "external_participant_warning": {"required": True},
            "auto_recording": {"mode": "none"},
            "auto_transcription": {"allowed": False},
            "waiting_room": {"who": "outsiders"},
        },
    )
    checks = {c.control: c for c in POLICY.audit_account(settings, policy)}
    label = checks[Control.EXTERNAL_PARTICIPANT_WARNING]
    assert not label.compliant and not label.enforceable
    assert label.actual == (
        "enableExternalLabel=false at /Staff/Media; enableExternalLabel=false at groups/02abc"
    )  # /Staff/Media/Interns sets it back on; /Staff inherits the root's
    assert "for /Staff/Media, groups/02abc" in label.remediation
    # Alumni have Meet turned off: their automatic recording does not matter
    assert checks[Control.AUTO_RECORDING].actual == "enabled=true at /Students"
    assert checks[Control.AUTO_TRANSCRIPTION].actual == "enabled=true at /Students"
    # no policy sets the access type anywhere: Google's default is not assumed
    assert checks[Control.WAITING_ROOM].actual.startswith("not set (Google's default applies) at /")
    assert POLICY.plan_account(settings, policy) is None


def test_a_stricter_setting_passes_and_local_recording_is_reported() -> None:
    settings = AccountSettings(
        provider="google",
        sections={
            "meet.safety_domain@/": section("meet.safety_domain", {"usersAllowedToJoin": "SAME_ORGANIZATION_ONLY"}, 1),
            "meet.meet_joining@/": section("meet.meet_joining", {"allowedAudience": "RESTRICTED"}, 1),
        },
    )
    policy = only(
        "p",
        {
            "authenticated_only": {"required": True},
            "waiting_room": {"who": "outsiders"},
            "auto_recording": {"mode": "local"},
        },
    )
    checks = {c.control: c for c in POLICY.audit_account(settings, policy)}
    assert checks[Control.AUTHENTICATED_ONLY].compliant
    assert checks[Control.WAITING_ROOM].compliant
    assert not checks[Control.AUTO_RECORDING].compliant
    assert "Google Drive" in checks[Control.AUTO_RECORDING].actual


# -- meeting spaces: every mapped field, unset fields, unreadable spaces ---------------------------------------------


def test_unset_fields_are_set_and_cleared_again_on_rollback(
    world: tuple[FakeGoogle, Provider], runs: EnforceStore
) -> None:
    fake, google = world
    event = add_class(fake, "Art", {"accessType": "TRUSTED"})
    space = fake.space_by_code(event["conferenceData"]["conferenceId"])
    del space["config"]["artifactConfig"]["smartNotesConfig"]  # e.g. a tenant without Gemini notes
    space["config"]["artifactConfig"]["transcriptionConfig"]["autoTranscriptionGeneration"] = "ON"
    space["config"]["artifactConfig"]["recordingConfig"]["autoRecordingGeneration"] = "ON"
    policy = only(
        "capture",
        {
            "auto_recording": {"mode": "none"},
            "auto_transcription": {"allowed": False},
            "chat_restrictions": {"private_chat": True, "participants_chat_with": "host"},
            "screen_sharing": {"who": "host"},
        },
    )
    before = settled(fake, google, policy)
    report = audit(google, policy)
    assert {f.control for f in report.violations} == {
        Control.AUTO_RECORDING,
        Control.AUTO_TRANSCRIPTION,
        Control.CHAT_RESTRICTIONS,
        Control.SCREEN_SHARING,
    }
    (change,) = plan(google, policy, store=runs).changes
    assert change.forward == {
        "space_config": {
            "moderation": "ON",
            "moderationRestrictions": {"chatRestriction": "HOSTS_ONLY", "presentRestriction": "HOSTS_ONLY"},
            "artifactConfig": {
                "recordingConfig": {"autoRecordingGeneration": "OFF"},
                "transcriptionConfig": {"autoTranscriptionGeneration": "OFF"},
                "smartNotesConfig": {"autoSmartNotesGeneration": "OFF"},
            },
        }
    }
    assert change.prior["space_config"]["artifactConfig"]["smartNotesConfig"] is None  # absent: cleared again
    assert any("nearest to host-only chat" in line for line in change.summary)
    json.dumps(change.prior)  # plain JSON for the store

    result = apply(plan(google, policy, store=runs), google, store=runs)
    assert result.counts == {"applied": 1}
    assert audit(google, policy).violations == []
    rollback(result.run_id, google, store=runs)
    assert fake.snapshot() == before
    assert "smartNotesConfig" not in space["config"]["artifactConfig"]


def test_a_space_the_organiser_cannot_read_is_reported_not_guessed() -> None:
    listed = Meeting(
        provider="google",
        kind=MeetingKind.SCHEDULED,
        id=f"{HOST}/abc123",
        topic="Borrowed space",
        host_email=HOST,
        raw={"event": {}, "space": {"name": "spaces/x", "meetingCode": "abc-defg-hij"}},
    )
    policy = only("p", {"waiting_room": {"who": "everyone"}})
    (check,) = POLICY.audit_meeting(listed, policy, AccountContext())
    assert not check.compliant and not check.enforceable and "space owner" in check.remediation
    assert POLICY.plan_meeting(listed, policy, AccountContext()) is None


# -- the command line ---------------------------------------------------------------------------------------------


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    for key in list(__import__("os").environ):
        if key.startswith("CONFKIT_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("CONFKIT_STORE", str(tmp_path / "store.db"))
    monkeypatch.chdir(tmp_path)
    # The sandbox's fakes and rate limiters run on a clock whose sleeps take no time.
    monkeypatch.setattr("confkit.sandbox.SystemClock", lambda: FakeClock(datetime.now(UTC)))
    return CliRunner()


def test_cli_audit_and_enforce_on_the_sandbox(cli: CliRunner) -> None:
    audited = cli.invoke(app, ["audit", "--sandbox", "--provider", "google", "--format", "json"])
    assert audited.exit_code == 1, audited.output
    data = json.loads(audited.output[audited.output.index("{") :])
    assert {f["control"] for f in data["findings"] if f["kind"] == "violation"} == {"waiting_room", "screen_sharing"}

    dry = cli.invoke(app, ["enforce", "--sandbox", "-p", "google"])
    assert dry.exit_code == 0 and "dry run" in dry.output

    applied = cli.invoke(app, ["enforce", "--sandbox", "-p", "google", "--apply"])
    assert applied.exit_code == 0, applied.output
    assert "status completed; 40 applied" in applied.output


def test_cli_enforce_then_audit_across_invocations(cli: CliRunner) -> None:
    assert cli.invoke(app, ["enforce", "--sandbox", "-p", "google", "--apply"]).exit_code == 0
    assert cli.invoke(app, ["audit", "--sandbox", "-p", "google"]).exit_code == 0
