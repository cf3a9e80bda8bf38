"""``kill -9`` at random points: a real ``confkit logs collect -p webex`` process against FakeWebex (generated
log traffic) on a loopback socket, killed with SIGKILL again and again, then run to the end. The stored set
of events must be exactly the served set: nothing lost, nothing twice."""

from __future__ import annotations

import os
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from confkit.providers.webex.logs import admin_audit_event, meeting_context, participant_event, security_audit_event
from confkit.testing.serve import serve
from confkit.testing.webex import API_HOST, FakeWebex
from tests.killing import kill_at_random_points_then_finish

ADMIN = "it.admin@district.example"
CLI = [sys.executable, "-c", "from confkit.cli import main; main()", "logs", "collect", "-p", "webex", "--no-progress"]

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")


def expected_ids(fake: FakeWebex) -> set[str]:
    tenant = fake.org_id
    ids = {admin_audit_event(r, tenant)["id"] for r in fake.log_records("admin_audit")}
    ids |= {security_audit_event(r, tenant)["id"] for r in fake.log_records("security_audit")}
    ids |= {participant_event(x["participant"], tenant, meeting_context(x["meeting"]))["id"]
            for x in fake.log_records("participants")}  # fmt: skip
    return ids




def test_kill_9_at_random_points_then_rerun(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    fake = FakeWebex(seed=13, site_url="district.webex.com", org_name="District")
    fake.add_person(ADMIN, "IT", "Admin", admin=True)
    fake.generate_log_traffic(
        admin=3_000,
        security=5_000,
        meetings=100,
        participants_per_meeting=20,
        hosts=8,
        start=now - timedelta(days=140),
        end=now - timedelta(hours=2),
        domain="district.example",
    )
    fake.add_admin_audit_event(ADMIN, category="MEETING_SITE_SETTINGS", target_type="SITE",
                               target_id=fake.site_url, target_name=fake.site_url,
                               description="Meeting site settings were changed",
                               action_text="IT Admin changed the settings of site district.webex.com: Join Before "
                                           "Host changed from false to true", at=now - timedelta(days=3))  # fmt: skip
    expected = expected_ids(fake)
    assert len(expected) == 3_001 + 5_000 + 100 * 20
    db = tmp_path / "logs.db"
    # The rate limits can only be lifted in the file (a table); the rest comes from the environment.
    (tmp_path / "confkit.toml").write_text("[webex]\nrate_limits = { default = 1000000.0, people = 1000000.0 }\n")
    with serve(fake, routes={"/": f"https://{API_HOST}"}) as base:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("CONFKIT_")},
            "HOME": str(tmp_path),
            "CONFKIT_CONFIG": str(tmp_path / "confkit.toml"),
            "CONFKIT_STORE": str(db),
            "CONFKIT_WEBEX_AUTH": "personal",
            "CONFKIT_WEBEX_ACCESS_TOKEN": fake.personal_token(ADMIN),
            "CONFKIT_WEBEX_BASE_URL": f"{base}/v1",
            "CONFKIT_WEBEX_SITE_URL": fake.site_url,
        }
        kill_at_random_points_then_finish(CLI, env, tmp_path, db, expected, seed=20260106)
