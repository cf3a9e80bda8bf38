"""``confkit demo``: the sandbox district on every platform confkit has a fake for."""

from __future__ import annotations

from collections import Counter

import typer

from confkit.cli.common import guarded, out
from confkit.cli.meetings import row as meeting_row
from confkit.cli.output import Format, dump, render
from confkit.cli.policy import policy_demo
from confkit.models import UserStatus
from confkit.sandbox import Sandbox

USER_COLUMNS = [("email", "Email"), ("display_name", "Name"), ("status", "Status"), ("license_type", "Licence"),
                ("org_unit", "Org unit")]
MEETING_COLUMNS = [("topic", "Topic"), ("host_email", "Host"), ("start", "Start (UTC)"), ("recurrence", "Repeats"),
                   ("passcode", "Passcode"), ("waiting_room", "Waiting room"), ("join_before_host", "JBH"),
                   ("mute_on_entry", "Mute")]


def _short(row: dict[str, object]) -> dict[str, object]:
    start = row.get("start_time")
    row["start"] = str(start)[:16].replace("T", " ") if start else None
    host = row.get("host_email")
    row["host_email"] = str(host).split("@")[0] if host else row.get("host_id")
    return row


@guarded
def demo(
    seed: int = typer.Option(7, "--seed", help="Seed of the generated district."),
    users_shown: int = typer.Option(8, "--users", help="How many users to show per platform."),
) -> None:
    """Seed the sandbox district (fake Zoom/Webex/Google) and show its users and meetings."""
    sandbox = Sandbox.create(seed=seed)
    d = sandbox.district
    out.rule(f"[bold]{d.name}[/]")
    out.print(
        f"staff domain [cyan]{d.staff_domain}[/], student domain [cyan]{d.student_domain}[/]: "
        f"{len(d.teachers)} teachers, {len(d.students)} students, {len(d.admins)} admins; "
        f"{len(d.meetings)} upcoming classes, {len(d.violations)} seeded security violations"
    )
    out.print(f"platforms in the sandbox: {', '.join(sandbox.providers)}  (in-process fakes, no network)\n")
    for provider in sandbox.connect_all():
        with provider:
            out.rule(f"[bold]{provider.display_name}[/]")
            users = list(provider.list_users())
            by_status = Counter(u.status.value for u in users)
            out.print(f"{len(users)} users ({', '.join(f'{n} {s}' for s, n in sorted(by_status.items()))})")
            render(
                out,
                (dump(u) for u in users[:users_shown]),
                USER_COLUMNS,
                Format.TABLE,
                title=f"First {users_shown} users",
            )
            meetings = [
                m for u in users if u.status is UserStatus.ACTIVE for m in provider.list_meetings(u.id or u.email)
            ]
            render(
                out,
                (meeting_row(m) for m in meetings),
                MEETING_COLUMNS,
                Format.TABLE,
                title=f"{len(meetings)} upcoming meetings",
            )
    policy_demo(sandbox, seed=seed)
