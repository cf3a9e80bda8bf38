"""Audit reports and plans as a terminal table, JSON, CSV, or one self-contained HTML file."""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from confkit.capabilities import Control
from confkit.policy.engine import AuditReport, Finding, Plan, RunResult
from confkit.policy.model import Severity

SEVERITY_STYLE = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}

CSV_COLUMNS = [
    "provider",
    "kind",
    "severity",
    "control",
    "aspect",
    "resource_kind",
    "resource_id",
    "topic",
    "host",
    "expected",
    "actual",
    "remediation",
    "baseline_ids",
    "fields",
]


def finding_row(f: Finding) -> dict[str, Any]:
    return {
        "provider": f.provider,
        "kind": f.kind,
        "severity": f.severity.value,
        "control": f.control.value,
        "aspect": f.aspect,
        "resource_kind": f.resource.kind,
        "resource_id": f.resource.id,
        "topic": f.resource.topic or "",
        "host": f.resource.host or "",
        "expected": f.expected,
        "actual": f.actual,
        "remediation": f.remediation,
        "baseline_ids": "; ".join(f.baseline_ids),
        "fields": "; ".join(f.fields),
    }


def to_json(report: AuditReport) -> str:
    data = report.model_dump(mode="json")
    data["compliant"] = report.compliant
    data["exit_code"] = report.exit_code()
    return json.dumps(data, indent=2) + "\n"


def to_csv(report: AuditReport) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for finding in report.findings:
        writer.writerow(finding_row(finding))
    return buf.getvalue()


def _resource(f: Finding) -> str:
    if f.resource.kind == "account":
        return "account"
    host = (f.resource.host or f.resource.host_id or "").split("@")[0]
    return f"{f.resource.id} {f.resource.topic or ''} ({host})"


def print_table(console: Console, report: AuditReport, *, limit: int | None = None) -> None:
    """A summary per platform, then findings grouped by control, then what cannot be enforced."""
    summary = Table(title=f"Audit against policy {report.policy!r}", title_justify="left", header_style="bold")
    for heading in ("Platform", "Status", "Users", "Meetings", "Checks", "Findings", "Not enforceable"):
        summary.add_column(heading)
    for p in report.providers:
        status = "[red]error[/]" if p.error else ("[green]compliant[/]" if not p.violations else "[red]findings[/]")
        sev = ", ".join(f"{n} {s}" for s, n in sorted(p.by_severity.items(), key=lambda x: Severity(x[0]).rank))
        summary.add_row(
            p.display_name,
            status,
            str(p.users),
            str(p.meetings),
            str(p.checks),
            f"{p.violations}" + (f" ({sev})" if sev else ""),
            str(p.unsupported),
        )
    console.print(summary)
    for p in report.providers:
        if p.error:
            console.print(f"[red]{p.display_name}: {p.error}[/]", highlight=False)
    groups: dict[tuple[str, str], list[Finding]] = {}
    for f in report.violations:
        groups.setdefault((f.control.value, f.aspect), []).append(f)
    if groups:
        console.print(f"\n[bold]Findings ({len(report.violations)})[/]")
    for (control, aspect), rows in sorted(groups.items(), key=lambda g: (g[1][0].severity.rank, g[0])):
        first = rows[0]
        ids = f"  [dim]{', '.join(first.baseline_ids)}[/]" if first.baseline_ids else ""
        what = "locked" if aspect == "lock" else first.expected
        console.print(
            f"[{SEVERITY_STYLE[first.severity]}]{first.severity.value}[/] [bold]{control}[/]"
            f"{' (lock)' if aspect == 'lock' else ''}: expected {what}{ids}",
            highlight=False,
        )
        table = Table(show_header=False, box=None, padding=(0, 1, 0, 2))
        table.add_column("Platform", no_wrap=True)
        table.add_column("Resource", overflow="fold")
        table.add_column("Actual", overflow="fold")
        shown = rows if limit is None else rows[:limit]
        for f in shown:
            table.add_row(f.provider, _resource(f), f.actual)
        console.print(table)
        if len(shown) < len(rows):
            console.print(f"    ... and {len(rows) - len(shown)} more (--limit 0 shows all)")
    if report.unsupported:
        console.print(f"\n[bold]Cannot be enforced on this platform ({len(report.unsupported)})[/]")
        for f in report.unsupported:
            console.print(
                f"  [dim]{f.severity.value}[/] {f.provider} [bold]{f.control.value}[/]"
                f"{' (lock)' if f.aspect == 'lock' else ''}: {f.actual} — {f.remediation}",
                highlight=False,
            )


