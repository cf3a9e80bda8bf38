"""The enforce-run module of the store: runs, their items, prior values and deferred items.

* ``enforce_runs``: one row per ``confkit enforce --apply`` (and its resumes), with the policy it
  enforced, so a resume or a rollback never depends on files that may have changed since.
* ``enforce_items``: one planned write to one resource (an account's settings, one meeting) and
  its status: ``planned`` → ``in_progress`` → ``applied`` | ``failed`` | ``deferred``, later
  ``rolled_back``; ``skipped`` when a resume finds nothing left to do (already compliant, deleted).
* ``enforce_prior_values``: what the resource held before the write, saved (and committed) before
  the write is sent, and never overwritten by a resume: a rollback restores exactly these values.
* ``enforce_deferred``: why an item waits (a per-host daily write limit) and until when.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from confkit.errors import ConfigurationError
from confkit.store.core import Migrations, Store, utcnow

ItemStatus = Literal["planned", "in_progress", "applied", "failed", "deferred", "skipped", "rolled_back"]
RunStatus = Literal["running", "interrupted", "completed", "partial", "rolling_back", "rolled_back"]

ENFORCE = Migrations(
    "enforce",
    [
        """
        CREATE TABLE enforce_runs (
            id TEXT PRIMARY KEY,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            status TEXT NOT NULL,
            sandbox INTEGER NOT NULL DEFAULT 0,
            policy_name TEXT NOT NULL,
            policy_json TEXT NOT NULL,
            providers TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE enforce_items (
            run_id TEXT NOT NULL REFERENCES enforce_runs(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            provider TEXT NOT NULL,
            kind TEXT NOT NULL,
            resource_id TEXT NOT NULL,
            topic TEXT,
            host TEXT,
            host_id TEXT,
            controls TEXT NOT NULL,
            summary TEXT NOT NULL,
            forward_json TEXT NOT NULL,
            status TEXT NOT NULL,
            error TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            applied_at TEXT,
            rolled_back_at TEXT,
            PRIMARY KEY (run_id, seq)
        );
        CREATE INDEX enforce_items_host_writes ON enforce_items(provider, host_id, applied_at);
        CREATE TABLE enforce_prior_values (
            run_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            prior_json TEXT NOT NULL,
            saved_at TEXT NOT NULL,
            PRIMARY KEY (run_id, seq),
            FOREIGN KEY (run_id, seq) REFERENCES enforce_items(run_id, seq) ON DELETE CASCADE
        );
        CREATE TABLE enforce_deferred (
            run_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            reason TEXT NOT NULL,
            not_before TEXT,
            deferred_at TEXT NOT NULL,
            PRIMARY KEY (run_id, seq),
            FOREIGN KEY (run_id, seq) REFERENCES enforce_items(run_id, seq) ON DELETE CASCADE
        );
        """,
    ],
)


@dataclass
class ItemRecord:
    run_id: str
    seq: int
    provider: str
    kind: str
    resource_id: str
    controls: list[str]
    summary: list[str]
    forward: dict[str, Any]
    status: ItemStatus = "planned"
    topic: str | None = None
    host: str | None = None
    host_id: str | None = None
    error: str | None = None
    attempts: int = 0
    applied_at: str | None = None
    rolled_back_at: str | None = None
    prior: dict[str, Any] | None = None
    deferred_reason: str | None = None
    not_before: str | None = None


@dataclass
class RunRecord:
    id: str
    created_at: str
    updated_at: str
    status: RunStatus
    sandbox: bool
    policy_name: str
    policy: dict[str, Any]
    providers: list[str]
    note: str = ""
    counts: dict[str, int] = field(default_factory=dict)


class EnforceStore:
    """Enforce runs in a :class:`~confkit.store.core.Store` (migrates its module on open)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        store.migrate(ENFORCE)

    # -- runs ---------------------------------------------------------------------------------------

    def create_run(
        self, run_id: str, *, policy_name: str, policy: dict[str, Any], providers: Sequence[str], sandbox: bool
    ) -> None:
        now = utcnow()
        with self.store.transaction() as tx:
            tx.execute(
                "INSERT INTO enforce_runs(id, created_at, updated_at, status, sandbox, policy_name, policy_json, "
                "providers) VALUES (?, ?, ?, 'running', ?, ?, ?, ?)",
                (run_id, now, now, int(sandbox), policy_name, json.dumps(policy), json.dumps(list(providers))),
            )

    def set_run_status(self, run_id: str, status: RunStatus, note: str | None = None) -> None:
        with self.store.transaction() as tx:
            if note is None:
                tx.execute(
                    "UPDATE enforce_runs SET status = ?, updated_at = ? WHERE id = ?", (status, utcnow(), run_id)
                )
            else:
                tx.execute(
                    "UPDATE enforce_runs SET status = ?, note = ?, updated_at = ? WHERE id = ?",
                    (status, note, utcnow(), run_id),
                )

    def get_run(self, run_id: str) -> RunRecord:
        rows = self.store.query("SELECT * FROM enforce_runs WHERE id = ?", (run_id,))
        if not rows:
            known = [r["id"] for r in self.store.query("SELECT id FROM enforce_runs ORDER BY created_at DESC LIMIT 5")]
            hint = f"; recent runs: {', '.join(known)}" if known else "; there are no runs in this store"
            raise ConfigurationError(f"no enforce run {run_id!r} in the store {self.store.path}{hint}")
        return self._run(rows[0])

    def list_runs(self, limit: int = 20) -> list[RunRecord]:
        rows = self.store.query("SELECT * FROM enforce_runs ORDER BY created_at DESC, rowid DESC LIMIT ?", (limit,))
        return [self._run(r) for r in rows]

    def _run(self, row: Any) -> RunRecord:
        counts = {
            r["status"]: int(r["n"])
            for r in self.store.query(
                "SELECT status, COUNT(*) AS n FROM enforce_items WHERE run_id = ? GROUP BY status", (row["id"],)
            )
        }
        return RunRecord(
            id=row["id"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            status=row["status"],
            sandbox=bool(row["sandbox"]),
            policy_name=row["policy_name"],
            policy=json.loads(row["policy_json"]),
            providers=json.loads(row["providers"]),
            note=row["note"],
            counts=counts,
        )

    # -- items --------------------------------------------------------------------------------------

    def next_seq(self, run_id: str) -> int:
        rows = self.store.query("SELECT COALESCE(MAX(seq), 0) AS m FROM enforce_items WHERE run_id = ?", (run_id,))
        return int(rows[0]["m"]) + 1

    def add_items(self, items: Sequence[ItemRecord]) -> None:
        with self.store.transaction() as tx:
            tx.executemany(
                "INSERT INTO enforce_items(run_id, seq, provider, kind, resource_id, topic, host, host_id, controls, "
                "summary, forward_json, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        i.run_id,
                        i.seq,
                        i.provider,
                        i.kind,
                        i.resource_id,
                        i.topic,
                        i.host,
                        i.host_id,
                        json.dumps(i.controls),
                        json.dumps(i.summary),
                        json.dumps(i.forward),
                        i.status,
                    )
                    for i in items
                ],
            )
            for i in items:
                if i.status == "deferred":
                    tx.execute(
                        "INSERT INTO enforce_deferred(run_id, seq, reason, not_before, deferred_at) VALUES (?,?,?,?,?)",
                        (i.run_id, i.seq, i.deferred_reason or "", i.not_before, utcnow()),
                    )

    def update_forward(self, run_id: str, seq: int, forward: dict[str, Any], summary: list[str]) -> None:
        with self.store.transaction() as tx:
            tx.execute(
                "UPDATE enforce_items SET forward_json = ?, summary = ? WHERE run_id = ? AND seq = ?",
                (json.dumps(forward), json.dumps(summary), run_id, seq),
            )

    def start(self, run_id: str, seq: int, prior: dict[str, Any]) -> None:
        """Save the prior values (the first ones saved win) and mark the item in progress, in one commit."""
        with self.store.transaction() as tx:
            tx.execute(
                "INSERT OR IGNORE INTO enforce_prior_values(run_id, seq, prior_json, saved_at) VALUES (?, ?, ?, ?)",
                (run_id, seq, json.dumps(prior), utcnow()),
            )
            tx.execute("DELETE FROM enforce_deferred WHERE run_id = ? AND seq = ?", (run_id, seq))
            tx.execute(
                "UPDATE enforce_items SET status = 'in_progress', attempts = attempts + 1, error = NULL "
                "WHERE run_id = ? AND seq = ?",
                (run_id, seq),
            )

    def finish(
        self, run_id: str, seq: int, status: ItemStatus, error: str | None = None, *, at: datetime | None = None
    ) -> None:
        now = at.isoformat(timespec="seconds") if at is not None else utcnow()
        with self.store.transaction() as tx:
            if status == "applied":
                tx.execute(
                    "UPDATE enforce_items SET status = 'applied', error = NULL, applied_at = ? "
                    "WHERE run_id = ? AND seq = ?",
                    (now, run_id, seq),
                )
            elif status == "rolled_back":
                tx.execute(
                    "UPDATE enforce_items SET status = 'rolled_back', error = NULL, rolled_back_at = ? "
                    "WHERE run_id = ? AND seq = ?",
                    (now, run_id, seq),
                )
            else:
                tx.execute(
                    "UPDATE enforce_items SET status = ?, error = ? WHERE run_id = ? AND seq = ?",
                    (status, error, run_id, seq),
                )

    def record_error(self, run_id: str, seq: int, error: str) -> None:
        """Note an error on an item without changing its status (e.g. a failed rollback write)."""
        with self.store.transaction() as tx:
            tx.execute("UPDATE enforce_items SET error = ? WHERE run_id = ? AND seq = ?", (error, run_id, seq))

    def defer(self, run_id: str, seq: int, reason: str, not_before: datetime | None) -> None:
        stamp = not_before.isoformat(timespec="seconds") if not_before is not None else None
        with self.store.transaction() as tx:
            tx.execute(
                "UPDATE enforce_items SET status = 'deferred', error = NULL WHERE run_id = ? AND seq = ?",
                (run_id, seq),
            )
            tx.execute(
                "INSERT INTO enforce_deferred(run_id, seq, reason, not_before, deferred_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(run_id, seq) DO UPDATE SET reason = excluded.reason, not_before = excluded.not_before, "
                "deferred_at = excluded.deferred_at",
                (run_id, seq, reason, stamp, utcnow()),
            )

    def items(self, run_id: str) -> list[ItemRecord]:
        rows = self.store.query(
            "SELECT i.*, p.prior_json, d.reason AS deferred_reason, d.not_before FROM enforce_items i "
            "LEFT JOIN enforce_prior_values p ON p.run_id = i.run_id AND p.seq = i.seq "
            "LEFT JOIN enforce_deferred d ON d.run_id = i.run_id AND d.seq = i.seq "
            "WHERE i.run_id = ? ORDER BY i.seq",
            (run_id,),
        )
        return [
            ItemRecord(
                run_id=r["run_id"],
                seq=int(r["seq"]),
                provider=r["provider"],
                kind=r["kind"],
                resource_id=r["resource_id"],
                topic=r["topic"],
                host=r["host"],
                host_id=r["host_id"],
                controls=json.loads(r["controls"]),
                summary=json.loads(r["summary"]),
                forward=json.loads(r["forward_json"]),
                status=r["status"],
                error=r["error"],
                attempts=int(r["attempts"]),
                applied_at=r["applied_at"],
                rolled_back_at=r["rolled_back_at"],
                prior=json.loads(r["prior_json"]) if r["prior_json"] is not None else None,
                deferred_reason=r["deferred_reason"],
                not_before=r["not_before"],
            )
            for r in rows
        ]

    def writes_since(self, provider: str, host_id: str, since: datetime) -> int:
        """Meeting writes confkit made for ``host_id`` since ``since`` (enforce and rollback both count)."""
        stamp = since.isoformat(timespec="seconds")
        rows = self.store.query(
            "SELECT (SELECT COUNT(*) FROM enforce_items WHERE provider = ? AND host_id = ? AND kind = 'meeting' "
            "AND applied_at >= ?) + (SELECT COUNT(*) FROM enforce_items WHERE provider = ? AND host_id = ? "
            "AND kind = 'meeting' AND rolled_back_at >= ?) AS n",
            (provider, host_id, stamp, provider, host_id, stamp),
        )
        return int(rows[0]["n"])


__all__ = ["ENFORCE", "EnforceStore", "ItemRecord", "ItemStatus", "RunRecord", "RunStatus"]
