"""One district security policy, audited and enforced on every platform.

    from confkit.policy import load_policy, audit, plan, apply, resume, rollback

    policy = load_policy("district.toml")        # or builtin_policy("k12")
    report = audit(providers, policy)            # AuditReport
    todo = plan(providers, policy, store=path)   # Plan (nothing written)
    run = apply(todo, providers, store=path)     # RunResult with run_id
    rollback(run.run_id, providers, store=path)  # prior values restored

See docs/policy.md. Per-provider behaviour lives in ``confkit/providers/<name>/policy.py``
(:class:`ProviderPolicy`).
"""

from confkit.policy.engine import (
    AuditReport,
    Finding,
    ItemResult,
    Plan,
    PlannedChange,
    ProviderAudit,
    RunResult,
    apply,
    audit,
    plan,
    resume,
    rollback,
    run_items,
)
from confkit.policy.loader import PolicyError, builtin_names, builtin_policy, load_policy, parse_policy
from confkit.policy.matrix import CapabilityMatrix, MatrixCell, build_matrix, to_markdown
from confkit.policy.model import ChatAudience, ControlPolicy, SecurityPolicy, Severity
from confkit.policy.plugin import (
    AccountContext,
    Change,
    Check,
    ProviderPolicy,
    Resource,
    WriteLimit,
    provider_policy,
    register_policy,
)

__all__ = [
    "AccountContext",
    "AuditReport",
    "CapabilityMatrix",
    "Change",
    "ChatAudience",
    "Check",
    "ControlPolicy",
    "Finding",
    "ItemResult",
    "MatrixCell",
    "Plan",
    "PlannedChange",
    "PolicyError",
    "ProviderAudit",
    "ProviderPolicy",
    "Resource",
    "RunResult",
    "SecurityPolicy",
    "Severity",
    "WriteLimit",
    "apply",
    "audit",
    "build_matrix",
    "builtin_names",
    "builtin_policy",
    "load_policy",
    "parse_policy",
    "plan",
    "provider_policy",
    "register_policy",
    "resume",
    "rollback",
    "run_items",
    "to_markdown",
]
