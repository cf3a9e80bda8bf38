"""Zoom's policy module: field mapping, passcodes, gaps, and the report formats."""

from __future__ import annotations

import csv
import io
import json

import pytest

from confkit.capabilities import Control
from confkit.http import FakeClock
from confkit.models import AccountSettings
from confkit.policy import builtin_policy, plugin
from confkit.policy.engine import apply, audit, plan, rollback
from confkit.policy.plugin import ProviderPolicy, provider_policy
from confkit.policy.report import CSV_COLUMNS, to_csv, to_html, to_json
from confkit.policy.sandbox import sandbox_policy
from confkit.providers.zoom import provider as zoom_provider
from confkit.providers.zoom.policy import POLICY, generate_passcode
from confkit.sandbox import Sandbox
from confkit.store import EnforceStore, Store


def test_zoom_policy_implements_the_protocol() -> None:
    assert isinstance(POLICY, ProviderPolicy)
    assert provider_policy("zoom") is POLICY
    limit = POLICY.write_limit()
    assert limit is not None and limit.per_host_per_day == 100


@pytest.mark.parametrize(
    "rules",
    [
        {"length": 8, "letter": True, "number": True},
        {"length": 10, "letter": True, "number": True, "special": True, "mixed": True},
        {"length": 6, "number": True},
    ],
)
def test_generated_passcodes_meet_the_rules(rules: dict[str, object]) -> None:
    for _ in range(200):
        code = generate_passcode(rules)
        assert len(code) == rules["length"]
        assert all(c.isalnum() or c in "@-_*" for c in code)
        if rules.get("letter"):
            assert any(c.islower() for c in code)
        if rules.get("number"):
            assert any(c.isdigit() for c in code)
        if rules.get("special"):
            assert any(c in "@-_*" for c in code)
        if rules.get("mixed"):
            assert any(c.isupper() for c in code)
        assert not any(code[i : i + 4] in "0123456789abcdefghijklmnopqrstuvwxyz" for i in range(len(code) - 3))


def settings(**sections: dict[str, object]) -> AccountSettings:
    return AccountSettings(provider="zoom", sections=dict(sections), locks={})


def test_account_plan_changes_only_keys_the_account_has_and_records_priors() -> None:
    policy = builtin_policy("k12")
    current = settings(
        schedule_meeting={"join_before_host": True, "use_pmi_for_scheduled_meetings": False},
        in_meeting={"private_chat": True, "allow_participants_chat_with": 2, "alert_guest_join": True},
        meeting_security={"waiting_room": True, "waiting_room_settings": {"participants_to_place_in_waiting_room": 1}},
    )
    change = POLICY.plan_account(current, policy)
    assert change is not None
    assert change.forward["settings"] == {
        "schedule_meeting": {"join_before_host": False},
        "in_meeting": {"private_chat": False},  # 2 (host only) is stricter than "everyone": kept
        "meeting_security": {"waiting_room_settings": {"participants_to_place_in_waiting_room": 0}},
    }
    assert change.prior["settings"] == {
        "schedule_meeting": {"join_before_host": True},
        "in_meeting": {"private_chat": True},
        "meeting_security": {"waiting_room_settings": {"participants_to_place_in_waiting_room": 1}},
    }
    checks = {(c.control, c.aspect): c for c in POLICY.audit_account(current, policy)}
    assert not checks[(Control.JOIN_BEFORE_HOST, "value")].compliant
    assert checks[(Control.PERSONAL_ROOM_FOR_SCHEDULED, "value")].compliant
    # keys the account does not return are reported, never invented
    assert "not returned" in checks[(Control.PASSCODE_REQUIRED, "value")].actual


def test_recording_section_is_enforced_once_the_adapter_reads_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zoom_provider, "SETTINGS_SECTIONS", (*zoom_provider.SETTINGS_SECTIONS, "recording"))
    sandbox = Sandbox.create(clock=FakeClock(), only=["zoom"])
    fake, zoom = sandbox.fakes["zoom"], sandbox.connect("zoom")
    fake.account_settings["recording"]["auto_recording"] = "cloud"
    policy = sandbox_policy(builtin_policy("k12"), sandbox.district)
    before = fake.snapshot()
    report = audit(zoom, policy)
    account = {(f.control.value, f.aspect) for f in report.violations if f.resource.kind == "account"}
    assert {("auto_recording", "value"), ("auto_recording", "lock")} <= account
    runs = EnforceStore(Store(":memory:"))
    result = apply(plan(zoom, policy, store=runs), zoom, store=runs)
    assert fake.account_settings["recording"]["auto_recording"] == "none"
    assert fake.lock_settings["recording"]["auto_recording"] is True
    gaps = {(f.control.value, f.aspect) for f in audit(zoom, policy).findings}
    assert ("auto_recording", "value") not in gaps and ("auto_recording", "lock") not in gaps
    rollback(result.run_id, zoom, store=runs)
    assert fake.snapshot() == before


def test_a_provider_without_policy_module_is_an_error_not_a_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(plugin._cache, "zoom", None)
    sandbox = Sandbox.create(clock=FakeClock(), only=["zoom"])
    report = audit(sandbox.connect("zoom"), builtin_policy("k12"))
    assert report.exit_code() == 2
    assert report.errors == [
        "zoom: confkit has no policy module for 'zoom' yet (confkit/providers/zoom/policy.py); "
        "it cannot be audited or enforced"
    ]


def test_report_formats() -> None:
    sandbox = Sandbox.create(clock=FakeClock(), only=["zoom"])
    report = audit(sandbox.connect("zoom"), sandbox_policy(builtin_policy("k12"), sandbox.district))
    data = json.loads(to_json(report))
    assert data["exit_code"] == 1 and data["compliant"] is False
    assert len(data["findings"]) == len(report.findings)
    finding = data["findings"][0]
    assert {
        "provider",
        "control",
        "kind",
        "resource",
        "expected",
        "actual",
        "severity",
        "remediation",
        "baseline_ids",
    } <= set(finding)
    rows = list(csv.DictReader(io.StringIO(to_csv(report))))
    assert list(rows[0]) == CSV_COLUMNS and len(rows) == len(report.findings)
    meeting = next(r for r in rows if r["resource_kind"] == "meeting")
    assert meeting["topic"] and meeting["host"].endswith("@staff.lincoln-usd.example")
    page = to_html(report, district="Lincoln")
    assert "Summary per platform" in page and "By control" in page and "Cannot be enforced on Zoom" in page
    assert page.count('class="group"') == len({(f.control, f.aspect, f.resource.kind) for f in report.violations})
    assert "<script" not in page and "http://" not in page and "https://" not in page
