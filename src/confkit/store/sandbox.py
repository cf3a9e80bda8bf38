"""The sandbox module of the store: the state of the in-process fakes between CLI invocations.

Every ``confkit ... --sandbox`` invocation builds a fresh in-process sandbox. So that ``enforce
--apply`` then ``audit`` then ``rollback RUN_ID`` act on the *same* fake district, the commands
that change the sandbox save each fake's :meth:`snapshot` here and the next invocation loads it.
"""

from __future__ import annotations

from confkit.store.core import Migrations, Store, utcnow

SANDBOX = Migrations(
    "sandbox",
    [
        """
        CREATE TABLE sandbox_state (
            platform TEXT PRIMARY KEY,
            seed INTEGER NOT NULL,
            state TEXT NOT NULL,
            saved_at TEXT NOT NULL
        );
        """,
    ],
)


class SandboxStore:
    def __init__(self, store: Store) -> None:
        self.store = store
        store.migrate(SANDBOX)

    def load(self, platform: str, seed: int) -> str | None:
        rows = self.store.query("SELECT state FROM sandbox_state WHERE platform = ? AND seed = ?", (platform, seed))
        return str(rows[0]["state"]) if rows else None

    def save(self, platform: str, seed: int, state: str) -> None:
        with self.store.transaction() as tx:
            tx.execute(
                "INSERT INTO sandbox_state(platform, seed, state, saved_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(platform) DO UPDATE SET seed = excluded.seed, state = excluded.state, "
                "saved_at = excluded.saved_at",
                (platform, seed, state, utcnow()),
            )

    def clear(self) -> int:
        with self.store.transaction() as tx:
            return tx.execute("DELETE FROM sandbox_state").rowcount


__all__ = ["SANDBOX", "SandboxStore"]