def print_plan(console: Console, plan: Plan) -> None:
    if not plan.changes:
        console.print("[green]Nothing to change:[/] every enforceable control already matches the policy.")
        return
    table = Table(
        title=f"Plan: {len(plan.planned)} writes, {len(plan.deferred)} deferred",
        title_justify="left",
        header_style="bold",
    )
    for heading in ("Platform", "Resource", "Controls", "Changes", "Status"):
        table.add_column(heading, overflow="fold")
    for c in plan.changes:
        resource = (
            "account"
            if c.resource.kind == "account"
            else f"{c.resource.id} {c.resource.topic or ''}\n{c.resource.host or ''}"
        )
        status = (
            "planned"
            if c.status == "planned"
            else f"deferred until {c.not_before:%Y-%m-%d %H:%M} UTC"
            if c.not_before
            else "deferred"
        )
        table.add_row(c.provider, resource, ", ".join(x.value for x in c.controls), "\n".join(c.summary), status)
    console.print(table)
    for reason in sorted({c.reason for c in plan.deferred if c.reason}):
        console.print(f"[yellow]deferred:[/] {reason}", highlight=False)


def print_run(console: Console, result: RunResult, *, verbose: bool = False) -> None:
    counts = ", ".join(f"{n} {s}" for s, n in sorted(result.counts.items())) or "no items"
    console.print(
        f"run [bold]{result.run_id}[/] ({result.operation}): status [bold]{result.status}[/]; {counts}", highlight=False
    )
    interesting = [
        i for i in result.items if verbose or i.status not in ("applied", "rolled_back", "skipped") or i.error
    ]
    if not interesting:
        return
    table = Table(header_style="bold")
    for heading in ("#", "Platform", "Resource", "Status", "Detail"):
        table.add_column(heading, overflow="fold")
    for i in interesting:
        resource = "account" if i.kind == "account" else f"{i.resource_id} {i.topic or ''} ({i.host or ''})"
        detail = i.error or ""
        if i.status == "deferred" and i.not_before:
            detail = f"until {i.not_before}: {detail}".rstrip(": ")
        if verbose and not detail:
            detail = "; ".join(i.summary)
        table.add_row(str(i.seq), i.provider, resource, i.status, detail)
    console.print(table)


# -- HTML -----------------------------------------------------------------------------------------------

