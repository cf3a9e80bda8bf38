"""``kill -9`` at random points: a real ``confkit logs collect`` process against FakeZoom on a loopback
socket, killed with SIGKILL again and again, then run to the end. The stored set of events must be
exactly the served set: nothing lost, nothing twice."""

from __future__ import annotations

import os
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from confkit.providers.zoom.logs import meeting_context, operation_event, participant_event, signin_event
from confkit.testing import FakeZoom
from confkit.testing.serve import serve
from tests.killing import kill_at_random_points_then_finish

TENANT = "kill-test-account"
CLI = [sys.executable, "-c", "from confkit.cli import main; main()", "logs", "collect", "-p", "zoom", "--no-progress"]

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")


def expected_ids(fake: FakeZoom) -> set[str]:
    ids = {signin_event(r, TENANT)["id"] for r in fake.log_records("signins")}
    ids |= {operation_event(r, TENANT)["id"] for r in fake.log_records("operations")}
    for x in fake.log_records("participants"):
        ids.add(participant_event(x["participant"], TENANT, meeting_context(x["meeting"], x["host_id"]))["id"])
    return ids




def test_kill_9_at_random_points_then_rerun(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    fake = FakeZoom(account_id=TENANT, seed=11)
    fake.add_user("owner@district.example", first_name="Olive", last_name="Owner")
    fake.generate_log_traffic(signins=12_000, operations=6_000, meetings=120, participants_per_meeting=12, hosts=8,
                              start=now - timedelta(days=140), end=now - timedelta(hours=2))
    fake.add_operation_log("owner@district.example", "Account", "Update",
                           "Security  - Require a passcode when scheduling new meetings: from On to Off",
                           at=now - timedelta(days=3))
    expected = expected_ids(fake)
    db = tmp_path / "logs.db"
    with serve(fake, routes={"/oauth/": "https://zoom.us", "/": "https://api.zoom.us"}) as base:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("CONFKIT_")},
            "HOME": str(tmp_path),
            "CONFKIT_STORE": str(db),
            "CONFKIT_ZOOM_ACCOUNT_ID": TENANT,
            "CONFKIT_ZOOM_CLIENT_ID": fake.client_id,
            "CONFKIT_ZOOM_CLIENT_SECRET": fake.client_secret,
            "CONFKIT_ZOOM_BASE_URL": f"{base}/v2",
            "CONFKIT_ZOOM_TOKEN_URL": f"{base}/oauth/token",
        }
        kill_at_random_points_then_finish(CLI, env, tmp_path, db, expected, seed=20260105)
