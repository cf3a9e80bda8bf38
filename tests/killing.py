"""``kill -9`` at random points, then a run to the end: the shared part of the real-process kill tests
(``test_logs_kill*.py``). A real ``confkit logs collect`` process against a fake served on a loopback
socket is killed with SIGKILL again and again; the store must then hold exactly the served set."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path


def stored(db: Path) -> list[str]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return [row[0] for row in conn.execute("SELECT id FROM log_events")]


def count(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM log_events").fetchone()[0])
    except sqlite3.Error:  # not created yet
        return 0


def kill_at_random_points_then_finish(cli: Sequence[str], env: dict[str, str], cwd: Path, db: Path,
                                      expected: set[str], *, seed: int = 20260105) -> None:
    """Kill ``cli`` once at a random instant early on (maybe before any commit), then three times once
    the store holds a random share of ``expected`` (always mid-run: pages are committed continually),
    run it to the end, and check that the stored ids are exactly ``expected``, each once."""
    rng = random.Random(seed)
    targets: list[float | None] = [None, *sorted(rng.uniform(0.1, 0.85) for _ in range(3))]
    kills = 0
    for target in targets:
        proc = subprocess.Popen(list(cli), env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        if target is None:
            time.sleep(rng.uniform(0.3, 1.0))
        else:
            goal = int(target * len(expected))
            while proc.poll() is None and count(db) < goal and time.monotonic() < deadline:
                time.sleep(0.002)
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
    assert 0 < count(db) < len(expected)
    final = subprocess.run(list(cli), env=env, cwd=cwd, capture_output=True, timeout=120)
    assert final.returncode == 0, final.stdout.decode() + final.stderr.decode()
    ids = stored(db)
    assert len(ids) == len(set(ids)), "an event was stored twice"
    assert set(ids) == expected, f"lost {len(expected - set(ids))}, unexpected {len(set(ids) - expected)}"