_CSS = """
:root{--ink:#1d2330;--muted:#5b6475;--line:#dde1e8;--bg:#f6f7f9;--ok:#1f7a3f;--bad:#b42318;--warn:#b54708}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 -apple-system,"Segoe UI",Roboto,"DejaVu Sans",Arial,sans-serif;
color:var(--ink);background:var(--bg)}main{max-width:1200px;margin:0 auto;padding:28px 32px 48px}
header{display:flex;justify-content:space-between;align-items:flex-end;border-bottom:3px solid var(--ink);
padding-bottom:12px;margin-bottom:20px}h1{font-size:24px;margin:0}h2{font-size:18px;margin:30px 0 10px}
h3{font-size:15px;margin:20px 0 8px}.meta{color:var(--muted);font-size:13px;text-align:right}
.verdict{padding:12px 16px;border-radius:6px;font-weight:600;margin-bottom:8px}
.verdict.ok{background:#e7f6ec;color:var(--ok);border:1px solid #b7e1c3}
.verdict.bad{background:#fdecea;color:var(--bad);border:1px solid #f4c2bd}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(250px,1fr));gap:14px}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:14px 16px}
.card h3{margin:0 0 6px;display:flex;justify-content:space-between;align-items:center}
.status{font-size:12px;padding:2px 8px;border-radius:10px;font-weight:600}
.status.ok{background:#e7f6ec;color:var(--ok)}.status.bad{background:#fdecea;color:var(--bad)}
.status.err{background:#fff4e5;color:var(--warn)}.big{font-size:30px;font-weight:700;line-height:1.1}
.sub{color:var(--muted);font-size:12.5px}.sevs{margin:8px 0 6px;display:flex;gap:6px;flex-wrap:wrap}
table{width:100%;border-collapse:collapse;background:#fff;border:1px solid var(--line);font-size:13px;
table-layout:fixed}th{background:#eef0f4;text-align:left;padding:7px 10px;font-weight:600;
border-bottom:1px solid var(--line)}td{padding:7px 10px;border-bottom:1px solid var(--line);vertical-align:top;
overflow-wrap:anywhere}tr:last-child td{border-bottom:0}
.badge{display:inline-block;padding:1px 7px;border-radius:9px;font-size:11.5px;font-weight:600;white-space:nowrap}
.critical{background:#7a0916;color:#fff}.high{background:#fdecea;color:#b42318}.medium{background:#fff4e5;color:#b54708}
.low{background:#eaf2fd;color:#1849a9}.info{background:#eef0f4;color:#5b6475}
code{font:12px/1.3 "DejaVu Sans Mono",Menlo,Consolas,monospace;background:#f1f3f6;padding:1px 4px;border-radius:3px}
.small{color:var(--muted);font-size:12px}.lock{font-size:11px;color:var(--muted)}
.group{background:#fff;border:1px solid var(--line);border-radius:8px;margin:0 0 14px;overflow:hidden}
.ghead{padding:9px 12px;background:#f8f9fb;border-bottom:1px solid var(--line);font-weight:600}
.ghead .count{float:right;color:var(--muted);font-weight:500;font-size:12.5px}
.gbody{padding:8px 12px 10px;display:grid;gap:4px}.label{display:inline-block;width:76px;color:var(--muted);
font-size:11.5px;text-transform:uppercase;letter-spacing:.03em}.ref{display:inline-block;background:#eef0f4;
border-radius:4px;padding:0 6px;margin-right:4px;font-size:12px}
.group table{border:0;border-top:1px solid var(--line)}.group th{background:#fbfbfc}
.cell{font-size:12.5px}.cell.ok{color:var(--ok)}.cell.gap{color:var(--muted)}.cell.err{color:var(--warn)}
footer{margin-top:32px;color:var(--muted);font-size:12px;border-top:1px solid var(--line);padding-top:10px}
@media print{body{background:#fff}main{padding:0}.card,.group,tr{break-inside:avoid}}
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _badge(severity: Severity) -> str:
    return f'<span class="badge {severity.value}">{severity.value}</span>'


def _resource_html(f: Finding) -> str:
    if f.resource.kind == "account":
        return "account settings"
    return (
        f"<code>{_e(f.resource.id)}</code> {_e(f.resource.topic or '')}"
        f'<br><span class="small">{_e(f.resource.host or f.resource.host_id or "")}</span>'
    )


def _group_html(rows: Sequence[Finding]) -> str:
    """One control on one platform: what is expected and why, once; then every resource that differs."""
    first = rows[0]
    refs = " ".join(f'<span class="ref">{_e(i)}</span>' for i in first.baseline_ids)
    lock = " <span class=lock>(lock)</span>" if first.aspect == "lock" else ""
    expected = "locked, so hosts cannot loosen it" if first.aspect == "lock" else first.expected
    items = "\n".join(f"<tr><td>{_resource_html(f)}</td><td>{_e(f.actual)}</td></tr>" for f in rows)
    noun = "resource" if len(rows) == 1 else "resources"
    return (
        f'<div class="group"><div class="ghead">{_badge(first.severity)} <code>{_e(first.control.value)}</code>'
        f'{lock}<span class="count">{len(rows)} {noun}</span></div><div class="gbody">'
        f'<div><span class="label">Expected</span>{_e(expected)}</div>'
        f'<div><span class="label">Fix</span>{_e(first.remediation)}</div>'
        + (f'<div><span class="label">Baseline</span>{refs}</div>' if refs else "")
        + '</div><table><colgroup><col style="width:45%"><col></colgroup>'
        f"<tr><th>Resource</th><th>Actual</th></tr>{items}</table></div>"
    )


def _gap_table(findings: Sequence[Finding]) -> str:
    rows = "\n".join(
        f"<tr><td>{_badge(f.severity)}</td><td><code>{_e(f.control.value)}</code>"
        f"{' <span class=lock>(lock)</span>' if f.aspect == 'lock' else ''}</td><td>{_e(f.expected)}</td>"
        f"<td>{_e(f.actual)}</td><td>{_e(f.remediation)}</td></tr>"
        for f in findings
    )
    return (
        '<table><colgroup><col style="width:80px"><col style="width:200px"><col style="width:17%">'
        '<col style="width:17%"><col></colgroup>'
        f"<tr><th>Severity</th><th>Control</th><th>Expected</th><th>Actual</th><th>Why / equivalent</th></tr>{rows}"
        "</table>"
    )


def _overview(report: AuditReport) -> str:
    """Control × platform: findings, not enforceable, or matching."""
    governed = list(dict.fromkeys(f.control for f in report.findings))
    if not governed:
        return ""
    governed.sort(key=list(Control).index)
    head = "".join(f"<th>{_e(p.display_name)}</th>" for p in report.providers)
    rows = []
    for control in governed:
        cells = []
        for p in report.providers:
            mine = [f for f in report.findings if f.provider == p.provider and f.control is control]
            bad = [f for f in mine if f.kind == "violation"]
            gaps = [f for f in mine if f.kind == "unsupported"]
            if p.error:
                cells.append('<td class="cell err">not audited</td>')
            elif bad:
                worst = min(bad, key=lambda f: f.severity.rank).severity
                extra = f'<br><span class="small">+ {len(gaps)} not enforceable</span>' if gaps else ""
                cells.append(
                    f'<td class="cell">{_badge(worst)} {len(bad)} finding{"s" if len(bad) > 1 else ""}{extra}</td>'
                )
            elif gaps:
                cells.append(f'<td class="cell gap">not enforceable ({len(gaps)})</td>')
            else:
                cells.append('<td class="cell ok">&#10003; matches policy</td>')
        rows.append(f"<tr><td><code>{_e(control.value)}</code></td>{''.join(cells)}</tr>")
    return (
        '<h2>By control</h2><table><colgroup><col style="width:260px"></colgroup>'
        f"<tr><th>Control</th>{head}</tr>{''.join(rows)}</table>"
        '<p class="small">Controls of the policy not listed here match it on every audited platform.</p>'
    )


def to_html(report: AuditReport, *, title: str = "Meeting security audit", district: str | None = None) -> str:
    """One self-contained HTML page (inline CSS; no scripts, fonts, images or other external assets)."""
    violations = report.violations
    if report.compliant:
        verdict = (
            f'<div class="verdict ok">Compliant: every enforceable control matches policy {_e(report.policy)}.'
            f" {len(report.unsupported)} platform limitation(s) are listed below.</div>"
        )
    else:
        platforms = sum(1 for p in report.providers if p.violations)
        parts = [f"{len(violations)} finding(s) on {platforms} platform(s)"] if violations else []
        if report.errors:
            parts.append(f"{len(report.errors)} platform(s) could not be audited")
        verdict = f'<div class="verdict bad">{_e("; ".join(parts))}.</div>'
    cards = []
    for p in report.providers:
        status, label = (
            ("err", "not audited") if p.error else ("bad", "findings") if p.violations else ("ok", "compliant")
        )
        sevs = "".join(
            f'<span class="badge {s.value}">{p.by_severity[s.value]} {s.value}</span>'
            for s in Severity
            if p.by_severity.get(s.value)
        )
        body = (
            f'<div class="sub" style="color:var(--warn)">{_e(p.error)}</div>'
            if p.error
            else f'<div class="big">{p.violations}</div><div class="sub">findings to fix</div>'
            f'<div class="sevs">{sevs}</div><div class="sub">{p.users} users · {p.meetings} upcoming meetings · '
            f"{p.checks} checks · {p.unsupported} not enforceable here</div>"
        )
        cards.append(
            f'<div class="card"><h3>{_e(p.display_name)}<span class="status {status}">{label}</span></h3>{body}</div>'
        )
    sections = []
    for p in report.providers:
        mine = [f for f in violations if f.provider == p.provider]
        gaps = [f for f in report.unsupported if f.provider == p.provider]
        if not mine and not gaps:
            continue
        sections.append(f"<h2>{_e(p.display_name)}</h2>")
        if mine:
            groups: dict[tuple[str, str, str], list[Finding]] = {}
            for f in mine:
                groups.setdefault((f.control.value, f.aspect, f.resource.kind), []).append(f)
            ordered = sorted(
                groups.values(),
                key=lambda g: (g[0].severity.rank, g[0].control.value, g[0].aspect, g[0].resource.kind != "account"),
            )
            sections.append(f"<h3>Findings ({len(mine)})</h3>" + "".join(_group_html(g) for g in ordered))
        if gaps:
            sections.append(
                f"<h3>Cannot be enforced on {_e(p.display_name)} ({len(gaps)})</h3>"
                '<p class="small">From the capability matrix and the platform\'s API: confkit cannot enforce these '
                "here. Handle them by procedure, or accept the risk.</p>" + _gap_table(gaps)
            )
    subtitle = f"{_e(district)} · " if district else ""
    policy_title = f" — {_e(report.policy_title)}" if report.policy_title else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{_e(title)} · {_e(report.policy)}</title><style>{_CSS}</style></head>
<body><main>
<header><div><h1>{_e(title)}</h1><div class="sub">{subtitle}policy <strong>{_e(report.policy)}</strong>{policy_title}
</div></div><div class="meta">generated {report.generated_at:%Y-%m-%d %H:%M} UTC<br>by confkit audit</div></header>
{verdict}
<h2>Summary per platform</h2>
<div class="cards">{"".join(cards)}</div>
{_overview(report)}
{"".join(sections)}
<footer>A lock finding's severity is one step below its control's: the value is right, but hosts can change it.
Baseline ids: CIS Zoom Benchmark v1.0.0 items; CISA SCuBA Google Meet baseline (GWS.MEET). Exit code of
<code>confkit audit</code>: 0 compliant, 1 findings, 2 error.</footer>
</main></body></html>
"""


__all__ = ["CSV_COLUMNS", "finding_row", "print_plan", "print_run", "print_table", "to_csv", "to_html", "to_json"]
