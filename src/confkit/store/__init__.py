"""confkit's local SQLite store (file mode 0600, WAL, schema versioned per module).

Modules: :mod:`confkit.store.core` (the :class:`Store` and :class:`Migrations`),
:mod:`confkit.store.enforce` (enforce runs, prior values, deferred items) and
:mod:`confkit.store.sandbox` (the sandbox district's state between CLI invocations). A new feature
adds its own module with its own :class:`Migrations`; see :mod:`confkit.store.core`.
"""

from confkit.store.core import ENV_STORE, MEMORY, Migrations, Store, default_path
from confkit.store.enforce import EnforceStore, ItemRecord, RunRecord
from confkit.store.sandbox import SandboxStore

__all__ = [
    "ENV_STORE",
    "MEMORY",
    "EnforceStore",
    "ItemRecord",
    "Migrations",
    "RunRecord",
    "SandboxStore",
    "Store",
    "default_path",
]
