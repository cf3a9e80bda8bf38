"""``kill -9`` at random points: a real ``confkit logs collect`` process against FakeZoom on a loopback
socket, killed with SIGKILL again and again, then run to the end. The stored set of events must be
exactly the served set: nothing lost, nothing twice."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from confkit.providers.zoom.logs import meeting_context, operation_event, participant_event, signin_event
from confkit.testing import FakeZoom
from confkit.testing.serve import serve

TENANT = "kill-test-account"
CLI = [sys.executable, "-c", "from confkit.cli import main; main()", "logs", "collect", "-p", "zoom", "--no-progress"]

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")


def expected_ids(fake: FakeZoom) -> set[str]:
    ids = {signin_event(r, TENANT)["id"] for r in fake.log_records("signins")}
    ids |= {operation_event(r, TENANT)["id"] for r in fake.log_records("operations")}
    for x in fake.log_records("participants"):
        ids.add(participant_event(x["participant"], TENANT, meeting_context(x["meeting"], x["host_id"]))["id"])
    return ids


def stored(db: Path) -> list[str]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return [row[0] for row in conn.execute("SELECT id FROM log_events")]


def count(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM log_events").fetchone()[0])
    except sqlite3.Error:  # not created yet
        return 0


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
    rng = random.Random(20260105)
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
        # One kill at a random instant early on (maybe before any commit), then kills once the store
        # holds a random share of the events (always mid-run: pages are committed continually).
        targets: list[float | None] = [None, *sorted(rng.uniform(0.1, 0.85) for _ in range(3))]
        kills = 0
        for target in targets:
            proc = subprocess.Popen(CLI, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            deadline = time.monotonic() + 60
            if target is None:
                time.sleep(rng.uniform(0.3, 1.0))
            else:
                goal = int(target * len(expected))
                while proc.poll() is None and count(db) < goal and time.monotonic() < deadline:
                    time.sleep(0.005)
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=30)
                assert proc.returncode == -signal.SIGKILL
                kills += 1
            else:
                assert proc.returncode == 0, proc.stderr.read().decode() if proc.stderr else ""
            if proc.stderr:
                proc.stderr.close()
        assert kills >= 3
        before = count(db)
        assert 0 < before < len(expected)
        final = subprocess.run(CLI, env=env, cwd=tmp_path, capture_output=True, timeout=120)
        assert final.returncode == 0, final.stdout.decode() + final.stderr.decode()
    ids = stored(db)
    assert len(ids) == len(set(ids)), "an event was stored twice"
    assert set(ids) == expected, f"lost {len(expected - set(ids))}, unexpected {len(set(ids) - expected)}"
